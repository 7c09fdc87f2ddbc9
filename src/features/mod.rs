//! CircuitNet's congestion feature maps on the GCell grid: pure functions of a [`Design`] and a
//! [`GCellGrid`] to float32 maps `[ny][nx]`, row 0 at the bottom, raw values.
//!
//! [`extract`] computes the eight channels of [`Channel::ALL`], one file per family:
//! `macro_region` (macros with halos), `density` (cell_density), `rudy` (RUDY, RUDY_long,
//! RUDY_short) and `pin_rudy` (RUDY_pin, RUDY_pin_long, pin_density). The definitions are
//! CircuitNet's (`feature_extraction/src/read.py`, see `docs/features.md` for the formulas); the
//! grid is the router's, so features and labels align pixel for pixel. This module does not read
//! files, write files or draw: [`crate::npy`] and [`png`] do that for the CLI.
//!
//! Choices, each documented in `docs/features.md` and most a [`FeatureConfig`] knob:
//! * Lengths are in µm, so RUDY and RUDY_pin are in 1/µm (µm of wire per µm² of GCell) whatever
//!   the DEF's database unit; CircuitNet's numbers are in 1/DBU.
//! * Nets: every `NETS` net with at least two pins that have a rectangle, except `USE POWER` /
//!   `USE GROUND` nets (routed as special nets). High-fanout nets (clock trees) count like any
//!   other, as in CircuitNet and OpenROAD's RUDY; [`FeatureConfig::max_net_pins`] drops nets
//!   with more pins. Routed wiring present in the DEF is ignored: features describe the
//!   placement only.
//! * IO pins are net pins with their DEF `PINS` rectangles (as in CircuitNet); an IO pin without
//!   shapes is skipped; [`FeatureConfig::include_io_pins`] turns them off.
//! * A pin's rectangle is the bounding box of all its port shapes on all layers (CircuitNet reads
//!   the same); a master pin without shapes stands for the whole instance box.
//! * A degenerate net box (width or height 0, when all pin rectangles are lines or points) is
//!   widened around its centre to one routing track pitch (the smallest preferred pitch of the
//!   routing layers; [`FeatureConfig::min_extent`]); other boxes are kept as they are, so their
//!   values equal CircuitNet's.
//! * Which GCells an object lands on ([`Footprint`]): CircuitNet's `bisect_left` / `my_range`
//!   rule by default for cell_density, RUDY_pin(_long), pin_density and the short/long test;
//!   RUDY always uses the exact overlap with every GCell (CircuitNet's loop drops the box's last
//!   column and row, which loses wire); macro_region marks every GCell overlapped.
//! * cell_density counts every placed instance (macros included, as CircuitNet does) except
//!   physical-only cells (fill, tap, endcap, decap), which [`FeatureConfig::count_physical_cells`]
//!   adds back. macro_region marks instances of LEF `CLASS BLOCK` masters, expanded by their DEF
//!   `+ HALO` (none: 0), not every FIXED instance (OpenROAD flows fix tap cells).
//! * The default grid ([`default_gcell_size`]) is the router's default tile, provisional until
//!   the router exports its grid constructor.
//!
//! Every map is computed row-parallel with rayon and summed in a fixed order (see `raster`), so
//! the bytes do not depend on the number of threads.

mod density;
pub(crate) mod font;
mod macro_region;
mod nets;
mod pin_rudy;
pub mod png;
mod raster;
mod rudy;
#[cfg(test)]
mod tests;

use crate::design::Design;
use crate::geom::Dbu;
use crate::route::grid::GCellGrid;

/// A feature channel, in the order [`extract`] returns them.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Channel {
    /// 1 on GCells overlapped by a macro expanded by its halo, else 0.
    MacroRegion,
    /// Number of instances landing on the GCell.
    CellDensity,
    /// RUDY of all nets (1/µm).
    Rudy,
    /// RUDY of nets whose box spans more than one GCell in x or y.
    RudyLong,
    /// RUDY of nets whose box lies in a single GCell.
    RudyShort,
    /// Pin RUDY: Σ over pins landing on the GCell of their net's `1/w + 1/h` (1/µm).
    RudyPin,
    /// Pin RUDY of long nets.
    RudyPinLong,
    /// Number of pins of counted nets landing on the GCell.
    PinDensity,
}

impl Channel {
    /// All channels, in output order.
    pub const ALL: [Channel; 8] = [
        Channel::MacroRegion,
        Channel::CellDensity,
        Channel::Rudy,
        Channel::RudyLong,
        Channel::RudyShort,
        Channel::RudyPin,
        Channel::RudyPinLong,
        Channel::PinDensity,
    ];

    /// The channel's file and column name.
    pub fn name(self) -> &'static str {
        match self {
            Channel::MacroRegion => "macro_region",
            Channel::CellDensity => "cell_density",
            Channel::Rudy => "rudy",
            Channel::RudyLong => "rudy_long",
            Channel::RudyShort => "rudy_short",
            Channel::RudyPin => "rudy_pin",
            Channel::RudyPinLong => "rudy_pin_long",
            Channel::PinDensity => "pin_density",
        }
    }

    /// The channel with this name.
    pub fn from_name(name: &str) -> Option<Channel> {
        Channel::ALL.into_iter().find(|c| c.name() == name)
    }

    /// The unit of the channel's raw values.
    pub fn unit(self) -> &'static str {
        match self {
            Channel::MacroRegion => "1",
            Channel::CellDensity => "instances",
            Channel::PinDensity => "pins",
            _ => "1/um",
        }
    }
}

