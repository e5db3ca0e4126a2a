"""The model contract of DESIGN.md, checked on every registered model.

A family is held to it as soon as it registers: the model list comes from ``zoo.list_models()``.
Each model is built once (module-scoped fixture) and every check reuses it.
"""

from __future__ import annotations

import inspect

import pytest
import torch
from torch import nn

import zoo
from zoo.models.base import Backbone, FeatureExtractor, FeatureInfo, FeatureInfoList

NAMES = zoo.list_models()
# the largest models cost seconds to build: part of the sweep, marked slow
BIG = {n for n in NAMES if (zoo.model_info(n).params or 0) > 100_000_000}
# families whose blocks have residual branches, and so take drop_path_rate
RESIDUAL_FAMILIES = {"resnet", "mobilenet", "mnasnet", "efficientnet", "regnet", "vit", "swin", "convnext",
                     "inception", "nasnet", "maxvit"}
# models of those families without a residual branch, where drop_path_rate would mean nothing
# (GoogLeNet and Inception v3/v4 only concatenate; Inception-ResNet v2 takes it)
PLAIN_MODELS = {"googlenet", "inception_v3", "inception_v4"}


def _params(names):
    """One param per model; under pytest-xdist (--dist loadgroup) all of a model's checks share a worker."""
    return [pytest.param(n, marks=[pytest.mark.xdist_group(n)] + ([pytest.mark.slow] if n in BIG else []))
            for n in names]


# NASNet-A (89 M parameters, minutes to export or train on two cores) with one cell a stage and narrower: every
# cell kind is still there, so the clients and the optimizer see the same code
SHALLOW_NASNET = {"cells_per_stage": 1, "penultimate_filters": 768, "stem_width": 32}


def small_config(name: str) -> dict:
    """A ViT is checked at a 4×4 patch grid: the contract does not depend on the grid, the cost does."""
    patch = zoo.registry.get_entry(name).config.get("patch_size")
    return {"img_size": 4 * patch} if zoo.model_info(name).family == "vit" and patch else {}


def default_classes(name: str) -> int:
    """ImageNet's 1000 classes, unless the model's builder says otherwise (LeNet-5: 10 digits)."""
    return inspect.signature(zoo.registry.get_entry(name).factory).parameters["num_classes"].default


def input_size(model) -> tuple[int, int]:
    """A small input the model accepts: its fixed size where it has one, else ≥ 64 and ≥ its minimum."""
    if getattr(model, "img_size", None):
        s = model.img_size
        return (s, s) if isinstance(s, int) else tuple(s)
    side = max(model.min_input_size, 64)
    return side, side


def build(name: str) -> nn.Module:
    torch.manual_seed(0)
    return zoo.create_model(name, **small_config(name)).eval()


def smallest_per(group) -> list[str]:
    """The model with the fewest parameters of each ``group(name)``, sorted by name."""
    groups: dict = {}
    for n in NAMES:
        groups.setdefault(group(n), []).append(n)
    return sorted(min(names, key=lambda n: zoo.model_info(n).params or 0) for names in groups.values())


@pytest.fixture(scope="module", params=_params(NAMES))
def built(request):
    return request.param, build(request.param)


def test_interface(built):
    name, model = built
    assert isinstance(model, Backbone)
    assert model.num_classes == default_classes(name)
    assert isinstance(model.num_features, int) and model.num_features > 0
    assert model.feature_info and all(isinstance(f, FeatureInfo) for f in model.feature_info)
    reductions = [f.reduction for f in model.feature_info]
    assert reductions == sorted(reductions), f"feature reductions must not decrease: {reductions}"
    modules = dict(model.named_modules())
    for f in model.feature_info:
        assert f.module in modules, f"feature_info names {f.module!r}, which is not a module of {name}"
    for method in ("forward_features", "forward_head", "forward_intermediates", "reset_classifier"):
        assert callable(getattr(model, method))
    assert isinstance(model.no_weight_decay(), set)


# timm's signatures (timm 1.0.31's models), as (name, default) per parameter after self
TIMM_SIGNATURES = {
    "forward_intermediates": [("x", inspect.Parameter.empty), ("indices", None), ("norm", False),
                              ("stop_early", False), ("output_fmt", "NCHW"), ("intermediates_only", False)],
    "reset_classifier": [("num_classes", inspect.Parameter.empty), ("global_pool", None)],
    "group_matcher": [("coarse", False)],
    "set_grad_checkpointing": [("enable", True)],
    "prune_intermediate_layers": [("indices", 1), ("prune_norm", False), ("prune_head", True)],
    "get_classifier": [],
    "forward_head": [("x", inspect.Parameter.empty), ("pre_logits", False)],
}


