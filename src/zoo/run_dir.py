"""A training run's folder, written by ``zoo.train.fit`` so that a crash at any point leaves it resumable:
one checkpoint directory per epoch (weights, EMA weights, optimizer / scheduler / scaler / RNG states,
config and a sha256 manifest), ``latest`` naming the newest, ``best.safetensors``, ``config.json`` and the
``metrics.jsonl`` log; refusing to start over another run, resuming from the newest good checkpoint, and
repairing what a crash left. ``save_checkpoint``, ``load_checkpoint`` and ``latest_checkpoint`` are
exported as ``zoo.train``'s.
"""

from __future__ import annotations

import json
import math
import os
import random
import re
import shutil
import warnings
from pathlib import Path
from typing import Any

import numpy as np
import torch
import torch.distributed as dist
from torch import nn

from zoo import checkpoint as ckpt
from zoo.recipe import ModelEma, unwrap


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
    files = [(WEIGHTS, lambda p: save_model(unwrap(model), str(p)))]
    if ema is not None:
        files.append((EMA_WEIGHTS, lambda p: save_model(ema.module, str(p))))
    files.append((STATE, lambda p: torch.save(state, p)))
    if getattr(unwrap(model), "model_config", None) is not None:
        from zoo.weights.load import config_json

        try:
            config = config_json(unwrap(model))
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
    weights = _load_weights(unwrap(model), path / WEIGHTS)
    objects = {"optimizer": optimizer, "scheduler": scheduler, "scaler": scaler, "ema": ema}
    _check_state(path, state, objects)
    unwrap(model).load_state_dict(weights, strict=False)
    for name, obj in objects.items():
        if obj is not None:
            obj.load_state_dict(state[name])
    if restore_rng:
        _set_rng_state(state["rng"])
    return {k: v for k, v in state.items() if k not in (*objects, "rng", "optimizer_class", "ema_decay")}


# ------------------------------------------------------------------------------------------ the run folder

_RUN_FILES = ("latest", "best.safetensors", "metrics.jsonl", CONFIG)


def prepare(ckpt_dir: Path | None, log, resume, overwrite: bool) -> None:
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


def resume_from(resume: Path, ckpt_dir: Path | None, model, optimizer, scheduler, scaler, ema,
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


def repair(ckpt_dir: Path, log, run: dict[str, Any], keep_last: int) -> None:
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
    write_log(log, run["history"])


def kept(ckpt_dir: Path | None) -> str:
    """What a stopped run leaves to resume from, for its error message."""
    last = latest_checkpoint(ckpt_dir) if ckpt_dir is not None else None
    return f"the last good checkpoint, {last}, is kept" if last else "no checkpoint was written"


def _json_safe(value):
    return value if not isinstance(value, float) or math.isfinite(value) else None


def write_log(log, history: list[dict[str, Any]]) -> None:
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


def write_epoch(log, ckpt_dir, improved, model, optimizer, scheduler, scaler, ema, run, keep_last):
    """The epoch's files, in the order that keeps the folder consistent at every crash point: the checkpoint
    (complete, or not there), then ``latest``, then ``best.safetensors`` and the log (a resume repairs both
    from the checkpoint ``latest`` names), then older checkpoints go."""
    if ckpt_dir is None:
        write_log(log, run["history"])
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
    write_log(log, run["history"])
    _prune(ckpt_dir, keep_last)
