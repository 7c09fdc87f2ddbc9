//! Dataset channels by name: the one place that computes a column of the dataset.
//!
//! `mpgd dataset` writes every channel of [`FEATURES`] and [`LABELS`]; `mpgd predict` asks for the
//! channels a model's metadata names, in the model's order. Both go through [`compute`], so a
//! model whose inputs are dataset columns sees exactly the values it was trained on. A name this
//! module does not know is refused with [`ChannelError::Unknown`], naming it.
//!
//! Every map is on the router's GCell grid (`route::gcell_grid` with the configuration's GCell
//! size), `[ny * nx]` row-major with row 0 at the bottom, raw values. The routing run that the
//! early-global-routing features and the labels need is made once, and only when a requested
//! channel needs it: `egr_*` channels come from its pattern stage, `r1_*` channels from the usage
//! after its first rip-up and reroute round (the pattern usage when no round runs), labels from
//! its final routes after `cfg.iterations` rounds. [`rounds_needed`] says how many rounds a
//! channel needs, and the run makes no more than the channels need: when only `egr_*` channels
//! are asked for, the pattern stage alone ([`route::early`]: the same maps, without the rounds,
//! repairs and layer assignment that make most of a route's time); with `r1_*` and no label,
//! exactly one round.
//!
//! The routing-resource channels need no routing run: `capacity_h` / `capacity_v` are the
//! router's capacity model ([`route::capacity_maps`], tracks per GCell edge after obstructions,
//! layer range and derating: the denominators of the labels), and the demand-over-capacity
//! channels divide RUDY and pin RUDY by them with consistent units. RUDY is µm of wire per µm² of
//! GCell (both directions together); a GCell of side `g` µm whose edges carry `c_h + c_v` tracks
//! holds `(c_h + c_v) · g` µm of wire, so
//! `rudy_over_capacity = rudy · g / (c_h + c_v)` (1 = RUDY's wire fills every track of the GCell;
//! 0 where the GCell has no capacity), and `rudy_pin_over_capacity = rudy_pin · g / (c_h + c_v)`
//! the same for pin RUDY (per-pin sums of `W_k`, also 1/µm).

use crate::design::Design;
use crate::features::{self, FeatureConfig};
use crate::route::{self, grid::GCellGrid, RouteConfig, RouteError, RouteResult};

/// Feature channels, in dataset column order.
pub const FEATURES: [&str; 18] = [
    "macro_region",
    "cell_density",
    "rudy",
    "rudy_long",
    "rudy_short",
    "rudy_pin",
    "rudy_pin_long",
    "pin_density",
    "egr_overflow_h",
    "egr_overflow_v",
    "capacity_h",
    "capacity_v",
    "rudy_over_capacity",
    "rudy_pin_over_capacity",
    "r1_overflow_h",
    "r1_overflow_v",
    "egr_utilization_h",
    "egr_utilization_v",
];

/// Channels made from the router's capacity model (no routing run needed).
const RESOURCE: [&str; 4] = [
    "capacity_h",
    "capacity_v",
    "rudy_over_capacity",
    "rudy_pin_over_capacity",
];

/// Label channels, in dataset column order. The history columns come after the congestion ones
/// (added later, so the earlier columns keep their positions and bytes).
pub const LABELS: [&str; 6] = [
    "congestion_h",
    "congestion_v",
    "congestion",
    "history_h",
    "history_v",
    "history",
];

/// Why channels could not be computed.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ChannelError {
    /// A channel name that is not a dataset column mpgd can compute.
    #[error("channel '{name}' is not one mpgd can compute (known: {})", known.join(", "))]
    Unknown {
        name: String,
        known: Vec<&'static str>,
    },
    /// The design has no layer to size GCells by.
    #[error("no GCell grid for this design: no routing layer with tracks or pitch")]
    NoGrid,
    /// The routing run that early-global-routing features and labels need failed.
    #[error("routing for channel '{channel}': {source}")]
    Route {
        channel: String,
        #[source]
        source: RouteError,
    },
    /// The router's grid differs from the feature grid (a bug, reported rather than hidden).
    #[error("the router's grid is {rx} x {ry} GCells, the feature grid {fx} x {fy}")]
    GridMismatch {
        rx: usize,
        ry: usize,
        fx: usize,
        fy: usize,
    },
}

