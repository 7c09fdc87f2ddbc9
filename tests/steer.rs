//! Steering: the legaliser keeps every shared design legal, the checker sees an overlap,
//! a zero prior changes nothing, and `mpgd compare` writes its contract.

use crate::util::{bundled, cases, design_args, gcd, mpgd, Dir, CONGESTION1, ROUTE_JSON_NUMBERS};
use mpgd::design::{Design, DesignInput, MasterKind, MissingMasters};
use mpgd::lefdef::def::PlacementStatus;
use mpgd::route::{parse_layer_adjust, parse_layer_range, run as route, RouteConfig};
use mpgd::steer::legalise::{apply, check, legalise, moved, Padding, Violation};
use std::path::Path;

fn load(lefs: Vec<std::path::PathBuf>, def: std::path::PathBuf) -> Design {
    let mut input = DesignInput::new(lefs, def);
    input.options.missing_masters = MissingMasters::Warn;
    Design::load(&input).expect("design reads")
}

/// Every tenth placed core cell padded by two sites each side, then legalised.
fn pad_and_legalise(d: &Design) -> (Design, mpgd::steer::legalise::Legalised) {
    let pad: Vec<Padding> = d
        .instances
        .iter()
        .enumerate()
        .map(|(i, _)| {
            if i % 10 == 0 {
                Padding { left: 2, right: 2 }
            } else {
                Padding::default()
            }
        })
        .collect();
    let l = legalise(d, &pad).expect("legalises");
    (apply(d, &l), l)
}

#[test]
fn legal_placements_stay_legal_with_padding_on_every_design() {
    let mut legal_in = 0;
    let mut all: Vec<(String, Vec<std::path::PathBuf>, std::path::PathBuf)> =
        vec![("bundled gcd".into(), gcd().0, gcd().1)];
    all.extend(cases().into_iter().map(|c| (c.name, c.lefs, c.def)));
    for (name, lefs, def) in all {
        let d = load(lefs, def);
        if !check(&d).is_empty() {
            continue; // not legal to begin with: nothing to preserve
        }
        legal_in += 1;
        let (after, l) = pad_and_legalise(&d);
        assert_eq!(
            check(&after),
            Vec::new(),
            "{name}: illegal after legalising"
        );
        for (i, (a, b)) in d.instances.iter().zip(&after.instances).enumerate() {
            assert_eq!(
                (a.orient, a.location.y),
                (b.orient, b.location.y),
                "{name}: {}",
                a.name
            );
            let m = &d.masters[a.master as usize];
            if a.status != PlacementStatus::Placed || m.kind != MasterKind::Core {
                assert_eq!(a.location, b.location, "{name}: fixed {} moved", a.name);
                assert!(
                    a.status == b.status || l.removed.contains(&i),
                    "{name}: {}",
                    a.name
                );
            }
        }
        assert!(l.max_displacement_um >= l.mean_displacement_um, "{name}");
    }
    assert!(
        legal_in >= 3,
        "only {legal_in} designs were legal to begin with"
    );
}

#[test]
fn the_checker_sees_a_hand_made_overlap_and_legalising_removes_it() {
    let (lefs, def) = gcd();
    let mut d = load(lefs, def);
    let core: Vec<usize> = (0..d.instances.len())
        .filter(|&i| d.masters[d.instances[i].master as usize].kind == MasterKind::Core)
        .collect();
    let (a, b) = (core[0], core[1]);
    // b on top of a, in a's row, one DBU to the right (so also off the site grid).
    d.instances[b].orient = d.instances[a].orient;
    let mut locs: Vec<_> = d.instances.iter().map(|i| i.location).collect();
    let at = d.instances[a].location;
    locs[b] = mpgd::geom::Point::new(at.x + 1, at.y);
    let bad = moved(&d, &locs);
    let v = check(&bad);
    let names = [d.instances[a].name.clone(), d.instances[b].name.clone()];
    assert!(
        v.iter().any(
            |x| matches!(x, Violation::Overlap { a, b } if names.contains(a) && names.contains(b))
        ),
        "{v:?}"
    );
    assert!(v
        .iter()
        .any(|x| matches!(x, Violation::OffSite { inst } if *inst == names[1])));
    let l = legalise(&bad, &[]).expect("legalises");
    assert_eq!(check(&apply(&bad, &l)), Vec::new());
}

