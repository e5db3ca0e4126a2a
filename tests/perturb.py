"""Random values for the parameters a reference initialises to a constant.

Zero-initialised heads and biases, ConvNeXt's layer scale of 1e-6 and Swin V2's logit scale of log 10
would let a mis-mapped key (or a residual branch that scales its output by 1e-6) pass an equivalence
test unseen; spread them before converting.
"""

import torch
from torch import nn


def spread_constant_params(model: nn.Module, seed: int = 0) -> nn.Module:
    """Every parameter whose elements are all equal gets random values around a scale that keeps it harmless:
    layer scales in [0.5, 1), everything else its constant + N(0, 0.05²)."""
    g = torch.Generator().manual_seed(seed)
    with torch.no_grad():
        for name, p in model.named_parameters():
            if p.numel() > 1 and bool((p == p.flatten()[0]).all()):
                if name.endswith(("gamma", "layer_scale")):
                    p.copy_(torch.rand(p.shape, generator=g) * 0.5 + 0.5)
                else:
                    p.add_(torch.randn(p.shape, generator=g) * 0.05)
    return model


def random_on_meta(build, seed: int = 0) -> nn.Module:
    """``build()`` on the meta device, then random weights drawn directly: the large references skip
    their (slow) initialisers. Linear and conv weights get N(0, 1/fan_in), layer scales U(0.5, 1), everything else N(0, 0.02²);
    norms are randomised later by ``assert_equivalent``. Only for models without computed buffers."""
    with torch.device("meta"):
        model = build()
    if any(True for _ in model.buffers()):
        raise ValueError("random_on_meta cannot rebuild buffers computed at construction")
    model.to_empty(device="cpu")
    g = torch.Generator().manual_seed(seed)
    with torch.no_grad():
        for m in model.modules():
            for name, p in m.named_parameters(recurse=False):
                fan_in = p[0].numel() if p.ndim >= 2 and isinstance(m, (nn.Linear, nn.Conv2d, nn.MultiheadAttention)) else 0
                if name in ("gamma", "layer_scale"):
                    p.uniform_(0.5, 1.0, generator=g)
                else:
                    p.normal_(0.0, fan_in ** -0.5 if fan_in else 0.02, generator=g)
    return model
