"""The training loop (CircuitNet's `train.py` recipe, iteration-based) and the evaluation on a split.

`train(cfg)` writes into `cfg.out`: `config.yaml` (the resolved configuration), `steps.csv` (one row per
step: step, loss, selected_fraction = |S|/N, lr, seconds), `eval.csv` (test metrics every `eval_every`
steps and at the end), `checkpoint_<step>.pt` every `checkpoint_every` steps and `final.pt`, and
`metrics.json` (the final evaluation on the whole test split).

With `cfg.val_designs`, those training designs are held out (`data.hold_out`): the model, the
normalisation and the egr gains see only the rest, and every evaluation (the curve and `metrics.json`,
key "val" instead of "test") runs on the held-out designs; the test split is not read. This is the split
on which settings (such as MPGD's λ) are chosen.
"""

from __future__ import annotations

import csv
import json
import math
import os
import random
import time
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Sequence

import numpy as np
import torch
import torch.nn as nn
from tqdm import tqdm

from . import metrics as M
from .config import TrainConfig, save_config
from .data import CropBatcher, Normalizer, Sample, file_sha256, get_task, hold_out, load_samples
from .losses import build_loss
from .models import EgrResidual, build_model, build_residual

__all__ = ["seed_everything", "pick_device", "cosine_lr", "train", "evaluate", "score", "predict", "load_checkpoint", "build_for", "TrainResult"]


def seed_everything(seed: int) -> None:
    """Seed Python's `random`, numpy and torch (CPU and CUDA) together (timm's `random_seed`)."""
    random.seed(seed)
    np.random.seed(seed % (2**32))
    torch.manual_seed(seed)
    if torch.cuda.is_available():
        torch.cuda.manual_seed_all(seed)


def pick_device(requested: str = "") -> torch.device:
    name = requested or os.environ.get("TORCH_DEVICE", "")
    if not name:
        name = "cuda" if torch.cuda.is_available() else "cpu"
    return torch.device(name)


def cosine_lr(step: int, total: int, lr: float, lr_min: float) -> float:
    """CircuitNet's CosineRestartLr with one period: lr_min + 0.5 (lr - lr_min)(1 + cos(pi t / T))."""
    t = min(step, total) / max(1, total)
    return lr_min + 0.5 * (lr - lr_min) * (1.0 + math.cos(math.pi * t))


@torch.no_grad()
def predict(model: nn.Module, x: np.ndarray, device: torch.device) -> np.ndarray:
    """Model output for one normalised input [C, H, W] -> [H, W] on the [0, 1] scale."""
    model.eval()
    out = model(torch.from_numpy(np.ascontiguousarray(x))[None].to(device))
    return out[0, 0].float().cpu().numpy()


def evaluate(
    model: nn.Module,
    samples: Sequence[tuple[np.ndarray, np.ndarray]],
    device: torch.device,
    task: str = "congestion",
    fast: bool = False,
) -> dict[str, float]:
    """Metrics on normalised (x, y) pairs. `fast` computes only NRMS and peakNRMSE (learning curves)."""
    targets = [y[0] for _, y in samples]
    preds = [predict(model, x, device) for x, _ in samples]
    return score(targets, preds, task, fast)


def score(targets: Sequence[np.ndarray], preds: Sequence[np.ndarray], task: str = "congestion", fast: bool = False) -> dict[str, float]:
    """The metrics of predicted maps against targets, both on the [0, 1] model scale (a model's output, or
    a baseline map scaled alike): the same numbers for models and baselines."""
    nrms, ssim, emd, peak, ts, ps = [], [], [], [], [], []
    for t, p in zip(targets, preds):
        nrms.append(M.circuitnet_nrms(t, p))
        peak.append(M.peak_nrmse(t, p))
        if not fast:
            ssim.append(M.circuitnet_ssim(t, p))
            emd.append(M.circuitnet_emd(t, p))
            ts.append(t)
            ps.append(p)
    # A constant target predicted exactly has NRMS 0/0 (nan, as in CircuitNet); such a sample (a clean
    # map and a baseline that is 0 there too) is left out of the mean instead of making it nan.
    nrms = [v for v in nrms if not math.isnan(v)]
    out = {"nrms": M.circuitnet_average(nrms), "peak_nrmse": float(np.mean(peak)) if peak else float("nan")}
    if fast:
        return out
    precision, recall = M.hotspot_precision_recall(ts, ps)
    out.update(
        ssim=M.circuitnet_average(ssim),
        emd=M.circuitnet_average(emd),
        r2=M.r2(np.concatenate([t.ravel() for t in ts]), np.concatenate([p.ravel() for p in ps])) if ts else float("nan"),
        pearson=M.mean_pearson(ts, ps),
        pearson_pooled=M.pearson(np.concatenate([t.ravel() for t in ts]), np.concatenate([p.ravel() for p in ps])) if ts else float("nan"),
        top5_overlap=M.mean_top_overlap(ts, ps),
        hotspot_precision=precision,
        hotspot_recall=recall,
        samples=len(ts),
    )
    if task == "drv":
        roc, prc = M.circuitnet_roc_prc(ts, ps, label_threshold=0.1)
        out.update(roc_auc=roc, prc_auc=prc)
    return out