#[test]
fn a_cell_lifted_off_its_row_onto_another_is_legalised_not_refused() {
    // A global placement leaves cells between rows. Such a cell must be moved to the nearest row,
    // not taken for a fixed obstacle: that left the cell under it in no free stretch (issue 12,
    // dynamic_node: "instance '_25203_' does not lie in any free stretch of its row").
    let (lefs, def) = gcd();
    let d = load(lefs, def);
    let core: Vec<usize> = (0..d.instances.len())
        .filter(|&i| {
            let m = &d.masters[d.instances[i].master as usize];
            d.instances[i].status == PlacementStatus::Placed && m.kind == MasterKind::Core
        })
        .collect();
    let (a, b) = core
        .iter()
        .flat_map(|&a| core.iter().map(move |&b| (a, b)))
        .find(|&(a, b)| {
            let (ia, ib) = (&d.instances[a], &d.instances[b]);
            a != b && ia.orient == ib.orient && ib.bbox.width() >= ia.bbox.width()
        })
        .expect("two cells");
    // b one DBU above a, covering a's sites: off every row, and over two rows.
    let mut locs: Vec<_> = d.instances.iter().map(|i| i.location).collect();
    let at = d.instances[a].location;
    locs[b] = mpgd::geom::Point::new(at.x, at.y + 1);
    let bad = moved(&d, &locs);
    assert!(!check(&bad).is_empty());
    let l = legalise(&bad, &[]).expect("legalises");
    let after = apply(&bad, &l);
    assert_eq!(check(&after), Vec::new());
    assert_eq!(after.instances[b].location.y, at.y, "b goes to a's row");
    assert!(l.max_displacement_um < 5.0, "{l:?}");
    for (i, (x, y)) in d.instances.iter().zip(&after.instances).enumerate() {
        let m = &d.masters[x.master as usize];
        if x.status != PlacementStatus::Placed || m.kind != MasterKind::Core {
            assert_eq!(x.location, y.location, "fixed {} moved", x.name);
        } else if i != b {
            assert_eq!(x.location.y, y.location.y, "{} changed rows", x.name);
        }
    }
}

#[test]
fn a_global_placement_off_the_rows_legalises() {
    // dynamic_node_top_wrap: OpenROAD gpl output, no cell on a site.
    let dir = crate::util::designs_dir().join("nangate45/dynamic_node_top_wrap");
    let d = load(vec![dir.join("nangate45.lef")], dir.join("medium01.def.gz"));
    assert!(!check(&d).is_empty());
    let (after, l) = pad_and_legalise(&d);
    assert_eq!(check(&after), Vec::new());
    assert!(l.moved > 10_000, "{}", l.moved);
    assert!(l.max_displacement_um >= l.mean_displacement_um);
}

fn congested_gcd() -> (Design, RouteConfig) {
    let (lefs, def) = gcd();
    let mut cfg = RouteConfig {
        layer_range: Some(parse_layer_range("metal2-metal10").unwrap()),
        iterations: 3,
        ..Default::default()
    };
    for a in ["metal2=0.9", "metal3=0.9", "metal4-metal10=1.0"] {
        cfg.layer_adjust.push(parse_layer_adjust(a).unwrap());
    }
    (load(lefs, def), cfg)
}

#[test]
fn net_order_and_reservation_of_an_empty_map_route_exactly_as_none() {
    // No GCell is hot and nothing is reserved, so neither the order nor the prices change.
    let (d, cfg) = congested_gcd();
    let none = route(&d, &cfg).unwrap();
    let (nx, ny) = (none.grid.nx, none.grid.ny);
    for (order, reserve) in [
        (mpgd::route::NetOrder::HotFirst, false),
        (mpgd::route::NetOrder::Area, true),
    ] {
        let s = mpgd::steer::prior::PriorSettings {
            order,
            reserve,
            ..Default::default()
        };
        let p = mpgd::steer::prior::prior(&vec![0.0; nx * ny], nx, ny, &s).unwrap();
        let c = RouteConfig {
            prior: Some(p),
            ..cfg.clone()
        };
        assert_eq!(
            route(&d, &c).unwrap().routes,
            none.routes,
            "{order:?} {reserve}"
        );
    }
    // The router's final history: one value per 2-D edge, never negative, and raised on this
    // congested case (it ended with overflow, so some edges stayed overflowed in a round).
    assert_eq!(none.history_2d.len(), none.capacity_2d.len());
    assert!(none.history_2d.iter().all(|&h| h >= 0.0));
    assert!(none.total_overflow > 0 && none.history_2d.iter().any(|&h| h > 0.0));
}

#[test]
fn a_zero_prior_routes_exactly_as_none() {
    let (d, cfg) = congested_gcd();
    let none = route(&d, &cfg).unwrap();
    let (nx, ny) = (none.grid.nx, none.grid.ny);
    let zero = mpgd::steer::prior::prior(
        &vec![0.0; nx * ny],
        nx,
        ny,
        &mpgd::steer::prior::PriorSettings::default(),
    )
    .unwrap();
    let c = RouteConfig {
        prior: Some(zero),
        ..cfg.clone()
    };
    let z = route(&d, &c).unwrap();
    assert_eq!(z.routes, none.routes);
    // A prior on the wrong grid is a clear error.
    let bad = RouteConfig {
        prior: Some(mpgd::route::Prior {
            nx: 1,
            ny: 1,
            h: vec![0.0],
            v: vec![0.0],
            stage: mpgd::route::PriorStage::Both,
            order: mpgd::route::NetOrder::Area,
            reserve: false,
        }),
        ..cfg
    };
    let e = route(&d, &bad).unwrap_err().to_string();
    assert!(e.contains("prior"), "{e}");
}

