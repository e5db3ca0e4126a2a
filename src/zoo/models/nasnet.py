"""NASNet-A: Zoph et al., 2017, "Learning Transferable Architectures for Scalable Image Recognition".

The search found two cells (Fig. 4), each five blocks; a block applies one operation to each of two
hidden states and adds the results. Hidden state 0 is the output of the cell before last (h_{i-1}),
1 the previous cell's (h_i), 2… the cell's own blocks; the unused states are concatenated. A reduction
cell applies its operations on the cell inputs at stride 2. ``NORMAL_CELL`` and ``REDUCTION_CELL``
below are those figures as data, and one ``Cell`` builds either.

NASNet-A Large ("6 @ 4032", the weights of the paper's TensorFlow release, ported by timm): a 3×3/2
conv, two reduction cells as the ImageNet stem, then 6 normal cells, a reduction, 6 normal, a
reduction, 6 normal, with the filter count doubling at each reduction.
"""

from __future__ import annotations

import re
from collections import OrderedDict
from functools import partial
from typing import NamedTuple

import torch
import torch.nn.functional as F
from torch import nn

from zoo.blocks import ClassifierHead, ConvNormAct, DropPath, PadSame
from zoo.keys import rename_keys
from zoo.registry import get_entry, register

from .base import Backbone, FeatureInfo

__all__ = ["NASNet", "CellSpec", "NORMAL_CELL", "REDUCTION_CELL"]

# the TensorFlow release's BatchNorm
BatchNorm = partial(nn.BatchNorm2d, eps=1e-3, momentum=0.1)


class CellSpec(NamedTuple):
    """Five blocks ``(op, input, op, input)`` (their sum is the block's output) and the states concatenated."""

    blocks: tuple[tuple[str, int, str, int], ...]
    concat: tuple[int, ...]
    reduction: bool  # operations on the cell inputs (states 0 and 1) have stride 2


NORMAL_CELL = CellSpec(
    blocks=(("sep5", 1, "sep3", 0), ("sep5", 0, "sep3", 0), ("avg3", 1, "id", 0), ("avg3", 0, "avg3", 0),
            ("sep3", 1, "id", 1)),
    concat=(0, 2, 3, 4, 5, 6),
    reduction=False,
)
REDUCTION_CELL = CellSpec(
    blocks=(("sep5", 1, "sep7", 0), ("max3", 1, "sep7", 0), ("avg3", 1, "sep5", 0), ("id", 3, "avg3", 2),
            ("sep3", 2, "max3", 1)),
    concat=(3, 4, 5, 6),
    reduction=True,
)


# ------------------------------------------------------------------------------------------- operations

def _relu_conv_bn(in_chs: int, out_chs: int) -> nn.Sequential:
    """ReLU → 1×1 conv → BN: brings a cell input to the cell's width."""
    return nn.Sequential(OrderedDict(act=nn.ReLU(), conv=ConvNormAct(in_chs, out_chs, 1, padding=0, norm=BatchNorm, act=None)))


def _separable(in_chs: int, out_chs: int, kernel_size: int, *, stride: int, inplace: bool) -> nn.Sequential:
    """ReLU → depthwise k×k ("SAME" padding) → pointwise 1×1 → BN."""
    layers = OrderedDict(act=nn.ReLU(inplace=inplace))
    padding = (kernel_size - 1) // 2
    if stride > 1:  # TensorFlow pads a strided window asymmetrically
        layers["pad"], padding = PadSame(kernel_size, stride), 0
    layers["dw"] = ConvNormAct(in_chs, in_chs, kernel_size, stride, padding, groups=in_chs, norm=None, act=None, bias=False)
    layers["pw"] = ConvNormAct(in_chs, out_chs, 1, padding=0, norm=BatchNorm, act=None)
    return nn.Sequential(layers)


