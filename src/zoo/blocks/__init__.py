"""Shared building blocks: one idea per file, used by every family."""

from .conv_norm_act import ConvNormAct, make_divisible
from .drop_path import DropPath, drop_path_rates
from .heads import ClassifierHead, mlp_pre_logits
from .padding import PadSame, same_padding
from .residual import BasicBlock, Bottleneck
from .squeeze_excite import SqueezeExcite

__all__ = [
    "BasicBlock",
    "Bottleneck",
    "ClassifierHead",
    "ConvNormAct",
    "DropPath",
    "PadSame",
    "SqueezeExcite",
    "drop_path_rates",
    "make_divisible",
    "mlp_pre_logits",
    "same_padding",
]
