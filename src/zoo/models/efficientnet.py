"""EfficientNet B0–B7, EfficientNetV2 S/M/L and MnasNet: the inverted-residual nets found by search.

- Tan et al., 2018, "MnasNet: Platform-Aware Neural Architecture Search for Mobile" (MnasNet-B1, the
  version without squeeze-excite that torchvision and timm build).
- Tan & Le, 2019, "EfficientNet: Rethinking Model Scaling for Convolutional Neural Networks": B0 is
  searched (Table 1); B1–B7 are B0 scaled in width, depth and resolution together.
- Tan & Le, 2021, "EfficientNetV2: Smaller Models and Faster Training" (Table 4; M and L from the
  released code): Fused-MBConv in the early stages.
- EfficientNet-Lite (Google's tensorflow/tpu repository, "EfficientNet-lite", 2020): B0's table for
  mobile accelerators — no squeeze-excite, ReLU6 instead of SiLU, and the stem, head and first and last
  stages kept fixed while the rest scales (scaling them costs much latency for little accuracy).

All three are the :class:`~zoo.models.mobilenet.MobileBackbone` skeleton: stem conv 3×3/2 → a table
of stages → conv 1×1 → pool → linear. BatchNorm epsilon and momentum differ by source (``bn_eps``,
``bn_momentum``): torchvision's B5–B7 and V2 were ported from TensorFlow and use eps 1e-3, timm's
``efficientnet_b5`` … use 1e-5.
"""

from __future__ import annotations

import math
from functools import partial
from typing import NamedTuple

from torch import nn

from zoo.blocks import ClassifierHead, ConvNormAct, FusedMBConv, InvertedResidual, drop_path_rates, make_divisible
from zoo.registry import register

from .foreign import sort_keys
from .mobilenet import MobileBackbone, convert_in_order, convert_mmpretrain, pair_in_order

__all__ = ["EfficientNet", "EfficientNetLite", "MnasNet"]


class Stage(NamedTuple):
    """One row of the papers' tables: ``layers`` blocks, the first with ``stride``."""

    block: str  # "mb" (MBConv: expand, depthwise, SE, project) or "fused" (Fused-MBConv)
    expand: int
    kernel: int
    stride: int
    out: int
    layers: int
    se: bool  # squeeze-excite, squeezed to a quarter of the block's input width


# EfficientNet-B0, Table 1 (stem: conv 3×3/2, 32; head: conv 1×1, 1280).
B0 = (
    Stage("mb", 1, 3, 1, 16, 1, True),
    Stage("mb", 6, 3, 2, 24, 2, True),
    Stage("mb", 6, 5, 2, 40, 2, True),
    Stage("mb", 6, 3, 2, 80, 3, True),
    Stage("mb", 6, 5, 1, 112, 3, True),
    Stage("mb", 6, 5, 2, 192, 4, True),
    Stage("mb", 6, 3, 1, 320, 1, True),
)

# Compound scaling (Section 3.3): depth α^φ, width β^φ, resolution γ^φ with α = 1.2, β = 1.1, γ = 1.15,
# as released (rounded): name → (width, depth, resolution, dropout). Resolution is the input size.
COMPOUND = {
    "b0": (1.0, 1.0, 224, 0.2),
    "b1": (1.0, 1.1, 240, 0.2),
    "b2": (1.1, 1.2, 260, 0.3),
    "b3": (1.2, 1.4, 300, 0.3),
    "b4": (1.4, 1.8, 380, 0.4),
    "b5": (1.6, 2.2, 456, 0.4),
    "b6": (1.8, 2.6, 528, 0.5),
    "b7": (2.0, 3.1, 600, 0.5),
}

