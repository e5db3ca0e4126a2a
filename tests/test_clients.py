"""The zoo inside the tools people combine backbones with: forward hooks, PEFT's LoRA, dynamic
quantization, torch.fx and torchvision's feature extractor, TorchScript tracing, torch.export, both
ONNX exporters run by onnxruntime, and torchvision's detectors on the zoo's feature backbones.

One model per family; small inputs. The export sweep and the larger detectors are marked slow.
"""

from __future__ import annotations

import inspect
from collections import OrderedDict

import pytest
import torch
from torch import nn

import zoo
from equivalence import randomize_norms, relative_error
from test_contract import SHALLOW_NASNET

NAMES = ["alexnet", "vgg11", "googlenet", "resnet18", "mobilenet_v3_small", "efficientnet_b0", "mnasnet0_5",
         "regnet_y_400mf", "nasnet_a_large", "vit_ti_16", "swin_t", "swin_v2_t", "convnext_tiny"]
# nasnet_a_large (the family's only model, 89 M parameters) takes long to build on a small CPU
FAMILIES = [pytest.param(n, marks=pytest.mark.slow) if n == "nasnet_a_large" else n for n in NAMES]
EXPORT_FAST = ["resnet18", "swin_t"]
SIZE = (64, 96)  # non-square, small; ViT is built for it


# fewer blocks of the same kinds where the full depth costs minutes in these tests (NASNet's export took ~4
# min): every cell and block kind is still there (Swin's shifted blocks need two per stage), and the clients see
# the same code; the full-size networks are held to their references elsewhere
SHALLOW = {"nasnet_a_large": SHALLOW_NASNET,
           "swin_t": {"depths": (2, 2, 2, 2)}, "swin_v2_t": {"depths": (2, 2, 2, 2)}}


def config(name: str) -> dict:
    """The keywords these tests build ``name`` with: ViT at SIZE, the SHALLOW networks shallower."""
    return {**({"img_size": SIZE} if name.startswith("vit") else {}), **SHALLOW.get(name, {})}


def build(name: str, **kwargs) -> nn.Module:
    torch.manual_seed(0)
    return zoo.create_model(name, **{**config(name), **kwargs}).eval()


def batch(n: int = 2, size: tuple[int, int] = SIZE) -> torch.Tensor:
    return torch.randn(n, 3, *size, generator=torch.Generator().manual_seed(1))


def intermediates(model: nn.Module, x: torch.Tensor) -> list[torch.Tensor]:
    """The stage maps of ``forward_intermediates`` (timm's ``intermediates_only`` where it is offered)."""
    if "intermediates_only" in inspect.signature(model.forward_intermediates).parameters:
        return model.forward_intermediates(x, intermediates_only=True)
    return model.forward_intermediates(x)


def assert_close(out: torch.Tensor, ref: torch.Tensor, what: str, tol: float = 1e-4) -> None:
    assert out.shape == ref.shape, f"{what}: shape {tuple(out.shape)} != {tuple(ref.shape)}"
    err = relative_error(out, ref)
    assert err <= tol, f"{what}: relative error {err:.2e} > {tol:.0e}"


# ------------------------------------------------------------------------------------------ hooks, LoRA, int8


@pytest.mark.parametrize("name", FAMILIES)
def test_forward_hooks_fire_once_per_forward_on_every_linear_and_conv(name):
    model = build(name)
    calls = {n: 0 for n, m in model.named_modules() if isinstance(m, (nn.Linear, nn.Conv2d))}

    def count(name):
        def hook(module, args, output):
            calls[name] += 1
        return hook

    for n, m in model.named_modules():
        if n in calls:
            m.register_forward_hook(count(n))
    with torch.no_grad():
        model(batch(1))
    assert calls and {n: c for n, c in calls.items() if c != 1} == {}


LORA_TARGETS = r".*\.(attn\.(qkv|proj)|mlp\.(fc1|fc2))"


@pytest.mark.parametrize("name", ["vit_ti_16", "swin_t", pytest.param("swin_v2_t", marks=pytest.mark.slow)])
def test_peft_lora_on_attention_and_mlp_changes_the_output_and_trains(name):
    peft = pytest.importorskip("peft")
    model = build(name)
    x = batch()
    with torch.no_grad():
        before = model(x)
    blocks = sum(1 for n, _ in model.named_modules() if n.endswith(".attn"))
    config = peft.LoraConfig(r=4, lora_alpha=8, target_modules=LORA_TARGETS, init_lora_weights=False)
    lora = peft.get_peft_model(model, config)
    adapted = [n for n, m in lora.named_modules() if isinstance(m, peft.tuners.lora.Linear)]
    assert len(adapted) == 4 * blocks
    with torch.no_grad():
        changed = lora(x)
    assert relative_error(changed, before) > 1e-3  # every adapter is on the path the forward takes

    lora.train()
    trainable = {n: p for n, p in lora.named_parameters() if p.requires_grad}
    assert trainable and all("lora_" in n for n in trainable)
    optimizer = torch.optim.SGD(trainable.values(), lr=0.1)
    loss = nn.functional.cross_entropy(lora(x), torch.tensor([1, 2]))
    loss.backward()
    assert all(p.grad is not None and p.grad.abs().sum() > 0 for p in trainable.values())
    optimizer.step()
    lora.eval()
    with torch.no_grad():
        assert relative_error(lora(x), changed) > 1e-4


