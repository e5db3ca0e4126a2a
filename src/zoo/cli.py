"""``python -m zoo``: list models, show a model's facts, profile a model.

    python -m zoo list [PATTERN] [--family F]
    python -m zoo info NAME[.TAG]
    python -m zoo profile NAME [--input 3x299x299] [--batch 8] [--depth 2] [--train] [--markdown]
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
    return parser


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
        else:
            p = zoo.profile(args.name, args.input, batch_size=args.batch, depth=args.depth,
                            mode="train" if args.train else "eval")
            print(p.to_markdown() if args.markdown else p)
    except (ValueError, TypeError) as e:
        print(f"error: {e}", file=sys.stderr)
        return 2
    return 0
