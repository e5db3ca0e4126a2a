"""Which backbone for my budget? Every catalogued weight with its accuracy, size and cost, and the front.

    rows = zoo.compare(max_gmacs=5, license="permissive")      # filtered, sorted by top-1
    [r.weight for r in rows if r.pareto]                      # the accuracy/cost front
    zoo.compare(family="resnet", measure=True)                # + latency and images/s on this machine
    zoo.compare.plot(rows, "pareto.png")                      # top-1 against GMACs (needs zoo[plot])
    print(zoo.compare.format_table(rows))                     # what ``python -m zoo compare`` prints

Accuracy (top-1, top-5) and licence are the weights' own, from the catalog. Parameters and GMACs are
counted by ``zoo.profile`` on the meta device for the network each weight was trained in (its own input
size and architecture keywords), not copied from anywhere; counts are cached per (model, input size,
keywords) in the process, so the full table costs each distinct network once.

The Pareto front: a weight is on it when no other weight in the table is at least as accurate and at
most as costly (GMACs), and better in one of the two. It is taken over the rows shown, so a filter
gives the front of that choice (``family="mobilenet"``: the best MobileNet for each budget).
"""

from __future__ import annotations

import csv
import functools
import json
import math
import sys
from dataclasses import asdict, dataclass
from importlib import resources
from pathlib import Path
from typing import Any, Iterable

__all__ = ["compare", "Row", "format_table", "plot", "reported_accuracy", "SORT_KEYS"]


@dataclass(frozen=True)
class Row:
    """One weight: what it scores, what it costs, and (with ``measure=True``) how fast it runs here."""

    weight: str  # "model.tag"
    model: str
    family: str
    input_size: int  # the side of the (square) input the weight was evaluated at
    top1: float | None  # ImageNet-1k, as the weights' source reports it
    top5: float | None
    params: int  # the inference network (auxiliary heads that do not run are left out)
    macs: int  # at input_size, batch 1
    license: str
    permissive: bool
    pareto: bool = False
    latency_ms: float | None = None  # median, batch 1
    images_per_s: float | None = None  # at ``batch_size``
    batch_size: int | None = None

    @property
    def gmacs(self) -> float:
        return self.macs / 1e9

    def to_dict(self) -> dict[str, Any]:
        return {**asdict(self), "gmacs": self.gmacs}


# how each sort key orders rows; missing values go last
SORT_KEYS = {
    "top1": lambda r: -r.top1 if r.top1 is not None else None,
    "top5": lambda r: -r.top5 if r.top5 is not None else None,
    "gmacs": lambda r: r.macs,
    "params": lambda r: r.params,
    "latency": lambda r: r.latency_ms,
    "throughput": lambda r: -r.images_per_s if r.images_per_s is not None else None,
    "name": lambda r: r.weight,
}


# ---------------------------------------------------------------------------------------------- the facts


def _number(value: str | float | None) -> float | None:
    """A reported figure, or None where there is none (empty, or ``nan`` as some sources write it)."""
    number = float(value) if value not in (None, "") else None
    return None if number is None or math.isnan(number) else number


def _reference_table() -> dict[tuple[str, str], dict[str, str]]:
    """``shared/reference/weights.csv`` beside a source checkout (as ``tools/weights_catalog.py`` finds
    it), for the columns a catalog generated before they existed lacks; empty in an installed package."""
    here = Path(__file__).resolve()
    for parent in here.parents:
        path = parent / "shared" / "reference" / "weights.csv"
        if path.is_file():
            with path.open(newline="") as f:
                return {(r.get("model") or r.get("name"), r["tag"]): r for r in csv.DictReader(f)}
    return {}


@functools.cache
def _weight_columns() -> dict[tuple[str, str], dict[str, str]]:
    """The catalog's rows by (model, tag), read by column name; a figure the catalog lacks (a ``top5``
    column, an empty ``top1``) comes from the reference table where one is at hand."""
    text = resources.files("zoo.catalog").joinpath("weights.csv").read_text()
    table = {(r.get("model") or r.get("name"), r["tag"]): r for r in csv.DictReader(text.splitlines())}
    wanted = ("top1", "top5", "license")
    if any(not row.get(c) for row in table.values() for c in wanted):
        reference = _reference_table()
        for key, row in table.items():
            for column in wanted:
                if not row.get(column) and reference.get(key, {}).get(column):
                    row[column] = reference[key][column]
    return table


