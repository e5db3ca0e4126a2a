"""``zoo.optimize``: the fastest way this library knows to run a backbone for inference on the hardware at hand.

    fast = zoo.optimize(model, example_input)
    logits = fast(images)
    print(fast.report)                               # what was done, compile time, error against eager fp32

The steps, each kept only where it applies:

1. ``zoo.fuse``: an eval copy with every BatchNorm folded into its conv/linear layer and the blocks'
   affine steps folded (ConvNeXt's layer scale); on CUDA the blocks then run the fused Triton kernels.
2. channels_last for 4-D convolutional inputs (oneDNN's and cuDNN's fast layout).
3. Precision: bf16 where the processor has bf16 matrix units (AMX or AVX512-BF16 on the CPU, Ampere+ on
   CUDA; fp16 on older GPUs), fp32 elsewhere or when ``precision="fp32"``; reduced precision runs under
   autocast, so norms, softmax and the logits stay fp32.
4. ``torch.compile`` with inductor's *freezing* (weights become constants: conv/linear weights are
   prepacked for oneDNN, BatchNorm-free graphs fuse their epilogues) — under ``no_grad``, at a static
   batch size unless ``dynamic=True``; ``max_autotune=True`` adds inductor's GEMM templates (longer
   compile).
5. Warm-up on ``example_input`` (this is where the compile happens; its time is in ``report``), then a
   check of the result against the original model in fp32: a step that breaks the model or fails to
   compile is dropped with a warning, never an error.

Training is not its job: ``zoo.train.fit(amp="bf16", compile=True)`` is.
"""

from __future__ import annotations

import contextlib
import copy
import time
import warnings
from dataclasses import dataclass, field
from typing import Any

import torch
from torch import nn
from torch.utils._pytree import tree_flatten, tree_map

from zoo.hardware import bf16_matrix_units

__all__ = ["optimize", "OptimizedModel", "OptimizeReport", "bf16_matrix_units"]

FP32_TOLERANCE = 1e-4  # relative (to the largest logit) error allowed on the fp32 path
# the bf16/fp16 path: a bound that catches a broken step (errors of order 1), not bf16's own rounding. Briefly
# trained MnasNet and ShuffleNet read 6e-2 and 7.5e-2 from eager fp32 under plain bf16 autocast while keeping
# every top-1 decision on their example batch; top-1 agreement is what the tests hold the bf16 path to
LOW_PRECISION_TOLERANCE = 0.25


@dataclass
class OptimizeReport:
    """What ``zoo.optimize`` did, and how the result compares with the original model in fp32."""

    device: str
    precision: str  # "fp32", "bf16" or "fp16"
    channels_last: bool
    folded: bool  # BatchNorm and affine steps folded (zoo.fuse)
    compiled: bool
    dynamic: bool
    max_autotune: bool
    compile_seconds: float  # first call(s) on example_input, compile included
    max_rel_error: float  # |optimized − eager fp32|, relative to the largest |logit|, on example_input
    top1_agreement: float  # fraction of example_input rows whose argmax equals eager fp32's
    notes: list[str] = field(default_factory=list)  # steps dropped, and why

    def __str__(self) -> str:
        steps = [s for s, on in (("fold", self.folded), ("channels_last", self.channels_last),
                                 ("compile" + (" (dynamic)" if self.dynamic else ""), self.compiled)) if on]
        text = (f"zoo.optimize on {self.device}: {self.precision}, {' + '.join(steps) or 'eager'}; "
                f"warm-up/compile {self.compile_seconds:.1f} s; max rel. error vs eager fp32 {self.max_rel_error:.2e}, "
                f"top-1 agreement {self.top1_agreement:.1%}")
        return text + "".join(f"\n  note: {n}" for n in self.notes)


