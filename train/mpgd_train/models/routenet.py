"""RouteNet, CircuitNet's DRC model (`models/routenet.py`): the GPDL topology with BatchNorm2d everywhere.
120,897 parameters for 9 -> 1."""

from __future__ import annotations

from ._blocks import HotspotNet, batch_norm


class RouteNet(HotspotNet):
    def __init__(self, in_channels: int = 9, out_channels: int = 1):
        super().__init__(in_channels, out_channels, batch_norm)
