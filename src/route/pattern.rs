//! Pattern routing of one two-pin connection on the 2-D grid: the straight line, both L-shapes
//! and every Z-shape (one or two bends) inside the bounding box, and then the cheapest monotone
//! staircase (a dynamic program over the box), each priced with the caller's edge cost plus a
//! penalty per bend, the cheapest kept (ties go to the earlier, simpler candidate, so results are
//! deterministic).
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

/// How much cheaper than the best L / Z a monotone staircase must be to be taken: about three
/// bends' worth. A staircase that saves less buys its extra bends (vias, and grt's segments)
/// with little; measured on the gcd congestion cases and derated ibex_core, a threshold of 0
/// or 2 made wire or overflow worse, 10 improved both a little.
pub const MONOTONIC_MIN_GAIN: f64 = 10.0;

/// The cheapest L, Z or monotone path from `a` to `b` under `cost` (per edge) and `bend` (per
/// bend). Returns the edges of the chosen shape.
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
    let costs = BoxCosts::price(g, a, b, cost);
    let (z_cost, z) = cheapest_z(&costs, a, b, bend);
    if let Some(path) = cheaper_staircase(g, &costs, a, b, bend, z_cost) {
        return path;
    }
    z_edges(g, a, b, z, &mut out);
    out
}

/// Every edge of the bounding box of a connection priced once, with prefix sums along each row
/// and column, so that the cost of any straight run (and so of any L / Z shape) is O(1).
struct BoxCosts {
    x0: usize,
    y0: usize,
    w: usize,
    hgt: usize,
    /// `hcost[j * w + i]`: H edge (x0+i, y0+j)-(x0+i+1, y0+j).
    hcost: Vec<f64>,
    /// `vcost[i * hgt + j]`: V edge (x0+i, y0+j)-(x0+i, y0+j+1).
    vcost: Vec<f64>,
    /// `hp[j * w + i]`: cost of the H edges of row y0+j from x0 to x0+i.
    hp: Vec<f64>,
    /// `vp[i * hgt + j]`: cost of the V edges of column x0+i from y0 to y0+j.
    vp: Vec<f64>,
    /// The cheapest edge of each direction, for the monotonic search's bound.
    min_h: f64,
    min_v: f64,
}

impl BoxCosts {
    fn price(g: &Grid2, a: (usize, usize), b: (usize, usize), cost: &dyn Fn(usize) -> f64) -> Self {
        let (x0, x1) = (a.0.min(b.0), a.0.max(b.0));
        let (y0, y1) = (a.1.min(b.1), a.1.max(b.1));
        let (w, hgt) = (x1 - x0 + 1, y1 - y0 + 1);
        let (hcost, min_h) = price_lines(hgt, w, |j, i| cost(g.h(x0 + i, y0 + j)));
        let (vcost, min_v) = price_lines(w, hgt, |i, j| cost(g.v(x0 + i, y0 + j)));
        let hp = prefix_sums(&hcost, hgt, w);
        let vp = prefix_sums(&vcost, w, hgt);
        BoxCosts {
            x0,
            y0,
            w,
            hgt,
            hcost,
            vcost,
            hp,
            vp,
            min_h,
            min_v,
        }
    }

    /// Cost of the H edges of row `y` between `xa` and `xb`.
    fn h_between(&self, y: usize, xa: usize, xb: usize) -> f64 {
        let (p, q) = (xa.min(xb) - self.x0, xa.max(xb) - self.x0);
        let row = (y - self.y0) * self.w;
        self.hp[row + q] - self.hp[row + p]
    }

    /// Cost of the V edges of column `x` between `ya` and `yb`.
    fn v_between(&self, x: usize, ya: usize, yb: usize) -> f64 {
        let (p, q) = (ya.min(yb) - self.y0, ya.max(yb) - self.y0);
        let col = (x - self.x0) * self.hgt;
        self.vp[col + q] - self.vp[col + p]
    }
}