def _pool(kind: str, stride: int) -> nn.Module:
    if stride == 1:  # symmetric padding; the average leaves the padding out
        return nn.MaxPool2d(3, 1, 1) if kind == "max" else nn.AvgPool2d(3, 1, 1, count_include_pad=False)
    if kind == "max":
        return nn.Sequential(PadSame(3, stride, value=float("-inf")), nn.MaxPool2d(3, stride))
    # the reference zero-pads first and then averages over the whole window, padding included
    return nn.Sequential(PadSame(3, stride), nn.AvgPool2d(3, stride, count_include_pad=True))


OPS = ("sep3", "sep5", "sep7", "avg3", "max3", "id")


def make_op(op: str, in_chs: int, out_chs: int, *, stride: int) -> nn.Module:
    """One of the cell's operations. A separable op is two ReLU-sep-conv-BN, the second at stride 1."""
    if op not in OPS or (op == "id" and stride != 1):
        raise ValueError(f"unknown operation {op!r} at stride {stride}; expected one of {OPS} ('id' at stride 1 only)")
    if op.startswith("sep"):
        k = int(op[3:])
        # the op's input is a hidden state other ops read too: only the second ReLU may work in place
        first = _separable(in_chs, out_chs, k, stride=stride, inplace=False)
        second = _separable(out_chs, out_chs, k, stride=1, inplace=True)
        return nn.Sequential(OrderedDict(sep1=first, sep2=second))
    if in_chs != out_chs:
        raise ValueError(f"operation {op!r} cannot change the width ({in_chs} → {out_chs}): only 'sep*' operations can")
    return nn.Identity() if op == "id" else _pool(op[:3], stride)


