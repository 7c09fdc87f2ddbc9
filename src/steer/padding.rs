//! Steering mode `padding`: the cells in predicted hotspots get free sites beside them and the
//! placement is legalised again, which spreads the hotspot's pins and wires over more area.
//!
//! Which cells: every placed core cell whose centre lies in a hotspot GCell ([`PadCells::All`]),
//! or only the pin-dense share of them ([`PadCells::PinDense`]: most connected pins per unit of
//! width), so that the cells that bring the wires are the ones spread. Where: free sites on both
//! sides, or on one ([`PadSide`]).
//!
//! OpenROAD form: [`padding_commands`] (`set_placement_padding -instances {...} -left N -right M`
//! then `detailed_placement`). Built-in form: [`padded_placement`], the row legaliser of
//! [`super::legalise`] with the padding, giving the design to route.

use super::hotspots::{select, Selection, SelectionError};
use super::legalise::{apply, legalise, LegaliseError, Legalised, Padding};
use crate::design::{Design, MasterKind, NetPin};
use crate::geom::Point;
use crate::lefdef::def::{Def, PlacementStatus};
use crate::route::grid::GCellGrid;
use std::collections::HashMap;

/// Which cells of the hotspot GCells are padded.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub enum PadCells {
    /// Every placed core cell whose centre lies in a hotspot GCell.
    #[default]
    All,
    /// The `share` (in (0, 1]) of those cells with the most connected pins per unit of width,
    /// at least one; ties in instance order.
    PinDense { share: f64 },
}

/// Where a padded cell's free sites go.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum PadSide {
    #[default]
    Both,
    Left,
    Right,
}

impl PadSide {
    pub fn parse(s: &str) -> Option<PadSide> {
        match s {
            "both" => Some(PadSide::Both),
            "left" => Some(PadSide::Left),
            "right" => Some(PadSide::Right),
            _ => None,
        }
    }

    /// `(left, right)` sites for `sites` of padding.
    pub fn split(self, sites: u32) -> (u32, u32) {
        match self {
            PadSide::Both => (sites, sites),
            PadSide::Left => (sites, 0),
            PadSide::Right => (0, sites),
        }
    }
}

/// Which cells get padding, and how much.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct PaddingSettings {
    /// The hotspot GCells whose cells are padded.
    pub selection: Selection,
    /// Sites added on each padded side of a cell.
    pub sites: u32,
    /// Which cells of the hotspot GCells are padded.
    pub cells: PadCells,
    /// Which sides get the sites.
    pub side: PadSide,
}

impl Default for PaddingSettings {
    fn default() -> Self {
        PaddingSettings {
            selection: Selection {
                top: 0.1,
                min_value: 0.0,
                max_adjust: 0.0,
            },
            sites: 1,
            cells: PadCells::All,
            side: PadSide::Both,
        }
    }
}

