"""ConvNeXt's block (Liu et al., 2022, "A ConvNet for the 2020s", Figure 4): a 7×7 depthwise conv, then an
inverted-bottleneck MLP on the channels-last view, with layer scale and the identity."""

from __future__ import annotations

import torch
from torch import nn

from .drop_path import DropPath
from .layer_scale import LayerScale
from .mlp import Mlp

__all__ = ["ConvNeXtBlock", "EPS"]

EPS = 1e-6


class ConvNeXtBlock(nn.Module):
    """7×7 depthwise conv → LayerNorm → MLP (4× expansion, GELU) → layer scale, plus the identity.

    The norm and MLP run on the channels-last view of the map, where they are per-pixel linear layers.
    """

    def __init__(self, dim: int, drop_path: float = 0.0, layer_scale: float = 1e-6):
        super().__init__()
        self.conv_dw = nn.Conv2d(dim, dim, 7, padding=3, groups=dim)
        self.norm = nn.LayerNorm(dim, eps=EPS)
        self.mlp = Mlp(dim, 4 * dim)
        self.ls = LayerScale(dim, layer_scale)
        self.drop_path = DropPath(drop_path) if drop_path > 0 else nn.Identity()

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        y = self.conv_dw(x).permute(0, 2, 3, 1)
        y = self.ls(self.mlp(self.norm(y))).permute(0, 3, 1, 2)
        return x + self.drop_path(y)

    @torch.no_grad()
    def fold_for_inference(self) -> None:
        """For ``zoo.fuse``: the layer scale folded into the MLP's last linear layer, ``γ·(Wx + b) = (γW)x + γb``."""
        if isinstance(self.ls, LayerScale):
            gamma = self.ls.gamma.double()
            fc2 = self.mlp.fc2
            fc2.weight.copy_(fc2.weight.double() * gamma[:, None])
            fc2.bias.copy_(fc2.bias.double() * gamma)
            self.ls = nn.Identity()
