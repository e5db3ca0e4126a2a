"""Swin Transformer (Liu et al., 2021, "Swin Transformer: Hierarchical Vision Transformer using Shifted
Windows", Table 7) and Swin Transformer V2 (Liu et al., 2021, "Swin Transformer V2: Scaling Up Capacity
and Resolution", Section 3).

Attention is computed inside non-overlapping windows; every second block shifts the windows by half a
window so information crosses window borders. A patch-merging layer halves the resolution between
stages, giving feature maps at strides 4, 8, 16, 32 like a CNN. V2 normalises after each residual
branch instead of before, uses scaled cosine attention and a continuous (MLP) position bias.

Maps run channels-last (B, H, W, C) through the network; ``forward_intermediates`` gives NCHW. Any input
size runs, as in torchvision: each attention pads its map to whole windows (the shift mask is built for the
padded map) and crops the padding off again; patch merging pads to even sizes.
"""

import torch
from torch import nn

from zoo.blocks import ClassifierHead, PatchEmbed, drop_path_rates
from zoo.blocks.windows import SwinBlock, pad_to_multiple, shifted_window_mask, stage_mask, window_shift
from zoo.keys import rename_keys
from zoo.registry import register

from .base import Backbone, FeatureInfo
from .foreign import mmpretrain_keys

__all__ = ["SwinTransformer", "SwinBlock", "shifted_window_mask", "stage_mask"]

# shape-dependent Python called here too: graph tracers record these as calls (torch.fx.wrap is per module)
for _name in ("pad_to_multiple", "window_shift", "stage_mask"):
    torch.fx.wrap(_name)


