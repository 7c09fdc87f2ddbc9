"""GPDL, CircuitNet's congestion model (`models/gpdl.py`): InstanceNorm2d(affine=True) in the conv blocks,
BatchNorm2d + Tanh at the bottleneck, sigmoid output. 119,169 parameters for 3 -> 1."""

from __future__ import annotations

from ._blocks import HotspotNet, instance_norm


class GPDL(HotspotNet):
    def __init__(self, in_channels: int = 3, out_channels: int = 1):
        super().__init__(in_channels, out_channels, instance_norm)
