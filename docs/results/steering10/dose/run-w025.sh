# Fourteenth round, the weight check (plan.md, outside the fixed setting): W 0.25, all ten gated
# models in one compare per case; part A and part B.
cd "$(dirname "$0")/../../../.."
export ORT_DYLIB_PATH=$(scripts/onnxruntime.sh --lib) RAYON_NUM_THREADS=1
C1="hd_gcd_cts=0.65 asap7_gcd=0.91 dynamic_node=0.58"
C2="n45_gcd:metal1-metal7=0.905 hs_gcd:li1-met4=0.88 n45_gcd_routed:metal1-metal5=0.60 tempsense:li1-met5=0.925"
R=docs/results/steering10/dose
O=${OUT:-/tmp/r14w}
H=""
for l in mpgd mse; do
  H="$H --model $R/history_gated_fcn_egr_$l.onnx"
  for s in 1 2 3 4; do H="$H --model $R/history_gated_fcn_egr_${l}_s$s.onnx"; done
done
F="--mode prior --iterations 10 --controls 3 --prior-weight 0.25 --oracle history --egr --egr-tracks --egr-scale 2.8 --history-dose 2.8 $H"
date
scripts/steer-local.sh compare $O/a "$C1" $F > $R/w025-cases.tsv
scripts/steer-local.sh compare2 $O/a "$C2" $F >> $R/w025-cases.tsv
: > $R/w025-pulls-1.tsv; : > $R/w025-pulls-2.tsv
for k in 1 2 3 4 5 6 7 8; do
  date
  P="--perturb pull:0.7 --perturb-seed $k"
  scripts/steer-local.sh compare $O/s$k "$C1" $F $P | awk -F'\t' -v OFS='\t' -v k=$k '{$2=$2"/s"k; print}' >> $R/w025-pulls-1.tsv
  scripts/steer-local.sh compare2 $O/s$k "$C2" $F $P | awk -F'\t' -v OFS='\t' -v k=$k '{$2=$2"/s"k; print}' >> $R/w025-pulls-2.tsv
done
date
echo done
