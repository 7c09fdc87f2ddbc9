"""Losses on hand-computed tensors: values and gradients (float64 so that equality is tight)."""

import math

import pytest
import torch

from mpgd_train.losses import LOSSES, MPGDLoss, MSELoss, ShrinkageLoss, build_loss


def _t(values, device):
    return torch.tensor(values, dtype=torch.float64, device=device).reshape(1, 1, 2, 2)


def _run(loss, pred_values, target_values, device):
    pred = _t(pred_values, device).requires_grad_(True)
    target = _t(target_values, device)
    value = loss(pred, target)
    value.backward()
    return value.item(), pred.grad.reshape(-1).tolist()


# e = pred - target = [0, -0.01, 0.005, 0.30]
PRED = [0.10, 0.20, 0.305, 0.40]
TARGET = [0.10, 0.21, 0.30, 0.10]


def test_mse_value_and_gradient(device):
    value, grad = _run(MSELoss(), PRED, TARGET, device)
    # 100 * (0 + 1e-4 + 2.5e-5 + 0.09) / 4
    assert value == pytest.approx(2.253125, rel=1e-12)
    # d/dp = 100 * 2 e / 4 = 50 e
    assert grad == pytest.approx([0.0, -0.5, 0.25, 15.0], rel=1e-9, abs=1e-12)


def test_mpgd_selects_entries_above_lambda(device):
    loss = MPGDLoss(lam=0.007)
    value, grad = _run(loss, PRED, TARGET, device)
    # S = {-0.01, 0.30}: 100 * (1e-4 + 0.09) / 2
    assert value == pytest.approx(4.505, rel=1e-12)
    # gradient only through S, normalised by |S| = 2: 100 * 2 e / 2 = 100 e
    assert grad == pytest.approx([0.0, -1.0, 0.0, 30.0], rel=1e-9, abs=1e-12)
    assert loss.last_selected_fraction == 0.5


def test_mpgd_falls_back_to_mse_when_nothing_selected(device):
    loss = MPGDLoss(lam=0.007)
    value, grad = _run(loss, [0.101, 0.198, 0.303, 0.1], [0.1, 0.2, 0.3, 0.1], device)
    # e = [0.001, -0.002, 0.003, 0]: 100 * 14e-6 / 4 = 3.5e-4; grad 50 e
    assert value == pytest.approx(3.5e-4, rel=1e-9)
    assert grad == pytest.approx([0.05, -0.1, 0.15, 0.0], rel=1e-6, abs=1e-12)
    assert loss.last_selected_fraction == 0.0


def test_mpgd_threshold_is_strict(device):
    loss = MPGDLoss(lam=0.007)
    value, grad = _run(loss, [0.007, 0.5, 0.0, 0.0], [0.0, 0.0, 0.0, 0.0], device)
    # |e| = 0.007 is not > lambda; only 0.5 is selected
    assert value == pytest.approx(100 * 0.25, rel=1e-12)
    assert grad == pytest.approx([0.0, 100.0, 0.0, 0.0], rel=1e-12)
    assert loss.last_selected_fraction == 0.25


def test_mpgd_per_sample_versus_batch(device):
    pred = torch.tensor([[0.1, 0.001], [0.002, 0.003]], dtype=torch.float64, device=device).reshape(2, 1, 1, 2)
    target = torch.zeros_like(pred)
    # per sample: A selects {0.1} -> 0.01; B selects nothing -> MSE (4e-6 + 9e-6) / 2 = 6.5e-6
    p = pred.clone().requires_grad_(True)
    loss = MPGDLoss(lam=0.007, per_sample=True)
    value = loss(p, target)
    value.backward()
    assert value.item() == pytest.approx(100 * (0.01 + 6.5e-6) / 2, rel=1e-12)
    # A: 100/2 * 2*0.1 / 1 = 10; B: 100/2 * 2e/2 = 50 e
    assert p.grad.reshape(-1).tolist() == pytest.approx([10.0, 0.0, 0.1, 0.15], rel=1e-9, abs=1e-12)
    assert loss.last_selected_fraction == 0.25
    # whole batch: S = {0.1} over all 4 entries
    p = pred.clone().requires_grad_(True)
    loss = MPGDLoss(lam=0.007, per_sample=False)
    value = loss(p, target)
    value.backward()
    assert value.item() == pytest.approx(1.0, rel=1e-12)
    assert p.grad.reshape(-1).tolist() == pytest.approx([20.0, 0.0, 0.0, 0.0], rel=1e-12, abs=1e-12)


