"""MobileNet V1, V2 and V3, and the skeleton every inverted-residual network in the zoo shares.

- Howard et al., 2017, "MobileNets: Efficient Convolutional Neural Networks for Mobile Vision
  Applications" (V1, Table 1): depthwise-separable convolutions.
- Sandler et al., 2018, "MobileNetV2: Inverted Residuals and Linear Bottlenecks" (Table 2).
- Howard et al., 2019, "Searching for MobileNetV3" (Tables 1 and 2): squeeze-excite with a
  hard-sigmoid gate, hard-swish, and a head that pools before its last two layers.

``width_mult`` is the papers' width multiplier α: every width is ``make_divisible(c · α, 8)``. The
resolution multiplier ρ is simply the input size (these nets take any): MACs grow with ρ², the
parameters stay. torchvision and timm round the stem and head differently for MobileNetV3; the
``rounding`` argument picks either. BatchNorm epsilon and momentum differ by source too
(``bn_eps``, ``bn_momentum``; the timm aliases set timm's).
"""

from __future__ import annotations

from collections import OrderedDict
from functools import partial
from typing import NamedTuple

import torch
from torch import nn

from zoo.blocks import (
    ClassifierHead, ConvNormAct, DepthwiseSeparable, InvertedResidual, drop_path_rates, make_divisible,
)
from zoo.registry import build, register

from .base import FeatureInfo, HeadConvBackbone
from .foreign import mmpretrain_keys, sort_keys

__all__ = ["MobileBackbone", "MobileNetV1", "MobileNetV2", "MobileNetV3", "convert_in_order", "convert_mmpretrain",
           "pair_in_order"]


class MobileBackbone(HeadConvBackbone):
    """Stem conv → blocks → optional 1×1 head conv → classifier: MobileNet, MnasNet and EfficientNet.

    A family builds its blocks from its table and calls :meth:`assemble`, which groups them into one
    feature stage per resolution (a stage starts at every strided block; the stem opens the first), so
    ``feature_info`` has strides 2, 4, 8, 16, 32 and block ``i`` of the table is ``stages.<s>.<i>``.
    """

    def assemble(self, in_chans: int, stem: nn.Module, blocks: list[nn.Module], conv_head: nn.Module | None,
                 head: ClassifierHead) -> None:
        self.in_chans = in_chans
        groups, reduction = [OrderedDict(stem=stem)], stem.conv.stride[0]
        self.feature_info = []
        chs = stem.out_channels
        for i, block in enumerate(blocks):
            if block.stride > 1:
                self.feature_info.append(FeatureInfo(chs, reduction, f"stages.{len(groups) - 1}"))
                groups.append(OrderedDict())
                reduction *= block.stride
            groups[-1][str(i)] = block
            chs = block.out_chs
        self.feature_info.append(FeatureInfo(chs, reduction, f"stages.{len(groups) - 1}"))
        self.stages = nn.Sequential(*(nn.Sequential(g) for g in groups))
        self.conv_head = conv_head
        self.head = head
        self._init_weights()

    def _init_weights(self) -> None:
        for m in self.modules():
            if isinstance(m, nn.Conv2d):
                nn.init.kaiming_normal_(m.weight, mode="fan_out")
                if m.bias is not None:
                    nn.init.zeros_(m.bias)
            elif isinstance(m, nn.Linear):
                nn.init.normal_(m.weight, 0, 0.01)
                nn.init.zeros_(m.bias)


def _check_width(width_mult: float) -> None:
    if not width_mult > 0:
        raise ValueError(f"width_mult must be > 0, got {width_mult}")


def _batchnorm(eps: float, momentum: float):
    return partial(nn.BatchNorm2d, eps=eps, momentum=momentum)


# ------------------------------------------------------------------------------------------ MobileNetV1

# Table 1 of the paper: (output channels, stride) of each depthwise-separable layer after the stem.
V1_LAYERS = ((64, 1), (128, 2), (128, 1), (256, 2), (256, 1), (512, 2)) + ((512, 1),) * 5 + ((1024, 2), (1024, 1))


