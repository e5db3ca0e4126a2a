"""A small functional train loop: ``train_one_epoch``, ``evaluate`` and ``fit`` built from them.

    model = zoo.create_model("resnet50", pretrained=True, num_classes=10)
    history = zoo.train.fit(model, train_loader, val_loader, epochs=10, lr=1e-3, checkpoint_dir="runs/a")

Loaders are any iterables of ``(images, labels)`` batches. The training practice is the seeds':
warmup + cosine (or step) schedule per step, label smoothing, mixup / cutmix with a soft-target loss,
weight EMA, early stopping, AMP, gradient clipping and accumulation, channels_last, ``torch.compile``.
Checkpoints are written atomically and resume exactly. Under ``torchrun`` the same ``fit`` runs on
``torch.distributed`` (DistributedDataParallel; NCCL on GPU, gloo on CPU).
"""

from __future__ import annotations

import copy
import datetime
import json
import math
import os
import random
import re
import shutil
import sys
import time
import warnings
from contextlib import nullcontext
from pathlib import Path
from typing import Any, Iterable

import numpy as np
import torch
import torch.distributed as dist
import torch.nn.functional as F
from torch import nn

from zoo import checkpoint as ckpt

__all__ = [
    "build_optimizer", "lr_factor", "build_scheduler", "Mixup", "soft_target_cross_entropy", "ModelEma",
    "train_one_epoch", "evaluate", "fit", "save_checkpoint", "load_checkpoint", "latest_checkpoint",
]


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
        self.module = copy.deepcopy(_unwrap(model)).eval().requires_grad_(False)
        self.decay, self.warmup = decay, warmup
        self.register_buffer("updates", torch.zeros((), dtype=torch.long, device="cpu"), persistent=True)

    def current_decay(self) -> float:
        n = int(self.updates)
        return min(self.decay, (1 + n) / (10 + n)) if self.warmup else self.decay

    @torch.no_grad()
    def update(self, model: nn.Module) -> None:
        decay = self.current_decay()
        source = _unwrap(model).state_dict()
        for name, ema_v in self.module.state_dict().items():
            v = source[name].detach()
            if ema_v.is_floating_point():
                ema_v.lerp_(v.to(ema_v.dtype), 1.0 - decay)
            else:
                ema_v.copy_(v)
        self.updates += 1

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.module(x)


# ------------------------------------------------------------------------------------------ distributed

def _unwrap(model: nn.Module) -> nn.Module:
    """The module itself, out of DistributedDataParallel, ModelEma and ``torch.compile`` wrappers."""
    while True:
        if isinstance(model, (nn.parallel.DistributedDataParallel, ModelEma)):
            model = model.module
        elif hasattr(model, "_orig_mod"):
            model = model._orig_mod
        else:
            return model


def _world() -> tuple[int, int]:
    if dist.is_available() and dist.is_initialized():
        return dist.get_rank(), dist.get_world_size()
    return 0, 1


def _init_distributed(timeout: float = 600.0) -> bool:
    """Join the process group ``torchrun`` describes (NCCL on GPU, gloo on CPU); False when not under it.
    A collective waiting longer than ``timeout`` seconds (another rank stopped) raises instead of hanging."""
    if int(os.environ.get("WORLD_SIZE", "1")) <= 1:
        return False
    if not timeout > 0:
        raise ValueError(f"dist_timeout must be > 0 seconds, got {timeout!r}")
    if not dist.is_initialized():
        dist.init_process_group("nccl" if torch.cuda.is_available() else "gloo",
                                timeout=datetime.timedelta(seconds=timeout))
    return True


def _all_sum(values: list[float], device: torch.device) -> list[float]:
    if _world()[1] == 1:
        return values
    t = torch.tensor(values, dtype=torch.float64, device=device)
    dist.all_reduce(t)
    return t.tolist()


class _Shard(torch.utils.data.Sampler):
    """Rank r of w takes indices r, r + w, ...: every sample evaluated exactly once across ranks."""

    def __init__(self, n: int, rank: int, world: int):
        self.indices = range(rank, n, world)

    def __iter__(self):
        return iter(self.indices)

    def __len__(self):
        return len(self.indices)


def _distribute(loader: Iterable, train: bool, seed: int) -> Iterable:
    """The same DataLoader over a distributed sampler (map-style datasets); other iterables as they are."""
    rank, world = _world()
    data = getattr(loader, "dataset", None)
    if world == 1 or not isinstance(loader, torch.utils.data.DataLoader) or isinstance(
            data, torch.utils.data.IterableDataset) or isinstance(loader.sampler, torch.utils.data.DistributedSampler):
        return loader
    if train:
        shuffle = isinstance(loader.sampler, torch.utils.data.RandomSampler)
        sampler = torch.utils.data.DistributedSampler(data, world, rank, shuffle=shuffle, seed=seed,
                                                      drop_last=loader.drop_last)
    else:
        sampler = _Shard(len(data), rank, world)
    return torch.utils.data.DataLoader(
        data, batch_size=loader.batch_size, sampler=sampler, num_workers=loader.num_workers,
        collate_fn=loader.collate_fn, pin_memory=loader.pin_memory, drop_last=loader.drop_last,
        worker_init_fn=loader.worker_init_fn, persistent_workers=loader.persistent_workers)


