//! Reports of a routing run, in OpenROAD's formats where it has one: the GRT-0053 resource table
//! and the GRT-0096 congestion table (column layout copied from grt's format strings, so the
//! lines can be diffed against `.ok` logs), route guides as `write_guides` writes them, the JSON
//! of the SPEC, and per-GCell maps as NumPy `.npy` files with a `grid.json`.
//!
//! Everything here formats into strings or byte buffers; the caller decides where they go, so a
//! failed run never leaves half-written files.

use super::RouteResult;
use serde::Serialize;
use std::fmt::Write;

/// The GRT-0053 "Routing resources analysis" table.
pub fn resources_table(r: &RouteResult) -> String {
    let mut s = String::new();
    let _ = writeln!(s, "[INFO GRT-0053] Routing resources analysis:");
    let _ = writeln!(
        s,
        "          Routing      Original      Derated      Resource"
    );
    let _ = writeln!(
        s,
        "Layer     Direction    Resources     Resources    Reduction (%)"
    );
    let _ = writeln!(
        s,
        "---------------------------------------------------------------"
    );
    for l in &r.layers {
        let red = if l.original_resource > 0 {
            (1.0 - (l.derated_resource as f32 / l.original_resource as f32)) * 100.0
        } else {
            0.0
        };
        let _ = writeln!(
            s,
            "{:<7}    {:<10}   {:>8}      {:>8}          {:.2}%",
            l.name, l.direction, l.original_resource, l.derated_resource, red
        );
    }
    let _ = writeln!(
        s,
        "---------------------------------------------------------------"
    );
    s
}

/// The GRT-0096 "Final congestion report" table, plus wirelength and vias lines.
pub fn congestion_table(r: &RouteResult) -> String {
    let mut s = String::new();
    let _ = writeln!(s, "[INFO GRT-0111] Final number of vias: {}", r.vias);
    let _ = writeln!(s);
    let _ = writeln!(s, "[INFO GRT-0096] Final congestion report:");
    let _ = writeln!(
        s,
        "Layer         Resource        Demand        Usage (%)    Max H / Max V / Total Congestion"
    );
    let dash = "-".repeat(87);
    let _ = writeln!(s, "{dash}");
    let (mut tr, mut td) = (0i64, 0i64);
    for l in &r.layers {
        let u = if l.derated_resource == 0 {
            0.0
        } else {
            l.demand as f32 / l.derated_resource as f32 * 100.0
        };
        tr += l.derated_resource;
        td += l.demand;
        let _ = writeln!(
            s,
            "{:<7}      {:>9}       {:>7}        {:>8.2}%            {:>2} / {:>2} / {:>2}",
            l.name, l.derated_resource, l.demand, u, l.max_h, l.max_v, l.overflow
        );
    }
    let u = if tr == 0 {
        0.0
    } else {
        td as f32 / tr as f32 * 100.0
    };
    let _ = writeln!(s, "{dash}");
    let _ = writeln!(
        s,
        "Total        {:>9}       {:>7}        {:>8.2}%            {:>2} / {:>2} / {:>2}",
        tr, td, u, r.max_overflow_h, r.max_overflow_v, r.total_overflow
    );
    let _ = writeln!(s);
    let _ = writeln!(
        s,
        "[INFO GRT-0018] Total wirelength: {} um",
        r.wirelength_um
    );
    let _ = writeln!(s, "[INFO GRT-0014] Routed nets: {}", r.routed_nets);
    s
}

#[derive(Serialize)]
struct JsonLayer<'a> {
    name: &'a str,
    direction: &'a str,
    original_resource: i64,
    derated_resource: i64,
    demand: i64,
    max_overflow_h: i64,
    max_overflow_v: i64,
    overflow: i64,
}

