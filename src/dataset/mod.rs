//! The dataset builder: design × variant → feature maps + congestion labels, one Parquet file.
//!
//! For each design of a [`DatasetConfig`] and each of its variants (routing-layer range, capacity
//! derating, GCell size, seeded placement perturbation), the design is rebuilt from its perturbed
//! DEF, routed by [`crate::route`] (the label source), and its feature maps are extracted by
//! [`crate::features`] on the router's own GCell grid, so features and labels align pixel for
//! pixel. Large grids are cut into windows of at most `window` GCells a side; each window is a
//! sample. Jobs run in parallel and are collected in configuration order, so the file is
//! byte-identical for a seed whatever the thread count.
//!
//! A build is three steps: [`jobs`] (every design × variant, in configuration order),
//! [`run_jobs`] (route a list of jobs into sample rows) and [`write_dataset`]. [`shard`] runs a
//! share of the jobs per process and merges the shares' files with the same last step.
//!
//! Labels follow CircuitNet, on an absolute scale: per direction,
//! `Σ_layers max(0, demand − capacity) / Σ_layers capacity` (0 where the capacity is 0), and
//! `congestion = congestion_h + congestion_v`.

pub mod channels;
pub mod config;
pub mod drc;
pub mod perturb;
pub mod rng;
pub mod shard;
pub mod write;

pub use config::{DatasetConfig, Split, Variant};

use crate::design::{from_parsed, BuildOptions, Design};
use crate::lefdef::{def::Def, lef::Lef};
use anyhow::Context;
use rayon::prelude::*;
use std::path::{Path, PathBuf};
use write::SampleRow;

pub use channels::{FEATURES, LABELS};

/// What a build produced.
#[derive(Debug, Clone, serde::Serialize)]
pub struct Summary {
    pub samples: usize,
    pub train: usize,
    pub test: usize,
    pub designs: usize,
    pub jobs: usize,
    /// Histogram of the per-sample maximum of `congestion`: (bin upper edge, count).
    pub max_congestion_histogram: Vec<(f32, usize)>,
    /// Fraction of GCells with `congestion > 0`, over all samples.
    pub congested_fraction: f64,
    pub seconds: f64,
}

/// Per-GCell maps of one routed variant, all `[ny * nx]`, row 0 at the bottom.
pub struct RoutedMaps {
    pub nx: usize,
    pub ny: usize,
    pub gcell_um: f64,
    /// Named channels in the order of [`FEATURES`] then [`LABELS`].
    pub channels: Vec<Vec<f32>>,
}

/// A design read once: its LEFs and DEF as parsed, and its unperturbed model.
pub struct Loaded {
    lefs: Vec<(PathBuf, Lef)>,
    def: Def,
    base: Design,
}

impl Loaded {
    /// The design as placed, before any perturbation.
    pub fn base(&self) -> &Design {
        &self.base
    }
}

/// One unit of work: a design of the configuration routed in one of its variants. `id` is its
/// position in configuration order (designs in order, each design's variants in order).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Job {
    pub id: usize,
    /// Index into `cfg.designs`.
    pub design: usize,
    /// Index into that design's `variants`.
    pub variant: usize,
}

/// How a build reports while it runs (stderr only: the output files never depend on it).
#[derive(Clone, Copy, Debug, Default)]
pub struct Progress {
    /// A progress bar over the routed variants.
    pub bar: bool,
    /// A line per routed variant as it finishes: seconds, design, variant, samples.
    pub timings: bool,
}

/// Builds the dataset into `out` (`dataset.parquet`, `manifest.json`): every job of the
/// configuration, in one process.
pub fn build(cfg: &DatasetConfig, out: &Path, progress: Progress) -> anyhow::Result<Summary> {
    let start = std::time::Instant::now();
    let loaded = load_designs(cfg)?;
    let all = jobs(cfg);
    let rows = run_jobs(cfg, &loaded, &all, progress)?;
    let rows: Vec<SampleRow> = rows.into_iter().flatten().collect();
    write_dataset(cfg, &rows, out, start.elapsed().as_secs_f64())
}