# ------------------------------------------------------------------------------------------ one epoch

_AMP = {None: None, "bf16": torch.bfloat16, "fp16": torch.float16}


def _autocast(device: torch.device, amp: str | None):
    if amp not in _AMP:
        raise ValueError(f"amp must be None, 'bf16' or 'fp16', got {amp!r}")
    return torch.autocast(device.type, dtype=_AMP[amp]) if amp else nullcontext()


def _to(x: torch.Tensor, device: torch.device, channels_last: bool) -> torch.Tensor:
    x = x.to(device, non_blocking=True)
    return x.contiguous(memory_format=torch.channels_last) if channels_last and x.ndim == 4 else x


def _progress(loader: Iterable, enabled: bool | None, desc: str):
    """A progress bar on rank 0: tqdm's auto front-end (a widget in a notebook, text in a terminal).
    None: shown in a terminal or a notebook, not when the output goes to a file."""
    if enabled is None:
        enabled = sys.stderr.isatty() or "ipykernel" in sys.modules
    if not enabled or _world()[0] != 0:
        return loader
    from tqdm.auto import tqdm

    return tqdm(loader, desc=desc, leave=False, dynamic_ncols=True)


def _epoch_line(record: dict[str, float], epochs: int) -> str:
    """``epoch 3/10  train_loss 0.4123  val_loss 0.3012  val_top1 91.20  lr 3.00e-04  12.3s``"""
    parts = [f"epoch {record['epoch']}/{epochs}"]
    for key, value in record.items():
        if key in ("epoch", "step", "lr", "time"):
            continue
        parts.append(f"{key} {value:.4f}" if "loss" in key else f"{key} {value:.2f}")
    parts += [f"lr {record['lr']:.2e}", f"{record['time']:.1f}s"]
    return "  ".join(parts)


def _check_loss(loss: torch.Tensor, where: str) -> None:
    """Stop on a NaN/inf loss. Under DDP every rank learns every rank's loss, so all stop together (before
    a collective could hang) and all name the rank where it happened."""
    rank, world = _world()
    if world == 1:
        if not torch.isfinite(loss.detach()):
            raise FloatingPointError(f"loss is {loss.item()} {where}: training stopped")
        return
    losses = torch.zeros(world, dtype=torch.float64, device=loss.device)
    losses[rank] = loss.detach().double()
    dist.all_reduce(losses)
    bad = [(r, v) for r, v in enumerate(losses.tolist()) if not math.isfinite(v)]
    if bad:
        ranks = ", ".join(f"{v} on rank {r}" for r, v in bad)
        raise FloatingPointError(f"loss is {ranks} (this is rank {rank}) {where}: training stopped")


def train_one_epoch(
    model: nn.Module,
    loader: Iterable,
    optimizer: torch.optim.Optimizer,
    *,
    scheduler: torch.optim.lr_scheduler.LRScheduler | None = None,
    label_smoothing: float = 0.0,
    mixup: Mixup | None = None,
    amp: str | None = None,
    scaler: torch.amp.GradScaler | None = None,
    clip_grad: float | None = None,
    accum_steps: int = 1,
    ema: ModelEma | None = None,
    channels_last: bool = False,
    device: torch.device | str | None = None,
    progress: bool | None = None,
    epoch: int = 0,
    step: int = 0,
) -> dict[str, float]:
    """One pass over ``loader``; returns ``{"loss": mean over ranks and batches, "lr", "steps"}``.

    ``step`` is the number of optimizer steps taken before (it names a NaN/inf loss). With
    ``accum_steps`` micro-batches per optimizer step the loss is divided accordingly (and DDP syncs
    gradients only on the last one); the epoch's last, partial group still takes a step.
    """
    if accum_steps < 1:
        raise ValueError(f"accum_steps must be >= 1, got {accum_steps}")
    device = torch.device(device) if device is not None else next(model.parameters()).device
    model.train()
    n_batches = len(loader) if hasattr(loader, "__len__") else None
    loss_sum, count, steps, pending = 0.0, 0, 0, False

    def optimizer_step():
        if clip_grad is not None:
            if scaler:
                scaler.unscale_(optimizer)
            nn.utils.clip_grad_norm_(model.parameters(), clip_grad)
        if scaler:
            scaler.step(optimizer)
            scaler.update()
        else:
            optimizer.step()
        optimizer.zero_grad(set_to_none=True)
        if scheduler is not None:
            scheduler.step()
        if ema is not None:
            ema.update(model)

    optimizer.zero_grad(set_to_none=True)
    for i, (images, labels) in enumerate(_progress(loader, progress, f"epoch {epoch}")):
        images, labels = _to(images, device, channels_last), labels.to(device, non_blocking=True)
        if mixup is not None:
            images, targets = mixup(images, labels)
        last_micro = (i + 1) % accum_steps == 0 or (n_batches is not None and i + 1 == n_batches)
        ddp_defer = isinstance(model, nn.parallel.DistributedDataParallel) and not last_micro
        with model.no_sync() if ddp_defer else nullcontext():
            with _autocast(device, amp):
                logits = model(images)
                loss = (soft_target_cross_entropy(logits, targets) if mixup is not None
                        else F.cross_entropy(logits.float(), labels, label_smoothing=label_smoothing))
            _check_loss(loss, f"at epoch {epoch}, batch {i}, optimizer step {step + steps}")
            (scaler.scale(loss / accum_steps) if scaler else loss / accum_steps).backward()
        loss_sum += loss.item() * labels.shape[0]
        count += labels.shape[0]
        pending = not last_micro
        if last_micro:
            optimizer_step()
            steps += 1
    if pending:  # a loader without len(): the last, partial group of micro-batches
        if isinstance(model, nn.parallel.DistributedDataParallel):
            raise ValueError("accum_steps > 1 under DDP needs a loader with len()")
        optimizer_step()
        steps += 1
    loss_sum, count = _all_sum([loss_sum, count], device)
    return {"loss": loss_sum / max(count, 1), "lr": optimizer.param_groups[-1]["lr"], "steps": steps}


