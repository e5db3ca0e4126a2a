import os

import pytest
import torch

import zoo

# Equivalence is checked to fp32 rounding: keep reductions deterministic and the two cores shared.
torch.set_num_threads(max(1, min(2, os.cpu_count() or 1)))


@pytest.fixture
def forget_registrations():
    """Registrations made by a test are removed after it: other tests list the registered models."""
    before = set(zoo.registry._REGISTRY)
    yield
    for name in set(zoo.registry._REGISTRY) - before:
        del zoo.registry._REGISTRY[name]
