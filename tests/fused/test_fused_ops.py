"""Every kernel against its PyTorch fallback (TRITON_INTERPRET=1, see conftest.py), forward and backward,
fp32 and fp16, on odd shapes: channel counts that are no power of two, ragged last blocks."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
import torch
import torch.nn.functional as F

import zoo.fused as zf
from zoo.fused import kernels, ops

from fused_helpers import TOL, assert_kernel_matches_fallback, kernels as use_kernels, rel

DTYPES = [torch.float32, torch.float16]
LAYOUTS = ["nchw", "channels_last", "rows"]


def _tensor(layout: str, dtype, seed=0, shape=(2, 19, 5, 7)):
    g = torch.Generator().manual_seed(seed)
    if layout == "rows":
        return torch.randn(3, 11, shape[1], generator=g).to(dtype)
    x = torch.randn(*shape, generator=g).to(dtype)
    return x.to(memory_format=torch.channels_last) if layout == "channels_last" else x


def _channel_dim(layout):
    return -1 if layout == "rows" else 1


# ------------------------------------------------------------------------------------------ affine + act


@pytest.mark.parametrize("dtype", DTYPES, ids=str)
@pytest.mark.parametrize("layout", LAYOUTS)
@pytest.mark.parametrize("act", zf.ACTIVATIONS)
def test_affine_act_matches_fallback(act, layout, dtype):
    x = _tensor(layout, dtype) * 3  # reaches the kinks of relu6 / hard-swish
    C = x.shape[_channel_dim(layout)]
    scale, shift = torch.rand(C) + 0.5, torch.randn(C)
    residual = _tensor(layout, dtype, seed=1)
    for res_in in (True, False):
        fn = lambda x, s, b, r: zf.affine_act(x, s, b, act=act, residual=r, residual_in_act=res_in,  # noqa: E731
                                              channel_dim=_channel_dim(layout))
        assert_kernel_matches_fallback(fn, [x, scale, shift, residual], dtype)
    # no scale, no shift, no residual: a bare activation epilogue
    assert_kernel_matches_fallback(lambda x: zf.affine_act(x, act=act, channel_dim=_channel_dim(layout)), [x], dtype)


def test_affine_act_fallback_is_batchnorm_and_activation():
    x = torch.randn(2, 6, 4, 3)
    bn = torch.nn.BatchNorm2d(6).eval()
    bn.running_mean.normal_(), bn.running_var.uniform_(0.5, 2), bn.weight.data.uniform_(0.5, 1.5)
    scale = bn.weight / torch.sqrt(bn.running_var + bn.eps)
    shift = bn.bias - bn.running_mean * scale
    r = torch.randn_like(x)
    with torch.no_grad(), use_kernels(True):
        out = zf.affine_act(x, scale, shift, act="hardswish", residual=r, residual_in_act=True)
        assert rel(out, F.hardswish(bn(x) + r)) < 1e-6
        assert rel(zf.affine_act(x, scale, shift, act="relu", residual=r), F.relu(bn(x)) + r) < 1e-6


# ------------------------------------------------------------------------------------------ layer norm


@pytest.mark.parametrize("dtype", DTYPES, ids=str)
@pytest.mark.parametrize("layout", LAYOUTS)
def test_layer_norm_matches_fallback(layout, dtype):
    x = _tensor(layout, dtype) + 0.5
    C = x.shape[_channel_dim(layout)]
    w, b, gamma = torch.rand(C) + 0.5, torch.randn(C), torch.rand(C)
    r = _tensor(layout, dtype, seed=2)
    cd = _channel_dim(layout)
    assert_kernel_matches_fallback(
        lambda x, w, b, g, r: zf.layer_norm(x, w, b, 1e-6, channel_dim=cd, gamma=g, residual=r), [x, w, b, gamma, r],
        dtype)
    assert_kernel_matches_fallback(lambda x, w, b: zf.layer_norm(x, w, b, 1e-5, channel_dim=cd), [x, w, b], dtype)
    assert_kernel_matches_fallback(lambda x: zf.layer_norm(x, None, None, channel_dim=cd), [x], dtype)


def test_layer_norm_fallback_is_torch_layer_norm():
    x, w, b, g = torch.randn(2, 13, 4, 5), torch.rand(13), torch.randn(13), torch.rand(13)
    ref = F.layer_norm(x.permute(0, 2, 3, 1), (13,), w, b, 1e-6).permute(0, 3, 1, 2) * g[:, None, None] + x
    with use_kernels(True):
        assert rel(zf.layer_norm(x, w, b, 1e-6, channel_dim=1, gamma=g, residual=x), ref) < 1e-6
        rows = x.flatten(2).transpose(1, 2)
        assert rel(zf.layer_norm(rows, w, b, 1e-6), F.layer_norm(rows, (13,), w, b, 1e-6)) < 1e-6


# ------------------------------------------------------------------------------------------ squeeze-excite


@pytest.mark.parametrize("dtype", DTYPES, ids=str)
@pytest.mark.parametrize("layout", ["nchw", "channels_last"])
@pytest.mark.parametrize("gate", zf.GATES)
def test_se_gate_matches_fallback(gate, layout, dtype):
    x = _tensor(layout, dtype)
    logits = torch.randn(2, 19) * 4
    assert_kernel_matches_fallback(lambda x, s: zf.se_gate(x, s, gate), [x, logits], dtype, backward=False)
    gated = x.float() * (torch.sigmoid(logits) if gate == "sigmoid" else F.hardsigmoid(logits))[:, :, None, None]
    with use_kernels(True):
        assert rel(zf.se_gate(x, logits, gate), gated) <= TOL[dtype]


@pytest.mark.parametrize("dtype", DTYPES, ids=str)
@pytest.mark.parametrize("layout", ["nchw", "channels_last"])
@pytest.mark.parametrize("act", ["hardswish", "silu", "identity"])
def test_affine_act_pool_matches_fallback(act, layout, dtype):
    """The map and its per-channel means in one pass: 37 channels (a ragged channel block) over 9×13 pixels,
    more pixels than one step of the kernel when the interpreter's tile is cut down."""
    x = _tensor(layout, dtype, shape=(3, 37, 9, 13))
    scale, shift = torch.rand(37) + 0.5, torch.randn(37)
    with use_kernels(True):
        y, mean = zf.affine_act_pool(x, scale, shift, act=act)
    ref = zf.affine_act(x, scale, shift, act=act)
    assert y.dtype == dtype and y.stride() == ref.stride() and mean.dtype == torch.float32 and mean.shape == (3, 37)
    assert rel(y, ref) <= TOL[dtype]
    assert rel(mean, ref.float().mean((2, 3))) <= TOL[dtype]
    with use_kernels(False):
        y2, mean2 = zf.affine_act_pool(x, None, shift, act=act)
    assert torch.equal(y2, zf.affine_act(x, None, shift, act=act)) and torch.equal(mean2, y2.float().mean((2, 3)))