@torch.no_grad()
def evaluate(model: nn.Module, loader: Iterable, *, amp: str | None = None, channels_last: bool = False,
             device: torch.device | str | None = None, progress: bool | None = False) -> dict[str, float]:
    """Mean cross-entropy loss, top-1 and top-5 accuracy (%) over ``loader`` (summed over ranks)."""
    model = _unwrap(model)
    device = torch.device(device) if device is not None else next(model.parameters()).device
    was_training = model.training
    model.eval()
    loss_sum, top1, top5, count = 0.0, 0.0, 0.0, 0
    for images, labels in _progress(loader, progress, "eval"):
        images, labels = _to(images, device, channels_last), labels.to(device, non_blocking=True)
        with _autocast(device, amp):
            logits = model(images).float()
        loss_sum += F.cross_entropy(logits, labels, reduction="sum").item()
        best = logits.topk(min(5, logits.shape[1]), dim=1).indices
        hit = best == labels[:, None]
        top1 += hit[:, 0].sum().item()
        top5 += hit.any(dim=1).sum().item()
        count += labels.shape[0]
    model.train(was_training)
    loss_sum, top1, top5, count = _all_sum([loss_sum, top1, top5, count], device)
    if not count:
        raise ValueError("evaluate got an empty loader")
    return {"loss": loss_sum / count, "top1": 100 * top1 / count, "top5": 100 * top5 / count}


# ------------------------------------------------------------------------------------------ checkpoints

WEIGHTS, EMA_WEIGHTS, STATE, CONFIG = "model.safetensors", "ema.safetensors", "state.pt", "config.json"


def _rng_state() -> dict[str, Any]:
    kind, keys, pos, has_gauss, gauss = np.random.get_state()
    return {"torch": torch.get_rng_state(), "python": random.getstate(),
            "numpy": [kind, torch.from_numpy(keys.astype(np.int64)), pos, has_gauss, gauss],
            "cuda": torch.cuda.get_rng_state_all() if torch.cuda.is_initialized() else []}


def _set_rng_state(state: dict[str, Any]) -> None:
    torch.set_rng_state(state["torch"])
    random.setstate(state["python"])
    kind, keys, pos, has_gauss, gauss = state["numpy"]
    np.random.set_state((kind, keys.numpy().astype(np.uint32), pos, has_gauss, gauss))
    if state["cuda"] and torch.cuda.is_available() and len(state["cuda"]) == torch.cuda.device_count():
        torch.cuda.set_rng_state_all(state["cuda"])


def save_checkpoint(path: str | os.PathLike, model: nn.Module, optimizer=None, scheduler=None, scaler=None,
                    ema: ModelEma | None = None, **extra) -> Path:
    """Write a checkpoint directory atomically: ``model.safetensors`` (the weights), ``ema.safetensors``
    (with ``ema``), ``state.pt`` (optimizer, scheduler, grad scaler, EMA, RNG states and ``extra``;
    loadable with ``torch.load(weights_only=True)``), ``config.json`` for a zoo model (so that
    ``zoo.create_model(pretrained=path)`` rebuilds it) and ``manifest.json`` (the files' sha256, checked on
    load). Everything is written into ``<path>.tmp`` and fsynced before it replaces ``path``
    (:func:`zoo.checkpoint.write_dir`): a crash at any point leaves the old checkpoint or the new one."""
    from safetensors.torch import save_model

    state = {"optimizer": optimizer.state_dict() if optimizer else None,
             "optimizer_class": type(optimizer).__name__ if optimizer else None,
             "scheduler": scheduler.state_dict() if scheduler else None,
             "scaler": scaler.state_dict() if scaler else None,
             "ema": ema.state_dict() if ema else None, "ema_decay": ema.decay if ema else None,
             "rng": _rng_state(), **extra}
    files = [(WEIGHTS, lambda p: save_model(_unwrap(model), str(p)))]
    if ema is not None:
        files.append((EMA_WEIGHTS, lambda p: save_model(ema.module, str(p))))
    files.append((STATE, lambda p: torch.save(state, p)))
    if getattr(_unwrap(model), "model_config", None) is not None:
        from zoo.weights.load import config_json

        try:
            config = config_json(_unwrap(model))
            files.append((CONFIG, lambda p: p.write_text(config)))
        except (TypeError, ValueError):  # a model changed beyond its config: the weights still checkpoint
            pass
    return ckpt.write_dir(path, files, manifest=True)