class FactorizedReduce(nn.Module):
    """Halve a cell input that is twice the size of the other: two 1×1 convs on the even and the odd pixels."""

    def __init__(self, in_chs: int, out_chs: int):
        super().__init__()
        self.path1 = nn.Conv2d(in_chs, out_chs // 2, 1, bias=False)
        self.path2 = nn.Conv2d(in_chs, out_chs - out_chs // 2, 1, bias=False)
        self.norm = BatchNorm(out_chs)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        x = F.relu(x)
        shifted = F.pad(x, (-1, 1, -1, 1))  # one pixel up and left, zeros at the end
        return self.norm(torch.cat([self.path1(x[:, :, ::2, ::2]), self.path2(shifted[:, :, ::2, ::2])], 1))


# ------------------------------------------------------------------------------------------------ cells

class Block(nn.Module):
    """``left(h[a]) + right(h[b])``; stochastic depth drops each operation that is not the identity."""

    def __init__(self, left: nn.Module, right: nn.Module, drop_path: float):
        super().__init__()
        self.left, self.right = left, right
        self.drop_path = DropPath(drop_path) if drop_path > 0 else nn.Identity()
        self.drop_left, self.drop_right = not isinstance(left, nn.Identity), not isinstance(right, nn.Identity)

    def forward(self, a: torch.Tensor, b: torch.Tensor) -> torch.Tensor:
        a, b = self.left(a), self.right(b)
        return (self.drop_path(a) if self.drop_left else a) + (self.drop_path(b) if self.drop_right else b)


class Cell(nn.Module):
    """A normal or reduction cell built from its ``CellSpec``.

    Takes and returns the pair (h_i, h_{i-1}) so that cells chain in an ``nn.Sequential``.

    Args:
        prev: how the older input h_{i-1} is brought to ``chs`` channels: "conv" (ReLU-1×1-BN), "reduce"
            (it is twice the size of h_i: ``FactorizedReduce``) or "raw" (the first cell: the stem's output,
            which the separable operations take as it is).
        skip_input: pass the cell's own h_{i-1}, not its h_i, on as the next cell's h_{i-1} (NASNet's body
            reduction cells: the next cell sees through them).
    """

    def __init__(self, spec: CellSpec, *, cur_chs: int, prev_chs: int, chs: int, prev: str, skip_input: bool = False,
                 drop_path: float = 0.0):
        super().__init__()
        if prev not in ("conv", "reduce", "raw"):
            raise ValueError(f"prev must be 'conv', 'reduce' or 'raw', got {prev!r}")
        self.spec, self.skip_input = spec, skip_input
        self.pre_prev = {"conv": _relu_conv_bn, "reduce": FactorizedReduce, "raw": lambda i, o: nn.Identity()}[prev](prev_chs, chs)
        self.pre_cur = _relu_conv_bn(cur_chs, chs)
        widths = [prev_chs if prev == "raw" else chs, chs] + [chs] * len(spec.blocks)
        blocks = []
        for op_a, a, op_b, b in spec.blocks:
            stride_a, stride_b = (2 if spec.reduction and i < 2 else 1 for i in (a, b))
            left = make_op(op_a, widths[a], chs, stride=stride_a)
            blocks.append(Block(left, make_op(op_b, widths[b], chs, stride=stride_b), drop_path))
        self.blocks = nn.ModuleList(blocks)
        self.out_chs = chs * len(spec.concat)

    def forward(self, state: tuple[torch.Tensor, torch.Tensor]) -> tuple[torch.Tensor, torch.Tensor]:
        cur, prev = state
        h = [self.pre_prev(prev), self.pre_cur(cur)]
        for block, (_, a, _, b) in zip(self.blocks, self.spec.blocks):
            h.append(block(h[a], h[b]))
        return torch.cat([h[i] for i in self.spec.concat], 1), (prev if self.skip_input else cur)


class Stem(nn.Module):
    """3×3/2 conv (no padding) → BN; its output is both inputs of the first cell."""

    def __init__(self, in_chans: int, out_chs: int):
        super().__init__()
        self.conv = ConvNormAct(in_chans, out_chs, 3, 2, padding=0, norm=BatchNorm, act=None)

    def forward(self, x: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        x = self.conv(x)
        return x, x


# ------------------------------------------------------------------------------------------------ model

class NASNet(Backbone):
    """Stem conv → stem cells → stages of ``cells_per_stage`` normal cells after a reduction cell → pool → linear.

    Args:
        cells_per_stage: N, the normal cells between reductions (6 in NASNet-A Large).
        penultimate_filters: width of the last feature map (4032); the first stage's cells are 1/24 of it.
        stem_width: output channels of the stem conv.
        drop_path_rate: ScheduledDropPath (Section 4): each operation of a cell is dropped with a
            probability that grows linearly with the cell's depth, to ``drop_path_rate`` at the last cell.
    """

    min_input_size = 3  # the unpadded 3×3 stem conv

    def __init__(
        self,
        cells_per_stage: int = 6,
        penultimate_filters: int = 4032,
        stem_width: int = 96,
        num_classes: int = 1000,
        in_chans: int = 3,
        drop_rate: float = 0.0,
        drop_path_rate: float = 0.0,
    ):
        super().__init__()
        if penultimate_filters <= 0 or penultimate_filters % 96:  # the first stem cell is 1/96 of it wide
            raise ValueError(f"penultimate_filters must be a positive multiple of 96, got {penultimate_filters}")
        self.in_chans = in_chans
        chs = penultimate_filters // 24  # normal cells concatenate 6 states: 6·chs in the first stage, ×2 per reduction
        # (stage, spec, width): two stem reduction cells, then [reduction] + N normal cells per stage
        layout = [("s1", REDUCTION_CELL, chs // 4), ("s2", REDUCTION_CELL, chs // 2)]
        layout += [("s2", NORMAL_CELL, chs)] * cells_per_stage
        for stage, width in (("s3", 2 * chs), ("s4", 4 * chs)):
            layout += [(stage, REDUCTION_CELL, width)] + [(stage, NORMAL_CELL, width)] * cells_per_stage
        rates = [drop_path_rate * (i + 1) / len(layout) for i in range(len(layout))]

        stages = OrderedDict(stem=Stem(in_chans, stem_width))
        self.feature_info = [FeatureInfo(stem_width, 2, "stages.stem")]
        cur, prev = (stem_width, 2), (stem_width, 2)  # (channels, reduction) of h_i and h_{i-1}
        for i, (stage, spec, width) in enumerate(layout):
            kind = "raw" if i == 0 else "reduce" if prev[1] < cur[1] else "conv"
            skip = spec.reduction and i >= 2  # the stem cells do not skip
            cell = Cell(spec, cur_chs=cur[0], prev_chs=prev[0], chs=width, prev=kind, skip_input=skip,
                        drop_path=rates[i])
            out = (cell.out_chs, cur[1] * (2 if spec.reduction else 1))
            cur, prev = out, (prev if skip else cur)
            if stage not in stages:
                stages[stage] = nn.Sequential()
                self.feature_info.append(None)
            stages[stage].append(cell)
            self.feature_info[-1] = FeatureInfo(cur[0], cur[1], f"stages.{stage}")
        self.stages = nn.Sequential(stages)
        self.head = ClassifierHead(cur[0], num_classes, drop_rate=drop_rate)

    def to_nchw(self, x: tuple[torch.Tensor, torch.Tensor], index: int) -> torch.Tensor:
        """A stage's h_i; after a cell, activated as the next cell (and the head) reads it. h_i may come
        alone: torchvision's ``create_feature_extractor`` takes a stage's last graph node, which is h_i
        itself (the stem's conv, a cell's concatenation), not the (h_i, h_{i-1}) pair the stage returns."""
        h = x if isinstance(x, torch.Tensor) else x[0]
        return h if index == 0 else F.relu(h)

    def forward_post(self, x: tuple[torch.Tensor, torch.Tensor]) -> torch.Tensor:
        return self.to_nchw(x, len(self.stages) - 1)


register("nasnet_a_large", NASNet, cells_per_stage=6, penultimate_filters=4032, stem_width=96)


# ------------------------------------------------------------------------------------ foreign checkpoints

def _cell_name(timm_name: str, n: int) -> str:
    """timm's cell attribute → stages.<stage>.<index> for N normal cells per stage."""
    if timm_name.startswith("cell_stem_"):
        return "stages.s1.0" if timm_name == "cell_stem_0" else "stages.s2.0"
    if timm_name.startswith("reduction_cell_"):
        return f"stages.s{int(timm_name[-1]) + 3}.0"
    i = int(timm_name[5:])
    return f"stages.s{i // n + 2}.{i % n + 1}"


def _conv_or_norm(m: re.Match) -> str:
    return "conv" if m[2] == "conv" else "norm"


TIMM_KEYS = [  # conv0, cell_stem_0, cell_5.comb_iter_0_left.separable_1.depthwise_conv2d, … → the zoo's
    (r"^conv0\.conv\.", "stages.stem.conv.conv."), (r"^conv0\.bn\.", "stages.stem.conv.norm."),
    (r"^last_linear\.", "head.fc."),
    (r"\.conv_(1x1|prev_1x1)\.(conv|bn)\.",
     lambda m: f".{'pre_cur' if m[1] == '1x1' else 'pre_prev'}.conv.{_conv_or_norm(m)}."),
    (r"\.path_(\d)\.conv\.", r".pre_prev.path\1."), (r"\.final_path_bn\.", ".pre_prev.norm."),
    (r"\.comb_iter_(\d)_(left|right)\.", r".blocks.\1.\2."),
    (r"\.separable_(\d)\.depthwise_conv2d\.", r".sep\1.dw.conv."),
    (r"\.separable_(\d)\.pointwise_conv2d\.", r".sep\1.pw.conv."), (r"\.bn_sep_(\d)\.", r".sep\1.pw.norm."),
]


def convert_timm(state_dict: dict, name: str) -> dict:
    n = get_entry(name).config["cells_per_stage"]
    cells = [(r"^(cell_stem_\d|reduction_cell_\d|cell_\d+)\.", lambda m: _cell_name(m[1], n) + ".")]
    return rename_keys(state_dict, cells + TIMM_KEYS)


CONVERTERS = {"timm": convert_timm}
