"""LeNet-5: the same network as mmpretrain's ``LeNet5`` on 1×32×32 images, and any larger input through its pool."""

import torch

import zoo
from equivalence import assert_equivalent, mmpretrain_classifier


def lenet_reference():
    return mmpretrain_classifier(backbone=dict(type="LeNet5", num_classes=10), head=dict(type="ClsHead"))


def test_mmpretrain():
    # mmpretrain's LeNet5 squeezes its 1×1 C5 map into a vector: only 32×32 goes through it
    assert_equivalent("lenet5", lenet_reference(), "mmpretrain", input_size=(32, 32))


def test_larger_inputs_average_the_c5_map():
    """At 37×45 (odd, non-square) the zoo's head averages C5 where mmpretrain needs a 1×1 map; the layers agree."""
    ref = lenet_reference().eval()
    model = zoo.create_model("lenet5")
    model.load_state_dict(zoo.convert_state_dict("lenet5", ref.state_dict(), "mmpretrain"))
    x = torch.randn(3, 1, 37, 45)
    with torch.no_grad():
        c5 = ref.backbone.features(x)
        assert torch.allclose(model.forward_features(x), c5)
        assert torch.allclose(model.eval()(x), ref.backbone.classifier(c5.mean((2, 3))), atol=1e-6)


def test_defaults_are_the_paper_digits_network():
    info = zoo.model_info("lenet5")
    assert info.input_size == (1, 32, 32) and info.family == "lenet"
    model = zoo.create_model("lenet5")
    # timm's meanings: num_features is C5's map width, head_hidden_size F6's pooled pre-logits width
    assert (model.in_chans, model.num_classes, model.num_features, model.head_hidden_size) == (1, 10, 120, 84)
    p = zoo.profile("lenet5")  # at the catalog's 1×32×32
    # C1: 28²·6·25, C3: 10²·16·150, C5: 120·400, F6: 120·84, output: 84·10
    assert p.macs == 28 * 28 * 6 * 25 + 10 * 10 * 16 * 150 + 120 * 400 + 120 * 84 + 84 * 10
    assert p.params == 61706
    rgb = zoo.create_model("lenet5", in_chans=3, num_classes=100)
    assert rgb(torch.randn(2, 3, 32, 32)).shape == (2, 100)
