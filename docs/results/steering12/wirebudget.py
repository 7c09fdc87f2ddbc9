#!/usr/bin/env python3
"""Wire-budget exploration (steering.md, "After the fifteenth round"): does x = W * H / L, the prior's
history total H (tracks, as dosed) over the unsteered wirelength L in GCells, explain the wire a
history-model-steered route adds? Training cases: steering11/select-*.tsv (K 2.8, so H = 2.8 x pattern
tracks), the unpulled placement only; test cases: steering11/dose-cases.tsv (density dose, W 0.5).
H and the pattern tracks come from pattern-tracks.txt (pattern-tracks.sh). Prints one line per case and
weight, sorted by x: the mean wire change of the ten history models. Usage: python3 wirebudget.py"""
import collections
import csv
import statistics as st
from pathlib import Path

here = Path(__file__).parent
s11 = here / ".." / "steering11"
H = {}
for line in open(here / "pattern-tracks.txt"):
    name, gcells, gcell_um, tracks, total = line.split()
    H[name] = (float(gcell_um), float(tracks), float(total))


def runs(files):
    g = collections.defaultdict(dict)
    for f in files:
        for r in csv.reader(open(s11 / f), delimiter="\t"):
            g[(r[0], r[1], r[2])][r[3]] = (int(r[4]), float(r[6]))
    return g


def wire_change(rr):
    none = rr["none"][1]
    return st.mean(100 * (w / none - 1) for run, (_, w) in rr.items() if "history_gated" in run)


points = []
for (case, tag, w), rr in runs(["select-1.tsv", "select-2.tsv"]).items():
    if "/s" in tag:
        continue
    gcell_um, tracks, _ = H[case]
    points.append(("train", case, float(w), float(w) * 2.8 * tracks / (rr["none"][1] / gcell_um), wire_change(rr)))
for (case, tag, _), rr in runs(["dose-cases.tsv"]).items():
    name = case.split(":")[0]
    gcell_um, _, total = H[name]
    points.append(("test", name, 0.5, 0.5 * total / (rr["none"][1] / gcell_um), wire_change(rr)))
print("| split | case | W | x = W H / L | mean wire change |")
print("|---|---|---:|---:|---:|")
for split, case, w, x, dw in sorted(points, key=lambda p: p[3]):
    print(f"| {split} | {case} | {w} | {x:.4f} | {dw:+.2f}% |")
