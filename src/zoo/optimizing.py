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
4. Compilation, by the backend that runs the model fastest here (``backend="auto"`` builds each candidate,
   checks it, and times them against each other on ``example_input``; ``report.call_ms`` has the times):

   - ``"inductor"``: ``torch.compile`` with inductor's *freezing* (weights become constants: conv/linear
     weights are prepacked for oneDNN, BatchNorm-free graphs fuse their epilogues) and, on the CPU, its C++
     wrapper — under ``no_grad``, at a static batch size unless ``dynamic=True``; ``max_autotune=True``
     adds inductor's GEMM templates (longer compile). The only backend on CUDA.
   - ``"onednn-graph"`` (CPU, static shapes): a frozen TorchScript trace run by oneDNN Graph, which compiles
     whole partitions (a conv with its activation and residual add, attention's matmuls and softmax) once
     per input shape and runs them with no framework step between. On a 2-core AVX2 EPYC it ran
     ResNet, MobileNet, EfficientNet, RegNet, ConvNeXt and ViT 1.01–1.67× faster than inductor (the work
     around each oneDNN call, which it does not repeat, is most of a small feature map's time). A new
     input shape is traced again (seconds); it fails on NASNet (torch 2.14), and "auto" keeps inductor there.
5. Warm-up on ``example_input`` (this is where the compile happens; its time is in ``report``), then a
   check of the result against the original model in fp32: a step that breaks the model, fails to
   compile or compiles nothing (dynamo disabled) is dropped with a note (a warning when nothing could be
   compiled), never an error.

Training is not its job: ``zoo.train.fit(amp="bf16", compile=True)`` is.
"""

from __future__ import annotations

import builtins
import contextlib
import copy
import statistics
import time
import types
import warnings
import weakref
from dataclasses import dataclass, field
from typing import Any, Callable

import torch
from torch import nn
from torch.utils._pytree import tree_flatten, tree_map

from zoo.hardware import bf16_matrix_units

__all__ = ["optimize", "OptimizedModel", "OptimizeReport", "bf16_matrix_units", "race", "BACKENDS"]

BACKENDS = ("auto", "inductor", "onednn-graph")
FP32_TOLERANCE = 1e-4  # relative (to the largest logit) error allowed on the fp32 path
# the bf16/fp16 path: a bound that catches a broken step (errors of order 1), not bf16's own rounding. Briefly
# trained MnasNet and ShuffleNet read 6e-2 and 7.5e-2 from eager fp32 under plain bf16 autocast while keeping
# every top-1 decision on their example batch; top-1 agreement is what the tests hold the bf16 path to
LOW_PRECISION_TOLERANCE = 0.25
RACE_SECONDS = 0.2  # per backend per round, three rounds: what choosing costs on top of compiling


@dataclass
class OptimizeReport:
    """What ``zoo.optimize`` did, and how the result compares with the original model in fp32."""

    device: str
    precision: str  # "fp32", "bf16" or "fp16"
    channels_last: bool
    folded: bool  # BatchNorm and affine steps folded (zoo.fuse)
    backend: str  # "inductor", "onednn-graph", or "eager" (nothing compiled)
    dynamic: bool
    max_autotune: bool
    compile_seconds: float  # warm-up calls on example_input of every backend tried, compiles included
    max_rel_error: float  # |optimized − eager fp32|, relative to the largest |logit|, on example_input
    top1_agreement: float  # fraction of example_input rows whose argmax equals eager fp32's
    call_ms: dict[str, float] = field(default_factory=dict)  # median ms per call of each backend raced
    notes: list[str] = field(default_factory=list)  # steps dropped, and why

    @property
    def compiled(self) -> bool:
        return self.backend != "eager"

    def __str__(self) -> str:
        backend = self.backend + (" (dynamic)" if self.dynamic else "")
        steps = [s for s, on in (("fold", self.folded), ("channels_last", self.channels_last),
                                 (backend, self.compiled)) if on]
        raced = ", ".join(f"{b} {ms:.2f} ms" for b, ms in self.call_ms.items())
        text = (f"zoo.optimize on {self.device}: {self.precision}, {' + '.join(steps) or 'eager'}; "
                f"warm-up/compile {self.compile_seconds:.1f} s; max rel. error vs eager fp32 {self.max_rel_error:.2e}, "
                f"top-1 agreement {self.top1_agreement:.1%}" + (f"; per call: {raced}" if len(self.call_ms) > 1 else ""))
        return text + "".join(f"\n  note: {n}" for n in self.notes)


class OptimizedModel(nn.Module):
    """The inference model ``zoo.optimize`` returns: call it like the original (eval, no gradients).

    ``.model`` is the prepared module (before compilation), ``.report`` the :class:`OptimizeReport`."""

    def __init__(self, model: nn.Module, runner, *, dtype: torch.dtype | None, channels_last: bool,
                 report: OptimizeReport | None = None,
                 settings: Callable[[], contextlib.AbstractContextManager] | None = None):
        super().__init__()
        self.model = model
        self._runner = runner
        self._settings = settings  # the switches the runner's calls need (inductor's config, oneDNN Graph's fuser)
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
        settings = self._settings() if self._settings is not None else contextlib.nullcontext()
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


@contextlib.contextmanager
def onednn_graph_fuser():
    """TorchScript's oneDNN Graph fuser on, and its own autocast pass off (a trace made under autocast
    already holds autocast's casts: the result is eager autocast's, not a second pass over it)."""
    fusing = torch.jit.onednn_fusion_enabled()
    jit_autocast = torch._C._jit_set_autocast_mode(False)
    torch.jit.enable_onednn_fusion(True)
    try:
        yield
    finally:
        torch.jit.enable_onednn_fusion(fusing)
        torch._C._jit_set_autocast_mode(jit_autocast)


class OneDNNGraphRunner:
    """Runs a module as frozen TorchScript traces under oneDNN Graph, one trace per input shape, layout,
    dtype and device (a trace holds its example's shapes; the first calls of each compile its partitions).
    Past ``max_traces`` shapes the module runs eagerly, with a warning, as dynamo does past its cache limit."""

    def __init__(self, model: nn.Module, *, max_traces: int = 8):
        self.model = model
        self.max_traces = max_traces
        self.traces: dict[tuple, torch.jit.ScriptModule] = {}
        self.warned = False

    def __call__(self, x: torch.Tensor):
        key = (tuple(x.shape), x.stride(), x.dtype, x.device)
        trace = self.traces.get(key)
        if trace is None:
            if len(self.traces) >= self.max_traces:
                if not self.warned:
                    self.warned = True
                    warnings.warn(f"zoo.optimize: oneDNN Graph has traced {self.max_traces} input shapes; other "
                                  "shapes now run eagerly (optimize again with the shape to come, or "
                                  "backend='inductor', dynamic=True)", stacklevel=3)
                return self.model(x)
            with warnings.catch_warnings():
                warnings.filterwarnings("ignore", category=torch.jit.TracerWarning)
                # torch 2.14 marks TorchScript deprecated; its oneDNN Graph fuser is still the fastest CPU path
                warnings.filterwarnings("ignore", message=r".*torch\.jit\.\w+` is deprecated", category=FutureWarning)
                trace = torch.jit.freeze(torch.jit.trace(self.model, x, check_trace=False, strict=False))
            _scalars_from_any_shape(trace.graph)
            self.traces[key] = trace
        return trace(x)


def _scalars_from_any_shape(graph: torch._C.Graph) -> None:
    """Reads a traced graph's tensor-to-scalar conversions with ``aten::item`` instead of
    ``aten::ScalarImplicit``, in place.

    A trace records arithmetic on sizes (Swin's padded map size, say) as ops on 0-dim tensors. oneDNN Graph fuses
    those ops and hands back 1-element tensors of one dimension, which ``ScalarImplicit`` refuses. ``item`` reads
    a 1-element tensor of any shape, and is the same conversion otherwise."""
    torch._C._jit_pass_custom_pattern_based_rewrite_graph(
        "graph(%t):\n  %s = aten::ScalarImplicit(%t)\n  return (%s)",
        "graph(%t):\n  %s = aten::item(%t)\n  return (%s)", graph)


def _own_frame(model: nn.Module) -> Callable[[torch.Tensor], Any]:
    """``model``'s call in a function with a code object and globals of its own, for ``torch.compile``.

    Dynamo keeps its compiled graphs in a cache on the code object it compiles, at most
    ``torch._dynamo.config.recompile_limit`` (8) per code object, and stores each compiled function in that
    frame's module globals. Compiling the model's own ``forward`` (shared by every instance of its class)
    would therefore run a ninth optimized model of one class eagerly, silently, and would keep every compiled
    graph, frozen weights included, for the life of the process.
    Here both live and die with the optimized model."""
    def call(x):
        return model(x)

    scope = {"__name__": __name__, "__builtins__": builtins}
    function = types.FunctionType(call.__code__.replace(), scope, f"optimized_{type(model).__name__}", None,
                                  call.__closure__)
    # dynamo's guards stay reachable from finalizers on long-lived objects (modules, classes) and hold the
    # frame's globals: emptied when the function dies, they no longer hold the compiled graph
    weakref.finalize(function, scope.clear)
    return function


def race(calls: dict[str, Callable[[], Any]], *, rounds: int = 3, seconds: float = RACE_SECONDS,
         sync: Callable[[], None] = lambda: None, per_round: dict[str, list[float]] | None = None
         ) -> dict[str, float]:
    """Median seconds per call of each of ``calls``: every round runs each for ``seconds`` (twice at least),
    in an order rotated from round to round, so no call always runs first on a busy machine. Each round's
    seconds per call go into ``per_round`` (by name) when it is given: how far the machine moved the rounds."""
    names = list(calls)
    times: dict[str, list[float]] = {} if per_round is None else per_round
    times.update({n: [] for n in names})
    for r in range(rounds):
        for name in names[r % len(names):] + names[: r % len(names)]:
            count, start = 0, time.perf_counter()
            while True:
                calls[name]()
                sync()
                count += 1
                elapsed = time.perf_counter() - start
                if elapsed >= seconds and count >= 2:
                    break
            times[name].append(elapsed / count)
    return {n: statistics.median(times[n]) for n in names}


def _precision(precision: str, device: torch.device) -> torch.dtype | None:
    if precision not in ("auto", "fp32", "bf16", "fp16"):
        raise ValueError(f"precision must be 'auto', 'fp32', 'bf16' or 'fp16', got {precision!r}")
    if precision == "auto":
        if bf16_matrix_units(device):
            return torch.bfloat16
        return torch.float16 if device.type == "cuda" else None
    return {"fp32": None, "bf16": torch.bfloat16, "fp16": torch.float16}[precision]


def _backends(backend: str, device: torch.device, *, compile: bool, dynamic: bool) -> list[str]:
    """The backends to build, in the order they are tried."""
    if backend not in BACKENDS:
        raise ValueError(f"backend must be one of {', '.join(map(repr, BACKENDS))}, got {backend!r}")
    if backend == "onednn-graph" and device.type != "cpu":
        raise ValueError(f"backend 'onednn-graph' runs on the CPU; the example input is on {device}: "
                         "use backend='inductor' or 'auto'")
    if backend == "onednn-graph" and dynamic:
        raise ValueError("backend 'onednn-graph' traces each input shape on its own; dynamic=True needs "
                         "backend='inductor' or 'auto'")
    if not compile:
        return []
    if backend != "auto":
        return [backend]
    onednn = device.type == "cpu" and not dynamic and torch.backends.mkldnn.is_available()
    return ["onednn-graph", "inductor"] if onednn else ["inductor"]


def _compare(out: Any, ref: Any) -> tuple[float, float]:
    """The largest relative error over every output tensor, and the top-1 agreement of 2-D (logit) outputs."""
    errors, agreements = [], []
    for o, r in zip(tree_flatten(out)[0], tree_flatten(ref)[0]):
        o, r = o.detach().double().cpu(), r.detach().double().cpu()
        errors.append(((o - r).abs().max() / r.abs().max().clamp_min(1e-12)).item())
        if r.ndim == 2:
            agreements.append((o.argmax(-1) == r.argmax(-1)).double().mean().item())
    return max(errors, default=0.0), min(agreements, default=1.0)


def _dynamo_graphs() -> int:
    """How many graphs dynamo has captured in this process."""
    from torch._dynamo.utils import counters

    return counters["stats"]["unique_graphs"]


def _why(e: Exception) -> str:
    lines = [line for line in str(e).splitlines() if line.strip()]
    # TorchScript's interpreter puts the cause on its last line, after a preamble and a traceback
    line = lines[-1] if lines and lines[0].startswith("The following operation failed in the TorchScript") else \
        (lines[0] if lines else "")
    return f"{type(e).__name__}: {line[:200]}"


def optimize(model: nn.Module, example_input: torch.Tensor, *, precision: str = "auto", compile: bool = True,
             backend: str = "auto", dynamic: bool = False, max_autotune: bool = False,
             channels_last: bool | None = None, fold: bool = True, warmup: int = 2) -> OptimizedModel:
    """An inference-only copy of ``model`` prepared for speed on ``example_input``'s device (see the module
    docstring for the steps). ``model`` itself is left unchanged.

    Args:
        example_input: a batch like those to come (its device decides CPU or CUDA; its batch size is the
            one compiled for unless ``dynamic=True``).
        precision: "auto" (bf16 where the hardware multiplies bf16 natively, fp16 on older GPUs, else
            fp32), or "fp32" / "bf16" / "fp16".
        compile: compile the prepared model (False: the eager steps only).
        backend: "auto" (on the CPU: oneDNN Graph and inductor both built, the faster on ``example_input``
            kept; on CUDA: inductor), "inductor" or "onednn-graph" (CPU, static shapes).
        dynamic: compile once for any batch size (inductor; a little slower per call than a static batch).
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
    backends = _backends(backend, device, compile=compile, dynamic=dynamic)
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
    bound = FP32_TOLERANCE if dtype is None else LOW_PRECISION_TOLERANCE
    sync = (lambda: torch.cuda.synchronize(device)) if device.type == "cuda" else (lambda: None)

    def build(name: str) -> OptimizedModel:
        if name == "inductor":
            # patched around every call: inductor reads its settings when dynamo traces (a recompile, for a new
            # shape, may come at any call), and torch 2.14 does not honour freezing from torch.compile(options=...)
            settings = inductor_settings(device, max_autotune=max_autotune)
            return OptimizedModel(prepared, torch.compile(_own_frame(prepared), dynamic=dynamic), dtype=dtype,
                                  channels_last=channels_last, settings=lambda: torch._inductor.config.patch(settings))
        if name == "onednn-graph":
            return OptimizedModel(prepared, OneDNNGraphRunner(prepared), dtype=dtype, channels_last=channels_last,
                                  settings=onednn_graph_fuser)
        return OptimizedModel(prepared, prepared, dtype=dtype, channels_last=channels_last)

    # every candidate is warmed up (compiled) and checked against eager fp32; the eager prepared model is the
    # candidate of last resort, the original model (unchanged, in eval mode) the answer when even it fails
    kept: dict[str, tuple[OptimizedModel, float, float]] = {}
    compile_seconds = 0.0
    for name in backends + ["eager"]:
        if name == "eager" and kept:
            break
        candidate = build(name)
        graphs = _dynamo_graphs() if name == "inductor" else 0
        start = time.perf_counter()
        try:
            for _ in range(warmup):
                out = candidate(example_input)
            sync()
        except Exception as e:  # noqa: BLE001 — the promise is a faster model or the same one, never an error
            notes.append(f"{'the prepared model' if name == 'eager' else name} failed ({_why(e)})")
            continue
        finally:
            if name != "eager":
                compile_seconds += time.perf_counter() - start
        if name == "inductor" and _dynamo_graphs() == graphs:
            # torch.compile falls back to plain Python without an error (dynamo disabled, or the frame skipped)
            notes.append("inductor compiled nothing: dynamo ran the model eagerly (disabled, or it skipped the frame)")
            continue
        err, agree = _compare(out, expected)
        if err <= bound:
            kept[name] = (candidate, err, agree)
        else:
            notes.append(f"{'the prepared model' if name == 'eager' else name} is off by {err:.2e} (relative) "
                         f"from eager fp32, over the {bound:.0e} allowed")

    call_ms: dict[str, float] = {}
    if len(kept) > 1:
        seconds = race({n: (lambda m=m: m(example_input)) for n, (m, _, _) in kept.items()}, sync=sync)
        call_ms = {n: s * 1e3 for n, s in seconds.items()}
        chosen = min(call_ms, key=call_ms.get)
    elif kept:
        chosen = next(iter(kept))
    else:
        chosen = "original"
    if chosen == "original" or (backends and chosen == "eager"):
        kept_instead = "the original model is returned" if chosen == "original" else "the eager steps are kept"
        warnings.warn(f"zoo.optimize: {'nothing could be compiled; ' if backends else ''}{kept_instead}: "
                      + "; ".join(notes), stacklevel=2)
    if chosen == "original":
        optimized = OptimizedModel(reference, reference, dtype=None, channels_last=False).eval()
        dtype, channels_last, fold, err, agree = None, False, False, 0.0, 1.0
    else:
        optimized, err, agree = kept[chosen]
        optimized.eval()
    optimized.report = OptimizeReport(
        device=str(device), precision={None: "fp32", torch.bfloat16: "bf16", torch.float16: "fp16"}[dtype],
        channels_last=channels_last, folded=fold, backend="eager" if chosen == "original" else chosen,
        dynamic=dynamic and chosen == "inductor", max_autotune=max_autotune and chosen == "inductor",
        compile_seconds=compile_seconds, max_rel_error=err, top1_agreement=agree, call_ms=call_ms, notes=notes)
    return optimized