/// Every job of the configuration, in configuration order (`jobs(cfg)[k].id == k`).
pub fn jobs(cfg: &DatasetConfig) -> Vec<Job> {
    cfg.designs
        .iter()
        .enumerate()
        .flat_map(|(i, d)| (0..d.variants.len()).map(move |v| (i, v)))
        .enumerate()
        .map(|(id, (design, variant))| Job {
            id,
            design,
            variant,
        })
        .collect()
}

/// Reads every design of the configuration (in parallel), in configuration order.
pub fn load_designs(cfg: &DatasetConfig) -> anyhow::Result<Vec<Loaded>> {
    cfg.designs
        .par_iter()
        .map(|d| -> anyhow::Result<Loaded> {
            let lefs = d
                .lefs
                .iter()
                .map(|p| crate::lefdef::read_lef(p).map(|(l, _)| (p.clone(), l)))
                .collect::<Result<Vec<_>, _>>()?;
            let (def, _) = crate::lefdef::read_def(&d.def)?;
            let base = build_design(&lefs, &def, &d.def)?;
            Ok(Loaded { lefs, def, base })
        })
        .collect()
}

/// Routes the given jobs in parallel; returns each job's samples (its windows), in the order of
/// `jobs`, whatever the thread count. `loaded` is [`load_designs`]' result.
pub fn run_jobs(
    cfg: &DatasetConfig,
    loaded: &[Loaded],
    jobs: &[Job],
    progress: Progress,
) -> anyhow::Result<Vec<Vec<SampleRow>>> {
    let bar = progress_bar(progress.bar, jobs.len() as u64);
    let results = jobs
        .par_iter()
        .map(|job| -> anyhow::Result<Vec<SampleRow>> {
            let entry = &cfg.designs[job.design];
            let v = &entry.variants[job.variant];
            let job_start = std::time::Instant::now();
            let l = &loaded[job.design];
            let mut def = l.def.clone();
            perturb::apply(v.perturb, &l.base, &mut def);
            let design = build_design(&l.lefs, &def, &entry.def)?;
            let maps = route_and_extract(&design, v, cfg.route_iterations)
                .with_context(|| format!("design '{}', variant {}", entry.name, v.label()))?;
            bar.inc(1);
            let wins = windows(&maps, cfg.window);
            if progress.timings {
                let line = format!(
                    "{:>8.1} s  {}  {}  {} x {} GCells, {} samples",
                    job_start.elapsed().as_secs_f64(),
                    entry.name,
                    v.label(),
                    maps.nx,
                    maps.ny,
                    wins.len()
                );
                if progress.bar {
                    bar.println(line);
                } else {
                    eprintln!("{line}");
                }
            }
            Ok(wins
                .into_iter()
                .map(|(wi, wj, x0, y0, w, h)| SampleRow {
                    id: format!("{}|{}|w{wi}_{wj}", entry.name, v.label()),
                    design: entry.name.clone(),
                    technology: entry.technology.clone(),
                    variant: v.to_json(),
                    split: entry.split.as_str(),
                    nx: w as i32,
                    ny: h as i32,
                    gcell_um: maps.gcell_um,
                    channels: maps
                        .channels
                        .iter()
                        .map(|c| crop(c, maps.nx, x0, y0, w, h))
                        .collect(),
                })
                .collect())
        })
        .collect::<anyhow::Result<_>>();
    bar.finish_and_clear();
    results
}

