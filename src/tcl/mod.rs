//! The Tcl extension: `load libmpgd.so Mpgd` (or `package require mpgd`) in `tclsh8.6` or
//! `openroad` provides the `mpgd::` commands of docs/tcl.md.
//!
//! Three layers, as OpenROAD's tools are built: the user procs in `mpgd.tcl` (compiled into the
//! library, like grt's `tcl_inits`) parse and check `-key value` options and orchestrate OpenROAD
//! commands (`write_lef`, `write_def`); they call thin internal commands (`mpgd::_read_design`,
//! ...) that the C++ shim (`cpp/tcl_shim.cc`) registers and forwards, words as strings, to
//! [`commands::dispatch`] through the one trampoline of [`ffi`]. This module owns the Tcl
//! surface, the per-interpreter [`Session`] and the message IDs ([`messages`]); the work is done by
//! the library modules it calls (`design`, `route`, `steer`, `measure`).
//!
//! State is per interpreter: the shim keeps one [`Session`] in the interpreter's assoc data and
//! frees it with the interpreter, so child interpreters (and tests loading the library into
//! several) never see each other's design. The interpreter is single-threaded and the internal
//! commands never call back into Tcl, so the session needs no lock.

pub mod commands;
mod ffi;
pub mod messages;
pub mod value;

pub use ffi::Mpgd_Init;

/// The user-facing procs, evaluated when the library is loaded.
pub const INIT_SCRIPT: &str = include_str!("mpgd.tcl");

/// One interpreter's state.
#[derive(Default)]
pub struct Session {
    /// The current design (`mpgd::read_design`, `mpgd::extract_live`).
    pub design: Option<commands::Loaded>,
    /// The last prediction on the current design (`mpgd::predict`, `emit_steering -map`).
    pub prediction: Option<commands::PredictionMap>,
}

/// A one-line Tcl error, already starting `mpgd: [ERROR MPG-NNNN]`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TclError(pub String);

impl std::fmt::Display for TclError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}
