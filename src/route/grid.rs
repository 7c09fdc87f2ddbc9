//! The GCell grid: the tiling of the die that routing capacity, congestion maps and feature maps
//! share, so that features and labels align pixel for pixel.

use crate::geom::{Dbu, Rect};
use serde::Serialize;

/// GCell boundaries per axis. GCell `(i, j)` spans `[x_lines[i], x_lines[i+1]) x [y_lines[j],
/// y_lines[j+1])`; row `j = 0` is at the bottom. The last column/row may be larger than the
/// nominal size (it absorbs the remainder, as OpenROAD does).
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct GCellGrid {
    pub x_lines: Vec<Dbu>,
    pub y_lines: Vec<Dbu>,
    /// Nominal GCell size (DBU), the step between lines except at the last one.
    pub gcell_size: Dbu,
}

impl GCellGrid {
    /// A uniform grid over `area` with square GCells of `size`, the remainder absorbed by the last
    /// column and row (at least one GCell per axis).
    pub fn uniform(area: Rect, size: Dbu) -> GCellGrid {
        assert!(size > 0, "GCell size must be positive");
        let lines = |lo: Dbu, hi: Dbu| {
            let n = ((hi - lo) / size).max(1);
            let mut v: Vec<Dbu> = (0..n).map(|i| lo + i * size).collect();
            v.push(hi.max(lo + 1));
            v
        };
        GCellGrid {
            x_lines: lines(area.lo.x, area.hi.x),
            y_lines: lines(area.lo.y, area.hi.y),
            gcell_size: size,
        }
    }

    pub fn nx(&self) -> usize {
        self.x_lines.len() - 1
    }
    pub fn ny(&self) -> usize {
        self.y_lines.len() - 1
    }
    /// The box of GCell `(i, j)`.
    pub fn cell(&self, i: usize, j: usize) -> Rect {
        Rect::new(
            self.x_lines[i],
            self.y_lines[j],
            self.x_lines[i + 1],
            self.y_lines[j + 1],
        )
    }
    /// Column holding x (clamped to the grid).
    pub fn col(&self, x: Dbu) -> usize {
        Self::index(&self.x_lines, x)
    }
    /// Row holding y (clamped to the grid).
    pub fn row(&self, y: Dbu) -> usize {
        Self::index(&self.y_lines, y)
    }
    fn index(lines: &[Dbu], v: Dbu) -> usize {
        let n = lines.len() - 1;
        match lines.binary_search(&v) {
            Ok(i) => i.min(n - 1),
            Err(i) => i.saturating_sub(1).min(n - 1),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn last_gcell_absorbs_the_remainder() {
        let g = GCellGrid::uniform(Rect::new(0, 0, 105, 40), 10);
        assert_eq!((g.nx(), g.ny()), (10, 4));
        assert_eq!(g.cell(9, 0), Rect::new(90, 0, 105, 10));
        assert_eq!(g.col(104), 9);
        assert_eq!(g.col(-5), 0);
        assert_eq!(g.col(10), 1);
    }
}
