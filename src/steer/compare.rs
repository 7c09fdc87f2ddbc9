//! `mpgd compare`'s library: one placement, one routing configuration, several hotspot maps,
//! one steering mode; every map steers a routing run and each run is judged against the real
//! capacity.
//!
//! The runs, in order: `none` (unsteered), `rudy` (a RUDY-threshold map: [`rudy_map`]),
//! `oracle` (the unsteered run's own congestion map: the best any prediction could do), the
//! controls if asked for (`control1`, ...: the oracle's maps shuffled over the GCells, [`shuffled`]),
//! the free early-global-routing map if asked for (`egr`: the pattern stage's overflow per
//! direction, [`egr_maps`]), then one per map the caller gives (model predictions). Everything
//! here takes maps, never a model.

use super::hotspots::{select, Selection, SelectionError};
use super::padding::{padded_placement, PaddingError, PaddingSettings};
use super::prior::{prior, prior_hv, PriorError, PriorSettings};
use crate::design::Design;
use crate::features::{extract, Channel, FeatureConfig};
use crate::geom::Point;
use crate::route::pattern::Grid2;
use crate::route::{run as route, RouteConfig, RouteError, RouteResult, Steer};
use std::time::Instant;

/// A steering mode.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Mode {
    /// The map seeds the router's congestion cost.
    Prior,
    /// Hotspot cells padded, the placement legalised again.
    Padding,
    /// Capacity derated at the hotspot GCells (region adjustments).
    Region,
}

impl Mode {
    pub fn name(self) -> &'static str {
        match self {
            Mode::Prior => "prior",
            Mode::Padding => "padding",
            Mode::Region => "region",
        }
    }
    pub fn parse(s: &str) -> Option<Mode> {
        match s {
            "prior" => Some(Mode::Prior),
            "padding" => Some(Mode::Padding),
            "region" => Some(Mode::Region),
            _ => None,
        }
    }
}

/// What the oracle run's `prior` is made of (an experiment setting: the other modes, and
/// every other map, always use one congestion map).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Oracle {
    /// The unsteered run's congestion map (H plus V), on both directions.
    #[default]
    Congestion,
    /// Its H congestion on horizontal edges and V congestion on vertical ones.
    Directional,
    /// The unsteered router's own history cost when negotiation ended, per GCell and direction:
    /// what the router itself learned: the best-informed map a prior can be given.
    History,
    /// The unsteered run's usage per GCell and direction, reserved during the pattern stage
    /// (`Prior::reserve`): the pattern routes see the demand of the nets not yet routed.
    Demand,
    /// The unsteered run's routed demand over capacity per GCell (H plus V together), made a map
    /// as the `rudy` run's RUDY is ([`densest_tenth`]): the truth that RUDY estimates.
    Utilization,
}

impl Oracle {
    pub fn parse(s: &str) -> Option<Oracle> {
        match s {
            "congestion" => Some(Oracle::Congestion),
            "directional" => Some(Oracle::Directional),
            "history" => Some(Oracle::History),
            "demand" => Some(Oracle::Demand),
            "utilization" => Some(Oracle::Utilization),
            _ => None,
        }
    }
}

/// How each mode turns a map into steering.
#[derive(Clone, Debug, PartialEq)]
pub struct Settings {
    pub prior: PriorSettings,
    pub padding: PaddingSettings,
    /// Hotspots and derating of the `region` mode.
    pub region: Selection,
    pub oracle: Oracle,
    /// Control runs: the oracle run's maps (its congestion map, and its per-direction maps for
    /// `oracle`'s other kinds) shuffled over the GCells with seeds 1..=N, one permutation per
    /// seed, steering as the oracle does (the same costs, no information on where congestion is).
    pub controls: usize,
    /// The run `egr`: the early-global-routing maps (`egr_overflow_h`, `egr_overflow_v`, as the
    /// dataset computes them) steering per direction, as the history oracle does; the pattern
    /// stage that makes them is counted in its `steer_s`.
    pub egr: bool,
    /// The factor the egr maps are multiplied by before they steer (1: as the dataset has them).
    pub egr_scale: f32,
    /// The egr maps in tracks ([`egr_maps`]: the pattern stage's overflow per direction, the
    /// history cost's unit) instead of overflow over capacity.
    pub egr_tracks: bool,
    /// `prior` only: each caller's [`MapKind::History`] map is multiplied by one number so that
    /// its total is this factor times the pattern stage's total overflow in tracks
    /// ([`history_dose`]): the model says where the history cost goes, the pattern stage how much.
    pub history_dose: Option<f32>,
    /// With [`Settings::history_dose`] K: the factor becomes K · dᵇ, d the pattern stage's
    /// overflow in tracks per GCell (its total over the map's GCells), b this exponent: a dose
    /// that grows with how much the pattern stage overflows (fifteenth steering round, second
    /// addition: fitted on the training split).
    pub history_dose_slope: Option<f32>,
    /// `prior` only: every steering map but RUDY's own (oracle, controls, egr, the caller's) is
    /// the `rudy` run's map plus that map, so each run is priced as RUDY plus what the map adds
    /// (per-direction maps get RUDY on each direction).
    pub plus_rudy: bool,
    /// Runs named after dataset channels ([`crate::dataset::channels`]), each steered by its
    /// channel made a map as RUDY is ([`densest_tenth`]): free maps to compare with `rudy`.
    pub map_channels: Vec<String>,
}

