//! LEF reader fuzz target: never panics; errors point inside the input.
#![no_main]

use libfuzzer_sys::fuzz_target;
use mpgd::lefdef::{lef, Error};
use std::path::Path;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    if let Err(Error::Syntax(e)) = lef::parse(text, Path::new("fuzz.lef")) {
        assert!(e.line >= 1 && e.line <= text.lines().count() + 1, "{e}");
    }
});
