"""TensorFlow's "SAME" padding, for networks trained in TensorFlow (NASNet, the tf_ EfficientNets).

A strided "SAME" window pads so that the output has ceil(in / stride) pixels, putting the odd padding
pixel at the end (bottom/right). PyTorch's symmetric conv padding cannot express that, and how much to
pad depends on the input size, so it is computed per call.
"""

from __future__ import annotations

import math

import torch
import torch.nn.functional as F
from torch import nn

__all__ = ["PadSame", "pad_same", "same_padding"]


def same_padding(size: int, kernel_size: int, stride: int, dilation: int = 1) -> tuple[int, int]:
    """(before, after) padding of one spatial dimension for a "SAME" window."""
    total = max((math.ceil(size / stride) - 1) * stride + (kernel_size - 1) * dilation + 1 - size, 0)
    return total // 2, total - total // 2


def pad_same(x: torch.Tensor, kernel_size: tuple[int, int], stride: tuple[int, int], dilation: tuple[int, int],
             value: float = 0.0) -> torch.Tensor:
    """Pad an NCHW map for a "SAME" window (per-dimension kernel size, stride and dilation)."""
    top, bottom = same_padding(x.shape[-2], kernel_size[0], stride[0], dilation[0])
    left, right = same_padding(x.shape[-1], kernel_size[1], stride[1], dilation[1])
    return F.pad(x, (left, right, top, bottom), value=value)


# torch.fx records it as one call, computed at run time: the padding of a traced graph follows its input
torch.fx.wrap("pad_same")


class PadSame(nn.Module):
    """Pad an NCHW map for a k×k "SAME" window at ``stride``, with ``value`` (−inf before a max pool)."""

    def __init__(self, kernel_size: int, stride: int, dilation: int = 1, value: float = 0.0):
        super().__init__()
        self.kernel_size, self.stride, self.dilation, self.value = kernel_size, stride, dilation, value

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        k, s, d = self.kernel_size, self.stride, self.dilation
        return pad_same(x, (k, k), (s, s), (d, d), self.value)

    def extra_repr(self) -> str:
        return f"kernel_size={self.kernel_size}, stride={self.stride}, value={self.value}"