/// Which GCells a rectangle lands on, for the counting maps (cell_density, RUDY_pin,
/// RUDY_pin_long, pin_density) and the short/long test.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub enum Footprint {
    /// CircuitNet's code: per axis `a = bisect_left(upper_edges, lo)`, `b = bisect_left(upper_edges,
    /// hi)`, clamped to the grid; the GCells `a..b`, or `a` alone when `a == b`. A coordinate on a
    /// boundary belongs to the lower GCell, and the GCell holding the upper end is not counted
    /// unless it is the first. A net is short when `a == b` in x and in y.
    #[default]
    CircuitNet,
    /// Every GCell the rectangle overlaps with positive area (the one holding it, for a line or a
    /// point). A net is short when its box overlaps one GCell.
    Overlap,
}

/// Options of [`extract`]. The default is the documented standard.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FeatureConfig {
    /// GCell footprint rule of the counting maps.
    pub footprint: Footprint,
    /// Count IO pins as net pins (default true).
    pub include_io_pins: bool,
    /// Skip nets with more pins than this (default `None`: skip none).
    pub max_net_pins: Option<usize>,
    /// Count physical-only cells (fill, tap, endcap, decap) in cell_density (default false).
    pub count_physical_cells: bool,
    /// Width or height given to a degenerate net box, DBU (default `None`: the smallest
    /// preferred pitch of the routing layers, or GCell size / 15 without layers).
    pub min_extent: Option<Dbu>,
}

impl Default for FeatureConfig {
    fn default() -> Self {
        FeatureConfig {
            footprint: Footprint::CircuitNet,
            include_io_pins: true,
            max_net_pins: None,
            count_physical_cells: false,
            min_extent: None,
        }
    }
}

/// One map, `[ny][nx]` row-major, row 0 at the bottom: `data[j * nx + i]` is GCell `(i, j)`.
#[derive(Clone, Debug, PartialEq)]
pub struct Map {
    pub nx: usize,
    pub ny: usize,
    pub data: Vec<f32>,
}

impl Map {
    /// Value at column `i`, row `j` (row 0 at the bottom).
    pub fn at(&self, i: usize, j: usize) -> f32 {
        self.data[j * self.nx + i]
    }
    /// Sum of all values, in f64.
    pub fn sum(&self) -> f64 {
        self.data.iter().map(|&v| v as f64).sum()
    }
    /// Smallest and largest value (`(0, 0)` for an empty map).
    pub fn min_max(&self) -> (f32, f32) {
        let mut it = self.data.iter().copied();
        let Some(first) = it.next() else {
            return (0.0, 0.0);
        };
        it.fold((first, first), |(lo, hi), v| (lo.min(v), hi.max(v)))
    }
    fn new(nx: usize, ny: usize, data: Vec<f32>) -> Map {
        Map { nx, ny, data }
    }
}

/// The feature maps of one design on one grid, in [`Channel::ALL`] order.
#[derive(Clone, Debug, PartialEq)]
pub struct FeatureMaps {
    pub nx: usize,
    pub ny: usize,
    maps: Vec<Map>,
}

impl FeatureMaps {
    /// The map of channel `c`.
    pub fn get(&self, c: Channel) -> &Map {
        &self.maps[Channel::ALL.iter().position(|&x| x == c).unwrap_or(0)]
    }
    /// Channels and maps in output order.
    pub fn iter(&self) -> impl Iterator<Item = (Channel, &Map)> {
        Channel::ALL.into_iter().zip(self.maps.iter())
    }
}

/// Computes all feature maps of `design` on `grid`.
pub fn extract(design: &Design, grid: &GCellGrid, cfg: &FeatureConfig) -> FeatureMaps {
    let (nx, ny) = (grid.nx(), grid.ny());
    let ((macro_map, density), (rudy, pins)) = rayon::join(
        || {
            rayon::join(
                || macro_region::compute(design, grid),
                || density::compute(design, grid, cfg),
            )
        },
        || {
            let nets = nets::collect(design, grid, cfg);
            rayon::join(
                || rudy::compute(&nets, grid),
                || pin_rudy::compute(&nets, grid, cfg.footprint),
            )
        },
    );
    let maps = macro_map
        .into_iter()
        .chain(density)
        .chain(rudy)
        .chain(pins)
        .map(|v| Map::new(nx, ny, v))
        .collect();
    FeatureMaps { nx, ny, maps }
}

/// The smallest positive preferred pitch among the routing layers (DBU); GCell size / 15 when no
/// layer has one. Used to widen degenerate net boxes.
pub fn min_track_pitch(design: &Design, grid: &GCellGrid) -> Dbu {
    design
        .layers
        .iter()
        .map(|l| l.preferred_pitch())
        .filter(|&p| p > 0)
        .min()
        .unwrap_or((grid.gcell_size / 15).max(1))
}

/// Provisional default GCell size (DBU), OpenROAD-style: 15 × the track step of the third
/// routing layer (the highest one when there are fewer), its first DEF `TRACKS` step or else its
/// preferred pitch; then any layer's pitch; 15 µm when no layer has one. This follows the router's
/// default tile (GlobalRouter's `initGrid`), so that features and labels share the grid; it is to
/// be replaced by the router's own grid constructor when that lands.
pub fn default_gcell_size(design: &Design) -> Dbu {
    let step = design
        .layers
        .get(2)
        .or(design.layers.last())
        .and_then(|l| {
            l.tracks_x
                .first()
                .or(l.tracks_y.first())
                .map(|t| t.step)
                .filter(|&s| s > 0)
                .or(Some(l.preferred_pitch()))
        })
        .filter(|&p| p > 0)
        .or_else(|| {
            design
                .layers
                .iter()
                .map(|l| l.preferred_pitch())
                .find(|&p| p > 0)
        })
        .unwrap_or(design.dbu_per_micron.max(1));
    15 * step
}
