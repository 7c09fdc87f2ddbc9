//! read -> write -> read gives an identical design, on every design; tiling keeps counts.

use crate::util::*;
use mpgd::design::{from_parsed, BuildOptions, Design, MissingMasters};
use mpgd::lefdef::def::{self, ParseOptions};
use std::path::Path;

fn build(
    lefs: &[(std::path::PathBuf, mpgd::lefdef::lef::Lef)],
    d: &def::Def,
    path: &Path,
) -> Design {
    let refs: Vec<(&Path, &mpgd::lefdef::lef::Lef)> =
        lefs.iter().map(|(p, l)| (p.as_path(), l)).collect();
    let options = BuildOptions {
        missing_masters: MissingMasters::Warn,
        ..BuildOptions::default()
    };
    from_parsed(&refs, d, path, options).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

#[test]
fn every_design_round_trips_through_the_def_writer() {
    for case in cases() {
        let lefs: Vec<_> = case
            .lefs
            .iter()
            .map(|p| (p.clone(), mpgd::lefdef::read_lef(p).unwrap().0))
            .collect();
        let text = mpgd::lefdef::read_text(&case.def).unwrap();
        let keep = ParseOptions {
            keep_net_wiring: true,
        };
        let (first, _) = def::parse_with(&text, &case.def, keep).unwrap_or_else(|e| panic!("{e}"));
        let mut written = String::new();
        def::write(&first, &mut written);
        let (second, _) = def::parse_with(&written, Path::new("written.def"), keep)
            .unwrap_or_else(|e| panic!("{}: the written DEF does not read back: {e}", case.name));
        assert!(
            first == second,
            "{}: DEF changed in the round trip",
            case.name
        );
        let a = build(&lefs, &first, &case.def);
        let mut b = build(&lefs, &second, &case.def);
        b.warnings = a.warnings.clone();
        assert!(
            a == b,
            "{}: design model changed in the round trip",
            case.name
        );
    }
}

#[test]
fn tiling_gcd_two_by_two_multiplies_the_counts() {
    let (lefs, def_path) = gcd();
    let dir = Dir::new();
    let out_path = dir.path("gcd_2x2.def.gz");
    let out = mpgd([
        "tile",
        "--def",
        def_path.to_str().unwrap(),
        "--nx",
        "2",
        "--ny",
        "2",
        "--out",
        out_path.to_str().unwrap(),
    ]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let one = Design::load(&mpgd::design::DesignInput::new(lefs.clone(), def_path)).unwrap();
    let four = Design::load(&mpgd::design::DesignInput::new(lefs, out_path)).unwrap();
    assert_eq!(four.instances.len(), 4 * one.instances.len());
    assert_eq!(four.nets.len(), 4 * one.nets.len());
    assert_eq!(four.io_pins.len(), 0, "IO pins are dropped by default");
    assert_eq!(
        four.net_pins.len(),
        4 * (one.net_pins.len() - one.io_pins.len())
    );
    assert_eq!(four.die.width(), 2 * one.die.width());
    assert_eq!(four.die.height(), 2 * one.die.height());
    assert_eq!(four.rows.len(), 4 * one.rows.len());
    // Each tile's instance sits at its original place, shifted by the tile offset.
    let w = one.die.width();
    let i = one.instances.len() + 5; // tile (1, 0), instance 5
    assert_eq!(
        four.instances[i].bbox,
        one.instances[5].bbox.translate(w, 0)
    );
    assert!(four.instances[i].name.starts_with("t1_0_"));
    // Tracks cover the new die.
    for (a, b) in one.layers.iter().zip(&four.layers) {
        for (ta, tb) in a.tracks_x.iter().zip(&b.tracks_x) {
            assert!(tb.start + (tb.num - 1) * tb.step <= four.die.hi.x);
            assert!(tb.num >= 2 * ta.num - 1);
        }
    }
}
