"""The input a model's weights expect, and the eval preprocessing that makes it (torch only).

``transforms(model)`` is timm's and torchvision's eval recipe: resize the shorter side to the weights'
``resize`` (``floor(size / crop_pct)``), centre crop to ``size``, scale to [0, 1], normalise with the
weights' mean and std. It takes CHW or NCHW tensors (uint8 or float in [0, 1]) and, if Pillow is
installed, PIL images — and computes each exactly as torchvision's ``weights.transforms()`` and timm's
``create_transform(**data_config)`` do: a PIL image is resized by Pillow, a uint8 tensor in float and
rounded back to uint8, a float tensor in float. ``transforms(model, train=True, ...)`` gives the training
augmentation instead (``zoo.weights.augment``, on torchvision).

Anything that takes a model also takes a model name or a ``"name.tag"`` weight name.
"""

from __future__ import annotations

import math
from typing import Any

import torch
import torch.nn.functional as F
from torch import nn

from .catalog import imagenet_classes

__all__ = ["data_config", "transforms", "class_names", "Preprocess"]

DATA_KEYS = ("input_size", "interpolation", "mean", "std", "crop_pct", "crop_mode")  # timm's create_transform's


def _cfg(model_or_name: nn.Module | str) -> dict[str, Any]:
    if isinstance(model_or_name, str):
        from zoo.registry import resolve_name

        from .catalog import get_entry, split_tag
        from .load import default_cfg, entry_cfg

        name, tag = split_tag(model_or_name)
        canonical, alias_kwargs = resolve_name(name)
        if tag is not None:
            return entry_cfg(get_entry(canonical, tag, name if alias_kwargs else None))
        return default_cfg(canonical)
    cfg = getattr(model_or_name, "pretrained_cfg", None)
    if cfg is None:
        raise TypeError(f"data_config needs a model made by zoo.create_model or a model name, got "
                        f"{type(model_or_name).__name__}")
    return cfg


def data_config(model_or_name: nn.Module | str) -> dict[str, Any]:
    """``input_size`` (C, H, W), ``interpolation``, ``mean``, ``std``, ``crop_pct``, ``crop_mode`` of the
    model's weights (or, for a name or a model without weights, of its default weights; for
    ``"name.tag"``, of that weight): timm's keys, so ``timm.data.create_transform(**cfg)`` takes it."""
    cfg = _cfg(model_or_name)
    return {k: cfg[k] for k in DATA_KEYS}


def class_names(model: nn.Module) -> tuple[str, ...] | None:
    """The label of each output of a model with ImageNet-1k weights and head; None otherwise."""
    cfg = getattr(model, "pretrained_cfg", {})
    if cfg.get("classes") == "imagenet-1k" and getattr(model, "num_classes", None) == 1000:
        return imagenet_classes()
    return None


_PIL_FILTERS = {"bilinear": "BILINEAR", "bicubic": "BICUBIC", "nearest": "NEAREST"}