impl Default for Settings {
    fn default() -> Self {
        Settings {
            prior: PriorSettings::default(),
            padding: PaddingSettings::default(),
            region: Selection::default(),
            oracle: Oracle::default(),
            controls: 0,
            egr: false,
            egr_scale: 1.0,
            egr_tracks: false,
            history_dose: None,
            history_dose_slope: None,
            plus_rudy: false,
            map_channels: Vec::new(),
        }
    }
}

/// The default dose of a history map (`mpgd route --prior MODEL.onnx`, `mpgd demo`): the factor
/// K · dᵇ ([`dose_factor`]) with K = this and b = [`HISTORY_DOSE_SLOPE`], d the pattern stage's
/// overflow in tracks per GCell: fitted on the training split, and chosen there over a constant
/// (and over two other pattern-stage predictors) by leave-one-netlist-out (docs/results/steering.md,
/// "Fifteenth round"; docs/model.md "Dose"). The constant K of the fourteenth round was 2.8.
pub const HISTORY_DOSE: f32 = 2.43;

/// See [`HISTORY_DOSE`].
pub const HISTORY_DOSE_SLOPE: f32 = 0.159;

/// A history map's dose as given (`--history-dose K [--history-dose-slope B]`), or the default
/// ([`HISTORY_DOSE`] with [`HISTORY_DOSE_SLOPE`]) when no K is given.
pub fn dose_or_default(k: Option<f32>, slope: Option<f32>) -> (f32, Option<f32>) {
    match k {
        Some(k) => (k, slope),
        None => (HISTORY_DOSE, Some(HISTORY_DOSE_SLOPE)),
    }
}

/// The prior weight a history map steers with by default (`mpgd route --prior MODEL.onnx` of a
/// history model, `--prior-kind history`, `mpgd demo`): the weight a rule fixed in advance picked
/// on the four training netlists (docs/results/steering11/plan.md; steering.md, "Fifteenth
/// round"). 0.25 met the bar on more test designs, but was chosen after seeing them. (The
/// congestion maps' default stays [`PriorSettings::default`]'s.)
pub const HISTORY_PRIOR_WEIGHT: f32 = 0.5;

/// What a caller's map (a model's prediction) holds, and so how `prior` prices it.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum MapKind {
    /// A congestion map (overflow over capacity, H plus V): its value on both directions.
    #[default]
    Congestion,
    /// The router's history cost, H plus V (a model of the dataset's `history` label): as a
    /// `prior`, half of it on each direction, so that at the same weight its total cost is that of
    /// `--oracle history` (which puts the H history on horizontal edges, the V on vertical ones).
    /// The other modes take it whole, as a hotspot map.
    History,
}

/// A caller's map to steer by: a name (a model file name), `[ny * nx]` values on the routing
/// grid (row 0 at the bottom), and what they are.
#[derive(Clone, Debug)]
pub struct MapRow {
    pub name: String,
    pub map: Vec<f32>,
    pub kind: MapKind,
    /// Seconds the caller spent making the map (for a model: loading it, computing its input
    /// features, the early global route among them, and inference), counted in the run's
    /// `steer_s`.
    pub made_s: f64,
    /// The pattern stage's total overflow in tracks when the caller already has it (a model
    /// whose inputs hold the egr and capacity maps: [`pattern_tracks_total`]), so that
    /// [`Settings::history_dose`] needs no pattern stage of its own.
    pub pattern_tracks: Option<f64>,
}

/// The pattern stage's total overflow in tracks, `Σ egr_overflow_h · capacity_h +
/// egr_overflow_v · capacity_v` (the total of [`egr_maps`]' map in tracks), from channels that
/// hold those four maps (a model's inputs); `None` if any is missing.
pub fn pattern_tracks_total(c: &crate::dataset::channels::Channels) -> Option<f64> {
    let (h, v) = tracks_hv(c)?;
    Some(h.iter().zip(&v).map(|(a, b)| (a + b) as f64).sum())
}

