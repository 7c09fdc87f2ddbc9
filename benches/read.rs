//! Reading benchmark: LEF/DEF parse and design-model build throughput, 1 thread and all threads.
//!
//! `cargo bench --bench read -- FILE.lef... -- FILE.def ...` or, with no arguments, the designs of
//! `scripts/bench.sh` (it prepares uncompressed copies and the tiled ibex under `target/bench/`).
//! Prints one row per design and thread count: bytes, best-of-N seconds and MB/s for DEF parse
//! alone and for the full `Design::load`, with the component and net counts beside the times so a
//! fast wrong answer shows.

use mpgd::design::{Design, DesignInput, MissingMasters};
use std::path::{Path, PathBuf};
use std::time::Instant;

fn best_of<T>(n: usize, mut f: impl FnMut() -> T) -> (f64, T) {
    let mut best = f64::INFINITY;
    let mut last = None;
    for _ in 0..n {
        let t = Instant::now();
        let v = f();
        best = best.min(t.elapsed().as_secs_f64());
        last = Some(v);
    }
    (best, last.unwrap())
}

fn main() {
    let bench = Path::new(env!("CARGO_MANIFEST_DIR")).join("target/bench");
    let cases: Vec<(&str, Vec<PathBuf>, PathBuf)> = vec![
        (
            "nangate45/ibex_core",
            vec![bench.join("Nangate45.lef")],
            bench.join("ibex_core.def"),
        ),
        (
            "gf180mcu/efuse_ctrl",
            vec![
                bench.join("gf180mcu_5LM_1TM_9K_7t_tech.lef"),
                bench.join("gf180mcu_5LM_1TM_9K_7t_sc.lef"),
            ],
            bench.join("efuse_ctrl.def"),
        ),
        (
            "ibex_core tiled 4x4",
            vec![bench.join("Nangate45.lef")],
            bench.join("ibex_4x4.def"),
        ),
    ];
    let threads = [1usize, rayon::current_num_threads()];
    println!("| design | threads | DEF MB | DEF parse s | DEF parse MB/s | load s (LEF+DEF+model) | load MB/s | components | nets |");
    println!("|---|---:|---:|---:|---:|---:|---:|---:|---:|");
    for (name, lefs, def) in &cases {
        if !def.is_file() {
            eprintln!(
                "skipping {name}: {} missing (run scripts/bench.sh)",
                def.display()
            );
            continue;
        }
        let text = std::fs::read_to_string(def).unwrap();
        let lef_bytes: u64 = lefs
            .iter()
            .map(|l| std::fs::metadata(l).unwrap().len())
            .sum();
        let mb = text.len() as f64 / 1e6;
        for &n in &threads {
            let pool = rayon::ThreadPoolBuilder::new()
                .num_threads(n)
                .build()
                .unwrap();
            let (parse_s, counts) = pool.install(|| {
                best_of(5, || {
                    let (d, _) = mpgd::lefdef::def::parse(&text, def).unwrap();
                    (d.components.len(), d.nets.len())
                })
            });
            let mut input = DesignInput::new(lefs.clone(), def.clone());
            input.options.missing_masters = MissingMasters::Warn;
            let (load_s, design) = pool.install(|| best_of(5, || Design::load(&input).unwrap()));
            assert_eq!(counts, (design.instances.len(), design.nets.len()));
            let total_mb = mb + lef_bytes as f64 / 1e6;
            println!(
                "| {name} | {n} | {mb:.1} | {parse_s:.3} | {:.0} | {load_s:.3} | {:.0} | {} | {} |",
                mb / parse_s,
                total_mb / load_s,
                design.instances.len(),
                design.nets.len()
            );
        }
    }
}
