"""zoo.train: schedules, optimizer groups, mixup/cutmix, EMA, accumulation, checkpoints, exact resume,
NaN stop, two-process DDP (gloo) and real data (scikit-learn's digits)."""

import json
import math
import os
import socket

import pytest
import torch
import torch.nn.functional as F
from torch import nn
from torch.utils.data import DataLoader, TensorDataset

import zoo
from zoo import run_dir, train
from zoo.checkpoint import CorruptCheckpointError
from zoo.distributed import init_distributed
from zoo.models.resnet import ResNet
from zoo.recipe import unwrap


@pytest.fixture(autouse=True)
def one_thread():
    """These networks are tiny: one thread is faster than two on shared cores (no OpenMP barriers)."""
    threads = torch.get_num_threads()
    torch.set_num_threads(1)
    yield
    torch.set_num_threads(threads)


class TinyNet(nn.Module):
    """A few-thousand-parameter CNN: fast enough to train many times in a test."""

    def __init__(self, norm: bool = True, drop: float = 0.0, num_classes: int = 4):
        super().__init__()
        self.stages = nn.Sequential(nn.Conv2d(1, 8, 3, padding=1), nn.BatchNorm2d(8) if norm else nn.Identity(),
                                    nn.ReLU(), nn.Conv2d(8, 8, 3, 2, 1), nn.ReLU())
        self.head = nn.Sequential(nn.Flatten(), nn.Dropout(drop), nn.Linear(8 * 4 * 4, num_classes))

    def forward(self, x):
        return self.head(self.stages(x))


def toy_data(n: int = 32, seed: int = 0) -> TensorDataset:
    g = torch.Generator().manual_seed(seed)
    y = torch.randint(0, 4, (n,), generator=g)
    x = torch.randn(n, 1, 8, 8, generator=g) + y.view(-1, 1, 1, 1).float()  # learnable, not trivial
    return TensorDataset(x, y)


def weights(model: nn.Module) -> dict[str, torch.Tensor]:
    return {k: v.detach().clone() for k, v in unwrap(model).state_dict().items()}


# ------------------------------------------------------------------------------------------ schedules

def test_schedule_values():
    f = train.lr_factor
    assert [f(s, 100, warmup_steps=4) for s in range(4)] == [0.25, 0.5, 0.75, 1.0]
    assert f(4, 100, 4) == 1.0 and f(52, 100, 4) == pytest.approx(0.5) and f(100, 100, 4) == pytest.approx(0.0)
    assert f(52, 100, 4, min_ratio=0.1) == pytest.approx(0.55)
    assert f(30, 100, 0, kind="cosine") == pytest.approx(0.5 * (1 + math.cos(math.pi * 0.3)))
    assert [f(s, 100, 0, "step", milestones=(10, 20)) for s in (9, 10, 19, 20)] == pytest.approx([1, 0.1, 0.1, 0.01])
    with pytest.raises(ValueError, match="schedule must be 'cosine', 'step' or 'constant', got 'linear'"):
        train.build_scheduler(torch.optim.SGD([nn.Parameter(torch.zeros(1))], lr=1), 10, kind="linear")

    opt = torch.optim.SGD([nn.Parameter(torch.zeros(1))], lr=0.4)
    sched = train.build_scheduler(opt, total_steps=10, warmup_steps=2)
    lrs = []
    for _ in range(10):
        lrs.append(opt.param_groups[0]["lr"])
        opt.step()
        sched.step()
    assert lrs == pytest.approx([0.4 * f(s, 10, 2) for s in range(10)])


# ------------------------------------------------------------------------------------------ optimizer

def test_optimizer_excludes_norms_biases_and_no_weight_decay():
    model = ResNet(block="basic", layers=(1, 1, 1, 1), num_classes=10)
    model.no_weight_decay = lambda: {"head.fc.weight"}
    opt = train.build_optimizer(model, "adamw", lr=1e-3, weight_decay=0.05)
    decay = {id(p) for g in opt.param_groups if g["weight_decay"] == 0.05 for p in g["params"]}
    for name, p in model.named_parameters():
        expected = p.ndim > 1 and name != "head.fc.weight"
        assert (id(p) in decay) == expected, name
    assert sum(len(g["params"]) for g in opt.param_groups) == len(list(model.parameters()))
    assert isinstance(opt, torch.optim.AdamW) and opt.defaults["fused"]
    with pytest.raises(ValueError, match="optimizer must be 'sgd' or 'adamw', got 'adam'"):
        train.build_optimizer(model, "adam")