/// Why padding could not be applied.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum PaddingError {
    #[error(transparent)]
    Selection(#[from] SelectionError),
    #[error(transparent)]
    Legalise(#[from] LegaliseError),
    #[error("pin-dense share {0} is not in (0, 1]")]
    BadShare(f64),
}

/// The placed core cells whose centre lies in a hotspot GCell of `map`, in instance order.
pub fn padded_instances(
    d: &Design,
    grid: &GCellGrid,
    map: &[f32],
    sel: &Selection,
) -> Result<Vec<usize>, SelectionError> {
    let (nx, ny) = (grid.nx(), grid.ny());
    let mut hot = vec![false; nx * ny];
    for h in select(map, nx, ny, sel)? {
        hot[h.row * nx + h.col] = true;
    }
    Ok(d.instances
        .iter()
        .enumerate()
        .filter(|(_, i)| {
            i.status == PlacementStatus::Placed
                && d.masters[i.master as usize].kind == MasterKind::Core
        })
        .filter(|(_, i)| {
            let c = i.bbox.center();
            hot[grid.row(c.y) * nx + grid.col(c.x)]
        })
        .map(|(k, _)| k)
        .collect())
}

/// The cells [`PaddingSettings`] pads: [`padded_instances`], narrowed to the pin-dense share for
/// [`PadCells::PinDense`]; in instance order.
pub fn padded_cells(
    d: &Design,
    grid: &GCellGrid,
    map: &[f32],
    s: &PaddingSettings,
) -> Result<Vec<usize>, PaddingError> {
    let ids = padded_instances(d, grid, map, &s.selection)?;
    match s.cells {
        PadCells::All => Ok(ids),
        PadCells::PinDense { share } => {
            if !(share > 0.0 && share <= 1.0) {
                return Err(PaddingError::BadShare(share));
            }
            Ok(pin_dense(d, ids, share))
        }
    }
}

/// The `share` of `ids` with the most connected pins per DBU of width (at least one cell),
/// returned in instance order.
fn pin_dense(d: &Design, ids: Vec<usize>, share: f64) -> Vec<usize> {
    let mut pins = vec![0u32; d.instances.len()];
    for p in &d.net_pins {
        if let NetPin::Inst { inst, .. } = p {
            pins[*inst as usize] += 1;
        }
    }
    let density = |i: usize| pins[i] as f64 / d.instances[i].bbox.width().max(1) as f64;
    let mut order = ids;
    order.sort_by(|&a, &b| density(b).total_cmp(&density(a)).then(a.cmp(&b)));
    let keep = ((order.len() as f64 * share).ceil() as usize).min(order.len());
    order.truncate(keep);
    order.sort_unstable();
    order
}

/// OpenROAD's form: pad the instances (a Tcl list of names, which `-instances` accepts), then
/// legalise. Each name is braced so that Tcl takes bus brackets literally.
pub fn padding_commands(names: &[&str], left: u32, right: u32) -> Vec<String> {
    if names.is_empty() {
        return Vec::new();
    }
    let list: Vec<String> = names.iter().map(|n| format!("{{{n}}}")).collect();
    vec![
        format!(
            "set_placement_padding -instances {{{}}} -left {left} -right {right}",
            list.join(" ")
        ),
        "detailed_placement".to_string(),
    ]
}

/// The built-in form: the design with the hotspot cells padded and the placement legalised,
/// and what the legaliser did.
pub fn padded_placement(
    d: &Design,
    grid: &GCellGrid,
    map: &[f32],
    s: &PaddingSettings,
) -> Result<(Design, Legalised, usize), PaddingError> {
    let ids = padded_cells(d, grid, map, s)?;
    let (left, right) = s.side.split(s.sites);
    let mut pad = vec![Padding::default(); d.instances.len()];
    for &i in &ids {
        pad[i] = Padding { left, right };
    }
    let l = legalise(d, &pad)?;
    Ok((apply(d, &l), l, ids.len()))
}

/// `def` with the components of `d` moved to `locations` (matched by name) and the `removed`
/// ones (fillers) left out; for writing the legalised placement back as DEF.
pub fn with_locations(def: &Def, d: &Design, locations: &[Point], removed: &[usize]) -> Def {
    let gone: std::collections::HashSet<&str> = removed
        .iter()
        .map(|&i| d.instances[i].name.as_str())
        .collect();
    let at: HashMap<&str, Point> = d
        .instances
        .iter()
        .zip(locations)
        .map(|(i, &p)| (i.name.as_str(), p))
        .collect();
    let mut out = def.clone();
    out.components.retain(|c| !gone.contains(c.name.as_str()));
    for c in out.components.iter_mut() {
        if let Some(&p) = at.get(c.name.as_str()) {
            c.location = p;
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn commands_brace_names_and_legalise() {
        let c = padding_commands(&["u1", "data\\[3\\]"], 2, 1);
        assert_eq!(
            c[0],
            "set_placement_padding -instances {{u1} {data\\[3\\]}} -left 2 -right 1"
        );
        assert_eq!(c[1], "detailed_placement");
        assert!(padding_commands(&[], 1, 1).is_empty());
    }
}
