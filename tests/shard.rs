//! `mpgd dataset --shard I/N` and `--merge`: shards built in any order merge into the bytes of a
//! single-process build; a missing, duplicated or foreign shard is a one-line error and nothing
//! is written.

use crate::util::*;
use std::path::{Path, PathBuf};

fn smoke() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("datasets/smoke.toml")
}

/// `mpgd dataset --config CFG --out OUT [extra...]`, which must succeed.
fn dataset(cfg: &Path, out: &Path, extra: &[&str]) {
    let mut args = vec![
        "--threads",
        "2",
        "dataset",
        "--quiet",
        "--config",
        cfg.to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
    ];
    args.extend_from_slice(extra);
    let o = mpgd(&args);
    assert!(
        o.status.success(),
        "mpgd dataset {extra:?}: {}",
        String::from_utf8_lossy(&o.stderr)
    );
}

fn sidecar(out: &Path, i: usize, n: usize) -> serde_json::Value {
    let p = out.join(format!("shards/shard-{i}-of-{n}.json"));
    serde_json::from_slice(&std::fs::read(p).unwrap()).unwrap()
}

#[test]
fn shards_in_any_order_merge_into_the_single_build() {
    let _ = designs_dir();
    let dir = Dir::new();
    let single = dir.path("single");
    dataset(&smoke(), &single, &[]);
    let want_parquet = std::fs::read(single.join("dataset.parquet")).unwrap();
    let want_manifest = std::fs::read(single.join("manifest.json")).unwrap();
    for order in [&[2usize, 1][..], &[3, 1, 2][..]] {
        let n = order.len();
        let out = dir.path(&format!("n{n}"));
        for &i in order {
            dataset(&smoke(), &out, &["--shard", &format!("{i}/{n}")]);
        }
        // Disjoint, non-empty shares that cover the 12 jobs of the smoke config.
        let mut ids: Vec<u64> = Vec::new();
        for i in 1..=n {
            let jobs = sidecar(&out, i, n)["jobs"].as_array().unwrap().clone();
            assert!(!jobs.is_empty(), "shard {i}/{n} is empty");
            ids.extend(jobs.iter().map(|j| j["id"].as_u64().unwrap()));
        }
        ids.sort_unstable();
        assert_eq!(ids, (0..12).collect::<Vec<u64>>(), "{n} shards");
        assert!(!out.join("dataset.parquet").exists());
        dataset(&smoke(), &out, &["--merge"]);
        let got = std::fs::read(out.join("dataset.parquet")).unwrap();
        assert!(got == want_parquet, "{n} shards: dataset.parquet differs");
        let got = std::fs::read(out.join("manifest.json")).unwrap();
        assert!(got == want_manifest, "{n} shards: manifest.json differs");
    }
}

/// Two small designs, two cheap variants each: four jobs.
fn tiny_config(dir: &Dir, name: &str, seed: u64, adjust: &str) -> PathBuf {
    let text = format!(
        "seed = {seed}\nwindow = 64\nroute_iterations = 1\ndesigns_dir = \"{}\"\n\
         [variants]\nadjust = {adjust}\n\
         [[design]]\nname = \"nangate45/gcd\"\ntechnology = \"nangate45\"\n\
         lefs = [\"nangate45/gcd/Nangate45.lef\"]\ndef = \"nangate45/gcd/gcd.def\"\nsplit = \"train\"\n\
         [[design]]\nname = \"sky130hs/gcd\"\ntechnology = \"sky130hs\"\n\
         lefs = [\"sky130hs/gcd/sky130hs.tlef\", \"sky130hs/gcd/sky130_fd_sc_hs_merged.lef.gz\"]\n\
         def = \"sky130hs/gcd/gcd_sky130.def\"\nsplit = \"test\"\n",
        designs_dir().display()
    );
    dir.write(name, text.as_bytes())
}

