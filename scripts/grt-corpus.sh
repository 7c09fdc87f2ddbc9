#!/usr/bin/env bash
# Routes a folder of OpenROAD grt regression cases with `mpgd route` and compares each with
# OpenROAD's log: the GRT-0053 resources per layer and, where the log has a GRT-0096 table,
# overflow, wirelength and vias against FastRoute's bars.
#
#   scripts/grt-corpus.sh DIR [MPGD]
#
# DIR holds `cases.json` in the format of `../shared/designs/openroad-grt/cases.json`: one object
# per case, `name`, `lefs`, `def`, `log` (paths relative to DIR) and `flags` (`mpgd route` flags).
# A case without `--layers` takes the range its log says grt routed with (GRT-0020 / GRT-0021),
# as the golden test `route::golden::grt0053_every_openroad_grt_case` does. MPGD is the binary
# (default: target/release/mpgd of this checkout). For each case it prints one line per layer
# of the log's first GRT-0053 table,
#   NAME  LAYER  exact | NOT exact  ours ORIG/DERATED  grt ORIG/DERATED
# then one summary line per case,
#   NAME: resources exact | NOT exact (N of M layers) [cugr] ; route: met | NOT met | none
# where `route` compares total overflow (<= FastRoute's), wirelength (<= 1.05x) and vias
# (<= 1.10x); `none` when the log has no GRT-0096 table, or routed with CUGR (`global_route
# -use_cugr`: its GRT-0053 table is CUGR's own capacity model, so the case is reported and kept
# out of the FastRoute count). At the end: exact cases out of the FastRoute cases, and the same
# for CUGR. Exit status 0 unless mpgd failed on a case.
set -euo pipefail

dir=${1:?usage: scripts/grt-corpus.sh DIR [MPGD]}
root=$(cd "$(dirname "$0")/.." && pwd)
mpgd=${2:-$root/target/release/mpgd}
[[ -f $dir/cases.json ]] || { echo "grt-corpus: $dir/cases.json: no such file" >&2; exit 2; }
[[ -x $mpgd ]] || { echo "grt-corpus: $mpgd: not built (cargo build --release)" >&2; exit 2; }

exec python3 - "$dir" "$mpgd" <<'EOF'
import json, subprocess, sys

folder, mpgd = sys.argv[1], sys.argv[2]


def grt0053(text):
    """(layer, original, derated) rows of the first GRT-0053 table."""
    lines = text.splitlines()
    at = next(i for i, l in enumerate(lines) if "GRT-0053" in l)
    rows = []
    for l in lines[at + 4:]:
        if l.startswith("---"):
            break
        f = l.split()
        rows.append((f[0], int(f[2]), int(f[3])))
    return rows


def totals(text):
    """(total overflow, wirelength um, vias) of the first GRT-0096 report, or None."""
    lines = text.splitlines()
    if not any("GRT-0096" in l for l in lines):
        return None
    at = next(i for i, l in enumerate(lines) if "GRT-0096" in l)
    total = next(l for l in lines[at:] if l.startswith("Total "))
    wl = next(l for l in lines[at:] if "GRT-0018" in l).split()[4]
    # grt prints no GRT-0111 line when it routed no wire (single_row): no vias.
    vias = next((l.split()[6] for l in lines if "GRT-0111" in l), 0)
    return int(total.split()[-1]), int(wl), int(vias)


def logged_range(text):
    pick = lambda key: next(l for l in text.splitlines() if key in l).split()[-1]
    return f"{pick('GRT-0020')}-{pick('GRT-0021')}"


cases = json.load(open(f"{folder}/cases.json"))
count = {"fastroute": [0, 0], "cugr": [0, 0], "route": [0, 0]}
failed = 0
for c in cases:
    log = open(f"{folder}/{c['log']}").read()
    cugr = "Stage 1: Pattern routing" in log
    flags = list(c["flags"])
    if "--layers" not in flags:
        flags += ["--layers", logged_range(log)]
    args = [mpgd, "route", "--def", f"{folder}/{c['def']}"]
    for lef in c["lefs"]:
        args += ["--lef", f"{folder}/{lef}"]
    run = subprocess.run(args + flags, capture_output=True, text=True)
    if run.returncode != 0:
        err = (run.stderr.strip().splitlines() or ["?"])[-1]
        print(f"{c['name']}: mpgd failed (exit {run.returncode}): {err}")
        failed += 1
        continue
    ours = {l: (o, d) for l, o, d in grt0053(run.stdout)}
    rows = grt0053(log)
    exact = 0
    for layer, o, d in rows:
        mine = ours.get(layer)
        same = mine == (o, d)
        exact += same
        shown = f"{mine[0]}/{mine[1]}" if mine else "-"
        print(f"{c['name']:<26} {layer:<8} {'exact    ' if same else 'NOT exact'}  "
              f"ours {shown:<17} grt {o}/{d}")
    kind = "cugr" if cugr else "fastroute"
    count[kind][1] += 1
    count[kind][0] += exact == len(rows)
    verdict = "exact" if exact == len(rows) else "NOT exact"
    route = "none"
    ref = None if cugr else totals(log)
    if ref is not None:
        of, wl, vias = totals(run.stdout)
        ok = of <= ref[0] and wl <= 1.05 * ref[1] and vias <= 1.10 * ref[2]
        count["route"][1] += 1
        count["route"][0] += ok
        route = (f"{'met' if ok else 'NOT met'} (ours overflow {of} wl {wl} vias {vias}; "
                 f"FastRoute {ref[0]} / {ref[1]} / {ref[2]})")
    print(f"{c['name']}: resources {verdict} ({exact} of {len(rows)} layers)"
          f"{' [cugr]' if cugr else ''}; route: {route}")

f, g, r = count["fastroute"], count["cugr"], count["route"]
print(f"GRT-0053 exact on {f[0]} of {f[1]} FastRoute cases; CUGR's tables equal ours on "
      f"{g[0]} of {g[1]}; FastRoute's bars met on {r[0]} of {r[1]}; mpgd failed on {failed}")
sys.exit(1 if failed else 0)
EOF
