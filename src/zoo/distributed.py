"""``zoo.train.fit`` under ``torchrun``: joining the process group, sharding loaders over the ranks,
summing metrics across them, and naming a collective that failed because another rank stopped.
Outside ``torchrun`` (``WORLD_SIZE`` unset or 1) nothing joins a group: this is rank 0 of 1, and loaders
and sums pass through unchanged.
"""

from __future__ import annotations

import datetime
import os
from typing import Iterable

import torch
import torch.distributed as dist


def rank_and_world() -> tuple[int, int]:
    """This process's rank and the number of processes: (0, 1) outside a process group."""
    if dist.is_available() and dist.is_initialized():
        return dist.get_rank(), dist.get_world_size()
    return 0, 1


def init_distributed(timeout: float = 600.0) -> bool:
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


def all_sum(values: list[float], device: torch.device) -> list[float]:
    if rank_and_world()[1] == 1:
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


def distribute(loader: Iterable, train: bool, seed: int) -> Iterable:
    """The same DataLoader over a distributed sampler (map-style datasets); other iterables as they are."""
    rank, world = rank_and_world()
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


def collective_failed(err: RuntimeError) -> bool:
    text = str(err).lower()
    words = ("timed out", "timeout", "closed by peer", "gloo", "nccl")
    return isinstance(err, dist.DistError) or any(w in text for w in words)


def dist_error(rank: int, timeout: float, where: str, err: BaseException) -> RuntimeError:
    first = str(err).strip().splitlines()[0] if str(err).strip() else type(err).__name__
    return RuntimeError(f"rank {rank}: a collective did not complete within dist_timeout={timeout} s {where}: "
                        f"another rank stopped or hangs ({first})")
