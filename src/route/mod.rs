//! Global router with OpenROAD's capacity model: the judge of overflow and the source of labels.
//!
//! Shaped like OpenROAD's `grt`: an engine that sees only a grid, per-edge capacities and net
//! pins ([`capacity`], [`steiner`], [`pattern`], [`maze`], [`engine`], [`assign`]), an adapter that
//! builds those from a [`Design`] ([`setup`]), and [`report`] for the GRT-0053/GRT-0096 tables,
//! JSON, route guides and per-GCell maps. `grid` holds the GCell grid shared with `features`.
//!
//! ```no_run
//! # use mpgd::design::{Design, DesignInput};
//! # let design = Design::load(&DesignInput::new(vec![], "x.def".into())).unwrap();
//! let cfg = mpgd::route::RouteConfig { layer_range: Some(("metal2".into(), "metal10".into())), ..Default::default() };
//! let result = mpgd::route::run(&design, &cfg).unwrap();
//! println!("overflow {} wirelength {} um vias {}", result.total_overflow, result.wirelength_um, result.vias);
//! ```

pub mod assign;
pub mod capacity;
pub mod engine;
pub mod grid;
pub mod ispd;
pub mod maze;
pub mod pattern;
pub mod report;
pub mod setup;
pub mod steiner;

#[cfg(test)]
mod golden;

use crate::design::Design;
use crate::geom::Dbu;
use crate::lefdef::lef::Direction;
use rayon::prelude::*;
use serde::Serialize;

/// Which layers a `--layer-adjust` applies to.
#[derive(Clone, Debug, PartialEq)]
pub enum LayerSel {
    Name(String),
    /// Inclusive range `lo-hi`.
    Range(String, String),
    /// `*`: OpenROAD's global adjustment (layers of the range without their own).
    All,
}

impl LayerSel {
    /// Parses the layer part of `--layer-adjust`: a name, a range `lo-hi`, or `*`.
    pub fn parse(name: &str) -> Result<LayerSel, String> {
        if name == "*" {
            Ok(LayerSel::All)
        } else if let Some((lo, hi)) = name
            .split_once('-')
            .filter(|(x, y)| !x.is_empty() && !y.is_empty())
        {
            Ok(LayerSel::Range(lo.to_string(), hi.to_string()))
        } else if name.is_empty() {
            Err("empty layer name".into())
        } else {
            Ok(LayerSel::Name(name.to_string()))
        }
    }
}

/// Parses a layer range `lo-hi` (`--layers metal2-metal10`).
pub fn parse_layer_range(s: &str) -> Result<(String, String), String> {
    s.split_once('-')
        .filter(|(x, y)| !x.is_empty() && !y.is_empty())
        .map(|(lo, hi)| (lo.to_string(), hi.to_string()))
        .ok_or_else(|| format!("'{s}': expected a range LO-HI such as metal2-metal10"))
}

/// Parses one layer adjustment `NAME=FRACTION` (`--layer-adjust`), NAME a layer, a range or `*`.
pub fn parse_layer_adjust(s: &str) -> Result<(LayerSel, f32), String> {
    let (name, f) = s
        .split_once('=')
        .ok_or_else(|| format!("'{s}': expected NAME=FRACTION"))?;
    let sel = LayerSel::parse(name).map_err(|e| format!("'{s}': {e}"))?;
    // grt takes any number (`sta::check_float`): a negative one adds capacity.
    match f.trim().parse::<f32>() {
        Ok(x) if x.is_finite() && x <= 1.0 => Ok((sel, x)),
        _ => Err(format!(
            "'{s}': fraction '{f}' is not a number of at most 1 (a negative one adds capacity)"
        )),
    }
}

/// `set_global_routing_region_adjustment`: a rectangle in microns, a layer, a fraction.
#[derive(Clone, Debug, PartialEq)]
pub struct RegionAdjustment {
    pub rect_um: [f64; 4],
    pub layer: String,
    pub fraction: f32,
}

/// One row of a steering map (`--steer`): a capacity derating of one GCell.
#[derive(Clone, Debug, PartialEq)]
pub enum Steer {
    /// The GCell holding a point (µm), one layer or all.
    At {
        x_um: f64,
        y_um: f64,
        layer: Option<String>,
        fraction: f32,
    },
    /// A GCell by column and row (row 0 at the bottom), all layers.
    Cell {
        col: usize,
        row: usize,
        fraction: f32,
    },
}

