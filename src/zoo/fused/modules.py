"""The zoo's blocks, forwarding through the fused ops.

``use_fused(model)`` gives each block a fused twin in place: a subclass of the block's own class (same
parameters, buffers and state dict; ``isinstance`` still holds) whose forward calls ``zoo.fused`` ops
when a kernel can run, and is the block's own forward otherwise (on the CPU the ops' fallbacks would
only add calls). Every fused forward falls back to the block's own forward for what it does not cover
(an activation or norm it does not know, drop-path in training), so a fused model computes the same
function in training and in eval. A family's own block gets a twin by defining ``fused_forward(self, x, ...)``,
or by ``register_fused``.
"""

from __future__ import annotations

from typing import Callable

import torch
from torch import nn

from zoo.blocks import (Attention, BasicBlock, Bottleneck, ConvNormAct, FusedMBConv, InvertedResidual, LayerNorm2d,
                        SqueezeExcite)

from ._dispatch import use_kernel
from .ops import affine_act, affine_act_pool, layer_norm, se_gate, window_attention

__all__ = ["use_fused", "register_fused", "act_name", "conv_norm_act"]

_ACT_NAMES = {nn.Identity: "identity", nn.ReLU: "relu", nn.ReLU6: "relu6", nn.Hardswish: "hardswish",
              nn.Hardsigmoid: "hardsigmoid", nn.SiLU: "silu"}


def act_name(module: nn.Module) -> str | None:
    """The fused ops' name for an activation module, or None when they do not implement it."""
    if type(module) is nn.GELU:
        return "gelu" if module.approximate == "none" else None
    return _ACT_NAMES.get(type(module))


def _needs_grad(module: nn.Module, x: torch.Tensor) -> bool:
    """Training: a gradient will flow into ``x`` or one of ``module``'s parameters (the fused inference
    paths are then left for the module's own forward)."""
    return torch.is_grad_enabled() and (x.requires_grad or any(p.requires_grad for p in module.parameters()))


def unwatched(module: nn.Module) -> bool:
    """No forward hook (the module's own, a global one, pruning's pre-hook) would miss a call to ``module``."""
    from torch.nn.modules import module as m

    return not (module._forward_hooks or module._forward_pre_hooks or m._global_forward_hooks
                or m._global_forward_pre_hooks)


def _plain(module: nn.Module, cls: type) -> bool:
    """``module`` is exactly a ``cls`` (not wrapped by an adapter or quantized) that no hook watches, so a
    fused path may read its weights without calling it; otherwise the module is called."""
    return type(module) is cls and unwatched(module)


def _norm_affine(norm: nn.BatchNorm2d | nn.Identity, x: torch.Tensor):
    """(scale, shift) with ``norm(x) == x·scale[c] + shift[c]``; batch statistics (and the running-stat update)
    in training, as BatchNorm computes them. (None, None) for no norm."""
    if type(norm) is nn.Identity:
        return None, None
    if norm.training or norm.running_mean is None:
        var, mean = torch.var_mean(x.float() if x.dtype != torch.float64 else x, dim=(0, 2, 3), correction=0)
        if norm.training and norm.track_running_stats:
            with torch.no_grad():
                norm.num_batches_tracked.add_(1)
                factor = norm.momentum if norm.momentum is not None else 1.0 / norm.num_batches_tracked.item()
                n = x.numel() / x.shape[1]
                norm.running_mean.lerp_(mean.to(norm.running_mean.dtype), factor)
                norm.running_var.lerp_((var * (n / max(n - 1, 1))).to(norm.running_var.dtype), factor)
    else:
        mean, var = norm.running_mean, norm.running_var
    scale = torch.rsqrt(var + norm.eps)
    if norm.weight is not None:
        scale = scale * norm.weight
    shift = -mean * scale
    if norm.bias is not None:
        shift = shift + norm.bias
    return scale, shift


def conv_norm_act(unit: ConvNormAct, x: torch.Tensor, residual: torch.Tensor | None = None,
                  act: nn.Module | None = None) -> torch.Tensor | None:
    """``act(norm(conv(x)) + residual)`` as conv → one fused epilogue; None when the unit is not fusable."""
    act = unit.act if act is None else act
    name = act_name(act)
    if name is None or (residual is not None and type(unit.act) is not nn.Identity):
        return None
    conv_affine = _conv_affine(unit, x)
    if conv_affine is None:
        return None
    return affine_act(*conv_affine, act=name, residual=residual, residual_in_act=True, inplace=True)


