"""MaxViT (Tu et al., 2022, "MaxViT: Multi-Axis Vision Transformer", Section 3 and Table 1).

Every MaxViT block is an MBConv followed by two attention layers over fixed partitions of the map:
*block* attention inside non-overlapping P×P windows (local), then *grid* attention among the G×G
pixels spread evenly over the whole map, one set per offset (global, dilated). P = G = 7, so every
attention runs over 49 tokens with a learned relative-position bias, and its cost is linear in the
image area. Each stage halves the resolution in its first MBConv (strides 4, 8, 16, 32 after a
stride-2 stem); the head is average pool → LayerNorm → linear → tanh → linear.

The network is torchvision's ``maxvit_t``. timm's ``maxvit_tiny_tf_224`` has the same table but is
another network (TensorFlow "same" padding, tanh-approximated GELU, attention scaled per head, a
biased classifier), so no timm converter is given. Maps stay NCHW between layers (the MBConv is a CNN);
each attention layer partitions the map into token groups, attends and merges back.
"""

from __future__ import annotations

from collections import OrderedDict
from functools import partial

import torch
from torch import nn

from zoo.blocks import Attention, ClassifierHead, ConvNormAct, DropPath, InvertedResidual, Mlp, drop_path_rates
from zoo.keys import rename_keys
from zoo.registry import register

from .base import Backbone, FeatureInfo

__all__ = ["MaxViT", "MaxViTBlock", "PartitionAttention", "partition", "merge"]

# the TensorFlow reference's BatchNorm (epsilon 1e-3, PyTorch momentum 0.01), as torchvision builds it
BatchNorm = partial(nn.BatchNorm2d, eps=1e-3, momentum=0.01)