/// How to route. `Default` is OpenROAD's default: all layers with tracks, no adjustment,
/// 15-pitch GCells, 50 congestion iterations.
#[derive(Clone, Debug, PartialEq)]
pub struct RouteConfig {
    /// Routing layer range by name (`metal2`, `metal10`).
    pub layer_range: Option<(String, String)>,
    /// Layer range of non-leaf clock nets (OpenROAD's `set_routing_layers -clock`).
    pub clock_layer_range: Option<(String, String)>,
    pub layer_adjust: Vec<(LayerSel, f32)>,
    pub region_adjust: Vec<RegionAdjustment>,
    /// GCell size in DBU.
    pub gcell_size: Option<Dbu>,
    /// Rip-up and reroute rounds (`-congestion_iterations`).
    pub iterations: usize,
    pub steer: Option<Vec<Steer>>,
    /// A congestion prior that seeds the router's congestion cost (steering mode `prior`).
    pub prior: Option<Prior>,
    /// What to do with nets the DEF already routes (`+ ROUTED` wiring).
    pub pre_routed: PreRouted,
    /// Which grt version's capacity rules to follow (`--grt-rules`).
    pub grt_rules: capacity::GrtRules,
}

/// Nets whose wiring the DEF already holds (`NETS ... + ROUTED`).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum PreRouted {
    /// Route them like any other net and ignore their wiring (what a placed DEF needs, and the
    /// labels of the dataset, which route routed DEFs afresh).
    #[default]
    Reroute,
    /// As grt: their wires and vias block capacity like any obstruction
    /// (`findNetsObstructions`) and they are not routed again (`initNetlist` skips a net with a
    /// `dbWire`). Needs the design read with `BuildOptions::net_wiring`.
    Keep,
}

/// A per-GCell congestion cost for the 2-D router (steering mode `prior`): the history cost of
/// each edge starts at the larger value of its two GCells, so the first pattern routes already
/// avoid the predicted hotspots. Values are in units of one GCell edge of wire.
#[derive(Clone, Debug, PartialEq)]
pub struct Prior {
    pub nx: usize,
    pub ny: usize,
    /// Per GCell, row-major from the bottom row: the cost added to its horizontal edges.
    pub h: Vec<f32>,
    /// Likewise for its vertical edges.
    pub v: Vec<f32>,
    /// The routing stages whose history cost holds the prior.
    pub stage: PriorStage,
    /// The order nets are routed and rerouted in, relative to the GCells the prior marks.
    pub order: NetOrder,
    /// Read `h` and `v` as predicted usage (tracks) on each GCell's edges, reserved during the
    /// pattern stage (fading as nets are routed), instead of as history cost.
    pub reserve: bool,
}

/// The routing stages a prior is part of the history cost in.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum PriorStage {
    /// From the first pattern route to the end of negotiation.
    #[default]
    Both,
    /// The pattern stage only: taken back out of the history before rip-up and reroute.
    Pattern,
    /// Rip-up and reroute only: the pattern stage routes as if unsteered (so it is the same early
    /// global route a model's egr inputs come from), and negotiation starts from the prior.
    Negotiation,
}

impl PriorStage {
    /// Parses `both`, `pattern` or `negotiation`.
    pub fn parse(s: &str) -> Option<PriorStage> {
        match s {
            "both" => Some(PriorStage::Both),
            "pattern" => Some(PriorStage::Pattern),
            "negotiation" => Some(PriorStage::Negotiation),
            _ => None,
        }
    }
}

/// Net order of a prior: a net is *hot* when its pins' bounding box holds a GCell with a prior
/// cost above 0 in either direction.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum NetOrder {
    /// The router's own order, smallest bounding box first.
    #[default]
    Area,
    /// Hot nets before all others (each group smallest first).
    HotFirst,
    /// Hot nets after all others.
    HotLast,
}

impl Prior {
    /// The prior per 2-D edge (ids as [`pattern::Grid2`]).
    fn per_edge(&self, g: pattern::Grid2) -> Vec<f32> {
        let mut out = vec![0f32; g.n_edges()];
        let k = |x: usize, y: usize| y * self.nx + x;
        for y in 0..g.ny {
            for x in 0..g.nx {
                if x + 1 < g.nx {
                    out[g.h(x, y)] = self.h[k(x, y)].max(self.h[k(x + 1, y)]);
                }
                if y + 1 < g.ny {
                    out[g.v(x, y)] = self.v[k(x, y)].max(self.v[k(x, y + 1)]);
                }
            }
        }
        out
    }

