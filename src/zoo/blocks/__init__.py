"""Shared building blocks: one idea per file, used by every family."""

from .attention import Attention, relative_position_index
from .branches import Concat
from .channel_shuffle import ChannelShuffle
from .convnext_block import ConvNeXtBlock
from .conv_norm_act import Conv2dSame, ConvNormAct, make_divisible
from .drop_path import DropPath, drop_path_rates
from .heads import ClassifierHead, ConvClassifierHead, mlp_pre_logits
from .inverted_residual import DepthwiseSeparable, FusedMBConv, InvertedResidual
from .layer_scale import LayerScale
from .mlp import Mlp
from .norms import LayerNorm2d
from .padding import PadSame, same_padding
from .patch_embed import PatchEmbed
from .residual import BasicBlock, Bottleneck, ScaledResidual
from .squeeze_excite import SqueezeExcite
from .windows import SwinBlock

__all__ = [
    "Attention",
    "BasicBlock",
    "Bottleneck",
    "ChannelShuffle",
    "ClassifierHead",
    "Concat",
    "ConvClassifierHead",
    "Conv2dSame",
    "ConvNeXtBlock",
    "ConvNormAct",
    "DepthwiseSeparable",
    "DropPath",
    "FusedMBConv",
    "InvertedResidual",
    "LayerNorm2d",
    "LayerScale",
    "Mlp",
    "PadSame",
    "PatchEmbed",
    "ScaledResidual",
    "SqueezeExcite",
    "SwinBlock",
    "drop_path_rates",
    "make_divisible",
    "mlp_pre_logits",
    "relative_position_index",
    "same_padding",
]
