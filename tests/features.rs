//! Feature maps of real designs (nangate45/gcd, ispd18/ispd18_test1, then every design of the
//! shared folder): sums and ranges against an independent computation from the design model,
//! thread-count determinism, and `mpgd features`.

use crate::util::*;
use mpgd::design::{Design, DesignInput, MasterKind, NetPin};
use mpgd::features::{self, Channel, FeatureConfig, FeatureMaps, Footprint};
use mpgd::lefdef::def::PlacementStatus;
use mpgd::route::grid::GCellGrid;

fn load(lefs: Vec<std::path::PathBuf>, def: std::path::PathBuf) -> Design {
    let input = DesignInput::new(lefs, def.clone());
    Design::load(&input).unwrap_or_else(|e| panic!("{}: {e}", def.display()))
}

fn gcd_design() -> Design {
    let dir = designs_dir().join("nangate45/gcd");
    load(vec![dir.join("Nangate45.lef")], dir.join("gcd.def"))
}

fn ispd18_test1() -> Design {
    let dir = designs_dir().join("ispd18/ispd18_test1");
    load(
        vec![dir.join("ispd18_test1.input.lef")],
        dir.join("ispd18_test1.input.def"),
    )
}

fn default_grid(d: &Design) -> GCellGrid {
    GCellGrid::uniform(d.die, features::default_gcell_size(d))
}

/// Per counted net, recomputed here from `Design::pin_bbox` (not the module's own code): the
/// bounding box in DBU (degenerate sides widened to the smallest routing pitch) and its pin count.
fn nets_by_hand(d: &Design, g: &GCellGrid) -> Vec<(mpgd::geom::Rect, usize)> {
    let pitch = features::min_track_pitch(d, g);
    let mut out = vec![];
    for n in 0..d.nets.len() {
        let u = d.nets[n].use_.as_deref().unwrap_or("").to_ascii_uppercase();
        if u == "POWER" || u == "GROUND" {
            continue;
        }
        let rects: Vec<_> = d
            .pins_of(n)
            .iter()
            .filter(|&&p| !matches!(p, NetPin::Io(_)) || !d.pin_shapes(p).is_empty())
            .map(|&p| d.pin_bbox(p))
            .collect();
        if rects.len() < 2 {
            continue;
        }
        let mut b = rects.iter().skip(1).fold(rects[0], |a, r| a.union(r));
        if b.width() == 0 {
            b.lo.x -= pitch / 2;
            b.hi.x = b.lo.x + pitch;
        }
        if b.height() == 0 {
            b.lo.y -= pitch / 2;
            b.hi.y = b.lo.y + pitch;
        }
        out.push((b, rects.len()));
    }
    out
}

fn check_sanity(name: &str, d: &Design, g: &GCellGrid, m: &FeatureMaps) {
    let (nx, ny) = (g.nx(), g.ny());
    let dbu = d.dbu_per_micron as f64;
    for (c, map) in m.iter() {
        assert_eq!(
            (map.nx, map.ny, map.data.len()),
            (nx, ny, nx * ny),
            "{name}: {} shape",
            c.name()
        );
        assert!(
            map.data.iter().all(|v| v.is_finite() && *v >= 0.0),
            "{name}: {} has a negative or non-finite value",
            c.name()
        );
    }
    assert!(
        m.get(Channel::MacroRegion)
            .data
            .iter()
            .all(|&v| v == 0.0 || v == 1.0),
        "{name}: macro_region not 0/1"
    );

    // cell_density counts every placed non-physical instance at least once.
    let counted = d
        .instances
        .iter()
        .filter(|i| {
            i.status != PlacementStatus::Unplaced
                && d.masters[i.master as usize].kind != MasterKind::Physical
        })
        .count();
    let cells = m.get(Channel::CellDensity).sum();
    assert!(
        cells >= counted as f64,
        "{name}: cell_density sums to {cells} < {counted} instances"
    );
    assert!(counted > 0, "{name}: no instance counted");

    // Σ RUDY · GCell area (µm²) = Σ (1/w + 1/h) · area(bbox ∩ grid) = Σ (w + h) for boxes inside.
    let nets = nets_by_hand(d, g);
    assert!(!nets.is_empty(), "{name}: no net counted");
    let grid_box = mpgd::geom::Rect::new(g.x_lines[0], g.y_lines[0], g.x_lines[nx], g.y_lines[ny]);
    let mut expect = 0.0;
    let mut pin_weight = 0.0;
    let mut pins = 0usize;
    for (b, k) in &nets {
        let (w, h) = (b.width() as f64 / dbu, b.height() as f64 / dbu);
        let inside = b.intersection(&grid_box).map_or(0.0, |r| r.area() as f64) / (dbu * dbu);
        expect += (1.0 / w + 1.0 / h) * inside;
        pin_weight += (1.0 / w + 1.0 / h) * *k as f64;
        pins += k;
    }
    let rudy = m.get(Channel::Rudy);
    let mut got = 0.0;
    for j in 0..ny {
        for i in 0..nx {
            got += rudy.at(i, j) as f64 * g.cell(i, j).area() as f64 / (dbu * dbu);
        }
    }
    assert!(
        (got - expect).abs() <= 1e-4 * expect,
        "{name}: Σ RUDY·area = {got}, Σ (w+h) = {expect}"
    );

    // Every pin lands on at least one GCell.
    let pin_rudy = m.get(Channel::RudyPin).sum();
    assert!(
        pin_rudy >= pin_weight * (1.0 - 1e-5),
        "{name}: Σ RUDY_pin = {pin_rudy} < {pin_weight}"
    );
    let pin_count = m.get(Channel::PinDensity).sum();
    assert!(
        pin_count >= pins as f64,
        "{name}: pin_density sums to {pin_count} < {pins} pins"
    );

    // RUDY = RUDY_long + RUDY_short; long parts never exceed the whole.
    for k in 0..nx * ny {
        let (r, l, s) = (
            rudy.data[k],
            m.get(Channel::RudyLong).data[k],
            m.get(Channel::RudyShort).data[k],
        );
        assert!(
            (l + s - r).abs() <= 1e-5 * r.max(1e-3),
            "{name}: long + short != rudy at {k}"
        );
        assert!(
            m.get(Channel::RudyPinLong).data[k] <= m.get(Channel::RudyPin).data[k] * (1.0 + 1e-6)
        );
    }
}

