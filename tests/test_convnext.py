"""ConvNeXt is the same network as torchvision's and timm's."""

import pytest
import torch

import zoo
from equivalence import assert_equivalent, timm_model, torchvision_model
from perturb import random_on_meta, spread_constant_params

SIZE = (80, 72)  # non-square; 72 leaves odd maps (9) before the last downsampling


def test_torchvision_tiny():
    reference = spread_constant_params(torchvision_model("convnext_tiny"))
    assert_equivalent("convnext_tiny", reference, "torchvision", input_size=SIZE)


def test_timm_tiny():
    reference = spread_constant_params(timm_model("convnext_tiny"))
    assert_equivalent("convnext_tiny", reference, "timm", input_size=SIZE)


@pytest.mark.slow
@pytest.mark.parametrize("name", ["convnext_small", "convnext_base", "convnext_large"])
def test_torchvision_large(name):
    # random weights drawn directly (layer scales included): the references' initialisers are slow
    reference = random_on_meta(lambda: torchvision_model(name))
    assert_equivalent(name, reference, "torchvision", input_size=SIZE, batch=1)


@pytest.mark.slow
def test_timm_base():
    assert_equivalent("convnext_base", random_on_meta(lambda: timm_model("convnext_base")), "timm",
                      input_size=SIZE, batch=1)


def test_layer_scale_drop_path_and_channels_last_norm():
    model = zoo.create_model("convnext_tiny", drop_path_rate=0.2, layer_scale=0.5)
    blocks = [b for stage in model.stages for b in stage.blocks]
    rates = [b.drop_path.p if hasattr(b.drop_path, "p") else 0.0 for b in blocks]
    assert rates[0] == 0.0 and rates[-1] == pytest.approx(0.2) and rates == sorted(rates)
    assert all(bool((b.ls.gamma == 0.5).all()) for b in blocks)
    norm = model.stages[1].downsample.norm
    x = torch.randn(2, 96, 9, 7)
    ref = torch.nn.functional.layer_norm(x.permute(0, 2, 3, 1), (96,), norm.weight, norm.bias, 1e-6).permute(0, 3, 1, 2)
    with torch.no_grad():
        torch.testing.assert_close(norm(x), ref)
        torch.testing.assert_close(norm(x.to(memory_format=torch.channels_last)), ref)
