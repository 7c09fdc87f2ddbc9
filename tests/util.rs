//! Test harness: where the designs are, a temporary directory per test, and a runner for the real
//! `mpgd` binary.

#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

/// The shared designs folder: `$MPGD_DESIGNS`, else `../shared/designs` beside the repository.
/// Panics with a clear message when it is missing: a test that needs it must not pass silently.
pub fn designs_dir() -> PathBuf {
    let dir = std::env::var_os("MPGD_DESIGNS")
        .map(PathBuf::from)
        .unwrap_or_else(|| Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/designs"));
    assert!(
        dir.join("stats.json").is_file(),
        "designs folder not found at {} (set MPGD_DESIGNS to the folder holding stats.json)",
        dir.display()
    );
    dir
}

/// The numeric fields of `mpgd route --json` (SPEC); `compare.json` rows carry every one of them.
pub const ROUTE_JSON_NUMBERS: [&str; 8] = [
    "total_overflow",
    "max_overflow_h",
    "max_overflow_v",
    "total_overflow_unadjusted",
    "wirelength_um",
    "vias",
    "runtime_s",
    "gcell_um",
];

/// OpenROAD's `congestion1` test setting (layer range and deratings) for the bundled gcd; each
/// test adds its own `--iterations`.
pub const CONGESTION1: [&str; 8] = [
    "--layers",
    "metal2-metal10",
    "--layer-adjust",
    "metal2=0.9",
    "--layer-adjust",
    "metal3=0.9",
    "--layer-adjust",
    "metal4-metal10=1.0",
];

/// A file bundled with the repository under `tests/data/`.
pub fn bundled(rel: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/data")
        .join(rel)
}

/// The bundled nangate45/gcd: (LEFs, DEF).
pub fn gcd() -> (Vec<PathBuf>, PathBuf) {
    (
        vec![bundled("nangate45/gcd/Nangate45.lef")],
        bundled("nangate45/gcd/gcd.def"),
    )
}

/// One design of `stats.json` with its files and expected counts.
#[derive(Debug, Clone)]
pub struct Case {
    pub name: String,
    pub lefs: Vec<PathBuf>,
    pub def: PathBuf,
    pub expected: serde_json::Value,
}

/// Every design in the shared folder, LEFs ordered technology first.
pub fn cases() -> Vec<Case> {
    let dir = designs_dir();
    let text = std::fs::read_to_string(dir.join("stats.json")).expect("read stats.json");
    let all: Vec<serde_json::Value> = serde_json::from_str(&text).expect("parse stats.json");
    all.into_iter()
        .map(|v| {
            let folder = dir.join(v["folder"].as_str().unwrap());
            let mut lefs: Vec<PathBuf> = v["lefs"]
                .as_array()
                .unwrap()
                .iter()
                .map(|l| folder.join(l.as_str().unwrap()))
                .collect();
            // Technology LEF first, as a user would give them.
            lefs.sort_by_key(|p| {
                let n = p.file_name().unwrap().to_string_lossy().to_lowercase();
                !(n.contains("tech") || n.ends_with(".tlef"))
            });
            Case {
                name: format!(
                    "{}/{}",
                    v["folder"].as_str().unwrap(),
                    v["def_file"].as_str().unwrap()
                ),
                def: folder.join(v["def_file"].as_str().unwrap()),
                lefs,
                expected: v,
            }
        })
        .collect()
}

/// A fresh temporary directory, removed when dropped.
pub struct Dir {
    pub tmp: tempfile::TempDir,
}

impl Dir {
    pub fn new() -> Dir {
        Dir {
            tmp: tempfile::tempdir().expect("tempdir"),
        }
    }
    pub fn path(&self, rel: &str) -> PathBuf {
        self.tmp.path().join(rel)
    }
    /// Writes a file and returns its path.
    pub fn write(&self, rel: &str, bytes: &[u8]) -> PathBuf {
        let p = self.path(rel);
        std::fs::write(&p, bytes).expect("write");
        p
    }
    /// Names of the files in the directory, sorted.
    pub fn list(&self) -> Vec<String> {
        let mut v: Vec<String> = std::fs::read_dir(self.tmp.path())
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        v.sort();
        v
    }
}

/// Runs the real `mpgd` binary.
pub fn mpgd<I, S>(args: I) -> Output
where
    I: IntoIterator<Item = S>,
    S: AsRef<std::ffi::OsStr>,
{
    Command::new(env!("CARGO_BIN_EXE_mpgd"))
        .args(args)
        .output()
        .expect("run mpgd")
}

/// `--lef a --lef b --def d` for a design.
pub fn design_args(lefs: &[PathBuf], def: &Path) -> Vec<String> {
    let mut v = Vec::new();
    for l in lefs {
        v.push("--lef".to_string());
        v.push(l.display().to_string());
    }
    v.push("--def".to_string());
    v.push(def.display().to_string());
    v
}

/// Asserts a user error: exit status 1, one line on stderr starting `mpgd: `, no panic text.
pub fn assert_user_error(out: &Output, must_contain: &str) {
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "expected exit 1, stderr: {err}");
    assert!(!err.contains("panicked"), "a panic reached the user: {err}");
    let lines: Vec<&str> = err.lines().filter(|l| !l.contains("warning:")).collect();
    assert_eq!(lines.len(), 1, "expected one error line, got: {err}");
    assert!(lines[0].starts_with("mpgd: "), "error line: {}", lines[0]);
    assert!(
        lines[0].contains(must_contain),
        "error line {:?} should contain {:?}",
        lines[0],
        must_contain
    );
}

/// A tiny deterministic PRNG (SplitMix64) for seeded mutations.
pub struct Rng(pub u64);

impl Rng {
    pub fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
    pub fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }
}
