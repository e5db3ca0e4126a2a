"""zoo.profile on hand-built modules: every expected count is written out from its formula here."""

import sys

import pytest
import torch
import torch.nn.functional as F
from torch import nn

import zoo
from zoo.profiling import UncountedOperatorError, profile, register_formula


class Fn(nn.Module):
    """A module whose forward is a function, so functional calls are profiled as they are."""

    def __init__(self, fn, *modules):
        super().__init__()
        self.fn = fn
        self.mods = nn.ModuleList(modules)

    def forward(self, *x):
        return self.fn(self, *x)


# ---------------------------------------------------------------------------------------------- convolution


@pytest.mark.parametrize(
    "c_in, c_out, k, stride, padding, dilation, groups",
    [
        (3, 8, 3, 1, 1, 1, 1),  # plain
        (8, 16, 3, 2, 1, 1, 4),  # grouped, strided
        (16, 16, 3, 1, 1, 1, 16),  # depthwise
        (4, 6, 5, 2, 0, 2, 2),  # dilated, unpadded, grouped
        (6, 12, 1, 1, 0, 1, 1),  # pointwise
    ],
)
def test_conv2d(c_in, c_out, k, stride, padding, dilation, groups):
    h, w, n = 19, 23, 2
    conv = nn.Conv2d(c_in, c_out, k, stride, padding, dilation, groups)
    p = profile(conv, (c_in, h, w), batch_size=n)
    h_out = (h + 2 * padding - dilation * (k - 1) - 1) // stride + 1
    w_out = (w + 2 * padding - dilation * (k - 1) - 1) // stride + 1
    assert p.params == c_out * (c_in * k * k // groups + 1)
    assert p.macs == n * h_out * w_out * c_out * c_in * k * k // groups
    assert p.flops == 2 * p.macs
    assert p.modules[0].output_shape == (n, c_out, h_out, w_out)
    assert p.modules[0].output_bytes == n * c_out * h_out * w_out * 4


def test_conv1d_and_conv3d():
    p = profile(nn.Conv1d(4, 8, 3, padding=1, bias=False), (4, 50))
    assert p.params == 8 * 4 * 3 and p.macs == 50 * 8 * 4 * 3
    p = profile(nn.Conv3d(2, 4, 3), (2, 6, 7, 8))
    assert p.macs == 4 * 5 * 6 * 4 * 2 * 27


@pytest.mark.parametrize("groups", [1, 2])
def test_conv_transpose2d(groups):
    c_in, c_out, k, s, h, w = 4, 6, 3, 2, 5, 7
    conv = nn.ConvTranspose2d(c_in, c_out, k, stride=s, padding=1, output_padding=1, groups=groups)
    p = profile(conv, (c_in, h, w))
    # every input element is multiplied by a C_out/g × K² slice of the weight
    assert p.params == c_in * (c_out // groups) * k * k + c_out
    assert p.macs == h * w * c_in * (c_out // groups) * k * k
    assert p.modules[0].output_shape == (1, c_out, 2 * h, 2 * w)


# ---------------------------------------------------------------------------------------------- matrix products


def test_linear_2d_and_3d_inputs():
    lin = nn.Linear(16, 10)
    assert profile(lin, (16,), batch_size=3).macs == 3 * 16 * 10
    p = profile(lin, (7, 16), batch_size=3)  # tokens: every one goes through the layer
    assert p.macs == 3 * 7 * 16 * 10 and p.params == 16 * 10 + 10
    assert profile(nn.Linear(16, 10, bias=False), (5, 7, 16)).macs == 5 * 7 * 16 * 10


def test_functional_linear_matmul_bmm_einsum():
    w = nn.Parameter(torch.randn(10, 16))
    p = profile(Fn(lambda s, x: F.linear(x, w)), (4, 16))  # a weight outside any submodule: still counted
    assert p.macs == 4 * 16 * 10
    a, b = torch.randn(2, 3, 5, 8), torch.randn(2, 3, 8, 6)
    assert profile(Fn(lambda s, x, y: x @ y), inputs=(a, b)).macs == 2 * 3 * 5 * 8 * 6
    assert profile(Fn(lambda s, x, y: torch.bmm(x, y)), inputs=(a[0], b[0])).macs == 3 * 5 * 8 * 6
    assert profile(Fn(lambda s, x, y: x @ y), inputs=(a[0, 0], b[0, 0, :, 0])).macs == 5 * 8  # matrix × vector
    assert profile(Fn(lambda s, x, y: torch.einsum("bhqd,bhkd->bhqk", x, y)), inputs=(a, a)).macs == 2 * 3 * 5 * 5 * 8
    q, k = torch.randn(2, 7, 4, 8), torch.randn(2, 9, 4, 8)  # einsum with a transposition inside
    assert profile(Fn(lambda s, x, y: torch.einsum("bqhd,bkhd->bhqk", x, y)), inputs=(q, k)).macs == 2 * 4 * 7 * 9 * 8


# ---------------------------------------------------------------------------------------------- attention


@pytest.mark.parametrize("device", ["meta", "cpu"])  # meta: the math decomposition; cpu: the fused kernel
@pytest.mark.parametrize("mask", [False, True])
def test_scaled_dot_product_attention(device, mask):
    n, h, L, S, e, ev = 2, 3, 5, 7, 8, 4
    q, k, v = torch.randn(n, h, L, e), torch.randn(n, h, S, e), torch.randn(n, h, S, ev)
    m = torch.rand(L, S) > 0.5 if mask else None
    p = profile(Fn(lambda s, q, k, v, m: F.scaled_dot_product_attention(q, k, v, attn_mask=m)), inputs=(q, k, v, m),
                device=device)
    assert p.macs == n * h * L * S * e + n * h * L * S * ev  # Q·Kᵀ, then A·V


@pytest.mark.parametrize("device", ["meta", "cpu"])
@pytest.mark.parametrize("mode", ["eval", "train"])
def test_multihead_attention(device, mode):
    """On the CPU in eval under no_grad this is PyTorch's fused _native_multi_head_attention kernel."""
    n, L, e, heads = 2, 10, 32, 4
    mha = Fn(lambda s, x: s.mods[0](x, x, x, need_weights=False)[0], nn.MultiheadAttention(e, heads, batch_first=True))
    p = profile(mha, (L, e), batch_size=n, device=device, mode=mode)
    projections = n * L * e * 3 * e + n * L * e * e
    attention = 2 * n * L * L * e  # heads × head_dim = e
    assert p.macs == projections + attention
    if device == "cpu" and mode == "eval":
        assert "_native_multi_head_attention" in p.macs_by_op
    if mode == "train":  # input needs no grad: no grad for the q/k/v projection's input
        weights = n * L * e * 3 * e + 2 * n * L * e * e  # in-proj weight; out-proj weight and input
        assert p.backward_macs == weights + 2 * attention


def test_transformer_encoder_layer_fused_path():
    n, L, e, ffn = 2, 6, 16, 24
    enc = nn.TransformerEncoder(nn.TransformerEncoderLayer(e, 2, ffn, batch_first=True), 2, enable_nested_tensor=False)
    expected = 2 * (4 * n * L * e * e + 2 * n * L * L * e + 2 * n * L * e * ffn)
    assert profile(enc, (L, e), batch_size=n).macs == expected
    p = profile(enc, (L, e), batch_size=n, device="cpu")
    assert p.macs == expected

    def fused(s, x):  # the kernel nn.TransformerEncoderLayer calls on the CPU when no hooks are attached
        layer = s.mods[0]
        a, n1, n2 = layer.self_attn, layer.norm1, layer.norm2
        return torch._transformer_encoder_layer_fwd(
            x, e, 2, a.in_proj_weight, a.in_proj_bias, a.out_proj.weight, a.out_proj.bias, False, False, 1e-5,
            n1.weight, n1.bias, n2.weight, n2.bias, layer.linear1.weight, layer.linear1.bias, layer.linear2.weight,
            layer.linear2.bias, None)

    p = profile(Fn(fused, enc.layers[0]), (L, e), batch_size=n, device="cpu")
    assert p.macs_by_op == {"_transformer_encoder_layer_fwd": expected // 2}


# ---------------------------------------------------------------------------------------------- backward


def test_train_mode_counts_the_backward_operators():
    net = nn.Sequential(nn.Linear(8, 16), nn.ReLU(), nn.Linear(16, 4))
    p = profile(net, (8,), batch_size=3, mode="train")
    f1, f2 = 3 * 8 * 16, 3 * 16 * 4
    assert p.macs == f1 + f2
    assert p.backward_macs == f1 + 2 * f2  # no grad for the input, so the first layer has only grad_weight
    assert [m.backward_macs for m in p.table(1)] == [f1 + 2 * f2, f1, 0, 2 * f2]
    # saved for backward: the input (first weight's grad), the ReLU output (its own and the second weight's)
    assert p.saved_bytes == (3 * 8 + 3 * 16) * 4

    convs = nn.Sequential(nn.Conv2d(3, 8, 3, padding=1), nn.Conv2d(8, 4, 3, stride=2, padding=1))
    p = profile(convs, (3, 12, 12), mode="train")
    c1, c2 = 12 * 12 * 8 * 3 * 9, 6 * 6 * 4 * 8 * 9
    assert (p.macs, p.backward_macs) == (c1 + c2, c1 + 2 * c2)


def test_peak_of_live_tensors():
    net = nn.Sequential(nn.Linear(8, 16), nn.Linear(16, 4))
    p = profile(net, (8,), batch_size=3)
    assert p.peak_bytes == (3 * 8 + 3 * 16 + 3 * 4) * 4  # input, hidden and output alive together
    deep = nn.Sequential(*[nn.Linear(8, 8) for _ in range(6)])
    assert profile(deep, (8,)).peak_bytes == 3 * 8 * 4  # freed as it goes: input + two layers' outputs


# ---------------------------------------------------------------------------------------------- parameters


def test_tied_weights_count_once_and_unused_parameters_are_listed():
    class Tied(nn.Module):
        def __init__(self):
            super().__init__()
            self.embed = nn.Linear(8, 8, bias=False)
            self.out = nn.Linear(8, 8, bias=False)
            self.out.weight = self.embed.weight
            self.aux = nn.Linear(8, 3)  # an auxiliary head: never used in this forward

        def forward(self, x):
            return self.out(self.embed(x))

    p = profile(Tied(), (8,))
    assert p.params == 64 + 8 * 3 + 3
    assert p.unused_params == {"aux.weight": 24, "aux.bias": 3} and p.unused_param_count == 27
    aux_row = next(m for m in p.modules if m.name == "aux")
    assert aux_row.calls == 0 and aux_row.macs == 0
    assert "not run" in str(p)


def test_dtype_trainable_and_buffers():
    net = nn.Sequential(nn.Conv2d(3, 4, 3), nn.BatchNorm2d(4))
    net[0].weight.requires_grad_(False)
    p = profile(net, (3, 8, 8), dtype=torch.bfloat16)
    assert p.params == 4 * 27 + 4 + 8 and p.trainable_params == p.params - 4 * 27
    assert p.param_bytes == {"bfloat16": 2 * p.params}
    assert p.buffers == 4 + 4 + 1 and p.buffer_bytes == 8 * 2 + 8  # num_batches_tracked stays int64


def test_the_original_model_is_untouched():
    net = nn.Sequential(nn.Linear(4, 4), nn.BatchNorm1d(4))
    before = {k: v.clone() for k, v in net.state_dict().items()}
    profile(net, (4,), batch_size=2, mode="train")
    assert all(torch.equal(before[k], v) for k, v in net.state_dict().items())
    assert net.training and not any(p.is_meta for p in net.parameters()) and net[0].weight.grad is None


# ---------------------------------------------------------------------------------------------- errors


def test_operator_with_macs_but_no_formula_is_an_error():
    with pytest.raises(UncountedOperatorError, match="linalg_inv.*no formula"):
        profile(Fn(lambda s, x: torch.linalg.inv(x)), (4, 4))

    lib = torch.library.Library("zoo_profile_test", "DEF")  # a custom op: counted once a formula exists
    lib.define("my_mm(Tensor a, Tensor b) -> Tensor")
    lib.impl("my_mm", lambda a, b: a.new_empty(a.shape[0], b.shape[1]), "Meta")
    call = Fn(lambda s, a: torch.ops.zoo_profile_test.my_mm(a, a.T))
    with pytest.raises(UncountedOperatorError, match="my_mm"):
        profile(call, (5,), batch_size=3)
    register_formula("zoo_profile_test::my_mm")(lambda args, kwargs, out: out.numel() * args[0].shape[1])
    assert profile(call, (5,), batch_size=3).macs == 3 * 3 * 5


def test_bad_input_is_a_clear_error():
    with pytest.raises(TypeError, match="nn.Module or a model name.*got int"):
        profile(42)
    with pytest.raises(ValueError, match="unknown model 'resnet05'.*resnet50"):
        profile("resnet05")
    with pytest.raises(ValueError, match="at least 63x63, got 32x32"):  # zoo's own input check
        profile("alexnet", (3, 32, 32))
    too_small = nn.Sequential(nn.Conv2d(3, 4, 7), nn.MaxPool2d(4))
    with pytest.raises(ValueError, match=r"Sequential cannot run on an input of shape \(1, 3, 8, 8\)"):
        profile(too_small, (3, 8, 8))
    with pytest.raises(ValueError, match="input_size must be positive integers"):
        profile(nn.Linear(2, 2), (0, 2))
    with pytest.raises(ValueError, match="mode must be 'eval' or 'train'"):
        profile(nn.Linear(2, 2), (2,), mode="training")
    with pytest.raises(TypeError, match="only accepted with a model name"):
        profile(nn.Linear(2, 2), (2,), num_classes=3)


# ---------------------------------------------------------------------------------------------- reports


def test_table_summary_and_exports():
    p = zoo.profile("resnet18", depth=2)
    rows = p.table()
    assert rows[0].name == "" and rows[0].macs == p.macs and max(r.depth for r in rows) == 2
    stages = [r for r in rows if r.name.startswith("stages.")]
    assert sum(r.macs for r in stages) == next(r for r in rows if r.name == "stages").macs
    assert sum(r.params for r in rows if r.depth == 1) == p.params
    text = str(p)
    assert "1,814,073,344" in text and "stages.layer3" in text and "FLOPs = 2 × MACs" in text
    md = p.to_markdown(depth=1)
    assert "| `stages` | Sequential |" in md and "stages.layer1" not in md
    d = p.to_dict()
    assert d["macs"] == p.macs and d["flops"] == 2 * p.macs and len(d["modules"]) == len(p.modules)
    assert set(p.elementwise_flops) == {"normalization", "activation", "pooling", "arithmetic"}
    # BatchNorm: 4 flops per element of every normalised map; this input's first one is 64×112×112
    assert p.elementwise_flops["normalization"] % (4 * 64) == 0


def test_public_names_are_plain_functions_of_one_module():
    import zoo.profiling

    assert zoo.profile is zoo.profiling.profile and zoo.Profile is zoo.profiling.Profile
    assert zoo.profile(nn.Linear(3, 2), (3,)).macs == 6


# ---------------------------------------------------------------------------------------------- benchmark


def test_benchmark_measures_on_a_real_device():
    net = nn.Sequential(nn.Conv2d(3, 8, 3), nn.ReLU(), nn.AdaptiveAvgPool2d(1), nn.Flatten(), nn.Linear(8, 2))
    r = zoo.benchmark(net, (3, 32, 32), batch_size=4, warmup=1, repeats=5, threads=1, channels_last=True)
    lat = r.latency_ms
    assert lat["min"] <= lat["p50"] <= lat["p90"] <= lat["p99"] and lat["min"] > 0
    assert r.images_per_s == pytest.approx(4 / (lat["p50"] / 1e3))
    assert (r.threads, r.memory_format, r.dtype, r.input_shape) == (1, "channels_last", "float32", (4, 3, 32, 32))
    assert r.device.startswith("cpu") and r.peak_memory_bytes is None and "images/s" in str(r)
    assert zoo.benchmark(net, 32, mode="train", warmup=0, repeats=1).mode == "train"
    assert net[0].weight.grad is None  # measured on a copy
    with pytest.raises(TypeError, match="nn.Module or a model name"):
        zoo.benchmark("resnet18".encode())
    with pytest.raises(ValueError, match="repeats >= 1"):
        zoo.benchmark(net, 32, repeats=0)


def test_meta_shortcuts_change_nothing(monkeypatch):
    """The shortcuts for common operators on meta give the same profile as PyTorch's meta kernels."""
    module = sys.modules["zoo.profiling"]

    class Net(nn.Module):
        def __init__(self):
            super().__init__()
            self.stem = nn.Conv2d(3, 8, 1)
            self.conv, self.bn, self.act = nn.Conv2d(8, 8, 3, padding=1), nn.BatchNorm2d(8), nn.ReLU(inplace=True)
            self.norm, self.fc, self.gelu = nn.LayerNorm(8), nn.Linear(8, 8), nn.GELU()

        def forward(self, x):
            x = self.stem(x)
            x = x + self.act(self.bn(self.conv(x)))  # residual add
            t = self.norm(x.flatten(2).transpose(1, 2))
            return (t + self.gelu(self.fc(t))).mean(1)

    for mode in ("eval", "train"):
        fast = profile(Net(), (3, 6, 7), batch_size=2, mode=mode).to_dict()
        with monkeypatch.context() as m:
            m.setattr(module, "_fast_meta", lambda func, args: None)
            assert profile(Net(), (3, 6, 7), batch_size=2, mode=mode).to_dict() == fast


def test_profile_and_benchmark_resolve_names_alike(forget_registrations):
    """One resolver: a user-registered net without catalog facts, a ViT rebuilt for the size asked and a
    ``name.tag`` at its weight's input size work the same in zoo.profile and zoo.benchmark."""

    @zoo.register
    def tiny_user_net(num_classes=1000, in_chans=3):
        return nn.Sequential(nn.Conv2d(in_chans, 4, 3), nn.AdaptiveAvgPool2d(1), nn.Flatten(), nn.Linear(4, num_classes))

    assert profile("tiny_user_net", 32).params == (3 * 4 * 9 + 4) + (4 * 1000 + 1000)
    assert zoo.benchmark("tiny_user_net", 32, warmup=0, repeats=1).input_shape == (1, 3, 32, 32)
    r = zoo.benchmark("vit_ti_16", 64, warmup=0, repeats=1, num_classes=2)
    assert (r.input_shape, r.model) == ((1, 3, 64, 64), "vit_ti_16")
    # 16 patches + class token at 64 px against 197 tokens at 224: the count follows the size asked
    assert profile("vit_ti_16", 64).macs < profile("vit_ti_16").macs / 10
    tagged = profile("vit_b_16.tv_imagenet1k_swag_e2e_v1")  # a weight made at 384 px
    assert (tagged.model, tagged.input_shape) == ("vit_b_16.tv_imagenet1k_swag_e2e_v1", (1, 3, 384, 384))
    assert zoo.benchmark("vit_ti_16.augreg_in21k_ft_in1k", warmup=0, repeats=1).input_shape == (1, 3, 224, 224)


# ---------------------------------------------------------------------------------------------- faults


def test_fft_and_pairwise_distances_are_counted_not_zero():
    class Spectral(nn.Module):
        def forward(self, x):
            return torch.fft.irfft2(torch.fft.rfft2(x), s=x.shape[-2:])

    class Distances(nn.Module):
        def forward(self, x):
            return torch.cdist(x.flatten(2), x.flatten(2))

    p = zoo.profile(Spectral(), input_size=(3, 8, 16))  # 3 transforms of 128 points, each way
    assert p.macs_by_op == {"_fft_r2c": 128 * 7 * 3, "_fft_c2r": 128 * 7 * 3}
    p = zoo.profile(Distances(), input_size=(3, 8, 8))  # 3 x 3 pairs of 64 coordinates
    assert p.macs == 3 * 3 * 64


def test_a_plain_tensor_held_by_a_module_is_counted_on_meta():
    class Masked(nn.Module):
        def __init__(self):
            super().__init__()
            self.proj = nn.Linear(8, 8)
            self.mask = torch.tril(torch.ones(8, 8))  # not a buffer
            scale = torch.full((8,), 0.5)
            self.scaled = lambda x: x * scale  # a constant captured in a closure

        def forward(self, x):
            return self.scaled(self.proj(x) * self.mask)

    p = zoo.profile(Masked(), inputs=torch.randn(2, 8, 8))
    assert p.macs == 2 * 8 * 8 * 8 and p.elementwise_flops["arithmetic"] == 2 * 2 * 8 * 8


def test_deep_nesting_is_counted_and_the_recursion_limit_restored():
    import sys

    model = nn.Linear(4, 4)
    for _ in range(200):
        model = nn.Sequential(model)
    limit = sys.getrecursionlimit()
    assert zoo.profile(model, inputs=torch.randn(1, 4)).macs == 16
    assert sys.getrecursionlimit() == limit

    class Endless(nn.Module):
        def forward(self, x):
            return self(x)

    with pytest.raises(ValueError, match=r"Endless nests its modules \(or calls\) deeper than Python's recursion"):
        zoo.profile(Endless(), inputs=torch.randn(1, 4))
    assert sys.getrecursionlimit() == limit
