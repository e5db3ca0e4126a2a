"""Parallel branches whose outputs are concatenated: the Inception module (Szegedy et al., 2014).

One construct serves every Inception network: a module is a list of branches, each a short
sequence of conv-norm-act (or pooling) layers, just as the papers draw them. A branch may itself
end in a ``Concat`` (Inception v3's split 1×3 / 3×1 convolutions).
"""

from __future__ import annotations

import torch
from torch import nn

__all__ = ["Concat"]


class Concat(nn.ModuleList):
    """Run every branch on the same input and concatenate the results along the channels.

    Each branch is given as a module or a list of modules (run in order, as an ``nn.Sequential``).
    """

    def __init__(self, *branches: nn.Module | list[nn.Module]):
        if not branches:
            raise ValueError("Concat needs at least one branch")
        super().__init__(nn.Sequential(*b) if isinstance(b, (list, tuple)) else b for b in branches)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return torch.cat([branch(x) for branch in self], 1)
