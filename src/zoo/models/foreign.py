"""What the families' converters share for other ecosystems' checkpoints (mmpretrain, EfficientNet-PyTorch).

A family keeps its converters in ``CONVERTERS = {"torchvision": fn, "timm": fn, "mmpretrain": fn, ...}``;
each ``fn(state_dict, name)`` returns the zoo's keys. Some layouts were written by models built with
other settings than the zoo's defaults (TensorFlow's padding, BatchNorm epsilon): the family records
those in ``CHECKPOINT_KWARGS = {source: fn(name) -> dict}``, and ``pretrained=path`` builds the model
with them.
"""

from __future__ import annotations

import re
from typing import Iterable, Mapping

import torch

__all__ = ["mmpretrain_keys", "sort_keys"]

_TENSORS = ("weight", "bias", "running_mean", "running_var", "num_batches_tracked")


def mmpretrain_keys(state_dict: Mapping[str, torch.Tensor], head: Mapping[str, str]) -> dict[str, torch.Tensor]:
    """An mmpretrain ``ImageClassifier`` state dict without its ``backbone.`` prefix and with its head
    renamed by ``head`` (``{"head.fc.": "fc."}``: old prefix → new). Parameter-free necks are dropped;
    anything else is an error naming the key (a neck with weights, another head)."""
    out = {}
    for key, value in state_dict.items():
        if key.startswith("backbone."):
            out[key[len("backbone."):]] = value
            continue
        new = next((new + key[len(old):] for old, new in head.items() if key.startswith(old)), None)
        if new is None:
            raise ValueError(f"mmpretrain key {key!r} is neither in the backbone nor in a head this converter knows "
                             f"({', '.join(head) or 'none'})")
        out[new] = value
    return out


def sort_keys(state_dict: Mapping[str, torch.Tensor], order: Iterable[str]) -> dict[str, torch.Tensor]:
    """``state_dict`` with its keys in a reference's registration order, for converters that pair tensors by
    position. ``order`` lists module names in an order consistent with every module's own (siblings are
    only ever compared with each other); ``"name*"`` stands for ``name0``, ``name1``, ... in number order.
    Indices sort as numbers and tensors as PyTorch registers them (weight, bias, running statistics)."""
    order = tuple(order) + _TENSORS

    def rank_part(part: str) -> tuple:
        if part.isdigit():
            return (int(part),)
        if part in order:
            return (order.index(part),)
        m = re.fullmatch(r"(\D+?)(\d+)", part)
        if m and m[1] + "*" in order:
            return (order.index(m[1] + "*"), int(m[2]))
        raise ValueError(f"key part {part!r} is not one this layout has")

    return {k: state_dict[k] for k in sorted(state_dict, key=lambda k: tuple(rank_part(p) for p in k.split(".")))}
