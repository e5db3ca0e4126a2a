"""The model contract (DESIGN.md), written once for every family.

A model is ``stages → head``. ``feature_info[i]`` describes the output of ``stages[i]``, so
``forward_features``, ``forward_intermediates`` and ``features_only`` need no per-family code; a family
whose network does not split that way overrides the one method that differs.

Every name the zoo shares with timm has timm's signature and return type (``forward_intermediates``,
``feature_info``, ``get_classifier``, ``reset_classifier``, ``group_matcher``, ``set_grad_checkpointing``,
``prune_intermediate_layers``, ``num_features``, ``head_hidden_size``, ``default_cfg``), so code written
for timm works on zoo models.

No ``from __future__ import annotations`` here: TorchScript reads the class annotations below.
"""

import re
from typing import Any, Dict, List, Optional, Sequence, Tuple, Union

import torch
from torch import nn
from torch.utils.checkpoint import checkpoint

__all__ = ["Backbone", "HeadConvBackbone", "FeatureInfo", "FeatureInfoList", "FeatureExtractor", "FEATURE_CLASSES", "tracing"]

FEATURE_CLASSES = (None, "getter")  # timm's feature_cls values the zoo's FeatureExtractor is


def tracing() -> bool:
    """True inside a graph capture (FX, TorchScript tracing, dynamo/export, ONNX): the input checks, which
    branch on the input's shape, step aside there and keep their clear errors in eager."""
    if torch.jit.is_scripting():
        return False
    return (torch.fx._symbolic_trace.is_fx_symbolic_tracing() or torch.jit.is_tracing()
            or torch.compiler.is_compiling())


class FeatureInfo(dict):
    """One stage's output as timm describes it — ``{"num_chs", "reduction", "module"}`` — also read as
    attributes: ``.channels``, ``.reduction`` (stride w.r.t. the input), ``.module``."""

    def __init__(self, channels: int, reduction: int, module: str):
        super().__init__(num_chs=channels, reduction=reduction, module=module)

    @property
    def channels(self) -> int:
        return self["num_chs"]

    @property
    def reduction(self) -> int:
        return self["reduction"]

    @property
    def module(self) -> str:
        return self["module"]


class FeatureInfoList(list):
    """``feature_info``: a list of :class:`FeatureInfo` that also answers timm's ``FeatureInfo`` queries."""

    def get(self, key: str, idx: Optional[Union[int, Sequence[int]]] = None):
        if idx is None:
            return [f[key] for f in self]
        if isinstance(idx, int):
            return self[idx][key]
        return [self[i][key] for i in idx]

    def get_dicts(self, keys: Optional[Sequence[str]] = None, idx: Optional[Union[int, Sequence[int]]] = None):
        pick = (lambda f: dict(f)) if keys is None else (lambda f: {k: f[k] for k in keys})
        if idx is None:
            return [pick(f) for f in self]
        return pick(self[idx]) if isinstance(idx, int) else [pick(self[i]) for i in idx]

    def channels(self, idx: Optional[Union[int, Sequence[int]]] = None):
        return self.get("num_chs", idx)

    def reduction(self, idx: Optional[Union[int, Sequence[int]]] = None):
        return self.get("reduction", idx)

    def module_name(self, idx: Optional[Union[int, Sequence[int]]] = None):
        return self.get("module", idx)


