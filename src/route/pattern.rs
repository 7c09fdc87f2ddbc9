//! Pattern routing of one two-pin connection on the 2-D grid: the straight line, both L-shapes
//! and every Z-shape (one or two bends) inside the bounding box, each priced with the caller's
//! edge cost plus a penalty per bend, the cheapest kept (ties go to the earlier candidate, so
//! results are deterministic).
//!
//! Why patterns first: on a sparse design almost every connection is fine as an L, and trying
//! the O(w + h) shapes of a box is far cheaper than a maze search; FastRoute does the same
//! (`routeLAll`, `newrouteZAll`) before any maze routing.

/// The 2-D routing grid: `nx` x `ny` GCells; horizontal edge `(x, y)-(x+1, y)` has id
/// `y * (nx - 1) + x`, vertical edge `(x, y)-(x, y+1)` has id `n_h + y * nx + x`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Grid2 {
    pub nx: usize,
    pub ny: usize,
}

impl Grid2 {
    pub fn n_h(&self) -> usize {
        (self.nx - 1) * self.ny
    }
    pub fn n_edges(&self) -> usize {
        self.n_h() + self.nx * (self.ny - 1)
    }
    /// Edge between horizontally adjacent GCells `(x, y)` and `(x+1, y)`.
    pub fn h(&self, x: usize, y: usize) -> usize {
        y * (self.nx - 1) + x
    }
    /// Edge between vertically adjacent GCells `(x, y)` and `(x, y+1)`.
    pub fn v(&self, x: usize, y: usize) -> usize {
        self.n_h() + y * self.nx + x
    }
    pub fn is_h(&self, e: usize) -> bool {
        e < self.n_h()
    }
    /// The two GCells of an edge, lower/left first.
    pub fn ends(&self, e: usize) -> ((usize, usize), (usize, usize)) {
        if e < self.n_h() {
            let (y, x) = (e / (self.nx - 1), e % (self.nx - 1));
            ((x, y), (x + 1, y))
        } else {
            let e = e - self.n_h();
            let (y, x) = (e / self.nx, e % self.nx);
            ((x, y), (x, y + 1))
        }
    }
    pub fn node(&self, x: usize, y: usize) -> usize {
        y * self.nx + x
    }
    pub fn xy(&self, n: usize) -> (usize, usize) {
        (n % self.nx, n / self.nx)
    }
}

/// Edges of the straight run from `(x0, y)` to `(x1, y)`.
pub fn h_run(g: &Grid2, x0: usize, x1: usize, y: usize, out: &mut Vec<usize>) {
    let (a, b) = (x0.min(x1), x0.max(x1));
    for x in a..b {
        out.push(g.h(x, y));
    }
}

/// Edges of the straight run from `(x, y0)` to `(x, y1)`.
pub fn v_run(g: &Grid2, x: usize, y0: usize, y1: usize, out: &mut Vec<usize>) {
    let (a, b) = (y0.min(y1), y0.max(y1));
    for y in a..b {
        out.push(g.v(x, y));
    }
}