def test_layer_decay_follows_depth():
    model = ResNet(block="basic", layers=(1, 1, 1, 1), num_classes=10)
    opt = train.build_optimizer(model, "sgd", lr=1.0, layer_decay=0.5)
    lr_of = {id(p): g["lr"] for g in opt.param_groups for p in g["params"]}
    named = dict(model.named_parameters())
    # stem, layer1.0 … layer4.0 are blocks 1..5 of 7 layers; the head is the last layer
    order = ["stages.stem.conv.weight", "stages.layer1.0.conv1.conv.weight", "stages.layer2.0.conv1.conv.weight",
             "stages.layer3.0.conv1.conv.weight", "stages.layer4.0.conv1.conv.weight", "head.fc.weight"]
    assert [lr_of[id(named[n])] for n in order] == [0.5**5, 0.5**4, 0.5**3, 0.5**2, 0.5, 1.0]
    assert lr_of[id(named["stages.layer2.0.shortcut.norm.bias"])] == 0.5**3

    class ToyViT(nn.Module):  # embeddings outside the stages, one block per stage, norm and head after
        def __init__(self):
            super().__init__()
            self.cls_token, self.patch_embed = nn.Parameter(torch.zeros(1, 1, 4)), nn.Linear(4, 4)
            self.stages = nn.Sequential(*[nn.Linear(4, 4) for _ in range(3)])
            self.norm, self.head = nn.LayerNorm(4), nn.Linear(4, 2)

    ids, n = train.layer_ids(ToyViT())
    assert n == 5 and ids["cls_token"] == ids["patch_embed.weight"] == 0
    assert [ids[f"stages.{i}.weight"] for i in range(3)] == [1, 2, 3] and ids["norm.weight"] == ids["head.bias"] == 4


# ------------------------------------------------------------------------------------------ mixup / cutmix

def test_mixup_and_cutmix_targets():
    torch.manual_seed(0)
    y = torch.tensor([0, 1, 2, 3])
    x = torch.arange(1.0, 5.0).view(4, 1, 1, 1).expand(4, 3, 16, 16).contiguous()  # image i is all (i+1)
    mix = train.Mixup(num_classes=5, mixup_alpha=1.0, cutmix_alpha=0.0, label_smoothing=0.0)
    xm, t = mix(x, y)
    lam = t[0, 0].item()
    assert 0 < lam < 1 and torch.allclose(t.sum(1), torch.ones(4))
    assert torch.allclose(xm, lam * x + (1 - lam) * x.flip(0)) and t[0, 3] == pytest.approx(1 - lam)

    cut = train.Mixup(num_classes=5, mixup_alpha=0.0, cutmix_alpha=1.0, label_smoothing=0.0)
    for _ in range(5):
        xm, t = cut(x, y)
        own = (xm == x).float().mean(dim=(1, 2, 3))  # fraction of each image that stayed its own
        assert torch.allclose(t[torch.arange(4), y], own) and torch.allclose(t.sum(1), torch.ones(4))

    smooth = train.Mixup(num_classes=5, mixup_alpha=1.0, cutmix_alpha=0.0, prob=0.0, label_smoothing=0.1)
    xm, t = smooth(x, y)
    assert torch.equal(xm, x) and t[0].tolist() == pytest.approx([0.92, 0.02, 0.02, 0.02, 0.02])
    logits = torch.randn(4, 5)
    assert train.soft_target_cross_entropy(logits, t) == pytest.approx(
        F.cross_entropy(logits, y, label_smoothing=0.1).item())
    with pytest.raises(ValueError, match=r"class indices of shape \(4,\), got \(4, 5\)"):
        smooth(x, t)


# ------------------------------------------------------------------------------------------ EMA

