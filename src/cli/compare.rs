//! `mpgd compare`: on one placement and one iteration budget, the runs `none`, `rudy`, `oracle`,
//! the controls and `egr` if asked for, and one per `--model`, steered in one mode; writes
//! `compare.json`, `compare.md`, the congestion maps side by side (`congestion.png`) and, for
//! padding, each legalised placement as DEF.

use crate::dataset::perturb::Perturbation;
use crate::design::Design;
use crate::route::{NetOrder, PriorStage, RouteConfig};
use crate::steer::compare::{
    compare, congestion_png, pattern_tracks_total, row_json, table_md, MapKind, MapRow, Mode,
    Oracle, Run, Settings,
};
use crate::steer::padding::{PadCells, PadSide};
use anyhow::{bail, Context};
use std::path::{Path, PathBuf};

/// Arguments of `mpgd compare`.
#[derive(Debug, clap::Args)]
pub struct Args {
    #[command(flatten)]
    pub design: super::DesignArgs,
    /// An ONNX model whose prediction steers one run: a congestion model (label congestion*), or a
    /// model of the router's history cost (label history: as a prior, half on each direction).
    /// Repeatable.
    #[arg(long = "model", value_name = "M.onnx")]
    pub models: Vec<PathBuf>,
    /// Steering mode: prior, padding or region. Default prior: no mode is proven yet (the oracle
    /// lowers overflow by 20% on no design set, docs/results/steering.md) and prior harms least.
    #[arg(long, default_value = "prior")]
    pub mode: String,
    #[command(flatten)]
    pub resources: super::route::ResourceArgs,
    /// Rip-up and reroute rounds of every run.
    #[arg(long, default_value_t = 50)]
    pub iterations: usize,
    /// Output folder.
    #[arg(long, value_name = "DIR")]
    pub out: PathBuf,
    /// Also write the map that steered each run as `<run>.map.npy` (`[ny, nx]` float32, H plus
    /// V where the map has one per direction).
    #[arg(long = "write-maps")]
    pub write_maps: bool,
    /// prior: router cost, in GCell edges of wire, of one unit of the map above the threshold.
    #[arg(long = "prior-weight", value_name = "F")]
    pub prior_weight: Option<f32>,
    /// prior: map values at or below this cost nothing.
    #[arg(long = "prior-threshold", value_name = "F")]
    pub prior_threshold: Option<f32>,
    /// prior: apply the map to the pattern stage only (taken back out before rip-up and reroute);
    /// the same as --prior-stage pattern.
    #[arg(long = "prior-pattern-only")]
    pub prior_pattern_only: bool,
    /// prior: the routing stages the map holds in: both (default), pattern (the pattern stage
    /// only) or negotiation (rip-up and reroute only: the pattern stage routes unsteered, so it is
    /// the early global route a model's egr inputs come from).
    #[arg(long = "prior-stage", value_name = "STAGE")]
    pub prior_stage: Option<String>,
    /// prior: spread each GCell's cost to the GCells up to N away (the largest cost around).
    #[arg(long = "prior-dilate", value_name = "N")]
    pub prior_dilate: Option<usize>,
    /// prior, with --prior-dilate: cost only on the ring around the hotspots, none on them.
    #[arg(long = "prior-ring")]
    pub prior_ring: bool,
    /// prior: route the nets whose box holds a hotspot first, last, or by area alone
    /// (hot-first, hot-last, area).
    #[arg(long = "net-order", value_name = "ORDER")]
    pub net_order: Option<String>,
    /// prior, oracle run only: congestion (one map), directional (H and V maps apart), history
    /// (the unsteered router's final history cost, the best-informed map),
    /// demand (its usage, reserved during the pattern stage) or utilization (its routed demand
    /// over capacity, made a map as the rudy run's RUDY: the truth RUDY estimates).
    #[arg(long, value_name = "KIND")]
    pub oracle: Option<String>,
    /// Control runs `control1`..`controlN`: the oracle's congestion map shuffled over the GCells
    /// (seeds 1..N), steering as the oracle: the router's response to a map with no information.
    #[arg(long, value_name = "N", default_value_t = 0)]
    pub controls: usize,
    /// prior: also the run `egr`, steered by the free early-global-routing maps
    /// (`egr_overflow_h` on horizontal edges, `egr_overflow_v` on vertical ones, as the dataset
    /// computes them; no model); its steer_s includes the pattern stage that makes them.
    #[arg(long)]
    pub egr: bool,
    /// With --egr: multiply the egr maps by F before they steer (default 1).
    #[arg(long = "egr-scale", value_name = "F")]
    pub egr_scale: Option<f32>,
    /// With --egr: the egr maps in tracks (the pattern stage's overflow per GCell edge, each
    /// direction's overflow over capacity times its capacity): the unit of the router's history
    /// cost.
    #[arg(long = "egr-tracks")]
    pub egr_tracks: bool,
    /// prior: each model whose label is `history` has its map multiplied by one number per design
    /// so that its total is K times the pattern stage's total overflow in tracks (the model says
    /// where, the pattern stage how much); the total is read from the model's inputs when they
    /// hold the egr and capacity maps, else the pattern stage is routed and counted in steer_s.
    #[arg(long = "history-dose", value_name = "K")]
    pub history_dose: Option<f32>,
    /// With --history-dose K: the factor becomes K x d^B, d the pattern stage's overflow in tracks
    /// per GCell (a dose that grows with the pattern stage's overflow; docs/model.md "Dose").
    #[arg(
        long = "history-dose-slope",
        value_name = "B",
        requires = "history_dose"
    )]
    pub history_dose_slope: Option<f32>,
    /// prior: every run but `rudy` (oracle, controls, egr, models) steers with the rudy run's
    /// map plus its own, so each shows what its map adds to RUDY's.
    #[arg(long = "plus-rudy")]
    pub plus_rudy: bool,
    /// Also a run named NAME (repeatable), steered by the dataset channel NAME (e.g.
    /// rudy_over_capacity) made a map as the rudy run's RUDY: its densest tenth.
    #[arg(long = "map-channel", value_name = "NAME")]
    pub map_channel: Vec<String>,
    /// Compare on a placement variant: the dataset's seeded perturbation `swap:F` (pairs of
    /// same-size cells exchanged, share F of the movable cells) or `pull:F` (cells pulled toward
    /// a centre), drawn with --perturb-seed.
    #[arg(long, value_name = "SPEC")]
    pub perturb: Option<String>,
    /// With --perturb: the seed that picks the cells (default 0).
    #[arg(long = "perturb-seed", value_name = "N")]
    pub perturb_seed: Option<u64>,
    /// padding and region: share of the GCells taken as hotspots, in (0, 1].
    #[arg(long, value_name = "F")]
    pub top: Option<f64>,
    /// padding: sites added on each side of a cell in a hotspot.
    #[arg(long = "pad-sites", value_name = "N")]
    pub pad_sites: Option<u32>,
    /// padding: which cells of the hotspot GCells get padding: all, or pins (the pin-dense
    /// share, --pad-share: most connected pins per unit of width first).
    #[arg(long = "pad-cells", value_name = "WHICH")]
    pub pad_cells: Option<String>,
    /// padding, with --pad-cells pins: share of the hotspot cells padded, in (0, 1] (default 0.5).
    #[arg(long = "pad-share", value_name = "F")]
    pub pad_share: Option<f64>,
    /// padding: the sides that get the sites: both, left or right.
    #[arg(long = "pad-side", value_name = "SIDE")]
    pub pad_side: Option<String>,
    /// region: derating fraction of the hottest GCell (others in proportion to their value).
    #[arg(long = "max-adjust", value_name = "F")]
    pub max_adjust: Option<f32>,
}

