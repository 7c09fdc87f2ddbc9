#!/usr/bin/env bash
# A/B steering with OpenROAD's global router: the same design routed in two separate openroad
# processes, baseline and steered (region adjustments accumulate inside grt and cannot be undone,
# so one process cannot do both), then one table from both logs (flows/ab_measure.tcl).
#
#   flows/ab.sh SETUP.tcl OUT_DIR
#
# SETUP.tcl loads the design into openroad as your flow does before global routing (read_db or
# read_lef/read_def, set_routing_layers, set_global_routing_layer_adjustment, ...).
# Environment:
#   MPGD_LIB     the built library (default: this repository's target/release/libmpgd.so)
#   MPGD_MODEL   the ONNX model for mpgd::predict, or
#   MPGD_MAP     a prediction made offline (`mpgd predict ... --out DIR`: DIR/prediction.npy)
#   MPGD_STEER   mpgd::emit_steering options (default: -max_adjust 0.5 -top 0.05)
#   GRT_ARGS     global_route options (default: -allow_congestion -verbose -congestion_iterations 30)
#   OPENROAD     the openroad binary (default: openroad)
set -euo pipefail
if [ $# -ne 2 ]; then
  echo "usage: flows/ab.sh SETUP.tcl OUT_DIR (see the comments at the top)" >&2
  exit 1
fi
here=$(cd "$(dirname "$0")" && pwd)
setup=$(realpath "$1")
mkdir -p "$2"
out=$(realpath "$2")
lib=${MPGD_LIB:-$here/../target/release/libmpgd.so}
openroad=${OPENROAD:-openroad}
grt_args=${GRT_ARGS:--allow_congestion -verbose -congestion_iterations 30}
steer=${MPGD_STEER:--max_adjust 0.5 -top 0.05}
if [ -n "${MPGD_MODEL:-}" ]; then
  predict="mpgd::predict -model {$(realpath "$MPGD_MODEL")} -out {$out/prediction}"
elif [ -n "${MPGD_MAP:-}" ]; then
  predict="set map_opt [list -map {$(realpath "$MPGD_MAP")}]"
else
  echo "flows/ab.sh: set MPGD_MODEL (an ONNX model) or MPGD_MAP (a prediction .npy)" >&2
  exit 1
fi

cat > "$out/baseline.tcl" <<TCL
source {$setup}
global_route $grt_args -congestion_report_file {$out/baseline.rpt}
TCL

cat > "$out/steered.tcl" <<TCL
source {$setup}
load {$lib} Mpgd
mpgd::extract_live -dir {$out/live}
set map_opt {}
$predict
set commands [mpgd::emit_steering {*}\$map_opt $steer]
set f [open {$out/steering.tcl} w]
puts \$f [join \$commands \n]
close \$f
foreach command \$commands {
  eval \$command
}
global_route $grt_args -congestion_report_file {$out/steered.rpt}
TCL

"$openroad" -no_init -exit "$out/baseline.tcl" > "$out/baseline.log" 2>&1
"$openroad" -no_init -exit "$out/steered.tcl" > "$out/steered.log" 2>&1
MPGD_LIB=$lib tclsh8.6 "$here/ab_measure.tcl" "$out" | tee "$out/ab.txt"
