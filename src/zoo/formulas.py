"""The counting rules of ``zoo.profile``: the multiply-accumulates of each ATen operator (a formula of
its shapes), which operators must have one, and the documented per-element costs of the cheap work
that ``macs`` leaves out.
"""

from __future__ import annotations

import math
from typing import Any, Callable, Sequence

import torch

__all__ = ["FORMULAS", "ELEMENTWISE_COSTS", "UncountedOperatorError", "register_formula", "has_mac_work",
           "elementwise_cost"]


class UncountedOperatorError(RuntimeError):
    """An operator with multiply-accumulate work ran for which the counter has no formula."""


# ---------------------------------------------------------------------------------------------- formulas
# A formula maps (args, kwargs, out) of one operator call — real (meta) tensors — to its MACs.

Formula = Callable[[tuple, dict, Any], int]
FORMULAS: dict[str, Formula] = {}


def register_formula(*op_names: str):
    """Register a MAC formula for operators named like ``"aten::mm"`` or ``"mylib::my_op"``.

    ``fn(args, kwargs, out) -> int`` receives the operator's arguments and output.
    """

    def decorator(fn: Formula) -> Formula:
        for name in op_names:
            FORMULAS[name if "::" in name else f"aten::{name}"] = fn
        return fn

    return decorator


def _numel(shape: Sequence[int]) -> int:
    return math.prod(int(s) for s in shape)


@register_formula("addmm", "_addmm_activation")
def _addmm(args, kwargs, out):
    return out.numel() * args[1].shape[-1]


@register_formula("mm", "_int_mm", "_scaled_mm")
def _plain_mm(args, kwargs, out):
    return out.numel() * args[0].shape[-1]


@register_formula("bmm")
def _bmm(args, kwargs, out):
    return out.numel() * args[0].shape[-1]


@register_formula("baddbmm")
def _baddbmm(args, kwargs, out):
    return out.numel() * args[1].shape[-1]


@register_formula("addbmm")
def _addbmm(args, kwargs, out):
    b, n, k = args[1].shape
    return b * n * k * args[2].shape[-1]


@register_formula("mv", "dot", "vdot")
def _mv(args, kwargs, out):
    return max(out.numel(), 1) * args[0].shape[-1]


@register_formula("addmv")
def _addmv(args, kwargs, out):
    return out.numel() * args[1].shape[-1]


@register_formula("addr")
def _addr(args, kwargs, out):  # outer product: one multiply(-add) per element
    return out.numel()


@register_formula("linear", "matmul")  # composite ops: reach the dispatcher only on some backends
def _linear(args, kwargs, out):
    return out.numel() * args[0].shape[-1]


def _conv_macs(x: torch.Tensor, w: torch.Tensor, out: torch.Tensor, transposed: bool) -> int:
    """Each output element of a conv (each input element of a transposed one) takes C/g · prod(kernel) MACs.

    The weight is (C_out, C_in/g, *K), or (C_in, C_out/g, *K) when transposed: ``w.shape[1]`` is C/g.
    """
    return (x if transposed else out).numel() * w.shape[1] * _numel(w.shape[2:])


@register_formula("convolution", "_convolution", "convolution_overrideable")
def _convolution(args, kwargs, out):
    return _conv_macs(args[0], args[1], out, bool(args[6]))


@register_formula(
    "cudnn_convolution", "miopen_convolution", "mkldnn_convolution", "_slow_conv2d_forward", "slow_conv3d_forward",
    "slow_conv_dilated2d", "slow_conv_dilated3d", "thnn_conv2d", "_conv_depthwise2d", "conv_depthwise3d",
    "_nnpack_spatial_convolution", "miopen_depthwise_convolution", "cudnn_convolution_relu",
    "cudnn_convolution_add_relu", "conv1d", "conv2d", "conv3d",
)
def _direct_convolution(args, kwargs, out):
    out = out[0] if isinstance(out, (tuple, list)) else out
    return _conv_macs(args[0], args[1], out, transposed=False)


@register_formula(
    "cudnn_convolution_transpose", "miopen_convolution_transpose", "slow_conv_transpose2d", "slow_conv_transpose3d",
    "conv_transpose1d", "conv_transpose2d", "conv_transpose3d",
)
def _direct_transposed_convolution(args, kwargs, out):
    return _conv_macs(args[0], args[1], out, transposed=True)


@register_formula("convolution_backward")
def _convolution_backward(args, kwargs, out):
    """grad_input (a transposed conv of grad_out) and grad_weight each cost the forward's MACs."""
    grad_out, x, w, transposed, mask = args[0], args[1], args[2], bool(args[7]), args[10]
    forward = _conv_macs(x, w, grad_out, transposed)
    return forward * (int(mask[0]) + int(mask[1]))


