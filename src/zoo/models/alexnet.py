"""AlexNet: Krizhevsky, Sutskever & Hinton, 2012, "ImageNet Classification with Deep Convolutional
Neural Networks" — in the single-tower form of Krizhevsky, 2014, "One weird trick for parallelizing
convolutional neural networks" (64-192-384-256-256 filters), as torchvision builds it.
"""

from __future__ import annotations

import re

from torch import nn

from zoo.blocks import ClassifierHead, ConvNormAct, mlp_pre_logits
from zoo.registry import register

from .base import Backbone, FeatureInfo

__all__ = ["AlexNet"]

# (out channels, kernel, stride, padding) of the five convolutions; a 3×3/2 max-pool precedes conv 2, 3
# and follows conv 5.
CONVS = ((64, 11, 4, 2), (192, 5, 1, 2), (384, 3, 1, 1), (256, 3, 1, 1), (256, 3, 1, 1))
STAGES = ((0,), (1,), (2, 3, 4), ())  # conv indices per stage, each stage after the first opens with a pool


class AlexNet(Backbone):
    """Five convolutions without normalisation, three overlapping max-pools and a two-layer MLP head."""

    global_pools = {"": ""}  # the pooling sits inside the MLP head; "" gives the map

    min_input_size = 63  # the three 3×3/2 pools need a 3×3 map each

    def __init__(self, num_classes: int = 1000, in_chans: int = 3, drop_rate: float = 0.5):
        super().__init__()
        self.in_chans = in_chans
        stages, self.feature_info, in_chs = [], [], in_chans
        for i, conv_ids in enumerate(STAGES):
            layers = [nn.MaxPool2d(3, 2)] if i > 0 else []
            for c in conv_ids:
                out_chs, k, s, p = CONVS[c]
                layers.append(ConvNormAct(in_chs, out_chs, k, s, p, norm=None))
                in_chs = out_chs
            stages.append(nn.Sequential(*layers))
            self.feature_info.append(FeatureInfo(in_chs, 4 * 2**i, f"stages.{i}"))
        self.stages = nn.Sequential(*stages)
        self.head = ClassifierHead(
            in_chs, num_classes, pool=None, num_features=4096,
            pre_logits=mlp_pre_logits(in_chs, 6, 4096, drop_rate, dropout_first=True),
        )


register("alexnet", AlexNet)


# ------------------------------------------------------------------------------------ foreign checkpoints

# torchvision's `features` index of each conv → (stage, position in stage)
_TV_FEATURES = {0: (0, 0), 3: (1, 1), 6: (2, 1), 8: (2, 2), 10: (2, 3)}
_TV_CLASSIFIER = {1: "head.pre_logits.fc1", 4: "head.pre_logits.fc2", 6: "head.fc"}


def convert_torchvision(state_dict: dict, name: str) -> dict:
    out = {}
    for key, value in state_dict.items():
        kind, idx, param = re.fullmatch(r"(features|classifier)\.(\d+)\.(\w+)", key).groups()
        if kind == "features":
            stage, pos = _TV_FEATURES[int(idx)]
            out[f"stages.{stage}.{pos}.conv.{param}"] = value
        else:
            out[f"{_TV_CLASSIFIER[int(idx)]}.{param}"] = value
    return out


CONVERTERS = {"torchvision": convert_torchvision}