/// Writes the samples of every job, in configuration order, as `out/dataset.parquet` and
/// `out/manifest.json`; the summary is computed from `rows`.
pub fn write_dataset(
    cfg: &DatasetConfig,
    rows: &[SampleRow],
    out: &Path,
    seconds: f64,
) -> anyhow::Result<Summary> {
    let names: Vec<&str> = FEATURES.iter().chain(LABELS.iter()).copied().collect();
    let summary = summarize(rows, cfg, jobs(cfg).len(), seconds);
    std::fs::create_dir_all(out)
        .with_context(|| format!("{}: cannot create the folder", out.display()))?;
    write::write_parquet(rows, &names, &out.join("dataset.parquet"))?;
    let manifest = serde_json::json!({
        "config": cfg.path.display().to_string(),
        "seed": cfg.seed,
        "window": cfg.window,
        "route_iterations": cfg.route_iterations,
        "features": FEATURES,
        "labels": LABELS,
        "designs": cfg.designs.iter().map(|d| serde_json::json!({
            "name": d.name, "technology": d.technology, "split": d.split.as_str(),
            "def": d.def.file_name().map(|f| f.to_string_lossy().into_owned()),
            "variants": d.variants.iter().map(Variant::to_json).collect::<Vec<_>>(),
        })).collect::<Vec<_>>(),
        "summary": summary_without_time(&summary),
        "mpgd_version": env!("CARGO_PKG_VERSION"),
    });
    crate::output::write_atomic(
        &out.join("manifest.json"),
        serde_json::to_string_pretty(&manifest)?.as_bytes(),
    )?;
    Ok(summary)
}

fn build_design(lefs: &[(PathBuf, Lef)], def: &Def, def_path: &Path) -> anyhow::Result<Design> {
    let refs: Vec<(&Path, &Lef)> = lefs.iter().map(|(p, l)| (p.as_path(), l)).collect();
    Ok(from_parsed(&refs, def, def_path, BuildOptions::default())?)
}

fn progress_bar(show: bool, n: u64) -> indicatif::ProgressBar {
    if !show {
        return indicatif::ProgressBar::hidden();
    }
    let bar = indicatif::ProgressBar::new(n);
    bar.set_style(
        indicatif::ProgressStyle::with_template(
            "{spinner} routing variants [{bar:40}] {pos}/{len} {elapsed_precise} eta {eta}",
        )
        .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar())
        .progress_chars("=> "),
    );
    bar
}

/// Windows of at most `window` GCells a side covering an `nx × ny` grid, as equal as possible:
/// `(i, j, x0, y0, w, h)`.
pub fn windows(
    maps: &RoutedMaps,
    window: usize,
) -> Vec<(usize, usize, usize, usize, usize, usize)> {
    let split = |n: usize| -> Vec<(usize, usize)> {
        let k = n.div_ceil(window).max(1);
        (0..k)
            .map(|t| (t * n / k, (t + 1) * n / k - t * n / k))
            .collect()
    };
    let mut out = Vec::new();
    for (j, &(y0, h)) in split(maps.ny).iter().enumerate() {
        for (i, &(x0, w)) in split(maps.nx).iter().enumerate() {
            out.push((i, j, x0, y0, w, h));
        }
    }
    out
}

fn crop(map: &[f32], nx: usize, x0: usize, y0: usize, w: usize, h: usize) -> Vec<f32> {
    let mut out = Vec::with_capacity(w * h);
    for y in y0..y0 + h {
        out.extend_from_slice(&map[y * nx + x0..y * nx + x0 + w]);
    }
    out
}

fn summarize(rows: &[SampleRow], cfg: &DatasetConfig, jobs: usize, seconds: f64) -> Summary {
    let label = FEATURES.len() + 2; // "congestion"
    let edges = [0.0f32, 0.05, 0.1, 0.2, 0.5, 1.0, 2.0, f32::INFINITY];
    let mut hist = vec![0usize; edges.len()];
    let (mut hot, mut all) = (0usize, 0usize);
    for r in rows {
        let c = &r.channels[label];
        let max = c.iter().copied().fold(0.0f32, f32::max);
        let bin = edges
            .iter()
            .position(|&e| max <= e)
            .unwrap_or(edges.len() - 1);
        hist[bin] += 1;
        hot += c.iter().filter(|&&v| v > 0.0).count();
        all += c.len();
    }
    Summary {
        samples: rows.len(),
        train: rows.iter().filter(|r| r.split == "train").count(),
        test: rows.iter().filter(|r| r.split == "test").count(),
        designs: cfg.designs.len(),
        jobs,
        max_congestion_histogram: edges.iter().copied().zip(hist).collect(),
        congested_fraction: if all > 0 {
            hot as f64 / all as f64
        } else {
            0.0
        },
        seconds,
    }
}

