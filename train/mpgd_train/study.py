"""Studies on one dataset: the free baselines, an input ablation, and MSE against MPGD over seeds.

* `baselines`: maps that cost nothing beyond the dataset, scored with the metrics the models get, on the
  same samples. `egr` is `egr_overflow_h + egr_overflow_v` (the early global route's overflow, what the
  router knows before it negotiates); `r1` is `r1_overflow_h + r1_overflow_v` (the same after the router's
  first rip-up round; only in datasets that have the columns); `rudy` is RUDY. Each map is multiplied by one factor fitted on the
  training split by least squares against the normalised label (`a = sum(b y) / sum(b b)`), so that the
  scale-dependent metrics (NRMS, SSIM, peakNRMSE, R^2) see the map on the label's scale; Pearson and the
  top-5% overlap do not depend on that factor.
* `ablation`: one model per input set (same loss, seed and budget; `model:` before the inputs picks another
  model than the base one), with the baselines as rows.
* `runs`: a table of finished run folders (their `metrics.json`, split "val" or "test"), grouped by name
  without the `_s<seed>` suffix: mean ± sd per group (`summarise_runs`).
* `regimes`: the mean per-sample Pearson of the egr map and of trained runs on the test split, over all
  samples, the nearly clean ones (1-19 congested GCells) and the rest (`regime_pearson`).
* `merge-seeds`: one `seeds.json`/`seeds.md` from the `seeds.json` of runs made apart (`merge_seeds`).
* `seeds`: MSE and MPGD, same model, data and budget, `seeds` seeds each; `seeds.json` holds one object
  per run; `seeds.md` the means, standard deviations and a paired t-test per metric (runs paired by seed).
  An MPGD λ sweep (seed 0) rides along.

Every number comes from `train.train` and `train.score`; nothing here tunes on the test split.
"""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path
from typing import Sequence

import numpy as np
import torch

from .config import TrainConfig
from .data import Normalizer, Task, hold_out, load_samples
from .report import fmt_cell, steps_to_reach
from .train import TrainResult, score, train

__all__ = ["merge_seeds", "summarise_runs", "parse_input_set", "baseline_per_sample", "regime_pearson", "BASELINES", "baseline_scores", "run_ablation", "run_seeds", "paired_stats", "SEED_KEYS", "mpgd_setting"]

BASELINES: dict[str, tuple[str, ...]] = {
    "egr": ("egr_overflow_h", "egr_overflow_v"),
    "r1": ("r1_overflow_h", "r1_overflow_v"),
    "rudy": ("rudy",),
}


def available_baselines(dataset: str) -> list[str]:
    """The baselines whose channels `dataset` holds (datasets built before the r1 columns lack `r1`)."""
    import pyarrow.parquet as pq

    names = set(pq.read_schema(dataset).names)
    return [b for b, cols in BASELINES.items() if set(cols) <= names]

SEED_KEYS = (
    "loss", "seed", "nrms", "ssim", "peak_nrmse", "r2", "pearson", "top5_overlap",
    "hotspot_precision", "hotspot_recall", "steps_to_mse_final_nrms",
)
METRICS = ("nrms", "ssim", "peak_nrmse", "r2", "pearson", "pearson_pooled", "top5_overlap", "hotspot_precision", "hotspot_recall")
LOWER_IS_BETTER = {"nrms", "peak_nrmse", "emd"}


def _split_samples(dataset: str, task: Task, split: str, val_designs: str = "") -> list:
    """The samples of `split`; with `val_designs`, "train" is the training split without those designs
    and "test" is those designs (the validation split, as `train.train` uses them)."""
    if not val_designs:
        return load_samples(dataset, task, split)
    kept, held = hold_out(load_samples(dataset, task, "train"), val_designs)
    return kept if split == "train" else held


def _baseline_maps(dataset: str, name: str, split: str, label_scale: float, val_designs: str = "") -> tuple[list[np.ndarray], list[np.ndarray]]:
    task = Task("baseline", "", BASELINES[name], "congestion")
    samples = _split_samples(dataset, task, split, val_designs)
    maps = [s.x.sum(axis=0) for s in samples]
    targets = [np.clip(s.y[0] / np.float32(label_scale), 0.0, 1.0) for s in samples]
    return maps, targets


