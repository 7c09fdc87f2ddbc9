# Loads the mpgd Tcl extension for the flows/ scripts: $env(MPGD_LIB) if set, else
# `package require mpgd` from this repository's tcl/ folder.
if {[info exists ::env(MPGD_LIB)]} {
    load $::env(MPGD_LIB) Mpgd
} else {
    lappend auto_path [file join [file dirname [file dirname [file normalize [info script]]]] tcl]
    package require mpgd
}
