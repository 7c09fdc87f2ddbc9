#!/usr/bin/env python3
"""Issue 11, gated residual: each metric's mean over seeds, gated against ungated, paired by seed and
loss (a paired t-test over the 5 seeds). Usage: paired.py UNGATED/seeds.json GATED/seeds.json [NAME_A NAME_B]
(the column names, default "ungated" and "gated"; util/ uses it for nine inputs against eleven)."""
import json
import sys

from scipy import stats

base, gated = (json.load(open(p)) for p in sys.argv[1:3])
a, b = sys.argv[3:5] if len(sys.argv) >= 5 else ("ungated", "gated")
metrics = ["pearson", "top5_overlap", "peak_nrmse", "r2", "nrms", "ssim", "pearson_pooled"]
print(f"| loss | metric | {a} | {b} | {b} − {a} | p |")
print("|---|---|---:|---:|---:|---:|")
for loss in ("mse", "mpgd"):
    b = {r["seed"]: r for r in base if r["loss"] == loss}
    g = {r["seed"]: r for r in gated if r["loss"] == loss}
    seeds = sorted(set(b) & set(g))
    for m in metrics:
        x = [b[s][m] for s in seeds]
        y = [g[s][m] for s in seeds]
        p = stats.ttest_rel(y, x).pvalue
        mx, my = sum(x) / len(x), sum(y) / len(y)
        print(f"| {loss} | {m} | {mx:.4f} | {my:.4f} | {my - mx:+.4f} | {p:.2g} |")
