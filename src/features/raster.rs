//! The arithmetic every map family shares: which GCells an object lands on (the CircuitNet
//! `bisect_left` convention or plain overlap), and a deterministic, row-parallel accumulator.
//!
//! [`rasterize`] buckets objects by the GCell rows they span (in object order), then gives each row
//! of GCells to one rayon task that adds the objects of its bucket in object order. Every GCell's
//! floating-point sum is therefore formed in the same order whatever the thread count, and the
//! maps are identical to the byte.

use super::Footprint;
use crate::geom::Dbu;
use crate::route::grid::GCellGrid;
use rayon::prelude::*;

/// One axis of the grid: its GCell boundary lines (`lines.len() >= 2`, sorted). When the lines
/// are uniform (`lines[i] = lines[0] + i * step` except the last, which may lie further, as
/// [`GCellGrid::uniform`] makes them), indices are computed by division instead of a search.
#[derive(Clone, Copy)]
pub(crate) struct Axis<'a> {
    pub lines: &'a [Dbu],
    /// `(origin, step)` when uniform.
    uniform: Option<(Dbu, Dbu)>,
}

impl<'a> Axis<'a> {
    pub fn new(lines: &'a [Dbu]) -> Self {
        let n = lines.len() - 1;
        let (o, step) = (lines[0], lines[1] - lines[0]);
        let uniform = (step > 0
            && (0..n).all(|i| lines[i] == o + i as Dbu * step)
            && lines[n] >= o + n as Dbu * step)
            .then_some((o, step));
        Axis { lines, uniform }
    }
    /// Number of GCells.
    pub fn n(&self) -> usize {
        self.lines.len() - 1
    }
    fn clamp(&self, i: Dbu) -> usize {
        i.clamp(0, self.n() as Dbu - 1) as usize
    }
    /// CircuitNet's index: `bisect_left` over the upper GCell edges, clamped to the grid. A
    /// coordinate lying on a boundary belongs to the GCell below/left of it.
    pub fn cn(&self, v: Dbu) -> usize {
        match self.uniform {
            // #{i >= 1 : o + i*step < v} = ceil((v - o) / step) - 1
            Some((o, step)) => self.clamp(-(o - v).div_euclid(step) - 1),
            None => self.lines[1..]
                .partition_point(|&l| l < v)
                .min(self.n() - 1),
        }
    }
    /// The GCell whose half-open span `[lo, hi)` holds `v`, clamped to the grid.
    pub fn first(&self, v: Dbu) -> usize {
        match self.uniform {
            Some((o, step)) => self.clamp((v - o).div_euclid(step)),
            None => self.lines[1..]
                .partition_point(|&l| l <= v)
                .min(self.n() - 1),
        }
    }
    /// GCells (inclusive range) on which an interval `[lo, hi]` lands, under `fp`.
    ///
    /// * CircuitNet (`compute_density` with `my_range`): `a = cn(lo)`, `b = cn(hi)`; `a..b`, or
    ///   just `a` when `a == b`. The GCell holding the upper end is left out unless it is also the
    ///   first.
    /// * Overlap: every GCell the interval overlaps with positive length; the GCell holding `lo`
    ///   when the interval is a point.
    pub fn span(&self, lo: Dbu, hi: Dbu, fp: Footprint) -> (usize, usize) {
        match fp {
            Footprint::CircuitNet => {
                let (a, b) = (self.cn(lo), self.cn(hi));
                if b > a {
                    (a, b - 1)
                } else {
                    (a, a)
                }
            }
            Footprint::Overlap => self.overlap_span(lo, hi),
        }
    }
    /// Every GCell the interval overlaps with positive length (the GCell holding `lo` for a point).
    /// Intervals outside the grid are clamped to the border GCell.
    pub fn overlap_span(&self, lo: Dbu, hi: Dbu) -> (usize, usize) {
        let a = self.first(lo);
        if hi > lo {
            (a, self.cn(hi).max(a))
        } else {
            (a, a)
        }
    }
    /// True when the interval counts as lying in one GCell: CircuitNet's `gcell_right ==
    /// gcell_left` test on `bisect_left` indices, or a one-GCell overlap span.
    pub fn single(&self, lo: Dbu, hi: Dbu, fp: Footprint) -> bool {
        match fp {
            Footprint::CircuitNet => self.cn(lo) == self.cn(hi),
            Footprint::Overlap => {
                let (a, b) = self.overlap_span(lo, hi);
                a == b
            }
        }
    }
    /// Length of the overlap of `[lo, hi]` with GCell `i` (0 when disjoint).
    pub fn overlap(&self, i: usize, lo: Dbu, hi: Dbu) -> Dbu {
        (hi.min(self.lines[i + 1]) - lo.max(self.lines[i])).max(0)
    }
    /// Size of GCell `i`.
    pub fn size(&self, i: usize) -> Dbu {
        self.lines[i + 1] - self.lines[i]
    }
}

