# Fourteenth round (plan.md), part A: the 7 cases at W 0.5 (counted) and W 1 (reported).
cd "$(dirname "$0")/../../../.."
export ORT_DYLIB_PATH=$(scripts/onnxruntime.sh --lib) RAYON_NUM_THREADS=1
C1="hd_gcd_cts=0.65 asap7_gcd=0.91 dynamic_node=0.58"
C2="n45_gcd:metal1-metal7=0.905 hs_gcd:li1-met4=0.88 n45_gcd_routed:metal1-metal5=0.60 tempsense:li1-met5=0.925"
R=docs/results/steering10/dose
O=${OUT:-/tmp/r14}
H="--model docs/results/steering5/history_fcn_egr_mpgd.onnx --model docs/results/steering5/history_fcn_egr_mse.onnx"
for W in 0.5 1; do
  date
  F="--mode prior --iterations 10 --controls 3 --prior-weight $W --oracle history --egr --egr-tracks --egr-scale 2.8 --history-dose 2.8 --write-maps $H"
  scripts/steer-local.sh compare $O/w$W "$C1" $F > $R/cases-w$W.tsv
  scripts/steer-local.sh compare2 $O/w$W "$C2" $F >> $R/cases-w$W.tsv
done
date
echo done
