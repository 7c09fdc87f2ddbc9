#!/usr/bin/env bash
# Wire-budget exploration (steering.md, "After the fifteenth round"): the pattern stage's overflow in tracks
# and the density-dosed history total of the shipped MPGD history model on the 7 test cases and 4 training
# cases (mpgd predict --history-dose 2.43 --history-dose-slope 0.159). Prints: case, GCells, GCell um,
# pattern tracks, dosed total.
cd "$(dirname "$0")/../../.."
export ORT_DYLIB_PATH=$(scripts/onnxruntime.sh --lib) RAYON_NUM_THREADS=1
B=${MPGD_BIN:-./target/release/mpgd}
eval "$(sed -n '/^D=/,/^ALL2=/p' scripts/steer-local.sh | grep -v '^B=')"
declare -A GCELL2=([tempsense]="--gcell-um 4.6" [n45_gcd_routed]="--gcell-um 0.95")
. docs/results/steering11/designs.sh
M=models/history_gated_fcn_egr_mpgd.onnx
p() { # name flags...
  local n=$1; shift
  $B predict --model $M "$@" --history-dose 2.43 --history-dose-slope 0.159 --out ${OUT:-/tmp/wb}/$n >/dev/null 2>&1 || { echo "$n failed"; return; }
  .venv/bin/python -c "
import json,numpy as np
d=json.load(open('${OUT:-/tmp/wb}/$n/grid.json')); h=d['model']['history_dose']
print('$n', d['nx']*d['ny'], d['gcell_um'], h['pattern_tracks'], round(h['total'],1))"
}
for kf in hd_gcd_cts=0.65 asap7_gcd=0.91 dynamic_node=0.58; do k=${kf%=*} f=${kf#*=}; p $k ${CASES[$k]} --layer-adjust "*=$f"; done
for kf in n45_gcd:metal1-metal7=0.905 hs_gcd:li1-met4=0.88 n45_gcd_routed:metal1-metal5=0.60 tempsense:li1-met5=0.925; do
  kl=${kf%=*} f=${kf#*=}; k=${kl%%:*} layers=${kl#*:}; p $k ${CASES[$k]} ${GCELL2[$k]:-} --layers $layers --layer-adjust "*=$f"; done
for kf in ibex=0.51 aes=0.55 aes_orfs=0.74 ispd18_test1=0.80; do k=${kf%=*} f=${kf#*=}; p $k ${TRAIN[$k]} --layer-adjust "*=$f"; done
