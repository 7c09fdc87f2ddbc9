#!/usr/bin/env bash
# The follow-up to the issue-11 study (docs/results/training.md, "Follow-up"): one stage per call, one
# CPU thread each (two stages may run side by side).
#   long:  MSE vs MPGD (λ 0.007) at 1000 steps instead of 400, seeds $SEEDS (default 0,1,2), on the test
#          split; results in RESULTS_DIR/long1000/seeds.{json,md}, curves in each run's eval.csv.
#   val:   settings chosen on a validation split (VAL_DESIGNS, default both aes_cipher_top placements,
#          held out of training; the test split is not read): MSE and MPGD at λ 0.002, 0.007, 0.02 with
#          32x32 crops (batch 8), and MSE and MPGD (λ 0.007) with 64x64 crops (batch 2: the same GCells
#          per step), 400 steps, seeds $SEEDS (default 0,1); RUNS_DIR/val/*.
#   test:  MPGD at the chosen λ (LAM) and crop (CROP, BATCH) vs MSE alike, 400 steps, seeds 0-4, on the
#          test split; results in RESULTS_DIR/$NAME/seeds.{json,md}. REUSE_MSE=docs/results/seeds.json takes
#          the MSE rows from there (same settings; MSE does not read λ) and trains MPGD only.
#   mse-check: MSE seed 0 of docs/results/seeds.json again (determinism check of the reuse).
# Usage: train/run_followup.sh STAGE DATASET RESULTS_DIR RUNS_DIR
set -euo pipefail
STAGE=$1; DATA=$(realpath "$2"); RES=$(realpath -m "$3"); RUNS=$(realpath -m "$4"); mkdir -p "$RES" "$RUNS"
REUSE_MSE=${REUSE_MSE:+$(realpath -e "$REUSE_MSE")}
cd "$(dirname "$0")"
PY="${PYTHON:-../.venv/bin/python}"
export OMP_NUM_THREADS=1 PYTHONPATH=.
NICE=(nice -n "${NICE_LEVEL:-10}")
ALL=macro_region,rudy,rudy_pin,capacity_h,capacity_v,rudy_over_capacity,rudy_pin_over_capacity,egr_overflow_h,egr_overflow_v
FLAGS=(--dataset "$DATA" --inputs "$ALL" --model fcn --residual egr --residual-sigma 0 --eval-max-samples 16
       --checkpoint-every 0 --threads 1 --progress false)
case "$STAGE" in
  long)
    "${NICE[@]}" "$PY" -m mpgd_train study seeds "${FLAGS[@]}" --crop 32 --batch-size 8 --steps 1000 --eval-every 100 \
      --seeds "${SEEDS:-0,1,2}" --results-dir "$RES/long1000" --runs-dir "$RUNS/long1000" ;;
  val)
    VAL=(--val-designs "${VAL_DESIGNS:-nangate45/aes_cipher_top,nangate45/aes_cipher_top_orfs}" --steps 400 --eval-every 50)
    for seed in ${SEEDS:-0 1}; do
      run() { local name=$1; shift; [ -f "$RUNS/val/${name}_s$seed/metrics.json" ] ||
        "${NICE[@]}" "$PY" -m mpgd_train train "${FLAGS[@]}" "${VAL[@]}" --seed "$seed" --out "$RUNS/val/${name}_s$seed" "$@" > /dev/null; }
      run mse_c32 --loss mse --crop 32 --batch-size 8
      for lam in 0.007 0.002 0.02; do run "mpgd_c32_lam$lam" --loss mpgd --lam "$lam" --crop 32 --batch-size 8; done
      run mse_c64 --loss mse --crop 64 --batch-size 2
      run mpgd_c64_lam0.007 --loss mpgd --lam 0.007 --crop 64 --batch-size 2
    done
    { echo "# Validation runs (held-out training designs: ${VAL[1]}; 400 steps, one thread)"; echo
      echo "Command: \`train/run_followup.sh val DATASET RESULTS_DIR RUNS_DIR\`; mean ± sd over seeds; |S|/N: selected_fraction."; echo
      "$PY" -m mpgd_train study runs "$RUNS"/val/*_s*; } > "$RES/val.md" ;;
  test)
    "${NICE[@]}" "$PY" -m mpgd_train study seeds "${FLAGS[@]}" --crop "${CROP:-32}" --batch-size "${BATCH:-8}" --lam "$LAM" \
      --steps 400 --eval-every 50 --seeds "${SEEDS:-0,1,2,3,4}" --results-dir "$RES/${NAME:-chosen}" --runs-dir "$RUNS/${NAME:-chosen}" \
      ${REUSE_MSE:+--reuse-mse "$REUSE_MSE"} ;;
  mse-check)  # MSE seed 0 as in docs/results/seeds.json (400 steps, 32x32 crops): deterministic runs repeat it
    "${NICE[@]}" "$PY" -m mpgd_train train "${FLAGS[@]}" --crop 32 --batch-size 8 --steps 400 --eval-every 50 --loss mse \
      --seed 0 --out "$RUNS/mse_check_s0" ;;
  *) echo "unknown stage $STAGE (long, val, test)" >&2; exit 1 ;;
esac