def reported_accuracy(model: str, tag: str) -> tuple[float | None, float | None]:
    """(top-1, top-5) on ImageNet-1k of the weight ``model.tag`` as its source reports them (None: not reported)."""
    facts = _weight_columns().get((model, tag), {})
    return _number(facts.get("top1")), _number(facts.get("top5"))


@functools.lru_cache(maxsize=None)
def _count(model: str, size: int, arch: str) -> tuple[int, int]:
    """(inference params, MACs) of ``model`` built with ``arch`` (JSON keywords) at ``size``²."""
    from zoo.profiling import profile

    p = profile(model, (3, size, size), **json.loads(arch))
    return p.params - p.unused_param_count, p.macs


@functools.lru_cache(maxsize=None)
def _measure(model: str, size: int, arch: str, batch_size: int, device: str, threads: int | None,
             repeats: int) -> tuple[float, float]:
    """(median latency in ms at batch 1, images/s at ``batch_size``) on ``device``."""
    from zoo.factory import create_model
    from zoo.timing import benchmark

    net = create_model(model, **json.loads(arch)).eval()
    one = benchmark(net, (3, size, size), 1, device=device, threads=threads, repeats=repeats, warmup=1)
    many = benchmark(net, (3, size, size), batch_size, device=device, threads=threads, repeats=repeats, warmup=1)
    return one.latency_ms["p50"], many.images_per_s


def _pareto(rows: list[Row]) -> list[Row]:
    """Mark the rows that no other row dominates (at least as accurate and as cheap, better in one)."""
    scored = [r for r in rows if r.top1 is not None]

    def dominated(r: Row) -> bool:
        return any(o.top1 >= r.top1 and o.macs <= r.macs and (o.top1 > r.top1 or o.macs < r.macs) for o in scored)

    return [Row(**{**asdict(r), "pareto": r.top1 is not None and not dominated(r)}) for r in rows]


def _as_set(value: str | Iterable[str] | None) -> set[str] | None:
    if value is None:
        return None
    return {value} if isinstance(value, str) else set(value)


# ---------------------------------------------------------------------------------------------- compare


