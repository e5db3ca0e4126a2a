"""Hub folders in timm's layout, both ways.

- Reading: a folder (or Hub repository) written by ``timm.models.save_for_hf`` holds timm's
  ``config.json`` — ``architecture`` (a timm name, which the zoo knows as an alias), ``num_classes``,
  ``model_args``, ``pretrained_cfg`` — and timm's state dict; ``zoo.create_model(pretrained=folder)``
  builds the zoo's network and loads it through the family's timm converter.
- Writing: ``zoo.save_pretrained(model, folder, format="timm")`` writes timm's config and keys, so that
  ``timm.create_model("local-dir:" + folder)`` loads it with equal outputs. The keys are found by running
  the family's timm → zoo converter backwards (every key it renames maps back; a converter that
  reshapes tensors cannot be inverted and says so); timm itself (installed) writes the folder, so the
  layout is exactly the one timm reads.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, Callable

import torch
from torch import nn

from zoo.registry import model_info, resolve_name

__all__ = ["is_timm_config", "spec_fields", "save_timm_folder", "timm_name"]

# pretrained_cfg fields of timm's config the zoo keeps: the preprocessing the weights expect
DATA_FIELDS = ("input_size", "interpolation", "mean", "std", "crop_pct", "crop_mode", "license")


def is_timm_config(config: dict[str, Any]) -> bool:
    """A config written by timm (``save_for_hf``), not by ``zoo.save_pretrained``."""
    return "architecture" in config and config.get("library") != "zoo"


def spec_fields(config: dict[str, Any], origin: str, fetch: Callable[[], Path]) -> dict[str, Any]:
    """The ``WeightSpec`` fields of a timm folder: the zoo model its ``architecture`` names (a timm alias),
    the keywords the alias and ``model_args`` set, and the weights' preprocessing."""
    canonical, alias_kwargs = resolve_name(config["architecture"])
    # timm records the factory's arguments; global_pool is timm's default pooling of the network, which the
    # zoo's model has already (a non-default one is create_model(..., global_pool=...)'s business)
    kwargs = {**alias_kwargs, **{k: v for k, v in config.get("model_args", {}).items() if k != "global_pool"}}
    if config.get("num_classes") is not None:
        kwargs.setdefault("num_classes", config["num_classes"])
    cfg = config.get("pretrained_cfg", {})
    pretrained_cfg = {k: tuple(v) if isinstance(v, list) else v for k, v in cfg.items() if k in DATA_FIELDS}
    pretrained_cfg.update(weights=origin, num_classes=config.get("num_classes"))
    return dict(origin=origin, fetch=fetch, source="timm", kwargs=kwargs, model=canonical,
                pretrained_cfg=pretrained_cfg)


def folder_weights(path: Path) -> Callable[[], Path]:
    """timm writes ``model.safetensors`` (and/or ``pytorch_model.bin``)."""
    def fetch() -> Path:
        for name in ("model.safetensors", "pytorch_model.bin"):
            if (path / name).is_file():
                return path / name
        from .sources import WeightsNotFoundError

        raise WeightsNotFoundError(f"{path} has timm's config.json but neither model.safetensors nor pytorch_model.bin")
    return fetch


def timm_name(model: nn.Module) -> str:
    """The timm architecture of a zoo model: its own name or the timm alias whose keywords it was built with."""
    import timm

    config = model.model_config
    canonical, kwargs = config["architecture"], config["kwargs"]
    candidates = [canonical, *model_info(canonical).aliases]
    for name in candidates:
        alias_kwargs = resolve_name(name)[1]
        if all(kwargs.get(k) == v for k, v in alias_kwargs.items()) and timm.models.is_model(name):
            return name
    raise ValueError(f"timm has no architecture for {canonical} (tried {', '.join(candidates)}); "
                     f"format='timm' needs one")


def to_timm_state_dict(model: nn.Module, timm_model: nn.Module, canonical: str) -> dict[str, torch.Tensor]:
    """The zoo model's weights under timm's keys: the family's timm → zoo converter run on timm's own
    (empty) state dict tells which timm key becomes which zoo key."""
    from .convert import convert_state_dict

    reference = {k: torch.empty(v.shape, dtype=v.dtype) for k, v in timm_model.state_dict().items()}
    converted = convert_state_dict(canonical, reference, "timm")
    back = {}
    # a renamed tensor is timm's own; a reshaped one (1×1 conv ↔ linear) is a view of it: same storage
    by_storage = {v.untyped_storage().data_ptr(): k for k, v in reference.items() if v.numel()}
    for zoo_key, tensor in converted.items():
        timm_key = by_storage.get(tensor.untyped_storage().data_ptr()) if tensor.numel() else None
        if timm_key is None or tensor.numel() != reference[timm_key].numel():
            raise NotImplementedError(f"{canonical}'s timm converter computes {zoo_key} from timm's tensors instead of "
                                      f"renaming one; it cannot be run backwards for format='timm'")
        back[timm_key] = zoo_key
    ours = model.state_dict()
    out = {}
    for key, value in reference.items():
        if key in back and back[key] in ours:
            out[key] = ours[back[key]].detach().to("cpu").reshape(value.shape).contiguous().clone()
        elif key.endswith("num_batches_tracked"):
            out[key] = torch.zeros((), dtype=torch.long)
        else:  # e.g. a buffer timm keeps and the zoo recomputes
            out[key] = timm_model.state_dict()[key].detach().to("cpu").clone()
    return out


def save_timm_folder(model: nn.Module, directory: str | Path) -> Path:
    """Write ``model`` (a zoo classifier made by ``create_model``) as timm's ``save_for_hf`` does."""
    import timm

    from zoo.models.base import FeatureExtractor

    if getattr(model, "model_config", None) is None or isinstance(model, FeatureExtractor):
        raise TypeError("format='timm' needs a classifier made by zoo.create_model (not features_only)")
    name = timm_name(model)
    canonical = model.model_config["architecture"]
    timm_args = {k: v for k, v in model.model_config["kwargs"].items()
                 if k in ("num_classes", "in_chans", "img_size") and k not in resolve_name(name)[1]}
    timm_args.setdefault("num_classes", model.num_classes)
    timm_model = timm.create_model(name, pretrained=False, **timm_args)
    state = to_timm_state_dict(model, timm_model, canonical)
    timm_model.load_state_dict(state, strict=True)
    cfg = model.pretrained_cfg
    data_config = {k: cfg[k] for k in ("input_size", "interpolation", "mean", "std", "crop_pct", "crop_mode") if k in cfg}
    directory = Path(directory)
    timm.models.save_for_hf(timm_model.eval(), str(directory), safe_serialization=True, data_config=data_config)
    return directory
