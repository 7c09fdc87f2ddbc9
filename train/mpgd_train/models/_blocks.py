"""Building blocks shared by GPDL and RouteNet (CircuitNet `models/gpdl.py`, `models/routenet.py`).

Both networks are the same encoder/decoder; they differ only in the normalisation used inside the
`conv`/`upconv` blocks (GPDL: InstanceNorm2d(affine=True); RouteNet: BatchNorm2d). The bottleneck uses
BatchNorm2d + Tanh in both, exactly as CircuitNet does.
"""

from __future__ import annotations

from typing import Callable

import torch
import torch.nn as nn
import torch.nn.functional as F

NormFactory = Callable[[int], nn.Module]


def instance_norm(channels: int) -> nn.Module:
    return nn.InstanceNorm2d(channels, affine=True)


def batch_norm(channels: int) -> nn.Module:
    return nn.BatchNorm2d(channels)


class ConvBlock(nn.Module):
    """`conv(i, o)`: [Conv3x3 -> Norm -> LeakyReLU(0.2)] x 2."""

    def __init__(self, dim_in: int, dim_out: int, norm: NormFactory):
        super().__init__()
        self.main = nn.Sequential(
            nn.Conv2d(dim_in, dim_out, kernel_size=3, stride=1, padding=1, bias=True),
            norm(dim_out),
            nn.LeakyReLU(0.2, inplace=True),
            nn.Conv2d(dim_out, dim_out, kernel_size=3, stride=1, padding=1, bias=True),
            norm(dim_out),
            nn.LeakyReLU(0.2, inplace=True),
        )

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.main(x)


class UpConv(nn.Module):
    """`upconv(i, o)`: ConvTranspose2d(k4, s2, p1) -> Norm -> LeakyReLU(0.2)."""

    def __init__(self, dim_in: int, dim_out: int, norm: NormFactory):
        super().__init__()
        self.main = nn.Sequential(
            nn.ConvTranspose2d(dim_in, dim_out, kernel_size=4, stride=2, padding=1),
            norm(dim_out),
            nn.LeakyReLU(0.2, inplace=True),
        )

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.main(x)


class Encoder(nn.Module):
    def __init__(self, in_dim: int, norm: NormFactory):
        super().__init__()
        self.c1 = ConvBlock(in_dim, 32, norm)
        self.pool1 = nn.MaxPool2d(kernel_size=2, stride=2)
        self.c2 = ConvBlock(32, 64, norm)
        self.pool2 = nn.MaxPool2d(kernel_size=2, stride=2)
        self.c3 = nn.Sequential(
            nn.Conv2d(64, 32, kernel_size=3, padding=1),
            nn.BatchNorm2d(32),
            nn.Tanh(),
        )

    def forward(self, x: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        h1 = self.c1(x)
        h2 = self.pool1(h1)
        h3 = self.c2(h2)
        h4 = self.pool2(h3)
        h5 = self.c3(h4)
        return h5, h2


class Decoder(nn.Module):
    def __init__(self, out_dim: int, norm: NormFactory):
        super().__init__()
        self.conv1 = ConvBlock(32, 32, norm)
        self.upc1 = UpConv(32, 16, norm)
        self.conv2 = ConvBlock(16, 16, norm)
        self.upc2 = UpConv(32 + 16, 4, norm)
        self.conv3 = nn.Sequential(
            nn.Conv2d(4, out_dim, kernel_size=3, padding=1),
            nn.Sigmoid(),
        )

    def forward(self, x: torch.Tensor, skip: torch.Tensor) -> torch.Tensor:
        d1 = self.conv1(x)
        d2 = self.upc1(d1)
        d3 = self.conv2(d2)
        d4 = self.upc2(torch.cat([d3, skip], dim=1))
        return self.conv3(d4)


def init_weights(module: nn.Module, std: float = 0.02) -> None:
    """CircuitNet's `generation_init_weights(init_type='normal', init_gain=0.02)`: conv and linear weights
    ~ N(0, 0.02), biases 0; normalisation layers keep PyTorch's defaults (weight 1, bias 0)."""
    for m in module.modules():
        if isinstance(m, (nn.Conv2d, nn.ConvTranspose2d, nn.Linear)):
            nn.init.normal_(m.weight, 0.0, std)
            if m.bias is not None:
                nn.init.zeros_(m.bias)


class HotspotNet(nn.Module):
    """Encoder/decoder of CircuitNet, made usable on any grid size.

    The network halves the grid twice and doubles it twice, so its sides must be multiples of 4. `forward`
    therefore pads the input with zeros at the end of each spatial axis (right columns and, since row 0 is
    the bottom row, the top rows) up to the next multiple of 4, runs the network and crops the output back
    to the input's H x W. On a grid whose sides are already multiples of 4 this is exactly CircuitNet's
    network. The padding is computed from the input's shape at run time, so the exported ONNX graph accepts
    any H and W.
    """

    def __init__(self, in_channels: int, out_channels: int, norm: NormFactory):
        super().__init__()
        self.in_channels = in_channels
        self.out_channels = out_channels
        self.encoder = Encoder(in_channels, norm)
        self.decoder = Decoder(out_channels, norm)
        init_weights(self)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        h, w = x.shape[-2], x.shape[-1]
        pad_h = (4 - h % 4) % 4
        pad_w = (4 - w % 4) % 4
        xp = F.pad(x, (0, pad_w, 0, pad_h))
        bottleneck, skip = self.encoder(xp)
        y = self.decoder(bottleneck, skip)
        return y[..., :h, :w]


def count_parameters(model: nn.Module) -> int:
    return sum(p.numel() for p in model.parameters() if p.requires_grad)
