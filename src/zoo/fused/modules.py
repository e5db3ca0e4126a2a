"""The zoo's blocks, forwarding through the fused ops.

``use_fused(model)`` gives each block a fused twin in place: a subclass of the block's own class (same
parameters, buffers and state dict; ``isinstance`` still holds) whose forward calls ``zoo.fused`` ops
when a kernel can run, and is the block's own forward otherwise (on the CPU the ops' fallbacks would
only add calls). Every fused forward falls back to the block's own forward for what it does not cover
(an activation or norm it does not know, drop-path in training), so a fused model computes the same
function in training and in eval. Every twin is a plain class of this module (``TWINS``); blocks of
your own get one with ``register_fused``.
"""

from __future__ import annotations

from typing import Callable

import torch
from torch import nn

from zoo.blocks import (Attention, BasicBlock, Bottleneck, ConvNeXtBlock, ConvNormAct, DropPath, FusedMBConv,
                        InvertedResidual, LayerNorm2d, LayerScale, SqueezeExcite, SwinBlock)
from zoo.blocks.activations import act_name, gate_name

from ._dispatch import use_kernel
from .ops import affine_act, affine_act_pool, layer_norm, se_gate, window_attention

__all__ = ["use_fused", "unfuse", "register_fused", "conv_norm_act", "FusedTwin", "TWINS"]

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


def _excite(unit: ConvNormAct, se: nn.Module | None, x: torch.Tensor) -> torch.Tensor:
    """``se(unit(x))`` (``se``: a SqueezeExcite, an Identity or None) in a fused forward; in inference the
    squeeze's means come out of the unit's epilogue pass, so the map is read once less."""
    if not isinstance(se, SqueezeExcite):
        x = unit(x)
        return x if se is None else se(x)
    gate, name = gate_name(se.gate), act_name(unit.act)
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
    if self.shortcut is not None or getattr(self, "pre_norm", None) is not None:  # MaxViT's MBConv: unfused
        return (InvertedResidual if isinstance(self, InvertedResidual) else FusedMBConv).forward(self, x)
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
    gate = gate_name(self.gate)
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


def _convnext_block_forward(self: ConvNeXtBlock, x):
    """ConvNeXt's block: layer scale and the residual add in one pass."""
    if self.training and isinstance(self.drop_path, DropPath):
        return ConvNeXtBlock.forward(self, x)
    y = self.mlp(self.norm(self.conv_dw(x).permute(0, 2, 3, 1)))
    gamma = self.ls.gamma if isinstance(self.ls, LayerScale) else None
    return affine_act(y.permute(0, 3, 1, 2), gamma, residual=x, residual_in_act=True, inplace=True)


def _swin_block_forward(self: SwinBlock, x, shift=(0, 0), mask=None):
    """Swin V2's post-norms, each fused with its residual add (the attention and the norms have twins of
    their own)."""
    if (not self.post_norm or (self.training and isinstance(self.drop_path, DropPath))
            or not all(isinstance(n, nn.LayerNorm) and unwatched(n) for n in (self.norm1, self.norm2))):
        return SwinBlock.forward(self, x, shift, mask)
    for norm, branch in ((self.norm1, lambda x: self._attention(x, shift, mask)), (self.norm2, self.mlp)):
        x = layer_norm(branch(x), norm.weight, norm.bias, norm.eps, residual=x)
    return x


# ---------------------------------------------------------------------------------------------- the twins


class FusedTwin:
    """The base of every fused twin: a block's subclass with the same parameters, buffers and state dict,
    whose forward is ``fused_forward`` when a kernel can run and the block's own forward otherwise (no
    kernel — CPU, ``ZOO_FUSED=0`` — and the block's own forward is the fastest fallback there is).

    The twins are plain classes of this module, so a fused model pickles and loads in any process.
    """

    fused_forward: Callable

    def forward(self, x, *args, **kwargs):
        if use_kernel(x):
            return self.fused_forward(x, *args, **kwargs)
        return super().forward(x, *args, **kwargs)