    /// Per net, its rank in the routing order (0 first), from the nets' pin GCells; `None` for
    /// the router's own order.
    fn ranks(&self, g: pattern::Grid2, pins: &[Vec<usize>]) -> Option<Vec<u8>> {
        let (hot_rank, cold_rank) = match self.order {
            NetOrder::Area => return None,
            NetOrder::HotFirst => (0, 1),
            NetOrder::HotLast => (1, 0),
        };
        let hot: Vec<bool> = self
            .h
            .iter()
            .zip(&self.v)
            .map(|(a, b)| *a > 0.0 || *b > 0.0)
            .collect();
        // Prefix sums of hot GCells, so a box query is four lookups.
        let w = g.nx + 1;
        let mut sum = vec![0u32; w * (g.ny + 1)];
        for y in 0..g.ny {
            for x in 0..g.nx {
                sum[(y + 1) * w + x + 1] =
                    hot[y * g.nx + x] as u32 + sum[y * w + x + 1] + sum[(y + 1) * w + x]
                        - sum[y * w + x];
            }
        }
        Some(
            pins.iter()
                .map(|p| {
                    let (mut x0, mut y0, mut x1, mut y1) = (usize::MAX, usize::MAX, 0, 0);
                    for &n in p {
                        let (x, y) = g.xy(n);
                        (x0, y0, x1, y1) = (x0.min(x), y0.min(y), x1.max(x), y1.max(y));
                    }
                    if p.is_empty() {
                        return cold_rank;
                    }
                    let n = sum[(y1 + 1) * w + x1 + 1] + sum[y0 * w + x0]
                        - sum[y0 * w + x1 + 1]
                        - sum[(y1 + 1) * w + x0];
                    if n > 0 {
                        hot_rank
                    } else {
                        cold_rank
                    }
                })
                .collect(),
        )
    }
}

impl Default for RouteConfig {
    fn default() -> Self {
        RouteConfig {
            layer_range: None,
            clock_layer_range: None,
            layer_adjust: Vec::new(),
            region_adjust: Vec::new(),
            gcell_size: None,
            iterations: 50,
            steer: None,
            prior: None,
            pre_routed: PreRouted::Reroute,
            grt_rules: capacity::GrtRules::Grt5c9e487,
        }
    }
}

/// A routing failure caused by the input or the configuration.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum RouteError {
    #[error("unknown layer '{name}' in {context}")]
    UnknownLayer { name: String, context: String },
    #[error("layer range '{range}' runs downwards")]
    BadRange { range: String },
    #[error("fraction {value} is not between 0 and 1")]
    BadFraction { value: f32 },
    #[error("GCell size {dbu} DBU is not positive")]
    BadGCell { dbu: Dbu },
    #[error("layer {layer} has no tracks to size the GCells by; give the GCell size")]
    NoTracks { layer: String },
    #[error("the design has no routing layers")]
    NoLayers,
    #[error("the congestion prior is {got_nx}x{got_ny} GCells but the routing grid is {nx}x{ny}")]
    PriorGrid {
        got_nx: usize,
        got_ny: usize,
        nx: usize,
        ny: usize,
    },
    #[error("the die area is empty")]
    EmptyDie,
    #[error("{nx} x {ny} GCells is more than the router accepts; use a larger GCell size")]
    TooManyGCells { nx: usize, ny: usize },
    #[error(
        "{nets} net(s) carry DEF wiring but the design was read without it \
         (BuildOptions::net_wiring); pre-routed nets cannot be kept"
    )]
    NetWiringNotRead { nets: usize },
}

/// One row of the GRT-0053 and GRT-0096 tables.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct LayerReport {
    pub name: String,
    pub direction: String,
    pub original_resource: i64,
    pub derated_resource: i64,
    pub demand: i64,
    pub max_h: i64,
    pub max_v: i64,
    pub overflow: i64,
}

/// Per-GCell maps, `ny * nx` row-major from the bottom row, summed over the layers of each
/// direction. A GCell's value is that of the edge to its right (H) or above it (V); the last
/// column (row) repeats the edge to its left (below).
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Maps {
    pub cap_h: Vec<f32>,
    pub cap_v: Vec<f32>,
    pub demand_h: Vec<f32>,
    pub demand_v: Vec<f32>,
}

/// A straight wire: (layer, from GCell, to GCell), GCells as (x, y).
pub type Wire = (usize, (usize, usize), (usize, usize));

/// One net's global route: wires as (layer, from GCell, to GCell) and via stacks as
/// (GCell, low layer, high layer).
#[derive(Clone, Debug, PartialEq)]
pub struct NetRoute {
    pub name: String,
    pub wires: Vec<Wire>,
    pub stacks: Vec<((usize, usize), usize, usize)>,
}

