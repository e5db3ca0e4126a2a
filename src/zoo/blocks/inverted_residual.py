"""The inverted residual and its relatives: the block of every mobile network in the zoo.

- Sandler et al., 2018, "MobileNetV2: Inverted Residuals and Linear Bottlenecks": expand 1×1 →
  depthwise k×k → project 1×1 with no activation after the projection (the linear bottleneck), and
  a residual between the narrow ends.
- Howard et al., 2017, "MobileNets" (V1): the depthwise-separable conv is the same block with no
  expansion, an activation after the projection and no residual (:class:`DepthwiseSeparable`).
- Howard et al., 2019 (MobileNetV3), Tan & Le, 2019 (MnasNet, EfficientNet's MBConv): the same block
  with squeeze-excite after the depthwise conv, and stochastic depth on the residual branch.
- Tan & Le, 2021, "EfficientNetV2": Fused-MBConv replaces expand + depthwise by one full k×k conv
  (:class:`FusedMBConv`).
- Tu et al., 2022, "MaxViT": the MBConv of every MaxViT block normalises its input first
  (``pre_norm``), ends in a biased 1×1 conv with no norm (``project_norm=False``) and, where it
  downsamples, adds a projection shortcut (``shortcut``).
"""

from __future__ import annotations

from typing import Callable

import torch
from torch import nn

from .conv_norm_act import ConvNormAct
from .drop_path import DropPath
from .inplace import can_overwrite
from .squeeze_excite import SqueezeExcite

__all__ = ["InvertedResidual", "DepthwiseSeparable", "FusedMBConv"]

Layer = Callable[..., nn.Module]


class _Residual(nn.Module):
    """The residual logic both block kinds share: skip when shapes allow, stochastic depth on the branch."""

    def _init_residual(self, in_chs: int, out_chs: int, stride: int, skip: bool | None, drop_path: float,
                       shortcut: nn.Module | None = None) -> None:
        self.in_chs, self.out_chs, self.stride = in_chs, out_chs, stride
        self.shortcut = shortcut  # maps the input to the output's shape (a projection shortcut); None: identity
        fits = (stride == 1 and in_chs == out_chs) or shortcut is not None
        if skip and not fits:
            raise ValueError(
                f"a residual needs stride 1 and in_chs == out_chs, got stride {stride}, {in_chs} → {out_chs}"
            )
        self.has_skip = fits if skip is None else skip
        self.drop_path = DropPath(drop_path) if self.has_skip and drop_path > 0 else None

    def _add_shortcut(self, x: torch.Tensor, shortcut: torch.Tensor) -> torch.Tensor:
        if not self.has_skip:
            return x
        if self.drop_path is not None:
            x = self.drop_path(x)
        if can_overwrite(x):
            return x.add_(shortcut)  # inference: x is the branch's own fresh output, so no copy
        return x + shortcut  # autograd may have saved x (an activation's output)


