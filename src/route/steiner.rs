//! Rectilinear Steiner minimal trees on GCell coordinates, the topology each net starts from.
//!
//! FLUTE's lookup tables are not available here (and the one Rust port is GPL), so we use three
//! methods by degree, each the best that is cheap enough at that size:
//! * up to 4 distinct points: exact, by trying every set of at most `n - 2` Hanan-grid points as
//!   Steiner points (Hanan's theorem says an optimal tree exists on that grid);
//! * up to [`BI1S_MAX`] points: iterated 1-Steiner (Kahng & Robins), which adds the Hanan point
//!   with the largest MST gain until none helps; within about 1% of optimal on random nets;
//! * larger nets (clock nets with thousands of sinks): Prim MST in O(n^2) followed by
//!   Borah-style edge substitution: for each node and two of its tree neighbours, a Steiner
//!   point at the median of the three saves the overlap of their L-shapes.
//!
//! Every method returns a tree whose first `n` nodes are the input points (deduplicated).

/// Degree up to which iterated 1-Steiner is used.
pub const BI1S_MAX: usize = 24;

/// A Steiner tree: `nodes[..n_pins]` are the (distinct) pins, the rest Steiner points.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Tree {
    pub nodes: Vec<(i32, i32)>,
    pub n_pins: usize,
    pub edges: Vec<(usize, usize)>,
}

impl Tree {
    /// Total rectilinear length.
    pub fn length(&self) -> i64 {
        self.edges
            .iter()
            .map(|&(a, b)| dist(self.nodes[a], self.nodes[b]))
            .sum()
    }
}

fn dist(a: (i32, i32), b: (i32, i32)) -> i64 {
    ((a.0 - b.0).abs() + (a.1 - b.1).abs()) as i64
}

/// Prim's MST in O(n^2); returns edges (parent, child) and the total length. Ties are broken by
/// index, so the result is deterministic.
pub fn mst(pts: &[(i32, i32)]) -> (Vec<(usize, usize)>, i64) {
    let n = pts.len();
    if n < 2 {
        return (Vec::new(), 0);
    }
    let mut in_tree = vec![false; n];
    let mut best = vec![i64::MAX; n];
    let mut parent = vec![0usize; n];
    let mut edges = Vec::with_capacity(n - 1);
    let mut total = 0;
    let mut cur = 0;
    in_tree[0] = true;
    for _ in 1..n {
        let mut next = usize::MAX;
        let mut nd = i64::MAX;
        for j in 0..n {
            if in_tree[j] {
                continue;
            }
            let d = dist(pts[cur], pts[j]);
            if d < best[j] {
                best[j] = d;
                parent[j] = cur;
            }
            if best[j] < nd {
                nd = best[j];
                next = j;
            }
        }
        in_tree[next] = true;
        edges.push((parent[next], next));
        total += nd;
        cur = next;
    }
    (edges, total)
}

fn mst_len(pts: &[(i32, i32)]) -> i64 {
    mst(pts).1
}

/// The RSMT heuristic/exact solver for a point set (duplicates removed, order kept).
pub fn rsmt(points: &[(i32, i32)]) -> Tree {
    let mut pins: Vec<(i32, i32)> = Vec::with_capacity(points.len());
    {
        let mut seen = std::collections::HashSet::with_capacity(points.len());
        for &p in points {
            if seen.insert(p) {
                pins.push(p);
            }
        }
    }
    let n = pins.len();
    let mut nodes = pins.clone();
    if n <= 2 {
        let edges = if n == 2 { vec![(0, 1)] } else { Vec::new() };
        return Tree {
            nodes,
            n_pins: n,
            edges,
        };
    }
    if n <= 4 {
        exact_small(&mut nodes);
    } else if n <= BI1S_MAX {
        iterated_one_steiner(&mut nodes);
    }
    let (mut edges, _) = mst(&nodes);
    if n > BI1S_MAX {
        edge_substitution(&mut nodes, &mut edges);
    }
    let mut t = Tree {
        nodes,
        n_pins: n,
        edges,
    };
    clean(&mut t);
    t
}

fn hanan(pins: &[(i32, i32)]) -> Vec<(i32, i32)> {
    let mut xs: Vec<i32> = pins.iter().map(|p| p.0).collect();
    let mut ys: Vec<i32> = pins.iter().map(|p| p.1).collect();
    xs.sort_unstable();
    xs.dedup();
    ys.sort_unstable();
    ys.dedup();
    let set: std::collections::HashSet<_> = pins.iter().copied().collect();
    let mut out = Vec::new();
    for &x in &xs {
        for &y in &ys {
            if !set.contains(&(x, y)) {
                out.push((x, y));
            }
        }
    }
    out
}

