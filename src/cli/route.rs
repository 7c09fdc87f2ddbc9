//! `mpgd route`: global routing with OpenROAD's capacity model; prints the GRT-0053 and GRT-0096
//! tables and writes the JSON report, route guides and per-GCell maps on request, all only once
//! routing has succeeded.

use crate::route::{RegionAdjustment, RouteConfig, Steer};
use anyhow::{bail, Context};
use std::path::PathBuf;

/// Arguments of `mpgd route`.
#[derive(Debug, clap::Args)]
pub struct Args {
    #[command(flatten)]
    pub design: Option<super::DesignArgs>,
    /// Route an ISPD 2008 contest benchmark (`.gr`, `.gz` is fine) instead of a LEF/DEF design;
    /// prints eval2008's numbers (overflow in capacity units, wirelength with via cost 1).
    #[arg(long, value_name = "FILE.gr", conflicts_with_all = ["lefs", "def", "layers", "clock_layers", "layer_adjust", "region_adjust", "gcell_um", "gcell_from_def", "steer", "prior", "guide", "maps"])]
    pub gr: Option<PathBuf>,
    #[command(flatten)]
    pub resources: ResourceArgs,
    /// Rip-up and reroute rounds (OpenROAD's -congestion_iterations).
    #[arg(long, default_value_t = 50)]
    pub iterations: usize,
    /// Nets the DEF already routes (`+ ROUTED`): `keep` their wiring as blockage and do not route
    /// them again, as OpenROAD's global router does; or `reroute` them, ignoring their wiring.
    #[arg(long = "pre-routed", value_enum, default_value_t = PreRoutedArg::Keep)]
    pub pre_routed: PreRoutedArg,
    /// Per-GCell capacity derating CSV (see docs/router.md).
    #[arg(long, value_name = "HOTSPOTS.csv")]
    pub steer: Option<PathBuf>,
    /// Steer with a prior cost (steering mode `prior`): `rudy`, the RUDY-threshold map of `mpgd
    /// compare`'s rudy run (the free map that lowered overflow on 5 of 7 test designs,
    /// docs/results/steering.md); a model `M.onnx`, run on the design under this route's layers,
    /// adjustments and GCell size, its map steering as `mpgd compare`'s run of that model (a
    /// history model's map dosed by --history-dose, half on each direction); or a `[ny, nx]`
    /// float32 .npy map on the routing grid (e.g. `mpgd predict`'s prediction.npy).
    #[arg(long, value_name = "rudy|M.onnx|MAP.npy")]
    pub prior: Option<String>,
    /// With --prior: router cost, in GCell edges of wire, of one unit of the map (default 2; 0.5
    /// for a history map: a history model or --prior-kind history).
    #[arg(long = "prior-weight", value_name = "W", requires = "prior")]
    pub prior_weight: Option<f32>,
    /// With --prior M.onnx of a history model (label `history`): its map multiplied by one number
    /// so that its total is K times the pattern stage's overflow in tracks (default: K = 2.43 x
    /// d^0.159, d the pattern stage's overflow in tracks per GCell, fitted on the training split;
    /// docs/model.md "Dose"). Given alone, K is a constant.
    #[arg(long = "history-dose", value_name = "K", requires = "prior")]
    pub history_dose: Option<f32>,
    /// With --history-dose K: the factor becomes K x d^B.
    #[arg(
        long = "history-dose-slope",
        value_name = "B",
        requires = "history_dose"
    )]
    pub history_dose_slope: Option<f32>,
    /// With --prior MAP.npy: what the map holds: `congestion` (default: its value on both
    /// directions) or `history` (the router's history cost, H plus V, as `mpgd predict
    /// --history-dose` writes it: half on each direction, as a history model steers).
    #[arg(
        long = "prior-kind",
        value_enum,
        value_name = "KIND",
        requires = "prior"
    )]
    pub prior_kind: Option<PriorKindArg>,
    /// Write route guides (OpenROAD format).
    #[arg(long, value_name = "OUT.guide")]
    pub guide: Option<PathBuf>,
    /// Write the JSON report.
    #[arg(long, value_name = "OUT.json")]
    pub json: Option<PathBuf>,
    /// Write per-GCell H/V capacity and demand maps (.npy), grid.json, and the congestion map
    /// (overflow over capacity, H plus V) as congestion.npy and a heat map congestion.png into DIR.
    #[arg(long, value_name = "DIR")]
    pub maps: Option<PathBuf>,
}