def latest_checkpoint(run_dir: str | os.PathLike) -> Path | None:
    """The checkpoint ``fit`` wrote last into ``run_dir`` (its ``latest`` file names it), or None."""
    pointer = Path(run_dir) / "latest"
    if not pointer.exists():
        return None
    path = Path(run_dir) / pointer.read_text().strip()
    return ckpt.recover_dir(path) or path


def _checkpoints(run_dir: Path) -> list[Path]:
    """The epoch checkpoints of a run directory, newest first (unfinished swaps finished first)."""
    names = {p.name.split(".")[0] for p in run_dir.glob("epoch_*") if p.is_dir()}
    found = [ckpt.recover_dir(run_dir / n) for n in names]
    return sorted((p for p in found if p is not None), key=lambda p: p.name, reverse=True)


def _read(file: Path, read):
    try:
        return read(file)
    except Exception as err:
        raise ckpt.CorruptCheckpointError(f"{file} is damaged and cannot be read ({type(err).__name__}: "
                                          f"{str(err).strip().splitlines()[0] if str(err).strip() else ''})") from err


def _check_state(path: Path, state: dict[str, Any], objects: dict[str, Any]) -> None:
    """Every object to restore has its state in the checkpoint, of the same kind: checked before any is loaded."""
    for name, obj in objects.items():
        if obj is None:
            continue
        if state.get(name) is None:
            raise ValueError(f"checkpoint {path} holds no {name} state")
        if name == "optimizer":
            saved, groups = state.get("optimizer_class"), state["optimizer"]["param_groups"]
            if saved is not None and saved != type(obj).__name__:
                raise ValueError(f"checkpoint {path} was written with the optimizer {saved}; resuming with "
                                 f"{type(obj).__name__} cannot continue it (resume with the same optimizer)")
            shape = [len(g["params"]) for g in groups]
            own = [len(g["params"]) for g in obj.param_groups]
            keys = [sorted(set(g) - {"params"}) for g in groups]
            own_keys = [sorted(set(g) - {"params"}) for g in obj.param_groups]
            if shape != own or keys != own_keys:
                raise ValueError(f"checkpoint {path} holds an optimizer with parameter groups of sizes {shape} and "
                                 f"settings {keys[:1]}; this one has {own} and {own_keys[:1]}")
        if name == "ema" and state.get("ema_decay") not in (None, obj.decay):
            raise ValueError(f"checkpoint {path} averaged its weights with ema_decay={state['ema_decay']}, "
                             f"not {obj.decay}: resume with the same ema_decay")


def _load_weights(model: nn.Module, file: Path) -> dict[str, torch.Tensor]:
    """Read a safetensors file and check every key and shape against ``model`` (tied weights are saved once:
    their other names are not missing); returns the tensors, or raises without touching the model."""
    from safetensors.torch import load_file

    state = _read(file, lambda f: load_file(str(f)))
    diff = ckpt.diff_state_dict(model.state_dict(), state, tied=True)
    if not diff.ok:
        wrong = [f"{k}: {a} in the file, {b} in the model" for k, a, b in diff.mismatched]
        raise RuntimeError(f"{file} does not fit {type(model).__name__} (the model is unchanged): missing keys "
                           f"{diff.missing}, unexpected keys {diff.unexpected}, shape mismatches {wrong}")
    return state


def load_checkpoint(path: str | os.PathLike, model: nn.Module, optimizer=None, scheduler=None, scaler=None,
                    ema: ModelEma | None = None, restore_rng: bool = True) -> dict[str, Any]:
    """Load a checkpoint (a directory from :func:`save_checkpoint`, or a run directory of ``fit``: its
    latest) into the given objects; returns the ``extra`` entries saved with it.

    Everything is read and checked first — the files against their recorded sha256, the weights' keys and
    shapes, that each object's state is there and of the same kind — and only then loaded: on an error
    nothing was changed. A damaged file raises :class:`zoo.checkpoint.CorruptCheckpointError` naming it."""
    path = Path(path)
    if (path / "latest").exists():
        path = latest_checkpoint(path)
    path = ckpt.recover_dir(path) or path
    if not path.is_dir() or not {WEIGHTS, STATE} & {p.name for p in path.iterdir()}:
        raise FileNotFoundError(f"no checkpoint at {path}: expected model.safetensors and state.pt in it")
    ckpt.verify_dir(path, (WEIGHTS, STATE))
    state = _read(path / STATE, lambda f: torch.load(f, map_location="cpu", weights_only=True))
    weights = _load_weights(_unwrap(model), path / WEIGHTS)
    objects = {"optimizer": optimizer, "scheduler": scheduler, "scaler": scaler, "ema": ema}
    _check_state(path, state, objects)
    _unwrap(model).load_state_dict(weights, strict=False)
    for name, obj in objects.items():
        if obj is not None:
            obj.load_state_dict(state[name])
    if restore_rng:
        _set_rng_state(state["rng"])
    return {k: v for k, v in state.items() if k not in (*objects, "rng", "optimizer_class", "ema_decay")}


