# Issue 11, the gated residual for the congestion label (plan.md): variants/topq0.5's recipe plus
# --residual-gate true, seeds 0-4 in two shards, then merged.
set -euo pipefail
cd "$(dirname "$0")/../../../train"
D=${DATA:-/work/data/default/dataset.parquet}
O=${OUT:-/work/data/gate}
export OMP_NUM_THREADS=1 PYTHONPATH=.
ALL=macro_region,rudy,rudy_pin,capacity_h,capacity_v,rudy_over_capacity,rudy_pin_over_capacity,egr_overflow_h,egr_overflow_v
F="--dataset $D --inputs $ALL --model fcn --residual egr --residual-sigma 0 --residual-gate true --crop 32 --batch-size 8 --steps 400 --lr 0.005 --eval-every 50 --eval-max-samples 16 --checkpoint-every 0 --threads 1 --progress false --loss mpgd --top-q 0.5"
nice -n 10 ../.venv/bin/python -m mpgd_train study seeds $F --seeds 0,1,2 --results-dir $O/a --runs-dir $O/runs/a > $O/a.log 2>&1 &
nice -n 10 ../.venv/bin/python -m mpgd_train study seeds $F --seeds 3,4 --results-dir $O/b --runs-dir $O/runs/b > $O/b.log 2>&1 &
wait
../.venv/bin/python -m mpgd_train study merge-seeds $O/a/seeds.json $O/b/seeds.json $F --results-dir ../docs/results/gate
date
echo done
