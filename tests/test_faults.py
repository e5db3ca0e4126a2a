"""Crashes: a fault injected at every write point of ``fit``'s checkpoints and of ``save_pretrained``, and
SIGKILLs of a real training process at seeded random points, each followed by a resume. After each: the
folder is consistent, nothing of the earlier run is lost, and the final weights equal the uninterrupted
run's bit for bit."""

import json
import os
import random
import shutil
import signal
import subprocess
import sys
from pathlib import Path

import pytest
import torch
from torch.utils.data import DataLoader

from test_train import TinyNet, toy_data, weights
from zoo import checkpoint as ckpt
from zoo import train
from zoo.run_dir import EMA_WEIGHTS, STATE, WEIGHTS

EPOCHS = 2


class Crash(BaseException):
    """The machine stops here (BaseException: no ``except Exception`` in the library sees it)."""


def run(run_dir: Path, resume: bool = False, keep_last: int = 1):
    """The short run every test repeats: shuffling, mixup, dropout, EMA, a best checkpoint."""
    torch.manual_seed(0)
    model = TinyNet(drop=0.2)
    mix = train.Mixup(num_classes=4, mixup_alpha=0.4, cutmix_alpha=1.0, label_smoothing=0.1)
    history = train.fit(model, DataLoader(toy_data(24), batch_size=8, shuffle=True),
                        DataLoader(toy_data(8, seed=1), batch_size=8), epochs=EPOCHS, optimizer="sgd", lr=0.05,
                        mixup=mix, ema_decay=0.9, monitor="val_ema_loss", checkpoint_dir=run_dir,
                        resume=run_dir if resume else None, keep_last=keep_last, device="cpu", progress=False)
    return model, [{k: v for k, v in r.items() if k != "time"} for r in history]


def assert_consistent(run_dir: Path, epochs: int, keep_last: int) -> None:
    """What a finished run's folder holds: the last ``keep_last`` checkpoints, each matching its checksums,
    ``latest`` naming the newest, one log record per epoch, and the best epoch's weights as best."""
    names = sorted(p.name for p in run_dir.iterdir())
    kept = [f"epoch_{e:04d}" for e in range(epochs - keep_last + 1, epochs + 1)]
    assert names == sorted(["best.safetensors", "latest", "metrics.jsonl", *kept]), names
    assert (run_dir / "latest").read_text() == kept[-1]
    for name in kept:
        ckpt.verify_dir(run_dir / name, (WEIGHTS, STATE))
    state = torch.load(run_dir / kept[-1] / STATE, weights_only=True)
    log = [json.loads(line) for line in (run_dir / "metrics.jsonl").read_text().splitlines()]
    assert [r["epoch"] for r in log] == list(range(1, epochs + 1))
    assert [r["val_ema_loss"] for r in log] == [r["val_ema_loss"] for r in state["history"]]
    manifest = json.loads((run_dir / kept[-1] / ckpt.MANIFEST).read_text())  # best is this epoch: None
    assert ckpt.sha256(run_dir / "best.safetensors") == (state["best_sha256"] or manifest[state["best_file"]])
    best = min(state["history"], key=lambda r: r["val_ema_loss"])["epoch"]
    assert state["best_epoch"] == best and state["best_file"] == EMA_WEIGHTS


@pytest.fixture(scope="module", autouse=True)
def one_thread():
    """One thread here and in the killed process: the same sums in the same order, bit for bit."""
    threads = torch.get_num_threads()
    torch.set_num_threads(1)
    yield
    torch.set_num_threads(threads)


@pytest.fixture(scope="module")
def reference(tmp_path_factory):
    model, history = run(tmp_path_factory.mktemp("reference"))
    return weights(model), history


