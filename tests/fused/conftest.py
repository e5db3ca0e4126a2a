"""The fused kernels are tested on the CPU through Triton's interpreter.

``TRITON_INTERPRET`` is read when a kernel is decorated, i.e. when ``zoo.fused.kernels`` is first
imported — on the first kernel call, never by ``import zoo`` or ``import zoo.fused``. Setting it here,
at collection, comes before any test runs; the check below makes sure no kernel was compiled for a
GPU earlier in the process.
"""

import os
import sys

_BEFORE = os.environ.get("TRITON_INTERPRET")
os.environ["TRITON_INTERPRET"] = "1"

if "zoo.fused.kernels" in sys.modules:  # pragma: no cover - a guard, not a test
    from triton.runtime.interpreter import InterpretedFunction

    if not isinstance(sys.modules["zoo.fused.kernels"].affine_act_fwd, InterpretedFunction):
        raise RuntimeError("zoo.fused.kernels was imported before TRITON_INTERPRET=1 was set; "
                           "run tests/fused on its own")


import pytest  # noqa: E402
import torch  # noqa: E402


@pytest.fixture(autouse=True)
def _interpreted_seeded_fallback_by_default():
    """Each test starts interpreted, seeded, with the kernels off: a test turns them on where it means
    to (the interpreter is far too slow for whole networks). Afterwards the environment is as it was,
    so that tests outside tests/fused never run kernels through the interpreter."""
    import zoo.fused as zf

    os.environ["TRITON_INTERPRET"] = "1"
    torch.manual_seed(0)
    zf.enable(False)
    yield
    zf.enable(True)
    if _BEFORE is None:
        os.environ.pop("TRITON_INTERPRET", None)
    else:
        os.environ["TRITON_INTERPRET"] = _BEFORE
