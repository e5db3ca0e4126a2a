"""zoo.compare and ``python -m zoo compare``: the weights' table, its filters, the Pareto front, the chart."""

import sys

import pytest

import zoo
from zoo import comparing as cmp
from zoo.cli import main


def _row(weight, top1, gmacs, **kw):
    return cmp.Row(weight=weight, model=weight.split(".")[0], family=kw.pop("family", "f"), input_size=224,
                   top1=top1, top5=None, params=kw.pop("params", 1), macs=int(gmacs * 1e9), license="mit",
                   permissive=True, **kw)


def test_pareto_front_by_definition():
    rows = [_row("a.x", 70.0, 1.0), _row("b.x", 75.0, 2.0), _row("c.x", 74.0, 3.0),  # c: b is better and cheaper
            _row("d.x", 75.0, 2.0),  # the same as b: neither dominates the other
            _row("e.x", 75.0, 2.5),  # as accurate as b, dearer
            _row("f.x", None, 0.1), _row("g.x", 80.0, 9.0)]
    front = {r.weight for r in cmp._pareto(rows) if r.pareto}
    assert front == {"a.x", "b.x", "d.x", "g.x"}


def test_counts_are_profiled_at_each_weights_own_size():
    rows = zoo.compare("resnet50.*")
    info = zoo.model_info("resnet50")
    assert all(r.params == info.params and round(r.gmacs, 3) == info.gmacs for r in rows if r.input_size == 224)
    small = next(r for r in rows if r.input_size != 224)  # timm's a3 weights were evaluated at 160
    p = zoo.profile(small.model, (3, small.input_size, small.input_size))
    assert small.macs == p.macs and small.params == p.params
    assert small.macs < zoo.profile(small.model).macs
    tv = next(r for r in rows if r.weight == "resnet50.tv_imagenet1k_v2")
    assert (tv.top1, tv.top5, tv.license, tv.family) == (80.858, 95.434, "bsd-3-clause", "resnet")
    # sorted by top-1, best first; weights without a reported top-1 last
    scored = [r.top1 for r in rows if r.top1 is not None]
    assert scored == sorted(scored, reverse=True) and all(r.top1 is not None for r in rows[: len(scored)])
    before = cmp._count.cache_info()
    again = zoo.compare("resnet50.*", sort="gmacs")  # every network counted once per process
    assert cmp._count.cache_info().misses == before.misses and len(again) == len(rows)
    assert [r.macs for r in again] == sorted(r.macs for r in rows)


def test_every_front_weight_is_undominated_and_every_other_has_a_witness():
    rows = zoo.compare(family=["mobilenet", "mnasnet"])
    scored = [r for r in rows if r.top1 is not None]
    beats = lambda o, r: o.top1 >= r.top1 and o.macs <= r.macs and (o.top1, o.macs) != (r.top1, r.macs)  # noqa: E731
    for r in scored:
        assert r.pareto == (not any(beats(o, r) for o in scored)), r.weight
    assert sum(r.pareto for r in rows) >= 3


def test_filters():
    every = zoo.compare("m*")
    rows = zoo.compare("m*", max_gmacs=0.3, max_params=5_000_000, min_top1=70, license="permissive")
    assert rows and all(r.gmacs <= 0.3 and r.params <= 5e6 and r.top1 >= 70 and r.permissive for r in rows)
    assert len(rows) < len(every) and any(r.gmacs > 0.3 for r in every) and any(r.params > 5e6 for r in every)
    nc = zoo.compare("resnet50.*", license="cc-by-nc-4.0")
    assert nc and {r.license for r in nc} == {"cc-by-nc-4.0"}
    assert {r.family for r in zoo.compare("m*", family="mnasnet")} == {"mnasnet"}
    with pytest.raises(ValueError, match="unknown family 'resnt'.*known: .*resnet"):
        zoo.compare(family="resnt")
    with pytest.raises(ValueError, match="no weight has the licence 'gpl'; choose permissive or one of"):
        zoo.compare(license="gpl")
    with pytest.raises(ValueError, match="sort must be one of top1"):
        zoo.compare(sort="speed")
    with pytest.raises(TypeError, match="max_gmacs must be a number"):
        zoo.compare(max_gmacs="5")


def test_measure_adds_latency_and_throughput(capsys):
    rows = zoo.compare("mobilenet_v3_small.tv_*", measure=True, batch_size=2, repeats=1, threads=1)
    assert len(rows) == 1 and rows[0].latency_ms > 0 and rows[0].images_per_s > 0 and rows[0].batch_size == 2
    assert "measuring" in capsys.readouterr().err  # the progress bar
    table = cmp.format_table(rows)
    assert "latency ms (b1)" in table and "img/s (b2)" in table


def test_cli_table_front_and_plot(capsys, tmp_path):
    assert main(["compare", "mobilenet*", "--max-params", "6", "--license", "permissive"]) == 0
    out = capsys.readouterr().out.splitlines()
    assert out[0].split()[:4] == ["front", "weight", "family", "input"] and len(out) > 4
    assert any(line.startswith("*") for line in out) and any(not line.startswith("*") for line in out[2:])
    assert main(["compare", "mobilenet*", "--front", "--markdown", "--plot", str(tmp_path / "f.png")]) == 0
    out = capsys.readouterr()
    lines = out.out.splitlines()
    assert lines[0].startswith("| front | weight |") and all(line.startswith("| * |") for line in lines[2:])
    from matplotlib.image import imread

    image = imread(tmp_path / "f.png")
    assert image.shape[0] > 400 and image.shape[1] > 600 and "chart written to" in out.err


def test_plot_without_matplotlib_names_the_extra(monkeypatch, capsys, tmp_path):
    rows = zoo.compare("alexnet.*")
    for name in [m for m in sys.modules if m == "matplotlib" or m.startswith("matplotlib.")]:
        monkeypatch.delitem(sys.modules, name)
    monkeypatch.setitem(sys.modules, "matplotlib", None)  # as if not installed
    with pytest.raises(ImportError, match=r"pip install 'zoo\[plot\]'"):
        cmp.plot(rows, tmp_path / "x.png")
    assert main(["compare", "alexnet.*", "--plot", str(tmp_path / "x.png")]) == 2
    assert "zoo[plot]" in capsys.readouterr().err and not (tmp_path / "x.png").exists()
    assert main(["compare", "--min-top1", "101"]) == 2
    assert "no weight passes these filters" in capsys.readouterr().err