def count_writes(monkeypatch, crash_at: int | None, log: list) -> None:
    """Every write point of the checkpoint code, counted; at number ``crash_at`` the machine stops. A file
    stops torn (half its bytes) where it was about to be made durable."""

    def hook(name, real):
        def wrapper(*args, **kwargs):
            log.append(name)
            if len(log) - 1 == crash_at:
                if name == "fsync":
                    size = os.path.getsize(args[0])
                    os.truncate(args[0], size // 2)
                raise Crash(f"crash at write point {crash_at} ({name})")
            return real(*args, **kwargs)
        return wrapper

    monkeypatch.setattr(ckpt, "_fsync_file", hook("fsync", ckpt._fsync_file))
    monkeypatch.setattr(os, "replace", hook("replace", os.replace))
    monkeypatch.setattr(shutil, "rmtree", hook("rmtree", shutil.rmtree))


@pytest.fixture(scope="module")
def write_points(tmp_path_factory):
    with pytest.MonkeyPatch.context() as mp:
        log = []
        count_writes(mp, None, log)
        run(tmp_path_factory.mktemp("count"))
    return len(log)


def test_fit_crash_at_every_write_point_then_resume(tmp_path, reference, write_points, monkeypatch):
    ref_weights, ref_history = reference
    assert write_points > 20  # two epochs of checkpoints, latest, best, log, pruning
    for point in range(write_points):
        run_dir = tmp_path / f"crash_{point}"
        with monkeypatch.context() as mp:
            count_writes(mp, point, [])
            with pytest.raises(Crash):
                run(run_dir)
        latest = train.latest_checkpoint(run_dir)
        if latest is not None:  # whatever latest names loads, before any repair
            train.load_checkpoint(run_dir, TinyNet(drop=0.2), restore_rng=False)
        model, history = run(run_dir, resume=True)
        assert history == ref_history, point
        assert all(torch.equal(v, ref_weights[k]) for k, v in weights(model).items()), point
        assert_consistent(run_dir, EPOCHS, keep_last=1)


def test_save_pretrained_crash_at_every_write_point(tmp_path, monkeypatch):
    import zoo

    old = zoo.create_model("resnet18", num_classes=3)
    new = zoo.create_model("resnet18", num_classes=5)
    points = []
    with monkeypatch.context() as mp:
        count_writes(mp, None, points)
        zoo.save_pretrained(new, tmp_path / "count")
    for point in range(len(points)):
        folder = tmp_path / f"p{point}"
        zoo.save_pretrained(old, folder)
        (folder / "README.md").write_text("notes")
        with monkeypatch.context() as mp:
            count_writes(mp, point, [])
            with pytest.raises(Crash):
                zoo.save_pretrained(new, folder)
        loaded = zoo.create_model(pretrained=folder)  # the old save or the new one, whole
        same = old if loaded.num_classes == 3 else new
        assert all(torch.equal(v, same.state_dict()[k]) for k, v in loaded.state_dict().items()), point
        assert (folder / "README.md").read_text() == "notes"


CHILD = """
import os, signal, sys
sys.path[:0] = [{tests!r}, {src!r}]
import torch
torch.set_num_threads(1)
from zoo import checkpoint as ckpt
from test_faults import run
point, calls = {point}, [0]
real = ckpt._fsync_file
def fsync(path):  # SIGKILL at the point-th write, or during training: no handler, no cleanup runs
    calls[0] += 1
    if calls[0] == point:
        os.kill(os.getpid(), signal.SIGKILL)
    real(path)
ckpt._fsync_file = fsync
if point < 0:
    real_iter = torch.utils.data.DataLoader.__iter__
    batches = [0]
    def counting(self):
        for item in real_iter(self):
            batches[0] += 1
            if batches[0] == -point:
                os.kill(os.getpid(), signal.SIGKILL)
            yield item
    torch.utils.data.DataLoader.__iter__ = counting
run(__import__("pathlib").Path({run_dir!r}))
"""


@pytest.mark.slow  # a fresh interpreter per run: torch and zoo imported again
@pytest.mark.parametrize("seed", [0, 1, 2])
def test_sigkill_at_a_random_point_then_resume(tmp_path, reference, seed):
    ref_weights, ref_history = reference
    rng = random.Random(seed)  # a write point (fsync number) or a training batch, negative
    point = rng.randint(1, 14) if seed != 1 else -rng.randint(1, 3 * EPOCHS * 4)
    tests, src = str(Path(__file__).parent), str(Path(train.__file__).parents[1])
    code = CHILD.format(tests=tests, src=src, point=point, run_dir=str(tmp_path / "run"))
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert proc.returncode == -signal.SIGKILL, proc.stderr[-2000:]
    model, history = run(tmp_path / "run", resume=True)
    assert history == ref_history
    assert all(torch.equal(v, ref_weights[k]) for k, v in weights(model).items())
    assert_consistent(tmp_path / "run", EPOCHS, keep_last=1)
