"""Exact parameters, multiply-accumulates and activation memory of any ``nn.Module``.

    import zoo
    p = zoo.profile("resnet50")                  # or any nn.Module; input_size=(3, 224, 224)
    p.params, p.macs, p.flops                    # 25_557_032, 4_089_184_256, 2 × macs
    print(p)                                     # summary and per-module table
    zoo.profile(model, mode="train").backward_macs

How it counts. The model runs once on the ``meta`` device (through ``torch.func.functional_call``
with stand-ins for its parameters that have shapes but no storage, so a ViT-H or a batch of 256 costs
neither memory nor time, and the caller's module is not changed) under a
``TorchDispatchMode``: every ATen operator that runs is seen — a functional call, an ``@`` or an
``einsum`` inside ``forward`` as much as an ``nn.Linear`` — and its multiply-accumulates come from a
formula of the operator's shapes (``FORMULAS``). Module hooks keep the set of modules currently
running, forward or backward, so each operator's count is also credited to them. Hooks make
PyTorch's fused ``nn.TransformerEncoderLayer`` path step aside (it runs the same products op by op);
the fused kernels themselves (``_native_multi_head_attention``, ``_transformer_encoder_layer_fwd``,
the flash/efficient/cuDNN/CPU attention kernels) have formulas for when they do run.

Train mode counts the backward operators as dispatched (no fixed factor): a layer whose input needs
no gradient (the first one) has no grad-input product. For fused attention backward the gradient's
four products are counted, not the Q·Kᵀ that flash kernels recompute, so the count does not depend
on which kernel the device picks.

Conventions (DESIGN.md): one MAC is one multiply-add and ``flops = 2 × macs``; torchvision's "GFLOPS"
and fvcore's "flops" are MACs. Only multiply-accumulate work is in ``macs``: convolutions (grouped,
depthwise, transposed: ``H'·W'·C'·C·K²/g`` per image, padding included, bias not), matrix products
(mm/bmm/addmm/baddbmm/mv/dot, hence ``nn.Linear``, ``@``, ``einsum``), and attention
(``Q·Kᵀ`` and ``A·V`` of every ``scaled_dot_product_attention`` kernel and of PyTorch's fused
multi-head-attention paths). An operator whose name says it does multiply-accumulate work but that
has no formula raises :class:`UncountedOperatorError` rather than counting zero. Cheaper elementwise
work is reported apart, by category, in ``elementwise_flops`` (costs per element in
``ELEMENTWISE_COSTS``).

Auxiliary heads. ``params`` counts every parameter the module holds; those that the forward pass
never touched (Inception's auxiliary classifiers in eval mode, for instance) are listed in
``unused_params``, so ``params - unused_param_count`` is the inference network. ``macs`` counts the
forward pass that actually ran: in eval mode auxiliary heads do not run and count nothing; in train
mode they run and count.
"""

from __future__ import annotations

import contextlib
import sys
import weakref
from collections import Counter
from dataclasses import asdict, dataclass, field
from typing import Any, Sequence

import torch
from torch import nn
from torch.utils._python_dispatch import TorchDispatchMode
from torch.utils._pytree import tree_flatten, tree_map

from zoo.formulas import (ELEMENTWISE_COSTS, FORMULAS, UncountedOperatorError, elementwise_cost, has_mac_work,
                          register_formula)
from zoo.resolve import input_shape, resolve_model

__all__ = ["profile", "Profile", "ModuleStats", "UncountedOperatorError", "register_formula", "ELEMENTWISE_COSTS"]


# ---------------------------------------------------------------------------------------------- the mode


# Shortcuts for the commonest shape-preserving operators on the meta device, whose meta kernels are
# written in Python and dominate the run time (a hardswish takes milliseconds): the output is laid
# out like a dense input, exactly as the kernel would lay it out.
_aten = torch.ops.aten
_UNARY = {
    getattr(_aten, n).default
    for n in ("relu", "gelu", "silu", "sigmoid", "hardswish", "hardsigmoid", "tanh", "leaky_relu", "elu", "hardtanh",
              "mish", "softplus")
}
_UNARY_INPLACE = {getattr(_aten, n).default for n in ("relu_", "gelu_", "silu_", "sigmoid_", "hardswish_",
                                                      "hardsigmoid_", "tanh_", "leaky_relu_", "elu_", "hardtanh_", "mish_")}
