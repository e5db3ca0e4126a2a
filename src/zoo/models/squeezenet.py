"""SqueezeNet: Iandola et al., 2016, "SqueezeNet: AlexNet-level accuracy with 50x fewer parameters and
<0.5MB model size" (Table 1), and version 1.1 of the authors' repository (a 3×3 stem with 64 filters and
the pools moved earlier: 2.4× less computation, the same accuracy).

The network is a stem conv, max-pools, and Fire modules: a 1×1 "squeeze" layer narrows the channels,
then 1×1 and 3×3 "expand" layers side by side widen them again (Section 3.2). There is no fully
connected layer: a 1×1 conv scores the classes at every position and they are averaged
(:class:`~zoo.blocks.ConvClassifierHead`). No normalisation anywhere; every conv has a bias.
"""

from __future__ import annotations

import re
from collections import OrderedDict
from typing import NamedTuple

import torch
from torch import nn

from zoo.blocks import ConvClassifierHead, ConvNormAct
from zoo.registry import register

from .base import Backbone, FeatureInfo

__all__ = ["SqueezeNet", "Fire"]


class Fire(nn.Module):
    """Squeeze 1×1 (``squeeze_chs``) → expand 1×1 and 3×3 (``expand_chs`` each), concatenated; ReLU after each."""

    def __init__(self, in_chs: int, squeeze_chs: int, expand_chs: int):
        super().__init__()
        self.squeeze = ConvNormAct(in_chs, squeeze_chs, 1, padding=0, norm=None)
        self.expand1x1 = ConvNormAct(squeeze_chs, expand_chs, 1, padding=0, norm=None)
        self.expand3x3 = ConvNormAct(squeeze_chs, expand_chs, 3, padding=1, norm=None)
        self.out_chs = 2 * expand_chs

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        x = self.squeeze(x)
        return torch.cat([self.expand1x1(x), self.expand3x3(x)], 1)


class Config(NamedTuple):
    stem: tuple[int, int]  # conv1: filters, kernel (stride 2, no padding)
    stages: tuple[tuple[tuple[int, int], ...], ...]  # per stage, after a 3×3/2 max-pool: Fire (s1x1, e1x1 = e3x3)


CONFIGS = {
    # Table 1: fire2 … fire9, with max-pools after conv1, fire4 and fire8
    "1_0": Config((96, 7), (((16, 64), (16, 64), (32, 128)),
                            ((32, 128), (48, 192), (48, 192), (64, 256)),
                            ((64, 256),))),
    # v1.1: the pools after conv1, fire3 and fire5
    "1_1": Config((64, 3), (((16, 64), (16, 64)),
                            ((32, 128), (32, 128)),
                            ((48, 192), (48, 192), (64, 256), (64, 256)))),
}


class SqueezeNet(Backbone):
    """Conv/2 → [max-pool 3×3/2 (ceil) → Fire modules] × 3 → dropout → conv 1×1 to classes → ReLU → pool.

    Args:
        version: "1_0" (the paper's Table 1) or "1_1".
        drop_rate: dropout before the classifier conv (0.5 in the paper).
    """

    global_pools = {"avg": "avg", "": ""}  # the class maps are averaged ("": the feature map, no classes)

    def __init__(self, *, version: str = "1_0", num_classes: int = 1000, in_chans: int = 3, drop_rate: float = 0.5):
        super().__init__()
        if version not in CONFIGS:
            raise ValueError(f"version must be one of {', '.join(CONFIGS)}, got {version!r}")
        cfg = CONFIGS[version]
        self.in_chans = in_chans
        # the smallest input the unpadded stem and the three 3×3/2 ceil-mode pools leave a map of (the
        # contract test checks that one pixel less fails)
        self.min_input_size = {"1_0": 21, "1_1": 17}[version]
        stem_chs, kernel = cfg.stem
        stages = OrderedDict(stem=ConvNormAct(in_chans, stem_chs, kernel, 2, padding=0, norm=None))
        self.feature_info = [FeatureInfo(stem_chs, 2, "stages.stem")]
        in_chs, reduction = stem_chs, 2
        for i, fires in enumerate(cfg.stages):
            layers = OrderedDict(pool=nn.MaxPool2d(3, 2, ceil_mode=True))
            for j, (squeeze, expand) in enumerate(fires):
                layers[str(j)] = Fire(in_chs, squeeze, expand)
                in_chs = layers[str(j)].out_chs
            reduction *= 2
            stages[f"s{i + 1}"] = nn.Sequential(layers)
            self.feature_info.append(FeatureInfo(in_chs, reduction, f"stages.s{i + 1}"))
        self.stages = nn.Sequential(stages)
        self.head = ConvClassifierHead(in_chs, num_classes, drop_rate=drop_rate)
        self._init_weights()

    def _init_weights(self) -> None:
        for m in self.modules():  # as the reference: Kaiming-uniform convs, the classifier N(0, 0.01²)
            if isinstance(m, nn.Conv2d):
                if m is self.head.fc:
                    nn.init.normal_(m.weight, 0.0, 0.01)
                else:
                    nn.init.kaiming_uniform_(m.weight)
                nn.init.zeros_(m.bias)


register("squeezenet1_0", SqueezeNet, version="1_0")
register("squeezenet1_1", SqueezeNet, version="1_1")


# ------------------------------------------------------------------------------------ foreign checkpoints

def convert_torchvision(state_dict: dict, name: str) -> dict:
    """torchvision's ``features.<i>`` (conv, ReLU, pools and Fires in one list) and ``classifier.1`` → the zoo's."""
    # torchvision's list: conv, ReLU, then per stage a pool followed by its Fires
    fire_index, index = {}, 2
    for i, fires in enumerate(CONFIGS[name.removeprefix("squeezenet")].stages):
        index += 1  # the pool
        for j in range(len(fires)):
            fire_index[index] = f"stages.s{i + 1}.{j}"
            index += 1
    out = {}
    for key, value in state_dict.items():
        if m := re.fullmatch(r"features\.0\.(weight|bias)", key):
            key = f"stages.stem.conv.{m[1]}"
        elif m := re.fullmatch(r"features\.(\d+)\.(squeeze|expand1x1|expand3x3)\.(weight|bias)", key):
            key = f"{fire_index[int(m[1])]}.{m[2]}.conv.{m[3]}"
        elif m := re.fullmatch(r"classifier\.1\.(weight|bias)", key):
            key = f"head.fc.{m[1]}"
        out[key] = value
    return out


CONVERTERS = {"torchvision": convert_torchvision}
