//! Hand-computed feature maps of tiny designs built in code, and the thread-count determinism
//! check (one pool of 1 thread, pools of 2 and 3, identical bytes).

use super::*;
use crate::design::{Instance, IoPin, Master, MasterKind, MasterPin, Net, NetPin, RoutingLayer};
use crate::geom::{Orient, Point, Rect, Transform};
use crate::lefdef::def::PlacementStatus;
use crate::lefdef::lef::Direction;

/// A tiny builder of hand-made designs (DBU coordinates).
pub(crate) struct TestDesign {
    pub d: Design,
}

impl TestDesign {
    /// An empty design on `die`, `dbu` DBU per µm, with two routing layers of pitch `pitch`.
    pub fn new(dbu: i64, die: Rect, pitch: Dbu) -> Self {
        let layer = |name: &str, direction| RoutingLayer {
            name: name.into(),
            direction,
            pitch: (pitch, pitch),
            offset: None,
            width: pitch / 2,
            spacing: pitch / 2,
            max_spacing: pitch / 2,
            default_via_metal: None,
            tracks_x: vec![],
            tracks_y: vec![],
        };
        TestDesign {
            d: Design {
                name: "t".into(),
                dbu_per_micron: dbu,
                die,
                die_polygon: vec![die.lo, die.hi],
                core: die,
                layers: vec![
                    layer("m1", Direction::Horizontal),
                    layer("m2", Direction::Vertical),
                ],
                masters: vec![],
                instances: vec![],
                io_pins: vec![],
                nets: vec![],
                net_pins: vec![],
                obstructions: vec![vec![], vec![]],
                net_wiring: vec![vec![], vec![]],
                rows: vec![],
                gcell_grid: None,
                placement_blockages: vec![],
                special_net_count: 0,
                warnings: vec![],
            },
        }
    }
    /// A master `w` x `h` with pins given by one rectangle each (master coordinates).
    pub fn master(&mut self, kind: MasterKind, w: Dbu, h: Dbu, pins: &[Rect]) -> u32 {
        let pins = pins
            .iter()
            .enumerate()
            .map(|(i, r)| MasterPin {
                name: format!("p{i}"),
                direction: None,
                use_: None,
                shapes: vec![(0, *r)],
            })
            .collect();
        self.d.masters.push(Master {
            name: format!("M{}", self.d.masters.len()),
            class: None,
            kind,
            width: w,
            height: h,
            pins,
            obs: vec![],
            missing: false,
        });
        self.d.masters.len() as u32 - 1
    }
    /// A placed instance of `master` with its lower-left at `(x, y)`.
    pub fn inst(&mut self, master: u32, x: Dbu, y: Dbu, orient: Orient) -> u32 {
        let m = &self.d.masters[master as usize];
        let bbox = Transform::new(Point::new(x, y), orient, m.width, m.height).placed_box();
        self.d.instances.push(Instance {
            name: format!("u{}", self.d.instances.len()),
            master,
            status: PlacementStatus::Placed,
            location: Point::new(x, y),
            orient,
            bbox,
            halo: None,
        });
        self.d.instances.len() as u32 - 1
    }
    /// An IO pin with one rectangle (or none).
    pub fn io(&mut self, rect: Option<Rect>) -> NetPin {
        self.d.io_pins.push(IoPin {
            name: format!("io{}", self.d.io_pins.len()),
            net: None,
            direction: None,
            use_: None,
            shapes: rect.map(|r| vec![(0, r)]).unwrap_or_default(),
        });
        NetPin::Io(self.d.io_pins.len() as u32 - 1)
    }
    /// A net over `pins`.
    pub fn net(&mut self, use_: Option<&str>, pins: &[NetPin]) {
        let start = self.d.net_pins.len() as u32;
        self.d.net_pins.extend_from_slice(pins);
        self.d.nets.push(Net {
            name: format!("n{}", self.d.nets.len()),
            use_: use_.map(str::to_string),
            pins: start..self.d.net_pins.len() as u32,
            routed_in_def: false,
        });
    }
}

fn pin(inst: u32, pin: u32) -> NetPin {
    NetPin::Inst { inst, pin }
}

