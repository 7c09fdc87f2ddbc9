//! The nets the RUDY families see: for each counted net, its pin rectangles, its bounding box
//! over them, its RUDY weight `1/w + 1/h` (in 1/µm) and whether it is "long" or "short".
//!
//! Which nets count and how degenerate boxes are widened is decided here, once, for both
//! [`super::rudy`] and [`super::pin_rudy`] (see the module doc of [`super`] for the choices).

use super::raster::Axis;
use super::FeatureConfig;
use crate::design::{Design, NetPin};
use crate::geom::{Dbu, Rect, Transform};
use crate::route::grid::GCellGrid;
use rayon::prelude::*;
use std::ops::Range;

/// A counted net.
#[derive(Clone, Debug, PartialEq)]
pub(crate) struct NetBox {
    /// Bounding box over the net's pin rectangles, widened to the minimum extent where it is
    /// degenerate.
    pub bbox: Rect,
    /// `1/w + 1/h`, with `w`, `h` the (widened) box size in µm.
    pub weight: f64,
    /// False when the box lies in a single GCell in both x and y ("short").
    pub long: bool,
    /// This net's pins in [`NetSet::pins`] (the design's `net_pins` range).
    pub pins: Range<usize>,
}

/// The counted nets, in design order, and the rectangle (absolute, DBU) of every net pin of the
/// design, indexed like [`Design::net_pins`]; `None` for a pin that has none or is excluded.
#[derive(Clone, Debug, Default)]
pub(crate) struct NetSet {
    pub nets: Vec<NetBox>,
    pub pins: Vec<Option<Rect>>,
}

impl NetSet {
    /// The pin rectangles of a counted net.
    pub fn pins_of<'a>(&'a self, n: &NetBox) -> impl Iterator<Item = &'a Rect> + 'a {
        self.pins[n.pins.clone()].iter().flatten()
    }
}

/// Bounding box of each pin of each master, in master coordinates (`None` for a pin without
/// shapes).
fn master_pin_boxes(design: &Design) -> Vec<Vec<Option<Rect>>> {
    design
        .masters
        .iter()
        .map(|m| {
            m.pins
                .iter()
                .map(|p| p.shapes.iter().map(|s| s.1).reduce(|a, b| a.union(&b)))
                .collect()
        })
        .collect()
}

/// The absolute rectangle of a net pin, or `None` when it has none to offer (an IO pin without
/// shapes, or one excluded by the configuration). A pin of a master that gives it no shape stands
/// for the instance box, as [`Design::pin_bbox`] does.
fn pin_rect(
    design: &Design,
    boxes: &[Vec<Option<Rect>>],
    p: NetPin,
    cfg: &FeatureConfig,
) -> Option<Rect> {
    match p {
        NetPin::Io(i) => {
            if !cfg.include_io_pins {
                return None;
            }
            design
                .io_pins
                .get(i as usize)?
                .shapes
                .iter()
                .map(|s| s.1)
                .reduce(|a, b| a.union(&b))
        }
        NetPin::Inst { inst, pin } => {
            let inst = design.instances.get(inst as usize)?;
            let m = design.masters.get(inst.master as usize)?;
            match boxes[inst.master as usize]
                .get(pin as usize)
                .copied()
                .flatten()
            {
                Some(r) => Some(
                    Transform::new(inst.location, inst.orient, m.width, m.height).apply_rect(&r),
                ),
                None => Some(inst.bbox),
            }
        }
    }
}

/// True for nets the signal router does not route (`USE POWER` / `USE GROUND` in `NETS`).
fn is_supply(use_: Option<&str>) -> bool {
    matches!(use_, Some(u) if u.eq_ignore_ascii_case("POWER") || u.eq_ignore_ascii_case("GROUND"))
}

/// Widens `[lo, hi]` to at least `min` around its centre when it is a point.
fn widen(lo: Dbu, hi: Dbu, min: Dbu) -> (Dbu, Dbu) {
    if hi > lo {
        (lo, hi)
    } else {
        let l = lo - min / 2;
        (l, l + min)
    }
}

/// Collects the counted nets (in parallel, in design order).
pub(crate) fn collect(design: &Design, grid: &GCellGrid, cfg: &FeatureConfig) -> NetSet {
    let boxes = master_pin_boxes(design);
    let dbu = design.dbu_per_micron.max(1) as f64;
    let min_extent = cfg
        .min_extent
        .unwrap_or_else(|| super::min_track_pitch(design, grid))
        .max(1);
    let (ax, ay) = (Axis::new(&grid.x_lines), Axis::new(&grid.y_lines));
    let fp = cfg.footprint;
    let pins: Vec<Option<Rect>> = design
        .net_pins
        .par_iter()
        .with_min_len(1024)
        .map(|&p| pin_rect(design, &boxes, p, cfg))
        .collect();
    let nets: Vec<NetBox> = design
        .nets
        .par_iter()
        .with_min_len(256)
        .filter_map(|net| {
            if is_supply(net.use_.as_deref()) {
                return None;
            }
            let range = net.pins.start as usize..net.pins.end as usize;
            let all = pins.get(range.clone())?;
            if let Some(max) = cfg.max_net_pins {
                if all.len() > max {
                    return None;
                }
            }
            let mut it = all.iter().flatten();
            let first = *it.next()?;
            let mut count = 1;
            let b = it.fold(first, |a, r| {
                count += 1;
                a.union(r)
            });
            if count < 2 {
                return None;
            }
            let (x0, x1) = widen(b.lo.x, b.hi.x, min_extent);
            let (y0, y1) = widen(b.lo.y, b.hi.y, min_extent);
            let bbox = Rect::new(x0, y0, x1, y1);
            let weight = dbu / bbox.width() as f64 + dbu / bbox.height() as f64;
            let long = !(ax.single(x0, x1, fp) && ay.single(y0, y1, fp));
            Some(NetBox {
                bbox,
                weight,
                long,
                pins: range,
            })
        })
        .collect();
    NetSet { nets, pins }
}