# ------------------------------------------------------------------------------------------ fit

def fit(
    model: nn.Module,
    train_loader: Iterable,
    val_loader: Iterable | None = None,
    *,
    epochs: int,
    optimizer: torch.optim.Optimizer | str = "adamw",
    lr: float = 1e-3,
    weight_decay: float = 0.05,
    layer_decay: float | None = None,
    schedule: str = "cosine",
    warmup_epochs: float = 0,
    min_lr_ratio: float = 0.0,
    milestones: Iterable[int] = (),
    label_smoothing: float = 0.0,
    mixup: Mixup | None = None,
    ema_decay: float | None = None,
    patience: int | None = None,
    monitor: str = "val_top1",
    amp: str | None = None,
    clip_grad: float | None = None,
    accum_steps: int = 1,
    channels_last: bool = False,
    compile: bool = False,
    checkpoint_dir: str | os.PathLike | None = None,
    resume: str | os.PathLike | None = None,
    overwrite: bool = False,
    keep_last: int = 2,
    resume_fallback: bool = True,
    log: str | os.PathLike | None = None,
    device: torch.device | str | None = None,
    progress: bool | None = None,
    verbose: bool = True,
    seed: int = 0,
    sync_bn: bool = False,
    dist_timeout: float = 600.0,
) -> list[dict[str, float]]:
    """Train ``model`` for ``epochs``; returns one record per epoch (also written to the JSON-lines
    ``log``, by default ``<checkpoint_dir>/metrics.jsonl``: one record per epoch, non-finite numbers as null).

    ``optimizer``: "sgd", "adamw" (built by :func:`build_optimizer` with ``lr``, ``weight_decay``,
    ``layer_decay``) or an optimizer. ``schedule``: "cosine" (to ``min_lr_ratio``), "step" (×0.1 at
    each of ``milestones``, in epochs) or "constant", after ``warmup_epochs`` of linear warmup; it
    advances per optimizer step. ``ema_decay`` keeps a :class:`ModelEma`, evaluated as ``val_ema_*``.
    ``patience`` stops after that many epochs without improvement of ``monitor`` (a record key; higher
    is better unless it names a loss).

    ``checkpoint_dir`` receives one checkpoint per epoch (the last ``keep_last`` kept, ``latest`` names
    the newest), ``best.safetensors`` and ``config.json`` (a zoo model: ``zoo.create_model(pretrained=
    checkpoint_dir)`` loads the best weights, or the latest without a ``val_loader``). A folder that holds
    a run is refused unless ``resume`` continues it or ``overwrite=True`` deletes it. ``resume`` (that
    directory or one checkpoint) continues exactly where it stopped; a damaged checkpoint (its files are
    checked against their sha256) is named, and with ``resume_fallback`` the previous one is used.
    Parameters are checked before each checkpoint: a non-finite one stops training, the last good
    checkpoint kept. Under ``torchrun`` the model runs in DistributedDataParallel (``sync_bn=True``:
    SyncBatchNorm, CUDA only), DataLoaders over map-style datasets get ``DistributedSampler``s (which pad
    the last batch with repeated samples so that every rank takes the same number of steps), metrics are
    averaged over ranks, rank 0 writes checkpoints and logs, and a collective that waits longer than
    ``dist_timeout`` seconds (a rank stopped) raises instead of hanging.

    Feedback: ``progress`` shows a bar per epoch (tqdm.auto: a widget in notebooks; None: in a terminal
    or notebook only); ``verbose`` prints one line per epoch (losses, metrics, lr, time) on rank 0.
    """
    _check_fit_args(epochs=epochs, amp=amp, mixup=mixup, label_smoothing=label_smoothing, patience=patience,
                    val_loader=val_loader, accum_steps=accum_steps, keep_last=keep_last, lr=lr,
                    optimizer=optimizer, monitor=monitor, ema_decay=ema_decay)
    ckpt_dir = Path(checkpoint_dir) if checkpoint_dir is not None else None
    if log is None and ckpt_dir is not None:
        log = ckpt_dir / "metrics.jsonl"
    _prepare_run_dir(ckpt_dir, log, resume, overwrite)
    _init_distributed(dist_timeout)
    rank, world = _world()
    if device is None:
        device = f"cuda:{os.environ.get('LOCAL_RANK', 0)}" if torch.cuda.is_available() else "cpu"
    device = torch.device(device)
    if sync_bn and world > 1:
        if device.type != "cuda":
            raise ValueError("sync_bn=True needs CUDA devices: torch's SyncBatchNorm does not run on the CPU")
        model = nn.SyncBatchNorm.convert_sync_batchnorm(model)
    if device.type == "cuda":
        torch.cuda.set_device(device)
    train_loader = _distribute(train_loader, train=True, seed=seed)
    val_loader = _distribute(val_loader, train=False, seed=seed) if val_loader is not None else None
    if not hasattr(train_loader, "__len__"):
        raise ValueError("fit needs a train_loader with len() to lay out its schedule per step")
    if len(train_loader) == 0:
        data, size = getattr(train_loader, "dataset", None), getattr(train_loader, "batch_size", None)
        what = f" ({len(data)} samples, batch_size={size}, drop_last={train_loader.drop_last})" if (
            isinstance(train_loader, torch.utils.data.DataLoader) and hasattr(data, "__len__")) else ""
        raise ValueError(f"train_loader yields no batches{what}: nothing to train on")
    model.to(device)
    if channels_last:
        model.to(memory_format=torch.channels_last)
    if isinstance(optimizer, str):
        optimizer = build_optimizer(model, optimizer, lr, weight_decay, layer_decay=layer_decay)
    steps_per_epoch = math.ceil(len(train_loader) / accum_steps)
    scheduler = build_scheduler(optimizer, epochs * steps_per_epoch, round(warmup_epochs * steps_per_epoch),
                                schedule, min_ratio=min_lr_ratio, milestones=[m * steps_per_epoch for m in milestones])
    scaler = torch.amp.GradScaler(device.type) if amp == "fp16" else None
    ema = ModelEma(model, ema_decay) if ema_decay else None
    run = {"epoch": 0, "step": 0, "best": None, "bad_epochs": 0, "history": [], "best_epoch": None,
           "best_sha256": None}
    if resume is not None:
        run.update(_resume(Path(resume), ckpt_dir, model, optimizer, scheduler, scaler, ema, resume_fallback))
        if rank == 0 and ckpt_dir is not None:
            _repair(ckpt_dir, log, run, keep_last)
    if world > 1:  # every rank is here: a stopped one is found now, not inside DDP's set-up
        try:
            _all_sum([0.0], device)
        except RuntimeError as e:
            raise _dist_error(rank, dist_timeout, "before the first epoch", e) from e
    net = nn.parallel.DistributedDataParallel(model, [device] if device.type == "cuda" else None) if world > 1 else model
    if compile:
        net = torch.compile(net)
    lower_is_better = "loss" in monitor
    common = {"amp": amp, "channels_last": channels_last, "device": device}
    history = run["history"]
    for epoch in range(run["epoch"], epochs):
        if hasattr(getattr(train_loader, "sampler", None), "set_epoch"):
            train_loader.sampler.set_epoch(epoch)
        start = time.perf_counter()
        try:
            stats = train_one_epoch(net, train_loader, optimizer, scheduler=scheduler, label_smoothing=label_smoothing,
                                    mixup=mixup, scaler=scaler, clip_grad=clip_grad, accum_steps=accum_steps,
                                    ema=ema, progress=progress, epoch=epoch, step=run["step"], **common)
        except FloatingPointError as e:
            raise FloatingPointError(f"{e}; {_kept(ckpt_dir)}") from None
        except RuntimeError as e:
            if world > 1 and _collective_failed(e):
                raise _dist_error(rank, dist_timeout, f"in epoch {epoch}", e) from e
            raise
        run["step"] += stats["steps"]
        bad = _non_finite(model, ema)
        if bad:
            raise FloatingPointError(f"after epoch {epoch + 1} (optimizer step {run['step']}) {len(bad)} tensors of "
                                     f"the model are not finite ({', '.join(bad[:3])}, ...): training stopped; "
                                     f"{_kept(ckpt_dir)}")
        record = {"epoch": epoch + 1, "step": run["step"], "lr": stats["lr"], "train_loss": stats["loss"]}
        if val_loader is not None:
            record.update({f"val_{k}": v for k, v in evaluate(model, val_loader, **common).items()})
            if ema is not None:
                record.update({f"val_ema_{k}": v for k, v in evaluate(ema, val_loader, **common).items()})
        record["time"] = time.perf_counter() - start
        improved = False
        if val_loader is not None:
            value, best = record[monitor], run["best"]
            improved = best is None or (value < best if lower_is_better else value > best)
            run["best"], run["bad_epochs"] = (value, 0) if improved else (best, run["bad_epochs"] + 1)
        history.append(record)
        if verbose and rank == 0:
            print(_epoch_line(record, epochs), flush=True)
        run["epoch"] = epoch + 1
        if improved:  # the file's checksum is this checkpoint's, in its manifest
            run["best_epoch"], run["best_sha256"] = epoch + 1, None
            run["best_file"] = EMA_WEIGHTS if monitor.startswith("val_ema") and ema is not None else WEIGHTS
        if rank == 0:
            _write_epoch(log, ckpt_dir, improved, model, optimizer, scheduler, scaler, ema, run, keep_last)
        if world > 1:
            dist.barrier()
        if patience is not None and run["bad_epochs"] >= patience:
            break
    return history


