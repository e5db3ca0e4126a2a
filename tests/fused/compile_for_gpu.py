"""Compile every zoo.fused kernel for an NVIDIA GPU (PTX and cubin) on a machine without one.

The interpreter accepts what a GPU compiler rejects (tl.dot shapes, types, layouts); this catches it.
Run as a script, in a process where TRITON_INTERPRET is unset:  python compile_for_gpu.py [--all] [arch ...]
"""

from __future__ import annotations

import os
import sys
import time

os.environ.pop("TRITON_INTERPRET", None)

import triton  # noqa: E402
from triton.backends.compiler import GPUTarget  # noqa: E402
from triton.compiler import ASTSource  # noqa: E402

from zoo.fused import kernels as k  # noqa: E402


def ptr(dtype):
    return "*" + dtype


def variants(full: bool = False):
    """(kernel, pointer/scalar signature, constexprs): every activation, flag set and attention dtype;
    ``full``: every kernel in every dtype."""
    for dt in ("fp32", "fp16", "bf16") if full else ("bf16",):
        for act in k.ACTS.values():
            yield k.affine_act_fwd, dict(x_ptr=ptr(dt), s_ptr="*fp32", b_ptr="*fp32", r_ptr=ptr(dt), y_ptr=ptr(dt),
                                         numel="i32", C="i32", INNER="i32"), \
                dict(HAS_SCALE=True, HAS_SHIFT=True, RES_IN=act % 2 == 0, RES_OUT=act % 2 == 1, ACT=act,
                     BLOCK=k.ELEMENTWISE_BLOCK)
            yield k.affine_act_bwd, dict(g_ptr=ptr(dt), x_ptr=ptr(dt), s_ptr="*fp32", b_ptr="*fp32", r_ptr=ptr(dt),
                                         dx_ptr=ptr(dt), dz_ptr=ptr(dt), numel="i32", C="i32", INNER="i32"), \
                dict(HAS_SCALE=True, HAS_SHIFT=True, RES_IN=True, ACT=act, BLOCK=k.ELEMENTWISE_BLOCK)
        for channels in (96, 1536):
            bm, bc = k.ln_blocks(channels)
            for full in (True, False):
                yield k.layer_norm_fwd, dict(x_ptr=ptr(dt), w_ptr="*fp32", b_ptr="*fp32", gamma_ptr="*fp32",
                                             r_ptr=ptr(dt), y_ptr=ptr(dt), mean_ptr="*fp32", rstd_ptr="*fp32",
                                             M="i32", C="i32", INNER="i32", eps="fp32"), \
                    dict(HAS_W=full, HAS_B=full, HAS_GAMMA=full, HAS_RES=full, BLOCK_M=bm, BLOCK_C=bc)
                yield k.layer_norm_bwd, dict(g_ptr=ptr(dt), x_ptr=ptr(dt), w_ptr="*fp32", b_ptr="*fp32",
                                             gamma_ptr="*fp32", mean_ptr="*fp32", rstd_ptr="*fp32", dx_ptr=ptr(dt),
                                             dw_ptr="*fp32", db_ptr="*fp32", dgamma_ptr="*fp32", M="i32", C="i32",
                                             INNER="i32"), \
                    dict(HAS_W=full, HAS_B=full, HAS_GAMMA=full, BLOCK_M=bm, BLOCK_C=bc)
        for channels in (20, 480):
            bhw, bc = k.pool_blocks(channels)
            yield k.affine_act_pool_fwd, dict(x_ptr=ptr(dt), s_ptr="*fp32", b_ptr="*fp32", y_ptr=ptr(dt),
                                              pool_ptr="*fp32", C="i32", HW="i32", stride_n="i32", stride_c="i32",
                                              stride_hw="i32"), \
                dict(HAS_SCALE=True, HAS_SHIFT=True, ACT=k.ACTS["silu"], BLOCK_HW=bhw, BLOCK_C=bc)
        for cl in (True, False):
            yield k.se_gate_fwd, dict(x_ptr=ptr(dt), s_ptr=ptr(dt), y_ptr=ptr(dt), numel="i32", C="i32", HW="i32"), \
                dict(CHANNELS_LAST=cl, GATE=int(cl), BLOCK=k.ELEMENTWISE_BLOCK)
    for dt in ("fp32", "fp16", "bf16"):
        for tokens, head_dim in ((49, 32), (144, 32), (4, 8)) if full or dt == "fp16" else ((49, 32),):
            bn, bd = k.attention_blocks(tokens, head_dim)
            strides = {f"s{t}_{d}": "i32" for t in "qkv" for d in "bhn"}
            fp32 = dt == "fp32"
            yield k.window_attention_fwd, dict(q_ptr=ptr(dt), k_ptr=ptr(dt), v_ptr=ptr(dt), o_ptr=ptr(dt),
                                               table_ptr="*fp32", index_ptr="*i64", mask_ptr="*fp32", **strides,
                                               H="i32", N="i32", D="i32", NW="i32", scale="fp32"), \
                dict(HAS_MASK=True, DOT_FP32=fp32, IEEE=fp32, BLOCK_N=bn, BLOCK_D=bd)


def main(archs, full=False):
    t = time.perf_counter()
    n = 0
    for arch in archs:
        target = GPUTarget("cuda", arch, 32)
        for fn, sig, consts in variants(full):
            signature = {**sig, **{c: "constexpr" for c in consts}}
            try:
                out = triton.compile(ASTSource(fn=fn, signature=signature, constexprs=consts), target=target)
            except Exception as e:  # report which variant, then fail
                raise SystemExit(f"sm_{arch}: {fn.__name__} {consts} {sig.get('x_ptr', sig.get('q_ptr'))}: {e}")
            assert out.asm.get("cubin"), f"no cubin for {fn.__name__}"
            n += 1
    print(f"compiled {n} kernel variants for sm_{', sm_'.join(map(str, archs))} in {time.perf_counter() - t:.1f} s")


if __name__ == "__main__":
    args = sys.argv[1:]
    main([int(a) for a in args if a != "--all"] or [90], full="--all" in args)
