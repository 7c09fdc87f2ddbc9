# mpgd::route on the bundled gcd: the dict carries the route JSON fields and equals the JSON file
# it writes (the harness compares that file with `mpgd route --json` on the same options).
source [file join [file dirname [info script]] helpers.tcl]

mpgd::read_design -lef $gcd_lef -def $gcd_def
set r [mpgd::route -layers metal2-metal10 -layer_adjust {metal2=0.5 metal3=0.5} \
    -region_adjust {{20 20 60 60 metal2 0.7} {20 20 60 60 metal3 0.7}} -iterations 10 \
    -json route.json -guide route.guide]
show $r {total_overflow max_overflow_h max_overflow_v total_overflow_unadjusted wirelength_um vias gcell_um nx ny routed_nets}
puts "  keys: [lsort [dict keys $r]]"
foreach l [dict get $r layers] {
    puts "  [dict get $l name] [dict get $l direction] [dict get $l original_resource] [dict get $l derated_resource] [dict get $l demand] [dict get $l overflow]"
}
puts "  files: [lsort [glob *.json *.guide]]"

# -grt_rules ispd2026: the ISPDContest2026 fork's capacity model (tile of 15 metal3 pitches, one
# capacity per layer); its congestion1 log has metal2 25163 and metal3 33840 original.
set old [mpgd::route -layers metal2-metal10 -iterations 0 -grt_rules ispd2026]
show $old {gcell_um nx ny}
foreach l [lrange [dict get $old layers] 1 2] {
    puts "  [dict get $l name] original [dict get $l original_resource]"
}

# -prior rudy: the router steered by the RUDY-threshold map (as `mpgd route --prior rudy` and
# `mpgd compare`'s rudy run), on OpenROAD's congestion1 setting at 2 rounds; the same with the
# weight 0 routes as unsteered.
set c1 {-layers metal2-metal10 -layer_adjust {metal2=0.9 metal3=0.9 metal4-metal10=1.0} -iterations 2}
set none [mpgd::route {*}$c1]
set rudy [mpgd::route {*}$c1 -prior rudy]
set zero [mpgd::route {*}$c1 -prior rudy -prior_weight 0]
foreach {name r} [list none $none rudy $rudy zero $zero] {
    puts "  $name: overflow [dict get $r total_overflow_unadjusted] wirelength [dict get $r wirelength_um] vias [dict get $r vias]"
}

# -prior M.onnx: the shipped history model run on the loaded design, its map dosed (2.43 x d^0.159) and
# steering at the history weight (0.5), as `mpgd route --prior M.onnx` (the harness compares
# hist.json with its --json). Its numbers are not in the golden log: onnxruntime's kernels
# differ by CPU instruction set in the last bits, and a route can turn those into another
# overflow unit (docs/model.md, "Determinism").
set model [file join $::env(MPGD_REPO) models history_gated_fcn_egr_mpgd.onnx]
set hist [mpgd::route {*}$c1 -prior $model -json hist.json]
puts "  history model: routed [dict get $hist routed_nets] nets, steered [expr {[dict get $hist wirelength_um] != [dict get $none wirelength_um]}]"
# -history_dose K: the same model at another dose (the harness compares hist14.json with
# `mpgd route --prior M.onnx --history-dose 1.4`).
set hist14 [mpgd::route {*}$c1 -prior $model -history_dose 1.4 -json hist14.json]
puts "  history model, K 1.4: routed [dict get $hist14 routed_nets] nets"
# -history_dose K -history_dose_slope B as the default's K and B: the default route (the harness
# compares histd.json with hist.json).
set histd [mpgd::route {*}$c1 -prior $model -history_dose 2.43 -history_dose_slope 0.159 -json histd.json]
puts "  history model, K 2.43 x d^0.159: routed [dict get $histd routed_nets] nets"