/// Accumulates `k` maps over `grid` from `items`. `rows(item)` gives the inclusive range of GCell
/// rows the item touches (clamped to the grid here); `stamp(item, j, row)` adds the item's
/// contribution to row `j`, where `row` holds the `k` maps' row `j` one after the other
/// (`row[m * nx + i]` is map `m`, column `i`). Sums are formed in f64, in item order, and rounded
/// to f32 once. Returns the `k` maps, row-major, row 0 at the bottom.
pub(crate) fn rasterize<T, R, S>(
    grid: &GCellGrid,
    k: usize,
    items: &[T],
    rows: R,
    stamp: S,
) -> Vec<Vec<f32>>
where
    T: Sync,
    R: Fn(&T) -> (usize, usize) + Sync,
    S: Fn(&T, usize, &mut [f64]) + Sync,
{
    let (nx, ny) = (grid.nx(), grid.ny());
    let spans: Vec<(u32, u32)> = items
        .par_iter()
        .map(|t| {
            let (a, b) = rows(t);
            let b = b.min(ny - 1);
            (a.min(b) as u32, b as u32)
        })
        .collect();
    // Counting sort of (row, item) pairs: bucket j lists, in item order, the items touching row j.
    let mut count = vec![0usize; ny];
    for &(a, b) in &spans {
        for c in &mut count[a as usize..=b as usize] {
            *c += 1;
        }
    }
    let mut offset = vec![0usize; ny + 1];
    for j in 0..ny {
        offset[j + 1] = offset[j] + count[j];
    }
    let mut fill = offset.clone();
    let mut bucket = vec![0u32; offset[ny]];
    for (i, &(a, b)) in spans.iter().enumerate() {
        for j in a as usize..=b as usize {
            bucket[fill[j]] = i as u32;
            fill[j] += 1;
        }
    }

    let mut maps: Vec<Vec<f32>> = (0..k).map(|_| vec![0f32; nx * ny]).collect();
    // Row j of every map, as k disjoint slices, so each row is written by one task.
    let mut rows_out: Vec<Vec<&mut [f32]>> = (0..ny).map(|_| Vec::with_capacity(k)).collect();
    for m in maps.iter_mut() {
        for (j, r) in m.chunks_mut(nx).enumerate() {
            rows_out[j].push(r);
        }
    }
    rows_out.into_par_iter().enumerate().for_each_init(
        || vec![0f64; k * nx],
        |acc, (j, mut out)| {
            let b = &bucket[offset[j]..offset[j + 1]];
            if b.is_empty() {
                return;
            }
            acc.iter_mut().for_each(|v| *v = 0.0);
            for &i in b {
                stamp(&items[i as usize], j, acc);
            }
            for (m, o) in out.iter_mut().enumerate() {
                for (dst, src) in o.iter_mut().zip(&acc[m * nx..(m + 1) * nx]) {
                    *dst = *src as f32;
                }
            }
        },
    );
    maps
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn circuitnet_index_puts_boundaries_below() {
        let lines = [0, 10, 20, 35];
        let a = Axis::new(&lines);
        assert_eq!(a.cn(-5), 0);
        assert_eq!(a.cn(0), 0);
        assert_eq!(a.cn(10), 0);
        assert_eq!(a.cn(11), 1);
        assert_eq!(a.cn(20), 1);
        assert_eq!(a.cn(34), 2);
        assert_eq!(a.cn(99), 2);
        assert_eq!(a.first(10), 1);
        assert_eq!(a.first(9), 0);
        assert_eq!(a.first(35), 2);
    }

    #[test]
    fn uniform_arithmetic_agrees_with_the_search() {
        let uniform = [100, 110, 120, 130, 145];
        let a = Axis::new(&uniform);
        assert!(a.uniform.is_some());
        let searched = Axis {
            lines: &uniform,
            uniform: None,
        };
        for v in 50..200 {
            assert_eq!(a.cn(v), searched.cn(v), "cn({v})");
            assert_eq!(a.first(v), searched.first(v), "first({v})");
        }
        assert!(Axis::new(&[0, 10, 25, 30]).uniform.is_none());
    }

    #[test]
    fn spans_follow_my_range_and_overlap() {
        let lines = [0, 10, 20, 30, 40];
        let a = Axis::new(&lines);
        let cn = Footprint::CircuitNet;
        let ov = Footprint::Overlap;
        // Inside one GCell.
        assert_eq!(a.span(2, 8, cn), (0, 0));
        assert_eq!(a.span(2, 8, ov), (0, 0));
        // Straddles 10: CircuitNet keeps only the first GCell, overlap both.
        assert_eq!(a.span(5, 15, cn), (0, 0));
        assert_eq!(a.span(5, 15, ov), (0, 1));
        // Three GCells touched: CircuitNet drops the last.
        assert_eq!(a.span(5, 25, cn), (0, 1));
        assert_eq!(a.span(5, 25, ov), (0, 2));
        // Exactly one GCell, edges on the lines: CircuitNet's bisect puts 10 in GCell 0.
        assert_eq!(a.span(10, 20, cn), (0, 0));
        assert_eq!(a.span(10, 20, ov), (1, 1));
        // A point on a line.
        assert_eq!(a.span(20, 20, cn), (1, 1));
        assert_eq!(a.span(20, 20, ov), (2, 2));
        assert!(a.single(10, 10, cn) && a.single(12, 18, cn) && !a.single(10, 20, cn));
        assert!(a.single(10, 20, ov) && !a.single(10, 21, ov));
        assert_eq!(a.overlap(1, 5, 15), 5);
        assert_eq!(a.overlap(2, 5, 15), 0);
    }

    #[test]
    fn rasterize_sums_in_item_order() {
        let grid = GCellGrid::uniform(crate::geom::Rect::new(0, 0, 30, 20), 10);
        // Items: (row range, column, value).
        let items = [((0, 1), 0, 1.0), ((1, 1), 2, 2.0), ((0, 0), 0, 0.5)];
        let maps = rasterize(
            &grid,
            2,
            &items,
            |t| t.0,
            |t, _j, row| {
                row[t.1] += t.2;
                row[3 + t.1] += 1.0;
            },
        );
        assert_eq!(maps[0], vec![1.5f32, 0.0, 0.0, 1.0, 0.0, 2.0]);
        assert_eq!(maps[1], vec![2.0f32, 0.0, 0.0, 1.0, 0.0, 1.0]);
    }
}
