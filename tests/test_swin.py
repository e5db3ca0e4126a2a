"""Swin and Swin V2 are the same networks as torchvision's (and timm's, for V1)."""

import pytest
import torch

import zoo
from equivalence import assert_equivalent, timm_model, torchvision_model
from perturb import spread_constant_params
from zoo.models.swin import shifted_window_mask


def test_torchvision_swin_t_non_square():
    # 224x448: the last stage is one window tall (no vertical shift) and two wide (shifted)
    reference = spread_constant_params(torchvision_model("swin_t"))
    assert_equivalent("swin_t", reference, "torchvision", input_size=(224, 448), batch=1)


def test_timm_swin_t():
    # timm scales its windows with img_size, so it is compared at the size it was made for
    reference = spread_constant_params(timm_model("swin_tiny_patch4_window7_224"))
    assert_equivalent("swin_t", reference, "timm", input_size=(224, 224), batch=1)


@pytest.mark.slow
@pytest.mark.parametrize("name", ["swin_s", "swin_b"])
def test_torchvision_large(name):
    assert_equivalent(name, spread_constant_params(torchvision_model(name)), "torchvision", input_size=(224, 224), batch=1)


def test_torchvision_swin_v2_t_non_square():
    reference = spread_constant_params(torchvision_model("swin_v2_t"))  # the (ignored) key bias randomised too
    assert_equivalent("swin_v2_t", reference, "torchvision", input_size=(512, 256), batch=1)


@pytest.mark.slow
@pytest.mark.parametrize("name", ["swin_v2_s", "swin_v2_b"])
def test_torchvision_v2_large(name):
    assert_equivalent(name, spread_constant_params(torchvision_model(name)), "torchvision", input_size=(256, 256), batch=1)


def test_v2_exempts_its_position_mlp_and_logit_scales_from_decay():
    with torch.device("meta"):
        model = zoo.create_model("swin_v2_t")
    exempt = model.no_weight_decay()
    assert len(exempt) == 12 * 4 and {n.rsplit(".", 1)[-1] for n in exempt} == {"logit_scale", "weight", "bias"}
    assert model.img_size == 256


def test_shift_mask_separates_the_wrapped_regions():
    mask = shifted_window_mask(14, 7, 7, (3, 0))  # two windows stacked vertically, shift only along H
    assert mask.shape == (2, 49, 49)
    assert (mask[0] == 0).all()  # the top window holds one region
    rows = torch.arange(49) // 7  # row of each token in the bottom window: rows 4-6 wrapped from the top
    wrapped = rows >= 4
    assert ((mask[1] == 0) == (wrapped[:, None] == wrapped[None, :])).all()
    assert set(mask.unique().tolist()) == {0.0, -100.0}


@pytest.mark.parametrize("name,size", [("swin_t", (224, 288)), ("swin_v2_t", (200, 250))])
def test_any_input_size_as_torchvision(name, size):
    # torchvision pads each attention's map to whole windows (its detection transform pads to 32, not 224)
    reference = spread_constant_params(torchvision_model(name))
    assert_equivalent(name, reference, "torchvision", input_size=size, batch=1)


def test_sizes_below_one_patch_are_a_clear_error():
    with pytest.raises(ValueError, match="img_size must be at least the patch size 4"):
        zoo.create_model("swin_t", img_size=2)
    model = zoo.create_model("swin_t")
    with pytest.raises(ValueError, match="at least 4x4, got 3x300"):
        model(torch.randn(1, 3, 3, 300))


def test_nchw_intermediates_and_decay_exemptions():
    model = zoo.create_model("swin_t").eval()
    with torch.no_grad():
        maps = model.forward_intermediates(torch.randn(1, 3, 224, 224), intermediates_only=True)
    assert [tuple(m.shape) for m in maps] == [(1, 96, 56, 56), (1, 192, 28, 28), (1, 384, 14, 14), (1, 768, 7, 7)]
    exempt = model.no_weight_decay()
    assert len(exempt) == 12 and all(n.endswith("relative_position_bias_table") for n in exempt)