def _collective_failed(err: RuntimeError) -> bool:
    text = str(err).lower()
    words = ("timed out", "timeout", "closed by peer", "gloo", "nccl")
    return isinstance(err, dist.DistError) or any(w in text for w in words)


def _dist_error(rank: int, timeout: float, where: str, err: BaseException) -> RuntimeError:
    first = str(err).strip().splitlines()[0] if str(err).strip() else type(err).__name__
    return RuntimeError(f"rank {rank}: a collective did not complete within dist_timeout={timeout} s {where}: "
                        f"another rank stopped or hangs ({first})")


def _check_fit_args(*, epochs, amp, mixup, label_smoothing, patience, val_loader, accum_steps, keep_last, lr,
                    optimizer, monitor, ema_decay) -> None:
    """Every argument ``fit`` can check before it starts: a mistake costs no epoch and changes nothing."""
    if not isinstance(epochs, int) or epochs < 1:
        raise ValueError(f"epochs must be an int >= 1, got {epochs!r}")
    if amp not in _AMP:
        raise ValueError(f"amp must be None, 'bf16' or 'fp16', got {amp!r}")
    if mixup is not None and label_smoothing:
        raise ValueError("with mixup, give label_smoothing to Mixup(...): it smooths the mixed targets")
    if patience is not None and val_loader is None:
        raise ValueError("early stopping (patience) needs a val_loader to monitor")
    if not isinstance(accum_steps, int) or accum_steps < 1:
        raise ValueError(f"accum_steps must be an int >= 1, got {accum_steps!r}")
    if not isinstance(keep_last, int) or keep_last < 1:
        raise ValueError(f"keep_last must be an int >= 1, got {keep_last!r}")
    if isinstance(optimizer, str) and not (isinstance(lr, (int, float)) and math.isfinite(lr) and lr >= 0):
        raise ValueError(f"lr must be a finite number >= 0, got {lr!r}")
    if ema_decay is not None and not 0 < ema_decay < 1:
        raise ValueError(f"ema_decay must be in (0, 1), got {ema_decay!r}")
    if val_loader is not None:
        metrics = ["epoch", "step", "lr", "train_loss", "time", "val_loss", "val_top1", "val_top5"]
        if ema_decay:
            metrics += ["val_ema_loss", "val_ema_top1", "val_ema_top5"]
        if monitor not in metrics:
            raise ValueError(f"monitor {monitor!r} is not a metric; the metrics are {sorted(metrics)}")