def test_timm_contract(built):
    """Every name the zoo shares with timm has timm's signature and returns what timm's does."""
    name, model = built
    for method, expected in TIMM_SIGNATURES.items():
        params = [(p.name, p.default) for p in inspect.signature(getattr(model, method)).parameters.values()]
        assert params == expected, f"{name}.{method}{params} differs from timm's {expected}"
    info = model.feature_info
    assert isinstance(info, FeatureInfoList)
    assert all({"num_chs", "reduction", "module"} <= set(f) for f in info)
    assert info.channels() == [f["num_chs"] for f in info] and info.reduction() == [f.reduction for f in info]
    assert info.module_name() == [f.module for f in info] and info.channels(-1) == info[-1].channels
    assert model.get_classifier() is model.head.fc
    assert isinstance(model.head_hidden_size, int) and model.head_hidden_size > 0
    cfg = model.default_cfg
    assert cfg is model.pretrained_cfg
    for key in ("input_size", "num_classes", "pool_size", "first_conv", "classifier", "fixed_input_size", "mean", "std"):
        assert key in cfg, f"{name}: pretrained_cfg has no {key!r}"
    assert cfg["input_size"][0] == model.in_chans and cfg["num_classes"] == model.num_classes
    keys = model.state_dict()
    assert cfg["first_conv"] + ".weight" in keys and cfg["classifier"] + ".weight" in keys
    from timm.models._manipulate import group_parameters

    groups = group_parameters(model, model.group_matcher(coarse=False), reverse=True)
    coarse = group_parameters(model, model.group_matcher(coarse=True), reverse=True)
    assert set(groups) == {n for n, _ in model.named_parameters()}
    assert len(set(groups.values())) >= len(set(coarse.values())) > 2, f"{name}: too few parameter groups"


def test_forward_head_features_and_reset(built):
    name, model = built
    x = torch.randn(2, model.in_chans, *input_size(model))
    with torch.no_grad():
        feats = model.forward_features(x)
        logits = model.forward_head(feats)
        pooled = model.forward_head(feats, pre_logits=True)
        assert torch.equal(logits, model(x))
    assert logits.shape == (2, default_classes(name))
    assert pooled.shape == (2, model.head_hidden_size)
    assert feats.shape[-1 if feats.ndim == 3 else 1] == model.num_features  # timm's meaning: the map's width
    fc, pool = model.head.fc, getattr(model.head, "pool", None)
    try:  # forward is forward_head ∘ forward_features (checked above): the head alone shows the reset
        model.reset_classifier(7)
        with torch.no_grad():
            assert model.forward_head(feats).shape == (2, 7) and model.num_classes == 7
        model.reset_classifier(0)
        with torch.no_grad():
            assert model.forward_head(feats).shape == (2, model.head_hidden_size)
        model.reset_classifier(0, "")  # no pooling: the feature map itself
        with torch.no_grad():
            assert torch.equal(model.forward_head(feats), feats)
        with pytest.raises(ValueError, match="global_pool"):
            model.reset_classifier(0, "not_a_pool")
    finally:
        model.head.fc, model.head.num_classes = fc, default_classes(name)
        if pool is not None:
            model.head.pool = pool


def test_intermediates_match_feature_info(built):
    name, model = built
    h, w = input_size(model)
    x = torch.randn(1, model.in_chans, h, w)
    with torch.no_grad():
        final, maps = model.forward_intermediates(x)
        last_two = model.forward_intermediates(x, indices=2, intermediates_only=True)
        first = model.forward_intermediates(x, indices=[0], stop_early=True, intermediates_only=True)
        nhwc = model.forward_intermediates(x, indices=[-1], output_fmt="NHWC", intermediates_only=True)
        assert torch.equal(final, model.forward_features(x))
    assert torch.equal(first[0], maps[0]) and torch.equal(nhwc[0], maps[-1].permute(0, 2, 3, 1))
    assert len(maps) == len(model.feature_info)
    for fmap, info in zip(maps, model.feature_info):
        assert fmap.ndim == 4 and fmap.shape[1] == info.channels, (tuple(fmap.shape), info)
        assert fmap.shape[2] <= -(-h // info.reduction) + 1 and fmap.shape[3] <= -(-w // info.reduction) + 1, (
            f"{info.module}: map {tuple(fmap.shape)} is larger than input/{info.reduction}"
        )
    assert [t.shape for t in last_two] == [t.shape for t in maps[-2:]]
    assert torch.allclose(last_two[-1], maps[-1])


def test_grad_checkpointing_keeps_outputs(built):
    name, model = built
    x = torch.randn(1, model.in_chans, *input_size(model))
    try:
        ref = model(x)  # eval mode, gradients on: checkpointing is active
        model.set_grad_checkpointing(True)
        out = model(x)
        out.sum().backward()
    finally:
        model.set_grad_checkpointing(False)
        model.zero_grad(set_to_none=True)
    assert torch.equal(out, ref)


def test_keywords(built):
    name, model = built
    accepted = set(inspect.signature(type(model)).parameters)
    assert {"num_classes", "in_chans", "drop_rate"} <= accepted, accepted
    if zoo.model_info(name).family in RESIDUAL_FAMILIES and name not in PLAIN_MODELS:
        assert "drop_path_rate" in accepted
    with pytest.raises(TypeError, match="accepted: .*num_classes"):
        zoo.create_model(name, not_a_keyword=1)


