"""The Inception family: parallel branches of different receptive fields, concatenated.

- GoogLeNet: Szegedy et al., 2014, "Going Deeper with Convolutions" (Table 1).
- Inception v3: Szegedy et al., 2015, "Rethinking the Inception Architecture for Computer Vision"
  (Figures 5–7, Table 1): 5×5 factorised into two 3×3, n×n into 1×n and n×1.
- Inception v4 and Inception-ResNet v2: Szegedy et al., 2016, "Inception-v4, Inception-ResNet and the
  Impact of Residual Connections on Learning" (Figures 3–9, 15–18).

No ``from __future__ import annotations``: TorchScript reads the class annotations.

Every module is a ``Concat`` of branches, written as the papers draw them. Convolutions are "same"
padded unless marked ``valid`` (the papers' "V"). BatchNorm uses eps=0.001, as the TensorFlow
originals and both reference implementations do.
"""

import re
from collections import OrderedDict, namedtuple
from functools import partial

import torch
from torch import nn

from zoo.blocks import ClassifierHead, Concat, ConvNormAct, ScaledResidual, drop_path_rates
from zoo.registry import register

from .base import Backbone, FeatureInfo, tracing
from .foreign import mmpretrain_keys

__all__ = ["GoogLeNet", "InceptionV3", "InceptionV4", "InceptionResNetV2", "GoogLeNetOutputs", "InceptionOutputs"]

GoogLeNetOutputs = namedtuple("GoogLeNetOutputs", ["logits", "aux_logits2", "aux_logits1"])  # torchvision's order
InceptionOutputs = namedtuple("InceptionOutputs", ["logits", "aux_logits"])

# torchvision's Google weights expect input in [-1, 1]; transform_input maps ImageNet-normalised input there
IMAGENET_MEAN, IMAGENET_STD = (0.485, 0.456, 0.406), (0.229, 0.224, 0.225)


def conv(in_chs: int, out_chs: int, kernel_size: int | tuple[int, int] = 1, stride: int = 1, valid: bool = False):
    """Conv → BN(eps=1e-3) → ReLU; "same" padding, or none where the paper marks the conv "V"."""
    return ConvNormAct(in_chs, out_chs, kernel_size, stride, padding=0 if valid else None,
                       norm=partial(nn.BatchNorm2d, eps=1e-3))


def avg_pool(count_include_pad: bool = True) -> nn.AvgPool2d:
    """The 3×3 average pool of the pooling branches (v4/Inception-ResNet do not count the padding)."""
    return nn.AvgPool2d(3, 1, 1, count_include_pad=count_include_pad)


def _init_weights(model: nn.Module) -> None:
    for m in model.modules():
        if isinstance(m, nn.Conv2d):
            nn.init.kaiming_normal_(m.weight, mode="fan_out", nonlinearity="relu")


