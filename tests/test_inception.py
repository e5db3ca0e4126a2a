"""GoogLeNet, Inception v3, v4 and Inception-ResNet v2 are the same networks as torchvision's and timm's."""

import pytest
import torch
from torch import nn

import zoo
from equivalence import (assert_equivalent, load_converted, randomize_norms, relative_error, timm_model,
                         torchvision_model)

# non-square, odd sizes: the "valid" convs, ceil-mode pools and uncounted pool padding must all match
SIZE = (83, 97)


@pytest.mark.parametrize("name", ["googlenet", "inception_v3"])
def test_torchvision(name):
    assert_equivalent(name, torchvision_model(name, aux_logits=False, init_weights=True), "torchvision",
                      input_size=SIZE)


@pytest.mark.parametrize("name", ["inception_v3", "inception_v4",
                                  pytest.param("inception_resnet_v2", marks=pytest.mark.slow)])
def test_timm(name):
    assert_equivalent(name, timm_model(name), "timm", input_size=SIZE)


@pytest.mark.parametrize("name", ["googlenet"])  # the same code serves inception_v3
def test_transform_input(name):
    """torchvision's re-normalisation for the Google weights, as a keyword."""
    ref = torchvision_model(name, aux_logits=False, transform_input=True, init_weights=True)
    model = assert_equivalent(name, ref, "torchvision", input_size=SIZE, transform_input=True)
    x = torch.randn(1, 3, *SIZE)
    # random weights wash the input's scale out of the logits: check the re-normalised input itself
    assert torch.allclose(model.forward_stem(x), ref._transform_input(x), atol=1e-6)
    assert not torch.allclose(model.forward_stem(x), x, atol=1e-2)


def _no_dropout(model: nn.Module) -> nn.Module:
    for m in model.modules():
        if isinstance(m, nn.Dropout):
            m.p = 0.0
    return model


@pytest.mark.parametrize("name, size", [("googlenet", (96, 112)), ("inception_v3", (299, 307))])
def test_aux_logits_in_training_match_torchvision(name, size):
    """Training mode (BatchNorm on batch statistics, dropout off): main and auxiliary logits agree."""
    ref = randomize_norms(torchvision_model(name, aux_logits=True, init_weights=True))
    model = load_converted(name, ref, "torchvision", aux_logits=True)
    _no_dropout(ref).train(), _no_dropout(model).train()
    x = torch.randn(2, 3, *size)
    with torch.no_grad():
        expected, out = ref(x), model(x)
    assert type(out).__name__ == type(expected).__name__ and out._fields == expected._fields
    for field, a, b in zip(out._fields, out, expected):
        assert a.shape == b.shape and relative_error(a, b) <= 1e-5, f"{name}.{field}"
    # eval mode: the main logits only, as torchvision
    model.eval(), ref.eval()
    with torch.no_grad():
        logits = model(x)
    assert isinstance(logits, torch.Tensor) and relative_error(logits, ref(x)) <= 1e-5


def test_aux_heads_follow_the_classifier_and_leave_with_it():
    model = zoo.create_model("googlenet", aux_logits=True, num_classes=10).train()
    out = model(torch.randn(2, 3, 64, 64))
    assert [t.shape for t in out] == [(2, 10)] * 3
    model.reset_classifier(5)
    assert [t.shape for t in model(torch.randn(2, 3, 64, 64))] == [(2, 5)] * 3
    assert isinstance(zoo.create_model("googlenet").train()(torch.randn(2, 3, 64, 64)), torch.Tensor)
    backbone = zoo.create_model("inception_v3", aux_logits=True, features_only=True, out_indices=(3, 4))
    assert backbone.model.aux_heads is None
    assert not any(k.startswith("model.aux_heads") for k in backbone.state_dict())


def test_inception_v3_aux_head_needs_a_larger_input_in_training():
    model = zoo.create_model("inception_v3", aux_logits=True).train()
    with pytest.raises(ValueError, match="auxiliary classifiers need an input of at least 299x299"):
        model(torch.randn(2, 3, 298, 298))
    with torch.no_grad():  # the network itself takes it, in eval mode
        assert model.eval()(torch.randn(1, 3, 75, 75)).shape == (1, 1000)


def test_transform_input_needs_rgb():
    with pytest.raises(ValueError, match="in_chans=3"):
        zoo.create_model("googlenet", in_chans=1, transform_input=True)


def test_inception_resnet_drop_path_grows_linearly():
    model = zoo.create_model("inception_resnet_v2", drop_path_rate=0.2)
    rates = [getattr(b.drop_path, "p", 0.0) for s in model.stages for b in s.modules() if hasattr(b, "drop_path")]
    assert len(rates) == 40 and rates[0] == 0.0 and abs(rates[-1] - 0.2) < 1e-9 and rates == sorted(rates)
    model.train()
    assert torch.isfinite(model(torch.randn(2, 3, 75, 75))).all()