def test_model_ema():
    model = nn.Sequential(nn.Linear(2, 2), nn.BatchNorm1d(2))
    ema = train.ModelEma(model, decay=0.5, warmup=False)
    w0 = model[0].weight.detach().clone()
    w1, w2 = w0 + 1, w0 + 3
    for w in (w1, w2):
        with torch.no_grad():
            model[0].weight.copy_(w)
        model[1].num_batches_tracked += 1
        ema.update(model)
    assert torch.allclose(ema.module[0].weight, 0.5 * (0.5 * w0 + 0.5 * w1) + 0.5 * w2)
    assert ema.module[1].num_batches_tracked == 2 and int(ema.updates) == 2
    assert not any(p.requires_grad for p in ema.parameters())
    warm = train.ModelEma(model, decay=0.999)
    assert warm.current_decay() == pytest.approx(0.1)
    warm.updates += 990
    assert warm.current_decay() == pytest.approx(991 / 1000)


def test_model_ema_averages_batchnorm_statistics():
    model = nn.BatchNorm1d(2)
    ema = train.ModelEma(model, decay=0.75, warmup=False)
    model.running_mean.fill_(4.0)
    model.running_var.fill_(9.0)
    ema.update(model)
    assert torch.allclose(ema.module.running_mean, torch.full((2,), 0.25 * 4.0))  # from 0
    assert torch.allclose(ema.module.running_var, torch.full((2,), 0.75 + 0.25 * 9.0))  # from 1


# ------------------------------------------------------------------------------------------ one epoch

def test_accumulation_equals_the_larger_batch():
    data = toy_data(32)
    results = []
    for batch, accum in ((8, 1), (4, 2), (2, 4)):
        torch.manual_seed(0)
        model = TinyNet(norm=False)
        opt = torch.optim.SGD(model.parameters(), lr=0.1, momentum=0.9)
        stats = train.train_one_epoch(model, DataLoader(data, batch_size=batch), opt, accum_steps=accum)
        assert stats["steps"] == 4
        results.append((weights(model), stats["loss"]))
    for w, loss in results[1:]:
        assert loss == pytest.approx(results[0][1], rel=1e-6)
        for k in w:
            torch.testing.assert_close(w[k], results[0][0][k], rtol=1e-5, atol=1e-6)


@pytest.mark.parametrize("amp", ["bf16", "fp16"])
def test_amp_channels_last_and_clipping_train(amp):
    torch.manual_seed(0)
    model = TinyNet()
    loader = DataLoader(toy_data(32), batch_size=8)
    before = train.evaluate(model, loader)["loss"]
    history = train.fit(model, loader, loader, epochs=3, lr=1e-2, amp=amp, channels_last=True, clip_grad=1.0,
                        device="cpu", progress=False)
    assert math.isfinite(history[-1]["train_loss"]) and history[-1]["val_loss"] < before
    assert model.stages[0].weight.is_contiguous(memory_format=torch.channels_last)
    with pytest.raises(ValueError, match="amp must be None, 'bf16' or 'fp16', got 'fp8'"):
        train.fit(model, loader, epochs=1, amp="fp8", device="cpu")


# ------------------------------------------------------------------------------------------ checkpoints

class Interrupt(Exception):
    pass


class CrashingLoader:
    """Iterates a DataLoader, but raises ``exc`` (or yields NaN images) at a given epoch and batch."""

    def __init__(self, loader, epoch, batch, nan=False):
        self.loader, self.epoch, self.batch, self.nan, self.seen = loader, epoch, batch, nan, 0

    def __len__(self):
        return len(self.loader)

    def __iter__(self):
        epoch, self.seen = self.seen, self.seen + 1
        for i, (x, y) in enumerate(self.loader):
            if (epoch, i) == (self.epoch, self.batch):
                if not self.nan:
                    raise Interrupt
                x = torch.full_like(x, float("nan"))
            yield x, y


def run_fit(loader, checkpoint_dir, resume=None):
    torch.manual_seed(0)
    model = TinyNet(drop=0.2)
    mix = train.Mixup(num_classes=4, mixup_alpha=0.4, cutmix_alpha=1.0, label_smoothing=0.1)
    history = train.fit(model, loader, DataLoader(toy_data(16, seed=1), batch_size=8), epochs=3, optimizer="sgd",
                        lr=0.05, warmup_epochs=1, mixup=mix, ema_decay=0.9, checkpoint_dir=checkpoint_dir,
                        resume=resume, device="cpu", progress=False)
    return model, history