/// The cheapest L or Z shape from `a` to `b` under `cost` (per edge) and `bend` (per bend).
/// Returns the edges of the chosen shape.
pub fn route(
    g: &Grid2,
    a: (usize, usize),
    b: (usize, usize),
    cost: &dyn Fn(usize) -> f64,
    bend: f64,
) -> Vec<usize> {
    let mut out = Vec::new();
    if a.1 == b.1 {
        h_run(g, a.0, b.0, a.1, &mut out);
        return out;
    }
    if a.0 == b.0 {
        v_run(g, a.0, a.1, b.1, &mut out);
        return out;
    }
    // Prefix sums make each shape O(1) after O(w * h) setup.
    let (x0, x1) = (a.0.min(b.0), a.0.max(b.0));
    let (y0, y1) = (a.1.min(b.1), a.1.max(b.1));
    let w = x1 - x0 + 1;
    let hgt = y1 - y0 + 1;
    // hp[j][i]: cost of H edges in row y0+j from x0 to x0+i.
    let mut hp = vec![0.0f64; hgt * w];
    for j in 0..hgt {
        for i in 1..w {
            hp[j * w + i] = hp[j * w + i - 1] + cost(g.h(x0 + i - 1, y0 + j));
        }
    }
    let mut vp = vec![0.0f64; w * hgt];
    for i in 0..w {
        for j in 1..hgt {
            vp[i * hgt + j] = vp[i * hgt + j - 1] + cost(g.v(x0 + i, y0 + j - 1));
        }
    }
    let hc = |y: usize, xa: usize, xb: usize| {
        let (p, q) = (xa.min(xb) - x0, xa.max(xb) - x0);
        hp[(y - y0) * w + q] - hp[(y - y0) * w + p]
    };
    let vc = |x: usize, ya: usize, yb: usize| {
        let (p, q) = (ya.min(yb) - y0, ya.max(yb) - y0);
        vp[(x - x0) * hgt + q] - vp[(x - x0) * hgt + p]
    };
    // Candidates: (cost, kind, pivot). kind 0: H-V-H with vertical at x = pivot;
    // kind 1: V-H-V with horizontal at y = pivot. Pivots at a or b are the L-shapes.
    let mut best = (f64::INFINITY, 0u8, 0usize);
    let xs: Vec<usize> = std::iter::once(a.0)
        .chain(std::iter::once(b.0))
        .chain(x0 + 1..x1)
        .collect();
    for &x in &xs {
        let bends = if x == a.0 || x == b.0 { 1.0 } else { 2.0 };
        let c = hc(a.1, a.0, x) + vc(x, a.1, b.1) + hc(b.1, x, b.0) + bend * bends;
        if c < best.0 {
            best = (c, 0, x);
        }
    }
    let ys: Vec<usize> = std::iter::once(a.1)
        .chain(std::iter::once(b.1))
        .chain(y0 + 1..y1)
        .collect();
    for &y in &ys {
        let bends = if y == a.1 || y == b.1 { 1.0 } else { 2.0 };
        let c = vc(a.0, a.1, y) + hc(y, a.0, b.0) + vc(b.0, y, b.1) + bend * bends;
        if c < best.0 {
            best = (c, 1, y);
        }
    }
    match best.1 {
        0 => {
            let x = best.2;
            h_run(g, a.0, x, a.1, &mut out);
            v_run(g, x, a.1, b.1, &mut out);
            h_run(g, x, b.0, b.1, &mut out);
        }
        _ => {
            let y = best.2;
            v_run(g, a.0, a.1, y, &mut out);
            h_run(g, a.0, b.0, y, &mut out);
            v_run(g, b.0, y, b.1, &mut out);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn l_shape_avoids_the_expensive_corner() {
        let g = Grid2 { nx: 4, ny: 4 };
        // Make the bottom row expensive: the route should go up first, then right.
        let bad: Vec<usize> = (0..3).map(|x| g.h(x, 0)).collect();
        let cost = |e: usize| if bad.contains(&e) { 10.0 } else { 1.0 };
        let r = route(&g, (0, 0), (3, 3), &cost, 0.5);
        assert_eq!(r.len(), 6);
        assert!(r.iter().all(|e| !bad.contains(e)));
    }

    #[test]
    fn z_shape_when_both_ls_are_blocked() {
        let g = Grid2 { nx: 5, ny: 3 };
        // Block the last step of the bottom-right L and the first step of the top-left L.
        let bad = [g.h(3, 0), g.h(0, 2)];
        let cost = |e: usize| if bad.contains(&e) { 100.0 } else { 1.0 };
        let r = route(&g, (0, 0), (4, 2), &cost, 0.5);
        assert_eq!(r.len(), 6);
        assert!(r.iter().all(|e| !bad.contains(e)), "{r:?}");
    }
}
