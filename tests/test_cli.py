"""python -m zoo list | info | profile."""

import subprocess
import sys
from pathlib import Path

import pytest

import zoo
from zoo.cli import main


def test_list(capsys):
    assert main(["list", "resnet1*"]) == 0
    assert capsys.readouterr().out.split() == ["resnet101", "resnet152", "resnet18"]
    assert main(["list", "--family", "vgg"]) == 0 and "vgg11_bn" in capsys.readouterr().out


def test_info(capsys):
    assert main(["info", "resnet50"]) == 0
    out = capsys.readouterr().out
    assert "Deep Residual Learning" in out and "25,557,032" in out and "3x224x224" in out


def test_info_lists_the_weights_with_their_metadata(capsys):
    assert main(["info", "vit_b_16"]) == 0
    table = capsys.readouterr().out.split("pretrained weights")[1].splitlines()[1:]
    assert table[0].split() == ["tag", "input", "top-1", "top-5", "licence", "MB", "from"]
    rows = {line[2:].split()[0]: line for line in table[1:]}
    assert len(rows) == len(zoo.model_info("vit_b_16").pretrained)
    default = [line for line in table[1:] if line.startswith("* ")]
    assert len(default) == 1 and default[0].split()[1:3] == ["tv_imagenet1k_v1", "224"] and "bsd-3-clause" in default[0]
    assert rows["tv_imagenet1k_swag_e2e_v1"].split()[1:] == ["384", "85.30", "97.65", "cc-by-nc-4.0", "331.4", "url"]
    assert main(["info", "resnet50.a1_in1k"]) == 0
    table = capsys.readouterr().out.split("pretrained weights")[1].splitlines()[2:]
    assert [line.split()[0] for line in table] == ["a1_in1k"]


def test_profile_prints_summary_and_table(capsys):
    assert main(["profile", "resnet18", "--input", "3x160x160", "--batch", "2", "--depth", "1", "--train"]) == 0
    out = capsys.readouterr().out
    assert "input 2x3x160x160, train mode" in out and "backward MACs" in out
    assert "stages" in out and "stages.layer1" not in out  # depth 1
    assert main(["profile", "alexnet", "--markdown"]) == 0
    assert "| `head` | ClassifierHead |" in capsys.readouterr().out


def test_errors_are_clear(capsys):
    assert main(["profile", "resnet05"]) == 2
    assert "error: unknown model 'resnet05'. Did you mean: resnet50" in capsys.readouterr().err
    assert main(["profile", "alexnet", "--input", "3x32x32"]) == 2
    assert "at least 63x63, got 32x32" in capsys.readouterr().err
    with pytest.raises(SystemExit):
        main(["profile", "vgg11", "--input", "3xfoo"])
    assert "expected an input size like 3x224x224" in capsys.readouterr().err


def test_python_dash_m_zoo():
    src = str(Path(__file__).resolve().parents[1] / "src")
    run = subprocess.run([sys.executable, "-m", "zoo", "list", "alex*"], capture_output=True, text=True,
                         env={"PYTHONPATH": src, "PATH": ""}, check=True)
    assert run.stdout.split() == ["alexnet"]
