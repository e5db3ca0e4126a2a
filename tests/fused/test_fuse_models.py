"""``zoo.fuse`` and fused models: same outputs as the unfused model, in eval and in training, with the
kernels (interpreted) and with the fallbacks; torch.compile and autocast keep working."""

from __future__ import annotations

import copy
import functools
import io
import os
import subprocess
import sys
from pathlib import Path

import pytest
import torch
import torch.nn.functional as F
from torch import nn

import zoo
import zoo.fused as zf
from zoo.blocks import BasicBlock, Bottleneck, ConvNormAct, LayerNorm2d, SqueezeExcite

from fused_helpers import kernels, rel

sys.path.insert(0, str(Path(__file__).parents[1]))
from equivalence import randomize_norms  # noqa: E402

# the families of issue 10; those not registered yet are skipped until they land
_slow = pytest.mark.slow
MODELS = ["alexnet", pytest.param("vgg11_bn", marks=_slow), "resnet18", "resnet50",
          pytest.param("resnext50_32x4d", marks=_slow), "mobilenet_v2", "mobilenet_v3_large", "efficientnet_b0",
          "regnet_y_400mf", "convnext_tiny", pytest.param("swin_t", marks=_slow)]


def _input(model_name: str, batch: int = 2) -> torch.Tensor:
    info = zoo.model_info(model_name)
    fixed = info.family in ("swin", "vit")  # window / patch grids fix the input size
    size = info.input_size[1:] if fixed else (72, 64)
    return torch.randn(batch, 3, *size, generator=torch.Generator().manual_seed(1))


@pytest.mark.parametrize("name", MODELS)
def test_fuse_matches_unfused_model(name):
    if name not in zoo.list_models():
        pytest.skip(f"{name} is not registered yet")
    torch.manual_seed(0)
    model = randomize_norms(zoo.create_model(name)).eval()
    fused = zoo.fuse(model)
    assert fused is not model and all(type(m) not in zf.modules.TWINS.values() for m in model.modules())
    left = [n for n, m in fused.named_modules() if isinstance(m, nn.modules.batchnorm._BatchNorm)]
    if name.startswith(("resnet", "resnext", "vgg", "mobilenet", "efficientnet", "regnet")):
        assert not left, f"BatchNorm left unfolded: {left}"
    if name.startswith("convnext"):  # the layer scales are folded into the MLPs
        assert not [n for n, m in fused.named_modules() if type(m).__name__ == "LayerScale"]
    x = _input(name)
    with torch.no_grad():
        err = rel(fused(x), model(x))
    assert err <= 1e-5, f"{name}: zoo.fuse changed the outputs by {err:.2e}"


def test_fold_batchnorm_after_any_conv_or_linear():
    torch.manual_seed(0)
    net = nn.Sequential(
        nn.Conv2d(3, 12, 3, padding=1), nn.BatchNorm2d(12), nn.ReLU(),
        nn.Conv2d(12, 12, 3, padding=1, groups=12, bias=False), nn.BatchNorm2d(12), nn.Hardswish(),  # depthwise
        ConvNormAct(12, 10, 1, norm=nn.BatchNorm2d, act=nn.SiLU),
        nn.Flatten(), nn.Linear(10 * 25, 7), nn.BatchNorm1d(7),
    )
    randomize_norms(net).eval()
    x = torch.randn(4, 3, 5, 5)
    fused = zoo.fuse(net)
    assert [type(m).__name__ for m in fused if isinstance(m, nn.BatchNorm1d | nn.BatchNorm2d)] == []
    assert type(net[1]) is nn.BatchNorm2d and net[3].bias is None  # the original is untouched
    with torch.no_grad():
        assert rel(fused(x), net(x)) <= 1e-5
    same = zoo.fuse(net, inplace=True)
    assert same is net and isinstance(net[1], nn.Identity)


def test_fold_batchnorm_errors_are_clear():
    with pytest.raises(ValueError, match="Conv2d has 4 outputs, the BatchNorm after it 5"):
        zf.fold_batchnorm(nn.Conv2d(3, 4, 1), nn.BatchNorm2d(5))
    with pytest.raises(ValueError, match="keeps no running statistics"):
        zf.fold_batchnorm(nn.Conv2d(3, 4, 1), nn.BatchNorm2d(4, track_running_stats=False))


def _tiny_resnet(**kwargs):
    from zoo.models.resnet import ResNet

    torch.manual_seed(0)
    return ResNet(block="basic", layers=(1, 1, 1, 1), num_classes=5, **kwargs)


def _train_step(model, x, y):
    model.train()
    model.zero_grad(set_to_none=True)
    loss = F.cross_entropy(model(x), y)
    loss.backward()
    return loss.detach(), {n.removeprefix("_orig_mod."): p.grad.clone() for n, p in model.named_parameters()}


