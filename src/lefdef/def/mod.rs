//! DEF: what a placed design file says, in DBU, as read.
//!
//! Names are kept as opaque strings, DEF escapes included (`u0.w_reg\[3\]`). Routed wiring of
//! regular nets is skipped cheaply unless asked for; special-net wiring is kept, because it becomes
//! routing obstruction. `write` turns a [`Def`] back into DEF text that [`parse`] reads to an equal
//! value.

mod blockages;
mod components;
mod floorplan;
mod groups;
mod nets;
mod parse;
mod pins;
mod regions;
mod section;
mod specialnets;
#[cfg(test)]
mod tests;
mod tokens;
mod vias;
mod write;

pub use parse::{parse, parse_with, ParseOptions};
pub use write::{to_string, write};

use crate::geom::{Dbu, Orient, Point, Rect};
use serde::Serialize;

/// One DEF file.
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct Def {
    pub version: Option<String>,
    pub divider_char: Option<String>,
    pub bus_bit_chars: Option<String>,
    pub design: String,
    /// `UNITS DISTANCE MICRONS n`.
    pub dbu_per_micron: u32,
    /// `DIEAREA`: two points for a rectangle, more for a rectilinear polygon.
    pub die_area: Vec<Point>,
    pub rows: Vec<Row>,
    pub tracks: Vec<Tracks>,
    pub gcell_grid: Vec<GCellGridLine>,
    pub vias: Vec<DefVia>,
    /// Names of `NONDEFAULTRULES` (their contents are skipped).
    pub ndrs: Vec<String>,
    pub regions: Vec<Region>,
    pub components: Vec<Component>,
    pub pins: Vec<Pin>,
    pub blockages: Vec<Blockage>,
    pub special_nets: Vec<SpecialNet>,
    pub nets: Vec<Net>,
    pub groups: Vec<Group>,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Row {
    pub name: String,
    pub site: String,
    pub origin: Point,
    pub orient: Orient,
    pub num_x: i64,
    pub num_y: i64,
    pub step_x: Dbu,
    pub step_y: Dbu,
}

/// `TRACKS X|Y start DO num STEP step LAYER l...`. `X` tracks are vertical lines at x = start + i·step.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Tracks {
    pub axis: Axis,
    pub start: Dbu,
    pub num: i64,
    pub step: Dbu,
    pub layers: Vec<String>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
pub enum Axis {
    X,
    Y,
}

/// `GCELLGRID X|Y start DO num STEP step`.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct GCellGridLine {
    pub axis: Axis,
    pub start: Dbu,
    pub num: i64,
    pub step: Dbu,
}

/// A via defined in the DEF `VIAS` section: fixed shapes (`+ RECT` / `+ POLYGON`), or a generated
/// via (`+ VIARULE ...`) whose parameters are kept in `rule`.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct DefVia {
    pub name: String,
    pub shapes: Vec<(String, Rect)>,
    pub rule: Option<ViaRuleParams>,
}

/// The parameters of a DEF generated via (LEF/DEF 5.8, `VIAS`: `+ VIARULE`, `+ CUTSIZE`,
/// `+ LAYERS`, `+ CUTSPACING`, `+ ENCLOSURE`, optional `+ ROWCOL`, `+ ORIGIN`, `+ OFFSET`,
/// `+ PATTERN`).
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct ViaRuleParams {
    pub rule: String,
    pub cut_size: (Dbu, Dbu),
    /// Bottom metal, cut, top metal.
    pub layers: [String; 3],
    pub cut_spacing: (Dbu, Dbu),
    /// xBotEnc yBotEnc xTopEnc yTopEnc.
    pub enclosure: [Dbu; 4],
    /// Rows and columns of cuts; `None` when absent (1 x 1).
    pub rowcol: Option<(i64, i64)>,
    pub origin: Option<(Dbu, Dbu)>,
    /// xBotOffset yBotOffset xTopOffset yTopOffset.
    pub offset: Option<[Dbu; 4]>,
    pub pattern: Option<String>,
}

