# One A/B table from two result dicts with the route JSON field names: mpgd::route's dicts, or
# mpgd::measure -log dicts of two OpenROAD logs. Sourced by ab_builtin.tcl and ab_measure.tcl.
namespace eval ab {}

# Prints the table; a metric missing from either side is left out.
proc ab::table {title baseline steered} {
    puts $title
    puts [format "%-27s %12s %12s %12s" metric baseline steered change]
    foreach key {total_overflow total_overflow_unadjusted max_overflow_h max_overflow_v wirelength_um vias} {
        if {![dict exists $baseline $key] || ![dict exists $steered $key]} {
            continue
        }
        set a [dict get $baseline $key]
        set b [dict get $steered $key]
        set change [expr {$b - $a}]
        if {$a != 0} {
            set change [format "%+d (%+.1f%%)" $change [expr {100.0 * ($b - $a) / $a}]]
        } else {
            set change [format "%+d" $change]
        }
        puts [format "%-27s %12s %12s %12s" $key $a $b $change]
    }
}
