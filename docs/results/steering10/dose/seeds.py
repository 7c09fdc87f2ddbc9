#!/usr/bin/env python3
"""Fourteenth round, third addition: the gated history models over seeds 0-4. Per seed, the bars
(steer-table.py --counts 7 on part A at W 0.5, --variants 7 on part B) and the signs against none;
over all seeds, gated MPGD against gated MSE of the same seed, per case (A) and per compare (B).
Usage (from this folder): seeds.py, or seeds.py --combined A.tsv B1.tsv B2.tsv for files holding all ten
models in one compare per case (the weight check): each seed's rows are taken out into its own files."""
import math
import os
import re
import subprocess
import sys
import tempfile

T = "../../../../scripts/steer-table.py"
SEEDS = [0, 1, 2, 3, 4]


def files(seed):
    tag = "gated" if seed == 0 else f"gated-s{seed}"
    return [f"{tag}-cases-w0.5.tsv"], [f"{tag}-pulls-1.tsv", f"{tag}-pulls-2.tsv"]


def seed_of(run):
    """The seed of a gated model run (0 without a suffix), None for any other run."""
    m = re.fullmatch(r"history_gated_fcn_egr_(mpgd|mse)(?:_s(\d+))?\.onnx", run)
    return (int(m.group(2) or 0)) if m else None


def split_combined(paths, out):
    """Per seed, copies of `paths` without the other seeds' model rows; returns files(seed)'s shape."""
    def one(seed, path, name):
        dst = f"{out}/s{seed}-{name}"
        with open(path) as src, open(dst, "w") as f:
            for line in src:
                c = line.split("\t")
                if len(c) == 10 and seed_of(c[3]) not in (None, seed):
                    continue
                f.write(line)
        return dst
    return lambda seed: ([one(seed, paths[0], "a.tsv")], [one(seed, p, f"b{i}.tsv") for i, p in enumerate(paths[1:])])


def table(args):
    return subprocess.run([sys.executable, T, *args], capture_output=True, text=True, check=True).stdout


def bar(text, name):
    m = re.search(rf"^\| {re.escape(name)} \| (\d+)/7 \|", text, re.M)
    return int(m.group(1)) if m else 0


def overflow(paths):
    """(case, F) -> {loss: overflow} for the gated model runs, and the none run."""
    out = {}
    for p in paths:
        for line in open(p):
            c = line.rstrip("\n").split("\t")
            if len(c) != 10:
                continue
            m = re.search(r"_(mpgd|mse)(_s\d+)?\.onnx$", c[3])
            key = "none" if c[3] == "none" else (m.group(1) if m else None)
            if key:
                out.setdefault((c[0], c[1]), {})[key] = int(c[4])
    return out


def sign_p(a, b):
    n = a + b
    if n == 0:
        return 1.0
    k = min(a, b)
    return min(1.0, 2 * sum(math.comb(n, i) for i in range(k + 1)) / 2**n)


if sys.argv[1:2] == ["--combined"]:
    files = split_combined(sys.argv[2:5], tempfile.mkdtemp())

print("| seed | cases: MPGD (beyond) | MSE (beyond) | pulled designs: MPGD (beyond) | MSE (beyond) | pulled, below none: MPGD | MSE |")
print("|---|---|---|---|---|---|---|")
pairs = {"A": [0, 0, 0], "B": [0, 0, 0]}
for s in SEEDS:
    a, b = files(s)
    if not all(os.path.exists(p) and os.path.getsize(p) for p in a + b):
        print(f"| {s} | (files missing: not run yet) |")
        continue
    ca, vb = table(["--counts", "7", *a]), table(["--variants", "7", *b])
    below = {}
    for part, paths in (("A", a), ("B", b)):
        for v in overflow(paths).values():
            x, y = v["mpgd"], v["mse"]
            pairs[part][0 if x < y else 1 if x > y else 2] += 1
            if part == "B":
                for loss in ("mpgd", "mse"):
                    below.setdefault(loss, [0, 0])[0 if v[loss] < v["none"] else 1] += v[loss] != v["none"]
    cells = [f"{bar(t, n)} ({bar(t, n + ' beyond')})" for t in (ca, vb) for n in ("MPGD", "MSE")]
    print(f"| {s} | " + " | ".join(cells) + f" | {below['mpgd'][0]} / {below['mpgd'][1]} | {below['mse'][0]} / {below['mse'][1]} |")
print()
for part, (f, m, e) in pairs.items():
    what = "cases (part A)" if part == "A" else "pulled compares (part B)"
    print(f"MPGD against MSE over the seeds, {what}: fewer {f}, more {m}, equal {e}, sign test p {sign_p(f, m):.3g}")