/// `--prior-kind`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum PriorKindArg {
    Congestion,
    History,
}

/// `--pre-routed`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum PreRoutedArg {
    Keep,
    Reroute,
}

/// The routing-resource flags shared by `mpgd route` and `mpgd predict` (layer range,
/// adjustments, GCell size): what the labels, and so the models' inputs, depend on.
#[derive(Debug, Clone, Default, clap::Args)]
pub struct ResourceArgs {
    /// Routing layer range, e.g. `metal2-metal10` (default: every layer with tracks).
    #[arg(long, value_name = "LO-HI")]
    pub layers: Option<String>,
    /// Layer range of non-leaf clock nets (DEF `USE CLOCK` nets without a register clock pin),
    /// e.g. `met3-met5`, as OpenROAD's `set_routing_layers -clock` (default: the signal range).
    #[arg(long = "clock-layers", value_name = "LO-HI")]
    pub clock_layers: Option<String>,
    /// Capacity reduction `NAME=FRACTION`; NAME is a layer, a range `metal4-metal10`, or `*`
    /// (OpenROAD's global adjustment). Repeatable.
    #[arg(long = "layer-adjust", value_name = "NAME=FRACTION")]
    pub layer_adjust: Vec<String>,
    /// Region adjustment "LLX LLY URX URY LAYER FRACTION" (µm). Repeatable.
    #[arg(
        long = "region-adjust",
        value_name = "\"LLX LLY URX URY LAYER FRACTION\""
    )]
    pub region_adjust: Vec<String>,
    /// GCell size in µm (default: 15 track pitches, as OpenROAD).
    #[arg(long = "gcell-um", value_name = "UM")]
    pub gcell_um: Option<f64>,
    /// Take the GCell size from the DEF's GCELLGRID (one a router wrote: square, evenly spaced,
    /// from the die's lower-left corner) instead of 15 track pitches.
    #[arg(long = "gcell-from-def", conflicts_with = "gcell_um")]
    pub gcell_from_def: bool,
    /// Which OpenROAD grt version's capacity rules to follow, to compare with that version's
    /// logs: `5c9e487` (the bundled logs' version), `forks-2025` (5c9e487's model, blocked tracks
    /// rounded per interval), `ispd2026` (ISPDContest2026/OpenROAD's grt: layer-3 tile, one
    /// capacity per layer, per-interval rounding; docs/router.md).
    #[arg(long = "grt-rules", value_enum, default_value_t = GrtRulesArg::V5c9e487)]
    pub grt_rules: GrtRulesArg,
}

/// `--grt-rules`.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, clap::ValueEnum)]
pub enum GrtRulesArg {
    #[default]
    #[value(name = "5c9e487")]
    V5c9e487,
    #[value(name = "forks-2025")]
    Forks2025,
    #[value(name = "ispd2026")]
    Ispd2026,
}

impl ResourceArgs {
    /// The flags' routing configuration for `design` (OpenROAD's defaults for the rest).
    pub fn config(&self, design: &crate::design::Design) -> anyhow::Result<RouteConfig> {
        let mut cfg = RouteConfig::default();
        resources(self, &mut cfg, design.dbu_per_micron)?;
        cfg.grt_rules = match self.grt_rules {
            GrtRulesArg::V5c9e487 => crate::route::capacity::GrtRules::Grt5c9e487,
            GrtRulesArg::Forks2025 => crate::route::capacity::GrtRules::Forks2025,
            GrtRulesArg::Ispd2026 => crate::route::capacity::GrtRules::Ispd2026,
        };
        if self.gcell_from_def {
            let size = crate::route::setup::def_gcell_size(design)
                .map_err(|e| anyhow::anyhow!("--gcell-from-def: {e}"))?;
            cfg.gcell_size = Some(size);
        }
        Ok(cfg)
    }
}

