"""ShuffleNet V1 and V2: grouped or split pointwise convs, depthwise 3×3 convs, and a channel shuffle.

- Zhang et al., 2017, "ShuffleNet: An Extremely Efficient Convolutional Neural Network for Mobile
  Devices" (Table 1): the ResNet bottleneck with grouped 1×1 convs, a depthwise 3×3 and a channel shuffle
  so the groups exchange information; a strided unit concatenates a 3×3 avg-pooled shortcut.
- Ma et al., 2018, "ShuffleNet V2: Practical Guidelines for Efficient CNN Architecture Design" (Table 5):
  no grouped convs; a unit splits its channels in two, transforms one half, concatenates and shuffles.

Both: stem conv 3×3/2 (24) → max-pool 3×3/2 → Stage2, Stage3, Stage4 of (1 strided + 3, 7, 3) units.
"""

from __future__ import annotations

import re
from collections import OrderedDict

import torch
from torch import nn

from zoo.blocks import ChannelShuffle, ClassifierHead, ConvNormAct, make_divisible
from zoo.registry import register

from .base import FeatureInfo, HeadConvBackbone

__all__ = ["ShuffleNetV1", "ShuffleNetV2", "ShuffleUnitV1", "ShuffleUnitV2"]

REPEATS = (4, 8, 4)  # units of Stage2, Stage3, Stage4 (the first of each with stride 2)
STEM_WIDTH = 24


class ShuffleUnitV1(nn.Module):
    """Figure 2 (b, c): GConv 1×1 → BN ReLU → DWConv 3×3 (stride) → BN → shuffle → GConv 1×1 → BN, then
    ``relu(x + branch)`` at stride 1, or ``cat(avgpool(x), relu(branch))`` at stride 2.

    The paper shuffles between the first GConv and the depthwise conv; mmpretrain (whose weights these
    are) shuffles after the depthwise conv. A depthwise conv treats each channel alone, so both orders
    compute the same function, but the stored depthwise filters follow this one.

    Args:
        out_chs: channels of the unit's output (at stride 2 the branch gives ``out_chs - in_chs`` and the
            pooled input the rest); the bottleneck is a quarter of it.
        first_groups: groups of the first 1×1 conv (1 for the very first unit, whose input is too narrow).
    """

    def __init__(self, in_chs: int, out_chs: int, *, stride: int, groups: int, first_groups: int):
        super().__init__()
        mid = out_chs // 4
        self.stride = stride
        branch_out = out_chs - in_chs if stride == 2 else out_chs
        if stride == 1 and in_chs != out_chs:
            raise ValueError(f"a stride-1 ShuffleNet unit adds its input: in_chs must equal out_chs, got {in_chs}, {out_chs}")
        self.compress = ConvNormAct(in_chs, mid, 1, padding=0, groups=first_groups)
        self.depthwise = ConvNormAct(mid, mid, 3, stride, groups=mid, act=None)
        self.shuffle = ChannelShuffle(groups)
        self.expand = ConvNormAct(mid, branch_out, 1, padding=0, groups=groups, act=None)
        self.pool = nn.AvgPool2d(3, 2, 1) if stride == 2 else None
        self.act = nn.ReLU(inplace=True)
        self.out_chs = out_chs

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        out = self.expand(self.shuffle(self.depthwise(self.compress(x))))
        if self.pool is not None:
            return torch.cat([self.pool(x), self.act(out)], 1)
        return self.act(out + x)


class ShuffleUnitV2(nn.Module):
    """Figure 3 (c, d). Stride 1: split the channels in half, keep one, transform the other (1×1 → BN ReLU →
    DW 3×3 → BN → 1×1 → BN ReLU), concatenate. Stride 2: no split; the input goes through that branch and
    a second one (DW 3×3/2 → BN → 1×1 → BN ReLU), each giving half the output. Then shuffle by 2."""

    def __init__(self, in_chs: int, out_chs: int, *, stride: int):
        super().__init__()
        if out_chs % 2 or (stride == 1 and in_chs != out_chs):
            raise ValueError(f"a ShuffleNet V2 unit needs an even out_chs (= in_chs at stride 1), got {in_chs} → {out_chs}")
        half = out_chs // 2
        self.stride = stride
        self.branch1 = nn.Sequential(OrderedDict(
            dw=ConvNormAct(in_chs, in_chs, 3, stride, groups=in_chs, act=None),
            pw=ConvNormAct(in_chs, half, 1, padding=0),
        )) if stride > 1 else None
        self.branch2 = nn.Sequential(OrderedDict(
            pw=ConvNormAct(in_chs if stride > 1 else half, half, 1, padding=0),
            dw=ConvNormAct(half, half, 3, stride, groups=half, act=None),
            pwl=ConvNormAct(half, half, 1, padding=0),
        ))
        self.shuffle = ChannelShuffle(2)
        self.out_chs = out_chs

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        if self.branch1 is None:
            keep, x = x.chunk(2, dim=1)
            out = torch.cat([keep, self.branch2(x)], 1)
        else:
            out = torch.cat([self.branch1(x), self.branch2(x)], 1)
        return self.shuffle(out)


