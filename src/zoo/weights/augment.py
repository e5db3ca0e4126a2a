"""Training augmentation at a weight's input size and mean/std: ``zoo.transforms(model, train=True, ...)``.

The recipe and option names are timm's ``create_transform(is_training=True)``: random resized crop,
flips, then RandAugment / TrivialAugment / AutoAugment / AugMix *or* colour jitter (timm turns the jitter
off when an auto-augment policy is given), conversion to float, normalisation, random erasing. It is built
from torchvision.transforms.v2 (``pip install zoo[data]``), whose transforms take PIL images and
uint8 or float tensors alike; the zoo itself never imports torchvision.
"""

from __future__ import annotations

import re
from typing import Any, Sequence

import torch

__all__ = ["train_transforms", "parse_auto_augment"]

INTERPOLATIONS = ("bilinear", "bicubic", "nearest", "random")  # "random": bilinear or bicubic per image, as timm
AUTO_AUGMENT = {  # timm's policy names (the part before the first "-") → torchvision's transform
    "rand": "RandAugment", "augmix": "AugMix", "trivialaugment": "TrivialAugmentWide", "ta_wide": "TrivialAugmentWide",
    "original": "AutoAugment", "autoaugment": "AutoAugment",
}
AUTO_AUGMENT_KEYS = {"RandAugment": {"m": "magnitude", "n": "num_ops"},  # timm's config keys torchvision has
                     "AugMix": {"m": "severity", "w": "mixture_width", "d": "chain_depth", "a": "alpha"},
                     "TrivialAugmentWide": {}, "AutoAugment": {}}


def _v2():
    try:
        from torchvision.transforms import v2
    except ImportError as err:
        raise ImportError("zoo.transforms(..., train=True) builds on torchvision.transforms.v2, which is not "
                          "installed: pip install 'zoo[data]' (or pip install torchvision)") from err
    return v2


def parse_auto_augment(text: str) -> tuple[str, dict[str, Any]]:
    """timm's policy string → (torchvision transform name, its keywords): ``"rand-m9-n2"`` →
    ``("RandAugment", {"magnitude": 9, "num_ops": 2, "num_magnitude_bins": 11})``. timm counts RandAugment
    magnitudes out of 10, so 11 bins keep m9 at 90 % of the strongest setting."""
    policy, *parts = text.split("-")
    if policy not in AUTO_AUGMENT:
        raise ValueError(f"unknown auto_augment policy {text!r}; supported: 'rand-m9-n2' (RandAugment), "
                         f"'augmix-m3-w3' (AugMix), 'trivialaugment', 'original' or 'autoaugment' (AutoAugment)")
    name = AUTO_AUGMENT[policy]
    keys, kwargs = AUTO_AUGMENT_KEYS[name], {}
    for part in parts:
        match = re.fullmatch(r"([a-z]+)([\d.]+)", part)
        if match is None or match.group(1) not in keys:
            raise ValueError(f"auto_augment {text!r}: {part!r} is not supported on torchvision's {name} "
                             f"(its settings: {', '.join(f'{k}<number>' for k in keys) or 'none'})")
        value = float(match.group(2))
        kwargs[keys[match.group(1)]] = value if match.group(1) == "a" else int(value)
    if name == "RandAugment":
        kwargs["num_magnitude_bins"] = 11
    return name, kwargs


def _size(input_size) -> tuple[int, int]:
    if isinstance(input_size, int):
        return input_size, input_size
    return tuple(input_size[-2:])


def _eraser(v2, re_prob: float, re_mode: str, re_count: int):
    """timm's RandomErasing: with probability ``re_prob``, ``re_count`` rectangles whose areas share the
    2–33 % of the image one rectangle would take; filled with 0 (``const``: the mean colour after
    normalisation) or per-pixel normal noise (``pixel``)."""
    fill = {"const": 0.0, "pixel": "random"}
    if re_mode not in fill:
        raise ValueError(f"re_mode must be 'const' or 'pixel', got {re_mode!r}")
    if re_count < 1:
        raise ValueError(f"re_count must be >= 1, got {re_count}")
    erase = [v2.RandomErasing(p=1.0, scale=(0.02 / re_count, 1 / 3 / re_count), value=fill[re_mode])
             for _ in range(re_count)]
    return v2.RandomApply(erase, p=re_prob)


