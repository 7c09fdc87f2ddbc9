# Fourteenth round, confirmation (plan.md): W 0.25 and W 0.5, all ten gated models, on pull:0.7
# seeds 9-16 (i) and on the eighth round's F + 0.01 / F + 0.02 variants of four designs (ii).
cd "$(dirname "$0")/../../../.."
export ORT_DYLIB_PATH=$(scripts/onnxruntime.sh --lib) RAYON_NUM_THREADS=1
C1="hd_gcd_cts=0.65 asap7_gcd=0.91 dynamic_node=0.58"
C2="n45_gcd:metal1-metal7=0.905 hs_gcd:li1-met4=0.88 n45_gcd_routed:metal1-metal5=0.60 tempsense:li1-met5=0.925"
V1="hd_gcd_cts=0.66 hd_gcd_cts=0.67 asap7_gcd=0.92 asap7_gcd=0.93 dynamic_node=0.59 dynamic_node=0.60"
V2="hs_gcd:li1-met4=0.89 hs_gcd:li1-met4=0.90"
R=docs/results/steering10/dose
O=${OUT:-/tmp/r14c}
H=""
for l in mpgd mse; do
  H="$H --model $R/history_gated_fcn_egr_$l.onnx"
  for s in 1 2 3 4; do H="$H --model $R/history_gated_fcn_egr_${l}_s$s.onnx"; done
done
for W in 0.25 0.5; do
  F="--mode prior --iterations 10 --controls 3 --prior-weight $W --oracle history --egr --egr-tracks --egr-scale 2.8 --history-dose 2.8 $H"
  date
  scripts/steer-local.sh compare $O/w$W/v "$V1" $F > $R/confirm-w$W-variants.tsv
  scripts/steer-local.sh compare2 $O/w$W/v "$V2" $F >> $R/confirm-w$W-variants.tsv
  : > $R/confirm-w$W-pulls-1.tsv; : > $R/confirm-w$W-pulls-2.tsv
  for k in 9 10 11 12 13 14 15 16; do
    date
    P="--perturb pull:0.7 --perturb-seed $k"
    scripts/steer-local.sh compare $O/w$W/s$k "$C1" $F $P | awk -F'\t' -v OFS='\t' -v k=$k '{$2=$2"/s"k; print}' >> $R/confirm-w$W-pulls-1.tsv
    scripts/steer-local.sh compare2 $O/w$W/s$k "$C2" $F $P | awk -F'\t' -v OFS='\t' -v k=$k '{$2=$2"/s"k; print}' >> $R/confirm-w$W-pulls-2.tsv
  done
done
date
echo done
