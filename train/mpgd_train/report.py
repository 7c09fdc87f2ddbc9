"""The comparison report: MSE, shrinkage and MPGD trained with the same model, data, seed and step budget,
evaluated on the design-wise held-out split.

Writes into the results folder (default `docs/results`):
* `training.json`: a list with one object per loss: `loss`, `nrms`, `ssim`, `emd` (CircuitNet metrics),
  `peak_nrmse`, `r2`, `hotspot_precision`, `hotspot_recall`, `steps_to_mse_final_nrms`, `command`, plus
  context keys (`lam`, `per_sample`, `steps`, `train_seconds`, `dataset_sha256`).
* `training.md`: the same as a table, with the setup and the verdicts.
* `curve_loss.png`, `curve_selected_fraction.png`, `curve_nrms.png`, `curve_peak_nrmse.png`.
* with a sweep: `training_sweep.json` (MPGD variants: other lambdas, per-sample selection).

`steps_to_mse_final_nrms`: the first evaluation step at which the run's NRMS on the evaluation subset
(`eval_max_samples` test samples, every `eval_every` steps) is at most MSE's final NRMS on the same subset;
null when never reached. The training runs themselves go to `runs_dir`.
"""

from __future__ import annotations

import dataclasses
import json
import math
from pathlib import Path
from typing import Sequence

from .config import TrainConfig
from .train import TrainResult, train

__all__ = ["run_report", "steps_to_reach", "REPORT_KEYS"]

REPORT_KEYS = ("loss", "nrms", "ssim", "emd", "peak_nrmse", "r2", "hotspot_precision", "hotspot_recall", "steps_to_mse_final_nrms", "command")


def steps_to_reach(evals: Sequence[dict], target: float) -> int | None:
    for e in evals:
        if e["nrms"] <= target:
            return int(e["step"])
    return None


def _row(name: str, res: TrainResult, target: float | None, command: str) -> dict:
    m = res.metrics
    return {
        "loss": res.config.loss,
        "nrms": m.get("nrms"),
        "ssim": m.get("ssim"),
        "emd": m.get("emd"),
        "peak_nrmse": m.get("peak_nrmse"),
        "r2": m.get("r2"),
        "hotspot_precision": m.get("hotspot_precision"),
        "hotspot_recall": m.get("hotspot_recall"),
        "steps_to_mse_final_nrms": steps_to_reach(res.evals, target) if target is not None else None,
        "command": command,
        "run": name,
        "lam": res.config.lam if res.config.loss == "mpgd" else None,
        "per_sample": res.config.per_sample if res.config.loss == "mpgd" else None,
        "steps": res.config.steps,
        "train_seconds": m.get("train_seconds"),
        "final_selected_fraction": res.steps[-1]["selected_fraction"] if res.steps else None,
        "dataset_sha256": res.dataset_sha256,
    }