class _Inception(Backbone):
    """Shared by the four networks: optional input re-normalisation and auxiliary classifiers.

    ``aux_heads`` maps the name of a layer inside a stage to the auxiliary classifier that reads its
    output. In training mode with ``aux_logits=True``, ``forward`` returns a named tuple of the main and
    auxiliary logits (as torchvision does); in eval mode, and for every other method, the main logits.
    """

    # self.aux_heads: an nn.ModuleDict or None, set in _setup_input (no class annotation: TorchScript reads those)
    aux_taps = ()  # the layers the auxiliary classifiers read, in the order of ``Outputs``
    Outputs = InceptionOutputs
    aux_min_input_size = 1  # the auxiliary classifiers may need a larger input than the network

    def _setup_input(self, in_chans: int, transform_input: bool) -> None:
        self.in_chans = in_chans
        self.transform_input = transform_input
        self.aux_heads = None  # an instance attribute: a class-level None would hide a registered ModuleDict
        if transform_input:
            if in_chans != 3:
                raise ValueError(f"transform_input re-normalises RGB input and needs in_chans=3, got {in_chans}")
            std, mean = torch.tensor(IMAGENET_STD).view(1, 3, 1, 1), torch.tensor(IMAGENET_MEAN).view(1, 3, 1, 1)
            self.register_buffer("input_scale", std / 0.5, persistent=False)
            self.register_buffer("input_shift", (mean - 0.5) / 0.5, persistent=False)

    def forward_stem(self, x: torch.Tensor) -> torch.Tensor:
        if hasattr(self, "input_scale"):  # transform_input: (x·std + mean − 0.5) / 0.5, ImageNet-normalised → [-1, 1]
            x = x * self.input_scale + self.input_shift
        return x

    def forward(self, x: torch.Tensor):
        if self.aux_heads is not None and self.training and not torch.jit.is_scripting():
            return self._forward_with_aux(x)
        return self.forward_head(self.forward_features(x))

    @torch.jit.unused
    def _forward_with_aux(self, x: torch.Tensor):
        self._check(x)
        if not tracing() and (x.shape[2] < self.aux_min_input_size or x.shape[3] < self.aux_min_input_size):
            raise ValueError(
                f"{type(self).__name__}'s auxiliary classifiers need an input of at least "
                f"{self.aux_min_input_size}x{self.aux_min_input_size} in training, got {x.shape[2]}x{x.shape[3]}"
            )
        x, aux = self.forward_stem(x), {}
        for stage in self.stages:
            for name, layer in stage.named_children():
                x = layer(x)
                if name in self.aux_heads:
                    aux[name] = self.aux_heads[name](x)
        return self.Outputs(self.forward_head(x), *(aux[t] for t in self.aux_taps))

    def reset_classifier(self, num_classes: int, global_pool: str | None = None) -> None:
        super().reset_classifier(num_classes, global_pool)
        for head in (self.aux_heads or {}).values():
            ref = next(head.parameters())
            width = head.fc1.out_features if hasattr(head, "fc1") else head.conv1.out_channels
            kw = {"device": ref.device, "dtype": ref.dtype}
            head.fc = nn.Linear(width, num_classes, **kw) if num_classes else nn.Identity()

    def adapt_state_dict(self, state_dict: dict) -> dict:
        """Weights trained with auxiliary classifiers fit a model built without them (the default)."""
        if self.aux_heads is None:
            state_dict = {k: v for k, v in state_dict.items() if not k.startswith("aux_heads.")}
        return state_dict

    def prune_intermediate_layers(self, indices=1, prune_norm: bool = False, prune_head: bool = True) -> list[int]:
        if prune_head:
            self.aux_heads = None  # the auxiliary classifiers go with the head
        return super().prune_intermediate_layers(indices, prune_norm, prune_head)


# ---------------------------------------------------------------------------------------------- GoogLeNet

# Table 1: #1×1, #3×3 reduce, #3×3, #5×5 reduce, #5×5, pool proj
GOOGLENET_MODULES = {
    "inception3a": (64, 96, 128, 16, 32, 32),
    "inception3b": (128, 128, 192, 32, 96, 64),
    "inception4a": (192, 96, 208, 16, 48, 64),
    "inception4b": (160, 112, 224, 24, 64, 64),
    "inception4c": (128, 128, 256, 24, 64, 64),
    "inception4d": (112, 144, 288, 32, 64, 64),
    "inception4e": (256, 160, 320, 32, 128, 128),
    "inception5a": (256, 160, 320, 32, 128, 128),
    "inception5b": (384, 192, 384, 48, 128, 128),
}


def googlenet_module(in_chs: int, c1: int, c3r: int, c3: int, c5r: int, c5: int, pool: int) -> Concat:
    """Figure 2(b). The "5×5" branch is a 3×3, as in the torchvision weights (vision issue #906)."""
    return Concat(
        conv(in_chs, c1, 1),
        [conv(in_chs, c3r, 1), conv(c3r, c3, 3)],
        [conv(in_chs, c5r, 1), conv(c5r, c5, 3)],
        [nn.MaxPool2d(3, 1, 1, ceil_mode=True), conv(in_chs, pool, 1)],
    )


def googlenet_aux(in_chs: int, num_classes: int) -> nn.Sequential:
    """§5: 4×4 average pool, 1×1 conv (128), fc (1024), dropout 70 %, linear."""
    return nn.Sequential(OrderedDict(
        pool=nn.AdaptiveAvgPool2d(4), conv=conv(in_chs, 128, 1), flatten=nn.Flatten(1),
        fc1=nn.Linear(128 * 16, 1024), act=nn.ReLU(inplace=True), drop=nn.Dropout(0.7),
        fc=nn.Linear(1024, num_classes) if num_classes else nn.Identity(),
    ))


