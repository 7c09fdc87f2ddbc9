//! Sharded dataset builds: the (design × variant) jobs of a configuration cut into N disjoint
//! shares balanced by expected cost, one shard file per share, and the merge that joins them into
//! the `dataset.parquet` and `manifest.json` a single-process build writes, byte for byte.
//!
//! A shard `I/N` (1-based) writes `DIR/shards/shard-I-of-N.parquet` (its samples, job by job, in
//! the dataset's schema) and then `DIR/shards/shard-I-of-N.json`, a sidecar naming the
//! configuration (a hash of everything that decides the samples), the seed, `I`, `N` and the jobs
//! it holds with their sample counts. The sidecar is written last, so a shard without one is
//! unfinished. The merge checks the sidecars found in `DIR/shards` (same configuration and seed,
//! one `N`, every shard once, every job once) before it writes anything.
//!
//! Expected cost of a job: `nets × (15 / gcell_pitches) × (1 + 10 a) × (1 + 10 s)`, with `a` the
//! variant's largest capacity derating fraction and `s` the fraction of cells it swaps. Routing
//! time grows about linearly with the nets at a given GCell size (`docs/performance.md`: 4× the
//! nets of ibex by tiling cost 2.5-3× the time, 16× cost 10×; GCells × nets would say 16× and
//! 256×), a net's route is longer in GCells when they are smaller, and derating and swapping make
//! congestion that the rip-up rounds pay for (`docs/dataset.md`: ibex 5 s clean, 30 to 70 s at
//! `*=0.45`..`*=0.55`, 412 s with 5% of its cells swapped as well). A rough guess, measured
//! against real times in `docs/scale.md`. Jobs go to
//! shards by greedy longest-processing-time in a fixed order (cost descending, then job id), so
//! every process computes the same assignment.

use super::write::SampleRow;
use super::{DatasetConfig, Job, Loaded, Progress, Summary, Variant, FEATURES, LABELS};
use std::path::{Path, PathBuf};

/// What went wrong with a shard specification, a shard file or a merge.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ShardError {
    #[error("--shard '{spec}': {problem}")]
    BadSpec { spec: String, problem: String },
    #[error("{}: no shard files (build them with --shard I/N first)", dir.display())]
    NoShards { dir: PathBuf },
    #[error("{}: missing shard {index}/{count}", path.display())]
    Missing {
        path: PathBuf,
        index: usize,
        count: usize,
    },
    #[error("{}: duplicated shard: {what} is also in {}", path.display(), other.display())]
    Duplicated {
        path: PathBuf,
        other: PathBuf,
        what: String,
    },
    #[error("{}: foreign shard: {reason}", path.display())]
    Foreign { path: PathBuf, reason: String },
    #[error("{}: damaged shard: {reason}", path.display())]
    Damaged { path: PathBuf, reason: String },
    #[error("{}: {message}", path.display())]
    Io { path: PathBuf, message: String },
}

/// Which share of the jobs a process builds: `index` of `count`, 1-based.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ShardSpec {
    pub index: usize,
    pub count: usize,
}

impl std::str::FromStr for ShardSpec {
    type Err = ShardError;
    /// Parses `I/N` with `1 <= I <= N`.
    fn from_str(s: &str) -> Result<ShardSpec, ShardError> {
        let bad = |problem: &str| ShardError::BadSpec {
            spec: s.to_string(),
            problem: problem.to_string(),
        };
        let (i, n) = s
            .split_once('/')
            .ok_or_else(|| bad("expected I/N, e.g. 1/4"))?;
        let index: usize = i.trim().parse().map_err(|_| bad("I is not a number"))?;
        let count: usize = n.trim().parse().map_err(|_| bad("N is not a number"))?;
        if count == 0 || index == 0 || index > count {
            return Err(bad("need 1 <= I <= N (shards are numbered from 1)"));
        }
        Ok(ShardSpec { index, count })
    }
}

impl ShardSpec {
    fn stem(&self) -> String {
        format!("shard-{}-of-{}", self.index, self.count)
    }
    /// The shard's sample file under the output folder.
    pub fn parquet_path(&self, out: &Path) -> PathBuf {
        shard_dir(out).join(format!("{}.parquet", self.stem()))
    }
    /// The shard's sidecar under the output folder.
    pub fn sidecar_path(&self, out: &Path) -> PathBuf {
        shard_dir(out).join(format!("{}.json", self.stem()))
    }
}

/// The folder holding the shard files of a dataset folder.
pub fn shard_dir(out: &Path) -> PathBuf {
    out.join("shards")
}

