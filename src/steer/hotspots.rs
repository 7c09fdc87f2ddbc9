//! Hotspot selection: the GCells of a per-GCell map worth steering around, and their `--steer`
//! CSV rows.
//!
//! A hotspot is a GCell among the `top` share of the grid by value whose value is above
//! `min_value`. Ties are broken by position (row, then column), so the selection is the same
//! on every run. Each hotspot carries a derating fraction proportional to its value,
//! `max_adjust × value / peak`, which is what `mpgd route --steer` applies.

use crate::route::grid::GCellGrid;

/// Which GCells are hotspots and how strongly to steer at them.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Selection {
    /// Largest share of the GCells to select, in (0, 1].
    pub top: f64,
    /// Only GCells whose value is above this are selected.
    pub min_value: f32,
    /// The derating fraction given to the peak GCell, in [0, 1].
    pub max_adjust: f32,
}

impl Default for Selection {
    fn default() -> Self {
        Selection {
            top: 0.05,
            min_value: 0.0,
            max_adjust: 0.5,
        }
    }
}

/// One selected GCell.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Hotspot {
    pub col: usize,
    /// Row 0 at the bottom.
    pub row: usize,
    pub value: f32,
    /// Derating fraction in [0, 1] (`max_adjust × value / peak`).
    pub fraction: f32,
}

/// A selection that cannot be made.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum SelectionError {
    #[error("top share {0} is not in (0, 1]")]
    BadTop(f64),
    #[error("maximum adjustment {0} is not in [0, 1]")]
    BadAdjust(f32),
    #[error("the map holds {len} values, the grid {nx} x {ny} GCells")]
    Shape { len: usize, nx: usize, ny: usize },
}

/// The hotspots of `map` (`[ny * nx]`, row 0 at the bottom), highest value first.
pub fn select(
    map: &[f32],
    nx: usize,
    ny: usize,
    sel: &Selection,
) -> Result<Vec<Hotspot>, SelectionError> {
    check(map, nx, ny, sel)?;
    let mut order: Vec<usize> = (0..map.len())
        .filter(|&k| map[k].is_finite() && map[k] > sel.min_value)
        .collect();
    // Highest value first; equal values in grid order, so the choice never depends on a sort's
    // stability or the thread count.
    order.sort_by(|&a, &b| map[b].total_cmp(&map[a]).then(a.cmp(&b)));
    let keep = ((map.len() as f64 * sel.top).ceil() as usize).min(order.len());
    let peak = order.first().map(|&k| map[k]).unwrap_or(0.0);
    Ok(order[..keep]
        .iter()
        .map(|&k| Hotspot {
            col: k % nx,
            row: k / nx,
            value: map[k],
            fraction: if peak > 0.0 {
                (sel.max_adjust * map[k] / peak).clamp(0.0, 1.0)
            } else {
                0.0
            },
        })
        .collect())
}

fn check(map: &[f32], nx: usize, ny: usize, sel: &Selection) -> Result<(), SelectionError> {
    if !(sel.top > 0.0 && sel.top <= 1.0) {
        return Err(SelectionError::BadTop(sel.top));
    }
    if !(0.0..=1.0).contains(&sel.max_adjust) {
        return Err(SelectionError::BadAdjust(sel.max_adjust));
    }
    if map.len() != nx * ny {
        return Err(SelectionError::Shape {
            len: map.len(),
            nx,
            ny,
        });
    }
    Ok(())
}

/// The hotspots as a `--steer` CSV: a header, then `x_um,y_um,*,fraction` per hotspot at its
/// GCell's centre (µm), all layers. Centres rather than indices, so the file steers a routing run
/// whatever its GCell size.
pub fn to_steer_csv(hotspots: &[Hotspot], grid: &GCellGrid, dbu_per_micron: i64) -> String {
    let um = |v: i64| v as f64 / dbu_per_micron.max(1) as f64;
    let mut out = String::from("x_um,y_um,layer,fraction\n");
    for h in hotspots {
        let c = grid.cell(h.col, h.row);
        let (x, y) = ((c.lo.x + c.hi.x) / 2, (c.lo.y + c.hi.y) / 2);
        out.push_str(&format!("{:.4},{:.4},*,{:.4}\n", um(x), um(y), h.fraction));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::geom::Rect;

    #[test]
    fn the_top_share_is_taken_highest_first_with_ties_in_grid_order() {
        let map = [0.0, 0.5, 0.2, 0.5, 0.0, 0.1, 0.0, 0.0, 0.0, 0.0];
        let sel = Selection {
            top: 0.3,
            ..Selection::default()
        };
        let h = select(&map, 5, 2, &sel).unwrap();
        let cells: Vec<(usize, usize)> = h.iter().map(|h| (h.col, h.row)).collect();
        assert_eq!(cells, [(1, 0), (3, 0), (2, 0)]);
        assert_eq!(h[0].fraction, 0.5);
        assert!((h[2].fraction - 0.2).abs() < 1e-6);
    }

    #[test]
    fn nothing_above_the_minimum_selects_nothing() {
        let h = select(&[0.0; 6], 3, 2, &Selection::default()).unwrap();
        assert!(h.is_empty());
    }

    #[test]
    fn bad_settings_and_shapes_are_refused() {
        let sel = |top, max_adjust| Selection {
            top,
            max_adjust,
            min_value: 0.0,
        };
        assert!(select(&[0.0; 4], 2, 2, &sel(0.0, 0.5)).is_err());
        assert!(select(&[0.0; 4], 2, 2, &sel(0.5, 1.5)).is_err());
        let e = select(&[0.0; 3], 2, 2, &sel(0.5, 0.5)).unwrap_err();
        assert_eq!(
            e.to_string(),
            "the map holds 3 values, the grid 2 x 2 GCells"
        );
    }

    #[test]
    fn the_csv_reads_back_as_steering_rows_at_gcell_centres() {
        let grid = GCellGrid::uniform(Rect::new(0, 0, 4000, 2000), 1000);
        let map: Vec<f32> = (0..8).map(|k| if k == 5 { 2.0 } else { 0.0 }).collect();
        let h = select(&map, 4, 2, &Selection::default()).unwrap();
        let csv = to_steer_csv(&h, &grid, 1000);
        assert_eq!(csv, "x_um,y_um,layer,fraction\n1.5000,1.5000,*,0.5000\n");
        let rows = crate::cli::route::parse_steer(&csv, "h.csv").unwrap();
        assert_eq!(rows.len(), 1);
    }
}
