//! Finding and loading the ONNX Runtime shared library, once per process.
//!
//! mpgd links no ONNX Runtime: `ort` loads `libonnxruntime.so` at run time (`load-dynamic`). The
//! library is looked for, in order, at
//! 1. `ORT_DYLIB_PATH` when it is set (then nowhere else: an explicit choice that is wrong is an
//!    error, not a reason to pick another library);
//! 2. the project's `.venv` onnxruntime wheel,
//!    `.venv/lib/python3*/site-packages/onnxruntime/capi/libonnxruntime.so*`, under the current
//!    folder, under the executable's folder and its parents (`target/release/mpgd` finds the
//!    repository's `.venv`), and under the crate root at build time;
//! 3. the system library path (`libonnxruntime.so`, `libonnxruntime.so.1`, through `dlopen`).
//!
//! The first library found is loaded and must be ONNX Runtime 1.23 or newer (the `ort` release
//! pinned in Cargo.toml wraps 1.23, the wheel pinned in train/requirements.txt).

use std::path::{Path, PathBuf};
use std::sync::OnceLock;

/// Why no library could be used (kept per process, so it must be cheap to clone).
#[derive(Clone, Debug)]
pub(super) enum LibraryError {
    Missing(Vec<PathBuf>),
    Unusable { path: PathBuf, message: String },
}

/// The outcome of the one load, and the seconds it took.
static RUNTIME: OnceLock<(Result<PathBuf, LibraryError>, f64)> = OnceLock::new();

/// Loads ONNX Runtime on first use and returns the library's path.
pub(super) fn ensure() -> Result<&'static Path, LibraryError> {
    match &RUNTIME.get_or_init(timed_load).0 {
        Ok(p) => Ok(p),
        Err(e) => Err(e.clone()),
    }
}

/// The library in use, if one was loaded.
pub fn library_path() -> Option<&'static Path> {
    RUNTIME.get().and_then(|r| r.0.as_deref().ok())
}

/// Seconds the process spent loading the library (0 until it is loaded). Only the first model
/// a process loads pays it; a run that stands for a flow with one model counts it again.
pub fn load_seconds() -> f64 {
    RUNTIME.get().map_or(0.0, |r| r.1)
}

fn timed_load() -> (Result<PathBuf, LibraryError>, f64) {
    let t = std::time::Instant::now();
    let r = load();
    (r, t.elapsed().as_secs_f64())
}

