#!/usr/bin/env python3
"""Fourteenth round: one row per case of `scripts/steer-local.sh compare` TSVs, overflow none → run
(change, wirelength change) per run; ✓ = ≥ 10% less overflow at ≤ +2% wire (≥ 20% for the history
oracle), * = also below all three controls. Usage: compact.py RUN.tsv [RUN.tsv ...] (runs of the same
case merged; later files add runs)."""
import sys

rows, order = {}, []
for path in sys.argv[1:]:
    for line in open(path):
        c = line.rstrip("\n").split("\t")
        if len(c) != 10:
            continue
        case, f, _, run, ov, _, wl = c[:7]
        key = (case, f)
        if key not in rows:
            rows[key] = {}
            order.append(key)
        rows[key].setdefault(run, (int(ov), float(wl)))
short = {"oracle": "history oracle", "egr": "egr tracks × 2.8", "history_fcn_egr_mpgd.onnx": "MPGD",
         "history_fcn_egr_mse.onnx": "MSE", "history_gated_fcn_egr_mpgd.onnx": "gated MPGD",
         "history_gated_fcn_egr_mse.onnx": "gated MSE", "history_gated_fcn_egr_mpgd_s1.onnx": "gated MPGD s1",
         "history_gated_fcn_egr_mse_s1.onnx": "gated MSE s1"}
runs = [r for r in short if any(r in v for v in rows.values())]
print("| case | none | controls | " + " | ".join(short[r] for r in runs) + " |")
print("|---|---:|---|" + "---|" * len(runs))
for key in order:
    v = rows[key]
    base, wl0 = v["none"]
    ctl = [v[r][0] for r in v if r.startswith("control")]
    cells = []
    for r in runs:
        if r not in v:
            cells.append("")
            continue
        ov, wl = v[r]
        ch = 100 * (ov - base) / base
        dw = 100 * (wl - wl0) / wl0
        bar = 0.20 if r == "oracle" else 0.10
        ok = ov <= base * (1 - bar) and wl <= wl0 * 1.02
        mark = (" ✓" if ok else "") + (" *" if ok and ctl and ov < min(ctl) else "")
        cells.append(f"{ov} ({ch:+.0f}%, {dw:+.1f}%){mark}")
    print(f"| {key[0]} | {base} | {', '.join(map(str, ctl))} | " + " | ".join(cells) + " |")
