#!/usr/bin/env bash
# Fifteenth round, step 2 (plan.md): on each training case (CASES="k=F ...") and its pull:0.7
# placements (seeds 1, 2), one compare per W in $WS with the ten gated history models.
# Prints one TSV line per run: case, F (F/sK for pulled placements), W, run, overflow,
# overflowed GCells, wirelength, vias, route s, steer s.
set -euo pipefail
cd "$(dirname "$0")/../../.."
. docs/results/steering11/designs.sh
out=${OUT:-/tmp/r15/select}
R=docs/results/steering10/dose
H=""
for l in mpgd mse; do
  H="$H --model $R/history_gated_fcn_egr_$l.onnx"
  for s in 1 2 3 4; do H="$H --model $R/history_gated_fcn_egr_${l}_s$s.onnx"; done
done
for W in ${WS:-0.125 0.25 0.5 1}; do
  for kf in $CASES; do
    k=${kf%=*} f=${kf#*=}
    for p in none 1 2; do
      P="" tag=$f
      [ "$p" = none ] || { P="--perturb pull:0.7 --perturb-seed $p"; tag="$f/s$p"; }
      o="$out/w$W/$k/$p"
      # shellcheck disable=SC2086
      $B compare ${TRAIN[$k]} --layer-adjust "*=$f" --mode prior --iterations 10 \
        --oracle history --history-dose 2.8 --prior-weight "$W" $H $P --out "$o" >/dev/null 2>&1
      python3 - "$o/compare.json" "$k" "$tag" "$W" <<'PY'
import json, sys
for r in json.load(open(sys.argv[1])):
    print("\t".join(str(x) for x in [sys.argv[2], sys.argv[3], sys.argv[4], r["run"], r["total_overflow_unadjusted"], r["overflowed_gcells"], r["wirelength_um"], r["vias"], round(r["runtime_s"], 2), round(r["steer_s"], 3)]))
PY
    done
  done
done