def baseline_scores(dataset: str, label_scale: float = 0.0, val_designs: str = "") -> dict[str, dict]:
    """Test-split metrics of every baseline; `label_scale` 0: the training maximum, as the models use.
    With `val_designs`: fitted on the other training designs and scored on those (the validation split)."""
    if label_scale <= 0:
        train = _split_samples(dataset, Task("baseline", "", ("rudy",), "congestion"), "train", val_designs)
        label_scale = max(float(s.y.max()) for s in train) or 1.0
    out = {}
    for name in available_baselines(dataset):
        b_train, y_train = _baseline_maps(dataset, name, "train", label_scale, val_designs)
        num = sum(float(np.sum(b.astype(np.float64) * y)) for b, y in zip(b_train, y_train))
        den = sum(float(np.sum(b.astype(np.float64) ** 2)) for b in b_train)
        factor = num / den if den > 0 else 1.0
        b_test, y_test = _baseline_maps(dataset, name, "test", label_scale, val_designs)
        m = score(y_test, [(factor * b).astype(np.float32) for b in b_test])
        m.update(factor=factor, label_scale=label_scale)
        out[name] = m
    return out


def baseline_per_sample(dataset: str, name: str = "egr", min_congested: int = 20) -> dict:
    """Where a baseline's mean per-sample Pearson comes from, on the test split: per design the number
    of samples with a non-constant label and their mean Pearson; the samples sorted by Pearson (id,
    congested GCells, GCells, the baseline's nonzero GCells); and the mean over the samples with at
    least `min_congested` congested GCells. An explanation of the metric, not a new one."""
    from . import metrics as M

    train = load_samples(dataset, Task("baseline", "", ("rudy",), "congestion"), "train")
    label_scale = max(float(s.y.max()) for s in train) or 1.0  # the models' label scale (labels clip at 1)
    maps, targets = _baseline_maps(dataset, name, "test", label_scale)
    ids = [s.id for s in load_samples(dataset, Task("baseline", "", BASELINES[name], "congestion"), "test")]
    rows = []
    for i, t, b in zip(ids, targets, maps):
        if np.ptp(t) > 0:
            rows.append({"id": i, "design": i.split("|")[0], "pearson": M.pearson(t, b), "congested": int((t > 0).sum()),
                         "gcells": int(t.size), "baseline_nonzero": int((b > 0).sum())})
    rows.sort(key=lambda r: r["pearson"])
    designs: dict[str, list[float]] = {}
    for r in rows:
        designs.setdefault(r["design"], []).append(r["pearson"])
    big = [r["pearson"] for r in rows if r["congested"] >= min_congested]
    return {
        "mean_pearson": float(np.mean([r["pearson"] for r in rows])) if rows else float("nan"),
        "per_design": {d: {"samples": len(v), "mean_pearson": float(np.mean(v))} for d, v in sorted(designs.items())},
        f"mean_pearson_min{min_congested}_congested": float(np.mean(big)) if big else float("nan"),
        f"samples_min{min_congested}_congested": len(big),
        "samples": rows,
    }


def regime_pearson(dataset: str, runs: Sequence[str | Path] = (), min_congested: int = 20) -> dict:
    """The mean per-sample Pearson on the test split, split by regime: over the samples with a non-constant
    label ("all", what `pearson` averages), those with 1 to `min_congested - 1` congested GCells ("few":
    the nearly clean samples where the rip-up leaves a handful of survivors) and those with at least
    `min_congested` ("many"). Rows: the egr map, then each run (a run folder with `final.pt`, or a
    checkpoint), scored with the same samples and `metrics.pearson`; plus, per regime, the sample count."""
    from . import metrics as M
    from .train import load_checkpoint, predict

    egr = baseline_per_sample(dataset, "egr", min_congested)
    ids = [r["id"] for r in egr["samples"]]
    congested = {r["id"]: r["congested"] for r in egr["samples"]}
    regimes = {"all": ids, "few": [i for i in ids if congested[i] < min_congested],
               "many": [i for i in ids if congested[i] >= min_congested]}

    def summary(name: str, per: dict[str, float]) -> dict:
        row: dict = {"name": name}
        for k, members in regimes.items():
            row[f"pearson_{k}"] = float(np.mean([per[i] for i in members])) if members else float("nan")
        return row

    rows = [summary("egr map", {r["id"]: r["pearson"] for r in egr["samples"]})]
    if "r1" in available_baselines(dataset):
        r1 = baseline_per_sample(dataset, "r1", min_congested)
        rows.append(summary("r1 map", {r["id"]: r["pearson"] for r in r1["samples"]}))
    for run in runs:
        path = Path(run)
        model, norm, cfg, _ = load_checkpoint(path / "final.pt" if path.is_dir() else path)
        per = {}
        for s in load_samples(dataset, cfg.resolved_task(), "test"):
            if s.id in congested:
                x, y = norm.apply(s.x, s.y)
                per[s.id] = M.pearson(y[0], predict(model, x, torch.device("cpu")))
        rows.append(summary(str(run), per))
    return {"samples": {k: len(v) for k, v in regimes.items()}, "min_congested": min_congested, "rows": rows}


