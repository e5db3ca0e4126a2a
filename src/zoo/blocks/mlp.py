"""The transformer MLP: linear → activation → linear, the same in ViT, Swin and ConvNeXt."""

from __future__ import annotations

from typing import Callable

import torch
from torch import nn

__all__ = ["Mlp"]


class Mlp(nn.Module):
    """``fc2(drop(act(fc1(x))))`` over the last dimension, with dropout after each linear layer
    (``proj_drop``: the same name, and the same rate, as the attention's dropout after its projection)."""

    def __init__(
        self,
        in_features: int,
        hidden_features: int,
        out_features: int | None = None,
        *,
        act: Callable[..., nn.Module] = nn.GELU,
        proj_drop: float = 0.0,
    ):
        super().__init__()
        self.fc1 = nn.Linear(in_features, hidden_features)
        self.act = act()
        self.drop1 = nn.Dropout(proj_drop) if proj_drop > 0 else nn.Identity()
        self.fc2 = nn.Linear(hidden_features, out_features or in_features)
        self.drop2 = nn.Dropout(proj_drop) if proj_drop > 0 else nn.Identity()

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.drop2(self.fc2(self.drop1(self.act(self.fc1(x)))))
