"""torch.hub on this checkout: ``hubconf.py`` gives one entry point per registered model.

``torch.hub.load(..., source="local")`` reads the checkout itself. ``torch.hub.list`` and ``torch.hub.help``
only take a GitHub repository; they read it from torch hub's repository cache (``$TORCH_HOME/hub/
owner_repo_branch``, where a download is unpacked), so the test puts the checkout there — no network.
"""

from __future__ import annotations

from pathlib import Path

import pytest
import torch

import zoo
from equivalence import randomize_norms, timm_model, torchvision_model
from test_weights import assert_same_outputs, offline, write_timm_weights, write_torchvision_weights  # noqa: F401
from zoo.weights.catalog import default_entry

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture
def hub_repo(offline):  # noqa: F811
    """The checkout as torch hub caches a downloaded ``me/zoo`` (branch main)."""
    hub = offline[1] / "hub"
    hub.mkdir(parents=True, exist_ok=True)
    (hub / "me_zoo_main").symlink_to(ROOT, target_is_directory=True)
    return "me/zoo"


def test_list_and_help_name_every_registered_model(hub_repo):
    assert sorted(torch.hub.list(hub_repo, trust_repo=True, verbose=False)) == sorted(zoo.list_models())
    doc = torch.hub.help(hub_repo, "resnet50", trust_repo=True)
    assert "Deep Residual Learning" in doc and "(default)" in doc and "25.56 M parameters" in doc


def test_load_pretrained_through_the_local_checkout(offline, tmp_path):  # noqa: F811
    """pretrained=True: the default weight of the catalog, read from a cache built here."""
    entry = default_entry("resnet18")
    if entry.source == "hf":
        reference = randomize_norms(timm_model(entry.ref_arch)).eval()
        write_timm_weights(offline[0], entry.name, reference, tmp_path)
    else:
        reference = randomize_norms(torchvision_model(entry.ref_arch)).eval()
        write_torchvision_weights(offline[1], entry.name, reference)
    model = torch.hub.load(str(ROOT), "resnet18", source="local", pretrained=True).eval()
    assert model.pretrained_cfg["tag"] == entry.tag
    assert_same_outputs(model, reference)


def test_load_with_model_keywords(hub_repo):
    model = torch.hub.load(hub_repo, "mobilenet_v3_small", trust_repo=True, verbose=False, num_classes=7).eval()
    assert model(torch.randn(1, 3, 96, 96)).shape == (1, 7)
    backbone = torch.hub.load(str(ROOT), "resnet18", source="local", features_only=True, out_indices=(2, 3))
    assert [m.shape[1] for m in backbone(torch.randn(1, 3, 64, 64))] == [128, 256]
    with pytest.raises(TypeError, match="unexpected keyword argument.*'widht_mult'"):
        torch.hub.load(str(ROOT), "mobilenet_v2", source="local", widht_mult=0.5)