#[test]
fn a_negotiation_prior_leaves_the_pattern_stage_unsteered_and_steers_the_rounds() {
    let (d, cfg) = congested_gcd();
    let none = route(&d, &cfg).unwrap();
    let (nx, ny) = (none.grid.nx, none.grid.ny);
    // The unsteered run's own history as the prior (the history oracle), in each stage.
    let (h, v) = none.history_maps();
    let with_stage = |stage| {
        let settings = mpgd::steer::prior::PriorSettings {
            stage,
            ..Default::default()
        };
        let p = mpgd::steer::prior::prior_hv(&h, &v, nx, ny, &settings).unwrap();
        let c = RouteConfig {
            prior: Some(p),
            ..cfg.clone()
        };
        route(&d, &c).unwrap()
    };
    let late = with_stage(mpgd::route::PriorStage::Negotiation);
    let both = with_stage(mpgd::route::PriorStage::Both);
    // Negotiation only: the pattern stage is the unsteered one (the early route a model's inputs
    // come from); the rounds differ.
    assert_eq!(late.pattern_usage_2d, none.pattern_usage_2d);
    assert_ne!(late.routes, none.routes);
    // Both stages: the pattern stage already moves.
    assert_ne!(both.pattern_usage_2d, none.pattern_usage_2d);
}

/// The arguments of `mpgd COMMAND` on the bundled gcd in [`CONGESTION1`] at 2 rip-up rounds with
/// `flags`.
fn congestion1_args(command: &str, flags: &[&str]) -> Vec<String> {
    let (lefs, def) = gcd();
    let mut args = vec![command.to_string()];
    args.extend(design_args(&lefs, &def));
    args.extend(
        CONGESTION1
            .iter()
            .chain(&["--iterations", "2"])
            .chain(flags)
            .map(|s| s.to_string()),
    );
    args
}

/// `mpgd compare` on the bundled gcd in [`CONGESTION1`] at 2 rip-up rounds with `flags`, writing into `out`; the
/// rows of its `compare.json` and their run names.
fn compare_congestion1(flags: &[&str], out: &Path) -> (Vec<serde_json::Value>, Vec<String>) {
    let mut args = congestion1_args("compare", flags);
    args.extend(["--out".to_string(), out.display().to_string()]);
    let run = mpgd(&args);
    assert!(
        run.status.success(),
        "{}",
        String::from_utf8_lossy(&run.stderr)
    );
    let rows: Vec<serde_json::Value> =
        serde_json::from_slice(&std::fs::read(out.join("compare.json")).unwrap()).unwrap();
    let runs = rows
        .iter()
        .map(|r| r["run"].as_str().unwrap().to_string())
        .collect();
    (rows, runs)
}

/// `mpgd compare` on the bundled gcd in [`CONGESTION1`] with `flags` fails with exit status 1 and
/// one line holding `want`, and writes nothing into `out`.
fn assert_compare_refuses(flags: &[&str], want: &str, out: &Path) {
    let mut args = congestion1_args("compare", flags);
    args.extend(["--out".to_string(), out.display().to_string()]);
    let bad = mpgd(&args);
    assert_eq!(bad.status.code(), Some(1));
    let err = String::from_utf8_lossy(&bad.stderr);
    assert_eq!(err.trim().lines().count(), 1, "{err}");
    assert!(err.contains(want), "{err}");
    assert!(!out.join("compare.json").exists());
}

