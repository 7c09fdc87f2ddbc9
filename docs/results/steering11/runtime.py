#!/usr/bin/env python3
"""Runtime of the model-steered runs over the unsteered run of the same compare (route s plus
steer s, the prediction and dose counted), per design, from select-*.tsv or test TSVs.
python3 runtime.py W FILES"""
import collections
import statistics
import sys

w = sys.argv[1]
ratios = collections.defaultdict(list)
none = {}
for path in sys.argv[2:]:
    for line in open(path):
        c = line.rstrip("\n").split("\t")
        if c[2] != w and f"--prior-weight {w} " not in c[2]:
            continue
        key = (c[0], c[1])
        t = float(c[8]) + float(c[9])
        if c[3] == "none":
            none[key] = t
        elif c[3].endswith(".onnx"):
            ratios[key].append(t)
per = collections.defaultdict(list)
for key, ts in ratios.items():
    per[key[0]] += [t / none[key] for t in ts]
print("| design | unsteered s (mean) | model runs | steered / unsteered: median | range | within 1.2x |")
print("|---|---:|---:|---:|---|---:|")
for k in sorted(per):
    r = per[k]
    base = statistics.mean(v for (d, _), v in none.items() if d == k)
    print(f"| {k} | {base:.2f} | {len(r)} | {statistics.median(r):.2f} | {min(r):.2f}-{max(r):.2f} | {sum(x <= 1.2 for x in r)} |")
