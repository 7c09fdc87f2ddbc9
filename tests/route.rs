//! `mpgd route` from the outside: the SPEC's JSON fields, guides and maps on the bundled gcd,
//! steering, and bad flags (one line naming the flag, exit 1, nothing written).

use crate::util::*;

fn gcd_args(extra: &[&str]) -> Vec<String> {
    let (lefs, def) = gcd();
    let mut v = vec!["route".to_string()];
    v.extend(design_args(&lefs, &def));
    v.extend(["--layers", "metal2-metal10"].iter().map(|s| s.to_string()));
    v.extend(extra.iter().map(|s| s.to_string()));
    v
}

#[test]
fn route_writes_the_spec_json_guides_and_maps() {
    let dir = Dir::new();
    let (json, guide, maps) = (dir.path("r.json"), dir.path("r.guide"), dir.path("maps"));
    let out = mpgd(gcd_args(&[
        "--json",
        json.to_str().unwrap(),
        "--guide",
        guide.to_str().unwrap(),
        "--maps",
        maps.to_str().unwrap(),
    ]));
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        stdout.contains("GRT-0053") && stdout.contains("GRT-0096"),
        "{stdout}"
    );
    assert!(
        stdout.contains("metal2     Vertical        17918         17918          0.00%"),
        "{stdout}"
    );

    let j: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&json).unwrap()).unwrap();
    for k in ROUTE_JSON_NUMBERS {
        assert!(j[k].is_number(), "{k} missing: {j}");
    }
    assert_eq!(j["total_overflow"], 0);
    assert!((j["gcell_um"].as_f64().unwrap() - 2.85).abs() < 1e-9);
    let layers = j["layers"].as_array().unwrap();
    assert_eq!(layers.len(), 10);
    for l in layers {
        for k in [
            "name",
            "direction",
            "original_resource",
            "derated_resource",
            "demand",
            "overflow",
        ] {
            assert!(!l[k].is_null(), "layer field {k} missing: {l}");
        }
    }
    let total: i64 = layers
        .iter()
        .map(|l| l["derated_resource"].as_i64().unwrap())
        .sum();
    assert_eq!(total, 91834);

    let g = std::fs::read_to_string(&guide).unwrap();
    assert!(g.starts_with("_000_\n(\n"), "{}", &g[..g.len().min(200)]);
    assert!(g
        .lines()
        .filter(|l| l.split_whitespace().count() == 5)
        .all(|l| l.ends_with(|c: char| c.is_ascii_digit())));

    for m in ["cap_h", "cap_v", "demand_h", "demand_v"] {
        let b = std::fs::read(maps.join(format!("{m}.npy"))).unwrap();
        assert_eq!(&b[..6], b"\x93NUMPY");
        let hl = u16::from_le_bytes([b[8], b[9]]) as usize;
        let header = String::from_utf8_lossy(&b[10..10 + hl]);
        assert!(
            header.contains("'shape': (35, 35)") && header.contains("<f4"),
            "{header}"
        );
        assert_eq!(b.len(), 10 + hl + 35 * 35 * 4);
    }
    let gj: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(maps.join("grid.json")).unwrap()).unwrap();
    assert_eq!((gj["nx"].as_u64(), gj["ny"].as_u64()), (Some(35), Some(35)));
    let png = std::fs::read(maps.join("congestion.png")).expect("congestion.png is written");
    assert_eq!(&png[..8], b"\x89PNG\r\n\x1a\n");
}

#[test]
fn steering_derates_capacity_and_reports_the_real_overflow() {
    let dir = Dir::new();
    let mut csv = String::from("col,row,fraction\n");
    for c in 10..25 {
        for r in 10..25 {
            csv.push_str(&format!("{c},{r},1.0\n"));
        }
    }
    let steer = dir.write("hot.csv", csv.as_bytes());
    let json = dir.path("s.json");
    let out = mpgd(gcd_args(&[
        "--steer",
        steer.to_str().unwrap(),
        "--json",
        json.to_str().unwrap(),
    ]));
    let j = success_json(&out, &json);
    let total: i64 = j["layers"]
        .as_array()
        .unwrap()
        .iter()
        .map(|l| l["derated_resource"].as_i64().unwrap())
        .sum();
    assert!(total < 91834, "steering removed no capacity: {total}");
    // Against the real capacity, a steered gcd is still routable without overflow.
    assert_eq!(j["total_overflow_unadjusted"], 0, "{j}");
}

