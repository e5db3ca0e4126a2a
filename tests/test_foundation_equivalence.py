"""AlexNet, VGG and the ResNet family are the same networks as torchvision's (and timm's)."""

import pytest

from equivalence import assert_equivalent, timm_model, torchvision_model

SMALL = ["alexnet", "vgg11", "vgg11_bn", "resnet18", "resnet34", "resnet50", "resnext50_32x4d"]
LARGE = [
    "vgg13", "vgg13_bn", "vgg16", "vgg16_bn", "vgg19", "vgg19_bn", "resnet101", "resnet152",
    "resnext101_32x8d", "resnext101_64x4d", "wide_resnet50_2", "wide_resnet101_2",
]


@pytest.mark.parametrize("name", SMALL + [pytest.param(n, marks=pytest.mark.slow) for n in LARGE])
def test_torchvision(name):
    # non-square, and not a multiple of 32: padding and pooling arithmetic must match
    size = (80, 72) if not name.startswith("vgg") else (64, 96)
    assert_equivalent(name, torchvision_model(name), "torchvision", input_size=size)


@pytest.mark.parametrize("name", ["resnet18", "resnet50", "resnext50_32x4d",
                                  pytest.param("wide_resnet50_2", marks=pytest.mark.slow)])
def test_timm_resnet(name):
    assert_equivalent(name, timm_model(name), "timm", input_size=(80, 72))


@pytest.mark.parametrize("name", ["vgg11", pytest.param("vgg16_bn", marks=pytest.mark.slow)])
def test_timm_vgg(name):
    # timm runs the first MLP layer as a 7x7 conv over the 7x7 map: the two agree at 224x224,
    # where torchvision's adaptive 7x7 pooling is the identity.
    assert_equivalent(name, timm_model(name), "timm", input_size=(224, 224), batch=1)


def test_drop_path_grows_linearly_and_zero_init_last():
    import torch
    import zoo

    m = zoo.create_model("resnet50", drop_path_rate=0.1, zero_init_last=True)
    rates = [getattr(b.drop_path, "p", 0.0) for stage in list(m.stages)[1:] for b in stage if hasattr(b, "drop_path")]
    assert rates[0] == 0.0 and abs(rates[-1] - 0.1) < 1e-9 and rates == sorted(rates)
    assert all(not b.conv3.norm.weight.detach().any() for s in list(m.stages)[1:] for b in s if hasattr(b, "conv3"))
    m.train()
    out = m(torch.randn(2, 3, 64, 64))
    assert out.shape == (2, 1000) and torch.isfinite(out).all()
