"""Eval preprocessing equals the source's, on a real photo: torchvision's ``weights.transforms()`` for every
torchvision weight, timm's ``create_transform(**resolve_data_config(...))`` for timm's, on a PIL image
and on a uint8 tensor — bit for bit (both sides resize with the same kernel: Pillow for a PIL image,
``F.interpolate`` for a tensor, rounded back to uint8). And the training transforms (``train=True``).
"""

from __future__ import annotations

import math

import pytest
import torch

import zoo
from zoo.weights.catalog import _entries

ENTRIES = [e for entries in _entries().values() for e in entries]
TORCHVISION = [e for e in ENTRIES if e.ref_lib == "torchvision"]
TIMM = [e for e in ENTRIES if e.ref_lib == "timm"]


@pytest.fixture(scope="module")
def photo():
    """scikit-learn's sample photo, cut to an odd, non-square size (the crop offsets round)."""
    from PIL import Image
    from sklearn.datasets import load_sample_images

    array = load_sample_images().images[0][50:311, 100:433]  # 261 x 333
    return Image.fromarray(array)


@pytest.fixture(scope="module")
def photo_tensor(photo):
    import numpy as np

    return torch.from_numpy(np.array(photo)).permute(2, 0, 1).contiguous()


def _torchvision_weights(entry):
    import torchvision

    enum = entry.tag.removeprefix("tv_").upper()  # tv_imagenet1k_swag_e2e_v1 → IMAGENET1K_SWAG_E2E_V1
    return torchvision.models.get_model_weights(entry.ref_arch)[enum]


def test_every_torchvision_weight_preprocesses_as_torchvision_does(photo, photo_tensor):
    assert len(TORCHVISION) >= 100
    for entry in TORCHVISION:
        reference = _torchvision_weights(entry).transforms()
        ours = zoo.transforms(entry.name)
        assert ours.scale == reference.resize_size[0], entry.name
        for image in (photo, photo_tensor):
            expected, got = reference(image), ours(image)
            assert got.shape == expected.shape == (3, *entry.input_size[1:]), entry.name
            assert torch.equal(got, expected), f"{entry.name} on a {type(image).__name__}"


def _timm_eval(entry):
    import timm
    from timm.data import create_transform, resolve_data_config

    cfg = timm.models.get_pretrained_cfg(entry.location.split("/", 1)[1]).to_dict()
    return resolve_data_config({}, pretrained_cfg=cfg), create_transform(**resolve_data_config({}, pretrained_cfg=cfg))


def _timm_on_tensor(transform, x: torch.Tensor) -> torch.Tensor:
    """timm's steps on a uint8 tensor: its MaybeToTensor lets tensors through unscaled, so that step is
    done as torchvision's ToTensor does it for a PIL image's uint8 data."""
    from timm.data.transforms import MaybeToTensor

    for step in transform.transforms:
        x = x.float() / 255 if isinstance(step, MaybeToTensor) else step(x)
    return x


def test_timm_weights_preprocess_as_timm_does(photo, photo_tensor):
    """Every timm weight of the catalog: the data config equals timm's own (input size, interpolation,
    mean, std, crop_pct), and the transform equals ``create_transform`` of it."""
    assert len(TIMM) >= 100
    for entry in TIMM:
        cfg, reference = _timm_eval(entry)
        ours_cfg = zoo.data_config(entry.name)
        for key in ("input_size", "interpolation", "crop_pct", "crop_mode"):
            assert ours_cfg[key] == cfg[key], (entry.name, key)
        for key in ("mean", "std"):
            assert ours_cfg[key] == pytest.approx(cfg[key], abs=1e-12), (entry.name, key)
        ours = zoo.transforms(entry.name)
        resize = math.floor(cfg["input_size"][-1] / cfg["crop_pct"])
        assert ours.scale == (resize if cfg["crop_mode"] == "center" else (resize, resize)), entry.name
    for entry in TIMM[::8]:  # the pixels, on a sample of them (every 8th: every family, both kernels)
        _, reference = _timm_eval(entry)
        ours = zoo.transforms(entry.name)
        assert torch.equal(ours(photo), reference(photo)), entry.name
        assert torch.equal(ours(photo_tensor), _timm_on_tensor(reference, photo_tensor)), entry.name


def test_a_float_tensor_a_batch_and_the_kernels(photo, photo_tensor):
    """A float image in [0, 1] is resized in float, as torchvision does: equal to torchvision's on the same
    float tensor, and within the uint8 path's rounding of it. Pillow (PIL images) and torch (tensors)
    resize with different kernels: for bilinear they differ by at most one grey level on this photo."""
    entry = next(e for e in TORCHVISION if e.name == "resnet50.tv_imagenet1k_v2")
    reference = _torchvision_weights(entry).transforms()
    ours = zoo.transforms("resnet50.tv_imagenet1k_v2")
    x = photo_tensor.float() / 255
    assert torch.equal(ours(x), reference(x))
    torch.testing.assert_close(ours(x), ours(photo_tensor), rtol=0, atol=0.5 / 255 / 0.224 + 1e-5)  # uint8 rounding
    grey_levels = (ours(photo) - ours(photo_tensor)).abs() * torch.tensor([0.229, 0.224, 0.225]).view(3, 1, 1) * 255
    assert grey_levels.max() <= 1.0 + 1e-3
    batch = ours(torch.stack([photo_tensor, photo_tensor.flip(-1)]))
    assert batch.shape == (2, 3, 224, 224) and torch.equal(batch[0], ours(photo_tensor))