def partition(x: torch.Tensor, size: int, grid: bool) -> torch.Tensor:
    """(B, C, H, W) → (B, groups, size², C).

    ``grid=False``: each group is a size×size window of neighbouring pixels. ``grid=True``: each group
    is a size×size grid of pixels H/size and W/size apart, one group per offset inside a grid cell.
    """
    B, C, H, W = x.shape
    if grid:  # B, C, row in grid, row in cell, column in grid, column in cell → B, cell offset, grid position
        x = x.reshape(B, C, size, H // size, size, W // size).permute(0, 3, 5, 2, 4, 1)
    else:  # B, C, window row, row in window, window column, column in window → B, window, position
        x = x.reshape(B, C, H // size, size, W // size, size).permute(0, 2, 4, 3, 5, 1)
    return x.reshape(B, -1, size * size, C)


def merge(t: torch.Tensor, size: int, H: int, W: int, grid: bool) -> torch.Tensor:
    """The inverse of :func:`partition`: (B, groups, size², C) → (B, C, H, W)."""
    B, _, _, C = t.shape
    t = t.reshape(B, H // size, W // size, size, size, C)
    t = t.permute(0, 5, 3, 1, 4, 2) if grid else t.permute(0, 5, 1, 3, 2, 4)
    return t.reshape(B, C, H, W)


class PartitionAttention(nn.Module):
    """Pre-norm attention and MLP, each a residual branch, within each token group of a partition:
    the block attention (``grid=False``) or the grid attention (``grid=True``) of the paper's Fig. 3."""

    def __init__(self, dim: int, *, head_dim: int, size: int, grid: bool, mlp_ratio: int = 4,
                 drop_path: float = 0.0, attn_drop: float = 0.0, proj_drop: float = 0.0):
        super().__init__()
        self.size, self.grid = size, grid
        self.norm1 = nn.LayerNorm(dim)
        # torchvision scales the dot products by the layer's width, not the head's (its weights expect it)
        self.attn = Attention(dim, dim // head_dim, attn_drop=attn_drop, proj_drop=proj_drop, window=size,
                              position_bias="table", scale=dim**-0.5)
        self.norm2 = nn.LayerNorm(dim)
        self.mlp = Mlp(dim, dim * mlp_ratio, proj_drop=proj_drop)
        # stochastic depth drops a whole image's branch: it sees (B, groups, tokens, C)
        self.drop_path = DropPath(drop_path) if drop_path > 0 else nn.Identity()

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        _, _, H, W = x.shape
        t = partition(x, self.size, self.grid)
        t = t + self.drop_path(self.attn(self.norm1(t).flatten(0, 1)).view(t.shape))
        t = t + self.drop_path(self.mlp(self.norm2(t)))
        return merge(t, self.size, H, W, self.grid)


def mbconv(in_chs: int, out_chs: int, *, stride: int, drop_path: float) -> InvertedResidual:
    """MaxViT's MBConv: BatchNorm → 1×1 expand ×4 → depthwise 3×3 → squeeze-excite (¼ of the output
    width) → 1×1 conv with bias; where the shape changes the shortcut is a 3×3 average pool (stride 2)
    and a 1×1 conv."""
    shortcut = None
    if stride != 1 or in_chs != out_chs:
        layers = OrderedDict(pool=nn.AvgPool2d(3, stride, padding=1)) if stride != 1 else OrderedDict()
        layers["conv"] = nn.Conv2d(in_chs, out_chs, 1)
        shortcut = nn.Sequential(layers)
    return InvertedResidual(in_chs, out_chs, stride=stride, mid_chs=4 * out_chs, se_chs=out_chs // 4, act=nn.GELU,
                            se_act=nn.SiLU, norm=BatchNorm, pre_norm=True, project_norm=False, shortcut=shortcut,
                            drop_path=drop_path)


class MaxViTBlock(nn.Module):
    """MBConv → block attention → grid attention (the paper's Fig. 2), one stochastic-depth rate."""

    def __init__(self, in_chs: int, out_chs: int, *, stride: int, head_dim: int, partition_size: int,
                 mlp_ratio: int, drop_path: float, attn_drop: float, proj_drop: float):
        super().__init__()
        self.mbconv = mbconv(in_chs, out_chs, stride=stride, drop_path=drop_path)
        attn = partial(PartitionAttention, out_chs, head_dim=head_dim, size=partition_size, mlp_ratio=mlp_ratio,
                       drop_path=drop_path, attn_drop=attn_drop, proj_drop=proj_drop)
        self.block_attn = attn(grid=False)
        self.grid_attn = attn(grid=True)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.grid_attn(self.block_attn(self.mbconv(x)))


class MaxViT(Backbone):
    """Stem (two 3×3 convs, stride 2) → 4 stages of MaxViT blocks → pooled MLP head.

    Args:
        stem_width, depths, widths, head_dim: Table 1 (MaxViT-T: 64; 2, 2, 5, 2; 64…512; 32).
        partition_size: P = G, the side of the windows and of the grid (7).
        img_size: the input size the model is made for. Every stage's map (strides 4…32, each halving
            rounded up) must be a multiple of ``partition_size`` so that windows and grid tile it: 224
            and its multiples, as in torchvision (which also runs 221–223); any such size runs.
    """

    def __init__(
        self,
        stem_width: int = 64,
        depths: tuple[int, ...] = (2, 2, 5, 2),
        widths: tuple[int, ...] = (64, 128, 256, 512),
        head_dim: int = 32,
        partition_size: int = 7,
        mlp_ratio: int = 4,
        img_size: int | tuple[int, int] = 224,
        num_classes: int = 1000,
        in_chans: int = 3,
        drop_rate: float = 0.0,
        drop_path_rate: float = 0.0,
        attn_drop_rate: float = 0.0,
        proj_drop_rate: float = 0.0,
    ):
        super().__init__()
        if len(depths) != len(widths):
            raise ValueError(f"depths and widths must have one entry per stage, got {depths} and {widths}")
        self.in_chans, self.partition_size, self.num_stages = in_chans, partition_size, len(depths)
        self._check_size(*((img_size, img_size) if isinstance(img_size, int) else img_size), what="img_size")
        self.img_size = img_size if isinstance(img_size, int) else tuple(img_size)
        stem = nn.Sequential(ConvNormAct(in_chans, stem_width, 3, 2, norm=BatchNorm, act=nn.GELU),
                             ConvNormAct(stem_width, stem_width, 3, norm=None, act=None))
        stages = OrderedDict(stem=stem)
        self.feature_info = [FeatureInfo(stem_width, 2, "stages.stem")]
        in_chs = stem_width
        for i, (depth, width, rates) in enumerate(zip(depths, widths, drop_path_rates(drop_path_rate, list(depths)))):
            stages[f"stage{i + 1}"] = nn.Sequential(*(
                MaxViTBlock(in_chs if j == 0 else width, width, stride=2 if j == 0 else 1, head_dim=head_dim,
                            partition_size=partition_size, mlp_ratio=mlp_ratio, drop_path=rates[j],
                            attn_drop=attn_drop_rate, proj_drop=proj_drop_rate)
                for j in range(depth)
            ))
            self.feature_info.append(FeatureInfo(width, 2 ** (i + 2), f"stages.stage{i + 1}"))
            in_chs = width
        self.stages = nn.Sequential(stages)
        # the TensorFlow reference's head: a tanh MLP on the normalised pooled features, no bias at the end
        pre_logits = nn.Sequential(OrderedDict(norm=nn.LayerNorm(in_chs), fc=nn.Linear(in_chs, in_chs), act=nn.Tanh()))
        self.head = ClassifierHead(in_chs, num_classes, drop_rate=drop_rate, pre_logits=pre_logits, bias=False)
        for m in self.modules():  # torchvision's initialisation
            if isinstance(m, (nn.Conv2d, nn.Linear)):
                nn.init.normal_(m.weight, std=0.02)
                if m.bias is not None:
                    nn.init.zeros_(m.bias)

    def stage_sizes(self, h: int, w: int) -> list[tuple[int, int]]:
        """The map size of each stage (strides 4, 8, 16, 32) for an h×w input: each 3×3 stride-2 conv
        (padding 1) halves, rounding up."""
        h, w = -(-h // 2), -(-w // 2)  # the stem
        sizes = []
        for _ in range(self.num_stages):
            h, w = -(-h // 2), -(-w // 2)
            sizes.append((h, w))
        return sizes

    def _check_size(self, h: int, w: int, what: str) -> None:
        p = self.partition_size
        sizes = self.stage_sizes(h, w)
        if h <= 0 or w <= 0 or any(a % p or b % p for a, b in sizes):
            maps = ", ".join(f"{a}x{b}" for a, b in sizes)
            raise ValueError(
                f"{type(self).__name__} needs every stage's map to be a multiple of the partition size {p} (so that "
                f"windows and grid tile it), e.g. an input of {p * 2 ** (self.num_stages + 1)} or a multiple; got "
                f"{what} {h}x{w}, whose stage maps are {maps}"
            )

    def check_input(self, x: torch.Tensor) -> None:
        super().check_input(x)
        self._check_size(x.shape[2], x.shape[3], what="an input of")

    def no_weight_decay(self) -> set[str]:
        return {n for n, _ in self.named_parameters() if n.endswith("relative_position_bias_table")}


#          stem width, blocks per stage, widths per stage, head width (Table 1)
T = dict(stem_width=64, depths=(2, 2, 5, 2), widths=(64, 128, 256, 512), head_dim=32)
register("maxvit_t", MaxViT, **T)


# ------------------------------------------------------------------------------------ foreign checkpoints

# torchvision's names → the zoo's, applied in order to each key
_TORCHVISION_RULES = [
    (r"^stem\.0\.0\.", "stages.stem.0.conv."),
    (r"^stem\.0\.1\.", "stages.stem.0.norm."),
    (r"^stem\.1\.0\.", "stages.stem.1.conv."),
    (r"^blocks\.(\d+)\.layers\.(\d+)\.layers\.", lambda m: f"stages.stage{int(m.group(1)) + 1}.{m.group(2)}."),
    (r"\.MBconv\.proj\.\d\.", ".mbconv.shortcut.conv."),  # [pool,] conv
    (r"\.MBconv\.layers\.pre_norm\.", ".mbconv.pre_norm."),
    (r"\.MBconv\.layers\.conv_a\.0\.", ".mbconv.conv_pw.conv."),
    (r"\.MBconv\.layers\.conv_a\.1\.", ".mbconv.conv_pw.norm."),
    (r"\.MBconv\.layers\.conv_b\.0\.", ".mbconv.conv_dw.conv."),
    (r"\.MBconv\.layers\.conv_b\.1\.", ".mbconv.conv_dw.norm."),
    (r"\.MBconv\.layers\.squeeze_excitation\.", ".mbconv.se."),
    (r"\.MBconv\.layers\.conv_c\.", ".mbconv.conv_pwl.conv."),
    (r"\.window_attention\.", ".block_attn."),
    (r"\.grid_attention\.", ".grid_attn."),
    (r"\.attn_layer\.0\.", ".norm1."),
    (r"\.attn_layer\.1\.to_qkv\.", ".attn.qkv."),
    (r"\.attn_layer\.1\.merge\.", ".attn.proj."),
    (r"\.attn_layer\.1\.relative_position_bias_table$", ".attn.relative_position_bias_table"),
    (r"\.mlp_layer\.0\.", ".norm2."),
    (r"\.mlp_layer\.1\.", ".mlp.fc1."),
    (r"\.mlp_layer\.3\.", ".mlp.fc2."),
    (r"^classifier\.2\.", "head.pre_logits.norm."),
    (r"^classifier\.3\.", "head.pre_logits.fc."),
    (r"^classifier\.5\.", "head.fc."),
]


def convert_torchvision(state_dict: dict, name: str) -> dict:
    """torchvision's ``maxvit_t``: blocks.i.layers.j.layers.{MBconv, window_attention, grid_attention}."""
    learned = {k: v for k, v in state_dict.items() if not k.endswith(".relative_position_index")}  # rebuilt here
    return rename_keys(learned, _TORCHVISION_RULES)


CONVERTERS = {"torchvision": convert_torchvision}
