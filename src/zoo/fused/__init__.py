"""Fused layers: Triton kernels for the memory-bound steps between convolutions and matmuls, each
with an exact PyTorch fallback, and ``fuse(model)`` to prepare any zoo model for inference.

    import zoo
    model = zoo.create_model("resnet50", fused=True)    # blocks call the fused ops (training too)
    model = zoo.fuse(model)                               # eval: BatchNorm folded, epilogues fused
    zoo.fused.use_by_default()                            # every create_model from now on: fused=True
    zoo.fused.enable(False)                               # fallbacks everywhere (or ZOO_FUSED=0)

The kernel runs for CUDA tensors when Triton is installed and the ops are enabled; otherwise the
fallback runs. The choice is made at every call. ``TRITON_INTERPRET=1`` runs the kernels on CPU
tensors through Triton's interpreter, which is how they are tested without a GPU.
"""

from ._dispatch import by_default, enable, enabled, interpreting, triton_available, use_by_default, use_kernel
from .fold import fold_batchnorm, fuse
from .modules import register_fused, unfuse, use_fused
from .ops import ACTIVATIONS, GATES, affine_act, affine_act_pool, layer_norm, se_gate, window_attention

__all__ = [
    "ACTIVATIONS", "GATES", "affine_act", "affine_act_pool", "by_default", "enable", "enabled", "fold_batchnorm",
    "fuse", "interpreting", "layer_norm", "register_fused", "se_gate", "triton_available", "unfuse",
    "use_by_default", "use_fused", "use_kernel", "window_attention",
]
