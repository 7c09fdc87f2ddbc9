"""EgrResidual: a network that predicts a correction to the early-global-routing (egr) overflow map.

The labels (overflow after the router's rip-up rounds) stay close to the egr map (the pattern stage's
overflow, `egr_overflow_h + egr_overflow_v`), which alone beats every model trained from scratch on the
test split (docs/results/training.md). So the wrapped network (`inner`) learns only what the egr map
misses:

    prediction = clamp(g_h * smooth(x[egr_h]) + g_v * smooth(x[egr_v]) + inner(x), 0, 1)

on the normalised scales (inputs divided by their channel scales, label by the label scale). The gains
`g_h`, `g_v` are learnable, initialised by `fit_gains` (least squares on the training split: the egr
baseline's factor, one per direction); `smooth` is a fixed Gaussian blur of width `sigma` GCells (edge
padding; `sigma` 0: none), because the rip-up rounds spread the pattern stage's overflow onto its
neighbours. The inner network's last convolution starts at zero, so before training the model is exactly
the scaled egr map. The clamp applies in eval mode only (the exported graph): in training the loss sees
the raw sum, so a GCell outside [0, 1] still gets a gradient.

With `per_direction` (issue 11's untried lead (b)), the inner network has two outputs, one correction per
direction, and the model predicts the two directions' labels separately:

    pred_h = g_h * smooth(x[egr_h]) + inner_h(x),   pred_v = g_v * smooth(x[egr_v]) + inner_v(x)

trained against `congestion_h` and `congestion_v` (train mode returns [N, 2, H, W]); in eval mode (the
exported graph) the two are summed inside the module and clamped, so the output is still one map
`prediction` = clamp(pred_h + pred_v, 0, 1) of `congestion` = `congestion_h + congestion_v`. The gains are
then fitted per direction (`egr_h` against `congestion_h`, `egr_v` against `congestion_v`).

With `gate` (for the history label: 92-94% of the router's history cost lies on the GCells where the
pattern stage overflowed, 5-17% of them), the prediction is multiplied by 1 where `egr_h + egr_v > 0` (the
raw base channels, before any blur) and 0 elsewhere, in training and in the exported graph, so the model
puts no cost where the pattern stage saw none and learns only how much goes where it did. (For the
congestion label, 96% of which lies there too, the gate does not help: docs/results/training.md, "A
gated residual".)

Everything is inside the module, so the exported ONNX graph keeps the contract (`features` in,
`prediction` in [0, 1] out) and `mpgd predict` needs no change. With an FCN inside (no normalisation
layer) the output at a GCell depends only on inputs within the receptive field plus the blur radius.
"""

from __future__ import annotations

import math
from typing import Sequence

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F

__all__ = ["EgrResidual", "gaussian_taps", "zero_last_layer", "RESIDUAL_BASES"]

EGR_CHANNELS = ("egr_overflow_h", "egr_overflow_v")
# The maps a residual can start from (`--residual NAME`): the pattern stage's overflow (egr), or the
# overflow after the router's first rip-up round (r1, same definition). The module is the same; only the
# two base channels differ ("egr" in names below stands for either).
RESIDUAL_BASES: dict[str, tuple[str, str]] = {"egr": EGR_CHANNELS, "r1": ("r1_overflow_h", "r1_overflow_v")}


def gaussian_taps(sigma: float) -> np.ndarray:
    """1-D Gaussian taps of radius ceil(2 sigma), summing to 1; [1.0] when sigma is 0."""
    if sigma <= 0:
        return np.ones(1, np.float32)
    r = max(1, math.ceil(2.0 * sigma))
    x = np.arange(-r, r + 1, dtype=np.float64)
    g = np.exp(-0.5 * (x / sigma) ** 2)
    return (g / g.sum()).astype(np.float32)


def zero_last_layer(inner: nn.Module) -> nn.Module:
    """Make a GPDL/RouteNet or FCN output unbounded (drop its final sigmoid) and start it at zero."""
    from .fcn import FCN
    from ._blocks import HotspotNet

    if isinstance(inner, FCN):
        head = inner.head
        last, act = head[2], 3
    elif isinstance(inner, HotspotNet):
        head = inner.decoder.conv3
        last, act = head[0], 1
    else:
        raise ValueError(f"no residual form for {type(inner).__name__}")
    head[act] = nn.Identity()
    nn.init.zeros_(last.weight)
    nn.init.zeros_(last.bias)
    return inner