class MobileNetV1(MobileBackbone):
    """Conv 3×3/2 (32) → 13 depthwise-separable layers → pool → linear. ReLU6, as the reference (timm)."""

    def __init__(self, width_mult: float = 1.0, num_classes: int = 1000, in_chans: int = 3, drop_rate: float = 0.0,
                 drop_path_rate: float = 0.0, bn_eps: float = 1e-5, bn_momentum: float = 0.1):
        super().__init__()
        _check_width(width_mult)
        if drop_path_rate:
            raise ValueError(
                f"MobileNetV1 has no residual branches to drop; drop_path_rate must be 0, got {drop_path_rate}"
            )
        norm, act = _batchnorm(bn_eps, bn_momentum), nn.ReLU6
        stem = ConvNormAct(in_chans, make_divisible(32 * width_mult), 3, 2, norm=norm, act=act)
        blocks, in_chs = [], stem.out_channels
        for out, stride in V1_LAYERS:
            blocks.append(DepthwiseSeparable(in_chs, make_divisible(out * width_mult), stride=stride, act=act,
                                             norm=norm))
            in_chs = blocks[-1].out_chs
        self.assemble(in_chans, stem, blocks, None, ClassifierHead(in_chs, num_classes, drop_rate=drop_rate))


# ------------------------------------------------------------------------------------------ MobileNetV2

# Table 2 of the paper: expansion t, output channels c, repeats n, stride s of the first repeat.
V2_STAGES = ((1, 16, 1, 1), (6, 24, 2, 2), (6, 32, 3, 2), (6, 64, 4, 2), (6, 96, 3, 1), (6, 160, 3, 2), (6, 320, 1, 1))


class MobileNetV2(MobileBackbone):
    """Conv 3×3/2 (32) → 17 inverted residuals (ReLU6) → conv 1×1 (1280) → pool → linear.

    The head conv widens with α > 1 but never narrows below 1280 (torchvision and timm agree).
    """

    def __init__(self, width_mult: float = 1.0, num_classes: int = 1000, in_chans: int = 3, drop_rate: float = 0.2,
                 drop_path_rate: float = 0.0, bn_eps: float = 1e-5, bn_momentum: float = 0.1):
        super().__init__()
        _check_width(width_mult)
        norm, act = _batchnorm(bn_eps, bn_momentum), nn.ReLU6
        stem = ConvNormAct(in_chans, make_divisible(32 * width_mult), 3, 2, norm=norm, act=act)
        rows = [(t, c, s if i == 0 else 1) for t, c, n, s in V2_STAGES for i in range(n)]
        rates = drop_path_rates(drop_path_rate, [len(rows)], reach_max=False)[0]
        blocks, in_chs = [], stem.out_channels
        for (t, c, s), rate in zip(rows, rates):
            out = make_divisible(c * width_mult)
            blocks.append(InvertedResidual(in_chs, out, stride=s, mid_chs=in_chs * t, act=act, norm=norm,
                                           drop_path=rate))
            in_chs = out
        head_chs = make_divisible(1280 * max(1.0, width_mult))
        conv_head = ConvNormAct(in_chs, head_chs, 1, padding=0, norm=norm, act=act)
        self.assemble(in_chans, stem, blocks, conv_head, ClassifierHead(head_chs, num_classes, drop_rate=drop_rate))


# ------------------------------------------------------------------------------------------ MobileNetV3

class Row(NamedTuple):
    """One row of MobileNetV3's Tables 1 and 2 (the input column is implied by the previous row)."""

    kernel: int
    exp_size: int  # width of the depthwise conv
    out: int
    se: bool
    nl: str  # "RE" (ReLU) or "HS" (hard-swish)
    stride: int


NL = {"RE": nn.ReLU, "HS": nn.Hardswish}

V3_LARGE = (  # Table 1; stem: conv 3×3/2, 16, HS
    Row(3, 16, 16, False, "RE", 1),
    Row(3, 64, 24, False, "RE", 2),
    Row(3, 72, 24, False, "RE", 1),
    Row(5, 72, 40, True, "RE", 2),
    Row(5, 120, 40, True, "RE", 1),
    Row(5, 120, 40, True, "RE", 1),
    Row(3, 240, 80, False, "HS", 2),
    Row(3, 200, 80, False, "HS", 1),
    Row(3, 184, 80, False, "HS", 1),
    Row(3, 184, 80, False, "HS", 1),
    Row(3, 480, 112, True, "HS", 1),
    Row(3, 672, 112, True, "HS", 1),
    Row(5, 672, 160, True, "HS", 2),
    Row(5, 960, 160, True, "HS", 1),
    Row(5, 960, 160, True, "HS", 1),
)  # then conv 1×1 960 (HS) → pool → 1×1 1280 (HS, no BN) → 1×1 k

