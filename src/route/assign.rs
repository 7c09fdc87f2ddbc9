//! Layer assignment: each net's 2-D tree is cut into straight runs (between pins, branch points
//! and bends), and every run gets one layer of its direction, by an exact dynamic program over
//! the tree that minimises vias plus a large price per unit of overflow on the chosen layer.
//!
//! Vias are counted as grt counts them: at every GCell where the net changes layer, a stack from
//! the lowest to the highest layer present there (pins included, so a metal1 pin under a metal3
//! wire costs two). The program is exact for that count because at each junction it keeps the
//! interval `[lowest, highest]` of layers chosen so far (at most `L^2` states), not a sum of
//! pairwise differences.
//!
//! Nets are assigned shortest first, so short nets take the low layers next to their pins and
//! long nets pay their two extra vias to climb; a few repair passes then re-assign the nets that
//! sit on overflowed layer edges against everyone else's final usage.

use super::pattern::Grid2;
use crate::lefdef::lef::Direction;
use std::collections::HashMap;

/// Price of one unit of overflow, in vias.
const OVF: f64 = 64.0;

/// One net's input: pins as (GCell node, layer), its 2-D edges, its layer range.
pub struct NetInput<'a> {
    pub pins: &'a [(usize, usize)],
    pub edges: &'a [usize],
    pub lmin: usize,
    pub lmax: usize,
}

/// A straight run on one layer between two GCells (node ids), `len` edges long.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Run {
    pub layer: usize,
    pub from: usize,
    pub to: usize,
    pub edges: Vec<usize>,
}

/// One net's 3-D route: its runs and its via stacks `(node, low layer, high layer)`.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Assigned {
    pub runs: Vec<Run>,
    pub stacks: Vec<(usize, usize, usize)>,
}

impl Assigned {
    pub fn vias(&self) -> usize {
        self.stacks.iter().map(|s| s.2 - s.1).sum()
    }
}

struct Topo {
    /// Runs with their direction; children of run r start at r.to.
    runs: Vec<(Vec<usize>, usize, usize, bool)>, // (edges, from, to, horizontal)
    children: HashMap<usize, Vec<usize>>,
    pins_at: HashMap<usize, Vec<usize>>,
    /// GCells where the net runs straight through without a pin: a layer change there costs an
    /// extra segment (grt's wirelength) besides the vias.
    plain: std::collections::HashSet<usize>,
    root: usize,
}

fn topology(g: &Grid2, pins: &[(usize, usize)], edges: &[usize]) -> Topo {
    let mut adj: HashMap<usize, Vec<(usize, usize)>> = HashMap::new();
    for &e in edges {
        let (a, b) = g.ends(e);
        let (na, nb) = (g.node(a.0, a.1), g.node(b.0, b.1));
        adj.entry(na).or_default().push((nb, e));
        adj.entry(nb).or_default().push((na, e));
    }
    for v in adj.values_mut() {
        v.sort_unstable();
    }
    let mut pins_at: HashMap<usize, Vec<usize>> = HashMap::new();
    for &(n, l) in pins {
        pins_at.entry(n).or_default().push(l);
    }
    let is_plain = |n: usize| -> bool {
        let nb = &adj[&n];
        !pins_at.contains_key(&n) && nb.len() == 2 && g.is_h(nb[0].1) == g.is_h(nb[1].1)
    };
    let plain: std::collections::HashSet<usize> =
        adj.keys().copied().filter(|&n| is_plain(n)).collect();
    // Every GCell is a decision point, so a run can change layer where one layer is full; the
    // DP charges such changes (vias plus a segment) and merges same-layer runs afterwards.
    let junction = |_: usize| -> bool { true };
    let root = pins.first().map_or(0, |p| p.0);
    let mut runs = Vec::new();
    let mut children: HashMap<usize, Vec<usize>> = HashMap::new();
    let mut used: std::collections::HashSet<usize> = std::collections::HashSet::new();
    let mut stack = vec![root];
    while let Some(v) = stack.pop() {
        let Some(nbrs) = adj.get(&v) else { continue };
        for &(m, e) in nbrs {
            if !used.insert(e) {
                continue;
            }
            let mut run = vec![e];
            let (mut cur, mut via) = (m, e);
            while !junction(cur) {
                let &(nx, f) = adj[&cur]
                    .iter()
                    .find(|&&(_, f)| f != via)
                    .unwrap_or(&(cur, via));
                if f == via || !used.insert(f) {
                    break;
                }
                run.push(f);
                cur = nx;
                via = f;
            }
            let id = runs.len();
            runs.push((run, v, cur, g.is_h(e)));
            children.entry(v).or_default().push(id);
            stack.push(cur);
        }
    }
    Topo {
        runs,
        children,
        pins_at,
        plain,
        root,
    }
}

