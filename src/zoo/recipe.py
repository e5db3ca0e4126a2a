"""The parts of a training recipe that ``zoo.train.fit`` combines, each usable alone: SGD / AdamW with no
weight decay on norms and biases and optional layer-wise lr decay, warmup + cosine / step schedules per
step, mixup / cutmix with a soft-target loss, and an exponential moving average of the weights.
They are exported as ``zoo.train.build_optimizer``, ``zoo.train.Mixup``, ``zoo.train.ModelEma`` ...
"""

from __future__ import annotations

import copy
import math
from typing import Any, Iterable

import torch
import torch.nn.functional as F
from torch import nn


# ------------------------------------------------------------------------------------------ optimizer

def _has_params(module: nn.Module) -> bool:
    return next(module.parameters(), None) is not None


def _matches(name: str, names: set[str]) -> bool:
    return any(name == n or name.startswith(n + ".") or name.endswith("." + n) for n in names)


def layer_ids(model: nn.Module) -> tuple[dict[str, int], int]:
    """Depth of every parameter, for layer-wise lr decay: (name → layer id, number of layers).

    A zoo model is ``stem → stages → head``: parameters before the first stage (patch embedding,
    class token, position embedding) are layer 0, each block of each stage the next layer, in order,
    and everything after the last block (final norm, head) the last layer. A stage that is a plain
    ``nn.Sequential``/``nn.ModuleList`` counts its blocks; any other stage is one block itself. A model
    without ``stages`` counts its top-level children.
    """
    stages = getattr(model, "stages", None)
    prefixes: list[str] = []
    if isinstance(stages, nn.Module):
        for s_name, stage in stages.named_children():
            if type(stage) in (nn.Sequential, nn.ModuleList):
                prefixes += [f"stages.{s_name}.{b}" for b, blk in stage.named_children() if _has_params(blk)]
            elif _has_params(stage):
                prefixes.append(f"stages.{s_name}")
    else:
        prefixes = [n for n, child in model.named_children() if _has_params(child)]
    ids, seen_block = {}, False
    for name, _ in model.named_parameters():
        block = next((i for i, p in enumerate(prefixes) if name == p or name.startswith(p + ".")), None)
        if block is not None:
            ids[name], seen_block = block + 1, True
        else:  # not in a block: embeddings before the blocks, norm/head after them
            ids[name] = len(prefixes) + 1 if seen_block else 0
    return ids, len(prefixes) + 2


def build_optimizer(
    model: nn.Module,
    name: str = "sgd",
    lr: float = 0.1,
    weight_decay: float = 1e-4,
    *,
    momentum: float = 0.9,
    betas: tuple[float, float] = (0.9, 0.999),
    layer_decay: float | None = None,
    no_weight_decay: Iterable[str] = (),
) -> torch.optim.Optimizer:
    """SGD (Nesterov momentum) or AdamW, with no weight decay on norms, biases and ``no_weight_decay()``.

    ``layer_decay`` (e.g. 0.65 for ViT, 0.8 for ConvNeXt fine-tuning) scales the lr of layer ``i`` of
    ``L`` by ``layer_decay ** (L - 1 - i)``: the head learns at ``lr``, the stem at the smallest rate.
    Fused implementations are used where the device supports them.
    """
    if name not in ("sgd", "adamw"):
        raise ValueError(f"optimizer must be 'sgd' or 'adamw', got {name!r}")
    if layer_decay is not None and not 0 < layer_decay <= 1:
        raise ValueError(f"layer_decay must be in (0, 1], got {layer_decay}")
    skip = set(no_weight_decay) | set(getattr(model, "no_weight_decay", set)())
    ids, num_layers = layer_ids(model) if layer_decay else ({}, 1)
    groups: dict[tuple[int, bool], dict[str, Any]] = {}
    for pname, p in model.named_parameters():
        if not p.requires_grad:
            continue
        decay = p.ndim > 1 and not _matches(pname, skip)
        layer = ids.get(pname, 0)
        scale = layer_decay ** (num_layers - 1 - layer) if layer_decay else 1.0
        group = groups.setdefault((layer, decay), {
            "params": [], "weight_decay": weight_decay if decay else 0.0, "lr": lr * scale, "lr_scale": scale})
        group["params"].append(p)
    params = [groups[k] for k in sorted(groups)]
    if not params:
        raise ValueError(f"{type(model).__name__} has no trainable parameters")
    kind, kwargs = (torch.optim.SGD, {"momentum": momentum, "nesterov": momentum > 0}) if name == "sgd" \
        else (torch.optim.AdamW, {"betas": betas})
    try:  # one fused kernel for all parameters (CUDA and CPU): several times faster than a loop
        return kind(params, lr=lr, fused=True, **kwargs)
    except RuntimeError:  # a device or dtype without a fused implementation
        return kind(params, lr=lr, **kwargs)