def _plot(results: dict[str, TrainResult], out: Path) -> list[str]:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    files = []
    panels = [
        ("curve_loss.png", "training loss (x loss weight)", "steps", "loss", True),
        ("curve_selected_fraction.png", "|S|/N (MPGD's selected fraction; 1 for MSE/shrinkage)", "steps", "selected_fraction", False),
        ("curve_nrms.png", "test NRMS (CircuitNet) on the evaluation subset", "evals", "nrms", True),
        ("curve_peak_nrmse.png", "test peakNRMSE on the evaluation subset", "evals", "peak_nrmse", True),
    ]
    for fname, title, source, key, logy in panels:
        fig, ax = plt.subplots(figsize=(6.4, 4.0), dpi=100)
        for name, res in results.items():
            rows = getattr(res, source)
            if not rows:
                continue
            xs = [r["step"] for r in rows]
            ys = [r[key] for r in rows]
            if source == "steps" and len(ys) > 50:  # moving average over ~2% of the run
                w = max(1, len(ys) // 50)
                ys = [sum(ys[max(0, i - w + 1): i + 1]) / len(ys[max(0, i - w + 1): i + 1]) for i in range(len(ys))]
            ax.plot(xs, ys, label=name)
        ax.set_title(title, fontsize=10)
        ax.set_xlabel("step")
        ax.set_ylabel(key)
        if logy:
            ax.set_yscale("log")
        ax.grid(alpha=0.3)
        ax.legend()
        fig.tight_layout()
        fig.savefig(out / fname)
        plt.close(fig)
        files.append(fname)
    return files


def fmt_cell(v) -> str:
    """A metric as table text: 4 decimals, `nan`, or `never` for a step count never reached."""
    if v is None:
        return "never"
    if isinstance(v, float):
        return "nan" if math.isnan(v) else f"{v:.4f}"
    return str(v)


def _markdown(rows: list[dict], sweep: list[dict], base: TrainConfig, command: str, figures: list[str]) -> str:
    cols = ["nrms", "ssim", "emd", "peak_nrmse", "r2", "hotspot_precision", "hotspot_recall", "steps_to_mse_final_nrms", "train_seconds"]
    head = "| loss | " + " | ".join(cols) + " |\n|---|" + "---|" * len(cols) + "\n"
    body = "".join(f"| {r['run']} | " + " | ".join(fmt_cell(r[c]) for c in cols) + " |\n" for r in rows)
    by = {r["loss"]: r for r in rows}
    verdict = []
    if "mse" in by and "mpgd" in by:
        a, b = by["mpgd"]["peak_nrmse"], by["mse"]["peak_nrmse"]
        verdict.append(f"* peakNRMSE: MPGD {a:.4f} vs MSE {b:.4f}: MPGD {'beats' if a < b else 'does NOT beat'} MSE.")
        s_m, s_p = by["mse"]["steps_to_mse_final_nrms"], by["mpgd"]["steps_to_mse_final_nrms"]
        verdict.append(f"* Steps to reach MSE's final NRMS: MSE {fmt_cell(s_m)}, MPGD {fmt_cell(s_p)}.")
    text = f"""# Training comparison: MSE vs shrinkage vs MPGD

Same model ({base.resolved_model()}), data, seed ({base.seed}), and budget ({base.steps} steps, batch {base.batch_size},
{base.crop}x{base.crop}-GCell crops, AdamW lr {base.lr} cosine to {base.lr_min}); evaluated on the design-wise
held-out split (`split == "test"`) at full size. Dataset `{base.dataset}`, sha256 `{rows[0]['dataset_sha256'] if rows else ''}`.
MPGD: lambda {base.lam}, selection over the {'sample' if base.per_sample else 'whole mini-batch'}.

Command: `{command}`

{head}{body}
NRMS, SSIM and EMD are CircuitNet's (uint8 images, its averaging); peakNRMSE, R^2 and hotspot precision/recall
(top 5 % GCells) are on the float [0, 1] scale (see `mpgd_train/metrics.py`). `steps_to_mse_final_nrms` uses the
evaluation subset curve (`curve_nrms.png`).

{chr(10).join(verdict)}
"""
    if sweep:
        text += "\n## MPGD variants (lambda, selection)\n\n| run | lambda | per-sample | " + " | ".join(cols) + " |\n|---|---|---|" + "---|" * len(cols) + "\n"
        text += "".join(f"| {r['run']} | {r['lam']} | {r['per_sample']} | " + " | ".join(fmt_cell(r[c]) for c in cols) + " |\n" for r in sweep)
    text += "\n" + "\n".join(f"![{f}]({f})" for f in figures) + "\n"
    return text


def run_report(
    base: TrainConfig,
    results_dir: str | Path = "docs/results",
    runs_dir: str | Path = "out/train-report",
    losses: Sequence[str] = ("mse", "shrinkage", "mpgd"),
    sweep_lambdas: Sequence[float] = (),
    sweep_per_sample: bool = False,
    export_dir: str | Path | None = None,
    command: str = "",
) -> list[dict]:
    results_dir = Path(results_dir)
    runs_dir = Path(runs_dir)
    results_dir.mkdir(parents=True, exist_ok=True)
    runs: dict[str, TrainResult] = {}
    for loss in losses:
        cfg = dataclasses.replace(base, loss=loss, out=str(runs_dir / loss))
        runs[loss] = train(cfg)
    target = runs["mse"].evals[-1]["nrms"] if "mse" in runs and runs["mse"].evals else None
    rows = [_row(name, res, target, command) for name, res in runs.items()]

    sweep_runs: dict[str, TrainResult] = {}
    variants = [(lam, base.per_sample) for lam in sweep_lambdas if lam != base.lam]
    if sweep_per_sample:
        variants.append((base.lam, not base.per_sample))
    for lam, per_sample in variants:
        name = f"mpgd_lam{lam:g}" + ("_per_sample" if per_sample else "_batch")
        cfg = dataclasses.replace(base, loss="mpgd", lam=lam, per_sample=per_sample, out=str(runs_dir / name))
        sweep_runs[name] = train(cfg)
    sweep = [_row(name, res, target, command) for name, res in sweep_runs.items()]

    figures = _plot({**runs, **sweep_runs}, results_dir)
    with open(results_dir / "training.json", "w") as f:
        json.dump(rows, f, indent=2)
    if sweep:
        with open(results_dir / "training_sweep.json", "w") as f:
            json.dump(sweep, f, indent=2)
    (results_dir / "training.md").write_text(_markdown(rows, sweep, base, command, figures))

    if export_dir is not None:
        from .export import export_trained, write_model_card

        export_dir = Path(export_dir)
        export_dir.mkdir(parents=True, exist_ok=True)
        for name in ("mse", "mpgd"):
            if name in runs:
                res = runs[name]
                path = export_dir / f"{base.task}_{res.config.resolved_model()}_{name}.onnx"
                summary = export_trained(res.model, res.normalizer, res.config, base.dataset, path, metrics=res.metrics, dataset_sha256=res.dataset_sha256)
                write_model_card(summary, res.config, base.dataset, command, path.with_suffix(".md"))
    return rows