#[test]
fn compare_writes_one_row_per_run_with_the_contract_fields() {
    let dir = Dir::new();
    let (rows, runs) = compare_congestion1(&["--mode", "padding"], &dir.path("cmp"));
    assert_eq!(runs, ["none", "rudy", "oracle"]);
    for r in &rows {
        let extra = ["mode", "layers", "overflowed_gcells", "steer_s"];
        for k in ROUTE_JSON_NUMBERS.into_iter().chain(extra) {
            assert!(r.get(k).is_some(), "{k} missing in {r}");
        }
    }
    assert!(rows[2]["mean_displacement_um"].as_f64().is_some());
    assert!(rows[0].get("mean_displacement_um").is_none());
    let md = std::fs::read_to_string(dir.path("cmp/compare.md")).unwrap();
    assert!(md.contains("| oracle | padding |"), "{md}");
    assert!(std::fs::read(dir.path("cmp/congestion.png"))
        .unwrap()
        .starts_with(b"\x89PNG"));
    // The padded placement is a DEF that reads back legal.
    let back = load(
        vec![bundled("nangate45/gcd/Nangate45.lef")],
        dir.path("cmp/oracle.def"),
    );
    assert_eq!(check(&back), Vec::new());
    // Control runs come after the oracle, steered by its map shuffled: same costs, other places.
    let (rows, runs) = compare_congestion1(&["--controls", "2", "--write-maps"], &dir.path("ctl"));
    assert_eq!(runs, ["none", "rudy", "oracle", "control1", "control2"]);
    assert!(
        rows[0]["overflowed_gcells"].as_u64().unwrap() > 0,
        "a congested case"
    );
    let wire = |i: usize| rows[i]["wirelength_um"].as_f64().unwrap();
    assert!(
        wire(3) != wire(2) || wire(4) != wire(2),
        "controls steer elsewhere than the oracle"
    );
    // --write-maps: each steered run's map; a control's holds the oracle's values, moved.
    let read = |n: &str| mpgd::npy::read_f32(&dir.path(&format!("ctl/{n}.map.npy"))).unwrap();
    let (oracle, ny, nx) = read("oracle");
    let (control, cy, cx) = read("control1");
    assert_eq!((cy, cx), (ny, nx));
    assert!(oracle.iter().any(|&v| v > 0.0));
    assert_ne!(control, oracle);
    let sorted = |mut v: Vec<f32>| {
        v.sort_by(f32::total_cmp);
        v
    };
    assert_eq!(sorted(control), sorted(oracle.clone()));
    assert!(!dir.path("ctl/none.map.npy").exists());
    // With a per-direction oracle (history), the controls shuffle its H and V maps alike.
    compare_congestion1(
        &["--controls", "2", "--write-maps", "--oracle", "history"],
        &dir.path("hist"),
    );
    let read = |n: &str| mpgd::npy::read_f32(&dir.path(&format!("hist/{n}.map.npy"))).unwrap();
    let (history, control) = (read("oracle").0, read("control2").0);
    assert_ne!(history, oracle, "the history map, not the congestion map");
    assert_ne!(control, history);
    assert_eq!(sorted(control), sorted(history));
    let bad = mpgd([
        "compare", "--lef", "x.lef", "--def", "y.def", "--mode", "nope", "--out", "z",
    ]);
    assert_eq!(bad.status.code(), Some(1));
}

#[test]
fn the_utilization_oracle_is_the_routed_demand_made_a_map_as_rudy() {
    let dir = Dir::new();
    let (rows, runs) = compare_congestion1(
        &["--controls", "1", "--write-maps", "--oracle", "utilization"],
        &dir.path("util"),
    );
    assert_eq!(runs, ["none", "rudy", "oracle", "control1"]);
    assert_eq!(rows[2]["mode"], "prior");
    let read = |n: &str| mpgd::npy::read_f32(&dir.path(&format!("util/{n}.map.npy"))).unwrap();
    // The unsteered run of the same settings (compare_congestion1 routes 2 rounds).
    let (d, cfg) = congested_gcd();
    let none = route(
        &d,
        &RouteConfig {
            iterations: 2,
            ..cfg
        },
    )
    .unwrap();
    let utilization = none.utilization_map();
    let m = &none.maps;
    let k = m.cap_h.len() / 2 + 3;
    assert_eq!(
        utilization[k],
        (m.demand_h[k] + m.demand_v[k]) / (m.cap_h[k] + m.cap_v[k])
    );
    let oracle = read("oracle").0;
    assert_eq!(oracle, mpgd::steer::compare::densest_tenth(&utilization));
    // About a tenth of the GCells carry a cost (ties at the percentile carry none).
    let costed = oracle.iter().filter(|&&v| v > 0.0).count();
    assert!(
        costed > 0 && costed <= oracle.len() / 10 + 1,
        "{costed} of {}",
        oracle.len()
    );
    assert_ne!(oracle, read("rudy").0, "routed demand, not RUDY");
}

#[test]
fn plus_rudy_steers_each_run_by_rudys_map_plus_its_own_and_needs_the_prior_mode() {
    let dir = Dir::new();
    let flags = ["--controls", "1", "--write-maps"];
    let (plain, _) = compare_congestion1(&flags, &dir.path("plain"));
    let (plus, runs) =
        compare_congestion1(&[&flags[..], &["--plus-rudy"]].concat(), &dir.path("plus"));
    assert_eq!(runs, ["none", "rudy", "oracle", "control1"]);
    let read = |d: &str, n: &str| {
        mpgd::npy::read_f32(&dir.path(&format!("{d}/{n}.map.npy")))
            .unwrap()
            .0
    };
    let (rudy, oracle) = (read("plain", "rudy"), read("plain", "oracle"));
    let sum = |m: &[f32]| -> Vec<f32> { rudy.iter().zip(m).map(|(a, b)| a + b).collect() };
    // RUDY's own run is unchanged; the oracle and its control carry RUDY's map under their own.
    assert_eq!(read("plus", "rudy"), rudy);
    assert_eq!(plus[1]["wirelength_um"], plain[1]["wirelength_um"]);
    assert_eq!(read("plus", "oracle"), sum(&oracle));
    let control = mpgd::steer::compare::shuffled(&oracle, 1);
    assert_eq!(read("plain", "control1"), control);
    assert_eq!(read("plus", "control1"), sum(&control));
    assert_ne!(
        plus[2]["wirelength_um"], plain[2]["wirelength_um"],
        "RUDY's cost changes the oracle's routes"
    );
    // Only a prior adds costs.
    assert_compare_refuses(
        &["--mode", "padding", "--plus-rudy"],
        "--plus-rudy: needs --mode prior",
        &dir.path("bad"),
    );
}