impl ViaRuleParams {
    /// The metal rectangles of the via, relative to its placement point: on the bottom and on the
    /// top layer, the cut array (`ROWCOL` cuts of `CUTSIZE`, `CUTSPACING` apart, centred on the
    /// via origin) grown by that layer's `ENCLOSURE`, moved by that layer's `OFFSET`, and the
    /// whole via moved by `ORIGIN` (LEF/DEF 5.8, "Generated vias"). Returns (layer name, rect)
    /// for the bottom then the top layer.
    pub fn metal_rects(&self) -> [(String, Rect); 2] {
        let (rows, cols) = self.rowcol.unwrap_or((1, 1));
        let (rows, cols) = (rows.max(1), cols.max(1));
        let w = cols * self.cut_size.0 + (cols - 1) * self.cut_spacing.0;
        let h = rows * self.cut_size.1 + (rows - 1) * self.cut_spacing.1;
        let (xlo, ylo) = (-(w / 2), -(h / 2));
        let (xhi, yhi) = (xlo + w, ylo + h);
        let (ox, oy) = self.origin.unwrap_or((0, 0));
        let off = self.offset.unwrap_or([0; 4]);
        let e = self.enclosure;
        let metal = |ex: Dbu, ey: Dbu, dx: Dbu, dy: Dbu| {
            Rect::new(
                xlo - ex + dx + ox,
                ylo - ey + dy + oy,
                xhi + ex + dx + ox,
                yhi + ey + dy + oy,
            )
        };
        [
            (self.layers[0].clone(), metal(e[0], e[1], off[0], off[1])),
            (self.layers[2].clone(), metal(e[2], e[3], off[2], off[3])),
        ]
    }
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Region {
    pub name: String,
    pub rects: Vec<Rect>,
    pub kind: Option<String>,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Group {
    pub name: String,
    pub members: Vec<String>,
    pub region: Option<String>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Default)]
pub enum PlacementStatus {
    #[default]
    Unplaced,
    Placed,
    Fixed,
    Cover,
}

/// A `COMPONENTS` entry.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Component {
    pub name: String,
    pub master: String,
    pub status: PlacementStatus,
    /// Lower-left of the placed (oriented) box; (0, 0) when unplaced.
    pub location: Point,
    pub orient: Orient,
    /// `+ HALO [SOFT] left bottom right top`.
    pub halo: Option<[Dbu; 4]>,
    /// `+ SOURCE`, `+ WEIGHT`, `+ REGION` and the like are read and dropped.
    pub source: Option<String>,
}

/// A `PINS` entry (an IO pin of the design).
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Pin {
    pub name: String,
    pub net: String,
    pub special: bool,
    pub direction: Option<String>,
    pub use_: Option<String>,
    /// One entry per `+ PORT`; a pin without `PORT` has exactly one.
    pub ports: Vec<PinPort>,
}

/// A pin port: shapes relative to its placement point, oriented by its orientation.
#[derive(Clone, Debug, PartialEq, Serialize, Default)]
pub struct PinPort {
    /// `+ LAYER l [MASK n] [SPACING s | DESIGNRULEWIDTH w] ( x0 y0 ) ( x1 y1 )`.
    pub layer_shapes: Vec<(String, Rect)>,
    /// `+ POLYGON l ( x y ) ...`.
    pub polygons: Vec<(String, Vec<Point>)>,
    /// `+ PLACED|FIXED|COVER ( x y ) orient`.
    pub placement: Option<(PlacementStatus, Point, Orient)>,
}

/// A pin of a net: `( comp pin )`, or `( PIN name )` for an IO pin.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Connection {
    /// The component name, or `PIN` for an IO pin.
    pub component: String,
    pub pin: String,
}

impl Connection {
    pub fn is_io(&self) -> bool {
        self.component == "PIN"
    }
}

/// A `NETS` entry.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Net {
    pub name: String,
    pub connections: Vec<Connection>,
    pub use_: Option<String>,
    /// Routed wiring, kept only with [`ParseOptions::keep_net_wiring`].
    pub wiring: Vec<Wire>,
    /// True when the net had `+ ROUTED`/`+ FIXED`/`+ COVER` wiring (kept or not).
    pub has_wiring: bool,
}

/// A `SPECIALNETS` entry.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct SpecialNet {
    pub name: String,
    pub connections: Vec<Connection>,
    pub use_: Option<String>,
    pub wiring: Vec<Wire>,
    /// `+ RECT layer ( x0 y0 ) ( x1 y1 )` and `+ POLYGON` shapes (DEF 5.8).
    pub shapes: Vec<(String, Rect)>,
}

/// One routed path segment list: `layer width ( x y [ext] ) ( x|* y|* [ext] ) ... [via]`.
/// Each path is flattened into straight segments and via drops.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Wire {
    pub layer: String,
    /// Wire width (special nets); 0 for regular nets, whose width is the layer's.
    pub width: Dbu,
    pub shape: Option<String>,
    /// The path's points with `*` resolved, in order.
    pub points: Vec<Point>,
    /// Vias dropped along the path, at their points.
    pub vias: Vec<(String, Point)>,
}

/// A `BLOCKAGES` entry.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Blockage {
    /// `Some(layer)` for a routing blockage, `None` for a placement blockage.
    pub layer: Option<String>,
    pub rects: Vec<Rect>,
    pub polygons: Vec<Vec<Point>>,
    /// `+ PLACEMENT + PARTIAL d` density; `None` for a hard blockage.
    pub max_density: Option<f64>,
}
