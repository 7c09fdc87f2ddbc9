#!/usr/bin/env python3
"""Fourteenth round: one row per case of `scripts/steer-local.sh compare` TSVs, overflow none → run
(change, wirelength change) per run; ✓ = ≥ 10% less overflow at ≤ +2% wire (≥ 20% for the history
oracle), * = also below all three controls. Usage: compact.py RUN.tsv [RUN.tsv ...] (runs of the same
case merged; later files add runs)."""
import re
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
def short(run):
    """A column title: the oracle, the egr map, or a model by its file name."""
    fixed = {"oracle": "history oracle", "egr": "egr tracks × 2.8"}
    if run in fixed:
        return fixed[run]
    m = re.fullmatch(r"history_(gated_)?fcn_egr_(mpgd|mse)(_s\d+)?\.onnx", run)
    if not m:
        return run
    return ("gated " if m.group(1) else "") + m.group(2).upper() + (" " + m.group(3)[1:] if m.group(3) else "")


seen = list(dict.fromkeys(r for v in rows.values() for r in v))
runs = [r for r in ["oracle", "egr"] if r in seen] + [r for r in seen if r.endswith(".onnx")]
print("| case | none | controls | " + " | ".join(short(r) for r in runs) + " |")
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
