"""zoo: the classic image backbones, from AlexNet to ConvNeXt, built from one set of shared blocks.

    import zoo
    model = zoo.create_model("resnet50", num_classes=10)

``import zoo`` is light: family modules, counting, training and the fused kernels are imported on
first use.
"""

from .registry import ModelInfo, list_models, register

__version__ = "0.1.0"

# name → module providing it; imported on first attribute access (PEP 562)
_LAZY = {
    "create_model": "zoo.factory",
    "model_info": "zoo.factory",
    "convert_state_dict": "zoo.weights.convert",
    "list_pretrained": "zoo.weights.catalog",
    "load_pretrained": "zoo.weights.load",
    "save_pretrained": "zoo.card",  # the files (zoo.weights.load) and the README.md model card
    "push_to_hub": "zoo.card",
    "model_card": "zoo.card",
    "data_config": "zoo.weights.preprocess",
    "transforms": "zoo.weights.preprocess",
    "class_names": "zoo.weights.preprocess",
    "train": None,  # the module itself: zoo.train.fit(...)
    "profile": "zoo.profiling",
    "Profile": "zoo.profiling",
    "benchmark": "zoo.timing",
    "Benchmark": "zoo.timing",
    "compare": "zoo.comparing",  # zoo.compare(...) → rows; zoo.comparing.plot(rows, path) draws them
    "fuse": "zoo.fused",
    "optimize": "zoo.optimizing",
    "fused": None,  # the subpackage itself
}

__all__ = ["ModelInfo", "list_models", "register", *_LAZY]


def __getattr__(name: str):
    if name in _LAZY:
        import importlib

        if _LAZY[name] is None:  # a submodule exposed as itself
            value = importlib.import_module(f"zoo.{name}")
            globals()[name] = value
            return value
        module = importlib.import_module(_LAZY[name])
        # every name this module provides, in one go
        globals().update({n: getattr(module, n) for n, m in _LAZY.items() if m == _LAZY[name]})
        return globals()[name]
    raise AttributeError(f"module 'zoo' has no attribute {name!r}")


def __dir__():
    return sorted(set(globals()) | set(_LAZY))
