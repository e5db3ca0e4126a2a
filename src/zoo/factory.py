"""``create_model``: the one assembler of a model — architecture from the registry, then tags, pretrained
weights, fused layers and the feature-extraction wrapper (timm's ``_builder`` beside its ``_registry``)."""

from __future__ import annotations

import contextlib
import math
import os
import sys
from dataclasses import replace
from typing import Any

import torch

from zoo.models.base import FEATURE_CLASSES
from zoo.registry import ModelInfo, get_entry, resolve_name
from zoo.registry import model_info as _catalog_info
from zoo.weights import load as weights
from zoo.weights.catalog import default_entry, pretrained_tags, split_tag
from zoo.weights.catalog import get_entry as get_weight

__all__ = ["create_model", "model_info"]


def model_info(name: str) -> ModelInfo:
    """Facts about a model from the catalog — family, paper, input size, reference params and MACs — and
    its pretrained weights (``.pretrained``: tag, licence, input size, top-1/top-5, file size; the default
    first). For ``"name.tag"``, ``.pretrained`` holds that weight alone."""
    name, tag = split_tag(name)
    info = _catalog_info(name)
    if tag is None:
        return replace(info, pretrained=tuple(pretrained_tags(info.name)))
    alias = name if resolve_name(name)[1] else None
    entry = get_weight(info.name, tag, alias)
    return replace(info, pretrained=({**entry.summary(), "default": entry is default_entry(info.name, False, alias)},))


def _fused_by_default() -> bool:
    """The global switch, read without importing ``zoo.fused`` when no one has (it defines the ops)."""
    dispatch = sys.modules.get("zoo.fused._dispatch")
    if dispatch is not None:
        return dispatch.by_default()
    return os.environ.get("ZOO_FUSED_MODELS", "0") == "1"