/// Asserts `map` equals `expected` (rows listed top row first, as printed), within f32 rounding.
#[track_caller]
fn assert_map(maps: &FeatureMaps, c: Channel, expected_top_first: &[&[f64]]) {
    let m = maps.get(c);
    assert_eq!(m.ny, expected_top_first.len(), "{}: rows", c.name());
    for (k, row) in expected_top_first.iter().enumerate() {
        let j = m.ny - 1 - k;
        assert_eq!(row.len(), m.nx, "{}: columns", c.name());
        for (i, &e) in row.iter().enumerate() {
            let got = m.at(i, j) as f64;
            assert!(
                (got - e).abs() <= 1e-6 * e.abs().max(1.0),
                "{} at column {i}, row {j}: got {got}, expected {e}\nmap (row 0 first): {:?}",
                c.name(),
                m.data
            );
        }
    }
}

/// The main hand-computed design: 10 DBU/µm, die 300 x 200 DBU, GCells 100 DBU (10 µm), so
/// nx = 3, ny = 2 and every GCell is 100 µm²; routing pitch 10 DBU (1 µm).
///
/// * u0: 20x10 core cell at (30, 30); pins p0 (0,0)-(10,10) and p1 (10,0)-(20,10).
/// * u1 at (230, 130), u2 at (120, 120), u3 at (150, 160): same master.
/// * u4: 150x20 core cell at (90, 90), no pins used: box (90,90)-(240,110).
/// * u5: 10x10 filler (physical) at (10, 10).
/// * u6: 30x30 macro (BLOCK) at (160, 20) with halo (5, 5, 20, 60): (155,15)-(210,110).
/// * u7: an unplaced core cell.
/// * n0: u0.p0 (30,30)-(40,40) + u1.p0 (230,130)-(240,140): box 21 x 11 µm, long.
/// * n1: u2.p0 (120,120)-(130,130) + u3.p0 (150,160)-(160,170): box 4 x 5 µm, short.
/// * n2: u0.p1 (40,30)-(50,40) + IO (290,0)-(300,10): box 26 x 4 µm, long.
/// * n3: IO (250,110)-(250,120) + IO (250,180)-(250,190): zero width, widened to 1 pitch
///   (245..255): box 1 x 8 µm, short.
/// * n4: one pin only (skipped); n5: USE POWER (skipped); n6: an IO pin without shapes + u2.p1
///   (one usable pin: skipped).
fn hand_design() -> Design {
    let mut t = TestDesign::new(10, Rect::new(0, 0, 300, 200), 10);
    let a = t.master(
        MasterKind::Core,
        20,
        10,
        &[Rect::new(0, 0, 10, 10), Rect::new(10, 0, 20, 10)],
    );
    let big = t.master(MasterKind::Core, 150, 20, &[]);
    let fill = t.master(MasterKind::Physical, 10, 10, &[]);
    let mac = t.master(MasterKind::Block, 30, 30, &[]);
    let u0 = t.inst(a, 30, 30, Orient::N);
    let u1 = t.inst(a, 230, 130, Orient::N);
    let u2 = t.inst(a, 120, 120, Orient::N);
    let u3 = t.inst(a, 150, 160, Orient::N);
    t.inst(big, 90, 90, Orient::N);
    t.inst(fill, 10, 10, Orient::N);
    let u6 = t.inst(mac, 160, 20, Orient::N);
    t.d.instances[u6 as usize].halo = Some([5, 5, 20, 60]);
    let u7 = t.inst(a, 0, 0, Orient::N);
    t.d.instances[u7 as usize].status = PlacementStatus::Unplaced;

    t.net(None, &[pin(u0, 0), pin(u1, 0)]);
    t.net(Some("SIGNAL"), &[pin(u2, 0), pin(u3, 0)]);
    let io0 = t.io(Some(Rect::new(290, 0, 300, 10)));
    t.net(None, &[pin(u0, 1), io0]);
    let io1 = t.io(Some(Rect::new(250, 110, 250, 120)));
    let io2 = t.io(Some(Rect::new(250, 180, 250, 190)));
    t.net(None, &[io1, io2]);
    t.net(None, &[pin(u1, 1)]);
    t.net(Some("POWER"), &[pin(u1, 1), pin(u3, 1)]);
    let io3 = t.io(None);
    t.net(None, &[io3, pin(u2, 1)]);
    t.d
}

