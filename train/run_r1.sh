#!/usr/bin/env bash
# A round-1 input (issue 11, docs/results/training.md "A round-1 input"): the shipped recipe (FCN residual,
# σ 0, 400 steps of 8 crops of 32x32, lr 5e-3, one thread) on the nine inputs plus r1_overflow_h/v (the
# overflow after the router's first rip-up round), in two variants:
#   egr11: the residual over the egr map (as shipped), r1 as two more inputs;
#   r1res: the residual over the r1 map (--residual r1), the same eleven inputs.
#   val:  both variants, MSE and MPGD (--top-q 0.5), seeds $SEEDS (default "0 1"), on the validation split
#         (VAL_DESIGNS, default both aes_cipher_top placements, held out of training; the test split is not
#         read); runs RUNS_DIR/val/NAME_LOSS_sSEED; SHARD=i/n runs every n-th entry; RESULTS_DIR/val.md.
#   test: variant $NAME (egr11 or r1res), MSE and MPGD, seeds $SEEDS (default 0,1,2,3,4) on the test split;
#         RESULTS_DIR/NAME/seeds.{json,md}.
# The choice (fixed before any validation metric was read): rank the two variants' means over both losses
# and seeds 0-1 of the validation pearson, top5_overlap and peak_nrmse; the lower rank sum runs on the test
# split (ties: the higher Pearson).
# Usage: train/run_r1.sh STAGE DATASET RESULTS_DIR RUNS_DIR
set -euo pipefail
STAGE=$1; DATA=$(realpath "$2"); RES=$(realpath -m "$3"); RUNS=$(realpath -m "$4"); mkdir -p "$RES" "$RUNS"
cd "$(dirname "$0")"
PY="${PYTHON:-../.venv/bin/python}"
export OMP_NUM_THREADS=1 PYTHONPATH=.
NICE=(nice -n "${NICE_LEVEL:-10}")
ALL=macro_region,rudy,rudy_pin,capacity_h,capacity_v,rudy_over_capacity,rudy_pin_over_capacity,egr_overflow_h,egr_overflow_v,r1_overflow_h,r1_overflow_v
FLAGS=(--dataset "$DATA" --inputs "$ALL" --model fcn --residual-sigma 0 --eval-max-samples 16
       --checkpoint-every 0 --threads 1 --progress false --crop 32 --batch-size 8 --steps 400 --eval-every 50)
declare -A RESIDUAL=([egr11]=egr [r1res]=r1)
LOSSES=("mse|--loss mse" "mpgd|--loss mpgd --top-q 0.5")
case "$STAGE" in
  val)
    VAL=(--val-designs "${VAL_DESIGNS:-nangate45/aes_cipher_top,nangate45/aes_cipher_top_orfs}")
    IFS=/ read -r I N <<< "${SHARD:-0/1}"
    k=0
    for seed in ${SEEDS:-0 1}; do
      for name in egr11 r1res; do
        for l in "${LOSSES[@]}"; do
          loss=${l%%|*}; flags=${l#*|}; k=$((k + 1))
          [ $(((k - 1) % N)) -eq "$I" ] || continue
          out="$RUNS/val/${name}_${loss}_s$seed"
          [ -f "$out/metrics.json" ] && continue
          # shellcheck disable=SC2086
          "${NICE[@]}" "$PY" -m mpgd_train train "${FLAGS[@]}" --residual "${RESIDUAL[$name]}" "${VAL[@]}" \
            --seed "$seed" --out "$out" $flags > /dev/null
        done
      done
    done
    { echo "# A round-1 input on the validation split (${VAL[1]} held out of training; 400 steps, one thread)"; echo
      echo "Command: \`train/run_r1.sh val DATASET RESULTS_DIR RUNS_DIR\`; mean ± sd over seeds; |S|/N: selected_fraction (last 100 steps)."; echo
      "$PY" -m mpgd_train study runs "$RUNS"/val/*_s*; echo
      echo "Baselines (one factor fitted on the training designs left, scored on the validation designs):"; echo
      echo '```'; "$PY" -m mpgd_train study baselines --dataset "$DATA" "${VAL[@]}"; echo '```'; } > "$RES/val.md" ;;
  test)
    name=${NAME:?NAME=egr11 or r1res}
    # shellcheck disable=SC2086
    "${NICE[@]}" "$PY" -m mpgd_train study seeds "${FLAGS[@]}" --residual "${RESIDUAL[$name]}" --loss mpgd --top-q 0.5 \
      --seeds "${SEEDS:-0,1,2,3,4}" --results-dir "$RES/$name" --runs-dir "$RUNS/$name" ;;
  *) echo "unknown stage $STAGE (val, test)" >&2; exit 1 ;;
esac
