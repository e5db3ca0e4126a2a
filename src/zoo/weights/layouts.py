"""Which implementation wrote a weight file, told by its keys.

``create_model(name, pretrained="file.pth")`` reads the file and looks at its keys:

- OpenMMLab's (mmpretrain / MMClassification): ``backbone.…``, ``head.…`` (mmengine's ``{"state_dict",
  "meta"}`` is unwrapped when the file is read);
- EfficientNet-PyTorch's: ``_conv_stem.…``, ``_blocks.N._depthwise_conv.…``;
- otherwise the zoo's own, timm's or torchvision's: the one whose keys fit the model (``load.py`` tries them).

The first two are recognised before the model is built, because their weights were trained with
settings (TensorFlow's padding, BatchNorm epsilon) that the family records in ``CHECKPOINT_KWARGS`` and
the model must be built with. A file that carries the marks of more than one layout is an error.
"""

from __future__ import annotations

import importlib
from typing import Any, Callable, Mapping

from zoo.registry import model_info

__all__ = ["MARKED", "LAYOUTS", "detect_marked", "checkpoint_kwargs", "family_module"]

# layout → (a test on the keys, how the keys look: for messages)
MARKED: dict[str, tuple[Callable[[list[str]], bool], str]] = {
    "mmpretrain": (lambda keys: any(k.startswith("backbone.") for k in keys), "backbone./head. keys"),
    "efficientnet_pytorch": (lambda keys: any(k.startswith(("_blocks.", "_conv_stem.")) for k in keys),
                             "_conv_stem./_blocks.N. keys"),
}
LAYOUTS = ("zoo", "timm", "torchvision", *MARKED)  # every layout pretrained=path can tell


class AmbiguousLayoutError(ValueError):
    """A weight file whose keys look like more than one implementation's."""


def detect_marked(state: Mapping[str, Any], origin: str = "the checkpoint") -> str | None:
    """The layout whose marks the keys carry (mmpretrain, efficientnet_pytorch), or None for the rest."""
    keys = list(state)
    found = [name for name, (test, _) in MARKED.items() if test(keys)]
    if len(found) > 1:
        marks = "; ".join(f"{n} ({MARKED[n][1]})" for n in found)
        raise AmbiguousLayoutError(f"{origin} has the keys of more than one layout: {marks}. Pass the weights "
                                   "through zoo.convert_state_dict(name, state_dict, source=...) to say which.")
    return found[0] if found else None


def family_module(name: str):
    """The family module of a registered model, or None for a model registered by the user."""
    try:
        return importlib.import_module(f"zoo.models.{model_info(name).module}")
    except ValueError:
        return None


def checkpoint_kwargs(name: str, source: str) -> dict[str, Any]:
    """The architecture keywords weights in ``source``'s layout were trained with, for the model ``name``."""
    family = family_module(name)
    make = getattr(family, "CHECKPOINT_KWARGS", {}).get(source)
    return dict(make(name)) if make is not None else {}
