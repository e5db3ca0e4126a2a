"""Stochastic depth (Huang et al., 2016, "Deep Networks with Stochastic Depth")."""

import torch
from torch import nn

__all__ = ["DropPath", "drop_path_rates"]


class DropPath(nn.Module):
    """Zero a residual branch for a random subset of samples in training, rescaling the survivors."""

    def __init__(self, p: float = 0.0):
        super().__init__()
        if not 0.0 <= p < 1.0:
            raise ValueError(f"drop-path probability must be in [0, 1), got {p}")
        self.p = p

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        if self.p == 0.0 or not self.training:
            return x
        keep = 1.0 - self.p
        mask = x.new_empty((x.shape[0],) + (1,) * (x.ndim - 1)).bernoulli_(keep)
        return x * mask.div_(keep)

    def extra_repr(self) -> str:
        return f"p={self.p}"


def drop_path_rates(drop_path_rate: float, depths: list[int], reach_max: bool = True) -> list[list[float]]:
    """Per-block rates growing linearly from 0 with the block index over all blocks, split per stage.

    ``reach_max=True``: the last block gets ``drop_path_rate`` (ResNet, ViT: ``i / (n - 1)``).
    ``reach_max=False``: block ``i`` of ``n`` gets ``drop_path_rate * i / n`` (EfficientNet and the
    MobileNets in torchvision and timm), so the last block stays just below it.
    """
    total = sum(depths)
    rates = [drop_path_rate * i / (max(total - 1, 1) if reach_max else total) for i in range(total)]
    out, start = [], 0
    for d in depths:
        out.append(rates[start:start + d])
        start += d
    return out
