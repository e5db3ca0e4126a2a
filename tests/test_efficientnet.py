"""EfficientNet B0–B7, EfficientNetV2 and MnasNet are the same networks as torchvision's and timm's."""

import pytest
import torch
from torch import nn

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
    ("efficientnet_lite0", {}),
    ("tf_efficientnet_lite0", {}),
    *(pytest.param(f"efficientnet_lite{i}", {}, marks=slow) for i in range(1, 5)),
    pytest.param("tf_efficientnet_lite3", {}, marks=slow),
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
    with pytest.raises(ValueError, match="depth_mult must be a finite number > 0, got 0"):
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


def test_lite_is_b0_without_se_with_relu6_and_fixed_ends():
    """Lite4 (width 1.4, depth 1.8): stem 32 and head 1280 unscaled, first and last stage depth 1, no SE, ReLU6."""
    with torch.device("meta"):
        lite, b4 = zoo.create_model("efficientnet_lite4"), zoo.create_model("efficientnet_b4")
    assert lite.stages[0].stem.out_channels == 32 and b4.stages[0].stem.out_channels == 48
    assert lite.conv_head.out_channels == 1280
    blocks = [b for b in lite.modules() if hasattr(b, "has_skip")]
    assert all(b.se is None for b in blocks) and not any(isinstance(m, nn.SiLU) for m in lite.modules())
    assert any(isinstance(m, nn.ReLU6) for m in lite.modules())
    # depths 1, 4, 4, 6, 6, 8, 1: ceil(1.8 n) except the first and last stage
    assert [b.out_chs for b in blocks][:1] == [24] and len(blocks) == 1 + 4 + 4 + 6 + 6 + 8 + 1
    assert zoo.registry.resolve_name("tf_efficientnet_lite4") == ("efficientnet_lite4", {"padding": "same", "bn_eps": 1e-3})