class GoogLeNet(_Inception):
    """Stem → nine Inception modules in three groups, max-pools between → global pool → linear."""

    min_input_size = 15
    aux_taps = ("inception4d", "inception4a")  # where §5 attaches the auxiliary classifiers
    Outputs = GoogLeNetOutputs

    def __init__(
        self,
        num_classes: int = 1000,
        in_chans: int = 3,
        drop_rate: float = 0.2,
        aux_logits: bool = False,
        transform_input: bool = False,
    ):
        super().__init__()
        self._setup_input(in_chans, transform_input)
        pool = partial(nn.MaxPool2d, 3, 2, ceil_mode=True)
        groups = [
            OrderedDict(conv1=conv(in_chans, 64, 7, 2)),
            OrderedDict(pool1=pool(), conv2=conv(64, 64, 1), conv3=conv(64, 192, 3)),
            OrderedDict(pool2=pool()), OrderedDict(pool3=pool()),
            OrderedDict(pool4=nn.MaxPool2d(2, 2, ceil_mode=True)),
        ]
        in_chs, widths = 192, {}
        for name, cfg in GOOGLENET_MODULES.items():
            groups[int(name[-2]) - 1][name] = googlenet_module(in_chs, *cfg)
            in_chs = widths[name] = cfg[0] + cfg[2] + cfg[4] + cfg[5]
        self.stages = nn.Sequential(*(nn.Sequential(g) for g in groups))
        self.feature_info = [
            FeatureInfo(c, 2 ** (i + 1), f"stages.{i}") for i, c in enumerate((64, 192, 480, 832, 1024))
        ]
        self.head = ClassifierHead(1024, num_classes, drop_rate=drop_rate)
        if aux_logits:
            self.aux_heads = nn.ModuleDict({t: googlenet_aux(widths[t], num_classes) for t in self.aux_taps})
        _init_weights(self)


register("googlenet", GoogLeNet)


# ---------------------------------------------------------------------------------------------- Inception v3


def inception_v3_a(in_chs: int, pool: int) -> Concat:
    """Figure 5: the 5×5 of GoogLeNet as two 3×3 (the reference keeps one 5×5 branch as well)."""
    return Concat(
        conv(in_chs, 64, 1),
        [conv(in_chs, 48, 1), conv(48, 64, 5)],
        [conv(in_chs, 64, 1), conv(64, 96, 3), conv(96, 96, 3)],
        [avg_pool(), conv(in_chs, pool, 1)],
    )


def inception_v3_reduction_a(in_chs: int) -> Concat:
    """Figure 10: grid 35 → 17 by strided convs beside a max-pool."""
    return Concat(
        conv(in_chs, 384, 3, 2, valid=True),
        [conv(in_chs, 64, 1), conv(64, 96, 3), conv(96, 96, 3, 2, valid=True)],
        nn.MaxPool2d(3, 2),
    )


def inception_v3_b(in_chs: int, c7: int) -> Concat:
    """Figure 6: n×n factorised into 1×n then n×1, n = 7."""
    return Concat(
        conv(in_chs, 192, 1),
        [conv(in_chs, c7, 1), conv(c7, c7, (1, 7)), conv(c7, 192, (7, 1))],
        [conv(in_chs, c7, 1), conv(c7, c7, (7, 1)), conv(c7, c7, (1, 7)), conv(c7, c7, (7, 1)), conv(c7, 192, (1, 7))],
        [avg_pool(), conv(in_chs, 192, 1)],
    )


def inception_v3_reduction_b(in_chs: int) -> Concat:
    """Grid 17 → 8."""
    return Concat(
        [conv(in_chs, 192, 1), conv(192, 320, 3, 2, valid=True)],
        [conv(in_chs, 192, 1), conv(192, 192, (1, 7)), conv(192, 192, (7, 1)), conv(192, 192, 3, 2, valid=True)],
        nn.MaxPool2d(3, 2),
    )