class PatchMerging(nn.Module):
    """Each 2×2 neighbourhood concatenated (4C) and projected to 2C; normalised before (V1) or after (V2)."""

    def __init__(self, dim: int, v2: bool = False):
        super().__init__()
        self.post_norm = v2
        self.reduction = nn.Linear(4 * dim, 2 * dim, bias=False)
        self.norm = nn.LayerNorm(2 * dim if v2 else 4 * dim)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        x = pad_to_multiple(x, 2)  # an odd side gets a zero row/column, as in torchvision
        B, H, W, C = x.shape
        # channel order (0,0), (1,0), (0,1), (1,1) as (row, column) offsets: the references' order
        x = x.view(B, H // 2, 2, W // 2, 2, C).permute(0, 1, 3, 4, 2, 5).reshape(B, H // 2, W // 2, 4 * C)
        return self.norm(self.reduction(x)) if self.post_norm else self.reduction(self.norm(x))


class SwinStage(nn.Module):
    """Optional patch merging, then blocks alternating plain and shifted windows.

    The shift and its mask depend only on the map size: they are made once per forward and shared by
    the stage's shifted blocks, each of which adds its own position bias to the mask. A map of one window
    gets a mask of zeros, so that a traced graph holds one path for every size.
    """

    def __init__(self, dim: int, depth: int, *, num_heads: int, window: int, drop_paths: list[float],
                 downsample: bool, v2: bool, mlp_ratio: float = 4.0, proj_drop: float = 0.0, attn_drop: float = 0.0):
        super().__init__()
        self.window = window
        self.downsample = PatchMerging(dim // 2, v2) if downsample else nn.Identity()
        self.blocks = nn.ModuleList(
            SwinBlock(dim, num_heads=num_heads, window=window, mlp_ratio=mlp_ratio, drop_path=drop_paths[j], v2=v2,
                      proj_drop=proj_drop, attn_drop=attn_drop) for j in range(depth)
        )

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        x = self.downsample(x)
        shift = window_shift(x, self.window)
        mask = stage_mask(x, self.window) if len(self.blocks) > 1 else None
        for j, block in enumerate(self.blocks):
            x = block(x, shift, mask) if j % 2 else block(x)
        return x


class SwinTransformer(Backbone):

    """Patch embedding (4×4) → 4 stages of window-attention blocks → LayerNorm → average pool → linear.

    Args:
        embed_dim, depths, num_heads, window_size: Table 7 (V1) / the V2 paper's T/S/B.
        v2: Swin V2's post-norm blocks, cosine attention, continuous position bias and patch merging.
        img_size: the input size the model is made for (its preprocessing); any size of at least one
            patch runs, as in torchvision (windows are padded per stage).
    """

    stem_names = ("patch_embed",)

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
        self.min_input_size = patch_size
        if min((img_size,) if isinstance(img_size, int) else img_size) < patch_size:
            raise ValueError(f"img_size must be at least the patch size {patch_size}, got {img_size}")
        self.img_size = img_size if isinstance(img_size, int) else tuple(img_size)
        self.patch_embed = PatchEmbed(patch_size, in_chans, embed_dim, norm=nn.LayerNorm, layout="nhwc")
        rates = drop_path_rates(drop_path_rate, list(depths))
        stages, self.feature_info = [], []
        for i, (depth, heads) in enumerate(zip(depths, num_heads)):
            dim = embed_dim * 2**i
            stages.append(SwinStage(dim, depth, num_heads=heads, window=window_size, drop_paths=rates[i],
                                    downsample=i > 0, v2=v2, mlp_ratio=mlp_ratio, proj_drop=proj_drop_rate,
                                    attn_drop=attn_drop_rate))
            self.feature_info.append(FeatureInfo(dim, patch_size * 2**i, f"stages.{i}"))
        self.stages = nn.Sequential(*stages)
        self.norm = nn.LayerNorm(dim)
        self.head = ClassifierHead(dim, num_classes, drop_rate=drop_rate)
        for m in self.modules():
            if isinstance(m, nn.Linear):  # the references' truncated normal cuts at ±2 = 100 std: never
                nn.init.normal_(m.weight, std=0.02)
                if m.bias is not None:
                    nn.init.zeros_(m.bias)

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


TORCHVISION_KEYS = [  # ``features`` numbered flat: embedding 0, stages 1/3/5/7, patch merging 2/4/6
    (r"^features\.0\.0\.", "patch_embed.proj."), (r"^features\.0\.2\.", "patch_embed.norm."),
    (r"^features\.([1357])\.(\d+)\.", lambda m: f"stages.{int(m[1]) // 2}.blocks.{m[2]}."),
    (r"^features\.([246])\.", lambda m: f"stages.{int(m[1]) // 2}.downsample."),
    (r"\.mlp\.0\.", ".mlp.fc1."), (r"\.mlp\.3\.", ".mlp.fc2."), (r"^head\.", "head.fc."),
]


def _learned(state_dict: dict) -> dict:
    """Without the tables the zoo computes at build time (relative position index, shift masks)."""
    return {k: v for k, v in state_dict.items() if not k.endswith(_COMPUTED)}


def convert_torchvision(state_dict: dict, name: str) -> dict:
    return rename_keys(_learned(state_dict), TORCHVISION_KEYS)


def convert_timm(state_dict: dict, name: str) -> dict:
    return rename_keys(_learned(state_dict), [(r"^layers\.", "stages.")])


def _from_unfold(value: torch.Tensor) -> torch.Tensor:
    """mmpretrain merges patches with ``nn.Unfold``: channel c·4 + 2·row + column. The zoo concatenates
    the four offsets, (0,0), (1,0), (0,1), (1,1), each with all C channels: reorder the last axis."""
    c = value.shape[-1] // 4
    index = torch.arange(4 * c)
    offset, channel = index // c, index % c  # the zoo's order
    row, column = offset % 2, offset // 2
    return value[..., channel * 4 + row * 2 + column]


def convert_mmpretrain(state_dict: dict, name: str) -> dict:
    """mmpretrain: ``attn.w_msa``, ``ffn.layers.0.0/1``, ``norm3``; Swin V1 merges patches at the end of a
    stage (the zoo: at the start of the next); V2's separate ``q_bias``/``v_bias`` are the zoo's qkv bias
    with a zero key bias."""
    v2 = name.startswith("swin_v2")
    rules = [(r"^patch_embed\.projection\.", "patch_embed.proj."), (r"^norm3\.", "norm."),
             (r"\.attn\.w_msa\.", ".attn."), (r"\.ffn\.layers\.0\.0\.", ".mlp.fc1."),
             (r"\.ffn\.layers\.1\.", ".mlp.fc2.")]
    if not v2:  # V1 merges patches at the end of a stage, the zoo at the start of the next
        rules.append((r"^stages\.(\d)\.(?=downsample\.)", lambda m: f"stages.{int(m[1]) + 1}."))
    unfolded = r"\.downsample\.reduction\.weight$" if v2 else r"\.downsample\."  # nn.Unfold's channel order
    out = rename_keys(_learned(mmpretrain_keys(state_dict, {"head.fc.": "head.fc."})), rules,
                      values=[(unfolded, _from_unfold)])
    for key in [k for k in out if k.endswith(".attn.q_bias")]:
        q, v = out.pop(key), out.pop(key.replace("q_bias", "v_bias"))
        out[key.replace("q_bias", "qkv.bias")] = torch.cat([q, torch.zeros_like(q), v])
    return out


CONVERTERS = {"torchvision": convert_torchvision, "timm": convert_timm, "mmpretrain": convert_mmpretrain}