/// Computed channels: `maps[k]` is the channel `names[k]` on `grid`.
#[derive(Clone, Debug)]
pub struct Channels {
    pub grid: GCellGrid,
    /// GCell side in µm.
    pub gcell_um: f64,
    pub names: Vec<String>,
    pub maps: Vec<Vec<f32>>,
    /// The routing run, when a requested channel needed one.
    pub route: Option<RouteResult>,
}

impl Channels {
    pub fn nx(&self) -> usize {
        self.grid.nx()
    }
    pub fn ny(&self) -> usize {
        self.grid.ny()
    }
    /// The map of channel `name`, if it was computed.
    pub fn get(&self, name: &str) -> Option<&[f32]> {
        let k = self.names.iter().position(|n| n == name)?;
        Some(&self.maps[k])
    }
}

/// Every channel name [`compute`] knows: features, then labels.
pub fn known() -> Vec<&'static str> {
    FEATURES.iter().chain(LABELS.iter()).copied().collect()
}

/// Whether `name` is a channel [`compute`] knows.
pub fn is_known(name: &str) -> bool {
    known().contains(&name)
}

/// Whether the channel needs a routing run (early-global-routing features and labels do).
pub fn needs_route(name: &str) -> bool {
    features::Channel::from_name(name).is_none() && !RESOURCE.contains(&name)
}

/// The rip-up and reroute rounds a routed channel needs: 0 for the pattern stage's `egr_*`, 1
/// for the first round's `r1_*`, `None` (every configured round) for labels. Channels that need
/// no routing run ([`needs_route`] false) need 0.
pub fn rounds_needed(name: &str) -> Option<usize> {
    if !needs_route(name) || name.starts_with("egr_") {
        Some(0)
    } else if name.starts_with("r1_") {
        Some(1)
    } else {
        None
    }
}

/// Whether the channel needs the geometric features (RUDY and friends).
fn needs_geometry(name: &str) -> bool {
    features::Channel::from_name(name).is_some()
        || matches!(name, "rudy_over_capacity" | "rudy_pin_over_capacity")
}

/// Computes the named channels of `design`, routed (when needed) with `cfg`.
pub fn compute(
    design: &Design,
    cfg: &RouteConfig,
    names: &[&str],
) -> Result<Channels, ChannelError> {
    if let Some(bad) = names.iter().find(|n| !is_known(n)) {
        return Err(ChannelError::Unknown {
            name: bad.to_string(),
            known: known(),
        });
    }
    let grid = route::gcell_grid(design, cfg.gcell_size).ok_or(ChannelError::NoGrid)?;
    let routing = Routing::of(design, cfg, &grid, names)?;
    let geometric = names
        .iter()
        .any(|n| needs_geometry(n))
        .then(|| features::extract(design, &grid, &FeatureConfig::default()));
    let gcell_um = match &routing {
        Routing::Full(r) => r.gcell_um,
        Routing::Early(e) => e.gcell_um,
        Routing::None => grid.gcell_size as f64 / design.dbu_per_micron.max(1) as f64,
    };
    let capacity = match (names.iter().find(|n| RESOURCE.contains(n)), &routing) {
        (None, _) => None,
        (Some(_), Routing::Full(r)) => Some((r.maps.cap_h.clone(), r.maps.cap_v.clone())),
        (Some(_), Routing::Early(e)) => Some((e.cap_h.clone(), e.cap_v.clone())),
        (Some(first), Routing::None) => Some(route::capacity_maps(design, cfg).map_err(
            |source| ChannelError::Route {
                channel: first.to_string(),
                source,
            },
        )?),
    };
    let maps = names
        .iter()
        .map(|&name| match features::Channel::from_name(name) {
            Some(c) => geometric
                .as_ref()
                .map(|f| f.get(c).data.clone())
                .unwrap_or_default(),
            None if RESOURCE.contains(&name) => match (&capacity, &geometric) {
                (Some(cap), Some(f)) => resource_channel(name, cap, f, gcell_um),
                (Some((h, v)), None) => match name {
                    "capacity_h" => h.clone(),
                    _ => v.clone(),
                },
                _ => Vec::new(),
            },
            None => match &routing {
                Routing::Full(r) => routed_channel(r, name),
                Routing::Early(e) => early_channel(e, name),
                Routing::None => Vec::new(),
            },
        })
        .collect();
    Ok(Channels {
        grid,
        gcell_um,
        names: names.iter().map(|n| n.to_string()).collect(),
        maps,
        route: match routing {
            Routing::Full(r) => Some(*r),
            _ => None,
        },
    })
}