class EgrResidual(nn.Module):
    def __init__(self, inner: nn.Module, egr_index: Sequence[int], sigma: float = 0.0, gains: Sequence[float] = (1.0, 1.0),
                 per_direction: bool = False, gate: bool = False):
        super().__init__()
        self.gate = bool(gate)
        outs = getattr(inner, "out_channels", 1)
        if outs != (2 if per_direction else 1):
            raise ValueError(f"the inner network has {outs} output(s); the egr residual needs {2 if per_direction else 1}")
        self.per_direction = bool(per_direction)
        if len(egr_index) != 2:
            raise ValueError("the residual needs two base channels (egr_overflow_h/v or r1_overflow_h/v)")
        self.inner = zero_last_layer(inner)
        self.egr_index = [int(i) for i in egr_index]
        self.sigma = float(sigma)
        self.gain = nn.Parameter(torch.tensor([float(g) for g in gains], dtype=torch.float32))
        self.register_buffer("taps", torch.from_numpy(gaussian_taps(sigma)), persistent=False)

    def smoothed_egr(self, x: torch.Tensor) -> torch.Tensor:
        """The two egr channels [N, 2, H, W], blurred separably (edge padding keeps the levels at the border)."""
        e = x[:, self.egr_index]
        k = self.taps.numel()
        if k == 1:
            return e
        r = k // 2
        e = F.pad(e, (r, r, r, r), mode="replicate")
        kh = self.taps.view(1, 1, 1, k).expand(2, 1, 1, k)
        kv = self.taps.view(1, 1, k, 1).expand(2, 1, k, 1)
        e = F.conv2d(e, kh.contiguous(), groups=2)
        return F.conv2d(e, kv.contiguous(), groups=2)

    def base(self, x: torch.Tensor) -> torch.Tensor:
        """The scaled egr map [N, 1, H, W] on the normalised label scale."""
        return (self.smoothed_egr(x) * self.gain.view(1, 2, 1, 1)).sum(dim=1, keepdim=True)

    def overflowed(self, x: torch.Tensor) -> torch.Tensor:
        """[N, 1, H, W]: 1 where either raw base channel is above 0, else 0."""
        return (x[:, self.egr_index].sum(dim=1, keepdim=True) > 0).to(x.dtype)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        if self.per_direction:
            per = self.smoothed_egr(x) * self.gain.view(1, 2, 1, 1) + self.inner(x)
            if self.gate:
                per = per * self.overflowed(x)
            if self.training:
                return per
            out = per.sum(dim=1, keepdim=True)
        else:
            out = self.base(x) + self.inner(x)
            if self.gate:
                out = out * self.overflowed(x)
        return out if self.training else out.clamp(0.0, 1.0)

    @torch.no_grad()
    def fit_gains(self, data: Sequence[tuple[np.ndarray, np.ndarray]]) -> tuple[float, float]:
        """Least-squares gains of the (smoothed) egr channels against the normalised label over `data`
        ((x [C, H, W], y [1, H, W]) pairs, the training split); sets and returns them. Per direction
        (y [2, H, W]: the h and v labels), each gain is fitted against its own direction's label."""
        a = np.zeros((2, 2))
        b = np.zeros(2)
        for x, y in data:
            e = self.smoothed_egr(torch.from_numpy(np.ascontiguousarray(x))[None])[0].double().numpy().reshape(2, -1)
            if self.per_direction:
                yd = y.astype(np.float64).reshape(2, -1)
                a += np.diag((e * e).sum(axis=1))
                b += (e * yd).sum(axis=1)
            else:
                a += e @ e.T
                b += e @ y.astype(np.float64).ravel()
        if self.per_direction:
            d = np.diag(a)
            g = np.where(d > 0, b / np.where(d > 0, d, 1.0), 1.0)
        else:
            g = np.linalg.lstsq(a, b, rcond=None)[0] if np.any(a) else np.ones(2)
        self.gain.copy_(torch.tensor(g, dtype=torch.float32))
        return float(g[0]), float(g[1])
