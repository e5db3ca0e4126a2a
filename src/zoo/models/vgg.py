"""VGG: Simonyan & Zisserman, 2014, "Very Deep Convolutional Networks for Large-Scale Image
Recognition" (configurations A, B, D, E of Table 1 = VGG-11, 13, 16, 19), and the BatchNorm variants
of torchvision.
"""

from __future__ import annotations

import re

from torch import nn

from zoo.blocks import ClassifierHead, ConvNormAct, mlp_pre_logits
from zoo.registry import register

from .base import Backbone, FeatureInfo
from .foreign import mmpretrain_keys

__all__ = ["VGG"]

WIDTHS = (64, 128, 256, 512, 512)  # 3×3 conv widths of the five stages, each closed by a 2×2 max-pool
DEPTHS = {11: (1, 1, 2, 2, 2), 13: (2, 2, 2, 2, 2), 16: (2, 2, 3, 3, 3), 19: (2, 2, 4, 4, 4)}


class VGG(Backbone):
    """Stacks of 3×3 convs (optionally with BatchNorm), five max-pools, a two-layer MLP head."""

    global_pools = {"": ""}  # the pooling sits inside the MLP head; "" gives the map

    min_input_size = 32  # five 2×2/2 pools

    def __init__(
        self,
        depth: int = 16,
        batch_norm: bool = False,
        num_classes: int = 1000,
        in_chans: int = 3,
        drop_rate: float = 0.5,
    ):
        super().__init__()
        if depth not in DEPTHS:
            raise ValueError(f"VGG depth must be one of {sorted(DEPTHS)}, got {depth}")
        self.in_chans = in_chans
        norm = nn.BatchNorm2d if batch_norm else None
        stages, self.feature_info, in_chs = [], [], in_chans
        for i, (width, n) in enumerate(zip(WIDTHS, DEPTHS[depth])):
            convs = []
            for _ in range(n):
                convs.append(ConvNormAct(in_chs, width, 3, norm=norm, bias=True))  # VGG keeps conv biases
                in_chs = width
            stages.append(nn.Sequential(*convs, nn.MaxPool2d(2, 2)))
            self.feature_info.append(FeatureInfo(width, 2 ** (i + 1), f"stages.{i}"))
        self.stages = nn.Sequential(*stages)
        self.head = ClassifierHead(
            in_chs, num_classes, pool=None, drop_rate=drop_rate, num_features=4096,
            pre_logits=mlp_pre_logits(in_chs, 7, 4096, drop_rate, dropout_first=False),
        )
        self._init_weights()

    def _init_weights(self) -> None:
        for m in self.modules():
            if isinstance(m, nn.Conv2d):
                nn.init.kaiming_normal_(m.weight, mode="fan_out", nonlinearity="relu")
                nn.init.zeros_(m.bias)
            elif isinstance(m, nn.Linear):
                nn.init.normal_(m.weight, 0, 0.01)
                nn.init.zeros_(m.bias)


for _depth in DEPTHS:
    register(f"vgg{_depth}", VGG, depth=_depth)
    register(f"vgg{_depth}_bn", VGG, depth=_depth, batch_norm=True)


# ------------------------------------------------------------------------------------ foreign checkpoints

def _feature_positions(name: str) -> dict[int, str]:
    """Index in the reference's flat ``features`` list of each conv and BN → its zoo module path."""
    depth, bn = int(re.search(r"\d+", name).group()), name.endswith("_bn")
    positions, idx = {}, 0
    for stage, n in enumerate(DEPTHS[depth]):
        for j in range(n):
            positions[idx] = f"stages.{stage}.{j}.conv"
            if bn:
                positions[idx + 1] = f"stages.{stage}.{j}.norm"
            idx += 3 if bn else 2  # conv, [bn,] relu
        idx += 1  # pool
    return positions


def convert_torchvision(state_dict: dict, name: str) -> dict:
    positions = _feature_positions(name)
    heads = {0: "head.pre_logits.fc1", 3: "head.pre_logits.fc2", 6: "head.fc"}
    out = {}
    for key, value in state_dict.items():
        kind, idx, param = re.fullmatch(r"(features|classifier)\.(\d+)\.(\w+)", key).groups()
        table = positions if kind == "features" else heads
        out[f"{table[int(idx)]}.{param}"] = value
    return out


def convert_timm(state_dict: dict, name: str) -> dict:
    """timm's VGG runs the first MLP layer as a 7×7 conv (``pre_logits.fc1``): flatten it back."""
    positions = _feature_positions(name)
    out = {}
    for key, value in state_dict.items():
        if key.startswith("features."):
            idx, param = re.fullmatch(r"features\.(\d+)\.(\w+)", key).groups()
            out[f"{positions[int(idx)]}.{param}"] = value
        elif key.startswith("pre_logits."):
            out["head." + key] = value.flatten(1) if value.ndim == 4 else value
        else:
            out[key] = value  # head.fc.*
    return out


def convert_mmpretrain(state_dict: dict, name: str) -> dict:
    """mmpretrain's VGG numbers ``features`` by ConvModule (conv, optional bn, act) and pool, and keeps the
    classifier in the backbone: its i-th ConvModule is the zoo's i-th conv layer."""
    state = mmpretrain_keys(state_dict, {})
    convs = sorted({int(k.split(".")[1]) for k in state if k.startswith("features.")})
    layers = [p[: -len(".conv")] for _, p in sorted(_feature_positions(name).items()) if p.endswith(".conv")]
    if len(convs) != len(layers):
        raise ValueError(f"{name} has {len(layers)} conv layers, the checkpoint {len(convs)}")
    where = dict(zip(convs, layers))
    heads = {0: "head.pre_logits.fc1", 3: "head.pre_logits.fc2", 6: "head.fc"}
    out = {}
    for key, value in state.items():
        kind, idx, rest = re.fullmatch(r"(features|classifier)\.(\d+)\.(.+)", key).groups()
        if kind == "classifier":
            out[f"{heads[int(idx)]}.{rest}"] = value
        else:
            out[f"{where[int(idx)]}.{rest.replace('bn.', 'norm.')}"] = value
    return out


CONVERTERS = {"torchvision": convert_torchvision, "timm": convert_timm, "mmpretrain": convert_mmpretrain}
