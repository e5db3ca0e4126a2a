"""zoo: the classic image backbones, from AlexNet to ConvNeXt, built from one set of shared blocks.

    import zoo
    model = zoo.create_model("resnet50", num_classes=10)

``import zoo`` is light: family modules, counting, training and the fused kernels are imported on
first use.
"""

from .registry import ModelInfo, create_model, list_models, model_info, register

__version__ = "0.1.0"

# name → module providing it; imported on first attribute access (PEP 562)
_LAZY = {
    "convert_state_dict": "zoo.weights.convert",
    "fuse": "zoo.fused",
    "fused": "zoo.fused",  # the subpackage itself
}

__all__ = ["ModelInfo", "create_model", "list_models", "model_info", "register", *_LAZY]


def __getattr__(name: str):
    if name in _LAZY:
        import importlib

        module = importlib.import_module(_LAZY[name])
        value = module if module.__name__ == f"zoo.{name}" else getattr(module, name)
        globals()[name] = value
        return value
    raise AttributeError(f"module 'zoo' has no attribute {name!r}")


def __dir__():
    return sorted(set(globals()) | set(_LAZY))
