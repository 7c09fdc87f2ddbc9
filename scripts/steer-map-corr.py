#!/usr/bin/env python3
"""How well the models' maps match the oracles' (docs/results/steering.md, fourth round): per case,
Pearson and Spearman correlation over the GCells of each model's map against the history oracle
(the unsteered router's final history cost, H plus V) and the congestion oracle, from
`mpgd compare --write-maps` folders. Usage: steer-map-corr.py HISTORY_DIR CONGESTION_DIR CASE..."""
import sys

import numpy as np


def rank(a):
    r = np.empty(len(a))
    r[np.argsort(a, kind="stable")] = np.arange(len(a))
    # ties share their mean rank
    _, inv, counts = np.unique(a, return_inverse=True, return_counts=True)
    sums = np.bincount(inv, weights=r)
    return (sums / counts)[inv]


def corr(a, b):
    if a.std() == 0 or b.std() == 0:
        return float("nan"), float("nan")
    return float(np.corrcoef(a, b)[0, 1]), float(np.corrcoef(rank(a), rank(b))[0, 1])


hist_dir, cong_dir, cases = sys.argv[1], sys.argv[2], sys.argv[3:]
print("| case | map | vs history oracle (Pearson / Spearman) | vs congestion oracle (Pearson / Spearman) |")
print("|---|---|---|---|")
for case in cases:
    hist = np.load(f"{hist_dir}/{case}/oracle.map.npy").ravel()
    cong = np.load(f"{cong_dir}/{case}/oracle.map.npy").ravel()
    maps = {"congestion oracle": cong, "rudy": np.load(f"{cong_dir}/{case}/rudy.map.npy").ravel()}
    for m in ("mpgd", "mse"):
        maps[m.upper()] = np.load(f"{hist_dir}/{case}/congestion_fcn_egr_{m}.onnx.map.npy").ravel()
    for name, v in maps.items():
        h = corr(v, hist)
        c = corr(v, cong) if name != "congestion oracle" else (1.0, 1.0)
        print(f"| {case} | {name} | {h[0]:.2f} / {h[1]:.2f} | {c[0]:.2f} / {c[1]:.2f} |")
