"""Proving a zoo model is the same network as its reference (torchvision or timm).

The reference gets random weights and *randomised* normalisation statistics and affine parameters,
so that a wrong BatchNorm epsilon, padding or channel rounding shows in the outputs; its state dict
is converted with ``zoo.convert_state_dict`` and loaded strictly; both run in eval mode on the
same batch.
"""

from __future__ import annotations

import torch
from torch import nn

import zoo

NORMS = (nn.modules.batchnorm._BatchNorm, nn.GroupNorm, nn.LayerNorm)


def randomize_norms(model: nn.Module, seed: int = 0) -> nn.Module:
    """Random running statistics and affine parameters in every norm layer (mean ≈ 1 scale)."""
    g = torch.Generator().manual_seed(seed)
    with torch.no_grad():
        for m in model.modules():
            if isinstance(m, NORMS):
                if getattr(m, "weight", None) is not None:
                    m.weight.copy_(torch.rand(m.weight.shape, generator=g) * 0.5 + 0.75)
                    m.bias.copy_(torch.randn(m.bias.shape, generator=g) * 0.1)
                if getattr(m, "running_mean", None) is not None:
                    m.running_mean.copy_(torch.randn(m.running_mean.shape, generator=g) * 0.1)
                    m.running_var.copy_(torch.rand(m.running_var.shape, generator=g) * 0.5 + 0.75)
    return model


def relative_error(out: torch.Tensor, ref: torch.Tensor) -> float:
    """max |out − ref| / max |ref|: the error relative to the output's scale."""
    return ((out.double() - ref.double()).abs().max() / ref.double().abs().max().clamp_min(1e-12)).item()


def load_converted(name: str, reference: nn.Module, source: str, **zoo_kwargs) -> nn.Module:
    model = zoo.create_model(name, **zoo_kwargs)
    state = zoo.convert_state_dict(name, reference.state_dict(), source)
    model.load_state_dict(state, strict=True)
    return model.eval()


def assert_equivalent(
    name: str,
    reference: nn.Module,
    source: str,
    input_size: tuple[int, int] = (224, 192),
    batch: int = 2,
    tol: float = 1e-5,
    **zoo_kwargs,
) -> nn.Module:
    """Convert ``reference`` into ``zoo.create_model(name, **zoo_kwargs)`` and compare outputs."""
    torch.manual_seed(0)
    randomize_norms(reference).eval()
    model = load_converted(name, reference, source, **zoo_kwargs)
    x = torch.randn(batch, getattr(model, "in_chans", 3), *input_size)
    with torch.no_grad():
        ref, out = reference(x), model(x)
    assert out.shape == ref.shape, f"{name}: output shape {tuple(out.shape)} != reference {tuple(ref.shape)}"
    err = relative_error(out, ref)
    assert err <= tol, f"{name} vs {source}: relative error {err:.2e} > {tol:.0e}"
    return model


def torchvision_model(name: str, **kwargs) -> nn.Module:
    import torchvision

    torch.manual_seed(0)
    return torchvision.models.get_model(name, weights=None, **kwargs)


def timm_model(name: str, **kwargs) -> nn.Module:
    import timm

    torch.manual_seed(0)
    return timm.create_model(name, pretrained=False, **kwargs)


def mmpretrain_classifier(backbone: dict, head: dict, neck: dict | None = None) -> nn.Module:
    """mmpretrain's ``ImageClassifier`` (its checkpoints' key layout: ``backbone.`` / ``neck.`` / ``head.fc.``) with
    PyTorch's random initialisation; called with a batch it returns the logits."""
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # mmcv-lite warns that its compiled ops are missing
        from mmpretrain.models.classifiers import ImageClassifier

    torch.manual_seed(0)
    return ImageClassifier(backbone=backbone, neck=neck, head=head)


def saved_bytes(model: nn.Module, x: torch.Tensor) -> tuple[torch.Tensor, int]:
    """``model(x)`` and the bytes autograd keeps for its backward pass (what checkpointing trades for
    recomputation)."""
    total = 0

    def pack(t):
        nonlocal total
        total += t.numel() * t.element_size()
        return t

    with torch.autograd.graph.saved_tensors_hooks(pack, lambda t: t):
        out = model(x)
    return out, total
