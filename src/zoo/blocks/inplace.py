"""When a block may write its result into a tensor it made itself, saving a copy of the widest map."""

import torch
from torch.fx._symbolic_trace import is_fx_symbolic_tracing


def can_overwrite(x: torch.Tensor) -> bool:
    """True when ``x`` (a block's own fresh intermediate) may be overwritten: no gradient flows through
    it, so autograd has saved nothing that an in-place op would spoil. Under ``torch.fx`` tracing it is
    False: a proxy cannot tell ``requires_grad``, and the traced graph must stay valid for training."""
    if torch.jit.is_scripting():
        return not (torch.is_grad_enabled() and x.requires_grad)
    if is_fx_symbolic_tracing():
        return False
    return not (torch.is_grad_enabled() and x.requires_grad)