impl Args {
    /// The routing configuration of every run, from the variant flags.
    pub fn config(&self, design: &Design) -> anyhow::Result<RouteConfig> {
        let mut cfg = self.resources.config(design)?;
        cfg.iterations = self.iterations;
        Ok(cfg)
    }

    /// The steering settings: the defaults with any flag given applied.
    pub fn settings(&self) -> anyhow::Result<Settings> {
        let mut s = Settings::default();
        if let Some(w) = self.prior_weight {
            s.prior.weight = super::prior_weight(w)?;
        }
        if let Some(t) = self.prior_threshold {
            if !t.is_finite() {
                bail!("--prior-threshold '{t}': must be a number");
            }
            s.prior.threshold = t;
        }
        s.prior.stage = self.prior_stage()?;
        if let Some(n) = self.prior_dilate {
            s.prior.dilate = n;
        }
        s.prior.ring = self.prior_ring;
        if let Some(o) = &self.net_order {
            s.prior.order = match o.as_str() {
                "area" => NetOrder::Area,
                "hot-first" => NetOrder::HotFirst,
                "hot-last" => NetOrder::HotLast,
                _ => bail!("--net-order '{o}': expected area, hot-first or hot-last"),
            };
        }
        if let Some(o) = &self.oracle {
            s.oracle = Oracle::parse(o).with_context(|| {
                format!("--oracle '{o}': expected congestion, directional, history, demand or utilization")
            })?;
        }
        s.controls = self.controls;
        if self.egr && self.mode != "prior" {
            bail!(
                "--egr: needs --mode prior (the egr run steers per direction, which only a prior does), not '{}'",
                self.mode
            );
        }
        s.egr = self.egr;
        if let Some(k) = self.egr_scale {
            if !self.egr {
                bail!("--egr-scale: needs --egr");
            }
            if !(k.is_finite() && k > 0.0) {
                bail!("--egr-scale '{k}': must be a number > 0");
            }
            s.egr_scale = k;
        }
        if self.egr_tracks && !self.egr {
            bail!("--egr-tracks: needs --egr");
        }
        s.egr_tracks = self.egr_tracks;
        if let Some(k) = self.history_dose {
            if self.mode != "prior" {
                bail!("--history-dose: needs --mode prior, not '{}'", self.mode);
            }
            super::history_dose(Some(k), self.history_dose_slope)?;
            s.history_dose = Some(k);
            s.history_dose_slope = self.history_dose_slope;
        }
        if self.plus_rudy {
            if self.mode != "prior" {
                bail!("--plus-rudy: needs --mode prior, not '{}'", self.mode);
            }
            if s.oracle == Oracle::Demand {
                bail!("--plus-rudy: the demand oracle reserves usage, it is not a cost RUDY can be added to");
            }
            s.plus_rudy = true;
        }
        for name in &self.map_channel {
            if name == "rudy" {
                bail!(
                    "--map-channel 'rudy': the run 'rudy' already steers by RUDY's densest tenth"
                );
            }
            if !crate::dataset::channels::FEATURES.contains(&name.as_str()) {
                bail!(
                    "--map-channel '{name}': not a feature channel of the dataset (known: {})",
                    crate::dataset::channels::FEATURES.join(", ")
                );
            }
        }
        s.map_channels = self.map_channel.clone();
        if let Some(t) = self.top {
            if !(t > 0.0 && t <= 1.0) {
                bail!("--top '{t}': must be in (0, 1]");
            }
            s.padding.selection.top = t;
            s.region.top = t;
        }
        if let Some(n) = self.pad_sites {
            s.padding.sites = n;
        }
        s.padding.cells = self.pad_cells()?;
        if let Some(side) = &self.pad_side {
            s.padding.side = PadSide::parse(side)
                .with_context(|| format!("--pad-side '{side}': expected both, left or right"))?;
        }
        if let Some(f) = self.max_adjust {
            if !(0.0..=1.0).contains(&f) {
                bail!("--max-adjust '{f}': must be in [0, 1]");
            }
            s.region.max_adjust = f;
        }
        Ok(s)
    }
}