def _conv_affine(unit: ConvNormAct, x: torch.Tensor):
    """(y, scale, shift) with ``norm(conv(x)) == y·scale[c] + shift[c]``, or None for a norm the ops do not cover."""
    conv = unit.conv
    if type(unit.norm) is not nn.Identity and not _plain(unit.norm, nn.BatchNorm2d):
        return None
    if (type(unit.norm) is nn.Identity and conv.bias is not None and _plain(conv, nn.Conv2d) and use_kernel(x)
            and not _needs_grad(conv, x)):
        # on the GPU the bias is one more pass over the output unless it joins the epilogue
        return conv._conv_forward(x, conv.weight, None), None, conv.bias
    y = conv(x)
    return y, *_norm_affine(unit.norm, y)


_GATE_NAMES = {nn.Sigmoid: "sigmoid", nn.Hardsigmoid: "hardsigmoid"}


def _excite(unit: ConvNormAct, se: nn.Module | None, x: torch.Tensor) -> torch.Tensor:
    """``se(unit(x))`` (``se``: a SqueezeExcite, an Identity or None) in a fused forward; in inference the
    squeeze's means come out of the unit's epilogue pass, so the map is read once less."""
    if not isinstance(se, SqueezeExcite):
        x = unit(x)
        return x if se is None else se(x)
    gate, name = _GATE_NAMES.get(type(se.gate)), act_name(unit.act)
    if gate is None or name is None or _needs_grad(unit, x):
        return se(unit(x))
    conv_affine = _conv_affine(unit, x)
    if conv_affine is None:
        return se(unit(x))
    y, mean = affine_act_pool(*conv_affine, act=name)
    logits = se.fc2(se.act(se.fc1(mean.to(y.dtype)[:, :, None, None])))
    return se_gate(y, logits.reshape(y.shape[:2]), gate)


# ---------------------------------------------------------------------------------------------- fused forwards


def _conv_norm_act_forward(self: ConvNormAct, x):
    out = conv_norm_act(self, x)
    return out if out is not None else ConvNormAct.forward(self, x)


def _drop_path_active(block: nn.Module) -> bool:
    dp = getattr(block, "drop_path", None)
    return dp is not None and block.training and getattr(dp, "p", 0.0) > 0


def _residual_forward(last: str, branch: Callable[[nn.Module, torch.Tensor], torch.Tensor], base: type):
    """A residual block's forward whose last conv unit, shortcut add and activation are one epilogue."""
    def forward(self, x):
        if _drop_path_active(self):
            return base.forward(self, x)
        shortcut = x if self.shortcut is None else self.shortcut(x)
        out = conv_norm_act(getattr(self, last), branch(self, x), residual=shortcut, act=self.act)
        return out if out is not None else base.forward(self, x)
    return forward


def _inverted_residual_forward(self: InvertedResidual | FusedMBConv, x):
    """MobileNet's, EfficientNet's and MnasNet's blocks: the squeeze-excite's pooling in the producing
    conv's epilogue (inference), the projection's norm and the shortcut add as one epilogue."""
    shortcut = x
    if isinstance(self, InvertedResidual):
        if self.conv_pw is not None:
            x = self.conv_pw(x)
        x = _excite(self.conv_dw, self.se, x)
    else:
        x = _excite(self.conv_exp, self.se, x)
    if self.conv_pwl is None:
        return self._add_shortcut(x, shortcut)
    if self.has_skip and not _drop_path_active(self):
        out = conv_norm_act(self.conv_pwl, x, residual=shortcut)
        if out is not None:
            return out
    return self._add_shortcut(self.conv_pwl(x), shortcut)


def _attention_forward(self: Attention, x, window_mask=None):
    """Windowed attention with a relative-position bias (Swin, V1 and V2) as one kernel in inference:
    scores, bias, shift mask, softmax and the value product without writing the score tensor."""
    if self.position_bias is None or _needs_grad(self, x) or (self.training and self.attn_drop > 0):
        return Attention.forward(self, x, window_mask)
    q, k, v, scale = self.project_qkv(x)
    N = x.shape[1]
    out = window_attention(q, k, v, self.bias_table(), self.relative_position_index.view(N, N), window_mask, scale)
    return self.project_out(out)


