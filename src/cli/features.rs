//! `mpgd features`: read a placed design, compute the CircuitNet feature maps on the GCell grid
//! and write one `.npy` per map plus `grid.json` (and a heat-map PNG per map with `--png`).
//!
//! Everything is computed and encoded in memory first; files are written only then, each through
//! a temporary name renamed into place ([`crate::output::write_atomic`]), so an error leaves no
//! half-written output.

use crate::features::{self, Channel, FeatureConfig, Footprint};
use crate::route::grid::GCellGrid;
use anyhow::{bail, Context};
use std::path::{Path, PathBuf};
use std::time::Instant;

/// Arguments of `mpgd features`.
#[derive(Debug, clap::Args)]
pub struct Args {
    #[command(flatten)]
    pub design: super::DesignArgs,
    /// GCell size in µm (default: 15 routing pitches of the third routing layer, as OpenROAD).
    #[arg(long, value_name = "UM")]
    pub gcell_um: Option<f64>,
    /// Output folder (created if missing).
    #[arg(long, value_name = "DIR")]
    pub out: PathBuf,
    /// Also write a heat-map PNG per map.
    #[arg(long)]
    pub png: bool,
    /// Which GCells a cell or pin lands on: CircuitNet's bisect rule or plain overlap.
    #[arg(long, value_enum, default_value_t = FootprintArg::Circuitnet)]
    pub footprint: FootprintArg,
    /// Skip nets with more pins than this (default: keep all).
    #[arg(long, value_name = "N")]
    pub max_net_pins: Option<usize>,
    /// Leave IO pins out of the nets.
    #[arg(long)]
    pub no_io_pins: bool,
    /// Count physical-only cells (fill, tap, endcap) in cell_density.
    #[arg(long)]
    pub count_physical_cells: bool,
    /// Skip the early-global-routing maps (egr_overflow_h/v), which need a pattern-routing pass.
    #[arg(long)]
    pub no_egr: bool,
}

/// `--footprint` values.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum FootprintArg {
    Circuitnet,
    Overlap,
}

impl Args {
    fn config(&self) -> FeatureConfig {
        FeatureConfig {
            footprint: match self.footprint {
                FootprintArg::Circuitnet => Footprint::CircuitNet,
                FootprintArg::Overlap => Footprint::Overlap,
            },
            include_io_pins: !self.no_io_pins,
            max_net_pins: self.max_net_pins,
            count_physical_cells: self.count_physical_cells,
            min_extent: None,
        }
    }
}

pub fn run(a: &Args) -> anyhow::Result<()> {
    let design = a.design.load()?;
    check_extent(&design, &a.design.def)?;
    let size = gcell_size(&design, a.gcell_um)?;
    let grid = GCellGrid::uniform(design.die, size);
    let cfg = a.config();
    let (maps, timing) = compute_maps(&design, &grid, &cfg, a.no_egr)?;

    let mut files = encode_maps(&maps, a.png);
    files.push(("grid.json".into(), grid_json(&design, &grid, &cfg, &maps)?));
    write_all(&a.out, &files)?;

    print_summary(&design, &grid, &maps, timing, &a.out);
    Ok(())
}

/// One named map with its unit, as written.
type NamedMap = (&'static str, &'static str, features::Map);

/// Seconds spent on the geometric maps and, when computed, on the early global route.
type Timing = (f64, Option<f64>);

/// A design whose database unit or die area makes no grid is refused before any work.
fn check_extent(design: &crate::design::Design, def: &Path) -> anyhow::Result<()> {
    let dbu = design.dbu_per_micron;
    if dbu <= 0 {
        bail!(
            "{}: database units per micron is {dbu}, not positive",
            def.display()
        );
    }
    let die = design.die;
    if die.width() <= 0 || die.height() <= 0 {
        bail!(
            "{}: the die area is empty ({} x {} DBU)",
            def.display(),
            die.width(),
            die.height()
        );
    }
    Ok(())
}

