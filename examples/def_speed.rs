//! DEF parse speed: `cargo run --release --example def_speed -- FILE.def[.gz]...` prints the best
//! of several parses in ms and MB/s of uncompressed text, wall time and CPU time (the machine may
//! be shared, so wall time alone misleads). Set `RAYON_NUM_THREADS` to compare 1 and 2 threads.

use std::path::Path;
use std::time::Instant;

/// CPU time of all this process's threads, in seconds (from /proc).
fn cpu_s() -> f64 {
    let mut total = 0u64;
    if let Ok(dir) = std::fs::read_dir("/proc/self/task") {
        for e in dir.flatten() {
            if let Ok(s) = std::fs::read_to_string(e.path().join("schedstat")) {
                total += s
                    .split_whitespace()
                    .next()
                    .and_then(|v| v.parse::<u64>().ok())
                    .unwrap_or(0);
            }
        }
    }
    total as f64 * 1e-9
}

fn main() {
    let runs: usize = std::env::var("RUNS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(7);
    for arg in std::env::args().skip(1) {
        let path = Path::new(&arg);
        let t = Instant::now();
        let text = mpgd::lefdef::read_text(path).expect("readable");
        let read_ms = t.elapsed().as_secs_f64() * 1e3;
        let mb = text.len() as f64 / 1e6;
        println!(
            "{arg}: {mb:.1} MB (read+gunzip {read_ms:.0} ms), threads={}",
            rayon::current_num_threads()
        );
        for keep in [false, true] {
            let opts = mpgd::lefdef::def::ParseOptions {
                keep_net_wiring: keep,
            };
            let (mut wall, mut cpu, mut dropt) = (f64::MAX, f64::MAX, f64::MAX);
            for _ in 0..runs {
                let c = cpu_s();
                let t = Instant::now();
                let (d, _) = mpgd::lefdef::def::parse_with(&text, path, opts).expect("parses");
                wall = wall.min(t.elapsed().as_secs_f64());
                cpu = cpu.min(cpu_s() - c);
                let t = Instant::now();
                drop(std::hint::black_box(d));
                dropt = dropt.min(t.elapsed().as_secs_f64());
            }
            println!(
                "  keep_net_wiring={keep}: wall {:.1} ms = {:.0} MB/s; cpu {:.1} ms = {:.0} MB/s; (drop {:.1} ms)",
                wall * 1e3,
                mb / wall,
                cpu * 1e3,
                mb / cpu,
                dropt * 1e3
            );
        }
        let (d, _) = mpgd::lefdef::def::parse_with(&text, path, Default::default()).unwrap();
        let t = Instant::now();
        let s = mpgd::lefdef::def::to_string(&d);
        println!(
            "  write: {:.1} ms for {:.1} MB",
            t.elapsed().as_secs_f64() * 1e3,
            s.len() as f64 / 1e6
        );
    }
}