def _attention_macs(q_shape, k_shape, v_shape) -> int:
    """``Q·Kᵀ`` and ``A·V`` for queries (…, L, E), keys (…, S, E), values (…, S, Ev); KV heads broadcast."""
    *batch, L, E = q_shape
    S, Ev = k_shape[-2], v_shape[-1]
    return _numel(batch) * L * S * (E + Ev)


def _seq_first(args):  # flash/efficient kernels take (B, L, H, E): move the heads before the sequence
    return [(*t.shape[:-3], t.shape[-2], t.shape[-3], t.shape[-1]) for t in args[:3]]


def _dense_only(args, kwargs, op):
    cum = kwargs.get("cum_seq_q", kwargs.get("cu_seqlens_q", args[4] if len(args) > 4 else None))
    if isinstance(cum, torch.Tensor):
        raise UncountedOperatorError(f"{op} with variable-length (nested) sequences has no formula")


@register_formula(
    "scaled_dot_product_attention", "_scaled_dot_product_attention_math", "_scaled_dot_product_attention_math_for_mps",
    "_scaled_dot_product_flash_attention", "_scaled_dot_product_flash_attention_for_cpu",
    "_scaled_dot_product_efficient_attention", "_scaled_dot_product_cudnn_attention",
    "_scaled_dot_product_fused_attention_overrideable",
)
def _sdpa(args, kwargs, out):
    return _attention_macs(args[0].shape, args[1].shape, args[2].shape)


@register_formula("_flash_attention_forward", "_efficient_attention_forward")
def _flash_forward(args, kwargs, out):
    _dense_only(args, kwargs, "flash/efficient attention")
    return _attention_macs(*_seq_first(args))


def _attention_backward_macs(q_shape, k_shape, v_shape) -> int:
    """dA = dO·Vᵀ, dV = Aᵀ·dO, dQ = dS·K, dK = dSᵀ·Q: the gradient's products, as the math kernel does them.

    Flash kernels also recompute Q·Kᵀ; that is the kernel's choice, not the gradient's work, so it is not
    counted, and the count does not depend on which kernel the device picks.
    """
    *batch, L, E = q_shape
    S, Ev = k_shape[-2], v_shape[-1]
    return _numel(batch) * L * S * 2 * (E + Ev)


@register_formula(
    "_scaled_dot_product_flash_attention_backward", "_scaled_dot_product_flash_attention_for_cpu_backward",
    "_scaled_dot_product_efficient_attention_backward", "_scaled_dot_product_cudnn_attention_backward",
    "_scaled_dot_product_fused_attention_overrideable_backward",
)
def _sdpa_backward(args, kwargs, out):
    return _attention_backward_macs(args[1].shape, args[2].shape, args[3].shape)


@register_formula("_flash_attention_backward", "_efficient_attention_backward")
def _flash_backward(args, kwargs, out):
    return _attention_backward_macs(*_seq_first(args[1:]))


@register_formula("_native_multi_head_attention")
def _native_mha(args, kwargs, out):
    """PyTorch's fused ``nn.MultiheadAttention`` (eval, no grad): q/k/v projections, attention, output projection."""
    q, k, embed = args[0], args[1], args[3]
    tokens_q, tokens_kv = q.numel() // q.shape[-1], k.numel() // k.shape[-1]
    proj_in = tokens_q * q.shape[-1] * embed + 2 * tokens_kv * k.shape[-1] * embed
    attention = tokens_q * k.shape[-2] * 2 * embed  # Q·Kᵀ and A·V over all heads (heads × head_dim = embed)
    return proj_in + attention + tokens_q * embed * embed


@register_formula("_transformer_encoder_layer_fwd")
def _native_encoder_layer(args, kwargs, out):
    """PyTorch's fused ``nn.TransformerEncoderLayer``: self-attention block and the two-layer MLP."""
    src, embed, ffn_weight_1 = args[0], args[1], args[14]
    tokens = src.numel() // src.shape[-1]
    attention = 3 * tokens * embed * embed + tokens * src.shape[-2] * 2 * embed + tokens * embed * embed
    return attention + 2 * tokens * embed * ffn_weight_1.shape[0]


def _fft_points(x: torch.Tensor, dims) -> tuple[int, int]:
    """(points per transform, number of transforms) of an FFT of ``x`` over ``dims``."""
    points = math.prod(x.shape[d] for d in dims)
    return points, x.numel() // max(points, 1)


def _fft_macs(points: int, transforms: int, real: bool) -> int:
    """A radix-2 FFT of N points does N/2·log2 N butterflies, each one complex multiply (4 real MACs):
    2·N·log2 N MACs; a real-input or real-output one half of that (the symmetric half is not computed)."""
    if points < 2:
        return 0
    macs = 2 * points * math.ceil(math.log2(points)) * transforms
    return macs // 2 if real else macs


