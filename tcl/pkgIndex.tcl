# Tcl package index for mpgd: with this folder on auto_path, `package require mpgd` loads the
# library from the first of: libmpgd.so beside this file, $env(MPGD_LIB), and the repository's
# release build (../target/release/libmpgd.so). See docs/tcl.md, "Installing".
package ifneeded mpgd 0.1.0 [list apply {{dir} {
    set name libmpgd[info sharedlibextension]
    set candidates [list [file join $dir $name]]
    if {[info exists ::env(MPGD_LIB)]} {
        lappend candidates $::env(MPGD_LIB)
    }
    lappend candidates [file join [file dirname $dir] target release $name]
    foreach lib $candidates {
        if {[file isfile $lib]} {
            load [file normalize $lib] Mpgd
            return
        }
    }
    error "mpgd: cannot find $name (looked in: [join $candidates {, }]); copy it beside\
        [file join $dir pkgIndex.tcl] or set MPGD_LIB"
}} $dir]
