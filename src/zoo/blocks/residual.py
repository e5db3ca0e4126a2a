"""The residual blocks of "Deep Residual Learning for Image Recognition" (He et al., 2015).

Written once with explicit widths so that one Bottleneck serves ResNet (mid = out/4), ResNeXt
(grouped 3×3), Wide ResNet (wider mid) and RegNet (group width, optional squeeze-excite).
"""

from __future__ import annotations

from typing import Callable

import torch
from torch import nn

from .conv_norm_act import ConvNormAct
from .drop_path import DropPath

__all__ = ["BasicBlock", "Bottleneck", "ScaledResidual"]

Layer = Callable[..., nn.Module]


def _shortcut(in_chs: int, out_chs: int, stride: int, norm: Layer) -> nn.Module | None:
    """Projection shortcut (1×1 conv, stride, norm) where the identity would not fit, else None."""
    if stride == 1 and in_chs == out_chs:
        return None
    return ConvNormAct(in_chs, out_chs, 1, stride, padding=0, norm=norm, act=None)


class BasicBlock(nn.Module):
    """Two 3×3 convs and an identity (or projection) shortcut: ResNet-18/34."""

    def __init__(
        self,
        in_chs: int,
        out_chs: int,
        *,
        stride: int = 1,
        norm: Layer = nn.BatchNorm2d,
        act: Layer = nn.ReLU,
        drop_path: float = 0.0,
    ):
        super().__init__()
        self.conv1 = ConvNormAct(in_chs, out_chs, 3, stride, norm=norm, act=act)
        self.conv2 = ConvNormAct(out_chs, out_chs, 3, norm=norm, act=None)
        self.shortcut = _shortcut(in_chs, out_chs, stride, norm)
        self.drop_path = DropPath(drop_path) if drop_path > 0 else nn.Identity()
        self.act = act(inplace=True)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        shortcut = x if self.shortcut is None else self.shortcut(x)
        return self.act(self.drop_path(self.conv2(self.conv1(x))) + shortcut)

    def zero_init_last(self) -> None:
        """Start the residual branch as zero (its last BatchNorm weight 0): the block begins as its shortcut."""
        nn.init.zeros_(self.conv2.norm.weight)


class Bottleneck(nn.Module):
    """1×1 reduce → 3×3 (grouped, strided) → optional squeeze-excite → 1×1 expand, plus shortcut.

    Args:
        mid_chs: width of the 3×3 conv.
        groups: groups of the 3×3 conv (ResNeXt's cardinality; RegNet's mid_chs / group width).
        se: a callable ``se(mid_chs) -> nn.Module`` inserted after the 3×3 conv (RegNet-Y), or None.
    """

    def __init__(
        self,
        in_chs: int,
        out_chs: int,
        *,
        stride: int = 1,
        mid_chs: int | None = None,
        groups: int = 1,
        se: Callable[[int], nn.Module] | None = None,
        norm: Layer = nn.BatchNorm2d,
        act: Layer = nn.ReLU,
        drop_path: float = 0.0,
    ):
        super().__init__()
        mid_chs = mid_chs or out_chs // 4
        self.conv1 = ConvNormAct(in_chs, mid_chs, 1, padding=0, norm=norm, act=act)
        self.conv2 = ConvNormAct(mid_chs, mid_chs, 3, stride, groups=groups, norm=norm, act=act)
        self.se = se(mid_chs) if se is not None else nn.Identity()
        self.conv3 = ConvNormAct(mid_chs, out_chs, 1, padding=0, norm=norm, act=None)
        self.shortcut = _shortcut(in_chs, out_chs, stride, norm)
        self.drop_path = DropPath(drop_path) if drop_path > 0 else nn.Identity()
        self.act = act(inplace=True)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        shortcut = x if self.shortcut is None else self.shortcut(x)
        return self.act(self.drop_path(self.conv3(self.se(self.conv2(self.conv1(x))))) + shortcut)

    def zero_init_last(self) -> None:
        """Start the residual branch as zero (its last BatchNorm weight 0): the block begins as its shortcut."""
        nn.init.zeros_(self.conv3.norm.weight)


class ScaledResidual(nn.Module):
    """``act(x + scale · branch(x))``: the residual of Inception-ResNet (Szegedy et al., 2016).

    Scaling the branch down (0.1–0.3) before the addition keeps very wide residual networks from
    dying early in training (§3.3 of "Inception-v4, Inception-ResNet and the Impact of Residual
    Connections on Learning"). ``act=None`` leaves the sum as it is (the last block of the network).
    """

    def __init__(self, branch: nn.Module, *, scale: float = 1.0, act: Layer | None = nn.ReLU, drop_path: float = 0.0):
        super().__init__()
        self.branch = branch
        self.scale = scale
        self.drop_path = DropPath(drop_path) if drop_path > 0 else nn.Identity()
        self.act = act() if act is not None else nn.Identity()  # not in place: x is the shortcut

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.act(self.drop_path(self.branch(x) * self.scale) + x)

    def extra_repr(self) -> str:
        return f"scale={self.scale}"