#[test]
fn bad_route_flags_are_one_line_errors_and_write_nothing() {
    let dir = Dir::new();
    let json = dir.path("x.json");
    let j = json.to_str().unwrap().to_string();
    let cases: &[(&[&str], &str)] = &[
        (&["--layer-adjust", "metal2=1.5"], "--layer-adjust"),
        (&["--layer-adjust", "metal2"], "--layer-adjust"),
        (&["--layer-adjust", "metal99=0.5"], "metal99"),
        (&["--region-adjust", "1 2 3 metal2 0.5"], "--region-adjust"),
        (
            &["--region-adjust", "1 2 x 4 metal2 0.5"],
            "--region-adjust",
        ),
        (&["--gcell-um", "0"], "--gcell-um"),
        (&["--steer", "/nonexistent/hot.csv"], "--steer"),
        (&["--clock-layers", "metal7"], "--clock-layers"),
        (
            &["--gcell-from-def"],
            "--gcell-from-def: the DEF has no GCELLGRID",
        ),
        (&["--clock-layers", "metal9-metal4"], "metal9-metal4"),
        (&["--clock-layers", "metal4-metal99"], "metal99"),
        (&["--pre-routed", "maybe"], "--pre-routed"),
        (&["--grt-rules", "sometimes"], "--grt-rules"),
    ];
    for (flags, must) in cases {
        let mut a: Vec<&str> = flags.to_vec();
        a.extend(["--json", j.as_str()]);
        let out = mpgd(gcd_args(&a));
        assert_user_error(&out, must);
        assert!(!json.exists(), "{flags:?} left {j} behind");
    }
    // A range that runs downwards.
    let (lefs, def) = gcd();
    let mut a = vec!["route".to_string()];
    a.extend(design_args(&lefs, &def));
    a.extend(["--layers".to_string(), "metal9-metal2".to_string()]);
    assert_user_error(&mpgd(a), "metal9-metal2");
}

/// The early-global-routing maps (`egr_overflow_*` features) are the 2-D pattern stage, before
/// rip-up and reroute: the same for any iteration count, more overflowed than the negotiated
/// result on a congested setting (OpenROAD's congestion1), and each GCell's value is its edge's.
#[test]
fn early_route_maps_are_the_pattern_stage_before_negotiation() {
    use mpgd::route::{parse_layer_adjust, parse_layer_range, run, RouteConfig};
    let (lefs, def) = gcd();
    let d =
        mpgd::design::Design::load(&mpgd::design::DesignInput::new(lefs, def)).expect("gcd loads");
    let cfg = RouteConfig {
        layer_range: Some(parse_layer_range("metal2-metal10").unwrap()),
        layer_adjust: ["metal2=0.9", "metal3=0.9", "metal4-metal10=1.0"]
            .iter()
            .map(|s| parse_layer_adjust(s).unwrap())
            .collect(),
        ..RouteConfig::default()
    };
    let full = run(&d, &cfg).unwrap();
    let early = run(
        &d,
        &RouteConfig {
            iterations: 0,
            ..cfg.clone()
        },
    )
    .unwrap();
    assert_eq!(
        full.pattern_usage_2d, early.pattern_usage_2d,
        "the pattern stage depends on the rounds"
    );
    let edge_over: i64 = full
        .pattern_usage_2d
        .iter()
        .zip(&full.capacity_2d)
        .map(|(&u, &c)| (u - c).max(0) as i64)
        .sum();
    assert!(
        edge_over > full.overflow_2d,
        "pattern stage {edge_over}, negotiated {}",
        full.overflow_2d
    );
    let (h, v) = full.pattern_overflow_maps();
    let (nx, ny) = (full.grid.nx, full.grid.ny);
    assert_eq!((h.len(), v.len()), (nx * ny, nx * ny));
    assert!(h.iter().chain(&v).all(|&x| x >= 0.0));
    assert!(h.iter().sum::<f32>() > 0.0 && v.iter().sum::<f32>() > 0.0);
    // Edge ids as the router numbers them: horizontal edges first, (nx - 1) per row.
    let g = mpgd::route::pattern::Grid2 { nx, ny };
    for (x, y) in [(3, 4), (nx - 1, ny / 2), (nx / 2, ny - 1)] {
        let eh = g.h(x.min(nx - 2), y);
        let ev = g.v(x, y.min(ny - 2));
        let over = |e: usize| (full.pattern_usage_2d[e] - full.capacity_2d[e]).max(0) as f32;
        assert_eq!(h[y * nx + x], over(eh), "H at ({x}, {y})");
        assert_eq!(v[y * nx + x], over(ev), "V at ({x}, {y})");
    }
}

