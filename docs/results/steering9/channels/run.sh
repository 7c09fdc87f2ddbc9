cd "$(dirname "$0")/../../../.."
export ORT_DYLIB_PATH=$(scripts/onnxruntime.sh --lib) RAYON_NUM_THREADS=1
M="--model models/congestion_fcn_egr_mpgd.onnx --model models/congestion_fcn_egr_mse.onnx"
V1="hd_gcd_cts=0.65 hd_gcd_cts=0.66 hd_gcd_cts=0.67 asap7_gcd=0.91 asap7_gcd=0.92 asap7_gcd=0.93 dynamic_node=0.58 dynamic_node=0.59 dynamic_node=0.60"
V2="n45_gcd:metal1-metal7=0.905 n45_gcd:metal1-metal7=0.915 n45_gcd:metal1-metal7=0.925 hs_gcd:li1-met4=0.88 hs_gcd:li1-met4=0.89 hs_gcd:li1-met4=0.90 n45_gcd_routed:metal1-metal5=0.60 n45_gcd_routed:metal1-metal5=0.61 n45_gcd_routed:metal1-metal5=0.62 tempsense:li1-met5=0.925 tempsense:li1-met5=0.935 tempsense:li1-met5=0.945"
R=docs/results/steering9/channels
F="--mode prior --iterations 10 --controls 3 --prior-weight 2 --map-channel rudy_over_capacity --map-channel rudy_pin_over_capacity"
date
scripts/steer-local.sh compare /tmp/r11/out1 "$V1" $F > $R/channels-1.tsv
date
scripts/steer-local.sh compare2 /tmp/r11/out2 "$V2" $F > $R/channels-2.tsv
date
echo done
