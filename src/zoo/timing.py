"""Measured speed on a real device: ``zoo.benchmark`` — separate from counting (``zoo.profile``).

    r = zoo.benchmark("resnet50", batch_size=16, device="cuda", dtype=torch.float16)
    r.images_per_s, r.latency_ms["p50"]
    print(r)

After ``warmup`` untimed calls, ``repeats`` calls are timed one by one (CUDA is synchronised around
each), and the latency percentiles and images/s (batch size / median latency) are reported with the
conditions that decide them: device name, dtype, threads and memory format.
"""

from __future__ import annotations

import copy
import statistics
import time
from dataclasses import asdict, dataclass
from typing import Any, Sequence

import torch
from torch import nn

from zoo.hardware import device_name
from zoo.resolve import input_shape, resolve_model

__all__ = ["benchmark", "Benchmark"]


@dataclass
class Benchmark:
    """Result of :func:`benchmark`; latencies in milliseconds per call (one batch)."""

    model: str
    input_shape: tuple[int, ...]
    mode: str
    device: str  # the device's name, e.g. "NVIDIA H100 80GB HBM3" or the CPU's
    dtype: str
    threads: int
    memory_format: str
    latency_ms: dict[str, float]  # mean, p50, p90, p99, min
    images_per_s: float
    peak_memory_bytes: int | None  # CUDA only: torch.cuda.max_memory_allocated during the timed calls
    repeats: int

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    def __str__(self) -> str:
        lat = ", ".join(f"{k} {v:.2f}" for k, v in self.latency_ms.items())
        mem = f", peak memory {self.peak_memory_bytes / 2**20:.1f} MiB" if self.peak_memory_bytes is not None else ""
        return (
            f"{self.model} — input {'x'.join(map(str, self.input_shape))}, {self.mode}, {self.dtype}, "
            f"{self.memory_format}, {self.device}, {self.threads} threads\n"
            f"{self.images_per_s:,.1f} images/s; latency ms: {lat} ({self.repeats} calls){mem}"
        )


def _percentile(sorted_values: list[float], q: float) -> float:
    """Linear interpolation between the closest ranks (numpy's default)."""
    pos = (len(sorted_values) - 1) * q
    lo = int(pos)
    hi = min(lo + 1, len(sorted_values) - 1)
    return sorted_values[lo] + (sorted_values[hi] - sorted_values[lo]) * (pos - lo)


def benchmark(
    model_or_name: nn.Module | str,
    input_size: int | Sequence[int] | None = None,
    batch_size: int = 1,
    *,
    device: str | torch.device = "cpu",
    dtype: torch.dtype = torch.float32,
    channels_last: bool = False,
    mode: str = "eval",
    warmup: int = 3,
    repeats: int = 10,
    threads: int | None = None,
    **model_kwargs: Any,
) -> Benchmark:
    """Latency percentiles and images/s of a model on a real device.

    Args:
        model_or_name: an ``nn.Module`` (a copy is moved to ``device``/``dtype``) or a zoo model name.
        input_size: ``(C, H, W)`` or an int for ``(3, s, s)``; default: the catalog's for a name, else 224.
        mode: ``"eval"`` (inference under ``inference_mode``) or ``"train"`` (forward, backward, no optimizer).
        threads: CPU threads for the run (``torch.set_num_threads``; restored afterwards).
    """
    if mode not in ("eval", "train"):
        raise ValueError(f"mode must be 'eval' or 'train', got {mode!r}")
    if not isinstance(repeats, int) or repeats < 1 or not isinstance(warmup, int) or warmup < 0:
        raise ValueError(f"need repeats >= 1 and warmup >= 0, got repeats={repeats!r}, warmup={warmup!r}")
    device = torch.device(device)
    resolved = resolve_model(model_or_name, input_size, model_kwargs=model_kwargs, caller="zoo.benchmark")
    label, input_size = resolved.label, resolved.input_size
    # a module given is left as it is: the run moves and converts a copy
    model = resolved.model if isinstance(model_or_name, str) else copy.deepcopy(resolved.model)
    memory_format = torch.channels_last if channels_last else torch.contiguous_format
    model = model.to(device=device, dtype=dtype, memory_format=memory_format).train(mode == "train")
    shape = input_shape(model, input_size, batch_size)
    x = torch.randn(shape, device=device, dtype=dtype)
    if channels_last and x.ndim == 4:
        x = x.contiguous(memory_format=torch.channels_last)

    def call():
        if mode == "train":
            model(x).float().sum().backward()
        else:
            with torch.inference_mode():
                model(x)

    sync = torch.cuda.synchronize if device.type == "cuda" else (lambda: None)
    old_threads = torch.get_num_threads()
    if threads is not None:
        torch.set_num_threads(threads)
    try:
        for _ in range(warmup):
            call()
        sync()
        if device.type == "cuda":
            torch.cuda.reset_peak_memory_stats(device)
        times = []
        for _ in range(repeats):
            t = time.perf_counter()
            call()
            sync()
            times.append((time.perf_counter() - t) * 1e3)
        used_threads = torch.get_num_threads()
    finally:
        torch.set_num_threads(old_threads)
    ordered = sorted(times)
    latency = {"mean": statistics.fmean(times), "p50": _percentile(ordered, 0.5), "p90": _percentile(ordered, 0.9),
               "p99": _percentile(ordered, 0.99), "min": ordered[0]}
    return Benchmark(
        model=label,
        input_shape=tuple(shape),
        mode=mode,
        device=device_name(device),
        dtype=str(dtype).removeprefix("torch."),
        threads=used_threads,
        memory_format="channels_last" if channels_last else "contiguous",
        latency_ms=latency,
        images_per_s=shape[0] / (latency["p50"] / 1e3),
        peak_memory_bytes=torch.cuda.max_memory_allocated(device) if device.type == "cuda" else None,
        repeats=repeats,
    )