#[test]
fn gcd_maps_are_sane() {
    let d = gcd_design();
    let g = default_grid(&d);
    // 15 x the first TRACKS step of metal3 (its X tracks, 0.19 µm) = 2.85 µm over a 100.13 x 100.8
    // µm die: 35 x 35, OpenROAD's grid (GRT-0053 in reference_grt/gcd.ok: metal3's 24480
    // resources = 720 tracks x 34 GCell edges).
    assert_eq!(g.gcell_size, 5700);
    assert_eq!((g.nx(), g.ny()), (35, 35));
    let m = features::extract(&d, &g, &FeatureConfig::default());
    check_sanity("gcd", &d, &g, &m);
    assert_eq!(m.get(Channel::MacroRegion).sum(), 0.0, "gcd has no macro");
    // The overlap rule counts at least as much as CircuitNet's.
    let ov = features::extract(
        &d,
        &g,
        &FeatureConfig {
            footprint: Footprint::Overlap,
            ..FeatureConfig::default()
        },
    );
    check_sanity("gcd overlap", &d, &g, &ov);
    assert!(ov.get(Channel::CellDensity).sum() >= m.get(Channel::CellDensity).sum());
    assert_eq!(
        ov.get(Channel::Rudy),
        m.get(Channel::Rudy),
        "RUDY does not depend on the footprint rule"
    );
}

#[test]
fn ispd18_test1_maps_are_sane() {
    let d = ispd18_test1();
    let g = default_grid(&d);
    let m = features::extract(&d, &g, &FeatureConfig::default());
    check_sanity("ispd18_test1", &d, &g, &m);
    // A 5 µm grid too (a different size changes nothing about the invariants).
    let g5 = GCellGrid::uniform(d.die, 5 * d.dbu_per_micron);
    check_sanity(
        "ispd18_test1 5um",
        &d,
        &g5,
        &features::extract(&d, &g5, &FeatureConfig::default()),
    );
}

/// Every design of the shared folder: the same invariants, and macros show in macro_region.
#[test]
fn every_design_has_sane_maps() {
    for case in cases() {
        let mut input = DesignInput::new(case.lefs.clone(), case.def.clone());
        input.options.missing_masters = mpgd::design::MissingMasters::Warn;
        let d = Design::load(&input).unwrap_or_else(|e| panic!("{}: {e}", case.name));
        let g = default_grid(&d);
        let m = features::extract(&d, &g, &FeatureConfig::default());
        check_sanity(&case.name, &d, &g, &m);
        let macros = d
            .instances
            .iter()
            .filter(|i| i.status != PlacementStatus::Unplaced)
            .filter(|i| d.masters[i.master as usize].kind == MasterKind::Block)
            .count();
        assert_eq!(
            m.get(Channel::MacroRegion).sum() > 0.0,
            macros > 0,
            "{}: {macros} macros",
            case.name
        );
    }
}