#[test]
fn a_map_channel_run_steers_by_the_channels_densest_tenth_and_a_bad_name_is_one_line() {
    let dir = Dir::new();
    let (rows, runs) = compare_congestion1(
        &["--write-maps", "--map-channel", "rudy_over_capacity"],
        &dir.path("ch"),
    );
    assert_eq!(runs, ["none", "rudy", "oracle", "rudy_over_capacity"]);
    assert_eq!(rows[3]["mode"], "prior");
    assert!(rows[3]["steer_s"].as_f64().unwrap() > 0.0);
    // The channel as the dataset computes it, on the routing grid of the same settings.
    let (d, cfg) = congested_gcd();
    let channel = mpgd::dataset::channels::compute(&d, &cfg, &["rudy_over_capacity"])
        .unwrap()
        .maps
        .remove(0);
    let map = mpgd::npy::read_f32(&dir.path("ch/rudy_over_capacity.map.npy"))
        .unwrap()
        .0;
    assert_eq!(map, mpgd::steer::compare::densest_tenth(&channel));
    let rudy = mpgd::npy::read_f32(&dir.path("ch/rudy.map.npy")).unwrap().0;
    assert_ne!(map, rudy, "capacity moves the densest tenth");
    for (k, (name, want)) in [
        (
            "congestion",
            "--map-channel 'congestion': not a feature channel",
        ),
        ("rudy", "the run 'rudy' already steers"),
    ]
    .iter()
    .enumerate()
    {
        assert_compare_refuses(
            &["--map-channel", name],
            want,
            &dir.path(&format!("bad{k}")),
        );
    }
}

#[test]
fn compare_on_a_perturbed_placement_is_seeded_and_a_bad_spec_is_one_line() {
    let dir = Dir::new();
    let none_wire = |flags: &[&str], name: &str| {
        compare_congestion1(flags, &dir.path(name)).0[0]["wirelength_um"]
            .as_f64()
            .unwrap()
    };
    let plain = none_wire(&[], "plain");
    let swap = ["--perturb", "swap:0.05", "--perturb-seed"];
    let (s1, s1_again, s2) = (
        none_wire(&[&swap[..], &["1"]].concat(), "s1"),
        none_wire(&[&swap[..], &["1"]].concat(), "s1b"),
        none_wire(&[&swap[..], &["2"]].concat(), "s2"),
    );
    assert_eq!(s1, s1_again, "one seed, one placement");
    assert!(s1 != plain && s2 != s1, "{plain} {s1} {s2}");
    for (k, (flags, want)) in [
        (
            &["--perturb", "swap:2"][..],
            "--perturb: perturbation 'swap:2': strength",
        ),
        (
            &["--perturb-seed", "3"][..],
            "--perturb-seed: needs --perturb",
        ),
    ]
    .iter()
    .enumerate()
    {
        assert_compare_refuses(flags, want, &dir.path(&format!("bad{k}")));
    }
}

#[test]
fn route_prior_rudy_routes_as_compares_rudy_run_and_a_wrong_map_is_one_line() {
    let dir = Dir::new();
    let (rows, _) = compare_congestion1(&["--write-maps"], &dir.path("cmp"));
    let rudy = rows.iter().find(|r| r["run"] == "rudy").unwrap();
    let none = rows.iter().find(|r| r["run"] == "none").unwrap();
    let route_with = |extra: &[&str], json: &Path| {
        let mut args = congestion1_args("route", extra);
        args.extend(["--json".to_string(), json.display().to_string()]);
        mpgd(&args)
    };
    // `mpgd route --prior rudy` is compare's rudy run, and so is the map compare wrote, given
    // back as a file.
    let map = dir.path("cmp/rudy.map.npy").display().to_string();
    for (k, extra) in [
        vec!["--prior", "rudy"],
        vec!["--prior", map.as_str(), "--prior-weight", "2"],
    ]
    .iter()
    .enumerate()
    {
        let json = dir.path(&format!("r{k}.json"));
        let run = route_with(extra, &json);
        assert!(
            run.status.success(),
            "{}",
            String::from_utf8_lossy(&run.stderr)
        );
        let r: serde_json::Value = serde_json::from_slice(&std::fs::read(&json).unwrap()).unwrap();
        for key in ["total_overflow_unadjusted", "wirelength_um", "vias"] {
            assert_eq!(r[key], rudy[key], "{key}");
        }
    }
    assert_ne!(
        rudy["wirelength_um"], none["wirelength_um"],
        "the prior steers"
    );
    // A map of another grid is refused in one line naming the flag and both shapes; nothing written.
    let small = dir.path("small.npy");
    mpgd::npy::write_f32(&small, &[0.0; 6], 2, 3).unwrap();
    let json = dir.path("bad.json");
    let bad = route_with(&["--prior", small.to_str().unwrap()], &json);
    assert_eq!(bad.status.code(), Some(1));
    let err = String::from_utf8_lossy(&bad.stderr);
    assert_eq!(err.trim().lines().count(), 1, "{err}");
    assert!(err.contains("--prior") && err.contains("2 x 3"), "{err}");
    assert!(!json.exists());
}