_BINARY = {_aten.add.Tensor, _aten.sub.Tensor, _aten.mul.Tensor, _aten.div.Tensor}
_BINARY_INPLACE = {_aten.add_.Tensor, _aten.sub_.Tensor, _aten.mul_.Tensor, _aten.div_.Tensor}
_BATCH_NORM = {_aten.native_batch_norm.default, _aten._native_batch_norm_legit_no_training.default}


def _dense(t) -> bool:
    return (isinstance(t, torch.Tensor) and t.is_meta and t.dtype == torch.float32
            and (t.is_contiguous() or t.is_contiguous(memory_format=torch.channels_last)))


def _fast_meta(func, args):
    """The output of ``func(*args)`` on dense float32 meta tensors, or None to run the real kernel."""
    x = args[0] if args else None
    if not _dense(x):
        return None
    if func in _UNARY:
        return torch.empty_like(x)
    if func in _UNARY_INPLACE:
        return x
    if func in _BINARY or func in _BINARY_INPLACE:
        y = args[1]
        if not (_dense(y) and y.shape == x.shape and y.stride() == x.stride()):
            return None
        return x if func in _BINARY_INPLACE else torch.empty_like(x)
    if func in _BATCH_NORM and x.ndim >= 2 and all(_dense(a) or a is None for a in args[1:5]):
        return torch.empty_like(x), x.new_empty((x.shape[1],)), x.new_empty((x.shape[1],))
    if func == _aten.addmm.default and len(args) == 3 and _dense(args[1]) and isinstance(args[2], torch.Tensor):
        bias, a, b = args
        m, n = a.shape[0], b.shape[-1]
        if (a.ndim == b.ndim == 2 and a.shape[1] == b.shape[0] and b.is_meta and b.dtype == x.dtype
                and bias.ndim <= 2 and bias.shape[-1] in (1, n) and (bias.ndim < 2 or bias.shape[0] in (1, m))):
            return a.new_empty((m, n))
    if func == _aten.native_layer_norm.default and x.is_contiguous():
        shape, weight, bias = list(args[1]), args[2], args[3]
        k = len(shape)
        if list(x.shape[x.ndim - k:]) == shape and all(t is None or (_dense(t) and list(t.shape) == shape)
                                                      for t in (weight, bias)):
            stats = (*x.shape[: x.ndim - k], *[1] * k)
            return torch.empty_like(x), x.new_empty(stats), x.new_empty(stats)
    return None


def _storage_key(t: torch.Tensor) -> int:
    return t.untyped_storage()._cdata


class _Counter(TorchDispatchMode):
    """Counts every dispatched operator, credits it to the running modules, tracks live tensor bytes."""

    def __init__(self, static_storages: set[int], param_ids: set[int]):
        super().__init__()
        self.static = static_storages  # parameter/buffer storages: never counted as activations
        self.param_ids = param_ids
        self.active: Counter[str] = Counter()  # modules running now (forward, or backward in train mode)
        self.backward = False
        self.meta = True  # on the meta device: real tensors met on the way get meta twins
        self.macs = Counter()  # (phase, module name) → MACs; the root module's name is ""
        self.total: Counter[str] = Counter()  # phase → MACs, whether or not a module was running
        self.by_op: Counter[str] = Counter()
        self.elementwise: Counter[str] = Counter()
        self.touched: set[int] = set()  # ids of the parameters an operator received in the forward pass
        self.live = 0
        self.peak = 0
        self._live: dict[int, weakref.ref] = {}

    def track(self, t: torch.Tensor) -> None:
        """Count ``t``'s storage as live until it is freed (views of a counted storage add nothing)."""
        st = t.untyped_storage()
        key = st._cdata
        if key in self._live or key in self.static:
            return
        nbytes = st.nbytes()
        self.live += nbytes
        self.peak = max(self.peak, self.live)

        def freed(_, key=key, nbytes=nbytes, self_ref=weakref.ref(self)):
            me = self_ref()
            if me is not None:
                me.live -= nbytes
                me._live.pop(key, None)

        self._live[key] = weakref.ref(st, freed)

    def __torch_dispatch__(self, func, types_, args=(), kwargs=None):
        kwargs = kwargs or {}
        if self.meta and any(isinstance(t, torch.Tensor) and not t.is_meta for t in tree_flatten((args, kwargs))[0]):
            # a plain tensor the module holds (a mask in a closure, not a buffer): its meta twin
            args, kwargs = tree_map(lambda t: t.to("meta") if isinstance(t, torch.Tensor) else t, (args, kwargs))
        out = _fast_meta(func, args)
        if out is None:
            out = func(*args, **kwargs)
        op = func._schema.name  # "aten::convolution"
        if not self.backward:  # an operator always receives a parameter itself before any view of it
            for a in args:
                if isinstance(a, (list, tuple)):
                    self.touched.update(id(b) for b in a if id(b) in self.param_ids)
                elif id(a) in self.param_ids:
                    self.touched.add(id(a))
        formula = FORMULAS.get(op)
        if formula is not None:
            macs = int(formula(args, kwargs, out))
        elif has_mac_work(op):
            raise UncountedOperatorError(
                f"operator {func} does multiply-accumulate work but zoo.profile has no formula for it; "
                f"register one with `from zoo.profiling import register_formula`, `@register_formula({op!r})`"
            )
        else:
            macs = 0
        phase = "backward" if self.backward else "forward"
        if macs:
            self.by_op[op.split("::")[-1]] += macs
            self.total[phase] += macs
            for name in self.active:
                self.macs[phase, name] += macs
        if not self.backward:
            ew = elementwise_cost(op, args, out)
            if ew:
                self.elementwise[ew[0]] += ew[1]
        for t in tree_flatten(out)[0]:
            if isinstance(t, torch.Tensor):
                self.track(t)
        return out