# ------------------------------------------------------------------------------------------ schedules

def lr_factor(step: int, total_steps: int, warmup_steps: int = 0, kind: str = "cosine",
              min_ratio: float = 0.0, milestones: Iterable[int] = (), gamma: float = 0.1) -> float:
    """The multiplier of the base lr at optimizer step ``step`` (0-based): linear warmup from
    ``1 / warmup_steps`` to 1, then cosine to ``min_ratio`` at ``total_steps``, or ×``gamma`` at each
    of the ``milestones`` (steps), or constant."""
    if step < warmup_steps:
        return (step + 1) / warmup_steps
    if kind == "cosine":
        progress = min(1.0, (step - warmup_steps) / max(1, total_steps - warmup_steps))
        return min_ratio + (1 - min_ratio) * 0.5 * (1 + math.cos(math.pi * progress))
    if kind == "step":
        return gamma ** sum(step >= m for m in milestones)
    if kind == "constant":
        return 1.0
    raise ValueError(f"schedule must be 'cosine', 'step' or 'constant', got {kind!r}")


def build_scheduler(optimizer: torch.optim.Optimizer, total_steps: int, warmup_steps: int = 0,
                    kind: str = "cosine", **kwargs) -> torch.optim.lr_scheduler.LambdaLR:
    """A per-step scheduler following :func:`lr_factor` (call ``.step()`` after each optimizer step)."""
    lr_factor(0, total_steps, warmup_steps, kind, **kwargs)  # reject a bad kind now, not at step 1
    return torch.optim.lr_scheduler.LambdaLR(
        optimizer, lambda s: lr_factor(s, total_steps, warmup_steps, kind, **kwargs))


# ------------------------------------------------------------------------------------------ mixup / cutmix

def soft_target_cross_entropy(logits: torch.Tensor, target: torch.Tensor) -> torch.Tensor:
    """Cross entropy against a distribution over classes (mixup / cutmix / smoothed targets)."""
    return torch.sum(-target * F.log_softmax(logits.float(), dim=-1), dim=-1).mean()


