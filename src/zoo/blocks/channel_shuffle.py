"""Channel shuffle: Zhang et al., 2017, "ShuffleNet: An Extremely Efficient Convolutional Neural Network
for Mobile Devices" (Section 3.1), kept by Ma et al., 2018, "ShuffleNet V2" (Section 4).

A grouped 1×1 conv only mixes channels within its group; stacking them would keep each group's
information apart. Reshaping the channels to (groups, C / groups), transposing and flattening sends
channel ``i`` of every group to group ``i``, so the next grouped conv sees all of them.
"""

from __future__ import annotations

import torch
from torch import nn

__all__ = ["ChannelShuffle"]


class ChannelShuffle(nn.Module):
    """Interleave the channels of ``groups`` groups: (g, C/g) → (C/g, g). No parameters."""

    def __init__(self, groups: int):
        super().__init__()
        if groups < 1:
            raise ValueError(f"groups must be >= 1, got {groups}")
        self.groups = groups

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        n, c, h, w = x.shape
        if c % self.groups:
            raise ValueError(f"channel shuffle over {self.groups} groups needs channels divisible by it, got {c}")
        return x.view(n, self.groups, c // self.groups, h, w).transpose(1, 2).reshape(n, c, h, w)

    def extra_repr(self) -> str:
        return f"groups={self.groups}"
