"""The zoo's models inside timm's own functions: layer-wise lr decay, data config and transforms,
gradient checkpointing, and timm's Hub folders both ways."""

from __future__ import annotations

import pytest
import torch

import zoo
from equivalence import saved_bytes

timm = pytest.importorskip("timm")


@pytest.mark.parametrize("name", ["vit_ti_16", "swin_t", "convnext_tiny", "resnet50", "efficientnet_b0"])
def test_layer_decay_makes_several_learning_rates(name):
    from timm.optim import create_optimizer_v2

    model = zoo.create_model(name, device="meta")
    optimizer = create_optimizer_v2(model, "adamw", lr=1e-3, weight_decay=0.05, layer_decay=0.75)
    scales = sorted({g["lr_scale"] for g in optimizer.param_groups})
    assert len(scales) > 3, scales
    assert scales[-1] == 1.0  # the head trains at the full rate, the stem at the smallest
    grouped = {id(p) for g in optimizer.param_groups for p in g["params"]}
    assert grouped == {id(p) for p in model.parameters()}


@pytest.mark.parametrize("name", ["vit_b_16", "inception_v3", "resnet50"])
def test_timm_data_config_is_the_zoos(name):
    from sklearn.datasets import load_sample_image
    from PIL import Image

    model = zoo.create_model(name)
    config = timm.data.resolve_data_config(model=model)
    ours = zoo.data_config(model)
    assert config["input_size"] == ours["input_size"] == model.default_cfg["input_size"]
    for key in ("interpolation", "mean", "std", "crop_pct", "crop_mode"):
        assert config[key] == pytest.approx(ours[key]) if key in ("mean", "std", "crop_pct") else config[key] == ours[key]
    image = Image.fromarray(load_sample_image("china.jpg"))
    theirs, mine = timm.data.create_transform(**config)(image), zoo.transforms(model)(image)
    assert theirs.shape == mine.shape == ours["input_size"]
    assert (theirs - mine).abs().mean() < 0.02  # PIL's and torch's antialiased resize differ by rounding


def test_model_without_weights_reports_its_own_input_size():
    assert zoo.data_config(zoo.create_model("vit_b_16"))["input_size"] == (3, 224, 224)
    assert zoo.data_config(zoo.create_model("vit_b_16", img_size=384))["input_size"] == (3, 384, 384)


@pytest.mark.parametrize("name,size", [("resnet18", 64), ("vit_ti_16", 64), ("convnext_tiny", 64),
                                       ("efficientnet_b0", 64)])
def test_grad_checkpointing_same_gradients_less_memory(name, size):
    kwargs = {"img_size": size} if name.startswith("vit") else {}
    runs = []
    for enable in (False, True):
        torch.manual_seed(0)
        model = zoo.create_model(name, drop_path_rate=0.1, **kwargs).train()
        model.set_grad_checkpointing(enable)
        torch.manual_seed(1)
        out, saved = saved_bytes(model, torch.randn(2, 3, size, size))
        out.square().mean().backward()
        runs.append((out.detach(), {n: p.grad for n, p in model.named_parameters()}, saved))
    (out0, grads0, saved0), (out1, grads1, saved1) = runs
    torch.testing.assert_close(out1, out0)
    for n in grads0:
        torch.testing.assert_close(grads1[n], grads0[n], msg=n)
    assert saved1 < saved0 / 2, (saved0, saved1)


def test_features_only_grad_checkpointing():
    backbone = zoo.create_model("resnet18", features_only=True, feature_cls="getter").train()
    backbone.set_grad_checkpointing(True)
    maps = backbone(torch.randn(2, 3, 64, 64))
    sum(m.mean() for m in maps).backward()
    assert backbone.feature_info.channels() == [64, 64, 128, 256, 512]
    with pytest.raises(ValueError, match="getter"):
        zoo.create_model("resnet18", features_only=True, feature_cls="hook")


@pytest.mark.parametrize("name", ["resnet50", "vit_tiny_patch16_224", "mobilenetv3_large_100", "inception_v3"])
def test_timm_hub_folders_both_ways(name, tmp_path):
    """zoo → timm's layout → timm loads it; timm's own save_for_hf folder → the zoo loads it."""
    torch.manual_seed(0)
    model = zoo.create_model(name).eval()
    x = torch.randn(1, *model.default_cfg["input_size"])
    zoo.save_pretrained(model, tmp_path / "from_zoo", format="timm")
    theirs = timm.create_model(f"local-dir:{tmp_path / 'from_zoo'}", pretrained=True).eval()
    with torch.no_grad():
        torch.testing.assert_close(theirs(x), model(x), rtol=1e-5, atol=1e-5)

    torch.manual_seed(1)
    reference = timm.create_model(name, num_classes=7).eval()
    timm.models.save_for_hf(reference, str(tmp_path / "from_timm"), safe_serialization=True)
    ours = zoo.create_model(pretrained=str(tmp_path / "from_timm")).eval()
    assert ours.num_classes == 7
    assert ours.default_cfg["mean"] == pytest.approx(reference.pretrained_cfg["mean"])
    with torch.no_grad():
        torch.testing.assert_close(ours(x), reference(x), rtol=1e-5, atol=1e-5)


def test_create_model_takes_timms_factory_keywords():
    model = zoo.create_model("convnext_tiny", device="meta", dtype=torch.bfloat16, num_classes=0, global_pool="")
    assert all(p.is_meta and p.dtype == torch.bfloat16 for p in model.parameters())
    out = model(torch.empty(1, 3, 64, 64, device="meta", dtype=torch.bfloat16))
    assert out.shape == (1, model.num_features, 2, 2)
    vgg = zoo.create_model("vgg11", device="meta")
    assert (vgg.num_features, vgg.head_hidden_size) == (512, 4096)
