"""ResNet, ResNeXt and Wide ResNet.

- He et al., 2015, "Deep Residual Learning for Image Recognition" (Table 1), with the stride on the
  3×3 conv of the bottleneck ("ResNet v1.5", as torchvision and timm build it).
- Xie et al., 2016, "Aggregated Residual Transformations for Deep Neural Networks" (ResNeXt: groups).
- Zagoruyko & Komodakis, 2016, "Wide Residual Networks" (a wider bottleneck).
"""

from __future__ import annotations

from collections import OrderedDict

from torch import nn

from zoo.blocks import BasicBlock, Bottleneck, ClassifierHead, ConvNormAct, drop_path_rates
from zoo.keys import rename_keys
from zoo.registry import register

from .base import Backbone, FeatureInfo
from .foreign import mmpretrain_keys

__all__ = ["ResNet"]

STAGE_WIDTHS = (64, 128, 256, 512)  # "planes" of conv2_x … conv5_x in Table 1


class ResNet(Backbone):
    """Stem (7×7/2 conv) → 4 stages of residual blocks → global pool → linear.

    Args:
        block: "basic" (two 3×3) or "bottleneck" (1×1, 3×3, 1×1 with 4× expansion).
        layers: blocks per stage (Table 1).
        groups, width_per_group: ResNeXt's cardinality and per-group width (64 → plain ResNet);
            a larger ``width_per_group`` with ``groups=1`` gives Wide ResNet.
        zero_init_last: start each residual branch as zero (its last BatchNorm weight 0), as timm does.
    """

    def __init__(
        self,
        block: str = "bottleneck",
        layers: tuple[int, ...] = (3, 4, 6, 3),
        groups: int = 1,
        width_per_group: int = 64,
        num_classes: int = 1000,
        in_chans: int = 3,
        drop_rate: float = 0.0,
        drop_path_rate: float = 0.0,
        norm: type[nn.Module] = nn.BatchNorm2d,
        zero_init_last: bool = False,
    ):
        super().__init__()
        if block not in ("basic", "bottleneck"):
            raise ValueError(f"block must be 'basic' or 'bottleneck', got {block!r}")
        self.in_chans = in_chans
        expansion = 1 if block == "basic" else 4
        stages = OrderedDict(stem=ConvNormAct(in_chans, 64, 7, 2, padding=3, norm=norm))
        self.feature_info = [FeatureInfo(64, 2, "stages.stem")]
        in_chs, reduction = 64, 2
        for i, (planes, depth, dprs) in enumerate(zip(STAGE_WIDTHS, layers, drop_path_rates(drop_path_rate, layers))):
            out_chs, stride = planes * expansion, 1 if i == 0 else 2
            blocks = OrderedDict(pool=nn.MaxPool2d(3, 2, 1)) if i == 0 else OrderedDict()
            for j in range(depth):
                s = stride if j == 0 else 1
                if block == "basic":
                    blocks[str(j)] = BasicBlock(in_chs, out_chs, stride=s, norm=norm, drop_path=dprs[j])
                else:
                    mid = int(planes * width_per_group / 64) * groups
                    blocks[str(j)] = Bottleneck(in_chs, out_chs, stride=s, mid_chs=mid, groups=groups, norm=norm,
                                                drop_path=dprs[j])
                in_chs = out_chs
            reduction *= 2
            stages[f"layer{i + 1}"] = nn.Sequential(blocks)
            self.feature_info.append(FeatureInfo(out_chs, reduction, f"stages.layer{i + 1}"))
        self.stages = nn.Sequential(stages)
        self.head = ClassifierHead(in_chs, num_classes, drop_rate=drop_rate)
        self._init_weights(zero_init_last)

    def _init_weights(self, zero_init_last: bool) -> None:
        for m in self.modules():
            if isinstance(m, nn.Conv2d):
                nn.init.kaiming_normal_(m.weight, mode="fan_out", nonlinearity="relu")
            elif zero_init_last and isinstance(m, (BasicBlock, Bottleneck)):
                m.zero_init_last()


register("resnet18", ResNet, block="basic", layers=(2, 2, 2, 2))
register("resnet34", ResNet, block="basic", layers=(3, 4, 6, 3))
register("resnet50", ResNet, block="bottleneck", layers=(3, 4, 6, 3))
register("resnet101", ResNet, block="bottleneck", layers=(3, 4, 23, 3))
register("resnet152", ResNet, block="bottleneck", layers=(3, 8, 36, 3))
register("resnext50_32x4d", ResNet, layers=(3, 4, 6, 3), groups=32, width_per_group=4)
register("resnext101_32x8d", ResNet, layers=(3, 4, 23, 3), groups=32, width_per_group=8)
register("resnext101_64x4d", ResNet, layers=(3, 4, 23, 3), groups=64, width_per_group=4)
register("wide_resnet50_2", ResNet, layers=(3, 4, 6, 3), width_per_group=128)
register("wide_resnet101_2", ResNet, layers=(3, 4, 23, 3), width_per_group=128)


# ------------------------------------------------------------------------------------ foreign checkpoints

REFERENCE_KEYS = [  # torchvision's and timm's ResNet keys (identical in both) → the zoo's
    (r"^conv1\.", "stages.stem.conv."), (r"^bn1\.", "stages.stem.norm."), (r"^fc\.", "head.fc."),
    (r"^(layer\d)\.", r"stages.\1."), (r"\.conv(\d)\.", r".conv\1.conv."), (r"\.bn(\d)\.", r".conv\1.norm."),
    (r"\.downsample\.0\.", ".shortcut.conv."), (r"\.downsample\.1\.", ".shortcut.norm."),
]


def convert_reference(state_dict: dict, name: str) -> dict:
    return rename_keys(state_dict, REFERENCE_KEYS)


def convert_mmpretrain(state_dict: dict, name: str) -> dict:
    """mmpretrain's ResNet, ResNeXt and Wide ResNet name their layers as torchvision does, under ``backbone.``."""
    return convert_reference(mmpretrain_keys(state_dict, {"head.fc.": "fc."}), name)


CONVERTERS = {"torchvision": convert_reference, "timm": convert_reference, "mmpretrain": convert_mmpretrain}