@pytest.mark.parametrize("use_kernels", [False, True], ids=["fallback", "kernel"])
def test_fused_model_trains_like_the_unfused_one(use_kernels):
    """create_model(fused=True): BatchNorm with batch statistics + activation + residual in one op, same
    loss, gradients and running statistics as the plain model."""
    plain = randomize_norms(_tiny_resnet())
    fused = zf.use_fused(copy.deepcopy(plain))
    assert "FusedBasicBlock" in {type(m).__name__ for m in fused.modules()}
    x, y = torch.randn(3, 3, 24, 20), torch.tensor([0, 1, 2])
    with kernels(use_kernels):
        loss, grads = _train_step(fused, x, y)
    ref_loss, ref_grads = _train_step(plain, x, y)
    assert rel(loss, ref_loss) < 1e-5
    for n, g in ref_grads.items():
        # a BatchNorm bias gradient is a sum over N·H·W with cancellation: the kernels' reduction order
        # (Triton 3.8's interpreter) moves it by ~1.3e-4 of its largest entry
        assert rel(grads[n], g) < 3e-4, n
    for (n, b), rb in zip(fused.named_buffers(), plain.buffers()):
        assert torch.allclose(b.float(), rb.float(), rtol=1e-5, atol=1e-6), n
    fused.eval(), plain.eval()
    with torch.no_grad(), kernels(use_kernels):
        assert rel(fused(x), plain(x)) < 1e-5
        assert rel(zoo.fuse(plain)(x), plain(x)) < 1e-5


def test_create_model_fused_keyword():
    model = zoo.create_model("resnet18", fused=True, num_classes=3)
    assert type(model.stages.stem).__name__ == "FusedConvNormAct" and isinstance(model.stages.stem, ConvNormAct)
    plain = zoo.create_model("resnet18", num_classes=3)
    assert model.state_dict().keys() == plain.state_dict().keys()
    backbone = zoo.create_model("resnet18", fused=True, features_only=True, out_indices=(1, 3))
    assert [m.shape[1] for m in backbone(torch.randn(1, 3, 64, 64))] == [64, 256]
    with pytest.raises(TypeError, match="and pretrained, features_only, out_indices, frozen_stages, norm_eval, fused"):
        zoo.create_model("resnet18", fusd=True)
    zf.unfuse(model)
    assert type(model.stages.stem) is ConvNormAct


def test_fused_model_pickles_and_loads_in_a_fresh_process(tmp_path):
    """The twins are plain classes of zoo.fused.modules: a fused model saved here loads in another interpreter
    (which has imported nothing but torch) and computes the same outputs."""
    model = zoo.fuse(zoo.create_model("convnext_tiny", num_classes=3, drop_path_rate=0.1))
    x = torch.randn(1, 3, 64, 64)
    torch.save({"model": model, "x": x}, tmp_path / "fused.pt")
    with torch.no_grad():
        torch.save(model(x), tmp_path / "expected.pt")
    script = (f"import torch; d = torch.load({str(tmp_path / 'fused.pt')!r}, weights_only=False); "
              "m = d['model']; assert 'FusedConvNeXtBlock' in {type(b).__name__ for b in m.modules()}; "
              f"out = m(d['x']); ref = torch.load({str(tmp_path / 'expected.pt')!r}); "
              "assert torch.allclose(out, ref, rtol=1e-5, atol=1e-6), (out - ref).abs().max(); print('ok')")
    env = {**os.environ, "PYTHONPATH": str(Path(zoo.__file__).parents[1])}
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, env=env, timeout=120)
    assert done.returncode == 0 and done.stdout.strip() == "ok", done.stderr[-2000:]


def test_register_fused_takes_a_twin_class():
    class Block(nn.Module):
        def forward(self, x):
            return x + 1

    class FusedBlock(zf.modules.FusedTwin, Block):
        def fused_forward(self, x):
            return x + 1

    try:
        zf.register_fused(Block, FusedBlock)
        model = zf.use_fused(nn.Sequential(Block()))
        assert type(model[0]) is FusedBlock and torch.equal(model(torch.zeros(2)), torch.ones(2))
        assert type(zf.unfuse(model)[0]) is Block
        with pytest.raises(TypeError, match="deriving from FusedTwin"):
            zf.register_fused(Block, Block)
    finally:
        zf.modules.TWINS.pop(Block, None)


class _Mixer(nn.Module):
    """A stand-in for the blocks other families bring: SE, LayerNorm over tokens and over NCHW channels."""

    def __init__(self, chs=12):
        super().__init__()
        self.conv = ConvNormAct(chs, chs, 3, groups=chs, act=nn.Hardswish)
        self.se = SqueezeExcite(chs, 8, gate=nn.Hardsigmoid)
        self.norm2d = LayerNorm2d(chs, eps=1e-6)
        self.norm = nn.LayerNorm(chs)

    def forward(self, x):
        x = self.norm2d(self.se(self.conv(x)))
        return self.norm(x.flatten(2).transpose(1, 2))


