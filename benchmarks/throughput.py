"""Images/s of zoo vs timm vs torchvision for the same architecture, side by side in one process.

    python benchmarks/throughput.py                       # the default model list
    python benchmarks/throughput.py --models resnet50 --repeats 7

For every model, each peer that has the architecture is built with the same random weights' shapes;
calls alternate between the peers (zoo, timm, torchvision, then timm, torchvision, zoo, …) after a
warm-up, and the median time per call is reported: inference at batch 1 and 16 and one SGD training
step at batch 16, fp32 on the CPU. `ratio` is zoo / the faster peer (≥ 1.0: the zoo is not slower);
`noise` is the largest interquartile range over median of any peer's timings. Also printed: the time
of `import zoo` (after torch) and of `create_model("resnet50")`, next to timm's and torchvision's.
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import time
from pathlib import Path

# benchmarks/profile.py is named like the standard library's `profile`, which torch imports: keep this
# folder off the import path
sys.path = [p for p in sys.path if Path(p or ".").resolve() != Path(__file__).resolve().parent]

import torch  # noqa: E402

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))
import zoo  # noqa: E402
from zoo.hardware import describe  # noqa: E402

DEFAULT_MODELS = [
    "alexnet", "vgg16", "resnet50", "googlenet", "inception_v3", "mobilenet_v2", "mobilenet_v3_large",
    "mobilenet_v3_small", "efficientnet_b0", "mnasnet1_0", "regnet_y_400mf", "regnet_x_1_6gf", "vit_b_16",
    "swin_t", "convnext_tiny", "maxvit_t", "densenet121", "shufflenet_v2_x1_0", "squeezenet1_1", "efficientnet_lite0",
]
# torchvision builds these with auxiliary classifiers by default (a tuple in training, extra work):
# the zoo and timm build them without, so torchvision does too
TORCHVISION_KWARGS = {"googlenet": {"aux_logits": False, "init_weights": True},
                      "inception_v3": {"aux_logits": False, "init_weights": True}}


def peers(name: str) -> dict[str, callable]:
    """Builders for the zoo model and each reference library that has the same network."""
    import timm
    import torchvision

    info = zoo.model_info(name)
    out = {"zoo": lambda: zoo.create_model(name)}
    lib, _, ref = info.reference.partition(":")
    timm_names = set(timm.list_models())
    timm_name = ref if lib == "timm" else next((a for a in (name, *info.aliases) if a in timm_names), None)
    if timm_name:
        out["timm"] = lambda: timm.create_model(timm_name)
    if lib == "torchvision":
        out["torchvision"] = lambda: torchvision.models.get_model(ref, weights=None, **TORCHVISION_KWARGS.get(ref, {}))
    return out


def _infer(model, x):
    with torch.inference_mode():
        model(x)


def _train_step(model, x, y, opt):
    opt.zero_grad(set_to_none=True)
    torch.nn.functional.cross_entropy(model(x), y).backward()
    opt.step()


def _spread(times: list[float]) -> float:
    """Interquartile range over median of one peer's timings: how far apart two equal networks may land."""
    q1, _, q3 = statistics.quantiles(times, n=4)
    return (q3 - q1) / statistics.median(times)


def measure(name: str, batches=(1, 16), train_batch=16, warmup=2, repeats=5) -> list[dict]:
    builders = peers(name)
    size = zoo.model_info(name).input_size
    rows = []
    for mode, batch in [("infer", b) for b in batches] + [("train", train_batch)]:
        torch.manual_seed(0)
        models = {k: b().train(mode == "train") for k, b in builders.items()}
        if mode == "train":
            for m in models.values():  # dropout off: the same work for every peer
                for mod in m.modules():
                    if isinstance(mod, torch.nn.Dropout):
                        mod.p = 0.0
        x = torch.randn(batch, *size)
        y = torch.randint(0, 1000, (batch,))
        opts = {k: torch.optim.SGD(m.parameters(), lr=1e-4) for k, m in models.items()}
        times = {k: [] for k in models}
        order = list(models)
        for i in range(warmup + repeats):
            # alternate, so drift in machine load hits every peer alike, and rotate who goes first
            for k in order[i % len(order):] + order[:i % len(order)]:
                m = models[k]
                t = time.perf_counter()
                _infer(m, x) if mode == "infer" else _train_step(m, x, y, opts[k])
                if i >= warmup:
                    times[k].append(time.perf_counter() - t)
        ips = {k: batch / statistics.median(v) for k, v in times.items()}
        best_peer = max((v for k, v in ips.items() if k != "zoo"), default=None)
        rows.append({"model": name, "mode": mode, "batch": batch, **ips,
                     "ratio": ips["zoo"] / best_peer if best_peer else float("nan"),
                     "noise": max(_spread(v) for v in times.values())})
        del models, opts
    return rows


def startup_times() -> dict[str, float]:
    """Seconds for `import X` after torch, and for building resnet50, each in a fresh interpreter."""
    src = str(Path(__file__).resolve().parents[1] / "src")
    snippets = {
        "import zoo": "import zoo",
        "import timm": "import timm",
        "import torchvision": "import torchvision",
        "zoo.create_model('resnet50')": "import zoo; t0 = time.perf_counter(); zoo.create_model('resnet50')",
        "timm.create_model('resnet50')": "import timm; t0 = time.perf_counter(); timm.create_model('resnet50')",
        "torchvision resnet50()": "import torchvision; t0 = time.perf_counter(); torchvision.models.resnet50()",
    }
    out = {}
    for label, code in snippets.items():
        prog = f"import sys, time; sys.path.insert(0, {src!r}); import torch; t0 = time.perf_counter(); {code}; " \
               "print(time.perf_counter() - t0)"
        runs = [float(subprocess.run([sys.executable, "-c", prog], capture_output=True, text=True, check=True).stdout)
                for _ in range(3)]
        out[label] = statistics.median(runs)
    return out


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--models", nargs="+", default=DEFAULT_MODELS)
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--warmup", type=int, default=2)
    parser.add_argument("--threads", type=int, default=torch.get_num_threads())
    parser.add_argument("--no-startup", action="store_true", help="skip the import / create_model timings")
    args = parser.parse_args(argv)
    torch.set_num_threads(args.threads)
    print(f"{describe()}; fp32; median of {args.repeats} alternating runs after {args.warmup} warm-up\n")
    if not args.no_startup:
        print("| startup | seconds |\n|---|---:|")
        for label, sec in startup_times().items():
            print(f"| `{label}` | {sec:.3f} |")
        print()
    print("| model | mode | batch | zoo img/s | timm img/s | torchvision img/s | zoo / faster peer "
          "| noise (IQR / median) |")
    print("|---|---|---:|---:|---:|---:|---:|---:|")
    for name in args.models:
        for r in measure(name, warmup=args.warmup, repeats=args.repeats):
            cell = lambda k: f"{r[k]:.1f}" if k in r else "—"  # noqa: E731
            print(f"| {r['model']} | {r['mode']} | {r['batch']} | {cell('zoo')} | {cell('timm')} | "
                  f"{cell('torchvision')} | {r['ratio']:.2f} | {r['noise']:.0%} |", flush=True)


if __name__ == "__main__":
    main()
