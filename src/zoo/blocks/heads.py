"""Classifier heads: global pooling → optional pre-logits layers → dropout → linear."""

from __future__ import annotations

from collections import OrderedDict

import torch
from torch import nn

__all__ = ["ClassifierHead", "mlp_pre_logits"]


class ClassifierHead(nn.Module):
    """The head every zoo model ends with.

    Args:
        in_chs: channels of the feature map (or token width) it receives.
        num_classes: outputs of the final linear layer; 0 gives the pooled (pre-logits) features.
        pool: "avg", "max" or "avgmax" (global pooling over H, W of an NCHW map), "token" (first token of
            a sequence), "mean_tokens" (average over the sequence), "avg_tokens" (average over the
            sequence without its first, class token), None (the input is already a vector, or
            ``pre_logits`` pools it) or "" (no pooling and no pre-logits layers: the map itself comes
            out, which needs ``num_classes=0``).
        drop_rate: dropout before the final linear layer.
        pre_logits: layers between pooling and the final linear layer (e.g. the MLP of VGG/AlexNet),
            whose output width is ``num_features``.
    """

    POOLS = ("avg", "max", "avgmax", "token", "mean_tokens", "avg_tokens", None, "none", "")  # "none" is None

    def __init__(
        self,
        in_chs: int,
        num_classes: int,
        pool: str | None = "avg",
        drop_rate: float = 0.0,
        pre_logits: nn.Module | None = None,
        num_features: int | None = None,
    ):
        super().__init__()
        if num_classes < 0:
            raise ValueError(f"num_classes must be >= 0, got {num_classes}")
        self._check_pool(pool, num_classes)
        self.pool = "none" if pool is None else pool  # a str for TorchScript
        self.default_pool = self.pool
        self.in_chs = in_chs
        self.pre_logits = pre_logits if pre_logits is not None else nn.Identity()
        self.num_features = num_features or in_chs
        self.drop = nn.Dropout(drop_rate) if drop_rate > 0 else nn.Identity()
        self.fc = nn.Linear(self.num_features, num_classes) if num_classes else nn.Identity()
        self.num_classes = num_classes

    def _check_pool(self, pool: str | None, num_classes: int) -> None:
        if pool not in self.POOLS:
            raise ValueError(f"pool must be one of {', '.join(map(repr, self.POOLS))}, got {pool!r}")
        if pool == "" and num_classes:
            raise ValueError(f"pool='' (no pooling: the feature map comes out) needs num_classes=0, got {num_classes}")

    def reset(self, num_classes: int, pool: str | None = None, device=None, dtype=None) -> None:
        """A new final layer for ``num_classes`` outputs (0: none), on ``device``/``dtype`` (default: the
        old layer's); ``pool`` replaces the pooling (None keeps it)."""
        if num_classes < 0:
            raise ValueError(f"num_classes must be >= 0, got {num_classes}")
        if pool is None and self.pool == "" and num_classes:  # classes again after "": the model's own pooling
            pool = self.default_pool
        self._check_pool(self.pool if pool is None else pool, num_classes)
        if device is None and dtype is None:
            ref = next(iter([*self.fc.parameters(), *self.pre_logits.parameters()]), None)
            device, dtype = (ref.device, ref.dtype) if ref is not None else (None, None)
        if pool is not None:
            self.pool = pool
        self.fc = nn.Linear(self.num_features, num_classes, device=device, dtype=dtype) if num_classes else nn.Identity()
        self.num_classes = num_classes

    def forward(self, x: torch.Tensor, pre_logits: bool = False) -> torch.Tensor:
        if self.pool == "":
            return x
        if self.pool == "avg":
            x = x.mean((2, 3))
        elif self.pool == "max":
            x = x.amax((2, 3))
        elif self.pool == "avgmax":
            x = 0.5 * (x.mean((2, 3)) + x.amax((2, 3)))
        elif self.pool == "token":
            x = x[:, 0]
        elif self.pool == "mean_tokens":
            x = x.mean(1)
        elif self.pool == "avg_tokens":
            x = x[:, 1:].mean(1)
        x = self.pre_logits(x)
        if pre_logits:
            return x
        return self.fc(self.drop(x))


def mlp_pre_logits(in_chs: int, pool_size: int, hidden: int, drop_rate: float, dropout_first: bool) -> nn.Sequential:
    """The two-layer MLP of AlexNet and VGG on an adaptively pooled ``pool_size``² map.

    AlexNet drops out before each hidden linear layer, VGG after each hidden activation (its second
    dropout then falls just before the classifier, where ``ClassifierHead`` puts it).
    """
    layers = [("pool", nn.AdaptiveAvgPool2d(pool_size)), ("flatten", nn.Flatten(1))]
    width = in_chs * pool_size * pool_size
    for i in (1, 2):
        if dropout_first:
            layers.append((f"drop{i}", nn.Dropout(drop_rate)))
        layers += [(f"fc{i}", nn.Linear(width, hidden)), (f"act{i}", nn.ReLU(inplace=True))]
        if not dropout_first and i == 1:
            layers.append(("drop1", nn.Dropout(drop_rate)))
        width = hidden
    return nn.Sequential(OrderedDict(layers))
