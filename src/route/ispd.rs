//! ISPD 2008 global routing contest input (`.gr`) and its evaluator's conventions (eval2008.pl,
//! see `reference/routing.md` 2a), so that the engine can be compared with published routers
//! when the contest files are at hand.
//!
//! Capacities in a `.gr` file are in width-plus-spacing units; a wire of a net with the default
//! width uses `max(net_minw, layer_minw) + layer_mins` of them. We route in tracks (capacity
//! divided by the default wire's units, rounded down) with every wire using one, and report
//! eval2008's numbers in its own units: total and maximum overflow (`used - capacity` per edge,
//! in capacity units) and wirelength as GCell edges plus one per via layer crossed.

use super::pattern::Grid2;
use super::{assign, engine, steiner};
use crate::lefdef::lef::Direction;

/// A malformed `.gr` file.
#[derive(Debug, thiserror::Error, PartialEq)]
#[error("line {line}: {message}")]
pub struct GrError {
    pub line: usize,
    pub message: String,
}

/// A net of a `.gr` file: name and pins as (gx, gy, layer 0-based).
pub type GrNet = (String, Vec<(usize, usize, usize)>);
/// A capacity replacement: the two GCells of the edge, layer 0-based, new capacity.
pub type GrAdjust = ((usize, usize), (usize, usize), usize, i64);

/// A parsed `.gr` benchmark.
#[derive(Clone, Debug, PartialEq)]
pub struct Gr {
    pub nx: usize,
    pub ny: usize,
    pub nl: usize,
    pub v_cap: Vec<i64>,
    pub h_cap: Vec<i64>,
    pub min_width: Vec<i64>,
    pub min_spacing: Vec<i64>,
    pub origin: (i64, i64),
    pub tile: (i64, i64),
    /// (name, pins as (gx, gy, layer 0-based)).
    pub nets: Vec<GrNet>,
    /// Edge capacity replacements: ((x1, y1), (x2, y2), layer 0-based, new capacity).
    pub adjust: Vec<GrAdjust>,
}

struct Lines<'a> {
    it: std::iter::Peekable<std::iter::Enumerate<std::str::Lines<'a>>>,
    last: usize,
}

impl<'a> Lines<'a> {
    fn next(&mut self) -> Result<Vec<&'a str>, GrError> {
        for (i, l) in self.it.by_ref() {
            self.last = i + 1;
            let f: Vec<&str> = l.split_whitespace().collect();
            if !f.is_empty() {
                return Ok(f);
            }
        }
        Err(GrError {
            line: self.last,
            message: "unexpected end of file".into(),
        })
    }
    fn err(&self, m: impl Into<String>) -> GrError {
        GrError {
            line: self.last,
            message: m.into(),
        }
    }
}

fn num<T: std::str::FromStr>(l: &Lines, s: &str) -> Result<T, GrError> {
    s.parse()
        .map_err(|_| l.err(format!("'{s}' is not a number")))
}

