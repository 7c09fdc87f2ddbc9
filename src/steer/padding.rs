//! Steering mode `padding`: the cells in predicted hotspots get free sites beside them and the
//! placement is legalised again, which spreads the hotspot's pins and wires over more area.
//!
//! OpenROAD form: [`padding_commands`] (`set_placement_padding -instances {...} -left N -right N`
//! then `detailed_placement`). Built-in form: [`padded_placement`], the row legaliser of
//! [`super::legalise`] with the padding, giving the design to route.

use super::hotspots::{select, Selection, SelectionError};
use super::legalise::{apply, legalise, LegaliseError, Legalised, Padding};
use crate::design::{Design, MasterKind};
use crate::geom::Point;
use crate::lefdef::def::{Def, PlacementStatus};
use crate::route::grid::GCellGrid;
use std::collections::HashMap;

/// Which cells get padding, and how much.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct PaddingSettings {
    /// The hotspot GCells whose cells are padded.
    pub selection: Selection,
    /// Sites added on each side of a padded cell.
    pub sites: u32,
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
    let ids = padded_instances(d, grid, map, &s.selection)?;
    let mut pad = vec![Padding::default(); d.instances.len()];
    for &i in &ids {
        pad[i] = Padding {
            left: s.sites,
            right: s.sites,
        };
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