/// Everything a routing run produced.
#[derive(Clone, Debug)]
pub struct RouteResult {
    pub layers: Vec<LayerReport>,
    pub total_overflow: i64,
    /// GRT-0096's Total row: the per-layer maxima summed.
    pub max_overflow_h: i64,
    pub max_overflow_v: i64,
    pub total_overflow_unadjusted: i64,
    pub wirelength_um: i64,
    pub vias: i64,
    pub runtime_s: f64,
    pub gcell_um: f64,
    pub grid: capacity::GridSpec,
    pub dbu_per_micron: i64,
    pub routed_nets: usize,
    pub rounds: usize,
    /// Overflow of the 2-D solution (before layer assignment).
    pub overflow_2d: i64,
    pub maps: Maps,
    /// Per layer, per 2-D edge (ids as [`pattern::Grid2`]): capacity routed against, and usage.
    pub edge_capacity: Vec<Vec<i32>>,
    pub edge_usage: Vec<Vec<i32>>,
    /// The 2-D problem: per edge, capacity summed over the routing layers, and usage after the
    /// pattern stage (before rip-up and reroute).
    pub capacity_2d: Vec<i32>,
    pub pattern_usage_2d: Vec<i32>,
    /// Per edge, the 2-D usage after the first rip-up and reroute round (see
    /// `engine::Solution::round1_usage`; the pattern usage when no round ran).
    pub round1_usage_2d: Vec<i32>,
    /// The router's history cost per 2-D edge when negotiation ended (see `engine::Solution`).
    pub history_2d: Vec<f32>,
    pub routes: Vec<NetRoute>,
    pub warnings: Vec<String>,
}

impl RouteResult {
    /// Per GCell and direction, Σ over layers of max(0, usage − capacity) on the GCell's edge (the
    /// edge to its right for H, above it for V; the last column/row repeats the one before): the
    /// same edges [`Maps`] reports, so `overflow / cap` is CircuitNet's congestion label.
    pub fn overflow_maps(&self) -> (Vec<f32>, Vec<f32>) {
        let g = self.grid.grid2();
        per_gcell(g, |e| {
            self.edge_capacity
                .iter()
                .zip(&self.edge_usage)
                .fold(0.0, |sum, (cap, used)| {
                    sum + (used[e] - cap[e]).max(0) as f32
                })
        })
    }

    /// The early global route's overflow per GCell and direction: `max(0, usage − capacity)` of
    /// the 2-D pattern-stage solution on the GCell's edge (same edges as [`Maps`]). This is
    /// what the router knows before any rip-up and reroute, as an early global router reports it.
    pub fn pattern_overflow_maps(&self) -> (Vec<f32>, Vec<f32>) {
        self.overflow_2d_maps(&self.pattern_usage_2d)
    }

    /// The early global route's usage per GCell and direction: the 2-D pattern-stage usage on the
    /// GCell's edge (same edges as [`Maps`]), unclipped, so that `usage / cap` shows the room left
    /// where [`RouteResult::pattern_overflow_maps`] is 0.
    pub fn pattern_usage_maps(&self) -> (Vec<f32>, Vec<f32>) {
        usage_2d(self.grid.grid2(), &self.pattern_usage_2d)
    }

    /// The overflow per GCell and direction after one round of rip-up and reroute, made exactly
    /// as [`RouteResult::pattern_overflow_maps`] from [`RouteResult::round1_usage_2d`]: what the
    /// router knows after its first negotiation round.
    pub fn round1_overflow_maps(&self) -> (Vec<f32>, Vec<f32>) {
        self.overflow_2d_maps(&self.round1_usage_2d)
    }

    /// `max(0, usage − capacity)` of a 2-D usage per GCell and direction (same edges as [`Maps`]).
    fn overflow_2d_maps(&self, usage: &[i32]) -> (Vec<f32>, Vec<f32>) {
        let g = self.grid.grid2();
        overflow_2d(g, usage, &self.capacity_2d)
    }

    /// The router's history cost when negotiation ended ([`RouteResult::history_2d`]) per GCell
    /// and direction, on the same edges as [`Maps`] (to the right for H, above for V; the last
    /// column/row repeats the one before). The dataset's `history_h` / `history_v` labels and
    /// `mpgd compare --oracle history` both read it here.
    pub fn history_maps(&self) -> (Vec<f32>, Vec<f32>) {
        let g = self.grid.grid2();
        per_gcell(g, |e| self.history_2d[e])
    }

