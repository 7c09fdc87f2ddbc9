//! `mpgd predict`: run a trained model on a placed design and write the predicted map
//! (`prediction.npy`, `grid.json`), its hotspots as a `--steer` CSV for `mpgd route`, and with
//! `--png` a labelled picture; then print a one-screen summary.
//!
//! Everything is computed and encoded in memory first, then written file by file through
//! [`crate::output::write_atomic`]: an error leaves no half-written output.

use crate::model::{Model, PredictOptions, Prediction, Tiling};
use crate::steer::hotspots::{self, Hotspot, Selection};
use anyhow::{bail, Context};
use std::path::PathBuf;
use std::time::Instant;

/// Arguments of `mpgd predict`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// The trained model (ONNX with mpgd metadata, e.g. models/congestion_fcn_egr_mpgd.onnx).
    #[arg(long, value_name = "M.onnx")]
    pub model: PathBuf,
    #[command(flatten)]
    pub design: super::DesignArgs,
    #[command(flatten)]
    pub resources: super::route::ResourceArgs,
    /// Output folder (created if missing).
    #[arg(long, value_name = "DIR")]
    pub out: PathBuf,
    /// Also write prediction.png (title, axes in µm, colour bar).
    #[arg(long)]
    pub png: bool,
    /// Share of the GCells to list in hotspots.csv (highest predicted values first).
    #[arg(long, value_name = "F", default_value_t = Selection::default().top)]
    pub top: f64,
    /// Derating fraction given to the peak hotspot in hotspots.csv (others in proportion).
    #[arg(long = "max-adjust", value_name = "F", default_value_t = Selection::default().max_adjust)]
    pub max_adjust: f32,
    /// Refuse a model trained for another task (`congestion`, `drv`).
    #[arg(long, value_name = "TASK")]
    pub task: Option<String>,
    /// A history model's map (label `history`) multiplied by one number so that its total is K
    /// times the pattern stage's overflow in tracks, as `mpgd compare --history-dose` and `mpgd
    /// route --prior M.onnx` dose it (their default: K 2.43 with --history-dose-slope 0.159,
    /// docs/model.md "Dose"): prediction.npy is then the map `mpgd route --prior prediction.npy
    /// --prior-kind history` steers with as `--prior M.onnx` does.
    #[arg(long = "history-dose", value_name = "K")]
    pub history_dose: Option<f32>,
    /// With --history-dose K: the factor becomes K x d^B, d the pattern stage's overflow in tracks
    /// per GCell.
    #[arg(
        long = "history-dose-slope",
        value_name = "B",
        requires = "history_dose"
    )]
    pub history_dose_slope: Option<f32>,
    /// Run the network tile by tile, N x N GCells kept per tile plus a 32-GCell margin (default:
    /// the whole grid in one pass up to 2048 x 2048 GCells, 256-GCell tiles above).
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u32).range(4..=65536))]
    pub tile: Option<u32>,
}

pub fn run(a: &Args) -> anyhow::Result<()> {
    let start = Instant::now();
    super::history_dose(a.history_dose, a.history_dose_slope)?;
    let model = match &a.task {
        Some(t) => Model::load_for_task(&a.model, t)?,
        None => Model::load(&a.model)?,
    };
    if a.history_dose.is_some() && model.metadata().label != "history" {
        bail!(
            "--history-dose: the model '{}' has the label '{}'; only a history model's map (label 'history') is dosed",
            a.model.display(),
            model.metadata().label
        );
    }
    let design = a.design.load()?;
    let cfg = a.resources.config(&design)?;
    let opts = options(a);
    let mut p = model.predict_with(&design, &cfg, &opts)?;
    let dose = match a.history_dose {
        Some(k) => Some(dose(&mut p, k, a.history_dose_slope, &design, &cfg)?),
        None => None,
    };
    let sel = Selection {
        top: a.top,
        max_adjust: a.max_adjust,
        ..Selection::default()
    };
    let hot = hotspots::select(&p.map, p.nx(), p.ny(), &sel)
        .map_err(|e| anyhow::anyhow!("--top/--max-adjust: {e}"))?;
    let files = encode(a, &model, &design, &p, &hot, dose.as_ref())?;
    write_all(a, &files)?;
    let total = start.elapsed().as_secs_f64();
    out!("{}", summary(a, &model, &design, &p, &hot, &sel, total));
    if let Some(d) = &dose {
        out!("{}", d.line());
    }
    Ok(())
}

