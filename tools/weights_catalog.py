"""Generate the weight catalog from the reference tables: `python tools/weights_catalog.py`.

Writes, into the package data (src/zoo/catalog/):

- ``weights.csv``: one row per weight file of ``shared/reference/weights.csv`` whose model the zoo's
  catalog (``src/zoo/catalog/*.toml``) lists, with its preprocessing (input, resize, unrounded crop_pct,
  crop_mode, interpolation, mean, std), licence, reported top-1/top-5, file size and the *architecture
  keywords* the zoo model needs to reproduce the network those weights were trained in (column
  ``arch``, JSON). They are found from the reference models themselves, built on the meta device:

  - ``bn_eps`` / ``bn_momentum``: recorded for every weight of a model whose sources disagree on it
    (torchvision builds MobileNetV3 and EfficientNet-B5 with eps 1e-3, timm with 1e-5; the momentum
    only matters for fine-tuning);
  - ``transform_input``: torchvision's GoogLeNet and Inception v3 builders switch it on whenever they
    load their (Google-trained) weights;
  - ``img_size``: ViT and Swin weights carry the resolution their position tables were made for.

- ``imagenet_classes.txt``: the 1000 ImageNet-1k class names, in label order (torchvision's metadata).

Rows of models the catalog does not list yet are skipped, and printed with the reason: a model added
later (its ``.toml`` entry) is picked up by running this script again. A model with weights from more than
one implementation needs each of them built (timm, torchvision; mmpretrain for OpenMMLab files): when one
cannot be imported, that model's rows are skipped and the message says what to install.

Needs timm and torchvision (the test dependencies); the library itself never imports them.
"""

from __future__ import annotations

import argparse
import csv
import inspect
import io
import json
from collections import defaultdict
from pathlib import Path

import tomllib

import torch
from torch import nn

ROOT = Path(__file__).resolve().parents[1]
# the reference tables live beside the repository: the nearest parent holding shared/reference/
REFERENCE = next((p / "shared" / "reference" for p in ROOT.parents if (p / "shared" / "reference").is_dir()), None)
OUT = ROOT / "src" / "zoo" / "catalog"
COLUMNS = ("model", "tag", "source", "location", "ref_lib", "ref_arch", "arch", "input", "resize", "crop_pct",
           "crop_mode", "interpolation", "mean", "std", "top1", "top5", "license", "file_mb")
MMPRETRAIN_INSTALL = ("pip install mmengine mmcv-lite mat4py importlib_metadata einops modelindex rich && "
                      "pip install --no-deps mmpretrain")
IMG_SIZE_FAMILIES = ("vit", "swin")  # families whose architecture depends on the input resolution
# torchvision builders that set a keyword whenever they load weights (checked against their source below)
TV_WEIGHT_KEYWORDS = {"googlenet": {"transform_input": True}, "inception_v3": {"transform_input": True}}


def reference_model(lib: str, arch: str) -> nn.Module:
    """The reference network ``arch`` of ``lib`` (ImportError when that library is not installed)."""

    def build():
        if lib == "timm":
            import timm

            return timm.create_model(arch, pretrained=False)
        if lib == "mmpretrain":
            from mmpretrain.models import backbones

            return getattr(backbones, arch)()
        import torchvision

        return torchvision.models.get_model(arch, weights=None)

    try:
        with torch.device("meta"):
            return build()
    except (NotImplementedError, RuntimeError):  # torchvision's RegNet computes widths with .tolist()
        return build()


def batchnorm_settings(model: nn.Module) -> tuple[float, float] | None:
    """(eps, momentum) shared by every BatchNorm layer, None when the network has none."""
    found = {(float(f"{m.eps:.6g}"), float(f"{m.momentum:.6g}"))  # torchvision's MNASNet: 1 - 0.9997
             for m in model.modules() if isinstance(m, nn.modules.batchnorm._BatchNorm)}
    if len(found) > 1:
        raise ValueError(f"mixed BatchNorm settings {found}: the catalog cannot describe them with one keyword")
    return found.pop() if found else None


def check_torchvision_keywords() -> None:
    import torchvision

    for arch, keywords in TV_WEIGHT_KEYWORDS.items():
        source = inspect.getsource(torchvision.models.get_model_builder(arch))
        for key, value in keywords.items():
            if f'_ovewrite_named_param(kwargs, "{key}", {value!r})' not in source:
                raise AssertionError(f"torchvision's {arch} builder no longer sets {key}={value!r} with its weights")


def tuple_text(text: str) -> str:
    """"(0.485, 0.456, 0.406)" → "0.485 0.456 0.406"."""
    return " ".join(str(float(v)) for v in text.strip("()").split(","))