/// Parses a `.gr` file.
pub fn parse(text: &str) -> Result<Gr, GrError> {
    let mut l = Lines {
        it: text.lines().enumerate().peekable(),
        last: 0,
    };
    let f = l.next()?;
    if f.len() != 4 || f[0] != "grid" {
        return Err(l.err("expected 'grid X Y L'"));
    }
    let (nx, ny, nl): (usize, usize, usize) = (num(&l, f[1])?, num(&l, f[2])?, num(&l, f[3])?);
    if nx < 2 || ny < 2 || nl == 0 || nx.checked_mul(ny).is_none_or(|c| c > 100_000_000) || nl > 64
    {
        return Err(l.err("grid must be at least 2 x 2 with 1 to 64 layers"));
    }
    let mut vec_line = |key: &str, words: usize| -> Result<Vec<i64>, GrError> {
        let f = l.next()?;
        if f.len() != words + nl || f[..words].join(" ") != key {
            return Err(l.err(format!("expected '{key}' and {nl} values")));
        }
        f[words..].iter().map(|s| num(&l, s)).collect()
    };
    let v_cap = vec_line("vertical capacity", 2)?;
    let h_cap = vec_line("horizontal capacity", 2)?;
    let min_width = vec_line("minimum width", 2)?;
    let min_spacing = vec_line("minimum spacing", 2)?;
    let _via = vec_line("via spacing", 2)?;
    let f = l.next()?;
    if f.len() != 4 {
        return Err(l.err("expected 'llx lly tile_width tile_height'"));
    }
    let origin: (i64, i64) = (num(&l, f[0])?, num(&l, f[1])?);
    let tile: (i64, i64) = (num(&l, f[2])?, num(&l, f[3])?);
    if tile.0 <= 0 || tile.1 <= 0 {
        return Err(l.err("tile size must be positive"));
    }
    let f = l.next()?;
    if f.len() != 3 || f[0] != "num" || f[1] != "net" {
        return Err(l.err("expected 'num net N'"));
    }
    let n: usize = num(&l, f[2])?;
    let mut nets = Vec::with_capacity(n.min(1 << 20));
    for _ in 0..n {
        let f = l.next()?;
        if f.len() < 3 {
            return Err(l.err("expected '<name> <id> <pins> [<min width>]'"));
        }
        let k: usize = num(&l, f[2])?;
        let mut pins = Vec::with_capacity(k.min(1 << 16));
        for _ in 0..k {
            let p = l.next()?;
            if p.len() != 3 {
                return Err(l.err("expected a pin 'x y layer'"));
            }
            let (x, y, z): (i64, i64, usize) = (num(&l, p[0])?, num(&l, p[1])?, num(&l, p[2])?);
            let gx = ((x - origin.0).div_euclid(tile.0)).clamp(0, nx as i64 - 1) as usize;
            let gy = ((y - origin.1).div_euclid(tile.1)).clamp(0, ny as i64 - 1) as usize;
            if z == 0 || z > nl {
                return Err(l.err(format!("pin layer {z} outside 1..{nl}")));
            }
            pins.push((gx, gy, z - 1));
        }
        nets.push((f[0].to_string(), pins));
    }
    let mut adjust = Vec::new();
    if let Ok(f) = l.next() {
        let k: usize = num(&l, f[0])?;
        for _ in 0..k {
            let a = l.next()?;
            if a.len() != 7 {
                return Err(l.err("expected 'c1 r1 l1 c2 r2 l2 capacity'"));
            }
            let v: Vec<i64> = a.iter().map(|s| num(&l, s)).collect::<Result<_, _>>()?;
            let ok = |c: i64, m: usize| c >= 0 && (c as usize) < m;
            if !(ok(v[0], nx)
                && ok(v[3], nx)
                && ok(v[1], ny)
                && ok(v[4], ny)
                && v[2] >= 1
                && v[2] as usize <= nl
                && v[2] == v[5])
            {
                return Err(l.err("capacity adjustment outside the grid"));
            }
            let (a1, a2) = (
                (v[0] as usize, v[1] as usize),
                (v[3] as usize, v[4] as usize),
            );
            if (a1.0 as i64 - a2.0 as i64).abs() + (a1.1 as i64 - a2.1 as i64).abs() != 1 {
                return Err(l.err("capacity adjustment between non-adjacent GCells"));
            }
            adjust.push((a1, a2, v[2] as usize - 1, v[6]));
        }
    }
    Ok(Gr {
        nx,
        ny,
        nl,
        v_cap,
        h_cap,
        min_width,
        min_spacing,
        origin,
        tile,
        nets,
        adjust,
    })
}

/// eval2008's numbers for a routed benchmark.
#[derive(Clone, Debug, PartialEq)]
pub struct GrResult {
    pub total_overflow: i64,
    pub max_overflow: i64,
    /// GCell edges used plus one per via layer crossed (eval2008's via cost 1).
    pub wirelength: i64,
    pub vias: i64,
    pub rounds: usize,
}

