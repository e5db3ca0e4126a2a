"""``zoo.fuse(model)``: prepare any zoo model for inference."""

from __future__ import annotations

import copy

import torch
from torch import nn

from zoo.blocks import ConvNormAct

from .modules import use_fused

__all__ = ["fuse", "fold_batchnorm"]

_FOLDABLE = {nn.Conv2d: nn.BatchNorm2d, nn.Linear: nn.BatchNorm1d}


@torch.no_grad()
def fold_batchnorm(layer: nn.Conv2d | nn.Linear, bn: nn.BatchNorm2d | nn.BatchNorm1d) -> None:
    """Fold an eval-mode BatchNorm that follows ``layer`` into its weight and bias (in place).

    ``bn(layer(x)) = s·(Wx + b − μ)/… + β`` with ``s = γ/√(σ² + eps)``: the weight's output channels
    (dim 0, for depthwise and grouped convs too) scale by ``s``, the bias becomes ``s·(b − μ) + β``.
    Computed in float64 so that folding adds no rounding of its own.
    """
    if bn.running_mean is None:
        raise ValueError(f"{bn} keeps no running statistics: there is nothing to fold")
    if layer.weight.shape[0] != bn.num_features:
        raise ValueError(f"{type(layer).__name__} has {layer.weight.shape[0]} outputs, the BatchNorm after it "
                         f"{bn.num_features}")
    scale = torch.rsqrt(bn.running_var.double() + bn.eps)
    if bn.weight is not None:
        scale = scale * bn.weight.double()
    bias = layer.bias.double() if layer.bias is not None else torch.zeros_like(scale)
    bias = (bias - bn.running_mean.double()) * scale
    if bn.bias is not None:
        bias = bias + bn.bias.double()
    w = layer.weight
    w.copy_(w.double() * scale.reshape(-1, *[1] * (w.ndim - 1)))
    if layer.bias is None:
        layer.bias = nn.Parameter(bias.to(w.dtype), requires_grad=w.requires_grad)
    else:
        layer.bias.copy_(bias)


def _foldable(layer: nn.Module, bn: nn.Module) -> bool:
    return (type(bn) is _FOLDABLE.get(type(layer)) and bn.running_mean is not None
            and bn.num_features == layer.weight.shape[0])


def fuse(model: nn.Module, inplace: bool = False) -> nn.Module:
    """An inference copy of ``model`` (``inplace=True``: ``model`` itself), in eval mode, whose eval outputs
    equal the original's to fp32 rounding:

    - every BatchNorm right after a conv or linear layer — the norm of a ``ConvNormAct`` unit, or the next
      layer in an ``nn.Sequential`` — is folded into that layer's weight and bias (depthwise convs too);
    - a block that knows how to fold its own affine steps (``fold_for_inference()``, e.g. ConvNeXt's layer
      scale into the linear layer before it) does so;
    - the blocks then forward through the fused ops (``use_fused``): what is left after each conv (bias,
      activation, the residual add) is one epilogue on the GPU.
    """
    if not inplace:
        model = copy.deepcopy(model)
    model.eval()
    for module in list(model.modules()):
        if isinstance(module, ConvNormAct) and _foldable(module.conv, module.norm):
            fold_batchnorm(module.conv, module.norm)
            module.norm = nn.Identity()
        elif isinstance(module, nn.Sequential):
            names = list(module._modules)
            for a, b in zip(names, names[1:]):
                layer, bn = module._modules[a], module._modules[b]
                if layer is not None and bn is not None and _foldable(layer, bn):
                    fold_batchnorm(layer, bn)
                    module._modules[b] = nn.Identity()
    for module in list(model.modules()):
        if callable(getattr(module, "fold_for_inference", None)):
            module.fold_for_inference()
    if isinstance(getattr(model, "model_config", None), dict):  # save_pretrained records it; loading refolds
        model.model_config = {**model.model_config, "folded": True}
    return use_fused(model)