class OptimizedModel(nn.Module):
    """The inference model ``zoo.optimize`` returns: call it like the original (eval, no gradients).

    ``.model`` is the prepared module (before compilation), ``.report`` the :class:`OptimizeReport`."""

    def __init__(self, model: nn.Module, runner, *, dtype: torch.dtype | None, channels_last: bool,
                 report: OptimizeReport | None = None, inductor: dict[str, Any] | None = None):
        super().__init__()
        self.model = model
        self._runner = runner
        self._inductor = inductor or {}
        self._dtype = dtype
        self._channels_last = channels_last
        self.report = report

    def train(self, mode: bool = True) -> "OptimizedModel":
        if mode:
            raise RuntimeError("zoo.optimize prepares a model for inference only; train the original model "
                               "(zoo.train.fit(amp='bf16', compile=True) is the fast training path)")
        return super().train(False)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        if self._channels_last and x.ndim == 4:
            x = x.contiguous(memory_format=torch.channels_last)
        autocast = (torch.autocast(x.device.type, dtype=self._dtype) if self._dtype is not None
                    else contextlib.nullcontext())
        # inductor's settings are read when dynamo traces (a recompile, for a new shape, may come at any
        # call): freezing, in particular, is not honoured from torch.compile(options=...) alone (torch 2.14)
        settings = torch._inductor.config.patch(self._inductor) if self._inductor else contextlib.nullcontext()
        with torch.no_grad(), autocast, settings:
            out = self._runner(x)
        return tree_map(lambda t: t.float() if isinstance(t, torch.Tensor) and t.is_floating_point() else t, out)


def inductor_settings(device: torch.device, *, max_autotune: bool = False) -> dict[str, Any]:
    """The inductor settings ``zoo.optimize`` compiles under: weights frozen into constants (on the CPU
    oneDNN then prepacks conv/linear weights and fuses their activations and residual adds); on the CPU
    a C++ wrapper calls the kernels (no Python between them: +20 % for mobilenet_v3_large at batch 1,
    +5 % for resnet50 at batch 8 on a 2-core AVX2 EPYC); with ``max_autotune`` inductor's GEMM templates
    are benchmarked against the library kernels."""
    settings: dict[str, Any] = {"freezing": True}
    if device.type == "cpu":
        settings["cpp_wrapper"] = True
    if max_autotune:
        settings.update(max_autotune=True,
                        max_autotune_gemm_backends="CPP,ATEN" if device.type == "cpu" else "TRITON,ATEN")
    return settings


def _precision(precision: str, device: torch.device) -> torch.dtype | None:
    if precision not in ("auto", "fp32", "bf16", "fp16"):
        raise ValueError(f"precision must be 'auto', 'fp32', 'bf16' or 'fp16', got {precision!r}")
    if precision == "auto":
        if bf16_matrix_units(device):
            return torch.bfloat16
        return torch.float16 if device.type == "cuda" else None
    return {"fp32": None, "bf16": torch.bfloat16, "fp16": torch.float16}[precision]


def _compare(out: Any, ref: Any) -> tuple[float, float]:
    """The largest relative error over every output tensor, and the top-1 agreement of 2-D (logit) outputs."""
    errors, agreements = [], []
    for o, r in zip(tree_flatten(out)[0], tree_flatten(ref)[0]):
        o, r = o.detach().double().cpu(), r.detach().double().cpu()
        errors.append(((o - r).abs().max() / r.abs().max().clamp_min(1e-12)).item())
        if r.ndim == 2:
            agreements.append((o.argmax(-1) == r.argmax(-1)).double().mean().item())
    return max(errors, default=0.0), min(agreements, default=1.0)