def compare(
    pattern: str = "*",
    *,
    family: str | Iterable[str] | None = None,
    max_gmacs: float | None = None,
    max_params: int | None = None,
    min_top1: float | None = None,
    license: str | None = None,  # noqa: A002 — the word users know
    sort: str = "top1",
    measure: bool = False,
    batch_size: int = 32,
    device: str = "cpu",
    threads: int | None = None,
    repeats: int = 5,
    progress: bool | None = None,
) -> list[Row]:
    """Every catalogued weight matching the filters, with its accuracy, size, cost and Pareto mark.

    Args:
        pattern: fnmatch pattern on ``model.tag`` or the model name (``"resnet*"``, ``"*in1k"``).
        family: one family or several (``zoo.model_info(name).family``: "resnet", "vit", ...).
        max_gmacs, max_params, min_top1: budgets (GMACs at the weight's input size; parameter count;
            ImageNet-1k top-1 in percent — a weight without a reported top-1 fails a ``min_top1``).
        license: ``"permissive"`` (Apache-2.0, MIT, BSD) or one licence id (``"cc-by-nc-4.0"``).
        sort: one of ``SORT_KEYS`` (``top1`` best first, ``gmacs``/``params``/``latency`` smallest first).
        measure: time each weight's network with ``zoo.benchmark``: median latency at batch 1 and
            images/s at ``batch_size``, on ``device`` with ``threads`` CPU threads.
        progress: a progress bar while measuring (default: when measuring).
    """
    from zoo.registry import model_info
    from zoo.weights import catalog

    if sort not in SORT_KEYS:
        raise ValueError(f"sort must be one of {', '.join(SORT_KEYS)}, got {sort!r}")
    for label, value in (("max_gmacs", max_gmacs), ("max_params", max_params), ("min_top1", min_top1)):
        if value is not None and (isinstance(value, bool) or not isinstance(value, (int, float))):
            raise TypeError(f"{label} must be a number, got {value!r}")
    if not isinstance(batch_size, int) or batch_size < 1:
        raise ValueError(f"batch_size must be a positive integer, got {batch_size!r}")
    every = [catalog.get_entry(*name.split(".", 1)) for name in catalog.list_pretrained()]
    families, known = _as_set(family), {model_info(e.model).family for e in every}
    if families is not None and not families <= known:
        unknown = ", ".join(map(repr, sorted(families - known)))
        raise ValueError(f"unknown family {unknown}; known: {', '.join(sorted(known))}")
    licences = {e.license for e in every}
    if license is not None and license != "permissive" and license not in licences:
        raise ValueError(f"no weight has the licence {license!r}; choose permissive or one of "
                         f"{', '.join(sorted(licences))}")
    entries = [catalog.get_entry(*name.split(".", 1)) for name in catalog.list_pretrained(pattern)]

    rows = []
    for e in entries:
        fam = model_info(e.model).family
        if families is not None and fam not in families:
            continue
        if license == "permissive" and not e.permissive or license not in (None, "permissive") and e.license != license:
            continue
        top1, top5 = reported_accuracy(e.model, e.tag)
        if min_top1 is not None and (top1 is None or top1 < min_top1):
            continue
        size = e.input_size[-1]
        params, macs = _count(e.model, size, json.dumps(e.arch, sort_keys=True))
        if max_gmacs is not None and macs > max_gmacs * 1e9 or max_params is not None and params > max_params:
            continue
        rows.append(Row(weight=e.name, model=e.model, family=fam, input_size=size, top1=top1,
                        top5=top5, params=params, macs=macs, license=e.license, permissive=e.permissive))
    rows = _pareto(rows)

    if measure:
        from tqdm.auto import tqdm

        measured = []
        bar = tqdm(rows, desc="measuring", unit="weight", disable=progress is False, file=sys.stderr)
        for r in bar:
            bar.set_postfix_str(r.weight)
            e = catalog.get_entry(r.model, r.weight.split(".", 1)[1])
            latency, speed = _measure(r.model, r.input_size, json.dumps(e.arch, sort_keys=True), batch_size,
                                      str(device), threads, repeats)
            measured.append(Row(**{**asdict(r), "latency_ms": latency, "images_per_s": speed,
                                   "batch_size": batch_size}))
        rows = measured

    key = SORT_KEYS[sort]
    return sorted(rows, key=lambda r: (key(r) is None, key(r) if key(r) is not None else 0, r.macs, r.weight))


# ---------------------------------------------------------------------------------------------- output


def format_table(rows: list[Row], markdown: bool = False) -> str:
    """The rows as an aligned text table (or Markdown); ``*`` marks the Pareto front."""
    measured = any(r.latency_ms is not None for r in rows)
    header = ["front", "weight", "family", "input", "top-1", "top-5", "params (M)", "GMACs", "licence"]
    if measured:
        batch = next(r.batch_size for r in rows if r.batch_size)
        header += ["latency ms (b1)", f"img/s (b{batch})"]
    fmt = lambda v, spec: format(v, spec) if v is not None else "-"  # noqa: E731
    body = []
    for r in rows:
        cells = ["*" if r.pareto else "", r.weight, r.family, str(r.input_size), fmt(r.top1, ".2f"), fmt(r.top5, ".2f"),
                 f"{r.params / 1e6:.2f}", f"{r.gmacs:.3f}", r.license or "-"]
        if measured:
            cells += [fmt(r.latency_ms, ".2f"), fmt(r.images_per_s, ",.1f")]
        body.append(cells)
    text = {0, 1, 2, 8}  # columns of words; numbers align right
    if markdown:
        rule = "|" + "".join(":---:|" if i == 0 else "---|" if i in text else "---:|" for i in range(len(header)))
        lines = ["| " + " | ".join(header) + " |", rule]
        return "\n".join(lines + ["| " + " | ".join(c if i != 1 else f"`{c}`" for i, c in enumerate(b)) + " |"
                                  for b in body])
    widths = [max(len(row[i]) for row in [header, *body]) for i in range(len(header))]
    line = lambda cells: "  ".join(c.ljust(w) if i in text else c.rjust(w)  # noqa: E731
                                   for i, (c, w) in enumerate(zip(cells, widths))).rstrip()
    return "\n".join([line(header), line(["-" * w for w in widths]), *map(line, body)])