def test_wrong_input_is_a_clear_error(built):
    name, model = built
    h, w = input_size(model)
    with pytest.raises(ValueError, match=f"expects {model.in_chans} input channels"):
        model(torch.randn(1, model.in_chans + 1, h, w))
    with pytest.raises(ValueError, match="4-D"):
        model(torch.randn(model.in_chans, h, w))
    if model.min_input_size > 1 and not getattr(model, "img_size", None):
        s = model.min_input_size
        with pytest.raises(ValueError, match=f"at least {s}x{s}"):
            model(torch.randn(1, model.in_chans, s - 1, s - 1))


def test_seeded_construction_is_deterministic(built):
    name, model = built
    torch.manual_seed(0)
    again = zoo.create_model(name, **small_config(name))
    for (k, a), b in zip(model.state_dict().items(), again.state_dict().values()):
        assert torch.equal(a, b), f"{name}: {k} differs between two seeded constructions"


def test_meta_device_construction(built):
    name, model = built
    with torch.device("meta"):
        meta = zoo.create_model(name, **small_config(name))
    assert all(p.is_meta for p in meta.parameters())
    assert sum(p.numel() for p in meta.parameters()) == sum(p.numel() for p in model.parameters())


def test_channels_last_and_bf16_autocast(built):
    name, model = built
    x = torch.randn(2, model.in_chans, *input_size(model))
    with torch.no_grad():
        ref = model(x)
        cl = model.to(memory_format=torch.channels_last)(x.to(memory_format=torch.channels_last))
        with torch.autocast("cpu", dtype=torch.bfloat16):
            low = model(x)
    model.to(memory_format=torch.contiguous_format)
    assert torch.allclose(cl, ref, rtol=1e-4, atol=1e-4 * ref.abs().max().item())
    assert low.dtype == torch.bfloat16 and torch.isfinite(low).all()


def test_features_only(built):
    name, model = built
    n = len(model.feature_info)
    torch.manual_seed(0)
    backbone = zoo.create_model(name, features_only=True, out_indices=(1, n - 1), **small_config(name))
    assert isinstance(backbone, FeatureExtractor)
    assert backbone.channels() == [model.feature_info[1].channels, model.feature_info[-1].channels]
    x = torch.randn(1, model.in_chans, *input_size(model))
    with torch.no_grad():
        maps = backbone.eval()(x)
    assert [m.shape[1] for m in maps] == backbone.channels()


def _one_per_code_path() -> list[str]:
    """The smallest model of each builder and kind of configuration: models whose registered configurations differ
    only in numbers (depths, widths, ratios) run the same Python code, a deeper one only more of it. Two configs
    share a code path when they have the same builder, the same keys and the same non-numeric values (ResNet's
    "basic" and "bottleneck" blocks, MobileNetV3's "large" and "small", Swin's v2 flag stay apart)."""
    def code_path(name: str) -> tuple:
        entry = zoo.registry.get_entry(name)
        return entry.factory, tuple(sorted((k, v if isinstance(v, (str, bool)) else type(v).__name__)
                                           for k, v in entry.config.items()))

    return smallest_per(code_path)


# dynamo's trace costs seconds to most of a minute a model on two cores (DenseNet-161 38 s): once per code path
@pytest.mark.parametrize("name", _params(_one_per_code_path()))
def test_compile_fullgraph_has_no_graph_break(name):
    model = build(name)
    torch._dynamo.reset()
    x = torch.randn(1, model.in_chans, *input_size(model))
    compiled = torch.compile(model, fullgraph=True, backend="eager")
    with torch.no_grad():
        out = compiled(x)
        assert torch.allclose(out, model(x), rtol=1e-5, atol=1e-5)
    torch._dynamo.reset()


def _export_sample():
    """One model per family: its smallest."""
    return smallest_per(lambda n: zoo.model_info(n).family)


@pytest.mark.parametrize("name", _export_sample())
def test_torch_export(name):
    model = build(name)
    x = torch.randn(1, model.in_chans, *input_size(model))
    program = torch.export.export(model, (x,))
    with torch.no_grad():
        assert torch.allclose(program.module()(x), model(x), rtol=1e-5, atol=1e-5)


def test_min_input_size_is_tight(built):
    """At the declared minimum the network runs; one pixel less fails inside the network itself."""
    name, model = built
    s = model.min_input_size
    if s <= 1 or getattr(model, "img_size", None):
        pytest.skip("no minimum beyond 1 pixel, or a fixed input size")
    with torch.no_grad():
        assert torch.isfinite(model(torch.randn(1, model.in_chans, s, s))).all()
        model.check_input = lambda x: None  # bypass the check to see the network's own failure
        try:
            with pytest.raises(RuntimeError):
                model(torch.randn(1, model.in_chans, s - 1, s - 1))
        finally:
            del model.check_input
