"""Which backbone for my budget? The chart of the README: every ImageNet-1k weight of the zoo, top-1
against GMACs, the Pareto front marked — drawn by the same code as ``python -m zoo compare --plot``.

    python benchmarks/pareto.py                        # docs/pareto.png and the front as Markdown
    python benchmarks/pareto.py --license permissive --out docs/pareto_permissive.png
    python benchmarks/pareto.py --measure --batch 32   # + latency and images/s on this machine

GMACs are counted by ``zoo.profile`` at each weight's own input size (a few minutes on 2 cores: every
distinct network once); top-1 is what each weight's source reports. Needs matplotlib (``zoo[plot]``).
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

# benchmarks/profile.py would shadow the standard library's `profile`, which torch imports
sys.path = [p for p in sys.path if Path(p or ".").resolve() != Path(__file__).resolve().parent]
ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

import zoo  # noqa: E402
import zoo.comparing  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--out", type=Path, default=ROOT / "docs" / "pareto.png")
    parser.add_argument("--license", help="'permissive' or a licence id (default: every weight)")
    parser.add_argument("--measure", action="store_true", help="measure latency and images/s here too")
    parser.add_argument("--batch", type=int, default=32)
    args = parser.parse_args()

    start = time.perf_counter()
    rows = zoo.compare(license=args.license, measure=args.measure, batch_size=args.batch)
    counted = time.perf_counter() - start
    scored = [r for r in rows if r.top1 is not None]
    args.out.parent.mkdir(parents=True, exist_ok=True)
    zoo.comparing.plot(rows, args.out, title=f"{len(scored)} ImageNet-1k weights of the zoo: top-1 against GMACs "
                                          f"(marker area grows with parameters)")
    front = sorted((r for r in rows if r.pareto), key=lambda r: r.macs)
    chart = args.out.relative_to(ROOT) if args.out.is_relative_to(ROOT) else args.out
    print(f"{len(rows)} weights ({len(scored)} with a reported top-1), {len({r.model for r in rows})} models; "
          f"counted in {counted:.0f} s; chart: {chart}")
    print(f"\nThe Pareto front ({len(front)} weights), cheapest first:\n")
    print(zoo.comparing.format_table(front, markdown=True))


if __name__ == "__main__":
    main()