# EfficientNetV2, Table 4 (S) and the released M and L (head: conv 1×1, 1280).
V2_S = (
    Stage("fused", 1, 3, 1, 24, 2, False),
    Stage("fused", 4, 3, 2, 48, 4, False),
    Stage("fused", 4, 3, 2, 64, 4, False),
    Stage("mb", 4, 3, 2, 128, 6, True),
    Stage("mb", 6, 3, 1, 160, 9, True),
    Stage("mb", 6, 3, 2, 256, 15, True),
)
V2_M = (
    Stage("fused", 1, 3, 1, 24, 3, False),
    Stage("fused", 4, 3, 2, 48, 5, False),
    Stage("fused", 4, 3, 2, 80, 5, False),
    Stage("mb", 4, 3, 2, 160, 7, True),
    Stage("mb", 6, 3, 1, 176, 14, True),
    Stage("mb", 6, 3, 2, 304, 18, True),
    Stage("mb", 6, 3, 1, 512, 5, True),
)
V2_L = (
    Stage("fused", 1, 3, 1, 32, 4, False),
    Stage("fused", 4, 3, 2, 64, 7, False),
    Stage("fused", 4, 3, 2, 96, 7, False),
    Stage("mb", 4, 3, 2, 192, 10, True),
    Stage("mb", 6, 3, 1, 224, 19, True),
    Stage("mb", 6, 3, 2, 384, 25, True),
    Stage("mb", 6, 3, 1, 640, 7, True),
)

# MnasNet-B1 (Figure 7 without SE; stem: conv 3×3/2, 32; the first block is a separable conv).
MNASNET = (
    Stage("mb", 1, 3, 1, 16, 1, False),
    Stage("mb", 3, 3, 2, 24, 3, False),
    Stage("mb", 3, 5, 2, 40, 3, False),
    Stage("mb", 6, 5, 2, 80, 3, False),
    Stage("mb", 6, 3, 1, 96, 2, False),
    Stage("mb", 6, 5, 2, 192, 4, False),
    Stage("mb", 6, 3, 1, 320, 1, False),
)

# EfficientNet-Lite: B0 without squeeze-excite
LITE = tuple(s._replace(se=False) for s in B0)
# name → (width, depth, resolution, dropout), as released
LITE_SCALING = {
    "lite0": (1.0, 1.0, 224, 0.2),
    "lite1": (1.0, 1.1, 240, 0.2),
    "lite2": (1.1, 1.2, 260, 0.3),
    "lite3": (1.2, 1.4, 280, 0.3),
    "lite4": (1.4, 1.8, 300, 0.3),
}

ARCHS = {"b0": (B0, 32), "v2_s": (V2_S, 24), "v2_m": (V2_M, 24), "v2_l": (V2_L, 32)}