/// Assigns layers to all nets, in the given order. `dirs[l]` is layer l's direction,
/// `cap[l][e]` its capacity on 2-D edge e. Returns the routes and the per-layer usage.
pub fn assign(
    g: &Grid2,
    dirs: &[Direction],
    cap: &[Vec<i32>],
    nets: &[NetInput],
    order: &[usize],
    repair_passes: usize,
) -> (Vec<Assigned>, Vec<Vec<i32>>) {
    let nl = dirs.len();
    let mut usage = vec![vec![0i32; g.n_edges()]; nl];
    let mut out = vec![Assigned::default(); nets.len()];
    let topos: Vec<Topo> = nets.iter().map(|n| topology(g, n.pins, n.edges)).collect();
    for &i in order {
        out[i] = assign_net(&topos[i], &nets[i], dirs, cap, &usage);
        add(&out[i], &mut usage, 1);
    }
    for _ in 0..repair_passes {
        let mut bad: Vec<usize> = order
            .iter()
            .copied()
            .filter(|&i| {
                out[i]
                    .runs
                    .iter()
                    .any(|r| r.edges.iter().any(|&e| usage[r.layer][e] > cap[r.layer][e]))
            })
            .collect();
        if bad.is_empty() {
            break;
        }
        bad.sort_by_key(|&i| (std::cmp::Reverse(nets[i].edges.len()), i));
        for i in bad {
            add(&out[i], &mut usage, -1);
            out[i] = assign_net(&topos[i], &nets[i], dirs, cap, &usage);
            add(&out[i], &mut usage, 1);
        }
    }
    (out, usage)
}

fn add(a: &Assigned, usage: &mut [Vec<i32>], d: i32) {
    for r in &a.runs {
        for &e in &r.edges {
            usage[r.layer][e] += d;
        }
    }
}

fn assign_net(
    t: &Topo,
    net: &NetInput,
    dirs: &[Direction],
    cap: &[Vec<i32>],
    usage: &[Vec<i32>],
) -> Assigned {
    let f = run_costs(t, net, dirs, cap, usage);
    let layer_of = choose_layers(t, &f, dirs.len());
    merged_runs(t, &layer_of)
}

/// The layers of direction `h` (horizontal when true) that `net` may use: those of its range,
/// else every layer of that direction, else its lowest layer.
fn allowed_layers(net: &NetInput, dirs: &[Direction], h: bool) -> Vec<usize> {
    let nl = dirs.len();
    let want = if h {
        Direction::Horizontal
    } else {
        Direction::Vertical
    };
    let mut v: Vec<usize> = (net.lmin..=net.lmax.min(nl - 1))
        .filter(|&l| dirs[l] == want)
        .collect();
    if v.is_empty() {
        v = (0..nl).filter(|&l| dirs[l] == want).collect();
    }
    if v.is_empty() {
        v = vec![net.lmin.min(nl - 1)];
    }
    v
}

/// The bottom-up pass of the program: `f[r][l]`, the best cost of run r on layer l plus
/// everything below its end node (infinite where l is not allowed).
fn run_costs(
    t: &Topo,
    net: &NetInput,
    dirs: &[Direction],
    cap: &[Vec<i32>],
    usage: &[Vec<i32>],
) -> Vec<Vec<f64>> {
    let nl = dirs.len();
    let (ah, av) = (
        allowed_layers(net, dirs, true),
        allowed_layers(net, dirs, false),
    );
    let nr = t.runs.len();
    let mut f = vec![vec![f64::INFINITY; nl]; nr];
    for r in (0..nr).rev() {
        let (edges, _, to, h) = &t.runs[r];
        for &l in if *h { &ah } else { &av } {
            let wire: f64 = edges
                .iter()
                .map(|&e| {
                    if usage[l][e] + 1 > cap[l][e] {
                        OVF
                    } else {
                        0.0
                    }
                })
                .sum();
            let below = node_dp(t, *to, Some(l), &f, nl).0;
            f[r][l] = wire + below;
        }
    }
    f
}