fn hand_grid(d: &Design) -> GCellGrid {
    GCellGrid::uniform(d.die, 100)
}

// Net weights 1/w + 1/h in 1/µm.
const W0: f64 = 1.0 / 21.0 + 1.0 / 11.0; // n0: 21 x 11 µm
const W1: f64 = 1.0 / 4.0 + 1.0 / 5.0; // n1: 4 x 5 µm = 0.45
const W2: f64 = 1.0 / 26.0 + 1.0 / 4.0; // n2: 26 x 4 µm
const W3: f64 = 1.0 + 1.0 / 8.0; // n3: 1 x 8 µm (widened): 1/1 + 1/8 = 1.125

#[test]
fn rudy_by_hand() {
    let d = hand_design();
    let m = extract(&d, &hand_grid(&d), &FeatureConfig::default());
    // n0 box (30,30)-(240,140): x overlaps 70 | 100 | 40, y overlaps 70 (row 0) | 40 (row 1);
    // GCell area 100 x 100 DBU. n2 box (40,0)-(300,40): x 60 | 100 | 100, y 40 | 0.
    // n1 box (120,120)-(160,170): 40 x 50 in GCell (1,1): 0.2. n3 box (245,110)-(255,190):
    // 10 x 80 in GCell (2,1): 0.08.
    assert_map(
        &m,
        Channel::Rudy,
        &[
            &[0.28 * W0, 0.40 * W0 + 0.2 * W1, 0.16 * W0 + 0.08 * W3],
            &[
                0.49 * W0 + 0.24 * W2,
                0.70 * W0 + 0.40 * W2,
                0.28 * W0 + 0.40 * W2,
            ],
        ],
    );
    assert_map(
        &m,
        Channel::RudyLong,
        &[
            &[0.28 * W0, 0.40 * W0, 0.16 * W0],
            &[
                0.49 * W0 + 0.24 * W2,
                0.70 * W0 + 0.40 * W2,
                0.28 * W0 + 0.40 * W2,
            ],
        ],
    );
    assert_map(
        &m,
        Channel::RudyShort,
        &[&[0.0, 0.2 * W1, 0.08 * W3], &[0.0, 0.0, 0.0]],
    );
    // The same numbers written out: W0 = 32/231, W2 = 30/104.
    assert!(
        (m.get(Channel::Rudy).at(0, 0) as f64 - (0.49 * 32.0 / 231.0 + 0.24 * 30.0 / 104.0)).abs()
            < 1e-7
    );
    assert!((m.get(Channel::RudyShort).at(2, 1) as f64 - 0.09).abs() < 1e-7);
    // Σ RUDY · GCell area (100 µm²) = Σ (w + h) = 32 + 9 + 30 + 9.
    let total: f64 = m.get(Channel::Rudy).sum() * 100.0;
    assert!((total - 80.0).abs() < 1e-4, "{total}");
}

#[test]
fn pin_rudy_by_hand() {
    let d = hand_design();
    let m = extract(&d, &hand_grid(&d), &FeatureConfig::default());
    // Pins land on: n0 (0,0), (2,1); n1 (1,1) twice; n2 (0,0), (2,0) (IO pin in the corner,
    // clamped); n3 (2,1) twice (zero-width pins).
    assert_map(
        &m,
        Channel::RudyPin,
        &[&[0.0, 2.0 * W1, W0 + 2.0 * W3], &[W0 + W2, 0.0, W2]],
    );
    assert_map(
        &m,
        Channel::RudyPinLong,
        &[&[0.0, 0.0, W0], &[W0 + W2, 0.0, W2]],
    );
    assert_map(
        &m,
        Channel::PinDensity,
        &[&[0.0, 2.0, 3.0], &[2.0, 0.0, 1.0]],
    );
    assert!((m.get(Channel::RudyPin).at(2, 1) as f64 - (32.0 / 231.0 + 2.25)).abs() < 1e-6);
}

