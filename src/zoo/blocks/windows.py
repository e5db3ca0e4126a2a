"""Shifted-window attention (Liu et al., 2021, "Swin Transformer", Section 3.2): windows cut from a
channels-last (B, H, W, C) map, the cyclic shift and its mask, and Swin's block (V1 pre-norm, V2 post-norm).
"""

import torch
import torch.nn.functional as F
from torch import nn

from .attention import Attention
from .drop_path import DropPath
from .mlp import Mlp

__all__ = ["SwinBlock", "cyclic_shift", "pad_to_multiple", "shifted_window_mask", "stage_mask", "window_merge",
           "window_partition", "window_shift"]

SHIFT_MASK = -100.0  # the references' additive mask between tokens from different image regions


def window_partition(x: torch.Tensor, window: int) -> torch.Tensor:
    """(B, H, W, C) → (B · windows, window², C), windows in row-major order within each image."""
    B, H, W, C = x.shape
    x = x.view(B, H // window, window, W // window, window, C).transpose(2, 3)
    return x.reshape(-1, window * window, C)


def window_merge(x: torch.Tensor, window: int, H: int, W: int) -> torch.Tensor:
    """The inverse of :func:`window_partition`."""
    C = x.shape[-1]
    x = x.view(-1, H // window, W // window, window, window, C).transpose(2, 3)
    return x.reshape(-1, H, W, C)


@torch.jit.ignore  # shape-dependent Python: TorchScript calls it as Python
def pad_to_multiple(x: torch.Tensor, multiple: int) -> torch.Tensor:
    """(B, H, W, C) zero-padded at the bottom and right to multiples of ``multiple`` (unchanged if it is one)."""
    # non-negative operands only: a traced graph may divide by truncation (ONNX's integer Div)
    pad_h, pad_w = ((multiple - n % multiple) % multiple for n in x.shape[1:3])
    return F.pad(x, (0, 0, 0, pad_w, 0, pad_h)) if pad_h or pad_w else x


@torch.jit.ignore  # shape-dependent Python: TorchScript calls it as Python
def window_shift(x: torch.Tensor, window: int) -> tuple[int, int]:
    """The shift of a (B, H, W, C) map's shifted blocks: half a window along each axis that holds more
    than one window (a single window has nothing to shift along it; both references agree)."""
    return tuple(window // 2 if n > window else 0 for n in x.shape[1:3])


@torch.jit.ignore  # shape-dependent Python: TorchScript calls it as Python
def cyclic_shift(x: torch.Tensor, shift: tuple[int, int], back: bool = False) -> torch.Tensor:
    """Roll a (B, H, W, C) map up-left by ``shift`` (down-right with ``back``); no copy for (0, 0)."""
    dims = [d for d, s in zip((1, 2), shift) if s]  # only the shifted axes (a roll by 0 trips ONNX runtimes)
    if not dims:
        return x
    return torch.roll(x, [s if back else -s for s in shift if s], dims=dims)


def shifted_window_mask(H: int, W: int, window: int, shift: tuple[int, int], device=None) -> torch.Tensor:
    """The (windows, window², window²) additive mask of shifted-window attention on an H×W map (whole windows).

    After the cyclic shift, a window at the bottom/right border holds pixels from up to three image
    regions per axis that were not neighbours; tokens attend only within their own region.
    """
    def regions(n: int, s: int) -> torch.Tensor:  # 0 | 1 | 2: before the last window, in it, in the wrapped strip
        i = torch.arange(n, device=device)
        return (i >= n - window).long() + (i >= n - s).long() if s else torch.zeros(n, dtype=torch.long, device=device)

    ids = regions(H, shift[0])[:, None] * 3 + regions(W, shift[1])[None, :]
    ids = window_partition(ids[None, :, :, None], window).squeeze(-1)  # windows, window²
    same = ids[:, :, None] == ids[:, None, :]
    return torch.zeros(same.shape, device=device).masked_fill_(~same, SHIFT_MASK)


@torch.jit.ignore  # shape-dependent Python: TorchScript calls it as Python
def stage_mask(x: torch.Tensor, window: int) -> torch.Tensor:
    """The shift mask of a stage's shifted blocks for its (B, H, W, C) map, built for the padded size."""
    H, W = ((n + window - 1) // window * window for n in x.shape[1:3])
    return shifted_window_mask(H, W, window, window_shift(x, window), x.device)


# shape-dependent Python: graph tracers (torch.fx, create_feature_extractor) record these as calls
for _name in ("pad_to_multiple", "window_shift", "cyclic_shift", "stage_mask"):
    torch.fx.wrap(_name)


class SwinBlock(nn.Module):
    """(Shifted) window attention and an MLP, each a residual branch; pre-norm (V1) or post-norm (V2)."""

    def __init__(self, dim: int, *, num_heads: int, window: int, mlp_ratio: float = 4.0, drop_path: float = 0.0,
                 v2: bool = False, proj_drop: float = 0.0, attn_drop: float = 0.0):
        super().__init__()
        self.window = window
        self.post_norm = v2
        self.norm1 = nn.LayerNorm(dim)
        self.attn = Attention(dim, num_heads, attn_drop=attn_drop, proj_drop=proj_drop, window=window,
                              position_bias="mlp" if v2 else "table", cosine=v2)
        self.norm2 = nn.LayerNorm(dim)
        self.mlp = Mlp(dim, int(dim * mlp_ratio), proj_drop=proj_drop)
        self.drop_path = DropPath(drop_path) if drop_path > 0 else nn.Identity()

    def _attention(self, x: torch.Tensor, shift: tuple[int, int], mask: torch.Tensor | None) -> torch.Tensor:
        _, H, W, _ = x.shape
        x = cyclic_shift(pad_to_multiple(x, self.window), shift, False)
        _, pad_h, pad_w, _ = x.shape
        x = window_merge(self.attn(window_partition(x, self.window), mask), self.window, pad_h, pad_w)
        # positional arguments: TorchScript hands an ignored function's keywords over by position
        return cyclic_shift(x, shift, True)[:, :H, :W]

    def forward(self, x: torch.Tensor, shift: tuple[int, int] = (0, 0), mask: torch.Tensor | None = None):
        if self.post_norm:
            x = x + self.drop_path(self.norm1(self._attention(x, shift, mask)))
            return x + self.drop_path(self.norm2(self.mlp(x)))
        x = x + self.drop_path(self._attention(self.norm1(x), shift, mask))
        return x + self.drop_path(self.mlp(self.norm2(x)))
