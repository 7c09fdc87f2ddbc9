#!/usr/bin/env python3
"""Fifteenth round, second addition (plan.md): a dose K that depends on the pattern stage, chosen by
leave-one-netlist-out on the training split. Usage: dosefit.py [/work/data/hist/dataset.parquet]"""
import sys
import numpy as np
import pyarrow.parquet as pq

path = sys.argv[1] if len(sys.argv) > 1 else "/work/data/hist/dataset.parquet"
t = pq.read_table(path).to_pydict()
rows = []
for i in range(len(t["id"])):
    if t["split"][i] != "train":
        continue
    g = lambda k: np.array(t[k][i], dtype=np.float64)
    eh, ev, ch, cv = g("egr_overflow_h"), g("egr_overflow_v"), g("capacity_h"), g("capacity_v")
    h = g("history").sum()
    e = (eh * ch + ev * cv).sum()
    n_over = int(((eh + ev) > 0).sum())
    if h <= 0 or e <= 0 or n_over == 0:
        continue
    rows.append(dict(design=t["design"][i], k=h / e, h=h, e=e,
                     share=n_over / eh.size, severity=e / n_over, density=e / eh.size))
designs = sorted({r["design"] for r in rows})
print(f"{len(rows)} training samples with history and pattern-stage overflow, {len(designs)} netlists")
for d in designs:
    rr = [r for r in rows if r["design"] == d]
    print(f"  {d}: n={len(rr)}, K median {np.median([r['k'] for r in rr]):.2f}")
y = lambda rr: np.log([r["k"] for r in rr])


def fit(rr, x):
    if x is None:
        return np.log(sum(r["h"] for r in rr) / sum(r["e"] for r in rr)), 0.0
    b, a = np.polyfit(np.log([r[x] for r in rr]), y(rr), 1)
    return a, b


def predict(a, b, rr, x):
    return a + (b * np.log([r[x] for r in rr]) if x else 0.0)


err = {}
for x in [None, "share", "severity", "density"]:
    e = []
    for d in designs:
        train = [r for r in rows if r["design"] != d]
        test = [r for r in rows if r["design"] == d]
        a, b = fit(train, x)
        e.append(np.mean((predict(a, b, test, x) - y(test)) ** 2))
    err[x] = np.mean(e)
    a, b = fit(rows, x)
    print(f"{x or 'constant':9s} leave-one-netlist-out MSE of log K {err[x]:.4f}"
          f" (per netlist {', '.join(f'{v:.3f}' for v in e)}); all four: a {a:.3f} b {b:.3f}")
best = min(["share", "severity", "density"], key=lambda x: err[x])
ratio = err[best] / err[None]
print(f"best predictor {best}: {ratio:.2f} x the constant's error ->",
      "taken" if ratio <= 0.8 else "not taken (K stays 2.8)")