#[test]
fn cell_density_and_macro_by_hand() {
    let d = hand_design();
    let g = hand_grid(&d);
    let m = extract(&d, &g, &FeatureConfig::default());
    // CircuitNet rule: u4 (90..240 x 90..110): columns bisect 0 and 2 -> 0..1, rows 0 and 1 -> 0;
    // the macro (160..190 x 20..50) counts at (1,0); the filler and the unplaced cell do not.
    assert_map(
        &m,
        Channel::CellDensity,
        &[&[0.0, 2.0, 1.0], &[2.0, 2.0, 0.0]],
    );
    // Macro with halo (155..210 x 15..110) overlaps columns 1..2, rows 0..1.
    assert_map(
        &m,
        Channel::MacroRegion,
        &[&[0.0, 1.0, 1.0], &[0.0, 1.0, 1.0]],
    );

    let with_fill = FeatureConfig {
        count_physical_cells: true,
        ..FeatureConfig::default()
    };
    let m = extract(&d, &g, &with_fill);
    assert_map(
        &m,
        Channel::CellDensity,
        &[&[0.0, 2.0, 1.0], &[3.0, 2.0, 0.0]],
    );

    // Overlap rule: u4 covers all six GCells.
    let overlap = FeatureConfig {
        footprint: Footprint::Overlap,
        ..FeatureConfig::default()
    };
    let m = extract(&d, &g, &overlap);
    assert_map(
        &m,
        Channel::CellDensity,
        &[&[1.0, 3.0, 2.0], &[2.0, 2.0, 1.0]],
    );
    assert_map(
        &m,
        Channel::MacroRegion,
        &[&[0.0, 1.0, 1.0], &[0.0, 1.0, 1.0]],
    );
}

#[test]
fn knobs_drop_io_pins_and_high_fanout_nets() {
    let d = hand_design();
    let g = hand_grid(&d);
    // Without IO pins n2 and n3 have one pin or none: only n0 and n1 remain.
    let m = extract(
        &d,
        &g,
        &FeatureConfig {
            include_io_pins: false,
            ..FeatureConfig::default()
        },
    );
    assert_map(
        &m,
        Channel::RudyPin,
        &[&[0.0, 2.0 * W1, W0], &[W0, 0.0, 0.0]],
    );
    assert_map(
        &m,
        Channel::Rudy,
        &[
            &[0.28 * W0, 0.40 * W0 + 0.2 * W1, 0.16 * W0],
            &[0.49 * W0, 0.70 * W0, 0.28 * W0],
        ],
    );
    // max_net_pins = 1 drops every net.
    let m = extract(
        &d,
        &g,
        &FeatureConfig {
            max_net_pins: Some(1),
            ..FeatureConfig::default()
        },
    );
    assert_eq!(m.get(Channel::Rudy).sum(), 0.0);
    assert_eq!(m.get(Channel::PinDensity).sum(), 0.0);
    // An explicit minimum extent of 20 DBU (2 µm) for n3: 1/2 + 1/8 over 20 x 80 DBU.
    let m = extract(
        &d,
        &g,
        &FeatureConfig {
            min_extent: Some(20),
            ..FeatureConfig::default()
        },
    );
    let e = 0.16 * W0 + (0.5 + 0.125) * 0.16;
    assert!((m.get(Channel::Rudy).at(2, 1) as f64 - e).abs() < 1e-6);
}