def optimize(model: nn.Module, example_input: torch.Tensor, *, precision: str = "auto", compile: bool = True,
             dynamic: bool = False, max_autotune: bool = False, channels_last: bool | None = None,
             fold: bool = True, warmup: int = 2) -> OptimizedModel:
    """An inference-only copy of ``model`` prepared for speed on ``example_input``'s device (see the module
    docstring for the steps). ``model`` itself is left unchanged.

    Args:
        example_input: a batch like those to come (its device decides CPU or CUDA; its batch size is the
            one compiled for unless ``dynamic=True``).
        precision: "auto" (bf16 where the hardware multiplies bf16 natively, fp16 on older GPUs, else
            fp32), or "fp32" / "bf16" / "fp16".
        compile: ``torch.compile`` with frozen weights (False: the eager steps only).
        dynamic: compile once for any batch size (a little slower per call than a static batch).
        max_autotune: let inductor benchmark GEMM templates while compiling (slower compile, sometimes faster).
        channels_last: None: for 4-D inputs.
        fold: fold BatchNorm and affine steps (``zoo.fuse``).
        warmup: calls on ``example_input`` before returning (the first compiles).
    """
    if not isinstance(model, nn.Module):
        raise TypeError(f"zoo.optimize expects an nn.Module, got {type(model).__name__}")
    if not isinstance(example_input, torch.Tensor) or not example_input.is_floating_point():
        raise TypeError("zoo.optimize needs an example input: a floating-point tensor batch like those to come, "
                        f"got {type(example_input).__name__}")
    if not isinstance(warmup, int) or warmup < 1:
        raise ValueError(f"warmup must be an integer >= 1 (the first call compiles), got {warmup!r}")
    device = example_input.device
    dtype = _precision(precision, device)
    channels_last = example_input.ndim == 4 if channels_last is None else channels_last
    notes: list[str] = []

    reference = copy.deepcopy(model).to(device).eval()
    with torch.no_grad():
        expected = reference(example_input)

    prepared = reference
    if fold:
        from zoo.fused import fuse

        try:
            prepared = fuse(reference)
        except Exception as e:  # noqa: BLE001 — a model fuse cannot handle still runs, unfolded
            notes.append(f"not folded ({type(e).__name__}: {e})")
            fold = False
    if channels_last:
        prepared = prepared.to(memory_format=torch.channels_last)
    runner = prepared
    compile_seconds = 0.0
    if compile:
        runner = torch.compile(prepared, dynamic=dynamic)
    inductor = inductor_settings(device, max_autotune=max_autotune) if compile else None
    optimized = OptimizedModel(prepared, runner, dtype=dtype, channels_last=channels_last, inductor=inductor).eval()
    try:
        start = time.perf_counter()
        for _ in range(warmup):
            out = optimized(example_input)
        if device.type == "cuda":
            torch.cuda.synchronize(device)
        compile_seconds = time.perf_counter() - start
    except Exception as e:  # noqa: BLE001 — the promise is a faster model or the same one, never an error
        why = f"{type(e).__name__}: {str(e).splitlines()[0][:200] if str(e) else ''}"
        if compile:
            notes.append(f"torch.compile failed ({why}); eager kept")
            warnings.warn(f"zoo.optimize: {notes[-1]}", stacklevel=2)
            compile = False
            optimized = OptimizedModel(prepared, prepared, dtype=dtype, channels_last=channels_last).eval()
        else:  # an eager step broke the model: the original, unchanged
            notes.append(f"the prepared model failed ({why}); the original model is returned")
            warnings.warn(f"zoo.optimize: {notes[-1]}", stacklevel=2)
            optimized = OptimizedModel(reference, reference, dtype=None, channels_last=False).eval()
            dtype, channels_last, fold = None, False, False
        out = optimized(example_input)

    err, agree = _compare(out, expected)
    bound = FP32_TOLERANCE if dtype is None else LOW_PRECISION_TOLERANCE
    if not err <= bound:
        note = (f"the optimized model is off by {err:.2e} (relative) from eager fp32, over the {bound:.0e} allowed: "
                "returning the original model in eval mode, unoptimized")
        warnings.warn(f"zoo.optimize: {note}", stacklevel=2)
        notes.append(note)
        optimized = OptimizedModel(reference, reference, dtype=None, channels_last=False).eval()
        dtype, channels_last, fold, compile = None, False, False, False
        err, agree = 0.0, 1.0
    optimized.report = OptimizeReport(
        device=str(device), precision={None: "fp32", torch.bfloat16: "bf16", torch.float16: "fp16"}[dtype],
        channels_last=channels_last, folded=fold, compiled=compile, dynamic=dynamic and compile,
        max_autotune=max_autotune and compile, compile_seconds=compile_seconds, max_rel_error=err,
        top1_agreement=agree, notes=notes)
    return optimized
