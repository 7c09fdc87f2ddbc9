//! The 2-D router: Steiner topologies routed with patterns, then negotiated-congestion rip-up
//! and reroute (PathFinder: a present-congestion price that rises each round and a history cost
//! that remembers edges that stayed overflowed) with maze routing in boxes that grow per round.
//!
//! Like FastRoute, routing happens on the 2-D projection (per edge, the capacity of all layers of
//! that direction summed) and layers are assigned afterwards (`assign`): if the 2-D usage of an
//! edge fits its summed capacity, an assignment without overflow exists edge by edge, so the
//! hard part (where to go) is solved where it is cheapest to search.
//!
//! A net's route is a set of 2-D edges forming a tree that touches all its pin GCells. Rerouting
//! works on *branches*: the chain of edges between two junctions (pins or GCells of degree other
//! than 2) through an overflowed edge is removed, which splits the tree in two, and the maze
//! reconnects the two parts. The best solution seen (least overflow, then least wire) is kept, as
//! FastRoute keeps its best, so more iterations never make the result worse.
//!
//! Branch reroutes cannot change a tree's topology, so after negotiation every net still on an
//! overflowed edge is rebuilt whole as a maze Steiner tree priced by the overflow it would add
//! ([`rebuild_net`], kept only when it adds less), before wire recovery straightens detours.

use super::maze::{self, Box2};
use super::pattern::{self, Grid2};
use super::steiner::Tree;
use super::PriorStage;
use std::collections::{HashMap, HashSet};

/// Bend penalty in GCell-edge units: a bend costs a via and, in grt's wirelength, one GCell;
/// 3 was the best of 0.5, 1, 2, 3, 4, 6 on the congested gcd cases (wire and vias both fall,
/// overflow stays within noise).
pub const BEND: f64 = 3.0;

/// Inputs of the 2-D router.
pub struct Problem<'a> {
    pub grid: Grid2,
    /// Summed capacity per 2-D edge.
    pub cap: &'a [i32],
    /// Extra cost per edge (steering), added to every edge's price.
    pub extra: Option<&'a [f32]>,
    /// A congestion prior per edge (steering mode `prior`): the history cost starts from it, so
    /// the pattern stage already avoids the predicted hotspots; `prior_stage` says whether it
    /// holds in the pattern stage, in negotiation, or in both.
    pub prior: Option<&'a [f32]>,
    pub prior_stage: PriorStage,
    /// Predicted usage per edge (steering, `prior` as a reservation): during the pattern stage
    /// the congestion price counts this much extra usage, fading linearly from all of it before
    /// the first net to none after the last; rip-up and reroute never see it.
    pub reserve: Option<&'a [f32]>,
    /// A rank per net (steering): nets are routed, and rerouted, in order of (rank, bounding-box
    /// area, index); without ranks by area alone.
    pub rank: Option<&'a [u8]>,
    /// Distinct pin GCells (node ids) per net; nets with fewer than 2 are ignored.
    pub pins: &'a [Vec<usize>],
    /// Steiner topology per net, on GCell coordinates.
    pub trees: &'a [Tree],
    /// Rip-up and reroute rounds (OpenROAD's `-congestion_iterations`).
    pub iterations: usize,
}

/// Result of the 2-D router: sorted edge ids per net, and the usage they make.
#[derive(Clone, Debug)]
pub struct Solution {
    pub routes: Vec<Vec<usize>>,
    pub usage: Vec<i32>,
    /// Total 2-D overflow of the kept solution and the rounds actually run.
    pub overflow: i64,
    pub rounds: usize,
    /// 2-D usage after the initial pattern stage, before any rip-up and reroute: the early
    /// global route that feature extraction reads.
    pub pattern_usage: Vec<i32>,
    /// 2-D usage after the first rip-up and reroute round (the routes as that round left them,
    /// not the best kept): what one round of negotiation does to the early global route. Equal
    /// to `pattern_usage` when no round runs (no overflow after the patterns, or 0 iterations).
    /// Rounds are sequential and deterministic, so it does not depend on `iterations` >= 1.
    pub round1_usage: Vec<i32>,
    /// The history cost per edge when negotiation ended (prior included when it stays): where the
    /// router learned that congestion is.
    pub history: Vec<f32>,
}

