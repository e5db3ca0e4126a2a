"""``python -m zoo``: list models, show a model's facts, profile a model, compare the pretrained weights.

    python -m zoo list [PATTERN] [--family F]
    python -m zoo info NAME[.TAG]
    python -m zoo profile NAME [--input 3x299x299] [--batch 8] [--depth 2] [--train] [--markdown]
    python -m zoo compare [PATTERN] [--family F] [--max-gmacs G] [--max-params M] [--min-top1 T]
                          [--license permissive] [--sort top1] [--front] [--measure [--batch 32]] [--plot out.png]
"""

from __future__ import annotations

import argparse
import sys


def _input_size(text: str) -> tuple[int, ...]:
    """``3x299x299`` → (3, 299, 299); ``299`` → (3, 299, 299)."""
    try:
        sizes = tuple(int(s) for s in text.lower().split("x"))
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected an input size like 3x224x224 or 224, got {text!r}") from None
    if len(sizes) == 1:
        sizes = (3, *sizes, *sizes)
    if len(sizes) != 3 or min(sizes) < 1:
        raise argparse.ArgumentTypeError(f"expected an input size like 3x224x224 or 224, got {text!r}")
    return sizes


def _weights_table(weights) -> str:
    """One row per weight: tag, input size, ImageNet-1k top-1/top-5, licence, download size, source."""
    header = ("tag", "input", "top-1", "top-5", "licence", "MB", "from")

    def cell(value, fmt="{}"):
        return "-" if value is None else fmt.format(value)

    rows = [(("* " if w["default"] else "  ") + w["tag"], cell(w["input_size"][-1]), cell(w["top1"], "{:.2f}"),
             cell(w["top5"], "{:.2f}"), w["license"] or "-", cell(w["file_mb"], "{:.1f}"),
             "url" if w["source"].startswith(("http://", "https://")) else "hf-hub")
            for w in weights]
    widths = [max(len(r[i]) for r in [("  " + header[0], *header[1:]), *rows]) for i in range(len(header))]
    right = {1, 2, 3, 5}  # numbers line up on the right
    lines = []
    for row in [("  " + header[0], *header[1:]), *rows]:
        lines.append("  ".join(c.rjust(w) if i in right else c.ljust(w) for i, (c, w) in enumerate(zip(row, widths))))
    return "\n".join(line.rstrip() for line in lines)


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m zoo", description=__doc__.split("\n")[0])
    commands = parser.add_subparsers(dest="command", required=True)
    ls = commands.add_parser("list", help="model names (fnmatch pattern, e.g. 'resnet*')")
    ls.add_argument("pattern", nargs="?", default="*")
    ls.add_argument("--family")
    info = commands.add_parser("info", help="a model's catalog facts (paper, input size, params, MACs) and a table of "
                                            "its pretrained weights; NAME.TAG shows one weight")
    info.add_argument("name")
    prof = commands.add_parser("profile", help="count params, MACs/FLOPs and memory; print the per-module table")
    prof.add_argument("name")
    prof.add_argument("--input", type=_input_size, default=None, metavar="CxHxW",
                      help="input size (default: the model's, from the catalog)")
    prof.add_argument("--batch", type=int, default=1)
    prof.add_argument("--depth", type=int, default=2, help="depth of the per-module table (default 2)")
    prof.add_argument("--train", action="store_true", help="train mode: forward and backward")
    prof.add_argument("--markdown", action="store_true", help="print a Markdown table")
    cmp = commands.add_parser("compare", help="every pretrained weight: top-1/5, params, GMACs, licence, "
                                              "the Pareto front (*); --measure adds speed here")
    cmp.add_argument("pattern", nargs="?", default="*", help="fnmatch pattern on model.tag or the model name")
    cmp.add_argument("--family", action="append", help="keep this family (repeatable)")
    cmp.add_argument("--max-gmacs", type=float, metavar="G", help="at most G GMACs at the weight's input size")
    cmp.add_argument("--max-params", type=float, metavar="M", help="at most M million parameters")
    cmp.add_argument("--min-top1", type=float, metavar="T", help="ImageNet-1k top-1 of at least T %%")
    cmp.add_argument("--license", metavar="L", help="'permissive' (Apache-2.0, MIT, BSD) or a licence id")
    cmp.add_argument("--sort", default="top1", help="top1 (default), top5, gmacs, params, latency, throughput, name")
    cmp.add_argument("--front", action="store_true", help="only the Pareto front")
    cmp.add_argument("--measure", action="store_true", help="measure latency (batch 1) and images/s here")
    cmp.add_argument("--batch", type=int, default=32, help="batch size of the images/s measurement (default 32)")
    cmp.add_argument("--device", default="cpu", help="device to measure on (default cpu)")
    cmp.add_argument("--threads", type=int, help="CPU threads while measuring")
    cmp.add_argument("--plot", metavar="PNG", help="draw top-1 against GMACs to this file (needs zoo[plot])")
    cmp.add_argument("--markdown", action="store_true", help="print a Markdown table")
    return parser


def _compare(args) -> None:
    from zoo import comparing as compare

    rows = compare.compare(
        args.pattern, family=args.family, max_gmacs=args.max_gmacs,
        max_params=None if args.max_params is None else int(args.max_params * 1e6), min_top1=args.min_top1,
        license=args.license, sort=args.sort, measure=args.measure, batch_size=args.batch, device=args.device,
        threads=args.threads,
    )
    if not rows:
        raise ValueError("no weight passes these filters")
    if args.plot:
        compare.plot(rows, args.plot)  # the front in context: every row drawn
    shown = [r for r in rows if r.pareto] if args.front else rows
    print(compare.format_table(shown, markdown=args.markdown))
    if args.plot:
        print(f"chart written to {args.plot}", file=sys.stderr)


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    import zoo

    try:
        if args.command == "list":
            for name in zoo.list_models(args.pattern, family=args.family):
                print(name)
        elif args.command == "info":
            info = zoo.model_info(args.name)
            facts = {
                "name": info.name, "family": info.family, "paper": info.paper,
                "input": "x".join(map(str, info.input_size)),
                "params": f"{info.params:,}" if info.params is not None else "-",
                "GMACs": info.gmacs if info.gmacs is not None else "-",
                "top-1": info.top1 if info.top1 is not None else "-",
                "reference": info.reference or "-", "aliases": ", ".join(info.aliases) or "-",
                "registered": "yes" if info.name in zoo.list_models() else "no",
            }
            width = max(map(len, facts))
            for key, value in facts.items():
                print(f"{key:<{width}}  {value}")
            if info.pretrained:
                print("\npretrained weights (pretrained=True loads the one marked *; others by tag):")
                print(_weights_table(info.pretrained))
        elif args.command == "compare":
            _compare(args)
        else:
            p = zoo.profile(args.name, args.input, batch_size=args.batch, depth=args.depth,
                            mode="train" if args.train else "eval")
            print(p.to_markdown() if args.markdown else p)
    except (ValueError, TypeError, ImportError) as e:
        print(f"error: {e}", file=sys.stderr)
        return 2
    return 0
