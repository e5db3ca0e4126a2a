"""What the machine is, in one place: named beside every measured number (benchmarks, ``zoo.benchmark``,
``zoo.compare``) and asked by ``zoo.optimize`` to choose its precision."""

from __future__ import annotations

import os
import platform
from pathlib import Path

import torch

__all__ = ["bf16_matrix_units", "cpu_name", "device_name", "describe"]


def cpu_name() -> str:
    """The processor's model name as the kernel reports it (``/proc/cpuinfo``), else what ``platform`` knows."""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine() or "unknown CPU"


def bf16_matrix_units(device: torch.device | str = "cpu") -> bool:
    """Whether ``device`` multiplies bf16 matrices natively (AMX / AVX512-BF16; CUDA compute capability ≥ 8)."""
    device = torch.device(device)
    if device.type == "cuda":
        return torch.cuda.is_bf16_supported()
    if device.type == "cpu":
        return bool(torch.cpu._is_amx_tile_supported() or torch.cpu._is_avx512_bf16_supported())
    return False


def device_name(device: torch.device | str = "cpu") -> str:
    device = torch.device(device)
    if device.type == "cuda":
        return torch.cuda.get_device_name(device)
    if device.type == "cpu":
        return f"cpu ({cpu_name()})"
    return str(device)


def describe(device: torch.device | str = "cpu") -> str:
    """One line for a table's caption: processor, its bf16 support and vector width, torch, threads, load."""
    device = torch.device(device)
    if device.type != "cpu":
        return f"{device_name(device)}, bf16: {'yes' if bf16_matrix_units(device) else 'no'}, torch {torch.__version__}"
    isa = torch.backends.cpu.get_cpu_capability()
    load = f", load {os.getloadavg()[0]:.1f}" if hasattr(os, "getloadavg") else ""
    return (f"{cpu_name()} ({isa}), bf16 matrix units: {'yes' if bf16_matrix_units(device) else 'no'}, "
            f"torch {torch.__version__}, {torch.get_num_threads()} threads of {os.cpu_count()} CPUs{load}")
