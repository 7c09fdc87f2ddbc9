# mpgd::emit_steering -mode padding on the bundled gcd: the congestion map of a congested route
# (the oracle) pads the cells in its hottest GCells, then re-legalises them.
source [file join [file dirname [info script]] helpers.tcl]

mpgd::read_design -lef $gcd_lef -def $gcd_def
set r [mpgd::route -layers metal2-metal10 -layer_adjust {metal2=0.9 metal3=0.9 metal4-metal10=1.0} -iterations 3 \
    -maps maps]
puts "overflow: [dict get $r total_overflow]"
set cmds [mpgd::emit_steering -mode padding -top 0.02 -pad_sites 2 -map maps/congestion.npy]
puts "commands: [llength $cmds]"
set pad [lindex $cmds 0]
puts "[lrange $pad 0 1] LIST [lrange $pad 3 end]"
set names [lindex $pad 2]
puts "padded instances: [llength $names], first: [lrange $names 0 2]"
puts "then: [lindex $cmds 1]"
# More hotspots pad more cells; the region mode still works on the same map.
set wide [mpgd::emit_steering -mode padding -top 0.1 -map maps/congestion.npy]
puts "top 0.1, default sites: [llength [lindex $wide 0 2]] instances, [lrange [lindex $wide 0] 3 end]"
# Only the pin-dense half of the hotspot cells, padded on their right.
set dense [mpgd::emit_steering -mode padding -top 0.02 -pad_sites 2 -pad_cells pins -pad_share 0.5 \
    -pad_side right]
puts "pins 0.5, right: [llength [lindex $dense 0 2]] instances, [lrange [lindex $dense 0] 3 end]"
puts "region commands: [llength [mpgd::emit_steering -mode region -top 0.02]]"
expect_error {mpgd::emit_steering -mode padding -pad_sites -1}
expect_error {mpgd::emit_steering -mode padding -pad_sites 1.5}
expect_error {mpgd::emit_steering -mode padding -top 0}
expect_error {mpgd::emit_steering -mode padding -pad_cells some}
expect_error {mpgd::emit_steering -mode padding -pad_side up}
expect_error {mpgd::emit_steering -mode padding -pad_cells pins -pad_share 0}
