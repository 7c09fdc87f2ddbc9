"""Model shapes and parameter counts (reference/ml.md 2.3)."""

import pytest
import torch
import torch.nn as nn

from mpgd_train.models import GPDL, MODELS, RouteNet, build_model, count_parameters


@pytest.mark.parametrize("cls, cin, expected", [(GPDL, 3, 119_169), (RouteNet, 9, 120_897)])
def test_parameter_counts_match_circuitnet(cls, cin, expected):
    assert count_parameters(cls(cin, 1)) == expected


def test_norm_layers_differ_as_in_circuitnet():
    g, r = GPDL(), RouteNet()
    assert isinstance(g.encoder.c1.main[1], nn.InstanceNorm2d) and g.encoder.c1.main[1].affine
    assert isinstance(g.encoder.c3[1], nn.BatchNorm2d) and isinstance(g.encoder.c3[2], nn.Tanh)
    assert all(not isinstance(m, nn.InstanceNorm2d) for m in r.modules())
    assert isinstance(g.decoder.conv3[1], nn.Sigmoid)


@pytest.mark.parametrize("name, cin", [("gpdl", 3), ("routenet", 9), ("fcn", 8)])
@pytest.mark.parametrize("hw", [(32, 32), (30, 42), (33, 41), (4, 8)])
def test_any_grid_size_gives_a_same_sized_map_in_0_1(name, cin, hw, device):
    model = build_model(name, cin).to(device).eval()
    x = torch.rand(2, cin, *hw, device=device)
    with torch.no_grad():
        y = model(x)
    assert y.shape == (2, 1, *hw)
    assert float(y.min()) >= 0.0 and float(y.max()) <= 1.0


def test_multiple_of_4_input_is_not_padded(device):
    model = GPDL().to(device).eval()
    x = torch.rand(1, 3, 16, 24, device=device)
    with torch.no_grad():
        bottleneck, skip = model.encoder(x)
        direct = model.decoder(bottleneck, skip)
        assert torch.equal(model(x), direct)
        assert skip.shape == (1, 32, 8, 12) and bottleneck.shape == (1, 32, 4, 6)


def test_padding_is_zeros_at_the_end_then_cropped(device):
    model = GPDL().to(device).eval()
    x = torch.rand(1, 3, 14, 18, device=device)
    padded = torch.zeros(1, 3, 16, 20, device=device)
    padded[..., :14, :18] = x
    with torch.no_grad():
        assert torch.equal(model(x), model(padded)[..., :14, :18])


def test_init_is_normal_002_with_zero_bias():
    torch.manual_seed(0)
    conv = GPDL().encoder.c2.main[0]
    assert abs(float(conv.weight.detach().std()) - 0.02) < 0.002
    assert float(conv.bias.detach().abs().max()) == 0.0


def test_unknown_model_names_the_choices():
    with pytest.raises(ValueError, match="gpdl"):
        build_model("unet", 3)
    assert set(MODELS) == {"gpdl", "routenet", "fcn"}


def test_fcn_has_no_normalisation_and_keeps_absolute_scale():
    # 3x3 stem + 8 dilated 3x3 convs (16 -> 16) + 1x1 head over 16 + C channels: for C = 9,
    # 16*9*9+16 + 8*(16*16*9+16) + (25*16+16) + (16+1) = 1312 + 18560 + 416 + 17 = 20,305.
    m = build_model("fcn", 9)
    assert count_parameters(m) == 20_305
    assert all(not isinstance(x, (nn.InstanceNorm2d, nn.BatchNorm2d)) for x in m.modules())
    # Unlike an instance-normalised net, a uniform input at two levels gives two different outputs.
    with torch.no_grad():
        lo = m(torch.full((1, 9, 16, 16), 0.2))
        hi = m(torch.full((1, 9, 16, 16), 0.9))
    assert float((hi - lo).abs().max()) > 0
