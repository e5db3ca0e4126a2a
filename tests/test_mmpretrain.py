"""OpenMMLab (mmpretrain) checkpoints load into the zoo's models and give mmpretrain's outputs.

Each case builds mmpretrain's own ``ImageClassifier`` from the config its model index names
(``mmpretrain.get_model(name)``, random weights, randomised norm statistics), saves it as mmengine's
runner does (``{"meta": ..., "state_dict": ...}`` through ``mmengine.runner.save_checkpoint``) and
loads the file with ``zoo.create_model(name, pretrained=path)``. mmpretrain runs on ``mmcv-lite``
(no compiled ops; installed with ``pip install --no-deps mmpretrain``), imported here without patches.
"""

from __future__ import annotations

import warnings

import pytest
import torch

import zoo
from zoo.weights import IncompatibleWeightsError
from equivalence import randomize_norms, relative_error
from perturb import spread_constant_params

pytest.importorskip("mmpretrain", reason="pip install mmengine mmcv-lite ... && pip install --no-deps mmpretrain")
pytestmark = pytest.mark.xdist_group("mmpretrain")  # one worker imports it (slow) for all cases

TOL = 1e-5

# zoo name, mmpretrain model-index name, input (H, W), zoo keywords
CASES = [
    ("resnet18", "resnet18_8xb32_in1k", (67, 75), {}),
    ("resnext50_32x4d", "resnext50-32x4d_8xb32_in1k", (67, 75), {}),
    ("vgg11_bn", "vgg11bn_8xb32_in1k", (224, 224), {}),  # mmpretrain's VGG flattens a 7×7 map: 224 only
    ("inception_v3", "inception-v3_3rdparty_8xb32_in1k", (107, 131), {}),
    ("mobilenet_v2", "mobilenet-v2_8xb32_in1k", (67, 75), {}),
    ("regnet_x_800mf", "regnetx-800mf_8xb128_in1k", (67, 75), {}),
    ("mobilenet_v3_small", "mobilenet-v3-small_8xb128_in1k", (67, 75), {}),
    ("efficientnet_b0", "efficientnet-b0_3rdparty_8xb32_in1k", (67, 75), {}),
    ("efficientnet_v2_s", "efficientnetv2-s_3rdparty_in1k", (67, 75), {}),
    ("convnext_tiny", "convnext-tiny_32xb128_in1k", (67, 75), {}),
    ("swin_t", "swin-tiny_16xb64_in1k", (224, 224), {}),
    ("swin_v2_t", "swinv2-tiny-w8_3rdparty_in1k-256px", (256, 256), {}),
    ("vit_b_32", "vit-base-p32_in21k-pre_3rdparty_in1k-384px", (384, 384), {"img_size": 384}),
]
SLOW = [
    ("resnet50", "resnet50_8xb32_in1k", (67, 75), {}),
    ("wide_resnet50_2", "wide-resnet50_3rdparty_8xb32_in1k", (67, 75), {}),
    ("vgg16", "vgg16_8xb32_in1k", (224, 224), {}),
    ("mobilenet_v3_large", "mobilenet-v3-large_8xb128_in1k", (67, 75), {}),
    ("efficientnet_b3", "efficientnet-b3_3rdparty_8xb32_in1k", (67, 75), {}),
    ("regnet_x_3_2gf", "regnetx-3.2gf_8xb64_in1k", (67, 75), {}),
    ("vit_b_16", "vit-base-p16_in21k-pre_3rdparty_in1k-384px", (384, 384), {"img_size": 384}),
]


def mmpretrain_model(name: str) -> torch.nn.Module:
    from mmpretrain import get_model

    torch.manual_seed(0)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        model = get_model(name)
    spread_constant_params(model)
    return randomize_norms(model).eval()


def save_like_mmengine(model: torch.nn.Module, path) -> None:
    from mmengine.runner import get_state_dict, save_checkpoint, weights_to_cpu

    meta = {"mmengine_version": "0.10.7", "epoch": 100, "iter": 125100, "seed": 0,
            "dataset_meta": {"classes": [f"class {i}" for i in range(1000)]}}
    save_checkpoint({"meta": meta, "state_dict": weights_to_cpu(get_state_dict(model))}, str(path))


def mmpretrain_logits(model: torch.nn.Module, x: torch.Tensor) -> torch.Tensor:
    with torch.no_grad():
        return model(x, mode="tensor")


def check(name: str, mm_name: str, size: tuple[int, int], kwargs: dict, tmp_path) -> None:
    reference = mmpretrain_model(mm_name)
    path = tmp_path / f"{mm_name}.pth"
    save_like_mmengine(reference, path)
    with pytest.warns(UserWarning, match="found the mmpretrain layout"):
        model = zoo.create_model(name, pretrained=str(path), **kwargs).eval()
    x = torch.randn(2, 3, *size)
    with torch.no_grad():
        out = model(x)
    assert relative_error(out, mmpretrain_logits(reference, x)) <= TOL


@pytest.mark.parametrize("name, mm_name, size, kwargs", CASES, ids=[c[0] for c in CASES])
def test_mmpretrain_checkpoint_gives_mmpretrains_outputs(name, mm_name, size, kwargs, tmp_path):
    check(name, mm_name, size, kwargs, tmp_path)


@pytest.mark.slow
@pytest.mark.parametrize("name, mm_name, size, kwargs", SLOW, ids=[c[0] for c in SLOW])
def test_mmpretrain_checkpoint_more_configurations(name, mm_name, size, kwargs, tmp_path):
    check(name, mm_name, size, kwargs, tmp_path)


def test_regnetx_400mf_rounds_its_widths_otherwise_and_is_refused(tmp_path):
    """mmpretrain rounds RegNetX-400MF's last stage to 384 channels (half to even), torchvision to 400."""
    path = tmp_path / "regnetx-400mf.pth"
    save_like_mmengine(mmpretrain_model("regnetx-400mf_8xb128_in1k"), path)
    with pytest.raises(IncompatibleWeightsError, match=r"(?s)left unchanged.*mis-shaped.*stages\.s4\.0"):
        zoo.create_model("regnet_x_400mf", pretrained=str(path))