/// The summary without its run time, so the manifest is byte-identical between runs.
fn summary_without_time(s: &Summary) -> serde_json::Value {
    let mut v = serde_json::to_value(s).unwrap_or_default();
    if let Some(o) = v.as_object_mut() {
        o.remove("seconds");
    }
    v
}

/// Routes one variant and computes every dataset channel on the router's grid.
///
/// One routing run gives both: the early-global-routing maps (`egr_overflow_*`) come from its
/// 2-D pattern stage (before rip-up and reroute), the labels from its final, layer-assigned
/// routes after `iterations` rounds ([`channels::compute`]).
fn route_and_extract(
    design: &Design,
    v: &Variant,
    iterations: usize,
) -> anyhow::Result<RoutedMaps> {
    let cfg = variant_route_config(design, v, iterations)?;
    let names: Vec<&str> = FEATURES.iter().chain(LABELS.iter()).copied().collect();
    let c = channels::compute(design, &cfg, &names)?;
    Ok(RoutedMaps {
        nx: c.nx(),
        ny: c.ny(),
        gcell_um: c.gcell_um,
        channels: c.maps,
    })
}

/// The routing configuration of a variant: its layer range, deratings and GCell size.
pub fn variant_route_config(
    design: &Design,
    v: &Variant,
    iterations: usize,
) -> anyhow::Result<crate::route::RouteConfig> {
    let mut cfg = crate::route::RouteConfig {
        iterations,
        ..crate::route::RouteConfig::default()
    };
    if !v.layers.is_empty() {
        cfg.layer_range =
            Some(crate::route::parse_layer_range(&v.layers).map_err(anyhow::Error::msg)?);
    }
    for item in v.adjust.split(',').filter(|s| !s.trim().is_empty()) {
        cfg.layer_adjust
            .push(crate::route::parse_layer_adjust(item.trim()).map_err(anyhow::Error::msg)?);
    }
    let tile = crate::route::setup::third_layer_tile(design)
        .ok_or_else(|| anyhow::anyhow!("no routing layer with tracks to size GCells by"))?;
    // third_layer_tile is 15 pitches of the third routing layer; scale to the variant's pitch count.
    cfg.gcell_size = Some((tile * v.gcell_pitches as i64) / 15);
    Ok(cfg)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn maps(nx: usize, ny: usize) -> RoutedMaps {
        RoutedMaps {
            nx,
            ny,
            gcell_um: 1.0,
            channels: vec![(0..nx * ny).map(|v| v as f32).collect()],
        }
    }

    #[test]
    fn windows_cover_the_grid_once_and_are_nearly_equal() {
        let w = windows(&maps(130, 40), 64);
        assert_eq!(w.len(), 3);
        assert_eq!(w.iter().map(|t| t.4 * t.5).sum::<usize>(), 130 * 40);
        assert_eq!(w.iter().map(|t| t.4).collect::<Vec<_>>(), vec![43, 43, 44]);
        assert_eq!(windows(&maps(64, 64), 64).len(), 1);
    }

    #[test]
    fn crop_takes_rows_from_the_bottom() {
        let m = maps(4, 3); // values 0..12, row 0 = 0..4
        assert_eq!(
            crop(&m.channels[0], 4, 1, 1, 2, 2),
            vec![5.0, 6.0, 9.0, 10.0]
        );
    }

    #[test]
    fn congestion_is_overflow_over_capacity_and_zero_without_capacity() {
        assert_eq!(
            crate::route::overflow_ratio(&[2.0, 0.0, 3.0], &[8.0, 5.0, 0.0]),
            vec![0.25, 0.0, 0.0]
        );
    }
}