# ---------------------------------------------------------------------------------------------- results


@dataclass
class ModuleStats:
    """One row of the per-module table (counts include the module's children)."""

    name: str  # qualified name ("" for the whole model)
    type: str
    depth: int
    params: int
    macs: int = 0
    backward_macs: int = 0
    output_shape: tuple | None = None  # of the last call; None when the module never ran
    output_bytes: int = 0
    calls: int = 0  # -1: never called itself, but its children ran (a container that is iterated)


@dataclass
class Profile:
    """What :func:`profile` measured. ``macs``: multiply-accumulates of the forward pass; ``flops = 2 × macs``."""

    model: str
    input_shape: tuple[int, ...]
    mode: str
    dtype: str
    device: str
    params: int
    trainable_params: int
    buffers: int
    param_bytes: dict[str, int]  # dtype → bytes
    buffer_bytes: int
    unused_params: dict[str, int]  # parameters the forward pass never touched: name → numel
    macs: int
    backward_macs: int  # train mode: MACs of the dispatched backward operators (0 in eval)
    macs_by_op: dict[str, int]
    elementwise_flops: dict[str, int]  # category → flops (ELEMENTWISE_COSTS), forward only
    output_bytes: int  # bytes of the model's output
    peak_bytes: int  # peak bytes of live tensors during the run, parameters and buffers excluded
    saved_bytes: int  # train mode: bytes saved for backward (activations; parameters excluded)
    modules: list[ModuleStats] = field(default_factory=list)
    depth: int = 2

    @property
    def flops(self) -> int:
        return 2 * self.macs

    @property
    def backward_flops(self) -> int:
        return 2 * self.backward_macs

    @property
    def unused_param_count(self) -> int:
        return sum(self.unused_params.values())

    @property
    def gmacs(self) -> float:
        return self.macs / 1e9

    def table(self, depth: int | None = None) -> list[ModuleStats]:
        """Rows for the modules at most ``depth`` levels deep (the whole model is level 0)."""
        depth = self.depth if depth is None else depth
        return [m for m in self.modules if m.depth <= depth]

    def to_dict(self) -> dict[str, Any]:
        d = asdict(self)
        d.update(flops=self.flops, backward_flops=self.backward_flops, unused_param_count=self.unused_param_count)
        return d

    def summary_lines(self) -> list[str]:
        lines = [
            f"{self.model} — input {'x'.join(map(str, self.input_shape))}, {self.mode} mode, {self.dtype}",
            f"params           {self.params:>16,}  ({self.trainable_params:,} trainable, "
            f"{_bytes(sum(self.param_bytes.values()))})",
        ]
        if self.unused_params:
            names = ", ".join(_shorten(list(self.unused_params)))
            lines.append(f"  unused         {self.unused_param_count:>16,}  never touched by forward: {names}")
        lines += [
            f"buffers          {self.buffers:>16,}  ({_bytes(self.buffer_bytes)})",
            f"MACs             {self.macs:>16,}  ({_si(self.macs)}MAC, FLOPs = 2 × MACs = {_si(self.flops)}FLOP)",
        ]
        if self.mode == "train":
            lines.append(f"backward MACs    {self.backward_macs:>16,}  ({_si(self.backward_macs)}MAC)")
        if self.elementwise_flops:
            ew = ", ".join(f"{k} {_si(v)}" for k, v in sorted(self.elementwise_flops.items(), key=lambda kv: -kv[1]))
            lines.append(f"elementwise      {sum(self.elementwise_flops.values()):>16,}  FLOPs ({ew})")
        lines.append(f"peak activations {self.peak_bytes:>16,}  ({_bytes(self.peak_bytes)}, live tensors, params excluded)")
        if self.mode == "train":
            lines.append(f"saved for bwd    {self.saved_bytes:>16,}  ({_bytes(self.saved_bytes)})")
        return lines

    def _rows(self, depth: int | None) -> tuple[list[str], list[list[str]]]:
        train = self.mode == "train"
        header = ["module", "type", "output", "params", "MACs", "share"] + ["backward MACs"] * train
        rows = []
        for m in self.table(depth):
            shape = "x".join(map(str, m.output_shape or ())) if m.calls > 0 else "-" if m.calls else "not run"
            share = f"{100 * m.macs / self.macs:.1f}%" if self.macs else "-"
            rows.append(["  " * m.depth + (m.name or "(model)"), m.type, shape, f"{m.params:,}", f"{m.macs:,}", share]
                        + [f"{m.backward_macs:,}"] * train)
        return header, rows

    def to_markdown(self, depth: int | None = None) -> str:
        header, rows = self._rows(depth)
        lines = ["| " + " | ".join(header) + " |", "|---|---|---|" + "---:|" * (len(header) - 3)]
        lines += ["| " + " | ".join(c.replace("|", "\\|") if i else f"`{c.strip()}`" for i, c in enumerate(r)) + " |"
                  for r in rows]
        return "\n".join(self.summary_lines()).replace("\n", "  \n") + "\n\n" + "\n".join(lines)

    def __str__(self) -> str:
        header, rows = self._rows(None)
        widths = [max(len(r[i]) for r in [header, *rows]) for i in range(len(header))]
        fmt = lambda r: "  ".join(c.ljust(w) if i < 3 else c.rjust(w) for i, (c, w) in enumerate(zip(r, widths)))  # noqa: E731
        table = [fmt(header), "  ".join("-" * w for w in widths), *map(fmt, rows)]
        return "\n".join(self.summary_lines() + [""] + table)


