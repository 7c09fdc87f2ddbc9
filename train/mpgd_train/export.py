"""ONNX export with metadata, checked before returning (timm's `onnx_export`).

`export_onnx` puts the model in eval mode, exports it with the input `features` [N, C, H, W] and the output
`prediction` [N, 1, H, W] (N, H and W dynamic: the model pads H and W to multiples of 4 itself and crops
back), writes the metadata below as ONNX `metadata_props` (strings; JSON where structured), runs
`onnx.checker.check_model(full_check=True)` and compares onnxruntime's output with PyTorch's on the given
inputs; a difference above `tol` (1e-5) raises.

Metadata keys (read by the Rust side):
  mpgd.format_version  "1"
  mpgd.task            "congestion" | "drv" | "history" (a model of the router's history cost: `--label history`)
  mpgd.model           "gpdl" | "routenet"
  mpgd.input_channels  JSON list of the dataset channel names, in input order
  mpgd.label           label channel name
  mpgd.normalization   JSON {mode, channels, scales, label, label_scale, feature_stat}: the input channel c
                       is divided by scales[c]; the prediction (in [0, 1]) times label_scale is the label in
                       absolute units (mode "fixed"). Mode "minmax" is CircuitNet's per-sample min-max.
  mpgd.loss            "mse" | "shrinkage" | "mpgd"
  mpgd.lambda          MPGD's lambda (string float)
  mpgd.per_sample      "true" | "false"
  mpgd.dataset_sha256  SHA-256 of the dataset Parquet file
  mpgd.metrics         JSON of the metrics on the test split
  mpgd.config          JSON of the resolved training configuration
"""

from __future__ import annotations

import json
import warnings
from pathlib import Path
from typing import Sequence

import numpy as np
import onnx
import onnxruntime as ort
import torch
import torch.nn as nn

__all__ = ["export_onnx", "build_metadata", "read_metadata", "ParityError"]

INPUT_NAME = "features"
OUTPUT_NAME = "prediction"


class ParityError(RuntimeError):
    pass


def build_metadata(*, task: str, model: str, normalization: dict, loss: str, lam: float, per_sample: bool,
                   dataset_sha256: str, metrics: dict, config: dict | None = None) -> dict[str, str]:
    return {
        "mpgd.format_version": "1",
        "mpgd.task": task,
        "mpgd.model": model,
        "mpgd.input_channels": json.dumps(list(normalization["channels"])),
        "mpgd.label": normalization["label"],
        "mpgd.normalization": json.dumps(normalization),
        "mpgd.loss": loss,
        "mpgd.lambda": repr(float(lam)),
        "mpgd.per_sample": "true" if per_sample else "false",
        "mpgd.dataset_sha256": dataset_sha256,
        "mpgd.metrics": json.dumps(metrics),
        "mpgd.config": json.dumps(config or {}),
    }


def read_metadata(path: str | Path) -> dict[str, str]:
    m = onnx.load(str(path), load_external_data=False)
    return {p.key: p.value for p in m.metadata_props}


def export_onnx(
    model: nn.Module,
    path: str | Path,
    metadata: dict[str, str],
    check_inputs: Sequence[np.ndarray],
    opset: int = 17,
    tol: float = 1e-5,
) -> float:
    """Export, check and compare; returns the largest |onnxruntime - PyTorch| over `check_inputs` ([C, H, W]
    or [N, C, H, W] float32 arrays)."""
    if not check_inputs:
        raise ValueError("export needs at least one input to check parity on")
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    model = model.cpu().eval()
    first = np.asarray(check_inputs[0], np.float32)
    dummy = torch.from_numpy(first[None] if first.ndim == 3 else first)
    axes = {0: "batch", 2: "height", 3: "width"}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        torch.onnx.export(
            model,
            (dummy,),
            str(path),
            input_names=[INPUT_NAME],
            output_names=[OUTPUT_NAME],
            dynamic_axes={INPUT_NAME: axes, OUTPUT_NAME: axes},
            opset_version=opset,
            dynamo=False,
        )
    proto = onnx.load(str(path))
    del proto.metadata_props[:]
    for k, v in metadata.items():
        entry = proto.metadata_props.add()
        entry.key = k
        entry.value = str(v)
    proto.producer_name = "mpgd_train"
    onnx.save(proto, str(path))
    onnx.checker.check_model(str(path), full_check=True)

    sess = ort.InferenceSession(str(path), providers=["CPUExecutionProvider"])
    worst = 0.0
    for x in check_inputs:
        x = np.asarray(x, np.float32)
        x = x[None] if x.ndim == 3 else x
        with torch.no_grad():
            ref = model(torch.from_numpy(np.ascontiguousarray(x))).numpy()
        got = sess.run([OUTPUT_NAME], {INPUT_NAME: np.ascontiguousarray(x)})[0]
        if got.shape != ref.shape:
            raise ParityError(f"onnxruntime output shape {got.shape} != PyTorch {ref.shape}")
        worst = max(worst, float(np.max(np.abs(got - ref))))
    if worst > tol:
        raise ParityError(f"onnxruntime differs from PyTorch by {worst:.3g} > {tol:g}")
    return worst


