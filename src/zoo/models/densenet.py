"""DenseNet: Huang et al., 2016, "Densely Connected Convolutional Networks" (Table 1).

Inside a dense block every layer receives the concatenation of all earlier outputs of the block and
adds ``growth_rate`` new channels (Section 3). Each layer is pre-activation: BN → ReLU → conv 1×1 to
``bn_size · growth_rate`` channels (the "bottleneck", DenseNet-B) → BN → ReLU → conv 3×3 to
``growth_rate``. Between blocks a transition (BN → ReLU → conv 1×1 → avg-pool 2×2) halves the
resolution and, with compression 0.5 (DenseNet-C), the channels. A network is therefore three numbers
and a list: the stem width, the growth rate, and the layers per block.

``memory_efficient=True`` recomputes each layer's concatenation, BN and 1×1 conv in the backward pass
instead of storing them (Pleiss et al., 2017, "Memory-Efficient Implementation of DenseNets"; torchvision's
option): the stored features then grow linearly, not quadratically, with depth. Outputs are unchanged.
"""

from __future__ import annotations

import re
from collections import OrderedDict

import torch
import torch.utils.checkpoint as cp
from torch import nn

from zoo.blocks import ClassifierHead, ConvNormAct
from zoo.registry import get_entry, register

from .base import Backbone, FeatureInfo

__all__ = ["DenseNet", "DenseBlock", "DenseLayer", "Transition"]

BN_SIZE = 4  # width of the bottleneck conv, in growth rates (Section 3, "Bottleneck layers")
COMPRESSION = 0.5  # channels kept by a transition (θ, "Compression")


class DenseLayer(nn.Module):
    """BN → ReLU → conv 1×1 (``bn_size · growth_rate``) → BN → ReLU → conv 3×3 (``growth_rate``), on the
    concatenation of every feature before it in the block."""

    def __init__(self, in_chs: int, growth_rate: int, bn_size: int = BN_SIZE, drop_rate: float = 0.0,
                 memory_efficient: bool = False):
        super().__init__()
        mid = bn_size * growth_rate
        self.norm1 = nn.BatchNorm2d(in_chs)
        self.act1 = nn.ReLU(inplace=True)
        self.conv1 = nn.Conv2d(in_chs, mid, 1, bias=False)
        self.norm2 = nn.BatchNorm2d(mid)
        self.act2 = nn.ReLU(inplace=True)
        self.conv2 = nn.Conv2d(mid, growth_rate, 3, padding=1, bias=False)
        self.drop = nn.Dropout(drop_rate) if drop_rate > 0 else nn.Identity()
        self.memory_efficient = memory_efficient

    def bottleneck(self, *features: torch.Tensor) -> torch.Tensor:
        return self.conv1(self.act1(self.norm1(torch.cat(features, 1))))

    def forward(self, features: list[torch.Tensor]) -> torch.Tensor:
        if self.memory_efficient and self.training and any(f.requires_grad for f in features):
            x = cp.checkpoint(self.bottleneck, *features, use_reentrant=False)
        else:
            x = self.bottleneck(*features)
        return self.drop(self.conv2(self.act2(self.norm2(x))))


class DenseBlock(nn.Module):
    """``num_layers`` dense layers; the output is the input concatenated with every layer's new channels."""

    def __init__(self, in_chs: int, num_layers: int, growth_rate: int, **layer_kwargs):
        super().__init__()
        self.layers = nn.ModuleList(
            DenseLayer(in_chs + i * growth_rate, growth_rate, **layer_kwargs) for i in range(num_layers)
        )
        self.out_chs = in_chs + num_layers * growth_rate

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        features = [x]
        for layer in self.layers:
            features.append(layer(features))
        return torch.cat(features, 1)


class Transition(nn.Sequential):
    """BN → ReLU → conv 1×1 (``out_chs``) → avg-pool 2×2/2, between two dense blocks."""

    def __init__(self, in_chs: int, out_chs: int):
        super().__init__(OrderedDict(
            norm=nn.BatchNorm2d(in_chs),
            act=nn.ReLU(inplace=True),
            conv=nn.Conv2d(in_chs, out_chs, 1, bias=False),
            pool=nn.AvgPool2d(2, 2),
        ))


