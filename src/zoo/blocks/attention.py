"""Multi-head self-attention (Vaswani et al., 2017), one module for ViT, Swin and Swin V2.

Everything runs through ``F.scaled_dot_product_attention``. Swin's learned relative-position bias and
its shifted-window mask reach the kernel as one additive mask; Swin V2's cosine attention folds its
per-head logit scale into the normalised queries, so the kernel runs at scale 1.
"""

from __future__ import annotations

import inspect
import math

import torch
import torch.nn.functional as F
from torch import nn

__all__ = ["Attention", "relative_position_index"]


def relative_position_index(window: int) -> torch.Tensor:
    """For every (query, key) pair of a window×window window, the row of its relative offset (dy, dx)."""
    coords = torch.stack(torch.meshgrid(torch.arange(window), torch.arange(window), indexing="ij")).flatten(1)
    rel = coords[:, :, None] - coords[:, None, :] + (window - 1)  # 2, N, N, each in [0, 2·window − 2]
    return (rel[0] * (2 * window - 1) + rel[1]).flatten()


def _log_spaced_offsets(window: int) -> torch.Tensor:
    """Swin V2's continuous positions: offsets scaled to [-8, 8], then sign · log2(1 + |x|) / 3."""
    r = torch.arange(-(window - 1), window, dtype=torch.float32) / (window - 1) * 8
    table = torch.stack(torch.meshgrid(r, r, indexing="ij"), -1)  # 2w−1, 2w−1, 2
    return torch.sign(table) * torch.log2(table.abs() + 1.0) / 3.0


def _bias(linear: nn.Module) -> torch.Tensor | None:
    """The bias of a linear layer, plain or wrapped (PEFT keeps ``.bias``; a dynamically quantized layer
    answers ``.bias()``)."""
    bias = getattr(linear, "bias", None)
    return bias() if inspect.ismethod(bias) else bias  # a tracer's proxy is callable too: not a method


