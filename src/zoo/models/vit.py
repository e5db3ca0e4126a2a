"""Vision Transformer (Dosovitskiy et al., 2020, "An Image is Worth 16x16 Words: Transformers for Image
Recognition at Scale", Table 1), with the Ti/S widths of Touvron et al., 2020 (DeiT).

The image is cut into patches, each embedded linearly; a class token and learned position embeddings
are added, and a stack of pre-norm transformer blocks follows. Each block is a feature stage (stride =
patch size); ``forward_intermediates`` gives the patch tokens as an NCHW grid, class token left out.
"""

import math
from collections import OrderedDict
from functools import partial

import torch
import torch.nn.functional as F
from torch import nn

from zoo.blocks import Attention, ClassifierHead, DropPath, Mlp, PatchEmbed, drop_path_rates
from zoo.keys import rename_keys
from zoo.registry import register

from .base import Backbone, FeatureInfo, tracing
from .foreign import mmpretrain_keys

__all__ = ["VisionTransformer", "EncoderBlock", "resample_pos_embed"]

LayerNorm = partial(nn.LayerNorm, eps=1e-6)


class EncoderBlock(nn.Module):
    """Pre-norm transformer block: ``x + attn(norm1(x))``, then ``x + mlp(norm2(x))``."""

    def __init__(self, dim: int, num_heads: int, mlp_ratio: float = 4.0, drop_path: float = 0.0,
                 attn_drop: float = 0.0, proj_drop: float = 0.0):
        super().__init__()
        self.norm1 = LayerNorm(dim)
        self.attn = Attention(dim, num_heads, attn_drop=attn_drop, proj_drop=proj_drop)
        self.norm2 = LayerNorm(dim)
        self.mlp = Mlp(dim, int(dim * mlp_ratio), proj_drop=proj_drop)
        self.drop_path = DropPath(drop_path) if drop_path > 0 else nn.Identity()

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        x = x + self.drop_path(self.attn(self.norm1(x)))
        return x + self.drop_path(self.mlp(self.norm2(x)))


def _pair(size: int | tuple[int, int]) -> tuple[int, int]:
    return (size, size) if isinstance(size, int) else tuple(size)