#[test]
fn compare_egr_steers_by_the_pattern_stage_overflow_and_needs_the_prior_mode() {
    let dir = Dir::new();
    let (rows, runs) = compare_congestion1(&["--egr", "--write-maps"], &dir.path("egr"));
    assert_eq!(runs, ["none", "rudy", "oracle", "egr"]);
    let egr = &rows[3];
    for k in ROUTE_JSON_NUMBERS
        .into_iter()
        .chain(["layers", "overflowed_gcells", "steer_s"])
    {
        assert!(egr.get(k).is_some(), "{k} missing in {egr}");
    }
    assert_eq!(egr["mode"], "prior");
    // Its steering time holds the pattern-stage route that makes the map (the map's `made_s`;
    // the accounting is tested without clocks in `a_runs_steer_s_counts_the_seconds_its_map_took`).
    assert!(egr["steer_s"].as_f64().unwrap() > 0.0);
    // The map is the pattern stage's overflow over capacity, H plus V, of the same routing setup.
    let (d, cfg) = congested_gcd();
    let pattern = route(
        &d,
        &RouteConfig {
            iterations: 0,
            ..cfg
        },
    )
    .unwrap();
    let (h, v) = pattern.pattern_overflow_maps();
    let h = mpgd::route::overflow_ratio(&h, &pattern.maps.cap_h);
    let v = mpgd::route::overflow_ratio(&v, &pattern.maps.cap_v);
    let want: Vec<f32> = h.iter().zip(&v).map(|(a, b)| a + b).collect();
    let (map, ny, nx) = mpgd::npy::read_f32(&dir.path("egr/egr.map.npy")).unwrap();
    assert_eq!((ny, nx), (pattern.grid.ny, pattern.grid.nx));
    assert!(want.iter().any(|&x| x > 0.0), "the pattern stage overflows");
    assert_eq!(map, want);
    // --egr-scale multiplies the map before it steers.
    compare_congestion1(
        &["--egr", "--egr-scale", "2", "--write-maps"],
        &dir.path("egr2"),
    );
    let (map2, _, _) = mpgd::npy::read_f32(&dir.path("egr2/egr.map.npy")).unwrap();
    assert_eq!(map2, want.iter().map(|x| 2.0 * x).collect::<Vec<f32>>());
    // --egr-tracks gives the history cost's unit: the pattern stage's overflow in tracks.
    compare_congestion1(
        &["--egr", "--egr-tracks", "--write-maps"],
        &dir.path("egr3"),
    );
    // (0 on an edge without capacity, where the ratio is 0.)
    let (h, v) = pattern.pattern_overflow_maps();
    let counted = |o: &[f32], cap: &[f32]| -> Vec<f32> {
        o.iter()
            .zip(cap)
            .map(|(&x, &c)| if c > 0.0 { x } else { 0.0 })
            .collect()
    };
    let (h, v) = (
        counted(&h, &pattern.maps.cap_h),
        counted(&v, &pattern.maps.cap_v),
    );
    let tracks: Vec<f32> = h.iter().zip(&v).map(|(a, b)| a + b).collect();
    let (map3, _, _) = mpgd::npy::read_f32(&dir.path("egr3/egr.map.npy")).unwrap();
    assert!(tracks.iter().any(|&x| x >= 1.0), "whole tracks overflow");
    for (got, want) in map3.iter().zip(&tracks) {
        assert!(
            (got - want).abs() <= 1e-4 * want.max(1.0),
            "{got} vs {want} tracks"
        );
    }
    // Outside prior it is refused, in one line naming the flag; so is a scale without the run.
    assert_compare_refuses(
        &["--egr-tracks"],
        "--egr-tracks: needs --egr",
        &dir.path("bad3"),
    );
    assert_compare_refuses(
        &["--egr", "--mode", "padding"],
        "--egr: needs --mode prior",
        &dir.path("bad"),
    );
    assert_compare_refuses(
        &["--egr-scale", "2"],
        "--egr-scale: needs --egr",
        &dir.path("bad2"),
    );
}