def test_resume_is_exact(tmp_path):
    loader = DataLoader(toy_data(32), batch_size=8, shuffle=True)
    model, history = run_fit(loader, tmp_path / "a")
    with pytest.raises(Interrupt):
        run_fit(CrashingLoader(loader, epoch=2, batch=1), tmp_path / "b")
    assert (tmp_path / "b" / "latest").read_text() == "epoch_0002"
    resumed, resumed_history = run_fit(loader, tmp_path / "b", resume=tmp_path / "b")
    for k, v in weights(model).items():
        assert torch.equal(v, weights(resumed)[k]), k
    drop_time = [{k: v for k, v in r.items() if k != "time"} for r in history]
    assert drop_time == [{k: v for k, v in r.items() if k != "time"} for r in resumed_history]
    states = [torch.load(tmp_path / run / "epoch_0003" / "state.pt", weights_only=True) for run in "ab"]
    for k, v in states[0]["ema"].items():  # the weight average and its update count resume too
        assert torch.equal(v, states[1]["ema"][k]), k
    assert int(states[1]["ema"]["updates"]) == 12 and len(states[1]["history"]) == 3
    log = [json.loads(line) for line in (tmp_path / "b" / "metrics.jsonl").read_text().splitlines()]
    assert [r["epoch"] for r in log] == [1, 2, 3] and log[-1]["val_ema_top1"] == history[-1]["val_ema_top1"]
    assert sorted(p.name for p in (tmp_path / "b").iterdir()) == [
        "best.safetensors", "epoch_0002", "epoch_0003", "latest", "metrics.jsonl"]  # keep_last=2


def test_nan_loss_stops_and_keeps_the_last_good_checkpoint(tmp_path):
    loader = CrashingLoader(DataLoader(toy_data(32), batch_size=8), epoch=1, batch=2, nan=True)
    torch.manual_seed(0)
    model = TinyNet()
    with pytest.raises(FloatingPointError, match=r"loss is nan at epoch 1, batch 2, optimizer step 6: training "
                                                 r"stopped; the last good checkpoint, .*epoch_0001, is kept"):
        train.fit(model, loader, epochs=3, checkpoint_dir=tmp_path, device="cpu", progress=False)
    good = TinyNet()
    extra = train.load_checkpoint(tmp_path, good)
    assert extra["epoch"] == 1 and extra["step"] == 4
    assert all(torch.isfinite(v).all() for v in good.state_dict().values())


def test_checkpoint_is_atomic_and_checked(tmp_path, monkeypatch):
    model = TinyNet()
    opt = torch.optim.SGD(model.parameters(), lr=0.1)
    train.save_checkpoint(tmp_path / "ckpt", model, opt, epoch=1)
    saved = weights(model)

    def crash(obj, path):  # the machine dies while writing the state: a partial file, then nothing
        with open(path, "wb") as f:
            f.write(b"partial")
        raise OSError("disk gone")

    with torch.no_grad():
        model.head[2].weight.add_(1.0)
    monkeypatch.setattr(torch, "save", crash)
    with pytest.raises(OSError, match="disk gone"):
        train.save_checkpoint(tmp_path / "ckpt", model, opt, epoch=2)
    monkeypatch.undo()
    fresh = TinyNet()
    assert train.load_checkpoint(tmp_path / "ckpt", fresh, torch.optim.SGD(fresh.parameters(), lr=0.1))["epoch"] == 1
    assert all(torch.equal(v, saved[k]) for k, v in fresh.state_dict().items())

    other = TinyNet(num_classes=3)
    before = weights(other)
    with pytest.raises(RuntimeError, match=r"does not fit TinyNet \(the model is unchanged\).*head.2.weight: "
                                           r"\(4, 128\) in the file, \(3, 128\) in the model"):
        train.load_checkpoint(tmp_path / "ckpt", other)
    assert all(torch.equal(v, before[k]) for k, v in other.state_dict().items())
    with pytest.raises(FileNotFoundError, match="no checkpoint at"):
        train.load_checkpoint(tmp_path / "nothing", other)