struct State<'a> {
    p: &'a Problem<'a>,
    usage: Vec<i32>,
    hist: Vec<f32>,
    pres: f64,
    routes: Vec<Vec<usize>>,
    /// Share of the reservation still counted (pattern stage only).
    fade: f32,
    /// Whether any horizontal / vertical edge has capacity (see [`State::blocked`]).
    has_cap: [bool; 2],
}

impl<'a> State<'a> {
    /// The state before any net is routed: the history starts from the prior, if any holds in
    /// the pattern stage.
    fn new(p: &'a Problem<'a>) -> Self {
        let g = p.grid;
        let ne = g.n_edges();
        let hist = match p.prior {
            Some(x) if p.prior_stage != PriorStage::Negotiation => x.to_vec(),
            _ => vec![0.0; ne],
        };
        State {
            p,
            usage: vec![0; ne],
            hist,
            pres: 2.0,
            routes: vec![Vec::new(); p.pins.len()],
            fade: 0.0,
            has_cap: [true, false].map(|h| (0..ne).any(|e| g.is_h(e) == h && p.cap[e] > 0)),
        }
    }

    /// Replaces every route and recounts the usage from them.
    fn set_routes(&mut self, routes: Vec<Vec<usize>>) {
        self.routes = routes;
        self.usage.iter_mut().for_each(|u| *u = 0);
        for r in &self.routes {
            for &e in r {
                self.usage[e] += 1;
            }
        }
    }

    /// The prices of negotiation round `it`: each overflowed edge's history grows by its
    /// overflow, and the present-congestion price by 1.4x a round (capped after 20 rounds).
    fn raise_prices(&mut self, it: usize) {
        for (e, h) in self.hist.iter_mut().enumerate() {
            let over = self.usage[e] - self.p.cap[e];
            if over > 0 {
                *h += over as f32;
            }
        }
        self.pres = 2.0 * 1.4f64.powi(it.min(20) as i32);
    }

    fn cost(&self, e: usize) -> f64 {
        let cap = self.p.cap[e];
        let reserved = self
            .p
            .reserve
            .map_or(0, |r| (r[e] * self.fade).round() as i32);
        let after = self.usage[e] + 1 + reserved;
        let cong = if after > cap {
            self.pres * (after - cap) as f64
        } else {
            let r = after as f64 / cap as f64;
            0.5 * r * r
        };
        1.0 + self.hist[e] as f64 + cong + self.p.extra.map_or(0.0, |x| x[e] as f64)
    }

    /// Adds edges to a net's route; an edge the net already uses is not counted twice.
    fn add(&mut self, net: usize, edges: &[usize]) {
        let r = &mut self.routes[net];
        for &e in edges {
            if r.binary_search(&e).is_err() {
                self.usage[e] += 1;
                let k = r.partition_point(|&x| x < e);
                r.insert(k, e);
            }
        }
    }

    /// An edge with no capacity where other edges of its direction have some: a GCell boundary
    /// blocked on every layer (a macro, a blockage). On a layer set with no layer of a direction,
    /// that direction's edges are not called blocked.
    fn blocked(&self, e: usize) -> bool {
        self.p.cap[e] <= 0 && self.has_cap[usize::from(!self.p.grid.is_h(e))]
    }

    fn overflow(&self) -> i64 {
        self.usage
            .iter()
            .zip(self.p.cap)
            .map(|(&u, &c)| (u - c).max(0) as i64)
            .sum()
    }

    fn wire(&self) -> i64 {
        self.routes.iter().map(|r| r.len() as i64).sum()
    }
}