def test_affine_act_pool_steps_over_pixels(monkeypatch):
    monkeypatch.setattr(kernels, "pool_blocks", lambda channels: (16, 8))  # 117 pixels: 8 steps, the last ragged
    x = _tensor("nchw", torch.float32, shape=(2, 19, 9, 13))
    with use_kernels(True):
        y, mean = zf.affine_act_pool(x, None, None, act="relu")
    assert rel(mean, F.relu(x).mean((2, 3))) <= TOL[torch.float32] and torch.equal(y, F.relu(x))


# ------------------------------------------------------------------------------------------ window attention


def _swin_inputs(dtype, windows=2, batch=2, heads=3, window=(3, 5), head_dim=12, seed=0):
    g = torch.Generator().manual_seed(seed)
    N = window[0] * window[1]
    q, k, v = torch.randn(3, batch * windows, heads, N, head_dim, generator=g).to(dtype).unbind(0)
    table = torch.randn((2 * window[0] - 1) * (2 * window[1] - 1), heads, generator=g) * 0.5
    coords = torch.stack(torch.meshgrid(torch.arange(window[0]), torch.arange(window[1]), indexing="ij")).flatten(1)
    d = (coords[:, :, None] - coords[:, None, :]).permute(1, 2, 0) + torch.tensor([window[0] - 1, window[1] - 1])
    index = d[..., 0] * (2 * window[1] - 1) + d[..., 1]
    mask = torch.where(torch.rand(windows, N, N, generator=g) > 0.7, -100.0, 0.0)
    return q, k, v, table, index, mask