def test_early_stopping_and_best(tmp_path):
    torch.manual_seed(0)
    loader = DataLoader(toy_data(16), batch_size=8)
    history = train.fit(TinyNet(norm=False), loader, loader, epochs=5, lr=0.0, patience=2, monitor="val_loss",
                        checkpoint_dir=tmp_path, device="cpu", progress=False)
    assert len(history) == 3  # lr 0: nothing improves after epoch 1
    assert (tmp_path / "best.safetensors").exists()
    with pytest.raises(ValueError, match="monitor 'val_acc' is not a metric; the metrics are .*val_top1"):
        train.fit(TinyNet(), loader, loader, epochs=1, monitor="val_acc", device="cpu")
    with pytest.raises(ValueError, match="with mixup, give label_smoothing to Mixup"):
        train.fit(TinyNet(), loader, epochs=1, label_smoothing=0.1, mixup=train.Mixup(4))
    with pytest.raises(ValueError, match="patience\\) needs a val_loader"):
        train.fit(TinyNet(), loader, epochs=1, patience=1)


def test_fit_prints_one_line_per_epoch_unless_quiet(capsys):
    torch.manual_seed(0)
    loader = DataLoader(toy_data(16), batch_size=8)
    history = train.fit(TinyNet(), loader, loader, epochs=2, device="cpu", progress=False)
    lines = capsys.readouterr().out.splitlines()
    assert len(lines) == 2 and lines[0].startswith("epoch 1/2  train_loss ") and lines[1].startswith("epoch 2/2")
    for line, record in zip(lines, history):
        assert f"val_top1 {record['val_top1']:.2f}" in line and f"val_loss {record['val_loss']:.4f}" in line
        assert f"lr {record['lr']:.2e}" in line and line.endswith(f"{record['time']:.1f}s")
    train.fit(TinyNet(), loader, epochs=1, device="cpu", progress=False, verbose=False)
    assert capsys.readouterr().out == ""


def test_progress_bars_use_tqdm_auto_in_a_terminal_or_a_notebook(monkeypatch):
    """tqdm.auto gives a widget in Jupyter and text elsewhere; by default a bar shows on a terminal or in
    a notebook (an IPython kernel is running), and not when the output is a file."""
    import sys

    import tqdm.auto

    made = []
    monkeypatch.setattr(tqdm.auto, "tqdm", lambda it, **kw: made.append(kw["desc"]) or it)
    monkeypatch.setattr(sys.stderr, "isatty", lambda: False)
    monkeypatch.delitem(sys.modules, "ipykernel", raising=False)
    data = [1, 2]
    assert train._progress(data, None, "epoch 0") is data and made == []
    monkeypatch.setitem(sys.modules, "ipykernel", object())
    assert list(train._progress(data, None, "epoch 0")) == data and made == ["epoch 0"]
    assert train._progress(data, False, "epoch 0") is data and made == ["epoch 0"]


def test_zoo_train_is_lazy():
    assert zoo.train is train and "train" in dir(zoo)


# ------------------------------------------------------------------------------------------ distributed

# spawn, not fork: a forked worker cannot run backward once its parent has run a torch.compile'd backward
# (autograd refuses "threading in combination with fork-based multiprocessing"), and which tests an xdist
# worker ran before these varies from run to run (CI failed so on 762fec5)
SAFE_START = "spawn"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _ddp_worker(rank: int, world: int, port: int, out: str):
    os.environ.update(MASTER_ADDR="127.0.0.1", MASTER_PORT=str(port), RANK=str(rank), WORLD_SIZE=str(world),
                      LOCAL_RANK=str(rank))
    torch.set_num_threads(1)
    torch.manual_seed(0)
    model = TinyNet(norm=False)
    data = toy_data(32)
    history = train.fit(model, DataLoader(data, batch_size=4), DataLoader(toy_data(12, seed=1), batch_size=5),
                        epochs=2, optimizer="sgd", lr=0.1, device="cpu", checkpoint_dir=f"{out}/ckpt", progress=False)
    torch.save({"weights": weights(model), "history": history}, f"{out}/rank{rank}.pt")
    torch.distributed.destroy_process_group()


def test_two_process_gloo_equals_one_process(tmp_path):
    import torch.multiprocessing as mp

    mp.start_processes(_ddp_worker, args=(2, _free_port(), str(tmp_path)), nprocs=2, start_method=SAFE_START)
    ranks = [torch.load(tmp_path / f"rank{r}.pt", weights_only=True) for r in (0, 1)]
    for k, v in ranks[0]["weights"].items():
        assert torch.equal(v, ranks[1]["weights"][k]), k

    torch.manual_seed(0)
    single = TinyNet(norm=False)  # the same global batches: 8 samples per step, in order
    history = train.fit(single, DataLoader(toy_data(32), batch_size=8), DataLoader(toy_data(12, seed=1), batch_size=5),
                        epochs=2, optimizer="sgd", lr=0.1, device="cpu", progress=False)
    for k, v in weights(single).items():
        torch.testing.assert_close(ranks[0]["weights"][k], v, rtol=1e-5, atol=1e-6)
    for ddp, one in zip(ranks[0]["history"], history):
        for key in ("train_loss", "val_loss", "val_top1", "val_top5"):
            assert ddp[key] == pytest.approx(one[key], rel=1e-5), key
    assert len((tmp_path / "ckpt" / "metrics.jsonl").read_text().splitlines()) == 2  # rank 0 only


