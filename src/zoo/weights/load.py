"""Pretrained weights into zoo models: resolve what ``pretrained=`` names, read it, fit it, load it.

``create_model(name, pretrained=...)`` accepts

- ``True``: the model's default weight (``zoo.model_info(name).pretrained`` lists them, default first);
- a tag from the catalog (``"a1_in1k"``, or the name form ``create_model("resnet50.a1_in1k", pretrained=True)``);
- ``"hf-hub:org/name[@revision]"``: a Hub repository (timm's, or one written by ``zoo.push_to_hub``);
- a local ``.safetensors`` / ``.pth`` file, or a directory written by ``zoo.save_pretrained``.

A weight file holds the state dict of one implementation (timm's, torchvision's or the zoo's own); the
family's converter maps it onto the zoo's keys. Then, before anything is copied into the model:

- a different ``in_chans``: the first convolution is adapted (summed for one channel, repeated and
  rescaled for more);
- the model's ``adapt_state_dict(state_dict)`` hook runs, if it has one: a family fits weights made
  for another configuration there (ViT resamples its position embedding to its ``img_size``);
- a different ``num_classes``: the classifier (``head.fc``) keeps its fresh initialisation, with a warning;
- ``features_only``: the keys of the stages and head it dropped are ignored.

Every other key must match by name and shape, or nothing is loaded and the error lists the missing,
unexpected and mis-shaped keys.
"""

from __future__ import annotations

import inspect
import json
import math
import warnings
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable

import torch
from torch import nn

from zoo import checkpoint as ckpt
from zoo.registry import build, get_entry, model_info, resolve_name

from . import catalog, layouts, sources, timm_format

__all__ = ["WeightSpec", "IncompatibleWeightsError", "resolve_pretrained", "load_pretrained", "apply_state_dict",
           "save_pretrained", "CLASSIFIER"]

CLASSIFIER = "head.fc."  # every zoo model ends in a ClassifierHead whose final linear layer is head.fc
CONFIG_FILE, WEIGHTS_FILE = "config.json", "model.safetensors"


class IncompatibleWeightsError(ValueError):
    """A checkpoint whose keys or shapes do not fit the model (another architecture, or a damaged file)."""


@dataclass
class WeightSpec:
    """What ``pretrained=`` resolved to: where the file is, and what comes with it."""

    origin: str  # how errors name the weights
    fetch: Callable[[], Path]
    source: str | None = None  # "timm", "torchvision", "zoo"; None: found from the keys
    kwargs: dict[str, Any] = field(default_factory=dict)  # architecture keywords the weights need
    model: str | None = None  # the architecture the weights are for, where known
    features_only: bool = False
    out_indices: Any = None
    frozen_stages: int = -1
    norm_eval: bool = False
    folded: bool = False  # saved after zoo.fuse: BatchNorm folded into the convs
    pretrained_cfg: dict[str, Any] = field(default_factory=dict)
    state: dict[str, torch.Tensor] | None = None  # already read (to tell its layout)

    def read(self) -> dict[str, torch.Tensor]:
        return self.state if self.state is not None else sources.read_state_dict(self.fetch())


# ---------------------------------------------------------------------------------------------- resolving


def entry_cfg(entry: catalog.WeightEntry) -> dict[str, Any]:
    return {**entry.data_config(), "resize": entry.resize, "tag": entry.tag, "weights": entry.location,
            "license": entry.license, "top1": entry.top1, "top5": entry.top5, "num_classes": entry.num_classes,
            "classes": "imagenet-1k"}


def default_cfg(name: str) -> dict[str, Any]:
    """The data config a model without weights reports: its default weight's, else ImageNet defaults."""
    entry = catalog.default_entry(name, required=False)
    if entry is not None:
        return {**entry.data_config(), "resize": entry.resize, "tag": None, "weights": None}
    try:
        input_size = model_info(name).input_size
    except ValueError:  # a model registered by the user, without catalog facts
        input_size = (3, 224, 224)
    return {"input_size": input_size, "interpolation": "bilinear", "mean": (0.485, 0.456, 0.406),
            "std": (0.229, 0.224, 0.225), "crop_pct": 0.875, "crop_mode": "center", "tag": None, "weights": None}


