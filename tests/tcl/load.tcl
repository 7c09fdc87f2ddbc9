# Loading: package require through tcl/pkgIndex.tcl, the commands provided, loading twice, a child
# interpreter with its own session, and the library's version.
lappend auto_path [file join $::env(MPGD_REPO) tcl]
puts "package require mpgd -> [package require mpgd]"
puts "commands: [lsort [info commands ::mpgd::*]]"
puts "exported: [lsort [namespace eval ::mpgd {namespace export}]]"

set data $::env(MPGD_DATA)
set lef [file join $data nangate45 gcd Nangate45.lef]
set def [file join $data nangate45 gcd gcd.def]
set d [mpgd::read_design -lef $lef -def $def]
puts "parent: [dict get $d design], [dict get $d instances] instances"

# Loading again into the same interpreter keeps its design.
load $::env(MPGD_LIB) Mpgd
catch {mpgd::emit_steering} msg
puts "after a second load: $msg"

# A child interpreter has its own session: no design there.
interp create child
child eval [list load $::env(MPGD_LIB) Mpgd]
puts "child: [child eval {catch {mpgd::emit_steering} msg; set msg}]"
interp delete child
puts "parent still has [dict get [mpgd::read_design -lef $lef -def $def] design] after the child is gone"
