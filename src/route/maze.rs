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
    let w = bx.x1 - bx.x0 + 1;
    let h = bx.y1 - bx.y0 + 1;
    let local = |n: usize| -> Option<usize> {
        let (x, y) = g.xy(n);
        (x >= bx.x0 && x <= bx.x1 && y >= bx.y0 && y <= bx.y1)
            .then(|| (y - bx.y0) * w + (x - bx.x0))
    };
    let n = w * h;
    let mut is_target = vec![false; n];
    let mut any_target = false;
    for &t in targets {
        if let Some(i) = local(t) {
            is_target[i] = true;
            any_target = true;
        }
    }
    if !any_target {
        return None;
    }
    // dist over states: local * 2 + dir (0 arrived horizontally, 1 vertically).
    let mut dist = vec![f64::INFINITY; 2 * n];
    let mut prev = vec![u32::MAX; 2 * n];
    let mut heap: BinaryHeap<Reverse<(u64, u32)>> = BinaryHeap::new();
    for &s in sources {
        if let Some(i) = local(s) {
            if is_target[i] {
                return Some(Vec::new());
            }
            for d in 0..2 {
                if dist[2 * i + d] > 0.0 {
                    dist[2 * i + d] = 0.0;
                    heap.push(Reverse((0f64.to_bits(), (2 * i + d) as u32)));
                }
            }
        }
    }
    let mut found = None;
    while let Some(Reverse((cb, st))) = heap.pop() {
        let st = st as usize;
        let c = f64::from_bits(cb);
        if c > dist[st] {
            continue;
        }
        let i = st / 2;
        let dir = st % 2;
        if is_target[i] {
            found = Some(st);
            break;
        }
        let (lx, ly) = (i % w, i / w);
        let (x, y) = (lx + bx.x0, ly + bx.y0);
        // Neighbours: (local index, edge id, direction).
        let mut nb: [(usize, usize, usize); 4] = [(usize::MAX, 0, 0); 4];
        if lx > 0 {
            nb[0] = (i - 1, g.h(x - 1, y), 0);
        }
        if lx + 1 < w {
            nb[1] = (i + 1, g.h(x, y), 0);
        }
        if ly > 0 {
            nb[2] = (i - w, g.v(x, y - 1), 1);
        }
        if ly + 1 < h {
            nb[3] = (i + w, g.v(x, y), 1);
        }
        for &(j, e, d) in &nb {
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
    let mut st = found?;
    let mut path = Vec::new();
    while prev[st] != u32::MAX {
        let p = prev[st] as usize;
        let (i, j) = (st / 2, p / 2);
        let (xi, yi) = (i % w + bx.x0, i / w + bx.y0);
        let (xj, yj) = (j % w + bx.x0, j / w + bx.y0);
        let e = if yi == yj {
            g.h(xi.min(xj), yi)
        } else {
            g.v(xi, yi.min(yj))
        };
        path.push(e);
        st = p;
    }
    path.reverse();
    Some(path)
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