    /// Routed demand over capacity per GCell, both directions together:
    /// `(demand_h + demand_v) / (cap_h + cap_v)` from [`RouteResult::maps`] (0 without capacity).
    pub fn utilization_map(&self) -> Vec<f32> {
        let m = &self.maps;
        (0..m.cap_h.len())
            .map(|k| {
                let cap = m.cap_h[k] + m.cap_v[k];
                if cap > 0.0 {
                    (m.demand_h[k] + m.demand_v[k]) / cap
                } else {
                    0.0
                }
            })
            .collect()
    }

    /// CircuitNet's congestion per GCell: `overflow_h / cap_h + overflow_v / cap_v` (a term is 0
    /// where its capacity is 0).
    pub fn congestion_map(&self) -> Vec<f32> {
        let (h, v) = self.overflow_maps();
        let h = overflow_ratio(&h, &self.maps.cap_h);
        let v = overflow_ratio(&v, &self.maps.cap_v);
        h.iter().zip(&v).map(|(a, b)| a + b).collect()
    }
}

/// CircuitNet's congestion of one direction, per GCell: `overflow / capacity`, 0 where the
/// capacity is 0. The dataset's labels and early-routing features, and `mpgd features`, use it.
pub fn overflow_ratio(overflow: &[f32], capacity: &[f32]) -> Vec<f32> {
    overflow
        .iter()
        .zip(capacity)
        .map(|(&o, &c)| if c > 0.0 { o / c } else { 0.0 })
        .collect()
}

/// Per GCell and direction, `max(0, usage − capacity)` of a 2-D solution (see [`per_gcell`]).
fn overflow_2d(g: pattern::Grid2, usage: &[i32], cap: &[i32]) -> (Vec<f32>, Vec<f32>) {
    per_gcell(g, |e| (usage[e] - cap[e]).max(0) as f32)
}

/// Per GCell and direction, the usage of a 2-D solution (see [`per_gcell`]).
fn usage_2d(g: pattern::Grid2, usage: &[i32]) -> (Vec<f32>, Vec<f32>) {
    per_gcell(g, |e| usage[e] as f32)
}

/// Per GCell and direction, `f` of the edge that stands for the GCell: the edge to its right (H)
/// or above it (V); the last column (row) repeats the edge before it. 0 along a direction the grid
/// has no edges in (a single column or row). Every per-GCell map of a result is made this way.
fn per_gcell(g: pattern::Grid2, f: impl Fn(usize) -> f32) -> (Vec<f32>, Vec<f32>) {
    let (nx, ny) = (g.nx, g.ny);
    let mut h = vec![0f32; nx * ny];
    let mut v = vec![0f32; nx * ny];
    for y in 0..ny {
        for x in 0..nx {
            let k = y * nx + x;
            if nx > 1 {
                h[k] = f(g.h(x.min(nx - 2), y));
            }
            if ny > 1 {
                v[k] = f(g.v(x, y.min(ny - 2)));
            }
        }
    }
    (h, v)
}

/// The router's GCell grid for a design: OpenROAD's default tile (15 pitches of the third
/// routing layer's tracks) unless `gcell_size` is given, as the shared [`grid::GCellGrid`], so
/// that feature maps align pixel for pixel with the router's maps. `None` when the design has no
/// layer to size GCells by.
pub fn gcell_grid(design: &Design, gcell_size: Option<Dbu>) -> Option<grid::GCellGrid> {
    let tile = gcell_size
        .filter(|&t| t > 0)
        .or_else(|| setup::default_tile(design))?;
    Some(capacity::GridSpec::new(design.die, tile).gcell_grid())
}

/// The capacity per GCell and direction that [`run`] routes against, without routing: per
/// GCell, the tracks on its edge (to the right for H, above for V; the last column/row repeats
/// the edge before it) summed over the layers of that direction, after obstructions, layer range
/// and adjustments. Equal to [`RouteResult::maps`]' `cap_h` / `cap_v`, the labels' denominators.
pub fn capacity_maps(
    design: &Design,
    cfg: &RouteConfig,
) -> Result<(Vec<f32>, Vec<f32>), RouteError> {
    let s = setup::build(design, cfg)?;
    let g = s.grid.grid2();
    Ok(layer_sums(g, &flat_capacity(&s.adjusted)))
}

/// Per GCell and direction, a per-layer edge quantity (capacity, usage) summed over the layers.
fn layer_sums(g: pattern::Grid2, per_layer: &[Vec<i32>]) -> (Vec<f32>, Vec<f32>) {
    per_gcell(g, |e| {
        per_layer.iter().fold(0.0, |sum, l| sum + l[e] as f32)
    })
}

