"""ViT is the same network as torchvision's and timm's; position embeddings resample as timm's do."""

import pytest
import torch

import zoo
from equivalence import assert_equivalent, timm_model, torchvision_model
from perturb import random_on_meta, spread_constant_params
from zoo.models.vit import resample_pos_embed

# torchvision takes square sizes only; timm also non-square ones
TORCHVISION = [("vit_b_16", 64), ("vit_b_32", 96)]
TORCHVISION_SLOW = [("vit_l_16", 48), ("vit_l_32", 64), ("vit_h_14", 42)]


@pytest.mark.parametrize("name,size", TORCHVISION)
def test_torchvision(name, size):
    reference = spread_constant_params(torchvision_model(name, image_size=size))
    assert_equivalent(name, reference, "torchvision", input_size=(size, size), img_size=size)


@pytest.mark.slow
@pytest.mark.parametrize("name,size", TORCHVISION_SLOW)
def test_torchvision_large(name, size):
    # random weights drawn directly: the references' own initialisers take most of a minute here
    reference = random_on_meta(lambda: torchvision_model(name, image_size=size))
    assert_equivalent(name, reference, "torchvision", input_size=(size, size), batch=1, img_size=size)


# timm's converter is one key pattern for all sizes: the three smallest networks prove it
@pytest.mark.parametrize("name", ["vit_ti_16", "vit_s_16", "vit_b_16"])
def test_timm(name):
    timm_name = {"vit_ti_16": "vit_tiny_patch16_224", "vit_s_16": "vit_small_patch16_224"}.get(name, "vit_base_patch16_224")
    reference = spread_constant_params(timm_model(timm_name, img_size=(64, 48)))
    assert_equivalent(name, reference, "timm", input_size=(64, 48), img_size=(64, 48))


def test_timm_aliases_name_networks_of_the_same_size():
    import timm

    for alias in zoo.model_info("vit_l_32").aliases + zoo.model_info("vit_s_16").aliases:
        with torch.device("meta"):
            ours, theirs = zoo.create_model(alias), timm.create_model(alias, num_classes=1000)
        assert sum(p.numel() for p in ours.parameters()) == sum(p.numel() for p in theirs.parameters())


@pytest.mark.parametrize("old,new", [((14, 14), (24, 24)), ((14, 14), (7, 9)), ((4, 6), (6, 4))])
def test_resample_pos_embed_matches_timm(old, new):
    from timm.layers import resample_abs_pos_embed

    pos = torch.randn(1, 1 + old[0] * old[1], 32)
    ours = resample_pos_embed(pos, new, old_grid=old)
    assert ours.shape == (1, 1 + new[0] * new[1], 32)
    assert torch.equal(ours[:, 0], pos[:, 0])
    torch.testing.assert_close(ours, resample_abs_pos_embed(pos, list(new), list(old), num_prefix_tokens=1))
    assert resample_pos_embed(pos, old, old_grid=old) is pos


def test_weights_made_at_another_size_load_after_resampling():
    torch.manual_seed(0)
    small = zoo.create_model("vit_ti_16", img_size=32)
    state = small.state_dict()
    state["pos_embed"] = resample_pos_embed(state["pos_embed"], (4, 3))
    big = zoo.create_model("vit_ti_16", img_size=(64, 48))
    big.load_state_dict(state, strict=True)
    with torch.no_grad():
        assert torch.isfinite(big.eval()(torch.randn(1, 3, 64, 48))).all()
    with pytest.raises(ValueError, match="form no square grid"):
        resample_pos_embed(state["pos_embed"], (2, 2))


def test_sizes_are_checked_with_a_clear_error():
    with pytest.raises(ValueError, match="multiple of the patch size 16"):
        zoo.create_model("vit_ti_16", img_size=100)
    model = zoo.create_model("vit_ti_16", img_size=32)
    with pytest.raises(ValueError, match="built for 32x32 inputs .* got 48x32"):
        model(torch.randn(1, 3, 48, 32))


def test_intermediates_are_the_patch_grid_and_decay_exemptions():
    model = zoo.create_model("vit_ti_16", img_size=(64, 32)).eval()
    x = torch.randn(2, 3, 64, 32)
    with torch.no_grad():
        maps = model.forward_intermediates(x, indices=[0, -1], intermediates_only=True)
        tokens = model.stages(model.forward_stem(x))
    assert [tuple(m.shape) for m in maps] == [(2, 192, 4, 2)] * 2
    # the grid is row-major over the patches, without the class token
    assert torch.equal(maps[1][:, :, 1, 0], tokens[:, 1 + 2])
    names = dict(model.named_parameters())
    assert model.no_weight_decay() == {"pos_embed", "cls_token"} and model.no_weight_decay() <= set(names)


def test_dynamic_img_size_and_set_input_size_as_timm():
    reference = spread_constant_params(timm_model("vit_tiny_patch16_224", dynamic_img_size=True))
    model = assert_equivalent("vit_ti_16", reference, "timm", input_size=(176, 240), batch=1, dynamic_img_size=True)
    maps = model.forward_intermediates(torch.randn(1, 3, 96, 64), indices=1, intermediates_only=True)
    assert [tuple(m.shape) for m in maps] == [(1, 192, 6, 4)]
    with pytest.raises(ValueError, match="multiples of the patch size 16, got 96x60"):
        model(torch.randn(1, 3, 96, 60))
    # set_input_size resamples the position embedding in place, as timm's does
    fixed = zoo.create_model("vit_ti_16")
    fixed.load_state_dict(model.state_dict())
    fixed.set_input_size((160, 256))
    reference.set_input_size((160, 256))
    assert fixed.img_size == (160, 256) and fixed.pos_embed.shape == reference.pos_embed.shape
    assert torch.equal(fixed.pos_embed, reference.pos_embed)
    with pytest.raises(ValueError, match="patch size of VisionTransformer is fixed at 16"):
        fixed.set_input_size(patch_size=14)