def _si(n: float) -> str:
    for unit, scale in (("T", 1e12), ("G", 1e9), ("M", 1e6), ("K", 1e3)):
        if abs(n) >= scale:
            return f"{n / scale:.3f} {unit}"
    return f"{n} "


def _bytes(n: int) -> str:
    for unit, scale in (("GiB", 2**30), ("MiB", 2**20), ("KiB", 2**10)):
        if n >= scale:
            return f"{n / scale:.2f} {unit}"
    return f"{n} B"


def _shorten(names: list[str], keep: int = 4) -> list[str]:
    """Common prefixes first: ``aux.fc.weight, aux.fc.bias`` → ``aux.*``."""
    prefixes = sorted({n.split(".")[0] for n in names})
    out = [f"{p}.*" if sum(n.startswith(p + ".") for n in names) > 1 else p for p in prefixes]
    return out[:keep] + ([f"… {len(out) - keep} more"] if len(out) > keep else [])


# ---------------------------------------------------------------------------------------------- profile()


def _substitutes(model: nn.Module, device: torch.device, dtype: torch.dtype) -> dict[str, torch.Tensor]:
    """Stand-ins for every parameter and buffer on ``device`` (meta: shapes only, no data copied).

    The model runs with them through ``torch.func.functional_call``, so the caller's module is neither
    copied nor changed; tied weights get one shared stand-in.
    """
    made: dict[int, torch.Tensor] = {}
    out = {}
    for name, t in [*model.named_parameters(remove_duplicate=False), *model.named_buffers(remove_duplicate=False)]:
        if id(t) not in made:
            to = dtype if t.is_floating_point() else t.dtype
            new = torch.empty_like(t, device=device, dtype=to) if device.type == "meta" else t.detach().to(device, to, copy=True)
            made[id(t)] = new.requires_grad_(t.requires_grad) if isinstance(t, nn.Parameter) else new
        out[name] = made[id(t)]
    return out


def _param_count(module: nn.Module, memo: dict) -> int:
    return sum(p.numel() for p in _param_set(module, memo).values())