/// A shard file's sidecar (`shard-I-of-N.json`).
#[derive(Clone, Debug, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Sidecar {
    pub format: String,
    /// [`config_hash`] of the configuration the shard was built from.
    pub config_hash: String,
    pub seed: u64,
    pub shard: usize,
    pub shards: usize,
    /// The samples file, beside the sidecar.
    pub parquet: String,
    pub jobs: Vec<SidecarJob>,
    pub mpgd_version: String,
}

/// One job of a shard: its id in configuration order, what it is, how many samples it gave.
#[derive(Clone, Debug, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct SidecarJob {
    pub id: usize,
    pub design: String,
    pub variant: String,
    pub samples: usize,
}

const FORMAT: &str = "mpgd-dataset-shard-1";

/// A hash (FNV-1a, 64 bits, hex) of everything in a configuration that decides the samples: seed,
/// window, routing rounds, channels, and per design its name, technology, split, file names and
/// variants; and the mpgd version. Absolute paths are left out, so machines that mount the designs
/// at different places agree.
pub fn config_hash(cfg: &DatasetConfig) -> String {
    let file = |p: &Path| p.file_name().map(|f| f.to_string_lossy().into_owned());
    let identity = serde_json::json!({
        "seed": cfg.seed,
        "window": cfg.window,
        "route_iterations": cfg.route_iterations,
        "features": FEATURES,
        "labels": LABELS,
        "designs": cfg.designs.iter().map(|d| serde_json::json!({
            "name": d.name, "technology": d.technology, "split": d.split.as_str(),
            "lefs": d.lefs.iter().map(|p| file(p)).collect::<Vec<_>>(),
            "def": file(&d.def),
            "variants": d.variants.iter().map(Variant::to_json).collect::<Vec<_>>(),
        })).collect::<Vec<_>>(),
        "mpgd_version": env!("CARGO_PKG_VERSION"),
    });
    let h = identity
        .to_string()
        .bytes()
        .fold(0xcbf2_9ce4_8422_2325u64, |h, b| {
            (h ^ b as u64).wrapping_mul(0x100_0000_01b3)
        });
    format!("{h:016x}")
}

/// The expected cost of a job (see the module documentation), from its design as placed.
pub fn job_cost(cfg: &DatasetConfig, loaded: &[Loaded], job: &Job) -> u64 {
    let nets = loaded[job.design].base().nets.len().max(1) as u64;
    let v = &cfg.designs[job.design].variants[job.variant];
    let derate = v
        .adjust
        .split(',')
        .filter_map(|item| item.split_once('=')?.1.trim().parse::<f64>().ok())
        .fold(0.0f64, f64::max);
    let swap = match v.perturb {
        super::perturb::Perturbation::Swap { fraction, .. } => fraction,
        _ => 0.0,
    };
    // nets × (15 / pitches) × (1 + 10 a) × (1 + 10 s), in integers so every machine agrees.
    let factor = |x: f64| 10 + (100.0 * x).round() as u64;
    nets * 15 * factor(derate) * factor(swap) / v.gcell_pitches.max(1) as u64
}

/// Greedy longest-processing-time: jobs by cost descending (ties: lower id first), each to the
/// shard with the least assigned cost (ties: lower shard). Returns each shard's job ids, ascending.
pub fn assign(costs: &[u64], count: usize) -> Vec<Vec<usize>> {
    let mut order: Vec<usize> = (0..costs.len()).collect();
    order.sort_by(|&a, &b| costs[b].cmp(&costs[a]).then(a.cmp(&b)));
    let mut load = vec![0u128; count];
    let mut shards = vec![Vec::new(); count];
    for id in order {
        let s = (0..count).min_by_key(|&s| (load[s], s)).unwrap_or(0);
        load[s] += costs[id] as u128;
        shards[s].push(id);
    }
    for s in &mut shards {
        s.sort_unstable();
    }
    shards
}

/// What a shard build produced.
#[derive(Clone, Debug)]
pub struct ShardSummary {
    pub spec: ShardSpec,
    pub jobs: usize,
    pub samples: usize,
    /// This shard's share of the whole configuration's expected cost, in [0, 1].
    pub cost_share: f64,
    pub seconds: f64,
}