impl Args {
    /// `--perturb` with `--perturb-seed`.
    fn perturbation(&self) -> anyhow::Result<Perturbation> {
        match (&self.perturb, self.perturb_seed) {
            (None, None) => Ok(Perturbation::None),
            (None, Some(_)) => bail!("--perturb-seed: needs --perturb"),
            (Some(spec), seed) => crate::dataset::perturb::parse(spec, seed.unwrap_or(0))
                .map_err(|e| anyhow::anyhow!("--perturb: {e}")),
        }
    }

    /// `--prior-stage`, or `--prior-pattern-only` (not both).
    fn prior_stage(&self) -> anyhow::Result<PriorStage> {
        match (&self.prior_stage, self.prior_pattern_only) {
            (None, false) => Ok(PriorStage::Both),
            (None, true) => Ok(PriorStage::Pattern),
            (Some(_), true) => bail!("--prior-pattern-only: give it or --prior-stage, not both"),
            (Some(st), false) => PriorStage::parse(st).with_context(|| {
                format!("--prior-stage '{st}': expected both, pattern or negotiation")
            }),
        }
    }

    /// `--pad-cells` with `--pad-share`.
    fn pad_cells(&self) -> anyhow::Result<PadCells> {
        let share = self.pad_share.unwrap_or(0.5);
        if !(share > 0.0 && share <= 1.0) {
            bail!("--pad-share '{share}': must be in (0, 1]");
        }
        match self.pad_cells.as_deref() {
            None | Some("all") if self.pad_share.is_none() => Ok(PadCells::All),
            None | Some("all") => bail!("--pad-share: needs --pad-cells pins"),
            Some("pins") => Ok(PadCells::PinDense { share }),
            Some(o) => bail!("--pad-cells '{o}': expected all or pins"),
        }
    }
}

