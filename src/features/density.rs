//! cell_density: the number of instances per GCell, CircuitNet's `compute_cell_density`. Each
//! placed instance adds 1 to every GCell its box lands on by the footprint rule (so a cell inside
//! one GCell counts once there). Physical-only cells (fill, tap, endcap, ...) are left out unless
//! the configuration counts them; unplaced instances are never counted.

use super::raster::{rasterize, Axis};
use super::FeatureConfig;
use crate::design::{Design, MasterKind};
use crate::lefdef::def::PlacementStatus;
use crate::route::grid::GCellGrid;
use rayon::prelude::*;

/// True for the instances cell_density counts under `cfg`.
pub(crate) fn counted(design: &Design, i: usize, cfg: &FeatureConfig) -> bool {
    let inst = &design.instances[i];
    if inst.status == PlacementStatus::Unplaced {
        return false;
    }
    match design.masters.get(inst.master as usize).map(|m| m.kind) {
        Some(MasterKind::Physical) => cfg.count_physical_cells,
        Some(_) => true,
        None => false,
    }
}

/// `[cell_density]`, row-major `[ny][nx]`, row 0 at the bottom.
pub(crate) fn compute(design: &Design, grid: &GCellGrid, cfg: &FeatureConfig) -> Vec<Vec<f32>> {
    let (ax, ay) = (Axis::new(&grid.x_lines), Axis::new(&grid.y_lines));
    let fp = cfg.footprint;
    let items: Vec<((usize, usize), (usize, usize))> = (0..design.instances.len())
        .into_par_iter()
        .filter(|&i| counted(design, i, cfg))
        .map(|i| {
            let b = design.instances[i].bbox;
            (ax.span(b.lo.x, b.hi.x, fp), ay.span(b.lo.y, b.hi.y, fp))
        })
        .collect();
    rasterize(
        grid,
        1,
        &items,
        |t| t.1,
        |t, _j, row| {
            for v in &mut row[t.0 .0..=t.0 .1] {
                *v += 1.0;
            }
        },
    )
}