def model_cfg(name: str, spec: WeightSpec | None, kwargs: dict[str, Any]) -> dict[str, Any]:
    """``model.pretrained_cfg``: where the weights came from and the input they expect, adjusted to the
    model's own ``in_chans`` and ``img_size``."""
    base = default_cfg(name)
    if spec is None:  # no weights: the model's own input size, not its default weight's (vit_b_16: 224)
        try:
            base["input_size"] = model_info(name).input_size
        except ValueError:  # a model registered by the user, without catalog facts
            pass
    cfg = {**base, **spec.pretrained_cfg} if spec is not None else base
    if spec is not None and "weights" not in spec.pretrained_cfg:
        cfg["weights"] = spec.origin
    in_chans, img_size = kwargs.get("in_chans", cfg["input_size"][0]), kwargs.get("img_size")
    size = tuple(cfg["input_size"][1:])
    if img_size is not None:
        size = (img_size, img_size) if isinstance(img_size, int) else tuple(img_size)
    if size != tuple(cfg["input_size"][1:]) and "resize" in cfg:  # the weights' resize was for their own size
        h, w = (math.floor(s / cfg["crop_pct"]) for s in size)
        cfg["resize"] = h if h == w else (h, w)
    cfg["input_size"] = (in_chans, *size)
    if len(cfg["mean"]) != in_chans:  # an adapted first conv sees every channel as the mean colour
        cfg["mean"] = (sum(cfg["mean"]) / len(cfg["mean"]),) * in_chans
        cfg["std"] = (sum(cfg["std"]) / len(cfg["std"]),) * in_chans
    return {k: tuple(v) if isinstance(v, list) else v for k, v in cfg.items()}


def _from_entry(entry: catalog.WeightEntry, revision: str | None = None) -> WeightSpec:
    if entry.source == "hf":
        get = lambda: sources.fetch_hub_file(entry.location, revision=revision)  # noqa: E731
        where = f"hf-hub:{entry.location}"
    else:
        get = lambda: sources.fetch_url(entry.location)  # noqa: E731
        where = entry.location

    def fetch() -> Path:
        if not entry.permissive:  # only ever asked for by tag: default_entry never picks one
            warnings.warn(f"{entry.name} is licensed {entry.license.upper()}"
                          f"{' (non-commercial use only)' if '-nc' in entry.license else ''}, not under a permissive "
                          f"licence: check that your use is allowed.", UserWarning, stacklevel=3)
        return get()

    return WeightSpec(origin=f"{entry.name} ({where})", fetch=fetch, source=entry.ref_lib, kwargs=dict(entry.arch),
                      model=entry.model, pretrained_cfg=entry_cfg(entry))


def _from_zoo_config(config: dict[str, Any], origin: str, fetch: Callable[[], Path]) -> WeightSpec:
    if not isinstance(config, dict) or not isinstance(config.get("architecture"), str):
        raise sources.CorruptCheckpointError(
            f"the {CONFIG_FILE} of {origin} names no 'architecture': zoo.save_pretrained writes "
            f'{{"library": "zoo", "architecture": ..., "kwargs": {{...}}}}; to load a bare weight file, '
            f"name the file: create_model(NAME, pretrained='.../{WEIGHTS_FILE}')")
    return WeightSpec(origin=origin, fetch=fetch, source="zoo", kwargs=dict(config.get("kwargs", {})),
                      model=config["architecture"], features_only=bool(config.get("features_only")),
                      out_indices=config.get("out_indices"), frozen_stages=int(config.get("frozen_stages", -1)),
                      norm_eval=bool(config.get("norm_eval", False)), folded=bool(config.get("folded", False)),
                      pretrained_cfg=dict(config.get("pretrained_cfg", {})))


def _read_config(path: Path) -> dict[str, Any]:
    try:
        return json.loads(path.read_text())
    except (OSError, ValueError) as err:
        raise sources.CorruptCheckpointError(f"could not read {path}: {err}") from err


