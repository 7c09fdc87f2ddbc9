# Errors of every command: no design loaded, bad options, unknown layers, a wrong model file, bad
# logs, and a panic inside Rust. Each is a one-line Tcl error starting "mpgd:"; the interpreter
# survives all of them.
source [file join [file dirname [info script]] helpers.tcl]

puts "-- no design loaded"
expect_error {mpgd::route}
expect_error {mpgd::emit_steering}
set f [open model.onnx w]
puts $f "not a model"
close $f
expect_error {mpgd::predict -model model.onnx}
expect_error {mpgd::extract_live}

puts "-- bad options"
expect_error {mpgd::predict}
expect_error {mpgd::predict -model missing.onnx}
expect_error {mpgd::emit_steering -mode prior}
expect_error {mpgd::emit_steering -mode nonsense}
expect_error {mpgd::emit_steering -max_adjust 2}
expect_error {mpgd::emit_steering -top abc}
expect_error {mpgd::route -iterations -1}
expect_error {mpgd::route -gcell_um 0}
expect_error {mpgd::route -gcell_um 1 -gcell_from_def}
expect_error {mpgd::route -grt_rules 2024}
expect_error {mpgd::route -bogus 1}
expect_error {mpgd::route -prior_weight 2}
expect_error {mpgd::route -history_dose 2}
expect_error {mpgd::route -history_dose_slope 0.1}
expect_error {mpgd::route -prior_kind history}
expect_error {mpgd::route -prior rudy -prior_kind map}
expect_error {mpgd::route -prior rudy -history_dose -1}
expect_error {mpgd::route -prior missing.npy}
expect_error {mpgd::measure}
expect_error {mpgd::measure -log a -rpt b}
expect_error {mpgd::measure -log missing.log}

puts "-- with a design"
mpgd::read_design -lef $gcd_lef -def $gcd_def
expect_error {mpgd::predict -model model.onnx}
expect_error {mpgd::emit_steering}
expect_error {mpgd::emit_steering -map missing.npy}
set f [open notnpy.npy w]
puts $f "hello"
close $f
expect_error {mpgd::emit_steering -map notnpy.npy}
expect_error {mpgd::route -layers metal2-metal99 -iterations 0}
expect_error {mpgd::route -layers metal2 -iterations 0}
expect_error {mpgd::route -layer_adjust {metal2=1.5} -iterations 0}
expect_error {mpgd::route -layer_adjust {metal77=0.5} -iterations 0}
expect_error {mpgd::route -region_adjust {{1 2 3}} -iterations 0}
expect_error {mpgd::route -steer missing.csv}
expect_error {mpgd::route -prior notnpy.npy -iterations 0}
expect_error {mpgd::route -prior rudy -history_dose 2 -iterations 0}
expect_error {mpgd::route -prior rudy -prior_kind history -iterations 0}
expect_error {mpgd::route -prior rudy -history_dose_slope 0.1 -iterations 0}

puts "-- logs that are not logs"
set f [open empty.log w]
puts $f "hello"
close $f
expect_error {mpgd::measure -log empty.log}
expect_error {mpgd::measure -rpt empty.log}

puts "-- internal commands called wrongly"
expect_error {mpgd::_read_design}
expect_error {mpgd::_emit_region 0.5}

puts "-- a panic inside Rust"
expect_error {mpgd::_test_panic}
expect_error {mpgd::_test_panic}
puts "alive: [llength [info commands ::mpgd::*]] commands"
