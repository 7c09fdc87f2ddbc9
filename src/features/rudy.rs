//! RUDY, RUDY_long and RUDY_short: each counted net spreads `1/w + 1/h` over its bounding box,
//! weighted per GCell by `overlap_area(bbox, gcell) / area(gcell)` (CircuitNet's
//! `compute_density_with_overlap`). Long nets go to RUDY_long, short ones (box in a single GCell in
//! both x and y) to RUDY_short; RUDY holds all.
//!
//! Unlike CircuitNet's code, every GCell the box overlaps is visited (its `my_range` leaves out
//! the last column and row of the box), so Σ RUDY·area(gcell) = Σ (w + h) over nets inside the
//! grid.

use super::nets::{NetBox, NetSet};
use super::raster::{rasterize, Axis};
use crate::route::grid::GCellGrid;

/// Row and column span of a net box plus the net.
struct Item<'a> {
    net: &'a NetBox,
    cols: (usize, usize),
    rows: (usize, usize),
}

/// `[rudy, rudy_long, rudy_short]`, each row-major `[ny][nx]`, row 0 at the bottom.
pub(crate) fn compute(nets: &NetSet, grid: &GCellGrid) -> Vec<Vec<f32>> {
    let (ax, ay) = (Axis::new(&grid.x_lines), Axis::new(&grid.y_lines));
    let items: Vec<Item> = nets
        .nets
        .iter()
        .map(|n| Item {
            net: n,
            cols: ax.overlap_span(n.bbox.lo.x, n.bbox.hi.x),
            rows: ay.overlap_span(n.bbox.lo.y, n.bbox.hi.y),
        })
        .collect();
    let nx = grid.nx();
    rasterize(
        grid,
        3,
        &items,
        |t| t.rows,
        |t, j, row| {
            let b = &t.net.bbox;
            let oy = ay.overlap(j, b.lo.y, b.hi.y);
            if oy == 0 {
                return;
            }
            // weight * overlap / area = weight * (oy / th) * (ox / tw); GCells the box covers across
            // their full width take the row's value as it is.
            let base = t.net.weight * (oy as f64 / ay.size(j) as f64);
            let part = if t.net.long { nx } else { 2 * nx };
            for i in t.cols.0..=t.cols.1 {
                let ox = ax.overlap(i, b.lo.x, b.hi.x);
                if ox == 0 {
                    continue;
                }
                let tw = ax.size(i);
                let v = if ox == tw {
                    base
                } else {
                    base * (ox as f64 / tw as f64)
                };
                row[i] += v;
                row[part + i] += v;
            }
        },
    )
}
