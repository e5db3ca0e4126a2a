"""Swin Transformer (Liu et al., 2021, "Swin Transformer: Hierarchical Vision Transformer using Shifted
Windows", Table 7) and Swin Transformer V2 (Liu et al., 2021, "Swin Transformer V2: Scaling Up Capacity
and Resolution", Section 3).

Attention is computed inside non-overlapping windows; every second block shifts the windows by half a
window so information crosses window borders. A patch-merging layer halves the resolution between
stages, giving feature maps at strides 4, 8, 16, 32 like a CNN. V2 normalises after each residual
branch instead of before, uses scaled cosine attention and a continuous (MLP) position bias.

Maps run channels-last (B, H, W, C) through the network; ``forward_intermediates`` gives NCHW.
"""

from __future__ import annotations

import re

import torch
from torch import nn

from zoo.blocks import Attention, ClassifierHead, DropPath, Mlp, PatchEmbed, drop_path_rates
from zoo.registry import register

from .base import Backbone, FeatureInfo

__all__ = ["SwinTransformer", "SwinBlock", "shifted_window_mask"]

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


def shifted_window_mask(H: int, W: int, window: int, shift: tuple[int, int], device=None) -> torch.Tensor:
    """The (windows, window², window²) additive mask of shifted-window attention.

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


class SwinBlock(nn.Module):
    """(Shifted) window attention and an MLP, each a residual branch; pre-norm (V1) or post-norm (V2)."""

    def __init__(self, dim: int, num_heads: int, window: int, mlp_ratio: float = 4.0, drop_path: float = 0.0,
                 v2: bool = False, drop: float = 0.0, attn_drop: float = 0.0):
        super().__init__()
        self.window = window
        self.post_norm = v2
        self.norm1 = nn.LayerNorm(dim)
        self.attn = Attention(dim, num_heads, attn_drop=attn_drop, proj_drop=drop, window=window,
                              position_bias="mlp" if v2 else "table", cosine=v2)
        self.norm2 = nn.LayerNorm(dim)
        self.mlp = Mlp(dim, int(dim * mlp_ratio), drop=drop)
        self.drop_path = DropPath(drop_path) if drop_path > 0 else nn.Identity()

    def _attention(self, x: torch.Tensor, shift: tuple[int, int], mask: torch.Tensor | None) -> torch.Tensor:
        _, H, W, _ = x.shape
        if any(shift):
            x = torch.roll(x, (-shift[0], -shift[1]), dims=(1, 2))
        x = window_merge(self.attn(window_partition(x, self.window), mask), self.window, H, W)
        if any(shift):
            x = torch.roll(x, shift, dims=(1, 2))
        return x

    def forward(self, x: torch.Tensor, shift: tuple[int, int] = (0, 0), mask: torch.Tensor | None = None):
        if self.post_norm:
            x = x + self.drop_path(self.norm1(self._attention(x, shift, mask)))
            return x + self.drop_path(self.norm2(self.mlp(x)))
        x = x + self.drop_path(self._attention(self.norm1(x), shift, mask))
        return x + self.drop_path(self.mlp(self.norm2(x)))

    def fused_forward(self, x: torch.Tensor, shift: tuple[int, int] = (0, 0), mask: torch.Tensor | None = None):
        """``forward`` in fused models (``zoo.fused``): V2's post-norms each fused with their residual add
        (the attention and the norms get fused twins of their own)."""
        if not self.post_norm or (self.training and isinstance(self.drop_path, DropPath)):
            return SwinBlock.forward(self, x, shift, mask)
        from zoo.fused import layer_norm

        for norm, branch in ((self.norm1, lambda x: self._attention(x, shift, mask)), (self.norm2, self.mlp)):
            x = layer_norm(branch(x), norm.weight, norm.bias, norm.eps, residual=x)
        return x


class PatchMerging(nn.Module):
    """Each 2×2 neighbourhood concatenated (4C) and projected to 2C; normalised before (V1) or after (V2)."""

    def __init__(self, dim: int, v2: bool = False):
        super().__init__()
        self.post_norm = v2
        self.reduction = nn.Linear(4 * dim, 2 * dim, bias=False)
        self.norm = nn.LayerNorm(2 * dim if v2 else 4 * dim)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        B, H, W, C = x.shape
        # channel order (0,0), (1,0), (0,1), (1,1) as (row, column) offsets: the references' order
        x = x.view(B, H // 2, 2, W // 2, 2, C).permute(0, 1, 3, 4, 2, 5).reshape(B, H // 2, W // 2, 4 * C)
        return self.norm(self.reduction(x)) if self.post_norm else self.reduction(self.norm(x))


class SwinStage(nn.Module):
    """Optional patch merging, then blocks alternating plain and shifted windows.

    The shift mask depends only on the map size: it is built once per forward and shared by the
    stage's shifted blocks, each of which adds its own position bias to it.
    """

    def __init__(self, dim: int, depth: int, num_heads: int, window: int, drop_paths: list[float],
                 downsample: bool, v2: bool, mlp_ratio: float = 4.0, drop: float = 0.0, attn_drop: float = 0.0):
        super().__init__()
        self.window = window
        self.downsample = PatchMerging(dim // 2, v2) if downsample else nn.Identity()
        self.blocks = nn.ModuleList(
            SwinBlock(dim, num_heads, window, mlp_ratio, drop_paths[j], v2, drop, attn_drop) for j in range(depth)
        )

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        x = self.downsample(x)
        _, H, W, _ = x.shape
        # a map of a single window along an axis has nothing to shift along it (both references agree)
        shift = tuple(self.window // 2 if n > self.window else 0 for n in (H, W))
        mask = shifted_window_mask(H, W, self.window, shift, x.device) if any(shift) else None
        for j, block in enumerate(self.blocks):
            x = block(x, shift, mask) if j % 2 else block(x)
        return x


class SwinTransformer(Backbone):
    """Patch embedding (4×4) → 4 stages of window-attention blocks → LayerNorm → average pool → linear.

    Args:
        embed_dim, depths, num_heads, window_size: Table 7 (V1) / the V2 paper's T/S/B.
        v2: Swin V2's post-norm blocks, cosine attention, continuous position bias and patch merging.
        img_size: the input size the model is made for. Windows tile every stage without padding, so
            height and width must be multiples of patch × window × 2^(stages − 1) (224 for V1, 256 for
            V2); any such size runs.
    """

    def __init__(
        self,
        embed_dim: int = 96,
        depths: tuple[int, ...] = (2, 2, 6, 2),
        num_heads: tuple[int, ...] = (3, 6, 12, 24),
        window_size: int = 7,
        v2: bool = False,
        img_size: int | tuple[int, int] = 224,
        patch_size: int = 4,
        mlp_ratio: float = 4.0,
        num_classes: int = 1000,
        in_chans: int = 3,
        drop_rate: float = 0.0,
        drop_path_rate: float = 0.0,
        attn_drop_rate: float = 0.0,
        proj_drop_rate: float = 0.0,
    ):
        super().__init__()
        self.in_chans = in_chans
        self.size_multiple = patch_size * window_size * 2 ** (len(depths) - 1)
        self._check_size(*((img_size, img_size) if isinstance(img_size, int) else img_size), what="img_size")
        self.img_size = img_size if isinstance(img_size, int) else tuple(img_size)
        self.patch_embed = PatchEmbed(patch_size, in_chans, embed_dim, norm=nn.LayerNorm, layout="nhwc")
        rates = drop_path_rates(drop_path_rate, list(depths))
        stages, self.feature_info = [], []
        for i, (depth, heads) in enumerate(zip(depths, num_heads)):
            dim = embed_dim * 2**i
            stages.append(SwinStage(dim, depth, heads, window_size, rates[i], i > 0, v2, mlp_ratio,
                                    proj_drop_rate, attn_drop_rate))
            self.feature_info.append(FeatureInfo(dim, patch_size * 2**i, f"stages.{i}"))
        self.stages = nn.Sequential(*stages)
        self.norm = nn.LayerNorm(dim)
        self.head = ClassifierHead(dim, num_classes, drop_rate=drop_rate)
        self.fixed_input_size = True  # multiples of size_multiple only, as timm's Swin (fixed_input_size)
        for m in self.modules():
            if isinstance(m, nn.Linear):  # the references' truncated normal cuts at ±2 = 100 std: never
                nn.init.normal_(m.weight, std=0.02)
                if m.bias is not None:
                    nn.init.zeros_(m.bias)

    def _check_size(self, h: int, w: int, what: str) -> None:
        m = self.size_multiple
        if h <= 0 or w <= 0 or h % m or w % m:
            raise ValueError(
                f"{type(self).__name__} needs height and width that are multiples of {m} (patch × window × "
                f"2^(stages − 1), so that windows tile every stage), got {what} {h}x{w}"
            )

    def check_input(self, x: torch.Tensor) -> None:
        super().check_input(x)
        self._check_size(x.shape[2], x.shape[3], what="an input of")

    def forward_stem(self, x: torch.Tensor) -> torch.Tensor:
        return self.patch_embed(x)

    def forward_post(self, x: torch.Tensor) -> torch.Tensor:
        """``forward_features`` gives the last stage's map after the final norm, NCHW."""
        return self.norm(x).permute(0, 3, 1, 2)

    def norm_intermediate(self, x: torch.Tensor, index: int) -> torch.Tensor:
        return self.norm(x) if index == len(self.stages) - 1 else x  # the final norm fits the last stage only

    def to_nchw(self, x: torch.Tensor, index: int) -> torch.Tensor:
        return x.permute(0, 3, 1, 2)

    def no_weight_decay(self) -> set[str]:
        return {n for n, _ in self.named_parameters()
                if n.endswith(("relative_position_bias_table", "logit_scale")) or ".cpb_mlp." in n}