/// Builds shard `spec` of the configuration into `out/shards/` (samples file, then sidecar).
pub fn build_shard(
    cfg: &DatasetConfig,
    out: &Path,
    spec: ShardSpec,
    progress: Progress,
) -> anyhow::Result<ShardSummary> {
    let start = std::time::Instant::now();
    let all = super::jobs(cfg);
    if spec.count > all.len() {
        return Err(ShardError::BadSpec {
            spec: format!("{}/{}", spec.index, spec.count),
            problem: format!("N is more than the {} jobs of the configuration", all.len()),
        }
        .into());
    }
    let loaded = super::load_designs(cfg)?;
    let costs: Vec<u64> = all.iter().map(|j| job_cost(cfg, &loaded, j)).collect();
    let mine: Vec<Job> = assign(&costs, spec.count)[spec.index - 1]
        .iter()
        .map(|&id| all[id])
        .collect();
    let per_job = super::run_jobs(cfg, &loaded, &mine, progress)?;
    let sidecar = Sidecar {
        format: FORMAT.into(),
        config_hash: config_hash(cfg),
        seed: cfg.seed,
        shard: spec.index,
        shards: spec.count,
        parquet: format!("{}.parquet", spec.stem()),
        jobs: mine
            .iter()
            .zip(&per_job)
            .map(|(j, rows)| SidecarJob {
                id: j.id,
                design: cfg.designs[j.design].name.clone(),
                variant: cfg.designs[j.design].variants[j.variant].label(),
                samples: rows.len(),
            })
            .collect(),
        mpgd_version: env!("CARGO_PKG_VERSION").into(),
    };
    let rows: Vec<SampleRow> = per_job.into_iter().flatten().collect();
    std::fs::create_dir_all(shard_dir(out))
        .map_err(|e| io_error(&shard_dir(out), "cannot create the folder", e))?;
    let names: Vec<&str> = FEATURES.iter().chain(LABELS.iter()).copied().collect();
    super::write::write_parquet(&rows, &names, &spec.parquet_path(out))?;
    crate::output::write_atomic(
        &spec.sidecar_path(out),
        serde_json::to_string_pretty(&sidecar)?.as_bytes(),
    )?;
    let total: u128 = costs.iter().map(|&c| c as u128).sum();
    let own: u128 = mine.iter().map(|j| costs[j.id] as u128).sum();
    Ok(ShardSummary {
        spec,
        jobs: mine.len(),
        samples: rows.len(),
        cost_share: own as f64 / total.max(1) as f64,
        seconds: start.elapsed().as_secs_f64(),
    })
}

/// Joins the shard files in `out/shards/` into `out/dataset.parquet` and `out/manifest.json`,
/// identical to [`super::build`]'s. Every check runs before anything is written.
pub fn merge(cfg: &DatasetConfig, out: &Path) -> Result<Summary, ShardError> {
    let start = std::time::Instant::now();
    let shards = check_sidecars(cfg, out)?;
    let mut per_job: Vec<Option<Vec<SampleRow>>> = vec![None; super::jobs(cfg).len()];
    for (path, sidecar) in &shards {
        let parquet = path.with_file_name(&sidecar.parquet);
        let rows = read_rows(&parquet)?;
        split_by_job(cfg, &parquet, sidecar, rows, &mut per_job)?;
    }
    let rows: Vec<SampleRow> = per_job.into_iter().flatten().flatten().collect();
    super::write_dataset(cfg, &rows, out, start.elapsed().as_secs_f64()).map_err(|e| {
        ShardError::Io {
            path: out.to_path_buf(),
            message: format!("{e:#}"),
        }
    })
}

