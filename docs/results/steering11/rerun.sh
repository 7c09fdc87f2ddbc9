#!/usr/bin/env bash
# Fifteenth round, addition (plan.md): the confirmation set at W 0.5 again with the seed-0 models only,
# on this machine (the prediction's last bits depend on the CPU), run-confirm.sh's flags.
# pull:0.7 seeds 9-16 on the 7 cases, then the 7 cases themselves.
set -euo pipefail
cd "$(dirname "$0")/../../.."
export ORT_DYLIB_PATH=${ORT_DYLIB_PATH:-$(scripts/onnxruntime.sh --lib)} RAYON_NUM_THREADS=1
C1="hd_gcd_cts=0.65 asap7_gcd=0.91 dynamic_node=0.58"
C2="n45_gcd:metal1-metal7=0.905 hs_gcd:li1-met4=0.88 n45_gcd_routed:metal1-metal5=0.60 tempsense:li1-met5=0.925"
R=docs/results/steering10/dose T=docs/results/steering11
O=${OUT:-/tmp/r15/rerun}
H="--model $R/history_gated_fcn_egr_mpgd.onnx --model $R/history_gated_fcn_egr_mse.onnx"
W=0.5
F="--mode prior --iterations 10 --controls 3 --prior-weight $W --oracle history --egr --egr-tracks --egr-scale 2.8 --history-dose 2.8 $H"
: > $T/rerun-w$W-pulls-1.tsv; : > $T/rerun-w$W-pulls-2.tsv
for k in ${SEEDS:-9 10 11 12 13 14 15 16}; do
  date
  P="--perturb pull:0.7 --perturb-seed $k"
  scripts/steer-local.sh compare $O/w$W/s$k "$C1" $F $P | awk -F'\t' -v OFS='\t' -v k=$k '{$2=$2"/s"k; print}' >> $T/rerun-w$W-pulls-1.tsv
  scripts/steer-local.sh compare2 $O/w$W/s$k "$C2" $F $P | awk -F'\t' -v OFS='\t' -v k=$k '{$2=$2"/s"k; print}' >> $T/rerun-w$W-pulls-2.tsv
done
date
scripts/steer-local.sh compare $O/w$W/c "$C1" $F > $T/rerun-w$W-cases.tsv
scripts/steer-local.sh compare2 $O/w$W/c "$C2" $F >> $T/rerun-w$W-cases.tsv
date
echo done