/// `--history-dose` from a model's own inputs (the caller's `pattern_tracks`) and from the
/// pattern stage routed by `compare` give the same dose to the bit, so the same routes.
#[test]
fn a_history_map_dosed_from_a_models_inputs_equals_one_dosed_from_its_own_pattern_stage() {
    use mpgd::steer::compare::{compare, pattern_tracks_total, MapKind, MapRow, Mode, Settings};
    let (d, cfg) = congested_gcd();
    let names = [
        "egr_overflow_h",
        "egr_overflow_v",
        "capacity_h",
        "capacity_v",
        "rudy",
    ];
    let c = mpgd::dataset::channels::compute(&d, &cfg, &names).unwrap();
    let total = pattern_tracks_total(&c).unwrap();
    assert!(total > 0.0, "the pattern stage overflows");
    let row = |name: &str, pattern_tracks| MapRow {
        name: name.into(),
        map: c.get("rudy").unwrap().to_vec(),
        kind: MapKind::History,
        made_s: 0.0,
        pattern_tracks,
    };
    let s = Settings {
        history_dose: Some(2.0),
        ..Default::default()
    };
    let maps = [row("own", None), row("reused", Some(total))];
    let runs = compare(&d, &cfg, Mode::Prior, &s, &maps).unwrap();
    let run = |n: &str| runs.iter().find(|r| r.name == n).unwrap();
    let (own, reused) = (run("own"), run("reused"));
    assert_eq!(own.map, reused.map);
    assert_eq!(own.result.edge_usage, reused.result.edge_usage);
    let dosed: f64 = own.map.iter().map(|&x| x as f64).sum();
    assert!(
        (dosed - 2.0 * total).abs() <= 1e-4 * total,
        "{dosed} vs 2 x {total}"
    );
}

/// A run's `steer_s` is the seconds its map took to make (`MapRow::made_s`: for a model, its
/// prediction) plus building the prior, and a history map dosed from a pattern stage that
/// `compare` routes itself adds that route's seconds. Checked against a made-up `made_s`, so no
/// clock is compared with another's.
#[test]
fn a_runs_steer_s_counts_the_seconds_its_map_took() {
    use mpgd::steer::compare::{compare, dosed_history, MapKind, MapRow, Mode, Settings};
    let (d, cfg) = congested_gcd();
    let rudy = mpgd::dataset::channels::compute(&d, &cfg, &["rudy"]).unwrap();
    let row = |name: &str, kind, pattern_tracks| MapRow {
        name: name.into(),
        map: rudy.get("rudy").unwrap().to_vec(),
        kind,
        made_s: 1000.0,
        pattern_tracks,
    };
    let s = Settings {
        history_dose: Some(2.0),
        ..Default::default()
    };
    let maps = [
        row("congestion", MapKind::Congestion, None),
        row("history, total given", MapKind::History, Some(100.0)),
        row("history, pattern stage routed", MapKind::History, None),
    ];
    let runs = compare(&d, &cfg, Mode::Prior, &s, &maps).unwrap();
    let steer_s = |n: &str| runs.iter().find(|r| r.name == n).unwrap().steer_s;
    for m in &maps {
        assert!(steer_s(&m.name) >= 1000.0, "{}", m.name);
    }
    assert_eq!(steer_s("none"), 0.0);
    // The dose adds the seconds of the pattern stage it routes, and nothing when the caller
    // brought the total.
    let dosed = dosed_history(&d, &cfg, &s, &maps).unwrap();
    assert!(dosed[0].is_none(), "a congestion map is not dosed");
    assert_eq!(dosed[1].as_ref().unwrap().made_s, 1000.0);
    assert!(dosed[2].as_ref().unwrap().made_s > 1000.0);
}

#[test]
fn a_bad_prior_stage_is_one_line_naming_the_flag() {
    let dir = Dir::new();
    for (k, (flags, want)) in [
        (&["--prior-stage", "late"][..], "--prior-stage 'late'"),
        (
            &["--prior-stage", "both", "--prior-pattern-only"][..],
            "--prior-pattern-only",
        ),
    ]
    .iter()
    .enumerate()
    {
        assert_compare_refuses(flags, want, &dir.path(&format!("bad{k}")));
    }
}