/// The costs of `lines` lines of `len - 1` edges each, `edge_cost(line, i)`, laid out with a
/// stride of `len` (the last slot of each line unused), and the cheapest of them.
fn price_lines(
    lines: usize,
    len: usize,
    edge_cost: impl Fn(usize, usize) -> f64,
) -> (Vec<f64>, f64) {
    let mut out = vec![0.0f64; lines * len];
    let mut min = f64::INFINITY;
    for l in 0..lines {
        for i in 0..len - 1 {
            let c = edge_cost(l, i);
            out[l * len + i] = c;
            min = min.min(c);
        }
    }
    (out, min)
}

/// Running sums of each of `lines` lines of `len` costs: `out[l * len + i]` is the sum of the
/// line's first `i` costs.
fn prefix_sums(costs: &[f64], lines: usize, len: usize) -> Vec<f64> {
    let mut out = vec![0.0f64; lines * len];
    for l in 0..lines {
        for i in 1..len {
            out[l * len + i] = out[l * len + i - 1] + costs[l * len + i - 1];
        }
    }
    out
}

/// A Z shape (an L when its pivot is at an end).
#[derive(Clone, Copy)]
enum ZShape {
    /// Horizontal, vertical at x = pivot, horizontal.
    Hvh(usize),
    /// Vertical, horizontal at y = pivot, vertical.
    Vhv(usize),
}

/// The cheapest L or Z from `a` to `b`: the L-shapes first, then the Zs in order, so ties go to
/// the simpler, earlier shape.
fn cheapest_z(c: &BoxCosts, a: (usize, usize), b: (usize, usize), bend: f64) -> (f64, ZShape) {
    let (x1, y1) = (c.x0 + c.w - 1, c.y0 + c.hgt - 1);
    let mut best = (f64::INFINITY, ZShape::Hvh(0));
    for x in [a.0, b.0].into_iter().chain(c.x0 + 1..x1) {
        let bends = if x == a.0 || x == b.0 { 1.0 } else { 2.0 };
        let cost = c.h_between(a.1, a.0, x)
            + c.v_between(x, a.1, b.1)
            + c.h_between(b.1, x, b.0)
            + bend * bends;
        if cost < best.0 {
            best = (cost, ZShape::Hvh(x));
        }
    }
    for y in [a.1, b.1].into_iter().chain(c.y0 + 1..y1) {
        let bends = if y == a.1 || y == b.1 { 1.0 } else { 2.0 };
        let cost = c.v_between(a.0, a.1, y)
            + c.h_between(y, a.0, b.0)
            + c.v_between(b.0, y, b.1)
            + bend * bends;
        if cost < best.0 {
            best = (cost, ZShape::Vhv(y));
        }
    }
    best
}

/// Monotonic routing (FastRoute's `routeMonotonic`): the cheapest staircase from a to b over
/// every monotone path of the box, by dynamic programming, when it saves more than
/// MONOTONIC_MIN_GAIN on the best L / Z (`z_cost`). It contains every L and Z, so it is never
/// dearer. No monotone path costs less than |dx| cheapest H edges, |dy| cheapest V edges and
/// one bend: when the best L / Z is within the gain of that bound, the search cannot pay and
/// is skipped.
fn cheaper_staircase(
    g: &Grid2,
    c: &BoxCosts,
    a: (usize, usize),
    b: (usize, usize),
    bend: f64,
    z_cost: f64,
) -> Option<Vec<usize>> {
    let bound = (c.w - 1) as f64 * c.min_h + (c.hgt - 1) as f64 * c.min_v + bend;
    if z_cost - bound <= MONOTONIC_MIN_GAIN {
        return None;
    }
    let (cost, path) = monotonic(g, a, b, (c.x0, c.y0, c.w, c.hgt), &c.hcost, &c.vcost, bend);
    (cost < z_cost - MONOTONIC_MIN_GAIN).then_some(path)
}

/// The edges of Z shape `z` from `a` to `b`, appended to `out`.
fn z_edges(g: &Grid2, a: (usize, usize), b: (usize, usize), z: ZShape, out: &mut Vec<usize>) {
    match z {
        ZShape::Hvh(x) => {
            h_run(g, a.0, x, a.1, out);
            v_run(g, x, a.1, b.1, out);
            h_run(g, x, b.0, b.1, out);
        }
        ZShape::Vhv(y) => {
            v_run(g, a.0, a.1, y, out);
            h_run(g, a.0, b.0, y, out);
            v_run(g, b.0, y, b.1, out);
        }
    }
}

