import os

import pytest
import torch

import zoo

# Under pytest-xdist (-n 2) each worker takes one core; alone, the run takes both.
torch.set_num_threads(1 if os.environ.get("PYTEST_XDIST_WORKER") else max(1, min(2, os.cpu_count() or 1)))


@pytest.fixture
def forget_registrations():
    """Registrations made by a test are removed after it: other tests list the registered models."""
    before = set(zoo.registry._REGISTRY)
    yield
    for name in set(zoo.registry._REGISTRY) - before:
        del zoo.registry._REGISTRY[name]