/// The routing the requested channels need: none, the early global route alone (every routed
/// channel is an `egr_*` map: the pattern stage, without the rounds and repairs that make most
/// of a route's time), or the whole route (labels).
enum Routing {
    None,
    Early(Box<route::EarlyRoute>),
    Full(Box<RouteResult>),
}

impl Routing {
    fn of(
        design: &Design,
        cfg: &RouteConfig,
        grid: &GCellGrid,
        names: &[&str],
    ) -> Result<Routing, ChannelError> {
        let Some(first) = names.iter().find(|n| needs_route(n)) else {
            return Ok(Routing::None);
        };
        let failed = |source| ChannelError::Route {
            channel: first.to_string(),
            source,
        };
        match rounds(cfg, names) {
            None => {
                let e = route::early(design, cfg).map_err(failed)?;
                same_grid(e.grid.nx, e.grid.ny, grid)?;
                Ok(Routing::Early(Box::new(e)))
            }
            Some(iterations) => {
                let cfg = RouteConfig {
                    iterations,
                    ..cfg.clone()
                };
                let r = route::run(design, &cfg).map_err(failed)?;
                same_grid(r.grid.nx, r.grid.ny, grid)?;
                Ok(Routing::Full(Box::new(r)))
            }
        }
    }
}

/// The rip-up and reroute rounds a whole route for `names` makes, or `None` when the early route
/// alone serves (every routed channel is an `egr_*` map): one round when the most any channel
/// needs is the first round (`r1_*`) whatever `cfg.iterations` says, every configured round (at
/// least that one) when a label is among them.
fn rounds(cfg: &RouteConfig, names: &[&str]) -> Option<usize> {
    let needed: Vec<Option<usize>> = names.iter().map(|n| rounds_needed(n)).collect();
    let most = needed.iter().flatten().copied().max().unwrap_or(0);
    if needed.contains(&None) {
        Some(cfg.iterations.max(most))
    } else {
        (most > 0).then_some(most)
    }
}

/// Checks that the router's grid is the feature grid.
fn same_grid(rx: usize, ry: usize, grid: &GCellGrid) -> Result<(), ChannelError> {
    if rx != grid.nx() || ry != grid.ny() {
        return Err(ChannelError::GridMismatch {
            rx,
            ry,
            fx: grid.nx(),
            fy: grid.ny(),
        });
    }
    Ok(())
}

/// A routing-resource channel: capacity per direction, or demand over the GCell's capacity
/// (`demand · gcell_um / (cap_h + cap_v)`, 0 without capacity; see the module documentation).
fn resource_channel(
    name: &str,
    (cap_h, cap_v): &(Vec<f32>, Vec<f32>),
    f: &features::FeatureMaps,
    gcell_um: f64,
) -> Vec<f32> {
    let over = |demand: &[f32]| -> Vec<f32> {
        demand
            .iter()
            .zip(cap_h.iter().zip(cap_v))
            .map(|(&d, (&h, &v))| {
                let c = h + v;
                if c > 0.0 {
                    (d as f64 * gcell_um / c as f64) as f32
                } else {
                    0.0
                }
            })
            .collect()
    };
    match name {
        "capacity_h" => cap_h.clone(),
        "capacity_v" => cap_v.clone(),
        "rudy_over_capacity" => over(&f.get(features::Channel::Rudy).data),
        "rudy_pin_over_capacity" => over(&f.get(features::Channel::RudyPin).data),
        _ => unreachable!("'{name}' is not a resource channel"),
    }
}

