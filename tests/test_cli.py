"""python -m zoo list | info | profile."""

import subprocess
import sys
from pathlib import Path

import pytest

from zoo.cli import main


def test_list(capsys):
    assert main(["list", "resnet1*"]) == 0
    assert capsys.readouterr().out.split() == ["resnet101", "resnet152", "resnet18"]
    assert main(["list", "--family", "vgg"]) == 0 and "vgg11_bn" in capsys.readouterr().out


def test_info(capsys):
    assert main(["info", "resnet50"]) == 0
    out = capsys.readouterr().out
    assert "Deep Residual Learning" in out and "25,557,032" in out and "3x224x224" in out


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
