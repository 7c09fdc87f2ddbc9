#!/usr/bin/env bash
# Router benchmarks (never part of the tests). Prints two Markdown tables for docs/performance.md
# and docs/router.md:
#   1. every OpenROAD reference log in designs/*/reference_grt/ reproduced with `mpgd route`,
#      ours beside FastRoute's (Resource, total overflow, wirelength, vias) and our routing time;
#   2. scaling: nangate45/gcd, ispd18_test1, ibex_core and ibex_core tiled 2x2 / 4x4, with 1 and
#      2 threads: routing time, wall time, peak memory, and the results (equal for any threads).
# Usage: scripts/bench-route.sh [--quick]   (--quick skips the tiled designs)
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/bench-env.sh
quick=${1:-}

N="$D/nangate45/gcd"
S="$D/sky130hs/gcd"
NG=(--lef "$N/Nangate45.lef" --def "$N/gcd.def" --layers metal2-metal10)
SKY=(--lef "$S/sky130hs.tlef" --lef "$S/sky130_fd_sc_hs_merged.lef.gz" --def "$S/gcd_sky130.def")

# field from a route JSON
jf() { python3 -c "import json,sys; d=json.load(open(sys.argv[1])); print(d[sys.argv[2]])" "$1" "$2"; }
resource() { python3 -c "import json,sys; print(sum(l['derated_resource'] for l in json.load(open(sys.argv[1]))['layers']))" "$1"; }
# FastRoute's numbers from a .ok log: Resource and overflow (GRT-0096 Total row), WL, vias
fastroute() {
  python3 - "$1" <<'PY'
import re, sys
t = open(sys.argv[1]).read()
tot = [l for l in t.splitlines() if l.startswith("Total ")][-1].split()
wl = re.search(r"Total wirelength: (\d+) um", t).group(1)
vias = re.search(r"Final number of vias: (\d+)", t).group(1)
print(tot[1], tot[-1], wl, vias)
PY
}

echo "| case | settings | Resource ours / FR | total overflow ours / FR | WL µm ours / FR | vias ours / FR | routing s |"
echo "|---|---|---|---|---|---|---:|"
case_row() { # name log settings-text mpgd-args...
  local name=$1 log=$2 text=$3; shift 3
  "$M" route "$@" --json "$B/$name.json" >/dev/null
  read -r fr_res fr_of fr_wl fr_vias < <(fastroute "$log")
  local j="$B/$name.json"
  local wl vias
  wl=$(jf "$j" wirelength_um); vias=$(jf "$j" vias)
  echo "| $name | $text | $(resource "$j") / $fr_res | $(jf "$j" total_overflow) / $fr_of | $wl / $fr_wl ($(echo "$wl $fr_wl" | awk '{printf "%.3f", $1/$2}')x) | $vias / $fr_vias ($(echo "$vias $fr_vias" | awk '{printf "%.2f", $1/$2}')x) | $(jf "$j" runtime_s | awk '{printf "%.2f", $1}') |"
}
case_row gcd "$N/reference_grt/gcd.ok" "metal2-metal10" "${NG[@]}"
case_row congestion1 "$N/reference_grt/congestion1.ok" "metal2=0.9 metal3=0.9 metal4-metal10=1.0" \
  "${NG[@]}" --layer-adjust metal2=0.9 --layer-adjust metal3=0.9 --layer-adjust metal4-metal10=1.0
case_row congestion2 "$N/reference_grt/congestion2.ok" "metal2-metal6=0.9 metal7-metal10=1.0" \
  "${NG[@]}" --layer-adjust metal2-metal6=0.9 --layer-adjust metal7-metal10=1.0
case_row congestion5 "$N/reference_grt/congestion5.ok" "metal2=0.7 metal3-metal10=1.0" \
  "${NG[@]}" --layer-adjust metal2=0.7 --layer-adjust metal3-metal10=1.0
case_row congestion6 "$N/reference_grt/congestion6.ok" "metal2=0.9 metal3=0.7 metal4-metal10=1.0" \
  "${NG[@]}" --layer-adjust metal2=0.9 --layer-adjust metal3=0.7 --layer-adjust metal4-metal10=1.0
case_row pin_access2 "$S/reference_grt/pin_access2.ok" "met1-met5, clock met3-met5, met1=0.8 met2=0.7 *=0.5" \
  "${SKY[@]}" --layers met1-met5 --clock-layers met3-met5 \
  --layer-adjust met1=0.8 --layer-adjust met2=0.7 --layer-adjust '*=0.5'

# Scaling.
cp "$D/nangate45/gcd/Nangate45.lef" "$B/"
[ -f "$B/ibex_core.def" ] || zcat "$D/nangate45/ibex_core/ibex_core_replace.def.gz" > "$B/ibex_core.def"
designs=("gcd|$N/gcd.def|--lef $B/Nangate45.lef"
  "ispd18_test1|$D/ispd18/ispd18_test1/ispd18_test1.input.def|--lef $D/ispd18/ispd18_test1/ispd18_test1.input.lef"
  "ibex_core|$B/ibex_core.def|--lef $B/Nangate45.lef")
if [ "$quick" != "--quick" ]; then
  [ -f "$B/ibex_2x2.def" ] || $M tile --def "$B/ibex_core.def" --nx 2 --ny 2 --out "$B/ibex_2x2.def"
  [ -f "$B/ibex_4x4.def" ] || $M tile --def "$B/ibex_core.def" --nx 4 --ny 4 --out "$B/ibex_4x4.def"
  designs+=("ibex_core tiled 2x2|$B/ibex_2x2.def|--lef $B/Nangate45.lef"
    "ibex_core tiled 4x4|$B/ibex_4x4.def|--lef $B/Nangate45.lef")
fi
echo
echo "| design | nets routed | threads | routing s | wall s | peak RSS MB | total overflow | WL µm | vias |"
echo "|---|---:|---:|---:|---:|---:|---:|---:|---:|"
for entry in "${designs[@]}"; do
  IFS='|' read -r name def lefs <<<"$entry"
  for t in 1 2; do
    j="$B/scale.json"
    # shellcheck disable=SC2086
    out=$( { /usr/bin/time -f "%e %M" "$M" --threads "$t" route $lefs --def "$def" --json "$j" >/dev/null; } 2>&1 | tail -1)
    read -r wall rss <<<"$out"
    echo "| $name | $(jf "$j" routed_nets) | $t | $(jf "$j" runtime_s | awk '{printf "%.2f", $1}') | $wall | $(echo "$rss" | awk '{printf "%.0f", $1/1024}') | $(jf "$j" total_overflow) | $(jf "$j" wirelength_um) | $(jf "$j" vias) |"
  done
done