/// An early-global-routing channel from the early route alone: per direction, the pattern
/// stage's `overflow / capacity` or `usage / capacity`, as [`routed_channel`] computes it from a
/// whole route.
fn early_channel(e: &route::EarlyRoute, name: &str) -> Vec<f32> {
    match name {
        "egr_overflow_h" => route::overflow_ratio(&e.overflow_h, &e.cap_h),
        "egr_overflow_v" => route::overflow_ratio(&e.overflow_v, &e.cap_v),
        "egr_utilization_h" => route::overflow_ratio(&e.usage_h, &e.cap_h),
        "egr_utilization_v" => route::overflow_ratio(&e.usage_v, &e.cap_v),
        _ => unreachable!("'{name}' is not an early-global-routing channel"),
    }
}

/// A channel taken from a routing run: early-routing overflow and utilization (pattern stage,
/// `usage / capacity` unclipped: the room left where the overflow is 0), overflow after
/// the first rip-up and reroute round, a congestion label (final routes), per direction
/// `overflow / capacity` (0 where the capacity is 0), or the
/// router's history cost when negotiation ended ([`RouteResult::history_maps`], the map
/// `mpgd compare --oracle history` steers by; `history = history_h + history_v`).
fn routed_channel(r: &RouteResult, name: &str) -> Vec<f32> {
    use route::overflow_ratio;
    let pattern = || r.pattern_overflow_maps();
    let last = || r.overflow_maps();
    match name {
        "egr_overflow_h" => overflow_ratio(&pattern().0, &r.maps.cap_h),
        "egr_overflow_v" => overflow_ratio(&pattern().1, &r.maps.cap_v),
        "egr_utilization_h" => overflow_ratio(&r.pattern_usage_maps().0, &r.maps.cap_h),
        "egr_utilization_v" => overflow_ratio(&r.pattern_usage_maps().1, &r.maps.cap_v),
        "r1_overflow_h" => overflow_ratio(&r.round1_overflow_maps().0, &r.maps.cap_h),
        "r1_overflow_v" => overflow_ratio(&r.round1_overflow_maps().1, &r.maps.cap_v),
        "congestion_h" => overflow_ratio(&last().0, &r.maps.cap_h),
        "congestion_v" => overflow_ratio(&last().1, &r.maps.cap_v),
        "congestion" => r.congestion_map(),
        "history_h" => r.history_maps().0,
        "history_v" => r.history_maps().1,
        "history" => {
            let (h, v) = r.history_maps();
            h.iter().zip(&v).map(|(a, b)| a + b).collect()
        }
        _ => unreachable!("channel '{name}' was checked by is_known"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn gcd() -> Design {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/nangate45/gcd");
        let input =
            crate::design::DesignInput::new(vec![dir.join("Nangate45.lef")], dir.join("gcd.def"));
        Design::load(&input).expect("bundled gcd reads")
    }

    #[test]
    fn an_unknown_channel_is_refused_by_name() {
        let err = compute(&gcd(), &RouteConfig::default(), &["rudy", "capacity_z"]).unwrap_err();
        let text = err.to_string();
        assert!(text.contains("'capacity_z'"), "{text}");
        assert!(text.contains("rudy_pin"), "{text}");
    }

    #[test]
    fn geometric_channels_need_no_routing_and_keep_the_asked_order() {
        let d = gcd();
        let c = compute(
            &d,
            &RouteConfig::default(),
            &["rudy_pin", "macro_region", "rudy"],
        )
        .unwrap();
        assert!(c.route.is_none());
        assert_eq!(c.names, ["rudy_pin", "macro_region", "rudy"]);
        let all = features::extract(&d, &c.grid, &FeatureConfig::default());
        assert_eq!(c.maps[0], all.get(features::Channel::RudyPin).data);
        assert_eq!(c.maps[2], all.get(features::Channel::Rudy).data);
        assert_eq!(c.maps[0].len(), c.nx() * c.ny());
    }

    #[test]
    fn egr_channels_alone_take_the_early_route_and_equal_a_whole_routes() {
        let d = gcd();
        // Three layers, 90% derated: the pattern stage overflows.
        let cfg = RouteConfig {
            iterations: 3,
            layer_range: Some(("metal2".into(), "metal4".into())),
            layer_adjust: vec![(route::LayerSel::All, 0.9)],
            ..RouteConfig::default()
        };
        // Every feature channel but the first-round maps (the shipped models' nine inputs among
        // them): no whole route.
        let features: Vec<&str> = FEATURES
            .iter()
            .copied()
            .filter(|n| !n.starts_with("r1_"))
            .collect();
        assert_eq!(features.len(), 16);
        let early = compute(&d, &cfg, &features).unwrap();
        assert!(
            early.route.is_none(),
            "features need the pattern stage only"
        );
        // With a label beside them, the same features come from the whole route.
        let mut names = features.clone();
        names.push("congestion");
        let full = compute(&d, &cfg, &names).unwrap();
        assert!(full.route.is_some());
        let egr = early.get("egr_overflow_h").unwrap();
        assert!(egr.iter().any(|&v| v > 0.0), "derated gcd overflows early");
        for (k, name) in features.iter().enumerate() {
            assert_eq!(early.maps[k], full.maps[k], "{name}");
        }
        // The utilization is the overflow's unclipped form: 1 + overflow where the stage
        // overflows, the room left below 1 elsewhere.
        for d in ["h", "v"] {
            let over = early.get(&format!("egr_overflow_{d}")).unwrap();
            let util = early.get(&format!("egr_utilization_{d}")).unwrap();
            for (&o, &u) in over.iter().zip(util) {
                assert!(u >= 0.0);
                if o > 0.0 {
                    assert!((u - (1.0 + o)).abs() < 1e-5, "{d}: {u} vs 1 + {o}");
                } else {
                    assert!(u <= 1.0 + 1e-6, "{d}: {u} without overflow");
                }
            }
            assert!(util.iter().any(|&u| u > 0.0 && u < 1.0), "{d}: room left");
        }
    }

    #[test]
    fn a_route_makes_only_the_rounds_its_channels_need() {
        let cfg = RouteConfig::default();
        assert!(cfg.iterations > 1);
        // The pattern stage alone for egr maps, none at all without a routed channel.
        assert_eq!(rounds(&cfg, &["rudy", "egr_overflow_h"]), None);
        assert_eq!(rounds(&cfg, &["rudy", "capacity_h"]), None);
        // Exactly one round for first-round maps, even where the configuration asks for none.
        assert_eq!(rounds(&cfg, &FEATURES), Some(1));
        assert_eq!(rounds(&cfg, &["r1_overflow_v"]), Some(1));
        let none = RouteConfig {
            iterations: 0,
            ..RouteConfig::default()
        };
        assert_eq!(rounds(&none, &["r1_overflow_h"]), Some(1));
        assert_eq!(rounds(&none, &["r1_overflow_h", "congestion"]), Some(1));
        // A label (RouteNet's congestion_h/v as an input) takes every configured round.
        assert_eq!(
            rounds(&cfg, &["egr_overflow_h", "congestion_h"]),
            Some(cfg.iterations)
        );
        assert_eq!(
            rounds(&cfg, &["r1_overflow_h", "congestion"]),
            Some(cfg.iterations)
        );
    }

    #[test]
    fn labels_sum_their_directions() {
        let cfg = RouteConfig {
            // OpenROAD's congestion tests' kind of setting: three layers, 90% derated.
            iterations: 1,
            layer_range: Some(("metal2".into(), "metal4".into())),
            layer_adjust: vec![(route::LayerSel::All, 0.9)],
            ..RouteConfig::default()
        };
        let c = compute(
            &gcd(),
            &cfg,
            &["congestion_h", "congestion_v", "congestion"],
        )
        .unwrap();
        let (h, v, s) = (&c.maps[0], &c.maps[1], &c.maps[2]);
        assert!(s.iter().any(|&x| x > 0.0), "derated gcd has congestion");
        for k in 0..s.len() {
            assert_eq!(s[k], h[k] + v[k]);
        }
    }

    #[test]
    fn history_columns_are_the_routers_history_on_each_gcells_edges() {
        let cfg = RouteConfig {
            iterations: 3,
            layer_range: Some(("metal2".into(), "metal4".into())),
            layer_adjust: vec![(route::LayerSel::All, 0.9)],
            ..RouteConfig::default()
        };
        let c = compute(&gcd(), &cfg, &["history_h", "history_v", "history"]).unwrap();
        let r = c.route.as_ref().expect("history needs the routing run");
        let g = r.grid.grid2();
        let (nx, ny) = (g.nx, g.ny);
        let (h, v, sum) = (&c.maps[0], &c.maps[1], &c.maps[2]);
        assert!(
            h.iter().chain(v).any(|&x| x > 0.0),
            "derated gcd negotiates"
        );
        for y in 0..ny {
            for x in 0..nx {
                let k = y * nx + x;
                // The edge to the right (H) and above (V); the last column/row repeats.
                assert_eq!(h[k], r.history_2d[g.h(x.min(nx - 2), y)], "H at ({x}, {y})");
                assert_eq!(v[k], r.history_2d[g.v(x, y.min(ny - 2))], "V at ({x}, {y})");
                assert_eq!(sum[k], h[k] + v[k]);
            }
        }
    }

    /// gcd on metal2-metal4 derated to 90%: congested after the pattern stage.
    fn derated(iterations: usize) -> RouteConfig {
        RouteConfig {
            iterations,
            layer_range: Some(("metal2".into(), "metal4".into())),
            layer_adjust: vec![(route::LayerSel::All, 0.9)],
            ..RouteConfig::default()
        }
    }

    #[test]
    fn first_round_maps_do_not_depend_on_the_later_rounds() {
        let names = [
            "r1_overflow_h",
            "r1_overflow_v",
            "egr_overflow_h",
            "egr_overflow_v",
        ];
        let d = gcd();
        // Alone, the first-round maps route exactly one round whatever the settings say; beside
        // a label, every configured round.
        let one = compute(&d, &derated(3), &names).unwrap();
        let mut with_label = names.to_vec();
        with_label.push("congestion");
        let three = compute(&d, &derated(3), &with_label).unwrap();
        let (r1, r3) = (one.route.as_ref().unwrap(), three.route.as_ref().unwrap());
        assert_eq!(r1.rounds, 1);
        assert_eq!(r3.rounds, 3, "derated gcd negotiates all three rounds");
        assert_eq!(r1.round1_usage_2d, r3.round1_usage_2d);
        assert_eq!(one.maps[..], three.maps[..names.len()]);
        // The round moved wire: its usage and overflow differ from the pattern stage's.
        assert_ne!(r1.round1_usage_2d, r1.pattern_usage_2d);
        assert_ne!(one.maps[0..2], one.maps[2..4]);
        // Per direction, overflow / capacity of the round-1 usage on the GCell's edge.
        let g = route::pattern::Grid2 {
            nx: one.nx(),
            ny: one.ny(),
        };
        let (x, y) = (g.nx / 2, g.ny / 2);
        let k = y * g.nx + x;
        let e = g.h(x, y);
        let over = (r1.round1_usage_2d[e] - r1.capacity_2d[e]).max(0) as f32;
        assert_eq!(one.maps[0][k], over / r1.maps.cap_h[k]);
    }

    #[test]
    fn without_a_round_the_first_round_maps_are_the_pattern_stage() {
        // A route of 0 rounds (channels never ask for one: r1 maps route one round) keeps the
        // pattern usage as its first-round usage.
        let r = route::run(&gcd(), &derated(0)).unwrap();
        assert_eq!(r.rounds, 0);
        assert_eq!(r.round1_usage_2d, r.pattern_usage_2d);
        assert!(
            r.pattern_overflow_maps().0.iter().any(|&x| x > 0.0),
            "the pattern stage overflows"
        );
        assert_eq!(r.round1_overflow_maps(), r.pattern_overflow_maps());
    }

    /// Layers metal5 (horizontal, tracks every 560 DBU from y = 140) and metal6 (vertical, every
    /// 560 DBU from x = 190) carry no pin, obstruction or special wire in gcd, so their capacity
    /// follows from the TRACKS lines alone: a 5700-DBU GCell holds 10 or 11 tracks, and each of
    /// the 360 metal5 tracks (358 metal6 tracks) lies in exactly one GCell row (column).
    fn upper_pair(adjust: Option<f32>) -> RouteConfig {
        RouteConfig {
            layer_range: Some(("metal5".into(), "metal6".into())),
            layer_adjust: adjust
                .map(|f| vec![(route::LayerSel::All, f)])
                .unwrap_or_default(),
            ..RouteConfig::default()
        }
    }

    #[test]
    fn capacity_counts_the_tracks_of_the_layer_range() {
        let c = compute(&gcd(), &upper_pair(None), &["capacity_h", "capacity_v"]).unwrap();
        assert!(c.route.is_none(), "capacity needs no routing run");
        let (nx, ny) = (c.nx(), c.ny());
        assert_eq!((nx, ny), (35, 35));
        let (h, v) = (&c.maps[0], &c.maps[1]);
        for j in 0..ny - 1 {
            for i in 0..nx - 1 {
                let k = j * nx + i;
                assert!(
                    h[k] == 10.0 || h[k] == 11.0,
                    "capacity_h({i}, {j}) = {}",
                    h[k]
                );
                assert!(
                    v[k] == 10.0 || v[k] == 11.0,
                    "capacity_v({i}, {j}) = {}",
                    v[k]
                );
            }
        }
        let column: f32 = (0..ny).map(|j| h[j * nx + 3]).sum();
        let row: f32 = (0..nx).map(|i| v[3 * nx + i]).sum();
        assert_eq!((column, row), (360.0, 358.0));
    }

    #[test]
    fn derating_halves_capacity_and_leaves_rudy_alone() {
        let names = ["capacity_h", "capacity_v", "rudy", "rudy_over_capacity"];
        let d = gcd();
        let full = compute(&d, &upper_pair(None), &names).unwrap();
        let half = compute(&d, &upper_pair(Some(0.5)), &names).unwrap();
        // floor(10 * 0.5) = floor(11 * 0.5) = 5 tracks per layer edge.
        for j in 0..full.ny() - 1 {
            for i in 0..full.nx() - 1 {
                let k = j * full.nx() + i;
                assert_eq!(
                    (half.maps[0][k], half.maps[1][k]),
                    (5.0, 5.0),
                    "GCell ({i}, {j})"
                );
            }
        }
        assert_eq!(full.maps[2], half.maps[2], "RUDY does not see derating");
        let k = 17 * full.nx() + 17;
        assert!(full.maps[2][k] > 0.0, "gcd's centre has wire demand");
        assert!(
            half.maps[3][k] > 1.9 * full.maps[3][k],
            "demand over capacity roughly doubles"
        );
    }

    #[test]
    fn demand_over_capacity_is_rudy_times_the_gcell_side_over_tracks() {
        let names = [
            "rudy",
            "rudy_pin",
            "capacity_h",
            "capacity_v",
            "rudy_over_capacity",
            "rudy_pin_over_capacity",
        ];
        let c = compute(&gcd(), &upper_pair(None), &names).unwrap();
        assert_eq!(c.gcell_um, 2.85);
        let m = &c.maps;
        let k = 17 * c.nx() + 17;
        let tracks = (m[2][k] + m[3][k]) as f64; // 20 to 22 tracks
        let expect = |demand: f32| (demand as f64 * 2.85 / tracks) as f32;
        assert_eq!(m[4][k], expect(m[0][k]));
        assert_eq!(m[5][k], expect(m[1][k]));
        // With every layer, the same wire fills a smaller share of a GCell's tracks.
        let all = compute(&gcd(), &RouteConfig::default(), &names).unwrap();
        assert!(all.maps[4][k] < m[4][k]);
    }

    #[test]
    fn capacity_without_routing_is_the_routers_label_denominator() {
        let cfg = RouteConfig {
            iterations: 1,
            layer_adjust: vec![(route::LayerSel::All, 0.3)],
            ..RouteConfig::default()
        };
        let d = gcd();
        let alone = compute(&d, &cfg, &["capacity_h", "capacity_v"]).unwrap();
        let routed = compute(&d, &cfg, &["capacity_h", "capacity_v", "congestion"]).unwrap();
        let r = routed.route.as_ref().expect("labels route");
        assert_eq!(alone.maps[0], r.maps.cap_h);
        assert_eq!(alone.maps[1], r.maps.cap_v);
        assert_eq!(routed.maps[0], r.maps.cap_h);
    }
}
