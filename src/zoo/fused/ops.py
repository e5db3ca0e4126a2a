"""The fused operations: ``torch.library`` custom ops whose implementation picks, at each call, the
Triton kernel (CUDA tensor, Triton installed, not disabled) or the exact PyTorch fallback.

Public functions (``affine_act``, ``affine_act_pool``, ``layer_norm``, ``se_gate``, ``window_attention``)
check their arguments, then call the custom op when a kernel can run and the fallback directly
otherwise (on the CPU that spares the custom-op call and lets ``torch.compile`` fuse the fallback with
its neighbours).
Both return the input's dtype (promoted with the residual's): the kernels compute in fp32, the
fallbacks with PyTorch's own ops (per-channel parameters, normalisation and attention in fp32), so
fp16/bf16 tensors and the mixed dtypes that autocast produces are handled alike.
"""

from __future__ import annotations

from typing import Optional

import torch
import torch.nn.functional as F
from torch import Tensor

from zoo.blocks.activations import ACTIVATIONS as _ACTS
from zoo.blocks.activations import FUSED_ACTIVATIONS, GATES

from ._dispatch import interpreting, use_kernel

__all__ = ["ACTIVATIONS", "GATES", "affine_act", "affine_act_pool", "layer_norm", "se_gate", "window_attention"]

ACTIVATIONS = FUSED_ACTIVATIONS
_HALF = (torch.float16, torch.bfloat16)


def _kernels():
    from . import kernels  # first use imports triton

    return kernels


