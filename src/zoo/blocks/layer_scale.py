"""Layer scale (Touvron et al., 2021, "Going deeper with Image Transformers", CaiT)."""

from __future__ import annotations

import torch
from torch import nn

__all__ = ["LayerScale"]


class LayerScale(nn.Module):
    """A learned per-channel factor on a residual branch, started small so each block starts near identity.

    Multiplies the last dimension (tokens or channels-last maps).
    """

    def __init__(self, dim: int, init_value: float = 1e-5):
        super().__init__()
        self.gamma = nn.Parameter(torch.full((dim,), float(init_value)))

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return x * self.gamma
