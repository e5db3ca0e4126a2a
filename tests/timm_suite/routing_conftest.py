"""Routing conftest for timm's own ``tests/test_models.py`` (copied next to it as ``conftest.py``).

timm's test module does ``from timm import create_model, list_models, ...`` when it is imported; this
conftest is imported first, so those names are replaced here: ``create_model`` builds the zoo's model,
and ``list_models`` keeps only the timm names the zoo has (tags included, as timm lists them).
"""

import timm

import zoo

ZOO_TIMM_NAMES = (
    "resnet50", "resnext50_32x4d", "mobilenetv3_large_100", "mobilenetv2_100", "efficientnet_b0", "mnasnet_100",
    "regnety_004", "inception_v3", "inception_v4", "vit_tiny_patch16_224", "swin_tiny_patch4_window7_224",
    "convnext_tiny", "vgg11",
)

_timm_list_models = timm.list_models


def list_models(*args, **kwargs):
    """timm's own list, with the same filters, restricted to the architectures named above; where timm
    lists weight tags, each architecture comes once, with its default tag (``inception_v3.tv_in1k``)."""
    from timm.models import get_pretrained_cfg

    names = []
    for name in _timm_list_models(*args, **kwargs):
        arch, _, tag = name.partition(".")
        if arch in ZOO_TIMM_NAMES and (not tag or tag == get_pretrained_cfg(arch).tag):
            names.append(name)
    return names


def create_model(model_name, pretrained=False, **kwargs):
    return zoo.create_model(model_name, pretrained=pretrained, **kwargs)


timm.list_models = list_models
timm.create_model = create_model