#[derive(Serialize)]
struct Json<'a> {
    total_overflow: i64,
    max_overflow_h: i64,
    max_overflow_v: i64,
    total_overflow_unadjusted: i64,
    wirelength_um: i64,
    vias: i64,
    runtime_s: f64,
    gcell_um: f64,
    nx: usize,
    ny: usize,
    routed_nets: usize,
    rip_up_rounds: usize,
    overflow_2d: i64,
    layers: Vec<JsonLayer<'a>>,
}

/// The `--json` report (SPEC fields plus a few more).
pub fn json(r: &RouteResult) -> String {
    let j = Json {
        total_overflow: r.total_overflow,
        max_overflow_h: r.max_overflow_h,
        max_overflow_v: r.max_overflow_v,
        total_overflow_unadjusted: r.total_overflow_unadjusted,
        wirelength_um: r.wirelength_um,
        vias: r.vias,
        runtime_s: r.runtime_s,
        gcell_um: r.gcell_um,
        nx: r.grid.nx,
        ny: r.grid.ny,
        routed_nets: r.routed_nets,
        rip_up_rounds: r.rounds,
        overflow_2d: r.overflow_2d,
        layers: r
            .layers
            .iter()
            .map(|l| JsonLayer {
                name: &l.name,
                direction: &l.direction,
                original_resource: l.original_resource,
                derated_resource: l.derated_resource,
                demand: l.demand,
                max_overflow_h: l.max_h,
                max_overflow_v: l.max_v,
                overflow: l.overflow,
            })
            .collect(),
    };
    serde_json::to_string_pretty(&j).unwrap_or_default()
}

/// Route guides in OpenROAD's format: per net `name`, `(`, one `xlo ylo xhi yhi layer` line per
/// wire (GCell boxes from the first to the last GCell of the wire) and per via (the GCell box on
/// the lower layer of each via), `)`.
pub fn guides(r: &RouteResult, layer_names: &[String]) -> String {
    let g = r.grid;
    let t = g.tile;
    let bx = |a: (usize, usize), b: (usize, usize)| {
        let (ax, ay) = g.center(a.0.min(b.0), a.1.min(b.1));
        let (bxx, byy) = g.center(a.0.max(b.0), a.1.max(b.1));
        let (mut urx, mut ury) = (bxx + t / 2, byy + t / 2);
        if (g.die.hi.x - urx) / t < 1 {
            urx = g.die.hi.x;
        }
        if (g.die.hi.y - ury) / t < 1 {
            ury = g.die.hi.y;
        }
        (ax - t / 2, ay - t / 2, urx, ury)
    };
    let mut s = String::new();
    for n in &r.routes {
        if n.wires.is_empty() && n.stacks.is_empty() {
            continue;
        }
        let _ = writeln!(s, "{}\n(", n.name);
        for &(c, lo, hi) in &n.stacks {
            for name in &layer_names[lo..hi] {
                let b = bx(c, c);
                let _ = writeln!(s, "{} {} {} {} {}", b.0, b.1, b.2, b.3, name);
            }
        }
        for &(l, a, b) in &n.wires {
            let b = bx(a, b);
            let _ = writeln!(s, "{} {} {} {} {}", b.0, b.1, b.2, b.3, layer_names[l]);
        }
        let _ = writeln!(s, ")");
    }
    s
}

/// `grid.json` for `--maps`: origin and GCell size (µm), nx, ny, layer names.
pub fn grid_json(r: &RouteResult, layer_names: &[String]) -> String {
    let d = r.dbu_per_micron as f64;
    let v = serde_json::json!({
        "origin_um": [r.grid.die.lo.x as f64 / d, r.grid.die.lo.y as f64 / d],
        "gcell_um": r.gcell_um,
        "nx": r.grid.nx,
        "ny": r.grid.ny,
        "layers": layer_names,
        "maps": ["cap_h", "cap_v", "demand_h", "demand_v", "congestion"],
        "note": "last column/row GCells are larger: they absorb the die remainder",
    });
    serde_json::to_string_pretty(&v).unwrap_or_default()
}
