"""MobileNet V1, V2 and V3 are the same networks as torchvision's and timm's, at several widths."""

import pytest
import torch

import zoo
from equivalence import assert_equivalent, timm_model, torchvision_model

SIZE = (80, 72)  # non-square, not a multiple of 32: padding at every stride must match


@pytest.mark.parametrize("name", ["mobilenet_v2", "mobilenet_v3_large", "mobilenet_v3_small"])
@pytest.mark.parametrize("width", [1.0, 0.5, 0.75])
def test_torchvision(name, width):
    ref = torchvision_model(name, width_mult=width)
    model = assert_equivalent(name, ref, "torchvision", input_size=SIZE, width_mult=width)
    if width == 1.0:
        assert sum(p.numel() for p in model.parameters()) == zoo.model_info(name).params


TIMM = [
    "mobilenetv1_100", "mobilenetv1_125",
    "mobilenetv2_100", "mobilenetv2_035", "mobilenetv2_050", "mobilenetv2_075", "mobilenetv2_140",
    "mobilenetv3_large_100", "mobilenetv3_large_075",
    "mobilenetv3_small_100", "mobilenetv3_small_075", "mobilenetv3_small_050",
]


@pytest.mark.parametrize("alias", TIMM)
def test_timm_alias_builds_timm_network(alias):
    ref = timm_model(alias)
    model = assert_equivalent(alias, ref, "timm", input_size=SIZE)
    assert sum(p.numel() for p in model.parameters()) == sum(p.numel() for p in ref.parameters())


def test_mobilenet_v1_other_width_matches_timm():
    from timm.models.efficientnet import _gen_mobilenet_v1

    torch.manual_seed(0)
    ref = _gen_mobilenet_v1("mobilenetv1_100", 0.5)
    assert_equivalent("mobilenet_v1", ref, "timm", input_size=SIZE, width_mult=0.5)


def test_v3_rounding_argument_reproduces_each_reference():
    """At α = 0.75 the two references differ (stem, expansion widths, head): one argument picks either."""
    count = lambda m: sum(p.numel() for p in m.parameters())  # noqa: E731
    with torch.device("meta"):
        tv = zoo.create_model("mobilenet_v3_large", width_mult=0.75)
        tm = zoo.create_model("mobilenet_v3_large", width_mult=0.75, rounding="timm")
    assert count(tv) == count(torchvision_model("mobilenet_v3_large", width_mult=0.75))
    assert count(tm) == count(timm_model("mobilenetv3_large_075")) != count(tv)
    assert tm.head.num_features == 1280 and tv.head.num_features == 960


def test_feature_strides():
    for name in ["mobilenet_v1", "mobilenet_v2", "mobilenet_v3_large", "mobilenet_v3_small"]:
        with torch.device("meta"):
            model = zoo.create_model(name)
        assert [f.reduction for f in model.feature_info] == [2, 4, 8, 16, 32], name


def test_resolution_multiplier_scales_macs_not_params():
    """ρ is the input size: conv MACs grow with ρ², only the classifier's stay; parameters stay."""
    from torch.utils.flop_counter import FlopCounterMode

    with torch.device("meta"):
        model = zoo.create_model("mobilenet_v2").eval()
        macs = []
        for side in (224, 448):
            with FlopCounterMode(display=False) as counter:
                model(torch.empty(1, 3, side, side))
            macs.append(counter.get_total_flops() / 2)
    head = 1280 * 1000
    assert (macs[1] - head) / (macs[0] - head) == pytest.approx(4.0, rel=1e-3)


def test_training_step_with_drop_path():
    """In-place ops (squeeze-excite scaling, residual add) stay out of autograd's way in training."""
    model = zoo.create_model("mobilenet_v3_small", drop_path_rate=0.2, num_classes=10)
    rates = [b.drop_path.p for b in model.modules() if getattr(b, "drop_path", None) is not None]
    assert rates == sorted(rates) and 0 < rates[-1] < 0.2  # linear in the block index, as the references
    x = torch.randn(2, 3, 64, 64)
    loss = model.train()(x).logsumexp(1).mean()
    loss.backward()
    assert all(p.grad is not None for p in model.parameters())
    saved = x.clone()
    with torch.no_grad():
        model.eval()(x)
    assert torch.equal(x, saved)


def test_bad_arguments_are_clear_errors():
    with pytest.raises(ValueError, match="width_mult must be a finite number > 0, got 0"):
        zoo.create_model("mobilenet_v2", width_mult=0)
    with pytest.raises(ValueError, match="rounding must be"):
        zoo.create_model("mobilenet_v3_large", rounding="tf")
    with pytest.raises(ValueError, match="no residual branches"):
        zoo.create_model("mobilenet_v1", drop_path_rate=0.1)


@pytest.mark.parametrize("lib, name", [
    ("timm", "mobilenetv3_large_100"), ("timm", "mobilenetv1_100"), ("timm", "efficientnet_b0"),
    ("timm", "mnasnet_100"), ("timm", "tf_efficientnetv2_s"), ("torchvision", "mobilenet_v3_small"),
    ("torchvision", "efficientnet_v2_s"), ("torchvision", "mnasnet1_0"),
])
def test_checkpoints_with_sorted_keys_convert(lib, name):
    """safetensors files list their tensors sorted by name: conversion must not rely on file order."""
    import timm
    import torchvision

    from zoo.models.mobilenet import _registration_order

    with torch.device("meta"):
        ref = timm.create_model(name) if lib == "timm" else torchvision.models.get_model(name)
    keys = list(ref.state_dict())
    assert keys != sorted(keys)
    assert list(_registration_order(dict.fromkeys(sorted(keys)))) == keys