/// Where a library file sits, and how it was found.
enum Candidate {
    /// A file to load by its path (`ORT_DYLIB_PATH` or a wheel).
    File(PathBuf),
    /// A name for `dlopen` to look up on the system library path.
    System(&'static str),
}

fn load() -> Result<PathBuf, LibraryError> {
    let mut searched = Vec::new();
    for candidate in candidates(&mut searched) {
        match candidate {
            Candidate::File(path) => return init(&path),
            Candidate::System(name) => match init(Path::new(name)) {
                Ok(p) => return Ok(p),
                // A library the system has but that is too old or broken is worth saying so.
                Err(LibraryError::Unusable { message, .. }) if !message.contains("load from") => {
                    return Err(LibraryError::Unusable {
                        path: name.into(),
                        message,
                    })
                }
                Err(_) => continue,
            },
        }
    }
    Err(LibraryError::Missing(searched))
}

/// The candidates in discovery order; `searched` gets every place looked at, for the error.
fn candidates(searched: &mut Vec<PathBuf>) -> Vec<Candidate> {
    if let Some(p) = std::env::var_os("ORT_DYLIB_PATH").filter(|p| !p.is_empty()) {
        let p = PathBuf::from(p);
        searched.push(p.clone());
        return if p.is_file() {
            vec![Candidate::File(p)]
        } else {
            vec![]
        };
    }
    for root in venv_roots() {
        searched.push(root.join(WHEEL_GLOB));
        if let Some(lib) = wheel_library(&root) {
            return vec![Candidate::File(lib)];
        }
    }
    searched.extend(SYSTEM_NAMES.iter().map(PathBuf::from));
    SYSTEM_NAMES.iter().map(|&n| Candidate::System(n)).collect()
}

const WHEEL_GLOB: &str = ".venv/lib/python3*/site-packages/onnxruntime/capi/libonnxruntime.so*";
const SYSTEM_NAMES: [&str; 2] = ["libonnxruntime.so", "libonnxruntime.so.1"];

/// Folders that may hold the project's `.venv`: the current folder, the executable's folder and
/// up to four of its parents, and the crate root at build time; each once, in that order.
fn venv_roots() -> Vec<PathBuf> {
    let mut roots: Vec<PathBuf> = Vec::new();
    if let Ok(cwd) = std::env::current_dir() {
        roots.push(cwd);
    }
    if let Some(dir) = std::env::current_exe()
        .ok()
        .and_then(|e| e.canonicalize().ok())
        .and_then(|e| e.parent().map(Path::to_path_buf))
    {
        roots.extend(dir.ancestors().take(5).map(Path::to_path_buf));
    }
    roots.push(PathBuf::from(env!("CARGO_MANIFEST_DIR")));
    let mut unique = Vec::new();
    for r in roots {
        if !unique.contains(&r) {
            unique.push(r);
        }
    }
    unique
}

/// The onnxruntime wheel's library under `root/.venv`, if there is one: the versioned file
/// (`libonnxruntime.so.1.23.2`) when present, else the shortest name; newest Python first.
fn wheel_library(root: &Path) -> Option<PathBuf> {
    let lib = root.join(".venv/lib");
    let mut pythons: Vec<PathBuf> = std::fs::read_dir(&lib)
        .ok()?
        .filter_map(|e| e.ok())
        .filter(|e| e.file_name().to_string_lossy().starts_with("python3"))
        .map(|e| e.path())
        .collect();
    pythons.sort();
    pythons.reverse();
    pythons.into_iter().find_map(|py| {
        let capi = py.join("site-packages/onnxruntime/capi");
        let mut libs: Vec<PathBuf> = std::fs::read_dir(&capi)
            .ok()?
            .filter_map(|e| e.ok())
            .filter(|e| {
                e.file_name()
                    .to_string_lossy()
                    .starts_with("libonnxruntime.so")
            })
            .map(|e| e.path())
            .filter(|p| p.is_file())
            .collect();
        libs.sort_by_key(|p| std::cmp::Reverse(p.as_os_str().len()));
        libs.into_iter().next()
    })
}

/// Loads the library at `path` into `ort` and commits the process's environment.
fn init(path: &Path) -> Result<PathBuf, LibraryError> {
    let unusable = |e: ort::Error| LibraryError::Unusable {
        path: path.to_path_buf(),
        message: e.to_string(),
    };
    let builder = ort::init_from(path).map_err(unusable)?;
    // `false` only means an environment was committed before: the one this process uses.
    let _ = builder.with_name("mpgd").with_telemetry(false).commit();
    Ok(path.to_path_buf())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_wheel_library_is_found_under_a_venv() {
        let dir = tempfile::tempdir().unwrap();
        assert!(wheel_library(dir.path()).is_none());
        let capi = dir
            .path()
            .join(".venv/lib/python3.11/site-packages/onnxruntime/capi");
        std::fs::create_dir_all(&capi).unwrap();
        std::fs::write(capi.join("libonnxruntime.so"), b"").unwrap();
        std::fs::write(capi.join("libonnxruntime.so.1.23.2"), b"").unwrap();
        std::fs::write(capi.join("libonnxruntime_providers_shared.so"), b"").unwrap();
        assert_eq!(
            wheel_library(dir.path()).unwrap(),
            capi.join("libonnxruntime.so.1.23.2")
        );
    }

    #[test]
    fn roots_start_at_the_current_folder_and_hold_the_crate_once() {
        let roots = venv_roots();
        assert_eq!(roots[0], std::env::current_dir().unwrap());
        let crate_root = Path::new(env!("CARGO_MANIFEST_DIR"));
        assert_eq!(roots.iter().filter(|r| *r == crate_root).count(), 1);
    }
}