/// Turns a set of edges into a tree over the net's pins: a breadth-first spanning tree from the
/// first pin, then repeated removal of leaves that are not pins.
pub fn make_tree(g: &Grid2, pins: &[usize], edges: &[usize]) -> Vec<usize> {
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
    let mut seen: HashSet<usize> = HashSet::new();
    let mut tree = Vec::new();
    let mut queue = std::collections::VecDeque::new();
    if let Some(&p) = pins.first() {
        seen.insert(p);
        queue.push_back(p);
    }
    while let Some(n) = queue.pop_front() {
        if let Some(nb) = adj.get(&n) {
            for &(m, e) in nb {
                if seen.insert(m) {
                    tree.push(e);
                    queue.push_back(m);
                }
            }
        }
    }
    prune(g, pins, &mut tree);
    tree.sort_unstable();
    tree
}

/// Removes, repeatedly, edges ending in a GCell of degree 1 that holds no pin.
pub fn prune(g: &Grid2, pins: &[usize], edges: &mut Vec<usize>) {
    let pinset: HashSet<usize> = pins.iter().copied().collect();
    loop {
        let mut deg: HashMap<usize, u32> = HashMap::new();
        for &e in edges.iter() {
            let (a, b) = g.ends(e);
            *deg.entry(g.node(a.0, a.1)).or_default() += 1;
            *deg.entry(g.node(b.0, b.1)).or_default() += 1;
        }
        let before = edges.len();
        edges.retain(|&e| {
            let (a, b) = g.ends(e);
            let (na, nb) = (g.node(a.0, a.1), g.node(b.0, b.1));
            (pinset.contains(&na) || deg[&na] != 1) && (pinset.contains(&nb) || deg[&nb] != 1)
        });
        if edges.len() == before {
            break;
        }
    }
}

fn bbox(g: &Grid2, nodes: &[usize]) -> Box2 {
    let mut b = Box2 {
        x0: usize::MAX,
        y0: usize::MAX,
        x1: 0,
        y1: 0,
    };
    for &n in nodes {
        let (x, y) = g.xy(n);
        b.x0 = b.x0.min(x);
        b.y0 = b.y0.min(y);
        b.x1 = b.x1.max(x);
        b.y1 = b.y1.max(y);
    }
    b
}

/// A box grown by `margin` GCells on every side, clipped to the grid.
fn grown(g: &Grid2, b: Box2, margin: usize) -> Box2 {
    Box2 {
        x0: b.x0.saturating_sub(margin),
        y0: b.y0.saturating_sub(margin),
        x1: (b.x1 + margin).min(g.nx - 1),
        y1: (b.y1 + margin).min(g.ny - 1),
    }
}

/// The whole grid as a search box.
fn whole(g: &Grid2) -> Box2 {
    Box2 {
        x0: 0,
        y0: 0,
        x1: g.nx - 1,
        y1: g.ny - 1,
    }
}

/// Maze search in `bx`; while the path found crosses blocked edges (see [`State::blocked`]) or
/// no path exists, the search is run again in a box grown by its own larger side, up to the whole
/// grid, and a path that crosses fewer blocked edges replaces the one found. A wall of blocked
/// edges (a 145 x 145-GCell macro blocked on every layer) needs a detour far outside any fixed
/// margin; where the first box's path crosses no blocked edge, it is the one returned.
fn route_around_blockages(
    st: &State,
    bx: Box2,
    from: &[usize],
    to: &[usize],
    cost: &dyn Fn(usize) -> f64,
) -> Option<Vec<usize>> {
    let g = st.p.grid;
    let full = whole(&g);
    let crossings = |p: &Option<Vec<usize>>| {
        p.as_ref()
            .map_or(usize::MAX, |p| p.iter().filter(|&&f| st.blocked(f)).count())
    };
    let mut bx = bx;
    let mut best = maze::route(&g, bx, from, to, cost, BEND);
    let mut n = crossings(&best);
    while n > 0 && bx != full {
        let side = (bx.x1 - bx.x0).max(bx.y1 - bx.y0).max(1);
        bx = grown(&g, bx, side);
        let path = maze::route(&g, bx, from, to, cost, BEND);
        let m = crossings(&path);
        if m < n {
            (best, n) = (path, m);
        }
    }
    best
}