def inception_v3_c(in_chs: int) -> Concat:
    """Figure 7: the coarsest grid, with the 1×3 and 3×1 side by side to widen the output."""
    return Concat(
        conv(in_chs, 320, 1),
        [conv(in_chs, 384, 1), Concat(conv(384, 384, (1, 3)), conv(384, 384, (3, 1)))],
        [conv(in_chs, 448, 1), conv(448, 384, 3), Concat(conv(384, 384, (1, 3)), conv(384, 384, (3, 1)))],
        [avg_pool(), conv(in_chs, 192, 1)],
    )


def inception_v3_aux(in_chs: int, num_classes: int) -> nn.Sequential:
    """Figure 8: 5×5/3 average pool, 1×1 conv (128), 5×5 conv (768), linear."""
    return nn.Sequential(OrderedDict(
        pool=nn.AvgPool2d(5, 3), conv0=conv(in_chs, 128, 1), conv1=conv(128, 768, 5, valid=True),
        gpool=nn.AdaptiveAvgPool2d(1), flatten=nn.Flatten(1),
        fc=nn.Linear(768, num_classes) if num_classes else nn.Identity(),
    ))


class InceptionV3(_Inception):
    """Table 1: a stem of plain convs, then 3× module A (35²), 4× B (17²), 2× C (8²)."""

    min_input_size = 75
    aux_taps = ("mixed_6e",)
    aux_min_input_size = 299  # the auxiliary head's 5×5/3 pool and valid 5×5 conv need the 17² grid of 299²

    def __init__(
        self,
        num_classes: int = 1000,
        in_chans: int = 3,
        drop_rate: float = 0.5,
        aux_logits: bool = False,
        transform_input: bool = False,
    ):
        super().__init__()
        self._setup_input(in_chans, transform_input)
        stages = [
            OrderedDict(conv2d_1a=conv(in_chans, 32, 3, 2, valid=True), conv2d_2a=conv(32, 32, 3, valid=True),
                        conv2d_2b=conv(32, 64, 3)),
            OrderedDict(pool1=nn.MaxPool2d(3, 2), conv2d_3b=conv(64, 80, 1), conv2d_4a=conv(80, 192, 3, valid=True)),
            OrderedDict(pool2=nn.MaxPool2d(3, 2), mixed_5b=inception_v3_a(192, 32), mixed_5c=inception_v3_a(256, 64),
                        mixed_5d=inception_v3_a(288, 64)),
            OrderedDict(mixed_6a=inception_v3_reduction_a(288), mixed_6b=inception_v3_b(768, 128),
                        mixed_6c=inception_v3_b(768, 160), mixed_6d=inception_v3_b(768, 160),
                        mixed_6e=inception_v3_b(768, 192)),
            OrderedDict(mixed_7a=inception_v3_reduction_b(768), mixed_7b=inception_v3_c(1280),
                        mixed_7c=inception_v3_c(2048)),
        ]
        self.stages = nn.Sequential(*(nn.Sequential(s) for s in stages))
        self.feature_info = [
            FeatureInfo(c, 2 ** (i + 1), f"stages.{i}") for i, c in enumerate((64, 192, 288, 768, 2048))
        ]
        self.head = ClassifierHead(2048, num_classes, drop_rate=drop_rate)
        if aux_logits:
            self.aux_heads = nn.ModuleDict({"mixed_6e": inception_v3_aux(768, num_classes)})
        _init_weights(self)


register("inception_v3", InceptionV3)


# ---------------------------------------------------------------------------------------------- Inception v4


def inception_v4_a(in_chs: int = 384) -> Concat:
    """Figure 4 (35² grid)."""
    return Concat(
        conv(in_chs, 96, 1),
        [conv(in_chs, 64, 1), conv(64, 96, 3)],
        [conv(in_chs, 64, 1), conv(64, 96, 3), conv(96, 96, 3)],
        [avg_pool(False), conv(in_chs, 96, 1)],
    )