@pytest.mark.parametrize("dtype", [torch.float32, torch.float16, torch.bfloat16], ids=str)
@pytest.mark.parametrize("masked", [True, False])
def test_window_attention_matches_fallback(masked, dtype):
    q, k, v, table, index, mask = _swin_inputs(dtype)
    mask = mask if masked else None
    assert_kernel_matches_fallback(lambda q, k, v: zf.window_attention(q, k, v, table, index, mask), [q, k, v], dtype,
                                   backward=False)


def test_window_attention_fallback_is_swin_attention():
    """The fallback is the textbook computation: (q·scale)·kᵀ + B + mask → softmax → ·v, as SDPA does it."""
    q, k, v, table, index, mask = _swin_inputs(torch.float32, head_dim=7)
    H, N = q.shape[1], q.shape[2]
    bias = table[index.reshape(-1)].reshape(N, N, H).permute(2, 0, 1)
    full = (bias[None] + mask.repeat(q.shape[0] // mask.shape[0], 1, 1)[:, None])
    ref = F.scaled_dot_product_attention(q, k, v, attn_mask=full)
    with use_kernels(True):
        assert rel(zf.window_attention(q, k, v, table, index, mask), ref) < 1e-5


def test_window_attention_takes_strided_qkv():
    """q, k, v as views of one qkv projection, the way Swin produces them."""
    q, k, v, table, index, mask = _swin_inputs(torch.float32)
    qkv = torch.stack([q, k, v], dim=2).transpose(1, 2)  # (B, 3, heads, N, d) in memory order (B, heads, 3, ...)
    views = qkv.unbind(1)
    assert not views[0].is_contiguous()
    with use_kernels(True):
        assert rel(zf.window_attention(*views, table, index, mask), zf.window_attention(q, k, v, table, index, mask)) \
            < 1e-6


# ------------------------------------------------------------------------------------------ GPU constraints


@pytest.mark.parametrize("tokens,head_dim", [(49, 32), (144, 32), (4, 8), (15, 12), (64, 64), (1, 1)])
def test_attention_blocks_fit_tl_dot_minimum(tokens, head_dim):
    """The interpreter accepts any tl.dot shape; a GPU needs M, N, K ≥ 16 (and powers of two for tl.arange)."""
    bn, bd = kernels.attention_blocks(tokens, head_dim)
    for size in (bn, bd):
        assert size >= kernels.DOT_MIN == 16 and size & (size - 1) == 0
    assert bn >= tokens and bd >= head_dim


@pytest.mark.parametrize("channels", [1, 3, 96, 768, 1536, 3000])
def test_block_sizes_are_powers_of_two(channels, monkeypatch):
    for interpret in ("0", "1"):
        monkeypatch.setenv("TRITON_INTERPRET", interpret)
        bm, bc = kernels.ln_blocks(channels)
        eb = kernels.elementwise_block()
        bhw, bpc = kernels.pool_blocks(channels)
        for size in (bm, bc, eb, bhw, bpc):
            assert size >= 1 and size & (size - 1) == 0
        assert bc >= channels and bm * bc <= 65536


# ------------------------------------------------------------------------------------------ custom ops


def _opcheck(op, args):
    torch.library.opcheck(op, args, test_utils=("test_schema", "test_autograd_registration", "test_faketensor",
                                                "test_aot_dispatch_dynamic"))


@pytest.mark.parametrize("layout,kernel", [("nchw", True), ("channels_last", True), ("channels_last", False)])
def test_opcheck_trained_ops(layout, kernel):
    x = _tensor(layout, torch.float32, shape=(2, 5, 3, 3))
    C = 5
    s, b = (torch.rand(C) + 0.5).requires_grad_(), torch.randn(C).requires_grad_()
    r = torch.randn_like(x).requires_grad_()
    x.requires_grad_()
    with use_kernels(kernel):
        _opcheck(ops._affine_act_op, (x, s, b, r, "silu", True, 1))
        _opcheck(ops._affine_act_op, (x, None, b, None, "gelu", False, 1))
        _opcheck(ops._layer_norm_op, (x, s, b, 1e-6, 1, torch.rand(C).requires_grad_(), r))
        _opcheck(ops._layer_norm_op, (x, None, None, 1e-6, 1, None, None))
        g = torch.randn_like(x)
        _opcheck(ops._affine_act_backward_op, (g, x.detach(), s.detach(), b.detach(), None, "hardswish", 1))
        _, mean, rstd = ops._layer_norm_op(x.detach(), s.detach(), b.detach(), 1e-6, 1, None, None)
        _opcheck(ops._layer_norm_backward_op, (g, x.detach(), s.detach(), b.detach(), None, mean, rstd, 1e-6, 1))


def test_opcheck_inference_ops():
    x = _tensor("channels_last", torch.float32, shape=(2, 5, 3, 3))
    q, k, v, table, index, mask = _swin_inputs(torch.float32, window=(2, 2), head_dim=4)
    with use_kernels(True):
        _opcheck(ops._se_gate_op, (x, torch.randn(2, 5), "hardsigmoid"))
        _opcheck(ops._affine_act_pool_op, (x, torch.rand(5), torch.randn(5), "hardswish"))
        _opcheck(ops._affine_act_pool_op, (x.contiguous(), None, None, "identity"))
        _opcheck(ops._window_attention_op, (q, k, v, table, index, mask, 0.5))
        _opcheck(ops._window_attention_op, (q, k, v, table, index, None, 0.5))


# ------------------------------------------------------------------------------------------ dispatch


def test_dispatch_is_decided_at_call_time(monkeypatch):
    x = torch.randn(2, 3, 4, 4)
    calls = []
    real = kernels.affine_act_fwd
    monkeypatch.setattr(kernels, "affine_act_fwd", type("Spy", (), {
        "__getitem__": lambda self, grid: (lambda *a, **k: (calls.append(grid), real[grid](*a, **k)))})())
    with use_kernels(True):
        zf.affine_act(x, act="relu")
    assert len(calls) == 1
    with use_kernels(False):
        assert not zf.use_kernel(x)
        zf.affine_act(x, act="relu")
    assert len(calls) == 1
    monkeypatch.setenv("TRITON_INTERPRET", "0")  # a CPU tensor needs the interpreter
    with use_kernels(True):
        assert not zf.use_kernel(x) and zf.use_kernel(None)
        zf.affine_act(x, act="relu")
    assert len(calls) == 1


def test_zoo_fused_env_switch_and_light_import():
    code = ("import sys, zoo, zoo.fused as f; print(f.enabled(), 'triton' in sys.modules, "
            "'zoo.fused.kernels' in sys.modules)")
    src = str(Path(zf.__file__).parents[2])
    env = {**os.environ, "PYTHONPATH": src, "ZOO_FUSED": "0"}
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env, check=True).stdout
    assert out.split() == ["False", "False", "False"]


def test_bad_arguments_are_clear():
    x = torch.randn(2, 4, 3, 3)
    with pytest.raises(ValueError, match="act must be one of identity, relu.*got 'swish'"):
        zf.affine_act(x, act="swish")
    with pytest.raises(ValueError, match=r"scale must hold one value per channel \(4\), got shape \(5,\)"):
        zf.affine_act(x, torch.ones(5))
    with pytest.raises(ValueError, match="residual must have x's shape"):
        zf.affine_act(x, residual=torch.ones(2, 4, 3, 2))
    with pytest.raises(ValueError, match="channel_dim must be 1 .* or -1"):
        zf.affine_act(x, torch.ones(3), channel_dim=2)
    with pytest.raises(ValueError, match="gate must be one of sigmoid, hardsigmoid"):
        zf.se_gate(x, torch.ones(2, 4), "relu")
    with pytest.raises(ValueError, match=r"affine_act_pool expects an \(N, C, H, W\) map, got shape \(2, 4\)"):
        zf.affine_act_pool(torch.randn(2, 4))
    with pytest.raises(ValueError, match=r"table must be \(entries, 3\)"):
        q = torch.randn(2, 3, 4, 8)
        zf.window_attention(q, q, q, torch.randn(9, 2), torch.zeros(4, 4, dtype=torch.long))


@pytest.mark.slow
def test_kernels_compile_for_a_gpu():
    """Every kernel, every activation and flag set, compiled to cubin for sm_90 by Triton's real compiler
    (no GPU needed): what the interpreter lets through, such as a tl.dot below 16, fails here."""
    env = {k: v for k, v in os.environ.items() if k != "TRITON_INTERPRET"}
    env["PYTHONPATH"] = str(Path(zf.__file__).parents[2])
    run = subprocess.run([sys.executable, str(Path(__file__).with_name("compile_for_gpu.py")), "90"],
                         capture_output=True, text=True, env=env)
    assert run.returncode == 0, run.stdout + run.stderr
    assert "compiled" in run.stdout