def _from_hub(spec: str, name: str | None) -> WeightSpec:
    repo, revision = sources.parse_hub_spec(spec)
    entry = catalog.find_location(repo)
    if entry is not None:
        return _from_entry(entry, revision)
    fetch = lambda: sources.fetch_hub_file(repo, revision=revision)  # noqa: E731
    config_path = sources.fetch_hub_file(repo, (CONFIG_FILE,), revision=revision, required=name is None)
    config = _read_config(config_path) if config_path else {}
    if config.get("library") == "zoo":
        return _from_zoo_config(config, spec, lambda: sources.fetch_hub_file(repo, (WEIGHTS_FILE,), revision))
    out = WeightSpec(origin=spec, fetch=fetch)
    if "architecture" in config:  # a timm repository: its config names timm's architecture

        out.source, out.model = "timm", resolve_name(config["architecture"])[0] if name is None else None
        cfg = config.get("pretrained_cfg", {})
        keep = ("input_size", "interpolation", "mean", "std", "crop_pct", "crop_mode", "license")
        out.pretrained_cfg = {k: tuple(v) if isinstance(v, list) else v for k, v in cfg.items() if k in keep}
        out.pretrained_cfg.update(weights=repo, num_classes=config.get("num_classes"))
    return out


def _weights_in(directory: Path) -> Path:
    """The weight file of a ``save_pretrained`` directory, a ``zoo.train.fit`` checkpoint, or a ``fit`` run
    directory (its ``best.safetensors``, else its latest checkpoint's weights)."""
    if (directory / WEIGHTS_FILE).exists() or not (directory / "latest").exists():
        return directory / WEIGHTS_FILE
    if (directory / "best.safetensors").exists():
        return directory / "best.safetensors"
    latest = directory / (directory / "latest").read_text().strip()
    return (ckpt.recover_dir(latest) or latest) / WEIGHTS_FILE


def _from_file(path: Path, name: str | None) -> WeightSpec:
    """A bare weight file: its keys say whose layout it is (see ``layouts``). mmpretrain's and
    EfficientNet-PyTorch's are told here, before the model is built with the settings they need;
    the zoo's, timm's and torchvision's when they are fitted (``apply_state_dict``)."""
    state = sources.read_state_dict(path)
    spec = WeightSpec(origin=str(path), fetch=lambda: path, state=state)
    source = layouts.detect_marked(state, str(path))
    if source is not None:
        if name is None:
            raise TypeError(f"{path} holds {source} weights, which do not say which architecture they are for: "
                            f"create_model('<name>', pretrained={str(path)!r})")
        spec.source, spec.kwargs = source, layouts.checkpoint_kwargs(name, source)
        settings = ", ".join(f"{k}={v!r}" for k, v in spec.kwargs.items())
        trained = f", whose weights were trained with {settings}: create_model builds it so" if settings else ""
        warnings.warn(f"{path}: found the {source} layout ({layouts.MARKED[source][1]}); converting it for "
                      f"{name}{trained}", stacklevel=4)
    return spec


def resolve_pretrained(name: str | None, pretrained: bool | str | Path, alias: str | None = None) -> WeightSpec:
    """Turn a ``pretrained=`` value for the canonical model ``name`` into a :class:`WeightSpec`.

    ``name`` may be None when the weights say which architecture they are for (a ``save_pretrained``
    directory, a Hub repository with a config). ``alias``: the timm alias the model was asked for by,
    when it sets keywords; tags then come from that timm network's weights.
    """
    if pretrained is True:
        if name is None:
            raise TypeError("pretrained=True needs a model name: create_model('resnet50', pretrained=True)")
        return _from_entry(catalog.default_entry(name, alias=alias))
    if isinstance(pretrained, Path):
        pretrained = str(pretrained)
    if not isinstance(pretrained, str):
        raise TypeError(f"pretrained must be True, False, a tag, 'hf-hub:org/name' or a path, got {pretrained!r}")
    if sources.is_hub_spec(pretrained):
        return _from_hub(pretrained, name)
    path = Path(pretrained).expanduser()
    if not path.exists():  # a save_pretrained interrupted between its two renames
        path = ckpt.recover_dir(path) or path
    if path.is_dir():
        config_path, weights = path / CONFIG_FILE, _weights_in(path)
        if not config_path.is_file():
            raise sources.WeightsNotFoundError(
                f"{path} is a directory without {CONFIG_FILE}: zoo.save_pretrained writes {CONFIG_FILE} and "
                f"{WEIGHTS_FILE}; for a bare weight file pass its path"
            )
        config = _read_config(config_path)
        if timm_format.is_timm_config(config):  # written by timm.models.save_for_hf
            return WeightSpec(**timm_format.spec_fields(config, str(path), timm_format.folder_weights(path)))
        return _from_zoo_config(config, str(path), lambda: weights)
    if path.is_file():
        return _from_file(path, name)
    looks_like_path = any(c in pretrained for c in "/\\") or path.suffix in (".pth", ".pt", ".bin", ".safetensors")
    if looks_like_path or name is None:
        raise sources.WeightsNotFoundError(f"pretrained={pretrained!r}: no such file or directory")
    return _from_entry(catalog.get_entry(name, pretrained, alias))


