//! LEF: what a technology or cell library file says, in microns, as read.
//!
//! [`parse()`] reads one file. Several files (tech LEF, then cell LEFs) are merged by
//! [`crate::design`], in the order given. Statements that mpgd does not need (antenna rules,
//! properties, most layer rules) are skipped, with a [`Warning`](super::Warning) where a reader
//! would want to know.
//!
//! The grammar has one file per section of the LEF reference: `parse` (the library level and
//! header statements), `layer`, `via` (with `VIARULE`), `site`, `macro_` (with `PIN`, `PORT`,
//! `OBS`), and `geom` (the shape statements the last three share); `common` holds the keyword
//! dispatch, the skippers and the warning sink.

mod common;
mod geom;
mod layer;
mod macro_;
mod parse;
mod site;
mod via;

pub use parse::parse;

use serde::Serialize;

/// One LEF file.
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct Lef {
    pub version: Option<String>,
    pub bus_bit_chars: Option<String>,
    pub divider_char: Option<String>,
    /// `UNITS DATABASE MICRONS n`.
    pub dbu_per_micron: Option<u32>,
    pub manufacturing_grid: Option<f64>,
    pub layers: Vec<Layer>,
    pub vias: Vec<Via>,
    /// Names of `VIARULE` definitions (their contents are skipped).
    pub via_rules: Vec<String>,
    pub sites: Vec<Site>,
    pub macros: Vec<Macro>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
pub enum LayerType {
    Routing,
    Cut,
    Masterslice,
    Overlap,
    Implant,
    Other,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
pub enum Direction {
    Horizontal,
    Vertical,
}

/// A `LAYER` definition. Lengths in microns.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Layer {
    pub name: String,
    pub kind: LayerType,
    pub direction: Option<Direction>,
    /// `PITCH p` gives (p, p); `PITCH x y` gives (x, y).
    pub pitch: Option<(f64, f64)>,
    /// `OFFSET o` gives (o, o); `OFFSET x y` gives (x, y).
    pub offset: Option<(f64, f64)>,
    pub width: Option<f64>,
    pub min_width: Option<f64>,
    /// The first plain `SPACING s` value (the minimum spacing).
    pub spacing: Option<f64>,
    /// The largest spacing the layer's rules ask: every `SPACING` statement's value (any form)
    /// and the last entry of a `SPACINGTABLE PARALLELRUNLENGTH` or `TWOWIDTHS` table; what grt's
    /// `findLayerExtensions` widens a macro's obstructions by.
    pub max_spacing: Option<f64>,
}

/// A fixed `VIA` definition: its shapes per layer.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Via {
    pub name: String,
    pub default: bool,
    pub shapes: Vec<Shape>,
}

/// A `SITE`.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Site {
    pub name: String,
    pub class: Option<String>,
    pub symmetry: Vec<String>,
    pub size: (f64, f64),
}

/// A `MACRO` (standard cell, pad or block).
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Macro {
    pub name: String,
    /// The whole class, e.g. `CORE`, `CORE WELLTAP`, `BLOCK`, `ENDCAP PRE`.
    pub class: Option<String>,
    pub origin: (f64, f64),
    pub size: (f64, f64),
    pub symmetry: Vec<String>,
    /// `FOREIGN name x y` (offset (0, 0) when absent).
    pub foreign: Option<(String, f64, f64)>,
    pub site: Option<String>,
    pub pins: Vec<MacroPin>,
    /// `OBS` shapes.
    pub obs: Vec<Shape>,
}

/// A `PIN` of a macro.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct MacroPin {
    pub name: String,
    /// `INPUT`, `OUTPUT`, `INOUT`, `FEEDTHRU`, possibly with `TRISTATE`.
    pub direction: Option<String>,
    /// `SIGNAL`, `POWER`, `GROUND`, `CLOCK`, `ANALOG`.
    pub use_: Option<String>,
    pub ports: Vec<Port>,
}

/// One `PORT` of a pin: its shapes.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Port {
    pub class: Option<String>,
    pub shapes: Vec<Shape>,
}

/// A shape on a named layer, in microns relative to the macro origin.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Shape {
    pub layer: String,
    pub geom: Geom,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub enum Geom {
    /// `RECT x0 y0 x1 y1` (normalised: x0 <= x1, y0 <= y1).
    Rect([f64; 4]),
    /// `POLYGON x0 y0 x1 y1 ...`.
    Polygon(Vec<(f64, f64)>),
    /// `VIA x y name`: an instance of a via definition placed at (x, y); `layer` of the enclosing
    /// shape is the empty string.
    Via { name: String, at: (f64, f64) },
}
