"""NASNet-A Large: cells built from their description, and the same network as timm's nasnetalarge."""

import pytest
import torch

import zoo
from equivalence import assert_equivalent, relative_error, timm_model
from zoo.blocks import PadSame, same_padding
from zoo.models.nasnet import NASNet, NORMAL_CELL, REDUCTION_CELL, Cell


def test_same_padding_puts_the_odd_pixel_at_the_end():
    assert same_padding(6, 3, 2) == (0, 1) and same_padding(7, 3, 2) == (1, 1)
    assert same_padding(6, 7, 2) == (2, 3) and same_padding(5, 5, 1) == (2, 2)
    x = torch.ones(1, 1, 6, 7)
    assert PadSame(3, 2, value=-1.0)(x).shape == (1, 1, 7, 9)


def test_equivalent_to_timm():
    # 54×47 → stem conv 26×23 → 13×12 → 7×6 → 4×3: every strided "SAME" window sees both an even and
    # an odd size, so the asymmetric padding and the shifted factorised reduction are all checked
    ref = timm_model("nasnetalarge")
    model = assert_equivalent("nasnet_a_large", ref, "timm", input_size=(54, 47), batch=1)
    x = torch.randn(1, 3, 54, 47)
    with torch.no_grad():
        ours = model.forward_intermediates(x, intermediates_only=True)
        _, theirs = ref.forward_intermediates(x)
    assert [m.shape for m in ours] == [m.shape for m in theirs]
    assert max(relative_error(a, b) for a, b in zip(ours, theirs)) <= 1e-5


def test_cells_follow_their_description():
    normal = Cell(NORMAL_CELL, cur_chs=48, prev_chs=32, chs=8, prev="conv")
    reduction = Cell(REDUCTION_CELL, cur_chs=48, prev_chs=48, chs=8, prev="conv", skip_input=True)
    cur, prev = torch.randn(2, 48, 9, 10), torch.randn(2, 32, 9, 10)
    out, passed_on = normal((cur, prev))
    assert out.shape == (2, 8 * len(NORMAL_CELL.concat), 9, 10) and passed_on is cur
    out, passed_on = reduction((cur, cur))
    assert out.shape == (2, 8 * len(REDUCTION_CELL.concat), 5, 5) and passed_on is cur
    # the normal cell's third block adds h_{i-1} unchanged: an identity, with no parameters
    assert isinstance(normal.blocks[2].right, torch.nn.Identity)
    with pytest.raises(ValueError, match="prev must be"):
        Cell(NORMAL_CELL, cur_chs=48, prev_chs=32, chs=8, prev="pool")


def test_scheduled_drop_path():
    assert "drop_path_rate" in zoo.registry.get_entry("nasnet_a_large").accepted_keywords()
    torch.manual_seed(0)
    m = NASNet(cells_per_stage=2, penultimate_filters=192, stem_width=8, drop_path_rate=0.3)  # a small NASNet-A
    cells = [c for stage in list(m.stages)[1:] for c in stage]
    rates = [c.blocks[0].drop_path.p for c in cells]
    assert len(cells) == 2 + 3 * 2 + 2 and rates == sorted(rates) and abs(rates[-1] - 0.3) < 1e-9 and rates[0] > 0
    m.train()
    torch.manual_seed(0)
    x = torch.randn(2, 3, 35, 35)
    a, b = m(x), m(x)
    assert torch.isfinite(a).all() and not torch.equal(a, b)  # a different set of paths dropped each call
    m.eval()
    with torch.no_grad():
        assert torch.equal(m(x), m(x))
    with pytest.raises(ValueError, match="multiple of 96"):
        NASNet(penultimate_filters=1000)


def test_bad_cell_description_is_a_clear_error():
    from zoo.models.nasnet import CellSpec

    with pytest.raises(ValueError, match="unknown operation 'conv9'"):
        Cell(CellSpec((("conv9", 0, "id", 1),), (2,), False), cur_chs=8, prev_chs=8, chs=8, prev="conv")
    with pytest.raises(ValueError, match="cannot change the width"):
        Cell(NORMAL_CELL, cur_chs=8, prev_chs=16, chs=8, prev="raw")  # a pool on the raw 16-channel h_{i-1}