/// Exact RSMT for up to 4 pins: best MST over pins plus any 0..=n-2 Hanan points.
fn exact_small(nodes: &mut Vec<(i32, i32)>) {
    let pins = nodes.clone();
    let cand = hanan(&pins);
    let mut best = mst_len(&pins);
    let mut best_set: Vec<(i32, i32)> = Vec::new();
    let k = pins.len() - 2;
    let mut buf = pins.clone();
    // Subsets of size 1..=k (k <= 2).
    for i in 0..cand.len() {
        buf.truncate(pins.len());
        buf.push(cand[i]);
        let l = mst_len(&buf);
        if l < best {
            best = l;
            best_set = vec![cand[i]];
        }
        if k >= 2 {
            for j in i + 1..cand.len() {
                buf.truncate(pins.len() + 1);
                buf.push(cand[j]);
                let l = mst_len(&buf);
                if l < best {
                    best = l;
                    best_set = vec![cand[i], cand[j]];
                }
            }
        }
    }
    nodes.extend(best_set);
}

/// Iterated 1-Steiner: add the Hanan point with the largest MST reduction while one helps.
fn iterated_one_steiner(nodes: &mut Vec<(i32, i32)>) {
    let n = nodes.len();
    let cand = hanan(&nodes[..n]);
    let mut used = vec![false; cand.len()];
    let mut cur = mst_len(nodes);
    loop {
        let mut best_gain = 0;
        let mut best_i = usize::MAX;
        for (i, &c) in cand.iter().enumerate() {
            if used[i] {
                continue;
            }
            nodes.push(c);
            let l = mst_len(nodes);
            nodes.pop();
            if cur - l > best_gain {
                best_gain = cur - l;
                best_i = i;
            }
        }
        if best_i == usize::MAX {
            break;
        }
        used[best_i] = true;
        nodes.push(cand[best_i]);
        cur -= best_gain;
        // Drop Steiner points that became useless (degree <= 2 in the MST).
        let (edges, _) = mst(nodes);
        let mut deg = vec![0usize; nodes.len()];
        for &(a, b) in &edges {
            deg[a] += 1;
            deg[b] += 1;
        }
        let mut k = n;
        let mut removed = false;
        while k < nodes.len() {
            if deg[k] <= 2 {
                nodes.remove(k);
                deg.remove(k);
                removed = true;
            } else {
                k += 1;
            }
        }
        if removed {
            cur = mst_len(nodes);
        }
        if nodes.len() > 2 * n {
            break;
        }
    }
}

/// A candidate move of the edge-substitution pass: (gain, first edge, second edge, their far
/// ends u and w, the Steiner point joining them).
type SteinerMove = (i64, usize, usize, usize, usize, (i32, i32));

/// Borah-style improvement for large nets: at node v with tree neighbours u and w, replace the
/// edges v-u and v-w by a Steiner point s = median(v, u, w) connected to all three.
fn edge_substitution(nodes: &mut Vec<(i32, i32)>, edges: &mut Vec<(usize, usize)>) {
    let med = |a: i32, b: i32, c: i32| a.max(b).min(a.min(b).max(c));
    for _pass in 0..4 {
        let mut adj: Vec<Vec<usize>> = vec![Vec::new(); nodes.len()];
        for (i, &(a, b)) in edges.iter().enumerate() {
            adj[a].push(i);
            adj[b].push(i);
        }
        let mut dead = vec![false; edges.len()];
        let mut new_edges = Vec::new();
        let mut improved = false;
        for v in 0..adj.len() {
            // The best pair of live incident edges at v.
            let inc: Vec<usize> = adj[v].iter().copied().filter(|&e| !dead[e]).collect();
            // (gain, e1, e2, u, w, steiner point): kept so the winner is applied without
            // recomputing its ends and point.
            let mut best: Option<SteinerMove> = None;
            let other = |e: usize| {
                if edges[e].0 == v {
                    edges[e].1
                } else {
                    edges[e].0
                }
            };
            for i in 0..inc.len() {
                for j in i + 1..inc.len() {
                    let (e1, e2) = (inc[i], inc[j]);
                    let (u, w) = (other(e1), other(e2));
                    let (pv, pu, pw) = (nodes[v], nodes[u], nodes[w]);
                    let s = (med(pv.0, pu.0, pw.0), med(pv.1, pu.1, pw.1));
                    let gain =
                        dist(pv, pu) + dist(pv, pw) - dist(s, pv) - dist(s, pu) - dist(s, pw);
                    if gain > best.map_or(0, |b| b.0) {
                        best = Some((gain, e1, e2, u, w, s));
                    }
                }
            }
            if let Some((_, e1, e2, u, w, s)) = best {
                dead[e1] = true;
                dead[e2] = true;
                let si = nodes.len();
                nodes.push(s);
                new_edges.push((v, si));
                new_edges.push((si, u));
                new_edges.push((si, w));
                improved = true;
            }
        }
        let mut kept: Vec<(usize, usize)> = edges
            .iter()
            .enumerate()
            .filter(|(i, _)| !dead[*i])
            .map(|(_, &e)| e)
            .collect();
        kept.extend(new_edges);
        *edges = kept;
        if !improved {
            break;
        }
    }
}

