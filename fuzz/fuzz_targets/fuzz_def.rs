//! DEF reader fuzz target: never panics, and whatever reads also round-trips through the writer
//! (read -> write -> read gives an equal value).
#![no_main]

use libfuzzer_sys::fuzz_target;
use mpgd::lefdef::def;
use std::path::Path;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    let keep = def::ParseOptions { keep_net_wiring: true };
    if let Ok((d, _)) = def::parse_with(text, Path::new("fuzz.def"), keep) {
        let mut out = String::new();
        def::write(&d, &mut out);
        let (again, _) = def::parse_with(&out, Path::new("written.def"), keep)
            .unwrap_or_else(|e| panic!("written DEF does not read back: {e}\n{out}"));
        assert!(d == again, "DEF changed in the round trip");
    }
});