_RUN_FILES = ("latest", "best.safetensors", "metrics.jsonl", CONFIG)


def _prepare_run_dir(ckpt_dir: Path | None, log, resume, overwrite: bool) -> None:
    """Refuse to start a fresh run over another run's files (unless ``overwrite``), and find an unwritable
    folder now rather than after the first epoch."""
    if (dist.get_rank() if dist.is_available() and dist.is_initialized() else int(os.environ.get("RANK", "0"))) != 0:
        return  # rank 0 writes the run
    continues = resume is not None and (ckpt_dir is None or Path(resume).resolve() == ckpt_dir.resolve()
                                        or ckpt_dir.resolve() in Path(resume).resolve().parents)
    found = []
    if ckpt_dir is not None and ckpt_dir.is_dir():
        found = [p for p in ckpt_dir.iterdir() if p.name in _RUN_FILES or re.fullmatch(r"epoch_\d+", p.name)]
    if log is not None and Path(log).is_file() and Path(log).stat().st_size and Path(log) not in found:
        found.append(Path(log))
    if found and not continues:
        if not overwrite:
            where = ckpt_dir if ckpt_dir is not None else log
            raise FileExistsError(f"{where} holds a training run ({', '.join(sorted(p.name for p in found))}): "
                                  f"continue it with resume={str(where)!r}, or pass overwrite=True to delete it")
        for p in found:
            ckpt.remove_dir(p) if p.is_dir() else p.unlink()
    for folder in {Path(log).parent if log is not None else None, ckpt_dir} - {None}:
        try:
            folder.mkdir(parents=True, exist_ok=True)
            probe = ckpt.atomic_write(folder / ".zoo-write-test", lambda p: p.write_bytes(b""))
            probe.unlink()
        except OSError as err:
            raise OSError(f"cannot write to {folder} ({err}): fit writes its checkpoints and log there") from err


def _resume(resume: Path, ckpt_dir: Path | None, model, optimizer, scheduler, scaler, ema,
            fallback: bool) -> dict[str, Any]:
    """Load the newest good checkpoint of ``resume`` (a run directory, or one checkpoint). The run's own
    folder without any checkpoint yet (a crash in the first epoch) starts the run afresh."""
    candidates = [resume]
    own = ckpt_dir is not None and resume.resolve() == ckpt_dir.resolve()
    if own and not (resume / "latest").exists() and not any(resume.glob("epoch_*")):
        return {"resumed_from": None}
    if (resume / "latest").exists() or any(resume.glob("epoch_*")):
        latest = latest_checkpoint(resume)
        older = [p for p in _checkpoints(resume) if latest is None or p.name < latest.name]
        candidates = ([latest] if latest is not None and latest.is_dir() else []) + older
        if not candidates and own:
            return {"resumed_from": None}
    for i, candidate in enumerate(candidates):
        try:
            extra = load_checkpoint(candidate, model, optimizer, scheduler, scaler, ema)
        except ckpt.CorruptCheckpointError as err:
            if not fallback or i + 1 == len(candidates):
                raise
            warnings.warn(f"{err}; resuming from the previous checkpoint, {candidates[i + 1]}", stacklevel=3)
            continue
        extra["resumed_from"] = candidate
        return extra
    raise FileNotFoundError(f"no checkpoint at {resume}")


