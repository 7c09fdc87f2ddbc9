# A/B steering with mpgd's built-in router, in plain tclsh8.6 (no OpenROAD needed): route once
# (baseline), steer, route again (steered), print one table.
#
#   tclsh8.6 flows/ab_builtin.tcl -lef {A.lef B.lef} -def D.def [-mode region|prior]
#       [-model M.onnx | -map MAP.npy] [-route {mpgd::route options}]
#       [-steer {mpgd::emit_steering options}] [-out DIR]
#
# -mode region (default; what an OpenROAD flow can apply): the map becomes region adjustments
# (mpgd::emit_steering -mode region), routed as mpgd::route -region_adjust. The map: the model's
# prediction (-model), a prediction made offline (-map, e.g. `mpgd predict`'s prediction.npy),
# else the baseline's own congestion map (the oracle: what steering could do at best with a
# perfect prediction). Taking capacity away at hotspots raised overflow in every steering round
# (docs/results/steering.md).
# -mode prior (mpgd's router only: OpenROAD exposes no cost map): the steered route is
# mpgd::route -prior with the model (-model: a history model such as
# models/history_gated_fcn_egr_mpgd.onnx is dosed and weighted as `mpgd route --prior` does),
# the map (-map, a congestion map), else the RUDY-threshold map (`-prior rudy`).
# The steered run's total_overflow counts overflow against the adjusted capacity, as OpenROAD's
# GRT-0096 does; total_overflow_unadjusted counts it against the real capacity and is the number
# that says whether steering helped.
# The library: $env(MPGD_LIB), else `package require mpgd` from this repository's tcl/ folder.

set here [file dirname [file normalize [info script]]]
source [file join $here load_mpgd.tcl]
source [file join $here ab_table.tcl]

set opts [dict create route {} steer {} out ab_builtin mode region]
foreach {key value} $argv {
    if {$key ni {-lef -def -mode -model -map -route -steer -out}} {
        puts stderr "ab_builtin.tcl: unknown option '$key'"
        exit 1
    }
    dict set opts [string range $key 1 end] $value
}
foreach key {lef def} {
    if {![dict exists $opts $key]} {
        puts stderr "usage: tclsh8.6 ab_builtin.tcl -lef {A.lef ...} -def D.def \[-mode region|prior\] \[-model M.onnx | -map MAP.npy\] \[-route {...}\] \[-steer {...}\] \[-out DIR\]"
        exit 1
    }
}
if {[dict get $opts mode] ni {region prior}} {
    puts stderr "ab_builtin.tcl: -mode '[dict get $opts mode]': expected region or prior"
    exit 1
}
set out [dict get $opts out]
set route [dict get $opts route]
file mkdir $out

# The region adjustments of a list of OpenROAD commands, as mpgd::route -region_adjust wants
# them ({llx lly urx ury layer fraction}, µm): the commands are evaluated against recorders.
namespace eval ab::rec {
    variable regions {}
    variable dbu 1000
    variable layers {}
    proc set_global_routing_region_adjustment {rect -layer layer -adjustment f} {
        variable regions
        lappend regions [list {*}$rect $layer $f]
    }
    namespace eval grt {
        proc add_region_adjustment {x1 y1 x2 y2 level f} {
            set d $::ab::rec::dbu
            set layer [lindex $::ab::rec::layers [expr {$level - 1}]]
            lappend ::ab::rec::regions [list [expr {double($x1) / $d}] [expr {double($y1) / $d}] \
                [expr {double($x2) / $d}] [expr {double($y2) / $d}] $layer $f]
        }
    }
}
proc ab::regions_of {commands design} {
    set ab::rec::regions {}
    set ab::rec::dbu [dict get $design dbu_per_micron]
    set ab::rec::layers [dict get $design layers]
    foreach c $commands {
        namespace eval ::ab::rec $c
    }
    return $ab::rec::regions
}

set design [mpgd::read_design -lef [dict get $opts lef] -def [dict get $opts def]]
set baseline [mpgd::route {*}$route -maps [file join $out baseline]]
if {[dict get $opts mode] eq "prior"} {
    if {[dict exists $opts model]} {
        set prior [dict get $opts model]
    } elseif {[dict exists $opts map]} {
        set prior [dict get $opts map]
    } else {
        set prior rudy
    }
    set steered [mpgd::route {*}$route -prior $prior -maps [file join $out steered]]
    puts "[dict get $design design]: prior from [file tail $prior]"
    ab::table "built-in router, baseline vs steered (prior)" $baseline $steered
    return
}
if {[dict exists $opts model]} {
    mpgd::predict -model [dict get $opts model] -out [file join $out prediction]
    set source "model [file tail [dict get $opts model]]"
    set map {}
} elseif {[dict exists $opts map]} {
    set source "map [file tail [dict get $opts map]]"
    set map [list -map [dict get $opts map]]
} else {
    set source "oracle (the baseline's congestion map)"
    set map [list -map [file join $out baseline congestion.npy]]
}
set commands [mpgd::emit_steering {*}$map {*}[dict get $opts steer]]
set f [open [file join $out steering.tcl] w]
puts $f [join $commands \n]
close $f
set regions [ab::regions_of $commands $design]
set steered [mpgd::route {*}$route -region_adjust $regions -maps [file join $out steered]]

puts "[dict get $design design]: [llength $commands] region adjustments from $source"
ab::table "built-in router, baseline vs steered" $baseline $steered
