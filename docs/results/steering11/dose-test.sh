#!/usr/bin/env bash
# Fifteenth round, second addition (plan.md): the confirmation set at W 0.5 with the dose that
# depends on the pattern stage (dosefit.py: K = 2.43 x d^0.159, d = pattern-stage overflow in
# tracks per GCell), ten gated models, 3 controls; pull:0.7 seeds $SEEDS, then (CASES=1) the 7 cases.
set -euo pipefail
cd "$(dirname "$0")/../../.."
export ORT_DYLIB_PATH=${ORT_DYLIB_PATH:-$(scripts/onnxruntime.sh --lib)} RAYON_NUM_THREADS=1
C1="hd_gcd_cts=0.65 asap7_gcd=0.91 dynamic_node=0.58"
C2="n45_gcd:metal1-metal7=0.905 hs_gcd:li1-met4=0.88 n45_gcd_routed:metal1-metal5=0.60 tempsense:li1-met5=0.925"
R=docs/results/steering10/dose T=docs/results/steering11
O=${OUT:-/tmp/r15/dose}
H=""
for l in mpgd mse; do
  H="$H --model $R/history_gated_fcn_egr_$l.onnx"
  for s in 1 2 3 4; do H="$H --model $R/history_gated_fcn_egr_${l}_s$s.onnx"; done
done
F="--mode prior --iterations 10 --controls 3 --prior-weight 0.5 --oracle history --egr --egr-tracks --egr-scale 2.8 --history-dose 2.43 --history-dose-slope 0.159 $H"
tag=${TAG:-a}
: > $T/dose-pulls-1-$tag.tsv; : > $T/dose-pulls-2-$tag.tsv
for k in ${SEEDS:-9 10 11 12 13 14 15 16}; do
  date
  P="--perturb pull:0.7 --perturb-seed $k"
  scripts/steer-local.sh compare $O/s$k "$C1" $F $P | awk -F'\t' -v OFS='\t' -v k=$k '{$2=$2"/s"k; print}' >> $T/dose-pulls-1-$tag.tsv
  scripts/steer-local.sh compare2 $O/s$k "$C2" $F $P | awk -F'\t' -v OFS='\t' -v k=$k '{$2=$2"/s"k; print}' >> $T/dose-pulls-2-$tag.tsv
done
if [ "${CASES:-0}" = 1 ]; then
  date
  scripts/steer-local.sh compare $O/c "$C1" $F > $T/dose-cases.tsv
  scripts/steer-local.sh compare2 $O/c "$C2" $F >> $T/dose-cases.tsv
fi
date
echo done
