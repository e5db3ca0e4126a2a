"""ConvNeXt (Liu et al., 2022, "A ConvNet for the 2020s", Table 9 and Section 2).

A ResNet modernised step by step towards Swin: a 4×4 "patchify" stem, stage ratio 3:3:9:3 (3:3:27:3
for the larger models), 7×7 depthwise convs, an inverted bottleneck MLP with GELU, one LayerNorm per
block, layer scale, and separate 2×2 downsampling layers between stages.
"""

from __future__ import annotations

import re
from collections import OrderedDict
from functools import partial

import torch
from torch import nn

from zoo.blocks import ClassifierHead, ConvNeXtBlock, LayerNorm2d, PatchEmbed, drop_path_rates
from zoo.blocks.convnext_block import EPS
from zoo.keys import rename_keys
from zoo.registry import register

from .base import Backbone, FeatureInfo
from .foreign import mmpretrain_keys

__all__ = ["ConvNeXt", "ConvNeXtBlock"]  # the block lives in zoo.blocks; named here as before


class ConvNeXt(Backbone):
    """Patchify stem → 4 stages (each after the first opens with LayerNorm + 2×2 stride-2 conv) → head.

    The head pools globally, normalises (LayerNorm) and classifies.

    Args:
        depths, dims: blocks and channels per stage.
        layer_scale: initial value of every block's layer scale.
    """

    stem_names = ("stem",)

    def __init__(
        self,
        depths: tuple[int, ...] = (3, 3, 9, 3),
        dims: tuple[int, ...] = (96, 192, 384, 768),
        layer_scale: float = 1e-6,
        num_classes: int = 1000,
        in_chans: int = 3,
        drop_rate: float = 0.0,
        drop_path_rate: float = 0.0,
    ):
        super().__init__()
        self.in_chans = in_chans
        self.min_input_size = 32  # the /4 stem and three 2×2 stride-2 convs leave a 1×1 map
        self.stem = PatchEmbed(4, in_chans, dims[0], norm=partial(LayerNorm2d, eps=EPS), layout="nchw")
        stages, self.feature_info = [], []
        rates = drop_path_rates(drop_path_rate, list(depths))
        for i, (depth, dim) in enumerate(zip(depths, dims)):
            layers = OrderedDict()
            if i > 0:
                layers["downsample"] = nn.Sequential(OrderedDict(
                    norm=LayerNorm2d(dims[i - 1], eps=EPS), conv=nn.Conv2d(dims[i - 1], dim, 2, 2)
                ))
            layers["blocks"] = nn.Sequential(*[ConvNeXtBlock(dim, rates[i][j], layer_scale) for j in range(depth)])
            stages.append(nn.Sequential(layers))
            self.feature_info.append(FeatureInfo(dim, 4 * 2**i, f"stages.{i}"))
        self.stages = nn.Sequential(*stages)
        self.head = ClassifierHead(dims[-1], num_classes, drop_rate=drop_rate, pre_logits=nn.LayerNorm(dims[-1], eps=EPS))
        for m in self.modules():
            if isinstance(m, (nn.Conv2d, nn.Linear)):
                # the references' truncated normal (std 0.02, cut at ±2 = 100 std) never truncates
                nn.init.normal_(m.weight, std=0.02)
                nn.init.zeros_(m.bias)

    def forward_stem(self, x: torch.Tensor) -> torch.Tensor:
        return self.stem(x)


# Table 9 / Section 3 of the paper: (blocks per stage, channels per stage)
register("convnext_tiny", ConvNeXt, depths=(3, 3, 9, 3), dims=(96, 192, 384, 768))
register("convnext_small", ConvNeXt, depths=(3, 3, 27, 3), dims=(96, 192, 384, 768))
register("convnext_base", ConvNeXt, depths=(3, 3, 27, 3), dims=(128, 256, 512, 1024))
register("convnext_large", ConvNeXt, depths=(3, 3, 27, 3), dims=(192, 384, 768, 1536))


# ------------------------------------------------------------------------------------ foreign checkpoints

def convert_torchvision(state_dict: dict, name: str) -> dict:
    """torchvision numbers its ``features`` flat: stem 0, stages 1/3/5/7, downsamplings 2/4/6."""
    out = {}
    for key, value in state_dict.items():
        m = re.match(r"features\.(\d+)\.(.*)", key)
        if m:
            index, rest = int(m.group(1)), m.group(2)
            if index == 0:
                key = "stem." + re.sub(r"^0\.", "proj.", re.sub(r"^1\.", "norm.", rest))
            elif index % 2:
                block, part = rest.split(".", 1)
                part = {"block.0.weight": "conv_dw.weight", "block.0.bias": "conv_dw.bias",
                        "block.2.weight": "norm.weight", "block.2.bias": "norm.bias",
                        "block.3.weight": "mlp.fc1.weight", "block.3.bias": "mlp.fc1.bias",
                        "block.5.weight": "mlp.fc2.weight", "block.5.bias": "mlp.fc2.bias",
                        "layer_scale": "ls.gamma"}[part]
                key = f"stages.{index // 2}.blocks.{block}.{part}"
                if part == "ls.gamma":
                    value = value.reshape(-1)  # (C, 1, 1) in NCHW → (C,) on the channels-last branch
            else:
                key = f"stages.{index // 2}.downsample." + re.sub(r"^0\.", "norm.", re.sub(r"^1\.", "conv.", rest))
        key = re.sub(r"^classifier\.0\.", "head.pre_logits.", key)
        key = re.sub(r"^classifier\.2\.", "head.fc.", key)
        out[key] = value
    return out


TIMM_KEYS = [
    (r"^stem\.0\.", "stem.proj."), (r"^stem\.1\.", "stem.norm."), (r"\.downsample\.0\.", ".downsample.norm."),
    (r"\.downsample\.1\.", ".downsample.conv."), (r"\.gamma$", ".ls.gamma"), (r"^head\.norm\.", "head.pre_logits."),
]


def convert_timm(state_dict: dict, name: str) -> dict:
    return rename_keys(state_dict, TIMM_KEYS)


def convert_mmpretrain(state_dict: dict, name: str) -> dict:
    """mmpretrain: ``downsample_layers.0`` is the stem (conv, norm), ``downsample_layers.i`` (norm, conv)
    opens stage i; blocks ``depthwise_conv``, ``pointwise_conv1/2``, ``gamma``; ``norm3`` after pooling."""
    out = {}
    for key, value in mmpretrain_keys(state_dict, {"head.fc.": "head.fc."}).items():
        key = re.sub(r"^downsample_layers\.0\.0\.", "stem.proj.", key)
        key = re.sub(r"^downsample_layers\.0\.1\.", "stem.norm.", key)
        key = re.sub(r"^downsample_layers\.(\d)\.([01])\.",
                     lambda m: f"stages.{m[1]}.downsample.{('norm', 'conv')[int(m[2])]}.", key)
        key = re.sub(r"^stages\.(\d)\.(\d+)\.", r"stages.\1.blocks.\2.", key)
        key = key.replace(".depthwise_conv.", ".conv_dw.").replace(".pointwise_conv1.", ".mlp.fc1.")
        key = key.replace(".pointwise_conv2.", ".mlp.fc2.")
        key = re.sub(r"\.gamma$", ".ls.gamma", key)
        key = re.sub(r"^norm3\.", "head.pre_logits.", key)
        out[key] = value
    return out


CONVERTERS = {"torchvision": convert_torchvision, "timm": convert_timm, "mmpretrain": convert_mmpretrain}