class Backbone(nn.Module):
    """Base of every zoo model.

    Subclasses build ``self.stages`` (an ``nn.Sequential`` whose every output is a feature stage; a
    stem whose output is no feature, such as ViT's patch embedding, goes in ``forward_stem``; what follows
    the last stage inside ``forward_features``, such as a final norm, goes in ``forward_post``),
    ``self.head`` (a :class:`zoo.blocks.ClassifierHead`) and ``self.feature_info``, and set
    ``self.in_chans`` and, where the network needs a minimum input, ``self.min_input_size``.
    """

    in_chans: int = 3
    min_input_size: int = 1  # smallest height/width the network accepts
    stem_names: Tuple[str, ...] = ()  # attributes that run before stages[0] (frozen with it by ``frozen_stages``)
    fixed_input_size: bool = False  # True: the network takes only the size it was built for (ViT)
    grad_checkpointing: bool = False
    # timm's global_pool names → the ClassifierHead pooling they select ("" : no pooling, the feature map)
    global_pools = {"avg": "avg", "max": "max", "avgmax": "avgmax", "": ""}
    # properties TorchScript must not compile (they return Python objects)
    __jit_unused_properties__ = ["feature_info", "num_classes", "num_features", "head_hidden_size", "default_cfg"]

    def __init__(self) -> None:
        super().__init__()
        self.grad_checkpointing = False  # an instance attribute: TorchScript reads those, not class ones

    # -------------------------------------------------------------------------------------- input checks
    @property
    def feature_info(self) -> FeatureInfoList:
        """One :class:`FeatureInfo` per stage (``{"num_chs", "reduction", "module"}``, as timm's)."""
        return self.__dict__["_feature_info"]

    @feature_info.setter
    def feature_info(self, value) -> None:
        self.__dict__["_feature_info"] = FeatureInfoList(value)

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

    @torch.jit.unused
    def _check(self, x: torch.Tensor) -> None:
        """``check_input``, never compiled by TorchScript (it steps aside under graph capture itself)."""
        self.check_input(x)

    # -------------------------------------------------------------------------------------- forward
    def forward_features(self, x: torch.Tensor) -> torch.Tensor:
        """The last feature map (NCHW; tokens for ViT), before pooling."""
        if not torch.jit.is_scripting():
            self._check(x)
        x = self.forward_stem(x)
        if self.grad_checkpointing and not torch.jit.is_scripting():
            x = self._checkpointed_stages(x)
        else:
            for stage in self.stages:
                x = stage(x)
        return self.forward_post(x)

    def forward_stem(self, x: torch.Tensor) -> torch.Tensor:
        """Layers before the first feature stage that are not a stage themselves (none by default)."""
        return x

    def forward_post(self, x: torch.Tensor) -> torch.Tensor:
        """Layers after the last stage that ``forward_features`` includes (a final norm; none by default)."""
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
        """Channels of the map ``forward_features`` returns (timm's meaning: 512 for VGG)."""
        if self.head is None:  # pruned: the last stage kept
            return self.feature_info[len(self.stages) - 1].channels
        return self.head.in_chs

    @property
    def head_hidden_size(self) -> int:
        """Width of the pooled pre-logits features (``num_classes=0`` returns these; 4096 for VGG)."""
        if self.head is None:
            return self.num_features
        return self.head.num_features

    @property
    def default_cfg(self) -> Dict[str, Any]:
        """timm's older name for ``pretrained_cfg``."""
        return getattr(self, "pretrained_cfg", {})

    @default_cfg.setter
    def default_cfg(self, value: Dict[str, Any]) -> None:
        self.pretrained_cfg = value

    def get_classifier(self) -> nn.Module:
        """The final linear layer (``nn.Identity`` when ``num_classes=0``)."""
        return self.head.fc

    def reset_classifier(self, num_classes: int, global_pool: Optional[str] = None) -> None:
        """A new final layer for ``num_classes`` outputs (``0`` removes it: forward then returns pooled
        features), on the model's device and dtype; ``global_pool`` (timm's names: "avg", "max", "avgmax",
        "token" for ViT, "" for none — the feature map comes out) replaces the pooling, None keeps it."""
        pool = None
        if global_pool is not None:
            if global_pool not in self.global_pools:
                raise ValueError(f"{type(self).__name__} takes global_pool in {sorted(self.global_pools)} "
                                 f"(or None to keep the current one), got {global_pool!r}")
            pool = self.global_pools[global_pool]
        ref = next(self.parameters(), None)
        kw = {"device": ref.device, "dtype": ref.dtype} if ref is not None else {}
        self.head.reset(num_classes, pool, **kw)
        self.head.train(self.training)

    # -------------------------------------------------------------------------------------- features
    def to_nchw(self, x: torch.Tensor, index: int) -> torch.Tensor:
        """Stage ``index``'s output as an NCHW map (token and NHWC families override this)."""
        return x

    def norm_intermediate(self, x: torch.Tensor, index: int) -> torch.Tensor:
        """Stage ``index``'s output with the final norm applied, for ``forward_intermediates(norm=True)``
        (families with a final norm override this; the others have none to apply)."""
        return x

    def resolve_indices(self, indices: Optional[Union[int, Sequence[int]]]) -> List[int]:
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

    def _run_stage(self, stage: nn.Module, x):
        """One stage, block by block under gradient checkpointing when it is on and gradients flow."""
        if not (self.grad_checkpointing and torch.is_grad_enabled()) or torch.fx._symbolic_trace.is_fx_symbolic_tracing():
            return stage(x)
        for block in (stage if isinstance(stage, nn.Sequential) else [stage]):
            # parameter-free steps (pooling, an in-place activation) run as they are: nothing to recompute,
            # and an in-place one would change a checkpointed block's saved input
            weighted = next(block.parameters(), None) is not None
            x = checkpoint(block, x, use_reentrant=False) if weighted else block(x)
        return x

    @torch.jit.unused
    def _checkpointed_stages(self, x):
        for stage in self.stages:
            x = self._run_stage(stage, x)
        return x

    def forward_intermediates(
        self,
        x: torch.Tensor,
        indices: Optional[Union[int, Sequence[int]]] = None,
        norm: bool = False,
        stop_early: bool = False,
        output_fmt: str = "NCHW",
        intermediates_only: bool = False,
    ) -> Union[List[torch.Tensor], Tuple[torch.Tensor, List[torch.Tensor]]]:
        """timm's ``forward_intermediates``: ``(final, intermediates)``, or the list alone with
        ``intermediates_only=True``.

        ``intermediates`` are the outputs of the chosen stages (``indices``: None → all, n → the last n,
        a list → those), as NCHW maps by default (``output_fmt="NHWC"`` permutes them); ``norm=True``
        applies the final norm where the family has one. ``final`` is ``forward_features(x)``; with
        ``stop_early=True`` the network stops after the last chosen stage and ``final`` is that stage's map.
        """
        if output_fmt not in ("NCHW", "NHWC"):
            raise ValueError(f"output_fmt must be 'NCHW' or 'NHWC', got {output_fmt!r}")
        take = self.resolve_indices(indices)
        self._check(x)
        x = self.forward_stem(x)
        last = take[-1] if (stop_early or intermediates_only) else len(self.stages) - 1
        intermediates = []
        for i, stage in enumerate(self.stages):
            if i > last:
                break
            x = self._run_stage(stage, x)
            if i in take:
                y = self.to_nchw(self.norm_intermediate(x, i) if norm else x, i)
                intermediates.append(y.permute(0, 2, 3, 1) if output_fmt == "NHWC" else y)
        if intermediates_only:
            return intermediates
        final = self.forward_post(x) if last == len(self.stages) - 1 else self.to_nchw(x, last)
        return final, intermediates

    def prune_intermediate_layers(
        self, indices: Optional[Union[int, Sequence[int]]] = 1, prune_norm: bool = False, prune_head: bool = True,
    ) -> List[int]:
        """Drop the stages after the last one in ``indices`` (timm's default 1: the last stage only), the
        head with ``prune_head`` and the final norm with ``prune_norm``; returns the stage indices."""
        take = self.resolve_indices(indices)
        self.stages = self.stages[: take[-1] + 1]
        if prune_norm and isinstance(getattr(self, "norm", None), nn.Module):
            self.norm = nn.Identity()
        if prune_head:
            self.head = None
        return take

    # -------------------------------------------------------------------------------------- fine-tuning
    def no_weight_decay(self) -> set:
        """Parameter names that should not be weight-decayed beyond norms and biases."""
        return set()

    def set_grad_checkpointing(self, enable: bool = True) -> None:
        """Recompute each block's activations in the backward pass instead of keeping them (less memory
        in training, same outputs and gradients); no effect without gradients."""
        self.grad_checkpointing = enable

    def group_matcher(self, coarse: bool = False) -> Dict[str, Any]:
        """timm's parameter groups, in network order, for layer-wise learning-rate decay
        (``timm.optim.create_optimizer_v2(model, layer_decay=0.75)``): the stem (everything before the
        stages), one group per stage (``coarse``) or per block, the layers after the stages; the head
        is left unmatched, which timm puts last."""
        names = list(self._modules)
        cut = names.index("stages")
        stem = names[:cut] + [n for n, _ in self.named_parameters(recurse=False)]
        post = [n for n in names[cut + 1:] if n not in ("head", "aux_heads") and self._modules[n] is not None]
        blocks = []
        for name, stage in self.stages.named_children():
            prefix = rf"^stages\.{re.escape(name)}\."
            if coarse or not isinstance(stage, nn.Sequential):
                blocks.append((prefix, (len(blocks),)))
            else:
                blocks += [(prefix + rf"{re.escape(child)}\.", (len(blocks) + j,))
                           for j, child in enumerate(stage._modules)]
        matcher: Dict[str, Any] = {"stem": rf"^(?:{'|'.join(map(re.escape, stem))})\b" if stem else None,
                                   "blocks": blocks}
        if post:
            matcher["post"] = rf"^(?:{'|'.join(map(re.escape, post))})\b"
        return matcher

    # -------------------------------------------------------------------------------------- deployment
    @torch.jit.unused
    def optimize(self, example_input: torch.Tensor, **kwargs: Any) -> nn.Module:
        """``zoo.optimize(self, example_input, **kwargs)``: an inference-only copy prepared for speed on
        ``example_input``'s device (folded norms, channels_last, bf16 where the hardware has it, compiled
        with frozen weights); this model is left as it was."""
        from zoo.optimizing import optimize

        return optimize(self, example_input, **kwargs)


