"""Checkpoint I/O, in one place for ``zoo.train`` and ``zoo.save_pretrained``: files and directories
written atomically and fsynced, checksums, and the strict comparison of a state dict with a model's.

A file is written to ``<name>.tmp``, fsynced, renamed over ``<name>`` and the folder fsynced: a reader
(or a crash) sees the old file or the new one, never half of one. A directory is written whole into
``<dir>.tmp``; an existing ``<dir>`` is renamed to ``<dir>.old`` only once the new copy is complete,
then ``<dir>.tmp`` becomes ``<dir>``. A crash between those two renames leaves ``<dir>.old`` and a
complete ``<dir>.tmp``: :func:`recover_dir` finishes the swap. This module imports nothing from zoo.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Iterable, Mapping

__all__ = ["CorruptCheckpointError", "fsync_dir", "atomic_write", "write_dir", "recover_dir", "remove_dir",
           "sha256", "verify_dir", "StateDiff", "diff_state_dict", "MANIFEST"]

MANIFEST = "manifest.json"  # {file name: sha256} of a directory written with checksums


class CorruptCheckpointError(ValueError):
    """A checkpoint file that cannot be read: truncated, corrupt, or not what its checksum says."""


def _fsync_file(path: Path) -> None:
    with open(path, "rb+") as f:
        os.fsync(f.fileno())


def fsync_dir(path: str | os.PathLike) -> None:
    """Make a rename or a new entry in ``path`` durable (a no-op where directories cannot be opened)."""
    try:
        fd = os.open(path, os.O_RDONLY)
    except OSError:  # Windows
        return
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def atomic_write(path: str | os.PathLike, write: Callable[[Path], object]) -> Path:
    """``write(tmp)`` to ``<path>.tmp``, fsync it, rename it over ``path``, fsync the folder."""
    path = Path(path)
    tmp = path.with_name(path.name + ".tmp")
    write(tmp)
    _fsync_file(tmp)
    os.replace(tmp, path)
    fsync_dir(path.parent)
    return path


def sha256(path: str | os.PathLike) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _link_or_copy(src: str, dst: str) -> None:
    try:
        os.link(src, dst)
    except OSError:
        shutil.copy2(src, dst)


def write_dir(path: str | os.PathLike, files: Iterable[tuple[str, Callable[[Path], object]]], *,
              manifest: bool = False, keep_others: bool = False) -> Path:
    """Write a directory as a whole: each ``(name, write)`` in order (``write(file)``), fsynced, into
    ``<path>.tmp``, then swapped in for ``path``. ``manifest``: also write :data:`MANIFEST`, the sha256 of
    every file, last. ``keep_others``: entries of an existing ``path`` that are not rewritten (a README,
    a user's notes) are carried over (hard links where possible)."""
    path = Path(path)
    recover_dir(path)
    tmp, old = path.with_name(path.name + ".tmp"), path.with_name(path.name + ".old")
    shutil.rmtree(tmp, ignore_errors=True)
    tmp.mkdir(parents=True)
    sums = {}
    for name, write in files:
        write(tmp / name)
        _fsync_file(tmp / name)
        sums[name] = sha256(tmp / name) if manifest else None
    if keep_others and path.is_dir():
        for entry in path.iterdir():
            if not (tmp / entry.name).exists():
                if entry.is_dir():
                    shutil.copytree(entry, tmp / entry.name, copy_function=_link_or_copy)
                else:
                    _link_or_copy(str(entry), str(tmp / entry.name))
    if manifest:
        (tmp / MANIFEST).write_text(json.dumps(sums, indent=1, sort_keys=True) + "\n")
        _fsync_file(tmp / MANIFEST)
    fsync_dir(tmp)
    if path.exists():  # the old copy goes only once the new one is complete
        os.replace(path, old)
        fsync_dir(path.parent)
        os.replace(tmp, path)
        fsync_dir(path.parent)
        shutil.rmtree(old)
    else:
        os.replace(tmp, path)
    fsync_dir(path.parent)
    return path


def recover_dir(path: str | os.PathLike) -> Path | None:
    """Finish or undo what a crash left of a :func:`write_dir` of ``path``; returns ``path`` if a
    complete copy is there afterwards, else None.

    ``path`` present: a ``.tmp`` beside it is an unfinished write, a ``.old`` a finished swap's leftover;
    both go. ``path`` missing with a ``.old``: the crash came between the two renames, when ``.tmp`` was
    already complete; it becomes ``path`` (or ``.old`` comes back if ``.tmp`` is gone)."""
    path = Path(path)
    tmp, old = path.with_name(path.name + ".tmp"), path.with_name(path.name + ".old")
    try:
        if path.is_dir():
            for leftover in (tmp, old):
                if leftover.is_dir():
                    shutil.rmtree(leftover, ignore_errors=True)
            return path
        if old.is_dir():
            os.replace(tmp if tmp.is_dir() else old, path)
            shutil.rmtree(old, ignore_errors=True)
            fsync_dir(path.parent)
            return path
    except PermissionError:  # a read-only folder: read the complete copy where it is
        if path.is_dir():
            return path
        return tmp if old.is_dir() and tmp.is_dir() else old if old.is_dir() else None
    return None


def remove_dir(path: str | os.PathLike) -> None:
    """Delete a directory so that a crash never leaves a half-deleted one under its name."""
    path = Path(path)
    if not path.exists():
        return
    doomed = path.with_name(path.name + ".deleting")
    shutil.rmtree(doomed, ignore_errors=True)
    os.replace(path, doomed)
    shutil.rmtree(doomed, ignore_errors=True)


def verify_dir(path: str | os.PathLike, names: Iterable[str] = ()) -> None:
    """Check the files of ``path`` against its :data:`MANIFEST` (and that ``names`` are present);
    raise :class:`CorruptCheckpointError` naming the first damaged or missing file."""
    path = Path(path)
    for name in names:
        if not (path / name).is_file():
            raise CorruptCheckpointError(f"{path / name} is missing: the checkpoint {path} is incomplete")
    if not (path / MANIFEST).is_file():
        return  # written before checksums were recorded
    try:
        sums = json.loads((path / MANIFEST).read_text())
    except ValueError as err:
        raise CorruptCheckpointError(f"{path / MANIFEST} is damaged ({err})") from err
    for name, digest in sums.items():
        if not (path / name).is_file():
            raise CorruptCheckpointError(f"{path / name} is missing: the checkpoint {path} is incomplete")
        if digest is not None and sha256(path / name) != digest:
            raise CorruptCheckpointError(f"{path / name} is damaged: its sha256 differs from the one recorded "
                                         f"when it was written ({path / MANIFEST})")


@dataclass
class StateDiff:
    """How a state dict differs from a model's: keys it lacks, keys the model lacks, shapes that differ."""

    missing: list[str] = field(default_factory=list)
    unexpected: list[str] = field(default_factory=list)
    mismatched: list[tuple[str, tuple, tuple]] = field(default_factory=list)  # (key, state's shape, model's)

    @property
    def ok(self) -> bool:
        return not (self.missing or self.unexpected or self.mismatched)

    @property
    def problems(self) -> int:
        return len(self.missing) + len(self.unexpected) + len(self.mismatched)


def diff_state_dict(expected: Mapping, state: Mapping, *, optional: Callable[[str], bool] = lambda k: False,
                    ignorable: Callable[[str], bool] = lambda k: False, tied: bool = False) -> StateDiff:
    """Compare ``state`` with a model's ``expected`` state dict, by name and shape.

    ``optional(key)``: a model key that may be absent from ``state``; ``ignorable(key)``: a ``state`` key
    the model may lack. ``tied``: a model key sharing storage with a key in ``state`` (a tied weight,
    saved once) is not missing."""
    stored = {expected[k].data_ptr() for k in state if k in expected} if tied else set()
    missing = [k for k in expected if k not in state and not optional(k)
               and not (tied and expected[k].data_ptr() in stored)]
    unexpected = [k for k in state if k not in expected and not ignorable(k)]
    mismatched = [(k, tuple(v.shape), tuple(expected[k].shape)) for k, v in state.items()
                  if k in expected and tuple(v.shape) != tuple(expected[k].shape)]
    return StateDiff(missing, unexpected, mismatched)
