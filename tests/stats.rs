//! `mpgd stats` against MANIFEST.md / stats.json, for every design.

use crate::util::*;
use mpgd::cli::stats::Stats;
use mpgd::design::{Design, DesignInput, MissingMasters};

fn load(case: &Case) -> Design {
    let mut input = DesignInput::new(case.lefs.clone(), case.def.clone());
    input.options.missing_masters = MissingMasters::Warn;
    Design::load(&input).unwrap_or_else(|e| panic!("{}: {e}", case.name))
}

#[test]
fn every_design_reads_with_the_manifest_counts() {
    let cases = cases();
    assert_eq!(cases.len(), 17, "stats.json should list 17 designs");
    for case in &cases {
        let d = load(case);
        let s = Stats::of(&d, 0.0);
        let e = &case.expected;
        let n = |k: &str| {
            e[k].as_u64()
                .unwrap_or_else(|| panic!("{}: {k} missing", case.name)) as usize
        };
        assert_eq!(s.components, n("comps"), "{}: components", case.name);
        assert_eq!(s.nets, n("nets"), "{}: nets", case.name);
        assert_eq!(s.net_pins, n("net_pins"), "{}: net pins", case.name);
        assert_eq!(s.io_pins, n("io_pins"), "{}: IO pins", case.name);
        assert_eq!(s.dbu_per_micron as usize, n("dbu"), "{}: dbu", case.name);
        assert_eq!(s.placed, n("placed"), "{}: placed", case.name);
        assert_eq!(s.fixed, n("fixed"), "{}: fixed", case.name);
        assert_eq!(
            s.block_macros,
            n("block_macros"),
            "{}: block macros",
            case.name
        );
        assert_eq!(s.max_net_degree, n("max_deg"), "{}: max degree", case.name);
        assert_eq!(
            s.routed_nets,
            n("routed_nets"),
            "{}: routed nets",
            case.name
        );
        assert_eq!(s.rows, n("rows"), "{}: rows", case.name);
        assert_eq!(
            s.missing_masters,
            n("missing_masters"),
            "{}: missing masters",
            case.name
        );
        // "100.13 x 100.8": the die size in microns.
        let die: Vec<f64> = e["die_um"]
            .as_str()
            .unwrap()
            .split(" x ")
            .map(|v| v.parse().unwrap())
            .collect();
        let [x0, y0, x1, y1] = s.die_um;
        assert!(
            (x1 - x0 - die[0]).abs() < 0.01 && (y1 - y0 - die[1]).abs() < 0.01,
            "{}: die {:?}",
            case.name,
            s.die_um
        );
        assert!(!s.layers.is_empty(), "{}: no routing layers", case.name);
    }
}

#[test]
fn stats_json_has_the_contract_fields() {
    let (lefs, def) = gcd();
    let mut args = vec!["stats".to_string(), "--json".into()];
    args.extend(design_args(&lefs, &def));
    let out = mpgd(&args);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let v: serde_json::Value =
        serde_json::from_slice(&out.stdout).expect("stats --json prints JSON");
    assert_eq!(v["components"], 676);
    assert_eq!(v["nets"], 579);
    assert_eq!(v["net_pins"], 1552);
    assert_eq!(v["io_pins"], 54);
    assert_eq!(v["dbu_per_micron"], 2000);
    let die: Vec<f64> = v["die_um"]
        .as_array()
        .unwrap()
        .iter()
        .map(|x| x.as_f64().unwrap())
        .collect();
    assert_eq!(die, vec![0.0, 0.0, 100.13, 100.8]);
    let layers = v["layers"].as_array().unwrap();
    let names: Vec<&str> = layers.iter().map(|l| l["name"].as_str().unwrap()).collect();
    assert_eq!(
        names,
        (1..=10).map(|i| format!("metal{i}")).collect::<Vec<_>>()
    );
    assert_eq!(layers[1]["direction"], "vertical");
    assert_eq!(layers[1]["pitch_um"], 0.19);
    assert_eq!(layers[0]["direction"], "horizontal");
}

#[test]
fn stats_table_names_the_design() {
    let (lefs, def) = gcd();
    let mut args = vec!["stats".to_string()];
    args.extend(design_args(&lefs, &def));
    let out = mpgd(&args);
    assert!(out.status.success());
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("design          gcd"), "{text}");
    assert!(text.contains("components      676"), "{text}");
}
