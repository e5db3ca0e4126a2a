"""One resolver for the tools that take "a model": ``zoo.profile``, ``zoo.benchmark`` and the CLI.

They accept an ``nn.Module`` as it is, or a name — canonical, a timm alias, or ``name.tag`` (the
architecture a catalog weight needs, at that weight's input size) — built for the input size asked.
"""

from __future__ import annotations

import contextlib
from dataclasses import dataclass
from typing import Any

import torch
from torch import nn
from torch.overrides import TorchFunctionMode

from zoo.factory import create_model
from zoo.registry import get_entry, model_info, resolve_name
from zoo.weights.catalog import get_entry as weight_entry

__all__ = ["Resolved", "resolve_model", "input_shape"]


@dataclass(frozen=True)
class Resolved:
    model: nn.Module
    label: str  # the canonical name (with its tag), or the module's class name
    input_size: tuple[int, ...] | None  # (C, H, W) as asked, or the weight's / catalog's; None: unknown


class _SkipInitOnMeta(TorchFunctionMode):
    """While a model is built on the meta device, in-place initialisation (``normal_``, ``uniform_``,
    ``fill_`` …) has no values to change: skip it, and half the build time with it."""

    _INIT = {getattr(torch.Tensor, n) for n in ("normal_", "uniform_", "zero_", "fill_", "erfinv_", "mul_", "add_",
                                                 "clamp_", "copy_", "exponential_", "bernoulli_", "random_", "div_",
                                                 "sub_")}

    def __torch_function__(self, func, types_, args=(), kwargs=None):
        if func in self._INIT and isinstance(args[0], torch.Tensor) and args[0].is_meta:
            return args[0]
        return func(*args, **(kwargs or {}))


def _default_input_size(canonical: str, tag: str | None, alias: str | None) -> tuple[int, ...] | None:
    if tag is not None:
        return weight_entry(canonical, tag, alias).input_size
    try:
        return model_info(canonical).input_size
    except ValueError:  # registered by the user without catalog facts
        return None


def resolve_model(model_or_name: nn.Module | str, input_size: Any = None, *, model_kwargs: dict[str, Any],
                  device: torch.device | str = "cpu", caller: str = "zoo.profile") -> Resolved:
    """The model to measure and the input size to measure it at.

    A name is built on ``device`` (on ``meta`` without running its initialisers); a family built for one
    input size (ViT, Swin: ``img_size``) is built for the size asked. ``model_kwargs`` go to
    ``create_model``; with a module they are an error, since the module is already built.
    """
    device = torch.device(device)
    if isinstance(model_or_name, str):
        base, _, tag = model_or_name.partition(".")
        canonical, alias_kwargs = resolve_name(base)
        tag = tag or None
        if input_size is None:
            input_size = _default_input_size(canonical, tag, base if alias_kwargs else None)
        accepted = get_entry(canonical).accepted_keywords() or ()
        if input_size is not None and "img_size" in accepted and "img_size" not in model_kwargs:
            h, w = (input_size, input_size) if isinstance(input_size, int) else tuple(input_size)[-2:]
            model_kwargs = {**model_kwargs, "img_size": h if h == w else (h, w)}
        skip_init = _SkipInitOnMeta() if device.type == "meta" else contextlib.nullcontext()
        with torch.device(device), skip_init:
            model = create_model(model_or_name, **model_kwargs)
        label = canonical if tag is None else f"{canonical}.{tag}"
        return Resolved(model, label, input_size)
    if not isinstance(model_or_name, nn.Module):
        raise TypeError(f"{caller} expects an nn.Module or a model name (see zoo.list_models()), "
                        f"got {type(model_or_name).__name__}")
    if model_kwargs:
        raise TypeError(f"model keywords ({', '.join(model_kwargs)}) are only accepted with a model name, "
                        "not a module")
    return Resolved(model_or_name, type(model_or_name).__name__, input_size)


def input_shape(model: nn.Module, input_size: Any, batch_size: int) -> tuple[int, ...]:
    """``(batch, C, H, W)`` for ``input_size`` (``(C, H, W)``, an int side, or None for 224)."""
    if input_size is None:
        input_size = (getattr(model, "in_chans", 3), 224, 224)
    if isinstance(input_size, int):
        input_size = (getattr(model, "in_chans", 3), input_size, input_size)
    input_size = tuple(input_size)
    if not input_size or not all(isinstance(s, int) and s > 0 for s in input_size):
        raise ValueError(f"input_size must be positive integers such as (3, 224, 224), got {input_size!r}")
    if not isinstance(batch_size, int) or batch_size < 1:
        raise ValueError(f"batch_size must be a positive integer, got {batch_size!r}")
    return (batch_size, *input_size)