fn fraction(s: &str, flag: &str, whole: &str) -> anyhow::Result<f32> {
    match s.trim().parse::<f32>() {
        Ok(f) if (0.0..=1.0).contains(&f) => Ok(f),
        _ => bail!("{flag} '{whole}': fraction '{s}' is not a number between 0 and 1"),
    }
}

/// Parses a steering CSV: rows `x_um,y_um,layer_or_*,fraction` or `col,row,fraction`; blank
/// lines, `#` comments and a header row (first field not a number) are skipped.
pub fn parse_steer(text: &str, path: &str) -> anyhow::Result<Vec<Steer>> {
    let mut out = Vec::new();
    for (i, line) in text.lines().enumerate() {
        let line = line.trim();
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        let f: Vec<&str> = line.split(',').map(|x| x.trim()).collect();
        if f[0].parse::<f64>().is_err() && i == 0 {
            continue; // header
        }
        let bad = || {
            anyhow::anyhow!("{path}:{}: expected 'x_um,y_um,layer_or_*,fraction' or 'col,row,fraction', got '{line}'", i + 1)
        };
        let frac = |s: &str| -> anyhow::Result<f32> {
            match s.parse::<f32>() {
                Ok(v) if (0.0..=1.0).contains(&v) => Ok(v),
                _ => Err(anyhow::anyhow!(
                    "{path}:{}: fraction '{s}' is not a number between 0 and 1",
                    i + 1
                )),
            }
        };
        match f.len() {
            3 => {
                let col = f[0].parse::<usize>().map_err(|_| bad())?;
                let row = f[1].parse::<usize>().map_err(|_| bad())?;
                out.push(Steer::Cell {
                    col,
                    row,
                    fraction: frac(f[2])?,
                });
            }
            4 => {
                let x = f[0]
                    .parse::<f64>()
                    .ok()
                    .filter(|v| v.is_finite())
                    .ok_or_else(bad)?;
                let y = f[1]
                    .parse::<f64>()
                    .ok()
                    .filter(|v| v.is_finite())
                    .ok_or_else(bad)?;
                let layer = (f[2] != "*").then(|| f[2].to_string());
                out.push(Steer::At {
                    x_um: x,
                    y_um: y,
                    layer,
                    fraction: frac(f[3])?,
                });
            }
            _ => return Err(bad()),
        }
    }
    Ok(out)
}

/// Sets the layer ranges, adjustments and `--gcell-um` GCell size of `cfg`.
fn resources(a: &ResourceArgs, cfg: &mut RouteConfig, dbu_per_micron: i64) -> anyhow::Result<()> {
    if let Some(l) = &a.layers {
        cfg.layer_range =
            Some(crate::route::parse_layer_range(l).map_err(|e| anyhow::anyhow!("--layers {e}"))?);
    }
    if let Some(l) = &a.clock_layers {
        cfg.clock_layer_range = Some(
            crate::route::parse_layer_range(l)
                .map_err(|e| anyhow::anyhow!("--clock-layers {e}"))?,
        );
    }
    for s in &a.layer_adjust {
        cfg.layer_adjust.push(
            crate::route::parse_layer_adjust(s)
                .map_err(|e| anyhow::anyhow!("--layer-adjust {e}"))?,
        );
    }
    for s in &a.region_adjust {
        let f: Vec<&str> = s.split_whitespace().collect();
        if f.len() != 6 {
            bail!("--region-adjust '{s}': expected \"LLX LLY URX URY LAYER FRACTION\"");
        }
        let mut r = [0.0f64; 4];
        for k in 0..4 {
            r[k] = f[k]
                .parse::<f64>()
                .ok()
                .filter(|v| v.is_finite())
                .with_context(|| format!("--region-adjust '{s}': '{}' is not a number", f[k]))?;
        }
        cfg.region_adjust.push(RegionAdjustment {
            rect_um: r,
            layer: f[4].to_string(),
            fraction: fraction(f[5], "--region-adjust", s)?,
        });
    }
    if let Some(g) = a.gcell_um {
        if !(g.is_finite() && g > 0.0) {
            bail!("--gcell-um '{g}': must be a positive number of microns");
        }
        let dbu = (g * dbu_per_micron as f64).round() as i64;
        if dbu <= 0 {
            bail!("--gcell-um '{g}': smaller than one database unit");
        }
        cfg.gcell_size = Some(dbu);
    }
    Ok(())
}