/// Per GCell and direction, the pattern stage's overflow in tracks: `egr_overflow_d ·
/// capacity_d` of channels holding the four maps (0 where the capacity is, as the ratio is).
fn tracks_hv(c: &crate::dataset::channels::Channels) -> Option<(Vec<f32>, Vec<f32>)> {
    let times = |e: &str, cap: &str| -> Option<Vec<f32>> {
        let (e, cap) = (c.get(e)?, c.get(cap)?);
        (e.len() == cap.len()).then(|| e.iter().zip(cap).map(|(x, k)| x * k).collect())
    };
    Some((
        times("egr_overflow_h", "capacity_h")?,
        times("egr_overflow_v", "capacity_v")?,
    ))
}

/// The per-direction map of a [`MapKind::History`] map as a prior: half of it on each direction
/// (its values are H plus V).
pub fn history_half(map: &[f32]) -> Vec<f32> {
    map.iter().map(|v| 0.5 * v).collect()
}

/// The router prior of a caller's map of `kind` as `compare` steers with it: a congestion map on
/// both directions ([`prior`]), a history map half on each ([`history_half`], [`prior_hv`]).
/// `mpgd route --prior` builds its prior here, so a route steered by a model is the `compare`
/// run of that model.
pub fn map_prior(
    map: &[f32],
    kind: MapKind,
    nx: usize,
    ny: usize,
    s: &PriorSettings,
) -> Result<crate::route::Prior, PriorError> {
    match kind {
        MapKind::Congestion => prior(map, nx, ny, s),
        MapKind::History => {
            let half = history_half(map);
            prior_hv(&half, &half, nx, ny, s)
        }
    }
}

/// A map to steer by: one per GCell, and for the oracle's `prior` optionally one per direction.
struct MapIn<'a> {
    name: &'a str,
    map: &'a [f32],
    hv: Option<(&'a [f32], &'a [f32])>,
    /// The maps are usage to reserve, not cost.
    reserve: bool,
    /// Seconds already spent making the map, counted in the run's `steer_s`.
    made_s: f64,
}

