//! macro_region: 1 on every GCell that a macro (an instance of a LEF `CLASS BLOCK` master),
//! expanded by its DEF `+ HALO`, overlaps with positive area; 0 elsewhere. CircuitNet's
//! `macro_map_with_halo`, except that its slice drops the last column and row and skips macros
//! without a halo; here a macro without a halo counts with a halo of 0.

use super::raster::{rasterize, Axis};
use crate::design::{Design, MasterKind};
use crate::lefdef::def::PlacementStatus;
use crate::route::grid::GCellGrid;

/// `[macro_region]`, row-major `[ny][nx]`, row 0 at the bottom.
pub(crate) fn compute(design: &Design, grid: &GCellGrid) -> Vec<Vec<f32>> {
    let (ax, ay) = (Axis::new(&grid.x_lines), Axis::new(&grid.y_lines));
    let items: Vec<((usize, usize), (usize, usize))> = design
        .instances
        .iter()
        .filter(|inst| {
            inst.status != PlacementStatus::Unplaced
                && design
                    .masters
                    .get(inst.master as usize)
                    .is_some_and(|m| m.kind == MasterKind::Block)
        })
        .map(|inst| {
            let [l, b, r, t] = inst.halo.unwrap_or([0; 4]);
            let bb = inst.bbox;
            let (x0, y0, x1, y1) = (bb.lo.x - l, bb.lo.y - b, bb.hi.x + r, bb.hi.y + t);
            (ax.overlap_span(x0, x1), ay.overlap_span(y0, y1))
        })
        .collect();
    rasterize(
        grid,
        1,
        &items,
        |t| t.1,
        |t, _j, row| {
            for v in &mut row[t.0 .0..=t.0 .1] {
                *v = 1.0;
            }
        },
    )
}