#[test]
fn one_and_two_threads_give_identical_bytes() {
    let d = gcd_design();
    let g = default_grid(&d);
    let run = |threads: usize| {
        let pool = rayon::ThreadPoolBuilder::new()
            .num_threads(threads)
            .build()
            .unwrap();
        pool.install(|| features::extract(&d, &g, &FeatureConfig::default()))
    };
    let (one, two) = (run(1), run(2));
    for ((c, a), (_, b)) in one.iter().zip(two.iter()) {
        let bytes = |m: &features::Map| mpgd::npy::encode_f32(&m.data, m.ny, m.nx);
        assert!(
            bytes(a) == bytes(b),
            "{} differs between 1 and 2 threads",
            c.name()
        );
    }
}

#[test]
fn cli_writes_one_npy_per_map_and_grid_json() {
    let (lefs, def) = gcd();
    let dir = Dir::new();
    let out = dir.path("maps");
    let mut args = vec!["features".to_string()];
    args.extend(design_args(&lefs, &def));
    args.extend(["--out".into(), out.display().to_string(), "--png".into()]);
    let o = mpgd(&args);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));

    let grid: serde_json::Value =
        serde_json::from_slice(&std::fs::read(out.join("grid.json")).unwrap())
            .expect("grid.json is JSON");
    assert_eq!(grid["nx"], 35);
    assert_eq!(grid["ny"], 35);
    assert_eq!(grid["gcell_um"], 2.85);
    assert_eq!(grid["dbu_per_micron"], 2000);
    assert_eq!(grid["origin_um"], serde_json::json!([0.0, 0.0]));
    let names: Vec<&str> = grid["channels"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_str().unwrap())
        .collect();
    assert_eq!(
        names,
        [
            "macro_region",
            "cell_density",
            "rudy",
            "rudy_long",
            "rudy_short",
            "rudy_pin",
            "rudy_pin_long",
            "pin_density",
            "egr_overflow_h",
            "egr_overflow_v"
        ]
    );

    let d = load(lefs.clone(), def.clone());
    let lib = features::extract(&d, &default_grid(&d), &FeatureConfig::default());
    for c in Channel::ALL {
        let (data, ny, nx) = mpgd::npy::read_f32(&out.join(format!("{}.npy", c.name()))).unwrap();
        assert_eq!((ny, nx), (35, 35), "{}", c.name());
        assert!(
            data == lib.get(c).data,
            "{}: the file differs from the library's map",
            c.name()
        );
        let png = std::fs::read(out.join(format!("{}.png", c.name()))).unwrap();
        assert_eq!(&png[..8], b"\x89PNG\r\n\x1a\n");
    }
    // gcd routes without overflow at OpenROAD's default capacity: its early-routing maps are 0.
    for name in ["egr_overflow_h", "egr_overflow_v"] {
        let (data, ny, nx) = mpgd::npy::read_f32(&out.join(format!("{name}.npy"))).unwrap();
        assert_eq!((ny, nx), (35, 35), "{name}");
        assert!(data.iter().all(|&v| v == 0.0), "{name} is not zero on gcd");
    }
    let files = std::fs::read_dir(&out).unwrap().count();
    assert_eq!(files, 21, "10 npy + 10 png + grid.json, no temporary left");

    // --no-egr skips the routing pass and its two maps.
    let out2 = dir.path("maps2");
    let mut args = vec!["features".to_string()];
    args.extend(design_args(&lefs, &def));
    args.extend([
        "--out".into(),
        out2.display().to_string(),
        "--no-egr".into(),
    ]);
    let o = mpgd(&args);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    assert_eq!(
        std::fs::read_dir(&out2).unwrap().count(),
        9,
        "8 npy + grid.json"
    );
}

#[test]
fn cli_bad_input_is_one_line_and_writes_nothing() {
    let (lefs, def) = gcd();
    let dir = Dir::new();
    let out = dir.path("maps");
    let mut args = vec!["features".to_string()];
    args.extend(design_args(&lefs, &def));
    args.extend([
        "--out".into(),
        out.display().to_string(),
        "--gcell-um=0".into(),
    ]);
    assert_user_error(&mpgd(&args), "--gcell-um");
    assert!(!out.exists());

    let mut args = vec!["features".to_string()];
    args.extend(design_args(&lefs, &dir.path("missing.def")));
    args.extend(["--out".into(), out.display().to_string()]);
    assert_user_error(&mpgd(&args), "missing.def");
    assert!(!out.exists());
}
