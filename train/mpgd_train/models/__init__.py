"""Models by name (CircuitNet's `build_model`): `build_model("gpdl", in_channels=3)`."""

from __future__ import annotations

import torch.nn as nn

from ._blocks import HotspotNet, count_parameters, init_weights
from .fcn import FCN
from .gpdl import GPDL
from .residual import EGR_CHANNELS, RESIDUAL_BASES, EgrResidual
from .routenet import RouteNet

__all__ = ["EGR_CHANNELS", "RESIDUAL_BASES", "EgrResidual", "build_residual", "FCN", "GPDL", "RouteNet", "HotspotNet", "MODELS", "build_model", "count_parameters", "init_weights"]

MODELS: dict[str, type[nn.Module]] = {"gpdl": GPDL, "routenet": RouteNet, "fcn": FCN}


def build_model(name: str, in_channels: int, out_channels: int = 1) -> nn.Module:
    try:
        cls = MODELS[name.lower()]
    except KeyError:
        raise ValueError(f"unknown model {name!r}; choose one of {sorted(MODELS)}") from None
    return cls(in_channels=in_channels, out_channels=out_channels)


def build_residual(name: str, inputs: "tuple[str, ...] | list[str]", sigma: float = 0.0, per_direction: bool = False,
                   base: str = "egr", gate: bool = False) -> EgrResidual:
    """`name` (an unbounded, zero-started copy) inside an `EgrResidual` over the `base` channels of `inputs`
    (`RESIDUAL_BASES`: "egr", the pattern stage's overflow, or "r1", the overflow after one rip-up round);
    `per_direction`: with two outputs, one correction per direction (summed in eval mode); `gate`: the
    prediction is 0 wherever both base channels are 0."""
    try:
        channels = RESIDUAL_BASES[base]
    except KeyError:
        raise ValueError(f"unknown residual {base!r}; use one of {sorted(RESIDUAL_BASES)} or ''") from None
    missing = [c for c in channels if c not in inputs]
    if missing:
        raise ValueError(f"the {base} residual needs input channel(s) {missing}")
    inner = build_model(name, len(inputs), out_channels=2 if per_direction else 1)
    return EgrResidual(inner, [list(inputs).index(c) for c in channels], sigma, per_direction=per_direction, gate=gate)
