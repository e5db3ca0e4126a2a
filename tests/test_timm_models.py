"""timm's own model tests on the zoo's models, under their timm names.

timm's ``tests/test_models.py`` is read from timm's source distribution on PyPI (the installed version,
fetched with ``pip download --no-binary :all: --no-deps``; it is not copied into this repository) and run
in a subprocess next to ``tests/timm_suite/routing_conftest.py`` (as its ``conftest.py``), which sends
``timm.create_model`` to ``zoo.create_model`` and restricts timm's model lists to the names below.
"""

from __future__ import annotations

import importlib.metadata
import os
import re
import shutil
import subprocess
import sys
import tarfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
# timm's generic model tests (the FX-then-TorchScript variants are not among them)
TESTS = ("test_model_forward", "test_model_backward", "test_model_default_cfgs", "test_model_default_cfgs_non_std",
         "test_model_forward_features", "test_model_forward_intermediates_features",
         "test_model_forward_intermediates", "test_model_forward_fx", "test_model_backward_fx",
         "test_model_forward_torchscript")
EXPECTED = 116  # 13 models; one weight tag each where timm lists tags; ViT skips the standard cfg test


def _timm_test_file(tmp: Path) -> Path:
    version = importlib.metadata.version("timm")
    subprocess.run([sys.executable, "-m", "pip", "download", "-q", "--no-binary", ":all:", "--no-deps",
                    f"timm=={version}", "-d", str(tmp)], check=True, timeout=300)
    sdist = next(tmp.glob("timm-*.tar.gz"))
    suite = tmp / "suite"
    suite.mkdir()
    with tarfile.open(sdist) as tar:
        member = tar.getmember(f"{sdist.name[:-len('.tar.gz')]}/tests/test_models.py")
        (suite / "test_models.py").write_bytes(tar.extractfile(member).read())
    shutil.copy(ROOT / "tests" / "timm_suite" / "routing_conftest.py", suite / "conftest.py")
    return suite / "test_models.py"


@pytest.mark.slow
def test_timm_model_tests_pass_on_the_zoo(tmp_path):
    pytest.importorskip("timm")
    test_file = _timm_test_file(tmp_path)
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(ROOT / "src"), os.environ.get("PYTHONPATH", "")])}
    ids = subprocess.run([sys.executable, "-m", "pytest", "--collect-only", "-q", "-p", "no:cacheprovider",
                          str(test_file)], cwd=test_file.parent, env=env, capture_output=True, text=True)
    chosen = [line for line in ids.stdout.splitlines() if any(f"::{t}[" in line for t in TESTS)]
    assert len(chosen) == EXPECTED, f"collected {len(chosen)} of timm's tests, expected {EXPECTED}:\n{ids.stdout[-3000:]}"
    result = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:xdist", "-p", "no:cacheprovider", "-p", "no:warnings",
         "--tb=line", *chosen],
        cwd=test_file.parent, env=env, capture_output=True, text=True, timeout=2400,
    )
    summary = result.stdout.strip().splitlines()[-1] if result.stdout.strip() else result.stderr[-2000:]
    passed = int(m.group(1)) if (m := re.search(r"(\d+) passed", summary)) else 0
    assert result.returncode == 0 and passed == EXPECTED, f"timm's tests on the zoo: {summary}\n{result.stdout[-6000:]}"