/// Per-layer capacity on 2-D edge ids (horizontal edges first, as [`pattern::Grid2`] numbers them).
fn flat_capacity(c: &capacity::Capacity) -> Vec<Vec<i32>> {
    c.layers
        .iter()
        .map(|l| l.h.iter().chain(l.v.iter()).copied().collect())
        .collect()
}

/// The prior per 2-D edge, checked against the routing grid.
fn prior_per_edge(
    prior: Option<&Prior>,
    g: pattern::Grid2,
) -> Result<Option<Vec<f32>>, RouteError> {
    let Some(p) = prior else {
        return Ok(None);
    };
    let n = g.nx * g.ny;
    if p.nx != g.nx || p.ny != g.ny || p.h.len() != n || p.v.len() != n {
        return Err(RouteError::PriorGrid {
            got_nx: p.nx,
            got_ny: p.ny,
            nx: g.nx,
            ny: g.ny,
        });
    }
    Ok(Some(p.per_edge(g)))
}

/// Routes a design.
pub fn run(design: &Design, cfg: &RouteConfig) -> Result<RouteResult, RouteError> {
    let t0 = std::time::Instant::now();
    let p = Prepared::new(design, cfg)?;
    let (s, g, cap3) = (&p.setup, p.g, &p.cap3);
    let real3 = flat_capacity(&s.derated);
    let sol = route_2d(cfg, &p, engine::run)?;
    let dirs: Vec<Direction> = design.layers.iter().map(|l| l.direction).collect();
    let (assigned, usage3) = assign_layers(s, g, &dirs, cap3, &sol);
    let totals = layer_reports(design, s, g, &dirs, cap3, &real3, &usage3);
    let (routes, wl_dbu, vias) = net_routes(s, g, &assigned);
    let maps = gcell_maps(g, cap3, &usage3);
    let dbu = design.dbu_per_micron.max(1);
    let Prepared {
        setup, cap3, cap2, ..
    } = p;
    Ok(RouteResult {
        layers: totals.layers,
        total_overflow: totals.overflow,
        max_overflow_h: totals.max_h,
        max_overflow_v: totals.max_v,
        total_overflow_unadjusted: totals.overflow_real,
        wirelength_um: wl_dbu / dbu,
        vias,
        runtime_s: t0.elapsed().as_secs_f64(),
        gcell_um: setup.grid.tile as f64 / dbu as f64,
        grid: setup.grid,
        dbu_per_micron: dbu,
        routed_nets: setup.nets.len(),
        rounds: sol.rounds,
        overflow_2d: sol.overflow,
        maps,
        edge_capacity: cap3,
        edge_usage: usage3,
        capacity_2d: cap2,
        pattern_usage_2d: sol.pattern_usage,
        round1_usage_2d: sol.round1_usage,
        history_2d: sol.history,
        routes,
        warnings: setup.warnings,
    })
}

/// The early global route of a design: the pattern stage alone, as [`run`] routes it before
/// any rip-up and reroute, without the rounds, repairs and layer assignment that follow (most
/// of a route's time). This is what the `egr_*` features read.
pub fn early(design: &Design, cfg: &RouteConfig) -> Result<EarlyRoute, RouteError> {
    let t0 = std::time::Instant::now();
    let p = Prepared::new(design, cfg)?;
    let usage = route_2d(cfg, &p, engine::pattern_usage)?;
    let (cap_h, cap_v) = layer_sums(p.g, &p.cap3);
    let (overflow_h, overflow_v) = overflow_2d(p.g, &usage, &p.cap2);
    let (usage_h, usage_v) = usage_2d(p.g, &usage);
    let dbu = design.dbu_per_micron.max(1);
    Ok(EarlyRoute {
        gcell_um: p.setup.grid.tile as f64 / dbu as f64,
        grid: p.setup.grid,
        cap_h,
        cap_v,
        overflow_h,
        overflow_v,
        usage_h,
        usage_v,
        runtime_s: t0.elapsed().as_secs_f64(),
    })
}