@dataclass
class TrainResult:
    run_dir: Path
    model: nn.Module
    normalizer: Normalizer
    config: TrainConfig
    metrics: dict[str, float]
    dataset_sha256: str
    steps: list[dict] = field(default_factory=list)
    evals: list[dict] = field(default_factory=list)
    split: str = "test"  # where `metrics` were measured: "test", or "val" with `val_designs`


def _normalised(samples: Sequence[Sample], norm: Normalizer) -> list[tuple[np.ndarray, np.ndarray]]:
    return [norm.apply(s.x, s.y) for s in samples]  # type: ignore[misc]


PER_DIRECTION_LABELS = ("congestion_h", "congestion_v")


def per_direction_targets(cfg: TrainConfig, samples: Sequence[Sample], data: list[tuple[np.ndarray, np.ndarray]],
                          norm: Normalizer) -> list[tuple[np.ndarray, np.ndarray]]:
    """The training pairs with y [2, H, W]: `congestion_h` and `congestion_v` of the same samples, on the
    summed label's scale (`norm.label_scale`, clipped to [0, 1]), for `--per-direction`."""
    task = cfg.resolved_task()
    if not cfg.residual or task.label != "congestion":
        raise ValueError("--per-direction needs --residual egr (or r1) and the congestion label")
    by_dir = []
    for label in PER_DIRECTION_LABELS:
        rows = {s.id: s.y for s in load_samples(cfg.dataset, replace(task, inputs=task.inputs[:1], label=label), "train")}
        by_dir.append(rows)
    out = []
    for s, (x, _) in zip(samples, data):
        y = np.concatenate([d[s.id] for d in by_dir]) / np.float32(norm.label_scale)
        out.append((x, np.clip(y, 0.0, 1.0).astype(np.float32)))
    return out