def _fault_worker(rank: int, world: int, port: int, out: str, fault: str):
    """Rank 1 misbehaves (``fault``); every rank writes what ``fit`` raised."""
    import time

    os.environ.update(MASTER_ADDR="127.0.0.1", MASTER_PORT=str(port), RANK=str(rank), WORLD_SIZE=str(world),
                      LOCAL_RANK=str(rank))
    torch.set_num_threads(1)
    torch.manual_seed(0)
    loader = DataLoader(toy_data(32), batch_size=4)
    if fault == "nan" and rank == 1:
        loader = CrashingLoader(loader, epoch=0, batch=2, nan=True)
    start = time.perf_counter()
    try:
        if fault == "stall" and rank == 1:
            init_distributed(timeout=2)
            time.sleep(8)  # stalled: never joins a collective
            raise RuntimeError("stalled rank")
        timeout = 2 if fault == "stall" else 600
        train.fit(TinyNet(), loader, epochs=1, device="cpu", progress=False, dist_timeout=timeout,
                  sync_bn=fault == "sync_bn")
        message = "no error"
    except Exception as e:
        message = f"{type(e).__name__}: {e}"
    with open(f"{out}/rank{rank}.txt", "w") as f:
        f.write(f"{time.perf_counter() - start:.1f}\n{message}")
    os._exit(0)  # a timed-out process group cannot be torn down cleanly


@pytest.mark.parametrize("fault", ["nan", "stall", "sync_bn"])
def test_ddp_faults_are_named_and_never_hang(tmp_path, fault):
    import torch.multiprocessing as mp

    mp.start_processes(_fault_worker, args=(2, _free_port(), str(tmp_path), fault), nprocs=2,
                       start_method=SAFE_START)
    seconds, message = (tmp_path / "rank0.txt").read_text().split("\n", 1)
    if fault == "nan":  # both ranks stop together, and both name the rank and step
        for rank in (0, 1):
            text = (tmp_path / f"rank{rank}.txt").read_text()
            assert f"loss is nan on rank 1 (this is rank {rank}) at epoch 0, batch 2, optimizer step 2" in text, text
    elif fault == "stall":
        assert "dist_timeout=2" in message and "another rank stopped or hangs" in message, message
        assert float(seconds) < 30
    else:
        assert "sync_bn=True needs CUDA devices" in message, message


# ------------------------------------------------------------------------------------------ real data

def test_digits_reach_90_percent():
    from sklearn.datasets import load_digits

    digits = load_digits()
    x = (torch.tensor(digits.images, dtype=torch.float32)[:, None] / 16 - 0.3) / 0.4
    y = torch.tensor(digits.target)
    order = torch.randperm(len(y), generator=torch.Generator().manual_seed(0))
    held_out, fit_on = order[:400], order[400:]
    torch.manual_seed(0)
    model = ResNet(block="basic", layers=(1, 1, 1, 1), num_classes=10, in_chans=1)
    loader = DataLoader(TensorDataset(x[fit_on], y[fit_on]), batch_size=64, shuffle=True)
    val = DataLoader(TensorDataset(x[held_out], y[held_out]), batch_size=200)
    history = train.fit(model, loader, val, epochs=4, lr=2e-3, warmup_epochs=0.5, device="cpu", progress=False)
    assert history[-1]["val_top1"] >= 90.0, history


# ------------------------------------------------------------------------------------------ faults

def quick_fit(run_dir, crash_epoch=None, **kw):
    torch.manual_seed(0)
    model = TinyNet()
    loader = DataLoader(toy_data(16), batch_size=8, shuffle=True)
    if crash_epoch is not None:
        loader = CrashingLoader(loader, epoch=crash_epoch, batch=0)
    args = dict(epochs=2, checkpoint_dir=run_dir, device="cpu", progress=False)
    return model, train.fit(model, loader, DataLoader(toy_data(8, seed=1), batch_size=8), **{**args, **kw})


