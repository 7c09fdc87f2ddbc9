//! Feature-map benchmark: all eight maps of nangate45/ibex_core and of ibex tiled 4 x 4, with a
//! pool of 1 thread and one of 2 (and of all cores when there are more), best of N runs of
//! `features::extract` alone (the design is loaded once, outside the timing).
//!
//! `cargo bench --bench features`. Designs from `$MPGD_DESIGNS`, else `../shared/designs`; the
//! tiled design is made in memory with [`mpgd::design::tile`]. Each row prints the grid size and
//! the sums of two maps beside the time, so a fast wrong answer shows, and the CPU time of the
//! best run (all threads), which on a shared machine tells the work from the waiting.

use mpgd::design::tile::{tile, IoPins};
use mpgd::design::{from_parsed, BuildOptions, Design};
use mpgd::features::{self, Channel, FeatureConfig};
use mpgd::route::grid::GCellGrid;
use std::path::{Path, PathBuf};
use std::time::Instant;

fn main() {
    let designs = std::env::var_os("MPGD_DESIGNS")
        .map(PathBuf::from)
        .unwrap_or_else(|| Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/designs"));
    let dir = designs.join("nangate45/ibex_core");
    let lef_path = dir.join("Nangate45.lef");
    let def_path = dir.join("ibex_core_replace.def.gz");
    let (lef, _) = mpgd::lefdef::read_lef(&lef_path).unwrap_or_else(|e| panic!("{e}"));
    let (def, _) = mpgd::lefdef::read_def(&def_path).unwrap_or_else(|e| panic!("{e}"));
    let lefs = [(lef_path.as_path(), &lef)];
    let build = |d: &mpgd::lefdef::def::Def| -> Design {
        from_parsed(&lefs, d, &def_path, BuildOptions::default()).unwrap_or_else(|e| panic!("{e}"))
    };
    let cases = [
        ("nangate45/ibex_core", build(&def)),
        (
            "ibex_core tiled 4x4",
            build(&tile(&def, 4, 4, IoPins::Drop)),
        ),
    ];

    let mut threads = vec![1, 2];
    let all = std::thread::available_parallelism().map_or(1, |n| n.get());
    if all > 2 {
        threads.push(all);
    }
    // Every pool lives to the end, so no thread exits (and drops out of the CPU count) mid-run.
    let pools: Vec<(usize, rayon::ThreadPool)> = threads
        .iter()
        .map(|&t| {
            (
                t,
                rayon::ThreadPoolBuilder::new()
                    .num_threads(t)
                    .build()
                    .unwrap(),
            )
        })
        .collect();
    println!("| design | nets | GCells | threads | extract s (best of 7) | CPU s of that run | Σ rudy | Σ cell_density |");
    println!("|---|---:|---:|---:|---:|---:|---:|---:|");
    for (name, d) in &cases {
        let g = GCellGrid::uniform(d.die, features::default_gcell_size(d));
        for (t, pool) in &pools {
            let mut best = (f64::INFINITY, None);
            let mut last = None;
            for _ in 0..7 {
                let c = cpu_seconds();
                let s = Instant::now();
                let m = pool.install(|| features::extract(d, &g, &FeatureConfig::default()));
                let wall = s.elapsed().as_secs_f64();
                if wall < best.0 {
                    best = (wall, cpu_seconds().zip(c).map(|(b, a)| b - a));
                }
                last = Some(m);
            }
            let cpu = best.1.map_or("-".to_string(), |c| format!("{c:.4}"));
            let best = best.0;
            let m = last.unwrap();
            println!(
                "| {name} | {} | {} x {} | {t} | {best:.4} | {cpu} | {:.1} | {:.0} |",
                d.nets.len(),
                g.nx(),
                g.ny(),
                m.get(Channel::Rudy).sum(),
                m.get(Channel::CellDensity).sum()
            );
        }
    }
}

/// CPU time of all threads of this process so far (Linux `schedstat`), to tell the work from the
/// waiting on a shared machine; `None` elsewhere.
fn cpu_seconds() -> Option<f64> {
    let mut ns = 0u64;
    for e in std::fs::read_dir("/proc/self/task").ok()? {
        let s = std::fs::read_to_string(e.ok()?.path().join("schedstat")).ok()?;
        ns += s.split_whitespace().next()?.parse::<u64>().ok()?;
    }
    Some(ns as f64 * 1e-9)
}