/// Routes all nets: patterns first, then rounds of negotiated rip-up and reroute, then the
/// best solution's topology repaired and its detours straightened. Deterministic: nets are
/// handled in a fixed order and every tie is broken by index.
pub fn run(p: &Problem) -> Solution {
    let mut st = State::new(p);
    let order = routing_order(p);
    pattern_stage(&mut st, &order);
    let pattern_usage = st.usage.clone();
    let (best, rounds, round1_usage) = negotiate(&mut st, &order);
    let history = st.hist.clone();
    st.set_routes(best);
    repair_topology(&mut st, &order);
    // Wire recovery: negotiation leaves detours behind; reroute every bent branch with a price
    // of length + bends + a prohibitive price for new overflow. The old branch is always one of
    // the candidates, so neither overflow nor wire can grow.
    for &i in &order {
        refine_net(&mut st, i);
    }
    normalise(&mut st, &order);
    let overflow = st.overflow();
    Solution {
        routes: st.routes,
        usage: st.usage,
        overflow,
        rounds,
        pattern_usage,
        round1_usage,
        history,
    }
}

/// The usage per edge after the pattern stage alone: [`Solution::pattern_usage`] of [`run`],
/// without the negotiation and repairs that follow.
pub fn pattern_usage(p: &Problem) -> Vec<i32> {
    let mut st = State::new(p);
    let order = routing_order(p);
    pattern_stage(&mut st, &order);
    st.usage
}

/// A net's place in the routing order: its steering rank, then its bounding-box area (smaller
/// nets have the fewest alternatives, so they go first).
fn order_key(p: &Problem, i: usize) -> (u8, usize) {
    let b = bbox(&p.grid, &p.pins[i]);
    let rank = p.rank.map_or(0, |r| r[i]);
    (rank, (b.x1 - b.x0 + 1) * (b.y1 - b.y0 + 1))
}

/// The nets with at least two pin GCells, in routing order (ties by index).
fn routing_order(p: &Problem) -> Vec<usize> {
    let mut order: Vec<usize> = (0..p.pins.len())
        .filter(|&i| p.pins[i].len() >= 2)
        .collect();
    order.sort_by_key(|&i| (order_key(p, i), i));
    order
}

/// Initial routing: each net's Steiner edges pattern-routed, shortest first, at the prices the
/// nets before it made. Afterwards the history changes to the prior negotiation starts from
/// (see [`PriorStage`]).
fn pattern_stage(st: &mut State, order: &[usize]) {
    let p = st.p;
    let g = p.grid;
    for (k, &i) in order.iter().enumerate() {
        st.fade = 1.0 - k as f32 / order.len() as f32;
        let t = &p.trees[i];
        let mut tedges: Vec<(usize, usize)> = t.edges.clone();
        tedges.sort_by_key(|&(a, b)| {
            let (pa, pb) = (t.nodes[a], t.nodes[b]);
            ((pa.0 - pb.0).abs() + (pa.1 - pb.1).abs(), a, b)
        });
        let mut all = Vec::new();
        for (a, b) in tedges {
            let pa = (t.nodes[a].0 as usize, t.nodes[a].1 as usize);
            let pb = (t.nodes[b].0 as usize, t.nodes[b].1 as usize);
            let cost = |e: usize| st.cost(e);
            // This net's own earlier edges are counted as free for its next connections.
            all.extend(pattern::route(&g, pa, pb, &cost, BEND));
        }
        all.sort_unstable();
        all.dedup();
        let tree = make_tree(&g, &p.pins[i], &all);
        st.add(i, &tree);
    }
    st.fade = 0.0;
    let sign = match p.prior_stage {
        PriorStage::Both => return,
        PriorStage::Pattern => -1.0,
        PriorStage::Negotiation => 1.0,
    };
    if let Some(prior) = p.prior {
        for (h, x) in st.hist.iter_mut().zip(prior) {
            *h += sign * x;
        }
    }
}