class VisionTransformer(Backbone):

    """Patch embedding → [class token; patches] + position embedding → ``depth`` blocks → LayerNorm → head.

    Args:
        patch_size, embed_dim, depth, num_heads, mlp_ratio: Table 1 of the paper.
        img_size: the input size (int or (h, w), multiples of ``patch_size``) the position embedding is
            made for; the network takes exactly this size unless ``dynamic_img_size``. Weights made at
            another size load after :func:`resample_pos_embed`; ``set_input_size`` changes it in place.
        dynamic_img_size: take any input of at least one patch (timm's option): the position embedding
            is resampled to the input's patch grid at run time.
        drop_rate: dropout before the classifier; ``attn_drop_rate`` on attention weights and
            ``proj_drop_rate`` after the position embedding and each projection inside the blocks.
    """

    stem_names = ("patch_embed", "cls_token", "pos_embed")
    global_pools = {"token": "token", "avg": "avg_tokens", "": ""}  # timm's: class token, mean of patch tokens

    def __init__(
        self,
        patch_size: int = 16,
        embed_dim: int = 768,
        depth: int = 12,
        num_heads: int = 12,
        mlp_ratio: float = 4.0,
        img_size: int | tuple[int, int] = 224,
        num_classes: int = 1000,
        in_chans: int = 3,
        drop_rate: float = 0.0,
        drop_path_rate: float = 0.0,
        attn_drop_rate: float = 0.0,
        proj_drop_rate: float = 0.0,
        dynamic_img_size: bool = False,
    ):
        super().__init__()
        self.in_chans = in_chans
        self.patch_size = patch_size
        self.min_input_size = patch_size
        self.dynamic_img_size = dynamic_img_size
        self._set_img_size(img_size)
        self.patch_embed = PatchEmbed(patch_size, in_chans, embed_dim, layout="tokens")
        self.cls_token = nn.Parameter(torch.zeros(1, 1, embed_dim))
        self.pos_embed = nn.Parameter(torch.zeros(1, 1 + self.grid_size[0] * self.grid_size[1], embed_dim))
        self.pos_drop = nn.Dropout(proj_drop_rate) if proj_drop_rate > 0 else nn.Identity()
        rates = drop_path_rates(drop_path_rate, [depth])[0]
        self.stages = nn.Sequential(OrderedDict(
            (str(i), EncoderBlock(embed_dim, num_heads, mlp_ratio, rates[i], attn_drop_rate, proj_drop_rate))
            for i in range(depth)
        ))
        self.feature_info = [FeatureInfo(embed_dim, patch_size, f"stages.{i}") for i in range(depth)]
        self.norm = LayerNorm(embed_dim)
        self.head = ClassifierHead(embed_dim, num_classes, pool="token", drop_rate=drop_rate)
        self.fixed_input_size = not dynamic_img_size
        self._init_weights()

    def _set_img_size(self, img_size: int | tuple[int, int]) -> None:
        h, w = _pair(img_size)
        if h % self.patch_size or w % self.patch_size or h <= 0 or w <= 0:
            raise ValueError(f"img_size must be a positive multiple of the patch size {self.patch_size}, got {img_size}")
        self.img_size = img_size if isinstance(img_size, int) else (h, w)
        self.grid_size = (h // self.patch_size, w // self.patch_size)
        self.input_grid = self.grid_size  # the grid of the last input (dynamic_img_size), for to_nchw

    def set_input_size(self, img_size: int | tuple[int, int] | None = None, patch_size: int | None = None) -> None:
        """Make the model for another input size (timm's method): the position embedding is resampled to
        the new patch grid in place. The patch size is part of the weights and cannot change."""
        if patch_size is not None and _pair(patch_size) != _pair(self.patch_size):
            raise ValueError(f"the patch size of {type(self).__name__} is fixed at {self.patch_size}, got {patch_size}")
        if img_size is None:
            return
        old_grid = self.grid_size
        self._set_img_size(img_size)
        with torch.no_grad():
            pos = resample_pos_embed(self.pos_embed.data, self.grid_size, old_grid)
        self.pos_embed = nn.Parameter(pos, requires_grad=self.pos_embed.requires_grad)

    def _init_weights(self) -> None:
        # timm's truncated normal (std 0.02, cut at ±2 = 100 std) never truncates: a plain normal is
        # the same distribution and several times faster to draw for the large models
        nn.init.normal_(self.pos_embed, std=0.02)
        nn.init.normal_(self.cls_token, std=1e-6)
        for m in self.modules():
            if isinstance(m, nn.Linear):
                nn.init.normal_(m.weight, std=0.02)
                nn.init.zeros_(m.bias)

    def check_input(self, x: torch.Tensor) -> None:
        super().check_input(x)
        if tracing():
            return
        size = tuple(x.shape[2:])
        if self.dynamic_img_size and (size[0] % self.patch_size or size[1] % self.patch_size):
            raise ValueError(
                f"{type(self).__name__} (dynamic_img_size) takes heights and widths that are multiples of the "
                f"patch size {self.patch_size}, got {size[0]}x{size[1]}"
            )
        expected = _pair(self.img_size)
        if not self.dynamic_img_size and size != expected:
            raise ValueError(
                f"{type(self).__name__} was built for {expected[0]}x{expected[1]} inputs (img_size={self.img_size}), "
                f"got {size[0]}x{size[1]}; build it with img_size=<a multiple of the patch size "
                f"{self.patch_size}> or dynamic_img_size=True for another size"
            )

    def forward_stem(self, x: torch.Tensor) -> torch.Tensor:
        pos_embed = self._dynamic_pos_embed(x) if self.dynamic_img_size else self.pos_embed
        x = self.patch_embed(x)
        x = torch.cat([self.cls_token.expand(x.shape[0], -1, -1), x], dim=1)
        return self.pos_drop(x + pos_embed)

    @torch.jit.ignore  # TorchScript runs it in Python: the resampling sizes are only known at run time
    def _dynamic_pos_embed(self, x: torch.Tensor) -> torch.Tensor:
        self.input_grid = (x.shape[-2] // self.patch_size, x.shape[-1] // self.patch_size)  # for to_nchw
        return resample_pos_embed(self.pos_embed, self.input_grid, self.grid_size)

    def forward_post(self, x: torch.Tensor) -> torch.Tensor:
        """``forward_features`` gives the tokens (B, 1 + patches, C) after the final norm, class token first."""
        return self.norm(x)

    def norm_intermediate(self, x: torch.Tensor, index: int) -> torch.Tensor:
        return self.norm(x)

    def to_nchw(self, x: torch.Tensor, index: int) -> torch.Tensor:
        return x[:, 1:].transpose(1, 2).unflatten(2, self.input_grid if self.dynamic_img_size else self.grid_size)

    def no_weight_decay(self) -> set[str]:
        return {"pos_embed", "cls_token"}

    def adapt_state_dict(self, state_dict: dict) -> dict:
        """Weights made at another img_size: their position embedding is resampled to this grid."""
        pos = state_dict.get("pos_embed")
        if pos is not None and pos.shape != self.pos_embed.shape:
            state_dict = {**state_dict, "pos_embed": resample_pos_embed(pos, self.grid_size)}
        return state_dict


def resample_pos_embed(
    pos_embed: torch.Tensor,
    new_grid: int | tuple[int, int],
    old_grid: int | tuple[int, int] | None = None,
    num_prefix_tokens: int = 1,
) -> torch.Tensor:
    """A position embedding (1, prefix + h·w, C) made for an h×w patch grid, resampled to ``new_grid``.

    The patch positions are interpolated bicubically (antialiased when shrinking), as timm does; the
    class token's embedding is kept. ``old_grid`` defaults to the square grid the length implies.
    """
    if pos_embed.ndim != 3:
        raise ValueError(f"a position embedding has shape (1, tokens, dim), got {tuple(pos_embed.shape)}")
    new_h, new_w = _pair(new_grid)
    patches = pos_embed.shape[1] - num_prefix_tokens
    if old_grid is None:
        side = math.isqrt(patches)
        if side * side != patches:
            raise ValueError(f"{patches} patch positions form no square grid: pass old_grid=(h, w)")
        old_grid = (side, side)
    old_h, old_w = _pair(old_grid)
    if old_h * old_w != patches:
        raise ValueError(f"old_grid {old_h}x{old_w} has {old_h * old_w} positions, the embedding has {patches}")
    if (old_h, old_w) == (new_h, new_w):
        return pos_embed
    prefix, grid = pos_embed[:, :num_prefix_tokens], pos_embed[:, num_prefix_tokens:]
    grid = grid.float().reshape(1, old_h, old_w, -1).permute(0, 3, 1, 2)
    grid = F.interpolate(grid, size=(new_h, new_w), mode="bicubic", align_corners=False, antialias=True)
    grid = grid.permute(0, 2, 3, 1).reshape(1, new_h * new_w, -1).to(pos_embed.dtype)
    return torch.cat([prefix, grid], dim=1)


torch.fx.wrap("resample_pos_embed")  # shape-dependent Python: graph tracers record it as one call


#              patch, width, depth, heads   (Table 1; Ti and S from DeiT)
register("vit_ti_16", VisionTransformer, patch_size=16, embed_dim=192, depth=12, num_heads=3)
register("vit_s_16", VisionTransformer, patch_size=16, embed_dim=384, depth=12, num_heads=6)
register("vit_b_16", VisionTransformer, patch_size=16, embed_dim=768, depth=12, num_heads=12)
register("vit_b_32", VisionTransformer, patch_size=32, embed_dim=768, depth=12, num_heads=12)
register("vit_l_16", VisionTransformer, patch_size=16, embed_dim=1024, depth=24, num_heads=16)
register("vit_l_32", VisionTransformer, patch_size=32, embed_dim=1024, depth=24, num_heads=16)
register("vit_h_14", VisionTransformer, patch_size=14, embed_dim=1280, depth=32, num_heads=16)


# ------------------------------------------------------------------------------------ foreign checkpoints

TORCHVISION_KEYS = [  # MultiheadAttention's packed ``in_proj`` is our qkv (same q, k, v order)
    (r"^class_token$", "cls_token"), (r"^encoder\.pos_embedding$", "pos_embed"), (r"^conv_proj\.", "patch_embed.proj."),
    (r"^encoder\.ln\.", "norm."), (r"^heads\.head\.", "head.fc."),
    (r"^encoder\.layers\.encoder_layer_(\d+)\.", r"stages.\1."), (r"\.ln_([12])\.", r".norm\1."),
    (r"\.self_attention\.in_proj_", ".attn.qkv."), (r"\.self_attention\.out_proj\.", ".attn.proj."),
    (r"\.mlp\.0\.", ".mlp.fc1."), (r"\.mlp\.3\.", ".mlp.fc2."),
]
TIMM_KEYS = [(r"^blocks\.", "stages."), (r"^head\.", "head.fc.")]


def convert_torchvision(state_dict: dict, name: str) -> dict:
    return rename_keys(state_dict, TORCHVISION_KEYS)


def convert_timm(state_dict: dict, name: str) -> dict:
    return rename_keys(state_dict, TIMM_KEYS)


MMPRETRAIN_KEYS = [  # layers.i.ln1/ln2, ffn.layers.0.0/1, the final ln1
    (r"^patch_embed\.projection\.", "patch_embed.proj."), (r"^ln1\.", "norm."),
    (r"^layers\.(\d+)\.ln([12])\.", r"stages.\1.norm\2."), (r"^layers\.", "stages."),
    (r"\.ffn\.layers\.0\.0\.", ".mlp.fc1."), (r"\.ffn\.layers\.1\.", ".mlp.fc2."),
]


def convert_mmpretrain(state_dict: dict, name: str) -> dict:
    """mmpretrain's ViT; its head ``layers.head``. A head with a hidden ``pre_logits`` layer (``hidden_dim``)
    has no zoo counterpart and is refused."""
    return rename_keys(mmpretrain_keys(state_dict, {"head.layers.head.": "head.fc."}), MMPRETRAIN_KEYS)


CONVERTERS = {"torchvision": convert_torchvision, "timm": convert_timm, "mmpretrain": convert_mmpretrain}