def test_the_resize_is_the_published_one_not_one_from_a_rounded_crop():
    """224/232 used to be stored as 0.966 and turned back into 231."""
    pre = zoo.transforms("resnet50.tv_imagenet1k_v2")
    assert pre.scale == 232 and zoo.data_config("resnet50.tv_imagenet1k_v2")["crop_pct"] == 224 / 232
    assert zoo.transforms("vit_l_16.tv_imagenet1k_v1").scale == 242
    # a model built for another size gets the resize of that size, at the weights' crop_pct
    model = zoo.create_model("vit_b_16.augreg_in1k", img_size=160)
    assert zoo.transforms(model).scale == math.floor(160 / 0.9)
    assert zoo.data_config(model)["input_size"] == (3, 160, 160)


def test_name_tag_strings_work_where_names_do():
    cfg = zoo.data_config("resnet50.a1_in1k")
    assert cfg["interpolation"] == "bicubic" and cfg["crop_pct"] == 0.95
    assert zoo.transforms("vit_b_16.tv_imagenet1k_swag_e2e_v1").size == (384, 384)
    assert zoo.data_config("mobilenetv3_large_100.ra_in1k")["mean"] == (0.485, 0.456, 0.406)  # a timm alias
    with pytest.raises(ValueError, match="unknown pretrained tag 'nope' for resnet50; known tags"):
        zoo.data_config("resnet50.nope")
    with pytest.raises(TypeError, match="take no options"):
        zoo.transforms("resnet50", scale=(0.5, 1.0))


# ---------------------------------------------------------------------------------------------- training


def test_training_transforms_size_statistics_and_randomness(photo, photo_tensor):
    pre = zoo.transforms("vit_b_16.augreg_in1k", train=True, auto_augment="rand-m9-n2", re_prob=0.5)
    for image in (photo, photo_tensor, photo_tensor.float() / 255):
        x = pre(image)
        assert type(x) is torch.Tensor and x.dtype == torch.float32 and x.shape == (3, 224, 224)
    torch.manual_seed(0)
    outputs = torch.stack([pre(photo) for _ in range(8)])
    assert all(not torch.equal(outputs[i], outputs[i + 1]) for i in range(7))  # every call differs
    # the weights' mean and std (0.5, 0.5): un-normalised, pixels are back in [0, 1]
    pixels = outputs * 0.5 + 0.5
    assert pixels.min() >= -1e-6 and pixels.max() <= 1 + 1e-6 and pixels.std() > 0.1
    assert zoo.transforms("resnet50.a1_in1k", train=True)(photo).shape == (3, 224, 224)
    assert zoo.transforms("vit_b_16.tv_imagenet1k_swag_e2e_v1", train=True)(photo).shape == (3, 384, 384)


def test_training_transforms_without_randomness_are_a_resize_and_the_weights_normalisation(photo):
    """A crop of the whole image, no flip, no jitter: exactly a resize to the input size, then the
    weights' mean/std."""
    from torchvision.transforms import v2

    w, h = photo.size
    pre = zoo.transforms("resnet50.a1_in1k", train=True, scale=(1, 1), ratio=(w / h, w / h), hflip=0,
                         color_jitter=None)
    ref = v2.Compose([v2.ToImage(), v2.Resize((224, 224), interpolation=v2.InterpolationMode.BICUBIC, antialias=True),
                      v2.ToDtype(torch.float32, scale=True),
                      v2.Normalize([0.485, 0.456, 0.406], [0.229, 0.224, 0.225])])
    torch.testing.assert_close(pre(photo), ref(photo).as_subclass(torch.Tensor), rtol=0, atol=0)


def test_training_transform_options(photo):
    torch.manual_seed(0)
    erased = zoo.transforms("resnet18", train=True, re_prob=1.0, re_count=2, color_jitter=None)(photo)
    assert 0 < (erased == 0).all(dim=0).float().mean() < 0.34  # 'const': erased pixels hold the mean colour
    jitter = zoo.transforms("resnet18", train=True, color_jitter=(0.4, 0.4, 0.4, 0.1), interpolation="random")
    assert jitter(photo).shape == (3, 224, 224)
    for policy in ("trivialaugment", "original", "augmix-m3-w2"):
        assert zoo.transforms("resnet18", train=True, auto_augment=policy)(photo).shape == (3, 224, 224)
    assert zoo.transforms("resnet18", train=True, input_size=96)(photo).shape == (3, 96, 96)
    with pytest.raises(ValueError, match="'mstd0.5' is not supported on torchvision's RandAugment"):
        zoo.transforms("resnet18", train=True, auto_augment="rand-m9-mstd0.5")
    with pytest.raises(ValueError, match="unknown auto_augment policy"):
        zoo.transforms("resnet18", train=True, auto_augment="v9")
    with pytest.raises(ValueError, match="re_mode must be 'const' or 'pixel'"):
        zoo.transforms("resnet18", train=True, re_prob=0.5, re_mode="stripes")
    with pytest.raises(TypeError, match="unexpected keyword argument 'scales'"):
        zoo.transforms("resnet18", train=True, scales=(0.5, 1))


def test_training_transforms_name_the_extra_when_torchvision_is_missing(monkeypatch):
    import sys

    monkeypatch.setitem(sys.modules, "torchvision", None)
    monkeypatch.setitem(sys.modules, "torchvision.transforms", None)
    with pytest.raises(ImportError, match=r"pip install 'zoo\[data\]'"):
        zoo.transforms("resnet18", train=True)
    assert zoo.transforms("resnet18")(torch.zeros(3, 240, 250, dtype=torch.uint8)).shape == (3, 224, 224)