@register_formula("_fft_r2c")
def _fft_r2c(args, kwargs, out):
    return _fft_macs(*_fft_points(args[0], args[1]), real=True)


@register_formula("_fft_c2r")
def _fft_c2r(args, kwargs, out):
    return _fft_macs(*_fft_points(out, args[1]), real=True)


@register_formula("_fft_c2c")
def _fft_c2c(args, kwargs, out):
    return _fft_macs(*_fft_points(args[0], args[1]), real=False)


@register_formula("_cdist_forward")
def _cdist(args, kwargs, out):
    """Pairwise distances of (B, P, M) and (B, R, M): one multiply-accumulate per pair and coordinate."""
    return out.numel() * args[0].shape[-1]


@register_formula("_cdist_backward")
def _cdist_backward(args, kwargs, out):
    """The gradient of the (B, P, M) input: one multiply-accumulate per pair and coordinate."""
    return out.numel() * args[2].shape[-2]


@register_formula("_pdist_forward")
def _pdist(args, kwargs, out):
    return out.numel() * args[0].shape[-1]


# Operators whose names say "multiply-accumulate work" but that have no formula are an error. A name
# token tells: conv*, *mm, matmul, linear, attention, rnn/lstm/gru, einsum, dot, linalg and the
# factorizations. Interpolation (upsample_bilinear2d …) and norms are elementwise work, not MACs.
_MAC_TOKENS = {
    "mv", "addmv", "dot", "vdot", "matmul", "linear", "bilinear", "trilinear", "einsum", "tensordot", "attention",
    "attn", "rnn", "lstm", "gru", "linalg", "cholesky", "triangular", "lu", "qr", "svd", "eig", "eigh", "solve",
    "inverse", "det", "fbgemm", "tbc", "kron", "mha", "transformer", "bsr", "ger", "outer", "fft", "cdist", "pdist",
}
_NOT_MAC = {"upsample", "grid", "norm", "vector", "cross", "interpolate", "aa"}


def has_mac_work(op_name: str) -> bool:
    tokens = [t for t in op_name.split("::")[-1].split(".")[0].split("_") if t]
    if any(t in _NOT_MAC for t in tokens):
        return False
    return any(t in _MAC_TOKENS or t.startswith("conv") or t.endswith("mm") for t in tokens)


# ---------------------------------------------------------------------------------------------- elementwise

# Documented per-element costs of the cheap work that ``macs`` leaves out (forward pass only):
ELEMENTWISE_COSTS = {
    "activation": 1,  # per output element: relu, gelu, silu, sigmoid, hardswish, tanh, …
    "normalization": 4,  # per element: subtract mean, divide by std, scale, shift (batch/layer/group norm)
    "pooling": 1,  # per *input* element read: one add or compare (max/avg/adaptive pooling, mean)
    "softmax": 3,  # per element: exp, sum, divide
    "arithmetic": 1,  # per output element: add, sub, mul, div (residual sums, layer scale, SE gating)
}
_ELEMENTWISE = {
    **dict.fromkeys(
        ("relu", "relu6", "gelu", "silu", "sigmoid", "hardswish", "hardsigmoid", "tanh", "leaky_relu", "elu", "hardtanh",
         "mish", "softplus", "prelu", "_prelu_kernel", "threshold"), "activation"),
    **dict.fromkeys(
        ("native_batch_norm", "_native_batch_norm_legit", "_native_batch_norm_legit_no_training",
         "_native_batch_norm_legit_functional", "_batch_norm_with_update", "_batch_norm_no_update",
         "native_layer_norm", "native_group_norm", "_fused_rms_norm"), "normalization"),
    **dict.fromkeys(
        ("max_pool2d_with_indices", "max_pool2d", "avg_pool2d", "_adaptive_avg_pool2d", "adaptive_max_pool2d",
         "max_pool3d_with_indices", "avg_pool3d", "_adaptive_avg_pool3d", "mean", "sum"), "pooling"),
    **dict.fromkeys(("_softmax", "_log_softmax", "softmax"), "softmax"),
    **dict.fromkeys(("add", "sub", "mul", "div", "rsub", "addcmul", "addcdiv"), "arithmetic"),
}


def elementwise_cost(op: str, args, out) -> tuple[str, int] | None:
    category = _ELEMENTWISE.get(op.split("::")[-1].rstrip("_"))
    if category is None:
        return None
    first = out[0] if isinstance(out, (tuple, list)) else out
    if not isinstance(first, torch.Tensor):
        return None
    n = args[0].numel() if category == "pooling" and isinstance(args[0], torch.Tensor) else first.numel()
    return category, n * ELEMENTWISE_COSTS[category]
