"""MaxViT is the same network as torchvision's maxvit_t; its partitions, sizes and features."""

import csv
from pathlib import Path

import pytest
import torch

import zoo
from equivalence import assert_equivalent, randomize_norms, relative_error, torchvision_model
from perturb import spread_constant_params
from zoo.models.maxvit import merge, partition

# a three-stage MaxViT with every kind of block (downsampling and not), cheap enough for many checks;
# its stage maps are multiples of 7 from 109 to 112 pixels
SMALL = dict(stem_width=16, depths=(2, 1, 1), widths=(16, 32, 64), head_dim=8)
TV_SMALL = dict(input_size=(112, 112), stem_channels=16, block_layers=[2, 1, 1], block_channels=[16, 32, 64],
                head_dim=8, partition_size=7, stochastic_depth_prob=0.0)


def small_torchvision_maxvit():
    from torchvision.models.maxvit import MaxVit

    torch.manual_seed(0)
    return spread_constant_params(MaxVit(**TV_SMALL))


def test_torchvision_maxvit_t_odd_non_square():
    # torchvision runs any input whose stage maps are those of 224 (here 221x223: 111x112, then 56 … 7)
    reference = spread_constant_params(torchvision_model("maxvit_t"))
    assert_equivalent("maxvit_t", reference, "torchvision", input_size=(221, 223), batch=1)


def test_torchvision_small_config_batch_of_two():
    # a batch of two: partitions that mixed images up would show here
    assert_equivalent("maxvit_t", small_torchvision_maxvit(), "torchvision", input_size=(109, 111), batch=2, **SMALL)


def test_a_torchvision_checkpoint_file_loads_through_pretrained(tmp_path):
    reference = randomize_norms(small_torchvision_maxvit()).eval()
    path = tmp_path / "maxvit_small.pth"
    torch.save(reference.state_dict(), path)
    model = zoo.create_model("maxvit_t", pretrained=str(path), **SMALL).eval()
    x = torch.randn(1, 3, 112, 112)
    with torch.no_grad():
        assert relative_error(model(x), reference(x)) <= 1e-5


def test_profile_equals_the_reference_table():
    table = Path("/work/shared/reference/models.csv")
    rows = {r["name"]: r for r in csv.DictReader(table.open())} if table.exists() else {}
    info = zoo.model_info("maxvit_t")
    row = rows.get("maxvit_t", {"params": info.params, "gmacs": info.gmacs})
    p = zoo.profile("maxvit_t", (3, 224, 224))
    assert p.params == int(row["params"]) == info.params == 30_919_624
    assert round(p.macs / 1e9, 3) == float(row["gmacs"]) == info.gmacs


def test_block_and_grid_partitions():
    H, W, size = 14, 21, 7
    x = torch.arange(2 * 3 * H * W, dtype=torch.float32).view(2, 3, H, W)
    for grid in (False, True):
        t = partition(x, size, grid)
        assert t.shape == (2, (H // size) * (W // size), size * size, 3)
        assert torch.equal(merge(t, size, H, W, grid), x)
    rows, cols = torch.div(t[0, :, :, 0], W, rounding_mode="floor"), t[0, :, :, 0] % W
    # grid attention: each group is a 7×7 grid of pixels H/7 = 2 rows and W/7 = 3 columns apart
    assert torch.equal(rows[1], torch.arange(0, H, 2).repeat_interleave(7))
    assert torch.equal(cols[1], torch.tensor([1, 4, 7, 10, 13, 16, 19]).repeat(7))
    window = partition(x, size, False)[0, 1, :, 0]  # the second block: rows 0–6, columns 7–13
    assert torch.equal(window, x[0, 0, :7, 7:14].flatten())


def test_sizes_follow_the_partition_rule_with_a_clear_error():
    with pytest.raises(ValueError, match=r"multiple of the partition size 7 .* input of 224 .* got img_size 200x200, "
                                         r"whose stage maps are 50x50, 25x25, 13x13, 7x7"):
        zoo.create_model("maxvit_t", img_size=200)
    model = zoo.create_model("maxvit_t", **SMALL, img_size=112).eval()
    with pytest.raises(ValueError, match="got an input of 112x100"):
        model(torch.randn(1, 3, 112, 100))
    with torch.no_grad():  # beyond torchvision (square grids only): the 7×7 grid spans a 112x224 map too
        assert model(torch.randn(1, 3, 112, 224)).shape == (1, 1000)


def test_features_are_nchw_at_strides_2_to_32():
    with torch.device("meta"):
        full = zoo.create_model("maxvit_t")
    assert [(f.channels, f.reduction) for f in full.feature_info] == [(64, 2), (64, 4), (128, 8), (256, 16), (512, 32)]
    assert len(full.no_weight_decay()) == 2 * 11  # one bias table per attention layer
    backbone = zoo.create_model("maxvit_t", **SMALL, features_only=True, out_indices=(1, 2, 3)).eval()
    with torch.no_grad():
        maps = backbone(torch.randn(2, 3, 112, 224))
    assert [tuple(m.shape) for m in maps] == [(2, 16, 28, 56), (2, 32, 14, 28), (2, 64, 7, 14)]
    assert backbone.channels() == [16, 32, 64] and backbone.reductions() == [4, 8, 16]


def test_head_has_no_bias_after_a_reset():
    model = zoo.create_model("maxvit_t", **SMALL, num_classes=10)
    assert model.head.fc.bias is None
    model.reset_classifier(5)
    assert model.head.fc.bias is None and model.head.fc.out_features == 5


def test_fuse_keeps_the_outputs():
    # the MBConv's input norm and projection shortcut stay unfused; every ConvNormAct's BatchNorm is folded
    torch.manual_seed(0)
    model = randomize_norms(zoo.create_model("maxvit_t", **SMALL)).eval()
    fused = zoo.fuse(model)
    x = torch.randn(2, 3, 112, 112)
    with torch.no_grad():
        assert relative_error(fused(x), model(x)) <= 1e-5


def test_trains_with_stochastic_depth_and_dropout():
    torch.manual_seed(0)
    model = zoo.create_model("maxvit_t", **SMALL, drop_path_rate=0.2, drop_rate=0.1, attn_drop_rate=0.1,
                             proj_drop_rate=0.1).train()
    model(torch.randn(2, 3, 112, 112)).logsumexp(1).mean().backward()
    assert all(p.grad is not None and p.grad.isfinite().all() for p in model.parameters())
    blocks = [b for s in ("stage1", "stage2", "stage3") for b in getattr(model.stages, s)]
    rates = [b.mbconv.drop_path.p if b.mbconv.drop_path is not None else 0.0 for b in blocks]
    assert [b.grid_attn.drop_path.p for b in blocks[1:]] == rates[1:]
    assert rates == pytest.approx([0.0, 0.2 / 3, 0.4 / 3, 0.2])  # linear over all blocks, as torchvision
