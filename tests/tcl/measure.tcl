# mpgd::measure on a real OpenROAD log (the bundled nangate45/gcd reference_grt/congestion1.ok) and
# on a TR congestion report in OpenROAD's format.
source [file join [file dirname [info script]] helpers.tcl]

set log [file join $data nangate45 gcd reference_grt congestion1.ok]
set m [mpgd::measure -log $log]
show $m {total_overflow max_overflow_h max_overflow_v resource demand wirelength_um vias routed_nets runs}
foreach l [lrange [dict get $m layers] 0 2] {
    puts "  $l"
}

set rpt [file join $data tr congestion.rpt]
show [mpgd::measure -rpt $rpt] {records horizontal vertical total_congestion max_congestion}
