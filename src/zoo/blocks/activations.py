"""The activations of these networks, in one table: module class, functional form, derivative, the fused
kernels' code, and whether the module can work in place.

Every place that needs to know an activation — building a block, recognising one for the fused path,
running the fused ops' exact fallback and backward, picking the Triton kernel's branch — reads it here.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

import torch
import torch.nn.functional as F
from torch import nn

__all__ = ["Activation", "ACTIVATIONS", "FUSED_ACTIVATIONS", "GATES", "make_act", "act_name", "gate_name"]

_aten = torch.ops.aten


@dataclass(frozen=True)
class Activation:
    name: str  # the fused ops' name for it
    module: type[nn.Module]
    fn: Callable[[torch.Tensor], torch.Tensor]
    grad: Callable[[torch.Tensor, torch.Tensor], torch.Tensor]  # (g, z) → d act(z)/dz · g, PyTorch's kernels
    inplace: bool  # the module takes ``inplace=True``


# The order is the fused kernels' ``ACT`` code (zoo/fused/kernels.py branches on it): keep it.
ACTIVATIONS: dict[str, Activation] = {a.name: a for a in (
    Activation("identity", nn.Identity, lambda z: z, lambda g, z: g, False),
    Activation("relu", nn.ReLU, F.relu, lambda g, z: _aten.threshold_backward(g, z, 0), True),
    Activation("relu6", nn.ReLU6, F.relu6, lambda g, z: _aten.hardtanh_backward(g, z, 0.0, 6.0), True),
    Activation("hardswish", nn.Hardswish, F.hardswish, _aten.hardswish_backward, True),
    Activation("hardsigmoid", nn.Hardsigmoid, F.hardsigmoid, _aten.hardsigmoid_backward, True),
    Activation("silu", nn.SiLU, F.silu, _aten.silu_backward, True),
    Activation("gelu", nn.GELU, F.gelu, lambda g, z: _aten.gelu_backward(g, z, approximate="none"), False),
    Activation("sigmoid", nn.Sigmoid, torch.sigmoid, lambda g, z: _aten.sigmoid_backward(g, torch.sigmoid(z)),
               False),
)}
FUSED_ACTIVATIONS = ("identity", "relu", "relu6", "hardswish", "hardsigmoid", "silu", "gelu")  # the kernels'
GATES = ("sigmoid", "hardsigmoid")  # squeeze-excite gates the fused ``se_gate`` implements
_BY_MODULE = {a.module: a for a in ACTIVATIONS.values()}


def make_act(act: Callable[..., nn.Module]) -> nn.Module:
    """An activation module; those that can work in place do, since they follow a fresh conv/norm output."""
    known = _BY_MODULE.get(act)
    return act(inplace=True) if known is not None and known.inplace else act()


def act_name(module: nn.Module) -> str | None:
    """The fused ops' name for an activation module, or None when the fused kernels do not implement it
    (GELU only in its exact, erf form)."""
    known = _BY_MODULE.get(type(module))
    if known is None or known.name not in FUSED_ACTIVATIONS:
        return None
    if isinstance(module, nn.GELU) and module.approximate != "none":
        return None
    return known.name


def gate_name(module: nn.Module) -> str | None:
    """The fused ``se_gate``'s name for a gate module, or None."""
    known = _BY_MODULE.get(type(module))
    return known.name if known is not None and known.name in GATES else None
