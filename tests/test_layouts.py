"""``pretrained=path`` tells whose layout a weight file is in (zoo, timm, torchvision, mmpretrain,
efficientnet_pytorch) by its keys, says which it found, and refuses files it cannot place."""

from __future__ import annotations

import pytest
import timm
import torch
import torchvision
from safetensors.torch import save_file

import zoo
from equivalence import randomize_norms, relative_error
from zoo.weights.layouts import AmbiguousLayoutError
from zoo.weights.load import IncompatibleWeightsError, _Fit, _one_layout


def outputs_match(model, reference, size=(3, 67, 75)) -> bool:
    x = torch.randn(2, *size)
    with torch.no_grad():
        return relative_error(model.eval()(x), reference.eval()(x)) <= 1e-5


@pytest.mark.parametrize("found, make", [
    ("torchvision", lambda: torchvision.models.regnet_x_400mf()),
    ("timm", lambda: timm.create_model("regnetx_004_tv")),
], ids=["torchvision", "timm"])
def test_the_layout_found_is_named(found, make, tmp_path):
    reference = randomize_norms(make()).eval()
    path = tmp_path / "weights.pth"
    torch.save(reference.state_dict(), path)
    with pytest.warns(UserWarning, match=rf"found the {found} layout for regnet_x_400mf"):
        model = zoo.create_model("regnet_x_400mf", pretrained=str(path))
    assert outputs_match(model, reference)

    own = tmp_path / "zoo.safetensors"
    save_file(model.state_dict(), str(own))
    with pytest.warns(UserWarning, match="found the zoo layout"):
        assert outputs_match(zoo.create_model("regnet_x_400mf", pretrained=own), reference)


def test_one_layout_under_two_names_is_not_ambiguous(tmp_path):
    """timm's and torchvision's ResNet keys are the same: both fit, with the same tensors."""
    reference = randomize_norms(torchvision.models.resnet18()).eval()
    path = tmp_path / "resnet18.pth"
    torch.save(reference.state_dict(), path)
    with pytest.warns(UserWarning, match="found the torchvision / timm layout"):
        assert outputs_match(zoo.create_model("resnet18", pretrained=str(path)), reference)


def test_an_unknown_layout_lists_every_layout_tried(tmp_path):
    path = tmp_path / "other.pth"
    torch.save({f"encoder.block{i}.weight": torch.randn(4, 4) for i in range(3)}, path)
    with pytest.raises(IncompatibleWeightsError) as err:
        zoo.create_model("resnet18", pretrained=str(path))
    tried = str(err.value).split("tried:")[1]
    for layout in ("zoo", "torchvision", "timm", "mmpretrain", "efficientnet_pytorch"):
        assert layout in tried


def test_marks_of_two_layouts_are_ambiguous(tmp_path):
    path = tmp_path / "mixed.pth"
    torch.save({"backbone.conv1.weight": torch.randn(8, 3, 3, 3), "_blocks.0._depthwise_conv.weight":
                torch.randn(8, 1, 3, 3)}, path)
    with pytest.raises(AmbiguousLayoutError, match=r"more than one layout: mmpretrain.*efficientnet_pytorch"):
        zoo.create_model("efficientnet_b0", pretrained=str(path))


def test_two_layouts_that_load_different_tensors_are_ambiguous():
    a, b = torch.randn(3), torch.randn(3)
    fits = {"timm": _Fit(state={"w": a, "v": b}), "torchvision": _Fit(state={"w": b, "v": a})}
    with pytest.raises(AmbiguousLayoutError, match=r"more than one layout \(timm, torchvision\)"):
        _one_layout(fits, "file.pth", "resnet18")
    assert _one_layout({"timm": fits["timm"], "torchvision": fits["timm"]}, "file.pth", "resnet18") == [
        "timm", "torchvision"]


def test_a_foreign_layout_needs_the_model_name(tmp_path):
    path = tmp_path / "mm.pth"
    torch.save({"meta": {"epoch": 1}, "state_dict": {"backbone.conv1.weight": torch.randn(8, 3, 3, 3)}}, path)
    with pytest.raises(TypeError, match=r"mmpretrain weights.*create_model\('<name>'"):
        zoo.create_model(pretrained=str(path))