/// Negotiated congestion: up to `iterations` rounds of raising history and present prices and
/// rerouting every branch through an overflowed edge. Returns the best routes seen (least
/// overflow, then least wire), the rounds run and the usage after the first round (the usage
/// on entry when none runs); stops early at zero overflow or after 10 rounds without a better
/// solution.
fn negotiate(st: &mut State, order: &[usize]) -> (Vec<Vec<usize>>, usize, Vec<i32>) {
    let p = st.p;
    let mut best = (st.overflow(), st.wire(), st.routes.clone());
    let mut round1 = st.usage.clone();
    let mut rounds = 0;
    let mut worse = 0;
    for it in 0..p.iterations {
        if st.overflow() == 0 {
            break;
        }
        rounds = it + 1;
        st.raise_prices(it);
        reroute_overflowed(st, order, 2 + it);
        if it == 0 {
            round1.clone_from(&st.usage);
        }
        let (o, w) = (st.overflow(), st.wire());
        if (o, w) < (best.0, best.1) {
            best = (o, w, st.routes.clone());
            worse = 0;
        } else {
            worse += 1;
            if worse >= 10 {
                break;
            }
        }
    }
    (best.2, rounds, round1)
}

/// One round of rip-up and reroute: every net on an overflowed edge, in routing order, has each
/// of its overflowed edges rerouted once; an edge fixed by an earlier reroute of the same net is
/// skipped.
fn reroute_overflowed(st: &mut State, order: &[usize], margin: usize) {
    let p = st.p;
    let nets: Vec<usize> = order
        .iter()
        .copied()
        .filter(|&i| st.routes[i].iter().any(|&e| st.usage[e] > p.cap[e]))
        .collect();
    for i in nets {
        let over: Vec<usize> = st.routes[i]
            .iter()
            .copied()
            .filter(|&e| st.usage[e] > p.cap[e])
            .collect();
        for e in over {
            if st.usage[e] > p.cap[e] && st.routes[i].binary_search(&e).is_ok() {
                reroute_branch(st, i, e, margin);
            }
        }
    }
}

/// Topology repair: rebuild every net on an overflowed edge as a maze Steiner tree priced by the
/// overflow it adds (two passes; each accepted rebuild lowers overflow or wire).
fn repair_topology(st: &mut State, order: &[usize]) {
    for _ in 0..2 {
        for &i in order {
            if st.routes[i].iter().any(|&e| st.usage[e] > st.p.cap[e]) {
                rebuild_net(st, i, 2);
            }
        }
    }
}

/// Every route made a tree over its pins (a reroute can leave a redundant edge when a new path
/// touches its own net), usage recounted from the routes.
fn normalise(st: &mut State, order: &[usize]) {
    let p = st.p;
    for &i in order {
        st.routes[i] = make_tree(&p.grid, &p.pins[i], &st.routes[i]);
    }
    let routes = std::mem::take(&mut st.routes);
    st.set_routes(routes);
}

/// The branches (edge chains between junctions) of net `i`'s tree.
fn branches(g: &Grid2, pins: &[usize], edges: &[usize]) -> Vec<Vec<usize>> {
    let pinset: HashSet<usize> = pins.iter().copied().collect();
    let mut adj: HashMap<usize, Vec<(usize, usize)>> = HashMap::new();
    for &f in edges {
        let (a, b) = g.ends(f);
        let (na, nb) = (g.node(a.0, a.1), g.node(b.0, b.1));
        adj.entry(na).or_default().push((nb, f));
        adj.entry(nb).or_default().push((na, f));
    }
    let junction = |n: usize| pinset.contains(&n) || adj[&n].len() != 2;
    let mut seen: HashSet<usize> = HashSet::new();
    let mut out = Vec::new();
    let mut starts: Vec<usize> = adj.keys().copied().filter(|&n| junction(n)).collect();
    starts.sort_unstable();
    for s0 in starts {
        let mut nb = adj[&s0].clone();
        nb.sort_unstable();
        for (m, e) in nb {
            if !seen.insert(e) {
                continue;
            }
            let mut br = vec![e];
            let (mut cur, mut via) = (m, e);
            while !junction(cur) {
                let Some(&(nx, f)) = adj[&cur].iter().find(|&&(_, f)| f != via) else {
                    break;
                };
                if !seen.insert(f) {
                    break;
                }
                br.push(f);
                cur = nx;
                via = f;
            }
            out.push(br);
        }
    }
    out
}