def train_transforms(cfg: dict[str, Any], *, input_size: int | Sequence[int] | None = None,
                     scale: tuple[float, float] = (0.08, 1.0), ratio: tuple[float, float] = (3 / 4, 4 / 3),
                     hflip: float = 0.5, vflip: float = 0.0, color_jitter: float | Sequence[float] | None = 0.4,
                     auto_augment: str | None = None, interpolation: str | None = None,
                     re_prob: float = 0.0, re_mode: str = "const", re_count: int = 1,
                     mean: Sequence[float] | None = None, std: Sequence[float] | None = None):
    """The training transform for a data config (a weight's, or ``zoo.data_config(model)``).

    ``input_size``, ``interpolation``, ``mean``, ``std`` default to the config's. ``scale`` / ``ratio``:
    the area fraction and aspect range of the random crop. ``hflip`` / ``vflip``: flip probabilities.
    ``auto_augment``: a timm policy string (``"rand-m9-n2"``, ``"augmix-m3"``, ``"trivialaugment"``,
    ``"original"``); without one, ``color_jitter`` (brightness, contrast, saturation[, hue], or one
    number for the first three; None: off). ``re_prob`` / ``re_mode`` / ``re_count``: random erasing.
    Returns a ``torchvision.transforms.v2.Compose`` giving a float tensor (C, H, W).
    """
    v2 = _v2()
    size = _size(input_size if input_size is not None else cfg["input_size"])
    interpolation = interpolation or cfg.get("interpolation", "bilinear")
    if interpolation not in INTERPOLATIONS:
        raise ValueError(f"interpolation must be one of {', '.join(INTERPOLATIONS)}, got {interpolation!r}")
    for key, p in (("hflip", hflip), ("vflip", vflip), ("re_prob", re_prob)):
        if not 0 <= p <= 1:
            raise ValueError(f"{key} is a probability in [0, 1], got {p}")
    mode = v2.InterpolationMode

    def crop(kind: str):
        return v2.RandomResizedCrop(size, scale=tuple(scale), ratio=tuple(ratio),
                                    interpolation=getattr(mode, kind.upper()), antialias=True)

    steps = [v2.ToImage()]
    steps.append(v2.RandomChoice([crop("bilinear"), crop("bicubic")]) if interpolation == "random"
                 else crop(interpolation))
    if hflip > 0:
        steps.append(v2.RandomHorizontalFlip(hflip))
    if vflip > 0:
        steps.append(v2.RandomVerticalFlip(vflip))
    if auto_augment:
        name, kwargs = parse_auto_augment(auto_augment)
        if name != "AugMix":  # its rotations and shears: bilinear (torchvision has no bicubic for tensors there)
            kwargs["interpolation"] = mode.NEAREST if interpolation == "nearest" else mode.BILINEAR
        steps.append(getattr(v2, name)(**kwargs))
    elif color_jitter is not None:
        jitter = (float(color_jitter),) * 3 if isinstance(color_jitter, (int, float)) else tuple(color_jitter)
        if len(jitter) not in (3, 4):
            raise ValueError(f"color_jitter is one number or (brightness, contrast, saturation[, hue]), "
                             f"got {color_jitter!r}")
        steps.append(v2.ColorJitter(*jitter))
    steps += [v2.ToDtype(torch.float32, scale=True),
              v2.Normalize(list(mean or cfg["mean"]), list(std or cfg["std"]))]
    if re_prob > 0:
        steps.append(_eraser(v2, re_prob, re_mode, re_count))
    steps.append(v2.ToPureTensor())
    return v2.Compose(steps)
