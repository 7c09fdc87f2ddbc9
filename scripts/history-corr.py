#!/usr/bin/env python3
"""How well maps match the router's history cost on a dataset split (docs/results/steering.md, fifth
round): for each ONNX model given (its own inputs and normalisation, from its metadata), and for the
RUDY, egr (egr_overflow_h + egr_overflow_v, and in tracks: each direction times its capacity) and congestion-label maps, Pearson and Spearman correlation
with the dataset's `history` column (H plus V): pooled over every GCell of the split, and the mean over
samples whose history is not constant. Usage (from the repository root, with the training venv):
  .venv/bin/python scripts/history-corr.py DATASET.parquet [--split test] MODEL.onnx...
"""
import argparse
import json
import sys
from pathlib import Path

import numpy as np
import onnxruntime as ort
import pyarrow.parquet as pq

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "train"))
from mpgd_train.data import Normalizer, Task, load_samples  # noqa: E402
from mpgd_train.export import read_metadata  # noqa: E402


def rank(a):
    r = np.empty(len(a))
    r[np.argsort(a, kind="stable")] = np.arange(len(a))
    _, inv, counts = np.unique(a, return_inverse=True, return_counts=True)
    return (np.bincount(inv, weights=r) / counts)[inv]


def corr(a, b):
    if a.std() == 0 or b.std() == 0:
        return float("nan"), float("nan")
    return float(np.corrcoef(a, b)[0, 1]), float(np.corrcoef(rank(a), rank(b))[0, 1])


def scores(preds, truths):
    pooled = corr(np.concatenate([p.ravel() for p in preds]), np.concatenate([t.ravel() for t in truths]))
    per = [corr(p.ravel(), t.ravel()) for p, t in zip(preds, truths) if t.std() > 0]
    per = [v for v in per if not np.isnan(v[0])]
    mean = (float(np.mean([v[0] for v in per])), float(np.mean([v[1] for v in per]))) if per else (float("nan"),) * 2
    return pooled, mean, len(per)


def model_maps(path, dataset, split):
    meta = read_metadata(path)
    norm = Normalizer.from_dict(json.loads(meta["mpgd.normalization"]))
    task = Task("eval", "", tuple(norm.channels), "history")
    samples = load_samples(dataset, task, split)
    sess = ort.InferenceSession(str(path), providers=["CPUExecutionProvider"])
    out = []
    for s in samples:
        x, _ = norm.apply(s.x)
        y = sess.run(["prediction"], {"features": x[None]})[0][0, 0]
        out.append((y * norm.label_scale, s.y[0]))
    return meta["mpgd.label"], out


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("dataset")
    ap.add_argument("models", nargs="*")
    ap.add_argument("--split", default="test")
    a = ap.parse_args()
    rows = []
    base = load_samples(a.dataset, Task("eval", "", ("rudy", "egr_overflow_h", "egr_overflow_v", "congestion", "capacity_h", "capacity_v"), "history"), a.split)
    truths = [s.y[0] for s in base]
    for name, maps in (
        ("rudy", [s.x[0] for s in base]),
        ("egr map", [s.x[1] + s.x[2] for s in base]),
        ("egr map in tracks", [s.x[1] * s.x[4] + s.x[2] * s.x[5] for s in base]),
        ("congestion label (oracle)", [s.x[3] for s in base]),
    ):
        rows.append((name, "-", *scores(maps, truths)))
    for m in a.models:
        label, pairs = model_maps(m, a.dataset, a.split)
        rows.append((Path(m).name, label, *scores([p for p, _ in pairs], [t for _, t in pairs])))
    print(f"split {a.split}: {len(base)} samples; history vs map, Pearson / Spearman")
    print("| map | label | pooled over GCells | mean over samples | samples |")
    print("|---|---|---|---|---:|")
    for name, label, pooled, mean, n in rows:
        print(f"| {name} | {label} | {pooled[0]:.2f} / {pooled[1]:.2f} | {mean[0]:.2f} / {mean[1]:.2f} | {n} |")


if __name__ == "__main__":
    main()