/// Routes a parsed benchmark with the engine (`iterations` rip-up rounds).
pub fn route(gr: &Gr, iterations: usize) -> GrResult {
    let g = Grid2 {
        nx: gr.nx,
        ny: gr.ny,
    };
    let units = capacity_units(gr, &g);
    let cap3 = tracks(gr, &units);
    let dirs = layer_directions(gr);
    let cap2 = planar_capacity(&g, &cap3);
    let pins2 = planar_pins(gr, &g);
    let trees: Vec<steiner::Tree> = pins2
        .iter()
        .map(|p| {
            steiner::rsmt(
                &p.iter()
                    .map(|&n| (g.xy(n).0 as i32, g.xy(n).1 as i32))
                    .collect::<Vec<_>>(),
            )
        })
        .collect();
    let sol = engine::run(&engine::Problem {
        grid: g,
        cap: &cap2,
        extra: None,
        prior: None,
        prior_stage: super::PriorStage::Both,
        reserve: None,
        rank: None,
        pins: &pins2,
        trees: &trees,
        iterations,
    });
    let (assigned, usage) = assign_layers(gr, &g, &dirs, &cap3, &sol.routes);
    score(gr, &g, &units, &usage, &assigned, sol.rounds)
}

/// The width of one track of layer `l` in the contest's units: wire width plus spacing.
fn track_unit(gr: &Gr, l: usize) -> i64 {
    (gr.min_width[l] + gr.min_spacing[l]).max(1)
}

/// Per layer and 2-D edge, the capacity in the contest's units: the layer's default of the
/// edge's direction, then the file's adjustments.
fn capacity_units(gr: &Gr, g: &Grid2) -> Vec<Vec<i64>> {
    let units_of_layer = |l: usize| -> Vec<i64> {
        (0..g.n_edges())
            .map(|e| if g.is_h(e) { gr.h_cap[l] } else { gr.v_cap[l] })
            .collect()
    };
    let mut units: Vec<Vec<i64>> = (0..gr.nl).map(units_of_layer).collect();
    for &(a, b, l, c) in &gr.adjust {
        let e = if a.1 == b.1 {
            g.h(a.0.min(b.0), a.1)
        } else {
            g.v(a.0, a.1.min(b.1))
        };
        units[l][e] = c;
    }
    units
}

/// The capacities in tracks (units over the track width, rounded down).
fn tracks(gr: &Gr, units: &[Vec<i64>]) -> Vec<Vec<i32>> {
    (0..gr.nl)
        .map(|l| {
            units[l]
                .iter()
                .map(|&c| (c / track_unit(gr, l)).clamp(0, i32::MAX as i64) as i32)
                .collect()
        })
        .collect()
}

/// A layer's direction is the one with more capacity (the format does not say it).
fn layer_directions(gr: &Gr) -> Vec<Direction> {
    (0..gr.nl)
        .map(|l| {
            if gr.h_cap[l] > gr.v_cap[l] {
                Direction::Horizontal
            } else {
                Direction::Vertical
            }
        })
        .collect()
}

/// The 2-D capacity of each edge: the sum over layers.
fn planar_capacity(g: &Grid2, cap3: &[Vec<i32>]) -> Vec<i32> {
    let mut cap2 = vec![0i32; g.n_edges()];
    for l in cap3 {
        for (e, c) in l.iter().enumerate() {
            cap2[e] = cap2[e].saturating_add(*c);
        }
    }
    cap2
}

/// Each net's distinct pin GCells, in file order; empty for a net inside one GCell.
fn planar_pins(gr: &Gr, g: &Grid2) -> Vec<Vec<usize>> {
    gr.nets
        .iter()
        .map(|(_, p)| {
            let mut seen = std::collections::HashSet::new();
            let v: Vec<usize> = p
                .iter()
                .map(|&(x, y, _)| g.node(x, y))
                .filter(|n| seen.insert(*n))
                .collect();
            if v.len() < 2 {
                Vec::new()
            } else {
                v
            }
        })
        .collect()
}