/// The top-down pass: each run's layer (`usize::MAX` for a run not reached from the root).
fn choose_layers(t: &Topo, f: &[Vec<f64>], nl: usize) -> Vec<usize> {
    let mut layer_of = vec![usize::MAX; t.runs.len()];
    let mut todo = vec![(t.root, None::<usize>)];
    while let Some((v, lp)) = todo.pop() {
        let (_, choice) = node_dp(t, v, lp, f, nl);
        if let Some(ch) = t.children.get(&v) {
            for (k, &c) in ch.iter().enumerate() {
                layer_of[c] = choice[k];
                todo.push((t.runs[c].2, Some(choice[k])));
            }
        }
    }
    layer_of
}

/// The net's 3-D route from its runs' layers: single-edge runs merged into maximal same-layer
/// straight runs (a chain continues through a plain GCell whose child run kept the layer), and
/// a via stack wherever pins and runs meet on more than one layer.
fn merged_runs(t: &Topo, layer_of: &[usize]) -> Assigned {
    let mut a = Assigned::default();
    let mut at: HashMap<usize, (usize, usize)> = HashMap::new();
    let mut note = |n: usize, l: usize| {
        let e = at.entry(n).or_insert((l, l));
        e.0 = e.0.min(l);
        e.1 = e.1.max(l);
    };
    for (n, ls) in &t.pins_at {
        for &l in ls {
            note(*n, l);
        }
    }
    let split = |n: usize, l: usize| -> Option<usize> {
        if !t.plain.contains(&n) {
            return None;
        }
        let c = *t.children.get(&n)?.first()?;
        (layer_of[c] == l).then_some(c)
    };
    let mut child_of_plain = vec![false; t.runs.len()];
    for (r, (_, _, to, _)) in t.runs.iter().enumerate() {
        if layer_of[r] != usize::MAX {
            if let Some(c) = split(*to, layer_of[r]) {
                child_of_plain[c] = true;
            }
        }
    }
    for r in 0..t.runs.len() {
        let l = layer_of[r];
        if l == usize::MAX || child_of_plain[r] {
            continue;
        }
        let from = t.runs[r].1;
        let mut edges = t.runs[r].0.clone();
        let mut cur = r;
        while let Some(c) = split(t.runs[cur].2, l) {
            edges.extend_from_slice(&t.runs[c].0);
            cur = c;
        }
        let to = t.runs[cur].2;
        note(from, l);
        note(to, l);
        a.runs.push(Run {
            layer: l,
            from,
            to,
            edges,
        });
    }
    let mut stacks: Vec<(usize, usize, usize)> = at
        .into_iter()
        .filter(|(_, (lo, hi))| hi > lo)
        .map(|(n, (lo, hi))| (n, lo, hi))
        .collect();
    stacks.sort_unstable();
    a.stacks = stacks;
    a
}

/// A layer change in the middle of a straight run splits grt's segment in two: one more GCell
/// of wirelength, priced like two vias.
fn seg_penalty(t: &Topo, v: usize, stack: usize) -> f64 {
    if stack > 0 && t.plain.contains(&v) {
        2.0
    } else {
        0.0
    }
}