def test_a_folder_holding_a_run_is_refused_unless_resumed_or_overwritten(tmp_path):
    quick_fit(tmp_path)
    before = {p.name: p.stat().st_mtime_ns for p in tmp_path.rglob("*")}
    with pytest.raises(FileExistsError, match=r"holds a training run .*resume=.*overwrite=True"):
        quick_fit(tmp_path)
    assert before == {p.name: p.stat().st_mtime_ns for p in tmp_path.rglob("*")}  # nothing touched
    quick_fit(tmp_path, epochs=3, resume=tmp_path)
    assert [json.loads(x)["epoch"] for x in (tmp_path / "metrics.jsonl").read_text().splitlines()] == [1, 2, 3]
    quick_fit(tmp_path, epochs=1, overwrite=True)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["best.safetensors", "epoch_0001", "latest", "metrics.jsonl"]


def test_a_damaged_latest_checkpoint_is_named_and_the_previous_one_resumed(tmp_path):
    reference, ref_history = quick_fit(tmp_path / "ref", epochs=3)
    with pytest.raises(Interrupt):
        quick_fit(tmp_path / "run", epochs=3, crash_epoch=2)
    state = tmp_path / "run" / "epoch_0002" / "state.pt"
    state.write_bytes(state.read_bytes()[:1000])  # truncated
    with pytest.raises(CorruptCheckpointError, match=r"epoch_0002/state.pt is damaged"):
        quick_fit(tmp_path / "run", epochs=3, resume=tmp_path / "run", resume_fallback=False)
    with pytest.warns(UserWarning, match=r"epoch_0002/state.pt is damaged.*resuming from the previous .*epoch_0001"):
        model, history = quick_fit(tmp_path / "run", epochs=3, resume=tmp_path / "run")
    assert all(torch.equal(v, weights(reference)[k]) for k, v in weights(model).items())
    assert [{k: v for k, v in r.items() if k != "time"} for r in history] == [
        {k: v for k, v in r.items() if k != "time"} for r in ref_history]
    weights_file = tmp_path / "run" / "epoch_0003" / "model.safetensors"
    weights_file.write_bytes(weights_file.read_bytes()[:-8] + b"\0" * 8)  # same size, other bytes
    with pytest.raises(CorruptCheckpointError, match=r"epoch_0003/model.safetensors is damaged: its "
                                                                r"sha256 differs"):
        train.load_checkpoint(tmp_path / "run", TinyNet())


def test_a_checkpoint_resaved_under_its_name_survives_a_crash_between_the_renames(tmp_path, monkeypatch):
    model = TinyNet()
    train.save_checkpoint(tmp_path / "last", model, epoch=1)
    real = os.replace

    def replace(src, dst):
        if str(src).endswith("last.tmp"):  # after last → last.old, before last.tmp → last
            raise KeyboardInterrupt
        real(src, dst)

    monkeypatch.setattr(os, "replace", replace)
    with pytest.raises(KeyboardInterrupt):
        train.save_checkpoint(tmp_path / "last", model, epoch=2)
    monkeypatch.undo()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["last.old", "last.tmp"]
    assert train.load_checkpoint(tmp_path / "last", TinyNet())["epoch"] == 2
    assert sorted(p.name for p in tmp_path.iterdir()) == ["last"]


def test_the_log_is_valid_json(tmp_path):
    records = [{"epoch": 1, "val_loss": float("nan"), "lr": float("inf")}]
    run_dir.write_log(tmp_path / "log.jsonl", records)
    assert json.loads((tmp_path / "log.jsonl").read_text()) == {"epoch": 1, "val_loss": None, "lr": None}