/// The routing configuration of the flags for a loaded design (`--gcell-from-def` included).
/// Shared with the Tcl command `mpgd::route`.
pub fn config_for(a: &Args, design: &crate::design::Design) -> anyhow::Result<RouteConfig> {
    let mut cfg = a.resources.config(design)?;
    cfg.iterations = a.iterations;
    cfg.pre_routed = match a.pre_routed {
        PreRoutedArg::Keep => crate::route::PreRouted::Keep,
        PreRoutedArg::Reroute => crate::route::PreRouted::Reroute,
    };
    if let Some(p) = &a.steer {
        let text = std::fs::read_to_string(p)
            .with_context(|| format!("--steer '{}': cannot read", p.display()))?;
        cfg.steer = Some(parse_steer(&text, &p.display().to_string())?);
    }
    if a.prior.is_none() && (a.history_dose.is_some() || a.prior_kind.is_some()) {
        // clap's `requires` says so on the command line; the Tcl edge builds Args itself.
        bail!("--history-dose and --prior-kind need --prior");
    }
    if let Some(map) = &a.prior {
        cfg.prior = Some(prior_for(a, map, design, &cfg)?);
    }
    Ok(cfg)
}

/// Whether `--prior` names a model (an `.onnx` file) rather than `rudy` or a map.
fn is_model(prior: &str) -> bool {
    std::path::Path::new(prior)
        .extension()
        .is_some_and(|e| e.eq_ignore_ascii_case("onnx"))
}

/// The router prior of `--prior`: the RUDY-threshold map, a model's (dosed) map, or a map file,
/// checked against the routing grid, at `--prior-weight` (by default the steering default, or
/// `HISTORY_PRIOR_WEIGHT` for a history map), priced as `mpgd compare` prices that map
/// (`steer::compare::map_prior`).
fn prior_for(
    a: &Args,
    map: &str,
    design: &crate::design::Design,
    cfg: &RouteConfig,
) -> anyhow::Result<crate::route::Prior> {
    use crate::steer::compare::{map_prior, MapKind, HISTORY_PRIOR_WEIGHT};
    use crate::steer::prior::PriorSettings;
    if a.history_dose.is_some() && !is_model(map) {
        bail!("--history-dose: needs --prior M.onnx (a history model), not '{map}'");
    }
    super::history_dose(a.history_dose, a.history_dose_slope)?;
    if a.prior_kind.is_some() && (map == "rudy" || is_model(map)) {
        bail!(
            "--prior-kind: only for a MAP.npy prior ('{map}' steers as {})",
            if map == "rudy" {
                "a congestion map"
            } else {
                "its label (mpgd.label) says"
            }
        );
    }
    let grid = crate::route::gcell_grid(design, cfg.gcell_size)
        .context("--prior: the design has no GCell grid")?;
    let (nx, ny) = (grid.nx(), grid.ny());
    let (values, kind) = if map == "rudy" {
        (
            crate::steer::compare::rudy_map(design, cfg)?,
            MapKind::Congestion,
        )
    } else if is_model(map) {
        model_map(
            std::path::Path::new(map),
            a.history_dose,
            a.history_dose_slope,
            design,
            cfg,
        )?
    } else {
        let (data, h, w) = crate::npy::read_f32(std::path::Path::new(map))
            .with_context(|| format!("--prior '{map}'"))?;
        if (h, w) != (ny, nx) {
            bail!("--prior '{map}': the map is {h} x {w} (rows x columns), the routing grid {ny} x {nx}");
        }
        let kind = match a.prior_kind {
            Some(PriorKindArg::History) => MapKind::History,
            _ => MapKind::Congestion,
        };
        (data, kind)
    };
    let mut s = PriorSettings::default();
    if kind == MapKind::History {
        s.weight = HISTORY_PRIOR_WEIGHT;
    }
    if let Some(w) = a.prior_weight {
        s.weight = super::prior_weight(w)?;
    }
    map_prior(&values, kind, nx, ny, &s).with_context(|| format!("--prior '{map}'"))
}