def _short(x: float) -> str:
    return f"{x:,.0f}" if x >= 100 else f"{x:.3g}"


def plot(rows: list[Row], path: str | Path | None = None, *, title: str | None = None, label_front: bool = True):
    """Top-1 against GMACs (log scale), one colour per family, the Pareto front drawn as a line with its
    weights named. Writes ``path`` (any format matplotlib knows, by its suffix) and returns the figure.
    Needs matplotlib: ``pip install 'zoo[plot]'``."""
    try:
        from matplotlib.backends.backend_agg import FigureCanvasAgg
        from matplotlib.figure import Figure
    except ImportError as err:
        raise ImportError("zoo.compare.plot draws with matplotlib, which is not installed: "
                          "pip install 'zoo[plot]' (or pip install matplotlib)") from err
    import matplotlib

    scored = [r for r in rows if r.top1 is not None]
    if not scored:
        raise ValueError("none of the rows has a top-1 accuracy to plot")
    families = sorted({r.family for r in scored})
    palette = matplotlib.colormaps["tab20"].colors  # dark shades first, then the light ones
    colours = [*palette[0::2], *palette[1::2]]
    fig = Figure(figsize=(14, 8) if label_front else (11, 8), layout="constrained")
    FigureCanvasAgg(fig)
    ax = fig.add_subplot()
    for i, fam in enumerate(families):
        mine = [r for r in scored if r.family == fam]
        ax.scatter([r.gmacs for r in mine], [r.top1 for r in mine], s=[8 + 6 * math.sqrt(r.params / 1e6) for r in mine],
                   color=colours[i % len(colours)], alpha=0.7, label=fam, edgecolors="none")
    front = sorted((r for r in scored if r.pareto), key=lambda r: r.macs)
    ax.plot([r.gmacs for r in front], [r.top1 for r in front], "-", color="black", lw=1.2, zorder=3,
            label="Pareto front", drawstyle="steps-post")
    ax.scatter([r.gmacs for r in front], [r.top1 for r in front], s=40, facecolors="none", edgecolors="black",
               linewidths=1.4, zorder=4)
    if label_front:  # numbers up and left of the front (nothing lies there), the names listed beside
        for i, r in enumerate(front, 1):
            ax.annotate(str(i), (r.gmacs, r.top1), xytext=(-3, 3), textcoords="offset points", ha="right",
                        va="bottom", fontsize=7, fontweight="bold")
        listing = "\n".join(f"{i:>2}  {r.weight}\n    {r.top1:.2f} %, {_short(r.gmacs)} GMACs, {r.params / 1e6:.1f} M"
                             for i, r in enumerate(front, 1))
        ax.text(1.02, 1.0, "The front, cheapest first\n\n" + listing, transform=ax.transAxes, va="top", ha="left",
                fontsize=7, family="monospace")
    ax.set_xscale("log")
    ax.set_xlabel("GMACs at the weight's input size (zoo.profile, log scale)")
    ax.set_ylabel("ImageNet-1k top-1 (%)")
    ax.set_title(title or f"{len(scored)} weights: accuracy against compute (marker area grows with parameters)")
    ax.grid(True, which="both", alpha=0.3)
    ax.legend(loc="lower right", fontsize=8, ncols=2, markerscale=0.8)
    if path is not None:
        fig.savefig(path, dpi=110)
    return fig
