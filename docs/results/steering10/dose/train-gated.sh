# Fourteenth round, addition (plan.md): the gated history models, the fifth round's commands plus
# --residual-gate true; seed $SEED (default 0), MSE and MPGD (top-q 0.5), trained side by side.
# Seed 0 exports history_gated_fcn_egr_{mse,mpgd}.onnx, seed K history_gated_fcn_egr_{mse,mpgd}_sK.onnx.
cd "$(dirname "$0")/../../../../train"
R=../docs/results/steering10/dose
O=${OUT:-/work/data/gated}
SEED=${SEED:-0}
S=$([ "$SEED" = 0 ] || echo "_s$SEED")
I=macro_region,rudy,rudy_pin,capacity_h,capacity_v,rudy_over_capacity,rudy_pin_over_capacity,egr_overflow_h,egr_overflow_v
C="--dataset /work/data/hist/dataset.parquet --label history --model fcn --inputs $I --crop 32 --steps 400 --batch-size 8 --lr 0.005 --eval-every 100 --eval-max-samples 16 --checkpoint-every 0 --threads 1 --progress false --residual egr --residual-gate true"
nice -n 10 ../.venv/bin/python -m mpgd_train train $C --loss mse --seed $SEED --out $O/gated_mse_s$SEED > $O/mse$S.log 2>&1 &
nice -n 10 ../.venv/bin/python -m mpgd_train train $C --loss mpgd --top-q 0.5 --seed $SEED --out $O/gated_mpgd_s$SEED > $O/mpgd$S.log 2>&1 &
wait
for l in mse mpgd; do
  ../.venv/bin/python -m mpgd_train export --checkpoint $O/gated_${l}_s$SEED/final.pt --dataset /work/data/hist/dataset.parquet --out $R/history_gated_fcn_egr_$l$S.onnx --card
done
date
echo done
