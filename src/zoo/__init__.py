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
    "list_pretrained": "zoo.weights.catalog",
    "load_pretrained": "zoo.weights.load",
    "save_pretrained": "zoo.weights.load",
    "push_to_hub": "zoo.weights.load",
    "data_config": "zoo.weights.preprocess",
    "transforms": "zoo.weights.preprocess",
    "class_names": "zoo.weights.preprocess",
    "train": None,  # the module itself: zoo.train.fit(...)
}

__all__ = ["ModelInfo", "create_model", "list_models", "model_info", "register", *_LAZY]


def __getattr__(name: str):
    if name in _LAZY:
        import importlib

        module = importlib.import_module(_LAZY[name] or f"zoo.{name}")
        value = module if _LAZY[name] is None else getattr(module, name)
        globals()[name] = value
        return value
    raise AttributeError(f"module 'zoo' has no attribute {name!r}")


def __dir__():
    return sorted(set(globals()) | set(_LAZY))
