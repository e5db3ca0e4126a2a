"""Inference throughput of the deployment paths for a zoo model, measured side by side in one process.

    pip install -e ".[bench]"
    python benchmarks/deploy.py                                         # every model, batch 8 and 1
    python benchmarks/deploy.py --models resnet50 --batches 8 --rounds 3 --png deploy.png

Paths: eager fp32, ``zoo.optimize`` fp32 and bf16 (its default ``backend="auto"``: on the CPU oneDNN Graph
and inductor are both built and raced, and the report line printed names the one kept), ONNX Runtime fp32,
and OpenVINO fp32 and bf16
(``INFERENCE_PRECISION_HINT``), all on the CPU with the same thread count and the same random weights (the
ONNX file both runtimes read is exported from the zoo model). Each round calls every path in turn for
``--seconds`` (the order rotates from round to round, so no path always runs first on a busy machine);
the median img/s over the rounds is printed, with the ratio to OpenVINO bf16 and the spread of the rounds
(the largest slowest-minus-fastest round over median of any path: how far the machine moved), and a bar chart
is written.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import textwrap
import time
import warnings
from pathlib import Path

# benchmarks/profile.py is named like the standard library's `profile`: keep this folder off the import path
sys.path = [p for p in sys.path if Path(p or ".").resolve() != Path(__file__).resolve().parent]

import torch  # noqa: E402

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))
import zoo  # noqa: E402
from zoo.hardware import describe  # noqa: E402
from zoo.optimizing import race  # noqa: E402

DEFAULT_MODELS = ["resnet50", "mobilenet_v3_large", "efficientnet_b0", "regnet_y_400mf", "convnext_tiny",
                  "vit_b_16", "swin_t"]
PATHS = ["eager fp32", "zoo.optimize fp32", "zoo.optimize bf16", "onnxruntime fp32", "openvino fp32",
         "openvino bf16"]
BASELINE = "openvino bf16"


def export_onnx(model: torch.nn.Module, x: torch.Tensor, path: Path) -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:  # the TorchScript exporter: quick and one file
            torch.onnx.export(model, (x,), str(path), dynamo=False, opset_version=17,
                              input_names=["x"], output_names=["logits"])
        except Exception:  # noqa: BLE001 — newer exporters only
            torch.onnx.export(model, (x,), str(path), dynamo=True, external_data=False)


def build_paths(name: str, batch: int, size: int | None, wanted: list[str], threads: int, workdir: Path):
    """{path: (call, setup seconds)} for one model at one batch size; a path that fails is reported and skipped."""
    model = zoo.create_model(name).eval()
    size = size or zoo.model_info(name).input_size[-1]
    x = torch.randn(batch, 3, size, size)
    runners: dict[str, tuple] = {}

    def add(path, setup):
        if path not in wanted:
            return
        start = time.perf_counter()
        try:
            call = setup()
            call()  # first call (compiles, allocates)
        except Exception as e:  # noqa: BLE001 — one failing path must not end the run
            print(f"  {path}: failed ({type(e).__name__}: {str(e).splitlines()[0][:160]})", flush=True)
            return
        runners[path] = (call, time.perf_counter() - start)

    def eager():
        def call():
            with torch.inference_mode():
                return model(x)
        return call

    def optimized(precision):
        def setup():
            with warnings.catch_warnings(record=True) as caught:
                warnings.simplefilter("always")
                fast = zoo.optimize(model, x, precision=precision)
            for w in caught:
                print(f"  zoo.optimize {precision}: {w.message}", flush=True)
            print(f"  {fast.report}".replace("\n", "\n  "), flush=True)
            return lambda: fast(x)
        return setup

    onnx_path = workdir / f"{name}_{batch}.onnx"

    def onnx_file():
        if not onnx_path.exists():
            export_onnx(model, x, onnx_path)
        return str(onnx_path)

    def ort():
        import onnxruntime as ort_

        opts = ort_.SessionOptions()
        opts.intra_op_num_threads = threads
        opts.inter_op_num_threads = 1
        session = ort_.InferenceSession(onnx_file(), opts, providers=["CPUExecutionProvider"])
        feed = {session.get_inputs()[0].name: x.numpy()}
        return lambda: session.run(None, feed)

    def openvino(precision):
        def setup():
            import openvino as ov

            core = ov.Core()
            compiled = core.compile_model(core.read_model(onnx_file()), "CPU", {
                "INFERENCE_PRECISION_HINT": precision, "INFERENCE_NUM_THREADS": threads,
                "PERFORMANCE_HINT": "LATENCY"})
            request = compiled.create_infer_request()
            data = x.numpy()
            return lambda: request.infer([data])
        return setup

    add("eager fp32", eager)
    add("zoo.optimize fp32", optimized("fp32"))
    add("zoo.optimize bf16", optimized("bf16"))
    add("onnxruntime fp32", ort)
    add("openvino fp32", openvino("f32"))
    add("openvino bf16", openvino("bf16"))
    return runners


def measure(runners: dict, batch: int, rounds: int, seconds: float) -> tuple[dict[str, float], float]:
    """Median img/s per path, and the run's spread: the largest (slowest − fastest round) / median of any path.
    Each round runs every path for ``seconds``, in an order rotated by the round (``zoo.optimize``'s own timer,
    the one it chooses its backend with)."""
    per_round: dict[str, list[float]] = {}
    per_call = race({n: call for n, (call, _) in runners.items()}, rounds=rounds, seconds=seconds,
                    per_round=per_round)
    spread = max(((max(v) - min(v)) / per_call[n] for n, v in per_round.items()), default=0.0)
    return {n: batch / s for n, s in per_call.items()}, spread


def chart(results: dict, png: Path, header: str) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    groups = list(results)
    paths = [p for p in PATHS if any(p in results[g] for g in groups)]
    fig, ax = plt.subplots(figsize=(max(6, 1.6 * len(groups)), 4.5))
    width = 0.8 / len(paths)
    for i, p in enumerate(paths):
        xs = [g + (i - (len(paths) - 1) / 2) * width for g in range(len(groups))]
        ax.bar(xs, [results[g].get(p, 0) for g in groups], width, label=p)
    ax.set_xticks(range(len(groups)), [f"{m}\nbatch {b}" for m, b in groups], fontsize=8)
    ax.set(ylabel="images / s (higher is better)", yscale="log")
    ax.set_title("\n".join(textwrap.wrap(header, 90)), fontsize=8)
    ax.legend(fontsize=7)
    ax.grid(axis="y", alpha=0.3)
    fig.tight_layout()
    fig.savefig(png, dpi=120)
    print(f"chart: {png}")


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--models", nargs="+", default=DEFAULT_MODELS)
    parser.add_argument("--batches", nargs="+", type=int, default=[8, 1])
    parser.add_argument("--paths", nargs="+", default=PATHS, choices=PATHS, metavar="PATH",
                        help=f"a subset of: {', '.join(repr(p) for p in PATHS)}")
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--seconds", type=float, default=1.0, help="time per path per round")
    parser.add_argument("--img-size", type=int, default=None, help="default: the model's own input size")
    parser.add_argument("--threads", type=int, default=torch.get_num_threads())
    parser.add_argument("--png", type=Path, default=Path("deploy.png"))
    args = parser.parse_args(argv)
    torch.set_num_threads(args.threads)

    versions = [f"torch {torch.__version__}"]
    for mod in ("onnxruntime", "openvino"):
        try:
            versions.append(f"{mod} {__import__(mod).__version__}")
        except ImportError:
            versions.append(f"{mod} not installed (pip install -e '.[bench]')")
    header = describe()
    print(header)
    print(", ".join(versions))
    results: dict[tuple[str, int], dict[str, float]] = {}
    spreads: dict[tuple[str, int], float] = {}
    with tempfile.TemporaryDirectory() as tmp:
        for name in args.models:
            for batch in args.batches:
                print(f"{name}, batch {batch}:", flush=True)
                runners = build_paths(name, batch, args.img_size, args.paths, args.threads, Path(tmp))
                for p, (_, setup) in runners.items():
                    print(f"  {p:18s} setup + first call {setup:6.1f} s", flush=True)
                rates, spreads[(name, batch)] = measure(runners, batch, args.rounds, args.seconds)
                results[(name, batch)] = rates
                base = rates.get(BASELINE)
                for p, v in rates.items():
                    ratio = f"{v / base:5.2f}x {BASELINE}" if base else ""
                    print(f"  {p:18s} {v:8.1f} img/s  {ratio}", flush=True)
                print(f"  spread of the rounds: up to {spreads[(name, batch)]:.0%} of a path's median", flush=True)
    print(f"\n| model | batch | {' | '.join(p for p in PATHS if p in args.paths)} | spread |")
    print("|---|---:|" + "---:|" * (len([p for p in PATHS if p in args.paths]) + 1))
    for (name, batch), rates in results.items():
        base = rates.get(BASELINE)
        cells = [(f"{rates[p]:.1f}" + (f" ({rates[p] / base:.2f}×)" if base else "")) if p in rates else "—"
                 for p in PATHS if p in args.paths]
        print(f"| {name} | {batch} | {' | '.join(cells)} | {spreads[(name, batch)]:.0%} |")
    if results:
        chart(results, args.png, header + "; " + ", ".join(versions))


if __name__ == "__main__":
    main()
