# mpgd's Tcl commands (docs/tcl.md). Compiled into libmpgd.so and evaluated when it is loaded,
# as OpenROAD's tools evaluate their tcl_inits. These procs parse and check the OpenROAD-style
# -key value options, drive OpenROAD's own commands where needed (write_lef, write_def), and call
# the thin internal commands mpgd::_NAME that the library registers. Every error is one line
# starting "mpgd: [ERROR MPG-NNNN]"; the IDs are listed in src/tcl/messages.rs.

namespace eval mpgd {
  namespace export read_design extract_live predict emit_steering route measure
}

# Raises "mpgd: [ERROR MPG-id] msg" in the caller, with errorcode {MPGD id}.
proc mpgd::_fail {id msg} {
  return -code error -level 2 -errorcode [list MPGD $id] \
    [format "mpgd: \[ERROR MPG-%04d\] %s" $id $msg]
}

# Parses OpenROAD-style arguments: keys take a value, flags do not. Returns a dict of what was
# given, keyed by the option name without its dash.
proc mpgd::_parse_args {cmd argv keys flags} {
  set opts [dict create]
  while {[llength $argv] > 0} {
    set argv [lassign $argv word]
    if {$word in $flags} {
      dict set opts [string range $word 1 end] 1
    } elseif {$word in $keys} {
      if {[llength $argv] == 0} {
        _fail 2101 "$cmd: option $word needs a value"
      }
      set argv [lassign $argv value]
      dict set opts [string range $word 1 end] $value
    } elseif {[string match -* $word]} {
      _fail 2100 "$cmd: unknown option '$word' (options: [join [concat $keys $flags] {, }])"
    } else {
      _fail 2104 "$cmd: unexpected argument '$word'; options are -key value"
    }
  }
  return $opts
}

# Fails unless every option of $names was given.
proc mpgd::_require {cmd opts names} {
  foreach name $names {
    if {![dict exists $opts $name]} {
      _fail 2102 "$cmd: missing required option -$name"
    }
  }
}

# Fails unless the file exists.
proc mpgd::_existing {cmd option path} {
  if {![file isfile $path]} {
    _fail 2106 "$cmd $option: file '$path' not found"
  }
  return $path
}

# The value of option $name, checked to be a number (an integer when $kind is integer) in
# [$lo, $hi]; $default when not given.
proc mpgd::_number {cmd opts name default lo hi {kind double}} {
  if {![dict exists $opts $name]} {
    return $default
  }
  set v [dict get $opts $name]
  if {![string is $kind -strict $v] || $v < $lo || $v > $hi} {
    set what [expr {$kind eq "integer" ? "an integer" : "a number"}]
    _fail 2103 "$cmd -$name '$v': expected $what from $lo to $hi"
  }
  return $v
}

# The value of option $name, checked to be one of $choices (the first is the default).
proc mpgd::_choice {cmd opts name choices} {
  set v [_get $opts $name [lindex $choices 0]]
  if {$v ni $choices} {
    set last [lindex $choices end]
    set listed [join [lrange $choices 0 end-1] {, }]
    _fail 2108 "$cmd -$name '$v': expected $listed or $last"
  }
  return $v
}

proc mpgd::_get {opts name default} {
  if {[dict exists $opts $name]} {
    return [dict get $opts $name]
  }
  return $default
}

# mpgd::read_design -lef {A.lef B.lef} -def D.def
proc mpgd::read_design {args} {
  set cmd mpgd::read_design
  set o [_parse_args $cmd $args {-lef -def} {}]
  _require $cmd $o {lef def}
  foreach lef [dict get $o lef] {
    _existing $cmd -lef $lef
  }
  set def [_existing $cmd -def [dict get $o def]]
  return [_read_design $def {*}[dict get $o lef]]
}

