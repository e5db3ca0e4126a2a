"""The input a model's weights expect, and the eval preprocessing that makes it (torch only).

``transforms(model)`` is timm's and torchvision's eval recipe: resize so that the centre crop keeps
``crop_pct`` of the image (shorter side to ``floor(size / crop_pct)``), centre crop to ``size``,
scale to [0, 1], normalise with the weights' mean and std. It takes CHW or NCHW tensors (uint8 or
float in [0, 1]) and, if Pillow is installed, PIL images.
"""

from __future__ import annotations

import math
from typing import Any

import torch
import torch.nn.functional as F
from torch import nn

from .catalog import imagenet_classes

__all__ = ["data_config", "transforms", "class_names", "Preprocess"]

DATA_KEYS = ("input_size", "interpolation", "mean", "std", "crop_pct", "crop_mode")


def _cfg(model_or_name: nn.Module | str) -> dict[str, Any]:
    if isinstance(model_or_name, str):
        from zoo.registry import resolve_name

        from .load import default_cfg

        return default_cfg(resolve_name(model_or_name)[0])
    cfg = getattr(model_or_name, "pretrained_cfg", None)
    if cfg is None:
        raise TypeError(f"data_config needs a model made by zoo.create_model or a model name, got "
                        f"{type(model_or_name).__name__}")
    return cfg


def data_config(model_or_name: nn.Module | str) -> dict[str, Any]:
    """``input_size`` (C, H, W), ``interpolation``, ``mean``, ``std``, ``crop_pct``, ``crop_mode`` of the
    model's weights (or, for a name or a model without weights, of its default weights)."""
    cfg = _cfg(model_or_name)
    return {k: cfg[k] for k in DATA_KEYS}


def class_names(model: nn.Module) -> tuple[str, ...] | None:
    """The label of each output of a model with ImageNet-1k weights and head; None otherwise."""
    cfg = getattr(model, "pretrained_cfg", {})
    if cfg.get("classes") == "imagenet-1k" and getattr(model, "num_classes", None) == 1000:
        return imagenet_classes()
    return None


class Preprocess:
    """Resize → centre crop → [0, 1] → normalise, on tensors."""

    def __init__(self, input_size, interpolation="bilinear", mean=(0.485, 0.456, 0.406), std=(0.229, 0.224, 0.225),
                 crop_pct=0.875, crop_mode="center"):
        if interpolation not in ("bilinear", "bicubic", "nearest"):
            raise ValueError(f"interpolation must be 'bilinear', 'bicubic' or 'nearest', got {interpolation!r}")
        if crop_mode != "center":
            raise ValueError(f"only centre cropping is supported, got crop_mode={crop_mode!r}")
        self.size = tuple(input_size[-2:])
        self.interpolation, self.crop_pct = interpolation, crop_pct
        self.mean = torch.tensor(mean, dtype=torch.float32).view(-1, 1, 1)
        self.std = torch.tensor(std, dtype=torch.float32).view(-1, 1, 1)
        h, w = self.size
        # a square crop resizes the shorter side (aspect kept), as torchvision's Resize(int) does
        self.scale = math.floor(h / crop_pct) if h == w else (math.floor(h / crop_pct), math.floor(w / crop_pct))

    def __repr__(self) -> str:
        return (f"Preprocess(resize={self.scale}, crop={self.size}, interpolation={self.interpolation!r}, "
                f"mean={tuple(round(v, 4) for v in self.mean.flatten().tolist())}, "
                f"std={tuple(round(v, 4) for v in self.std.flatten().tolist())})")

    def _resized_size(self, h: int, w: int) -> tuple[int, int]:
        if not isinstance(self.scale, int):
            return self.scale
        short, long = (h, w) if h <= w else (w, h)
        new_short, new_long = self.scale, int(self.scale * long / short)
        return (new_short, new_long) if h <= w else (new_long, new_short)

    def __call__(self, image) -> torch.Tensor:
        x = _to_tensor(image)
        batched = x.ndim == 4
        if x.ndim == 3:
            x = x.unsqueeze(0)
        if x.ndim != 4:
            raise ValueError(f"expected an image (C, H, W) or a batch (N, C, H, W), got shape {tuple(x.shape)}")
        if x.shape[1] != self.mean.shape[0]:
            raise ValueError(f"expected {self.mean.shape[0]} channels, got {x.shape[1]} (shape {tuple(x.shape)})")
        size = self._resized_size(*x.shape[-2:])
        if size != tuple(x.shape[-2:]):
            antialias = self.interpolation != "nearest"
            align = False if antialias else None
            x = F.interpolate(x, size=size, mode=self.interpolation, align_corners=align, antialias=antialias)
        x = _center_crop(x, self.size)
        x = (x - self.mean.to(x)) / self.std.to(x)
        return x if batched else x[0]


def _to_tensor(image) -> torch.Tensor:
    if not isinstance(image, torch.Tensor):
        try:
            from PIL import Image
        except ImportError:  # pragma: no cover - Pillow is optional
            Image = None
        if Image is None or not isinstance(image, Image.Image):
            raise TypeError(f"expected a tensor (C, H, W) or a PIL image, got {type(image).__name__}")
        import numpy as np

        image = torch.from_numpy(np.array(image.convert("RGB"), copy=True)).permute(2, 0, 1)
    if image.dtype == torch.uint8:
        return image.float() / 255
    if not image.is_floating_point():
        raise TypeError(f"expected a uint8 or floating-point image tensor, got {image.dtype}")
    return image


def _center_crop(x: torch.Tensor, size: tuple[int, int]) -> torch.Tensor:
    h, w = x.shape[-2:]
    th, tw = size
    if th > h or tw > w:  # torchvision pads; a resize to floor(size / crop_pct) never needs it
        raise ValueError(f"cannot centre-crop {th}x{tw} from a {h}x{w} image")
    top, left = int(round((h - th) / 2.0)), int(round((w - tw) / 2.0))
    return x[..., top:top + th, left:left + tw]


def transforms(model_or_name: nn.Module | str | dict) -> Preprocess:
    """The eval preprocessing of a model's weights (a model, a model name, or a ``data_config`` dict)."""
    cfg = model_or_name if isinstance(model_or_name, dict) else data_config(model_or_name)
    return Preprocess(**{k: cfg[k] for k in DATA_KEYS if k in cfg})
