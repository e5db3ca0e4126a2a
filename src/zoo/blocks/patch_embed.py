"""Patch embedding: non-overlapping patches → vectors (ViT, Swin, ConvNeXt's "patchify" stem)."""

from __future__ import annotations

from typing import Callable

import torch
from torch import nn

__all__ = ["PatchEmbed"]

LAYOUTS = ("nchw", "nhwc", "tokens")


class PatchEmbed(nn.Module):
    """A conv whose kernel equals its stride (one linear map per patch), then an optional norm.

    Args:
        layout: what comes out: "nchw" (a map; ``norm`` must then normalise NCHW, e.g. LayerNorm2d),
            "nhwc" (a channels-last map, Swin) or "tokens" (B, N, C in row-major patch order, ViT).
        norm: a callable ``norm(embed_dim)`` or None.
    """

    def __init__(
        self,
        patch_size: int,
        in_chans: int,
        embed_dim: int,
        norm: Callable[[int], nn.Module] | None = None,
        layout: str = "tokens",
    ):
        super().__init__()
        if layout not in LAYOUTS:
            raise ValueError(f"layout must be one of {', '.join(LAYOUTS)}, got {layout!r}")
        self.patch_size = patch_size
        self.layout = layout
        self.proj = nn.Conv2d(in_chans, embed_dim, patch_size, patch_size)
        self.norm = norm(embed_dim) if norm is not None else nn.Identity()

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        x = self.proj(x)
        if self.layout == "nhwc":
            x = x.permute(0, 2, 3, 1)
        elif self.layout == "tokens":
            x = x.flatten(2).transpose(1, 2)
        return self.norm(x)
