# Fourteenth round (plan.md), part B: the thirteenth round's 56 pulled placements (pull:0.7,
# seeds 1-8) at W 0.5. The F column of each TSV row becomes "F/sK" so that steer-table.py
# --variants sees 8 variants.
cd "$(dirname "$0")/../../../.."
export ORT_DYLIB_PATH=$(scripts/onnxruntime.sh --lib) RAYON_NUM_THREADS=1
C1="hd_gcd_cts=0.65 asap7_gcd=0.91 dynamic_node=0.58"
C2="n45_gcd:metal1-metal7=0.905 hs_gcd:li1-met4=0.88 n45_gcd_routed:metal1-metal5=0.60 tempsense:li1-met5=0.925"
R=docs/results/steering10/dose
O=${OUT:-/tmp/r14b}
H="--model docs/results/steering5/history_fcn_egr_mpgd.onnx --model docs/results/steering5/history_fcn_egr_mse.onnx"
F="--mode prior --iterations 10 --controls 3 --prior-weight 0.5 --oracle history --egr --egr-tracks --egr-scale 2.8 --history-dose 2.8 $H"
: > $R/pulls-1.tsv; : > $R/pulls-2.tsv
for k in 1 2 3 4 5 6 7 8; do
  date
  P="--perturb pull:0.7 --perturb-seed $k"
  scripts/steer-local.sh compare $O/s$k "$C1" $F $P | awk -F'\t' -v OFS='\t' -v k=$k '{$2=$2"/s"k; print}' >> $R/pulls-1.tsv
  scripts/steer-local.sh compare2 $O/s$k "$C2" $F $P | awk -F'\t' -v OFS='\t' -v k=$k '{$2=$2"/s"k; print}' >> $R/pulls-2.tsv
done
date
echo done
