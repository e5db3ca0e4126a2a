"""Foreign checkpoints (torchvision, timm) → zoo state dicts.

Each family keeps its own small key-remapping functions next to its architecture, in a module-level
``CONVERTERS = {"torchvision": fn, "timm": fn, "mmpretrain": fn, "efficientnet_pytorch": fn}``
(see ``zoo.models.foreign``); this module only finds the right one.
"""

from __future__ import annotations

import importlib
from typing import Mapping

import torch

from zoo.registry import model_info, resolve_name

__all__ = ["convert_state_dict", "SOURCES"]

SOURCES = ("torchvision", "timm", "mmpretrain", "efficientnet_pytorch")


def convert_state_dict(name: str, state_dict: Mapping[str, torch.Tensor], source: str) -> dict[str, torch.Tensor]:
    """Map a reference implementation's ``state_dict`` onto the keys of ``zoo.create_model(name)``.

    Args:
        name: the zoo model (canonical name or alias) the weights are for.
        state_dict: the reference model's state dict (torchvision's, timm's, mmpretrain's ``ImageClassifier``'s
            with its ``backbone.``/``head.`` keys, or EfficientNet-PyTorch's).
        source: one of ``SOURCES``.
    """
    canonical, _ = resolve_name(name)
    if source not in SOURCES:
        raise ValueError(f"source must be one of {', '.join(SOURCES)}, got {source!r}")
    module = importlib.import_module(f"zoo.models.{model_info(canonical).module}")
    converters = getattr(module, "CONVERTERS", {})
    if source not in converters:
        have = ", ".join(converters) or "none"
        raise ValueError(f"{canonical} has no {source} reference to convert from (converters: {have})")
    return converters[source](dict(state_dict), canonical)
