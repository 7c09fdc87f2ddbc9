#!/usr/bin/env bash
# The fourth round of docs/results/steering.md: every test-split design of datasets/default.toml,
# routed as the dataset routes it (layer range, GCell size), at the derating the rule picks.
#   scripts/steer-local.sh scan OUT [CASES]      the rule: for each case, F = 0.50, 0.51, ... up to
#       the first at which the unsteered 10-round route leaves overflow in more than 5 GCells;
#       prints case, F, overflowed GCells, GCells, share, total_overflow_unadjusted.
#   scripts/steer-local.sh compare OUT 'CASE=F ...' [compare flags]   one `mpgd compare` per case;
#       prints one TSV line per run: case, F, flags, run, overflow, overflowed GCells, wirelength,
#       vias, route s, steer s.
set -euo pipefail
cd "$(dirname "$0")/.."
D="${MPGD_DESIGNS:-$(cd .. && pwd)/shared/designs}"
B=${MPGD_BIN:-./target/release/mpgd}
declare -A CASES=(
  [n45_gcd]="--lef $D/nangate45/gcd/Nangate45.lef --def $D/nangate45/gcd/gcd.def"
  [n45_gcd_routed]="--lef $D/nangate45/gcd_routed/Nangate45.lef --def $D/nangate45/gcd_routed/gcd_nangate45.def"
  [hs_gcd]="--lef $D/sky130hs/gcd/sky130hs.tlef --lef $D/sky130hs/gcd/sky130_fd_sc_hs_merged.lef.gz --def $D/sky130hs/gcd/gcd_sky130.def"
  [hd_gcd_cts]="--lef $D/sky130hd/gcd_cts/sky130_fd_sc_hd.tlef --lef $D/sky130hd/gcd_cts/sky130_fd_sc_hd_merged.lef.gz --def $D/sky130hd/gcd_cts/4_cts.def"
  [asap7_gcd]="--lef $D/asap7/gcd/asap7_tech_1x_201209.lef --lef $D/asap7/gcd/asap7sc7p5t_28_R_1x_220121a.lef --lef $D/asap7/gcd/asap7sc7p5t_28_L_1x_220121a.lef --lef $D/asap7/gcd/asap7sc7p5t_28_SL_1x_220121a.lef --def $D/asap7/gcd/gcd_asap7_placed.def.gz --gcell-um 1.08"
  [tempsense]="--lef $D/sky130hd/tempsense/sky130_fd_sc_hd.tlef --lef $D/sky130hd/tempsense/sky130_fd_sc_hd_merged.lef.gz --lef $D/sky130hd/tempsense/HEADER.lef --lef $D/sky130hd/tempsense/SLC.lef --def $D/sky130hd/tempsense/4_cts.def"
  [dynamic_node]="--lef $D/nangate45/dynamic_node_top_wrap/nangate45.lef --def $D/nangate45/dynamic_node_top_wrap/medium01.def.gz --gcell-um 5.7"
)
ALL="n45_gcd n45_gcd_routed hs_gcd hd_gcd_cts asap7_gcd tempsense dynamic_node"
what=$1 out=$2; shift 2
mkdir -p "$out"
case $what in
scan)
  for k in ${1:-$ALL}; do
    for f in $(seq 0.50 0.01 0.99); do
      m="$out/$k/$f"; mkdir -p "$m"
      # shellcheck disable=SC2086
      $B route ${CASES[$k]} --pre-routed reroute --iterations 10 --layer-adjust "*=$f" \
        --json "$m.json" --maps "$m" >/dev/null
      line=$(${PY:-.venv/bin/python} - "$m" "$k" "$f" <<'PY'
import json, sys, numpy as np
m, k, f = sys.argv[1:]
c = np.load(m + "/congestion.npy")
r = json.load(open(m + ".json"))
n = int((c > 0).sum())
print(f"{k}\t{f}\t{n}\t{c.size}\t{100 * n / c.size:.2f}%\t{r['total_overflow_unadjusted']}")
PY
)
      echo "$line"
      [ "$(cut -f3 <<<"$line")" -gt 5 ] && break
    done
  done
  ;;
compare)
  cases=$1; shift
  for kf in $cases; do
    k=${kf%=*} f=${kf#*=}
    # shellcheck disable=SC2086
    $B compare ${CASES[$k]} --layer-adjust "*=$f" "$@" --out "$out/$k" >/dev/null
    python3 - "$out/$k/compare.json" "$k" "$f" "$*" <<'PY'
import json, sys
for r in json.load(open(sys.argv[1])):
    print("\t".join(str(x) for x in [sys.argv[2], sys.argv[3], sys.argv[4], r["run"], r["total_overflow_unadjusted"], r["overflowed_gcells"], r["wirelength_um"], r["vias"], round(r["runtime_s"], 2), round(r["steer_s"], 3)]))
PY
  done
  ;;
*) echo "usage: $0 scan|compare OUT ..." >&2; exit 1 ;;
esac
