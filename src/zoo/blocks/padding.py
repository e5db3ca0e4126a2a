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

__all__ = ["PadSame", "same_padding"]


def same_padding(size: int, kernel_size: int, stride: int, dilation: int = 1) -> tuple[int, int]:
    """(before, after) padding of one spatial dimension for a "SAME" window."""
    total = max((math.ceil(size / stride) - 1) * stride + (kernel_size - 1) * dilation + 1 - size, 0)
    return total // 2, total - total // 2


class PadSame(nn.Module):
    """Pad an NCHW map for a k×k "SAME" window at ``stride``, with ``value`` (−inf before a max pool)."""

    def __init__(self, kernel_size: int, stride: int, dilation: int = 1, value: float = 0.0):
        super().__init__()
        self.kernel_size, self.stride, self.dilation, self.value = kernel_size, stride, dilation, value

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        top, bottom = same_padding(x.shape[-2], self.kernel_size, self.stride, self.dilation)
        left, right = same_padding(x.shape[-1], self.kernel_size, self.stride, self.dilation)
        return F.pad(x, (left, right, top, bottom), value=self.value)

    def extra_repr(self) -> str:
        return f"kernel_size={self.kernel_size}, stride={self.stride}, value={self.value}"
