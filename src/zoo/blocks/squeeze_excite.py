"""Squeeze-and-excitation (Hu et al., 2017, "Squeeze-and-Excitation Networks")."""

from __future__ import annotations

from typing import Callable

import torch
from torch import nn

from .activations import make_act
from .inplace import can_overwrite

__all__ = ["SqueezeExcite"]


class SqueezeExcite(nn.Module):
    """Reweight channels by a gate computed from their global average: ``x * gate(fc2(act(fc1(mean(x)))))``.

    Args:
        chs: channels of ``x``.
        squeeze_chs: width of the bottleneck (each family rounds it its own way, so it is given, not derived).
        act: activation between the two 1×1 convs (ReLU in SENet/MobileNetV3, SiLU in EfficientNet).
        gate: the gate (sigmoid; hard-sigmoid in MobileNetV3).
        inplace: scale ``x`` in place when no gradient flows through it (inference). Only for a caller
            that owns ``x`` and does not read it again, as inside an inverted residual.
    """

    def __init__(
        self,
        chs: int,
        squeeze_chs: int,
        act: Callable[..., nn.Module] = nn.ReLU,
        gate: Callable[..., nn.Module] = nn.Sigmoid,
        inplace: bool = False,
    ):
        super().__init__()
        self.fc1 = nn.Conv2d(chs, squeeze_chs, 1)
        self.act = make_act(act)
        self.fc2 = nn.Conv2d(squeeze_chs, chs, 1)
        self.gate = gate()
        self.inplace = inplace

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        s = self.gate(self.fc2(self.act(self.fc1(x.mean((2, 3), keepdim=True)))))
        if self.inplace and can_overwrite(x):
            return x.mul_(s)  # these nets are memory-bound: no second copy of the widest map
        return x * s
