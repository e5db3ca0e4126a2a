"""The model contract (DESIGN.md), written once for every family.

A model is ``stages → head``. ``feature_info[i]`` describes the output of ``stages[i]``, so
``forward_features``, ``forward_intermediates`` and ``features_only`` need no per-family code; a family
whose network does not split that way overrides the one method that differs.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Sequence

import torch
from torch import nn

__all__ = ["Backbone", "FeatureInfo", "FeatureExtractor", "tracing"]


def tracing() -> bool:
    """True inside a graph capture (FX, TorchScript tracing, dynamo/export, ONNX): the input checks, which
    branch on the input's shape, step aside there and keep their clear errors in eager."""
    if torch.jit.is_scripting():
        return False
    return (torch.fx._symbolic_trace.is_fx_symbolic_tracing() or torch.jit.is_tracing()
            or torch.compiler.is_compiling())


@dataclass(frozen=True)
class FeatureInfo:
    """One stage's output: its channels, its reduction (stride w.r.t. the input) and the module."""

    channels: int
    reduction: int
    module: str


class Backbone(nn.Module):
    """Base of every zoo model.

    Subclasses build ``self.stages`` (an ``nn.Sequential`` whose every output is a feature stage; a
    stem whose output is no feature, such as ViT's patch embedding, goes in ``forward_stem``),
    ``self.head`` (a :class:`zoo.blocks.ClassifierHead`) and ``self.feature_info``, and set
    ``self.in_chans`` and, where the network needs a minimum input, ``self.min_input_size``.
    """

    in_chans: int = 3
    min_input_size: int = 1  # smallest height/width the network accepts
    stem_names: tuple[str, ...] = ()  # attributes that run before stages[0] (frozen with it by ``frozen_stages``)
    feature_info: list[FeatureInfo]

    # -------------------------------------------------------------------------------------- input checks
    def check_input(self, x: torch.Tensor) -> None:
        """Raise a ValueError saying what was expected when ``x`` cannot go through the network."""
        if tracing():
            return
        if x.ndim != 4:
            raise ValueError(
                f"{type(self).__name__} expects a 4-D batch (N, {self.in_chans}, H, W), got shape {tuple(x.shape)}"
            )
        if x.shape[1] != self.in_chans:
            raise ValueError(
                f"{type(self).__name__} expects {self.in_chans} input channels (in_chans={self.in_chans}), "
                f"got {x.shape[1]} in a batch of shape {tuple(x.shape)}"
            )
        if x.shape[2] < self.min_input_size or x.shape[3] < self.min_input_size:
            raise ValueError(
                f"{type(self).__name__} needs an input of at least {self.min_input_size}x{self.min_input_size}, "
                f"got {x.shape[2]}x{x.shape[3]}"
            )

    # -------------------------------------------------------------------------------------- forward
    def forward_features(self, x: torch.Tensor) -> torch.Tensor:
        """The last feature map (NCHW; tokens for ViT), before pooling."""
        self.check_input(x)
        x = self.forward_stem(x)
        for stage in self.stages:
            x = stage(x)
        return x

    def forward_stem(self, x: torch.Tensor) -> torch.Tensor:
        """Layers before the first feature stage that are not a stage themselves (none by default)."""
        return x

    def forward_head(self, x: torch.Tensor, pre_logits: bool = False) -> torch.Tensor:
        """Pooling and classifier; ``pre_logits=True`` stops before the last linear layer."""
        return self.head(x, pre_logits=pre_logits)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.forward_head(self.forward_features(x))

    # -------------------------------------------------------------------------------------- classifier
    @property
    def num_classes(self) -> int:
        return self.head.num_classes

    @property
    def num_features(self) -> int:
        """Width of the pooled features the classifier sees (``num_classes=0`` returns these)."""
        return self.head.num_features

    def reset_classifier(self, num_classes: int) -> None:
        """Replace the last linear layer (``0`` removes it: forward then returns pooled features)."""
        self.head.reset(num_classes)

    # -------------------------------------------------------------------------------------- features
    def to_nchw(self, x: torch.Tensor, index: int) -> torch.Tensor:
        """Stage ``index``'s output as an NCHW map (token and NHWC families override this)."""
        return x

    def resolve_indices(self, indices: int | Sequence[int] | None) -> list[int]:
        """``None`` → every stage; an int n → the last n stages; a list → those stages (negatives allowed)."""
        n = len(self.feature_info)
        if indices is None:
            return list(range(n))
        if isinstance(indices, int):
            if not 0 < indices <= n:
                raise ValueError(f"{type(self).__name__} has {n} stages; cannot take the last {indices}")
            return list(range(n - indices, n))
        resolved = []
        for i in indices:
            if not -n <= i < n:
                raise ValueError(f"{type(self).__name__} has stages 0..{n - 1}; stage index {i} is out of range")
            resolved.append(i % n)
        return sorted(set(resolved))

    def forward_intermediates(self, x: torch.Tensor, indices: int | Sequence[int] | None = None) -> list[torch.Tensor]:
        """Outputs of the chosen stages as NCHW maps, in order; stops after the last one needed."""
        take = self.resolve_indices(indices)
        self.check_input(x)
        x = self.forward_stem(x)
        out = []
        for i, stage in enumerate(self.stages):
            x = stage(x)
            if i in take:
                out.append(self.to_nchw(x, i))
            if i == take[-1]:
                break
        return out

    def prune_intermediate_layers(self, indices: int | Sequence[int] | None = None) -> list[int]:
        """Drop what comes after the last stage in ``indices`` (and the head); returns the indices."""
        take = self.resolve_indices(indices)
        self.stages = self.stages[: take[-1] + 1]
        self.head = None
        return take

    # -------------------------------------------------------------------------------------- fine-tuning
    def no_weight_decay(self) -> set[str]:
        """Parameter names that should not be weight-decayed beyond norms and biases."""
        return set()