fn refine_net(st: &mut State, i: usize) {
    let g = st.p.grid;
    let brs = branches(&g, &st.p.pins[i], &st.routes[i]);
    for br in brs {
        // Skip straight branches: nothing to gain.
        if br.iter().all(|&e| g.is_h(e)) || br.iter().all(|&e| !g.is_h(e)) {
            continue;
        }
        // The branch may have been changed by an earlier reroute of this net.
        if !br.iter().all(|e| st.routes[i].binary_search(e).is_ok()) {
            continue;
        }
        reroute_edges(st, i, &br, 2, true);
    }
}

/// Largest net [`rebuild_net`] rebuilds (each pin costs one maze search over the net's box).
const REBUILD_MAX_PINS: usize = 32;

/// Price of one edge for a net being rebuilt or refined: its length, plus a flat 1000 when
/// using it adds one unit of overflow (the objective's true marginal cost, with no history and no
/// present-congestion ramp), plus any steering cost.
fn marginal_cost(st: &State, f: usize) -> f64 {
    let over = st.usage[f] + 1 > st.p.cap[f];
    1.0 + if over { 1000.0 } else { 0.0 } + st.p.extra.map_or(0.0, |x| x[f] as f64)
}

/// Rebuilds net `i` from scratch as a maze Steiner tree (Prim's order: the cheapest path from
/// the tree so far to any pin not yet on it, again and again) priced by [`marginal_cost`], and
/// keeps it when it adds less overflow, or as much with less wire; otherwise the old route
/// stays. Branch reroutes cannot change a tree's topology: this can. On a layer set with no
/// horizontal capacity it finds the horizontal-trunk trees whose horizontal wire is the pins'
/// x-span, the least any tree can have.
fn rebuild_net(st: &mut State, i: usize, margin: usize) {
    let g = st.p.grid;
    let pins = &st.p.pins[i];
    if pins.len() < 2 || pins.len() > REBUILD_MAX_PINS {
        return;
    }
    let old = std::mem::take(&mut st.routes[i]);
    for &f in &old {
        st.usage[f] -= 1;
    }
    // What the old route costs against everyone else: overflow it adds, wire.
    let old_over = old.iter().filter(|&&f| st.usage[f] >= st.p.cap[f]).count();
    let bx = grown(&g, bbox(&g, pins), margin);
    let mut tree: Vec<usize> = vec![pins[0]];
    let mut left: Vec<usize> = pins[1..].to_vec();
    let mut new_over = 0usize;
    let mut ok = true;
    while !left.is_empty() {
        let path = {
            let cost = |f: usize| marginal_cost(st, f);
            maze::route(&g, bx, &tree, &left, &cost, BEND)
        };
        let Some(path) = path else {
            ok = false;
            break;
        };
        for &f in &path {
            if st.usage[f] >= st.p.cap[f] {
                new_over += 1;
            }
            let (a, b) = g.ends(f);
            tree.push(g.node(a.0, a.1));
            tree.push(g.node(b.0, b.1));
        }
        st.add(i, &path);
        tree.sort_unstable();
        tree.dedup();
        left.retain(|n| tree.binary_search(n).is_err());
        if new_over > old_over {
            ok = false;
            break;
        }
    }
    if ok && (new_over, st.routes[i].len()) < (old_over, old.len()) {
        return;
    }
    for &f in &std::mem::take(&mut st.routes[i]) {
        st.usage[f] -= 1;
    }
    st.add(i, &old);
}

