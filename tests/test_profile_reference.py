"""zoo.profile against the published numbers of models.csv: the zoo's models and the references themselves.

Auxiliary heads: ``params`` counts every parameter a module holds; those the eval forward never touches
(torchvision's GoogLeNet/Inception-v3 auxiliary classifiers) are ``unused_params``, and the published
parameter count is that of the inference network, ``params - unused_param_count``. MACs count the
forward pass that ran, so in eval mode the auxiliary heads add none.
"""

import csv
import warnings
from pathlib import Path

import pytest
import torch

import zoo

REGISTERED = set(zoo.list_models())


def _rows() -> dict[str, dict]:
    """models.csv (beside the repository, or /work/shared), else the same facts from the zoo's catalog."""
    for path in (Path(__file__).resolve().parents[2] / "shared" / "reference" / "models.csv",
                 Path("/work/shared/reference/models.csv")):
        if path.exists():
            return {r["name"]: r for r in csv.DictReader(path.open())}
    rows = {}
    for name in zoo.list_models():
        info = zoo.model_info(name)
        lib, _, ref = info.reference.partition(":")
        rows[name] = {"name": name, "ref_lib": lib, "ref_name": ref, "input": str(info.input_size[-1]),
                      "params": str(info.params), "gmacs": str(info.gmacs)}
    return rows


ROWS = _rows()

# one reference per family and per kind of operator (attention, windowed attention, SE, depthwise, aux heads …)
QUICK = ["vit_b_16", "swin_t", "swin_v2_t", "mobilenet_v3_large", "efficientnet_b0", "googlenet", "inception_v3",
         "regnet_y_400mf", "convnext_tiny", "mnasnet0_5", "vit_ti_16", "mobilenet_v1", "lenet5", "shufflenet_v1",
         "shufflenet_v2_x0_5", "squeezenet1_1", "densenet121", "efficientnet_lite0"]
# mmpretrain's backbones, as models.csv counts them: LeNet5 with its 10-class classifier; ShuffleNetV1 (g = 3)
# with its ImageNet config's neck and head
MMPRETRAIN = {
    "LeNet5": dict(backbone=dict(type="LeNet5", num_classes=10), head=dict(type="ClsHead")),
    "ShuffleNetV1": dict(backbone=dict(type="ShuffleNetV1", groups=3), neck=dict(type="GlobalAveragePooling"),
                         head=dict(type="LinearClsHead", num_classes=1000, in_channels=960)),
}
needs_row = pytest.mark.skipif(not {"googlenet", "mobilenet_v1"} <= set(ROWS), reason="models.csv not found")


def reference_model(row):
    """The reference implementation of a models.csv row, built on the meta device (no memory, no init)."""
    import timm
    import torchvision
    from torchvision.models import regnet

    kwargs = {"image_size": int(row["input"])} if row["name"] == "vit_h_14" else {}
    original = regnet.BlockParams.from_init_params.__func__

    def widths_on_cpu(cls, *args, **kw):  # torchvision computes RegNet's widths with .tolist(): not on meta
        with torch.device("cpu"):
            return original(cls, *args, **kw)

    regnet.BlockParams.from_init_params = classmethod(widths_on_cpu)
    try:
        with torch.device("meta"), warnings.catch_warnings():
            warnings.simplefilter("ignore")
            if row["ref_lib"] == "torchvision":
                return torchvision.models.get_model(row["ref_name"], weights=None, **kwargs)
            if row["ref_lib"] == "mmpretrain":
                from mmpretrain.models.classifiers import ImageClassifier

                return ImageClassifier(**MMPRETRAIN[row["ref_name"]])
            return timm.create_model(row["ref_name"])
    finally:
        regnet.BlockParams.from_init_params = classmethod(original)


def input_shape(row) -> tuple[int, int, int]:
    """The row's square input, with the channels the model reads (LeNet-5: one)."""
    chans = zoo.model_info(row["name"]).input_size[0] if row["name"] in REGISTERED else 3
    return chans, int(row["input"]), int(row["input"])


def check_against_table(p, row):
    assert p.params - p.unused_param_count == int(row["params"])
    digits = max(3, len(row["gmacs"].partition(".")[2]))  # LeNet-5's 0.000417 has six decimals
    assert round(p.macs / 1e9, digits) == pytest.approx(float(row["gmacs"]), abs=1e-12), p.macs


@pytest.mark.parametrize("name", list(ROWS))
def test_zoo_models_match_the_table(name):
    row = ROWS[name]
    p = zoo.profile(name, input_shape(row))
    assert p.params == int(row["params"]) and not p.unused_params
    check_against_table(p, row)


@pytest.mark.parametrize(
    "name", [pytest.param(n, marks=[] if n in QUICK else pytest.mark.slow) for n in ROWS]
)
def test_reference_models_match_the_table(name):
    """The counter works on any nn.Module: every reference implementation gives its published numbers."""
    row = ROWS[name]
    check_against_table(zoo.profile(reference_model(row), input_shape(row)), row)


@needs_row
def test_auxiliary_heads_are_unused_in_eval_and_counted_in_train():
    model = reference_model(ROWS["googlenet"])  # torchvision builds it with its two auxiliary classifiers
    p = zoo.profile(model)
    assert {n.split(".")[0] for n in p.unused_params} == {"aux1", "aux2"}
    assert p.params == sum(t.numel() for t in model.parameters())
    check_against_table(p, ROWS["googlenet"])
    t = zoo.profile(model, mode="train")
    assert not t.unused_params and t.macs > p.macs  # in training the auxiliary heads run
    aux = sum(m.macs for m in t.modules if m.name in ("aux1", "aux2"))
    assert t.macs - aux == p.macs


@needs_row
def test_mobilenet_resolution_multiplier_scales_macs_by_rho_squared():
    """MobileNet (Howard et al. 2017, Table 7): 569, 418, 290, 186 M MACs at 224, 192, 160, 128; params unchanged."""
    if "mobilenet_v1" in REGISTERED:
        build = lambda: "mobilenet_v1"  # noqa: E731
    else:  # the zoo's MobileNet is not registered yet: the reference holds the counter to the paper meanwhile
        build = lambda: reference_model(ROWS["mobilenet_v1"])  # noqa: E731
    base = zoo.profile(build(), 224)
    for size, paper in [(224, 569), (192, 418), (160, 290), (128, 186)]:
        p = zoo.profile(build(), size)
        assert p.params == base.params == 4231976
        # every conv scales by ρ² exactly; the classifier (1024 × 1000) does not depend on the resolution
        assert p.macs_by_op["convolution"] * 224**2 == base.macs_by_op["convolution"] * size**2
        assert p.macs_by_op["addmm"] == 1024 * 1000
        assert abs(p.macs / 1e6 - paper) < 1


def test_mobilenet_width_multiplier():
    """Table 6: α = 0.75, 0.5, 0.25 → 325, 149, 41 M MACs and 2.6, 1.3, 0.5 M params (roughly α²)."""
    for alpha, macs, params in [(0.75, 325, 2.6), (0.5, 149, 1.3), (0.25, 41, 0.5)]:
        p = zoo.profile("mobilenet_v1", width_mult=alpha)
        assert abs(p.macs / 1e6 - macs) / macs < 0.02 and abs(p.params / 1e6 - params) < 0.06
