//! The design model: one flat, read-only database built once from LEF + DEF.
//!
//! [`Design::load`] reads the files (LEFs in the order given, in parallel with the DEF) and
//! resolves every name: each component's master, each net pin, each shape's layer. An unknown name
//! is an error that says which object used it; nothing downstream ever looks a name up again.
//! Geometry is absolute and in DBU: instance boxes have their orientation applied, pin shapes are
//! placed by [`Design::pin_shapes`], and routing obstructions (macro OBS, special-net wiring,
//! routing blockages) are collected per routing layer.
//!
//! This module does not decide anything about routing capacity or GCells: it records what the
//! files say (tracks, rows, the DEF GCELLGRID) for [`crate::route`] to use.

mod build;
mod polygon;
pub mod tile;

pub use build::{from_parsed, from_parsed_owned, BuildOptions, MissingMasters};

use crate::geom::{Dbu, Orient, Point, Rect};
use crate::lefdef::def::PlacementStatus;
use crate::lefdef::lef::Direction;
use serde::Serialize;
use std::path::PathBuf;

/// The files that make up a design.
#[derive(Clone, Debug, Default)]
pub struct DesignInput {
    /// LEF files in order: technology first, then cell libraries.
    pub lefs: Vec<PathBuf>,
    pub def: PathBuf,
    pub options: BuildOptions,
}

impl DesignInput {
    pub fn new(lefs: Vec<PathBuf>, def: PathBuf) -> Self {
        DesignInput {
            lefs,
            def,
            options: BuildOptions::default(),
        }
    }
}

/// Index of a routing layer in [`Design::layers`] (bottom = 0).
pub type LayerId = u8;

/// A routing layer, from LEF (direction, pitch, width, spacing) and DEF (tracks). Lengths in DBU.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct RoutingLayer {
    pub name: String,
    pub direction: Direction,
    /// LEF `PITCH` (x, y) in DBU; (0, 0) when the LEF gives none.
    pub pitch: (Dbu, Dbu),
    pub offset: Option<(Dbu, Dbu)>,
    pub width: Dbu,
    pub spacing: Dbu,
    /// The largest spacing the layer's LEF rules ask ([`lef::Layer::max_spacing`]), 0 when none.
    ///
    /// [`lef::Layer::max_spacing`]: crate::lefdef::lef::Layer::max_spacing
    pub max_spacing: Dbu,
    /// The metal (width along x, height along y) on this layer of its default via: the first LEF
    /// `VIA` whose bottom layer this is, as OpenDB's `dbBlock::getDefaultVias` picks it when no
    /// via has the `OR_DEFAULT` property. `None` when no LEF via starts here.
    pub default_via_metal: Option<(Dbu, Dbu)>,
    /// DEF tracks of this layer: `X` tracks (vertical lines) and `Y` tracks (horizontal lines).
    pub tracks_x: Vec<TrackPattern>,
    pub tracks_y: Vec<TrackPattern>,
}

impl RoutingLayer {
    /// The pitch across the preferred direction (track spacing), in DBU.
    pub fn preferred_pitch(&self) -> Dbu {
        match self.direction {
            Direction::Horizontal => self.pitch.1,
            Direction::Vertical => self.pitch.0,
        }
    }
}

/// `start + i·step` for `i` in `0..num`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub struct TrackPattern {
    pub start: Dbu,
    pub num: i64,
    pub step: Dbu,
}

/// What a master is, from its LEF `CLASS`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
pub enum MasterKind {
    /// `CORE` logic (including `CORE TIEHIGH`/`TIELOW`, `CORE ANTENNACELL` is physical).
    Core,
    /// Physical-only cells: fill, tap, welltie, decap (`CORE SPACER`, `CORE WELLTAP`, `ENDCAP`, ...).
    Physical,
    /// `BLOCK` macros.
    Block,
    /// `PAD` and `RING`.
    Pad,
    /// Anything else, or no class.
    Other,
}

/// A cell master, resolved to DBU and routing-layer ids. Shapes relative to the master's
/// lower-left corner (LEF `ORIGIN` applied).
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Master {
    pub name: String,
    pub class: Option<String>,
    pub kind: MasterKind,
    pub width: Dbu,
    pub height: Dbu,
    pub pins: Vec<MasterPin>,
    /// Obstructions on routing layers.
    pub obs: Vec<(LayerId, Rect)>,
    /// True for a master that no LEF defines (allowed only with [`MissingMasters::Warn`]): zero
    /// size, pins known by name only.
    pub missing: bool,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct MasterPin {
    pub name: String,
    pub direction: Option<String>,
    pub use_: Option<String>,
    /// Port shapes on routing layers (polygons split into rectangles).
    pub shapes: Vec<(LayerId, Rect)>,
}

/// A placed component.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Instance {
    pub name: String,
    pub master: u32,
    pub status: PlacementStatus,
    pub location: Point,
    pub orient: Orient,
    /// The placed box, orientation applied.
    pub bbox: Rect,
    /// `+ HALO` (left, bottom, right, top), DBU.
    pub halo: Option<[Dbu; 4]>,
}