/// Interval DP at node `v` entered on layer `lp`: chooses the layers of the runs starting at v
/// to minimise their costs plus the via stack `highest - lowest` (pins included). Returns the
/// cost and the chosen layer per child run.
fn node_dp(t: &Topo, v: usize, lp: Option<usize>, f: &[Vec<f64>], nl: usize) -> (f64, Vec<usize>) {
    let mut lo = lp.unwrap_or(usize::MAX);
    let mut hi = lp.unwrap_or(0);
    if let Some(ps) = t.pins_at.get(&v) {
        for &p in ps {
            lo = lo.min(p);
            hi = hi.max(p);
        }
    }
    let empty = Vec::new();
    let ch = t.children.get(&v).unwrap_or(&empty);
    if ch.is_empty() {
        let stack = if lo == usize::MAX { 0 } else { hi - lo };
        return (stack as f64 + seg_penalty(t, v, stack), Vec::new());
    }
    // States: (lo, hi) with lo == nl meaning "nothing yet".
    let w = nl + 1;
    let idx = |lo: usize, hi: usize| lo * w + hi;
    let mut cur = vec![f64::INFINITY; w * w];
    let start = if lo == usize::MAX {
        idx(nl, 0)
    } else {
        idx(lo, hi)
    };
    cur[start] = 0.0;
    let mut back: Vec<Vec<(u16, u8)>> = Vec::with_capacity(ch.len());
    for &c in ch {
        let mut next = vec![f64::INFINITY; w * w];
        let mut bk = vec![(u16::MAX, u8::MAX); w * w];
        for (s, &cost) in cur.iter().enumerate() {
            if !cost.is_finite() {
                continue;
            }
            let (slo, shi) = (s / w, s % w);
            for (l, &fc) in f[c].iter().enumerate().take(nl) {
                if !fc.is_finite() {
                    continue;
                }
                let (nlo, nhi) = if slo == nl {
                    (l, l)
                } else {
                    (slo.min(l), shi.max(l))
                };
                let ns = idx(nlo, nhi);
                let val = cost + fc;
                if val < next[ns] {
                    next[ns] = val;
                    bk[ns] = (s as u16, l as u8);
                }
            }
        }
        back.push(bk);
        cur = next;
    }
    let mut best = (f64::INFINITY, usize::MAX);
    for (s, &cost) in cur.iter().enumerate() {
        if cost.is_finite() {
            let (slo, shi) = (s / w, s % w);
            let stack = if slo == nl { 0 } else { shi - slo };
            let val = cost + stack as f64 + seg_penalty(t, v, stack);
            if val < best.0 {
                best = (val, s);
            }
        }
    }
    if best.1 == usize::MAX {
        return (f64::INFINITY, vec![0; ch.len()]);
    }
    let mut choice = vec![0usize; ch.len()];
    let mut s = best.1;
    for k in (0..ch.len()).rev() {
        let (p, l) = back[k][s];
        choice[k] = l as usize;
        s = p as usize;
    }
    (best.0, choice)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn l_shaped_net_uses_two_adjacent_layers() {
        // Layers: 0 H (pin layer), 1 V, 2 H, 3 V.
        let g = Grid2 { nx: 4, ny: 4 };
        let dirs = [
            Direction::Horizontal,
            Direction::Vertical,
            Direction::Horizontal,
            Direction::Vertical,
        ];
        let cap = vec![
            vec![0; g.n_edges()],
            vec![5; g.n_edges()],
            vec![5; g.n_edges()],
            vec![5; g.n_edges()],
        ];
        // Pin (0,0) to pin (2,2): right 2, up 2.
        let edges = vec![g.h(0, 0), g.h(1, 0), g.v(2, 0), g.v(2, 1)];
        let pins = [(g.node(0, 0), 0), (g.node(2, 2), 0)];
        let net = NetInput {
            pins: &pins,
            edges: &edges,
            lmin: 1,
            lmax: 3,
        };
        let (a, usage) = assign(&g, &dirs, &cap, &[net], &[0], 1);
        // H run on layer 2, V run on layer 1: vias 0->2 at the first pin (2), 2->1 at the bend
        // (1), 1->0 at the second pin (1).
        assert_eq!(a[0].vias(), 4);
        assert_eq!(usage[2][g.h(0, 0)], 1);
        assert_eq!(usage[1][g.v(2, 1)], 1);
    }

    #[test]
    fn full_layer_pushes_the_run_up() {
        let g = Grid2 { nx: 3, ny: 1 + 1 };
        let dirs = [
            Direction::Horizontal,
            Direction::Vertical,
            Direction::Horizontal,
            Direction::Vertical,
            Direction::Horizontal,
        ];
        let mut cap = vec![vec![1; g.n_edges()]; 5];
        cap[2][g.h(0, 0)] = 0; // metal3 full on the way
        let edges = vec![g.h(0, 0), g.h(1, 0)];
        let pins = [(g.node(0, 0), 0), (g.node(2, 0), 0)];
        let net = NetInput {
            pins: &pins,
            edges: &edges,
            lmin: 1,
            lmax: 4,
        };
        let (a, usage) = assign(&g, &dirs, &cap, &[net], &[0], 1);
        assert_eq!(a[0].runs[0].layer, 4);
        assert_eq!(a[0].vias(), 8);
        assert!(usage
            .iter()
            .zip(&cap)
            .all(|(u, c)| u.iter().zip(c).all(|(u, c)| u <= c)));
    }
}
