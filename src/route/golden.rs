//! Golden and acceptance tests against OpenROAD's own logs (`reference_grt/*.ok`): the GRT-0053
//! resources per layer (exact), the GRT-0096 Total resource (exact), and overflow, wirelength and
//! vias no worse than FastRoute's (issue 3's bars).
//!
//! The designs folder is `$MPGD_DESIGNS`, else `../shared/designs` next to the crate; when it is
//! missing every test here fails with a message saying so (never a silent pass).

use super::capacity::GrtRules;
use super::{setup, LayerSel, RouteConfig};
use crate::design::{Design, DesignInput};
use std::path::PathBuf;
use std::sync::OnceLock;

fn designs() -> PathBuf {
    let p = std::env::var_os("MPGD_DESIGNS")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../shared/designs"));
    assert!(
        p.join("nangate45/gcd/gcd.def").exists(),
        "designs folder {} not found: set MPGD_DESIGNS",
        p.display()
    );
    p
}

fn nangate() -> &'static Design {
    static D: OnceLock<Design> = OnceLock::new();
    D.get_or_init(|| {
        let d = designs().join("nangate45/gcd");
        Design::load(&DesignInput::new(
            vec![d.join("Nangate45.lef")],
            d.join("gcd.def"),
        ))
        .expect("nangate45/gcd loads")
    })
}

fn sky130() -> &'static Design {
    static D: OnceLock<Design> = OnceLock::new();
    D.get_or_init(|| {
        let d = designs().join("sky130hs/gcd");
        Design::load(&DesignInput::new(
            vec![
                d.join("sky130hs.tlef"),
                d.join("sky130_fd_sc_hs_merged.lef.gz"),
            ],
            d.join("gcd_sky130.def"),
        ))
        .expect("sky130hs/gcd loads")
    })
}

/// The reference numbers of one `.ok` log.
struct Reference {
    /// (layer, original, derated) from GRT-0053.
    resources: Vec<(String, i64, i64)>,
    total_resource: i64,
    total_overflow: i64,
    wirelength: i64,
    vias: i64,
}

fn reference(path: &str) -> Reference {
    let p = designs().join(path);
    let text = std::fs::read_to_string(&p).unwrap_or_else(|e| panic!("{}: {e}", p.display()));
    let lines: Vec<&str> = text.lines().collect();
    let at = lines
        .iter()
        .position(|l| l.contains("GRT-0053"))
        .expect("GRT-0053 table");
    let mut resources = Vec::new();
    for l in &lines[at + 4..] {
        if l.starts_with("---") {
            break;
        }
        let f: Vec<&str> = l.split_whitespace().collect();
        resources.push((
            f[0].to_string(),
            f[2].parse().unwrap(),
            f[3].parse().unwrap(),
        ));
    }
    let num = |key: &str, idx: usize| -> i64 {
        let l = lines
            .iter()
            .find(|l| l.contains(key))
            .unwrap_or_else(|| panic!("{key} in {path}"));
        l.split_whitespace().nth(idx).unwrap().parse().unwrap()
    };
    let total = lines
        .iter()
        .rev()
        .find(|l| l.starts_with("Total "))
        .expect("Total row");
    let f: Vec<&str> = total.split_whitespace().collect();
    Reference {
        resources,
        total_resource: f[1].parse().unwrap(),
        total_overflow: f.last().unwrap().parse().unwrap(),
        wirelength: num("GRT-0018", 4),
        vias: num("GRT-0111", 6),
    }
}

fn adj(spec: &[(&str, f32)]) -> Vec<(LayerSel, f32)> {
    spec.iter()
        .map(|&(n, f)| {
            let sel = if n == "*" {
                LayerSel::All
            } else if let Some((a, b)) = n.split_once('-') {
                LayerSel::Range(a.into(), b.into())
            } else {
                LayerSel::Name(n.into())
            };
            (sel, f)
        })
        .collect()
}

