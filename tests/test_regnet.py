"""RegNetX/Y: widths generated from the paper's parameters, and the same networks as torchvision's and timm's."""

import pytest
import torch

import zoo
from equivalence import assert_equivalent, timm_model, torchvision_model
from zoo.models.regnet import StageConfig, stage_config

X = ["regnet_x_400mf", "regnet_x_800mf", "regnet_x_1_6gf", "regnet_x_3_2gf", "regnet_x_8gf", "regnet_x_16gf", "regnet_x_32gf"]
Y = ["regnet_y_400mf", "regnet_y_800mf", "regnet_y_1_6gf", "regnet_y_3_2gf", "regnet_y_8gf", "regnet_y_16gf", "regnet_y_32gf",
     "regnet_y_128gf"]
SMALL = {"regnet_x_400mf", "regnet_x_1_6gf", "regnet_y_400mf", "regnet_y_800mf"}
ALIASES = {"regnetx_004_tv": "regnet_x_400mf", "regnetx_008": "regnet_x_800mf", "regnetx_016": "regnet_x_1_6gf",
           "regnetx_032": "regnet_x_3_2gf", "regnetx_080": "regnet_x_8gf", "regnetx_160": "regnet_x_16gf",
           "regnetx_320": "regnet_x_32gf", "regnety_004": "regnet_y_400mf", "regnety_008_tv": "regnet_y_800mf",
           "regnety_016": "regnet_y_1_6gf", "regnety_032": "regnet_y_3_2gf", "regnety_080_tv": "regnet_y_8gf",
           "regnety_160": "regnet_y_16gf", "regnety_320": "regnet_y_32gf"}


def _maybe_slow(names, fast):
    return [n if n in fast else pytest.param(n, marks=pytest.mark.slow) for n in names]


def test_stage_config_reproduces_the_paper():
    # RegNetX-400MF (d=22, w0=24, wa=24.48, wm=2.54, g=16): quantised widths 32, 64, 160, 392 over 1, 2, 7, 12
    # blocks; 392 is no multiple of g=16 and torchvision rounds it up to 400 (the paper's code: down to 384)
    assert stage_config(22, 24, 24.48, 2.54, 16) == [
        StageConfig(32, 1, 16), StageConfig(64, 2, 16), StageConfig(160, 7, 16), StageConfig(400, 12, 16)]
    # RegNetY-400MF: widths 48, 104, 208, 440; depths 1, 3, 6, 6; g = 8
    assert [(s.width, s.depth) for s in stage_config(16, 48, 27.89, 2.09, 8)] == [(48, 1), (104, 3), (208, 6), (440, 6)]


@pytest.mark.parametrize("name", X + Y)
def test_stage_config_matches_torchvision(name):
    from torchvision.models.regnet import BlockParams

    c = zoo.registry.get_entry(name).config  # the parameters the model is registered with
    ours = stage_config(c["depth"], c["w0"], c["wa"], c["wm"], c["group_width"])
    ref = BlockParams.from_init_params(c["depth"], c["w0"], c["wa"], c["wm"], c["group_width"])
    assert [(s.width, s.depth, s.group_width) for s in ours] == list(zip(ref.widths, ref.depths, ref.group_widths))


def test_stage_config_rejects_bad_parameters():
    with pytest.raises(ValueError, match="multiple of 8"):
        stage_config(16, 50, 27.89, 2.09, 8)
    with pytest.raises(ValueError, match="wm > 1"):
        stage_config(16, 48, 27.89, 1.0, 8)


@pytest.mark.parametrize("name", _maybe_slow(X + Y, SMALL))
def test_torchvision(name):
    # non-square and not a multiple of 32; the widest nets at a smaller input to stay quick
    size = (64, 56) if name in SMALL else (48, 40)
    assert_equivalent(name, torchvision_model(name), "torchvision", input_size=size)


@pytest.mark.parametrize("alias", list(ALIASES))
def test_timm_alias_is_the_same_architecture(alias):
    """Every alias: timm's state dict converts onto exactly the zoo model's keys and shapes (meta device)."""
    import timm

    assert zoo.registry.resolve_name(alias)[0] == ALIASES[alias]
    with torch.device("meta"):
        ref, ours = timm.create_model(alias), zoo.create_model(alias)
    converted = zoo.convert_state_dict(alias, ref.state_dict(), "timm")
    assert {k: v.shape for k, v in converted.items()} == {k: v.shape for k, v in ours.state_dict().items()}


@pytest.mark.parametrize("alias", _maybe_slow(
    ["regnetx_004_tv", "regnetx_016", "regnety_004", "regnety_008_tv", "regnetx_080", "regnety_080_tv"],
    {"regnetx_004_tv", "regnety_004", "regnety_008_tv"}))
def test_timm_alias_outputs(alias):
    assert_equivalent(alias, timm_model(alias), "timm", input_size=(48, 40))


def test_se_squeezes_the_block_input_and_drop_path_grows():
    m = zoo.create_model("regnet_y_400mf", drop_path_rate=0.1, zero_init_last=True)
    first = m.stages.s2[0]  # 48 → 104 channels: the squeeze width is 0.25 × 48, not 0.25 × 104
    assert first.se.fc1.out_channels == 12 and first.se.fc1.in_channels == 104
    rates = [b.drop_path.p if hasattr(b.drop_path, "p") else 0.0 for s in list(m.stages)[1:] for b in s]
    assert rates[0] == 0.0 and abs(rates[-1] - 0.1) < 1e-9 and rates == sorted(rates)
    assert all(not b.conv3.norm.weight.any() for s in list(m.stages)[1:] for b in s)
    m.train()
    out = m(torch.randn(2, 3, 64, 64))
    assert out.shape == (2, 1000) and torch.isfinite(out).all()
    assert not any(hasattr(b.se, "fc1") for s in list(zoo.create_model("regnet_x_400mf").stages)[1:] for b in s)
