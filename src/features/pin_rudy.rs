//! RUDY_pin, RUDY_pin_long and pin_density: each pin rectangle of a counted net adds its net's
//! `1/w + 1/h` (RUDY_pin; RUDY_pin_long only for long nets) and 1 (pin_density) to the GCells it
//! lands on, by the configured footprint rule (CircuitNet's `compute_density` by default).

use super::nets::NetSet;
use super::raster::{rasterize, Axis};
use super::Footprint;
use crate::route::grid::GCellGrid;
use rayon::prelude::*;

struct Item {
    cols: (usize, usize),
    rows: (usize, usize),
    weight: f64,
    long: bool,
}

/// `[rudy_pin, rudy_pin_long, pin_density]`, each row-major `[ny][nx]`, row 0 at the bottom.
pub(crate) fn compute(nets: &NetSet, grid: &GCellGrid, fp: Footprint) -> Vec<Vec<f32>> {
    let (ax, ay) = (Axis::new(&grid.x_lines), Axis::new(&grid.y_lines));
    let items: Vec<Item> = nets
        .nets
        .par_iter()
        .flat_map_iter(|n| {
            nets.pins_of(n).map(move |p| Item {
                cols: ax.span(p.lo.x, p.hi.x, fp),
                rows: ay.span(p.lo.y, p.hi.y, fp),
                weight: n.weight,
                long: n.long,
            })
        })
        .collect();
    let nx = grid.nx();
    rasterize(
        grid,
        3,
        &items,
        |t| t.rows,
        |t, _j, row| {
            for i in t.cols.0..=t.cols.1 {
                row[i] += t.weight;
                if t.long {
                    row[nx + i] += t.weight;
                }
                row[2 * nx + i] += 1.0;
            }
        },
    )
}
