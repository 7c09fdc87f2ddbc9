# The table of flows/ab.sh: measures OUT/baseline.log and OUT/steered.log (global_route -verbose
# logs) and, when present, the congestion reports OUT/baseline.rpt and OUT/steered.rpt.
#   tclsh8.6 flows/ab_measure.tcl OUT_DIR
set here [file dirname [file normalize [info script]]]
source [file join $here load_mpgd.tcl]
source [file join $here ab_table.tcl]
set out [lindex $argv 0]
set base [mpgd::measure -log [file join $out baseline.log]]
set steered [mpgd::measure -log [file join $out steered.log]]
ab::table "OpenROAD global_route (GRT-0096 Total row, GRT-0018, GRT-0111)" $base $steered
if {[file exists [file join $out baseline.rpt]] && [file exists [file join $out steered.rpt]]} {
    set a [mpgd::measure -rpt [file join $out baseline.rpt]]
    set b [mpgd::measure -rpt [file join $out steered.rpt]]
    puts [format "%-27s %12s %12s" "congested edges (rpt)" [dict get $a records] [dict get $b records]]
    puts [format "%-27s %12s %12s" "sum of congestion (rpt)" [dict get $a total_congestion] [dict get $b total_congestion]]
}