/// A net whose box is exactly GCell (1,1) (edges on the lines), and a pin straddling a line:
/// CircuitNet's bisect calls the net long and counts the straddling pin once; the overlap rule
/// calls the net short and counts the pin on both GCells.
#[test]
fn boundaries_follow_the_footprint_rule() {
    let mut t = TestDesign::new(1, Rect::new(0, 0, 300, 300), 10);
    let p0 = t.io(Some(Rect::new(100, 100, 110, 110)));
    let p1 = t.io(Some(Rect::new(190, 190, 200, 200)));
    t.net(None, &[p0, p1]);
    let p2 = t.io(Some(Rect::new(5, 5, 15, 15)));
    let p3 = t.io(Some(Rect::new(95, 250, 105, 260)));
    t.net(None, &[p2, p3]);
    let d = t.d;
    let g = GCellGrid::uniform(d.die, 100);
    // dbu = 1, so lengths in µm are DBU: n0 is 100 x 100 (weight 0.02), n1 is 100 x 255
    // (weight 1/100 + 1/255).
    let w1 = 1.0 / 100.0 + 1.0 / 255.0;
    let cn = extract(&d, &g, &FeatureConfig::default());
    // CircuitNet: n0's pins at bisect (0,0) [100 is the upper edge of GCell 0] and (1,1); the
    // box 100..200 gives bisect 0..1: long. n1's pins at (0,0) and, for x 95..105 -> 0..1, my_range
    // keeps column 0 only: (0,2).
    assert_map(
        &cn,
        Channel::RudyPin,
        &[&[w1, 0.0, 0.0], &[0.0, 0.02, 0.0], &[0.02 + w1, 0.0, 0.0]],
    );
    assert_map(
        &cn,
        Channel::RudyPinLong,
        &[&[w1, 0.0, 0.0], &[0.0, 0.02, 0.0], &[0.02 + w1, 0.0, 0.0]],
    );
    // RUDY is the exact overlap either way: n0 fills GCell (1,1): 0.02; n1 box 5..105 x 5..260:
    // x 95 | 5, y 95 | 100 | 60, over 100 x 100.
    let rudy = [
        &[0.57 * w1, 0.03 * w1, 0.0][..],
        &[0.95 * w1, 0.02 + 0.05 * w1, 0.0][..],
        &[0.9025 * w1, 0.0475 * w1, 0.0][..],
    ];
    assert_map(&cn, Channel::Rudy, &rudy[..]);
    let ov = extract(
        &d,
        &g,
        &FeatureConfig {
            footprint: Footprint::Overlap,
            ..FeatureConfig::default()
        },
    );
    // Overlap: n0's pins at (1,1) and (1,1); short. n1's straddling pin counts on (0,2), (1,2).
    assert_map(
        &ov,
        Channel::RudyPin,
        &[&[w1, w1, 0.0], &[0.0, 0.04, 0.0], &[w1, 0.0, 0.0]],
    );
    assert_map(
        &ov,
        Channel::RudyPinLong,
        &[&[w1, w1, 0.0], &[0.0, 0.0, 0.0], &[w1, 0.0, 0.0]],
    );
    assert_map(
        &ov,
        Channel::RudyShort,
        &[&[0.0; 3], &[0.0, 0.02, 0.0], &[0.0; 3]],
    );
    assert_map(&ov, Channel::Rudy, &rudy[..]);
    assert_map(
        &ov,
        Channel::PinDensity,
        &[&[1.0, 1.0, 0.0], &[0.0, 2.0, 0.0], &[1.0, 0.0, 0.0]],
    );
}

/// Pin rectangles of rotated and mirrored instances equal [`Design::pin_bbox`].
#[test]
fn pin_rectangles_match_the_design_model() {
    let mut t = TestDesign::new(1, Rect::new(0, 0, 1000, 1000), 10);
    let a = t.master(
        MasterKind::Core,
        30,
        10,
        &[Rect::new(0, 0, 4, 3), Rect::new(20, 5, 30, 10)],
    );
    let orients = [
        Orient::N,
        Orient::S,
        Orient::E,
        Orient::W,
        Orient::FN,
        Orient::FS,
        Orient::FE,
        Orient::FW,
    ];
    let mut pins = vec![];
    for (k, o) in orients.into_iter().enumerate() {
        let u = t.inst(a, 100 * k as Dbu, 50, o);
        pins.push(pin(u, 0));
        pins.push(pin(u, 1));
    }
    t.net(None, &pins);
    let d = t.d;
    let g = GCellGrid::uniform(d.die, 100);
    let set = nets::collect(&d, &g, &FeatureConfig::default());
    let want: Vec<Option<Rect>> = pins.iter().map(|&p| Some(d.pin_bbox(p))).collect();
    assert_eq!(set.pins, want);
}