def inception_v4_reduction_a(in_chs: int, k: int, l: int, m: int, n: int) -> Concat:
    """Figure 7 with Table 1's k, l, m, n (v4: 192, 224, 256, 384; Inception-ResNet-v2: 256, 256, 384, 384)."""
    return Concat(
        conv(in_chs, n, 3, 2, valid=True),
        [conv(in_chs, k, 1), conv(k, l, 3), conv(l, m, 3, 2, valid=True)],
        nn.MaxPool2d(3, 2),
    )


def inception_v4_b(in_chs: int = 1024) -> Concat:
    """Figure 5 (17² grid)."""
    return Concat(
        conv(in_chs, 384, 1),
        [conv(in_chs, 192, 1), conv(192, 224, (1, 7)), conv(224, 256, (7, 1))],
        [conv(in_chs, 192, 1), conv(192, 192, (7, 1)), conv(192, 224, (1, 7)), conv(224, 224, (7, 1)),
         conv(224, 256, (1, 7))],
        [avg_pool(False), conv(in_chs, 128, 1)],
    )


def inception_v4_reduction_b(in_chs: int = 1024) -> Concat:
    """Figure 8: grid 17 → 8."""
    return Concat(
        [conv(in_chs, 192, 1), conv(192, 192, 3, 2, valid=True)],
        [conv(in_chs, 256, 1), conv(256, 256, (1, 7)), conv(256, 320, (7, 1)), conv(320, 320, 3, 2, valid=True)],
        nn.MaxPool2d(3, 2),
    )


def inception_v4_c(in_chs: int = 1536) -> Concat:
    """Figure 6 (8² grid)."""
    return Concat(
        conv(in_chs, 256, 1),
        [conv(in_chs, 384, 1), Concat(conv(384, 256, (1, 3)), conv(384, 256, (3, 1)))],
        [conv(in_chs, 384, 1), conv(384, 448, (3, 1)), conv(448, 512, (1, 3)),
         Concat(conv(512, 256, (1, 3)), conv(512, 256, (3, 1)))],
        [avg_pool(False), conv(in_chs, 256, 1)],
    )


class InceptionV4(_Inception):
    """Figure 9: stem (Figure 3) → 4× Inception-A → Reduction-A → 7× B → Reduction-B → 3× C."""

    min_input_size = 75

    def __init__(self, num_classes: int = 1000, in_chans: int = 3, drop_rate: float = 0.0):
        super().__init__()
        self._setup_input(in_chans, False)
        stages = [
            OrderedDict(conv1a=conv(in_chans, 32, 3, 2, valid=True), conv2a=conv(32, 32, 3, valid=True),
                        conv2b=conv(32, 64, 3)),
            OrderedDict(mixed_3a=Concat(nn.MaxPool2d(3, 2), conv(64, 96, 3, 2, valid=True))),
            OrderedDict(
                mixed_4a=Concat([conv(160, 64, 1), conv(64, 96, 3, valid=True)],
                                [conv(160, 64, 1), conv(64, 64, (1, 7)), conv(64, 64, (7, 1)),
                                 conv(64, 96, 3, valid=True)]),
                mixed_5a=Concat(conv(192, 192, 3, 2, valid=True), nn.MaxPool2d(3, 2)),
                **{f"inception_a{i + 1}": inception_v4_a() for i in range(4)},
            ),
            OrderedDict(reduction_a=inception_v4_reduction_a(384, 192, 224, 256, 384),
                        **{f"inception_b{i + 1}": inception_v4_b() for i in range(7)}),
            OrderedDict(reduction_b=inception_v4_reduction_b(),
                        **{f"inception_c{i + 1}": inception_v4_c() for i in range(3)}),
        ]
        self.stages = nn.Sequential(*(nn.Sequential(s) for s in stages))
        self.feature_info = [
            FeatureInfo(c, 2 ** (i + 1), f"stages.{i}") for i, c in enumerate((64, 160, 384, 1024, 1536))
        ]
        self.head = ClassifierHead(1536, num_classes, drop_rate=drop_rate)
        _init_weights(self)


register("inception_v4", InceptionV4)


# ---------------------------------------------------------------------------------------------- Inception-ResNet v2


