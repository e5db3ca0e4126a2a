"""Run a function through the kernels and through the fallbacks, and compare."""

from __future__ import annotations

import contextlib

import torch

import zoo.fused as zf

TOL = {torch.float32: 2e-5, torch.float16: 2e-3, torch.bfloat16: 1.6e-2}


@contextlib.contextmanager
def kernels(on: bool):
    before = zf.enabled()
    zf.enable(on)
    try:
        yield
    finally:
        zf.enable(before)


def rel(a: torch.Tensor, b: torch.Tensor) -> float:
    return ((a.double() - b.double()).abs().max() / b.double().abs().max().clamp_min(1e-6)).item()


def forward_backward(fn, inputs: list[torch.Tensor | None], grad_seed: int = 1234):
    """fn(*inputs) and the gradients of every floating input, as fresh leaves."""
    leaves = [t.detach().clone().requires_grad_(t.is_floating_point()) if t is not None else None for t in inputs]
    out = fn(*leaves)
    g = torch.randn(out.shape, generator=torch.Generator().manual_seed(grad_seed)).to(out.dtype)
    wanted = [t for t in leaves if t is not None and t.requires_grad]
    grads = torch.autograd.grad(out, wanted, g)
    return out, grads


def assert_kernel_matches_fallback(fn, inputs, dtype, backward=True):
    """The kernel and the fallback agree, forward (and backward), to the dtype's tolerance."""
    with kernels(True):
        assert zf.use_kernel(*[t for t in inputs if t is not None])
        out, grads = forward_backward(fn, inputs) if backward else (fn(*inputs), ())
    with kernels(False):
        ref, ref_grads = forward_backward(fn, inputs) if backward else (fn(*inputs), ())
    assert out.dtype == ref.dtype and out.shape == ref.shape and out.stride() == ref.stride()
    assert rel(out, ref) <= TOL[dtype], f"forward: {rel(out, ref):.2e}"
    for i, (g, r) in enumerate(zip(grads, ref_grads)):
        assert g.shape == r.shape and g.dtype == r.dtype
        assert rel(g, r) <= 4 * TOL[dtype], f"gradient {i}: {rel(g, r):.2e}"
