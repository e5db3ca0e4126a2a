"""Kernel or fallback: decided at every call, from the tensors' device and the switches."""

from __future__ import annotations

import importlib.util
import os

import torch

__all__ = ["enable", "enabled", "triton_available", "interpreting", "use_kernel", "use_by_default", "by_default"]

_ENABLED = os.environ.get("ZOO_FUSED", "1") != "0"
_BY_DEFAULT = os.environ.get("ZOO_FUSED_MODELS", "0") == "1"
_TRITON = importlib.util.find_spec("triton") is not None  # found, not imported: `import zoo.fused` stays light


def enable(flag: bool = True) -> None:
    """Turn the Triton kernels on or off for the whole process (``ZOO_FUSED=0`` starts with them off)."""
    global _ENABLED
    _ENABLED = bool(flag)


def enabled() -> bool:
    return _ENABLED


def use_by_default(flag: bool = True) -> None:
    """The global switch: ``create_model`` builds fused models unless told ``fused=False``
    (``ZOO_FUSED_MODELS=1`` starts with it on)."""
    global _BY_DEFAULT
    _BY_DEFAULT = bool(flag)


def by_default() -> bool:
    return _BY_DEFAULT


def triton_available() -> bool:
    return _TRITON


def interpreting() -> bool:
    """Triton's interpreter (``TRITON_INTERPRET=1``) runs the kernels on CPU tensors: that is how they are tested."""
    return os.environ.get("TRITON_INTERPRET", "0") == "1"


def use_kernel(*tensors: torch.Tensor | None) -> bool:
    """True when every given tensor can go through a Triton kernel now."""
    if not (_ENABLED and _TRITON):
        return False
    ok = ("cuda", "cpu") if interpreting() else ("cuda",)
    return all(t is None or t.device.type in ok for t in tensors)
