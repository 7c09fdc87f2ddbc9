#!/usr/bin/env bash
# Fifteenth round, step 1 (plan.md): each training design's case, the smallest F on 0.00..0.99
# with overflow in more than 5 GCells, by bisection. Prints every route: case, F, overflowed
# GCells, GCells, share, total_overflow_unadjusted; then "case" or "no case" per design.
set -euo pipefail
cd "$(dirname "$0")/../../.."
. docs/results/steering11/designs.sh
out=${OUT:-/tmp/r15/cases}
route() {  # route K F -> one TSV line
  local m="$out/$1/$2"; mkdir -p "$m"
  # shellcheck disable=SC2086
  $B route ${TRAIN[$1]} --pre-routed reroute --iterations 10 --layer-adjust "*=$2" \
    --json "$m.json" --maps "$m" >/dev/null 2>&1
  .venv/bin/python - "$m" "$1" "$2" <<'PY'
import json, sys, numpy as np
m, k, f = sys.argv[1:]
c = np.load(m + "/congestion.npy")
r = json.load(open(m + ".json"))
n = int((c > 0).sum())
print(f"{k}\t{f}\t{n}\t{c.size}\t{100 * n / c.size:.2f}%\t{r['total_overflow_unadjusted']}")
PY
}
for k in ${1:-$ALL_TRAIN}; do
  lo=0 hi=99 hit=""  # invariant: F = hi/100 overflows in > 5 GCells (checked), lo/100 not (checked)
  fmt() { printf '0.%02d' "$1"; }
  l=$(route "$k" "$(fmt $hi)"); echo "$l"
  if [ "$(cut -f3 <<<"$l")" -le 5 ]; then echo "$k	no case (0.99 leaves <= 5)"; continue; fi
  hit=$l
  l=$(route "$k" "$(fmt $lo)"); echo "$l"
  if [ "$(cut -f3 <<<"$l")" -gt 5 ]; then hit=$l; hi=0; lo=-1; fi
  while [ $((hi - lo)) -gt 1 ]; do
    mid=$(((lo + hi) / 2))
    l=$(route "$k" "$(fmt $mid)"); echo "$l"
    if [ "$(cut -f3 <<<"$l")" -gt 5 ]; then hi=$mid hit=$l; else lo=$mid; fi
  done
  n=$(cut -f3 <<<"$hit") size=$(cut -f4 <<<"$hit")
  if [ $((100 * n)) -le $((2 * size)) ]; then echo "$hit	case"; else echo "$hit	no case (over 2%)"; fi
done