def _grid(n: int, block: int) -> tuple[int]:
    return ((n + block - 1) // block,)


# ---------------------------------------------------------------------------------------------- layouts


def _dense(x: Tensor, *others: Tensor | None, channel_dim: int = 1) -> tuple[Tensor, ...]:
    """``x`` and ``others`` in one dense memory format, as kernels need: channels_last where ``x`` is a
    channels_last map (channels innermost), contiguous otherwise."""
    fmt = torch.channels_last if channel_dim == 1 and x.ndim == 4 and not x.is_contiguous() and x.is_contiguous(
        memory_format=torch.channels_last) else torch.contiguous_format
    return tuple(t if t is None else t.contiguous(memory_format=fmt) for t in (x, *others))


def _channel_view(x: Tensor, channel_dim: int) -> tuple[int, int]:
    """(C, INNER) of a dense tensor: the channel of flat index i is (i // INNER) % C."""
    if channel_dim not in (1, -1) or (channel_dim == 1 and x.ndim < 2):
        raise ValueError(f"channel_dim must be 1 (NCHW maps) or -1 (token rows), got {channel_dim} for shape "
                         f"{tuple(x.shape)}")
    C = x.shape[channel_dim]
    if channel_dim == -1 or x.ndim == 2 or (x.ndim == 4 and not x.is_contiguous()):  # channels innermost
        return C, 1
    return C, x[0, 0].numel()


def _check_channel_dim(x: Tensor, channel_dim: int) -> None:
    if channel_dim not in (1, -1) or x.ndim < 2:
        raise ValueError(f"channel_dim must be 1 (NCHW maps) or -1 (token rows) of a tensor with 2 or more dims, got "
                         f"{channel_dim} for shape {tuple(x.shape)}")


def _per_channel(t: Tensor | None, C: int, what: str) -> None:
    if t is not None and t.numel() != C:
        raise ValueError(f"{what} must hold one value per channel ({C}), got shape {tuple(t.shape)}")


def _like(y: Tensor, x: Tensor) -> Tensor:
    """``y`` in ``x``'s memory format (what ``torch.empty_like(x)``, the fake, would give)."""
    fmt = torch.channels_last if x.ndim == 4 and not x.is_contiguous() and x.is_contiguous(
        memory_format=torch.channels_last) else torch.contiguous_format
    return y.contiguous(memory_format=fmt)


def _fresh(out: Tensor, *inputs: Tensor | None) -> Tensor:
    """``out``, copied if it shares memory with an input: a custom op may not return an alias of its inputs."""
    ptr = out.untyped_storage().data_ptr()
    if any(t is not None and t.untyped_storage().data_ptr() == ptr for t in inputs):
        return out.clone()
    return out


def _out_dtype(x: Tensor, residual: Tensor | None) -> torch.dtype:
    return x.dtype if residual is None else torch.promote_types(x.dtype, residual.dtype)


def _bcast(t: Tensor, x: Tensor, channel_dim: int) -> Tensor:
    """A per-channel vector shaped to broadcast against ``x`` along ``channel_dim``."""
    shape = [1] * x.ndim
    shape[channel_dim] = -1
    return t.reshape(shape)


# ---------------------------------------------------------------------------------------------- affine + act

def _affine_act_ref(x, scale, shift, residual, act, residual_in_act, channel_dim, inplace=False):
    """PyTorch's own ops, as few passes as they allow: scale and shift in one ``addcmul`` (in fp32: the
    parameters are), the residual and activation in place on the fresh result."""
    dtype = _out_dtype(x, residual)
    z = x
    if scale is not None and shift is not None:
        z = torch.addcmul(_bcast(shift.float(), x, channel_dim), x, _bcast(scale.float(), x, channel_dim))
    elif scale is not None:
        z = x * _bcast(scale.float(), x, channel_dim)
    elif shift is not None:
        z = x + _bcast(shift.float(), x, channel_dim)
    inplace = inplace or z is not x
    if residual is not None and residual_in_act:
        z = z.add_(residual) if inplace and z.dtype == torch.promote_types(z.dtype, residual.dtype) else z + residual
        inplace = True
    if act != "identity":
        z = getattr(F, act)(z, inplace=True) if inplace and act != "gelu" else _ACTS[act].fn(z)
    if residual is not None and not residual_in_act:
        z = z + residual
    return _like(z.to(dtype), x)


@torch.library.custom_op("zoo::affine_act", mutates_args=())
def _affine_act_op(x: Tensor, scale: Optional[Tensor], shift: Optional[Tensor], residual: Optional[Tensor],
                   act: str, residual_in_act: bool, channel_dim: int) -> Tensor:
    if not use_kernel(x, scale, shift, residual):
        return _fresh(_affine_act_ref(x, scale, shift, residual, act, residual_in_act, channel_dim), x, residual)
    k = _kernels()
    out = torch.empty_like(x, dtype=_out_dtype(x, residual))
    x, residual = _dense(x, residual, channel_dim=channel_dim)
    if out.stride() != x.stride():
        out = torch.empty_like(x, dtype=out.dtype)
    C, inner = _channel_view(x, channel_dim)
    block = k.elementwise_block()
    k.affine_act_fwd[_grid(x.numel(), block)](
        x, x if scale is None else scale.contiguous(), x if shift is None else shift.contiguous(),
        x if residual is None else residual, out, x.numel(), C, inner,
        HAS_SCALE=scale is not None, HAS_SHIFT=shift is not None,
        RES_IN=residual is not None and residual_in_act, RES_OUT=residual is not None and not residual_in_act,
        ACT=k.ACTS[act], BLOCK=block)
    return out


@_affine_act_op.register_fake
def _(x, scale, shift, residual, act, residual_in_act, channel_dim):
    return torch.empty_like(x, dtype=_out_dtype(x, residual))


def _affine_act_backward_ref(grad, x, scale, shift, residual, act, channel_dim):
    z = x.float()
    if scale is not None:
        z = z * _bcast(scale.float(), z, channel_dim)
    if shift is not None:
        z = z + _bcast(shift.float(), z, channel_dim)
    if residual is not None:
        z = z + residual.float()
    dz = _ACTS[act].grad(grad.float(), z)
    dx = dz if scale is None else dz * _bcast(scale.float(), dz, channel_dim)
    return _like(dx.to(x.dtype), x), _like(dz.to(x.dtype), x)


@torch.library.custom_op("zoo::affine_act_backward", mutates_args=())
def _affine_act_backward_op(grad: Tensor, x: Tensor, scale: Optional[Tensor], shift: Optional[Tensor],
                            residual: Optional[Tensor], act: str, channel_dim: int) -> tuple[Tensor, Tensor]:
    """(dx, dz): gradients of the input and of the pre-activation; ``residual`` only when inside the act."""
    if not use_kernel(grad, x, scale, shift, residual):
        dx, dz = _affine_act_backward_ref(grad, x, scale, shift, residual, act, channel_dim)
        dz = _fresh(dz, grad, x)
        return _fresh(dx, grad, x, dz), dz
    k = _kernels()
    x, grad, residual = _dense(x, grad, residual, channel_dim=channel_dim)
    dx, dz = torch.empty_like(x), torch.empty_like(x)
    C, inner = _channel_view(x, channel_dim)
    block = k.elementwise_block()
    k.affine_act_bwd[_grid(x.numel(), block)](
        grad, x, x if scale is None else scale.contiguous(), x if shift is None else shift.contiguous(),
        x if residual is None else residual, dx, dz, x.numel(), C, inner,
        HAS_SCALE=scale is not None, HAS_SHIFT=shift is not None, RES_IN=residual is not None,
        ACT=k.ACTS[act], BLOCK=block)
    return dx, dz


@_affine_act_backward_op.register_fake
def _(grad, x, scale, shift, residual, act, channel_dim):
    return torch.empty_like(x), torch.empty_like(x)


def _affine_act_setup(ctx, inputs, output):
    x, scale, shift, residual, act, residual_in_act, channel_dim = inputs
    ctx.act, ctx.residual_in_act, ctx.channel_dim = act, residual_in_act, channel_dim
    ctx.has_residual = residual is not None
    # only the op's input (and the residual where it enters the activation): z is recomputed
    ctx.save_for_backward(x, scale, shift, residual if residual_in_act else None)


def _affine_act_grad(ctx, grad):
    x, scale, shift, residual = ctx.saved_tensors
    dx, dz = _affine_act_backward_op(grad, x, scale, shift, residual, ctx.act, ctx.channel_dim)
    dims = [d for d in range(x.ndim) if d != ctx.channel_dim % x.ndim]
    need = ctx.needs_input_grad
    dscale = (dz.float() * x.float()).sum(dims).reshape(scale.shape).to(scale.dtype) if need[1] else None
    dshift = dz.float().sum(dims).reshape(shift.shape).to(shift.dtype) if need[2] else None
    dres = None
    if ctx.has_residual and need[3]:
        dres = dz if ctx.residual_in_act else grad
    return dx if need[0] else None, dscale, dshift, dres, None, None, None


_affine_act_op.register_autograd(_affine_act_grad, setup_context=_affine_act_setup)


def affine_act(x: Tensor, scale: Tensor | None = None, shift: Tensor | None = None, *, act: str = "identity",
               residual: Tensor | None = None, residual_in_act: bool = False, channel_dim: int = 1,
               inplace: bool = False) -> Tensor:
    """``act(x·scale[c] + shift[c] (+ residual)) (+ residual)`` in one pass.

    Covers BatchNorm in eval (scale = w/√(var+eps), shift = b − mean·scale) and bias epilogues.

    Args:
        x: a map (N, C, H, W) in NCHW or channels_last memory (``channel_dim=1``), or rows (..., C)
            (``channel_dim=-1``).
        scale, shift: per-channel vectors, or None.
        act: one of ``ACTIVATIONS``.
        residual: a tensor of ``x``'s shape added inside the activation (``residual_in_act=True``,
            ResNet's ``relu(bn(x) + shortcut)``) or after it.
        inplace: the fallback may overwrite ``x`` (a fresh conv output no one else reads).
    """
    if act not in ACTIVATIONS:
        raise ValueError(f"act must be one of {', '.join(ACTIVATIONS)}; got {act!r}")
    _check_channel_dim(x, channel_dim)
    C = x.shape[channel_dim]
    _per_channel(scale, C, "scale")
    _per_channel(shift, C, "shift")
    if residual is not None and residual.shape != x.shape:
        raise ValueError(f"residual must have x's shape {tuple(x.shape)}, got {tuple(residual.shape)}")
    if use_kernel(x, scale, shift, residual):
        return _affine_act_op(x, scale, shift, residual, act, residual_in_act, channel_dim)
    return _affine_act_ref(x, scale, shift, residual, act, residual_in_act, channel_dim,
                           inplace and not x.requires_grad)


def _affine_act_pool_ref(x, scale, shift, act):
    y = _affine_act_ref(x, scale, shift, None, act, False, 1)
    return y, y.float().mean((2, 3))


@torch.library.custom_op("zoo::affine_act_pool", mutates_args=())
def _affine_act_pool_op(x: Tensor, scale: Optional[Tensor], shift: Optional[Tensor],
                        act: str) -> tuple[Tensor, Tensor]:
    if not use_kernel(x, scale, shift):
        y, pooled = _affine_act_pool_ref(x, scale, shift, act)
        return _fresh(y, x), pooled
    k = _kernels()
    x, = _dense(x)
    out = torch.empty_like(x)
    N, C, H, W = x.shape
    pooled = torch.empty(N, C, device=x.device, dtype=torch.float32)
    bhw, bc = k.pool_blocks(C)
    k.affine_act_pool_fwd[(N, *_grid(C, bc))](
        x, x if scale is None else scale.contiguous(), x if shift is None else shift.contiguous(), out, pooled,
        C, H * W, x.stride(0), x.stride(1), x.stride(3),
        HAS_SCALE=scale is not None, HAS_SHIFT=shift is not None, ACT=k.ACTS[act], BLOCK_HW=bhw, BLOCK_C=bc)
    return out, pooled


@_affine_act_pool_op.register_fake
def _(x, scale, shift, act):
    return torch.empty_like(x), x.new_empty(x.shape[:2], dtype=torch.float32)


def affine_act_pool(x: Tensor, scale: Tensor | None = None, shift: Tensor | None = None, *,
                    act: str = "identity") -> tuple[Tensor, Tensor]:
    """``y = act(x·scale[c] + shift[c])`` and the fp32 (N, C) means of ``y`` over its pixels, in one pass
    (inference): the squeeze of a squeeze-excite taken while the map that feeds it is written.

    ``x`` is an (N, C, H, W) map, NCHW or channels_last.
    """
    if act not in ACTIVATIONS:
        raise ValueError(f"act must be one of {', '.join(ACTIVATIONS)}; got {act!r}")
    if x.ndim != 4:
        raise ValueError(f"affine_act_pool expects an (N, C, H, W) map, got shape {tuple(x.shape)}")
    _per_channel(scale, x.shape[1], "scale")
    _per_channel(shift, x.shape[1], "shift")
    if use_kernel(x, scale, shift):
        return _affine_act_pool_op(x, scale, shift, act)
    return _affine_act_pool_ref(x, scale, shift, act)


# ---------------------------------------------------------------------------------------------- layer norm


def _layer_norm_ref(x, weight, bias, eps, channel_dim, gamma, residual):
    dtype = _out_dtype(x, residual)
    z = x.float()
    if channel_dim == 1:
        z = z.movedim(1, -1)
    with torch.autocast(x.device.type, enabled=False):
        y = F.layer_norm(z, z.shape[-1:], None if weight is None else weight.float(),
                         None if bias is None else bias.float(), eps)
    fresh = not torch.is_grad_enabled()  # in place only where autograd needs no intermediate
    if gamma is not None:
        y = y.mul_(gamma.float()) if fresh else y * gamma.float()
    if channel_dim == 1:
        y = y.movedim(-1, 1)
    if residual is not None:
        y = y.add_(residual) if fresh and y.dtype == torch.promote_types(y.dtype, residual.dtype) else y + residual
    return _like(y.to(dtype), x)


def _ln_stats_ref(x, eps, channel_dim):
    z = x.float()
    z = z.movedim(1, -1) if channel_dim == 1 else z
    var, mean = torch.var_mean(z, -1, correction=0)
    return mean, torch.rsqrt(var + eps)


def _positions(x: Tensor, channel_dim: int) -> int:
    return x.numel() // max(1, x.shape[channel_dim])


@torch.library.custom_op("zoo::layer_norm", mutates_args=())
def _layer_norm_op(x: Tensor, weight: Optional[Tensor], bias: Optional[Tensor], eps: float, channel_dim: int,
                   gamma: Optional[Tensor], residual: Optional[Tensor]) -> tuple[Tensor, Tensor, Tensor]:
    """(y, mean, rstd); mean and rstd (fp32, one per position in memory order) serve the backward."""
    if not use_kernel(x, weight, bias, gamma, residual):
        y = _layer_norm_ref(x, weight, bias, eps, channel_dim, gamma, residual)
        mean, rstd = _ln_stats_ref(x, eps, channel_dim)  # positions in (N, H, W) order, as the kernel's
        return y, mean.reshape(-1), rstd.reshape(-1)
    k = _kernels()
    out = torch.empty_like(x, dtype=_out_dtype(x, residual))
    x, residual = _dense(x, residual, channel_dim=channel_dim)
    if out.stride() != x.stride():
        out = torch.empty_like(x, dtype=out.dtype)
    C, inner = _channel_view(x, channel_dim)
    M = _positions(x, channel_dim)
    mean = torch.empty(M, device=x.device, dtype=torch.float32)
    rstd = torch.empty_like(mean)
    bm, bc = k.ln_blocks(C)
    k.layer_norm_fwd[_grid(M, bm)](
        x, _or(weight, x), _or(bias, x), _or(gamma, x), x if residual is None else residual, out, mean, rstd,
        M, C, inner, eps,
        HAS_W=weight is not None, HAS_B=bias is not None, HAS_GAMMA=gamma is not None,
        HAS_RES=residual is not None, BLOCK_M=bm, BLOCK_C=bc)
    return out, mean, rstd


def _or(t, default):
    return default if t is None else t.contiguous()


@_layer_norm_op.register_fake
def _(x, weight, bias, eps, channel_dim, gamma, residual):
    M = _positions(x, channel_dim)
    stat = x.new_empty(M, dtype=torch.float32)
    return torch.empty_like(x, dtype=_out_dtype(x, residual)), stat, stat.clone()


def _layer_norm_backward_ref(grad, x, weight, bias, gamma, eps, channel_dim):
    z, g = x.float(), grad.float()
    if channel_dim == 1:
        z, g = z.movedim(1, -1), g.movedim(1, -1)
    w, b = (None if t is None else t.float() for t in (weight, bias))
    var, mean = torch.var_mean(z, -1, keepdim=True, correction=0)
    rstd = torch.rsqrt(var + eps)
    dgamma = None
    if gamma is not None:
        h = F.layer_norm(z, z.shape[-1:], w, b, eps)
        dgamma = (g * h).flatten(0, -2).sum(0)
        g = g * gamma.float()
    dx, dw, db = torch.ops.aten.native_layer_norm_backward(
        g, z, z.shape[-1:], mean, rstd, w, b, [True, w is not None, b is not None])
    if channel_dim == 1:
        dx = dx.movedim(-1, 1)
    cast = lambda d, ref: x.new_empty(0, dtype=torch.float32) if ref is None else d.to(ref.dtype)  # noqa: E731
    return _like(dx.to(x.dtype), x), cast(dw, weight), cast(db, bias), cast(dgamma, gamma)


@torch.library.custom_op("zoo::layer_norm_backward", mutates_args=())
def _layer_norm_backward_op(grad: Tensor, x: Tensor, weight: Optional[Tensor], bias: Optional[Tensor],
                            gamma: Optional[Tensor], mean: Tensor, rstd: Tensor, eps: float,
                            channel_dim: int) -> tuple[Tensor, Tensor, Tensor, Tensor]:
    """(dx, dweight, dbias, dgamma); an absent parameter's gradient is an empty tensor."""
    if not use_kernel(grad, x, weight, bias, gamma):
        return _layer_norm_backward_ref(grad, x, weight, bias, gamma, eps, channel_dim)
    k = _kernels()
    x, grad = _dense(x, grad, channel_dim=channel_dim)
    C, inner = _channel_view(x, channel_dim)
    M = _positions(x, channel_dim)
    bm, bc = k.ln_blocks(C)
    programs = _grid(M, bm)[0]
    dx = torch.empty_like(x)
    parts = {name: torch.zeros(programs, C, device=x.device, dtype=torch.float32) if t is not None else None
             for name, t in (("w", weight), ("b", bias), ("g", gamma))}
    k.layer_norm_bwd[(programs,)](
        grad, x, _or(weight, x), _or(bias, x), _or(gamma, x), mean, rstd, dx,
        _or(parts["w"], x), _or(parts["b"], x), _or(parts["g"], x), M, C, inner,
        HAS_W=weight is not None, HAS_B=bias is not None, HAS_GAMMA=gamma is not None, BLOCK_M=bm, BLOCK_C=bc)
    out = [dx]
    for name, t in (("w", weight), ("b", bias), ("g", gamma)):
        out.append(torch.zeros(0, device=x.device) if t is None else parts[name].sum(0).reshape(t.shape).to(t.dtype))
    return tuple(out)


@_layer_norm_backward_op.register_fake
def _(grad, x, weight, bias, gamma, mean, rstd, eps, channel_dim):
    like = lambda t: x.new_empty(0, dtype=torch.float32) if t is None else torch.empty_like(t)  # noqa: E731
    return torch.empty_like(x), like(weight), like(bias), like(gamma)


def _layer_norm_setup(ctx, inputs, output):
    x, weight, bias, eps, channel_dim, gamma, residual = inputs
    _, mean, rstd = output
    ctx.eps, ctx.channel_dim, ctx.has_residual = eps, channel_dim, residual is not None
    ctx.mark_non_differentiable(mean, rstd)
    ctx.save_for_backward(x, weight, bias, gamma, mean, rstd)


def _layer_norm_grad(ctx, grad, _grad_mean, _grad_rstd):
    x, weight, bias, gamma, mean, rstd = ctx.saved_tensors
    dx, dw, db, dg = _layer_norm_backward_op(grad, x, weight, bias, gamma, mean, rstd, ctx.eps, ctx.channel_dim)
    need = ctx.needs_input_grad
    return (dx if need[0] else None, dw if need[1] else None, db if need[2] else None, None, None,
            dg if need[5] else None, grad if ctx.has_residual and need[6] else None)


_layer_norm_op.register_autograd(_layer_norm_grad, setup_context=_layer_norm_setup)


def layer_norm(x: Tensor, weight: Tensor | None, bias: Tensor | None, eps: float = 1e-6, *, channel_dim: int = -1,
               gamma: Tensor | None = None, residual: Tensor | None = None) -> Tensor:
    """``residual + gamma[c] · LayerNorm_c(x)``: normalise over the channels of each position.

    ``channel_dim=1`` for NCHW / channels_last maps (ConvNeXt's LayerNorm2d), ``-1`` for token rows
    (ViT, Swin) and channels-last maps stored as (N, H, W, C); ``gamma`` is a layer-scale, ``residual``
    the shortcut the result is added to.
    """
    _check_channel_dim(x, channel_dim)
    C = x.shape[channel_dim]
    for t, what in ((weight, "weight"), (bias, "bias"), (gamma, "gamma")):
        _per_channel(t, C, what)
    if residual is not None and residual.shape != x.shape:
        raise ValueError(f"residual must have x's shape {tuple(x.shape)}, got {tuple(residual.shape)}")
    if use_kernel(x, weight, bias, gamma, residual):
        return _layer_norm_op(x, weight, bias, float(eps), channel_dim, gamma, residual)[0]
    return _layer_norm_ref(x, weight, bias, eps, channel_dim, gamma, residual)


# ---------------------------------------------------------------------------------------------- squeeze-excite


def _se_gate_ref(x, logits, gate):
    g = torch.sigmoid(logits.float()) if gate == "sigmoid" else F.hardsigmoid(logits.float())
    return (x.float() * g.reshape(x.shape[0], x.shape[1], 1, 1)).to(x.dtype) if x.dtype in _HALF else \
        x * g.reshape(x.shape[0], x.shape[1], 1, 1).to(x.dtype)


@torch.library.custom_op("zoo::se_gate", mutates_args=())
def _se_gate_op(x: Tensor, logits: Tensor, gate: str) -> Tensor:
    if not use_kernel(x, logits):
        return _se_gate_ref(x, logits, gate)
    k = _kernels()
    out = torch.empty_like(x)
    x, = _dense(x)
    if out.stride() != x.stride():
        out = torch.empty_like(x)
    channels_last = not x.is_contiguous()
    block = k.elementwise_block()
    k.se_gate_fwd[_grid(x.numel(), block)](
        x, logits.contiguous(), out, x.numel(), x.shape[1], x.shape[2] * x.shape[3],
        CHANNELS_LAST=channels_last, GATE=k.GATES[gate], BLOCK=block)
    return out


@_se_gate_op.register_fake
def _(x, logits, gate):
    return torch.empty_like(x)


def se_gate(x: Tensor, logits: Tensor, gate: str = "sigmoid") -> Tensor:
    """Squeeze-excite's reweighting ``x · gate(logits)[n, c]`` for an (N, C, H, W) map (inference)."""
    if gate not in GATES:
        raise ValueError(f"gate must be one of {', '.join(GATES)}; got {gate!r}")
    if x.ndim != 4 or logits.numel() != x.shape[0] * x.shape[1]:
        raise ValueError(f"se_gate expects an (N, C, H, W) map and (N, C) logits; got {tuple(x.shape)} and "
                         f"{tuple(logits.shape)}")
    if use_kernel(x, logits):
        return _se_gate_op(x, logits, gate)
    return _se_gate_ref(x, logits, gate)


# ---------------------------------------------------------------------------------------------- window attention


def _window_attention_ref(q, k, v, table, index, mask, scale):
    N, H = q.shape[-2], q.shape[1]
    with torch.autocast(q.device.type, enabled=False):
        attn = (q.float() * scale) @ k.float().transpose(-2, -1)
        attn = attn + table.float()[index.reshape(-1)].reshape(N, N, H).permute(2, 0, 1).unsqueeze(0)
        if mask is not None:
            nw = mask.shape[0]
            attn = (attn.view(-1, nw, H, N, N) + mask.float().unsqueeze(1).unsqueeze(0)).view(-1, H, N, N)
        return (attn.softmax(-1) @ v.float()).to(q.dtype)


@torch.library.custom_op("zoo::window_attention", mutates_args=())
def _window_attention_op(q: Tensor, k: Tensor, v: Tensor, table: Tensor, index: Tensor, mask: Optional[Tensor],
                         scale: float) -> Tensor:
    if not use_kernel(q, k, v, table, index, mask):
        return _window_attention_ref(q, k, v, table, index, mask, scale)
    kern = _kernels()
    B, H, N, D = q.shape
    q, k, v = (t if t.stride(-1) == 1 else t.contiguous() for t in (q, k, v))
    out = torch.empty(B, H, N, D, device=q.device, dtype=q.dtype)
    bn, bd = kern.attention_blocks(N, D)
    fp32 = q.dtype == torch.float32 or interpreting()
    kern.window_attention_fwd[(B * H,)](
        q, k, v, out, table.contiguous(), index.contiguous(), q if mask is None else mask.contiguous(),
        q.stride(0), q.stride(1), q.stride(2), k.stride(0), k.stride(1), k.stride(2),
        v.stride(0), v.stride(1), v.stride(2), H, N, D, 1 if mask is None else mask.shape[0], scale,
        HAS_MASK=mask is not None, DOT_FP32=fp32, IEEE=fp32, BLOCK_N=bn, BLOCK_D=bd)
    return out


@_window_attention_op.register_fake
def _(q, k, v, table, index, mask, scale):
    return q.new_empty(q.shape)


def window_attention(q: Tensor, k: Tensor, v: Tensor, table: Tensor, index: Tensor, mask: Tensor | None = None,
                     scale: float | None = None) -> Tensor:
    """Swin's window attention, ``softmax(q·kᵀ·scale + B + mask) · v``, without writing the scores (inference).

    Args:
        q, k, v: (windows·batch, heads, N, head_dim), windows of one image consecutive.
        table: the relative-position bias table ((2Wh−1)(2Ww−1), heads); ``index`` (N, N) its indices.
        mask: the shifted-window mask (windows, N, N) of 0 / −100, or None.
        scale: defaults to head_dim ** −0.5.
    """
    if q.ndim != 4 or k.shape != q.shape or v.shape != q.shape:
        raise ValueError(f"q, k, v must share a (B, heads, N, head_dim) shape; got {tuple(q.shape)}, "
                         f"{tuple(k.shape)}, {tuple(v.shape)}")
    B, H, N, _ = q.shape
    if table.ndim != 2 or table.shape[1] != H or index.shape != (N, N):
        raise ValueError(f"table must be (entries, {H}) and index ({N}, {N}); got {tuple(table.shape)} and "
                         f"{tuple(index.shape)}")
    if mask is not None and (mask.shape[1:] != (N, N) or B % mask.shape[0]):
        raise ValueError(f"mask must be (windows, {N}, {N}) with windows dividing {B}; got {tuple(mask.shape)}")
    scale = q.shape[-1] ** -0.5 if scale is None else float(scale)
    if use_kernel(q, k, v, table, index, mask):
        return _window_attention_op(q, k, v, table, index, mask, scale)
    return _window_attention_ref(q, k, v, table, index, mask, scale)
