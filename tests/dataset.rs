//! `mpgd dataset` on `datasets/smoke.toml`: one Parquet file with the documented columns, labels
//! that follow their definition, byte-identical output for any thread count, one-line errors.

use crate::util::*;
use std::path::Path;

fn smoke() -> std::path::PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("datasets/smoke.toml")
}

fn build(dir: &Dir, name: &str, threads: &str) -> Vec<u8> {
    let _ = designs_dir(); // fails clearly when the shared designs are missing
    let out = dir.path(name);
    let o = mpgd([
        "--threads",
        threads,
        "dataset",
        "--quiet",
        "--config",
        smoke().to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
    ]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    std::fs::read(out.join("dataset.parquet")).unwrap()
}

#[test]
fn smoke_dataset_is_identical_for_one_and_two_threads() {
    let dir = Dir::new();
    let a = build(&dir, "a", "1");
    let b = build(&dir, "b", "2");
    assert!(a == b, "dataset.parquet differs between 1 and 2 threads");
    let ma = std::fs::read(dir.path("a/manifest.json")).unwrap();
    let mb = std::fs::read(dir.path("b/manifest.json")).unwrap();
    assert!(ma == mb, "manifest.json differs between runs");
    let m: serde_json::Value = serde_json::from_slice(&ma).unwrap();
    assert_eq!(m["summary"]["samples"], 12);
    assert_eq!(m["summary"]["train"], 6);
    assert_eq!(m["summary"]["test"], 6);
    assert_eq!(m["features"].as_array().unwrap().len(), 18);
    // The derated variants congest gcd: some GCells overflow.
    assert!(m["summary"]["congested_fraction"].as_f64().unwrap() > 0.0);
}

#[test]
fn labels_follow_their_definition() {
    use polars::prelude::*;
    let dir = Dir::new();
    let bytes = build(&dir, "c", "2");
    let df = ParquetReader::new(std::io::Cursor::new(bytes))
        .finish()
        .unwrap();
    assert_eq!(df.height(), 12);
    let col = |name: &str, row: usize| -> Vec<f32> {
        let s = df
            .column(name)
            .unwrap()
            .as_materialized_series()
            .list()
            .unwrap()
            .get_as_series(row)
            .unwrap();
        s.f32().unwrap().into_no_null_iter().collect()
    };
    let mut max_congestion = 0f32;
    for row in 0..df.height() {
        let nx = df.column("nx").unwrap().i32().unwrap().get(row).unwrap() as usize;
        let ny = df.column("ny").unwrap().i32().unwrap().get(row).unwrap() as usize;
        let (h, v, c) = (
            col("congestion_h", row),
            col("congestion_v", row),
            col("congestion", row),
        );
        assert_eq!(c.len(), nx * ny);
        for k in 0..c.len() {
            assert!(h[k] >= 0.0 && v[k] >= 0.0);
            assert!((c[k] - (h[k] + v[k])).abs() < 1e-6);
        }
        // A label is overflow over the capacity column: where it is positive, so is the capacity.
        let (cap_h, cap_v) = (col("capacity_h", row), col("capacity_v", row));
        for k in 0..c.len() {
            assert!(
                h[k] == 0.0 || cap_h[k] > 0.0,
                "row {row}: H overflow without capacity"
            );
            assert!(
                v[k] == 0.0 || cap_v[k] > 0.0,
                "row {row}: V overflow without capacity"
            );
        }
        max_congestion = max_congestion.max(c.iter().copied().fold(0.0, f32::max));
        assert!(
            col("rudy", row).iter().any(|&x| x > 0.0),
            "row {row}: RUDY is empty"
        );
    }
    assert!(max_congestion > 0.0);
}

#[test]
fn a_bad_config_is_one_line_with_its_position() {
    let dir = Dir::new();
    let out = dir.path("o");
    let dataset = |cfg: &std::path::Path| {
        mpgd([
            "dataset",
            "--config",
            cfg.to_str().unwrap(),
            "--out",
            out.to_str().unwrap(),
        ])
    };
    let cfg = dir.write(
        "bad.toml",
        b"seed = 1\nwindow = \"big\"\n[[design]]\nname = \"x\"\n",
    );
    assert_user_error(&dataset(&cfg), "bad.toml:2:10:");
    assert!(!dir.path("o").exists(), "nothing may be written");
    let cfg = dir.write("split.toml", b"[[design]]\nname = \"g\"\ntechnology = \"n\"\nlefs = [\"nangate45/gcd/Nangate45.lef\"]\ndef = \"nangate45/gcd/gcd.def\"\nsplit = \"valid\"\n");
    assert_user_error(&dataset(&cfg), "split must be \"train\" or \"test\"");
}