class Preprocess:
    """Resize (shorter side to ``resize``; both sides with ``crop_mode="squash"``) → centre crop → [0, 1] →
    normalise, on tensors and PIL images."""

    def __init__(self, input_size, interpolation="bilinear", mean=(0.485, 0.456, 0.406), std=(0.229, 0.224, 0.225),
                 crop_pct=0.875, crop_mode="center", resize=None):
        if interpolation not in _PIL_FILTERS:
            raise ValueError(f"interpolation must be 'bilinear', 'bicubic' or 'nearest', got {interpolation!r}")
        if crop_mode not in ("center", "squash"):
            raise ValueError(f"crop_mode must be 'center' or 'squash' (timm's), got {crop_mode!r}")
        self.size = tuple(input_size[-2:])
        self.interpolation, self.crop_pct = interpolation, crop_pct
        self.mean = torch.tensor(mean, dtype=torch.float32).view(-1, 1, 1)
        self.std = torch.tensor(std, dtype=torch.float32).view(-1, 1, 1)
        h, w = self.size
        if resize is None:  # timm's rule; the catalog stores the result, free of float rounding
            resize = math.floor(h / crop_pct) if h == w else (math.floor(h / crop_pct), math.floor(w / crop_pct))
        if crop_mode == "squash" and isinstance(resize, int):  # both sides to ``resize``, the aspect ratio lost
            resize = (resize, resize)
        # an int resizes the shorter side (aspect kept), as torchvision's Resize(int) does
        self.scale = resize if isinstance(resize, int) else tuple(resize)

    def __repr__(self) -> str:
        return (f"Preprocess(resize={self.scale}, crop={self.size}, interpolation={self.interpolation!r}, "
                f"mean={tuple(round(v, 4) for v in self.mean.flatten().tolist())}, "
                f"std={tuple(round(v, 4) for v in self.std.flatten().tolist())})")

    def _resized_size(self, h: int, w: int) -> tuple[int, int]:
        if not isinstance(self.scale, int):
            return self.scale
        short, long = (h, w) if h <= w else (w, h)
        new_short, new_long = self.scale, int(self.scale * long / short)  # torchvision's arithmetic
        return (new_short, new_long) if h <= w else (new_long, new_short)

    def __call__(self, image) -> torch.Tensor:
        x = self._resize(image) if not isinstance(image, torch.Tensor) else image
        x = x if isinstance(x, torch.Tensor) else _pil_to_tensor(x)
        batched = x.ndim == 4
        if x.ndim == 3:
            x = x.unsqueeze(0)
        if x.ndim != 4:
            raise ValueError(f"expected an image (C, H, W) or a batch (N, C, H, W), got shape {tuple(x.shape)}")
        if x.shape[1] != self.mean.shape[0]:
            raise ValueError(f"expected {self.mean.shape[0]} channels, got {x.shape[1]} (shape {tuple(x.shape)})")
        if x.dtype != torch.uint8 and not x.is_floating_point():
            raise TypeError(f"expected a uint8 or floating-point image tensor, got {x.dtype}")
        if isinstance(image, torch.Tensor):
            x = self._resize(x)
        x = _center_crop(x, self.size)
        if x.dtype == torch.uint8:
            x = x.float() / 255
        x = (x - self.mean.to(x)) / self.std.to(x)
        return x if batched else x[0]

    def _resize(self, x):
        """A PIL image through Pillow; a tensor through ``F.interpolate`` in float, a uint8 one rounded back
        to uint8 (bicubic overshoot clamped first) — torchvision's ``Resize`` on each."""
        if not isinstance(x, torch.Tensor):
            from PIL import Image

            x = _rgb(x)
            w, h = x.size
            size = self._resized_size(h, w)
            if size == (h, w):
                return x
            return x.resize(size[::-1], getattr(Image.Resampling, _PIL_FILTERS[self.interpolation]))
        size = self._resized_size(*x.shape[-2:])
        if size == tuple(x.shape[-2:]):
            return x
        antialias = self.interpolation != "nearest"
        y = F.interpolate(x.float() if x.dtype == torch.uint8 else x, size=size, mode=self.interpolation,
                          align_corners=False if antialias else None, antialias=antialias)
        if x.dtype == torch.uint8:
            y = y.clamp(0, 255).round().to(torch.uint8)
        return y


def _rgb(image):
    try:
        from PIL import Image
    except ImportError:  # pragma: no cover - Pillow is optional
        Image = None
    if Image is None or not isinstance(image, Image.Image):
        raise TypeError(f"expected a tensor (C, H, W) or a PIL image, got {type(image).__name__}")
    return image if image.mode == "RGB" else image.convert("RGB")


def _pil_to_tensor(image) -> torch.Tensor:
    import numpy as np

    return torch.from_numpy(np.array(image, copy=True)).permute(2, 0, 1).contiguous()


def _center_crop(x: torch.Tensor, size: tuple[int, int]) -> torch.Tensor:
    h, w = x.shape[-2:]
    th, tw = size
    if th > h or tw > w:  # torchvision pads; a resize to floor(size / crop_pct) never needs it
        raise ValueError(f"cannot centre-crop {th}x{tw} from a {h}x{w} image")
    top, left = int(round((h - th) / 2.0)), int(round((w - tw) / 2.0))
    return x[..., top:top + th, left:left + tw]


def transforms(model_or_name: nn.Module | str | dict, train: bool = False, **options: Any):
    """The preprocessing of a model's weights (a model, a model name, ``"name.tag"``, or a config dict).

    ``train=False``: the eval recipe (:class:`Preprocess`). ``train=True``: the training augmentation at
    the weights' input size and mean/std, with timm's ``create_transform(is_training=True)`` options by
    the same names (``scale``, ``ratio``, ``hflip``, ``vflip``, ``color_jitter``, ``auto_augment``,
    ``interpolation``, ``re_prob``, ``re_mode``, ``re_count``); built on torchvision.transforms.v2
    (``pip install zoo[data]``), see :func:`zoo.weights.augment.train_transforms`.
    """
    cfg = model_or_name if isinstance(model_or_name, dict) else _cfg(model_or_name)
    if train:
        from .augment import train_transforms

        return train_transforms(cfg, **options)
    if options:
        raise TypeError(f"the eval transforms take no options ({', '.join(options)}); training options go with "
                        f"train=True")
    return Preprocess(**{k: cfg[k] for k in (*DATA_KEYS, "resize") if k in cfg})