/// A deterministic pseudo-random design large enough to spread over many rows and threads.
fn random_design(n_cells: usize, n_nets: usize, seed: u64) -> Design {
    let mut s = seed;
    let mut next = move |m: i64| {
        s = s
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        ((s >> 33) % m as u64) as i64
    };
    let mut t = TestDesign::new(1000, Rect::new(0, 0, 200_000, 150_000), 140);
    let a = t.master(
        MasterKind::Core,
        760,
        1400,
        &[Rect::new(0, 0, 70, 700), Rect::new(400, 300, 470, 1000)],
    );
    let mac = t.master(
        MasterKind::Block,
        20_000,
        30_000,
        &[Rect::new(0, 0, 100, 100)],
    );
    let m = t.inst(mac, 50_000, 40_000, Orient::N);
    t.d.instances[m as usize].halo = Some([2000, 2000, 2000, 2000]);
    let insts: Vec<u32> = (0..n_cells)
        .map(|_| t.inst(a, next(199_000), next(148_000), Orient::FS))
        .collect();
    for k in 0..n_nets {
        let fanout = if k % 97 == 0 {
            200
        } else {
            2 + next(4) as usize
        };
        let pins: Vec<NetPin> = (0..fanout)
            .map(|_| pin(insts[next(n_cells as i64) as usize], next(2) as u32))
            .collect();
        t.net(None, &pins);
    }
    let io = t.io(Some(Rect::new(0, 7000, 100, 7100)));
    t.net(None, &[io, pin(m, 0)]);
    t.d
}

#[test]
fn thread_count_does_not_change_a_byte() {
    let d = random_design(4000, 3000, 7);
    for fp in [Footprint::CircuitNet, Footprint::Overlap] {
        let cfg = FeatureConfig {
            footprint: fp,
            ..FeatureConfig::default()
        };
        let g = GCellGrid::uniform(d.die, 2800);
        let run = |threads: usize| {
            let pool = rayon::ThreadPoolBuilder::new()
                .num_threads(threads)
                .build()
                .unwrap();
            pool.install(|| extract(&d, &g, &cfg))
        };
        let one = run(1);
        for threads in [2, 3] {
            let many = run(threads);
            for ((c, a), (_, b)) in one.iter().zip(many.iter()) {
                let (ab, bb): (Vec<u32>, Vec<u32>) = (
                    a.data.iter().map(|v| v.to_bits()).collect(),
                    b.data.iter().map(|v| v.to_bits()).collect(),
                );
                assert!(
                    ab == bb,
                    "{} differs between 1 and {threads} threads",
                    c.name()
                );
            }
        }
        // Sanity on the same design: RUDY conserves wirelength, long + short = all.
        let rudy = one.get(Channel::Rudy);
        let set = nets::collect(&d, &g, &cfg);
        let expect: f64 = set
            .nets
            .iter()
            .map(|n| (n.bbox.width() + n.bbox.height()) as f64 / 1000.0)
            .sum();
        // Edge GCells are larger (remainder absorbed), so weigh each GCell by its own area.
        let mut got = 0.0;
        for j in 0..g.ny() {
            for i in 0..g.nx() {
                let a = g.cell(i, j).area() as f64 / 1e6;
                got += rudy.at(i, j) as f64 * a;
            }
        }
        assert!((got - expect).abs() < 1e-4 * expect, "{got} vs {expect}");
        for k in 0..rudy.data.len() {
            let s = one.get(Channel::RudyLong).data[k] + one.get(Channel::RudyShort).data[k];
            assert!((s - rudy.data[k]).abs() <= 1e-5 * rudy.data[k].abs().max(1e-3));
        }
        let pins: usize = set.nets.iter().map(|n| set.pins_of(n).count()).sum();
        assert!(one.get(Channel::PinDensity).sum() >= pins as f64);
    }
}

/// 15 track steps of the third routing layer (its DEF tracks first, else its pitch).
#[test]
fn default_gcell_size_is_fifteen_tracks_of_the_third_layer() {
    let mut t = TestDesign::new(1000, Rect::new(0, 0, 10_000, 10_000), 10);
    // Two layers only: the highest one's pitch.
    assert_eq!(default_gcell_size(&t.d), 150);
    let mut m3 = t.d.layers[0].clone();
    m3.name = "m3".into();
    m3.pitch = (14, 14);
    t.d.layers.push(m3.clone());
    assert_eq!(default_gcell_size(&t.d), 210);
    t.d.layers[2].tracks_x.push(crate::design::TrackPattern {
        start: 0,
        num: 10,
        step: 16,
    });
    assert_eq!(default_gcell_size(&t.d), 240);
    assert_eq!(min_track_pitch(&t.d, &GCellGrid::uniform(t.d.die, 240)), 10);
}