#[test]
fn pin_dense_padding_pads_the_densest_share_of_the_hotspot_cells_and_stays_legal() {
    use mpgd::design::NetPin;
    use mpgd::steer::padding::{padded_cells, padded_placement, PadCells, PadSide};
    let (d, cfg) = congested_gcd();
    let none = route(&d, &cfg).unwrap();
    let map = none.congestion_map();
    let grid = mpgd::route::gcell_grid(&d, cfg.gcell_size).unwrap();
    let all = mpgd::steer::padding::PaddingSettings {
        selection: mpgd::steer::Selection {
            top: 0.05,
            min_value: 0.0,
            max_adjust: 0.0,
        },
        sites: 2,
        ..Default::default()
    };
    let pins = mpgd::steer::padding::PaddingSettings {
        cells: PadCells::PinDense { share: 0.5 },
        side: PadSide::Right,
        ..all
    };
    let every = padded_cells(&d, &grid, &map, &all).unwrap();
    let dense = padded_cells(&d, &grid, &map, &pins).unwrap();
    assert!(every.len() >= 4, "{} hotspot cells", every.len());
    assert_eq!(dense.len(), every.len().div_ceil(2));
    assert!(dense.iter().all(|i| every.contains(i)));
    // Every padded cell has at least the pins per width of every hotspot cell left out.
    let mut count = vec![0usize; d.instances.len()];
    for p in &d.net_pins {
        if let NetPin::Inst { inst, .. } = p {
            count[*inst as usize] += 1;
        }
    }
    let density = |i: usize| count[i] as f64 / d.instances[i].bbox.width() as f64;
    let least = dense.iter().map(|&i| density(i)).fold(f64::MAX, f64::min);
    assert!(every
        .iter()
        .filter(|i| !dense.contains(i))
        .all(|&i| density(i) <= least));
    // The padded placement is legal, rows and orientation kept, and the same on a second run.
    let (after, l, n) = padded_placement(&d, &grid, &map, &pins).unwrap();
    assert_eq!(n, dense.len());
    assert_eq!(check(&after), Vec::new());
    // Each padded cell has its two free sites on the right, unless the legaliser says it had to
    // reduce padding (a full row segment); cells that already had them need not move.
    let site = d.rows[0].step_x;
    let mut short = 0;
    for &i in &dense {
        let b = after.instances[i].bbox;
        let gap = after
            .instances
            .iter()
            .filter(|o| o.status != PlacementStatus::Unplaced && o.bbox.lo.y == b.lo.y)
            .map(|o| o.bbox.lo.x - b.hi.x)
            .filter(|&g| g >= 0)
            .min();
        short += gap.is_some_and(|g| g < 2 * site) as usize;
    }
    assert!(
        short <= l.padding_reduced,
        "{short} short, {} reduced",
        l.padding_reduced
    );
    for (a, b) in d.instances.iter().zip(&after.instances) {
        assert_eq!(
            (a.orient, a.location.y),
            (b.orient, b.location.y),
            "{}",
            a.name
        );
    }
    assert_eq!(padded_placement(&d, &grid, &map, &pins).unwrap().1, l);
    let bad = mpgd::steer::padding::PaddingSettings {
        cells: PadCells::PinDense { share: 0.0 },
        ..all
    };
    let e = padded_cells(&d, &grid, &map, &bad).unwrap_err().to_string();
    assert_eq!(e, "pin-dense share 0 is not in (0, 1]");
}

#[test]
fn compare_with_pin_dense_one_sided_padding_writes_the_same_legal_def_on_any_thread_count() {
    let dir = Dir::new();
    let (lefs, def) = gcd();
    let mut defs = Vec::new();
    for threads in ["1", "2"] {
        let mut args = vec!["--threads".to_string(), threads.into(), "compare".into()];
        args.extend(design_args(&lefs, &def));
        for a in [
            "--layers",
            "metal2-metal10",
            "--layer-adjust",
            "metal2=0.9",
            "--layer-adjust",
            "metal3=0.9",
            "--iterations",
            "2",
            "--mode",
            "padding",
            "--top",
            "0.05",
            "--pad-sites",
            "2",
            "--pad-cells",
            "pins",
            "--pad-share",
            "0.5",
            "--pad-side",
            "right",
            "--out",
        ] {
            args.push(a.into());
        }
        let out_dir = dir.path(&format!("cmp{threads}"));
        args.push(out_dir.display().to_string());
        let out = mpgd(&args);
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        let oracle = out_dir.join("oracle.def");
        let back = load(vec![bundled("nangate45/gcd/Nangate45.lef")], oracle.clone());
        assert_eq!(check(&back), Vec::new());
        defs.push(std::fs::read(oracle).unwrap());
    }
    assert!(
        defs[0] == defs[1],
        "oracle.def differs between 1 and 2 threads"
    );
    for (flags, want) in [
        (["--pad-cells", "some"], "--pad-cells 'some'"),
        (["--pad-side", "up"], "--pad-side 'up'"),
        (
            ["--pad-share", "0.5"],
            "--pad-share: needs --pad-cells pins",
        ),
    ] {
        let mut args = vec!["compare".to_string()];
        args.extend(design_args(&lefs, &def));
        args.extend(flags.iter().map(|s| s.to_string()));
        args.extend(["--mode", "padding", "--out"].map(String::from));
        args.push(dir.path("bad").display().to_string());
        let out = mpgd(&args);
        assert_eq!(out.status.code(), Some(1));
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(err.contains(want), "{err}");
    }
    assert!(!dir.path("bad").exists());
}