/// Parses `--mode`.
pub fn mode(s: &str) -> anyhow::Result<Mode> {
    Mode::parse(s).with_context(|| format!("--mode '{s}': expected prior, padding or region"))
}

/// The models' predictions on the routing grid, named by file name, each with the kind of map
/// its label (`mpgd.label`) makes it. Each `made_s` holds loading ONNX Runtime once, as a flow
/// with that one model would pay it, whichever model the process happened to load first.
pub fn model_maps(
    models: &[PathBuf],
    design: &Design,
    cfg: &RouteConfig,
) -> anyhow::Result<Vec<MapRow>> {
    models
        .iter()
        .map(|m| model_map(m, design, cfg).with_context(|| format!("--model '{}'", m.display())))
        .collect()
}

/// One model's map of [`model_maps`] (also `mpgd route --prior M.onnx`'s): a model whose label
/// is no map to steer with is refused before it predicts.
pub fn model_map(m: &Path, design: &Design, cfg: &RouteConfig) -> anyhow::Result<MapRow> {
    let t = std::time::Instant::now();
    let loaded_before = crate::model::runtime::load_seconds();
    let model = crate::model::Model::load(m)?;
    let kind = map_kind(&model.metadata().label)?;
    let p = model.predict(design, cfg)?;
    let name = m
        .file_name()
        .map(|f| f.to_string_lossy().into_owned())
        .unwrap_or_else(|| m.display().to_string());
    Ok(MapRow {
        name,
        pattern_tracks: pattern_tracks_total(&p.inputs),
        map: p.map,
        kind,
        made_s: t.elapsed().as_secs_f64() + loaded_before,
    })
}

/// How `compare` steers with a model of `label`: a congestion map, or the router's history cost
/// (H plus V); any other label is refused.
pub fn map_kind(label: &str) -> anyhow::Result<MapKind> {
    match label {
        "congestion" | "congestion_h" | "congestion_v" => Ok(MapKind::Congestion),
        "history" => Ok(MapKind::History),
        "history_h" | "history_v" => {
            bail!("label '{label}' is one direction of the history cost; compare steers with a model of 'history' (H plus V)")
        }
        _ => bail!(
            "label '{label}' is not a map compare steers with (congestion, congestion_h, congestion_v or history)"
        ),
    }
}

/// Everything `mpgd compare` and `mpgd demo` do after reading the design and predicting with the
/// models ([`model_maps`]): the runs, then the files in `out`. Returns the runs.
pub fn compare_and_write(
    design: &Design,
    def_path: &Path,
    cfg: &RouteConfig,
    mode: Mode,
    settings: &Settings,
    model_rows: &[MapRow],
    out: &Path,
) -> anyhow::Result<Vec<Run>> {
    let runs = compare(design, cfg, mode, settings, model_rows).context("compare")?;
    write(&runs, design, def_path, out)?;
    Ok(runs)
}

/// Writes `compare.json`, `compare.md`, `congestion.png` and, for padded runs, `<run>.def`.
fn write(runs: &[Run], design: &Design, def_path: &Path, out: &Path) -> anyhow::Result<()> {
    std::fs::create_dir_all(out)
        .with_context(|| format!("--out '{}': cannot create the folder", out.display()))?;
    let rows: Vec<serde_json::Value> = runs.iter().map(row_json).collect();
    let json = serde_json::to_string_pretty(&rows)? + "\n";
    let names: Vec<&str> = runs.iter().map(|r| r.name.as_str()).collect();
    let md = format!(
        "# mpgd compare: {}\n\nOverflow is `total_overflow_unadjusted` (against the real capacity). \
         `congestion.png` shows each run's congestion (overflow over capacity), left to right ({}), on one colour scale.\n\n{}",
        design.name,
        names.join(", "),
        table_md(runs)
    );
    let picture = congestion_png(runs);
    let mut files: Vec<(PathBuf, Vec<u8>)> = vec![
        (out.join("compare.json"), json.into_bytes()),
        (out.join("compare.md"), md.into_bytes()),
        (out.join("congestion.png"), picture),
    ];
    if runs.iter().any(|r| r.locations.is_some()) {
        let (def, _) = crate::lefdef::read_def(def_path)?;
        for r in runs {
            if let Some((loc, removed)) = &r.locations {
                let d = crate::steer::padding::with_locations(&def, design, loc, removed);
                let name = r.name.replace(['/', '\\'], "_");
                files.push((
                    out.join(format!("{name}.def")),
                    crate::lefdef::def::to_string(&d).into_bytes(),
                ));
            }
        }
    }
    for (p, bytes) in &files {
        crate::output::write_atomic(p, bytes)?;
    }
    Ok(())
}