# ---------------------------------------------------------------------------------------------- fitting


def adapt_input_conv(weight: torch.Tensor, in_chans: int) -> torch.Tensor:
    """A first-conv kernel made for RGB, for ``in_chans`` channels: summed for one channel (a grey image
    then gives what the RGB net gave for three equal channels), else repeated and scaled by 3/in_chans."""
    dtype, w = weight.dtype, weight.float()
    if in_chans == 1:
        w = w.sum(dim=1, keepdim=True)
    else:
        w = w.repeat(1, math.ceil(in_chans / w.shape[1]), 1, 1)[:, :in_chans] * (w.shape[1] / in_chans)
    return w.to(dtype)


@dataclass
class _Fit(ckpt.StateDiff):
    """A state dict fitted to a model (``state``: what would load), with what still differs."""

    state: dict[str, torch.Tensor] = field(default_factory=dict)
    head_reset: str | None = None


def _fit(model: nn.Module, state: dict[str, torch.Tensor], partial: bool, dropped: frozenset = frozenset()) -> _Fit:
    """Match a (converted) state dict to ``model``: adapt the input conv, run the model's hook, set the
    classifier aside when its size differs, and list whatever still does not fit. ``partial``: a
    ``features_only`` backbone, which may leave out the ``dropped`` keys (its pruned stages and head)."""
    expected = model.state_dict()
    in_chans = getattr(model, "in_chans", 3)
    state = dict(state)
    for key, value in state.items():
        want = expected.get(key)
        if (want is not None and value.ndim == 4 and want.ndim == 4 and value.shape[1] == 3 != want.shape[1] == in_chans
                and value.shape[0] == want.shape[0] and value.shape[2:] == want.shape[2:]):
            state[key] = adapt_input_conv(value, in_chans)
    hook = getattr(model, "adapt_state_dict", None)
    if callable(hook):
        state = hook(state)
    head_reset = None
    head_keys = [k for k in state if k.startswith(CLASSIFIER)]
    model_head = {k: v for k, v in expected.items() if k.startswith(CLASSIFIER)}
    if head_keys and any(k not in model_head or state[k].shape != model_head[k].shape for k in head_keys):
        if model_head and not partial:
            classes = state.get(CLASSIFIER + "weight", state[head_keys[0]]).shape[0]
            head_reset = f"{classes} → {getattr(model, 'num_classes', '?')} classes"
            for k in head_keys:  # the model's own fresh head stays
                expected.pop(k, None)
        for k in head_keys:
            state.pop(k)
    diff = ckpt.diff_state_dict(expected, state, optional=lambda k: k.endswith("num_batches_tracked"),
                                ignorable=lambda k: k in dropped)
    mismatched = [f"{k}: checkpoint {a}, model {b}" for k, a, b in diff.mismatched]
    state = {k: v for k, v in state.items() if k in expected}
    return _Fit(missing=diff.missing, unexpected=diff.unexpected, mismatched=mismatched, state=state,
                head_reset=head_reset)


def _listing(keys: list[str], limit: int = 8) -> str:
    shown = ", ".join(keys[:limit])
    return f"{shown}, … ({len(keys)} in all)" if len(keys) > limit else shown


