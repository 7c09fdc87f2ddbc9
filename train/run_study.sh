#!/usr/bin/env bash
# The issue-11 study on the default dataset, as run for docs/results (2 streams of 1 thread each):
#   stream A: the input ablation at the short budget (ABL_STEPS, default 200 steps of 8 crops of 32x32),
#             with the egr-residual rows, then the MPGD lambda sweep on the seeds' model;
#   stream B: MSE vs MPGD over 5 seeds on SEED_MODEL (default the FCN as a correction to the egr map).
# STEPS (default 400) sets the seeds' and the sweep's budget; EXPORT_DIR exports seed 0 of each loss
# with model cards as congestion_${EXPORT_NAME}_{mpgd,mse}.onnx (EXPORT_NAME default fcn_egr).
# Usage: train/run_study.sh DATASET RESULTS_DIR RUNS_DIR
set -euo pipefail
DATA=$(realpath "$1"); RES=$(realpath -m "$2"); RUNS=$(realpath -m "$3"); mkdir -p "$RES" "$RUNS/sweep"
EXPORT_DIR=${EXPORT_DIR:+$(realpath -m "$EXPORT_DIR")}
cd "$(dirname "$0")"
PY="${PYTHON:-../.venv/bin/python}"
export OMP_NUM_THREADS=1 PYTHONPATH=.
NICE=(nice -n "${NICE_LEVEL:-10}")
FLAGS=(--dataset "$DATA" --crop 32 --batch-size 8 --eval-every 50 --eval-max-samples 16
       --checkpoint-every 0 --threads 1 --progress false)
ALL=macro_region,rudy,rudy_pin,capacity_h,capacity_v,rudy_over_capacity,rudy_pin_over_capacity,egr_overflow_h,egr_overflow_v
RES_ONLY=macro_region,rudy,rudy_pin,capacity_h,capacity_v,rudy_over_capacity,rudy_pin_over_capacity
# The seeds' model: MODEL [--residual egr --residual-sigma S] on all nine inputs.
SEED_MODEL=(${SEED_MODEL:---model fcn --residual egr --residual-sigma 0})
"${NICE[@]}" "$PY" -m mpgd_train study ablation "${FLAGS[@]}" --steps "${ABL_STEPS:-200}" --loss mpgd \
  --results-dir "$RES" --runs-dir "$RUNS/ablation" \
  --input-sets "gpdl_circuitnet=;gpdl_resources=$RES_ONLY;gpdl_resources_egr=$ALL;fcn_resources_egr=fcn:$ALL;gpdl_egr_residual=gpdl+egr:$ALL;gpdl_egr_residual_blur=gpdl+egr@0.5:$ALL;fcn_egr_residual=fcn+egr:$ALL;fcn_egr_residual_blur=fcn+egr@0.5:$ALL" \
  > "$RUNS/ablation.log" 2>&1 &
A=$!
"${NICE[@]}" "$PY" -m mpgd_train study seeds "${FLAGS[@]}" --steps "${STEPS:-400}" --inputs "$ALL" "${SEED_MODEL[@]}" \
  --seeds 0,1,2,3,4 --results-dir "$RES" --runs-dir "$RUNS/seeds" > "$RUNS/seeds.log" 2>&1 &
B=$!
wait $A
echo ablation done
# MPGD lambda sweep on seed 0 (lambda is an absolute error on the normalised label; the default is 0.007).
for lam in ${LAMBDAS:-0.002 0.02}; do
  "${NICE[@]}" "$PY" -m mpgd_train train "${FLAGS[@]}" --steps "${STEPS:-400}" --inputs "$ALL" "${SEED_MODEL[@]}" \
    --loss mpgd --lam "$lam" --seed 0 --out "$RUNS/sweep/lam$lam" > "$RUNS/sweep_lam$lam.log" 2>&1
done
echo sweep done
wait $B
echo seeds done
# The shipped models: seed 0 of each loss (fixed in advance, not picked on the test split).
if [ -n "${EXPORT_DIR:-}" ]; then
  for loss in mpgd mse; do
    "${NICE[@]}" "$PY" -m mpgd_train export --checkpoint "$RUNS/seeds/${loss}_s0/final.pt" --dataset "$DATA" \
      --out "$EXPORT_DIR/congestion_${EXPORT_NAME:-fcn_egr}_${loss}.onnx" --card --baselines
  done
fi