/// `<run>.map.npy` for each steered run: the map it was steered by.
fn write_maps(runs: &[Run], out: &Path) -> anyhow::Result<()> {
    for r in runs.iter().filter(|r| !r.map.is_empty()) {
        let name = r.name.replace(['/', '\\'], "_");
        let bytes = crate::npy::encode_f32(&r.map, r.result.grid.ny, r.result.grid.nx);
        crate::output::write_atomic(&out.join(format!("{name}.map.npy")), &bytes)?;
    }
    Ok(())
}

/// The warning for history models run without `--history-dose`: their undosed totals were never
/// measured to steer (the shipped ones steer dosed, `mpgd route --prior M.onnx` doses by
/// default), but `compare` keeps running them as asked, so that earlier rounds' commands repeat.
fn undosed_warning(maps: &[MapRow], s: &Settings) -> Option<String> {
    if s.history_dose.is_some() {
        return None;
    }
    let names: Vec<&str> = maps
        .iter()
        .filter(|m| m.kind == MapKind::History)
        .map(|m| m.name.as_str())
        .collect();
    (!names.is_empty()).then(|| {
        format!(
            "mpgd: warning: {} steer{} undosed: a history model steers as measured with --history-dose {} --history-dose-slope {} (docs/model.md, \"Dose\")",
            names.join(", "),
            if names.len() == 1 { "s" } else { "" },
            crate::steer::compare::HISTORY_DOSE,
            crate::steer::compare::HISTORY_DOSE_SLOPE
        )
    })
}

pub fn run(a: &Args) -> anyhow::Result<()> {
    let mode = mode(&a.mode)?;
    let settings = a.settings()?;
    let design = a.design.load_perturbed(a.perturbation()?)?;
    let cfg = a.config(&design)?;
    let maps = model_maps(&a.models, &design, &cfg)?;
    if settings.history_dose.is_some() && !maps.iter().any(|m| m.kind == MapKind::History) {
        bail!("--history-dose: no --model has the label 'history' (only a history map is dosed)");
    }
    if let Some(line) = undosed_warning(&maps, &settings) {
        eprintln!("{line}");
    }
    let runs = compare_and_write(&design, &a.design.def, &cfg, mode, &settings, &maps, &a.out)?;
    if a.write_maps {
        write_maps(&runs, &a.out)?;
    }
    out!("{}", table_md(&runs));
    outln!(
        "wrote compare.json, compare.md, congestion.png to {}",
        a.out.display()
    );
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(name: &str, kind: MapKind) -> MapRow {
        MapRow {
            name: name.into(),
            map: vec![1.0],
            kind,
            made_s: 0.0,
            pattern_tracks: None,
        }
    }

    /// History models run undosed are named in one warning line; dosed, or congestion models
    /// only, no warning.
    #[test]
    fn undosed_history_models_are_named_in_a_warning() {
        let maps = [
            row("c.onnx", MapKind::Congestion),
            row("h1.onnx", MapKind::History),
            row("h2.onnx", MapKind::History),
        ];
        let line = undosed_warning(&maps, &Settings::default()).unwrap();
        assert_eq!(
            line,
            "mpgd: warning: h1.onnx, h2.onnx steer undosed: a history model steers as measured with --history-dose 2.43 --history-dose-slope 0.159 (docs/model.md, \"Dose\")"
        );
        assert!(undosed_warning(&maps[..2], &Settings::default())
            .unwrap()
            .contains("h1.onnx steers undosed"));
        let dosed = Settings {
            history_dose: Some(2.8),
            ..Settings::default()
        };
        assert_eq!(undosed_warning(&maps, &dosed), None);
        assert_eq!(undosed_warning(&maps[..1], &Settings::default()), None);
    }
}