def _implied_settings(name: str, source: str, origin: str) -> tuple[str, dict[str, Any]]:
    """The network the weights were trained as, and its architecture keywords, where they are known: a
    timm alias of ``name`` in the file's path (``.../tf_efficientnet_b0.safetensors``, a Hub cache folder),
    else the keywords every catalog weight of ``name`` from ``source`` was trained with."""
    import re

    try:
        aliases = model_info(name).aliases
    except ValueError:  # a model registered by the user
        return source, {}
    named = [a for a in aliases if re.search(rf"(?<![a-z0-9]){re.escape(a)}(?![a-z0-9])", origin)]
    if named:
        alias = max(named, key=len)
        return alias, resolve_name(alias)[1]
    entries = [e for e in catalog._entries().get(name, []) if e.ref_lib == source]
    if not entries:
        return source, {}
    common = {k: v for k, v in entries[0].arch.items() if all(k in e.arch and e.arch[k] == v for e in entries)}
    nets = {e.ref_arch for e in entries}
    return (nets.pop() if len(nets) == 1 else f"{source}'s {name}"), common


# Where one converter maps keys by their order (MobileNet, EfficientNet) a file of either library fits:
# these first names tell which library wrote it.
_KEY_STYLE = {"timm": ("conv_stem.", "blocks."), "torchvision": ("features.", "layers.")}


def _key_style(state: dict[str, torch.Tensor], candidates: list[str]) -> str | None:
    libraries = [c for c in candidates if c != "zoo"]
    if len(libraries) == 1:
        return libraries[0]
    found = [lib for lib, prefixes in _KEY_STYLE.items() if lib in libraries and any(k.startswith(prefixes)
                                                                                     for k in state)]
    return found[0] if len(found) == 1 else None


def _check_settings(model: nn.Module, name: str, source: str | None, origin: str) -> None:
    """Refuse weights trained with other architecture settings (a BatchNorm epsilon, padding) than the
    model's: they load without a missing key, and the outputs are percents off."""
    import inspect

    from zoo.registry import get_entry

    config = getattr(model, "model_config", None)
    if source in (None, "zoo") or config is None:
        return
    net, implied = _implied_settings(name, source, origin)
    if not implied:
        return
    entry = get_entry(name)
    defaults = {k: p.default for k, p in inspect.signature(entry.factory).parameters.items()
                if p.default is not inspect.Parameter.empty}
    current = {**defaults, **entry.config, **config["kwargs"]}
    wrong = {k: v for k, v in implied.items() if k in current and _setting(current[k]) != _setting(v)}
    if wrong:
        fix = ", ".join(f"{k}={v!r}" for k, v in implied.items())
        alias = f" or zoo.create_model({net!r}, pretrained=...)" if net in model_info(name).aliases else ""
        raise IncompatibleWeightsError(
            f"{origin} holds {net} weights ({source} keys), trained with {fix}; this {name} is built with "
            f"{', '.join(f'{k}={current[k]!r}' for k in wrong)}, and its outputs would be off. The model was left "
            f"unchanged. Build it with zoo.create_model({name!r}, pretrained=..., {fix}){alias}.")


def _setting(value):
    """A setting in one spelling: an image size of 224, (224, 224) and [224, 224] (from JSON) are one."""
    if isinstance(value, (list, tuple)):
        value = tuple(value)
        return value if len(value) != 2 or value[0] != value[1] else value[0]
    return value