def inception_resnet_a(scale: float, drop_path: float, in_chs: int = 320) -> ScaledResidual:
    """Figure 16 (35² grid), widths of the released network."""
    return ScaledResidual(nn.Sequential(OrderedDict(
        mixed=Concat(conv(in_chs, 32, 1), [conv(in_chs, 32, 1), conv(32, 32, 3)],
                     [conv(in_chs, 32, 1), conv(32, 48, 3), conv(48, 64, 3)]),
        proj=nn.Conv2d(128, in_chs, 1),  # linear 1×1 back to the input width, with a bias and no norm
    )), scale=scale, drop_path=drop_path)


def inception_resnet_b(scale: float, drop_path: float, in_chs: int = 1088) -> ScaledResidual:
    """Figure 17 (17² grid)."""
    return ScaledResidual(nn.Sequential(OrderedDict(
        mixed=Concat(conv(in_chs, 192, 1), [conv(in_chs, 128, 1), conv(128, 160, (1, 7)), conv(160, 192, (7, 1))]),
        proj=nn.Conv2d(384, in_chs, 1),
    )), scale=scale, drop_path=drop_path)


def inception_resnet_c(scale: float, drop_path: float, in_chs: int = 2080, act: bool = True) -> ScaledResidual:
    """Figure 19 (8² grid)."""
    return ScaledResidual(nn.Sequential(OrderedDict(
        mixed=Concat(conv(in_chs, 192, 1), [conv(in_chs, 192, 1), conv(192, 224, (1, 3)), conv(224, 256, (3, 1))]),
        proj=nn.Conv2d(448, in_chs, 1),
    )), scale=scale, act=nn.ReLU if act else None, drop_path=drop_path)


class InceptionResNetV2(_Inception):
    """Figure 15: v3's stem, 10× Inception-ResNet-A, Reduction-A, 20× B, Reduction-B, 10× C, 1×1 conv.

    Residual branches are scaled by 0.17, 0.10 and 0.20 (A, B, C); the last C block is unscaled and
    has no ReLU, and a 1×1 conv to 1536 channels follows it.
    """

    min_input_size = 75

    def __init__(self, num_classes: int = 1000, in_chans: int = 3, drop_rate: float = 0.0, drop_path_rate: float = 0.0):
        super().__init__()
        self._setup_input(in_chans, False)
        dpr = drop_path_rates(drop_path_rate, [10, 20, 10])
        stages = [
            OrderedDict(conv2d_1a=conv(in_chans, 32, 3, 2, valid=True), conv2d_2a=conv(32, 32, 3, valid=True),
                        conv2d_2b=conv(32, 64, 3)),
            OrderedDict(maxpool_3a=nn.MaxPool2d(3, 2), conv2d_3b=conv(64, 80, 1),
                        conv2d_4a=conv(80, 192, 3, valid=True)),
            OrderedDict(
                maxpool_5a=nn.MaxPool2d(3, 2),
                mixed_5b=Concat(conv(192, 96, 1), [conv(192, 48, 1), conv(48, 64, 5)],
                                [conv(192, 64, 1), conv(64, 96, 3), conv(96, 96, 3)],
                                [avg_pool(False), conv(192, 64, 1)]),
                repeat=nn.Sequential(*(inception_resnet_a(0.17, p) for p in dpr[0])),
            ),
            OrderedDict(mixed_6a=inception_v4_reduction_a(320, 256, 256, 384, 384),
                        repeat=nn.Sequential(*(inception_resnet_b(0.10, p) for p in dpr[1]))),
            OrderedDict(
                mixed_7a=Concat([conv(1088, 256, 1), conv(256, 384, 3, 2, valid=True)],
                                [conv(1088, 256, 1), conv(256, 288, 3, 2, valid=True)],
                                [conv(1088, 256, 1), conv(256, 288, 3), conv(288, 320, 3, 2, valid=True)],
                                nn.MaxPool2d(3, 2)),
                repeat=nn.Sequential(*(inception_resnet_c(0.20, p) for p in dpr[2][:-1]),
                                     inception_resnet_c(1.0, dpr[2][-1], act=False)),
                conv2d_7b=conv(2080, 1536, 1),
            ),
        ]
        self.stages = nn.Sequential(*(nn.Sequential(s) for s in stages))
        self.feature_info = [
            FeatureInfo(c, 2 ** (i + 1), f"stages.{i}") for i, c in enumerate((64, 192, 320, 1088, 1536))
        ]
        self.head = ClassifierHead(1536, num_classes, drop_rate=drop_rate)
        _init_weights(self)