class _StageNet(MobileBackbone):
    def build(self, table, *, stem_chs: int, head_chs: int, width_mult: float, depth_mult: float, act,
              num_classes: int, in_chans: int, drop_rate: float, drop_path_rate: float, bn_eps: float,
              bn_momentum: float, padding: str | None = None, fixed_ends: bool = False) -> None:
        """Stem → the table's stages: ``ceil(layers · depth_mult)`` blocks of ``make_divisible(c · width_mult)``
        (``fixed_ends``: the first and last stage keep their depth, and the stem its width)."""
        if not width_mult > 0 or not depth_mult > 0:
            raise ValueError(f"width_mult and depth_mult must be > 0, got {width_mult} and {depth_mult}")
        norm = partial(nn.BatchNorm2d, eps=bn_eps, momentum=bn_momentum)
        scale = lambda c: make_divisible(c * width_mult)  # noqa: E731
        if padding not in (None, "same"):
            raise ValueError(f"padding must be None (symmetric) or 'same' (TensorFlow's), got {padding!r}")
        stem = ConvNormAct(in_chans, stem_chs if fixed_ends else scale(stem_chs), 3, 2, padding, norm=norm, act=act)
        fixed = {0, len(table) - 1} if fixed_ends else set()
        depths = [s.layers if k in fixed else math.ceil(s.layers * depth_mult) for k, s in enumerate(table)]
        rows = [(s, s.stride if i == 0 else 1) for s, depth in zip(table, depths) for i in range(depth)]
        rates = drop_path_rates(drop_path_rate, [len(rows)], reach_max=False)[0]
        blocks, in_chs = [], stem.out_channels
        for (s, stride), rate in zip(rows, rates):
            out, mid = scale(s.out), make_divisible(in_chs * s.expand)
            se_chs = max(1, in_chs // 4) if s.se else 0
            if s.block == "fused":
                blocks.append(FusedMBConv(in_chs, out, kernel_size=s.kernel, stride=stride, mid_chs=mid, se_chs=se_chs,
                                          act=act, norm=norm, drop_path=rate, padding=padding))
            else:
                blocks.append(InvertedResidual(in_chs, out, kernel_size=s.kernel, stride=stride, mid_chs=mid,
                                               se_chs=se_chs, act=act, se_act=act, norm=norm, drop_path=rate,
                                               padding=padding))
            in_chs = out
        conv_head = ConvNormAct(in_chs, head_chs, 1, padding=0, norm=norm, act=act)
        self.assemble(in_chans, stem, blocks, conv_head, ClassifierHead(head_chs, num_classes, drop_rate=drop_rate))


class EfficientNet(_StageNet):
    """EfficientNet: B0's table (or a V2 table) scaled by ``width_mult`` and ``depth_mult``; SiLU.

    Args:
        arch: "b0" (B0–B7 are b0 with the compound coefficients), "v2_s", "v2_m" or "v2_l".
        width_mult, depth_mult: the compound-scaling coefficients (widths rounded to multiples of 8,
            depths rounded up). The head conv is 1280 scaled like every width (= 4 × the last stage).
        drop_path_rate: stochastic depth, ``drop_path_rate · i / n`` for block ``i`` of ``n``.
        padding: None (symmetric: torchvision, timm) or "same" (TensorFlow's, for the weights Google
            released: timm's ``tf_efficientnet_*``, with ``bn_eps=1e-3``).
    """

    def __init__(self, arch: str = "b0", width_mult: float = 1.0, depth_mult: float = 1.0, num_classes: int = 1000,
                 in_chans: int = 3, drop_rate: float = 0.2, drop_path_rate: float = 0.2, bn_eps: float = 1e-5,
                 bn_momentum: float = 0.1, padding: str | None = None):
        super().__init__()
        if arch not in ARCHS:
            raise ValueError(f"arch must be one of {', '.join(ARCHS)}, got {arch!r}")
        table, stem_chs = ARCHS[arch]
        self.build(table, stem_chs=stem_chs, head_chs=make_divisible(1280 * width_mult), width_mult=width_mult,
                   depth_mult=depth_mult, act=nn.SiLU, num_classes=num_classes, in_chans=in_chans, drop_rate=drop_rate,
                   drop_path_rate=drop_path_rate, bn_eps=bn_eps, bn_momentum=bn_momentum, padding=padding)


class EfficientNetLite(_StageNet):
    """EfficientNet-Lite: B0's table without squeeze-excite, ReLU6, scaled by ``width_mult`` and ``depth_mult``
    except the stem (32), the head conv (1280) and the depth of the first and last stages.

    ``padding="same"`` with ``bn_eps=1e-3`` is the TensorFlow-trained network (timm's ``tf_efficientnet_lite*``).
    """

    def __init__(self, *, width_mult: float = 1.0, depth_mult: float = 1.0, num_classes: int = 1000, in_chans: int = 3,
                 drop_rate: float = 0.2, drop_path_rate: float = 0.2, bn_eps: float = 1e-5, bn_momentum: float = 0.1,
                 padding: str | None = None):
        super().__init__()
        self.build(LITE, stem_chs=32, head_chs=1280, width_mult=width_mult, depth_mult=depth_mult, act=nn.ReLU6,
                   num_classes=num_classes, in_chans=in_chans, drop_rate=drop_rate, drop_path_rate=drop_path_rate,
                   bn_eps=bn_eps, bn_momentum=bn_momentum, padding=padding, fixed_ends=True)


class MnasNet(_StageNet):
    """MnasNet-B1 at width ``width_mult`` (the head conv stays 1280); ReLU, no squeeze-excite.

    BatchNorm momentum 0.0003 is torchvision's translation of TensorFlow's decay 0.9997.
    """

    def __init__(self, width_mult: float = 1.0, num_classes: int = 1000, in_chans: int = 3, drop_rate: float = 0.2,
                 drop_path_rate: float = 0.0, bn_eps: float = 1e-5, bn_momentum: float = 0.0003):
        super().__init__()
        self.build(MNASNET, stem_chs=32, head_chs=1280, width_mult=width_mult, depth_mult=1.0, act=nn.ReLU,
                   num_classes=num_classes, in_chans=in_chans, drop_rate=drop_rate, drop_path_rate=drop_path_rate,
                   bn_eps=bn_eps, bn_momentum=bn_momentum)


for _name, (_width, _depth, _res, _dropout) in COMPOUND.items():
    # torchvision's B5–B7 carry TensorFlow's BatchNorm settings
    _bn = dict(bn_eps=1e-3, bn_momentum=0.01) if _name in ("b5", "b6", "b7") else {}
    register(f"efficientnet_{_name}", EfficientNet, width_mult=_width, depth_mult=_depth, drop_rate=_dropout, **_bn)
for _name, (_width, _depth, _res, _dropout) in LITE_SCALING.items():
    register(f"efficientnet_{_name}", EfficientNetLite, width_mult=_width, depth_mult=_depth, drop_rate=_dropout)
register("efficientnet_v2_s", EfficientNet, arch="v2_s", drop_rate=0.2, bn_eps=1e-3)
register("efficientnet_v2_m", EfficientNet, arch="v2_m", drop_rate=0.3, bn_eps=1e-3)
register("efficientnet_v2_l", EfficientNet, arch="v2_l", drop_rate=0.4, bn_eps=1e-3)
for _alpha, _name in ((0.5, "0_5"), (0.75, "0_75"), (1.0, "1_0"), (1.3, "1_3")):
    register(f"mnasnet{_name}", MnasNet, width_mult=_alpha)


# ------------------------------------------------------------------------------------ foreign checkpoints

# EfficientNet-PyTorch (lukemelas; ``_blocks.N._depthwise_conv``, numbered flat across stages), in its
# registration order: stem, blocks, head; in a block expand, depthwise, squeeze-excite, project. Ports of
# EfficientNet-Lite in this layout have the same names, without ``_se_*``.
EFFICIENTNET_PYTORCH_ORDER = ("_conv_stem", "_expand_conv", "_bn0", "_blocks", "_depthwise_conv", "_conv_head", "_bn1",
                              "_se_reduce", "_se_expand", "_project_conv", "_bn2", "_fc")


def convert_efficientnet_pytorch(state_dict: dict, name: str) -> dict:
    """EfficientNet-PyTorch's keys → the zoo's, by position (its layers come in the zoo's order)."""
    if not name.startswith(("efficientnet_b", "efficientnet_lite")):
        raise ValueError(f"EfficientNet-PyTorch checkpoints hold EfficientNet B0–B7 (or Lite), not {name}")
    return pair_in_order(sort_keys(state_dict, EFFICIENTNET_PYTORCH_ORDER), name)


def _mmpretrain_kwargs(name: str) -> dict:
    # mmpretrain builds its EfficientNets (B0–B8, V2) from TensorFlow's: every conv pads as TF's 'same'
    # (Conv2dAdaptivePadding; V2 uses it on the stride-2 convs, the rest are symmetric, which is the same
    # at stride 1) and BatchNorm eps is 1e-3
    return dict(padding="same", bn_eps=1e-3) if name.startswith("efficientnet_") else {}


CONVERTERS = {"torchvision": convert_in_order, "timm": convert_in_order, "mmpretrain": convert_mmpretrain,
              "efficientnet_pytorch": convert_efficientnet_pytorch}
# the settings the weights of these layouts were trained with (TensorFlow's padding and BatchNorm)
CHECKPOINT_KWARGS = {"mmpretrain": _mmpretrain_kwargs,
                     "efficientnet_pytorch": lambda name: dict(padding="same", bn_eps=1e-3)}