def test_shrinkage_value_and_gradient(device):
    # l = c = 0.2 -> exp(a (c - l)) = 1: L = 0.04 / 2 = 0.02; l = 0 -> 0; mean over 4 entries
    value, grad = _run(ShrinkageLoss(a=10, c=0.2), [0.2, 0.0, 0.5, 0.5], [0.0, 0.0, 0.5, 0.5], device)
    assert value == pytest.approx(100 * 0.02 / 4, rel=1e-12)
    # dL/dl = 2l/(1+E) + l^2 a E/(1+E)^2 = 0.2 + 0.1 = 0.3 at l = c; times 100 / 4
    assert grad == pytest.approx([7.5, 0.0, 0.0, 0.0], rel=1e-9, abs=1e-12)


def test_shrinkage_general_point(device):
    a, c, e = 10.0, 0.2, 0.35
    expected = 100 * (e * e / (1 + math.exp(a * (c - e)))) / 4
    value, _ = _run(ShrinkageLoss(), [e, 0, 0, 0], [0, 0, 0, 0], device)
    assert value == pytest.approx(expected, rel=1e-12)


@pytest.mark.parametrize("name", sorted(LOSSES))
def test_every_loss_is_zero_on_a_perfect_prediction_and_logs_the_fraction(name, device):
    loss = build_loss(name)
    x = torch.rand(2, 1, 8, 8, dtype=torch.float64, device=device)
    assert loss(x, x.clone()).item() == 0.0
    assert 0.0 <= loss.last_selected_fraction <= 1.0


@pytest.mark.parametrize("name", sorted(LOSSES))
def test_every_loss_rejects_mismatched_shapes(name):
    with pytest.raises(ValueError, match="shape"):
        build_loss(name)(torch.zeros(1, 1, 4, 4), torch.zeros(1, 1, 4, 5))


def test_build_loss_names_the_choices():
    with pytest.raises(ValueError, match="mpgd"):
        build_loss("l1")


@pytest.mark.parametrize("weight", [1.0, 100.0])
def test_loss_weight_scales_mse_and_amse(weight, device):
    v_mse, _ = _run(MSELoss(loss_weight=weight), PRED, TARGET, device)
    v_mpgd, _ = _run(MPGDLoss(loss_weight=weight), PRED, TARGET, device)
    assert v_mse == pytest.approx(weight * 0.02253125, rel=1e-12)
    assert v_mpgd == pytest.approx(weight * 0.04505, rel=1e-12)


# --- MPGD variants (issue 11 item 4) ---------------------------------------------------------------


@pytest.mark.parametrize(
    "schedule, t, expected",
    [
        ("constant", 0.5, 0.02),
        ("linear", 0.0, 0.02),
        ("linear", 0.25, 0.02 - 0.25 * 0.018),
        ("linear", 1.0, 0.002),
        ("cosine", 0.0, 0.02),
        ("cosine", 0.5, 0.011),  # halfway between 0.02 and 0.002
        ("cosine", 0.25, 0.002 + 0.009 * (1 + math.cos(math.pi / 4))),
        ("cosine", 1.0, 0.002),
    ],
)
def test_mpgd_lambda_schedule(schedule, t, expected):
    loss = MPGDLoss(lam=0.02, schedule=schedule, lam_end=0.002)
    loss.set_progress(t)
    assert loss.lam == pytest.approx(expected, rel=1e-12)


def test_mpgd_schedule_moves_the_selection(device):
    # |e| = [0, 0.01, 0.005, 0.30]: λ 0.02 selects {0.30}; at the end λ 0.002 selects {0.01, 0.005, 0.30}
    loss = MPGDLoss(lam=0.02, schedule="linear", lam_end=0.002)
    loss.set_progress(0.0)
    value, grad = _run(loss, PRED, TARGET, device)
    assert value == pytest.approx(100 * 0.09, rel=1e-12)
    assert grad == pytest.approx([0.0, 0.0, 0.0, 60.0], rel=1e-9, abs=1e-12)
    assert loss.last_selected_fraction == 0.25
    loss.set_progress(1.0)
    value, grad = _run(loss, PRED, TARGET, device)
    assert value == pytest.approx(100 * (1e-4 + 2.5e-5 + 0.09) / 3, rel=1e-12)
    assert grad == pytest.approx([0.0, -200 * 0.01 / 3, 200 * 0.005 / 3, 200 * 0.30 / 3], rel=1e-9, abs=1e-12)
    assert loss.last_selected_fraction == 0.75