#            embed dim, blocks per stage, heads per stage (Table 7)
T = dict(embed_dim=96, depths=(2, 2, 6, 2), num_heads=(3, 6, 12, 24))
S = dict(embed_dim=96, depths=(2, 2, 18, 2), num_heads=(3, 6, 12, 24))
B = dict(embed_dim=128, depths=(2, 2, 18, 2), num_heads=(4, 8, 16, 32))
register("swin_t", SwinTransformer, **T, window_size=7)
register("swin_s", SwinTransformer, **S, window_size=7)
register("swin_b", SwinTransformer, **B, window_size=7)
register("swin_v2_t", SwinTransformer, **T, window_size=8, v2=True, img_size=256)
register("swin_v2_s", SwinTransformer, **S, window_size=8, v2=True, img_size=256)
register("swin_v2_b", SwinTransformer, **B, window_size=8, v2=True, img_size=256)


# ------------------------------------------------------------------------------------ foreign checkpoints

_COMPUTED = (".relative_position_index", ".relative_coords_table", ".attn_mask")  # rebuilt here, not loaded


def convert_torchvision(state_dict: dict, name: str) -> dict:
    """torchvision numbers ``features`` flat: embedding 0, stages 1/3/5/7, patch merging 2/4/6."""
    out = {}
    for key, value in state_dict.items():
        if key.endswith(_COMPUTED):
            continue
        key = re.sub(r"^features\.0\.0\.", "patch_embed.proj.", key)
        key = re.sub(r"^features\.0\.2\.", "patch_embed.norm.", key)
        key = re.sub(r"^features\.([1357])\.(\d+)\.",
                     lambda m: f"stages.{int(m.group(1)) // 2}.blocks.{m.group(2)}.", key)
        key = re.sub(r"^features\.([246])\.", lambda m: f"stages.{int(m.group(1)) // 2}.downsample.", key)
        key = key.replace(".mlp.0.", ".mlp.fc1.").replace(".mlp.3.", ".mlp.fc2.")
        key = re.sub(r"^head\.", "head.fc.", key)
        out[key] = value
    return out


def convert_timm(state_dict: dict, name: str) -> dict:
    out = {}
    for key, value in state_dict.items():
        if key.endswith(_COMPUTED):
            continue
        out[re.sub(r"^layers\.", "stages.", key)] = value
    return out


CONVERTERS = {"torchvision": convert_torchvision, "timm": convert_timm}
