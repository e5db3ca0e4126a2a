"""The fused layers, measured: each op against eager PyTorch (and torch.compile), then whole models.

    python benchmarks/fused.py                           # per-op table + models, on CUDA if present
    python benchmarks/fused.py --models resnet50 --batch 8 --repeats 5 --compile

Per op: median time of the unfused PyTorch sequence ("eager"), of the zoo.fused op ("fused": the
Triton kernel on CUDA, the fallback elsewhere) and of ``torch.compile`` of the eager sequence;
the bytes each call must move (computed from the shapes: every input read once, every output written
once) and the bandwidth that achieves. On a CPU the fused column is the fallback — the kernel figures
need a GPU.

Per model (eval, batch ``--batch`` at the catalog input size): images/s of the plain model, of
``create_model(..., fused=True)`` and of ``zoo.fuse(model)``, in fp32, and of the plain and fused
models under bf16 autocast with channels_last inputs and weights.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

# benchmarks/profile.py is named like the standard library's `profile`, which torch imports: keep this
# folder off the import path
sys.path = [p for p in sys.path if Path(p or ".").resolve() != Path(__file__).resolve().parent]

import torch  # noqa: E402
import torch.nn.functional as F  # noqa: E402

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))
import zoo  # noqa: E402
import zoo.fused as zf  # noqa: E402
from zoo.hardware import describe  # noqa: E402

MODELS = ["resnet50", "mobilenet_v3_large", "efficientnet_b0", "regnet_y_400mf", "convnext_tiny", "swin_t"]


def sync(device):
    if device.type == "cuda":
        torch.cuda.synchronize()


def median_time(fns: dict, device, warmup=2, repeats=10) -> dict:
    """Median seconds per call of each function, calls alternating between them."""
    with torch.inference_mode():
        for fn in fns.values():
            for _ in range(warmup):
                fn()
        sync(device)
        times = {k: [] for k in fns}
        for _ in range(repeats):
            for k, fn in fns.items():
                t = time.perf_counter()
                fn()
                sync(device)
                times[k].append(time.perf_counter() - t)
    return {k: statistics.median(v) for k, v in times.items()}


# ---------------------------------------------------------------------------------------------- per op


def op_cases(device, dtype):
    """(name, eager fn, fused fn, bytes moved) for shapes from the networks the ops serve."""
    r = lambda *s: torch.randn(*s, device=device, dtype=dtype)  # noqa: E731
    n = 32 if device.type == "cuda" else 8  # batch
    cl = torch.channels_last
    cases = []

    x, res = r(n, 256, 56, 56).to(memory_format=cl), r(n, 256, 56, 56).to(memory_format=cl)
    w, b, m, v = (torch.rand(256, device=device) + 0.5 for _ in range(4))
    scale, shift = w * torch.rsqrt(v + 1e-5), b - m * w * torch.rsqrt(v + 1e-5)
    cases.append((f"bn+add+relu (ResNet tail) {n}x256x56x56 CL",
                  lambda: F.relu(F.batch_norm(x, m, v, w, b, False, 0.0, 1e-5) + res),
                  lambda: zf.affine_act(x, scale, shift, act="relu", residual=res, residual_in_act=True),
                  3 * x.numel() * x.element_size()))
    y = r(n, 240, 28, 28)
    cases.append((f"bn+hardswish (MobileNetV3) {n}x240x28x28",
                  lambda: F.hardswish(F.batch_norm(y, m[:1].expand(240), v[:1].expand(240), None, None, False, 0.0,
                                                   1e-5)),
                  lambda: zf.affine_act(y, scale[:1].expand(240), shift[:1].expand(240), act="hardswish"),
                  2 * y.numel() * y.element_size()))

    t, sc = r(n, 96, 56, 56).to(memory_format=cl), r(n, 96, 56, 56).to(memory_format=cl)
    lw, lb, g = (torch.rand(96, device=device) for _ in range(3))
    cases.append((f"LayerNorm2d+scale+add (ConvNeXt) {n}x96x56x56 CL",
                  lambda: sc + g[:, None, None] * F.layer_norm(t.permute(0, 2, 3, 1), (96,), lw, lb, 1e-6)
                  .permute(0, 3, 1, 2),
                  lambda: zf.layer_norm(t, lw, lb, 1e-6, channel_dim=1, gamma=g, residual=sc),
                  3 * t.numel() * t.element_size()))
    tok = r(n, 3136, 96)
    cases.append((f"LayerNorm rows (Swin) {n}x3136x96",
                  lambda: F.layer_norm(tok, (96,), lw, lb, 1e-5),
                  lambda: zf.layer_norm(tok, lw, lb, 1e-5),
                  2 * tok.numel() * tok.element_size()))

    s, logits = r(n, 480, 14, 14), r(n, 480)
    cases.append((f"SE gate (EfficientNet) {n}x480x14x14",
                  lambda: s * torch.sigmoid(logits)[:, :, None, None],
                  lambda: zf.se_gate(s, logits, "sigmoid"),
                  2 * s.numel() * s.element_size()))

    q, k, vv = (r(n * 64, 3, 49, 32) for _ in range(3))
    table = torch.randn(169, 3, device=device)
    index = torch.randint(0, 169, (49, 49), device=device)
    mask = torch.where(torch.rand(64, 49, 49, device=device) > 0.5, 0.0, -100.0)
    def eager_attn():  # as Swin computes it: the bias gathered from its table at every call
        bias = table[index.reshape(-1)].reshape(49, 49, 3).permute(2, 0, 1)
        a = (q * 32 ** -0.5) @ k.transpose(-2, -1) + bias.unsqueeze(0)
        a = (a.view(n, 64, 3, 49, 49) + mask.unsqueeze(1).unsqueeze(0)).view(-1, 3, 49, 49)
        return a.softmax(-1) @ vv

    cases.append((f"window attention (Swin-T stage 1) {n * 64}x3x49x32",
                  eager_attn, lambda: zf.window_attention(q, k, vv, table, index, mask),
                  4 * q.numel() * q.element_size()))
    return cases


def bench_ops(device, dtype, compile_eager: bool, repeats: int):
    print(f"\n## Per op — {describe(device)}, "
          f"{str(dtype).removeprefix('torch.')}, fused column = "
          f"{'Triton kernel' if zf.use_kernel(torch.empty(0, device=device)) else 'PyTorch fallback'}\n")
    print("| op | MB moved | eager ms | fused ms | compile ms | fused GB/s | fused / eager |")
    print("|---|---:|---:|---:|---:|---:|---:|")
    for name, eager, fused, nbytes in op_cases(device, dtype):
        fns = {"eager": eager, "fused": fused}
        if compile_eager:
            fns["compile"] = torch.compile(eager)
        t = median_time(fns, device, repeats=repeats)
        comp = f"{t['compile'] * 1e3:.2f}" if "compile" in t else "–"
        print(f"| {name} | {nbytes / 1e6:.0f} | {t['eager'] * 1e3:.2f} | {t['fused'] * 1e3:.2f} | {comp} | "
              f"{nbytes / t['fused'] / 1e9:.1f} | {t['eager'] / t['fused']:.2f}× |")
    if device.type != "cuda":
        print("\nThe Triton kernels need an NVIDIA GPU: kernel times and bandwidth are GPU figures, not measured here.")


# ---------------------------------------------------------------------------------------------- models


def bench_models(names, device, batch, repeats):
    print(f"\n## Whole models — eval, batch {batch}, images/s on {device.type} "
          f"({torch.get_num_threads()} threads)\n")
    print("| model | plain fp32 | fused=True | zoo.fuse | fuse speedup | plain bf16+CL | zoo.fuse bf16+CL | "
          "bf16+CL speedup (vs plain fp32) |")
    print("|---|---:|---:|---:|---:|---:|---:|---:|")
    cl = torch.channels_last
    for name in names:
        if name not in zoo.list_models():
            print(f"| {name} | not registered yet | | | | | | |")
            continue
        torch.manual_seed(0)
        plain = zoo.create_model(name).eval().to(device)
        fused_blocks = zf.use_fused(zoo.create_model(name).eval().to(device))
        fused_blocks.load_state_dict(plain.state_dict())
        folded = zoo.fuse(plain)
        plain_cl = zoo.create_model(name).eval().to(device, memory_format=cl)
        plain_cl.load_state_dict(plain.state_dict())
        folded_cl = zoo.fuse(plain).to(memory_format=cl)
        x = torch.randn(batch, *zoo.model_info(name).input_size, device=device)
        xcl = x.to(memory_format=cl)

        def bf16(model):
            def run():
                with torch.autocast(device.type, dtype=torch.bfloat16):
                    model(xcl)
            return run

        t = median_time({"plain": lambda: plain(x), "fused": lambda: fused_blocks(x), "fuse": lambda: folded(x),
                         "plain_bf16": bf16(plain_cl), "fuse_bf16": bf16(folded_cl)}, device, warmup=1,
                        repeats=repeats)
        ips = {k: batch / v for k, v in t.items()}
        print(f"| {name} | {ips['plain']:.1f} | {ips['fused']:.1f} | {ips['fuse']:.1f} | "
              f"{t['plain'] / t['fuse']:.2f}× | {ips['plain_bf16']:.1f} | {ips['fuse_bf16']:.1f} | "
              f"{t['plain'] / t['plain_bf16']:.2f}× / {t['plain'] / t['fuse_bf16']:.2f}× |")


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--models", nargs="*", default=MODELS)
    p.add_argument("--batch", type=int, default=None, help="default: 64 on CUDA, 8 on the CPU")
    p.add_argument("--repeats", type=int, default=5)
    p.add_argument("--compile", action="store_true", help="also torch.compile each eager op (default on CUDA)")
    p.add_argument("--no-ops", action="store_true")
    p.add_argument("--dtype", default=None, help="per-op dtype: float32, float16, bfloat16 (default fp16 on CUDA)")
    args = p.parse_args(argv)
    device = torch.device("cuda" if torch.cuda.is_available() else "cpu")
    dtype = getattr(torch, args.dtype) if args.dtype else (torch.float16 if device.type == "cuda" else torch.float32)
    print(f"torch {torch.__version__}, triton {'installed' if zf.triton_available() else 'absent'}, "
          f"kernels {'on' if zf.enabled() else 'off (ZOO_FUSED=0)'}")
    if not args.no_ops:
        bench_ops(device, dtype, args.compile or device.type == "cuda", args.repeats)
    if args.models:
        bench_models(args.models, device, args.batch or (64 if device.type == "cuda" else 8), args.repeats)


if __name__ == "__main__":
    main()
