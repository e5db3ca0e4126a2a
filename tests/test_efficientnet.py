"""EfficientNet B0–B7, EfficientNetV2 and MnasNet are the same networks as torchvision's and timm's."""

import pytest
import torch

import zoo
from equivalence import assert_equivalent, timm_model, torchvision_model

SIZE = (64, 48)  # small (the big members too), non-square, not a multiple of 32
slow = pytest.mark.slow

TORCHVISION = ["efficientnet_b0", "mnasnet0_5", "mnasnet1_0", "efficientnet_v2_s"] + [
    pytest.param(n, marks=slow) for n in [
        "efficientnet_b1", "efficientnet_b2", "efficientnet_b3", "efficientnet_b4", "efficientnet_b5",
        "efficientnet_b6", "efficientnet_b7", "efficientnet_v2_m", "efficientnet_v2_l", "mnasnet0_75", "mnasnet1_3",
    ]
]


@pytest.mark.parametrize("name", TORCHVISION)
def test_torchvision(name):
    assert_equivalent(name, torchvision_model(name), "torchvision", input_size=SIZE, batch=1)


@pytest.mark.parametrize("name, kwargs", [
    ("efficientnet_b0", {}),
    ("mnasnet_100", {}),
    ("mnasnet_050", {}),
    ("efficientnetv2_s", {}),
    pytest.param("efficientnet_b2", {}, marks=slow),
    pytest.param("efficientnet_b5", {"bn_eps": 1e-5}, marks=slow),  # timm's B5 keeps PyTorch's eps
    pytest.param("mnasnet_140", {}, marks=slow),
    pytest.param("efficientnetv2_m", {}, marks=slow),
    ("tf_efficientnet_b0", {}),  # TensorFlow's "SAME" padding and eps
    pytest.param("tf_efficientnetv2_s", {}, marks=slow),
])
def test_timm(name, kwargs):
    assert_equivalent(name, timm_model(name), "timm", input_size=SIZE, batch=1, **kwargs)


def test_compound_scaling_gives_every_member_from_one_table():
    """B0–B7 (and the V2s, MnasNets) have the reference parameter counts and the five feature strides."""
    for name in zoo.list_models("efficientnet_*") + zoo.list_models("mnasnet*"):
        with torch.device("meta"):
            model = zoo.create_model(name)
        assert sum(p.numel() for p in model.parameters()) == zoo.model_info(name).params, name
        assert [f.reduction for f in model.feature_info] == [2, 4, 8, 16, 32], name


def test_stochastic_depth_matches_torchvision():
    ref = torchvision_model("efficientnet_b0")
    # torchvision gives every block a rate, used only where the block has its residual
    expected = [m.stochastic_depth.p for m in ref.modules() if getattr(m, "use_res_connect", False)]
    model = zoo.create_model("efficientnet_b0")  # torchvision's default rate, 0.2
    rates = [b.drop_path.p for b in model.modules() if getattr(b, "has_skip", False)]
    assert rates == pytest.approx(expected)


def test_fused_mbconv_trains():
    model = zoo.create_model("efficientnet_v2_s", num_classes=3, drop_path_rate=0.3).train()
    model(torch.randn(2, 3, 64, 64)).sum().backward()
    assert all(p.grad is not None for p in model.parameters())


def test_bad_arguments_are_clear_errors():
    with pytest.raises(ValueError, match="arch must be one of"):
        zoo.create_model("efficientnet_b0", arch="b9")
    with pytest.raises(ValueError, match="depth_mult must be > 0"):
        zoo.create_model("efficientnet_b0", depth_mult=0)


def test_tensorflow_same_padding_at_odd_sizes_compiles_and_exports():
    """SAME padding depends on the input size: odd and even sizes, under compile and export alike."""
    ref = timm_model("tf_efficientnet_b0")
    model = assert_equivalent("tf_efficientnet_b0", ref, "timm", input_size=(67, 45), batch=1)
    x = torch.randn(1, 3, 67, 45)
    with torch.no_grad():
        expected = model(x)
        torch._dynamo.reset()
        assert torch.allclose(torch.compile(model, fullgraph=True, backend="eager")(x), expected, atol=1e-5)
        assert torch.allclose(torch.export.export(model, (x,)).module()(x), expected, atol=1e-5)
    torch._dynamo.reset()
    with pytest.raises(ValueError, match="padding must be None"):
        zoo.create_model("efficientnet_b0", padding="valid")