/// `mpgd route --gr`: a hand-written ISPD 2008 case where two nets must share a one-track row
/// (no vertical capacity, the other row adjusted to 0, so a detour costs more overflow), reported
/// in eval2008's units (overflow in capacity units, wirelength = edges + vias).
#[test]
fn ispd2008_gr_benchmarks_route_from_the_command_line() {
    let dir = Dir::new();
    let gr = dir.write(
        "two.gr",
        b"grid 3 2 2\nvertical capacity 0 0\nhorizontal capacity 2 0\nminimum width 1 1\n\
          minimum spacing 1 1\nvia spacing 1 1\n0 0 10 10\nnum net 2\nA 0 2 1\n5 5 1\n25 5 1\n\
          B 1 2 1\n5 5 1\n25 5 1\n2\n0 1 1 1 1 1 0\n1 1 1 2 1 1 0\n",
    );
    let route_gr = |gr: &std::path::Path, json: &std::path::Path| {
        mpgd([
            "route",
            "--gr",
            gr.to_str().unwrap(),
            "--json",
            json.to_str().unwrap(),
        ])
    };
    let json = dir.path("two.json");
    let out = route_gr(&gr, &json);
    assert!(out.status.success(), "{out:?}");
    let j: serde_json::Value = serde_json::from_slice(&std::fs::read(&json).unwrap()).unwrap();
    // Each of the two edges carries two one-track wires against 2 units of capacity, a wire
    // costing width + spacing = 2 units: 2 units over on each edge.
    assert_eq!(j["total_overflow"], 4);
    assert_eq!(j["max_overflow"], 2);
    assert_eq!(j["wirelength"], 4);
    assert_eq!(j["vias"], 0);

    // Truncated: one line naming the file and the line, nothing written.
    let bad = dir.write("bad.gr", b"grid 3 1 2\nvertical capacity 0 0\n");
    let json2 = dir.path("bad.json");
    assert_user_error(&route_gr(&bad, &json2), "bad.gr:line");
    assert!(!json2.exists());
    // --gr with design flags is refused.
    let out = mpgd(["route", "--gr", gr.to_str().unwrap(), "--layers", "a-b"]);
    assert_user_error(&out, "--gr");
}

/// OpenROAD wrote the GCELLGRID of the sky130hd DEFs after global routing, with its default tile:
/// our default GCell size and counts must equal it, and `--gcell-from-def` reads the same size.
/// (nangate45/gcd_routed is left out: its grid, 4200 DBU = 15 x the metal3 Y pitch, comes from an
/// older flow; today's grt takes the X pitch, 5700 DBU, as the gcd.ok log's GRT-0053 confirms.)
#[test]
fn default_gcells_equal_the_gcellgrid_openroad_wrote() {
    use mpgd::design::{Design, DesignInput};
    let mut checked = 0;
    for c in cases() {
        let name = c.def.to_string_lossy().to_string();
        let small = ["gcd_cts", "tempsense"];
        if !small.iter().any(|s| name.contains(s)) {
            continue;
        }
        let d = Design::load(&DesignInput::new(c.lefs.clone(), c.def.clone())).unwrap();
        let g = d.gcell_grid.as_ref().expect("a GCELLGRID");
        let tile = mpgd::route::setup::default_tile(&d).unwrap();
        assert_eq!(mpgd::route::setup::def_gcell_size(&d), Ok(tile), "{name}");
        let grid = mpgd::route::gcell_grid(&d, None).unwrap();
        assert_eq!(grid.x_lines.len() - 1, g.x_lines.len(), "{name}: columns");
        assert_eq!(grid.y_lines.len() - 1, g.y_lines.len(), "{name}: rows");
        checked += 1;
    }
    assert_eq!(checked, 2, "sky130hd gcd_cts and tempsense");
}