def _table(rows: list[dict], first: str, cols: Sequence[str]) -> str:
    head = f"| {first} | " + " | ".join(cols) + " |\n|---|" + "---|" * len(cols) + "\n"
    return head + "".join(f"| {r[first]} | " + " | ".join(fmt_cell(r[c]) if c in r else "–" for c in cols) + " |\n" for r in rows)


def parse_input_set(spec: str) -> tuple[str, str, float, str]:
    """An ablation entry: "a,b" (the base model on a, b), "fcn:a,b" (the FCN), "fcn+egr:a,b" (the FCN as
    a correction to the egr map), "fcn+egr@1.5:a,b" (over the egr map blurred with sigma 1.5 GCells).
    Returns (model, residual, sigma, inputs)."""
    head, _, inputs = spec.rpartition(":")
    model, _, res = head.partition("+")
    residual, _, sigma = res.partition("@")
    return model, residual, float(sigma or 0.0), inputs


def run_ablation(base: TrainConfig, input_sets: dict[str, str], results_dir: str | Path, runs_dir: str | Path, command: str = "") -> list[dict]:
    """One model per input set; writes `ablation.json` and `ablation.md` into `results_dir`."""
    results_dir, runs_dir = Path(results_dir), Path(runs_dir)
    results_dir.mkdir(parents=True, exist_ok=True)
    rows = []
    for name, inputs in baseline_scores(base.dataset, base.label_scale).items():
        rows.append({"inputs": f"baseline: {name} map", **inputs})
    for name, spec in input_sets.items():
        model, residual, sigma, inputs = parse_input_set(spec)
        cfg = dataclasses.replace(base, inputs=inputs, model=model or base.model, out=str(runs_dir / name))
        if residual:
            cfg = dataclasses.replace(cfg, residual=residual, residual_sigma=sigma)
        res = train(cfg)
        arch = cfg.resolved_model() + (f" + egr residual, σ {cfg.residual_sigma:g}" if cfg.residual else "")
        label = f"{name} ({arch}): {','.join(cfg.resolved_task().inputs)}"
        rows.append({"inputs": label, **res.metrics, "dataset_sha256": res.dataset_sha256})
        (results_dir / "ablation.json").write_text(json.dumps(rows, indent=2))
    cols = ["pearson", "pearson_pooled", "r2", "top5_overlap", "peak_nrmse", "nrms", "ssim", "hotspot_precision", "hotspot_recall", "train_seconds"]
    text = f"""# Input ablation (test split)

Model {base.resolved_model()}, loss {base.loss}{f' (λ {base.lam})' if base.loss == 'mpgd' else ''}, seed {base.seed},
{base.steps} steps of {base.batch_size} crops of {base.crop}x{base.crop} GCells, lr {base.lr}; dataset `{base.dataset}`
(sha256 `{rows[-1].get('dataset_sha256', '')}`). Baselines: the free maps scored the same way (`mpgd_train/study.py`).

Command: `{command}`

{_table(rows, 'inputs', cols)}"""
    (results_dir / "ablation.md").write_text(text)
    (results_dir / "ablation.json").write_text(json.dumps(rows, indent=2))
    return rows


def paired_stats(a: Sequence[float], b: Sequence[float]) -> dict:
    """Mean and sample standard deviation of each list, and the paired t-test of a - b (two-sided)."""
    from scipy import stats

    a = np.asarray(a, np.float64)
    b = np.asarray(b, np.float64)
    d = a - b
    if len(d) > 1 and np.std(d) > 0:
        t, p = stats.ttest_rel(a, b)
        t, p = float(t), float(p)
    else:
        t, p = float("nan"), float("nan")
    return {
        "mean_a": float(a.mean()), "sd_a": float(a.std(ddof=1)) if len(a) > 1 else float("nan"),
        "mean_b": float(b.mean()), "sd_b": float(b.std(ddof=1)) if len(b) > 1 else float("nan"),
        "mean_diff": float(d.mean()), "t": t, "p": p,
    }


def _selected_fraction(res: TrainResult, last: int = 100) -> float:
    tail = [r["selected_fraction"] for r in res.steps[-last:]]
    return float(np.mean(tail)) if tail else float("nan")