class InvertedResidual(_Residual):
    """Expand 1×1 → depthwise k×k → optional squeeze-excite → project 1×1 (linear), plus identity.

    Args:
        mid_chs: width of the depthwise conv. ``mid_chs == in_chs`` leaves the expansion conv out (the
            expansion-ratio-1 block of MobileNetV2/V3, MnasNet and EfficientNet).
        se_chs: squeeze width of the squeeze-excite after the depthwise conv (0: none); each family
            rounds it its own way. ``se_act`` and ``se_gate`` are its activation and gate.
        act: activation after the expansion and the depthwise conv.
        project_act: activation after the projection (None: linear bottleneck; MobileNetV1 has one).
        skip: None adds the identity where it fits (stride 1, in_chs == out_chs); False never does.
        drop_path: stochastic-depth rate of the residual branch.
        padding: of the k×k conv; None (symmetric) or "same" (TensorFlow's, for weights ported from it).
        pre_norm: a norm on the block's input before the expansion (MaxViT).
        project_norm: False ends the branch in a biased 1×1 conv with no norm (MaxViT).
        shortcut: a module that maps the input to the output's shape, added when the identity cannot be
            (MaxViT's average pool and 1×1 conv where a block downsamples); None: identity or no residual.
    """

    def __init__(
        self,
        in_chs: int,
        out_chs: int,
        *,
        kernel_size: int = 3,
        stride: int = 1,
        mid_chs: int | None = None,
        se_chs: int = 0,
        act: Layer = nn.ReLU6,
        se_act: Layer = nn.ReLU,
        se_gate: Layer = nn.Sigmoid,
        norm: Layer = nn.BatchNorm2d,
        project_act: Layer | None = None,
        skip: bool | None = None,
        drop_path: float = 0.0,
        dilation: int = 1,
        padding: str | None = None,
        pre_norm: bool = False,
        project_norm: bool = True,
        shortcut: nn.Module | None = None,
    ):
        super().__init__()
        mid_chs = mid_chs or in_chs
        self._init_residual(in_chs, out_chs, stride, skip, drop_path, shortcut)
        self.pre_norm = norm(in_chs) if pre_norm else None
        self.conv_pw = ConvNormAct(in_chs, mid_chs, 1, padding=0, norm=norm, act=act) if mid_chs != in_chs else None
        self.conv_dw = ConvNormAct(mid_chs, mid_chs, kernel_size, stride, padding, groups=mid_chs, dilation=dilation,
                                   norm=norm, act=act)
        self.se = SqueezeExcite(mid_chs, se_chs, se_act, se_gate, inplace=True) if se_chs else None
        self.conv_pwl = ConvNormAct(mid_chs, out_chs, 1, padding=0, norm=norm if project_norm else None,
                                    act=project_act)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        shortcut = x if self.shortcut is None else self.shortcut(x)
        if self.pre_norm is not None:
            x = self.pre_norm(x)
        if self.conv_pw is not None:
            x = self.conv_pw(x)
        x = self.conv_dw(x)
        if self.se is not None:
            x = self.se(x)
        return self._add_shortcut(self.conv_pwl(x), shortcut)


class DepthwiseSeparable(InvertedResidual):
    """MobileNetV1's depthwise-separable conv: depthwise k×k → act → pointwise 1×1 → act, no residual.

    It is the inverted residual with no expansion, an activation after the projection and no skip.
    """

    def __init__(
        self,
        in_chs: int,
        out_chs: int,
        *,
        kernel_size: int = 3,
        stride: int = 1,
        act: Layer = nn.ReLU,
        norm: Layer = nn.BatchNorm2d,
    ):
        super().__init__(in_chs, out_chs, kernel_size=kernel_size, stride=stride, mid_chs=in_chs, act=act,
                         norm=norm, project_act=act, skip=False)


class FusedMBConv(_Residual):
    """EfficientNetV2's Fused-MBConv: one full k×k conv (strided) → optional SE → project 1×1 (linear).

    With ``mid_chs == in_chs`` (expansion 1) the k×k conv goes straight to ``out_chs``, activated, and
    there is no projection, as in the paper's Fused-MBConv1.
    """

    def __init__(
        self,
        in_chs: int,
        out_chs: int,
        *,
        kernel_size: int = 3,
        stride: int = 1,
        mid_chs: int | None = None,
        se_chs: int = 0,
        act: Layer = nn.SiLU,
        se_act: Layer = nn.SiLU,
        se_gate: Layer = nn.Sigmoid,
        norm: Layer = nn.BatchNorm2d,
        skip: bool | None = None,
        drop_path: float = 0.0,
        padding: str | None = None,
    ):
        super().__init__()
        mid_chs = mid_chs or in_chs
        self._init_residual(in_chs, out_chs, stride, skip, drop_path)
        expand = mid_chs != in_chs
        self.conv_exp = ConvNormAct(in_chs, mid_chs if expand else out_chs, kernel_size, stride, padding, norm=norm,
                                    act=act)
        width = mid_chs if expand else out_chs
        self.se = SqueezeExcite(width, se_chs, se_act, se_gate, inplace=True) if se_chs else None
        self.conv_pwl = ConvNormAct(mid_chs, out_chs, 1, padding=0, norm=norm, act=None) if expand else None

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        shortcut = x
        x = self.conv_exp(x)
        if self.se is not None:
            x = self.se(x)
        if self.conv_pwl is not None:
            x = self.conv_pwl(x)
        return self._add_shortcut(x, shortcut)
