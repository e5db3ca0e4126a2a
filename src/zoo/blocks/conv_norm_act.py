"""Convolution → normalisation → activation: the unit every CNN in the zoo is built from."""

from __future__ import annotations

from typing import Callable

import torch
from torch import nn

from .activations import make_act
from .padding import pad_same

torch.fx.wrap("pad_same")  # a leaf of traced graphs here too (fx patches the caller's module globals)

__all__ = ["ConvNormAct", "Conv2dSame", "make_divisible"]

Layer = Callable[..., nn.Module]


def make_divisible(value: float, divisor: int = 8, min_value: int | None = None, round_limit: float = 0.9) -> int:
    """Round a channel count to a multiple of ``divisor``, never more than 10 % below ``value``.

    The rounding of MobileNet (and every net that scales widths by a multiplier): hardware prefers
    multiples of 8, and rounding down by more than ``1 - round_limit`` would lose too much capacity.
    """
    min_value = min_value or divisor
    rounded = max(min_value, int(value + divisor / 2) // divisor * divisor)
    if rounded < round_limit * value:
        rounded += divisor
    return rounded


class Conv2dSame(nn.Conv2d):
    """A conv with TensorFlow's "SAME" padding: output ``ceil(input / stride)``, the odd pixel padded at
    the bottom/right. It depends on the input size, so it is computed per call (only strided convs
    need it: at stride 1 it is the symmetric padding). Weights ported from TensorFlow expect it.
    """

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self._conv_forward(pad_same(x, self.kernel_size, self.stride, self.dilation), self.weight, self.bias)


class ConvNormAct(nn.Module):
    """``act(norm(conv(x)))``; ``norm=None`` / ``act=None`` leave that step out.

    ``norm`` and ``act`` are callables (a class or a ``functools.partial``) so that each family states its
    own BatchNorm epsilon/momentum and activation once. ``padding=None`` pads symmetrically to keep
    the size at stride 1; ``padding="same"`` is TensorFlow's (asymmetric at stride 2,
    :class:`Conv2dSame`). The conv has a bias only when there is no norm (a bias before BatchNorm is
    cancelled by its mean), unless ``bias`` says otherwise.
    """

    def __init__(
        self,
        in_chs: int,
        out_chs: int,
        kernel_size: int | tuple[int, int] = 3,
        stride: int = 1,
        padding: int | tuple[int, int] | str | None = None,
        groups: int = 1,
        dilation: int = 1,
        norm: Layer | None = nn.BatchNorm2d,
        act: Layer | None = nn.ReLU,
        bias: bool | None = None,
    ):
        super().__init__()
        conv = nn.Conv2d
        if padding == "same" and stride != 1:  # TensorFlow's asymmetric "SAME" (see Conv2dSame)
            conv, padding = Conv2dSame, 0
        if padding is None or padding == "same":  # "same" for odd kernels at stride 1: every net here
            k = (kernel_size, kernel_size) if isinstance(kernel_size, int) else kernel_size
            padding = tuple((dilation * (ki - 1)) // 2 for ki in k)
        self.conv = conv(
            in_chs, out_chs, kernel_size, stride, padding, dilation=dilation, groups=groups,
            bias=(norm is None) if bias is None else bias,
        )
        self.norm = norm(out_chs) if norm is not None else nn.Identity()
        self.act = make_act(act) if act is not None else nn.Identity()

    @property
    def out_channels(self) -> int:
        return self.conv.out_channels

    def forward(self, x):
        return self.act(self.norm(self.conv(x)))
