"""RegNetX and RegNetY: Radosavovic et al., 2020, "Designing Network Design Spaces".

A RegNet is not a list of stages but six numbers (Section 3.3): block j of d has the continuous width
u_j = w0 + wa·j; it is quantised to w0·wm^round(log(u_j / w0) / log(wm)), rounded to a multiple of 8,
and consecutive blocks of equal width form a stage. Every block is a ResNeXt bottleneck (the "X
block") of bottleneck ratio b and group width g; RegNetY adds squeeze-excite after the 3×3 conv.
``stage_config`` turns the six numbers into stages, as the paper does; the models below are Table 4's
(and torchvision's) parameters.
"""

from __future__ import annotations

import math
from collections import OrderedDict
from functools import partial
from itertools import groupby
from typing import NamedTuple

from torch import nn

from zoo.blocks import Bottleneck, ClassifierHead, ConvNormAct, SqueezeExcite, drop_path_rates, make_divisible
from zoo.keys import rename_keys
from zoo.registry import register

from .base import Backbone, FeatureInfo
from .foreign import mmpretrain_keys

__all__ = ["RegNet", "StageConfig", "stage_config"]

WIDTH_QUANTUM = 8  # block widths are multiples of 8 (Section 3.3)
STEM_WIDTH = 32


class StageConfig(NamedTuple):
    width: int  # output channels of every block in the stage
    depth: int  # blocks
    group_width: int  # channels per group of the 3×3 conv


def stage_config(depth: int, w0: int, wa: float, wm: float, group_width: int,
                 bottleneck_ratio: float = 1.0) -> list[StageConfig]:
    """Stages of the RegNet with these parameters: the quantised linear rule, then width/group compatibility."""
    if depth < 1 or w0 <= 0 or w0 % WIDTH_QUANTUM or wa < 0 or wm <= 1:
        raise ValueError(
            f"RegNet needs depth >= 1, w0 > 0 and a multiple of {WIDTH_QUANTUM}, wa >= 0, wm > 1; "
            f"got depth={depth}, w0={w0}, wa={wa}, wm={wm}"
        )
    widths = []
    for j in range(depth):
        step = round(math.log((w0 + wa * j) / w0) / math.log(wm))
        widths.append(round(w0 * wm**step / WIDTH_QUANTUM) * WIDTH_QUANTUM)
    stages = []
    for width, blocks in groupby(widths):
        # the bottleneck width must split into whole groups: shrink g to fit a narrow stage, then round
        # the bottleneck width to a multiple of g (never more than 10 % down), as torchvision does
        mid = int(width * bottleneck_ratio)
        g = min(group_width, mid)
        stages.append(StageConfig(int(make_divisible(mid, g) / bottleneck_ratio), len(list(blocks)), g))
    return stages


