import os

import torch

# Equivalence is checked to fp32 rounding: keep reductions deterministic and the two cores shared.
torch.set_num_threads(max(1, min(2, os.cpu_count() or 1)))