def test_non_finite_parameters_are_never_a_good_checkpoint(tmp_path):
    loader = CrashingLoader(DataLoader(toy_data(32), batch_size=8), epoch=99, batch=0)
    torch.manual_seed(0)
    model = TinyNet()
    optimizer = torch.optim.SGD(model.parameters(), lr=0.1)
    calls = [0]

    def poison(closure=None):  # the second epoch's last step leaves an infinite weight; the loss stays finite
        calls[0] += 1
        if calls[0] == 8:
            with torch.no_grad():
                model.head[2].weight[0, 0] = float("inf")

    optimizer.register_step_post_hook(lambda opt, args, kwargs: poison())
    with pytest.raises(FloatingPointError, match=r"after epoch 2 \(optimizer step 8\) 1 tensors .*head.2.weight.*"
                                                 r"the last good checkpoint, .*epoch_0001, is kept"):
        train.fit(model, loader, epochs=3, optimizer=optimizer, checkpoint_dir=tmp_path, device="cpu", progress=False)
    good = TinyNet()
    assert train.load_checkpoint(tmp_path, good)["epoch"] == 1
    assert all(torch.isfinite(v).all() for v in good.state_dict().values())


@pytest.mark.parametrize("kw, message", [
    ({"accum_steps": 0}, "accum_steps must be an int >= 1, got 0"),
    ({"monitor": "val_acc"}, "monitor 'val_acc' is not a metric"),
    ({"lr": float("inf")}, "lr must be a finite number >= 0, got inf"),
    ({"keep_last": 0}, "keep_last must be an int >= 1"),
    ({"epochs": 2.0}, "epochs must be an int >= 1, got 2.0"),
])
def test_bad_arguments_fail_before_any_work(tmp_path, kw, message):
    model = TinyNet()
    before = weights(model)
    loader = DataLoader(toy_data(16), batch_size=8)
    with pytest.raises(ValueError, match=message):
        train.fit(model, loader, loader, **{"epochs": 1, "checkpoint_dir": tmp_path / "run", **kw})
    assert not (tmp_path / "run").exists() and all(torch.equal(v, before[k]) for k, v in weights(model).items())


def test_empty_loaders_and_unwritable_folders_fail_before_the_first_epoch(tmp_path):
    small = DataLoader(toy_data(4), batch_size=8, drop_last=True)
    with pytest.raises(ValueError, match=r"train_loader yields no batches \(4 samples, batch_size=8, drop_last=True\)"):
        train.fit(TinyNet(), small, epochs=1, device="cpu")
    with pytest.raises(ValueError, match="yields no batches"):
        train.fit(TinyNet(), DataLoader(toy_data(0), batch_size=8), epochs=1, device="cpu")
    (tmp_path / "file").write_text("")
    with pytest.raises(OSError, match=r"cannot write to .*file/run .*fit writes its checkpoints"):
        train.fit(TinyNet(), DataLoader(toy_data(8), batch_size=8), epochs=1, checkpoint_dir=tmp_path / "file" / "run")


def test_resuming_with_another_optimizer_or_ema_changes_nothing(tmp_path):
    quick_fit(tmp_path, epochs=1, optimizer="adamw", ema_decay=0.9)
    loader = DataLoader(toy_data(16), batch_size=8)
    for kw, message in [({"optimizer": "sgd", "ema_decay": 0.9}, "written with the optimizer AdamW; resuming with SGD"),
                        ({"optimizer": "adamw", "ema_decay": 0.99}, "ema_decay=0.9, not 0.99"),
                        ({"optimizer": "adamw"}, None)]:
        model = TinyNet()
        before = weights(model)
        if message is None:  # an EMA in the checkpoint, none asked for: resumed without it
            train.fit(model, loader, epochs=2, resume=tmp_path, checkpoint_dir=tmp_path, device="cpu", progress=False,
                      **kw)
            continue
        with pytest.raises(ValueError, match=message):
            train.fit(model, loader, epochs=2, resume=tmp_path, checkpoint_dir=tmp_path, device="cpu", **kw)
        assert all(torch.equal(v, before[k]) for k, v in weights(model).items())


def test_a_fit_folder_loads_with_create_model(tmp_path):
    torch.manual_seed(0)
    model = zoo.create_model("resnet18", num_classes=4, in_chans=1)
    loader = DataLoader(toy_data(8), batch_size=8)
    train.fit(model, loader, loader, epochs=1, checkpoint_dir=tmp_path, device="cpu", progress=False)
    for source in (tmp_path, tmp_path / "epoch_0001"):
        loaded = zoo.create_model(pretrained=source)
        assert loaded.num_classes == 4 and loaded.in_chans == 1
        for k, v in loaded.state_dict().items():
            assert torch.equal(v, model.state_dict()[k]), (source, k)
