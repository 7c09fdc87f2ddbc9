//! `mpgd dataset`: build a training dataset (features + congestion labels, one Parquet file) from
//! a configuration file.

use crate::dataset::{build, DatasetConfig, Progress};
use std::path::PathBuf;

/// Arguments of `mpgd dataset`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// The dataset configuration (TOML; see datasets/default.toml and docs/dataset.md).
    #[arg(long, value_name = "DATASET.toml")]
    pub config: PathBuf,
    /// Output folder (dataset.parquet, manifest.json).
    #[arg(long, value_name = "DIR")]
    pub out: PathBuf,
    /// No progress bar.
    #[arg(long)]
    pub quiet: bool,
    /// Print each routed variant's time (seconds, design, variant, grid, samples) as it finishes.
    #[arg(long)]
    pub timings: bool,
}

pub fn run(a: &Args) -> anyhow::Result<()> {
    let cfg = DatasetConfig::load(&a.config)?;
    let s = build(
        &cfg,
        &a.out,
        Progress {
            bar: !a.quiet,
            timings: a.timings,
        },
    )?;
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
    Ok(())
}