/// Rips up the branch of net `i` through edge `e` and reconnects the two parts with the maze.
fn reroute_branch(st: &mut State, i: usize, e: usize, margin: usize) {
    let g = st.p.grid;
    let pins: HashSet<usize> = st.p.pins[i].iter().copied().collect();
    let mut adj: HashMap<usize, Vec<(usize, usize)>> = HashMap::new();
    for &f in &st.routes[i] {
        let (a, b) = g.ends(f);
        let (na, nb) = (g.node(a.0, a.1), g.node(b.0, b.1));
        adj.entry(na).or_default().push((nb, f));
        adj.entry(nb).or_default().push((na, f));
    }
    let (a, b) = g.ends(e);
    let (na, nb) = (g.node(a.0, a.1), g.node(b.0, b.1));
    let mut branch = vec![e];
    let walk = |start: usize, from_edge: usize, branch: &mut Vec<usize>| -> usize {
        let (mut n, mut via) = (start, from_edge);
        loop {
            let nbrs = &adj[&n];
            if pins.contains(&n) || nbrs.len() != 2 {
                return n;
            }
            let &(m, f) = nbrs.iter().find(|&&(_, f)| f != via).unwrap_or(&nbrs[0]);
            if f == via {
                return n;
            }
            branch.push(f);
            n = m;
            via = f;
        }
    };
    let _ = (walk(na, e, &mut branch), walk(nb, e, &mut branch));
    reroute_edges(st, i, &branch, margin, false);
}

/// Removes `branch` (a chain of net i's edges between two junctions) and reconnects the two
/// parts of the tree with the maze. With `refine`, the price is length, bends and a prohibitive
/// price for overflow only (no history, no present-congestion ramp).
fn reroute_edges(st: &mut State, i: usize, branch: &[usize], margin: usize, refine: bool) {
    let g = st.p.grid;
    let mut adj: HashMap<usize, Vec<(usize, usize)>> = HashMap::new();
    for &f in &st.routes[i] {
        let (a, b) = g.ends(f);
        let (na, nb) = (g.node(a.0, a.1), g.node(b.0, b.1));
        adj.entry(na).or_default().push((nb, f));
        adj.entry(nb).or_default().push((na, f));
    }
    let bset: HashSet<usize> = branch.iter().copied().collect();
    // The branch's two ends: its nodes of branch-degree 1.
    let mut bdeg: HashMap<usize, u32> = HashMap::new();
    for &f in branch {
        let (a, b) = g.ends(f);
        *bdeg.entry(g.node(a.0, a.1)).or_default() += 1;
        *bdeg.entry(g.node(b.0, b.1)).or_default() += 1;
    }
    let mut ends: Vec<usize> = bdeg
        .iter()
        .filter(|(_, &d)| d == 1)
        .map(|(&n, _)| n)
        .collect();
    ends.sort_unstable();
    if ends.len() != 2 {
        return; // not a simple chain; leave it
    }
    let (end_a, end_b) = (ends[0], ends[1]);
    // Interior GCells must be plain chain links (degree 2, no pin): an earlier reroute may have
    // attached something to them, and removing the chain would then cut the tree in three.
    let pins = &st.p.pins[i];
    if bdeg
        .iter()
        .any(|(&n, &d)| d == 2 && (adj.get(&n).map_or(0, |v| v.len()) != 2 || pins.contains(&n)))
    {
        return;
    }
    for &f in branch {
        st.usage[f] -= 1;
    }
    st.routes[i].retain(|f| !bset.contains(f));
    // The two parts left.
    let comp = |start: usize| -> Vec<usize> {
        let mut seen = HashSet::new();
        let mut stack = vec![start];
        seen.insert(start);
        let mut out = vec![start];
        while let Some(n) = stack.pop() {
            if let Some(nbrs) = adj.get(&n) {
                for &(m, f) in nbrs {
                    if !bset.contains(&f) && seen.insert(m) {
                        stack.push(m);
                        out.push(m);
                    }
                }
            }
        }
        out.sort_unstable();
        out
    };
    let ca = comp(end_a);
    if ca.binary_search(&end_b).is_ok() {
        return; // the branch was redundant
    }
    let cb = comp(end_b);
    // The box holds the old branch too, so the old branch stays a candidate.
    let mut nodes: Vec<usize> = bdeg.keys().copied().collect();
    nodes.sort_unstable();
    let bx = grown(&g, bbox(&g, &nodes), margin);
    let path = {
        let cost = |f: usize| {
            if refine {
                marginal_cost(st, f)
            } else {
                st.cost(f)
            }
        };
        route_around_blockages(st, bx, &ca, &cb, &cost)
    };
    match path {
        Some(p) => st.add(i, &p),
        None => st.add(i, branch), // cannot happen on a connected grid; keep the old branch
    }
}
