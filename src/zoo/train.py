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

import math
import os
import sys
import time
from contextlib import nullcontext
from pathlib import Path
from typing import Iterable

import torch
import torch.distributed as dist
import torch.nn.functional as F
from torch import nn

from zoo import run_dir
from zoo.distributed import all_sum, collective_failed, dist_error, distribute, init_distributed, rank_and_world
from zoo.recipe import (Mixup, ModelEma, build_optimizer, build_scheduler, layer_ids, lr_factor,
                        soft_target_cross_entropy, unwrap)
from zoo.run_dir import latest_checkpoint, load_checkpoint, save_checkpoint

# the recipe's parts and the checkpoint functions live in zoo.recipe and zoo.run_dir; they are exported here,
# where users of the loop look for them
__all__ = [
    "build_optimizer", "lr_factor", "build_scheduler", "Mixup", "soft_target_cross_entropy", "ModelEma",
    "train_one_epoch", "evaluate", "fit", "save_checkpoint", "load_checkpoint", "latest_checkpoint",
    "layer_ids",
]


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
    if not enabled or rank_and_world()[0] != 0:
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
    rank, world = rank_and_world()
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
    loss_sum, count = all_sum([loss_sum, count], device)
    return {"loss": loss_sum / max(count, 1), "lr": optimizer.param_groups[-1]["lr"], "steps": steps}


@torch.no_grad()
def evaluate(model: nn.Module, loader: Iterable, *, amp: str | None = None, channels_last: bool = False,
             device: torch.device | str | None = None, progress: bool | None = False) -> dict[str, float]:
    """Mean cross-entropy loss, top-1 and top-5 accuracy (%) over ``loader`` (summed over ranks)."""
    model = unwrap(model)
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
    loss_sum, top1, top5, count = all_sum([loss_sum, top1, top5, count], device)
    if not count:
        raise ValueError("evaluate got an empty loader")
    return {"loss": loss_sum / count, "top1": 100 * top1 / count, "top5": 100 * top5 / count}


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
    run_dir.prepare(ckpt_dir, log, resume, overwrite)
    init_distributed(dist_timeout)
    rank, world = rank_and_world()
    if device is None:
        device = f"cuda:{os.environ.get('LOCAL_RANK', 0)}" if torch.cuda.is_available() else "cpu"
    device = torch.device(device)
    if sync_bn and world > 1:
        if device.type != "cuda":
            raise ValueError("sync_bn=True needs CUDA devices: torch's SyncBatchNorm does not run on the CPU")
        model = nn.SyncBatchNorm.convert_sync_batchnorm(model)
    if device.type == "cuda":
        torch.cuda.set_device(device)
    train_loader = distribute(train_loader, train=True, seed=seed)
    val_loader = distribute(val_loader, train=False, seed=seed) if val_loader is not None else None
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
        run.update(run_dir.resume_from(Path(resume), ckpt_dir, model, optimizer, scheduler, scaler, ema,
                                       resume_fallback))
        if rank == 0 and ckpt_dir is not None:
            run_dir.repair(ckpt_dir, log, run, keep_last)
    if world > 1:  # every rank is here: a stopped one is found now, not inside DDP's set-up
        try:
            all_sum([0.0], device)
        except RuntimeError as e:
            raise dist_error(rank, dist_timeout, "before the first epoch", e) from e
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
            raise FloatingPointError(f"{e}; {run_dir.kept(ckpt_dir)}") from None
        except RuntimeError as e:
            if world > 1 and collective_failed(e):
                raise dist_error(rank, dist_timeout, f"in epoch {epoch}", e) from e
            raise
        run["step"] += stats["steps"]
        bad = _non_finite(model, ema)
        if bad:
            raise FloatingPointError(f"after epoch {epoch + 1} (optimizer step {run['step']}) {len(bad)} tensors of "
                                     f"the model are not finite ({', '.join(bad[:3])}, ...): training stopped; "
                                     f"{run_dir.kept(ckpt_dir)}")
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
            averaged = monitor.startswith("val_ema") and ema is not None
            run["best_file"] = run_dir.EMA_WEIGHTS if averaged else run_dir.WEIGHTS
        if rank == 0:
            run_dir.write_epoch(log, ckpt_dir, improved, model, optimizer, scheduler, scaler, ema, run, keep_last)
        if world > 1:
            dist.barrier()
        if patience is not None and run["bad_epochs"] >= patience:
            break
    return history


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


def _non_finite(model: nn.Module, ema: ModelEma | None) -> list[str]:
    """Names of the parameters and buffers (the model's and the EMA's) holding a NaN or an infinity."""
    tensors = list(unwrap(model).state_dict().items())
    if ema is not None:
        tensors += [(f"ema.{k}", v) for k, v in ema.module.state_dict().items()]
    return [k for k, v in tensors if v.is_floating_point() and not torch.isfinite(v).all()]