def _param_set(module: nn.Module, memo: dict) -> dict[int, nn.Parameter]:
    """The module's parameters with its children's, each once (a tied weight is one parameter)."""
    if module not in memo:
        found = {id(p): p for p in module._parameters.values() if p is not None}
        for child in module.children():
            found.update(_param_set(child, memo))
        memo[module] = found
    return memo[module]


def _tensor_bytes(x) -> int:
    return sum(t.numel() * t.element_size() for t in tree_flatten(x)[0] if isinstance(t, torch.Tensor))


def _first_shape(x) -> tuple | None:
    tensors = [t for t in tree_flatten(x)[0] if isinstance(t, torch.Tensor)]
    return tuple(tensors[0].shape) if tensors else None


def profile(
    model_or_name: nn.Module | str,
    input_size: int | Sequence[int] | None = None,
    batch_size: int = 1,
    mode: str = "eval",
    depth: int = 2,
    *,
    dtype: torch.dtype = torch.float32,
    device: str | torch.device = "meta",
    inputs: Any = None,
    **model_kwargs: Any,
) -> Profile:
    """Count parameters, MACs/FLOPs and activation memory of a model.

    Args:
        model_or_name: any ``nn.Module`` (left unchanged) or a zoo model name; with a name,
            ``model_kwargs`` go to :func:`zoo.create_model` (``width_mult=0.5``, ``num_classes=10``, …).
        input_size: one input without the batch dimension, ``(C, H, W)`` or an int for ``(3, s, s)``;
            default: the catalog's input size for a name, else ``(in_chans, 224, 224)``.
        batch_size: images per batch.
        mode: ``"eval"`` (inference under ``no_grad``) or ``"train"`` (train-mode forward and a backward
            pass, counted operator by operator, and the bytes saved for backward).
        depth: how deep the per-module table goes (the model is depth 0).
        dtype: the floating dtype parameters and input are given (memory scales with it).
        device: ``"meta"`` (default: no memory, no compute); on a real device the model runs with a copy
            of its weights there (PyTorch's device-specific fused kernels, e.g. CPU multi-head attention, then run).
        inputs: explicit positional input(s) to call the model with, instead of a random batch.
    """
    if mode not in ("eval", "train"):
        raise ValueError(f"mode must be 'eval' or 'train', got {mode!r}")
    if not isinstance(depth, int) or depth < 0:
        raise ValueError(f"depth must be a non-negative integer, got {depth!r}")
    train = mode == "train"
    device = torch.device(device)
    resolved = resolve_model(model_or_name, input_size, model_kwargs=model_kwargs, device=device)
    model, label, input_size = resolved.model, resolved.label, resolved.input_size
    state = _substitutes(model, device, dtype)

    if inputs is None:
        shape = input_shape(model, input_size, batch_size)
        inputs = (torch.randn(shape, device=device, dtype=dtype),)
    else:
        inputs = inputs if isinstance(inputs, tuple) else (inputs,)
        inputs = tuple((torch.empty_like(t, device=device) if device.type == "meta" else t.to(device))
                       if isinstance(t, torch.Tensor) else t for t in inputs)
        shape = _first_shape(inputs) or ()

    # parameters: deduplicated (tied weights once); a parameter is "used" when an operator receives it
    named = {n: state[n] for n, _ in model.named_parameters()}
    param_ids: dict[int, str] = {}
    for n, p in named.items():
        param_ids.setdefault(id(p), n)
    static = {_storage_key(t) for t in state.values()}
    param_bytes: Counter[str] = Counter()
    for p in {id(p): p for p in named.values()}.values():
        param_bytes[str(p.dtype).removeprefix("torch.")] += p.numel() * p.element_size()
    buffers = list({id(state[n]): state[n] for n, _ in model.named_buffers()}.values())

    counter = _Counter(static, set(param_ids))
    counter.meta = device.type == "meta"
    names, memo = {}, {}
    for n, m in model.named_modules():
        names.setdefault(m, n)
    stats = {m: ModuleStats(n, type(m).__name__, n.count(".") + 1 if n else 0, _param_count(m, memo))
             for m, n in names.items()}
    handles = []
    saved: dict[int, int] = {}
    produced: dict[int, tuple[weakref.ref, list[str]]] = {}  # id of an output → the modules returning it

    def pre_hook(module, args):
        counter.active[names[module]] += 1

    def post_hook(module, args, output):
        name = names[module]
        counter.active[name] -= 1
        if not counter.active[name]:
            del counter.active[name]
        s = stats[module]
        s.calls += 1
        s.output_shape = _first_shape(output)
        s.output_bytes = _tensor_bytes(output)
        if train:  # its backward begins when gradients reach its outputs, ends when they leave its inputs
            outs = [t for t in tree_flatten(output)[0] if isinstance(t, torch.Tensor) and t.requires_grad]
            ins = [t for t in tree_flatten(args)[0] if isinstance(t, torch.Tensor) and t.requires_grad]
            if outs:
                handles.append(torch.autograd.graph.register_multi_grad_hook(outs, lambda _: enter_bw(name)))
            for t in outs:  # the hooks above do not fire for the tensors backward starts from
                ref, producers = produced.get(id(t), (None, []))
                produced[id(t)] = (weakref.ref(t), (producers if ref is not None and ref() is t else []) + [name])
            if ins:
                handles.append(torch.autograd.graph.register_multi_grad_hook(ins, lambda _: leave_bw(name)))

    def enter_bw(name):
        counter.active[name] = 1

    def leave_bw(name):
        counter.active.pop(name, None)

    def pack(t: torch.Tensor):
        key = _storage_key(t)
        if key not in static:
            saved[key] = t.untyped_storage().nbytes()
        return t

    training = {m: m.training for m in names}
    for m in names:
        m.training = train
        handles.append(m.register_forward_pre_hook(pre_hook))
        handles.append(m.register_forward_hook(post_hook))
    limit = sys.getrecursionlimit()
    sys.setrecursionlimit(max(limit, 5000))  # hooks and the dispatch mode take several frames per module
    try:
        grad = torch.enable_grad() if train else torch.no_grad()
        with grad, counter:
            for t in tree_flatten(inputs)[0]:
                if isinstance(t, torch.Tensor):
                    counter.track(t)
            try:
                with torch.autograd.graph.saved_tensors_hooks(pack, lambda t: t) if train else contextlib.nullcontext():
                    output = torch.func.functional_call(model, state, inputs, tie_weights=True, strict=False)
            except UncountedOperatorError:
                raise
            except RecursionError as e:
                raise ValueError(f"{label} nests its modules (or calls) deeper than Python's recursion limit allows "
                                 f"while profiling ({sys.getrecursionlimit()} frames); raise it with "
                                 f"sys.setrecursionlimit(...)") from e
            except (RuntimeError, AssertionError) as e:
                raise ValueError(f"{label} cannot run on an input of shape {tuple(shape)}: {e}") from e
            output_bytes = _tensor_bytes(output)
            if train:
                outs = [t for t in tree_flatten(output)[0] if isinstance(t, torch.Tensor) and t.requires_grad]
                if not outs:
                    raise ValueError(f"{label} in train mode returned no output that requires grad")
                counter.active.clear()
                for t in outs:
                    ref, producers = produced.get(id(t), (None, []))
                    for name in producers if ref is not None and ref() is t else []:
                        enter_bw(name)
                counter.backward = True
                torch.autograd.backward(outs, [torch.ones_like(t) for t in outs])
            del output
    finally:
        sys.setrecursionlimit(limit)
        for h in handles:
            h.remove()
        for m, was_training in training.items():
            m.training = was_training

    for m, s in stats.items():
        s.macs = counter.macs["forward", s.name]
        s.backward_macs = counter.macs["backward", s.name]
    for m in reversed(list(stats)):  # a container iterated rather than called: the sum of its children
        s = stats[m]
        if not s.calls:
            s.macs = sum(stats[c].macs for c in m.children())
            s.backward_macs = sum(stats[c].backward_macs for c in m.children())
            s.calls = -1 if any(stats[c].calls for c in m.children()) else 0
    unused = {n: named[n].numel() for i, n in param_ids.items() if i not in counter.touched}
    return Profile(
        model=label,
        input_shape=tuple(shape),
        mode=mode,
        dtype=str(dtype).removeprefix("torch."),
        device=str(device),
        params=sum(p.numel() for p in named.values()),
        trainable_params=sum(p.numel() for p in named.values() if p.requires_grad),
        buffers=sum(b.numel() for b in buffers),
        param_bytes=dict(param_bytes),
        buffer_bytes=sum(b.numel() * b.element_size() for b in buffers),
        unused_params=unused,
        macs=counter.total["forward"],
        backward_macs=counter.total["backward"],
        macs_by_op=dict(counter.by_op.most_common()),
        elementwise_flops=dict(counter.elementwise),
        output_bytes=output_bytes,
        peak_bytes=counter.peak,
        saved_bytes=sum(saved.values()),
        modules=list(stats.values()),
        depth=depth,
    )
