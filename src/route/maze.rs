//! Multi-source, multi-target maze routing on the 2-D grid inside a box (FastRoute's
//! `mazeRouteMSMD`): Dijkstra from every GCell of one part of a net's tree to the nearest GCell
//! of the other part, with a bend penalty (each bend costs a via and, in grt's wirelength, one
//! more GCell), so that detours stay simple.
//!
//! States are (GCell, direction of arrival), which is what makes the bend penalty exact. Ties are
//! broken by state index, so the path found never depends on anything but the inputs.

use super::pattern::Grid2;
use std::cmp::Reverse;
use std::collections::BinaryHeap;

/// A search box, inclusive GCell coordinates.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Box2 {
    pub x0: usize,
    pub y0: usize,
    pub x1: usize,
    pub y1: usize,
}

/// Finds the cheapest path from any `sources` GCell to any `targets` GCell (both given as node
/// ids, see [`Grid2::node`]) inside `bx`. Returns the path's edges, or `None` when the box holds
/// no path. `cost(e)` must be non-negative.
pub fn route(
    g: &Grid2,
    bx: Box2,
    sources: &[usize],
    targets: &[usize],
    cost: &dyn Fn(usize) -> f64,
    bend: f64,
) -> Option<Vec<usize>> {
    let b = BoxGrid::new(g, bx);
    let is_target = b.mark(targets)?;
    if sources
        .iter()
        .any(|&s| b.local(s).is_some_and(|i| is_target[i]))
    {
        return Some(Vec::new());
    }
    let (found, prev) = b.dijkstra(sources, &is_target, cost, bend)?;
    Some(b.trace_back(&prev, found))
}

/// The search box's GCells numbered locally, row by row; a search state is `local * 2 + dir`
/// (dir 0: arrived horizontally, 1: vertically).
struct BoxGrid<'a> {
    g: &'a Grid2,
    bx: Box2,
    w: usize,
    h: usize,
}

impl<'a> BoxGrid<'a> {
    fn new(g: &'a Grid2, bx: Box2) -> Self {
        BoxGrid {
            g,
            bx,
            w: bx.x1 - bx.x0 + 1,
            h: bx.y1 - bx.y0 + 1,
        }
    }

    /// The local index of node `n`, `None` outside the box.
    fn local(&self, n: usize) -> Option<usize> {
        let bx = self.bx;
        let (x, y) = self.g.xy(n);
        (x >= bx.x0 && x <= bx.x1 && y >= bx.y0 && y <= bx.y1)
            .then(|| (y - bx.y0) * self.w + (x - bx.x0))
    }

    /// The GCell of local index `i`.
    fn xy(&self, i: usize) -> (usize, usize) {
        (i % self.w + self.bx.x0, i / self.w + self.bx.y0)
    }

    /// Which local GCells are targets; `None` when none is inside the box.
    fn mark(&self, targets: &[usize]) -> Option<Vec<bool>> {
        let mut is_target = vec![false; self.w * self.h];
        let mut any = false;
        for i in targets.iter().filter_map(|&t| self.local(t)) {
            is_target[i] = true;
            any = true;
        }
        any.then_some(is_target)
    }

    /// The neighbours of local GCell `i` as (local index, edge id, direction); `usize::MAX` for
    /// none on that side.
    fn neighbours(&self, i: usize) -> [(usize, usize, usize); 4] {
        let (g, w) = (self.g, self.w);
        let (lx, ly) = (i % w, i / w);
        let (x, y) = self.xy(i);
        let mut nb = [(usize::MAX, 0, 0); 4];
        if lx > 0 {
            nb[0] = (i - 1, g.h(x - 1, y), 0);
        }
        if lx + 1 < w {
            nb[1] = (i + 1, g.h(x, y), 0);
        }
        if ly > 0 {
            nb[2] = (i - w, g.v(x, y - 1), 1);
        }
        if ly + 1 < self.h {
            nb[3] = (i + w, g.v(x, y), 1);
        }
        nb
    }

    /// Dijkstra over the states from every source, both directions at cost 0, until the first
    /// target is settled. Returns that state and every state's predecessor.
    fn dijkstra(
        &self,
        sources: &[usize],
        is_target: &[bool],
        cost: &dyn Fn(usize) -> f64,
        bend: f64,
    ) -> Option<(usize, Vec<u32>)> {
        let n = self.w * self.h;
        let mut dist = vec![f64::INFINITY; 2 * n];
        let mut prev = vec![u32::MAX; 2 * n];
        let mut heap: BinaryHeap<Reverse<(u64, u32)>> = BinaryHeap::new();
        for i in sources.iter().filter_map(|&s| self.local(s)) {
            for d in 0..2 {
                if dist[2 * i + d] > 0.0 {
                    dist[2 * i + d] = 0.0;
                    heap.push(Reverse((0f64.to_bits(), (2 * i + d) as u32)));
                }
            }
        }
        while let Some(Reverse((cb, st))) = heap.pop() {
            let st = st as usize;
            let c = f64::from_bits(cb);
            if c > dist[st] {
                continue;
            }
            let (i, dir) = (st / 2, st % 2);
            if is_target[i] {
                return Some((st, prev));
            }
            for (j, e, d) in self.neighbours(i) {
                if j == usize::MAX {
                    continue;
                }
                let nc = c + cost(e) + if d != dir { bend } else { 0.0 };
                let ns = 2 * j + d;
                if nc < dist[ns] {
                    dist[ns] = nc;
                    prev[ns] = st as u32;
                    heap.push(Reverse((nc.to_bits(), ns as u32)));
                }
            }
        }
        None
    }

    /// The edges from a source to state `st`, in order.
    fn trace_back(&self, prev: &[u32], mut st: usize) -> Vec<usize> {
        let g = self.g;
        let mut path = Vec::new();
        while prev[st] != u32::MAX {
            let p = prev[st] as usize;
            let ((xi, yi), (xj, yj)) = (self.xy(st / 2), self.xy(p / 2));
            let e = if yi == yj {
                g.h(xi.min(xj), yi)
            } else {
                g.v(xi, yi.min(yj))
            };
            path.push(e);
            st = p;
        }
        path.reverse();
        path
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn detours_around_a_full_edge() {
        let g = Grid2 { nx: 5, ny: 5 };
        let full = g.h(1, 2);
        let cost = |e: usize| if e == full { 1000.0 } else { 1.0 };
        let bx = Box2 {
            x0: 0,
            y0: 0,
            x1: 4,
            y1: 4,
        };
        let p = route(&g, bx, &[g.node(0, 2)], &[g.node(4, 2)], &cost, 0.1).unwrap();
        assert!(!p.contains(&full));
        assert_eq!(p.len(), 6); // 4 across plus one step up and one down
    }

    #[test]
    fn nearest_of_several_targets() {
        let g = Grid2 { nx: 6, ny: 1 + 1 };
        let bx = Box2 {
            x0: 0,
            y0: 0,
            x1: 5,
            y1: 1,
        };
        let p = route(
            &g,
            bx,
            &[g.node(2, 0)],
            &[g.node(5, 0), g.node(0, 0)],
            &|_| 1.0,
            0.0,
        )
        .unwrap();
        assert_eq!(p.len(), 2);
    }
}
