#!/usr/bin/env python3
"""Markdown rows of docs/results/steering.md's fourth round from scripts/steer-local.sh compare
output (TSV). Usage: steer-table.py RUN.tsv [REPEAT.tsv ...]; repeats (the same command again)
give the runtime ratio as the median over the files that hold the case, and must agree on every
other column. One row per case and run: overflow none → run (change), wirelength and via change,
runtime ratio (route plus steering seconds over the none run of the same compare), and the bar
the run meets: ≥ 20% (oracle bar) or ≥ 10% (model bar) less overflow at ≤ +2% wirelength; "*"
where the run also ends below every control run of its compare.

steer-table.py --counts N [--skip CASE,...] RUN.tsv ...: the bars counted over the cases of all
the files (one compare per case; cases in --skip left out), out of N designs: the oracle (≥ 20%),
each model (≥ 10%), both at ≤ +2% wirelength, "beyond" where the run also ends below every
control; MPGD ≤ MSE overflow; every oracle and model run within 1.2× the none run's time. Where
the files hold an `egr` run (`mpgd compare --egr`), also its bars: ≥ 10% at ≤ +2% wirelength,
beyond the controls, and its own time ratio (its steer_s holds the pattern stage) ≤ 1.2. The
`rudy` run (the RUDY-threshold heuristic, a free map) is counted at the model bar (≥ 10%).

steer-table.py --variants N RUN.tsv ...: the eighth round's count over N designs, each compared
at several F (variants): per design and run the mean relative overflow and wirelength change
over its variants, and the bars on those means (see `variants`);
steer-table.py --signs RUN.tsv ...: over every compare of the files, each run's overflow against
none's and rudy's, and MPGD's against MSE's: fewer / more / equal and a two-sided sign test; every other free map
(`--map-channel`, `--egr`) is counted at the model bar like rudy, and every run against rudy
("X < rudy": its mean overflow change below rudy's)."""
import math
import re
import statistics
import sys


def loss_of(run):
    """"MPGD" or "MSE" for a model run named ..._mpgd.onnx / ..._mse.onnx (or with a seed suffix,
    ..._mpgd_s1.onnx), else None."""
    m = re.search(r"_(mpgd|mse)(_s\d+)?\.onnx$", run)
    return m.group(1).upper() if m else None


def load(path):
    rows = {}
    for line in open(path):
        c = line.rstrip("\n").split("\t")
        if len(c) != 10:
            continue
        case, f, _, run, ov, gc, wl, vias, route_s, steer_s = c
        rows[(case, f, run)] = (int(ov), int(gc), float(wl), int(vias), float(route_s) + float(steer_s))
    return rows


def counts(total, skip, paths):
    """The fifth round's combined count: one line per bar, with the cases that meet it. A case
    held by several files: the first is the run, all give the time ratio (median)."""
    bars = ["oracle", "oracle beyond", "MPGD", "MPGD beyond", "MSE", "MSE beyond", "MPGD ≤ MSE", "time ≤ 1.2",
            "rudy", "rudy beyond"]
    loaded = [load(p) for p in paths]
    if any(k[2] == "egr" for rows in loaded for k in rows):
        bars += ["egr", "egr beyond", "egr time ≤ 1.2"]
    met = {b: [] for b in bars}
    for case, f in dict.fromkeys(k[:2] for rows in loaded for k in rows):
        if case in skip:
            continue
        held = [rows for rows in loaded if (case, f, "none") in rows]
        run = {k[2]: v for k, v in held[0].items() if k[:2] == (case, f)}
        base, controls = run["none"], [v[0] for r, v in run.items() if r.startswith("control")]
        named = {"oracle": "oracle"}  # bar name -> run name
        named.update({loss_of(r): r for r in run if loss_of(r)})
        if "rudy" in run:
            named["rudy"] = "rudy"
        for name, r in named.items():
            v = run[r]
            if v[0] <= base[0] * (1 - (0.20 if name == "oracle" else 0.10)) and v[2] <= base[2] * 1.02:
                met[name].append(case)
                if controls and v[0] < min(controls):
                    met[name + " beyond"].append(case)
        if "egr" in run:
            v = run["egr"]
            if v[0] <= base[0] * 0.90 and v[2] <= base[2] * 1.02:
                met["egr"].append(case)
                if controls and v[0] < min(controls):
                    met["egr beyond"].append(case)
            egr_ratio = statistics.median([h[(case, f, "egr")][4] / h[(case, f, "none")][4] for h in held])
            if egr_ratio <= 1.2:
                met["egr time ≤ 1.2"].append(case)
        if "MPGD" in named and run[named["MPGD"]][0] <= run[named["MSE"]][0]:
            met["MPGD ≤ MSE"].append(case)
        timed = [r for n, r in named.items() if n != "rudy"]  # the time bar: the oracle and the models
        ratio = {r: statistics.median([h[(case, f, r)][4] / h[(case, f, "none")][4] for h in held]) for r in timed}
        if max(ratio.values()) <= 1.2:
            met["time ≤ 1.2"].append(case)
    print("| bar | met | cases |")
    print("|---|---|---|")
    for bar, cases in met.items():
        print(f"| {bar} | {len(cases)}/{total} | {', '.join(cases)} |")


