"""Training losses, one `nn.Module` each with `forward(pred, target) -> Tensor` (timm's shape).

All three carry CircuitNet's `loss_weight` (default 100) so that the learning rate of CircuitNet's recipe
carries over.

* `MSELoss`:       w * mean((p - y)^2)
* `ShrinkageLoss`: w * mean(l^2 / (1 + exp(a (c - l)))),  l = |p - y|, a = 10, c = 0.2 (Lu et al., ECCV 2018)
* `MPGDLoss`:      w * AMSE, the mean of (p - y)^2 over the set S = {i : |p_i - y_i| > lambda} only. S is
  chosen anew from each forward pass (in-data active sampling, IAS) and is not differentiated through: the
  gradient flows through the selected entries only, normalised by |S|. When S is empty the loss falls back
  to plain MSE over all N entries. `per_sample=True` selects and averages inside each sample, then averages
  the per-sample AMSEs over the batch (each sample with its own fallback).

MPGD variants (issue 11 item 4; each off by default, so the plain loss above is unchanged):

* λ schedule (`schedule` "linear" or "cosine", `lam_end`): λ moves from `lam` at the first step to
  `lam_end` at the last one (an AI review of the paper says the threshold is "adaptive, gradually
  decreasing during training"; unverified, so it is an option).
* MSE warm-up (`warmup`): plain MSE over all entries for the first `warmup` share of the steps, AMSE after
  (the paper's motivation: MSE stalls late in training with large local errors left).
* relative mini-pixel batch (`top_q`): S is the `top_q` share of the entries with the largest |error|
  (ceil(q N) entries; per sample with `per_sample`) instead of those above an absolute λ, which depends on
  the label scale. Never empty, so no fallback; ties are broken by `torch.topk`.

The training loop calls `set_progress(t)` before each step, t = (step - 1) / (steps - 1) in [0, 1]; the
schedule and the warm-up read it (the other losses ignore it).

Every loss records `last_selected_fraction` (|S|/N of its last forward; 1.0 for MSE and shrinkage), which
the training loop logs every step.
"""

from __future__ import annotations

import math

import torch
import torch.nn as nn

__all__ = ["MSELoss", "ShrinkageLoss", "MPGDLoss", "LOSSES", "SCHEDULES", "build_loss"]


class _WeightedLoss(nn.Module):
    def __init__(self, loss_weight: float = 100.0):
        super().__init__()
        if loss_weight <= 0:
            raise ValueError(f"loss_weight must be > 0, got {loss_weight}")
        self.loss_weight = float(loss_weight)
        self.last_selected_fraction: float = 1.0

    def set_progress(self, t: float) -> None:
        """Training progress in [0, 1] (first step 0, last step 1); only scheduled losses read it."""

    @staticmethod
    def _check(pred: torch.Tensor, target: torch.Tensor) -> None:
        if pred.shape != target.shape:
            raise ValueError(f"pred shape {tuple(pred.shape)} != target shape {tuple(target.shape)}")


class MSELoss(_WeightedLoss):
    def forward(self, pred: torch.Tensor, target: torch.Tensor) -> torch.Tensor:
        self._check(pred, target)
        self.last_selected_fraction = 1.0
        return self.loss_weight * torch.mean((pred - target) ** 2)


class ShrinkageLoss(_WeightedLoss):
    def __init__(self, a: float = 10.0, c: float = 0.2, loss_weight: float = 100.0):
        super().__init__(loss_weight)
        if a <= 0:
            raise ValueError(f"shrinkage a must be > 0, got {a}")
        self.a = float(a)
        self.c = float(c)

    def forward(self, pred: torch.Tensor, target: torch.Tensor) -> torch.Tensor:
        self._check(pred, target)
        self.last_selected_fraction = 1.0
        l = torch.abs(pred - target)
        return self.loss_weight * torch.mean(l**2 / (1.0 + torch.exp(self.a * (self.c - l))))


SCHEDULES = ("constant", "linear", "cosine")