class _ShuffleNet(HeadConvBackbone):
    """Stem conv 3×3/2 → [max-pool 3×3/2 →] Stage2 → Stage3 → Stage4 → optional 1×1 conv → pool → linear."""

    def assemble(self, in_chans: int, stem_chs: int, stage_chs: tuple[int, ...], unit, conv_head_chs: int,
                 num_classes: int, drop_rate: float) -> None:
        self.in_chans = in_chans
        stages = OrderedDict(stem=ConvNormAct(in_chans, stem_chs, 3, 2))
        self.feature_info = [FeatureInfo(stem_chs, 2, "stages.stem")]
        in_chs, reduction = stem_chs, 4  # the max-pool opens Stage2
        for i, (out_chs, repeats) in enumerate(zip(stage_chs, REPEATS)):
            units = OrderedDict(pool=nn.MaxPool2d(3, 2, 1)) if i == 0 else OrderedDict()
            for j in range(repeats):
                units[str(j)] = unit(in_chs, out_chs, stride=2 if j == 0 else 1, first=i == 0 and j == 0)
                in_chs = out_chs
            reduction *= 2
            stages[f"s{i + 2}"] = nn.Sequential(units)  # the paper's Stage2 … Stage4
            self.feature_info.append(FeatureInfo(in_chs, reduction, f"stages.s{i + 2}"))
        self.stages = nn.Sequential(stages)
        self.conv_head = ConvNormAct(in_chs, conv_head_chs, 1, padding=0) if conv_head_chs else None
        self.head = ClassifierHead(conv_head_chs or in_chs, num_classes, drop_rate=drop_rate)


# Table 1 of the V1 paper: output channels of Stage2 … Stage4 for each number of groups g
V1_WIDTHS = {1: (144, 288, 576), 2: (200, 400, 800), 3: (240, 480, 960), 4: (272, 544, 1088), 8: (384, 768, 1536)}


class ShuffleNetV1(_ShuffleNet):
    """ShuffleNet V1 with ``groups`` groups in its 1×1 convs (Table 1), widths scaled by ``width_mult`` (s).

    As mmpretrain's: the stage widths are rounded to multiples of 8 and the stem is ``int(24 s)``.
    """

    def __init__(self, *, groups: int = 3, width_mult: float = 1.0, num_classes: int = 1000, in_chans: int = 3,
                 drop_rate: float = 0.0):
        super().__init__()
        if groups not in V1_WIDTHS:
            raise ValueError(f"groups must be one of {', '.join(map(str, V1_WIDTHS))} (Table 1), got {groups}")
        if not width_mult > 0:
            raise ValueError(f"width_mult must be > 0, got {width_mult}")
        widths = tuple(make_divisible(c * width_mult, 8) for c in V1_WIDTHS[groups])

        def unit(in_chs, out_chs, *, stride, first):
            return ShuffleUnitV1(in_chs, out_chs, stride=stride, groups=groups, first_groups=1 if first else groups)

        self.assemble(in_chans, int(STEM_WIDTH * width_mult), widths, unit, 0, num_classes, drop_rate)
        self._init_weights()

    def _init_weights(self) -> None:
        for name, m in self.named_modules():  # as mmpretrain
            if isinstance(m, nn.Conv2d):
                nn.init.normal_(m.weight, 0.0, 0.01 if name.startswith("stages.stem") else 1.0 / m.weight.shape[1])
            elif isinstance(m, nn.BatchNorm2d):
                nn.init.ones_(m.weight)
                nn.init.constant_(m.bias, 1e-4)
            elif isinstance(m, nn.Linear):
                nn.init.normal_(m.weight, 0.0, 0.01)
                nn.init.zeros_(m.bias)


