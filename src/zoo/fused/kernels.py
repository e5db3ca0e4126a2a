"""The Triton kernels. Imported on the first kernel call only (never by ``import zoo``).

Every kernel loads its inputs in their own dtype, computes in fp32 and stores in the output's dtype.
Block sizes are powers of two (``tl.arange``); the attention kernel's are at least 16 in every
``tl.dot`` dimension, the GPU's minimum (checked by the tests, since the interpreter does not).
"""

from __future__ import annotations

import triton
import triton.language as tl

from zoo.blocks.activations import FUSED_ACTIVATIONS
from zoo.blocks.activations import GATES as GATE_NAMES

from ._dispatch import interpreting

# the branch codes of ``_act`` / ``_act_grad`` and of the gate, in the order of zoo.blocks.activations' table
ACTS = {name: code for code, name in enumerate(FUSED_ACTIVATIONS)}
GATES = {name: code for code, name in enumerate(GATE_NAMES)}
DOT_MIN = 16  # smallest M, N, K of tl.dot on NVIDIA GPUs

ELEMENTWISE_BLOCK = 1024
LN_TILE = 4096  # elements per layer-norm program (positions × channels)


def elementwise_block() -> int:
    # the interpreter pays per program, a GPU per register: large blocks there, moderate ones here
    return 16384 if interpreting() else ELEMENTWISE_BLOCK


