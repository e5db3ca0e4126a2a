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


def drop_path_rates(drop_path_rate: float, depths: list[int]) -> list[list[float]]:
    """Per-block rates growing linearly from 0 to ``drop_path_rate`` over all blocks, split per stage."""
    total = sum(depths)
    rates = [drop_path_rate * i / max(total - 1, 1) for i in range(total)]
    out, start = [], 0
    for d in depths:
        out.append(rates[start:start + d])
        start += d
    return out
