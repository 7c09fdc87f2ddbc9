# OpenROAD-flow-scripts hook: steer global routing away from predicted congestion hotspots.
# Set PRE_GLOBAL_ROUTE_TCL to this file (flows/orfs/README.md). ORFS sources it from inside
# global_route.tcl's global_route_helper proc, after load_design 4_cts.odb and before the
# platform's FASTROUTE_TCL and global_route, so everything here runs in a proc of its own.
#
# Environment:
#   MPGD_LIB         the built library libmpgd.so (required)
#   MPGD_MODEL       the ONNX model (required unless MPGD_MAP is set)
#   MPGD_MAP         a prediction made offline with `mpgd predict` (its prediction.npy), instead
#   MPGD_MAX_ADJUST  emit_steering -max_adjust (default 0.5)
#   MPGD_TOP         emit_steering -top (default 0.05)
#   MPGD_LAYERS      emit_steering -layers (default: every routing layer but the lowest)
#   MPGD_DISABLE     set to 1 to skip steering (a baseline run with the same flow settings)
# Outputs, beside the flow's reports ($REPORTS_DIR/mpgd/): prediction.npy, prediction.png,
# grid.json, hotspots.csv (from mpgd::predict -out) and steering.tcl (the commands evaluated).

proc mpgd_pre_global_route {} {
    if {[info exists ::env(MPGD_DISABLE)] && $::env(MPGD_DISABLE) == 1} {
        puts "\[INFO MPG-3001\] mpgd steering disabled (MPGD_DISABLE=1)"
        return
    }
    foreach var {MPGD_LIB} {
        if {![info exists ::env($var)]} {
            error "mpgd hook: set $var (flows/orfs/README.md)"
        }
    }
    load $::env(MPGD_LIB) Mpgd
    set reports [expr {[info exists ::env(REPORTS_DIR)] ? $::env(REPORTS_DIR) : "."}]
    set out [file join $reports mpgd]
    set scratch [expr {[info exists ::env(RESULTS_DIR)] ? $::env(RESULTS_DIR) : $out}]
    file mkdir $out

    set design [mpgd::extract_live -dir [file join $scratch mpgd_live]]
    puts "\[INFO MPG-3002\] mpgd: [dict get $design design], [dict get $design instances] instances"

    set steer {}
    if {[info exists ::env(MPGD_MAP)] && $::env(MPGD_MAP) ne ""} {
        lappend steer -map $::env(MPGD_MAP)
    } elseif {[info exists ::env(MPGD_MODEL)]} {
        set p [mpgd::predict -model $::env(MPGD_MODEL) -out $out]
        puts "\[INFO MPG-3003\] mpgd prediction: $p"
    } else {
        error "mpgd hook: set MPGD_MODEL (an ONNX model) or MPGD_MAP (a prediction .npy)"
    }
    foreach {var option} {MPGD_MAX_ADJUST -max_adjust MPGD_TOP -top MPGD_LAYERS -layers} {
        if {[info exists ::env($var)] && $::env($var) ne ""} {
            lappend steer $option $::env($var)
        }
    }
    set commands [mpgd::emit_steering {*}$steer]
    set f [open [file join $out steering.tcl] w]
    puts $f [join $commands \n]
    close $f
    foreach command $commands {
        uplevel #0 $command
    }
    puts "\[INFO MPG-3004\] mpgd: [llength $commands] region adjustments applied ([file join $out steering.tcl])"
}

mpgd_pre_global_route