class FusedConvNormAct(FusedTwin, ConvNormAct):
    """conv → norm affine and activation in one epilogue."""
    fused_forward = _conv_norm_act_forward


class FusedBasicBlock(FusedTwin, BasicBlock):
    """The second conv's norm, the shortcut add and the activation in one epilogue."""
    fused_forward = _residual_forward("conv2", lambda b, x: b.conv1(x), BasicBlock)


class FusedBottleneck(FusedTwin, Bottleneck):
    """The third conv's norm, the shortcut add and the activation in one epilogue (squeeze-excite pooled
    in the grouped conv's epilogue, RegNet-Y)."""
    fused_forward = _residual_forward("conv3", lambda b, x: _excite(b.conv2, b.se, b.conv1(x)), Bottleneck)


class FusedInvertedResidual(FusedTwin, InvertedResidual):
    """MobileNet/EfficientNet/MnasNet's block; see ``_inverted_residual_forward``."""
    fused_forward = _inverted_residual_forward


class FusedFusedMBConv(FusedTwin, FusedMBConv):
    """EfficientNetV2's Fused-MBConv; see ``_inverted_residual_forward``."""
    fused_forward = _inverted_residual_forward


class FusedAttention(FusedTwin, Attention):
    """Swin's windowed attention as one kernel in inference."""
    fused_forward = _attention_forward


class FusedSqueezeExcite(FusedTwin, SqueezeExcite):
    """The gate applied in one pass."""
    fused_forward = _squeeze_excite_forward


class FusedLayerNorm(FusedTwin, nn.LayerNorm):
    """LayerNorm over the last dimension, one pass (optionally with a residual add)."""
    fused_forward = _layer_norm_forward


class FusedLayerNorm2d(FusedTwin, LayerNorm2d):
    """LayerNorm over the channels of an NCHW map."""
    fused_forward = _layer_norm_2d_forward


class FusedConvNeXtBlock(FusedTwin, ConvNeXtBlock):
    """Layer scale and the residual add in one pass."""
    fused_forward = _convnext_block_forward


class FusedSwinBlock(FusedTwin, SwinBlock):
    """Swin V2's post-norm and residual add in one pass."""
    fused_forward = _swin_block_forward


TWINS: dict[type, type] = {twin.__mro__[2]: twin for twin in (
    FusedConvNormAct, FusedBasicBlock, FusedBottleneck, FusedInvertedResidual, FusedFusedMBConv, FusedAttention,
    FusedSqueezeExcite, FusedLayerNorm, FusedLayerNorm2d, FusedConvNeXtBlock, FusedSwinBlock)}


def register_fused(cls: type, twin: type) -> None:
    """Give blocks of ``cls`` (your own) the fused twin ``twin`` in fused models: a subclass of ``FusedTwin``
    and ``cls``, defined at module level (so pickle finds it), with a ``fused_forward(self, x, ...)`` that
    falls back to ``cls.forward`` for what the fused ops do not cover."""
    if not (isinstance(twin, type) and issubclass(twin, FusedTwin) and issubclass(twin, cls)):
        raise TypeError(f"register_fused({cls.__name__}, twin): twin must be a class deriving from FusedTwin and "
                        f"{cls.__name__}, got {twin!r}")
    TWINS[cls] = twin


def use_fused(model: nn.Module) -> nn.Module:
    """Make every block of ``model`` that has a fused twin use it (in place); returns ``model``.

    Each block's class becomes its twin's (``module.__class__ = twin``): the twin adds no state, so
    parameters, hooks and references to the block stay as they are."""
    for module in model.modules():
        twin = TWINS.get(type(module))
        if twin is not None:
            module.__class__ = twin
    return model


def unfuse(model: nn.Module) -> nn.Module:
    """Give every fused block its own class back (in place); returns ``model``."""
    originals = {twin: cls for cls, twin in TWINS.items()}
    for module in model.modules():
        if type(module) in originals:
            module.__class__ = originals[type(module)]
    return model
