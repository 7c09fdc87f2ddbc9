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

Every loss records `last_selected_fraction` (|S|/N of its last forward; 1.0 for MSE and shrinkage), which
the training loop logs every step.
"""

from __future__ import annotations

import torch
import torch.nn as nn

__all__ = ["MSELoss", "ShrinkageLoss", "MPGDLoss", "LOSSES", "build_loss"]


class _WeightedLoss(nn.Module):
    def __init__(self, loss_weight: float = 100.0):
        super().__init__()
        if loss_weight <= 0:
            raise ValueError(f"loss_weight must be > 0, got {loss_weight}")
        self.loss_weight = float(loss_weight)
        self.last_selected_fraction: float = 1.0

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


class MPGDLoss(_WeightedLoss):
    def __init__(self, lam: float = 0.007, per_sample: bool = False, loss_weight: float = 100.0):
        super().__init__(loss_weight)
        if lam < 0:
            raise ValueError(f"MPGD lambda must be >= 0, got {lam}")
        self.lam = float(lam)
        self.per_sample = bool(per_sample)

    def forward(self, pred: torch.Tensor, target: torch.Tensor) -> torch.Tensor:
        self._check(pred, target)
        err = pred - target
        sq = err**2
        mask = (err.detach().abs() > self.lam).to(sq.dtype)  # IAS: chosen from this forward pass
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


LOSSES: dict[str, type[_WeightedLoss]] = {"mse": MSELoss, "shrinkage": ShrinkageLoss, "mpgd": MPGDLoss}


def build_loss(
    name: str,
    *,
    loss_weight: float = 100.0,
    lam: float = 0.007,
    per_sample: bool = False,
    shrink_a: float = 10.0,
    shrink_c: float = 0.2,
) -> _WeightedLoss:
    name = name.lower()
    if name == "mse":
        return MSELoss(loss_weight=loss_weight)
    if name == "shrinkage":
        return ShrinkageLoss(a=shrink_a, c=shrink_c, loss_weight=loss_weight)
    if name == "mpgd":
        return MPGDLoss(lam=lam, per_sample=per_sample, loss_weight=loss_weight)
    raise ValueError(f"unknown loss {name!r}; choose one of {sorted(LOSSES)}")