# Runs one of OpenROAD's writers and checks that it wrote the file.
proc mpgd::_write_live {writer path} {
  if {[catch {::$writer $path} msg] || ![file isfile $path]} {
    if {![info exists msg] || $msg eq ""} {
      set msg "no file written"
    }
    _fail 2013 "mpgd::extract_live: $writer $path failed: [lindex [split $msg \n] 0]"
  }
}

# mpgd::extract_live [-dir DIR]: inside openroad, the design in memory through write_lef and
# write_def, read back with the same reader as read_design. write_lef writes the technology and the
# first library to mpgd.lef and each further library to mpgd_1.lef, mpgd_2.lef, ...
proc mpgd::extract_live {args} {
  set cmd mpgd::extract_live
  set o [_parse_args $cmd $args {-dir} {}]
  foreach writer {write_lef write_def} {
    if {[namespace which -command ::$writer] eq ""} {
      _fail 2012 "$cmd: '$writer' is not a command here; run inside openroad, or use mpgd::read_design"
    }
  }
  if {[dict exists $o dir]} {
    set dir [dict get $o dir]
  } else {
    set tmp [expr {[info exists ::env(TMPDIR)] ? $::env(TMPDIR) : "/tmp"}]
    set dir [file join $tmp mpgd-live-[pid]]
  }
  file mkdir $dir
  set lef [file join $dir mpgd.lef]
  set def [file join $dir mpgd.def]
  file delete -force $def {*}[glob -nocomplain -directory $dir mpgd.lef mpgd_*.lef]
  _write_live write_lef $lef
  _write_live write_def $def
  set lefs [list $lef]
  for {set i 1} {[file isfile [file join $dir mpgd_$i.lef]]} {incr i} {
    lappend lefs [file join $dir mpgd_$i.lef]
  }
  set info [_read_design $def {*}$lefs]
  dict set info lefs $lefs
  dict set info def $def
  return $info
}

# mpgd::predict -model M.onnx [-out DIR]
proc mpgd::predict {args} {
  set cmd mpgd::predict
  set o [_parse_args $cmd $args {-model -out} {}]
  _require $cmd $o {model}
  set model [_existing $cmd -model [dict get $o model]]
  return [_predict $model [_get $o out ""]]
}

# mpgd::emit_steering [-mode region|padding] [-max_adjust F] [-top F] [-layers LIST]
#   [-pad_sites N] [-pad_cells all|pins] [-pad_share F] [-pad_side both|left|right] [-map FILE.npy]
proc mpgd::emit_steering {args} {
  set cmd mpgd::emit_steering
  set o [_parse_args $cmd $args \
    {-mode -max_adjust -top -layers -pad_sites -pad_cells -pad_share -pad_side -map} {}]
  set mode [_get $o mode region]
  if {$mode ni {region padding}} {
    _fail 2030 "$cmd -mode '$mode': supported modes: region, padding (prior is built into mpgd's router: OpenROAD exposes no routing cost map)"
  }
  if {$mode eq "padding"} {
    set top [_number $cmd $o top 0.1 0 1]
    set sites [_number $cmd $o pad_sites 1 0 1000 integer]
    set cells [_choice $cmd $o pad_cells {all pins}]
    set share [_number $cmd $o pad_share 0.5 0 1]
    set side [_choice $cmd $o pad_side {both left right}]
  } else {
    set max_adjust [_number $cmd $o max_adjust 0.5 0 1]
    set top [_number $cmd $o top 0.05 0 1]
  }
  if {[dict exists $o map]} {
    _load_map [_existing $cmd -map [dict get $o map]]
  }
  if {$mode eq "padding"} {
    return [_emit_padding $top $sites $cells $share $side]
  }
  return [_emit_region $max_adjust $top {*}[_get $o layers {}]]
}