def _squeeze_excite_forward(self: SqueezeExcite, x):
    gate = _GATE_NAMES.get(type(self.gate))
    if gate is None or x.ndim != 4 or _needs_grad(self, x):
        return SqueezeExcite.forward(self, x)  # the gate op is for inference
    logits = self.fc2(self.act(self.fc1(x.mean((2, 3), keepdim=True))))
    return se_gate(x, logits.reshape(x.shape[0], x.shape[1]), gate)


def _layer_norm_forward(self: nn.LayerNorm, x):
    if len(self.normalized_shape) != 1:
        return nn.LayerNorm.forward(self, x)
    return layer_norm(x, self.weight, self.bias, self.eps, channel_dim=-1)


def _layer_norm_2d_forward(self: nn.LayerNorm, x):
    """LayerNorm over the channels of an NCHW map (timm's and ConvNeXt's ``LayerNorm2d``)."""
    return layer_norm(x, self.weight, self.bias, self.eps, channel_dim=1)


_FORWARDS: dict[type, Callable] = {
    ConvNormAct: _conv_norm_act_forward,
    BasicBlock: _residual_forward("conv2", lambda b, x: b.conv1(x), BasicBlock),
    Bottleneck: _residual_forward("conv3", lambda b, x: _excite(b.conv2, b.se, b.conv1(x)), Bottleneck),
    InvertedResidual: _inverted_residual_forward,
    FusedMBConv: _inverted_residual_forward,
    Attention: _attention_forward,
    SqueezeExcite: _squeeze_excite_forward,
    nn.LayerNorm: _layer_norm_forward,
    LayerNorm2d: _layer_norm_2d_forward,
}
_TWINS: dict[type, type] = {}


def register_fused(cls: type, forward: Callable) -> None:
    """Use ``forward(self, x)`` for ``cls`` modules in fused models (it should fall back to ``cls.forward``
    for what the fused ops do not cover)."""
    _FORWARDS[cls] = forward
    _TWINS.pop(cls, None)


def _fused_forward(cls: type) -> Callable | None:
    if cls in _FORWARDS:
        return _FORWARDS[cls]
    if "fused_forward" in vars(cls):  # a family's own block
        return cls.fused_forward
    if issubclass(cls, nn.LayerNorm) and cls.__name__ == "LayerNorm2d":  # timm's and other libraries'
        return _layer_norm_2d_forward
    return None


def _twin(cls: type) -> type | None:
    if getattr(cls, "_zoo_fused", False):
        return cls
    if cls not in _TWINS:
        fused = _fused_forward(cls)
        _TWINS[cls] = fused and _make_twin(cls, fused)
    return _TWINS[cls]


def _make_twin(cls: type, fused: Callable) -> type:
    def forward(self, x, *args, **kwargs):
        if use_kernel(x):
            return fused(self, x, *args, **kwargs)
        # no kernel can run (CPU, ZOO_FUSED=0): the block's own forward is the fastest fallback there is
        return cls.forward(self, x, *args, **kwargs)

    name = f"Fused{cls.__name__}"
    while name in globals():  # same-named blocks of two families
        name += "_"
    twin = type(name, (cls,), {
        "forward": forward, "_zoo_fused": True, "__module__": __name__,
        "__doc__": f"{cls.__name__} forwarding through zoo.fused ops (same parameters and state dict)."})
    globals()[name] = twin  # so that pickle finds it
    return twin


def use_fused(model: nn.Module) -> nn.Module:
    """Make every block of ``model`` that has a fused twin use it (in place); returns ``model``."""
    for module in model.modules():
        twin = _twin(type(module))
        if twin is not None:
            module.__class__ = twin
    return model


def unfuse(model: nn.Module) -> nn.Module:
    """Give every fused block its own class back (in place); returns ``model``."""
    for module in model.modules():
        if getattr(type(module), "_zoo_fused", False):
            module.__class__ = type(module).__mro__[1]
    return model
