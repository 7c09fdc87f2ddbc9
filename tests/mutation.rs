//! Truncated and mutated copies of every design, at seeded positions: the readers and the design
//! builder return `Ok` or an error pointing inside the file, and never panic.

use crate::util::*;
use mpgd::lefdef::{self, def, lef};
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::path::Path;

/// Replacement bytes that are likely to confuse a parser.
const NASTY: &[&[u8]] = &[
    b";",
    b" ",
    b"\n",
    b"-",
    b"(",
    b")",
    b"+",
    b"END",
    b"999999999999999999999",
    b"-5",
    b"\xc3",
    b"\"",
    b"#",
    b"*",
    b"1e400",
    b"NaN",
];

fn mutants(text: &[u8], n: usize, seed: u64) -> Vec<Vec<u8>> {
    let mut rng = Rng(seed);
    let mut out = Vec::with_capacity(2 * n);
    for _ in 0..n {
        out.push(text[..rng.below(text.len())].to_vec());
        let at = rng.below(text.len());
        let len = rng.below(8);
        let mut m = text[..at].to_vec();
        m.extend_from_slice(NASTY[rng.below(NASTY.len())]);
        m.extend_from_slice(&text[(at + len).min(text.len())..]);
        out.push(m);
    }
    out
}

fn check<T>(name: &str, bytes: &[u8], parse: impl Fn(&str) -> Result<T, lefdef::Error>) {
    let Ok(text) = std::str::from_utf8(bytes) else {
        return;
    }; // read_text's UTF-8 check is tested elsewhere
    let lines = text.lines().count().max(1) + 1;
    let result = catch_unwind(AssertUnwindSafe(|| parse(text)));
    match result {
        Err(_) => panic!("{name}: the parser panicked"),
        Ok(Ok(_)) => {}
        Ok(Err(lefdef::Error::Syntax(e))) => {
            assert!(
                e.line >= 1 && e.line <= lines,
                "{name}: error line {} outside the file ({lines} lines): {e}",
                e.line
            );
            assert!(!e.message.is_empty());
        }
        Ok(Err(e)) => panic!("{name}: unexpected error kind: {e}"),
    }
}

#[test]
fn mutated_defs_never_panic() {
    for case in cases() {
        let text = lefdef::read_text(&case.def).unwrap();
        // Big files get fewer mutants so the test stays quick.
        let n = if text.len() > 2_000_000 {
            8
        } else if text.len() > 500_000 {
            40
        } else {
            150
        };
        for (k, m) in mutants(text.as_bytes(), n, 7 + k_seed(&case.name))
            .iter()
            .enumerate()
        {
            check(&format!("{} mutant {k}", case.name), m, |t| {
                def::parse(t, Path::new("m.def"))
            });
        }
    }
}

#[test]
fn mutated_lefs_never_panic() {
    let mut seen = std::collections::BTreeSet::new();
    for case in cases() {
        for lef_path in &case.lefs {
            if !seen.insert(lef_path.clone()) {
                continue;
            }
            let text = lefdef::read_text(lef_path).unwrap();
            let n = if text.len() > 500_000 { 30 } else { 100 };
            for (k, m) in mutants(
                text.as_bytes(),
                n,
                11 + k_seed(&lef_path.display().to_string()),
            )
            .iter()
            .enumerate()
            {
                check(&format!("{} mutant {k}", lef_path.display()), m, |t| {
                    lef::parse(t, Path::new("m.lef"))
                });
            }
        }
    }
}

#[test]
fn mutated_gcd_never_panics_in_the_design_builder() {
    let (lefs, def_path) = gcd();
    let lib = lefdef::read_lef(&lefs[0]).unwrap().0;
    let text = std::fs::read(&def_path).unwrap();
    for (k, m) in mutants(&text, 300, 99).iter().enumerate() {
        let Ok(t) = std::str::from_utf8(m) else {
            continue;
        };
        let r = catch_unwind(AssertUnwindSafe(|| {
            if let Ok((d, _)) = def::parse(t, Path::new("m.def")) {
                let _ = mpgd::design::from_parsed(
                    &[(lefs[0].as_path(), &lib)],
                    &d,
                    Path::new("m.def"),
                    Default::default(),
                );
            }
        }));
        assert!(r.is_ok(), "mutant {k}: the design builder panicked");
    }
}

fn k_seed(s: &str) -> u64 {
    s.bytes()
        .fold(0u64, |h, b| h.wrapping_mul(31).wrapping_add(b as u64))
}

/// A section count that differs from the items that follow is read on with a warning naming the
/// section and both numbers, as OpenDB's reader does (issue 14); the items read are the same.
#[test]
fn wrong_section_counts_are_warnings() {
    let (_, def_path) = gcd();
    let text = lefdef::read_text(&def_path).unwrap();
    let (orig, _) = def::parse(&text, Path::new("m.def")).unwrap();
    for (kw, found) in [
        ("COMPONENTS", orig.components.len()),
        ("PINS", orig.pins.len()),
        ("NETS", orig.nets.len()),
    ] {
        for declared in [found + 1, found.saturating_sub(1), 3 * found] {
            let from = format!("\n{kw} {found} ;");
            assert!(text.contains(&from), "{kw} count in gcd.def");
            let m = text.replacen(&from, &format!("\n{kw} {declared} ;"), 1);
            let (d, ws) = def::parse(&m, Path::new("m.def"))
                .unwrap_or_else(|e| panic!("{kw} {declared}: {e}"));
            assert_eq!(d.components.len(), orig.components.len());
            assert_eq!(d.pins.len(), orig.pins.len());
            assert_eq!(d.nets.len(), orig.nets.len());
            let want = format!("{kw} section declares {declared} items but holds {found}");
            assert!(
                ws.iter().any(|w| w.message.starts_with(&want)),
                "{kw} {declared}: no warning '{want}' in {ws:?}"
            );
        }
    }
}

/// The design-level leniency: a net naming an IO pin absent from PINS loads with a warning
/// (OpenDB makes a terminal without shapes); a net naming an absent component still fails.
#[test]
fn a_net_naming_an_absent_io_pin_is_a_warning() {
    let (lefs, def_path) = gcd();
    let lib = lefdef::read_lef(&lefs[0]).unwrap().0;
    let text = lefdef::read_text(&def_path).unwrap();
    let (mut d, _) = def::parse(&text, Path::new("m.def")).unwrap();
    let io = d
        .nets
        .iter()
        .position(|n| n.connections.iter().any(|c| c.is_io()));
    let io = io.expect("gcd has a net with an IO pin");
    let c = d.nets[io]
        .connections
        .iter_mut()
        .find(|c| c.is_io())
        .unwrap();
    c.pin = "no_such_pin".into();
    let design = mpgd::design::from_parsed(
        &[(lefs[0].as_path(), &lib)],
        &d,
        Path::new("m.def"),
        Default::default(),
    )
    .expect("loads with a warning");
    assert!(
        design
            .warnings
            .iter()
            .any(|w| w.contains("IO pin 'no_such_pin', which PINS does not define")),
        "{:?}",
        design.warnings
    );
    let c = d.nets[io]
        .connections
        .iter_mut()
        .find(|c| c.is_io())
        .unwrap();
    c.component = "no_such_component".into();
    c.pin = "A".into();
    assert!(mpgd::design::from_parsed(
        &[(lefs[0].as_path(), &lib)],
        &d,
        Path::new("m.def"),
        Default::default(),
    )
    .is_err());
}
