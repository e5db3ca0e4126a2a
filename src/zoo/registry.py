"""Names → models.

Every model is described twice, and each description lives where it reads best:

- its *architecture* is registered by its family module (``zoo/models/<family>.py``) as a model class
  plus the configuration that distinguishes it, e.g. ``register("resnet50", ResNet, layers=(3, 4, 6, 3))``;
- its *facts* (paper, input size, reference parameter count and MACs, timm aliases) are data in
  ``zoo/catalog/<family>.toml``.

The catalog is read on first use, so ``import zoo`` imports no family module: looking up an entry imports
the one family it needs. This module is a leaf: it imports nothing of the zoo (``zoo.factory`` assembles
models — weights, features, fused layers — on top of it).
"""

from __future__ import annotations

import difflib
import fnmatch
import functools
import importlib
import inspect
import tomllib
from dataclasses import dataclass, field, replace
from importlib import resources
from typing import Any, Callable

__all__ = ["register", "build", "get_entry", "list_models", "model_info", "ModelInfo", "Entry", "resolve_name"]


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
class Entry:
    """A registered architecture: a factory (model class or builder function) and its fixed config."""

    factory: Callable[..., Any]
    config: dict[str, Any]

    def accepted_keywords(self) -> list[str] | None:
        """Keywords a caller may pass, or None when the factory takes arbitrary ``**kwargs``."""
        params = inspect.signature(self.factory).parameters.values()
        if any(p.kind is p.VAR_KEYWORD for p in params):
            return None
        return [p.name for p in params if p.kind in (p.POSITIONAL_OR_KEYWORD, p.KEYWORD_ONLY)]


_REGISTRY: dict[str, Entry] = {}


def register(name_or_factory=None, factory=None, /, **config):
    """Register an architecture under a name.

    Two forms::

        register("resnet50", ResNet, layers=(3, 4, 6, 3))   # class + config

        @register                       # a builder function, registered under its own name
        def my_net(num_classes=1000, **kwargs): ...
    """
    if callable(name_or_factory) and factory is None:  # bare @register
        _REGISTRY[name_or_factory.__name__] = Entry(name_or_factory, config)
        return name_or_factory
    if factory is None:  # @register("name")
        def decorator(fn):
            _REGISTRY[name_or_factory or fn.__name__] = Entry(fn, config)
            return fn
        return decorator
    _REGISTRY[name_or_factory] = Entry(factory, config)
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
            size, chans = facts.get("input", 224), facts.get("in_chans", 3)  # LeNet-5 reads grey images
            infos[name] = ModelInfo(
                name=name,
                family=family,
                module=module,
                paper=facts.get("paper", data.get("paper", "")),
                input_size=(chans, size, size) if isinstance(size, int) else (chans, *size),
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


def get_entry(name: str) -> Entry:
    """The registered architecture of a canonical name (imports its family module on first use)."""
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
    return info


def build(name: str, **kwargs: Any):
    """The bare architecture ``name`` (canonical or alias) with its registered config and ``kwargs``: no
    weights, no feature wrapper. Family code and counting use it to learn facts about a model."""
    canonical, alias_kwargs = resolve_name(name)
    entry = get_entry(canonical)
    return entry.factory(**{**entry.config, **alias_kwargs, **kwargs})