register("inception_resnet_v2", InceptionResNetV2)


# ------------------------------------------------------------------------------------ foreign checkpoints

# Inception v3 (torchvision and timm name it alike): each module's branch layers → Concat paths
_V3_BRANCHES = {
    "a": {"branch1x1": "0", "branch5x5_1": "1.0", "branch5x5_2": "1.1", "branch3x3dbl_1": "2.0",
          "branch3x3dbl_2": "2.1", "branch3x3dbl_3": "2.2", "branch_pool": "3.1"},
    "reduction_a": {"branch3x3": "0", "branch3x3dbl_1": "1.0", "branch3x3dbl_2": "1.1", "branch3x3dbl_3": "1.2"},
    "b": {"branch1x1": "0", **{f"branch7x7_{i}": f"1.{i - 1}" for i in (1, 2, 3)},
          **{f"branch7x7dbl_{i}": f"2.{i - 1}" for i in range(1, 6)}, "branch_pool": "3.1"},
    "reduction_b": {"branch3x3_1": "0.0", "branch3x3_2": "0.1",
                    **{f"branch7x7x3_{i}": f"1.{i - 1}" for i in range(1, 5)}},
    "c": {"branch1x1": "0", "branch3x3_1": "1.0", "branch3x3_2a": "1.1.0", "branch3x3_2b": "1.1.1",
          "branch3x3dbl_1": "2.0", "branch3x3dbl_2": "2.1", "branch3x3dbl_3a": "2.2.0", "branch3x3dbl_3b": "2.2.1",
          "branch_pool": "3.1"},
}
_V3_MODULES = {"5b": "a", "5c": "a", "5d": "a", "6a": "reduction_a", "6b": "b", "6c": "b", "6d": "b", "6e": "b",
               "7a": "reduction_b", "7b": "c", "7c": "c"}
_V3_STEM = {"1a": 0, "2a": 0, "2b": 0, "3b": 1, "4a": 1}


def _convert_inception_v3(state_dict: dict, name: str) -> dict:
    out = {}
    for key, value in state_dict.items():
        key = key.replace(".bn.", ".norm.")
        if m := re.match(r"Conv2d_(\w\w)_\dx\d\.(.*)", key):
            key = f"stages.{_V3_STEM[m[1]]}.conv2d_{m[1]}.{m[2]}"
        elif m := re.match(r"Mixed_(\w\w)\.(\w+)\.(.*)", key):
            branch = _V3_BRANCHES[_V3_MODULES[m[1]]][m[2]]
            key = f"stages.{int(m[1][0]) - 3}.mixed_{m[1]}.{branch}.{m[3]}"
        elif key.startswith("AuxLogits."):
            key = "aux_heads.mixed_6e." + key.removeprefix("AuxLogits.")
        elif key.startswith("fc."):
            key = "head." + key
        out[key] = value
    return out


def _convert_googlenet(state_dict: dict, name: str) -> dict:
    """torchvision's GoogLeNet: ``inception4a.branch2.1.conv`` → ``stages.3.inception4a.1.1.conv``."""
    stems = {"conv1": "stages.0.conv1", "conv2": "stages.1.conv2", "conv3": "stages.1.conv3"}
    aux = {"aux1": "aux_heads.inception4a", "aux2": "aux_heads.inception4d"}
    out = {}
    for key, value in state_dict.items():
        key = key.replace(".bn.", ".norm.")
        first, rest = key.split(".", 1)
        if first in stems:
            key = f"{stems[first]}.{rest}"
        elif first.startswith("inception"):
            rest = re.sub(r"^branch(\d)", lambda b: str(int(b[1]) - 1), rest)
            key = f"stages.{int(first[-2]) - 1}.{first}.{rest}"
        elif first in aux:
            key = f"{aux[first]}.{rest.replace('fc2.', 'fc.')}"
        elif first == "fc":
            key = f"head.{key}"
        out[key] = value
    return out


