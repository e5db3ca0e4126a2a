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

import importlib
import json
import math
import warnings
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable

import torch
from torch import nn

from zoo.registry import model_info, resolve_name

from . import catalog, sources, timm_format

__all__ = ["WeightSpec", "IncompatibleWeightsError", "resolve_pretrained", "load_pretrained", "apply_state_dict",
           "save_pretrained", "push_to_hub", "CLASSIFIER"]

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
    pretrained_cfg: dict[str, Any] = field(default_factory=dict)


# ---------------------------------------------------------------------------------------------- resolving


def entry_cfg(entry: catalog.WeightEntry) -> dict[str, Any]:
    return {**entry.data_config(), "tag": entry.tag, "weights": entry.location, "license": entry.license,
            "top1": entry.top1, "num_classes": entry.num_classes, "classes": "imagenet-1k"}


def default_cfg(name: str) -> dict[str, Any]:
    """The data config a model without weights reports: its default weight's, else ImageNet defaults."""
    entry = catalog.default_entry(name, required=False)
    if entry is not None:
        return {**entry.data_config(), "tag": None, "weights": None}
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
    in_chans, img_size = kwargs.get("in_chans", 3), kwargs.get("img_size")
    size = tuple(cfg["input_size"][1:])
    if img_size is not None:
        size = (img_size, img_size) if isinstance(img_size, int) else tuple(img_size)
    cfg["input_size"] = (in_chans, *size)
    if len(cfg["mean"]) != in_chans:  # an adapted first conv sees every channel as the mean colour
        cfg["mean"] = (sum(cfg["mean"]) / len(cfg["mean"]),) * in_chans
        cfg["std"] = (sum(cfg["std"]) / len(cfg["std"]),) * in_chans
    return {k: tuple(v) if isinstance(v, list) else v for k, v in cfg.items()}


def _from_entry(entry: catalog.WeightEntry, revision: str | None = None) -> WeightSpec:
    if entry.source == "hf":
        fetch = lambda: sources.fetch_hub_file(entry.location, revision=revision)  # noqa: E731
        where = f"hf-hub:{entry.location}"
    else:
        fetch = lambda: sources.fetch_url(entry.location)  # noqa: E731
        where = entry.location
    return WeightSpec(origin=f"{entry.name} ({where})", fetch=fetch, source=entry.ref_lib, kwargs=dict(entry.arch),
                      model=entry.model, pretrained_cfg=entry_cfg(entry))