/// The settings of each case (MANIFEST.md, bottom table).
fn case(name: &str) -> (&'static Design, RouteConfig, Reference) {
    let cfg_n = |a: &[(&str, f32)]| RouteConfig {
        layer_range: Some(("metal2".into(), "metal10".into())),
        layer_adjust: adj(a),
        ..Default::default()
    };
    match name {
        "gcd" => (
            nangate(),
            cfg_n(&[]),
            reference("nangate45/gcd/reference_grt/gcd.ok"),
        ),
        "congestion1" => (
            nangate(),
            cfg_n(&[("metal2", 0.9), ("metal3", 0.9), ("metal4-metal10", 1.0)]),
            reference("nangate45/gcd/reference_grt/congestion1.ok"),
        ),
        "congestion2" => (
            nangate(),
            cfg_n(&[("metal2-metal6", 0.9), ("metal7-metal10", 1.0)]),
            reference("nangate45/gcd/reference_grt/congestion2.ok"),
        ),
        "congestion5" => (
            nangate(),
            cfg_n(&[("metal2", 0.7), ("metal3-metal10", 1.0)]),
            reference("nangate45/gcd/reference_grt/congestion5.ok"),
        ),
        "congestion6" => (
            nangate(),
            cfg_n(&[("metal2", 0.9), ("metal3", 0.7), ("metal4-metal10", 1.0)]),
            reference("nangate45/gcd/reference_grt/congestion6.ok"),
        ),
        "congestion7" => (
            nangate(),
            cfg_n(&[("metal2", 0.9), ("metal3", 0.9), ("metal4-metal10", 1.0)]),
            reference("nangate45/gcd/reference_grt/congestion7.ok"),
        ),
        "pin_access2" => (
            sky130(),
            RouteConfig {
                layer_range: Some(("met1".into(), "met5".into())),
                clock_layer_range: Some(("met3".into(), "met5".into())),
                layer_adjust: adj(&[("met1", 0.8), ("met2", 0.7), ("*", 0.5)]),
                ..Default::default()
            },
            reference("sky130hs/gcd/reference_grt/pin_access2.ok"),
        ),
        _ => unreachable!(),
    }
}

fn check_resources(name: &str) {
    let (d, cfg, r) = case(name);
    let s = setup::build(d, &cfg).expect("setup");
    let (orig, der) = (s.original.totals(), s.adjusted.totals());
    let mut bad = Vec::new();
    for (l, o, dr) in &r.resources {
        let i = d.layer_id(l).expect("layer") as usize;
        if orig[i] != *o || der[i] != *dr {
            bad.push(format!(
                "{l}: ours {}/{} OpenROAD {o}/{dr}",
                orig[i], der[i]
            ));
        }
    }
    assert!(
        bad.is_empty(),
        "{name}: GRT-0053 differs:\n{}",
        bad.join("\n")
    );
    assert_eq!(
        der.iter().sum::<i64>(),
        r.total_resource,
        "{name}: GRT-0096 Total resource"
    );
}

#[test]
fn grt0053_gcd() {
    check_resources("gcd");
}
#[test]
fn grt0053_congestion1() {
    check_resources("congestion1");
}
#[test]
fn grt0053_congestion2() {
    check_resources("congestion2");
}
#[test]
fn grt0053_congestion5() {
    check_resources("congestion5");
}
#[test]
fn grt0053_congestion6() {
    check_resources("congestion6");
}
#[test]
fn grt0053_congestion7() {
    check_resources("congestion7");
}
/// sky130hs: every layer exact, which needs three grt details (docs/router.md): generated DEF
/// vias have their metal, an obstruction inside one GCell blocks the edge to the next, and an
/// edge loses `ceil(sum of its merged blocked lengths / pitch)` tracks, one rounding per edge.
#[test]
fn grt0053_pin_access2() {
    check_resources("pin_access2");
}