/// Removes zero-length edges to Steiner points that coincide with other nodes and Steiner
/// leaves, keeping the tree connected.
fn clean(t: &mut Tree) {
    // Merge nodes at the same location into the lowest index (pins come first).
    let mut canon: std::collections::HashMap<(i32, i32), usize> = std::collections::HashMap::new();
    let mut map = vec![0usize; t.nodes.len()];
    for (i, &p) in t.nodes.iter().enumerate() {
        map[i] = *canon.entry(p).or_insert(i);
    }
    let mut edges: Vec<(usize, usize)> = t
        .edges
        .iter()
        .map(|&(a, b)| (map[a], map[b]))
        .filter(|(a, b)| a != b)
        .collect();
    // Merging may create duplicate edges or cycles: rebuild a spanning tree over the used edges.
    edges.sort_unstable_by_key(|&(a, b)| (a.min(b), a.max(b)));
    edges.dedup_by_key(|e| (e.0.min(e.1), e.0.max(e.1)));
    let mut uf: Vec<usize> = (0..t.nodes.len()).collect();
    fn find(uf: &mut [usize], mut x: usize) -> usize {
        while uf[x] != x {
            uf[x] = uf[uf[x]];
            x = uf[x];
        }
        x
    }
    edges.retain(|&(a, b)| {
        let (ra, rb) = (find(&mut uf, a), find(&mut uf, b));
        if ra == rb {
            false
        } else {
            uf[ra] = rb;
            true
        }
    });
    // Prune Steiner leaves repeatedly.
    loop {
        let mut deg = vec![0usize; t.nodes.len()];
        for &(a, b) in &edges {
            deg[a] += 1;
            deg[b] += 1;
        }
        let before = edges.len();
        edges.retain(|&(a, b)| !((a >= t.n_pins && deg[a] == 1) || (b >= t.n_pins && deg[b] == 1)));
        if edges.len() == before {
            break;
        }
    }
    t.edges = edges;
}

#[cfg(test)]
mod tests {
    use super::*;

    struct Lcg(u64);
    impl Lcg {
        fn next(&mut self, m: i32) -> i32 {
            self.0 = self
                .0
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            ((self.0 >> 33) % m as u64) as i32
        }
    }

    /// Brute force: best MST over pins plus any subset (size <= n-2) of Hanan points.
    fn brute(pins: &[(i32, i32)]) -> i64 {
        fn rec(
            pts: &mut Vec<(i32, i32)>,
            cand: &[(i32, i32)],
            from: usize,
            left: usize,
            best: &mut i64,
        ) {
            *best = (*best).min(mst_len(pts));
            if left == 0 {
                return;
            }
            for i in from..cand.len() {
                pts.push(cand[i]);
                rec(pts, cand, i + 1, left - 1, best);
                pts.pop();
            }
        }
        let cand = hanan(pins);
        let mut best = i64::MAX;
        rec(&mut pins.to_vec(), &cand, 0, pins.len() - 2, &mut best);
        best
    }

    fn connected(t: &Tree) -> bool {
        let mut uf: Vec<usize> = (0..t.nodes.len()).collect();
        fn find(uf: &mut [usize], mut x: usize) -> usize {
            while uf[x] != x {
                x = uf[x];
            }
            x
        }
        for &(a, b) in &t.edges {
            let (ra, rb) = (find(&mut uf, a), find(&mut uf, b));
            uf[ra] = rb;
        }
        let r = find(&mut uf, 0);
        (0..t.n_pins).all(|i| find(&mut uf, i) == r)
    }

    #[test]
    fn cross_gets_its_center() {
        let t = rsmt(&[(0, 5), (10, 5), (5, 0), (5, 10)]);
        assert_eq!(t.length(), 20);
        assert!(connected(&t));
    }

    #[test]
    fn small_nets_are_exact_and_larger_ones_close() {
        let mut r = Lcg(7);
        let mut gap = 0.0;
        let mut count = 0;
        for n in 3..=6 {
            for _ in 0..40 {
                let pins: Vec<(i32, i32)> = (0..n).map(|_| (r.next(12), r.next(12))).collect();
                let t = rsmt(&pins);
                assert!(connected(&t));
                let mut uniq = pins.clone();
                uniq.sort_unstable();
                uniq.dedup();
                if uniq.len() < 3 {
                    continue;
                }
                let opt = brute(&uniq);
                assert!(t.length() >= opt);
                if uniq.len() <= 4 {
                    assert_eq!(t.length(), opt, "pins {pins:?}");
                }
                gap += (t.length() - opt) as f64 / opt as f64;
                count += 1;
            }
        }
        // Iterated 1-Steiner is close to optimal on random 5- and 6-pin nets.
        assert!(
            gap / (count as f64) < 0.01,
            "mean gap {}",
            gap / count as f64
        );
    }

    #[test]
    fn large_nets_beat_the_spanning_tree() {
        let mut r = Lcg(3);
        let pins: Vec<(i32, i32)> = (0..400).map(|_| (r.next(200), r.next(200))).collect();
        let t = rsmt(&pins);
        assert!(connected(&t));
        let mut uniq = pins.clone();
        uniq.sort_unstable();
        uniq.dedup();
        let m = mst_len(&uniq);
        assert!(
            (t.length() as f64) < 0.95 * m as f64,
            "{} vs MST {}",
            t.length(),
            m
        );
    }
}