class HeadConvBackbone(Backbone):
    """A backbone with a 1×1 conv between its last stage and the pooling (MobileNet V2/V3, MnasNet,
    EfficientNet, ShuffleNet V2): subclasses set ``self.conv_head`` (None where the network has none).
    It is part of ``forward_features`` (``forward_post``); pruning drops it with the head, or when the
    last stage, the only one it reads, is not kept."""

    def forward_post(self, x: torch.Tensor) -> torch.Tensor:
        if self.conv_head is not None:
            x = self.conv_head(x)
        return x

    def prune_intermediate_layers(self, indices=1, prune_norm: bool = False, prune_head: bool = True) -> List[int]:
        take = super().prune_intermediate_layers(indices, prune_norm, prune_head)
        if prune_head or take[-1] < len(self.feature_info) - 1:
            self.conv_head = None
        return take


class FeatureExtractor(nn.Module):
    """``create_model(..., features_only=True)``: forward gives the chosen stages as NCHW maps.

    timm's "getter" feature wrapper (``feature_cls="getter"``): it runs ``forward_intermediates``.
    For fine-tuning inside detection/segmentation code (mmpretrain's backbone options):
    ``frozen_stages=k`` freezes stages 0..k (no gradients, kept in eval mode); ``norm_eval=True`` keeps
    every BatchNorm in eval mode (running statistics fixed) while the rest trains.
    """

    __jit_unused_properties__ = ["feature_info", "default_cfg"]

    def __init__(
        self,
        model: Backbone,
        out_indices: Optional[Union[int, Sequence[int]]] = None,
        frozen_stages: int = -1,
        norm_eval: bool = False,
    ):
        super().__init__()
        full = set(model.state_dict())
        self.out_indices = model.prune_intermediate_layers(out_indices)
        self.model = model
        self.dropped_keys = frozenset(full - set(model.state_dict()))  # weights may carry these, nothing else
        self.feature_info = FeatureInfoList(model.feature_info[i] for i in self.out_indices)
        if frozen_stages >= len(model.stages):
            raise ValueError(f"frozen_stages={frozen_stages}, but the backbone has stages 0..{len(model.stages) - 1}")
        self.frozen_stages = frozen_stages
        self.norm_eval = norm_eval
        for part in self._frozen():
            part.requires_grad_(False)
        self.train(model.training)

    @property
    def default_cfg(self) -> Dict[str, Any]:
        return getattr(self, "pretrained_cfg", {})

    def _frozen(self) -> List[nn.Module]:
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

    def channels(self) -> List[int]:
        return self.feature_info.channels()

    def reductions(self) -> List[int]:
        return self.feature_info.reduction()

    def set_grad_checkpointing(self, enable: bool = True) -> None:
        self.model.set_grad_checkpointing(enable)

    def forward(self, x: torch.Tensor) -> List[torch.Tensor]:
        return self.model.forward_intermediates(x, self.out_indices, intermediates_only=True)
