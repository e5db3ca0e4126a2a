"""DenseNet-121/161/169/201: the same networks as torchvision's and timm's, memory-efficient option included."""

import re

import pytest
import torch

import zoo
from equivalence import assert_equivalent, saved_bytes, timm_model, torchvision_model

SIZE = (67, 45)  # odd, non-square
slow = pytest.mark.slow


@pytest.mark.parametrize("name", ["densenet121"] + [pytest.param(n, marks=slow) for n in
                                                    ("densenet161", "densenet169", "densenet201")])
def test_torchvision(name):
    assert_equivalent(name, torchvision_model(name), "torchvision", input_size=SIZE)


@pytest.mark.parametrize("name", ["densenet121", pytest.param("densenet161", marks=slow)])
def test_timm(name):
    assert_equivalent(name, timm_model(name), "timm", input_size=SIZE)


def test_released_files_older_key_spelling():
    """torchvision's downloadable files spell the layer keys ``norm.1``/``conv.2`` (its loader renames them):
    the converter reads both spellings."""
    ref = torchvision_model("densenet121")
    old = {re.sub(r"(denselayer\d+\.(?:norm|conv))([12])\.", r"\1.\2.", k): v for k, v in ref.state_dict().items()}
    assert any(".norm.1." in k for k in old)
    assert zoo.convert_state_dict("densenet121", old, "torchvision").keys() == \
        zoo.convert_state_dict("densenet121", ref.state_dict(), "torchvision").keys()


def test_block_config_is_the_paper_table():
    """Table 1: k new channels per layer, halved by each transition: 64 → 256 → 128+12k … for DenseNet-121."""
    for name, k, blocks, stem in [("densenet121", 32, (6, 12, 24, 16), 64), ("densenet161", 48, (6, 12, 36, 24), 96),
                                  ("densenet169", 32, (6, 12, 32, 32), 64), ("densenet201", 32, (6, 12, 48, 32), 64)]:
        with torch.device("meta"):
            model = zoo.create_model(name)
        chs, expected = stem, [stem]
        for i, n in enumerate(blocks):
            chs = (chs // 2 if i else chs) + n * k
            expected.append(chs)
        assert [f.channels for f in model.feature_info] == expected, name
        assert [f.reduction for f in model.feature_info] == [2, 4, 8, 16, 32]
        assert zoo.list_models(family="densenet") == ["densenet121", "densenet161", "densenet169", "densenet201"]


def test_memory_efficient_gives_the_same_gradients_and_stores_less():
    torch.manual_seed(0)
    plain = zoo.create_model("densenet121", num_classes=5).train()
    efficient = zoo.create_model("densenet121", num_classes=5, memory_efficient=True).train()
    efficient.load_state_dict(plain.state_dict())
    x = torch.randn(2, 3, 64, 48)
    outs = []
    for model in (plain, efficient):
        out, saved = saved_bytes(model, x)
        out.square().sum().backward()
        outs.append((out, saved))
    assert torch.allclose(outs[0][0], outs[1][0], atol=1e-6)
    assert outs[1][1] < 0.7 * outs[0][1], (outs[1][1], outs[0][1])
    for (n, p), q in zip(plain.named_parameters(), efficient.parameters()):
        assert torch.allclose(p.grad, q.grad, rtol=1e-4, atol=1e-6), n


def test_mmpretrain():
    from equivalence import mmpretrain_classifier

    ref = mmpretrain_classifier(backbone=dict(type="DenseNet", arch="121"), neck=dict(type="GlobalAveragePooling"),
                                head=dict(type="LinearClsHead", num_classes=1000, in_channels=1024))
    assert_equivalent("densenet121", ref, "mmpretrain", input_size=SIZE)