class ShuffleNetV2(_ShuffleNet):
    """ShuffleNet V2: ``stage_chs`` are the widths of Stage2 … Stage4 and of conv5 (Table 5's columns)."""

    def __init__(self, *, stage_chs: tuple[int, int, int, int] = (116, 232, 464, 1024), num_classes: int = 1000,
                 in_chans: int = 3, drop_rate: float = 0.0):
        super().__init__()
        if len(stage_chs) != 4:
            raise ValueError(f"stage_chs lists Stage2, Stage3, Stage4 and conv5: four widths, got {stage_chs}")

        def unit(in_chs, out_chs, *, stride, first):
            return ShuffleUnitV2(in_chs, out_chs, stride=stride)

        self.assemble(in_chans, STEM_WIDTH, tuple(stage_chs[:3]), unit, stage_chs[3], num_classes, drop_rate)
        for m in self.modules():  # PyTorch's default initialisation, as torchvision
            if isinstance(m, nn.BatchNorm2d):
                nn.init.ones_(m.weight)
                nn.init.zeros_(m.bias)


register("shufflenet_v1", ShuffleNetV1, groups=3)
# Table 5: output channels of Stage2, Stage3, Stage4, conv5 at 0.5×, 1×, 1.5×, 2× complexity
register("shufflenet_v2_x0_5", ShuffleNetV2, stage_chs=(48, 96, 192, 1024))
register("shufflenet_v2_x1_0", ShuffleNetV2, stage_chs=(116, 232, 464, 1024))
register("shufflenet_v2_x1_5", ShuffleNetV2, stage_chs=(176, 352, 704, 1024))
register("shufflenet_v2_x2_0", ShuffleNetV2, stage_chs=(244, 488, 976, 2048))


# ------------------------------------------------------------------------------------ foreign checkpoints

# torchvision's index in each branch's Sequential (ReLUs included) → the zoo's layer
_TV_BRANCH = {"branch1": {0: "dw.conv", 1: "dw.norm", 2: "pw.conv", 3: "pw.norm"},
              "branch2": {0: "pw.conv", 1: "pw.norm", 3: "dw.conv", 4: "dw.norm", 5: "pwl.conv", 6: "pwl.norm"}}


def convert_torchvision(state_dict: dict, name: str) -> dict:
    """torchvision's ``conv1.<i>``, ``stage<k>.<j>.branch<b>.<i>``, ``conv5.<i>``, ``fc`` → the zoo's."""
    out = {}
    for key, value in state_dict.items():
        key = re.sub(r"^conv1\.([01])\.", lambda m: f"stages.stem.{('conv', 'norm')[int(m[1])]}.", key)
        key = re.sub(r"^conv5\.([01])\.", lambda m: f"conv_head.{('conv', 'norm')[int(m[1])]}.", key)
        key = re.sub(r"^stage(\d)\.(\d+)\.(branch[12])\.(\d)\.",
                     lambda m: f"stages.s{m[1]}.{m[2]}.{m[3]}.{_TV_BRANCH[m[3]][int(m[4])]}.", key)
        key = re.sub(r"^fc\.", "head.fc.", key)
        out[key] = value
    return out


_MM_UNIT = {"g_conv_1x1_compress": "compress", "depthwise_conv3x3_bn": "depthwise", "g_conv_1x1_expand": "expand",
            "branch1.0": "branch1.dw", "branch1.1": "branch1.pw",
            "branch2.0": "branch2.pw", "branch2.1": "branch2.dw", "branch2.2": "branch2.pwl"}


def convert_mmpretrain(state_dict: dict, name: str) -> dict:
    """mmpretrain's ImageClassifier (``backbone.conv1``, ``backbone.layers.<i>.<j>.<conv module>``, V2's conv5 as
    ``backbone.layers.3``, ``head.fc``; each conv module a ``conv`` + ``bn``) → the zoo's."""
    out = {}
    for key, value in state_dict.items():
        key = re.sub(r"^backbone\.conv1\.", "stages.stem.", key)
        key = re.sub(r"^backbone\.layers\.3\.(conv|bn)\.", r"conv_head.\1.", key)  # V2's conv5
        key = re.sub(r"^backbone\.layers\.(\d)\.(\d+)\.(\w+(?:\.\d)?)\.",
                     lambda m: f"stages.s{int(m[1]) + 2}.{m[2]}.{_MM_UNIT.get(m[3], m[3])}.", key)
        key = re.sub(r"\.bn\.", ".norm.", key)
        out[key] = value
    return out


CONVERTERS = {"torchvision": convert_torchvision, "mmpretrain": convert_mmpretrain}  # V1: mmpretrain only
