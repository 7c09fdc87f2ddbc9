# The body of fake_openroad.sh: mocks.tcl, a global_route that prints a real log, then the script.
set data $::env(MPGD_DATA)
source [file join [file dirname [info script]] mocks.tcl]
proc global_route {args} {
    lappend ::recorded [list global_route {*}$args]
    set f [open [file join $::data nangate45 gcd reference_grt congestion1.ok]]
    puts -nonewline [read $f]
    close $f
    set at [lsearch $args -congestion_report_file]
    if {$at >= 0} {
        file copy -force [file join $::data tr congestion.rpt] [lindex $args [expr {$at + 1}]]
    }
    puts "mock: [llength [lsearch -all -index 0 $::recorded region_adjustment]] region adjustments applied"
}
source [lindex $argv 0]