def test_mpgd_warmup_is_mse_then_amse(device):
    loss = MPGDLoss(lam=0.007, warmup=0.5)
    loss.set_progress(0.49)
    value, grad = _run(loss, PRED, TARGET, device)
    assert value == pytest.approx(2.253125, rel=1e-12)  # = test_mse_value_and_gradient
    assert grad == pytest.approx([0.0, -0.5, 0.25, 15.0], rel=1e-9, abs=1e-12)
    assert loss.last_selected_fraction == 1.0
    loss.set_progress(0.5)
    value, grad = _run(loss, PRED, TARGET, device)
    assert value == pytest.approx(4.505, rel=1e-12)  # = test_mpgd_selects_entries_above_lambda
    assert grad == pytest.approx([0.0, -1.0, 0.0, 30.0], rel=1e-9, abs=1e-12)
    assert loss.last_selected_fraction == 0.5


def test_mpgd_top_q_selects_the_largest_errors_whatever_lambda(device):
    # |e| = [0, 0.01, 0.005, 0.30]; q = 0.5 -> the 2 largest {0.30, 0.01}, even with λ = 1 (ignored)
    loss = MPGDLoss(lam=1.0, top_q=0.5)
    value, grad = _run(loss, PRED, TARGET, device)
    assert value == pytest.approx(4.505, rel=1e-12)
    assert grad == pytest.approx([0.0, -1.0, 0.0, 30.0], rel=1e-9, abs=1e-12)
    assert loss.last_selected_fraction == 0.5
    # q = 0.3 -> ceil(1.2) = 2 entries; q = 0.25 -> exactly 1 entry
    loss = MPGDLoss(top_q=0.3)
    _run(loss, PRED, TARGET, device)
    assert loss.last_selected_fraction == 0.5
    loss = MPGDLoss(top_q=0.25)
    value, _ = _run(loss, PRED, TARGET, device)
    assert value == pytest.approx(100 * 0.09, rel=1e-12)
    assert loss.last_selected_fraction == 0.25


def test_mpgd_top_q_per_sample_versus_batch(device):
    pred = torch.tensor([[0.1, 0.001], [0.002, 0.003]], dtype=torch.float64, device=device).reshape(2, 1, 1, 2)
    target = torch.zeros_like(pred)
    # per sample, q = 0.5: A keeps 0.1, B keeps 0.003 -> 100 * (0.01 + 9e-6) / 2
    p = pred.clone().requires_grad_(True)
    loss = MPGDLoss(top_q=0.5, per_sample=True)
    value = loss(p, target)
    value.backward()
    assert value.item() == pytest.approx(100 * (0.01 + 9e-6) / 2, rel=1e-12)
    assert p.grad.reshape(-1).tolist() == pytest.approx([10.0, 0.0, 0.0, 0.3], rel=1e-9, abs=1e-12)
    assert loss.last_selected_fraction == 0.5
    # whole batch, q = 0.5: the 2 largest of all 4 are 0.1 and 0.003
    p = pred.clone().requires_grad_(True)
    loss = MPGDLoss(top_q=0.5)
    value = loss(p, target)
    value.backward()
    assert value.item() == pytest.approx(100 * (0.01 + 9e-6) / 2, rel=1e-12)
    assert p.grad.reshape(-1).tolist() == pytest.approx([10.0, 0.0, 0.0, 0.3], rel=1e-9, abs=1e-12)


def test_mpgd_top_q_one_is_mse(device):
    v_mse, g_mse = _run(MSELoss(), PRED, TARGET, device)
    v_q, g_q = _run(MPGDLoss(top_q=1.0), PRED, TARGET, device)
    assert v_q == pytest.approx(v_mse, rel=1e-12)
    assert g_q == pytest.approx(g_mse, rel=1e-12, abs=1e-12)


@pytest.mark.parametrize(
    "kw, match",
    [
        (dict(schedule="exp"), "schedule"),
        (dict(schedule="linear", lam_end=-0.1), "lam_end"),
        (dict(warmup=1.0), "warm-up"),
        (dict(warmup=-0.1), "warm-up"),
        (dict(top_q=1.5), "top_q"),
        (dict(top_q=0.1, schedule="cosine"), "top_q"),
    ],
)
def test_mpgd_variant_options_are_checked(kw, match):
    with pytest.raises(ValueError, match=match):
        MPGDLoss(**kw)


def test_build_loss_passes_the_variant_options_to_mpgd_only():
    loss = build_loss("mpgd", lam=0.02, lam_schedule="cosine", lam_end=0.001, mse_warmup=0.25)
    assert (loss.schedule, loss.lam_end, loss.warmup, loss.top_q) == ("cosine", 0.001, 0.25, 0.0)
    assert build_loss("mpgd", top_q=0.2).top_q == 0.2
    assert isinstance(build_loss("mse", lam_schedule="cosine", top_q=0.2), MSELoss)
