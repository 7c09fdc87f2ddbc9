#!/usr/bin/env python3
"""Fifteenth round, step 3 (plan.md): the weight rule on the training designs.

python3 choose.py select-*.tsv
For each W and model, a design counts when the model's per-design mean over its placements has
overflow >= 10% below the unsteered run's mean and wirelength <= +2%. S(W) sums the counts over
the ten models; the largest S wins, a tie goes to the smaller mean wirelength change.
"""
import collections
import statistics
import sys

rows = collections.defaultdict(dict)  # (W, design) -> run -> list of (placement, overflow, wire)
for path in sys.argv[1:]:
    for line in open(path):
        k, f, w, run, ov, _n, wl, *_ = line.rstrip("\n").split("\t")
        rows[(w, k)].setdefault(run, []).append((f, float(ov), float(wl)))

ws = sorted({w for w, _ in rows}, key=float)
designs = sorted({k for _, k in rows})
models = sorted({r for v in rows.values() for r in v if r.endswith(".onnx")})


def mean_change(runs, run):
    """(overflow change, wirelength change) of run's per-design mean against none's, or None."""
    if run not in runs or len(runs[run]) != len(runs["none"]):
        return None
    n_ov = statistics.mean(x[1] for x in runs["none"])
    n_wl = statistics.mean(x[2] for x in runs["none"])
    ov = statistics.mean(x[1] for x in runs[run])
    wl = statistics.mean(x[2] for x in runs[run])
    return (ov / n_ov - 1 if n_ov else 0.0), wl / n_wl - 1


print("| W | design | placements | none (mean) | oracle | MPGD at the bar, of 5 | MSE, of 5 | models' overflow change | models' wire change |")
print("|---|---|---:|---:|---|---|---|---|---|")
score = {}
for w in ws:
    s, wires = 0, []
    for k in designs:
        runs = rows.get((w, k))
        if not runs:
            continue
        met = {"mpgd": 0, "mse": 0}
        ch = []
        for m in models:
            c = mean_change(runs, m)
            if c is None:
                continue
            ch.append(c)
            wires.append(c[1])
            if c[0] <= -0.10 and c[1] <= 0.02:
                met["mpgd" if "_mpgd" in m else "mse"] += 1
                s += 1
        o = mean_change(runs, "oracle")
        none = statistics.mean(x[1] for x in runs["none"])
        print(f"| {w} | {k} | {len(runs['none'])} | {none:.1f} | {o[0]:+.0%}, {o[1]:+.1%} | {met['mpgd']} | {met['mse']} | "
              f"{min(c[0] for c in ch):+.0%} to {max(c[0] for c in ch):+.0%} | {min(c[1] for c in ch):+.1%} to {max(c[1] for c in ch):+.1%} |")
    score[w] = (s, statistics.mean(wires) if wires else 0.0)
print()
print("| W | S(W): designs at the bar, summed over the ten models | mean wire change |")
print("|---|---:|---:|")
for w in ws:
    print(f"| {w} | {score[w][0]} | {score[w][1]:+.2%} |")
best = max(ws, key=lambda w: (score[w][0], -score[w][1]))
print(f"\nchosen W = {best}")