def export_trained(model: nn.Module, normalizer, cfg, dataset: str | Path, path: str | Path,
                   metrics: dict | None = None, dataset_sha256: str | None = None, max_check: int = 4) -> dict:
    """Export a trained model with its metadata; parity is checked on up to `max_check` test samples (train
    samples when the test split is empty). Evaluates on the test split when `metrics` is None. Returns a
    summary dict (path, parity, metrics, metadata)."""
    from .data import file_sha256, load_samples
    from .train import evaluate

    task = cfg.resolved_task()
    samples = load_samples(dataset, task, "test") or load_samples(dataset, task, "train")
    data = [normalizer.apply(s.x, s.y) for s in samples]
    if metrics is None:
        metrics = evaluate(model, data, torch.device("cpu"), task.name)
    meta = build_metadata(
        task=task.name, model=cfg.resolved_model() + (f"+{cfg.residual}_residual" if getattr(cfg, "residual", "") else ""), normalization=normalizer.to_dict(), loss=cfg.loss,
        lam=cfg.lam, per_sample=cfg.per_sample, dataset_sha256=dataset_sha256 or file_sha256(dataset),
        metrics=metrics, config=cfg.to_dict(),
    )
    parity = export_onnx(model, path, meta, [x for x, _ in data[:max_check]])
    out = {"path": str(path), "parity_max_abs_diff": parity, "metrics": metrics, "metadata": meta}
    if hasattr(model, "gain"):
        out["egr_gains"] = [float(g) for g in model.gain.detach().cpu()]
    return out


def _residual_note(cfg, summary: dict) -> str:
    if not getattr(cfg, "residual", ""):
        return ""
    gains = summary.get("egr_gains")
    g = f"; gains (h, v) {gains[0]:.4g}, {gains[1]:.4g} on the normalised scales" if gains else ""
    blur = f"blurred with σ {cfg.residual_sigma:g} GCells" if cfg.residual_sigma > 0 else "not blurred"
    b = cfg.residual
    gated = getattr(cfg, "residual_gate", False)
    wrap = (lambda e: f"({e}) · [{b}_h + {b}_v > 0]") if gated else (lambda e: e)
    zero = f", zero wherever the {b} map is" if gated else ""
    if getattr(cfg, "per_direction", False):
        return (f": prediction = clamp({wrap(f'(g_h {b}_h + network_h) + (g_v {b}_v + network_v)')}, 0, 1), one correction "
                f"per direction trained on congestion_h and congestion_v{zero}, the {b} channels {blur}{g} "
                f"(`mpgd_train/models/residual.py`)")
    return (f": prediction = clamp({wrap(f'g_h {b}_h + g_v {b}_v + network')}, 0, 1){zero}, the {b} channels {blur}{g} "
            f"(`mpgd_train/models/residual.py`)")


def _variant_note(cfg) -> str:
    """MPGD's variant options (issue 11 item 4) when any is set; "" for the plain loss and the others."""
    from .study import mpgd_setting

    plain = cfg.lam_schedule == "constant" and cfg.mse_warmup <= 0 and cfg.top_q <= 0
    return "" if cfg.loss != "mpgd" or plain else f"; selection: {mpgd_setting(cfg)}"


def write_model_card(summary: dict, cfg, dataset: str | Path, command: str, path: str | Path, baselines: dict | None = None) -> None:
    """The model card; with `baselines` (`study.baseline_scores`), each metric beside the free maps' and a
    line saying whether the model beats the early-global-routing map on the test split."""
    meta = summary["metadata"]
    m = summary["metrics"]
    names = list(baselines or {})

    def cell(v) -> str:
        return f"{v:.6g}" if isinstance(v, float) else str(v)

    rows = "\n".join(f"| {k} | {cell(v)} |" + "".join(f" {cell(baselines[b].get(k, ''))} |" for b in names) for k, v in m.items())
    head = "| metric | value |" + "".join(f" {b} map |" for b in names) + "\n|---|---|" + "---|" * len(names)
    verdict = ""
    if baselines and "egr" in baselines:
        e = baselines["egr"]
        wins = m.get("pearson", 0) > e.get("pearson", 1) and m.get("top5_overlap", 0) > e.get("top5_overlap", 1)
        verdict = (
            f"\nAgainst the egr map on the test split: Pearson {m.get('pearson', float('nan')):.4f} vs {e.get('pearson', float('nan')):.4f}, "
            f"top-5% overlap {m.get('top5_overlap', float('nan')):.4f} vs {e.get('top5_overlap', float('nan')):.4f}: "
            f"the model {'beats' if wins else 'does NOT beat'} the egr baseline on both.\n"
        )
        goal = m.get("pearson", 0) >= 0.85 and m.get("top5_overlap", 0) >= 0.65 and wins
        verdict += (
            f"Issue 11's goal (Pearson >= 0.85 and top-5% overlap >= 0.65, both above the egr map) is "
            f"{'met' if goal else 'NOT met'}.\n"
        )
    text = f"""# {Path(summary['path']).name}

| | |
|---|---|
| task | {meta['mpgd.task']} (label `{meta['mpgd.label']}`) |
| model | {meta['mpgd.model']}{_residual_note(cfg, summary)} |
| inputs (in order) | {', '.join(json.loads(meta['mpgd.input_channels']))} |
| loss | {cfg.loss} (lambda {cfg.lam}, per-sample {cfg.per_sample}, weight {cfg.loss_weight}{_variant_note(cfg)}) |
| data | `{dataset}` (sha256 {meta['mpgd.dataset_sha256']}) |
| split | design-wise: trained on split "train", metrics on split "test" |
| budget | {cfg.steps} steps, batch {cfg.batch_size}, crop {cfg.crop}, seed {cfg.seed} |
| normalisation | {meta['mpgd.normalization']} |
| ONNX vs PyTorch | max abs diff {summary['parity_max_abs_diff']:.3g} |

Command: `{command}`

## Test-split metrics
{head}
{rows}
{verdict}"""
    Path(path).write_text(text)