def train(cfg: TrainConfig) -> TrainResult:
    if not cfg.dataset:
        raise ValueError("no dataset given (--dataset FILE.parquet)")
    task = cfg.resolved_task()
    run_dir = Path(cfg.out)
    run_dir.mkdir(parents=True, exist_ok=True)
    save_config(cfg, run_dir / "config.yaml")
    if cfg.threads > 0:
        torch.set_num_threads(cfg.threads)
    seed_everything(cfg.seed)
    device = pick_device(cfg.device)

    train_samples = load_samples(cfg.dataset, task, "train")
    if not train_samples:
        raise ValueError(f"{cfg.dataset}: no sample with split 'train'")
    if cfg.val_designs:
        train_samples, test_samples = hold_out(train_samples, cfg.val_designs)
        split = "val"
    else:
        test_samples = load_samples(cfg.dataset, task, "test")
        split = "test"
    norm = Normalizer.fit(train_samples, task, cfg.norm, cfg.feature_stat, cfg.label_scale)
    train_data = _normalised(train_samples, norm)
    if cfg.per_direction:
        train_data = per_direction_targets(cfg, train_samples, train_data, norm)
    test_data = _normalised(test_samples, norm)
    eval_subset = _spread(test_data, cfg.eval_max_samples)
    batcher = CropBatcher(train_data, cfg.crop, cfg.batch_size, cfg.hflip, cfg.seed)

    model = build_for(cfg)
    if isinstance(model, EgrResidual):
        model.fit_gains(train_data)
    model = model.to(device)
    loss_fn = build_loss(cfg.loss, loss_weight=cfg.loss_weight, lam=cfg.lam, per_sample=cfg.per_sample, shrink_a=cfg.shrink_a,
                         shrink_c=cfg.shrink_c, lam_schedule=cfg.lam_schedule, lam_end=cfg.lam_end, mse_warmup=cfg.mse_warmup, top_q=cfg.top_q)
    opt = torch.optim.AdamW(model.parameters(), lr=cfg.lr, betas=(cfg.beta1, cfg.beta2), weight_decay=cfg.weight_decay)

    steps_log: list[dict] = []
    evals: list[dict] = []
    f_steps = open(run_dir / "steps.csv", "w", newline="")
    f_eval = open(run_dir / "eval.csv", "w", newline="")
    w_steps = csv.DictWriter(f_steps, ["step", "loss", "selected_fraction", "lr", "seconds"])
    w_eval = csv.DictWriter(f_eval, ["step", "nrms", "peak_nrmse"])
    w_steps.writeheader()
    w_eval.writeheader()

    def do_eval(step: int) -> None:
        if not eval_subset:
            return
        m = evaluate(model, eval_subset, device, task.name, fast=True)
        row = {"step": step, **m}
        evals.append(row)
        w_eval.writerow(row)
        f_eval.flush()

    def save(name: str, step: int) -> None:
        torch.save(
            {"model": model.state_dict(), "config": cfg.to_dict(), "normalizer": norm.to_dict(), "step": step, "task": task.name},
            run_dir / name,
        )

    start = time.time()
    dataset_hash = file_sha256(cfg.dataset)
    try:
        do_eval(0)
        bar = tqdm(range(1, cfg.steps + 1), desc=f"{task.name}/{cfg.loss}", disable=not cfg.progress, dynamic_ncols=True)
        for step in bar:
            model.train()
            lr = cosine_lr(step - 1, cfg.steps, cfg.lr, cfg.lr_min)
            for g in opt.param_groups:
                g["lr"] = lr
            loss_fn.set_progress((step - 1) / max(1, cfg.steps - 1))
            xb, yb = batcher.next()
            x = torch.from_numpy(xb).to(device)
            y = torch.from_numpy(yb).to(device)
            pred = model(x)
            loss = loss_fn(pred, y)
            opt.zero_grad(set_to_none=True)
            loss.backward()
            opt.step()
            row = {"step": step, "loss": float(loss.item()), "selected_fraction": loss_fn.last_selected_fraction, "lr": lr, "seconds": round(time.time() - start, 3)}
            steps_log.append(row)
            w_steps.writerow(row)
            if step % 10 == 0:
                f_steps.flush()
                bar.set_postfix(loss=f"{row['loss']:.4f}", sel=f"{row['selected_fraction']:.3f}")
            if cfg.eval_every > 0 and step % cfg.eval_every == 0 and step != cfg.steps:
                do_eval(step)
            if cfg.checkpoint_every > 0 and step % cfg.checkpoint_every == 0:
                save(f"checkpoint_{step}.pt", step)
        do_eval(cfg.steps)
        save("final.pt", cfg.steps)
    finally:
        f_steps.close()
        f_eval.close()

    final = evaluate(model, test_data, device, task.name) if test_data else {}
    final["train_seconds"] = round(time.time() - start, 1)
    if isinstance(model, EgrResidual):
        final["egr_gains"] = [round(float(g), 6) for g in model.gain.detach().cpu()]
    with open(run_dir / "metrics.json", "w") as f:
        json.dump({"dataset_sha256": dataset_hash, split: final}, f, indent=2)
    return TrainResult(run_dir, model, norm, cfg, final, dataset_hash, steps_log, evals, split)


def build_for(cfg: TrainConfig) -> nn.Module:
    """The configuration's network: `cfg.model` on `cfg.inputs`, inside an `EgrResidual` when
    `cfg.residual` is "egr" or "r1" (the residual's base map; gains 1 until `fit_gains` or a checkpoint
    sets them)."""
    task = cfg.resolved_task()
    if cfg.residual:
        return build_residual(cfg.resolved_model(), task.inputs, cfg.residual_sigma, cfg.per_direction, base=cfg.residual,
                              gate=cfg.residual_gate)
    if cfg.residual_gate:
        raise ValueError("--residual-gate needs --residual egr (or r1)")
    if cfg.per_direction:
        raise ValueError("--per-direction needs --residual egr (or r1)")
    return build_model(cfg.resolved_model(), in_channels=len(task.inputs))


def _spread(items: list, n: int) -> list:
    """`n` items evenly spaced over `items` (all when `n <= 0` or there are fewer): the test split is
    in design order, so a prefix would hold one design only."""
    if n <= 0 or len(items) <= n:
        return list(items)
    return [items[(i * len(items)) // n] for i in range(n)]


def load_checkpoint(path: str | Path, device: torch.device | None = None) -> tuple[nn.Module, Normalizer, TrainConfig, dict]:
    device = device or torch.device("cpu")
    ck = torch.load(path, map_location=device, weights_only=False)
    cfg = TrainConfig(**ck["config"])
    model = build_for(cfg).to(device)
    model.load_state_dict(ck["model"])
    model.eval()
    return model, Normalizer.from_dict(ck["normalizer"]), cfg, ck