/// `--grt-rules forks-2025` gives an older grt's table from the command line: OpenROAD's
/// tracks1 has met1 27573 at 5c9e487 (the default) and 27480 in the log of an older grt
/// (`tests/data/openroad-grt/older-grt/tracks1.ok`), every other layer the same.
#[test]
fn grt_rules_flag_selects_the_older_grts_met1() {
    let tracks1 = designs_dir().join("openroad-grt/tracks1");
    let lefs = [
        tracks1.join("00_sky130hs.tlef"),
        tracks1.join("01_sky130_fd_sc_hs_merged.lef"),
    ];
    let def = tracks1.join("02_tracks1.def");
    let met1 = |extra: &[&str]| {
        let mut a = vec!["route".to_string()];
        a.extend(design_args(&lefs, &def));
        let flags = ["--layers", "met1-met5", "--iterations", "1"];
        a.extend(flags.iter().chain(extra).map(|s| s.to_string()));
        let out = mpgd(a);
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        let stdout = String::from_utf8_lossy(&out.stdout).to_string();
        let row = stdout
            .lines()
            .find(|l| l.starts_with("met1 "))
            .expect("met1 row");
        row.split_whitespace().nth(2).expect("original").to_string()
    };
    assert_eq!(met1(&[]), "27573");
    assert_eq!(met1(&["--grt-rules", "forks-2025"]), "27480");
}

/// OpenROAD's `pre_routed1` (src/grt/test): gcd on sky130hs with 6 of its 15 nets already routed
/// in the DEF. grt does not route a net with a `dbWire` again (`initNetlist`) and its wires block
/// capacity (`findNetsObstructions`): its log routes 9 nets, met1 demand 12, met2 17, nothing
/// above, 338 um. `--pre-routed keep` (the default) must give those numbers, and guides only for
/// nets of OpenROAD's `.guideok`, most of them box for box.
#[test]
fn pre_routed_nets_are_kept_as_openroad_grt_keeps_them() {
    let clock_route = designs_dir().join("openroad-grt/clock_route");
    let lefs = [
        clock_route.join("00_sky130hs.tlef"),
        clock_route.join("01_sky130_fd_sc_hs_merged.lef"),
    ];
    let def = bundled("openroad-grt/pre_routed1/pre_routed1.def");
    let ok = std::fs::read_to_string(bundled("openroad-grt/pre_routed1/pre_routed1.ok")).unwrap();
    let guideok =
        std::fs::read_to_string(bundled("openroad-grt/pre_routed1/pre_routed1.guideok")).unwrap();
    let dir = Dir::new();
    let run = |mode: &str| {
        let (json, guide) = (
            dir.path(&format!("{mode}.json")),
            dir.path(&format!("{mode}.guide")),
        );
        let mut a = vec!["route".to_string()];
        a.extend(design_args(&lefs, &def));
        for s in [
            "--layers",
            "met1-met5",
            "--clock-layers",
            "met3-met5",
            "--layer-adjust",
            "met1=0.8",
            "--layer-adjust",
            "met2=0.7",
            "--layer-adjust",
            "*=0.5",
            "--pre-routed",
            mode,
            "--json",
            json.to_str().unwrap(),
            "--guide",
            guide.to_str().unwrap(),
        ] {
            a.push(s.to_string());
        }
        let out = mpgd(a);
        let j = success_json(&out, &json);
        (j, parse_guides(&std::fs::read_to_string(&guide).unwrap()))
    };
    let (keep, keep_guides) = run("keep");

    // The log's numbers.
    let ok_value = |prefix: &str| -> i64 {
        let line = ok.lines().find(|l| l.starts_with(prefix)).unwrap();
        line.split_whitespace()
            .find_map(|w| w.parse().ok())
            .unwrap_or_else(|| panic!("no number in {line}"))
    };
    assert_eq!(
        keep["routed_nets"],
        ok_value("[INFO GRT-0014] Routed nets:")
    );
    assert_eq!(
        keep["wirelength_um"],
        ok_value("[INFO GRT-0018] Total wirelength:")
    );
    assert_eq!(keep["total_overflow"], 0);
    let congestion = ok.split("GRT-0096").nth(1).unwrap();
    for l in keep["layers"].as_array().unwrap() {
        let name = l["name"].as_str().unwrap();
        let row = congestion
            .lines()
            .find(|r| r.split_whitespace().next() == Some(name))
            .unwrap_or_else(|| panic!("{name} not in the log"));
        let demand: i64 = row.split_whitespace().nth(2).unwrap().parse().unwrap();
        assert_eq!(l["demand"], demand, "{name}");
    }

    // Guides: no pre-routed net routed again; most nets box for box as OpenROAD's.
    let ok_guides = parse_guides(&guideok);
    assert!(
        keep_guides.keys().all(|n| ok_guides.contains_key(n)),
        "{:?}",
        keep_guides.keys()
    );
    let same = keep_guides
        .iter()
        .filter(|(n, g)| ok_guides[*n] == **g)
        .count();
    assert!(same >= 7, "{same} nets as in pre_routed1.guideok");

    // Rerouting them: 15 nets, and the kept wiring had blocked capacity.
    let (reroute, reroute_guides) = run("reroute");
    assert_eq!(reroute["routed_nets"], 15);
    // The 6 pre-routed nets get guides too (local nets get none, in both runs).
    assert_eq!(reroute_guides.len(), keep_guides.len() + 6);
    let (kl, rl) = (
        keep["layers"].as_array().unwrap(),
        reroute["layers"].as_array().unwrap(),
    );
    let blocked = |k: &serde_json::Value, r: &serde_json::Value| {
        r["original_resource"].as_i64().unwrap() - k["original_resource"].as_i64().unwrap()
    };
    assert!(kl.iter().zip(rl).all(|(k, r)| blocked(k, r) >= 0));
    assert!(blocked(&kl[1], &rl[1]) > 0, "met1 wiring blocked nothing");
}