def apply_state_dict(model: nn.Module, state: dict[str, torch.Tensor], name: str, source: str | None = None,
                     origin: str = "the checkpoint") -> nn.Module:
    """Load a foreign or zoo ``state`` into ``model`` (a zoo model or ``features_only`` extractor).

    ``source`` is the implementation that wrote it ("timm", "torchvision", "zoo"); None tries the zoo's
    own keys, then each converter the family has. Nothing is copied unless everything fits.
    """
    from zoo.models.base import FeatureExtractor

    target, partial = (model.model, True) if isinstance(model, FeatureExtractor) else (model, False)
    dropped = getattr(model, "dropped_keys", frozenset()) if partial else frozenset()
    detect, tried = source is None, []
    if detect:
        source = layouts.detect_marked(state, origin)
    if source is None:  # the zoo's own keys, or a converter's (a model registered by the user: its own keys)
        converters = getattr(layouts.family_module(name), "CONVERTERS", {})
        candidates = ["zoo", *(c for c in converters if c not in layouts.MARKED)]
        tried = [f"{c}: no {layouts.MARKED[c][1]}" for c in layouts.MARKED]
    else:
        candidates = [source]
    best, fits = None, {}
    for candidate in candidates:
        if candidate == "zoo":
            converted = state
        else:
            from .convert import convert_state_dict

            try:
                converted = convert_state_dict(name, state, candidate)
            except Exception as err:  # a converter meeting keys it does not know
                tried.append(f"{candidate} converter: {sources._first_line(err)}")
                continue
        fit = _fit(target, converted, partial, dropped)
        if fit.ok:
            fits[candidate] = fit
            continue
        tried.append(f"as {candidate} keys: {fit.problems} keys do not fit")
        if best is None or fit.problems < best.problems:
            best = fit
    if fits:
        found = _one_layout(fits, origin, name)
        best = fits[found[0]]
        if found[0] != "zoo" and source not in layouts.MARKED:  # marked layouts' settings are applied at build
            _check_settings(model, name, source or _key_style(state, list(fits)), origin)
        if detect and len(candidates) > 1:
            warnings.warn(f"{origin}: found the {' / '.join(found)} layout for {name}", stacklevel=3)
    if best is None or not best.ok:
        lines = [f"{origin} does not fit {name}: it looks like a checkpoint of another architecture or "
                 f"configuration, or a damaged file. The model was left unchanged."]
        if best is not None:
            if best.missing:
                lines.append(f"  missing keys ({len(best.missing)}): {_listing(best.missing)}")
            if best.unexpected:
                lines.append(f"  unexpected keys ({len(best.unexpected)}): {_listing(best.unexpected)}")
            if best.mismatched:
                lines.append(f"  mis-shaped ({len(best.mismatched)}): {_listing(best.mismatched, 4)}")
        if len(candidates) > 1 or best is None:
            lines.append(f"  tried: {'; '.join(tried)}")
        raise IncompatibleWeightsError("\n".join(lines))
    if best.head_reset:
        warnings.warn(f"{name}: the classifier (head.fc) of {origin} does not fit ({best.head_reset}); it was "
                      f"re-initialised and the rest loaded. Train it before use.", stacklevel=3)
    target.load_state_dict(best.state, strict=False)
    return model


def _one_layout(fits: dict[str, _Fit], origin: str, name: str) -> list[str]:
    """The layouts that fit, when they all say the same (timm's and torchvision's ResNet keys are one
    layout; a converter that leaves the zoo's keys as they are fits the zoo's file); layouts that fit but
    load different tensors make the file ambiguous."""
    first, *rest = fits
    same = lambda a, b: a.keys() == b.keys() and all(a[k] is b[k] or torch.equal(a[k], b[k]) for k in a)  # noqa: E731
    disagree = [c for c in rest if not same(fits[first].state, fits[c].state)]
    if disagree:
        raise layouts.AmbiguousLayoutError(
            f"{origin} fits {name} in more than one layout ({', '.join(fits)}), each loading other tensors; "
            f"convert it with zoo.convert_state_dict({name!r}, state_dict, source=...) to say which")
    return ["zoo"] if "zoo" in fits else list(fits)


def load_pretrained(model: nn.Module, pretrained: bool | str | Path = True, name: str | None = None) -> nn.Module:
    """Load weights into a model you hold (made by ``zoo.create_model``); if they do not fit, the
    model is left as it was and the error says why. Keywords the weights need (``bn_eps``,
    ``transform_input``, ...) are not applied here: pass them to ``create_model`` or use ``pretrained=``."""
    name = name or getattr(model, "model_config", {}).get("architecture")
    if name is None:
        raise TypeError("this model was not made by zoo.create_model: pass name= (e.g. name='resnet50')")
    spec = resolve_pretrained(name, pretrained)
    config = getattr(model, "model_config", None)
    if spec.source in layouts.MARKED and config is not None:  # TF padding, BN eps: a silent mismatch otherwise
        entry = get_entry(name)
        built = {**{p.name: p.default for p in inspect.signature(entry.factory).parameters.values()},
                 **entry.config, **config["kwargs"]}
        differ = {k: v for k, v in spec.kwargs.items() if built.get(k) != v}
        if differ:
            wanted = ", ".join(f"{k}={v!r}" for k, v in differ.items())
            raise IncompatibleWeightsError(
                f"{spec.origin} holds {spec.source} weights trained with {wanted}, and this {name} was built "
                f"otherwise; the model was left unchanged. zoo.create_model({name!r}, pretrained=...) builds "
                f"it with them.")
    apply_state_dict(model, spec.read(), name, spec.source, spec.origin)
    return model


