# Issue 11, the pattern stage's utilization as an input (plan.md): variants/topq0.5's recipe on the
# nine inputs (retrained here, the paired reference) and on the nine plus egr_utilization_h/v, MSE and
# MPGD --top-q 0.5, seeds 0-4, each in two shards of one thread, merged into util/{nine,util}/.
# LABEL=history (plan addition): the steering study's history models instead (label history, gated
# egr residual), merged into util/history_{nine,util}/.
set -euo pipefail
cd "$(dirname "$0")/../../../train"
D=${DATA:-/work/data/util/default/dataset.parquet}
O=${OUT:-/work/data/util/runs}
mkdir -p "$O"
export OMP_NUM_THREADS=1 PYTHONPATH=.
NINE=macro_region,rudy,rudy_pin,capacity_h,capacity_v,rudy_over_capacity,rudy_pin_over_capacity,egr_overflow_h,egr_overflow_v
declare -A INPUTS=([nine]=$NINE [util]=$NINE,egr_utilization_h,egr_utilization_v)
LABEL_FLAGS="" PREFIX=""
[ "${LABEL:-}" = history ] && LABEL_FLAGS="--label history --residual-gate true" PREFIX=history_
for name in ${NAMES:-nine util}; do
  run=$PREFIX$name
  F="--dataset $D --inputs ${INPUTS[$name]} $LABEL_FLAGS --model fcn --residual egr --residual-sigma 0 --crop 32 --batch-size 8 --steps 400 --lr 0.005 --eval-every 50 --eval-max-samples 16 --checkpoint-every 0 --threads 1 --progress false --loss mpgd --top-q 0.5"
  # shellcheck disable=SC2086
  nice -n 10 ../.venv/bin/python -m mpgd_train study seeds $F --seeds 0,1,2 --results-dir $O/$run/a --runs-dir $O/$run/runs > $O/$run.a.log 2>&1 &
  # shellcheck disable=SC2086
  nice -n 10 ../.venv/bin/python -m mpgd_train study seeds $F --seeds 3,4 --results-dir $O/$run/b --runs-dir $O/$run/runs > $O/$run.b.log 2>&1 &
  wait
  # shellcheck disable=SC2086
  ../.venv/bin/python -m mpgd_train study merge-seeds $O/$run/a/seeds.json $O/$run/b/seeds.json $F --results-dir ../docs/results/util/$run
  date -u
done
echo done