/// Reads every sidecar in `out/shards` and checks that together they are exactly the shards of
/// this configuration: one `N`, each `I` once, each job once. Sorted by shard index.
fn check_sidecars(cfg: &DatasetConfig, out: &Path) -> Result<Vec<(PathBuf, Sidecar)>, ShardError> {
    let dir = shard_dir(out);
    let found = list_sidecars(&dir)?;
    let Some((first_path, first)) = found.first().cloned() else {
        return Err(ShardError::NoShards { dir });
    };
    let hash = config_hash(cfg);
    let mut by_index: Vec<Option<PathBuf>> = vec![None; first.shards + 1];
    let mut job_owner: Vec<Option<PathBuf>> = vec![None; super::jobs(cfg).len()];
    for (path, s) in &found {
        let foreign = |reason: String| ShardError::Foreign {
            path: path.clone(),
            reason,
        };
        if s.seed != cfg.seed {
            return Err(foreign(format!(
                "built with seed {}, the configuration has seed {}",
                s.seed, cfg.seed
            )));
        }
        if s.config_hash != hash {
            return Err(foreign(format!(
                "built from another configuration or mpgd version (hash {}, this one {hash})",
                s.config_hash
            )));
        }
        if s.shards != first.shards {
            return Err(foreign(format!(
                "one of {} shards, but {} is one of {}",
                s.shards,
                first_path.display(),
                first.shards
            )));
        }
        if s.shard == 0 || s.shard > s.shards {
            return Err(ShardError::Damaged {
                path: path.clone(),
                reason: format!("shard {}/{} is out of range", s.shard, s.shards),
            });
        }
        if let Some(other) = by_index[s.shard].replace(path.clone()) {
            return Err(ShardError::Duplicated {
                path: path.clone(),
                other,
                what: format!("shard {}/{}", s.shard, s.shards),
            });
        }
        for j in &s.jobs {
            let slot = job_owner.get_mut(j.id).ok_or_else(|| ShardError::Damaged {
                path: path.clone(),
                reason: format!("job {} does not exist in this configuration", j.id),
            })?;
            if let Some(other) = slot.replace(path.clone()) {
                return Err(ShardError::Duplicated {
                    path: path.clone(),
                    other,
                    what: format!("job {} ({} {})", j.id, j.design, j.variant),
                });
            }
        }
    }
    let spec = |index| ShardSpec {
        index,
        count: first.shards,
    };
    if let Some(i) = (1..=first.shards).find(|&i| by_index[i].is_none()) {
        return Err(ShardError::Missing {
            path: spec(i).sidecar_path(out),
            index: i,
            count: first.shards,
        });
    }
    if let Some(id) = job_owner.iter().position(Option::is_none) {
        return Err(ShardError::Damaged {
            path: dir,
            reason: format!(
                "no shard holds job {id}, though all {} shards are here",
                first.shards
            ),
        });
    }
    let mut found = found;
    found.sort_by_key(|(_, s)| s.shard);
    Ok(found)
}

/// The sidecars (`*.json`) of a shard folder, sorted by file name.
fn list_sidecars(dir: &Path) -> Result<Vec<(PathBuf, Sidecar)>, ShardError> {
    let entries = match std::fs::read_dir(dir) {
        Ok(e) => e,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            return Err(ShardError::NoShards {
                dir: dir.to_path_buf(),
            })
        }
        Err(e) => return Err(io_error(dir, "cannot list", e)),
    };
    let mut paths: Vec<PathBuf> = entries
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "json"))
        .collect();
    paths.sort();
    paths
        .into_iter()
        .map(|p| {
            let text = std::fs::read_to_string(&p).map_err(|e| io_error(&p, "cannot read", e))?;
            let s: Sidecar = serde_json::from_str(&text).map_err(|e| ShardError::Damaged {
                path: p.clone(),
                reason: format!("not a shard sidecar ({e})"),
            })?;
            if s.format != FORMAT {
                return Err(ShardError::Foreign {
                    path: p.clone(),
                    reason: format!("format '{}', expected '{FORMAT}'", s.format),
                });
            }
            Ok((p, s))
        })
        .collect()
}

/// Hands a shard's samples to its jobs, in the sidecar's order and counts, checking that each
/// sample belongs to its job.
fn split_by_job(
    cfg: &DatasetConfig,
    parquet: &Path,
    sidecar: &Sidecar,
    rows: Vec<SampleRow>,
    per_job: &mut [Option<Vec<SampleRow>>],
) -> Result<(), ShardError> {
    let damaged = |reason: String| ShardError::Damaged {
        path: parquet.to_path_buf(),
        reason,
    };
    let expected: usize = sidecar.jobs.iter().map(|j| j.samples).sum();
    if rows.len() != expected {
        return Err(damaged(format!(
            "{} samples, its sidecar lists {expected}",
            rows.len()
        )));
    }
    let all = super::jobs(cfg);
    let mut rows = rows.into_iter();
    for j in &sidecar.jobs {
        let job = all[j.id];
        let entry = &cfg.designs[job.design];
        let prefix = format!("{}|{}|", entry.name, entry.variants[job.variant].label());
        let mine: Vec<SampleRow> = rows.by_ref().take(j.samples).collect();
        if let Some(r) = mine.iter().find(|r| !r.id.starts_with(&prefix)) {
            return Err(damaged(format!(
                "sample '{}' is not from job {} ({prefix})",
                r.id, j.id
            )));
        }
        per_job[j.id] = Some(mine);
    }
    Ok(())
}

