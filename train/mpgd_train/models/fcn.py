"""FCN: a small, scale-preserving fully convolutional net for congestion on routing-resource inputs.

Why not only GPDL: GPDL normalises every convolution with InstanceNorm, which removes each feature map's
per-sample mean and spread. A window whose wire demand is everywhere 1.3 times its capacity and one where
it is everywhere 0.7 times look alike after it, while the labels (overflow over capacity, absolute scale)
differ completely. This net has no normalisation layer: a 3x3 stem, four residual blocks of two 3x3
convolutions with dilations 1, 2, 4 and 8 (receptive field 63 GCells, about one window), and a 1x1 head
that also sees the raw inputs (so a per-GCell ratio such as demand over capacity reaches the output
without passing through the context path), then a sigmoid like GPDL (the label's [0, 1] scale).
Any H x W. Width 16: 20,305 parameters for 9 inputs (GPDL: 120,897), and about 18k multiply-adds per
GCell, which trains at about GPDL's speed per step on 2 CPU cores (width 32 was 2.7 times slower).
"""

from __future__ import annotations

import torch
import torch.nn as nn


class _Residual(nn.Module):
    def __init__(self, width: int, dilation: int):
        super().__init__()
        self.a = nn.Conv2d(width, width, 3, padding=dilation, dilation=dilation)
        self.b = nn.Conv2d(width, width, 3, padding=dilation, dilation=dilation)
        self.act = nn.LeakyReLU(0.2)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.act(x + self.b(self.act(self.a(x))))


class FCN(nn.Module):
    def __init__(self, in_channels: int = 3, out_channels: int = 1, width: int = 16):
        super().__init__()
        self.in_channels = in_channels
        self.out_channels = out_channels
        self.stem = nn.Sequential(nn.Conv2d(in_channels, width, 3, padding=1), nn.LeakyReLU(0.2))
        self.blocks = nn.Sequential(*[_Residual(width, d) for d in (1, 2, 4, 8)])
        self.head = nn.Sequential(
            nn.Conv2d(width + in_channels, width, 1),
            nn.LeakyReLU(0.2),
            nn.Conv2d(width, out_channels, 1),
            nn.Sigmoid(),
        )
        for m in self.modules():
            if isinstance(m, nn.Conv2d):
                nn.init.kaiming_normal_(m.weight, a=0.2, nonlinearity="leaky_relu")
                nn.init.zeros_(m.bias)
        # The residual branches start near identity; the output starts near 0 (most GCells are clean).
        for blk in self.blocks:
            nn.init.normal_(blk.b.weight, 0.0, 0.01)
        nn.init.normal_(self.head[2].weight, 0.0, 0.01)
        nn.init.constant_(self.head[2].bias, -4.0)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.head(torch.cat([self.blocks(self.stem(x)), x], dim=1))