class FeatureExtractor(nn.Module):
    """``create_model(..., features_only=True)``: forward gives the chosen stages as NCHW maps.

    For fine-tuning inside detection/segmentation code (mmpretrain's backbone options):
    ``frozen_stages=k`` freezes stages 0..k (no gradients, kept in eval mode); ``norm_eval=True`` keeps
    every BatchNorm in eval mode (running statistics fixed) while the rest trains.
    """

    def __init__(
        self,
        model: Backbone,
        out_indices: int | Sequence[int] | None = None,
        frozen_stages: int = -1,
        norm_eval: bool = False,
    ):
        super().__init__()
        full = set(model.state_dict())
        self.out_indices = model.prune_intermediate_layers(out_indices)
        self.model = model
        self.dropped_keys = frozenset(full - set(model.state_dict()))  # weights may carry these, nothing else
        self.feature_info = [model.feature_info[i] for i in self.out_indices]
        if frozen_stages >= len(model.stages):
            raise ValueError(f"frozen_stages={frozen_stages}, but the backbone has stages 0..{len(model.stages) - 1}")
        self.frozen_stages = frozen_stages
        self.norm_eval = norm_eval
        for part in self._frozen():
            part.requires_grad_(False)
        self.train(model.training)

    def _frozen(self) -> list[nn.Module | nn.Parameter]:
        """The frozen stages, the stem (patch embedding, position embedding, class token) with the first."""
        stem = [getattr(self.model, name) for name in self.model.stem_names] if self.frozen_stages >= 0 else []
        return stem + list(self.model.stages)[: self.frozen_stages + 1]

    def train(self, mode: bool = True) -> "FeatureExtractor":
        super().train(mode)
        if mode:
            for part in self._frozen():
                if isinstance(part, nn.Module):
                    part.eval()
            if self.norm_eval:
                for m in self.modules():
                    if isinstance(m, nn.modules.batchnorm._BatchNorm):
                        m.eval()
        return self

    def channels(self) -> list[int]:
        return [f.channels for f in self.feature_info]

    def reductions(self) -> list[int]:
        return [f.reduction for f in self.feature_info]

    def forward(self, x: torch.Tensor) -> list[torch.Tensor]:
        return self.model.forward_intermediates(x, self.out_indices)