/// Reads a samples file written by [`super::write::write_parquet`] back into rows.
fn read_rows(path: &Path) -> Result<Vec<SampleRow>, ShardError> {
    let damaged = |reason: String| ShardError::Damaged {
        path: path.to_path_buf(),
        reason,
    };
    let file = std::fs::File::open(path).map_err(|e| {
        if e.kind() == std::io::ErrorKind::NotFound {
            damaged("the samples file is missing".into())
        } else {
            io_error(path, "cannot read", e)
        }
    })?;
    use polars::prelude::SerReader;
    let df = polars::prelude::ParquetReader::new(file)
        .finish()
        .map_err(|e| damaged(e.to_string()))?;
    rows_of(&df).map_err(|e| damaged(e.to_string()))
}

/// The rows of a table built by [`super::write::to_frame`], exactly as they were written.
fn rows_of(df: &polars::prelude::DataFrame) -> polars::prelude::PolarsResult<Vec<SampleRow>> {
    use polars::prelude::*;
    let text = |name: &str| -> PolarsResult<Vec<String>> {
        let c = df.column(name)?.str()?;
        Ok((0..c.len())
            .map(|k| c.get(k).unwrap_or_default().to_string())
            .collect())
    };
    let ints = |name: &str| -> PolarsResult<Vec<i32>> {
        let c = df.column(name)?.i32()?;
        Ok((0..c.len()).map(|k| c.get(k).unwrap_or_default()).collect())
    };
    let (id, design, technology, variant, split) = (
        text("id")?,
        text("design")?,
        text("technology")?,
        text("variant")?,
        text("split")?,
    );
    let (nx, ny) = (ints("nx")?, ints("ny")?);
    let g = df.column("gcell_um")?.f64()?;
    let gcell_um: Vec<f64> = (0..g.len()).map(|k| g.get(k).unwrap_or_default()).collect();
    let mut channels: Vec<Vec<Vec<f32>>> = vec![Vec::new(); df.height()];
    for name in FEATURES.iter().chain(LABELS.iter()) {
        let lists = df.column(name)?.list()?;
        for (row, values) in channels.iter_mut().enumerate() {
            let list = lists.get_as_series(row);
            values.push(match list {
                Some(s) => s.f32()?.into_no_null_iter().collect(),
                None => Vec::new(),
            });
        }
    }
    let mut rows = Vec::with_capacity(df.height());
    for (k, channels) in channels.into_iter().enumerate() {
        let split = match split[k].as_str() {
            "train" => "train",
            "test" => "test",
            other => {
                polars_bail!(ComputeError: "row {k}: split '{other}' is neither train nor test")
            }
        };
        rows.push(SampleRow {
            id: id[k].clone(),
            design: design[k].clone(),
            technology: technology[k].clone(),
            variant: variant[k].clone(),
            split,
            nx: nx[k],
            ny: ny[k],
            gcell_um: gcell_um[k],
            channels,
        });
    }
    Ok(rows)
}

fn io_error(path: &Path, what: &str, e: std::io::Error) -> ShardError {
    ShardError::Io {
        path: path.to_path_buf(),
        message: format!("{what}: {}", e.to_string().to_lowercase()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn specs_are_one_based() {
        assert_eq!(
            "2/3".parse::<ShardSpec>().unwrap(),
            ShardSpec { index: 2, count: 3 }
        );
        for bad in ["0/3", "4/3", "1/0", "x/2", "3", ""] {
            assert!(bad.parse::<ShardSpec>().is_err(), "{bad}");
        }
    }

    #[test]
    fn assignment_is_disjoint_complete_and_balanced() {
        let costs = [9u64, 1, 7, 3, 3, 8, 2, 5];
        for n in 1..=4 {
            let shards = assign(&costs, n);
            let mut all: Vec<usize> = shards.iter().flatten().copied().collect();
            all.sort_unstable();
            assert_eq!(all, (0..costs.len()).collect::<Vec<_>>());
            let loads: Vec<u64> = shards
                .iter()
                .map(|s| s.iter().map(|&i| costs[i]).sum())
                .collect();
            // LPT bound: no shard exceeds the ideal share by more than the largest job.
            let ideal = costs.iter().sum::<u64>() as f64 / n as f64;
            assert!(loads.iter().all(|&l| l as f64 <= ideal + 9.0), "{loads:?}");
            assert_eq!(shards, assign(&costs, n), "deterministic");
        }
        // 38 over 2 shards: LPT finds 19 + 19.
        let loads: Vec<u64> = assign(&costs, 2)
            .iter()
            .map(|s| s.iter().map(|&i| costs[i]).sum())
            .collect();
        assert_eq!(loads, vec![19, 19]);
    }
}
