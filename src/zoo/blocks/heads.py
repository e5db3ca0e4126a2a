"""Classifier heads: global pooling → optional pre-logits layers → dropout → linear."""

from __future__ import annotations

from collections import OrderedDict

import torch
from torch import nn

__all__ = ["ClassifierHead", "ConvClassifierHead", "mlp_pre_logits"]


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
        bias: whether the final linear layer has a bias (MaxViT's has none).
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
        bias: bool = True,
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
        self.bias = bias
        self.fc = nn.Linear(self.num_features, num_classes, bias=bias) if num_classes else nn.Identity()
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
        self.fc = (nn.Linear(self.num_features, num_classes, bias=self.bias, device=device, dtype=dtype)
                   if num_classes else nn.Identity())
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


class ConvClassifierHead(nn.Module):
    """SqueezeNet's classifier: dropout → 1×1 conv to the classes → ReLU → global average pool.

    The classes are scored at every position and then averaged, so the ReLU comes before the pooling and
    the head is not :class:`ClassifierHead` (pooling first would change the result). ``head.fc`` is the
    1×1 conv; ``num_classes=0`` (or ``pre_logits=True``) gives the pooled features the conv would see.
    """

    def __init__(self, in_chs: int, num_classes: int, drop_rate: float = 0.0):
        super().__init__()
        if num_classes < 0:
            raise ValueError(f"num_classes must be >= 0, got {num_classes}")
        self.in_chs = self.num_features = in_chs  # the map it reads; what num_classes=0 returns
        self.pool = "avg"
        self.drop = nn.Dropout(drop_rate) if drop_rate > 0 else nn.Identity()
        self.act = nn.ReLU(inplace=True)  # on the conv's fresh output
        self.reset(num_classes)

    def reset(self, num_classes: int, pool: str | None = None, device=None, dtype=None) -> None:
        """A new 1×1 conv for ``num_classes`` outputs (0: none), on ``device``/``dtype`` (default: the old
        one's). The scores are always averaged: ``pool`` may only be None or "avg"."""
        if num_classes < 0:
            raise ValueError(f"num_classes must be >= 0, got {num_classes}")
        if pool not in (None, "avg", ""):
            raise ValueError(f"a convolutional classifier averages its class maps: pool must be 'avg' (or '' for the "
                             f"feature map itself, with num_classes=0), got {pool!r}")
        if (self.pool if pool is None else pool) == "" and num_classes:
            pool = "avg"  # classes again after "": the class maps are averaged, as built
        if pool is not None:
            self.pool = pool
        if device is None and dtype is None:
            ref = next(iter(getattr(self, "fc", nn.Identity()).parameters()), None)
            device, dtype = (ref.device, ref.dtype) if ref is not None else (None, None)
        self.fc = nn.Conv2d(self.num_features, num_classes, 1, device=device, dtype=dtype) if num_classes else nn.Identity()
        self.num_classes = num_classes

    def forward(self, x: torch.Tensor, pre_logits: bool = False) -> torch.Tensor:
        if pre_logits or not self.num_classes:
            return x if self.pool == "" else x.mean((2, 3))
        return self.act(self.fc(self.drop(x))).mean((2, 3))


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
