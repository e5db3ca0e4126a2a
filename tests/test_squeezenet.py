"""SqueezeNet 1.0 and 1.1: the same networks as torchvision's; the conv classifier keeps the head contract."""

import pytest
import torch

import zoo
from equivalence import assert_equivalent, torchvision_model


@pytest.mark.parametrize("name", ["squeezenet1_0", "squeezenet1_1"])
def test_torchvision(name):
    assert_equivalent(name, torchvision_model(name), "torchvision", input_size=(67, 45))


def test_fire_modules_follow_table_1():
    """SqueezeNet 1.0: fire2 … fire9 squeeze to 16, 16, 32, 32, 48, 48, 64, 64 and expand to 8× that."""
    model = zoo.create_model("squeezenet1_0")
    fires = [m for m in model.modules() if type(m).__name__ == "Fire"]
    assert [f.squeeze.conv.out_channels for f in fires] == [16, 16, 32, 32, 48, 48, 64, 64]
    assert [f.out_chs for f in fires] == [128, 128, 256, 256, 384, 384, 512, 512]
    assert [f.reduction for f in model.feature_info] == [2, 4, 8, 16]


def test_conv_classifier_scores_then_pools():
    torch.manual_seed(0)
    model = zoo.create_model("squeezenet1_1", num_classes=7).eval()
    x = torch.randn(2, 3, 64, 80)
    with torch.no_grad():
        feats = model.forward_features(x)
        # the ReLU between the 1×1 conv and the pool: scoring every position, then averaging
        expected = torch.relu(model.head.fc(feats)).mean((2, 3))
        assert torch.allclose(model(x), expected)
        assert torch.allclose(model.forward_head(feats, pre_logits=True), feats.mean((2, 3)))
    model.reset_classifier(0)
    with torch.no_grad():
        assert torch.allclose(model(x), feats.mean((2, 3)))
    features = zoo.create_model("squeezenet1_1", num_classes=0)
    assert features.num_features == 512 and not list(features.head.parameters())