/// pin_access2 routes its non-leaf clock nets on met3-met5 (`set_routing_layers -clock`): grt
/// finds `clk` and `clknet_0_clk` (the four `clknet_2_*` nets drive flop clock pins).
#[test]
fn pin_access2_non_leaf_clock_nets_stay_in_the_clock_range() {
    let (d, cfg, _) = case("pin_access2");
    let s = setup::build(d, &cfg).expect("setup");
    let (met1, met3, met5) = (
        d.layer_id("met1").unwrap() as usize,
        d.layer_id("met3").unwrap() as usize,
        d.layer_id("met5").unwrap() as usize,
    );
    let mut clock: Vec<&str> = s
        .nets
        .iter()
        .filter(|n| n.layers.1 == met5 && n.layers.0 == met3)
        .map(|n| n.name.as_str())
        .collect();
    clock.sort_unstable();
    assert_eq!(clock, ["clk", "clknet_0_clk"]);
    let leaf = s.nets.iter().find(|n| n.name == "clknet_2_0__leaf_clk");
    assert_eq!(leaf.map(|n| n.layers.0), Some(met1));
    let res = super::run(d, &cfg).expect("route");
    for r in res
        .routes
        .iter()
        .filter(|r| clock.contains(&r.name.as_str()))
    {
        assert!(!r.wires.is_empty(), "{} has wires", r.name);
        assert!(
            r.wires.iter().all(|w| (met3..=met5).contains(&w.0)),
            "{}: {:?}",
            r.name,
            r.wires
        );
    }
}

fn check_route(name: &str) {
    let (d, cfg, r) = case(name);
    let res = super::run(d, &cfg).expect("route");
    let msg = format!(
        "{name}: ours overflow {} wl {} vias {}; FastRoute {} / {} / {}",
        res.total_overflow, res.wirelength_um, res.vias, r.total_overflow, r.wirelength, r.vias
    );
    assert!(res.total_overflow <= r.total_overflow, "{msg}");
    assert!(
        res.wirelength_um as f64 <= 1.05 * r.wirelength as f64,
        "{msg}"
    );
    assert!(res.vias as f64 <= 1.10 * r.vias as f64, "{msg}");
}

#[test]
fn route_gcd() {
    check_route("gcd");
}
#[test]
fn route_congestion1() {
    check_route("congestion1");
}
#[test]
fn route_congestion2() {
    check_route("congestion2");
}
#[test]
fn route_congestion5() {
    check_route("congestion5");
}
#[test]
fn route_congestion6() {
    check_route("congestion6");
}
#[test]
fn route_pin_access2() {
    check_route("pin_access2");
}

/// Same answer with 1 and 2 threads.
#[test]
fn route_is_deterministic_across_threads() {
    let (d, cfg, _) = case("congestion2");
    let cfg = RouteConfig {
        iterations: 5,
        ..cfg
    };
    let one = rayon::ThreadPoolBuilder::new()
        .num_threads(1)
        .build()
        .unwrap()
        .install(|| super::run(d, &cfg).unwrap());
    let two = rayon::ThreadPoolBuilder::new()
        .num_threads(2)
        .build()
        .unwrap()
        .install(|| super::run(d, &cfg).unwrap());
    assert_eq!(one.routes, two.routes);
    assert_eq!(
        (one.total_overflow, one.wirelength_um, one.vias),
        (two.total_overflow, two.wirelength_um, two.vias)
    );
}

// ---------------------------------------------------------------------------------------------
// OpenROAD's grt regression cases (`openroad-grt/cases.json`, issue 14): every case's GRT-0053
// table, and on the cases whose log has a GRT-0096 table, overflow / wirelength / vias.

/// One case of `openroad-grt/cases.json`.
#[derive(serde::Deserialize)]
struct GrtCase {
    name: String,
    lefs: Vec<String>,
    def: String,
    log: String,
    flags: Vec<String>,
}

/// Cases whose resources are not (yet) grt's, with the reason. A case listed here that becomes
/// exact fails the test, so that the list stays true.
const NOT_EXACT: &[(&str, &str)] = &[(
    "infinite_cap",
    "`global_route -infinite_cap` (grt: a testing mode) gives every layer, metal1 outside \
         the range too, 3276 per edge of its direction (3898440 = 3276 x 35 x 34); mpgd has no \
         such mode, see docs/router.md",
)];