#[test]
fn merge_refuses_missing_duplicated_and_foreign_shards() {
    let dir = Dir::new();
    let cfg = tiny_config(&dir, "tiny.toml", 3, r#"["", "*=0.3"]"#);
    let two = dir.path("two");
    let three = dir.path("three");
    dataset(&cfg, &two, &["--shard", "1/2"]);
    dataset(&cfg, &three, &["--shard", "1/3"]);
    let merge = |cfg: &Path| {
        mpgd([
            "dataset",
            "--config",
            cfg.to_str().unwrap(),
            "--out",
            two.to_str().unwrap(),
            "--merge",
        ])
    };
    let nothing_written = || {
        assert!(
            !two.join("dataset.parquet").exists(),
            "nothing may be written"
        );
        assert!(
            !two.join("manifest.json").exists(),
            "nothing may be written"
        );
    };
    assert_user_error(&merge(&cfg), "shard-2-of-2.json: missing shard 2/2");
    nothing_written();
    dataset(&cfg, &two, &["--shard", "2/2"]);

    // A copy of shard 1 under another name.
    let shards = two.join("shards");
    std::fs::copy(shards.join("shard-1-of-2.json"), shards.join("copy.json")).unwrap();
    assert_user_error(&merge(&cfg), "duplicated shard: shard 1/2");
    nothing_written();
    std::fs::remove_file(shards.join("copy.json")).unwrap();

    // A shard of another N.
    for ext in ["json", "parquet"] {
        let f = format!("shard-1-of-3.{ext}");
        std::fs::copy(three.join("shards").join(&f), shards.join(&f)).unwrap();
    }
    assert_user_error(
        &merge(&cfg),
        "shard-1-of-3.json: foreign shard: one of 3 shards",
    );
    nothing_written();
    for ext in ["json", "parquet"] {
        std::fs::remove_file(shards.join(format!("shard-1-of-3.{ext}"))).unwrap();
    }

    // The same shards against another seed or another configuration.
    let other_seed = tiny_config(&dir, "seed.toml", 4, r#"["", "*=0.3"]"#);
    assert_user_error(&merge(&other_seed), "foreign shard: built with seed 3");
    let other_cfg = tiny_config(&dir, "other.toml", 3, r#"["", "*=0.4"]"#);
    assert_user_error(
        &merge(&other_cfg),
        "foreign shard: built from another configuration",
    );
    nothing_written();

    // A samples file that does not match its sidecar.
    let p1 = shards.join("shard-1-of-2.parquet");
    let kept = std::fs::read(&p1).unwrap();
    std::fs::copy(shards.join("shard-2-of-2.parquet"), &p1).unwrap();
    assert_user_error(&merge(&cfg), "damaged shard");
    nothing_written();
    std::fs::write(&p1, kept).unwrap();

    // Complete: the merge writes the four jobs' samples.
    dataset(&cfg, &two, &["--merge"]);
    let m: serde_json::Value =
        serde_json::from_slice(&std::fs::read(two.join("manifest.json")).unwrap()).unwrap();
    assert_eq!(m["summary"]["jobs"], 4);
    assert_eq!(m["summary"]["samples"], 4);
}

#[test]
fn bad_shard_specs_are_one_line() {
    let dir = Dir::new();
    let cfg = tiny_config(&dir, "tiny.toml", 3, r#"[""]"#);
    let out = dir.path("o");
    let run = |spec: &str| {
        mpgd([
            "dataset",
            "--config",
            cfg.to_str().unwrap(),
            "--out",
            out.to_str().unwrap(),
            "--shard",
            spec,
        ])
    };
    assert_user_error(&run("0/2"), "need 1 <= I <= N");
    assert_user_error(&run("2"), "expected I/N");
    assert_user_error(&run("1/3"), "N is more than the 2 jobs");
    let merge = mpgd([
        "dataset",
        "--config",
        cfg.to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
        "--merge",
    ]);
    assert_user_error(&merge, "no shard files");
    assert!(!out.exists(), "nothing may be written");
}