/// The early global route ([`early`]) per GCell.
#[derive(Clone, Debug)]
pub struct EarlyRoute {
    pub grid: capacity::GridSpec,
    pub gcell_um: f64,
    /// Capacity per GCell and direction, as [`RouteResult::maps`]' `cap_h` / `cap_v`.
    pub cap_h: Vec<f32>,
    pub cap_v: Vec<f32>,
    /// The pattern stage's overflow per GCell and direction, as
    /// [`RouteResult::pattern_overflow_maps`].
    pub overflow_h: Vec<f32>,
    pub overflow_v: Vec<f32>,
    /// The pattern stage's usage per GCell and direction, as
    /// [`RouteResult::pattern_usage_maps`].
    pub usage_h: Vec<f32>,
    pub usage_v: Vec<f32>,
    pub runtime_s: f64,
}

/// A design ready for the 2-D router: the setup, per-layer and summed capacity per edge, each
/// net's pin GCells and Steiner tree.
struct Prepared {
    setup: setup::Setup,
    g: pattern::Grid2,
    cap3: Vec<Vec<i32>>,
    cap2: Vec<i32>,
    pins2: Vec<Vec<usize>>,
    trees: Vec<steiner::Tree>,
}

impl Prepared {
    fn new(design: &Design, cfg: &RouteConfig) -> Result<Prepared, RouteError> {
        let setup = setup::build(design, cfg)?;
        let g = setup.grid.grid2();
        let cap3 = flat_capacity(&setup.adjusted);
        let cap2 = capacity_2d(&cap3, setup.lmin, setup.lmax, g.n_edges());
        let pins2 = net_gcells(&setup, g);
        let trees = steiner_trees(&pins2, g);
        Ok(Prepared {
            setup,
            g,
            cap3,
            cap2,
            pins2,
            trees,
        })
    }
}

/// The 2-D router's capacity per edge: the layers `lmin..=lmax` summed.
fn capacity_2d(cap3: &[Vec<i32>], lmin: usize, lmax: usize, n_edges: usize) -> Vec<i32> {
    let mut cap2 = vec![0i32; n_edges];
    for l in cap3.iter().take(lmax + 1).skip(lmin) {
        for (e, c) in l.iter().enumerate() {
            cap2[e] += c;
        }
    }
    cap2
}

/// Each net's distinct pin GCells. A net whose pins share one GCell is local: one node (grt
/// routes it with vias only and FastRoute never sees it).
fn net_gcells(s: &setup::Setup, g: pattern::Grid2) -> Vec<Vec<usize>> {
    s.nets
        .iter()
        .map(|n| {
            let mut v: Vec<usize> = n.pins.iter().map(|&(x, y, _)| g.node(x, y)).collect();
            let first = v.first().copied();
            let mut seen = std::collections::HashSet::new();
            v.retain(|n| seen.insert(*n));
            if v.len() < 2 {
                v.clear();
                v.extend(first);
            }
            v
        })
        .collect()
}

/// A rectilinear Steiner tree per net, on GCell coordinates.
fn steiner_trees(pins2: &[Vec<usize>], g: pattern::Grid2) -> Vec<steiner::Tree> {
    pins2
        .par_iter()
        .map(|p| {
            let pts: Vec<(i32, i32)> = p
                .iter()
                .map(|&n| (g.xy(n).0 as i32, g.xy(n).1 as i32))
                .collect();
            steiner::rsmt(&pts)
        })
        .collect()
}

/// The 2-D router's `stage` (the whole route, or the pattern stage alone) on a prepared design,
/// with the configuration's prior (as a cost or as a reservation) and net order.
fn route_2d<T>(
    cfg: &RouteConfig,
    p: &Prepared,
    stage: impl FnOnce(&engine::Problem) -> T,
) -> Result<T, RouteError> {
    let g = p.g;
    let per_edge = prior_per_edge(cfg.prior.as_ref(), g)?;
    let reserving = cfg.prior.as_ref().is_some_and(|p| p.reserve);
    let (prior, reserve) = if reserving {
        (None, per_edge)
    } else {
        (per_edge, None)
    };
    let rank = cfg.prior.as_ref().and_then(|x| x.ranks(g, &p.pins2));
    let problem = engine::Problem {
        grid: g,
        cap: &p.cap2,
        extra: None,
        prior: prior.as_deref(),
        prior_stage: cfg.prior.as_ref().map_or(PriorStage::Both, |p| p.stage),
        reserve: reserve.as_deref(),
        rank: rank.as_deref(),
        pins: &p.pins2,
        trees: &p.trees,
        iterations: cfg.iterations,
    };
    Ok(stage(&problem))
}