fn grt_dir() -> PathBuf {
    designs().join("openroad-grt")
}

fn grt_cases() -> Vec<GrtCase> {
    let p = grt_dir().join("cases.json");
    let text = std::fs::read_to_string(&p).unwrap_or_else(|e| panic!("{}: {e}", p.display()));
    serde_json::from_str(&text).expect("cases.json")
}

/// The routing layers grt ran with, from the log's GRT-0020 / GRT-0021 lines.
fn logged_layer_range(log: &str) -> Option<(String, String)> {
    let layer = |key: &str| -> Option<String> {
        let l = log.lines().find(|l| l.contains(key))?;
        Some(l.split_whitespace().last()?.to_string())
    };
    Some((layer("GRT-0020")?, layer("GRT-0021")?))
}

/// The `mpgd route` flags of a case as a configuration (the flags `cases.json` uses). A case
/// without `--layers` takes the range its log says grt routed with (GRT-0020 / GRT-0021: the
/// test scripts of those cases set it in ways `cases.json` does not carry).
fn grt_config(flags: &[String], log: &str) -> RouteConfig {
    let mut cfg = RouteConfig {
        layer_range: logged_layer_range(log),
        ..Default::default()
    };
    let mut it = flags.iter();
    while let Some(f) = it.next() {
        let v = it.next().unwrap_or_else(|| panic!("{f} without a value"));
        match f.as_str() {
            "--layers" => cfg.layer_range = Some(super::parse_layer_range(v).unwrap()),
            "--clock-layers" => cfg.clock_layer_range = Some(super::parse_layer_range(v).unwrap()),
            "--layer-adjust" => cfg.layer_adjust.push(super::parse_layer_adjust(v).unwrap()),
            "--region-adjust" => {
                let w: Vec<&str> = v.split_whitespace().collect();
                assert_eq!(w.len(), 6, "{v}");
                let n = |i: usize| w[i].parse::<f64>().unwrap();
                cfg.region_adjust.push(super::RegionAdjustment {
                    rect_um: [n(0), n(1), n(2), n(3)],
                    layer: w[4].to_string(),
                    fraction: w[5].parse().unwrap(),
                });
            }
            _ => panic!("flag {f} is not read by the golden tests"),
        }
    }
    cfg
}

fn grt_design(c: &GrtCase) -> Design {
    let dir = grt_dir();
    Design::load(&DesignInput::new(
        c.lefs.iter().map(|l| dir.join(l)).collect(),
        dir.join(&c.def),
    ))
    .unwrap_or_else(|e| panic!("{}: {e}", c.name))
}

/// The first GRT-0053 table of a log: (layer, original, derated).
fn grt0053(log: &str) -> Vec<(String, i64, i64)> {
    let lines: Vec<&str> = log.lines().collect();
    let at = lines
        .iter()
        .position(|l| l.contains("GRT-0053"))
        .expect("GRT-0053 table");
    lines[at + 4..]
        .iter()
        .take_while(|l| !l.starts_with("---"))
        .map(|l| {
            let f: Vec<&str> = l.split_whitespace().collect();
            (
                f[0].to_string(),
                f[2].parse().unwrap(),
                f[3].parse().unwrap(),
            )
        })
        .collect()
}

/// Whether a log's run routed with CUGR (`global_route -use_cugr`: its stage lines). CUGR prints
/// the GRT-0053 table of its own capacity model (on FastRoute's GCell tile, `getGCellTileSize`):
/// a layer adjustment applied to the layer's total (cugr_adjustment2: metal2 17918 x 0.4 = 7167, where FastRoute floors each
/// edge), and its own blocked metal1 (critical_nets_percentage_cugr: met1 30634, where the same
/// DEF and flags give FastRoute's 29644 in res_aware_nets_percentage). Those rows are not
/// FastRoute's model, so they are reported and not asserted.
fn routed_with_cugr(log: &str) -> bool {
    log.contains("Stage 1: Pattern routing")
}

