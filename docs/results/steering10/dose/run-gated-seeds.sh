# Fourteenth round, third addition (plan.md): the gated history models of seed $SEED (2, 3 or 4), dosed, in part A (W 0.5) and
# part B (W 0.5), with the same flags as run.sh and run-pulls.sh (only the models differ, so every
# other row repeats theirs).
SEED=${SEED:?SEED=2, 3 or 4}
cd "$(dirname "$0")/../../../.."
export ORT_DYLIB_PATH=$(scripts/onnxruntime.sh --lib) RAYON_NUM_THREADS=1
C1="hd_gcd_cts=0.65 asap7_gcd=0.91 dynamic_node=0.58"
C2="n45_gcd:metal1-metal7=0.905 hs_gcd:li1-met4=0.88 n45_gcd_routed:metal1-metal5=0.60 tempsense:li1-met5=0.925"
R=docs/results/steering10/dose
O=${OUT:-/tmp/r14s$SEED}
H="--model $R/history_gated_fcn_egr_mpgd_s$SEED.onnx --model $R/history_gated_fcn_egr_mse_s$SEED.onnx"
for W in 0.5; do
  date
  F="--mode prior --iterations 10 --controls 3 --prior-weight $W --oracle history --egr --egr-tracks --egr-scale 2.8 --history-dose 2.8 --write-maps $H"
  scripts/steer-local.sh compare $O/w$W "$C1" $F > $R/gated-s$SEED-cases-w$W.tsv
  scripts/steer-local.sh compare2 $O/w$W "$C2" $F >> $R/gated-s$SEED-cases-w$W.tsv
done
F="--mode prior --iterations 10 --controls 3 --prior-weight 0.5 --oracle history --egr --egr-tracks --egr-scale 2.8 --history-dose 2.8 $H"
: > $R/gated-s$SEED-pulls-1.tsv; : > $R/gated-s$SEED-pulls-2.tsv
for k in 1 2 3 4 5 6 7 8; do
  date
  P="--perturb pull:0.7 --perturb-seed $k"
  scripts/steer-local.sh compare $O/s$k "$C1" $F $P | awk -F'\t' -v OFS='\t' -v k=$k '{$2=$2"/s"k; print}' >> $R/gated-s$SEED-pulls-1.tsv
  scripts/steer-local.sh compare2 $O/s$k "$C2" $F $P | awk -F'\t' -v OFS='\t' -v k=$k '{$2=$2"/s"k; print}' >> $R/gated-s$SEED-pulls-2.tsv
done
date
echo done