/// Layer assignment of the 2-D routes, shortest nets first; returns each net's runs and the
/// usage per layer and edge.
fn assign_layers(
    s: &setup::Setup,
    g: pattern::Grid2,
    dirs: &[Direction],
    cap3: &[Vec<i32>],
    sol: &engine::Solution,
) -> (Vec<assign::Assigned>, Vec<Vec<i32>>) {
    let pin3: Vec<Vec<(usize, usize)>> = s
        .nets
        .iter()
        .map(|n| n.pins.iter().map(|&(x, y, l)| (g.node(x, y), l)).collect())
        .collect();
    let inputs: Vec<assign::NetInput> = (0..s.nets.len())
        .map(|i| assign::NetInput {
            pins: &pin3[i],
            edges: &sol.routes[i],
            lmin: s.nets[i].layers.0,
            lmax: s.nets[i].layers.1,
        })
        .collect();
    let mut order: Vec<usize> = (0..s.nets.len())
        .filter(|&i| !sol.routes[i].is_empty())
        .collect();
    order.sort_by_key(|&i| (sol.routes[i].len(), i));
    assign::assign(&g, dirs, cap3, &inputs, &order, 8)
}

/// GRT-0053 / GRT-0096 per layer, and the totals over layers.
struct LayerTotals {
    layers: Vec<LayerReport>,
    overflow: i64,
    max_h: i64,
    max_v: i64,
    /// Overflow against the capacity before the user's layer adjustments.
    overflow_real: i64,
}

/// Statistics, as GRT-0053 and GRT-0096 define them.
fn layer_reports(
    design: &Design,
    s: &setup::Setup,
    g: pattern::Grid2,
    dirs: &[Direction],
    cap3: &[Vec<i32>],
    real3: &[Vec<i32>],
    usage3: &[Vec<i32>],
) -> LayerTotals {
    let orig = &s.original_resources;
    let nh = g.n_h();
    let mut t = LayerTotals {
        layers: Vec::with_capacity(design.layers.len()),
        overflow: 0,
        max_h: 0,
        max_v: 0,
        overflow_real: 0,
    };
    for l in 0..design.layers.len() {
        let (mut dem, mut maxh, mut maxv, mut of, mut res) = (0i64, 0i64, 0i64, 0i64, 0i64);
        for e in 0..g.n_edges() {
            let (u, c) = (usage3[l][e] as i64, cap3[l][e] as i64);
            res += c;
            dem += u;
            let o = (u - c).max(0);
            of += o;
            if e < nh {
                maxh = maxh.max(o);
            } else {
                maxv = maxv.max(o);
            }
            t.overflow_real += (u - real3[l][e] as i64).max(0);
        }
        t.overflow += of;
        t.max_h += maxh;
        t.max_v += maxv;
        t.layers.push(LayerReport {
            name: design.layers[l].name.clone(),
            direction: match dirs[l] {
                Direction::Horizontal => "Horizontal".into(),
                Direction::Vertical => "Vertical".into(),
            },
            original_resource: orig[l],
            derated_resource: res,
            demand: dem,
            max_h: maxh,
            max_v: maxv,
            overflow: of,
        });
    }
    t
}

/// Each net's wires and via stacks in GCell coordinates, with the wirelength (DBU) and via
/// count. Wirelength as grt's computeWirelength: each straight segment (a run between pins,
/// branches, bends and layer changes) counts its length plus one GCell.
fn net_routes(
    s: &setup::Setup,
    g: pattern::Grid2,
    assigned: &[assign::Assigned],
) -> (Vec<NetRoute>, i64, i64) {
    let tile = s.grid.tile;
    let mut wl_dbu: i64 = 0;
    let mut vias: i64 = 0;
    let mut routes = Vec::with_capacity(s.nets.len());
    for (i, a) in assigned.iter().enumerate() {
        for r in &a.runs {
            wl_dbu += (r.edges.len() as i64 + 1) * tile;
        }
        vias += a.vias() as i64;
        routes.push(NetRoute {
            name: s.nets[i].name.clone(),
            wires: a
                .runs
                .iter()
                .map(|r| (r.layer, g.xy(r.from), g.xy(r.to)))
                .collect(),
            stacks: a
                .stacks
                .iter()
                .map(|&(n, lo, hi)| (g.xy(n), lo, hi))
                .collect(),
        });
    }
    (routes, wl_dbu, vias)
}

/// Capacity and demand per GCell and direction, summed over the layers.
fn gcell_maps(g: pattern::Grid2, cap3: &[Vec<i32>], usage3: &[Vec<i32>]) -> Maps {
    let (cap_h, cap_v) = layer_sums(g, cap3);
    let (demand_h, demand_v) = layer_sums(g, usage3);
    Maps {
        cap_h,
        cap_v,
        demand_h,
        demand_v,
    }
}