/// The differences between our resources and the log's, one line per layer.
fn resource_misses(c: &GrtCase) -> Result<Vec<String>, String> {
    let log = std::fs::read_to_string(grt_dir().join(&c.log)).map_err(|e| e.to_string())?;
    let d = grt_design(c);
    let cfg = grt_config(&c.flags, &log);
    let s = setup::build(&d, &cfg).map_err(|e| e.to_string())?;
    let (orig, der) = (s.original.totals(), s.adjusted.totals());
    let mut bad = Vec::new();
    for (l, o, dr) in grt0053(&log) {
        match d.layer_id(&l) {
            Some(i) if orig[i as usize] == o && der[i as usize] == dr => {}
            Some(i) => bad.push(format!(
                "{l}: ours {}/{} OpenROAD {o}/{dr}",
                orig[i as usize], der[i as usize]
            )),
            None => bad.push(format!("{l}: not a layer of ours")),
        }
    }
    Ok(bad)
}

/// GRT-0053 original and derated resources on every layer of every FastRoute case, exact; the
/// cases of [`NOT_EXACT`] are reported with their reason and must still miss. CUGR cases are
/// compared and reported, not asserted ([`routed_with_cugr`]).
#[test]
fn grt0053_every_openroad_grt_case() {
    let mut failures = Vec::new();
    let (mut exact, mut fastroute, mut cugr_exact, mut cugr) = (0, 0, 0, 0);
    for c in &grt_cases() {
        let log = std::fs::read_to_string(grt_dir().join(&c.log)).unwrap();
        let misses = resource_misses(c);
        if routed_with_cugr(&log) {
            cugr += 1;
            match misses {
                Ok(b) if b.is_empty() => cugr_exact += 1,
                Ok(b) => eprintln!("{} (CUGR's table): {}", c.name, b.join("; ")),
                Err(e) => failures.push(format!("{}: {e}", c.name)),
            }
            continue;
        }
        fastroute += 1;
        let known = NOT_EXACT.iter().find(|k| k.0 == c.name);
        match (misses, known) {
            (Ok(b), None) if b.is_empty() => exact += 1,
            (Ok(b), Some(k)) if b.is_empty() => failures.push(format!(
                "{}: exact now, remove it from NOT_EXACT ({})",
                c.name, k.1
            )),
            (Ok(b), None) => failures.push(format!("{}:\n  {}", c.name, b.join("\n  "))),
            (Err(e), None) => failures.push(format!("{}: {e}", c.name)),
            (Ok(b), Some(k)) => {
                eprintln!(
                    "{}: not exact, known: {}\n  {}",
                    c.name,
                    k.1,
                    b.join("\n  ")
                )
            }
            (Err(e), Some(k)) => eprintln!("{}: not exact, known: {}: {e}", c.name, k.1),
        }
    }
    eprintln!(
        "GRT-0053 exact on {exact} of {fastroute} FastRoute cases; \
         CUGR's tables equal ours on {cugr_exact} of {cugr}"
    );
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

/// grt's default GCell tile is `dbBlock::getGCellTileSize`: 15 times the middle one of the track
/// pitches of routing layers 2-4 (metal2 190, metal3 140, metal4 280 DBU on OpenROAD's
/// `remove_buffers*.def`: 2850 DBU, 17 x 17 GCells on its 50 um die), not 15 pitches of layer 3
/// (2100 DBU, 23 x 23, metal2 5786 where grt has 4208). The log is FastRoute's
/// (`src/grt/test/remove_buffers3.ok`, bundled); the design is the shared `remove_buffers3_cugr`'s.
#[test]
fn grt0053_remove_buffers3_takes_grts_median_pitch_tile() {
    let dir = grt_dir().join("remove_buffers3_cugr");
    let d = Design::load(&DesignInput::new(
        vec![dir.join("00_Nangate45.lef"), dir.join("01_buf_m3.lef")],
        dir.join("02_remove_buffers3.def"),
    ))
    .expect("remove_buffers3 loads");
    let log_path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/data/openroad-grt/remove_buffers3/remove_buffers3.ok");
    let log = std::fs::read_to_string(&log_path).expect("bundled remove_buffers3.ok");
    let flags: Vec<String> = [
        "--layers",
        "metal2-metal8",
        "--clock-layers",
        "metal3-metal8",
        "--layer-adjust",
        "metal2=0.8",
        "--layer-adjust",
        "metal3=0.7",
        "--layer-adjust",
        "*=0.5",
    ]
    .iter()
    .map(|f| f.to_string())
    .collect();
    let s = setup::build(&d, &grt_config(&flags, &log)).expect("setup");
    assert_eq!((s.grid.tile, s.grid.nx, s.grid.ny), (2850, 17, 17));
    let (orig, der) = (s.original.totals(), s.adjusted.totals());
    for (l, o, dr) in grt0053(&log) {
        let i = d.layer_id(&l).expect("layer") as usize;
        assert_eq!((orig[i], der[i]), (o, dr), "{l}: ours against OpenROAD's");
    }
}

/// The GRT-0053 rows of `log`'s layers as `cfg` makes them: (layer, "Original", "Derated").
fn resources_under(d: &Design, cfg: &RouteConfig, log: &str) -> Vec<(String, i64, i64)> {
    let s = setup::build(d, cfg).expect("setup");
    let (o, dr) = (&s.original_resources, s.adjusted.totals());
    grt0053(log)
        .iter()
        .map(|(l, _, _)| {
            let i = d.layer_id(l).expect("layer") as usize;
            (l.clone(), o[i], dr[i])
        })
        .collect()
}

/// grt before 5c9e487 rounded an edge's partly blocked tracks once per merged interval
/// (`initBlockedIntervals`), 5c9e487 once per edge. Two logs of that older grt (bundled in
/// `tests/data/openroad-grt/older-grt/`: tracks1 differs from 5c9e487's log of the same test on
/// met1 alone; pre_routed1) are exact with [`GrtRules::Forks2025`] (blocked tracks rounded per
/// interval) and not with the default.
#[test]
fn grt0053_older_grt_rounds_blocked_tracks_per_interval() {
    let sky = grt_dir().join("clock_route");
    let lefs = vec![
        sky.join("00_sky130hs.tlef"),
        sky.join("01_sky130_fd_sc_hs_merged.lef"),
    ];
    let data = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/data/openroad-grt");
    let pre_routed_flags = "--layers met1-met5 --clock-layers met3-met5 --layer-adjust met1=0.8 \
                            --layer-adjust met2=0.7 --layer-adjust *=0.5";
    let cases = [
        ("tracks1", grt_dir().join("tracks1/02_tracks1.def"), ""),
        (
            "pre_routed1",
            data.join("pre_routed1/pre_routed1.def"),
            pre_routed_flags,
        ),
    ];
    for (name, def, flags) in cases {
        let log = std::fs::read_to_string(data.join(format!("older-grt/{name}.ok"))).unwrap();
        let mut input = DesignInput::new(lefs.clone(), def);
        input.options.net_wiring = true;
        let d = Design::load(&input).unwrap_or_else(|e| panic!("{name}: {e}"));
        let flags: Vec<String> = flags.split_whitespace().map(String::from).collect();
        let mut cfg = grt_config(&flags, &log);
        cfg.pre_routed = super::PreRouted::Keep;
        let mut table = |rules| {
            cfg.grt_rules = rules;
            resources_under(&d, &cfg, &log)
        };
        assert_eq!(table(GrtRules::Forks2025), grt0053(&log), "{name}");
        assert_ne!(table(GrtRules::Grt5c9e487), grt0053(&log), "{name}");
    }
}

/// ISPDContest2026/OpenROAD's grt has another capacity model (`capacity::GrtRules::Ispd2026`:
/// layer-3 tile, one capacity per layer, "Original" from the capacities). Two of its logs
/// (bundled in `tests/data/openroad-grt/ispd2026/`) are exact with those rules on every layer
/// and not with the default.
#[test]
fn grt0053_ispd2026_rules_reproduce_that_forks_logs() {
    let dir = grt_dir().join("congestion2");
    let input = DesignInput::new(vec![dir.join("00_Nangate45.lef")], dir.join("01_gcd.def"));
    let d = Design::load(&input).expect("gcd");
    let data = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/data/openroad-grt/ispd2026");
    let congestion1 = "--layers metal2-metal10 --layer-adjust metal2=0.9 --layer-adjust \
                       metal3=0.9 --layer-adjust metal4-metal10=1.0";
    for (name, flags) in [("congestion1", congestion1), ("gcd_flute", "")] {
        let log = std::fs::read_to_string(data.join(format!("{name}.ok"))).unwrap();
        let flags: Vec<String> = flags.split_whitespace().map(String::from).collect();
        let mut cfg = grt_config(&flags, &log);
        let mut table = |rules| {
            cfg.grt_rules = rules;
            resources_under(&d, &cfg, &log)
        };
        assert_eq!(table(GrtRules::Ispd2026), grt0053(&log), "{name}");
        assert_ne!(table(GrtRules::Grt5c9e487), grt0053(&log), "{name}");
    }
}

/// FastRoute's final numbers of a log with a GRT-0096 table: (total overflow, wirelength µm,
/// vias); `None` for the logs without one (the `_cugr` cases route with CUGR).
fn fastroute_totals(log: &str) -> Option<(i64, i64, i64)> {
    if !log.contains("GRT-0096") {
        return None;
    }
    let field = |key: &str, idx: usize| -> Option<i64> {
        let l = log.lines().find(|l| l.contains(key))?;
        l.split_whitespace().nth(idx)?.parse().ok()
    };
    let total = log.lines().find(|l| l.starts_with("Total "))?;
    let overflow = total.split_whitespace().last()?.parse().ok()?;
    Some((overflow, field("GRT-0018", 4)?, field("GRT-0111", 6)?))
}

/// Cases whose route is not (yet) at FastRoute's bars, with the reason; same rule as
/// [`NOT_EXACT`].
const ROUTE_MISSES: &[(&str, &str)] = &[];

/// On every case with a GRT-0096 table: total overflow ≤ FastRoute's, wirelength ≤ 1.05x,
/// vias ≤ 1.10x (issue 3's bars).
#[test]
fn route_every_openroad_grt_case() {
    let mut failures = Vec::new();
    let mut met = 0;
    let mut compared = 0;
    for c in &grt_cases() {
        let log = std::fs::read_to_string(grt_dir().join(&c.log)).unwrap();
        let Some((fr_of, fr_wl, fr_vias)) = fastroute_totals(&log) else {
            continue;
        };
        compared += 1;
        let d = grt_design(c);
        let res = super::run(&d, &grt_config(&c.flags, &log)).expect("route");
        let ok = res.total_overflow <= fr_of
            && res.wirelength_um as f64 <= 1.05 * fr_wl as f64
            && res.vias as f64 <= 1.10 * fr_vias as f64;
        let msg = format!(
            "{}: ours overflow {} wl {} vias {}; FastRoute {fr_of} / {fr_wl} / {fr_vias}",
            c.name, res.total_overflow, res.wirelength_um, res.vias
        );
        eprintln!("{msg}");
        let known = ROUTE_MISSES.iter().find(|k| k.0 == c.name);
        match (ok, known) {
            (true, None) => met += 1,
            (true, Some(k)) => failures.push(format!("{msg}: meets the bars now ({})", k.1)),
            (false, None) => failures.push(msg),
            (false, Some(k)) => eprintln!("  known: {}", k.1),
        }
    }
    eprintln!("FastRoute's bars met on {met} of {compared} cases");
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}