class Mixup:
    """Mixup (Zhang et al., 2017) and CutMix (Yun et al., 2019) per batch, with label smoothing.

    ``mixup(x, y)`` → ``(mixed images, soft targets)``: each image is mixed with the batch's reverse,
    ``lam ~ Beta(alpha, alpha)``; with both alphas set, CutMix is chosen with ``switch_prob``. For
    CutMix the target weight is the pasted box's actual area. Random numbers come from torch's RNG, so
    they are checkpointed and resumed with it.
    """

    def __init__(self, num_classes: int, mixup_alpha: float = 0.8, cutmix_alpha: float = 1.0,
                 prob: float = 1.0, switch_prob: float = 0.5, label_smoothing: float = 0.1):
        if mixup_alpha <= 0 and cutmix_alpha <= 0:
            raise ValueError("Mixup needs mixup_alpha > 0 or cutmix_alpha > 0")
        self.num_classes, self.mixup_alpha, self.cutmix_alpha = num_classes, mixup_alpha, cutmix_alpha
        self.prob, self.switch_prob, self.label_smoothing = prob, switch_prob, label_smoothing

    def targets(self, y: torch.Tensor, lam: float) -> torch.Tensor:
        off = self.label_smoothing / self.num_classes
        one_hot = torch.full((y.shape[0], self.num_classes), off, device=y.device)
        one_hot.scatter_(1, y.view(-1, 1), 1.0 - self.label_smoothing + off)
        return one_hot * lam + one_hot.flip(0) * (1.0 - lam)

    def __call__(self, x: torch.Tensor, y: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        if y.ndim != 1 or y.shape[0] != x.shape[0]:
            raise ValueError(f"Mixup expects class indices of shape ({x.shape[0]},), got {tuple(y.shape)}")
        lam = 1.0
        if torch.rand(()).item() < self.prob:
            cutmix = self.cutmix_alpha > 0 and (self.mixup_alpha <= 0 or torch.rand(()).item() < self.switch_prob)
            alpha = self.cutmix_alpha if cutmix else self.mixup_alpha
            lam = torch.distributions.Beta(alpha, alpha).sample().item()
            if cutmix:
                h, w = x.shape[-2:]
                ch, cw = int(h * math.sqrt(1 - lam)), int(w * math.sqrt(1 - lam))
                cy, cx = torch.randint(h, ()).item(), torch.randint(w, ()).item()
                y0, y1 = max(cy - ch // 2, 0), min(cy + ch // 2, h)
                x0, x1 = max(cx - cw // 2, 0), min(cx + cw // 2, w)
                x = x.clone()
                x[..., y0:y1, x0:x1] = x.flip(0)[..., y0:y1, x0:x1]
                lam = 1.0 - (y1 - y0) * (x1 - x0) / (h * w)
            else:
                x = x * lam + x.flip(0) * (1.0 - lam)
        return x, self.targets(y, lam)


# ------------------------------------------------------------------------------------------ EMA

class ModelEma(nn.Module):
    """An exponential moving average of a model's weights (Polyak averaging), evaluated like the model.

    ``decay`` is reached after a warmup, ``min(decay, (1 + n) / (10 + n))`` at update ``n``, so early
    averages are not dominated by the random initialisation. Floating-point buffers (BatchNorm's running
    mean and variance) are averaged like the weights, integer ones (``num_batches_tracked``) copied: the
    live model's statistics describe the live weights, while their average over the same horizon matches
    the averaged weights, which is what the EMA model is evaluated with (as timm and TensorFlow do).
    """

    def __init__(self, model: nn.Module, decay: float = 0.9998, warmup: bool = True):
        super().__init__()
        self.module = copy.deepcopy(unwrap(model)).eval().requires_grad_(False)
        self.decay, self.warmup = decay, warmup
        self.register_buffer("updates", torch.zeros((), dtype=torch.long, device="cpu"), persistent=True)

    def current_decay(self) -> float:
        n = int(self.updates)
        return min(self.decay, (1 + n) / (10 + n)) if self.warmup else self.decay

    @torch.no_grad()
    def update(self, model: nn.Module) -> None:
        decay = self.current_decay()
        source = unwrap(model).state_dict()
        for name, ema_v in self.module.state_dict().items():
            v = source[name].detach()
            if ema_v.is_floating_point():
                ema_v.lerp_(v.to(ema_v.dtype), 1.0 - decay)
            else:
                ema_v.copy_(v)
        self.updates += 1

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.module(x)


# ------------------------------------------------------------------------------------------ wrappers

def unwrap(model: nn.Module) -> nn.Module:
    """The module itself, out of DistributedDataParallel, ModelEma and ``torch.compile`` wrappers."""
    while True:
        if isinstance(model, (nn.parallel.DistributedDataParallel, ModelEma)):
            model = model.module
        elif hasattr(model, "_orig_mod"):
            model = model._orig_mod
        else:
            return model