/// Layer assignment of the 2-D routes, shortest net first, every layer allowed.
fn assign_layers(
    gr: &Gr,
    g: &Grid2,
    dirs: &[Direction],
    cap3: &[Vec<i32>],
    routes: &[Vec<usize>],
) -> (Vec<assign::Assigned>, Vec<Vec<i32>>) {
    let pin3: Vec<Vec<(usize, usize)>> = gr
        .nets
        .iter()
        .map(|(_, p)| p.iter().map(|&(x, y, l)| (g.node(x, y), l)).collect())
        .collect();
    let inputs: Vec<assign::NetInput> = (0..gr.nets.len())
        .map(|i| assign::NetInput {
            pins: &pin3[i],
            edges: &routes[i],
            lmin: 0,
            lmax: gr.nl - 1,
        })
        .collect();
    let mut order: Vec<usize> = (0..gr.nets.len())
        .filter(|&i| !routes[i].is_empty())
        .collect();
    order.sort_by_key(|&i| (routes[i].len(), i));
    assign::assign(g, dirs, cap3, &inputs, &order, 8)
}

/// The contest's scores: overflow in units (usage times the track width over the capacity),
/// and wirelength as edges plus vias.
fn score(
    gr: &Gr,
    g: &Grid2,
    units: &[Vec<i64>],
    usage: &[Vec<i32>],
    assigned: &[assign::Assigned],
    rounds: usize,
) -> GrResult {
    let (mut tof, mut mof) = (0i64, 0i64);
    for l in 0..gr.nl {
        for e in 0..g.n_edges() {
            let over = usage[l][e] as i64 * track_unit(gr, l) - units[l][e];
            if over > 0 {
                tof += over;
                mof = mof.max(over);
            }
        }
    }
    let edges: i64 = usage.iter().flatten().map(|&u| u as i64).sum();
    let vias: i64 = assigned.iter().map(|a| a.vias() as i64).sum();
    GrResult {
        total_overflow: tof,
        max_overflow: mof,
        wirelength: edges + vias,
        vias,
        rounds,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A 3 x 3, two-layer case in the contest's format (layer 1 horizontal, layer 2 vertical).
    const SMALL: &str = "grid 3 3 2
vertical capacity 0 4
horizontal capacity 4 0
minimum width 1 1
minimum spacing 1 1
via spacing 1 1
0 0 10 10
num net 2
A 0 2 0
5 5 1
25 25 1
B 1 2 0
5 25 1
25 5 1
1
0 0 1 1 0 1 0
";

    #[test]
    fn parses_the_contest_format() {
        let g = parse(SMALL).unwrap();
        assert_eq!((g.nx, g.ny, g.nl), (3, 3, 2));
        assert_eq!(g.nets[0].1, vec![(0, 0, 0), (2, 2, 0)]);
        assert_eq!(g.adjust, vec![((0, 0), (1, 0), 0, 0)]);
    }

    #[test]
    fn routes_with_eval2008_numbers() {
        let r = route(&parse(SMALL).unwrap(), 10);
        assert_eq!(r.total_overflow, 0);
        // Each net needs 4 GCell edges and, from layer 1 pins with one bend, at least 2 vias
        // (pin up to layer 2, down at the far pin) plus the bend's.
        assert!(r.wirelength >= 8 + 4, "{r:?}");
        assert!(r.wirelength <= 8 + 8, "{r:?}");
    }

    #[test]
    fn overflow_is_counted_in_capacity_units() {
        // One horizontal track (cap 2 = one wire of width 1 + spacing 1) for two parallel nets.
        let text = "grid 3 2 1
vertical capacity 0
horizontal capacity 2
minimum width 1
minimum spacing 1
via spacing 1
0 0 10 10
num net 2
A 0 2 0
5 5 1
25 5 1
B 1 2 0
5 5 1
25 5 1
0
";
        let r = route(&parse(text).unwrap(), 5);
        assert_eq!(r.total_overflow, 4, "{r:?}"); // 2 edges, each one wire (2 units) over
        assert_eq!(r.max_overflow, 2);
    }

    #[test]
    fn bad_files_are_errors_with_a_line() {
        assert_eq!(parse("grid 3 3").unwrap_err().line, 1);
        let e = parse(&SMALL.replace("25 25 1", "25 25 7")).unwrap_err();
        assert!(e.message.contains("layer 7"), "{e}");
        assert!(parse(&SMALL.replace("num net 2", "num net 3")).is_err());
    }
}
