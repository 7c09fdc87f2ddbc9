#!/usr/bin/env bash
# The steering experiment of docs/results/steering.md: `mpgd compare` on each design and congested
# variant, for each setting given as extra flags. Prints one TSV line per run:
# case, flags, run, mode, overflow (real capacity), wirelength, vias, route s, steer s.
# Usage: scripts/steer-sweep.sh OUTDIR [compare flags...]   e.g. --mode prior --prior-weight 2
set -euo pipefail
cd "$(dirname "$0")/.."
D="${MPGD_DESIGNS:-$(cd .. && pwd)/shared/designs}"
B=${MPGD_BIN:-./target/release/mpgd}
out=$1; shift
N45="--lef tests/data/nangate45/gcd/Nangate45.lef --def tests/data/nangate45/gcd/gcd.def --layers metal2-metal10"
HD="--lef $D/sky130hd/gcd_cts/sky130_fd_sc_hd.tlef --lef $D/sky130hd/gcd_cts/sky130_fd_sc_hd_merged.lef.gz --def $D/sky130hd/gcd_cts/4_cts.def --layers met1-met5"
HS="--lef $D/sky130hs/gcd/sky130hs.tlef --lef $D/sky130hs/gcd/sky130_fd_sc_hs_merged.lef.gz --def $D/sky130hs/gcd/gcd_sky130.def --layers met1-met5"
A7="--lef $D/asap7/gcd/asap7_tech_1x_201209.lef --lef $D/asap7/gcd/asap7sc7p5t_28_R_1x_220121a.lef --lef $D/asap7/gcd/asap7sc7p5t_28_L_1x_220121a.lef --lef $D/asap7/gcd/asap7sc7p5t_28_SL_1x_220121a.lef --def $D/asap7/gcd/gcd_asap7_placed.def.gz --layers M2-M7"
TS="--lef $D/sky130hd/tempsense/sky130_fd_sc_hd.tlef --lef $D/sky130hd/tempsense/sky130_fd_sc_hd_merged.lef.gz --lef $D/sky130hd/tempsense/HEADER.lef --lef $D/sky130hd/tempsense/SLC.lef --def $D/sky130hd/tempsense/4_cts.def --layers met1-met5"
C4="--lef $D/openroad-grt/congestion4/00_Nangate45.lef --def $D/openroad-grt/congestion4/01_congestion3.def --layers metal3-metal3"
declare -A CASES=(
  [n45_c1]="$N45 --layer-adjust metal2=0.9 --layer-adjust metal3=0.9 --layer-adjust metal4-metal10=1.0"
  [n45_c2]="$N45 --layer-adjust metal2-metal6=0.9 --layer-adjust metal7-metal10=1.0"
  [n45_c5]="$N45 --layer-adjust metal2=0.7 --layer-adjust metal3-metal10=1.0"
  [n45_c6]="$N45 --layer-adjust metal2=0.9 --layer-adjust metal3=0.7 --layer-adjust metal4-metal10=1.0"
  [n45_c4]="$C4 --layer-adjust metal3=0.9"
  [hd_gcd]="$HD --layer-adjust *=0.7"
  [hs_gcd]="$HS --layer-adjust *=0.85"
  [asap7_gcd]="$A7 --layer-adjust *=0.85"
  [tempsense]="$TS --layer-adjust *=0.85"
)
for k in ${SWEEP_CASES:-n45_c1 n45_c2 n45_c5 n45_c6 hd_gcd hs_gcd asap7_gcd tempsense}; do
  # shellcheck disable=SC2086
  $B compare ${CASES[$k]} "$@" --out "$out/$k" >/dev/null
  python3 - "$out/$k/compare.json" "$k" "$*" <<'PY'
import json, sys
for r in json.load(open(sys.argv[1])):
    print("\t".join(str(x) for x in [sys.argv[2], sys.argv[3], r["run"], r["mode"], r["total_overflow_unadjusted"], r["wirelength_um"], r["vias"], round(r["runtime_s"], 2), round(r["steer_s"], 3)]))
PY
done
