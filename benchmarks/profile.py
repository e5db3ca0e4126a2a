"""How fast and how right is ``zoo.profile``? Two tables, printed as Markdown for the README.

    python benchmarks/profile.py                          # both parts, default comparison models
    python benchmarks/profile.py --timing-only            # part 1 only
    python benchmarks/profile.py --compare resnet50 vit_b_16 swin_t --no-timing

1. Time of ``zoo.profile(name)`` for every registered model at its catalog input size (building the
   model on the meta device included): the first call in the process and the median of the next ones.
2. GMACs (and parameters) of the reference implementations (models.csv's torchvision/timm models),
   counted by the zoo and by fvcore, thop, ptflops and ``torch.utils.flop_counter.FlopCounterMode``
   (whose FLOPs are halved to MACs), next to the published numbers. The peers run the way their users
   run them: a real CPU forward of one image under ``no_grad``. ``✗`` marks a count that does not
   round to the published one (3 decimals of GMACs, parameters exactly).

The peers are a benchmark-only dependency: ``pip install -e ".[bench]"``.
"""

from __future__ import annotations

import argparse
import contextlib
import io
import os
import statistics
import sys
import time
import warnings
from pathlib import Path

# this file is named like the standard library's `profile`, which torch imports (through cProfile):
# keep its folder off the import path
sys.path = [p for p in sys.path if Path(p or ".").resolve() != Path(__file__).resolve().parent]

import torch  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(ROOT / "tests"))
import zoo  # noqa: E402

DEFAULT_COMPARE = [
    "alexnet", "vgg16", "googlenet", "inception_v3", "resnet50", "resnext50_32x4d", "mobilenet_v2",
    "mobilenet_v3_large", "efficientnet_b0", "regnet_y_400mf", "vit_b_16", "vit_s_16", "swin_t", "swin_v2_t",
    "convnext_tiny",
]


def _csv_rows() -> dict[str, dict]:
    from test_profile_reference import ROWS  # models.csv, or the same facts from the catalog

    return ROWS


# ---------------------------------------------------------------------------------------------- part 1


def time_zoo(names: list[str], repeats: int, references: dict[str, dict] | None = None) -> list[dict]:
    """Wall and CPU seconds per call: on a shared machine the CPU time is what the call costs unloaded.

    ``references``: rows of models.csv whose reference implementation is profiled (built once, outside the
    timing), for the families the zoo does not have yet.
    """
    from test_profile_reference import reference_model

    jobs = [(name, lambda name=name: zoo.profile(name)) for name in names]
    for name, row in (references or {}).items():
        model, size = _quiet(lambda: reference_model(row)), int(row["input"])
        jobs.append((f"{name} (reference {row['ref_lib']})", lambda m=model, s=size: zoo.profile(m, (3, s, s))))
    rows = []
    for name, run in jobs:
        t, c = time.perf_counter(), time.process_time()
        p = run()
        first = time.perf_counter() - t
        wall, cpu = [], []
        for _ in range(repeats):
            t, c = time.perf_counter(), time.process_time()
            run()
            wall.append(time.perf_counter() - t)
            cpu.append(time.process_time() - c)
        rows.append({"model": name, "input": "x".join(map(str, p.input_shape[1:])), "params": p.params,
                     "gmacs": p.macs / 1e9, "first_s": first, "wall_s": statistics.median(wall),
                     "cpu_s": statistics.median(cpu)})
        print(f"  {name:24s} first {first:.3f} s, wall {rows[-1]['wall_s']:.3f} s, cpu {rows[-1]['cpu_s']:.3f} s",
              file=sys.stderr)
    return rows


# ---------------------------------------------------------------------------------------------- part 2


def _quiet(fn):
    with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(io.StringIO()), \
            warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return fn()


def count_zoo(model, x):
    p = zoo.profile(model, tuple(x.shape[1:]))
    return p.macs, p.params - p.unused_param_count


def count_fvcore(model, x):
    from fvcore.nn import FlopCountAnalysis, parameter_count

    analysis = FlopCountAnalysis(model, x)
    analysis.unsupported_ops_warnings(False).uncalled_modules_warnings(False)
    return analysis.total(), parameter_count(model)[""]


def count_thop(model, x):
    import thop

    macs, params = thop.profile(model, inputs=(x,), verbose=False)
    return macs, params


def count_ptflops(model, x):
    from ptflops import get_model_complexity_info

    return get_model_complexity_info(model, tuple(x.shape[1:]), as_strings=False, print_per_layer_stat=False,
                                     verbose=False)


def count_flop_counter_mode(model, x):
    from torch.utils.flop_counter import FlopCounterMode

    with FlopCounterMode(display=False) as mode:
        model(x)
    return mode.get_total_flops() / 2, None


COUNTERS = {"zoo": count_zoo, "fvcore": count_fvcore, "thop": count_thop, "ptflops": count_ptflops,
            "FlopCounterMode": count_flop_counter_mode}