def variants(total, paths):
    """The eighth round's count: per design (the case without its F), the mean over its variants
    (one compare per case and F) of each run's relative overflow and wirelength change against
    the none run of the same compare; bars on the means, "beyond" where a run's mean is below
    every control's mean. Prints one row per design and run, then the counts."""
    rows = {}
    for p in paths:
        rows.update(load(p))
    change = {}  # (design, run) -> list of (overflow change, wire change)
    for (case, f, run), v in rows.items():
        base = rows[(case, f, "none")]
        ov = (v[0] - base[0]) / base[0] if base[0] else 0.0
        change.setdefault((case, run), []).append((ov, (v[2] - base[2]) / base[2]))
    mean = {k: (statistics.mean(o for o, _ in c), statistics.mean(w for _, w in c), len(c)) for k, c in change.items()}
    designs = list(dict.fromkeys(k[0] for k in mean))
    print("| design | run | variants | overflow change (mean) | wire change (mean) |")
    print("|---|---|---:|---:|---:|")
    for d in designs:
        for (dd, run), (o, w, n) in mean.items():
            if dd == d and run != "none":
                name = run.replace("congestion_fcn_egr_", "").replace(".onnx", "").upper() if "onnx" in run else run
                print(f"| {d} | {name} | {n} | {100 * o:+.0f}% | {100 * w:+.1f}% |")
    bars = ["oracle", "oracle beyond", "MPGD", "MPGD beyond", "MSE", "MSE beyond", "MPGD ≤ MSE", "rudy", "rudy beyond"]
    met = {b: [] for b in bars}
    for d in designs:
        runs = {r: m for (dd, r), m in mean.items() if dd == d}
        controls = [m[0] for r, m in runs.items() if r.startswith("control")]
        named = {"oracle": "oracle"}
        named.update({loss_of(r): r for r in runs if loss_of(r)})
        if "rudy" in runs:
            named["rudy"] = "rudy"
        # Any other free map (`--map-channel`, `--egr`) at the model bar, like rudy.
        named.update({r: r for r in runs if r not in ("none", "oracle", "rudy") and not r.startswith("control") and "onnx" not in r})
        for name, r in named.items():
            o, w, _ = runs[r]
            for bar in (name, name + " beyond"):
                met.setdefault(bar, [])
            if o <= -(0.20 if name == "oracle" else 0.10) and w <= 0.02:
                met[name].append(d)
                if controls and o < min(controls):
                    met[name + " beyond"].append(d)
            if "rudy" in runs and name != "rudy":
                met.setdefault(f"{name} < rudy", [])
                if o < runs["rudy"][0]:
                    met[f"{name} < rudy"].append(d)
        if "MPGD" in named and runs[named["MPGD"]][0] <= runs[named["MSE"]][0]:
            met["MPGD ≤ MSE"].append(d)
    print()
    print("| bar | met | designs |")
    print("|---|---|---|")
    for bar, ds in met.items():
        print(f"| {bar} | {len(ds)}/{total} | {', '.join(ds)} |")


