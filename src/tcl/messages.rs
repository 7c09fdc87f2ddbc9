//! The message IDs of the Tcl extension, in one table, as OpenROAD keeps one per tool
//! (`etc/find_messages.py`). Each ID is used at exactly one place: in a Rust `err(NNNN, ...)` /
//! `MPG-NNNN` here, or in `mpgd.tcl`'s `_fail NNNN ...`; a test checks that the table has
//! no duplicates and that every ID used in `src/tcl/` is in the table, used once.
//!
//! Errors read `mpgd: [ERROR MPG-2012] what is wrong, naming the file or value`, on one line.

use super::TclError;

/// (ID, what it reports). The Tcl extension uses 2000-2199, the flows in `flows/` 3000-3099.
pub const MESSAGES: &[(u32, &str)] = &[
    (2001, "internal error (a panic caught at the Tcl boundary)"),
    (2002, "unknown internal command"),
    (2003, "wrong number of arguments to an internal command"),
    (2010, "reading the design failed"),
    (2011, "no design loaded"),
    (
        2012,
        "extract_live outside openroad (no write_lef/write_def)",
    ),
    (2013, "write_lef/write_def wrote no file"),
    (2020, "cannot load the model"),
    (2021, "no prediction: run mpgd::predict or give -map"),
    (2022, "prediction map does not fit the design's GCell grid"),
    (2023, "cannot read a prediction map"),
    (2024, "prediction failed"),
    (2025, "cannot write the prediction files"),
    (2026, "the design has no routing layer to size GCells by"),
    (2027, "grid.json beside a map is not JSON"),
    (2030, "steering: unknown or unsupported mode"),
    (2031, "steering: bad option value"),
    (2032, "steering: unknown layer"),
    (2033, "steering: the map or options do not make regions"),
    (2040, "route: bad option value"),
    (2041, "route: routing failed"),
    (2042, "route: cannot write an output"),
    (2043, "route: bad routing configuration"),
    (2050, "measure: cannot read or parse the log"),
    (2051, "measure: cannot read or parse the congestion report"),
    (2100, "unknown option"),
    (2101, "option without a value"),
    (2102, "missing required option"),
    (2103, "option value is not a number in range"),
    (2104, "unexpected positional argument"),
    (2105, "mutually exclusive options"),
    (2106, "file not found"),
    (2107, "measure: neither or both of -log and -rpt"),
    (2108, "option value is not one of its choices"),
    (2109, "route: -prior_weight without -prior"),
    // flows/orfs/pre_global_route.tcl (INFO)
    (3001, "ORFS hook: steering disabled"),
    (3002, "ORFS hook: design extracted"),
    (3003, "ORFS hook: prediction"),
    (3004, "ORFS hook: region adjustments applied"),
];

/// `mpgd: [ERROR MPG-id] text`.
pub fn err(id: u32, text: impl std::fmt::Display) -> TclError {
    debug_assert!(
        MESSAGES.iter().any(|m| m.0 == id),
        "message {id} not in the table"
    );
    TclError(format!(
        "mpgd: [ERROR MPG-{id:04}] {}",
        one_line(&text.to_string())
    ))
}

/// The error a caught panic becomes.
pub fn internal_error(command: &str, text: &str) -> TclError {
    err(2001, format!("internal error in {command}: {text}"))
}

/// Keeps a message on one line (a Tcl error is one line; nested causes are joined by "; ").
fn one_line(s: &str) -> String {
    s.lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .collect::<Vec<_>>()
        .join("; ")
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BTreeMap;

    #[test]
    fn ids_are_unique() {
        let mut seen = std::collections::BTreeSet::new();
        for (id, _) in MESSAGES {
            assert!(seen.insert(id), "MPG-{id:04} is twice in the table");
        }
    }

    /// Every ID used in `src/tcl/` (Rust `err(NNNN` and Tcl `_fail NNNN`) is in the table and
    /// used at one place only; every table entry is used.
    #[test]
    fn every_id_used_once_and_listed() {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
        let mut files: Vec<(std::path::PathBuf, &[&str])> = Vec::new();
        for entry in std::fs::read_dir(root.join("src/tcl")).unwrap() {
            let path = entry.unwrap().path();
            if path.file_name().unwrap() != "messages.rs" {
                files.push((path, &["err(", "_fail "]));
            }
        }
        files.push((root.join("flows/orfs/pre_global_route.tcl"), &["MPG-"]));
        let mut uses: BTreeMap<u32, Vec<String>> = BTreeMap::new();
        for (path, patterns) in files {
            let text = std::fs::read_to_string(&path).unwrap();
            for pat in patterns {
                for (at, _) in text.match_indices(pat) {
                    let digits: String = text[at + pat.len()..]
                        .trim_start()
                        .chars()
                        .take_while(|c| c.is_ascii_digit())
                        .collect();
                    if digits.len() == 4 {
                        uses.entry(digits.parse().unwrap())
                            .or_default()
                            .push(path.display().to_string());
                    }
                }
            }
        }
        // 2001 is raised here, by internal_error.
        uses.entry(2001).or_default().push("messages.rs".into());
        for (id, places) in &uses {
            assert!(
                MESSAGES.iter().any(|m| m.0 == *id),
                "MPG-{id:04} used in {places:?} but not in the table"
            );
            assert_eq!(
                places.len(),
                1,
                "MPG-{id:04} used at several places: {places:?}"
            );
        }
        for (id, what) in MESSAGES {
            assert!(uses.contains_key(id), "MPG-{id:04} ({what}) is never used");
        }
    }

    #[test]
    fn errors_are_one_line() {
        let e = err(2010, "a.def:3:1: bad\n  caused by: x");
        assert_eq!(e.0, "mpgd: [ERROR MPG-2010] a.def:3:1: bad; caused by: x");
    }
}