@pytest.mark.parametrize("use_kernels", [False, True], ids=["fallback", "kernel"])
def test_squeeze_excite_and_layer_norms_fuse(use_kernels):
    plain = randomize_norms(_Mixer()).eval()
    with torch.no_grad():
        for p in plain.parameters():
            p.add_(torch.randn_like(p) * 0.1)
    fused = zoo.fuse(plain)
    assert {type(m).__name__ for m in fused.modules()} >= {"FusedSqueezeExcite", "FusedLayerNorm", "FusedLayerNorm2d"}
    x = torch.randn(2, 12, 7, 5).to(memory_format=torch.channels_last)
    with torch.no_grad(), kernels(use_kernels):
        assert rel(fused(x), plain(x)) < 1e-5


def test_compile_fullgraph_with_kernels():
    """The custom ops keep torch.compile(fullgraph=True) working, forward and backward (the kernels run
    through the interpreter at run time; the graph is traced with their fake implementations)."""
    def net():
        torch.manual_seed(0)
        return randomize_norms(nn.Sequential(ConvNormAct(3, 8, stride=2), BasicBlock(8, 8), BasicBlock(8, 16, stride=2),
                                             nn.AdaptiveAvgPool2d(1), nn.Flatten(), nn.Linear(16, 5)))

    model = zf.use_fused(net())
    x, y = torch.randn(2, 3, 16, 16), torch.tensor([1, 4])
    with kernels(True):
        eager_loss, eager_grads = _train_step(model, x, y)
        model.load_state_dict(net().state_dict())  # running stats back
        compiled = torch.compile(model, fullgraph=True, backend="aot_eager")
        loss, grads = _train_step(compiled, x, y)
        model.eval()
        with torch.no_grad():
            out, ref = compiled(x), model(x)
    assert rel(loss, eager_loss) < 1e-5 and rel(out, ref) < 1e-5
    for n, g in eager_grads.items():
        assert rel(grads[n], g) < 1e-4, n


@pytest.mark.parametrize("use_kernels", [False, True], ids=["fallback", "kernel"])
def test_autocast_bf16_and_channels_last(use_kernels):
    plain = randomize_norms(_tiny_resnet()).eval()
    fused = zoo.fuse(plain).to(memory_format=torch.channels_last)
    x = torch.randn(2, 3, 32, 32)
    with torch.no_grad(), kernels(use_kernels), torch.autocast("cpu", dtype=torch.bfloat16):
        out = fused(x.to(memory_format=torch.channels_last))
        ref = plain(x)
    assert out.dtype == ref.dtype == torch.bfloat16
    assert rel(out, ref) < 5e-2


def _blocks():
    """One of each block a family fuses beyond conv-norm-act: small, so the interpreted kernels stay quick."""
    from zoo.blocks import FusedMBConv, InvertedResidual
    from zoo.models.convnext import ConvNeXtBlock
    from zoo.models.swin import SwinStage

    def stage(v2):  # a plain and a shifted block on a 2×2 grid of 4×4 windows
        return SwinStage(16, 2, num_heads=2, window=4, drop_paths=[0.0, 0.0], downsample=False, v2=v2)

    return {
        "inverted_residual": (InvertedResidual(8, 8, mid_chs=24, se_chs=4, act=nn.Hardswish,
                                               se_gate=nn.Hardsigmoid), (2, 8, 9, 7)),
        "fused_mbconv": (FusedMBConv(8, 8, mid_chs=16, se_chs=4), (2, 8, 9, 7)),
        "convnext": (ConvNeXtBlock(8, layer_scale=0.5), (2, 8, 9, 7)),
        "swin": (stage(False), (1, 8, 8, 16)),
        "swin_v2": (stage(True), (1, 8, 8, 16)),
    }


