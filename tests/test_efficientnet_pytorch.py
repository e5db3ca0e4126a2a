"""EfficientNet-PyTorch checkpoints (``_blocks.N._depthwise_conv``) load into the zoo's EfficientNets.

The reference is the ``efficientnet_pytorch`` package itself: ``EfficientNet.from_name`` with random
weights and randomised BatchNorm statistics, saved as its users save it (``torch.save(state_dict)``),
loaded with ``zoo.create_model(name, pretrained=path)``. Its convolutions pad as TensorFlow's 'same'
for a fixed ``image_size`` (the input of these tests) and its BatchNorm eps is 1e-3: the zoo builds the
model with those settings on its own, and says so.
"""

from __future__ import annotations

import pytest
import torch
from safetensors.torch import save_file

import zoo
from equivalence import randomize_norms, relative_error

efficientnet_pytorch = pytest.importorskip("efficientnet_pytorch")

TOL = 1e-5
SIZE = (67, 75)  # odd and non-square: TF 'same' pads asymmetrically here


def reference(variant: str) -> torch.nn.Module:
    torch.manual_seed(0)
    model = efficientnet_pytorch.EfficientNet.from_name(f"efficientnet-{variant}", image_size=SIZE)
    return randomize_norms(model).eval()


def check(variant: str, path) -> None:
    ref = reference(variant)
    if str(path).endswith(".safetensors"):  # keys sorted by name: the converter restores the order
        save_file({k: v.contiguous() for k, v in ref.state_dict().items()}, str(path))
    else:
        torch.save(ref.state_dict(), path)
    with pytest.warns(UserWarning, match=r"found the efficientnet_pytorch layout.*padding='same', bn_eps=0\.001"):
        model = zoo.create_model(f"efficientnet_{variant}", pretrained=str(path)).eval()
    x = torch.randn(2, 3, *SIZE)
    with torch.no_grad():
        assert relative_error(model(x), ref(x)) <= TOL


@pytest.mark.parametrize("variant", ["b0", "b1", "b2", "b3"])
def test_efficientnet_pytorch_checkpoint_gives_its_outputs(variant, tmp_path):
    check(variant, tmp_path / f"efficientnet-{variant}.pth")


@pytest.mark.slow
@pytest.mark.parametrize("variant", ["b4", "b5", "b6", "b7"])
def test_efficientnet_pytorch_large(variant, tmp_path):
    check(variant, tmp_path / f"efficientnet-{variant}.pth")


def test_keys_sorted_by_name_and_convert_state_dict(tmp_path):
    check("b0", tmp_path / "efficientnet-b0.safetensors")
    ref = reference("b0")
    state = zoo.convert_state_dict("efficientnet_b0", ref.state_dict(), source="efficientnet_pytorch")
    model = zoo.create_model("efficientnet_b0", padding="same", bn_eps=1e-3)
    model.load_state_dict(state, strict=True)


def test_load_pretrained_refuses_a_model_built_otherwise(tmp_path):
    path = tmp_path / "efficientnet-b0.pth"
    torch.save(reference("b0").state_dict(), path)
    model = zoo.create_model("efficientnet_b0")  # symmetric padding, eps 1e-5: these weights would misbehave
    before = {k: v.clone() for k, v in model.state_dict().items()}
    with pytest.warns(UserWarning, match="efficientnet_pytorch layout"):
        with pytest.raises(zoo.weights.IncompatibleWeightsError, match=r"trained with padding='same', bn_eps=0\.001"):
            zoo.load_pretrained(model, str(path))
    torch.testing.assert_close(model.state_dict(), before, rtol=0, atol=0)
    same = zoo.create_model("efficientnet_b0", padding="same", bn_eps=1e-3)
    with pytest.warns(UserWarning, match="efficientnet_pytorch layout"):
        zoo.load_pretrained(same, str(path))


def test_only_efficientnets_come_from_it():
    state = reference("b0").state_dict()
    with pytest.raises(ValueError, match="EfficientNet B0–B7"):
        zoo.convert_state_dict("mnasnet1_0", state, source="efficientnet_pytorch")
    with pytest.raises(ValueError, match="tensors"):  # another width and depth: B1's file for B0
        zoo.convert_state_dict("efficientnet_b0", reference("b1").state_dict(), source="efficientnet_pytorch")


def lite0_reference() -> torch.nn.Module:
    """EfficientNet-Lite0 in EfficientNet-PyTorch's classes, as its Lite ports are stored: B0's blocks
    without squeeze-excite and with ReLU6 in place of swish (at width and depth 1.0 Lite's fixed stem, head
    and end-stage depths are B0's own)."""
    from efficientnet_pytorch.utils import efficientnet

    torch.manual_seed(0)
    blocks_args, global_params = efficientnet(1.0, 1.0, image_size=SIZE)
    model = efficientnet_pytorch.EfficientNet([b._replace(se_ratio=None) for b in blocks_args], global_params)
    model._swish = torch.nn.ReLU6()
    for block in model._blocks:
        block._swish = torch.nn.ReLU6()
    return randomize_norms(model).eval()


def test_lite_checkpoint_in_its_layout_gives_its_outputs(tmp_path):
    ref = lite0_reference()
    assert not any("_se_" in k for k in ref.state_dict())
    torch.save(ref.state_dict(), tmp_path / "lite0.pth")
    with pytest.warns(UserWarning, match=r"found the efficientnet_pytorch layout.*padding='same', bn_eps=0\.001"):
        model = zoo.create_model("efficientnet_lite0", pretrained=str(tmp_path / "lite0.pth")).eval()
    x = torch.randn(2, 3, *SIZE)
    with torch.no_grad():
        assert relative_error(model(x), ref(x)) <= TOL
