"""torch.hub entry points: one per registered zoo model, as timm and torchvision provide.

    model = torch.hub.load("path/to/zoo", "resnet50", source="local", pretrained=True)
    model = torch.hub.load("owner/zoo", "convnext_tiny", pretrained="fb_in22k_ft_in1k", num_classes=10)
    torch.hub.list("path/to/zoo", source="local")         # every model name
    print(torch.hub.help("path/to/zoo", "vit_b_16", source="local"))

Each entry point is ``zoo.create_model(name, pretrained=..., **kwargs)``: ``pretrained`` is False, True
(the default weights), a tag, ``"hf-hub:org/repo"`` or a local path; the keywords are the model's
(``num_classes``, ``in_chans``, ``features_only``, ...). The package is imported from this checkout's
``src/`` unless a ``zoo`` is already imported.
"""

import sys as _sys
from pathlib import Path as _Path

dependencies = ["torch", "numpy", "safetensors", "huggingface_hub"]

# torch.hub lists every public callable of this module: only the entry points may be public
_SRC = str(_Path(__file__).resolve().parent / "src")
if _SRC not in _sys.path:
    _sys.path.insert(0, _SRC)

import zoo as _zoo  # noqa: E402 — after the checkout's src/ is on the path


def _entry_point(name: str):
    def entry(pretrained=False, **kwargs):
        return _zoo.create_model(name, pretrained=pretrained, **kwargs)

    try:
        info = _zoo.model_info(name)
        facts = f"{info.paper}\n\nInput {'x'.join(map(str, info.input_size))}" + (
            f"; {info.params / 1e6:.2f} M parameters, {info.gmacs} GMACs" if info.params and info.gmacs else "")
        tags = ", ".join(p["tag"] + (" (default)" if p["default"] else "") for p in info.pretrained) or "none"
    except ValueError:  # registered without catalog facts
        facts, tags = "", "none"
    entry.__name__ = entry.__qualname__ = name
    entry.__doc__ = (f"zoo.create_model({name!r}, pretrained=pretrained, **kwargs).\n\n{facts}\n\n"
                     f"pretrained: False, True (the default weights), a tag, 'hf-hub:org/repo' or a path. "
                     f"Tags: {tags}.")
    return entry


for _name in _zoo.list_models():
    globals()[_name] = _entry_point(_name)
del _name