/// The GCell size in DBU: `--gcell-um`, or OpenROAD's default; refused when it would make more
/// GCells than a map should hold.
fn gcell_size(design: &crate::design::Design, gcell_um: Option<f64>) -> anyhow::Result<i64> {
    let (dbu, die) = (design.dbu_per_micron, design.die);
    let size = match gcell_um {
        Some(um) => {
            let s = (um * dbu as f64).round();
            if !(1.0..1e12).contains(&s) {
                bail!("--gcell-um {um} is not a positive size of at least one database unit");
            }
            s as i64
        }
        None => features::default_gcell_size(design),
    };
    let cells = (die.width() / size).max(1) as u128 * (die.height() / size).max(1) as u128;
    if cells > 50_000_000 {
        bail!(
            "a GCell of {} um would make {cells} GCells (at most 50000000)",
            size as f64 / dbu as f64
        );
    }
    Ok(size)
}

/// The geometric maps, then (unless `no_egr`) the early-global-routing maps, timed.
fn compute_maps(
    design: &crate::design::Design,
    grid: &GCellGrid,
    cfg: &FeatureConfig,
    no_egr: bool,
) -> anyhow::Result<(Vec<NamedMap>, Timing)> {
    let t = Instant::now();
    let fmaps = features::extract(design, grid, cfg);
    let secs = t.elapsed().as_secs_f64();
    let mut maps: Vec<NamedMap> = fmaps
        .iter()
        .map(|(c, m)| (c.name(), c.unit(), m.clone()))
        .collect();
    let mut egr_secs = None;
    if !no_egr {
        let t = Instant::now();
        let (h, v) = egr_maps(design, grid.gcell_size, grid)?;
        egr_secs = Some(t.elapsed().as_secs_f64());
        maps.push(("egr_overflow_h", "1", h));
        maps.push(("egr_overflow_v", "1", v));
    }
    Ok((maps, (secs, egr_secs)))
}

/// One `.npy` per map and, with `png`, one heat map each (rendered in parallel).
fn encode_maps(maps: &[NamedMap], png: bool) -> Vec<(String, Vec<u8>)> {
    let mut files: Vec<(String, Vec<u8>)> = maps
        .iter()
        .map(|(name, _, m)| {
            (
                format!("{name}.npy"),
                crate::npy::encode_f32(&m.data, m.ny, m.nx),
            )
        })
        .collect();
    if png {
        use rayon::prelude::*;
        let pngs: Vec<(String, Vec<u8>)> = maps
            .par_iter()
            .map(|(name, _, m)| (format!("{name}.png"), features::png::heat_map_png(m)))
            .collect();
        files.extend(pngs);
    }
    files
}

/// `grid.json`: the grid layout, the channels with their units, and the feature settings.
fn grid_json(
    design: &crate::design::Design,
    grid: &GCellGrid,
    cfg: &FeatureConfig,
    maps: &[NamedMap],
) -> anyhow::Result<Vec<u8>> {
    let mut json = grid_layout(design, grid);
    json.extend(serde_json::json!({
        "channels": maps.iter().map(|(name, _, _)| *name).collect::<Vec<_>>(),
        "units": maps
            .iter()
            .map(|(name, unit, _)| (name.to_string(), serde_json::Value::from(*unit)))
            .collect::<serde_json::Map<_, _>>(),
        "config": {
            "footprint": format!("{:?}", cfg.footprint),
            "include_io_pins": cfg.include_io_pins,
            "max_net_pins": cfg.max_net_pins,
            "count_physical_cells": cfg.count_physical_cells,
            "min_extent_dbu": cfg.min_extent.unwrap_or_else(|| features::min_track_pitch(design, grid)),
        },
    }).as_object().cloned().unwrap_or_default());
    let mut text = serde_json::to_string_pretty(&json).context("encoding grid.json")?;
    text.push('\n');
    Ok(text.into_bytes())
}

