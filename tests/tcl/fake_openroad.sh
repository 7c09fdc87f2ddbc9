#!/bin/sh
# A stand-in for `openroad -no_init -exit SCRIPT` for testing flows/ab.sh: runs SCRIPT in tclsh8.6
# with OpenROAD's commands replaced by the recording procs of mocks.tcl; its global_route prints
# the bundled real OpenROAD log (nangate45/gcd reference_grt/congestion1.ok) and writes the
# bundled TR report as the congestion report. It cannot route: it checks the plumbing only.
here=$(cd "$(dirname "$0")" && pwd)
script=""
for a in "$@"; do
  case "$a" in
    -no_init|-exit) ;;
    *) script=$a ;;
  esac
done
exec tclsh8.6 "$here/fake_openroad.tcl" "$script"