@pytest.mark.parametrize("name", FAMILIES)
def test_dynamic_quantization_replaces_every_linear_and_runs(name):
    model = randomize_norms(build(name))  # outputs of some size (a random MobileNetV3's are ~1e-10)
    linears = sum(isinstance(m, nn.Linear) for m in model.modules())
    quantized = torch.ao.quantization.quantize_dynamic(model, {nn.Linear}, dtype=torch.qint8)
    replaced = sum(type(m).__name__ == "Linear" and "quantized" in type(m).__module__ for m in quantized.modules())
    assert replaced == linears > 0
    x = batch()
    with torch.no_grad():
        out, ref = quantized(x), model(x)
    assert out.shape == ref.shape and torch.isfinite(out).all()
    assert relative_error(out, ref) < 0.2  # int8 weights and activations: close to the float model, not equal


# ------------------------------------------------------------------------------------------ graph tools


@pytest.mark.parametrize("name", FAMILIES)
def test_fx_and_create_feature_extractor_give_the_intermediates(name):
    from torchvision.models.feature_extraction import create_feature_extractor

    model, x = build(name), batch()
    with torch.no_grad():
        logits, maps = model(x), intermediates(model, x)
        assert_close(torch.fx.symbolic_trace(model)(x), logits, "fx.symbolic_trace", tol=1e-6)

        backbone = zoo.create_model(name, features_only=True, **config(name))
        backbone.model.load_state_dict(model.state_dict(), strict=False)  # the head is pruned
        traced = torch.fx.symbolic_trace(backbone.eval())(x)
        assert len(traced) == len(maps)
        for i, (a, b) in enumerate(zip(traced, maps)):
            assert_close(a, b, f"features_only traced, stage {i}", tol=1e-6)

        # torchvision's extractor names the stages; a token/NHWC stage is read as a map as the model reads it
        nodes = [f"stages.{n}" for n, _ in model.stages.named_children()]
        features = create_feature_extractor(model, return_nodes=nodes)(x)
        assert list(features) == nodes
        for i, node in enumerate(nodes):
            assert_close(model.to_nchw(features[node], i), maps[i], f"create_feature_extractor {node}", tol=1e-6)


def _export_sweep(name: str, tmp_path) -> None:
    onnxruntime = pytest.importorskip("onnxruntime")
    pytest.importorskip("onnxscript")
    # the TorchScript exporter cannot export an adaptive pool that upsamples (torchvision's AlexNet and
    # VGG share this): those two export at the size they are made for, where the pool is the identity
    model, x = build(name), batch(size=(224, 224) if name in ("alexnet", "vgg11") else SIZE)
    with torch.no_grad():
        ref = model(x)
        assert_close(torch.jit.trace(model, x)(x), ref, "torch.jit.trace")
        assert_close(torch.export.export(model, (x,)).module()(x), ref, "torch.export")
    for dynamo in (False, True):
        path = tmp_path / f"{name}-{'dynamo' if dynamo else 'torchscript'}.onnx"
        torch.onnx.export(model, (x,), str(path), input_names=["x"], output_names=["logits"], dynamo=dynamo)
        session = onnxruntime.InferenceSession(str(path), providers=["CPUExecutionProvider"])
        (out,) = session.run(None, {"x": x.numpy()})
        assert_close(torch.from_numpy(out), ref, f"ONNX ({'dynamo' if dynamo else 'TorchScript'} exporter) in onnxruntime")


@pytest.mark.parametrize("name", EXPORT_FAST)
def test_jit_trace_export_and_both_onnx_exporters_agree_with_eager(name, tmp_path):
    _export_sweep(name, tmp_path)


@pytest.mark.slow
@pytest.mark.parametrize("name", [n for n in NAMES if n not in EXPORT_FAST])
def test_export_sweep_every_family(name, tmp_path):
    _export_sweep(name, tmp_path)


# ------------------------------------------------------------------------------------------ fine-tuning backbones


@pytest.mark.parametrize("name,stem", [("convnext_tiny", ["stem"]), ("swin_t", ["patch_embed"]),
                                       ("vit_ti_16", ["patch_embed", "pos_embed", "cls_token"])])