def run_seeds(
    base: TrainConfig,
    seeds: Sequence[int],
    results_dir: str | Path,
    runs_dir: str | Path,
    sweep_lambdas: Sequence[float] = (),
    command: str = "",
    mse_rows: Sequence[dict] = (),
) -> list[dict]:
    """MSE and MPGD on each seed; writes `seeds.json`, `seeds_sweep.json` and `seeds.md`. `mse_rows`
    (the MSE rows of an earlier `seeds.json` made with the same settings but MPGD's λ, which MSE does not
    read) replace the MSE runs: only MPGD trains, and `steps_to_mse_final_nrms` is left empty."""
    results_dir, runs_dir = Path(results_dir), Path(runs_dir)
    results_dir.mkdir(parents=True, exist_ok=True)
    reuse = {int(r["seed"]): dict(r) for r in mse_rows if r["loss"] == "mse"}
    missing = [s for s in seeds if mse_rows and s not in reuse]
    if missing:
        raise ValueError(f"the reused MSE rows lack seed(s) {missing}")
    runs: list[dict] = []
    for seed in seeds:
        res = {}
        for loss in ("mpgd",) if reuse else ("mse", "mpgd"):
            cfg = dataclasses.replace(base, loss=loss, seed=seed, out=str(runs_dir / f"{loss}_s{seed}"))
            res[loss] = train(cfg)
        if reuse:
            if reuse[seed].get("dataset_sha256") != res["mpgd"].dataset_sha256:
                raise ValueError(f"the reused MSE row of seed {seed} was measured on another dataset")
            runs.append(reuse[seed])
            target = None
        else:
            target = res["mse"].evals[-1]["nrms"] if res["mse"].evals else None
        for loss, r in res.items():
            row = {k: r.metrics.get(k) for k in METRICS}
            row.update(loss=loss, seed=seed, steps_to_mse_final_nrms=steps_to_reach(r.evals, target) if target is not None else None)
            row["selected_fraction"] = _selected_fraction(r)
            row["train_seconds"] = r.metrics.get("train_seconds")
            row["dataset_sha256"] = r.dataset_sha256
            runs.append({k: row[k] for k in (*SEED_KEYS, "pearson_pooled", "selected_fraction", "train_seconds", "dataset_sha256")})
        (results_dir / "seeds.json").write_text(json.dumps(runs, indent=2))
    sweep = []
    for lam in sweep_lambdas:
        cfg = dataclasses.replace(base, loss="mpgd", lam=lam, seed=seeds[0], out=str(runs_dir / f"mpgd_lam{lam:g}"))
        r = train(cfg)
        sweep.append({"lam": lam, "seed": seeds[0], **{k: r.metrics.get(k) for k in METRICS}, "selected_fraction": _selected_fraction(r)})
        (results_dir / "seeds_sweep.json").write_text(json.dumps(sweep, indent=2))
    (results_dir / "seeds.md").write_text(_seeds_markdown(runs, sweep, base, command))
    return runs


def merge_seeds(files: Sequence[str | Path], base: TrainConfig, results_dir: str | Path, command: str = "") -> list[dict]:
    """Join the `seeds.json` of runs made apart (e.g. seeds 0-2 and seeds 3, 4 side by side, with the same
    settings) into one `seeds.json` and `seeds.md` in `results_dir`; a seed and loss twice is an error."""
    runs = [r for f in files for r in json.loads(Path(f).read_text())]
    keys = [(r["loss"], r["seed"]) for r in runs]
    if len(set(keys)) != len(keys):
        raise ValueError(f"a (loss, seed) pair occurs twice in {[str(f) for f in files]}")
    shas = {r.get("dataset_sha256") for r in runs}
    if len(shas) > 1:
        raise ValueError(f"the runs were measured on different datasets: {sorted(map(str, shas))}")
    runs.sort(key=lambda r: (r["seed"], r["loss"] != "mse"))
    results_dir = Path(results_dir)
    results_dir.mkdir(parents=True, exist_ok=True)
    (results_dir / "seeds.json").write_text(json.dumps(runs, indent=2))
    (results_dir / "seeds.md").write_text(_seeds_markdown(runs, [], base, command))
    return runs


