# Stand-ins for OpenROAD's commands, sourced by the tests that play an openroad session. Each one
# records what it was told in ::recorded and, as OpenROAD would, refuses what OpenROAD refuses:
# region adjustments outside the die, negative or non-numeric coordinates (sta::check_positive_float),
# unknown layers, adjustments outside 0..1, more than one layer per command.
# The design "in memory" is the bundled nangate45/gcd: write_lef and write_def copy its files.
set ::recorded {}
set ::mock_dbu 2000
set ::mock_die {0 0 200260 201600}
set ::mock_layers {metal1 metal2 metal3 metal4 metal5 metal6 metal7 metal8 metal9 metal10}

proc write_lef {file} {
    lappend ::recorded [list write_lef [file tail $file]]
    file copy -force [file join $::data nangate45 gcd Nangate45.lef] $file
    # A second "library", as openroad writes one file per library: FILE_1.lef.
    set second [file rootname $file]_1.lef
    set f [open $second w]
    puts $f "VERSION 5.8 ;\nBUSBITCHARS \"\[\]\" ;\nDIVIDERCHAR \"/\" ;\nEND LIBRARY"
    close $f
}

proc write_def {file} {
    lappend ::recorded [list write_def [file tail $file]]
    file copy -force [file join $::data nangate45 gcd gcd.def] $file
}

namespace eval ord {
    proc get_db_tech {} { return _0000000000000001_p_odb__dbTech }
    proc get_db_block {} { return _0000000000000002_p_odb__dbBlock }
}

proc _mock_fail {msg} {
    return -code error -level 2 $msg
}

# sta::check_positive_float: a number >= 0.
proc _mock_positive {what v} {
    if {![string is double -strict $v] || $v < 0} {
        _mock_fail "$what '$v' is not a positive float."
    }
}

proc set_global_routing_region_adjustment {args} {
    if {[llength $args] != 5 || [lindex $args 1] ne "-layer" || [lindex $args 3] ne "-adjustment"} {
        _mock_fail "GRT mock: usage: set_global_routing_region_adjustment {llx lly urx ury} -layer L -adjustment F; got $args"
    }
    lassign $args region _ layer _ adj
    if {[llength $region] != 4} {
        _mock_fail "GRT mock: region must be {llx lly urx ury}, got {$region}"
    }
    foreach v $region name {llx lly urx ury} {
        _mock_positive $name $v
    }
    if {[llength $layer] != 1 || $layer ni $::mock_layers} {
        _mock_fail "GRT mock: unknown layer '$layer' (one layer per command)"
    }
    _mock_positive adjustment $adj
    if {$adj > 1} {
        _mock_fail "GRT mock: adjustment $adj above 1"
    }
    # Tcl side of grt: microns times DBU, truncated; then grt::check_region.
    set box {}
    foreach v $region {
        lappend box [expr {int($v * $::mock_dbu)}]
    }
    _mock_check_region $box
    lappend ::recorded [list region_adjustment $box $layer $adj]
}

proc _mock_check_region {box} {
    lassign $box x1 y1 x2 y2
    lassign $::mock_die dx1 dy1 dx2 dy2
    if {$x1 < $dx1 || $y1 < $dy1} {
        _mock_fail "\[ERROR GRT-0064\] Lower left corner of the region is outside the die area."
    }
    if {$x2 > $dx2 || $y2 > $dy2} {
        _mock_fail "\[ERROR GRT-0065\] Upper right corner of the region is outside the die area."
    }
    if {$x1 >= $x2 || $y1 >= $y2} {
        _mock_fail "GRT mock: empty region {$box}"
    }
}

namespace eval grt {
    proc add_region_adjustment {x1 y1 x2 y2 level adj} {
        foreach v [list $x1 $y1 $x2 $y2 $level] {
            if {![string is integer -strict $v]} {
                ::_mock_fail "GRT mock: add_region_adjustment expects integers, got $v"
            }
        }
        if {$level < 1 || $level > [llength $::mock_layers]} {
            ::_mock_fail "GRT mock: routing level $level out of range"
        }
        ::_mock_check_region [list $x1 $y1 $x2 $y2]
        lappend ::recorded [list region_adjustment_dbu [list $x1 $y1 $x2 $y2] $level $adj]
    }
}

proc global_route {args} {
    lappend ::recorded [list global_route {*}$args]
}