def _from_zoo_config(config: dict[str, Any], origin: str, fetch: Callable[[], Path]) -> WeightSpec:
    return WeightSpec(origin=origin, fetch=fetch, source="zoo", kwargs=dict(config.get("kwargs", {})),
                      model=config["architecture"], features_only=bool(config.get("features_only")),
                      out_indices=config.get("out_indices"), frozen_stages=int(config.get("frozen_stages", -1)),
                      norm_eval=bool(config.get("norm_eval", False)),
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
    if path.is_dir():
        config_path, weights = path / CONFIG_FILE, path / WEIGHTS_FILE
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
        return WeightSpec(origin=str(path), fetch=lambda: path)
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
class _Fit:
    state: dict[str, torch.Tensor]
    missing: list[str]
    unexpected: list[str]
    mismatched: list[str]
    head_reset: str | None = None

    @property
    def ok(self) -> bool:
        return not (self.missing or self.unexpected or self.mismatched)

    @property
    def problems(self) -> int:
        return len(self.missing) + len(self.unexpected) + len(self.mismatched)


def _fit(model: nn.Module, state: dict[str, torch.Tensor], partial: bool) -> _Fit:
    """Match a (converted) state dict to ``model``: adapt the input conv, run the model's hook, set the
    classifier aside when its size differs, and list whatever still does not fit."""
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
    missing = [k for k in expected if k not in state and not k.endswith("num_batches_tracked")]
    unexpected = [] if partial else [k for k in state if k not in expected]
    mismatched = [f"{k}: checkpoint {tuple(state[k].shape)}, model {tuple(expected[k].shape)}"
                  for k in state if k in expected and state[k].shape != expected[k].shape]
    state = {k: v for k, v in state.items() if k in expected}
    return _Fit(state, missing, unexpected, mismatched, head_reset)


def _listing(keys: list[str], limit: int = 8) -> str:
    shown = ", ".join(keys[:limit])
    return f"{shown}, … ({len(keys)} in all)" if len(keys) > limit else shown


def apply_state_dict(model: nn.Module, state: dict[str, torch.Tensor], name: str, source: str | None = None,
                     origin: str = "the checkpoint") -> nn.Module:
    """Load a foreign or zoo ``state`` into ``model`` (a zoo model or ``features_only`` extractor).

    ``source`` is the implementation that wrote it ("timm", "torchvision", "zoo"); None tries the zoo's
    own keys, then each converter the family has. Nothing is copied unless everything fits.
    """
    from zoo.models.base import FeatureExtractor

    target, partial = (model.model, True) if isinstance(model, FeatureExtractor) else (model, False)
    if source is None:
        try:
            family = importlib.import_module(f"zoo.models.{model_info(name).module}")
        except ValueError:  # a model registered by the user: its own keys only
            family = None
        candidates = ["zoo", *getattr(family, "CONVERTERS", {})]
    else:
        candidates = [source]
    best, tried = None, []
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
        fit = _fit(target, converted, partial)
        if fit.ok:
            best = fit
            break
        tried.append(f"as {candidate} keys: {fit.problems} keys do not fit")
        if best is None or fit.problems < best.problems:
            best = fit
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


def load_pretrained(model: nn.Module, pretrained: bool | str | Path = True, name: str | None = None) -> nn.Module:
    """Load weights into a model you hold (made by ``zoo.create_model``); if they do not fit, the
    model is left as it was and the error says why. Keywords the weights need (``bn_eps``,
    ``transform_input``, ...) are not applied here: pass them to ``create_model`` or use ``pretrained=``."""
    name = name or getattr(model, "model_config", {}).get("architecture")
    if name is None:
        raise TypeError("this model was not made by zoo.create_model: pass name= (e.g. name='resnet50')")
    spec = resolve_pretrained(name, pretrained)
    apply_state_dict(model, sources.read_state_dict(spec.fetch()), name, spec.source, spec.origin)
    return model


# ---------------------------------------------------------------------------------------------- saving


def save_pretrained(model: nn.Module, directory: str | Path, format: str = "zoo") -> Path:
    """Write ``config.json`` and ``model.safetensors`` (the Hugging Face Hub layout) to ``directory``;
    ``zoo.create_model(pretrained=directory)`` rebuilds exactly this model. ``format="timm"``: timm's
    config and keys instead (needs timm), for ``timm.create_model("local-dir:" + directory)``."""
    if format == "timm":
        return timm_format.save_timm_folder(model, directory)
    if format != "zoo":
        raise ValueError(f"format must be 'zoo' or 'timm', got {format!r}")
    from safetensors.torch import save_file

    from zoo.models.base import FeatureExtractor

    config = getattr(model, "model_config", None)
    if config is None:
        raise TypeError("save_pretrained needs a model made by zoo.create_model (it records how to rebuild it)")
    directory = Path(directory)
    directory.mkdir(parents=True, exist_ok=True)
    target = model.model if isinstance(model, FeatureExtractor) else model
    document = {"library": "zoo", **config, "pretrained_cfg": getattr(model, "pretrained_cfg", {})}
    try:
        text = json.dumps(document, indent=2, sort_keys=True)
    except TypeError as err:
        raise TypeError(f"save_pretrained writes the model's keywords to {CONFIG_FILE}, and one of them is not "
                        f"JSON ({err}): {config['kwargs']}") from err
    # clone: safetensors refuses tensors that share memory, and wants them contiguous
    state = {k: v.detach().to("cpu").contiguous().clone() for k, v in target.state_dict().items()}
    for path, write in ((directory / WEIGHTS_FILE, lambda p: save_file(state, str(p), metadata={"format": "pt"})),
                        (directory / CONFIG_FILE, lambda p: p.write_text(text + "\n"))):
        tmp = path.with_name(path.name + ".tmp")
        write(tmp)
        tmp.replace(path)  # atomic: a reader never sees half a file
    return directory


def push_to_hub(model: nn.Module, repo_id: str, *, private: bool | None = None, token: str | None = None,
                commit_message: str = "Upload zoo model", revision: str | None = None) -> str:
    """``save_pretrained`` into a Hugging Face Hub repository (created if needed); returns the commit URL.
    Load it back with ``zoo.create_model(pretrained="hf-hub:" + repo_id)``."""
    import tempfile

    from huggingface_hub import HfApi

    api = HfApi(token=token)
    api.create_repo(repo_id, private=private, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        save_pretrained(model, tmp)
        arch = model.model_config["architecture"]
        Path(tmp, "README.md").write_text(
            f"---\nlibrary_name: zoo\ntags:\n- image-classification\n- zoo\n---\n# {repo_id}\n\n"
            f"A `{arch}` saved by zoo. Load it with\n\n```python\nimport zoo\n"
            f"model = zoo.create_model(pretrained=\"hf-hub:{repo_id}\")\n```\n"
        )
        commit = api.upload_folder(repo_id=repo_id, folder_path=tmp, commit_message=commit_message, revision=revision)
    return str(getattr(commit, "commit_url", commit))