# ---------------------------------------------------------------------------------------------- saving


def _current_config(model: nn.Module) -> dict[str, Any]:
    """``model.model_config`` as the model is now: a classifier replaced since ``create_model``
    (``reset_classifier``, or ``head.fc`` set by hand) changes ``num_classes``. The config is checked by
    building it on the meta device: its every weight must have the model's shape."""
    from zoo.models.base import FeatureExtractor

    config = getattr(model, "model_config", None)
    if config is None:
        raise TypeError("save_pretrained needs a model made by zoo.create_model (it records how to rebuild it)")
    target = model.model if isinstance(model, FeatureExtractor) else model
    kwargs = dict(config["kwargs"])
    fc = getattr(getattr(target, "head", None), "fc", None)
    if isinstance(fc, nn.Linear):
        kwargs["num_classes"] = fc.out_features
    elif isinstance(fc, nn.Identity):
        kwargs["num_classes"] = 0
    try:
        with torch.device("meta"):
            rebuilt = build(config["architecture"], **kwargs)
            if config.get("folded"):  # zoo.fuse changed the layout (BatchNorm folded): so does the rebuild
                from zoo.fused import fuse

                rebuilt = fuse(rebuilt, inplace=True)
            rebuilt = rebuilt.state_dict()
    except Exception:  # a model that cannot be built on the meta device: nothing to compare against
        return {**config, "kwargs": kwargs}
    own = target.state_dict()
    diff = ckpt.diff_state_dict(rebuilt, own, optional=lambda k: isinstance(model, FeatureExtractor))
    if not diff.ok:
        changed = [k for k, _, _ in diff.mismatched] + diff.missing + diff.unexpected
        raise ValueError(f"this {config['architecture']} was changed after create_model in a way its config cannot "
                         f"record ({_listing(changed, 4)} differ from {config['architecture']}(**{kwargs})): "
                         f"save_pretrained would reload another model. Save its state_dict instead.")
    return {**config, "kwargs": kwargs}


def config_json(model: nn.Module) -> str:
    """The ``config.json`` of ``save_pretrained`` (also written into ``zoo.train`` checkpoints)."""
    config = _current_config(model)
    document = {"library": "zoo", **config, "pretrained_cfg": getattr(model, "pretrained_cfg", {})}
    try:
        return json.dumps(document, indent=2, sort_keys=True) + "\n"
    except TypeError as err:
        raise TypeError(f"save_pretrained writes the model's keywords to {CONFIG_FILE}, and one of them is not "
                        f"JSON ({err}): {config['kwargs']}") from err


def save_pretrained(model: nn.Module, directory: str | Path, *, format: str = "zoo",
                    extra_files: dict[str, str] | None = None) -> Path:
    """Write ``config.json`` and ``model.safetensors`` (the Hugging Face Hub layout), and ``extra_files``
    (name → text, e.g. the model card), to ``directory``; ``zoo.create_model(pretrained=directory)``
    rebuilds exactly this model, as it is now. ``format="timm"``: timm's config and keys instead (needs
    timm), for ``timm.create_model("local-dir:" + directory)``.

    The directory is written as a whole (:func:`zoo.checkpoint.write_dir`): after a crash it holds the
    previous save or this one, never the config of one and the weights (or card) of another; other files
    in it stay."""
    if format == "timm":
        return timm_format.save_timm_folder(model, directory)
    if format != "zoo":
        raise ValueError(f"format must be 'zoo' or 'timm', got {format!r}")
    from safetensors.torch import save_file

    from zoo.models.base import FeatureExtractor

    text = config_json(model)
    target = model.model if isinstance(model, FeatureExtractor) else model
    # clone: safetensors refuses tensors that share memory, and wants them contiguous
    state = {k: v.detach().to("cpu").contiguous().clone() for k, v in target.state_dict().items()}
    return ckpt.write_dir(Path(directory), [
        (WEIGHTS_FILE, lambda p: save_file(state, str(p), metadata={"format": "pt"})),
        (CONFIG_FILE, lambda p: p.write_text(text)),
        *[(name, lambda p, body=body: p.write_text(body)) for name, body in (extra_files or {}).items()]],
        keep_others=True)

