# An openroad session played with recording stand-ins for OpenROAD's commands (mocks.tcl):
# extract_live collects every LEF write_lef wrote, the built-in router gives a congestion map, and
# the region adjustments emit_steering returns are evaluated against grt's checks.
source [file join [file dirname [info script]] helpers.tcl]
source [file join [file dirname [info script]] mocks.tcl]

puts "-- extract_live"
set info [mpgd::extract_live -dir live]
show $info {design instances nets}
puts "  lefs: [lmap f [dict get $info lefs] {file tail $f}]"
puts "  recorded: $::recorded"

puts "-- a congested run of the built-in router gives the map"
set r [mpgd::route -layers metal2-metal4 -layer_adjust {metal2=0.85 metal3=0.85 metal4=0.85} \
    -iterations 3 -maps maps]
show $r {total_overflow max_overflow_h max_overflow_v nx ny}

puts "-- emit_steering -mode region"
set cmds [mpgd::emit_steering -map maps/congestion.npy -max_adjust 0.5 -top 0.02 -layers metal2-metal4]
puts "  [llength $cmds] commands, first ones:"
foreach c [lrange $cmds 0 5] {
    puts "  $c"
}
set layers {}
foreach c $cmds {
    lappend layers [lindex $c 3]
}
puts "  layers: [lsort -unique $layers]"

puts "-- evaluated as openroad would"
set ::recorded {}
foreach c $cmds {
    eval $c
}
global_route -allow_congestion -verbose
puts "  recorded [llength $::recorded] calls, last: [lindex $::recorded end]"
puts "  first: [lindex $::recorded 0]"

puts "-- same map, one layer by name, a larger top fraction"
set more [mpgd::emit_steering -max_adjust 0.3 -top 0.05 -layers metal3]
puts "  [llength $more] commands; all on metal3: [expr {[lsort -unique [lmap c $more {lindex $c 3}]] eq {metal3}}]"
expect_error {mpgd::emit_steering -layers metal42}
expect_error {mpgd::emit_steering -top 0}

puts "-- a map on another grid: its grid.json says which; without it, it does not fit"
mpgd::route -layers metal2-metal4 -gcell_um 5 -iterations 0 -maps coarse
set coarse [mpgd::emit_steering -map coarse/cap_h.npy -top 0.01 -layers metal2]
puts "  5 um GCells: [llength $coarse] commands"
file delete coarse/grid.json
expect_error {mpgd::emit_steering -map coarse/cap_h.npy}

puts "-- extract_live failures"
rename write_def _real_write_def
proc write_def {file} { error "no block loaded\nsecond line" }
expect_error {mpgd::extract_live -dir live2}
rename write_def {}
expect_error {mpgd::extract_live -dir live3}
puts alive
