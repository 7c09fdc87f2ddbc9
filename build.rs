//! Builds the C++ half of the Tcl extension (`cpp/tcl_shim.cc`, the `cxx` bridge of
//! `src/tcl/ffi.rs`) against the Tcl 8.6 stubs: compiled with `-DUSE_TCL_STUBS`, linked with
//! `libtclstub8.6.a`, never with libtcl, so `libmpgd.so` loads into any Tcl 8.6 host (tclsh8.6,
//! openroad) without pulling in a second Tcl.
//!
//! Where the headers and the stub library are: `MPGD_TCL_INCLUDE` (the folder holding `tcl.h`) and
//! `MPGD_TCL_LIB` (the folder holding `libtclstub8.6.a`), else Debian's locations.

use std::path::{Path, PathBuf};

const DEFAULT_INCLUDE: &str = "/usr/include/tcl8.6";
const LIB_CANDIDATES: &[&str] = &[
    "/usr/lib/x86_64-linux-gnu",
    "/usr/lib/aarch64-linux-gnu",
    "/usr/lib64",
    "/usr/lib",
    "/usr/local/lib",
];

fn main() {
    println!("cargo:rerun-if-changed=cpp/tcl_shim.cc");
    println!("cargo:rerun-if-changed=src/tcl/ffi.rs");
    println!("cargo:rerun-if-env-changed=MPGD_TCL_INCLUDE");
    println!("cargo:rerun-if-env-changed=MPGD_TCL_LIB");
    let include = tcl_include();
    let lib = tcl_stub_lib();
    cxx_build::bridge("src/tcl/ffi.rs")
        .file("cpp/tcl_shim.cc")
        .define("USE_TCL_STUBS", None)
        .include(&include)
        .std("c++17")
        .warnings(true)
        .compile("mpgd_tcl_shim");
    println!("cargo:rustc-link-search=native={}", lib.display());
    println!("cargo:rustc-link-lib=static=tclstub8.6");
}

/// The folder holding `tcl.h` (8.6), or a one-line failure naming it and the package.
fn tcl_include() -> PathBuf {
    let dir = std::env::var_os("MPGD_TCL_INCLUDE")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(DEFAULT_INCLUDE));
    if !dir.join("tcl.h").is_file() {
        missing(&format!("Tcl 8.6 header {}", dir.join("tcl.h").display()));
    }
    dir
}

/// The folder holding `libtclstub8.6.a`, or a one-line failure naming it and the package.
fn tcl_stub_lib() -> PathBuf {
    if let Some(dir) = std::env::var_os("MPGD_TCL_LIB").map(PathBuf::from) {
        if !dir.join("libtclstub8.6.a").is_file() {
            missing(&format!(
                "Tcl stub library {}",
                dir.join("libtclstub8.6.a").display()
            ));
        }
        return dir;
    }
    LIB_CANDIDATES
        .iter()
        .map(Path::new)
        .find(|d| d.join("libtclstub8.6.a").is_file())
        .map(Path::to_path_buf)
        .unwrap_or_else(|| {
            missing(&format!(
                "Tcl stub library libtclstub8.6.a (looked in {})",
                LIB_CANDIDATES.join(", ")
            ))
        })
}

fn missing(what: &str) -> ! {
    eprintln!(
        "error: mpgd's Tcl extension needs the {what}: install the Debian/Ubuntu package tcl8.6-dev \
         (or set MPGD_TCL_INCLUDE / MPGD_TCL_LIB)"
    );
    std::process::exit(1);
}