/// An IO pin of the design with its absolute shapes.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct IoPin {
    pub name: String,
    pub net: Option<u32>,
    pub direction: Option<String>,
    pub use_: Option<String>,
    pub shapes: Vec<(LayerId, Rect)>,
}

/// A pin on a net.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
pub enum NetPin {
    /// Pin `pin` of master of instance `inst`.
    Inst { inst: u32, pin: u32 },
    /// IO pin index in [`Design::io_pins`].
    Io(u32),
}

/// A signal net (from DEF `NETS`).
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Net {
    pub name: String,
    pub use_: Option<String>,
    /// Range into [`Design::net_pins`].
    pub pins: std::ops::Range<u32>,
    /// True when the DEF carried routed wiring for it.
    pub routed_in_def: bool,
}

/// Where an obstruction came from.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
pub enum ObstructionSource {
    MacroObs,
    SpecialWiring,
    RoutingBlockage,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub struct Obstruction {
    pub rect: Rect,
    pub source: ObstructionSource,
}

/// A row of placement sites.
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
    /// The box the row's sites cover.
    pub bbox: Rect,
}

/// The DEF GCELLGRID, as grid line coordinates per axis.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct DefGCellGrid {
    pub x_lines: Vec<Dbu>,
    pub y_lines: Vec<Dbu>,
}

/// The design database. Built once by [`Design::load`] or [`Design::from_parsed`]; read-only after.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Design {
    pub name: String,
    pub dbu_per_micron: i64,
    /// Bounding box of DIEAREA.
    pub die: Rect,
    /// DIEAREA as given (2 points for a rectangle).
    pub die_polygon: Vec<Point>,
    /// Bounding box of all rows (the die when there are none).
    pub core: Rect,
    /// Routing layers, bottom to top, in LEF order.
    pub layers: Vec<RoutingLayer>,
    pub masters: Vec<Master>,
    pub instances: Vec<Instance>,
    pub io_pins: Vec<IoPin>,
    pub nets: Vec<Net>,
    pub net_pins: Vec<NetPin>,
    /// Routing obstructions per routing layer (index = [`LayerId`]).
    pub obstructions: Vec<Vec<Obstruction>>,
    /// The routed wiring of regular nets (DEF `NETS ... + ROUTED`) per routing layer: path
    /// segments at the layer's width (extended by half of it at their ends) and via metal. Empty
    /// unless read with [`BuildOptions::net_wiring`]; which nets had wiring is
    /// [`Net::routed_in_def`].
    pub net_wiring: Vec<Vec<Rect>>,
    pub rows: Vec<Row>,
    pub gcell_grid: Option<DefGCellGrid>,
    /// Placement blockages (hard or partial).
    pub placement_blockages: Vec<Rect>,
    /// Number of special nets (power/ground) read; their wiring is in `obstructions`.
    pub special_net_count: usize,
    /// Non-fatal findings while building (pins outside the die, missing masters allowed, ...).
    pub warnings: Vec<String>,
}

impl Design {
    /// Looks up a routing layer by name.
    pub fn layer_id(&self, name: &str) -> Option<LayerId> {
        self.layers
            .iter()
            .position(|l| l.name == name)
            .map(|i| i as LayerId)
    }

    /// The pins of net `n`.
    pub fn pins_of(&self, n: usize) -> &[NetPin] {
        let r = &self.nets[n].pins;
        &self.net_pins[r.start as usize..r.end as usize]
    }

    /// Absolute shapes of a net pin, per routing layer.
    pub fn pin_shapes(&self, p: NetPin) -> Vec<(LayerId, Rect)> {
        match p {
            NetPin::Io(i) => self.io_pins[i as usize].shapes.clone(),
            NetPin::Inst { inst, pin } => {
                let inst = &self.instances[inst as usize];
                let m = &self.masters[inst.master as usize];
                let t = crate::geom::Transform::new(inst.location, inst.orient, m.width, m.height);
                m.pins[pin as usize]
                    .shapes
                    .iter()
                    .map(|(l, r)| (*l, t.apply_rect(r)))
                    .collect()
            }
        }
    }

    /// Bounding box of a net pin's shapes; for a pin without shapes (a missing master's), the
    /// instance box, or its IO pin's placement.
    pub fn pin_bbox(&self, p: NetPin) -> Rect {
        let shapes = self.pin_shapes(p);
        if let Some(r) = shapes.iter().map(|s| s.1).reduce(|a, b| a.union(&b)) {
            return r;
        }
        match p {
            NetPin::Inst { inst, .. } => self.instances[inst as usize].bbox,
            NetPin::Io(_) => Rect::default(),
        }
    }

    /// Converts DBU to microns.
    pub fn um(&self, v: Dbu) -> f64 {
        v as f64 / self.dbu_per_micron as f64
    }

    /// Reads LEF and DEF files and builds the design.
    pub fn load(input: &DesignInput) -> Result<Design, crate::design::Error> {
        build::load(input)
    }
}

/// A failure to build the design model.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// Reading or parsing a LEF or DEF file failed.
    #[error(transparent)]
    Read(#[from] crate::lefdef::Error),
    /// A name in the DEF (or a LEF) refers to nothing, or a value makes no sense.
    #[error("{file}: {message}")]
    Resolve { file: PathBuf, message: String },
}