# mpgd::route [-layers LO-HI] [-clock_layers LO-HI] [-layer_adjust {NAME=F ...}]
#   [-region_adjust {{LLX LLY URX URY LAYER F} ...}] [-gcell_um X | -gcell_from_def]
#   [-iterations N] [-grt_rules 5c9e487|forks-2025|ispd2026] [-steer FILE.csv]
#   [-prior rudy|M.onnx|MAP.npy [-prior_weight W] [-history_dose K [-history_dose_slope B]]
#   [-prior_kind congestion|history]]
#   [-guide FILE] [-json FILE] [-maps DIR] [-verbose]
proc mpgd::route {args} {
  set cmd mpgd::route
  set o [_parse_args $cmd $args \
    {-layers -clock_layers -layer_adjust -region_adjust -gcell_um -iterations -grt_rules -steer -prior -prior_weight -history_dose -history_dose_slope -prior_kind -guide -json -maps} \
    {-gcell_from_def -verbose}]
  if {[dict exists $o gcell_um] && [dict exists $o gcell_from_def]} {
    _fail 2105 "$cmd: give -gcell_um or -gcell_from_def, not both"
  }
  set words {}
  dict set o gcell_um [_number $cmd $o gcell_um 0 1e-6 1e6]
  if {[dict get $o gcell_um] == 0} {
    dict unset o gcell_um
  }
  dict set o iterations [_number $cmd $o iterations 50 0 100000 integer]
  dict set o grt_rules [_choice $cmd $o grt_rules {5c9e487 forks-2025 ispd2026}]
  foreach key {layers clock_layers gcell_um iterations grt_rules guide json maps} {
    if {[dict exists $o $key]} {
      lappend words $key [dict get $o $key]
    }
  }
  if {[dict exists $o steer]} {
    lappend words steer [_existing $cmd -steer [dict get $o steer]]
  }
  if {[dict exists $o prior]} {
    set prior [dict get $o prior]
    if {$prior ne "rudy"} {
      set prior [_existing $cmd -prior $prior]
    }
    lappend words prior $prior
    if {[dict exists $o prior_weight]} {
      lappend words prior_weight [_number $cmd $o prior_weight 2 0 1e6]
    }
    # -history_dose and -prior_kind: which prior each applies to is checked by the route itself
    # (the CLI's rules and messages).
    if {[dict exists $o history_dose]} {
      lappend words history_dose [_number $cmd $o history_dose 2.43 1e-6 1e6]
    }
    if {[dict exists $o history_dose_slope]} {
      lappend words history_dose_slope [_number $cmd $o history_dose_slope 0 -100 100]
    }
    if {[dict exists $o prior_kind]} {
      lappend words prior_kind [_choice $cmd $o prior_kind {congestion history}]
    }
  } else {
    foreach key {prior_weight history_dose history_dose_slope prior_kind} {
      if {[dict exists $o $key]} {
        _fail 2109 "$cmd: -$key needs -prior"
      }
    }
  }
  foreach a [_get $o layer_adjust {}] {
    lappend words layer_adjust $a
  }
  foreach r [_get $o region_adjust {}] {
    lappend words region_adjust [join $r " "]
  }
  foreach flag {gcell_from_def verbose} {
    if {[dict exists $o $flag]} {
      lappend words $flag 1
    }
  }
  set result [_route {*}$words]
  if {[dict exists $result report]} {
    puts -nonewline [dict get $result report]
    dict unset result report
  }
  return $result
}

# mpgd::measure -log FILE | -rpt FILE
proc mpgd::measure {args} {
  set cmd mpgd::measure
  set o [_parse_args $cmd $args {-log -rpt} {}]
  if {[dict exists $o log] == [dict exists $o rpt]} {
    _fail 2107 "$cmd: give exactly one of -log FILE (a global_route -verbose log) or -rpt FILE (a congestion report)"
  }
  if {[dict exists $o log]} {
    return [_measure_log [_existing $cmd -log [dict get $o log]]]
  }
  return [_measure_rpt [_existing $cmd -rpt [dict get $o rpt]]]
}