def _repair(ckpt_dir: Path, log, run: dict[str, Any], keep_last: int) -> None:
    """Make a run folder consistent with the checkpoint resumed: ``latest`` names it, the log holds its
    history, ``best.safetensors`` is the best epoch's, later (unfinished or damaged) checkpoints go."""
    resumed = run.pop("resumed_from")
    for stray in ckpt_dir.iterdir():  # what a crash left half-written or half-deleted
        if stray.name.endswith((".tmp", ".old", ".deleting")):
            ckpt.remove_dir(stray) if stray.is_dir() else stray.unlink()
    if resumed is None:
        return
    if resumed.parent.resolve() == ckpt_dir.resolve():
        for later in _checkpoints(ckpt_dir):
            if later.name > resumed.name:
                ckpt.remove_dir(later)
        ckpt.atomic_write(ckpt_dir / "latest", lambda p: p.write_text(resumed.name))
        _write_best(ckpt_dir, resumed, run)
        _prune(ckpt_dir, keep_last)
    _write_log(log, run["history"])


def _kept(ckpt_dir: Path | None) -> str:
    last = latest_checkpoint(ckpt_dir) if ckpt_dir is not None else None
    return f"the last good checkpoint, {last}, is kept" if last else "no checkpoint was written"


def _non_finite(model: nn.Module, ema: ModelEma | None) -> list[str]:
    """Names of the parameters and buffers (the model's and the EMA's) holding a NaN or an infinity."""
    tensors = list(_unwrap(model).state_dict().items())
    if ema is not None:
        tensors += [(f"ema.{k}", v) for k, v in ema.module.state_dict().items()]
    return [k for k, v in tensors if v.is_floating_point() and not torch.isfinite(v).all()]


def _json_safe(value):
    return value if not isinstance(value, float) or math.isfinite(value) else None


def _write_log(log, history: list[dict[str, Any]]) -> None:
    if log is not None:
        text = "".join(json.dumps({k: _json_safe(v) for k, v in r.items()}, allow_nan=False) + "\n" for r in history)
        ckpt.atomic_write(log, lambda p: p.write_text(text))


def _write_best(ckpt_dir: Path, checkpoint: Path, run: dict[str, Any]) -> None:
    """``best.safetensors`` from the best epoch's checkpoint, unless it already holds exactly that."""
    if run.get("best_epoch") is None:
        return
    best = ckpt_dir / "best.safetensors"
    source = ckpt_dir / f"epoch_{run['best_epoch']:04d}" / run["best_file"]
    expected = run["best_sha256"]
    if expected is None and source.parent.name == checkpoint.name:
        expected = run["best_sha256"] = json.loads((checkpoint / ckpt.MANIFEST).read_text())[run["best_file"]]
    if best.is_file() and ckpt.sha256(best) == expected:
        return
    if not source.is_file():
        warnings.warn(f"{best} does not hold epoch {run['best_epoch']}'s weights, and that checkpoint is gone; "
                      f"it is left as it is", stacklevel=4)
        return
    ckpt.atomic_write(best, lambda p: shutil.copyfile(source, p))


def _prune(ckpt_dir: Path, keep_last: int) -> None:
    for old in _checkpoints(ckpt_dir)[keep_last:]:
        ckpt.remove_dir(old)


def _write_epoch(log, ckpt_dir, improved, model, optimizer, scheduler, scaler, ema, run, keep_last):
    """The epoch's files, in the order that keeps the folder consistent at every crash point: the checkpoint
    (complete, or not there), then ``latest``, then ``best.safetensors`` and the log (a resume repairs both
    from the checkpoint ``latest`` names), then older checkpoints go."""
    if ckpt_dir is None:
        _write_log(log, run["history"])
        return
    name = f"epoch_{run['epoch']:04d}"
    path = save_checkpoint(ckpt_dir / name, model, optimizer, scheduler, scaler, ema, **run)
    if run.get("best_epoch") == run["epoch"]:
        run["best_sha256"] = json.loads((path / ckpt.MANIFEST).read_text())[run["best_file"]]
    ckpt.atomic_write(ckpt_dir / "latest", lambda p: p.write_text(name))
    config = path / CONFIG
    if config.exists():  # the run folder loads with create_model(pretrained=ckpt_dir)
        ckpt.atomic_write(ckpt_dir / CONFIG, lambda p: shutil.copyfile(config, p))
    if improved:
        _write_best(ckpt_dir, path, run)
    _write_log(log, run["history"])
    _prune(ckpt_dir, keep_last)