def test_frozen_stages_freeze_the_stem_with_the_first_stage(name, stem):
    with torch.device("meta"):
        backbone = zoo.create_model(name, features_only=True, frozen_stages=0)
        unfrozen = zoo.create_model(name, features_only=True)
    frozen = {n for n, p in backbone.model.named_parameters() if not p.requires_grad}
    first = {n for n, _ in backbone.model.named_parameters() if n.split(".")[0] in stem or n.startswith("stages.0.")}
    assert frozen == first
    assert all(p.requires_grad for p in unfrozen.parameters())
    backbone.train()
    assert not any(getattr(backbone.model, s).training for s in stem if isinstance(getattr(backbone.model, s), nn.Module))


class ZooFPN(nn.Module):
    """A zoo feature backbone under torchvision's FPN, as torchvision's detectors take it."""

    def __init__(self, body: nn.Module, width: int = 64):
        super().__init__()
        from torchvision.ops import FeaturePyramidNetwork
        from torchvision.ops.feature_pyramid_network import LastLevelMaxPool

        self.body = body
        with torch.no_grad():
            channels = [f.shape[1] for f in body.eval()(torch.zeros(1, 3, 64, 64))]
        self.fpn = FeaturePyramidNetwork(channels, width, extra_blocks=LastLevelMaxPool())
        self.out_channels = width

    def forward(self, x: torch.Tensor) -> OrderedDict:
        return self.fpn(OrderedDict((str(i), f) for i, f in enumerate(self.body(x))))


def _detector(kind: str, backbone: nn.Module) -> nn.Module:
    from torchvision.models.detection import FasterRCNN, RetinaNet

    small = dict(num_classes=3, min_size=160, max_size=256)
    if kind == "fasterrcnn":
        return FasterRCNN(backbone, rpn_pre_nms_top_n_train=100, rpn_post_nms_top_n_train=50,
                          rpn_pre_nms_top_n_test=50, rpn_post_nms_top_n_test=20, box_batch_size_per_image=32, **small)
    return RetinaNet(backbone, topk_candidates=50, **small)


DETECTION = [("resnet50", "fasterrcnn"), ("mobilenet_v3_large", "retinanet"), ("swin_t", "fasterrcnn"),
             ("convnext_tiny", "retinanet")]
DETECTION_SLOW = [("resnet50", "retinanet"), ("mobilenet_v3_large", "fasterrcnn"), ("swin_t", "retinanet"),
                  ("convnext_tiny", "fasterrcnn")]


def _detection_step(name: str, kind: str) -> None:
    pytest.importorskip("torchvision")
    torch.manual_seed(0)
    body = zoo.create_model(name, features_only=True, out_indices=(-4, -3, -2, -1), frozen_stages=1, norm_eval=True)
    model = _detector(kind, ZooFPN(body))
    norms = [m for m in body.modules() if isinstance(m, nn.modules.batchnorm._BatchNorm)]
    stats = [m.running_mean.clone() for m in norms]
    stem = [getattr(body.model, s) for s in body.model.stem_names]
    frozen = [p for part in stem + list(body.model.stages)[:2]
              for p in (part.parameters() if isinstance(part, nn.Module) else [part])]

    images = [torch.rand(3, 160, 224), torch.rand(3, 192, 256)]  # two sizes, neither square
    targets = [{"boxes": torch.tensor([[10.0, 20.0, 90.0, 120.0]]), "labels": torch.tensor([1])},
               {"boxes": torch.tensor([[30.0, 40.0, 200.0, 150.0], [5.0, 5.0, 60.0, 50.0]]),
                "labels": torch.tensor([2, 1])}]
    model.train()
    assert all(not m.training for m in norms)  # norm_eval
    losses = model(images, targets)
    loss = sum(losses.values())
    assert torch.isfinite(loss)
    loss.backward()
    assert frozen and all(p.grad is None for p in frozen)  # frozen stages, stem included
    trainable = [p for p in body.parameters() if p.requires_grad]
    assert trainable and any(p.grad is not None and p.grad.abs().sum() > 0 for p in trainable)
    torch.optim.SGD([p for p in model.parameters() if p.requires_grad], lr=0.01).step()
    assert all(torch.equal(m.running_mean, s) for m, s in zip(norms, stats))  # running statistics held

    model.eval()
    with torch.no_grad():
        detections = model(images)
    assert len(detections) == 2 and all({"boxes", "labels", "scores"} <= set(d) for d in detections)


@pytest.mark.parametrize("name,kind", DETECTION)
def test_torchvision_detector_trains_and_detects_on_a_zoo_backbone(name, kind):
    _detection_step(name, kind)


@pytest.mark.slow
@pytest.mark.parametrize("name,kind", DETECTION_SLOW)
def test_torchvision_detector_sweep(name, kind):
    _detection_step(name, kind)