/// Guide file: net name to its set of boxes.
fn parse_guides(
    text: &str,
) -> std::collections::HashMap<String, std::collections::BTreeSet<String>> {
    let mut out = std::collections::HashMap::new();
    let mut cur: Option<String> = None;
    for line in text.lines().map(str::trim).filter(|l| !l.is_empty()) {
        match (line, &cur) {
            ("(", _) => {}
            (")", _) => cur = None,
            (name, None) => {
                cur = Some(name.to_string());
                out.entry(name.to_string()).or_default();
            }
            (boxed, Some(n)) => {
                out.get_mut(n)
                    .map(|s: &mut std::collections::BTreeSet<String>| s.insert(boxed.to_string()));
            }
        }
    }
    out
}

/// `PreRouted::Keep` on a design read without its net wiring is an error naming the cause, not
/// a route that silently ignores the wiring; with the wiring read, the wired nets' shapes are
/// there and only on layers of the design.
#[test]
fn keeping_pre_routed_nets_needs_the_wiring_read() {
    use mpgd::design::{BuildOptions, Design, DesignInput};
    use mpgd::route::{PreRouted, RouteConfig, RouteError};
    let clock_route = designs_dir().join("openroad-grt/clock_route");
    let lefs = vec![
        clock_route.join("00_sky130hs.tlef"),
        clock_route.join("01_sky130_fd_sc_hs_merged.lef"),
    ];
    let def = bundled("openroad-grt/pre_routed1/pre_routed1.def");
    let cfg = RouteConfig {
        pre_routed: PreRouted::Keep,
        ..RouteConfig::default()
    };
    let plain = Design::load(&DesignInput::new(lefs.clone(), def.clone())).unwrap();
    assert!(plain.net_wiring.iter().all(|l| l.is_empty()));
    match mpgd::route::run(&plain, &cfg) {
        Err(RouteError::NetWiringNotRead { nets }) => assert_eq!(nets, 6),
        other => panic!(
            "expected NetWiringNotRead, got {:?}",
            other.map(|r| r.routed_nets)
        ),
    }
    let mut input = DesignInput::new(lefs, def);
    input.options = BuildOptions {
        net_wiring: true,
        ..BuildOptions::default()
    };
    let wired = Design::load(&input).unwrap();
    assert_eq!(wired.net_wiring.len(), wired.layers.len());
    assert!(wired.net_wiring.iter().map(Vec::len).sum::<usize>() > 0);
    let r = mpgd::route::run(&wired, &cfg).unwrap();
    assert_eq!(r.routed_nets, 9);
}

/// The JSON a successful `mpgd route --json FILE` wrote; a failed run shows its stderr.
fn success_json(out: &std::process::Output, json: &std::path::Path) -> serde_json::Value {
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_str(&std::fs::read_to_string(json).unwrap()).unwrap()
}