/// The cheapest monotone path from `a` to `b` (each step toward `b`), with `bend` per change of
/// direction, over the box `(x0, y0, w, h)` whose edge costs are `hcost` / `vcost` (laid out as
/// in [`BoxCosts`]). Returns its cost and edges.
fn monotonic(
    g: &Grid2,
    a: (usize, usize),
    b: (usize, usize),
    (x0, y0, w, hgt): (usize, usize, usize, usize),
    hcost: &[f64],
    vcost: &[f64],
    bend: f64,
) -> (f64, Vec<usize>) {
    let (dx, dy) = (a.0.abs_diff(b.0), a.1.abs_diff(b.1));
    // Step i along x and j along y from a; the GCell reached.
    let at = |i: usize, j: usize| {
        let x = if b.0 >= a.0 { a.0 + i } else { a.0 - i };
        let y = if b.1 >= a.1 { a.1 + j } else { a.1 - j };
        (x, y)
    };
    // Cost of the H edge entered by step i (from i-1 to i) in row j, and likewise for V.
    let h_step = |i: usize, j: usize| {
        let ((xa, y), (xb, _)) = (at(i - 1, j), at(i, j));
        hcost[(y - y0) * w + xa.min(xb) - x0]
    };
    let v_step = |i: usize, j: usize| {
        let ((x, ya), (_, yb)) = (at(i, j - 1), at(i, j));
        vcost[(x - x0) * hgt + ya.min(yb) - y0]
    };
    let n = (dx + 1) * (dy + 1);
    // dp[(j * (dx + 1) + i) * 2 + d]: cheapest cost to reach step (i, j) arriving along d
    // (0 horizontally, 1 vertically).
    let mut dp = vec![f64::INFINITY; 2 * n];
    dp[0] = 0.0;
    dp[1] = 0.0;
    let idx = |i: usize, j: usize| (j * (dx + 1) + i) * 2;
    for j in 0..=dy {
        for i in 0..=dx {
            let k = idx(i, j);
            if i > 0 {
                let p = idx(i - 1, j);
                let c = h_step(i, j);
                dp[k] = (dp[p] + c).min(dp[p + 1] + c + bend);
            }
            if j > 0 {
                let p = idx(i, j - 1);
                let c = v_step(i, j);
                dp[k + 1] = (dp[p + 1] + c).min(dp[p] + c + bend);
            }
        }
    }
    let end = idx(dx, dy);
    let (mut d, cost) = if dp[end] <= dp[end + 1] {
        (0, dp[end])
    } else {
        (1, dp[end + 1])
    };
    // Walk back, re-deriving each choice the same way it was made (ties prefer going straight).
    let mut path = Vec::with_capacity(dx + dy);
    let (mut i, mut j) = (dx, dy);
    while i > 0 || j > 0 {
        let k = idx(i, j);
        if d == 0 {
            let p = idx(i - 1, j);
            let c = h_step(i, j);
            let (xa, y) = at(i - 1, j);
            path.push(g.h(xa.min(at(i, j).0), y));
            d = if dp[p] + c <= dp[k] { 0 } else { 1 };
            i -= 1;
        } else {
            let p = idx(i, j - 1);
            let c = v_step(i, j);
            let (x, ya) = at(i, j - 1);
            path.push(g.v(x, ya.min(at(i, j).1)));
            d = if dp[p + 1] + c <= dp[k + 1] { 1 } else { 0 };
            j -= 1;
        }
    }
    (cost, path)
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
    fn staircase_when_no_l_or_z_is_clean() {
        // 4 x 4 box from (0, 0) to (3, 3) with a cheap diagonal staircase and every L / Z
        // crossing at least one expensive edge: only a monotone path with more bends is clean.
        let g = Grid2 { nx: 4, ny: 4 };
        let stair = [
            g.h(0, 0),
            g.v(1, 0),
            g.h(1, 1),
            g.v(2, 1),
            g.h(2, 2),
            g.v(3, 2),
        ];
        let cost = |e: usize| if stair.contains(&e) { 1.0 } else { 50.0 };
        let mut r = route(&g, (0, 0), (3, 3), &cost, 0.5);
        r.sort_unstable();
        let mut want = stair.to_vec();
        want.sort_unstable();
        assert_eq!(r, want);
        // Reversed endpoints: the same edges.
        let mut r2 = route(&g, (3, 3), (0, 0), &cost, 0.5);
        r2.sort_unstable();
        assert_eq!(r2, want);
    }

    /// Walks a path from `a`: its cost with `bend` per change of direction, and its bends.
    fn walk(
        g: &Grid2,
        a: (usize, usize),
        path: &[usize],
        cost: &dyn Fn(usize) -> f64,
        bend: f64,
    ) -> (f64, usize) {
        let (mut n, mut left, mut dirs, mut c) = (a, path.to_vec(), Vec::new(), 0.0);
        while let Some(k) = left.iter().position(|&e| {
            let (p, q) = g.ends(e);
            p == n || q == n
        }) {
            let e = left.remove(k);
            let (p, q) = g.ends(e);
            n = if p == n { q } else { p };
            dirs.push(g.is_h(e));
            c += cost(e);
        }
        assert!(left.is_empty(), "the path is not a chain from a");
        let bends = dirs.windows(2).filter(|w| w[0] != w[1]).count();
        (c + bend * bends as f64, bends)
    }

    /// Every monotone path by brute force: the cheapest one's cost.
    fn brute_force(
        g: &Grid2,
        a: (usize, usize),
        b: (usize, usize),
        cost: &dyn Fn(usize) -> f64,
        bend: f64,
    ) -> f64 {
        let (dx, dy) = (a.0.abs_diff(b.0), a.1.abs_diff(b.1));
        let mut best = f64::INFINITY;
        for mask in 0u32..(1 << (dx + dy)) {
            if mask.count_ones() as usize != dx {
                continue;
            }
            let (mut n, mut path) = (a, Vec::new());
            for k in 0..dx + dy {
                if mask >> k & 1 == 1 {
                    let x = if b.0 > a.0 { n.0 + 1 } else { n.0 - 1 };
                    path.push(g.h(n.0.min(x), n.1));
                    n.0 = x;
                } else {
                    let y = if b.1 > a.1 { n.1 + 1 } else { n.1 - 1 };
                    path.push(g.v(n.0, n.1.min(y)));
                    n.1 = y;
                }
            }
            best = best.min(walk(g, a, &path, cost, bend).0);
        }
        best
    }

    #[test]
    fn the_chosen_path_is_within_the_gain_of_the_cheapest_monotone_path() {
        let g = Grid2 { nx: 9, ny: 7 };
        // Deterministic pseudo-random costs.
        let cost = |e: usize| 1.0 + ((e * 2654435761) % 97) as f64 / 10.0;
        for (a, b) in [
            ((0, 0), (6, 4)),
            ((8, 0), (3, 6)),
            ((2, 5), (7, 1)),
            ((6, 6), (1, 2)),
        ] {
            for bend in [0.5, 3.0] {
                let r = route(&g, a, b, &cost, bend);
                assert_eq!(r.len(), a.0.abs_diff(b.0) + a.1.abs_diff(b.1));
                let (c, _) = walk(&g, a, &r, &cost, bend);
                let best = brute_force(&g, a, b, &cost, bend);
                assert!(
                    c >= best - 1e-9 && c <= best + MONOTONIC_MIN_GAIN,
                    "{a:?}->{b:?}: {c} vs the best monotone path {best}"
                );
            }
        }
        // Uniform costs: an L (one bend) wins the tie, not a staircase.
        let r = route(&g, (0, 0), (4, 3), &|_| 1.0, 0.5);
        assert_eq!(walk(&g, (0, 0), &r, &|_| 1.0, 0.5).1, 1);
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