/// What `--history-dose` did to the map.
struct Dose {
    k: f32,
    slope: Option<f32>,
    /// The factor applied: `k`, or k · dᵇ (`steer::compare::dose_factor`).
    factor: f64,
    /// The pattern stage's total overflow in tracks.
    pattern_tracks: f64,
    /// The map's total before the dose.
    before: f64,
}

impl Dose {
    fn line(&self) -> String {
        let factor = match self.slope {
            Some(b) => format!("K {} x d^{b} = {:.3}", self.k, self.factor),
            None => format!("K {}", self.k),
        };
        format!(
            "dose      {factor} x the pattern stage's {:.1} tracks of overflow = total {:.1} (the model's own total {:.1})\n",
            self.pattern_tracks,
            self.factor * self.pattern_tracks,
            self.before
        )
    }
}

/// Doses the history map of `p` to `k` times the pattern stage's overflow in tracks, as `mpgd
/// compare` doses it (`steer::compare::dosed_history`): the total read from the model's inputs
/// when they hold the egr and capacity maps, else the pattern stage routed.
fn dose(
    p: &mut Prediction,
    k: f32,
    slope: Option<f32>,
    design: &crate::design::Design,
    cfg: &crate::route::RouteConfig,
) -> anyhow::Result<Dose> {
    use crate::steer::compare::{
        dose_factor, history_dose, pattern_tracks_routed, pattern_tracks_total,
    };
    let pattern_tracks = match pattern_tracks_total(&p.inputs) {
        Some(t) => t,
        None => pattern_tracks_routed(design, cfg)?.0,
    };
    let before = p.map.iter().map(|&x| x.max(0.0) as f64).sum();
    let factor = dose_factor(k, slope, pattern_tracks, p.map.len());
    p.map = history_dose(&p.map, factor * pattern_tracks);
    let peak = p.map.iter().copied().fold(f32::NEG_INFINITY, f32::max);
    p.peak = if peak.is_finite() { peak } else { 0.0 };
    Ok(Dose {
        k,
        slope,
        factor,
        pattern_tracks,
        before,
    })
}

fn options(a: &Args) -> PredictOptions {
    let mut opts = PredictOptions::default();
    if let Some(n) = a.tile {
        opts.tiling = Tiling {
            tile: n as usize,
            margin: opts.tiling.margin,
        };
        opts.force_tiling = true;
    }
    opts
}

/// The unit of a label's values, for the picture and the summary.
pub fn label_unit(label: &str, absolute: bool) -> &'static str {
    match (label, absolute) {
        (_, false) => "relative (min-max)",
        ("congestion", _) => "overflow/capacity, H+V",
        ("congestion_h", _) => "overflow/capacity, H",
        ("congestion_v", _) => "overflow/capacity, V",
        ("drv", _) => "DRVs per GCell",
        ("history", _) => "router history cost, H+V",
        ("history_h", _) => "router history cost, H",
        ("history_v", _) => "router history cost, V",
        _ => "1",
    }
}

/// Every output file's name and bytes.
fn encode(
    a: &Args,
    model: &Model,
    design: &crate::design::Design,
    p: &Prediction,
    hot: &[Hotspot],
    dose: Option<&Dose>,
) -> anyhow::Result<Vec<(&'static str, Vec<u8>)>> {
    let mut files = vec![
        (
            "prediction.npy",
            crate::npy::encode_f32(&p.map, p.ny(), p.nx()),
        ),
        (
            "grid.json",
            grid_json(a, model, design, p, dose)?.into_bytes(),
        ),
        (
            "hotspots.csv",
            hotspots::to_steer_csv(hot, &p.grid, design.dbu_per_micron).into_bytes(),
        ),
    ];
    if a.png {
        files.push(("prediction.png", picture(model, design, p)));
    }
    Ok(files)
}

