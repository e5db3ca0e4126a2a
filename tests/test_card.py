"""The model card that zoo.save_pretrained and zoo.push_to_hub write, read back with huggingface_hub's own
parser; the weights come from caches built here (see test_weights.py)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import torch
from huggingface_hub import ModelCard

import zoo
from equivalence import randomize_norms, timm_model, torchvision_model
from test_weights import offline, write_hub_repo, write_timm_weights, write_torchvision_weights  # noqa: F401


def _card(directory: Path) -> tuple[ModelCard, str]:
    card = ModelCard.load(directory / "README.md")
    return card, card.text


def _run_usage(text: str, image: torch.Tensor) -> dict:
    """Run the card's usage snippet as a user would paste it, with ``image`` defined."""
    code = re.search(r"```python\n(.*?)```", text, re.S).group(1)
    scope = {"image": image}
    exec(code, scope)  # noqa: S102 — the snippet is the card's claim
    return scope


@pytest.fixture
def tv_resnet18_cached(offline):  # noqa: F811
    reference = randomize_norms(torchvision_model("resnet18")).eval()
    write_torchvision_weights(offline[1], "resnet18.tv_imagenet1k_v1", reference)
    return reference


def test_card_of_catalogued_weights(tv_resnet18_cached, tmp_path):
    model = zoo.create_model("resnet18", pretrained="tv_imagenet1k_v1").eval()
    zoo.save_pretrained(model, tmp_path / "r18")
    card, text = _card(tmp_path / "r18")
    meta = card.data
    assert (meta.license, meta.library_name, meta.pipeline_tag) == ("bsd-3-clause", "zoo", "image-classification")
    assert {"zoo", "image-classification", "resnet", "resnet18"} <= set(meta.tags)
    assert meta.datasets == ["imagenet-1k"] and meta.metrics == ["accuracy"] and meta.base_model is None
    scores = {r.metric_name: r.metric_value for r in meta.eval_results}
    assert scores == {"Top-1 accuracy": 69.758, "Top-5 accuracy": 89.078}
    assert {r.dataset_type for r in meta.eval_results} == {"imagenet-1k"}
    p = zoo.profile("resnet18")
    assert f"| parameters | {p.params:,} " in text and f"| GMACs | {p.macs / 1e9:.3f} at 3×224×224" in text
    assert "Deep Residual Learning" in text and "Resize the shorter side to 256 px (bilinear)" in text
    image = torch.randint(0, 256, (3, 300, 260), dtype=torch.uint8)
    scope = _run_usage(text, image)
    with torch.no_grad():
        expected = model(zoo.transforms(model)(image)[None])
        assert torch.equal(scope["logits"], expected)


def test_card_of_a_fine_tuned_model_names_its_base(offline, tmp_path):  # noqa: F811
    hf_home, _ = offline
    write_timm_weights(hf_home, "resnet18.a1_in1k", randomize_norms(timm_model("resnet18")).eval(), tmp_path)
    with pytest.warns(UserWarning, match="re-initialised"):
        model = zoo.create_model("resnet18", pretrained="a1_in1k", num_classes=5)
    zoo.save_pretrained(model, tmp_path / "ft")
    again = zoo.create_model(pretrained=tmp_path / "ft")  # the lineage survives a round trip
    zoo.save_pretrained(again, tmp_path / "ft2")
    for folder in ("ft", "ft2"):
        card, text = _card(tmp_path / folder)
        meta = card.data
        assert meta.base_model == "timm/resnet18.a1_in1k" and meta.license == "apache-2.0"
        assert meta.eval_results is None and meta.metrics is None  # ImageNet scores are not this model's
        assert "Fine-tuned from `resnet18.a1_in1k`" in text and "a new 5-class head" in text
        assert "An image classifier (5 classes)" in text
    out = _run_usage(text, torch.rand(3, 224, 224))
    assert out["logits"].shape == (1, 5)


def test_card_of_a_backbone(tmp_path):
    backbone = zoo.create_model("mobilenet_v3_small", features_only=True, out_indices=(1, 2))
    zoo.save_pretrained(backbone, tmp_path / "bb")
    card, text = _card(tmp_path / "bb")
    assert card.data.pipeline_tag == "image-feature-extraction" and card.data.license is None
    assert "`features_only`" in text and "| stages returned | [1, 2] |" in text and "random" in text
    params = sum(p.numel() for p in backbone.parameters())
    assert f"| parameters | {params:,} " in text
    image = torch.rand(3, 224, 224)
    maps = _run_usage(text, image)["maps"]
    with torch.no_grad():
        expected = backbone.eval()(zoo.transforms(backbone)(image)[None])
    assert len(maps) == 2 and all(torch.equal(a, b) for a, b in zip(maps, expected))


def test_push_to_hub_uploads_a_card_that_loads_it(tmp_path, monkeypatch, offline):  # noqa: F811
    import huggingface_hub

    uploaded = {}

    class FakeApi:
        def __init__(self, token=None):
            pass

        def create_repo(self, repo_id, private=None, exist_ok=False):
            pass

        def upload_folder(self, repo_id, folder_path, commit_message, revision=None):
            uploaded.update({p.name: p.read_bytes() for p in Path(folder_path).iterdir()})
            return "https://huggingface.co/me/tiny/commit/0"

    monkeypatch.setattr(huggingface_hub, "HfApi", FakeApi)
    model = zoo.create_model("resnet18", num_classes=3).eval()
    zoo.push_to_hub(model, "me/tiny")
    write_hub_repo(offline[0], "me/tiny", uploaded)
    (tmp_path / "README.md").write_bytes(uploaded["README.md"])
    card, text = _card(tmp_path)
    assert card.data.library_name == "zoo" and 'pretrained="hf-hub:me/tiny"' in text
    image = torch.rand(3, 240, 250)
    logits = _run_usage(text, image)["logits"]  # loads from the Hub cache, as the reader of the card will
    with torch.no_grad():
        assert torch.equal(logits, model(zoo.transforms(model)(image)[None]))