class MPGDLoss(_WeightedLoss):
    def __init__(
        self,
        lam: float = 0.007,
        per_sample: bool = False,
        loss_weight: float = 100.0,
        *,
        schedule: str = "constant",
        lam_end: float = 0.0,
        warmup: float = 0.0,
        top_q: float = 0.0,
    ):
        super().__init__(loss_weight)
        if lam < 0:
            raise ValueError(f"MPGD lambda must be >= 0, got {lam}")
        if schedule not in SCHEDULES:
            raise ValueError(f"MPGD lambda schedule must be one of {list(SCHEDULES)}, got {schedule!r}")
        if schedule != "constant" and lam_end < 0:
            raise ValueError(f"MPGD lam_end must be >= 0, got {lam_end}")
        if not 0.0 <= warmup < 1.0:
            raise ValueError(f"MPGD warm-up share must be in [0, 1), got {warmup}")
        if not 0.0 <= top_q <= 1.0:
            raise ValueError(f"MPGD top_q must be in [0, 1] (0: off), got {top_q}")
        if top_q > 0 and schedule != "constant":
            raise ValueError("MPGD: a lambda schedule applies to the absolute threshold; it cannot be combined with top_q")
        self.lam0 = float(lam)
        self.lam = float(lam)  # the threshold of the current step
        self.per_sample = bool(per_sample)
        self.schedule = schedule
        self.lam_end = float(lam_end)
        self.warmup = float(warmup)
        self.top_q = float(top_q)
        self.progress = 0.0

    def set_progress(self, t: float) -> None:
        t = min(1.0, max(0.0, float(t)))
        self.progress = t
        if self.schedule == "linear":
            self.lam = self.lam0 + (self.lam_end - self.lam0) * t
        elif self.schedule == "cosine":
            self.lam = self.lam_end + 0.5 * (self.lam0 - self.lam_end) * (1.0 + math.cos(math.pi * t))

    def forward(self, pred: torch.Tensor, target: torch.Tensor) -> torch.Tensor:
        self._check(pred, target)
        err = pred - target
        sq = err**2
        if self.progress < self.warmup:  # MSE warm-up: S = every entry
            self.last_selected_fraction = 1.0
            return self.loss_weight * sq.mean()
        mask = self._select(err.detach().abs()).to(sq.dtype)  # IAS: chosen from this forward pass
        if not self.per_sample:
            n_sel = mask.sum()
            self.last_selected_fraction = float(n_sel.item()) / max(1, mask.numel())
            if n_sel.item() == 0:
                return self.loss_weight * sq.mean()
            return self.loss_weight * (sq * mask).sum() / n_sel
        b = sq.shape[0]
        sq_b = sq.reshape(b, -1)
        mask_b = mask.reshape(b, -1)
        n_sel = mask_b.sum(dim=1)
        self.last_selected_fraction = float(n_sel.sum().item()) / max(1, mask_b.numel())
        amse = (sq_b * mask_b).sum(dim=1) / n_sel.clamp(min=1)
        per = torch.where(n_sel > 0, amse, sq_b.mean(dim=1))
        return self.loss_weight * per.mean()

    def _select(self, abs_err: torch.Tensor) -> torch.Tensor:
        """The mini-pixel batch S as a boolean mask: |error| > λ, or the top_q share of |error| (over the
        batch, or within each sample with `per_sample`)."""
        if self.top_q <= 0:
            return abs_err > self.lam
        flat = abs_err.reshape(abs_err.shape[0], -1) if self.per_sample else abs_err.reshape(1, -1)
        k = max(1, math.ceil(self.top_q * flat.shape[1] - 1e-9))
        mask = torch.zeros_like(flat, dtype=torch.bool)
        mask.scatter_(1, torch.topk(flat, k, dim=1).indices, True)
        return mask.reshape(abs_err.shape)


LOSSES: dict[str, type[_WeightedLoss]] = {"mse": MSELoss, "shrinkage": ShrinkageLoss, "mpgd": MPGDLoss}


def build_loss(
    name: str,
    *,
    loss_weight: float = 100.0,
    lam: float = 0.007,
    per_sample: bool = False,
    shrink_a: float = 10.0,
    shrink_c: float = 0.2,
    lam_schedule: str = "constant",
    lam_end: float = 0.0,
    mse_warmup: float = 0.0,
    top_q: float = 0.0,
) -> _WeightedLoss:
    """The loss `name`; λ, `per_sample`, `lam_schedule`, `lam_end`, `mse_warmup` and `top_q` are MPGD's
    (MSE and shrinkage ignore them, so that one configuration serves both sides of a comparison)."""
    name = name.lower()
    if name == "mse":
        return MSELoss(loss_weight=loss_weight)
    if name == "shrinkage":
        return ShrinkageLoss(a=shrink_a, c=shrink_c, loss_weight=loss_weight)
    if name == "mpgd":
        return MPGDLoss(lam=lam, per_sample=per_sample, loss_weight=loss_weight, schedule=lam_schedule, lam_end=lam_end,
                        warmup=mse_warmup, top_q=top_q)
    raise ValueError(f"unknown loss {name!r}; choose one of {sorted(LOSSES)}")