def ln_blocks(channels: int) -> tuple[int, int]:
    """(positions, channels) per layer-norm program: all channels of a position in one tile."""
    block_c = triton.next_power_of_2(channels)
    tile = 65536 if interpreting() else LN_TILE
    return max(1, min(256, tile // block_c)), block_c


def pool_blocks(channels: int) -> tuple[int, int]:
    """(pixels, channels) per step of the pooling affine-act kernel, whose program owns (image, channel block)."""
    block_c = min(32, triton.next_power_of_2(channels))
    tile = 65536 if interpreting() else 2048
    return tile // block_c, block_c


def attention_blocks(tokens: int, head_dim: int) -> tuple[int, int]:
    """(tokens, head dim) tile of the window-attention kernel: one window and head per program."""
    return max(DOT_MIN, triton.next_power_of_2(tokens)), max(DOT_MIN, triton.next_power_of_2(head_dim))


# ------------------------------------------------------------------------------------------ activations


@triton.jit
def _act(z, ACT: tl.constexpr):
    if ACT == 1:
        z = tl.maximum(z, 0.0)
    elif ACT == 2:
        z = tl.minimum(tl.maximum(z, 0.0), 6.0)
    elif ACT == 3:
        z = z * (tl.minimum(tl.maximum(z + 3.0, 0.0), 6.0) / 6.0)
    elif ACT == 4:
        z = tl.minimum(tl.maximum(z + 3.0, 0.0), 6.0) / 6.0
    elif ACT == 5:
        z = z / (1.0 + tl.exp(-z))
    elif ACT == 6:
        z = 0.5 * z * (1.0 + tl.math.erf(z * 0.7071067811865476))
    return z


@triton.jit
def _act_grad(z, ACT: tl.constexpr):
    """d act(z) / dz, with PyTorch's conventions at the kinks."""
    one = tl.full(z.shape, 1.0, tl.float32)
    zero = tl.zeros(z.shape, tl.float32)
    if ACT == 0:
        d = one
    elif ACT == 1:
        d = tl.where(z > 0.0, one, zero)
    elif ACT == 2:
        d = tl.where((z > 0.0) & (z < 6.0), one, zero)
    elif ACT == 3:
        d = tl.where(z <= -3.0, zero, tl.where(z < 3.0, z / 3.0 + 0.5, one))
    elif ACT == 4:
        d = tl.where((z > -3.0) & (z < 3.0), one / 6.0, zero)
    elif ACT == 5:
        s = 1.0 / (1.0 + tl.exp(-z))
        d = s * (1.0 + z * (1.0 - s))
    else:
        cdf = 0.5 * (1.0 + tl.math.erf(z * 0.7071067811865476))
        d = cdf + z * tl.exp(-0.5 * z * z) * 0.3989422804014327
    return d


# ------------------------------------------------------------------------------------------ affine + act


@triton.jit
def affine_act_fwd(x_ptr, s_ptr, b_ptr, r_ptr, y_ptr, numel, C, INNER,
                   HAS_SCALE: tl.constexpr, HAS_SHIFT: tl.constexpr, RES_IN: tl.constexpr,
                   RES_OUT: tl.constexpr, ACT: tl.constexpr, BLOCK: tl.constexpr):
    """y = act(x·s[c] + b[c] (+ r)) (+ r) on a dense tensor whose channel of flat index i is (i // INNER) % C."""
    offs = tl.program_id(0).to(tl.int64) * BLOCK + tl.arange(0, BLOCK)
    m = offs < numel
    c = (offs // INNER) % C
    z = tl.load(x_ptr + offs, mask=m, other=0.0).to(tl.float32)
    if HAS_SCALE:
        z = z * tl.load(s_ptr + c, mask=m, other=1.0).to(tl.float32)
    if HAS_SHIFT:
        z = z + tl.load(b_ptr + c, mask=m, other=0.0).to(tl.float32)
    if RES_IN:
        z = z + tl.load(r_ptr + offs, mask=m, other=0.0).to(tl.float32)
    y = _act(z, ACT)
    if RES_OUT:
        y = y + tl.load(r_ptr + offs, mask=m, other=0.0).to(tl.float32)
    tl.store(y_ptr + offs, y.to(y_ptr.dtype.element_ty), mask=m)


@triton.jit
def affine_act_bwd(g_ptr, x_ptr, s_ptr, b_ptr, r_ptr, dx_ptr, dz_ptr, numel, C, INNER,
                   HAS_SCALE: tl.constexpr, HAS_SHIFT: tl.constexpr, RES_IN: tl.constexpr,
                   ACT: tl.constexpr, BLOCK: tl.constexpr):
    """Recompute the pre-activation z from x, then dz = g·act'(z) and dx = dz·s."""
    offs = tl.program_id(0).to(tl.int64) * BLOCK + tl.arange(0, BLOCK)
    m = offs < numel
    c = (offs // INNER) % C
    z = tl.load(x_ptr + offs, mask=m, other=0.0).to(tl.float32)
    s = tl.full(z.shape, 1.0, tl.float32)
    if HAS_SCALE:
        s = tl.load(s_ptr + c, mask=m, other=1.0).to(tl.float32)
        z = z * s
    if HAS_SHIFT:
        z = z + tl.load(b_ptr + c, mask=m, other=0.0).to(tl.float32)
    if RES_IN:
        z = z + tl.load(r_ptr + offs, mask=m, other=0.0).to(tl.float32)
    dz = tl.load(g_ptr + offs, mask=m, other=0.0).to(tl.float32) * _act_grad(z, ACT)
    tl.store(dz_ptr + offs, dz.to(dz_ptr.dtype.element_ty), mask=m)
    tl.store(dx_ptr + offs, (dz * s).to(dx_ptr.dtype.element_ty), mask=m)


@triton.jit
def affine_act_pool_fwd(x_ptr, s_ptr, b_ptr, y_ptr, pool_ptr, C, HW, stride_n, stride_c, stride_hw,
                        HAS_SCALE: tl.constexpr, HAS_SHIFT: tl.constexpr, ACT: tl.constexpr,
                        BLOCK_HW: tl.constexpr, BLOCK_C: tl.constexpr):
    """y = act(x·s[c] + b[c]) and pool[n, c] = mean of y over the pixels, for one image and a block of channels
    (NCHW or channels_last: the H and W strides merge into one pixel stride either way)."""
    n = tl.program_id(0).to(tl.int64)
    c = tl.program_id(1) * BLOCK_C + tl.arange(0, BLOCK_C)
    cm = c < C
    scale = tl.load(s_ptr + c, mask=cm, other=1.0).to(tl.float32)
    shift = tl.load(b_ptr + c, mask=cm, other=0.0).to(tl.float32)
    total = tl.zeros((BLOCK_C,), tl.float32)
    for start in range(0, HW, BLOCK_HW):
        hw = start + tl.arange(0, BLOCK_HW)
        m = (hw < HW)[:, None] & cm[None, :]
        offs = n * stride_n + c[None, :].to(tl.int64) * stride_c + hw[:, None].to(tl.int64) * stride_hw
        z = tl.load(x_ptr + offs, mask=m, other=0.0).to(tl.float32)
        if HAS_SCALE:
            z = z * scale[None, :]
        if HAS_SHIFT:
            z = z + shift[None, :]
        y = _act(z, ACT)
        tl.store(y_ptr + offs, y.to(y_ptr.dtype.element_ty), mask=m)
        total += tl.sum(tl.where(m, y, 0.0), 0)
    tl.store(pool_ptr + n * C + c, total / HW, mask=cm)


# ------------------------------------------------------------------------------------------ layer norm


@triton.jit
def _ln_tile(M, C, INNER, BLOCK_M: tl.constexpr, BLOCK_C: tl.constexpr):
    """Offsets of a (positions × channels) tile of a tensor viewed as (outer, C, inner): channel stride INNER."""
    p = tl.program_id(0).to(tl.int64) * BLOCK_M + tl.arange(0, BLOCK_M)
    c = tl.arange(0, BLOCK_C)
    base = (p // INNER) * C * INNER + p % INNER
    offs = base[:, None] + c[None, :].to(tl.int64) * INNER
    return p, c, offs, (p < M)[:, None] & (c < C)[None, :]


@triton.jit
def layer_norm_fwd(x_ptr, w_ptr, b_ptr, gamma_ptr, r_ptr, y_ptr, mean_ptr, rstd_ptr, M, C, INNER, eps,
                   HAS_W: tl.constexpr, HAS_B: tl.constexpr, HAS_GAMMA: tl.constexpr, HAS_RES: tl.constexpr,
                   BLOCK_M: tl.constexpr, BLOCK_C: tl.constexpr):
    """y = (r +) gamma[c]·(w[c]·x̂ + b[c]), x̂ normalised over the C channels of each position."""
    p, c, offs, mask = _ln_tile(M, C, INNER, BLOCK_M, BLOCK_C)
    cm = c < C
    x = tl.load(x_ptr + offs, mask=mask, other=0.0).to(tl.float32)
    mean = tl.sum(x, 1) / C
    d = tl.where(mask, x - mean[:, None], 0.0)
    rstd = 1.0 / tl.sqrt(tl.sum(d * d, 1) / C + eps)
    y = d * rstd[:, None]
    if HAS_W:
        y = y * tl.load(w_ptr + c, mask=cm, other=0.0).to(tl.float32)[None, :]
    if HAS_B:
        y = y + tl.load(b_ptr + c, mask=cm, other=0.0).to(tl.float32)[None, :]
    if HAS_GAMMA:
        y = y * tl.load(gamma_ptr + c, mask=cm, other=0.0).to(tl.float32)[None, :]
    if HAS_RES:
        y = y + tl.load(r_ptr + offs, mask=mask, other=0.0).to(tl.float32)
    tl.store(y_ptr + offs, y.to(y_ptr.dtype.element_ty), mask=mask)
    pm = p < M
    tl.store(mean_ptr + p, mean, mask=pm)
    tl.store(rstd_ptr + p, rstd, mask=pm)


@triton.jit
def layer_norm_bwd(g_ptr, x_ptr, w_ptr, b_ptr, gamma_ptr, mean_ptr, rstd_ptr, dx_ptr, dw_ptr, db_ptr, dgamma_ptr,
                   M, C, INNER, HAS_W: tl.constexpr, HAS_B: tl.constexpr, HAS_GAMMA: tl.constexpr,
                   BLOCK_M: tl.constexpr, BLOCK_C: tl.constexpr):
    """dx per position; per-program partial sums of dw, db, dgamma (rows of a (programs, C) buffer)."""
    p, c, offs, mask = _ln_tile(M, C, INNER, BLOCK_M, BLOCK_C)
    cm = c < C
    pm = p < M
    g = tl.load(g_ptr + offs, mask=mask, other=0.0).to(tl.float32)
    x = tl.load(x_ptr + offs, mask=mask, other=0.0).to(tl.float32)
    mean = tl.load(mean_ptr + p, mask=pm, other=0.0)
    rstd = tl.load(rstd_ptr + p, mask=pm, other=0.0)
    xhat = tl.where(mask, (x - mean[:, None]) * rstd[:, None], 0.0)
    part = tl.program_id(0).to(tl.int64) * C + c
    if HAS_GAMMA:
        h = xhat
        if HAS_W:
            h = h * tl.load(w_ptr + c, mask=cm, other=0.0).to(tl.float32)[None, :]
        if HAS_B:
            h = h + tl.load(b_ptr + c, mask=cm, other=0.0).to(tl.float32)[None, :]
        tl.store(dgamma_ptr + part, tl.sum(g * h, 0), mask=cm)
        g = g * tl.load(gamma_ptr + c, mask=cm, other=0.0).to(tl.float32)[None, :]
    if HAS_B:
        tl.store(db_ptr + part, tl.sum(g, 0), mask=cm)
    if HAS_W:
        tl.store(dw_ptr + part, tl.sum(g * xhat, 0), mask=cm)
        g = g * tl.load(w_ptr + c, mask=cm, other=0.0).to(tl.float32)[None, :]
    a = tl.sum(g, 1) / C
    b = tl.sum(g * xhat, 1) / C
    dx = (g - a[:, None] - xhat * b[:, None]) * rstd[:, None]
    tl.store(dx_ptr + offs, dx.to(dx_ptr.dtype.element_ty), mask=mask)


# ------------------------------------------------------------------------------------------ squeeze-excite


@triton.jit
def se_gate_fwd(x_ptr, s_ptr, y_ptr, numel, C, HW, CHANNELS_LAST: tl.constexpr, GATE: tl.constexpr,
                BLOCK: tl.constexpr):
    """y = x · gate(s[n, c]) over an NCHW or channels_last map."""
    offs = tl.program_id(0).to(tl.int64) * BLOCK + tl.arange(0, BLOCK)
    m = offs < numel
    if CHANNELS_LAST:
        nc = (offs // (HW * C)) * C + offs % C
    else:
        nc = offs // HW
    s = tl.load(s_ptr + nc, mask=m, other=0.0).to(tl.float32)
    if GATE == 0:
        gate = 1.0 / (1.0 + tl.exp(-s))
    else:
        gate = tl.minimum(tl.maximum(s + 3.0, 0.0), 6.0) / 6.0
    x = tl.load(x_ptr + offs, mask=m, other=0.0).to(tl.float32)
    tl.store(y_ptr + offs, (x * gate).to(y_ptr.dtype.element_ty), mask=m)


# ------------------------------------------------------------------------------------------ window attention


@triton.jit
def window_attention_fwd(q_ptr, k_ptr, v_ptr, o_ptr, table_ptr, index_ptr, mask_ptr,
                         sq_b, sq_h, sq_n, sk_b, sk_h, sk_n, sv_b, sv_h, sv_n,
                         H, N, D, NW, scale,
                         HAS_MASK: tl.constexpr, DOT_FP32: tl.constexpr, IEEE: tl.constexpr,
                         BLOCK_N: tl.constexpr, BLOCK_D: tl.constexpr):
    """softmax(q·kᵀ·scale + table[index][h] + mask[b mod NW]) · v for one window b and head h.

    The N × N scores live in registers only; nothing but the output is written.
    """
    pid = tl.program_id(0)
    b = pid // H
    h = pid % H
    n = tl.arange(0, BLOCK_N)
    d = tl.arange(0, BLOCK_D)
    nm = n < N
    qk_mask = nm[:, None] & (d < D)[None, :]
    q = tl.load(q_ptr + b.to(tl.int64) * sq_b + h * sq_h + n[:, None] * sq_n + d[None, :], mask=qk_mask, other=0.0)
    k = tl.load(k_ptr + b.to(tl.int64) * sk_b + h * sk_h + n[:, None] * sk_n + d[None, :], mask=qk_mask, other=0.0)
    v = tl.load(v_ptr + b.to(tl.int64) * sv_b + h * sv_h + n[:, None] * sv_n + d[None, :], mask=qk_mask, other=0.0)
    if DOT_FP32:  # the interpreter's bf16 dot is wrong, and fp32 inputs should stay fp32
        q = q.to(tl.float32)
        k = k.to(tl.float32)
        v = v.to(tl.float32)
    if IEEE:
        s = tl.dot(q, tl.trans(k), input_precision="ieee")
    else:
        s = tl.dot(q, tl.trans(k))
    s = s * scale
    nn_mask = nm[:, None] & nm[None, :]
    pair = n[:, None] * N + n[None, :]
    idx = tl.load(index_ptr + pair, mask=nn_mask, other=0)
    s = s + tl.load(table_ptr + idx * H + h, mask=nn_mask, other=0.0).to(tl.float32)
    if HAS_MASK:
        s = s + tl.load(mask_ptr + (b % NW).to(tl.int64) * N * N + pair, mask=nn_mask, other=0.0).to(tl.float32)
    s = tl.where(nm[None, :], s, float("-inf"))
    p = tl.exp(s - tl.max(s, 1)[:, None])
    p = p / tl.sum(p, 1)[:, None]
    if IEEE:
        o = tl.dot(p, v, input_precision="ieee")
    else:
        o = tl.dot(p.to(v.dtype), v)
    o_offs = pid.to(tl.int64) * N * D + n[:, None] * D + d[None, :]
    tl.store(o_ptr + o_offs, o.to(o_ptr.dtype.element_ty), mask=qk_mask)
