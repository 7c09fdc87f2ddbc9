# Sourced by every test script. The harness (tests/tcl.rs) runs each script in a fresh temporary
# folder with MPGD_LIB (the built library), MPGD_DATA (tests/data), MPGD_REPO and
# MPGD_TCL_TEST=1 set, and compares what it prints with the script's .ok file.
load $::env(MPGD_LIB) Mpgd
set data $::env(MPGD_DATA)
set gcd_lef [file join $data nangate45 gcd Nangate45.lef]
set gcd_def [file join $data nangate45 gcd gcd.def]

# Runs $script in the caller; prints its error message (it must fail) on one line.
proc expect_error {script} {
    if {[catch {uplevel 1 $script} msg]} {
        if {[string first "\n" $msg] >= 0} {
            puts "MULTI-LINE ERROR: $msg"
        } else {
            puts "error: $msg"
        }
    } else {
        puts "NO ERROR from {$script}: $msg"
    }
}

# Prints the given keys of a dict, one per line.
proc show {d keys} {
    foreach k $keys {
        puts "  $k: [dict get $d $k]"
    }
}