def compare(names: list[str], rows: dict[str, dict]) -> list[dict]:
    from test_profile_reference import reference_model

    out = []
    for name in names:
        row = rows[name]
        size = int(row["input"])
        with torch.device("cpu"):
            model = _quiet(lambda: _real(reference_model(row))).eval()
        x = torch.randn(1, 3, size, size)
        result = {"model": name, "input": size, "gmacs": float(row["gmacs"]), "params": int(row["params"])}
        for tool, count in COUNTERS.items():
            t = time.perf_counter()
            try:
                with torch.no_grad():
                    macs, params = _quiet(lambda: count(model, x))
                result[tool] = (float(macs) / 1e9, None if params is None else int(params), time.perf_counter() - t)
            except Exception as e:  # a peer that cannot count this model is a result too
                result[tool] = (None, None, f"{type(e).__name__}")
        print(f"  {name}: " + ", ".join(f"{k} {_g(result[k][0])}" for k in COUNTERS), file=sys.stderr)
        out.append(result)
    return out


def _real(model):
    """The reference was built on meta (no init cost); give it real (random) weights on the CPU."""
    return model.to_empty(device="cpu").apply(_reset)


def _reset(module):
    if hasattr(module, "reset_parameters") and callable(module.reset_parameters):
        module.reset_parameters()
    for name, buf in module.named_buffers(recurse=False):  # index tables (Swin) must hold valid indices
        if not buf.is_floating_point():
            buf.zero_()


def _g(v):
    return "error" if v is None else f"{v:.3f}"


# ---------------------------------------------------------------------------------------------- output


def print_timing(rows: list[dict]) -> None:
    print("### Time of `zoo.profile(name)` per model (model built on the meta device and counted, batch 1)\n")
    print("First call of the process (PyTorch imports its meta kernels once), then the median of the next calls:")
    print("wall time and CPU time of the process (on a shared machine, CPU time is the unloaded cost).\n")
    print("| model | input | params | GMACs | first call (s) | wall (s) | CPU (s) |")
    print("|---|---|---:|---:|---:|---:|---:|")
    for r in rows:
        print(f"| `{r['model']}` | {r['input']} | {r['params']:,} | {r['gmacs']:.3f} | {r['first_s']:.3f} | "
              f"{r['wall_s']:.3f} | {r['cpu_s']:.3f} |")
    if rows:
        print(f"\nslowest: wall {max(r['wall_s'] for r in rows):.3f} s, CPU {max(r['cpu_s'] for r in rows):.3f} s; "
              f"median: wall {statistics.median(r['wall_s'] for r in rows):.3f} s, "
              f"CPU {statistics.median(r['cpu_s'] for r in rows):.3f} s\n")


def print_comparison(results: list[dict]) -> None:
    tools = list(COUNTERS)
    print("### GMACs: published vs counters (reference implementations, batch 1; ✗: does not round to the published)\n")
    print("| model | input | published | " + " | ".join(tools) + " |")
    print("|---|---:|---:|" + "---:|" * len(tools))
    for r in results:
        cells = []
        for tool in tools:
            macs = r[tool][0]
            cells.append("error" if macs is None else f"{macs:.3f}" + ("" if round(macs, 3) == r["gmacs"] else " ✗"))
        print(f"| `{r['model']}` | {r['input']} | {r['gmacs']:.3f} | " + " | ".join(cells) + " |")
    counted = [t for t in tools if any(r[t][1] is not None for r in results)]
    print("\n### Parameters (M): published vs counters\n")
    print("| model | published | " + " | ".join(counted) + " |")
    print("|---|---:|" + "---:|" * len(counted))
    for r in results:
        cells = [("error" if r[t][1] is None else f"{r[t][1] / 1e6:.3f}" + ("" if r[t][1] == r["params"] else " ✗"))
                 for t in counted]
        print(f"| `{r['model']}` | {r['params'] / 1e6:.3f} | " + " | ".join(cells) + " |")
    print("\n### Seconds per count (CPU forward for the peers; meta for the zoo)\n")
    print("| model | " + " | ".join(tools) + " |")
    print("|---|" + "---:|" * len(tools))
    for r in results:
        cells = [f"{r[t][2]:.2f}" if isinstance(r[t][2], float) else r[t][2] for t in tools]
        print(f"| `{r['model']}` | " + " | ".join(cells) + " |")
    print()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--models", nargs="*", help="models to time (default: every registered model)")
    parser.add_argument("--compare", nargs="*", help=f"models to compare (default: {' '.join(DEFAULT_COMPARE)})")
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--reference-timing", nargs="*", default=["vit_h_14", "swin_v2_b", "nasnet_a_large"],
                        help="also time zoo.profile on these models' reference implementations, if not registered")
    parser.add_argument("--timing-only", action="store_true")
    parser.add_argument("--no-timing", action="store_true")
    args = parser.parse_args()
    torch.set_num_threads(max(1, min(4, torch.get_num_threads())))
    rows = _csv_rows()
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    print(f"torch {torch.__version__}, {torch.get_num_threads()} threads, {os.cpu_count()} CPUs, load average {load:.1f}\n")
    if not args.no_timing:
        registered = set(zoo.list_models())
        references = {n: rows[n] for n in args.reference_timing if n in rows and n not in registered}
        print_timing(time_zoo(args.models or zoo.list_models(), args.repeats, references))
    if not args.timing_only:
        names = args.compare or DEFAULT_COMPARE
        unknown = [n for n in names if n not in rows]
        if unknown:
            raise SystemExit(f"not in models.csv: {', '.join(unknown)}")
        print_comparison(compare(names, rows))


if __name__ == "__main__":
    main()