class RegNet(Backbone):
    """Stem (3×3/2 conv) → 4 stages of bottleneck blocks, each starting with stride 2 → pool → linear.

    Args:
        depth, w0, wa, wm: the paper's quantised linear width parameters (d, w0, wa, wm).
        group_width: channels per group of the 3×3 conv (g).
        bottleneck_ratio: width of the 3×3 conv relative to the block's output (b; 1 in every model here).
        se_ratio: squeeze-excite width relative to the block's *input* width (RegNetY: 0.25; 0: RegNetX).
        zero_init_last: start each residual branch as zero (its last BatchNorm weight 0), as timm does.
    """

    def __init__(
        self,
        depth: int,
        w0: int,
        wa: float,
        wm: float,
        group_width: int,
        bottleneck_ratio: float = 1.0,
        se_ratio: float = 0.0,
        num_classes: int = 1000,
        in_chans: int = 3,
        drop_rate: float = 0.0,
        drop_path_rate: float = 0.0,
        zero_init_last: bool = False,
    ):
        super().__init__()
        self.in_chans = in_chans
        config = stage_config(depth, w0, wa, wm, group_width, bottleneck_ratio)
        stages = OrderedDict(stem=ConvNormAct(in_chans, STEM_WIDTH, 3, 2))
        self.feature_info = [FeatureInfo(STEM_WIDTH, 2, "stages.stem")]
        in_chs, reduction = STEM_WIDTH, 2
        dprs = drop_path_rates(drop_path_rate, [s.depth for s in config])
        for i, (stage, rates) in enumerate(zip(config, dprs)):
            blocks = OrderedDict()
            for j in range(stage.depth):
                mid = round(stage.width * bottleneck_ratio)
                se = partial(SqueezeExcite, squeeze_chs=round(se_ratio * in_chs)) if se_ratio else None
                blocks[str(j)] = Bottleneck(in_chs, stage.width, stride=2 if j == 0 else 1, mid_chs=mid,
                                            groups=mid // stage.group_width, se=se, drop_path=rates[j])
                in_chs = stage.width
            reduction *= 2
            stages[f"s{i + 1}"] = nn.Sequential(blocks)
            self.feature_info.append(FeatureInfo(in_chs, reduction, f"stages.s{i + 1}"))
        self.stages = nn.Sequential(stages)
        self.head = ClassifierHead(in_chs, num_classes, drop_rate=drop_rate)
        self._init_weights(zero_init_last)

    def _init_weights(self, zero_init_last: bool) -> None:
        for m in self.modules():
            if isinstance(m, nn.Conv2d):  # He init over fan-out, as pycls
                nn.init.normal_(m.weight, std=math.sqrt(2.0 / (m.kernel_size[0] * m.kernel_size[1] * m.out_channels)))
            elif isinstance(m, nn.Linear):
                nn.init.normal_(m.weight, std=0.01)
                nn.init.zeros_(m.bias)
            elif zero_init_last and isinstance(m, Bottleneck):
                m.zero_init_last()


# Table 4 (RegNetX) and Table 5 (RegNetY): d, w0, wa, wm, g; b = 1 throughout.
register("regnet_x_400mf", RegNet, depth=22, w0=24, wa=24.48, wm=2.54, group_width=16)
register("regnet_x_800mf", RegNet, depth=16, w0=56, wa=35.73, wm=2.28, group_width=16)
register("regnet_x_1_6gf", RegNet, depth=18, w0=80, wa=34.01, wm=2.25, group_width=24)
register("regnet_x_3_2gf", RegNet, depth=25, w0=88, wa=26.31, wm=2.25, group_width=48)
register("regnet_x_8gf", RegNet, depth=23, w0=80, wa=49.56, wm=2.88, group_width=120)
register("regnet_x_16gf", RegNet, depth=22, w0=216, wa=55.59, wm=2.1, group_width=128)
register("regnet_x_32gf", RegNet, depth=23, w0=320, wa=69.86, wm=2.0, group_width=168)
register("regnet_y_400mf", RegNet, depth=16, w0=48, wa=27.89, wm=2.09, group_width=8, se_ratio=0.25)
register("regnet_y_800mf", RegNet, depth=14, w0=56, wa=38.84, wm=2.4, group_width=16, se_ratio=0.25)
register("regnet_y_1_6gf", RegNet, depth=27, w0=48, wa=20.71, wm=2.65, group_width=24, se_ratio=0.25)
register("regnet_y_3_2gf", RegNet, depth=21, w0=80, wa=42.63, wm=2.66, group_width=24, se_ratio=0.25)
register("regnet_y_8gf", RegNet, depth=17, w0=192, wa=76.82, wm=2.19, group_width=56, se_ratio=0.25)
register("regnet_y_16gf", RegNet, depth=18, w0=200, wa=106.23, wm=2.48, group_width=112, se_ratio=0.25)
register("regnet_y_32gf", RegNet, depth=20, w0=232, wa=115.89, wm=2.53, group_width=232, se_ratio=0.25)
# RegNetY-128GF: not in the paper's tables; the SWAG paper's (Singh et al., 2022) parameters, as torchvision's
register("regnet_y_128gf", RegNet, depth=27, w0=456, wa=160.83, wm=2.52, group_width=264, se_ratio=0.25)


# ------------------------------------------------------------------------------------ foreign checkpoints

TORCHVISION_KEYS = [  # stem.0, trunk_output.block1.block1-0.f.a.0, proj.1, fc → the zoo's
    (r"^stem\.0\.", "stages.stem.conv."), (r"^stem\.1\.", "stages.stem.norm."),
    (r"^trunk_output\.block(\d)\.block\d-(\d+)\.", r"stages.s\1.\2."),
    (r"\.f\.([abc])\.([01])\.", lambda m: f".conv{'abc'.index(m[1]) + 1}.{('conv', 'norm')[int(m[2])]}."),
    (r"\.f\.se\.", ".se."), (r"\.proj\.([01])\.", lambda m: f".shortcut.{('conv', 'norm')[int(m[1])]}."),
    (r"^fc\.", "head.fc."),
]
TIMM_KEYS = [  # stem.conv, s1.b1.conv1.bn, downsample.conv, head.fc → the zoo's
    (r"^stem\.", "stages.stem."), (r"^s(\d)\.b(\d+)\.", lambda m: f"stages.s{m[1]}.{int(m[2]) - 1}."),
    (r"\.bn\.", ".norm."), (r"\.downsample\.", ".shortcut."),
]


def convert_torchvision(state_dict: dict, name: str) -> dict:
    return rename_keys(state_dict, TORCHVISION_KEYS)


def convert_timm(state_dict: dict, name: str) -> dict:
    return rename_keys(state_dict, TIMM_KEYS)


MMPRETRAIN_KEYS = [  # its ResNeXt with generated widths: conv1/bn1, layerN.i.convK/bnK, downsample
    (r"^conv1\.", "stages.stem.conv."), (r"^bn1\.", "stages.stem.norm."), (r"^layer(\d)\.", r"stages.s\1."),
    (r"\.conv(\d)\.", r".conv\1.conv."), (r"\.bn(\d)\.", r".conv\1.norm."),
    (r"\.downsample\.0\.", ".shortcut.conv."), (r"\.downsample\.1\.", ".shortcut.norm."),
]


def convert_mmpretrain(state_dict: dict, name: str) -> dict:
    """mmpretrain's RegNet. Its RegNetX rounds the bottleneck widths to the group width by rounding half to
    even, torchvision (and so the zoo) rounds half up: where the two differ (regnetx-400mf's last stage: 384
    against 400 channels) the shapes do not fit and nothing is loaded."""
    return rename_keys(mmpretrain_keys(state_dict, {"head.fc.": "head.fc."}), MMPRETRAIN_KEYS)


CONVERTERS = {"torchvision": convert_torchvision, "timm": convert_timm, "mmpretrain": convert_mmpretrain}
