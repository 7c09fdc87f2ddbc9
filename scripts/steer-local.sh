#!/usr/bin/env bash
# The fourth round of docs/results/steering.md: every test-split design of datasets/default.toml,
# routed as the dataset routes it (layer range, GCell size), at the derating the rule picks.
#   scripts/steer-local.sh scan OUT [CASES]      the rule: for each case, F = 0.50, 0.51, ... up to
#       the first at which the unsteered 10-round route leaves overflow in more than 5 GCells;
#       prints case, F, overflowed GCells, GCells, share, total_overflow_unadjusted.
#   scripts/steer-local.sh compare OUT 'CASE=F ...' [compare flags]   one `mpgd compare` per case;
#       prints one TSV line per run: case, F, flags, run, overflow, overflowed GCells, wirelength,
#       vias, route s, steer s.
#   scripts/steer-local.sh scan2 OUT [CASES]     the fifth round's rule (cases): for the designs
#       without a fourth-round case, the layer range from the full stack down (top layer lowered
#       one at a time), F as scan plus one 0.005 step back; prints case, layers, F, overflowed
#       GCells, GCells, share, overflow, and "case" on the line the rule picks.
#   scripts/steer-local.sh compare2 OUT 'CASE:LAYERS=F ...' [compare flags]   compare on the
#       fifth round's cases (their GCell sizes, --layers LAYERS); the TSV's case is CASE:LAYERS.
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
# Fifth round (cases): the designs without a fourth-round case, their layer stacks (bottom to
# top) and the GCell sizes of the rule (at least 1000 GCells: 10 and 5 pitches of the third layer).
ALL2="n45_gcd hs_gcd n45_gcd_routed tempsense"
declare -A STACK2=(
  [n45_gcd]="metal1 metal2 metal3 metal4 metal5 metal6 metal7 metal8 metal9 metal10"
  [n45_gcd_routed]="metal1 metal2 metal3 metal4 metal5 metal6 metal7 metal8 metal9 metal10"
  [hs_gcd]="li1 met1 met2 met3 met4 met5"
  [tempsense]="li1 met1 met2 met3 met4 met5"
)
declare -A GCELL2=([tempsense]="--gcell-um 4.6" [n45_gcd_routed]="--gcell-um 0.95")
# route2 CASE LAYERS F: one unsteered 10-round route; prints case, layers, F, overflowed GCells,
# GCells, share, total_overflow_unadjusted.
route2() {
  local m="$out/$1/$2/$3"
  mkdir -p "$m"
  # shellcheck disable=SC2086
  $B route ${CASES[$1]} ${GCELL2[$1]:-} --layers "$2" --pre-routed reroute --iterations 10 \
    --layer-adjust "*=$3" --json "$m.json" --maps "$m" >/dev/null
  ${PY:-.venv/bin/python} - "$m" "$1" "$2" "$3" <<'PY'
import json, sys, numpy as np
m, k, layers, f = sys.argv[1:]
c = np.load(m + "/congestion.npy")
r = json.load(open(m + ".json"))
n = int((c > 0).sum())
print(f"{k}\t{layers}\t{f}\t{n}\t{c.size}\t{100 * n / c.size:.2f}%\t{r['total_overflow_unadjusted']}")
PY
}
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
scan2)
  for k in ${1:-$ALL2}; do
    read -r -a stack <<<"${STACK2[$k]}"
    picked=""
    for ((top = ${#stack[@]} - 1; top >= 2; top--)); do
      layers="${stack[0]}-${stack[$top]}"
      first="" prev=""
      for f in $(seq 0.50 0.01 0.99); do
        line=$(route2 "$k" "$layers" "$f")
        echo "$line"
        [ "$(cut -f4 <<<"$line")" -gt 5 ] && { first=$line; break; }
        prev=$f
      done
      [ -z "$first" ] && continue
      if [ -n "$prev" ]; then  # one 0.005 step back, for designs that jump between two 0.01 steps
        half=$(route2 "$k" "$layers" "$(python3 -c "print(f'{$prev + 0.005:.3f}')")")
        echo "$half"
        [ "$(cut -f4 <<<"$half")" -gt 5 ] && first=$half
      fi
      n=$(cut -f4 <<<"$first") size=$(cut -f5 <<<"$first")
      if [ $((100 * n)) -le $((2 * size)) ]; then
        echo "$first	case"; picked=1; break
      fi
      [ -z "$prev" ] && break  # already over 2% at F = 0.50: fewer layers only take more away
    done
    [ -n "$picked" ] || echo "$k	none	-	-	-	-	-	no case"
  done
  ;;
compare2)
  cases=$1; shift
  for kf in $cases; do
    kl=${kf%=*} f=${kf#*=}
    k=${kl%%:*} layers=${kl#*:}
    # shellcheck disable=SC2086
    $B compare ${CASES[$k]} ${GCELL2[$k]:-} --layers "$layers" --layer-adjust "*=$f" "$@" \
      --out "$out/$k" >/dev/null
    python3 - "$out/$k/compare.json" "$kl" "$f" "$*" <<'PY'
import json, sys
for r in json.load(open(sys.argv[1])):
    print("\t".join(str(x) for x in [sys.argv[2], sys.argv[3], sys.argv[4], r["run"], r["total_overflow_unadjusted"], r["overflowed_gcells"], r["wirelength_um"], r["vias"], round(r["runtime_s"], 2), round(r["steer_s"], 3)]))
PY
  done
  ;;
*) echo "usage: $0 scan|compare|scan2|compare2 OUT ..." >&2; exit 1 ;;
esac
