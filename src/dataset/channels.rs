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
//! channel needs it: `egr_*` channels come from its pattern stage, labels from its final routes
//! after `cfg.iterations` rounds.

use crate::design::Design;
use crate::features::{self, FeatureConfig};
use crate::route::{self, grid::GCellGrid, RouteConfig, RouteError, RouteResult};

/// Feature channels, in dataset column order.
pub const FEATURES: [&str; 10] = [
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
];

/// Label channels, in dataset column order.
pub const LABELS: [&str; 3] = ["congestion_h", "congestion_v", "congestion"];

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
fn needs_route(name: &str) -> bool {
    features::Channel::from_name(name).is_none()
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
    let routed = match names.iter().find(|n| needs_route(n)) {
        Some(first) => Some(route_on(design, cfg, &grid, first)?),
        None => None,
    };
    let geometric = names
        .iter()
        .any(|n| !needs_route(n))
        .then(|| features::extract(design, &grid, &FeatureConfig::default()));
    let gcell_um = match &routed {
        Some(r) => r.gcell_um,
        None => grid.gcell_size as f64 / design.dbu_per_micron.max(1) as f64,
    };
    let maps = names
        .iter()
        .map(|&name| match features::Channel::from_name(name) {
            Some(c) => geometric
                .as_ref()
                .map(|f| f.get(c).data.clone())
                .unwrap_or_default(),
            None => routed
                .as_ref()
                .map(|r| routed_channel(r, name))
                .unwrap_or_default(),
        })
        .collect();
    Ok(Channels {
        grid,
        gcell_um,
        names: names.iter().map(|n| n.to_string()).collect(),
        maps,
        route: routed,
    })
}

/// Routes the design and checks that the router's grid is the feature grid.
fn route_on(
    design: &Design,
    cfg: &RouteConfig,
    grid: &GCellGrid,
    channel: &str,
) -> Result<RouteResult, ChannelError> {
    let r = route::run(design, cfg).map_err(|source| ChannelError::Route {
        channel: channel.to_string(),
        source,
    })?;
    if r.grid.nx != grid.nx() || r.grid.ny != grid.ny() {
        return Err(ChannelError::GridMismatch {
            rx: r.grid.nx,
            ry: r.grid.ny,
            fx: grid.nx(),
            fy: grid.ny(),
        });
    }
    Ok(r)
}

/// A channel taken from a routing run: early-routing overflow (pattern stage) or a label
/// (final routes), per direction `overflow / capacity` (0 where the capacity is 0).
fn routed_channel(r: &RouteResult, name: &str) -> Vec<f32> {
    use route::overflow_ratio;
    let pattern = || r.pattern_overflow_maps();
    let last = || r.overflow_maps();
    match name {
        "egr_overflow_h" => overflow_ratio(&pattern().0, &r.maps.cap_h),
        "egr_overflow_v" => overflow_ratio(&pattern().1, &r.maps.cap_v),
        "congestion_h" => overflow_ratio(&last().0, &r.maps.cap_h),
        "congestion_v" => overflow_ratio(&last().1, &r.maps.cap_v),
        "congestion" => r.congestion_map(),
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
    fn labels_sum_their_directions() {
        let cfg = RouteConfig {
            iterations: 1,
            layer_adjust: vec![(route::LayerSel::All, 0.8)],
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
}
