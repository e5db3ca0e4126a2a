"""tools/weights_catalog.py: the catalog is the reference table's, for the models the zoo catalogs."""

from __future__ import annotations

import csv
import importlib.util
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
REFERENCE = next((p / "shared" / "reference" for p in ROOT.parents
                  if (p / "shared" / "reference" / "weights.csv").is_file()), None)


@pytest.fixture(scope="module")
def tool():
    spec = importlib.util.spec_from_file_location("weights_catalog", ROOT / "tools" / "weights_catalog.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def write_reference(folder: Path, models: list[dict], weights: list[dict]) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for name, rows in (("models.csv", models), ("weights.csv", weights)):
        with open(folder / name, "w", newline="") as f:
            writer = csv.DictWriter(f, fieldnames=list(rows[0]))
            writer.writeheader()
            writer.writerows(rows)
    return folder


def weight_row(name, tag, ref_lib, ref_arch, source="url", license="bsd-3-clause"):
    return {"name": name, "tag": tag, "source": source, "location": f"https://example.org/{name}-{tag}.pth",
            "ref_lib": ref_lib, "ref_arch": ref_arch, "input": "224", "resize": "232",
            "crop_pct": "0.9655172413793104", "interpolation": "bilinear", "mean": "(0.485, 0.456, 0.406)",
            "std": "(0.229, 0.224, 0.225)", "top1": "76.1", "top5": "92.9", "license": license, "file_mb": "97.8"}


def test_rows_of_models_not_cataloged_yet_are_skipped_and_named(tool, tmp_path, monkeypatch):
    models = [{"name": n, "family": f} for n, f in (("alexnet", "alexnet"), ("newnet", "newnet"),
                                                     ("lenet5", "lenet"), ("mixnet", "mix"))]
    weights = [weight_row("alexnet", "tv_imagenet1k_v1", "torchvision", "alexnet"),
               weight_row("newnet", "tv_imagenet1k_v1", "torchvision", "newnet"),
               weight_row("mixnet", "tv_imagenet1k_v1", "torchvision", "alexnet"),
               weight_row("mixnet", "mm_in1k", "mmpretrain", "MixNet", license="apache-2.0")]
    reference = write_reference(tmp_path / "reference", models, weights)
    # as where mmpretrain is not installed; its submodules too, which another test may have imported
    # (an import finds a cached submodule without looking at its parent)
    for module in [m for m in sys.modules if m == "mmpretrain" or m.startswith("mmpretrain.")] + ["mmpretrain"]:
        monkeypatch.setitem(sys.modules, module, None)
    text, classes, skipped = tool.generate(reference, known={"alexnet", "lenet5", "mixnet"})
    rows = list(csv.DictReader(text.splitlines()))
    assert [(r["model"], r["tag"]) for r in rows] == [("alexnet", "tv_imagenet1k_v1")]
    assert rows[0]["resize"] == "232" and rows[0]["crop_pct"] == "0.9655172413793104" and rows[0]["top5"] == "92.9"
    assert rows[0]["file_mb"] == "97.8" and rows[0]["crop_mode"] == "center" and rows[0]["mean"] == "0.485 0.456 0.406"
    assert "lenet5: no ImageNet-1k weight in the reference table" in skipped
    assert any("1 rows of 1 models the catalog does not list yet" in s and "newnet" in s for s in skipped)
    assert any(s.startswith("2 rows of mixnet: building mmpretrain's MixNet needs mmpretrain") and
               "pip install --no-deps mmpretrain" in s for s in skipped)
    assert len(classes.splitlines()) == 1000


@pytest.mark.slow
@pytest.mark.skipif(REFERENCE is None, reason="the reference tables live beside the repository")
def test_the_committed_catalog_is_the_generated_one(tool):
    text, _, _ = tool.generate(REFERENCE, tool.zoo_models())
    assert text == (ROOT / "src" / "zoo" / "catalog" / "weights.csv").read_text(), \
        "src/zoo/catalog/weights.csv is stale: run `python tools/weights_catalog.py`"