/// The one-line summary and a min / max / sum table of the maps.
fn print_summary(
    design: &crate::design::Design,
    grid: &GCellGrid,
    maps: &[NamedMap],
    (secs, egr_secs): Timing,
    out: &Path,
) {
    let um = |v: i64| v as f64 / design.dbu_per_micron as f64;
    outln!(
        "{}: {} x {} GCells of {} um, {} geometric maps in {:.3} s{}, written to {}",
        design.name,
        grid.nx(),
        grid.ny(),
        um(grid.gcell_size),
        Channel::ALL.len(),
        secs,
        egr_secs
            .map(|s| format!(", early global route in {s:.3} s"))
            .unwrap_or_default(),
        out.display()
    );
    outln!("{:<14} {:>12} {:>12} {:>14}", "map", "min", "max", "sum");
    for (name, _, m) in maps {
        let (lo, hi) = m.min_max();
        outln!("{:<14} {:>12.5} {:>12.5} {:>14.4}", name, lo, hi, m.sum());
    }
}

/// The layout part of `grid.json` (the GCell grid in DBU and µm, row 0 at the bottom, float32),
/// shared by every command that writes per-GCell `.npy` maps.
pub(crate) fn grid_layout(
    design: &crate::design::Design,
    grid: &GCellGrid,
) -> serde_json::Map<String, serde_json::Value> {
    let dbu = design.dbu_per_micron.max(1);
    let um = |v: i64| v as f64 / dbu as f64;
    let die = design.die;
    let size = grid.gcell_size;
    let v = serde_json::json!({
        "design": design.name,
        "origin_um": [um(grid.x_lines[0]), um(grid.y_lines[0])],
        "gcell_um": um(size),
        "nx": grid.nx(),
        "ny": grid.ny(),
        "dbu_per_micron": dbu,
        "gcell_dbu": size,
        "die_um": [um(die.lo.x), um(die.lo.y), um(die.hi.x), um(die.hi.y)],
        "x_lines_dbu": grid.x_lines,
        "y_lines_dbu": grid.y_lines,
        "row0": "bottom",
        "dtype": "float32",
    });
    v.as_object().cloned().unwrap_or_default()
}

/// The early-global-routing overflow maps: the router's pattern stage (no rip-up and reroute)
/// on the same grid, per direction `overflow / capacity` as the dataset's `egr_overflow_*`.
fn egr_maps(
    design: &crate::design::Design,
    size: i64,
    grid: &GCellGrid,
) -> anyhow::Result<(features::Map, features::Map)> {
    use crate::route::{early, overflow_ratio, RouteConfig};
    let r = early(
        design,
        &RouteConfig {
            gcell_size: Some(size),
            ..RouteConfig::default()
        },
    )
    .context("early global route for the egr_overflow maps (--no-egr skips them)")?;
    let (nx, ny) = (grid.nx(), grid.ny());
    anyhow::ensure!(
        r.grid.nx == nx && r.grid.ny == ny,
        "the router's grid is {} x {}, the feature grid {nx} x {ny}",
        r.grid.nx,
        r.grid.ny
    );
    Ok((
        features::Map {
            nx,
            ny,
            data: overflow_ratio(&r.overflow_h, &r.cap_h),
        },
        features::Map {
            nx,
            ny,
            data: overflow_ratio(&r.overflow_v, &r.cap_v),
        },
    ))
}

/// Writes every file under `dir` (created if missing), each atomically.
fn write_all(dir: &Path, files: &[(String, Vec<u8>)]) -> anyhow::Result<()> {
    std::fs::create_dir_all(dir)
        .with_context(|| format!("{}: cannot create the folder", dir.display()))?;
    for (name, bytes) in files {
        crate::output::write_atomic(&dir.join(name), bytes)?;
    }
    Ok(())
}