def _seeds_markdown(runs: list[dict], sweep: list[dict], base: TrainConfig, command: str) -> str:
    by = {(r["loss"], r["seed"]): r for r in runs}
    seeds = sorted({r["seed"] for r in runs if ("mse", r["seed"]) in by and ("mpgd", r["seed"]) in by})
    lines = ["| metric | MSE mean ± sd | MPGD mean ± sd | MPGD − MSE | paired t | p | better |", "|---|---|---|---|---|---|---|"]
    for m in (*METRICS, "steps_to_mse_final_nrms"):
        a = [by[("mpgd", s)].get(m) for s in seeds]
        b = [by[("mse", s)].get(m) for s in seeds]
        if any(v is None for v in a + b):
            lines.append(f"| {m} | {', '.join(fmt_cell(v) for v in b)} | {', '.join(fmt_cell(v) for v in a)} | | | | |")
            continue
        st = paired_stats(a, b)
        lower = m in LOWER_IS_BETTER or m == "steps_to_mse_final_nrms"
        better = "MPGD" if (st["mean_diff"] < 0) == lower else "MSE"
        if st["mean_diff"] == 0:
            better = "tie"
        sig = " (p < 0.05)" if st["p"] < 0.05 else ""
        lines.append(
            f"| {m} | {st['mean_b']:.4f} ± {st['sd_b']:.4f} | {st['mean_a']:.4f} ± {st['sd_a']:.4f} | {st['mean_diff']:+.4f} "
            f"| {fmt_cell(st['t'])} | {fmt_cell(st['p'])} | {better}{sig} |"
        )
    sel = [by[("mpgd", s)]["selected_fraction"] for s in seeds]
    text = f"""# MSE vs MPGD over seeds (test split)

Model {base.resolved_model()}{f" as a correction to the egr map (σ {base.residual_sigma:g})" if base.residual else ""} on inputs `{base.inputs or 'the task default'}`, {base.steps} steps of {base.batch_size} crops of
{base.crop}x{base.crop} GCells, lr {base.lr}, seeds {seeds}; MPGD {mpgd_setting(base)} ({'per sample' if base.per_sample else 'whole batch'}).
Dataset `{base.dataset}` (sha256 `{runs[0]['dataset_sha256'] if runs else ''}`). Paired t-test over seeds
(same seed = same initial weights and crops for both losses). MPGD's |S|/N (mean of the last 100 steps):
{', '.join(f'{v:.3f}' for v in sel)}.

Command: `{command}`

{chr(10).join(lines)}

Per run: `seeds.json`.
"""
    if sweep:
        text += "\n## MPGD λ sweep (seed " + str(sweep[0]["seed"]) + ")\n\n" + _table(sweep, "lam", [*METRICS, "selected_fraction"])
    return text


def mpgd_setting(cfg: TrainConfig) -> str:
    """MPGD's selection in words: "λ 0.007", "λ 0.02 → 0.002 (cosine)", "top 25% of |error|", with ", after
    an MSE warm-up of 30% of the steps" when there is one."""
    if cfg.top_q > 0:
        text = f"top {100 * cfg.top_q:g}% of |error|"
    elif cfg.lam_schedule != "constant":
        text = f"λ {cfg.lam:g} → {cfg.lam_end:g} ({cfg.lam_schedule})"
    else:
        text = f"λ {cfg.lam:g}"
    if cfg.mse_warmup > 0:
        text += f", after an MSE warm-up of {100 * cfg.mse_warmup:g}% of the steps"
    return text


def summarise_runs(run_dirs: Sequence[str | Path], metrics: Sequence[str] = METRICS) -> str:
    """A markdown table of finished runs grouped by folder name without a trailing `_s<seed>`: per group the
    split, the seeds, and each metric's mean ± sd (the value alone for one run), plus MPGD's |S|/N (mean
    of the last 100 steps of `steps.csv`)."""
    import csv
    import re

    groups: dict[str, list[dict]] = {}
    for d in map(Path, run_dirs):
        saved = json.loads((d / "metrics.json").read_text())
        split = "val" if "val" in saved else "test"
        steps = list(csv.DictReader(open(d / "steps.csv")))[-100:]
        row = {**saved[split], "split": split, "selected_fraction": float(np.mean([float(r["selected_fraction"]) for r in steps]))}
        m = re.fullmatch(r"(.*)_s(\d+)", d.name)
        row["seed"] = int(m.group(2)) if m else None
        groups.setdefault(m.group(1) if m else d.name, []).append(row)
    cols = [*metrics, "selected_fraction"]
    out = ["| run | split | seeds | " + " | ".join(cols) + " |", "|---|---|---|" + "---|" * len(cols)]
    for name, rows in groups.items():
        cells = []
        for c in cols:
            v = np.array([r[c] for r in rows], np.float64)
            cells.append(f"{v.mean():.4f} ± {v.std(ddof=1):.4f}" if len(v) > 1 else f"{v[0]:.4f}")
        seeds = ",".join(str(r["seed"]) for r in rows if r["seed"] is not None) or "–"
        out.append(f"| {name} | {rows[0]['split']} | {seeds} | " + " | ".join(cells) + " |")
    return "\n".join(out) + "\n"