/// The map of the model at `path` on `design` routed with `cfg` (its steering and prior left
/// out: the model sees the placement under this route's resources, as `mpgd predict` and `mpgd
/// compare` run it), and what kind of map it is; a history model's map dosed by `dose` and
/// `slope` (`steer::compare::dose_or_default`) times the pattern stage's overflow in tracks.
/// `mpgd compare`'s code does the work (`cli::compare::model_map`,
/// `steer::compare::dosed_history`).
fn model_map(
    path: &std::path::Path,
    dose: Option<f32>,
    slope: Option<f32>,
    design: &crate::design::Design,
    cfg: &RouteConfig,
) -> anyhow::Result<(Vec<f32>, crate::steer::compare::MapKind)> {
    use crate::steer::compare::{dose_or_default, dosed_history, MapKind, Settings};
    let plain = RouteConfig {
        prior: None,
        steer: None,
        ..cfg.clone()
    };
    let row = super::compare::model_map(path, design, &plain)
        .with_context(|| format!("--prior '{}'", path.display()))?;
    if row.kind != MapKind::History {
        if dose.is_some() {
            bail!(
                "--history-dose: the model '{}' is not a history model (its label is not 'history'); only a history model's map is dosed",
                path.display()
            );
        }
        return Ok((row.map, row.kind));
    }
    let (k, slope) = dose_or_default(dose, slope);
    let s = Settings {
        history_dose: Some(k),
        history_dose_slope: slope,
        ..Settings::default()
    };
    let dosed = dosed_history(design, &plain, &s, std::slice::from_ref(&row))
        .with_context(|| format!("--prior '{}': the dose", path.display()))?;
    let map = dosed
        .into_iter()
        .flatten()
        .next()
        .map_or(row.map, |d| d.map);
    Ok((map, MapKind::History))
}

pub fn run(a: &Args) -> anyhow::Result<()> {
    if let Some(gr) = &a.gr {
        return run_gr(a, gr);
    }
    let Some(design) = &a.design else {
        bail!("give the design (--lef ... --def ...) or an ISPD 2008 benchmark (--gr FILE.gr)");
    };
    let design = design.load_with_wiring(a.pre_routed == PreRoutedArg::Keep)?;
    let cfg = config_for(a, &design)?;
    let r = crate::route::run(&design, &cfg).context("routing failed")?;
    for w in &r.warnings {
        eprintln!("mpgd: warning: {w}");
    }
    out!("{}", crate::route::report::resources_table(&r));
    outln!();
    out!("{}", crate::route::report::congestion_table(&r));
    outln!("[INFO MPG-0001] Routing runtime: {:.3} s", r.runtime_s);
    write_outputs(a, &design, &r)
}

