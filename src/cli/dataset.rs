//! `mpgd dataset`: build a training dataset (features + congestion labels, one Parquet file) from
//! a configuration file, in one process or as shards (`--shard I/N`) joined by `--merge`.

use crate::dataset::shard::{build_shard, merge, ShardSpec};
use crate::dataset::{build, DatasetConfig, Progress, Summary};
use std::path::PathBuf;

/// Arguments of `mpgd dataset`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// The dataset configuration (TOML; see datasets/default.toml and docs/dataset.md).
    #[arg(long, value_name = "DATASET.toml")]
    pub config: PathBuf,
    /// Output folder (dataset.parquet, manifest.json; shards go to DIR/shards).
    #[arg(long, value_name = "DIR")]
    pub out: PathBuf,
    /// Build only the I-th of N shares of the (design × variant) jobs (1-based), balanced by
    /// expected cost, into DIR/shards/shard-I-of-N.{parquet,json} (docs/scale.md).
    #[arg(long, value_name = "I/N", conflicts_with = "merge")]
    pub shard: Option<ShardSpec>,
    /// Join the shard files in DIR/shards into dataset.parquet and manifest.json, identical to a
    /// single-process build.
    #[arg(long)]
    pub merge: bool,
    /// No progress bar.
    #[arg(long)]
    pub quiet: bool,
    /// Print each routed variant's time (seconds, design, variant, grid, samples) as it finishes.
    #[arg(long)]
    pub timings: bool,
}

pub fn run(a: &Args) -> anyhow::Result<()> {
    let cfg = DatasetConfig::load(&a.config)?;
    let progress = Progress {
        bar: !a.quiet,
        timings: a.timings,
    };
    if let Some(spec) = a.shard {
        let s = build_shard(&cfg, &a.out, spec, progress)?;
        eprintln!(
            "mpgd: shard {}/{}: {} routed variants ({:.1}% of the expected cost), {} samples, in {:.1} s -> {}",
            s.spec.index,
            s.spec.count,
            s.jobs,
            100.0 * s.cost_share,
            s.samples,
            s.seconds,
            s.spec.parquet_path(&a.out).display()
        );
        return Ok(());
    }
    let s = if a.merge {
        merge(&cfg, &a.out)?
    } else {
        build(&cfg, &a.out, progress)?
    };
    report(&s);
    Ok(())
}

fn report(s: &Summary) {
    eprintln!(
        "mpgd: wrote {} samples ({} train, {} test) from {} designs, {} routed variants, in {:.1} s; {:.2}% of GCells congested",
        s.samples,
        s.train,
        s.test,
        s.designs,
        s.jobs,
        s.seconds,
        100.0 * s.congested_fraction
    );
    eprintln!("mpgd: per-sample max congestion histogram (upper edge: count):");
    for (edge, n) in &s.max_congestion_histogram {
        eprintln!("  <= {edge:<5}: {n}");
    }
}