def timm_crop_mode(location: str) -> str:
    """How timm crops for a Hub weight: "center" (shorter side resized, aspect kept) or "squash" (both sides
    resized to ``resize``, aspect lost: timm's 384-px fine-tunes); the reference table has no column for it."""
    import timm

    cfg = timm.models.get_pretrained_cfg(location.split("/", 1)[1])
    if cfg is None:
        raise ValueError(f"timm {timm.__version__} has no pretrained config for {location}")
    return cfg.crop_mode or "center"


def zoo_models(catalog: Path = OUT) -> set[str]:
    """The models the zoo's catalog lists (its ``*.toml`` files)."""
    return {name for path in catalog.glob("*.toml") for name in tomllib.loads(path.read_text()).get("models", {})}


def generate(reference: Path, known: set[str]) -> tuple[str, str, list[str]]:
    """(weights.csv text, class names text, one line per skipped row or model saying why)."""
    import torchvision

    check_torchvision_keywords()
    rows = list(csv.DictReader(open(reference / "weights.csv")))
    families = {r["name"]: r["family"] for r in csv.DictReader(open(reference / "models.csv"))}
    skipped = [f"{name}: no ImageNet-1k weight in the reference table"
               for name in sorted(set(families) - {r["name"] for r in rows}) if name in known]
    unknown = sorted({r["name"] for r in rows} - known)
    if unknown:
        count = sum(r["name"] in unknown for r in rows)
        skipped.append(f"{count} rows of {len(unknown)} models the catalog does not list yet (run again once their "
                       f".toml entries exist): {', '.join(unknown)}")
    rows = [r for r in rows if r["name"] in known]

    # BatchNorm settings matter only where a model's weights come from implementations that disagree
    sources = defaultdict(set)
    for r in rows:
        sources[r["name"]].add((r["ref_lib"], r["ref_arch"]))
    bn, failed = {}, {}
    for name, keys in sources.items():
        if len(keys) < 2:
            continue
        for key in sorted(keys):
            if key in bn:
                continue
            try:
                bn[key] = batchnorm_settings(reference_model(*key))
            except ImportError as err:
                hint = MMPRETRAIN_INSTALL if key[0] == "mmpretrain" else f"pip install {key[0]}"
                failed[name] = f"building {key[0]}'s {key[1]} needs {key[0]} ({err}): {hint}"
    for name, reason in sorted(failed.items()):
        skipped.append(f"{sum(r['name'] == name for r in rows)} rows of {name}: {reason}")
    rows = [r for r in rows if r["name"] not in failed]
    eps, momentum = defaultdict(set), defaultdict(set)
    for r in rows:
        settings = bn.get((r["ref_lib"], r["ref_arch"])) or (None, None)
        eps[r["name"]].add(settings[0])
        momentum[r["name"]].add(settings[1])

    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(COLUMNS)
    for r in rows:
        arch = {}
        settings = bn.get((r["ref_lib"], r["ref_arch"])) or (None, None)
        if len(eps[r["name"]]) > 1:
            arch["bn_eps"] = settings[0]
        if len(momentum[r["name"]]) > 1:
            arch["bn_momentum"] = settings[1]
        if r["ref_lib"] == "torchvision":
            arch.update(TV_WEIGHT_KEYWORDS.get(r["ref_arch"], {}))
        if families[r["name"]] in IMG_SIZE_FAMILIES:
            arch["img_size"] = int(r["input"])
        writer.writerow([
            r["name"], r["tag"], r["source"], r["location"], r["ref_lib"], r["ref_arch"],
            json.dumps(arch, sort_keys=True) if arch else "", r["input"], r["resize"], r["crop_pct"],
            timm_crop_mode(r["location"]) if r["source"] == "hf" else "center", r["interpolation"],
            tuple_text(r["mean"]), tuple_text(r["std"]), r["top1"], r["top5"], r["license"], r["file_mb"],
        ])
    classes = torchvision.models.ResNet50_Weights.IMAGENET1K_V1.meta["categories"]
    assert len(classes) == 1000 and len(set(classes)) == 1000
    return out.getvalue(), "\n".join(classes) + "\n", skipped


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--reference", type=Path, default=REFERENCE, help="folder holding weights.csv and models.csv")
    args = parser.parse_args()
    if args.reference is None:
        parser.error("no shared/reference/ found above the repository: pass --reference")
    weights, classes, skipped = generate(args.reference, zoo_models())
    (OUT / "weights.csv").write_text(weights)
    (OUT / "imagenet_classes.txt").write_text(classes)
    print(f"wrote {weights.count(chr(10)) - 1} weight entries and {len(classes.splitlines())} class names to {OUT}")
    for line in skipped:
        print(f"skipped {line}")


if __name__ == "__main__":
    main()