class Attention(nn.Module):
    """Self-attention over the tokens of ``x`` (B, N, C): qkv projection → SDPA → output projection.

    Args:
        dim: token width; ``num_heads`` must divide it.
        window: side of the square window the tokens come from; with ``position_bias`` set, a
            relative-position bias over the window's N = window² tokens is learned (Swin).
        position_bias: None, "table" (a learned bias per relative offset, Swin) or "mlp" (a small
            MLP over log-spaced offsets, 16·sigmoid of it, Swin V2's continuous position bias).
        cosine: cosine similarity between queries and keys times a learned per-head scale (≤ 100)
            instead of the scaled dot product (Swin V2); the key bias is kept at zero, as in V2.
        scale: the factor of the dot product (None: head_dim ** −0.5); torchvision's MaxViT uses
            dim ** −0.5, its weights were trained so.
    """

    def __init__(
        self,
        dim: int,
        num_heads: int,
        qkv_bias: bool = True,
        attn_drop: float = 0.0,
        proj_drop: float = 0.0,
        window: int | None = None,
        position_bias: str | None = None,
        cosine: bool = False,
        scale: float | None = None,
    ):
        super().__init__()
        if dim % num_heads:
            raise ValueError(f"attention width {dim} is not divisible by num_heads={num_heads}")
        if position_bias not in (None, "table", "mlp"):
            raise ValueError(f"position_bias must be None, 'table' or 'mlp', got {position_bias!r}")
        if position_bias is not None and not window:
            raise ValueError("a relative position bias needs the window size")
        self.num_heads = num_heads
        self.attn_drop = attn_drop
        self.qkv = nn.Linear(dim, dim * 3, bias=qkv_bias)
        self.proj = nn.Linear(dim, dim)
        self.proj_drop = nn.Dropout(proj_drop) if proj_drop > 0 else nn.Identity()
        self.position_bias = position_bias
        self.cosine = cosine
        self.scale = scale
        if cosine:
            self.logit_scale = nn.Parameter(torch.full((num_heads, 1, 1), math.log(10.0)))
        if position_bias is not None:
            self.window = window
            self.register_buffer("relative_position_index", relative_position_index(window), persistent=False)
        if position_bias == "table":
            self.relative_position_bias_table = nn.Parameter(torch.zeros((2 * window - 1) ** 2, num_heads))
            nn.init.trunc_normal_(self.relative_position_bias_table, std=0.02)
        elif position_bias == "mlp":
            self.register_buffer("relative_coords_table", _log_spaced_offsets(window), persistent=False)
            self.cpb_mlp = nn.Sequential(nn.Linear(2, 512), nn.ReLU(inplace=True), nn.Linear(512, num_heads, bias=False))

    def bias_table(self) -> torch.Tensor | None:
        """The learned bias per relative offset, ((2·window − 1)², heads), or None."""
        # hasattr, not position_bias: TorchScript then compiles only the branch this layer has
        if hasattr(self, "relative_position_bias_table"):
            return self.relative_position_bias_table
        if hasattr(self, "cpb_mlp"):
            return 16 * torch.sigmoid(self.cpb_mlp(self.relative_coords_table).view(-1, self.num_heads))
        return None

    def relative_bias(self) -> torch.Tensor | None:
        """The (heads, N, N) additive bias of this layer's window, or None."""
        if not hasattr(self, "relative_position_index"):  # no position bias (hasattr: as in bias_table)
            return None
        table = self.bias_table()
        assert table is not None
        n = self.window * self.window
        return table[self.relative_position_index].view(n, n, -1).permute(2, 0, 1)

    def project_qkv(self, x: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor, float | None]:
        """Queries, keys and values (B, heads, N, head_dim) of ``x`` (B, N, C), and the attention scale
        (None: head_dim ** −0.5)."""
        B, N, C = x.shape
        qkv = self.qkv(x)  # called as a module, so hooks, adapters (LoRA) and quantization see it
        if hasattr(self, "logit_scale"):  # cosine (V2) learns no key bias: take back what the projection added
            key_bias = _bias(self.qkv)
            if key_bias is not None:
                qkv = qkv - F.pad(key_bias[C:2 * C], (C, C)).to(qkv.dtype)
        head_dim = qkv.shape[-1] // (3 * self.num_heads)  # not -1: a batch of 0 has no size to infer
        q, k, v = qkv.reshape(B, N, 3, self.num_heads, head_dim).permute(2, 0, 3, 1, 4).unbind(0)
        if not hasattr(self, "logit_scale"):  # not cosine (hasattr: TorchScript then skips the rest)
            return q, k, v, self.scale
        q = F.normalize(q, dim=-1) * torch.clamp(self.logit_scale, max=math.log(100.0)).exp()
        return q, F.normalize(k, dim=-1), v, 1.0

    def project_out(self, x: torch.Tensor) -> torch.Tensor:
        """The heads' outputs (B, heads, N, head_dim) merged and projected back to (B, N, C)."""
        B, heads, N, head_dim = x.shape
        # an explicit copy before the merge: the attention kernel's output strides differ between
        # capture and decomposition (torch.onnx), so a reshape recorded as a view would not replay
        x = x.transpose(1, 2).clone(memory_format=torch.contiguous_format)
        return self.proj_drop(self.proj(x.reshape(B, N, heads * head_dim)))

    def forward(self, x: torch.Tensor, window_mask: torch.Tensor | None = None) -> torch.Tensor:
        """``x``: (B, N, C). ``window_mask``: an additive (nW, N, N) mask when ``x`` holds nW windows
        of each of B // nW images, window-major within each image (Swin's shifted windows)."""
        B, N, _ = x.shape
        q, k, v, scale = self.project_qkv(x)
        mask = self.relative_bias()
        if mask is not None:
            mask = mask.unsqueeze(0)
        if window_mask is not None:
            windows = window_mask.shape[0]
            mask = window_mask.unsqueeze(1) if mask is None else mask + window_mask.unsqueeze(1)  # nW, heads|1, N, N
            mask = mask.expand(B // windows, -1, self.num_heads, -1, -1).reshape(B, self.num_heads, N, N)
        if mask is not None:
            mask = mask.to(q.dtype)
        x = F.scaled_dot_product_attention(
            q, k, v, attn_mask=mask, dropout_p=self.attn_drop if self.training else 0.0, scale=scale
        )
        return self.project_out(x)
