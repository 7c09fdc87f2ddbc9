# mpgd::read_design: the summary of the bundled gcd, and every bad call an error that names the
# problem, with the interpreter and the loaded design surviving.
source [file join [file dirname [info script]] helpers.tcl]

puts "-- read"
set d [mpgd::read_design -lef [list $gcd_lef] -def $gcd_def]
show $d {design dbu_per_micron die_um instances nets layers}

puts "-- bad calls"
expect_error {mpgd::read_design -lef $gcd_lef}
expect_error {mpgd::read_design -lef $gcd_lef -def $gcd_def -gcell 3}
expect_error {mpgd::read_design -lef $gcd_lef -def}
expect_error {mpgd::read_design -lef $gcd_lef -def $gcd_def extra}
expect_error {mpgd::read_design -lef nothere.lef -def $gcd_def}
set f [open broken.def w]
puts $f "VERSION 5.8 ;\nDESIGN broken ;\nUNITS DISTANCE MICRONS 2000 ;\nDIEAREA ( 0 0 ) ( 10 ;\nEND DESIGN"
close $f
expect_error {mpgd::read_design -lef $gcd_lef -def broken.def}
expect_error {mpgd::read_design -lef $gcd_def -def $gcd_def}

puts "-- the design read first is still loaded"
expect_error {mpgd::emit_steering}
puts alive
