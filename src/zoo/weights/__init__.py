"""Pretrained weights: the catalog, where files come from, fitting them to models, preprocessing.

Imported on first use (``zoo.list_pretrained``, ``create_model(..., pretrained=...)``), never by
``import zoo``.
"""

from .catalog import imagenet_classes, list_pretrained, pretrained_tags
from .convert import convert_state_dict
from .load import IncompatibleWeightsError, apply_state_dict, load_pretrained, save_pretrained
from .preprocess import class_names, data_config, transforms
from .sources import CorruptCheckpointError, HubUnreachableError, UnsafeCheckpointError, WeightsNotFoundError

__all__ = [
    "convert_state_dict", "list_pretrained", "pretrained_tags", "imagenet_classes", "load_pretrained",
    "apply_state_dict", "save_pretrained", "data_config", "transforms", "class_names",
    "IncompatibleWeightsError", "CorruptCheckpointError", "UnsafeCheckpointError", "WeightsNotFoundError",
    "HubUnreachableError",
]