/// A comparison failure.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum CompareError {
    #[error(transparent)]
    Route(#[from] RouteError),
    #[error(transparent)]
    Prior(#[from] PriorError),
    #[error(transparent)]
    Padding(#[from] PaddingError),
    #[error(transparent)]
    Selection(#[from] SelectionError),
    #[error("map '{name}' holds {len} values, the routing grid {nx} x {ny} GCells")]
    MapShape {
        name: String,
        len: usize,
        nx: usize,
        ny: usize,
    },
    #[error("the design has no GCell grid (no routing layer with tracks)")]
    NoGrid,
    #[error("channel map: {0}")]
    Channel(#[from] crate::dataset::channels::ChannelError),
}

/// One routing run of a comparison.
#[derive(Clone, Debug)]
pub struct Run {
    /// `none`, `rudy`, `oracle`, or the caller's name for the map (a model file name).
    pub name: String,
    /// The steering mode, `none` for the unsteered run.
    pub mode: String,
    pub result: RouteResult,
    /// Seconds spent steering (map to cost / padding and legalising), routing excluded.
    pub steer_s: f64,
    /// GCells with overflow against the real capacity.
    pub overflowed_gcells: usize,
    /// Congestion per GCell against the real capacity (H plus V overflow over capacity).
    pub congestion: Vec<f32>,
    /// Padding only: mean and largest legaliser displacement (µm), and the new placement.
    pub displacement_um: Option<(f64, f64)>,
    /// Padding only: the new placement and the fillers taken out.
    pub locations: Option<(Vec<Point>, Vec<usize>)>,
    /// The map that steered the run (`[ny * nx]`; H plus V for a per-direction map), empty for
    /// `none`.
    pub map: Vec<f32>,
}

/// A RUDY-threshold heuristic hotspot map: RUDY relative to its 90th percentile, minus one,
/// so the densest tenth of the GCells gets values from 0 up (on the grid of `route`).
pub fn rudy_map(design: &Design, cfg: &RouteConfig) -> Result<Vec<f32>, CompareError> {
    let grid = crate::route::gcell_grid(design, cfg.gcell_size).ok_or(CompareError::NoGrid)?;
    let maps = extract(design, &grid, &FeatureConfig::default());
    Ok(densest_tenth(&maps.get(Channel::Rudy).data))
}

/// `map` divided by its 90th percentile, minus 1, clipped at 0: the densest tenth of the GCells
/// get a cost that grows with how far they are above the rest (all zero when the percentile is).
pub fn densest_tenth(map: &[f32]) -> Vec<f32> {
    let mut sorted: Vec<f32> = map.iter().copied().filter(|v| v.is_finite()).collect();
    sorted.sort_by(f32::total_cmp);
    let q = sorted
        .get((sorted.len() * 9 / 10).min(sorted.len().saturating_sub(1)))
        .copied()
        .unwrap_or(0.0);
    map.iter()
        .map(|&v| if q > 0.0 { (v / q - 1.0).max(0.0) } else { 0.0 })
        .collect()
}

/// The unsteered run's map for the oracle run and its controls: its congestion, or for
/// [`Oracle::Utilization`] its routed demand over capacity as [`densest_tenth`] makes it.
fn oracle_map(none: &RouteResult, kind: Oracle) -> Vec<f32> {
    if kind != Oracle::Utilization {
        return none.congestion_map();
    }
    densest_tenth(&none.utilization_map())
}

/// `map`'s values moved to GCells chosen by a Fisher-Yates shuffle seeded with `seed`: the same
/// values, so the same total cost as a prior, on places that say nothing about congestion.
pub fn shuffled(map: &[f32], seed: u64) -> Vec<f32> {
    let mut rng = crate::dataset::rng::Rng::derive(seed, "steer-control");
    let mut out = map.to_vec();
    for i in (1..out.len()).rev() {
        out.swap(i, rng.below(i + 1));
    }
    out
}

/// Per GCell, overflow over capacity (H plus V) of `usage` against `cap` (per layer, per 2-D
/// edge), on the edges [`RouteResult`]'s maps use; and the number of GCells with overflow.
pub fn real_congestion(grid: Grid2, cap: &[Vec<i32>], usage: &[Vec<i32>]) -> (Vec<f32>, usize) {
    let (nx, ny) = (grid.nx, grid.ny);
    let sums = |e: usize| {
        cap.iter()
            .zip(usage)
            .fold((0i64, 0i64), |(c, o), (cl, ul)| {
                (c + cl[e] as i64, o + (ul[e] - cl[e]).max(0) as i64)
            })
    };
    let mut out = vec![0f32; nx * ny];
    let mut hot = 0;
    for y in 0..ny {
        for x in 0..nx {
            let mut v = 0f32;
            let mut over = false;
            let mut add = |e: usize| {
                let (c, o) = sums(e);
                over |= o > 0;
                if c > 0 {
                    v += o as f32 / c as f32;
                }
            };
            if nx > 1 {
                add(grid.h(x.min(nx - 2), y));
            }
            if ny > 1 {
                add(grid.v(x, y.min(ny - 2)));
            }
            out[y * nx + x] = v;
            hot += over as usize;
        }
    }
    (out, hot)
}

/// One steered run of `map` in `mode`; `real` is the unsteered run's capacity (the real one,
/// for modes that leave the placement alone).
fn steered(
    design: &Design,
    cfg: &RouteConfig,
    mode: Mode,
    s: &Settings,
    input: &MapIn,
    real: &[Vec<i32>],
) -> Result<Run, CompareError> {
    let (name, map) = (input.name, input.map);
    let steering_map = match input.hv {
        Some((h, v)) => h.iter().zip(v).map(|(a, b)| a + b).collect(),
        None => map.to_vec(),
    };
    let t = Instant::now();
    let grid = crate::route::gcell_grid(design, cfg.gcell_size).ok_or(CompareError::NoGrid)?;
    let (nx, ny) = (grid.nx(), grid.ny());
    if map.len() != nx * ny {
        return Err(CompareError::MapShape {
            name: name.to_string(),
            len: map.len(),
            nx,
            ny,
        });
    }
    let mut c = cfg.clone();
    let mut moved_design = None;
    let mut displacement = None;
    let mut locations = None;
    match mode {
        Mode::Prior => {
            let ps = PriorSettings {
                reserve: input.reserve,
                ..s.prior
            };
            c.prior = Some(match input.hv {
                Some((h, v)) => prior_hv(h, v, nx, ny, &ps)?,
                None => prior(map, nx, ny, &s.prior)?,
            })
        }
        Mode::Region => {
            let rows: Vec<Steer> = select(map, nx, ny, &s.region)?
                .into_iter()
                .map(|h| Steer::Cell {
                    col: h.col,
                    row: h.row,
                    fraction: h.fraction,
                })
                .collect();
            c.steer = Some(rows);
        }
        Mode::Padding => {
            let (d, l, _) = padded_placement(design, &grid, map, &s.padding)?;
            displacement = Some((l.mean_displacement_um, l.max_displacement_um));
            locations = Some((l.locations, l.removed));
            moved_design = Some(d);
        }
    }
    let steer_s = input.made_s + t.elapsed().as_secs_f64();
    let result = route(moved_design.as_ref().unwrap_or(design), &c)?;
    // A padded placement has its own real capacity (pins moved); the others are judged on the
    // unsteered run's.
    let cap = if mode == Mode::Padding {
        &result.edge_capacity
    } else {
        real
    };
    let (congestion, overflowed_gcells) =
        real_congestion(result.grid.grid2(), cap, &result.edge_usage);
    Ok(Run {
        name: name.to_string(),
        mode: mode.name().to_string(),
        result,
        steer_s,
        overflowed_gcells,
        congestion,
        displacement_um: displacement,
        locations,
        map: steering_map,
    })
}

/// Routes `design` unsteered, then steered in `mode` by the RUDY map, the oracle, and each of
/// `maps`, in that order.
pub fn compare(
    design: &Design,
    cfg: &RouteConfig,
    mode: Mode,
    s: &Settings,
    maps: &[MapRow],
) -> Result<Vec<Run>, CompareError> {
    let none = route(design, cfg)?;
    let (congestion, overflowed_gcells) =
        real_congestion(none.grid.grid2(), &none.edge_capacity, &none.edge_usage);
    // The oracle: the unsteered run's congestion against the capacity it routed with (or its
    // demand, for the utilization oracle).
    let oracle = oracle_map(&none, s.oracle);
    let oracle_hv = oracle_hv(&none, s.oracle);
    let real = none.edge_capacity.clone();
    let mut runs = vec![Run {
        name: "none".into(),
        mode: "none".into(),
        result: none,
        steer_s: 0.0,
        overflowed_gcells,
        congestion,
        displacement_um: None,
        locations: None,
        map: Vec::new(),
    }];
    let t = Instant::now();
    let rudy = rudy_map(design, cfg)?;
    let mut all = vec![
        MapIn {
            name: "rudy",
            map: &rudy,
            hv: None,
            reserve: false,
            made_s: t.elapsed().as_secs_f64(),
        },
        MapIn {
            name: "oracle",
            map: &oracle,
            hv: oracle_hv
                .as_ref()
                .map(|(h, v)| (h.as_slice(), v.as_slice())),
            reserve: s.oracle == Oracle::Demand,
            made_s: 0.0,
        },
    ];
    type Maps = (String, Vec<f32>, Option<(Vec<f32>, Vec<f32>)>);
    let controls: Vec<Maps> = (1..=s.controls as u64)
        .map(|k| {
            let hv = oracle_hv
                .as_ref()
                .map(|(h, v)| (shuffled(h, k), shuffled(v, k)));
            (format!("control{k}"), shuffled(&oracle, k), hv)
        })
        .collect();
    all.extend(controls.iter().map(|(n, m, hv)| MapIn {
        name: n.as_str(),
        map: m.as_slice(),
        hv: hv.as_ref().map(|(h, v)| (h.as_slice(), v.as_slice())),
        reserve: s.oracle == Oracle::Demand,
        made_s: 0.0,
    }));
    let egr = if s.egr {
        Some(egr_maps(design, cfg, s.egr_tracks)?.scaled(s.egr_scale))
    } else {
        None
    };
    all.extend(egr.as_ref().map(|e| MapIn {
        name: "egr",
        map: &e.sum,
        hv: Some((e.h.as_slice(), e.v.as_slice())),
        reserve: false,
        made_s: e.seconds,
    }));
    let channel_maps = s
        .map_channels
        .iter()
        .map(|name| channel_map(design, cfg, name))
        .collect::<Result<Vec<_>, _>>()?;
    all.extend(
        s.map_channels
            .iter()
            .zip(&channel_maps)
            .map(|(name, (map, seconds))| MapIn {
                name: name.as_str(),
                map: map.as_slice(),
                hv: None,
                reserve: false,
                made_s: *seconds,
            }),
    );
    let dosed = dosed_history(design, cfg, s, maps)?;
    let maps: Vec<&MapRow> = maps
        .iter()
        .zip(&dosed)
        .map(|(m, d)| d.as_ref().unwrap_or(m))
        .collect();
    let halves: Vec<Option<Vec<f32>>> = maps
        .iter()
        .map(|m| (m.kind == MapKind::History).then(|| history_half(&m.map)))
        .collect();
    all.extend(maps.iter().zip(&halves).map(|(m, half)| MapIn {
        name: m.name.as_str(),
        map: m.map.as_slice(),
        hv: half.as_ref().map(|h| (h.as_slice(), h.as_slice())),
        reserve: false,
        made_s: m.made_s,
    }));
    for (k, input) in all.iter().enumerate() {
        // With plus_rudy every run after rudy's own (the first) steers by RUDY's map plus its own.
        let plus = (s.plus_rudy && k > 0).then(|| with_rudy(input, &rudy));
        let plus_in = plus.as_ref().map(|(map, hv)| MapIn {
            map,
            hv: hv.as_ref().map(|(h, v)| (h.as_slice(), v.as_slice())),
            ..*input
        });
        runs.push(steered(
            design,
            cfg,
            mode,
            s,
            plus_in.as_ref().unwrap_or(input),
            &real,
        )?);
    }
    Ok(runs)
}

/// A steering map and its optional per-direction maps, owned.
type PlusRudy = (Vec<f32>, Option<(Vec<f32>, Vec<f32>)>);

/// `input`'s maps with `rudy` added to each ([`Settings::plus_rudy`]).
fn with_rudy(input: &MapIn, rudy: &[f32]) -> PlusRudy {
    // A map of another shape is kept as it is, for `steered` to refuse by name.
    let add = |m: &[f32]| -> Vec<f32> {
        if m.len() == rudy.len() {
            m.iter().zip(rudy).map(|(a, b)| a + b).collect()
        } else {
            m.to_vec()
        }
    };
    (add(input.map), input.hv.map(|(h, v)| (add(h), add(v))))
}

/// The dataset channel `name` of `design` routed with `cfg`, made a map as RUDY is
/// ([`densest_tenth`]), and the seconds that took.
pub fn channel_map(
    design: &Design,
    cfg: &RouteConfig,
    name: &str,
) -> Result<(Vec<f32>, f64), CompareError> {
    let t = Instant::now();
    let plain = RouteConfig {
        prior: None,
        steer: None,
        ..cfg.clone()
    };
    let mut c = crate::dataset::channels::compute(design, &plain, &[name])?;
    let map = densest_tenth(&c.maps.pop().unwrap_or_default());
    Ok((map, t.elapsed().as_secs_f64()))
}

/// The early-global-routing maps of a routing configuration, and what making them cost.
pub struct EgrMaps {
    /// `egr_overflow_h`, `egr_overflow_v` and their sum, `[ny * nx]`.
    pub h: Vec<f32>,
    pub v: Vec<f32>,
    pub sum: Vec<f32>,
    /// Seconds spent: the pattern-stage route and the maps.
    pub seconds: f64,
}

impl EgrMaps {
    /// The maps multiplied by `k`.
    pub fn scaled(mut self, k: f32) -> EgrMaps {
        for m in [&mut self.h, &mut self.v, &mut self.sum] {
            m.iter_mut().for_each(|x| *x *= k);
        }
        self
    }
}

/// The dataset's `egr_overflow_h` and `egr_overflow_v` of `design` routed with `cfg`
/// ([`crate::dataset::channels::compute`], so the values a model's inputs hold): the router's
/// pattern stage alone (no prior), per direction overflow over capacity; with `in_tracks`, times
/// that capacity (`capacity_h` / `capacity_v`, from the same setup): the pattern stage's overflow
/// per GCell edge summed over the direction's layers, the unit of the router's history cost
/// (which adds an edge's overflow each round).
pub fn egr_maps(
    design: &Design,
    cfg: &RouteConfig,
    in_tracks: bool,
) -> Result<EgrMaps, CompareError> {
    let t = Instant::now();
    let pattern = RouteConfig {
        prior: None,
        steer: None,
        ..cfg.clone()
    };
    let names: &[&str] = if in_tracks {
        &[
            "egr_overflow_h",
            "egr_overflow_v",
            "capacity_h",
            "capacity_v",
        ]
    } else {
        &["egr_overflow_h", "egr_overflow_v"]
    };
    let c = crate::dataset::channels::compute(design, &pattern, names)?;
    let get = |n: &str| c.get(n).map(<[f32]>::to_vec).unwrap_or_default();
    let (h, v) = if in_tracks {
        tracks_hv(&c).unwrap_or_default()
    } else {
        (get("egr_overflow_h"), get("egr_overflow_v"))
    };
    let sum = h.iter().zip(&v).map(|(a, b)| a + b).collect();
    Ok(EgrMaps {
        h,
        v,
        sum,
        seconds: t.elapsed().as_secs_f64(),
    })
}

/// With [`Settings::history_dose`], each history map of `maps` dosed by [`history_dose`] to the
/// factor times the pattern stage's total overflow in tracks: the caller's
/// [`MapRow::pattern_tracks`], or else the pattern stage routed here, its time added to the
/// map's `made_s`. `None` for a map left as it is. (`mpgd route --prior MODEL.onnx` and `mpgd
/// predict --history-dose` dose here too.)
pub fn dosed_history(
    design: &Design,
    cfg: &RouteConfig,
    s: &Settings,
    maps: &[MapRow],
) -> Result<Vec<Option<MapRow>>, CompareError> {
    let wanted = s
        .history_dose
        .filter(|_| maps.iter().any(|m| m.kind == MapKind::History));
    let Some(k) = wanted else {
        return Ok(vec![None; maps.len()]);
    };
    // The pattern stage, for the maps whose caller did not bring its total.
    let own = if maps
        .iter()
        .any(|m| m.kind == MapKind::History && m.pattern_tracks.is_none())
    {
        Some(pattern_tracks_routed(design, cfg)?)
    } else {
        None
    };
    Ok(maps
        .iter()
        .map(|m| {
            if m.kind != MapKind::History {
                return None;
            }
            let (total, seconds) = m.pattern_tracks.map(|t| (t, 0.0)).or(own)?;
            let factor = dose_factor(k, s.history_dose_slope, total, m.map.len());
            // A map of another shape keeps its length, for `steered` to refuse by name.
            Some(MapRow {
                map: history_dose(&m.map, factor * total),
                made_s: m.made_s + seconds,
                ..m.clone()
            })
        })
        .collect())
}

/// The dose factor of [`Settings::history_dose`] `k` for a pattern stage of `total` tracks of
/// overflow on `gcells` GCells: `k`, or with a `slope` b, k · (total / gcells)ᵇ (1 for an empty
/// map or no overflow, where nothing is dosed anyway).
pub fn dose_factor(k: f32, slope: Option<f32>, total: f64, gcells: usize) -> f64 {
    match slope {
        Some(b) if total > 0.0 && gcells > 0 => k as f64 * (total / gcells as f64).powf(b as f64),
        _ => k as f64,
    }
}

/// The pattern stage's total overflow in tracks of `design` routed with `cfg` (the dose's base
/// when a model's inputs do not hold it), and the seconds that route took.
pub fn pattern_tracks_routed(
    design: &Design,
    cfg: &RouteConfig,
) -> Result<(f64, f64), CompareError> {
    let tracks = egr_maps(design, cfg, true)?;
    Ok((
        tracks.sum.iter().map(|&x| x as f64).sum::<f64>(),
        tracks.seconds,
    ))
}

/// `map` multiplied by the one number that makes its total `total` (negative values count as
/// 0 and are kept at 0; all zero if the map holds no positive value).
pub fn history_dose(map: &[f32], total: f64) -> Vec<f32> {
    let sum: f64 = map.iter().map(|&x| x.max(0.0) as f64).sum();
    let f = if sum > 0.0 { total / sum } else { 0.0 };
    map.iter()
        .map(|&x| (x.max(0.0) as f64 * f) as f32)
        .collect()
}

/// The oracle's per-direction maps for `kind`, `None` for the one congestion map.
fn oracle_hv(none: &RouteResult, kind: Oracle) -> Option<(Vec<f32>, Vec<f32>)> {
    match kind {
        Oracle::Congestion | Oracle::Utilization => None,
        Oracle::Directional => {
            let (h, v) = none.overflow_maps();
            Some((
                crate::route::overflow_ratio(&h, &none.maps.cap_h),
                crate::route::overflow_ratio(&v, &none.maps.cap_v),
            ))
        }
        Oracle::Demand => Some((none.maps.demand_h.clone(), none.maps.demand_v.clone())),
        Oracle::History => Some(none.history_maps()),
    }
}

/// One row of `compare.json`: `run`, `mode`, every `mpgd route --json` field,
/// `overflowed_gcells`, `steer_s`, and for padding `mean_displacement_um` and
/// `max_displacement_um`.
pub fn row_json(r: &Run) -> serde_json::Value {
    let mut v: serde_json::Value = serde_json::from_str(&crate::route::report::json(&r.result))
        .unwrap_or_else(|_| serde_json::json!({}));
    if let Some(o) = v.as_object_mut() {
        o.insert("run".into(), r.name.clone().into());
        o.insert("mode".into(), r.mode.clone().into());
        o.insert("overflowed_gcells".into(), r.overflowed_gcells.into());
        o.insert("steer_s".into(), r.steer_s.into());
        if let Some((mean, max)) = r.displacement_um {
            o.insert("mean_displacement_um".into(), mean.into());
            o.insert("max_displacement_um".into(), max.into());
        }
    }
    v
}

/// The runs as a Markdown table, each against the first (`none`).
pub fn table_md(runs: &[Run]) -> String {
    let mut s = String::from(
        "| run | mode | overflow (real capacity) | vs none | overflowed GCells | wirelength µm | vs none | vias | route s | steer s | displacement µm (mean / max) |\n\
         |---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n",
    );
    let Some(base) = runs.first() else {
        return s;
    };
    let pct = |a: i64, b: i64| {
        if b == 0 {
            if a == 0 {
                "0%".to_string()
            } else {
                "+inf".to_string()
            }
        } else {
            format!("{:+.1}%", 100.0 * (a - b) as f64 / b as f64)
        }
    };
    for r in runs {
        let (o, w) = (r.result.total_overflow_unadjusted, r.result.wirelength_um);
        s.push_str(&format!(
            "| {} | {} | {} | {} | {} | {} | {} | {} | {:.2} | {:.2} | {} |\n",
            r.name,
            r.mode,
            o,
            pct(o, base.result.total_overflow_unadjusted),
            r.overflowed_gcells,
            w,
            pct(w, base.result.wirelength_um),
            r.result.vias,
            r.result.runtime_s,
            r.steer_s,
            r.displacement_um
                .map_or("-".to_string(), |(a, b)| format!("{a:.2} / {b:.2}")),
        ));
    }
    s
}

/// The runs' congestion maps side by side, left to right in run order (`congestion.png`): each
/// panel titled with its run and mode, axes in µm, a colour bar in overflow over capacity, and
/// one colour scale for all (from the lowest value of any run, at most 0, to the highest).
pub fn congestion_png(runs: &[Run]) -> Vec<u8> {
    let runs: Vec<&Run> = runs.iter().collect();
    maps_png(
        &runs,
        |r| &r.congestion,
        |r| format!("{} ({})", r.name, r.mode),
        "overflow / capacity",
    )
}

/// One map per run (`map_of`), side by side in run order, each panel titled by `title`, axes
/// in µm on the run's GCell grid, a colour bar in `unit`, one colour scale for all (from the
/// lowest value of any run, at most 0, to the highest).
pub fn maps_png(
    runs: &[&Run],
    map_of: impl Fn(&Run) -> &[f32],
    title: impl Fn(&Run) -> String,
    unit: &str,
) -> Vec<u8> {
    let values = || runs.iter().flat_map(|r| map_of(r).iter().copied());
    let lo = values().filter(|v| v.is_finite()).fold(0f32, f32::min);
    let hi = values().filter(|v| v.is_finite()).fold(lo, f32::max);
    let panels: Vec<(usize, usize, Vec<u8>)> = runs
        .iter()
        .map(|r| {
            let g = r.result.grid.gcell_grid();
            let um = |v: &i64| *v as f64 / r.result.dbu_per_micron.max(1) as f64;
            let plot = crate::features::png::Plot {
                title: title(r),
                x_lines_um: g.x_lines.iter().map(um).collect(),
                y_lines_um: g.y_lines.iter().map(um).collect(),
                unit: unit.into(),
                range: Some((lo, hi)),
            };
            let map = crate::features::Map {
                nx: r.result.grid.nx,
                ny: r.result.grid.ny,
                data: map_of(r).to_vec(),
            };
            crate::features::png::plot_rgb(&map, &plot)
        })
        .collect();
    crate::features::png::side_by_side_png(&panels, 16)
}

#[cfg(test)]
mod tests {
    use super::{dose_factor, history_dose, shuffled};

    #[test]
    fn the_dose_factor_grows_with_the_pattern_stages_overflow_per_gcell_by_its_slope() {
        assert_eq!(dose_factor(2.8, None, 50.0, 100), 2.8f32 as f64);
        // d = 400 / 100 = 4 tracks per GCell: 2 x 4^0.5 = 4.
        assert!((dose_factor(2.0, Some(0.5), 400.0, 100) - 4.0).abs() < 1e-9);
        assert!((dose_factor(2.0, Some(0.5), 25.0, 100) - 1.0).abs() < 1e-9);
        // No overflow or no GCells: the plain factor (nothing is dosed then anyway).
        assert_eq!(dose_factor(2.0, Some(0.5), 0.0, 100), 2.0);
        assert_eq!(dose_factor(2.0, Some(0.5), 10.0, 0), 2.0);
    }

    #[test]
    fn a_dosed_map_has_the_asked_total_in_the_same_proportions() {
        let map = [0.0, 2.0, 6.0, -1.0, 0.5];
        let d = history_dose(&map, 17.0);
        assert_eq!(
            d,
            [0.0, 4.0, 12.0, 0.0, 1.0],
            "one factor, 2; negatives at 0"
        );
        assert_eq!(
            history_dose(&[0.0, -3.0], 5.0),
            [0.0, 0.0],
            "nothing to dose"
        );
    }

    #[test]
    fn a_control_map_holds_the_same_values_elsewhere_and_depends_only_on_its_seed() {
        let map: Vec<f32> = (0..400)
            .map(|i| if i % 37 == 0 { i as f32 } else { 0.0 })
            .collect();
        let a = shuffled(&map, 1);
        let mut sa = a.clone();
        let mut sm = map.clone();
        sa.sort_by(f32::total_cmp);
        sm.sort_by(f32::total_cmp);
        assert_eq!(sa, sm, "a permutation of the values");
        assert_ne!(a, map, "the hot GCells moved");
        assert_eq!(a, shuffled(&map, 1), "deterministic");
        assert_ne!(a, shuffled(&map, 2), "each seed its own control");
    }
}