/// Writes what the flags ask for (`--json`, `--guide`, `--maps`) once routing has succeeded.
/// Shared with the Tcl command `mpgd::route`.
pub fn write_outputs(
    a: &Args,
    design: &crate::design::Design,
    r: &crate::route::RouteResult,
) -> anyhow::Result<()> {
    let names: Vec<String> = design.layers.iter().map(|l| l.name.clone()).collect();
    if let Some(p) = &a.json {
        crate::output::write_atomic(p, crate::route::report::json(r).as_bytes())?;
    }
    if let Some(p) = &a.guide {
        crate::output::write_atomic(p, crate::route::report::guides(r, &names).as_bytes())?;
    }
    if let Some(dir) = &a.maps {
        std::fs::create_dir_all(dir)
            .with_context(|| format!("--maps '{}': cannot create the folder", dir.display()))?;
        let (nx, ny) = (r.grid.nx, r.grid.ny);
        let m = &r.maps;
        for (name, data) in [
            ("cap_h", &m.cap_h),
            ("cap_v", &m.cap_v),
            ("demand_h", &m.demand_h),
            ("demand_v", &m.demand_v),
        ] {
            crate::output::write_atomic(
                &dir.join(format!("{name}.npy")),
                &crate::npy::encode_f32(data, ny, nx),
            )?;
        }
        let picture = crate::features::Map {
            nx,
            ny,
            data: r.congestion_map(),
        };
        crate::output::write_atomic(
            &dir.join("congestion.npy"),
            &crate::npy::encode_f32(&picture.data, ny, nx),
        )?;
        crate::output::write_atomic(
            &dir.join("congestion.png"),
            &crate::features::png::heat_map_png(&picture),
        )?;
        crate::output::write_atomic(
            &dir.join("grid.json"),
            crate::route::report::grid_json(r, &names).as_bytes(),
        )?;
    }
    Ok(())
}

/// `mpgd route --gr`: an ISPD 2008 benchmark, reported in eval2008's units.
fn run_gr(a: &Args, path: &std::path::Path) -> anyhow::Result<()> {
    let text = crate::lefdef::read_text(path)?;
    let gr =
        crate::route::ispd::parse(&text).map_err(|e| anyhow::anyhow!("{}:{e}", path.display()))?;
    let t = std::time::Instant::now();
    let r = crate::route::ispd::route(&gr, a.iterations);
    let runtime_s = t.elapsed().as_secs_f64();
    outln!(
        "[INFO MPG-0010] {}: {} x {} GCells, {} layers, {} nets",
        path.display(),
        gr.nx,
        gr.ny,
        gr.nl,
        gr.nets.len()
    );
    outln!(
        "[INFO MPG-0011] eval2008: total overflow {}, max overflow {}, wirelength {} (vias {}, via cost 1)",
        r.total_overflow, r.max_overflow, r.wirelength, r.vias
    );
    outln!("[INFO MPG-0001] Routing runtime: {runtime_s:.3} s");
    if let Some(p) = &a.json {
        let j = serde_json::json!({
            "benchmark": path.display().to_string(),
            "nx": gr.nx,
            "ny": gr.ny,
            "layers": gr.nl,
            "nets": gr.nets.len(),
            "total_overflow": r.total_overflow,
            "max_overflow": r.max_overflow,
            "wirelength": r.wirelength,
            "vias": r.vias,
            "rip_up_rounds": r.rounds,
            "runtime_s": runtime_s,
        });
        crate::output::write_atomic(p, format!("{j:#}\n").as_bytes())?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn steering_csv_both_forms() {
        let s = parse_steer(
            "x_um,y_um,layer,fraction\n1.5,2,metal2,0.5\n3,4,0.25\n# c\n",
            "h.csv",
        )
        .unwrap();
        assert_eq!(s.len(), 2);
        assert_eq!(
            s[1],
            Steer::Cell {
                col: 3,
                row: 4,
                fraction: 0.25
            }
        );
        assert!(parse_steer("1,2,3,4,5\n", "h.csv").is_err());
        assert!(parse_steer("1,2,1.5\n", "h.csv").is_err());
    }
}