V3_SMALL = (  # Table 2
    Row(3, 16, 16, True, "RE", 2),
    Row(3, 72, 24, False, "RE", 2),
    Row(3, 88, 24, False, "RE", 1),
    Row(5, 96, 40, True, "HS", 2),
    Row(5, 240, 40, True, "HS", 1),
    Row(5, 240, 40, True, "HS", 1),
    Row(5, 120, 48, True, "HS", 1),
    Row(5, 144, 48, True, "HS", 1),
    Row(5, 288, 96, True, "HS", 2),
    Row(5, 576, 96, True, "HS", 1),
    Row(5, 576, 96, True, "HS", 1),
)  # then conv 1×1 576 (HS) → pool → 1×1 1024 (HS, no BN) → 1×1 k

V3_ARCHS = {"large": (V3_LARGE, 960, 1280), "small": (V3_SMALL, 576, 1024)}


class MobileNetV3(MobileBackbone):
    """MobileNetV3-Large or -Small from its table.

    Args:
        arch: "large" (Table 1) or "small" (Table 2).
        width_mult: α; every width is ``make_divisible(c · α, 8)``.
        rounding: how α reaches the widths the table does not scale alike in the references.
            "torchvision": every width is the table's scaled (stem, each ``exp size``, the 1280/1024 head).
            "timm": the stem stays 16 for α < 0.75, each ``exp size`` is the scaled input width times the
            table's expansion ratio, and the 1280/1024 head is not scaled.
        bn_eps, bn_momentum: torchvision's defaults (timm uses 1e-5 and 0.1).
    """

    def __init__(self, arch: str = "large", width_mult: float = 1.0, rounding: str = "torchvision",
                 num_classes: int = 1000, in_chans: int = 3, drop_rate: float = 0.2, drop_path_rate: float = 0.0,
                 bn_eps: float = 1e-3, bn_momentum: float = 0.01):
        super().__init__()
        if arch not in V3_ARCHS:
            raise ValueError(f"arch must be one of {', '.join(V3_ARCHS)}, got {arch!r}")
        if rounding not in ("torchvision", "timm"):
            raise ValueError(f"rounding must be 'torchvision' or 'timm', got {rounding!r}")
        _check_width(width_mult)
        table, last_chs, hidden = V3_ARCHS[arch]
        timm = rounding == "timm"
        scale = lambda c: make_divisible(c * width_mult)  # noqa: E731
        norm = _batchnorm(bn_eps, bn_momentum)
        stem = ConvNormAct(in_chans, 16 if timm and width_mult < 0.75 else scale(16), 3, 2, norm=norm, act=nn.Hardswish)
        rates = drop_path_rates(drop_path_rate, [len(table)], reach_max=False)[0]
        blocks, in_chs, table_in = [], stem.out_channels, 16
        for row, rate in zip(table, rates):
            mid = make_divisible(in_chs * row.exp_size / table_in) if timm else scale(row.exp_size)
            se_chs = make_divisible(mid // 4) if row.se else 0
            blocks.append(InvertedResidual(
                in_chs, scale(row.out), kernel_size=row.kernel, stride=row.stride, mid_chs=mid, se_chs=se_chs,
                act=NL[row.nl], se_act=nn.ReLU, se_gate=nn.Hardsigmoid, norm=norm, drop_path=rate,
            ))
            in_chs, table_in = scale(row.out), row.out
        last = scale(last_chs) if timm else 6 * in_chs  # 960 = 6 × 160, 576 = 6 × 96
        conv_head = ConvNormAct(in_chs, last, 1, padding=0, norm=norm, act=nn.Hardswish)
        hidden = hidden if timm else scale(hidden)
        pre_logits = nn.Sequential(OrderedDict(fc=nn.Linear(last, hidden), act=nn.Hardswish(inplace=True)))
        head = ClassifierHead(last, num_classes, drop_rate=drop_rate, pre_logits=pre_logits, num_features=hidden)
        self.assemble(in_chans, stem, blocks, conv_head, head)


register("mobilenet_v1", MobileNetV1)
register("mobilenet_v2", MobileNetV2)
register("mobilenet_v3_large", MobileNetV3, arch="large")
register("mobilenet_v3_small", MobileNetV3, arch="small")


# ------------------------------------------------------------------------------------ foreign checkpoints

# The order in which each reference registers its layers, for checkpoints that arrive with their keys
# sorted by name (safetensors files do): timm's top level, each kind of timm block (told apart by the
# layers it has), and every module's tensors.
_TIMM_TOP = ("conv_stem", "bn1", "blocks", "conv_head", "bn2", "classifier")
_TIMM_BLOCKS = (  # (layers that identify the block, its layers in order)
    ({"conv_pw", "conv_dw", "conv_pwl"}, ("conv_pw", "bn1", "conv_dw", "bn2", "se", "conv_pwl", "bn3")),
    ({"conv_exp", "conv_pwl"}, ("conv_exp", "bn1", "se", "conv_pwl", "bn2")),
    ({"conv_dw", "conv_pw"}, ("conv_dw", "bn1", "se", "conv_pw", "bn2")),
    ({"conv"}, ("conv", "bn1")),
)
_SE = ("conv_reduce", "conv_expand", "fc1", "fc2")
_TENSORS = ("weight", "bias", "running_mean", "running_var", "num_batches_tracked")


def _registration_order(state_dict: dict) -> dict:
    """``state_dict`` with its keys in the reference model's own registration order."""
    blocks: dict[str, set[str]] = {}
    for key in state_dict:
        parts = key.split(".")
        if parts[0] == "blocks" and len(parts) > 4:
            blocks.setdefault(".".join(parts[:3]), set()).add(parts[3])

    def rank(key: str) -> tuple:
        parts = key.split(".")
        out = []
        if parts[0] in _TIMM_TOP:
            out.append(_TIMM_TOP.index(parts[0]))
        else:  # torchvision: features/layers, then the classifier
            out.append(len(_TIMM_TOP) if parts[0] == "classifier" else -1)
        layers = next((order for marks, order in _TIMM_BLOCKS if marks <= blocks.get(".".join(parts[:3]), set())), ())
        for i, part in enumerate(parts[1:-1], start=1):
            if part.isdigit():
                out.append(int(part))
            elif parts[0] == "blocks" and i == 3 and part in layers:
                out.append(layers.index(part))
            else:
                out.append(_SE.index(part) if part in _SE else 0)
        out.append(_TENSORS.index(parts[-1]) if parts[-1] in _TENSORS else len(_TENSORS))
        return tuple(out)

    return {k: state_dict[k] for k in sorted(state_dict, key=rank)}


def convert_in_order(state_dict: dict, name: str) -> dict:
    """torchvision's and timm's keys → the zoo's, by position.

    Every reference of these families registers its layers in the order the zoo does (stem, blocks,
    head conv, classifier; in a block: expand, depthwise, squeeze-excite, project), so once the
    checkpoint's keys are put back into that order the i-th tensor of one state dict is the i-th of
    the other. Each pair is checked to be the same kind of tensor; timm's 1×1-conv head layer
    becomes a linear one.
    """
    return pair_in_order(_registration_order(state_dict), name)


# mmpretrain's MobileNetV2 (conv1, layer1..7, conv2), MobileNetV3 (layer0..N), EfficientNet/V2 (layers.N)
# and their blocks (expand_conv, depthwise_conv, se.conv1/conv2, linear_conv; Fused-MBConv conv1, conv2;
# ConvModule conv, bn), with the classifier head (head.fc, or head.layers.0/1.fc) last
MMPRETRAIN_ORDER = ("conv1", "conv", "layer*", "layers", "expand_conv", "depthwise_conv", "se", "linear_conv", "conv2",
                    "bn", "fc", "head")


def convert_mmpretrain(state_dict: dict, name: str) -> dict:
    """mmpretrain's keys → the zoo's, by position: its MobileNets and EfficientNets register their layers
    in the zoo's order too."""
    return pair_in_order(sort_keys(mmpretrain_keys(state_dict, {"head.": "head."}), MMPRETRAIN_ORDER), name)


def pair_in_order(state_dict: dict, name: str) -> dict:
    """The i-th tensor of ``state_dict`` (already in registration order) → the i-th key of the zoo model."""
    with torch.device("meta"):
        zoo_keys = {k: v.ndim for k, v in build(name).state_dict().items()}
    if len(zoo_keys) != len(state_dict):
        raise ValueError(f"{name}: the checkpoint has {len(state_dict)} tensors, the zoo model {len(zoo_keys)}; "
                         "it is not this architecture")
    out = {}
    for (ref_key, value), (key, ndim) in zip(state_dict.items(), zoo_keys.items()):
        if ref_key.rsplit(".", 1)[-1] != key.rsplit(".", 1)[-1]:
            raise ValueError(f"{name}: checkpoint tensor {ref_key!r} does not line up with {key!r}")
        out[key] = value.flatten(1) if value.ndim == 4 and ndim == 2 else value
    return out


CONVERTERS = {"torchvision": convert_in_order, "timm": convert_in_order, "mmpretrain": convert_mmpretrain}
