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
import json
import math
import os
import random
import shutil
import sys
import time
from contextlib import nullcontext
from pathlib import Path
from typing import Any, Iterable

import numpy as np
import torch
import torch.distributed as dist
import torch.nn.functional as F
from torch import nn

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


def _init_distributed() -> bool:
    """Join the process group ``torchrun`` describes (NCCL on GPU, gloo on CPU); False when not under it."""
    if int(os.environ.get("WORLD_SIZE", "1")) <= 1:
        return False
    if not dist.is_initialized():
        dist.init_process_group("nccl" if torch.cuda.is_available() else "gloo")
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
            finite = torch.isfinite(loss.detach()).float()
            if _world()[1] > 1:  # every rank stops together, before a collective could hang
                dist.all_reduce(finite, op=dist.ReduceOp.MIN)
            if not finite.item():
                raise FloatingPointError(f"loss is {loss.item()} at epoch {epoch}, batch {i}, optimizer step "
                                         f"{step + steps}: training stopped")
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

def _fsync_write(path: Path, write) -> None:
    write(path)
    with open(path, "rb+") as f:
        os.fsync(f.fileno())


def _fsync_dir(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


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
    """Write a checkpoint directory atomically: ``model.safetensors`` (the weights) and ``state.pt``
    (optimizer, scheduler, grad scaler, EMA, RNG states and ``extra``; loadable with
    ``torch.load(weights_only=True)``). Both are written into ``<path>.tmp`` and fsynced, then the
    directory is renamed to ``path``: a crash at any point leaves no half-written checkpoint there."""
    from safetensors.torch import save_model

    path = Path(path)
    tmp = path.with_name(path.name + ".tmp")
    shutil.rmtree(tmp, ignore_errors=True)
    tmp.mkdir(parents=True)
    state = {"optimizer": optimizer.state_dict() if optimizer else None,
             "scheduler": scheduler.state_dict() if scheduler else None,
             "scaler": scaler.state_dict() if scaler else None,
             "ema": ema.state_dict() if ema else None, "rng": _rng_state(), **extra}
    _fsync_write(tmp / "model.safetensors", lambda p: save_model(_unwrap(model), str(p)))
    _fsync_write(tmp / "state.pt", lambda p: torch.save(state, p))
    _fsync_dir(tmp)
    if path.exists():  # re-saving the same name: the old copy goes only once the new one is complete
        old = path.with_name(path.name + ".old")
        shutil.rmtree(old, ignore_errors=True)
        os.replace(path, old)
        os.replace(tmp, path)
        shutil.rmtree(old)
    else:
        os.replace(tmp, path)
    _fsync_dir(path.parent)
    return path


def latest_checkpoint(run_dir: str | os.PathLike) -> Path | None:
    """The checkpoint ``fit`` wrote last into ``run_dir`` (its ``latest`` file names it), or None."""
    pointer = Path(run_dir) / "latest"
    return Path(run_dir) / pointer.read_text().strip() if pointer.exists() else None


def _load_weights(model: nn.Module, file: Path) -> None:
    """Load a safetensors file strictly, checking every key and shape first: a file that does not fit
    leaves the model untouched. (Tied weights are saved once; their other names are not missing.)"""
    from safetensors.torch import load_file

    state, own = load_file(str(file)), model.state_dict()
    stored_ptrs = {own[k].data_ptr() for k in state if k in own}
    missing = [k for k in own if k not in state and own[k].data_ptr() not in stored_ptrs]
    unexpected = [k for k in state if k not in own]
    wrong = [f"{k}: {tuple(v.shape)} in the file, {tuple(own[k].shape)} in the model"
             for k, v in state.items() if k in own and v.shape != own[k].shape]
    if missing or unexpected or wrong:
        raise RuntimeError(f"{file} does not fit {type(model).__name__} (the model is unchanged): missing keys "
                           f"{missing}, unexpected keys {unexpected}, shape mismatches {wrong}")
    model.load_state_dict(state, strict=False)


def load_checkpoint(path: str | os.PathLike, model: nn.Module, optimizer=None, scheduler=None, scaler=None,
                    ema: ModelEma | None = None, restore_rng: bool = True) -> dict[str, Any]:
    """Load a checkpoint (a directory from :func:`save_checkpoint`, or a run directory of ``fit``: its
    latest) into the given objects; returns the ``extra`` entries saved with it."""
    path = Path(path)
    if (path / "latest").exists():
        path = latest_checkpoint(path)
    if not (path / "model.safetensors").exists() or not (path / "state.pt").exists():
        raise FileNotFoundError(f"no checkpoint at {path}: expected model.safetensors and state.pt in it")
    state = torch.load(path / "state.pt", map_location="cpu", weights_only=True)
    _load_weights(_unwrap(model), path / "model.safetensors")
    for name, obj in (("optimizer", optimizer), ("scheduler", scheduler), ("scaler", scaler), ("ema", ema)):
        if obj is not None:
            if state[name] is None:
                raise ValueError(f"checkpoint {path} holds no {name} state")
            obj.load_state_dict(state[name])
    if restore_rng:
        _set_rng_state(state["rng"])
    return {k: v for k, v in state.items() if k not in ("optimizer", "scheduler", "scaler", "ema", "rng")}


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
    log: str | os.PathLike | None = None,
    device: torch.device | str | None = None,
    progress: bool | None = None,
    verbose: bool = True,
    seed: int = 0,
) -> list[dict[str, float]]:
    """Train ``model`` for ``epochs``; returns one record per epoch (also appended to the JSON-lines
    ``log``, by default ``<checkpoint_dir>/metrics.jsonl``).

    ``optimizer``: "sgd", "adamw" (built by :func:`build_optimizer` with ``lr``, ``weight_decay``,
    ``layer_decay``) or an optimizer. ``schedule``: "cosine" (to ``min_lr_ratio``), "step" (×0.1 at
    each of ``milestones``, in epochs) or "constant", after ``warmup_epochs`` of linear warmup; it
    advances per optimizer step. ``ema_decay`` keeps a :class:`ModelEma`, evaluated as ``val_ema_*``.
    ``patience`` stops after that many epochs without improvement of ``monitor`` (a record key; higher
    is better unless it names a loss). ``checkpoint_dir`` receives one checkpoint per epoch (the last
    one kept, ``latest`` names it) and ``best.safetensors``; ``resume`` (that directory or a
    checkpoint) continues exactly where it stopped. Under ``torchrun`` the model runs in
    DistributedDataParallel, DataLoaders over map-style datasets get distributed samplers, metrics
    are averaged over ranks and rank 0 writes checkpoints and logs.

    Feedback: ``progress`` shows a bar per epoch (tqdm.auto: a widget in notebooks; None: in a terminal
    or notebook only); ``verbose`` prints one line per epoch (losses, metrics, lr, time) on rank 0.
    """
    if epochs < 1:
        raise ValueError(f"epochs must be >= 1, got {epochs}")
    if amp not in _AMP:
        raise ValueError(f"amp must be None, 'bf16' or 'fp16', got {amp!r}")
    if mixup is not None and label_smoothing:
        raise ValueError("with mixup, give label_smoothing to Mixup(...): it smooths the mixed targets")
    if patience is not None and val_loader is None:
        raise ValueError("early stopping (patience) needs a val_loader to monitor")
    _init_distributed()
    rank, world = _world()
    if device is None:
        device = f"cuda:{os.environ.get('LOCAL_RANK', 0)}" if torch.cuda.is_available() else "cpu"
    device = torch.device(device)
    if device.type == "cuda":
        torch.cuda.set_device(device)
    model.to(device)
    if channels_last:
        model.to(memory_format=torch.channels_last)
    if isinstance(optimizer, str):
        optimizer = build_optimizer(model, optimizer, lr, weight_decay, layer_decay=layer_decay)
    train_loader = _distribute(train_loader, train=True, seed=seed)
    val_loader = _distribute(val_loader, train=False, seed=seed) if val_loader is not None else None
    if not hasattr(train_loader, "__len__"):
        raise ValueError("fit needs a train_loader with len() to lay out its schedule per step")
    steps_per_epoch = math.ceil(len(train_loader) / accum_steps)
    scheduler = build_scheduler(optimizer, epochs * steps_per_epoch, round(warmup_epochs * steps_per_epoch),
                                schedule, min_ratio=min_lr_ratio, milestones=[m * steps_per_epoch for m in milestones])
    scaler = torch.amp.GradScaler(device.type) if amp == "fp16" else None
    ema = ModelEma(model, ema_decay) if ema_decay else None
    run = {"epoch": 0, "step": 0, "best": None, "bad_epochs": 0, "history": []}
    if resume is not None:
        run.update(load_checkpoint(resume, model, optimizer, scheduler, scaler, ema))
    net = nn.parallel.DistributedDataParallel(model, [device] if device.type == "cuda" else None) if world > 1 else model
    if compile:
        net = torch.compile(net)
    ckpt_dir = Path(checkpoint_dir) if checkpoint_dir is not None else None
    if log is None and ckpt_dir is not None:
        log = ckpt_dir / "metrics.jsonl"
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
            last = latest_checkpoint(ckpt_dir) if ckpt_dir is not None else None
            kept = f"the last good checkpoint, {last}, is kept" if last else "no checkpoint was written"
            raise FloatingPointError(f"{e}; {kept}") from None
        run["step"] += stats["steps"]
        record = {"epoch": epoch + 1, "step": run["step"], "lr": stats["lr"], "train_loss": stats["loss"]}
        if val_loader is not None:
            record.update({f"val_{k}": v for k, v in evaluate(model, val_loader, **common).items()})
            if ema is not None:
                record.update({f"val_ema_{k}": v for k, v in evaluate(ema, val_loader, **common).items()})
        record["time"] = time.perf_counter() - start
        improved = False
        if val_loader is not None:
            if monitor not in record:
                raise ValueError(f"monitor {monitor!r} is not a metric; the metrics are {sorted(record)}")
            value, best = record[monitor], run["best"]
            improved = best is None or (value < best if lower_is_better else value > best)
            run["best"], run["bad_epochs"] = (value, 0) if improved else (best, run["bad_epochs"] + 1)
        history.append(record)
        if verbose and rank == 0:
            print(_epoch_line(record, epochs), flush=True)
        run["epoch"] = epoch + 1
        if rank == 0:
            _write_epoch(record, log, ckpt_dir, improved, model, optimizer, scheduler, scaler, ema, run,
                         best_from_ema=monitor.startswith("val_ema"))
        if world > 1:
            dist.barrier()
        if patience is not None and run["bad_epochs"] >= patience:
            break
    return history


def _write_epoch(record, log, ckpt_dir, improved, model, optimizer, scheduler, scaler, ema, run, best_from_ema):
    if log is not None:
        Path(log).parent.mkdir(parents=True, exist_ok=True)
        with open(log, "a") as f:
            f.write(json.dumps(record) + "\n")
    if ckpt_dir is None:
        return
    from safetensors.torch import save_model

    name = f"epoch_{record['epoch']:04d}"
    save_checkpoint(ckpt_dir / name, model, optimizer, scheduler, scaler, ema, **run)
    previous = latest_checkpoint(ckpt_dir)
    _fsync_write(ckpt_dir / "latest.tmp", lambda p: p.write_text(name))
    os.replace(ckpt_dir / "latest.tmp", ckpt_dir / "latest")
    if previous is not None and previous.name != name:
        shutil.rmtree(previous, ignore_errors=True)
    if improved:
        best = ema.module if best_from_ema and ema is not None else model
        _fsync_write(ckpt_dir / "best.safetensors.tmp", lambda p: save_model(_unwrap(best), str(p)))
        os.replace(ckpt_dir / "best.safetensors.tmp", ckpt_dir / "best.safetensors")