# timm's InceptionV4 is one flat ``features`` list: its index → the zoo's stage and layer
_V4_LAYERS = [
    ("0", "conv1a"), ("0", "conv2a"), ("0", "conv2b"), ("1", "mixed_3a"), ("2", "mixed_4a"), ("2", "mixed_5a"),
    *[("2", f"inception_a{i}") for i in range(1, 5)], ("3", "reduction_a"),
    *[("3", f"inception_b{i}") for i in range(1, 8)], ("4", "reduction_b"),
    *[("4", f"inception_c{i}") for i in range(1, 4)],
]


def _timm_branches(rest: str) -> str:
    """timm's ``branch2_3a`` / ``branch1.0`` naming → Concat paths (``2.3.0`` / ``1.0``)."""
    rest = re.sub(r"^branch(\d)_(\d)([ab])", lambda b: f"{b[1]}.{b[2]}.{'ab'.index(b[3])}", rest)
    return re.sub(r"^branch(\d)(?:_(\d))?", lambda b: b[1] + (f".{b[2]}" if b[2] else ""), rest)


def _convert_inception_v4(state_dict: dict, name: str) -> dict:
    out = {}
    for key, value in state_dict.items():
        key = key.replace(".bn.", ".norm.")
        if m := re.match(r"features\.(\d+)\.(.*)", key):
            stage, layer = _V4_LAYERS[int(m[1])]
            rest = _timm_branches(m[2])
            if layer in ("mixed_3a", "mixed_5a"):  # a conv beside a max-pool, named rather than numbered
                rest = re.sub(r"^conv\.", "1." if layer == "mixed_3a" else "0.", rest)
            key = f"stages.{stage}.{layer}.{rest}"
        elif key.startswith("last_linear."):
            key = "head.fc." + key.removeprefix("last_linear.")
        out[key] = value
    return out


def _convert_inception_resnet_v2(state_dict: dict, name: str) -> dict:
    stages = {"conv2d_1a": 0, "conv2d_2a": 0, "conv2d_2b": 0, "conv2d_3b": 1, "conv2d_4a": 1, "mixed_5b": 2,
              "mixed_6a": 3, "mixed_7a": 4, "conv2d_7b": 4}
    repeats = {"repeat": 2, "repeat_1": 3, "repeat_2": 4}
    out = {}
    for key, value in state_dict.items():
        key = key.replace(".bn.", ".norm.")
        key = re.sub(r"^block8\.", "repeat_2.9.", key)  # the last, unscaled C block ends the repeat
        first, rest = key.split(".", 1)
        if first in stages:
            key = f"stages.{stages[first]}.{first}.{_timm_branches(rest)}"
        elif first in repeats:
            j, rest = rest.split(".", 1)
            if rest.startswith("conv2d."):  # the linear 1×1 after the branches
                rest = "proj." + rest.removeprefix("conv2d.")
            else:
                rest = "mixed." + _timm_branches(rest)
            key = f"stages.{repeats[first]}.repeat.{j}.branch.{rest}"
        elif first == "classif":
            key = f"head.fc.{rest}"
        out[key] = value
    return out


def convert_torchvision(state_dict: dict, name: str) -> dict:
    if name == "googlenet":
        return _convert_googlenet(state_dict, name)
    if name == "inception_v3":
        return _convert_inception_v3(state_dict, name)
    raise ValueError(f"torchvision has no {name}; convert it from timm")


def convert_timm(state_dict: dict, name: str) -> dict:
    converters = {"inception_v3": _convert_inception_v3, "inception_v4": _convert_inception_v4,
                  "inception_resnet_v2": _convert_inception_resnet_v2}
    if name not in converters:
        raise ValueError(f"timm has no {name}; convert it from torchvision")
    return converters[name](state_dict, name)


def convert_mmpretrain(state_dict: dict, name: str) -> dict:
    """mmpretrain's Inception v3 is torchvision's, classifier included, under ``backbone.``."""
    if name != "inception_v3":
        raise ValueError(f"mmpretrain has no {name}; convert it from timm")
    return _convert_inception_v3(mmpretrain_keys(state_dict, {}), name)


CONVERTERS = {"torchvision": convert_torchvision, "timm": convert_timm, "mmpretrain": convert_mmpretrain}