@pytest.mark.parametrize("use_kernels", [False, True], ids=["fallback", "kernel"])
@pytest.mark.parametrize("block", list(_blocks()))
def test_family_blocks_fuse_in_eval_and_training(block, use_kernels):
    """Each family's fused block — the projection norm and shortcut as one epilogue (MBConv), layer scale and
    shortcut (ConvNeXt), window attention in one kernel and V2's post-norm with its shortcut (Swin) —
    computes what the block computes, in eval and in a training step."""
    plain, shape = _blocks()[block]
    randomize_norms(plain)
    with torch.no_grad():
        for p in plain.parameters():
            p.add_(torch.randn_like(p) * 0.2)
    fused = zf.use_fused(copy.deepcopy(plain))
    expected = {"inverted_residual": "FusedInvertedResidual", "fused_mbconv": "FusedFusedMBConv",
                "convnext": "FusedConvNeXtBlock", "swin": "FusedAttention", "swin_v2": "FusedSwinBlock"}[block]
    assert expected in {type(m).__name__ for m in fused.modules()}
    x = torch.randn(shape)
    for module in (plain, fused):
        module.eval()
    with torch.no_grad(), kernels(use_kernels):
        assert rel(fused(x), plain(x)) < 1e-5
    plain.train(), fused.train()
    g = torch.randn(shape)
    with kernels(use_kernels):
        (fused(x) * g).sum().backward()
    (plain(x) * g).sum().backward()
    flat = lambda m: torch.cat([p.grad.flatten() for p in m.parameters() if p.grad is not None])  # noqa: E731
    assert rel(flat(fused), flat(plain)) < 1e-4
    for b, rb in zip(fused.buffers(), plain.buffers()):
        assert torch.allclose(b.float(), rb.float(), rtol=1e-5, atol=1e-6)


def test_swin_window_attention_kernel_runs_in_fused_inference(monkeypatch):
    """In inference the fused Swin attention goes through the window-attention op (the kernel for CUDA
    tensors, here interpreted); with autograd on it keeps SDPA."""
    plain, shape = _blocks()["swin"]
    fused = zf.use_fused(copy.deepcopy(plain)).eval()
    calls = []
    real = zf.modules.window_attention
    monkeypatch.setattr(zf.modules, "window_attention", lambda *a: calls.append(a[-2]) or real(*a))
    x = torch.randn(shape)
    with kernels(True):
        with torch.no_grad():
            fused(x)
        assert len(calls) == 2 and calls[0] is None and calls[1].shape == (4, 16, 16)  # plain, then shifted
        fused(x)
    assert len(calls) == 2


def test_global_switch_builds_fused_models():
    assert not zf.by_default()
    try:
        zf.use_by_default(True)
        model = zoo.create_model("mobilenet_v2", num_classes=3)
        assert "FusedInvertedResidual" in {type(m).__name__ for m in model.modules()}
        assert not any(type(m).__name__.startswith("Fused")
                       for m in zoo.create_model("mobilenet_v2", num_classes=3, fused=False).modules())
    finally:
        zf.use_by_default(False)
    assert not any(type(m).__name__.startswith("Fused") for m in zoo.create_model("resnet18").modules())
    code = "import zoo; print(type(zoo.create_model('resnet18').stages.stem).__name__)"
    env = {**os.environ, "ZOO_FUSED_MODELS": "1"}
    out = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True).stdout
    assert out.strip() == "FusedConvNormAct"


@pytest.mark.parametrize("block", ["inverted_residual", "fused_mbconv", "regnet_y"])
def test_squeeze_excite_pools_in_the_producing_pass(block, monkeypatch):
    """With the kernels, a fused block's squeeze-excite takes its means from the producing conv's epilogue
    (one op); without them, or with autograd on, the block runs as written."""
    if block == "regnet_y":
        se = functools.partial(SqueezeExcite, squeeze_chs=4)  # RegNet-Y's block
        plain, shape = Bottleneck(16, 16, mid_chs=16, groups=2, se=se), (2, 16, 9, 7)
    else:
        plain, shape = _blocks()[block]
    randomize_norms(plain).eval()
    fused = zoo.fuse(plain)
    calls = []
    real = zf.modules.affine_act_pool
    monkeypatch.setattr(zf.modules, "affine_act_pool", lambda *a, **k: calls.append(k["act"]) or real(*a, **k))
    x = torch.randn(shape)
    with torch.no_grad():
        with kernels(True):
            out = fused(x)
        assert calls == [{"inverted_residual": "hardswish", "fused_mbconv": "silu", "regnet_y": "relu"}[block]]
        assert rel(out, plain(x)) < 1e-5
        with kernels(False):
            fused(x)
    with kernels(True):
        fused(x)
    assert len(calls) == 1


def test_save_pretrained_of_a_fused_model_loads_back(tmp_path):
    """zoo.fuse folds BatchNorm away; save_pretrained records it, and create_model folds the rebuilt model the
    same way before loading, so the folder loads back to the same outputs (and plain saves stay unfolded)."""
    model = randomize_norms(zoo.create_model("resnet18", num_classes=3)).eval()
    fused = zoo.fuse(model)
    zoo.save_pretrained(fused, tmp_path / "fused")
    again = zoo.create_model(pretrained=tmp_path / "fused")
    x = torch.randn(2, 3, 48, 40)
    with torch.no_grad():
        assert rel(again(x), model(x)) < 1e-5
    assert again.model_config["folded"] and type(again.stages.stem).__name__ == "FusedConvNormAct"
    zoo.save_pretrained(model, tmp_path / "plain")
    assert not zoo.create_model(pretrained=tmp_path / "plain").model_config["folded"]
