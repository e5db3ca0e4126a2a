"""Names → models.

Every model is described twice, and each description lives where it reads best:

- its *architecture* is registered by its family module (``zoo/models/<family>.py``) as a model class
  plus the configuration that distinguishes it, e.g. ``register("resnet50", ResNet, layers=(3, 4, 6, 3))``;
- its *facts* (paper, input size, reference parameter count and MACs, timm aliases) are data in
  ``zoo/catalog/<family>.toml``.

The catalog is read on first use, so ``import zoo`` imports no family module: ``create_model`` imports
the one family it needs.
"""

from __future__ import annotations

import difflib
import fnmatch
import functools
import importlib
import inspect
import os
import sys
import tomllib
from dataclasses import dataclass, field, replace
from importlib import resources
from typing import Any, Callable

__all__ = ["register", "create_model", "list_models", "model_info", "ModelInfo", "resolve_name"]


@dataclass(frozen=True)
class ModelInfo:
    """Catalog facts about one model (``zoo.model_info(name)``)."""

    name: str
    family: str
    module: str  # zoo.models.<module> builds it
    paper: str
    input_size: tuple[int, int, int]
    params: int | None = None  # reference parameter count (inference model, no auxiliary heads)
    gmacs: float | None = None  # reference multiply-accumulates, billions, at ``input_size``
    top1: float | None = None  # ImageNet-1k top-1 of the reference's default weights, where published
    reference: str = ""  # "library:name" of the implementation the zoo model is proven equal to
    aliases: tuple[str, ...] = ()
    pretrained: tuple[Any, ...] = field(default=(), compare=False)  # filled by zoo.weights


@dataclass(frozen=True)
class _Entry:
    """A registered architecture: a factory (model class or builder function) and its fixed config."""

    factory: Callable[..., Any]
    config: dict[str, Any]

    def accepted_keywords(self) -> list[str] | None:
        """Keywords a caller may pass, or None when the factory takes arbitrary ``**kwargs``."""
        params = inspect.signature(self.factory).parameters.values()
        if any(p.kind is p.VAR_KEYWORD for p in params):
            return None
        return [p.name for p in params if p.kind in (p.POSITIONAL_OR_KEYWORD, p.KEYWORD_ONLY)]


_REGISTRY: dict[str, _Entry] = {}


def register(name_or_factory=None, factory=None, /, **config):
    """Register an architecture under a name.

    Two forms::

        register("resnet50", ResNet, block=Bottleneck, layers=(3, 4, 6, 3))   # class + config

        @register                       # a builder function, registered under its own name
        def my_net(num_classes=1000, **kwargs): ...
    """
    if callable(name_or_factory) and factory is None:  # bare @register
        _REGISTRY[name_or_factory.__name__] = _Entry(name_or_factory, config)
        return name_or_factory
    if factory is None:  # @register("name")
        def decorator(fn):
            _REGISTRY[name_or_factory or fn.__name__] = _Entry(fn, config)
            return fn
        return decorator
    _REGISTRY[name_or_factory] = _Entry(factory, config)
    return factory


# ---------------------------------------------------------------------------------------------- catalog


@functools.cache
def _catalog() -> tuple[dict[str, ModelInfo], dict[str, tuple[str, dict[str, Any]]]]:
    """Read every ``catalog/*.toml``: model facts, and aliases (alias → (model, extra kwargs))."""
    infos: dict[str, ModelInfo] = {}
    aliases: dict[str, tuple[str, dict[str, Any]]] = {}
    for path in sorted(resources.files("zoo.catalog").iterdir(), key=lambda p: p.name):
        if not path.name.endswith(".toml"):
            continue
        data = tomllib.loads(path.read_text())
        family = data["family"]
        module = data.get("module", family)  # the file in zoo/models/ that builds this family
        for name, facts in data.get("models", {}).items():
            size = facts.get("input", 224)
            infos[name] = ModelInfo(
                name=name,
                family=family,
                module=module,
                paper=facts.get("paper", data.get("paper", "")),
                input_size=(3, size, size) if isinstance(size, int) else (3, *size),
                params=facts.get("params"),
                gmacs=facts.get("gmacs"),
                top1=facts.get("top1"),
                reference=facts.get("reference", ""),
            )
        for alias, target in data.get("aliases", {}).items():
            if isinstance(target, str):
                aliases[alias] = (target, {})
            else:
                target = dict(target)
                aliases[alias] = (target.pop("model"), target)
    for alias, (target, _) in aliases.items():  # let each model list its aliases
        if target in infos:
            info = infos[target]
            infos[target] = replace(info, aliases=info.aliases + (alias,))
    return infos, aliases


