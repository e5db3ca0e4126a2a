"""LeNet-5: LeCun, Bottou, Bengio & Haffner, 1998, "Gradient-Based Learning Applied to Document
Recognition" (Section II.B, Figure 2), the ancestor of every network in the zoo.

A 32×32 grey image → C1: 6 conv 5×5 → S2: 2×2 subsampling → C3: 16 conv 5×5 → S4: 2×2 subsampling →
C5: 120 conv 5×5 (a 1×1 map at 32×32) → F6: 84 units → 10 outputs. As mmpretrain builds it (its
``LeNet5``, the reference): tanh after every layer but the last, average pooling for the subsampling,
every C3 filter connected to all of S2's maps (the paper's Table I connects each to a subset), and a
linear output layer in place of the paper's Euclidean RBF units. Its pooled head makes it take any input
of at least 32×32 (the C5 map is then averaged).
"""

from __future__ import annotations

import re
from collections import OrderedDict

from torch import nn

from zoo.blocks import ClassifierHead, ConvNormAct
from zoo.registry import register

from .base import Backbone, FeatureInfo

__all__ = ["LeNet5"]

# (name, output maps) of the three 5×5 convolutions; S2 and S4 (2×2/2 average pools) follow C1 and C3
CONVS = (("c1", 6), ("c3", 16), ("c5", 120))
F6 = 84


class LeNet5(Backbone):
    """C1 → S2 → C3 → S4 → C5 (conv 5×5, tanh; average pools) → pool → F6 (84, tanh) → linear.

    Args:
        num_classes: outputs (10 digits by default).
        in_chans: input channels (1: grey images).
        drop_rate: dropout before the output layer (none in the paper).
    """

    min_input_size = 32  # three valid 5×5 convs and two 2×2 pools leave a 1×1 map

    def __init__(self, *, num_classes: int = 10, in_chans: int = 1, drop_rate: float = 0.0):
        super().__init__()
        self.in_chans = in_chans
        stages, self.feature_info, in_chs, reduction = OrderedDict(), [], in_chans, 1
        for i, (name, maps) in enumerate(CONVS):
            layers = OrderedDict(conv=ConvNormAct(in_chs, maps, 5, padding=0, norm=None, act=nn.Tanh))
            if i < 2:  # S2, S4: subsampling
                layers["pool"] = nn.AvgPool2d(2, 2)
                reduction *= 2
            stages[name] = nn.Sequential(layers)
            self.feature_info.append(FeatureInfo(maps, reduction, f"stages.{name}"))
            in_chs = maps
        self.stages = nn.Sequential(stages)
        f6 = nn.Sequential(OrderedDict(fc=nn.Linear(in_chs, F6), act=nn.Tanh()))
        self.head = ClassifierHead(in_chs, num_classes, drop_rate=drop_rate, pre_logits=f6, num_features=F6)


register("lenet5", LeNet5)


# ------------------------------------------------------------------------------------ foreign checkpoints

_MM = {"features.0": "stages.c1.conv.conv", "features.3": "stages.c3.conv.conv", "features.6": "stages.c5.conv.conv",
       "classifier.0": "head.pre_logits.fc", "classifier.2": "head.fc"}


def convert_mmpretrain(state_dict: dict, name: str) -> dict:
    """mmpretrain's ImageClassifier around ``LeNet5(num_classes=10)`` (``backbone.features.<i>``,
    ``backbone.classifier.<i>``; its head has no parameters) → the zoo's."""
    out = {}
    for key, value in state_dict.items():
        m = re.fullmatch(r"(?:backbone\.)?((?:features|classifier)\.\d)\.(weight|bias)", key)
        out[f"{_MM[m[1]]}.{m[2]}" if m and m[1] in _MM else key] = value
    return out


CONVERTERS = {"mmpretrain": convert_mmpretrain}
