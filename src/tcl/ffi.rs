//! The boundary with C++ and Tcl: the `cxx` bridge that `cpp/tcl_shim.cc` calls, the loader entry
//! point `Mpgd_Init`, and the one trampoline every Rust function reachable from C++ goes through.
//!
//! The trampoline runs its body under `catch_unwind` and returns `Result`: cxx turns an `Err` into
//! a `rust::Error` that the shim catches and hands to Tcl as `TCL_ERROR` with the text; a panic
//! becomes the error "mpgd: [ERROR MPG-2001] internal error in mpgd::predict: ..." and the
//! interpreter survives. (cxx aborts the process on a panic that escapes an `extern "Rust"`
//! function, so none may.)

#![warn(clippy::undocumented_unsafe_blocks, clippy::missing_safety_doc)]

use super::{Session, TclError};
use std::cell::RefCell;
use std::os::raw::{c_int, c_void};
use std::panic::{catch_unwind, AssertUnwindSafe};

#[cxx::bridge(namespace = "mpgd")]
mod bridge {
    extern "Rust" {
        /// One interpreter's state: its design and last prediction.
        type Session;
        fn new_session() -> Result<Box<Session>>;
        /// Names of the internal commands (`_read_design`, ...), registered as `::mpgd::NAME`.
        fn command_names() -> Result<Vec<String>>;
        /// The embedded `mpgd.tcl`: the user-facing procs.
        fn init_script() -> Result<String>;
        fn package_version() -> Result<String>;
        /// Runs internal command `command` with the words after its name.
        fn call(session: &mut Session, command: &str, words: Vec<String>) -> Result<String>;
    }
}

extern "C" {
    /// `cpp/tcl_shim.cc`: Tcl_InitStubs, command registration, `mpgd.tcl`, Tcl_PkgProvide.
    fn mpgd_shim_init(interp: *mut c_void) -> c_int;
}

/// The entry point `load libmpgd.so Mpgd` calls (named after the package prefix, as Tcl's `load`
/// expects). Defined here because a Rust cdylib exports only Rust `#[no_mangle]` symbols.
///
/// # Safety
/// `interp` must be a live `Tcl_Interp*` handed over by Tcl's `load`, used on its own thread.
#[no_mangle]
#[allow(non_snake_case)] // Tcl's `load` looks for `<Prefix>_Init`
pub unsafe extern "C" fn Mpgd_Init(interp: *mut c_void) -> c_int {
    install_panic_hook();
    // SAFETY: `interp` is the live interpreter Tcl's `load` passes (the caller's contract);
    // `mpgd_shim_init` is `noexcept` C++ that catches every exception, so nothing unwinds into Rust.
    unsafe { mpgd_shim_init(interp) }
}

thread_local! {
    /// Where the last panic on this thread happened ("src/x.rs:12:5"), set by the panic hook.
    static PANIC_AT: RefCell<Option<String>> = const { RefCell::new(None) };
}

/// Replaces the default panic hook (which prints to stderr) by one that only remembers where the
/// panic happened, for the trampoline's message. The hook lives in this library's copy of std, so
/// it affects mpgd's code only, never the host.
fn install_panic_hook() {
    static ONCE: std::sync::Once = std::sync::Once::new();
    ONCE.call_once(|| {
        std::panic::set_hook(Box::new(|info| {
            let at = info
                .location()
                .map(|l| format!("{}:{}:{}", l.file(), l.line(), l.column()));
            PANIC_AT.with(|p| *p.borrow_mut() = at);
        }));
    });
}

/// The one trampoline: runs `body`, turning a panic into an internal error of command `what`.
pub(crate) fn trampoline<T>(
    what: &str,
    body: impl FnOnce() -> Result<T, TclError>,
) -> Result<T, TclError> {
    PANIC_AT.with(|p| p.borrow_mut().take());
    match catch_unwind(AssertUnwindSafe(body)) {
        Ok(result) => result,
        Err(payload) => {
            let text = payload
                .downcast_ref::<&str>()
                .map(|s| s.to_string())
                .or_else(|| payload.downcast_ref::<String>().cloned())
                .unwrap_or_else(|| "unknown panic".to_string());
            let at = PANIC_AT
                .with(|p| p.borrow_mut().take())
                .map(|a| format!(" at {a}"))
                .unwrap_or_default();
            Err(super::messages::internal_error(
                what,
                &format!("{text}{at}"),
            ))
        }
    }
}

fn new_session() -> Result<Box<Session>, TclError> {
    trampoline("mpgd (load)", || Ok(Box::default()))
}

fn command_names() -> Result<Vec<String>, TclError> {
    trampoline("mpgd (load)", || {
        Ok(super::commands::registered()
            .map(|c| c.name.to_string())
            .collect())
    })
}

fn init_script() -> Result<String, TclError> {
    trampoline("mpgd (load)", || Ok(super::INIT_SCRIPT.to_string()))
}

fn package_version() -> Result<String, TclError> {
    trampoline("mpgd (load)", || Ok(env!("CARGO_PKG_VERSION").to_string()))
}

fn call(session: &mut Session, command: &str, words: Vec<String>) -> Result<String, TclError> {
    let user_name = format!("mpgd::{}", command.trim_start_matches('_'));
    trampoline(&user_name, || {
        super::commands::dispatch(session, command, &words)
    })
}