def sign_p(fewer, more):
    """Two-sided sign test: the chance of a split at least this uneven among fewer + more
    non-tied pairs if each went either way with probability 1/2."""
    n, k = fewer + more, min(fewer, more)
    if n == 0:
        return 1.0
    return min(1.0, 2 * sum(math.comb(n, i) for i in range(k + 1)) / 2**n)


def signs(paths):
    """Over every (case, F) compare of the files: per run, how many end with fewer, more or
    equal overflow than none, than rudy, and MPGD against MSE, with the sign test's p."""
    rows = {}
    for p in paths:
        rows.update(load(p))
    compares = list(dict.fromkeys((case, f) for case, f, _ in rows))
    runs = list(dict.fromkeys(r for _, _, r in rows if r != "none"))
    short = lambda r: r.replace("congestion_fcn_egr_", "").replace(".onnx", "").upper() if "onnx" in r else r
    pairs = [(r, "none") for r in runs] + [(r, "rudy") for r in runs if r != "rudy"]
    mpgd = [r for r in runs if loss_of(r) == "MPGD"]
    mse = [r for r in runs if loss_of(r) == "MSE"]
    if mpgd and mse:
        pairs.append((mpgd[0], mse[0]))
    print(f"| run | against | fewer | more | equal | sign test p |  ({len(compares)} compares)")
    print("|---|---|---:|---:|---:|---:|")
    for a, b in pairs:
        fewer = more = equal = 0
        for case, f in compares:
            if (case, f, a) not in rows or (case, f, b) not in rows:
                continue
            x, y = rows[(case, f, a)][0], rows[(case, f, b)][0]
            fewer += x < y
            more += x > y
            equal += x == y
        print(f"| {short(a)} | {short(b)} | {fewer} | {more} | {equal} | {sign_p(fewer, more):.3g} |")


if sys.argv[1] == "--signs":
    signs(sys.argv[2:])
    sys.exit(0)

if sys.argv[1] == "--variants":
    variants(int(sys.argv[2]), sys.argv[3:])
    sys.exit(0)
if sys.argv[1] == "--counts":
    args = sys.argv[3:]
    skip = set()
    if args[0] == "--skip":
        skip, args = set(args[1].split(",")), args[2:]
    counts(int(sys.argv[2]), skip, args)
    sys.exit(0)
files = [load(p) for p in sys.argv[1:]]
first = files[0]
for other in files[1:]:
    for k, v in other.items():
        assert k in first and first[k][:4] == v[:4], f"repeat differs at {k}"
print("| case | run | overflow (change) | GCells | WL | vias | time | bar |")
print("|---|---|---|---:|---:|---:|---:|---|")
for case, f in dict.fromkeys((k[0], k[1]) for k in first):
    base = first[(case, f, "none")]
    runs = [(k[2], v) for k, v in first.items() if k[:2] == (case, f)]
    controls = [v[0] for r, v in runs if r.startswith("control")]
    for run, v in runs:
        ratios = [fl[(case, f, run)][4] / fl[(case, f, "none")][4] for fl in files if (case, f, run) in fl]
        change = (v[0] - base[0]) / base[0] if base[0] else 0.0
        wl = (v[2] - base[2]) / base[2]
        bar = ""
        if run != "none" and wl <= 0.02 and change <= -0.10:
            bar = "≥20%" if change <= -0.20 else "≥10%"
            if controls and not run.startswith("control") and v[0] < min(controls):
                bar += " *"
        name = run.replace("congestion_fcn_egr_", "").replace(".onnx", "").upper() if "onnx" in run else run
        if run == "none":
            print(f"| {case} `*={f}` | none | {v[0]} | {v[1]} | {v[2]:.0f} µm | {v[3]} | {statistics.median(ratios):.2f} | |")
        else:
            print(
                f"| | {name} | {base[0]}→{v[0]} ({100 * change:+.0f}%) | {v[1]} | {100 * wl:+.1f}% | "
                f"{100 * (v[3] - base[3]) / base[3]:+.1f}% | {statistics.median(ratios):.2f} | {bar} |"
            )