class DenseNet(Backbone):
    """Stem (conv 7×7/2, BN, ReLU) → max-pool → dense blocks joined by transitions → BN → ReLU → pool → linear.

    Args:
        growth_rate: channels each dense layer adds (k).
        block_config: dense layers per block (Table 1).
        stem_width: channels of the stem conv (2k in the paper).
        bn_size: bottleneck width in growth rates.
        drop_rate: dropout before the classifier.
        layer_drop_rate: dropout after each dense layer (torchvision's ``drop_rate``).
        memory_efficient: recompute the bottlenecks in backward instead of storing them (see above).
    """

    min_input_size = 29  # the stem, the max-pool and three transitions must leave a 1×1 map

    def __init__(self, *, growth_rate: int = 32, block_config: tuple[int, ...] = (6, 12, 24, 16), stem_width: int = 64,
                 bn_size: int = BN_SIZE, num_classes: int = 1000, in_chans: int = 3, drop_rate: float = 0.0,
                 layer_drop_rate: float = 0.0, memory_efficient: bool = False):
        super().__init__()
        self.in_chans = in_chans
        stages = OrderedDict(stem=ConvNormAct(in_chans, stem_width, 7, 2, padding=3))
        self.feature_info = [FeatureInfo(stem_width, 2, "stages.stem")]
        in_chs, reduction = stem_width, 2
        for i, num_layers in enumerate(block_config):
            if i == 0:
                layers = OrderedDict(pool=nn.MaxPool2d(3, 2, 1))
            else:
                layers = OrderedDict(transition=Transition(in_chs, int(in_chs * COMPRESSION)))
                in_chs = int(in_chs * COMPRESSION)
            layers["block"] = DenseBlock(in_chs, num_layers, growth_rate, bn_size=bn_size, drop_rate=layer_drop_rate,
                                         memory_efficient=memory_efficient)
            in_chs = layers["block"].out_chs
            if i == len(block_config) - 1:  # the last block's features are normalised before the head
                layers["norm"] = nn.BatchNorm2d(in_chs)
                layers["act"] = nn.ReLU(inplace=True)
            reduction *= 2
            stages[f"s{i + 1}"] = nn.Sequential(layers)
            self.feature_info.append(FeatureInfo(in_chs, reduction, f"stages.s{i + 1}"))
        self.stages = nn.Sequential(stages)
        self.head = ClassifierHead(in_chs, num_classes, drop_rate=drop_rate)
        self._init_weights()

    def _init_weights(self) -> None:
        for m in self.modules():  # as the reference
            if isinstance(m, nn.Conv2d):
                nn.init.kaiming_normal_(m.weight)
            elif isinstance(m, nn.Linear):
                nn.init.zeros_(m.bias)


# Table 1 (k = 32; DenseNet-161: k = 48 and a 96-channel stem): layers per dense block
register("densenet121", DenseNet, growth_rate=32, block_config=(6, 12, 24, 16), stem_width=64)
register("densenet161", DenseNet, growth_rate=48, block_config=(6, 12, 36, 24), stem_width=96)
register("densenet169", DenseNet, growth_rate=32, block_config=(6, 12, 32, 32), stem_width=64)
register("densenet201", DenseNet, growth_rate=32, block_config=(6, 12, 48, 32), stem_width=64)


# ------------------------------------------------------------------------------------ foreign checkpoints

def convert_torchvision(state_dict: dict, name: str) -> dict:
    """torchvision's (and timm's: the same keys) ``features.denseblock<i>.denselayer<j>``, ``transition<i>``,
    ``norm5``, ``classifier`` → the zoo's. Also reads torchvision's released files, whose layer keys have
    the older ``norm.1`` / ``conv.2`` spelling."""
    blocks = len(get_entry(name).config["block_config"])
    out = {}
    for key, value in state_dict.items():
        key = re.sub(r"(denselayer\d+\.(?:norm|relu|conv))\.([12])\.", r"\1\2.", key)  # the released files
        key = re.sub(r"^features\.conv0\.", "stages.stem.conv.", key)
        key = re.sub(r"^features\.norm0\.", "stages.stem.norm.", key)
        key = re.sub(r"^features\.denseblock(\d)\.denselayer(\d+)\.",
                     lambda m: f"stages.s{m[1]}.block.layers.{int(m[2]) - 1}.", key)
        key = re.sub(r"^features\.transition(\d)\.", lambda m: f"stages.s{int(m[1]) + 1}.transition.", key)
        key = re.sub(r"^features\.norm5\.", f"stages.s{blocks}.norm.", key)
        key = re.sub(r"^classifier\.", "head.fc.", key)
        out[key] = value
    return out


def convert_mmpretrain(state_dict: dict, name: str) -> dict:
    """mmpretrain's ImageClassifier (``backbone.stem.<i>``, ``backbone.stages.<i>.block.<j>``,
    ``backbone.transitions.<i>`` — the last one the final BN —, ``head.fc``) → the zoo's."""
    last = len(get_entry(name).config["block_config"]) - 1
    out = {}
    for key, value in state_dict.items():
        key = re.sub(r"^backbone\.stem\.([01])\.", lambda m: f"stages.stem.{('conv', 'norm')[int(m[1])]}.", key)
        key = re.sub(r"^backbone\.stages\.(\d)\.block\.(\d+)\.", lambda m: f"stages.s{int(m[1]) + 1}.block.layers.{m[2]}.", key)
        key = re.sub(rf"^backbone\.transitions\.{last}\.0\.", f"stages.s{last + 1}.norm.", key)
        key = re.sub(r"^backbone\.transitions\.(\d)\.", lambda m: f"stages.s{int(m[1]) + 2}.transition.", key)
        out[key] = value
    return out


CONVERTERS = {"torchvision": convert_torchvision, "timm": convert_torchvision, "mmpretrain": convert_mmpretrain}