def _is_int(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _check_arguments(name: Any, pretrained: Any, out_indices: Any, kwargs: dict[str, Any]) -> None:
    """The common keywords' types and ranges, checked before anything is built or read: a clear error
    instead of a failure deep inside a layer (or a silently odd model)."""
    if isinstance(pretrained, os.PathLike):
        pretrained = os.fspath(pretrained)
    if not (pretrained is None or isinstance(pretrained, (bool, str))):
        raise TypeError(f"pretrained must be True, False, a tag, 'hf-hub:org/name' or a path, got {pretrained!r}")
    if isinstance(pretrained, str) and pretrained.strip() in ("", "."):
        raise ValueError(f"pretrained={pretrained!r} names no weights; for a save_pretrained folder here pass './'")
    if out_indices is not None and not _is_int(out_indices) and not (
            isinstance(out_indices, (list, tuple)) and out_indices and all(map(_is_int, out_indices))):
        raise ValueError(f"out_indices must be None (every stage), an int n (the last n) or a non-empty list of "
                         f"stage indices, got {out_indices!r}")
    rules = {"num_classes": (lambda v: _is_int(v) and v >= 0, "an int >= 0 (0: no classifier)"),
             "in_chans": (lambda v: _is_int(v) and v >= 1, "an int >= 1")}
    for key, value in kwargs.items():
        check, expected = rules.get(key, (None, None))
        if check is None and key.endswith(("drop_rate", "_drop")):
            check, expected = (lambda v: isinstance(v, (int, float)) and not isinstance(v, bool) and 0 <= v < 1,
                               "a probability in [0, 1)")
        elif check is None and key.endswith(("_mult", "_multiplier", "bn_eps")):
            check, expected = (lambda v: isinstance(v, (int, float)) and not isinstance(v, bool)
                               and math.isfinite(v) and v > 0, "a finite number > 0")
        elif check is None and key == "img_size":
            check, expected = (lambda v: (_is_int(v) and v > 0) or (
                isinstance(v, (list, tuple)) and len(v) == 2 and all(_is_int(x) and x > 0 for x in v)),
                "an int > 0 or a pair (height, width) of them")
        if check is not None and not check(value):
            raise ValueError(f"{key} must be {expected}, got {value!r}")


def create_model(
    name: str | None = None,
    pretrained: bool | str = False,
    *,
    features_only: bool = False,
    out_indices: Any = None,
    frozen_stages: int | None = None,
    norm_eval: bool | None = None,
    fused: bool | None = None,
    device: Any = None,
    dtype: Any = None,
    global_pool: str | None = None,
    feature_cls: Any = None,
    **kwargs: Any,
):
    """Build a model by name.

    Args:
        name: a canonical name (``zoo.list_models()``), a timm alias (``"mobilenetv3_large_100"``), or
            ``"name.tag"`` for the architecture a catalog weight needs (``zoo.list_pretrained()``).
            May be left out when ``pretrained`` is a ``save_pretrained`` directory or Hub repository
            whose config names the architecture.
        pretrained: False, True (the default weights), a tag (``"a1_in1k"``), ``"hf-hub:org/repo"``,
            or a local ``.safetensors``/``.pth`` file or ``zoo.save_pretrained`` directory.
        features_only: return a backbone whose forward gives the list of NCHW stage maps.
        out_indices: the stages ``features_only`` returns (default: all).
        frozen_stages, norm_eval: with ``features_only``, freeze stages 0..k / keep BatchNorm in eval
            mode while fine-tuning (see ``zoo.models.base.FeatureExtractor``); None: as a
            ``save_pretrained`` directory recorded them, otherwise -1 (none) / False.
        fused: the blocks forward through ``zoo.fused`` ops (Triton kernels on CUDA, exact fallbacks
            elsewhere), in training and eval; ``zoo.fuse(model)`` further folds BatchNorm for inference.
            None: as the global switch says (``zoo.fused.use_by_default(True)`` or ``ZOO_FUSED_MODELS=1``).
        device, dtype: where the model is built (``"meta"``, ``"cuda"``) and the dtype it ends in, as
            timm's ``create_model`` takes them; weights are loaded before the dtype is applied.
        global_pool: timm's pooling names ("avg", "max", "avgmax", "token"/"avg" for ViT, "" for none:
            the model then returns its feature map; needs ``num_classes=0``).
        feature_cls: timm's feature-wrapper choice with ``features_only``: None or "getter" (the zoo's
            extractor runs ``forward_intermediates``, which is timm's "getter").
        **kwargs: model keywords (``num_classes``, ``in_chans``, ``drop_rate``, ...).
    """
    _check_arguments(name, pretrained, out_indices, kwargs)
    tag = None
    if isinstance(name, str) and "." in name:
        name, tag = name.split(".", 1)  # "resnet50.a1_in1k", "mobilenetv3_large_100.ra_in1k"
        if pretrained not in (True, False, None, tag):
            raise ValueError(f"the name gives the tag {tag!r} and pretrained={pretrained!r} another weight")
    spec, load = None, pretrained is not False and pretrained is not None
    if tag is not None or load:
        canonical, alias_kwargs = resolve_name(name) if name is not None else (None, {})
        alias = name if alias_kwargs else None
        spec = weights.resolve_pretrained(canonical, tag or pretrained, alias)
    if name is None:
        if spec is None or spec.model is None:
            raise TypeError("create_model() needs a model name, unless pretrained= names weights that say which "
                            "architecture they are for (a zoo.save_pretrained directory or Hub repository)")
        name = spec.model
    canonical, alias_kwargs = resolve_name(name)
    if spec is not None and spec.model is not None and spec.model != canonical:
        raise ValueError(f"{spec.origin} holds weights of {spec.model}, not {canonical}")
    entry = get_entry(canonical)
    accepted = entry.accepted_keywords()
    if accepted is not None:
        unknown = sorted(set(kwargs) - set(accepted))
        if unknown:
            raise TypeError(
                f"{canonical}() got unexpected keyword argument(s) {', '.join(map(repr, unknown))}; "
                f"accepted: {', '.join(accepted)}; and pretrained, features_only, out_indices, frozen_stages, "
                "norm_eval, fused"
            )
        needed = sorted(set(spec.kwargs) - set(accepted)) if spec is not None else []
        if needed:
            raise TypeError(f"the weights {spec.origin} need keyword(s) {', '.join(needed)}, which {canonical}() "
                            f"does not accept (accepted: {', '.join(accepted)})")
    user_kwargs = {**alias_kwargs, **(spec.kwargs if spec is not None else {}), **kwargs}
    if spec is not None and spec.source == "zoo":  # a saved model: its layout comes back as saved
        features_only = features_only or spec.features_only
        out_indices = spec.out_indices if out_indices is None else out_indices
        frozen_stages = spec.frozen_stages if frozen_stages is None else frozen_stages
        norm_eval = spec.norm_eval if norm_eval is None else norm_eval
    frozen_stages, norm_eval = (-1 if frozen_stages is None else frozen_stages), bool(norm_eval)
    if feature_cls not in FEATURE_CLASSES:
        raise ValueError(f"feature_cls={feature_cls!r}: the zoo's features_only extractor runs forward_intermediates "
                         "(timm's 'getter'); pass None or 'getter'")
    with torch.device(device) if device is not None else contextlib.nullcontext():
        model = entry.factory(**{**entry.config, **user_kwargs})
    if global_pool is not None:
        model.reset_classifier(model.num_classes, global_pool)
    if fused is None:
        fused = _fused_by_default()
    if fused:
        from zoo.fused import use_fused

        use_fused(model)
    folded = spec is not None and spec.source == "zoo" and spec.folded
    if folded:  # saved after zoo.fuse: the same folded layout, so that its weights load into it
        from zoo.fused import fuse

        model = fuse(model, inplace=True)
    if features_only:
        from zoo.models.base import FeatureExtractor

        model = FeatureExtractor(model, out_indices, frozen_stages, norm_eval)
    elif out_indices is not None or frozen_stages != -1 or norm_eval:
        raise TypeError("out_indices, frozen_stages and norm_eval are only used with features_only=True")
    model.model_config = {"architecture": canonical, "kwargs": user_kwargs, "features_only": features_only,
                          "out_indices": list(model.out_indices) if features_only else None, "folded": folded}
    if features_only:
        model.model_config.update(frozen_stages=model.frozen_stages, norm_eval=model.norm_eval)
    model.pretrained_cfg = weights.model_cfg(canonical, spec, user_kwargs)
    model.pretrained_cfg.update(model_facts(canonical, entry, user_kwargs, model))
    if load:
        state = spec.read()
        weights.apply_state_dict(model, state, canonical, spec.source, spec.origin)
    if dtype is not None:
        model.to(dtype=dtype)
    return model


def model_facts(canonical: str, entry, kwargs: dict[str, Any], model) -> dict[str, Any]:
    """The fields of timm's ``pretrained_cfg`` that describe the network rather than its weights:
    ``architecture``, ``num_classes`` (of the weights, else the model), ``pool_size`` (the map
    ``forward_features`` gives at ``input_size``), ``first_conv``, ``classifier``, ``fixed_input_size``,
    ``min_input_size``."""
    backbone = getattr(model, "model", model)  # a features_only extractor wraps the network
    cfg = model.pretrained_cfg
    fixed = getattr(backbone, "fixed_input_size", False)  # a user-registered module may have none of these
    facts = {"architecture": canonical, "classifier": "head.fc", "fixed_input_size": fixed,
             "num_classes": cfg.get("num_classes") or getattr(backbone, "num_classes", None) or 0}
    facts.update(_network_facts(canonical, kwargs, tuple(cfg["input_size"])))
    if getattr(backbone, "min_input_size", 1) > 1 and not getattr(backbone, "fixed_input_size", False):
        facts["min_input_size"] = (backbone.in_chans, backbone.min_input_size, backbone.min_input_size)
    return facts


_FACTS: dict[str, dict[str, Any]] = {}


def _network_facts(canonical: str, kwargs: dict[str, Any], input_size: tuple[int, ...]) -> dict[str, Any]:
    """``pool_size`` and ``first_conv``, found on a copy built on the meta device (no memory, no compute)."""
    key = repr((canonical, sorted(kwargs.items()), input_size))
    if key not in _FACTS:
        entry = get_entry(canonical)
        with torch.device("meta"):
            net = entry.factory(**{**entry.config, **kwargs})
            try:
                out = net.forward_features(torch.empty(1, *input_size))
                pool_size = tuple(net.grid_size) if out.ndim == 3 else tuple(out.shape[-2:])  # tokens: the grid
            except (ValueError, RuntimeError, TypeError, AttributeError):  # a size it does not take, or no
                # forward_features (a user-registered plain module)
                pool_size = None
        in_chans = getattr(net, "in_chans", 3)
        first_conv = next((n for n, m in net.named_modules()
                           if isinstance(m, torch.nn.Conv2d) and m.in_channels == in_chans), None)
        _FACTS[key] = {"pool_size": pool_size, "first_conv": first_conv}
    return dict(_FACTS[key])