fn grid_json(
    a: &Args,
    model: &Model,
    design: &crate::design::Design,
    p: &Prediction,
    dose: Option<&Dose>,
) -> anyhow::Result<String> {
    let m = model.metadata();
    let mut json = super::features::grid_layout(design, &p.grid);
    let mut extra = serde_json::json!({
        "channels": ["prediction"],
        "units": { "prediction": label_unit(&m.label, m.absolute()) },
        "model": {
            "file": a.model.display().to_string(),
            "task": m.task,
            "label": m.label,
            "inputs": m.input_channels,
            "absolute": m.absolute(),
            "passes": p.passes,
        },
    });
    if let Some(d) = dose {
        extra["model"]["history_dose"] = serde_json::json!({
            "k": d.k,
            "slope": d.slope,
            "factor": d.factor,
            "pattern_tracks": d.pattern_tracks,
            "total": d.factor * d.pattern_tracks,
        });
    }
    json.extend(extra.as_object().cloned().unwrap_or_default());
    let mut text = serde_json::to_string_pretty(&json).context("encoding grid.json")?;
    text.push('\n');
    Ok(text)
}

/// The picture of `mpgd predict --png` (also `mpgd demo`'s of the congestion models).
pub fn picture(model: &Model, design: &crate::design::Design, p: &Prediction) -> Vec<u8> {
    let m = model.metadata();
    let um = |v: &i64| *v as f64 / design.dbu_per_micron.max(1) as f64;
    let name = model
        .path()
        .file_name()
        .map(|n| n.to_string_lossy().to_string())
        .unwrap_or_default();
    let plot = crate::features::png::Plot {
        title: format!("{}: predicted {} ({name})", design.name, m.label),
        x_lines_um: p.grid.x_lines.iter().map(um).collect(),
        y_lines_um: p.grid.y_lines.iter().map(um).collect(),
        unit: label_unit(&m.label, m.absolute()).to_string(),
        range: None,
    };
    let map = crate::features::Map {
        nx: p.nx(),
        ny: p.ny(),
        data: p.map.clone(),
    };
    crate::features::png::plot_png(&map, &plot)
}

fn write_all(a: &Args, files: &[(&str, Vec<u8>)]) -> anyhow::Result<()> {
    std::fs::create_dir_all(&a.out)
        .with_context(|| format!("--out '{}': cannot create the folder", a.out.display()))?;
    for (name, bytes) in files {
        crate::output::write_atomic(&a.out.join(name), bytes)?;
    }
    Ok(())
}

/// Area of the hotspot GCells in µm².
fn hotspot_area_um2(p: &Prediction, hot: &[Hotspot], dbu_per_micron: i64) -> f64 {
    let d = dbu_per_micron.max(1) as f64;
    hot.iter()
        .map(|h| {
            let c = p.grid.cell(h.col, h.row);
            (c.hi.x - c.lo.x) as f64 * (c.hi.y - c.lo.y) as f64 / (d * d)
        })
        .sum()
}

fn summary(
    a: &Args,
    model: &Model,
    design: &crate::design::Design,
    p: &Prediction,
    hot: &[Hotspot],
    sel: &Selection,
    total_s: f64,
) -> String {
    let m = model.metadata();
    let d = design.dbu_per_micron.max(1) as f64;
    let unit = label_unit(&m.label, m.absolute());
    let peak_at = hot
        .first()
        .map(|h| {
            let c = p.grid.cell(h.col, h.row);
            format!(
                " at ({:.1}, {:.1}) µm",
                (c.lo.x + c.hi.x) as f64 / 2.0 / d,
                (c.lo.y + c.hi.y) as f64 / 2.0 / d
            )
        })
        .unwrap_or_default();
    let passes = if p.passes == 1 {
        "whole grid, 1 pass".to_string()
    } else {
        format!("{} tiles", p.passes)
    };
    let mut s = String::new();
    s += &format!(
        "model     {} (task {}, {}; inputs {})\n",
        a.model.display(),
        m.task,
        m.architecture,
        m.input_channels.join(", ")
    );
    s += &format!(
        "design    {}: {} x {} GCells of {:.3} µm ({passes})\n",
        design.name,
        p.nx(),
        p.ny(),
        p.gcell_um
    );
    s += &format!("peak      {:.4} {} ({unit}){peak_at}\n", p.peak, m.label);
    s += &format!(
        "hotspots  {} GCells (top {}%, --max-adjust {}), {:.1} µm²\n",
        hot.len(),
        sel.top * 100.0,
        sel.max_adjust,
        hotspot_area_um2(p, hot, design.dbu_per_micron)
    );
    s += &format!(
        "time      features {:.3} s, inference {:.3} s, total {:.3} s\n",
        p.features_s, p.inference_s, total_s
    );
    s += &format!("wrote     {}\n", a.out.display());
    s
}