def _all_names() -> list[str]:
    infos, _ = _catalog()
    return sorted(set(infos) | set(_REGISTRY))


def resolve_name(name: str) -> tuple[str, dict[str, Any]]:
    """Canonical name and alias-implied keywords for ``name`` (a canonical name or a timm alias)."""
    if not isinstance(name, str):
        raise TypeError(f"a model name must be a string, got {type(name).__name__}")
    infos, aliases = _catalog()
    if name in infos or name in _REGISTRY:
        return name, {}
    if name in aliases:
        return aliases[name][0], dict(aliases[name][1])
    candidates = _all_names() + list(aliases)
    close = difflib.get_close_matches(name, candidates, n=5, cutoff=0.6)
    if not close:  # a prefix is often what a user half-remembers ("efficientnet", "vit_b")
        close = [c for c in _all_names() if c.startswith(name[: max(3, len(name) // 2)])][:5]
    hint = f" Did you mean: {', '.join(close)}?" if close else " See zoo.list_models()."
    raise ValueError(f"unknown model {name!r}.{hint}")


def _entry(name: str) -> _Entry:
    if name not in _REGISTRY:
        infos, _ = _catalog()
        if name in infos:
            importlib.import_module(f"zoo.models.{infos[name].module}")
    if name not in _REGISTRY:
        raise ValueError(f"model {name!r} is in the catalog but its family module registers no such model")
    return _REGISTRY[name]


# ---------------------------------------------------------------------------------------------- public API


def list_models(pattern: str = "*", family: str | None = None) -> list[str]:
    """Canonical model names matching an fnmatch ``pattern`` (e.g. ``"resnet*"``), optionally one family."""
    infos, _ = _catalog()
    names = [n for n in _all_names() if fnmatch.fnmatchcase(n, pattern)]
    if family is not None:
        families = {i.family for i in infos.values()}
        if family not in families:
            raise ValueError(f"unknown family {family!r}; families: {', '.join(sorted(families))}")
        names = [n for n in names if n in infos and infos[n].family == family]
    return names


def model_info(name: str) -> ModelInfo:
    """Facts about a model from the catalog: family, paper, input size, reference params and MACs."""
    canonical, _ = resolve_name(name)
    infos, _ = _catalog()
    if canonical not in infos:
        raise ValueError(f"model {canonical!r} is registered but has no catalog entry")
    info = infos[canonical]
    try:
        from zoo.weights.catalog import pretrained_tags
    except ImportError:  # the weights catalog is optional while a family is being added
        return info
    return replace(info, pretrained=tuple(pretrained_tags(canonical)))


def _fused_by_default() -> bool:
    """The global switch, read without importing ``zoo.fused`` when no one has (it defines the ops)."""
    dispatch = sys.modules.get("zoo.fused._dispatch")
    if dispatch is not None:
        return dispatch.by_default()
    return os.environ.get("ZOO_FUSED_MODELS", "0") == "1"


def create_model(
    name: str | None = None,
    pretrained: bool | str = False,
    *,
    features_only: bool = False,
    out_indices: Any = None,
    frozen_stages: int | None = None,
    norm_eval: bool | None = None,
    fused: bool | None = None,
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
        **kwargs: model keywords (``num_classes``, ``in_chans``, ``drop_rate``, ...).
    """
    from zoo.weights import load as weights

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
    entry = _entry(canonical)
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
    model = entry.factory(**{**entry.config, **user_kwargs})
    if fused is None:
        fused = _fused_by_default()
    if fused:
        from zoo.fused import use_fused

        use_fused(model)
    if features_only:
        from zoo.models.base import FeatureExtractor

        model = FeatureExtractor(model, out_indices, frozen_stages, norm_eval)
    elif out_indices is not None or frozen_stages != -1 or norm_eval:
        raise TypeError("out_indices, frozen_stages and norm_eval are only used with features_only=True")
    model.model_config = {"architecture": canonical, "kwargs": user_kwargs, "features_only": features_only,
                          "out_indices": list(model.out_indices) if features_only else None}
    if features_only:
        model.model_config.update(frozen_stages=model.frozen_stages, norm_eval=model.norm_eval)
    model.pretrained_cfg = weights.model_cfg(canonical, spec, user_kwargs)
    if load:
        state = weights.sources.read_state_dict(spec.fetch())
        weights.apply_state_dict(model, state, canonical, spec.source, spec.origin)
    return model
