//! `mpgd demo`: the whole loop on the bundled nangate45/gcd, with no arguments, so a fresh clone
//! shows what mpgd does in one command: read the design, extract its CircuitNet feature maps,
//! predict its congestion with the committed congestion models (a picture: they do not steer
//! better than shuffled maps, docs/results/steering.md), and route its locally congested case
//! (metal1-metal7 at `*=0.905`, 10 rip-up rounds: the case the fifth round's rule picked for this
//! design, docs/results/steering.md) unsteered, steered by a RUDY heuristic, by the history oracle
//! (the unsteered router's own history cost) and by the committed history models (when this build
//! has inference), dosed by the pattern stage; print the comparison and write the pictures (`mpgd
//! compare`'s library, one call: `mpgd compare --layers metal1-metal7 --layer-adjust '*=0.905'
//! --iterations 10 --mode prior --oracle history --history-dose 2.43 --history-dose-slope 0.159
//! --prior-weight 0.5` with the history models).

use crate::design::{Design, DesignInput};
use crate::features::{extract, png::heat_map_png, FeatureConfig};
use crate::route::{parse_layer_adjust, parse_layer_range, RouteConfig};
use crate::steer::compare::{
    table_md, Mode, Oracle, Run, Settings, HISTORY_DOSE, HISTORY_DOSE_SLOPE, HISTORY_PRIOR_WEIGHT,
};
use std::path::{Path, PathBuf};
use std::time::Instant;

/// Arguments of `mpgd demo`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// Folder for the demo's pictures and tables.
    #[arg(long, default_value = "out/demo")]
    pub out: PathBuf,
}

/// The bundled design folder (compiled in: the demo runs from a clone of the repository).
pub fn bundled_gcd() -> (Vec<PathBuf>, PathBuf) {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/nangate45/gcd");
    (vec![dir.join("Nangate45.lef")], dir.join("gcd.def"))
}

/// The demo's layer range and derating: the locally congested case of this design that the fifth
/// round's rule picked before any steering run (docs/results/steering.md, "Fifth round (cases)").
/// OpenROAD's `congestion1` setting congests the whole die, where no map steers.
pub const LAYERS: &str = "metal1-metal7";
/// See [`LAYERS`].
pub const SETTING: &str = "*=0.905";
/// Rip-up and reroute rounds of the demo's routes, as in the steering rounds.
pub const ITERATIONS: usize = 10;

// The demo steers with the shipped defaults of `mpgd route --prior M.onnx`: the prior weight
// HISTORY_PRIOR_WEIGHT and the dose HISTORY_DOSE · d^HISTORY_DOSE_SLOPE (steer::compare), both
// chosen on the training designs (docs/results/steering.md).

/// The committed models, told apart by the task their metadata names (`mpgd.task`), each list
/// MPGD first, then by file name.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Models {
    /// Task `congestion`: overflow over capacity; the demo draws their prediction.
    pub congestion: Vec<PathBuf>,
    /// Task `history`: the router's history cost; the demo steers with them.
    pub history: Vec<PathBuf>,
    /// Any other task (`drv`), with the task: not used by the demo.
    pub other: Vec<(PathBuf, String)>,
}

/// The `.onnx` models in `dir` by task, read from their metadata (so loading ONNX Runtime and
/// checking each model as `mpgd predict` does); a model that does not load is an error naming
/// it. A folder that does not exist holds no models.
pub fn models_in(dir: &Path) -> Result<Models, crate::model::Error> {
    let mut found: Vec<PathBuf> = std::fs::read_dir(dir)
        .map(|rd| rd.filter_map(|e| e.ok().map(|e| e.path())).collect())
        .unwrap_or_default();
    found.retain(|p| p.is_file() && p.extension().is_some_and(|e| e == "onnx"));
    let name = |p: &PathBuf| {
        p.file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default()
    };
    found.sort_by_key(|p| (!name(p).contains("mpgd"), name(p)));
    let mut m = Models::default();
    for p in found {
        let task = crate::model::Model::load(&p)?.metadata().task.clone();
        match task.as_str() {
            "congestion" => m.congestion.push(p),
            "history" => m.history.push(p),
            _ => m.other.push((p, task)),
        }
    }
    Ok(m)
}

/// The models committed in the repository's `models/` ([`models_in`]).
pub fn committed_models() -> Result<Models, crate::model::Error> {
    models_in(&Path::new(env!("CARGO_MANIFEST_DIR")).join("models"))
}

/// The demo's steering settings: `mpgd compare --mode prior --oracle history --history-dose
/// HISTORY_DOSE --history-dose-slope HISTORY_DOSE_SLOPE --prior-weight HISTORY_PRIOR_WEIGHT`.
pub fn settings() -> Settings {
    let mut s = Settings {
        oracle: Oracle::History,
        history_dose: Some(HISTORY_DOSE),
        history_dose_slope: Some(HISTORY_DOSE_SLOPE),
        ..Settings::default()
    };
    s.prior.weight = HISTORY_PRIOR_WEIGHT;
    s
}

/// The demo's routing configuration: [`LAYERS`] with [`SETTING`]'s deratings, [`ITERATIONS`].
pub fn config() -> anyhow::Result<RouteConfig> {
    let mut cfg = RouteConfig {
        layer_range: Some(parse_layer_range(LAYERS).map_err(anyhow::Error::msg)?),
        iterations: ITERATIONS,
        ..Default::default()
    };
    for item in SETTING.split(',') {
        cfg.layer_adjust
            .push(parse_layer_adjust(item).map_err(anyhow::Error::msg)?);
    }
    Ok(cfg)
}

pub fn run(a: &Args) -> anyhow::Result<()> {
    let (lefs, def) = bundled_gcd();
    outln!("mpgd demo: nangate45/gcd (bundled, {})", def.display());
    let t = Instant::now();
    let design = Design::load(&DesignInput::new(lefs, def.clone()))?;
    let stats = super::stats::Stats::of(&design, t.elapsed().as_secs_f64());
    outln!("\n== stats ==");
    out!("{}", stats.table());

    let cfg = config()?;
    let mut pictures: Vec<(PathBuf, Vec<u8>)> = Vec::new();
    let mut predicted: Vec<String> = Vec::new();
    let models = match committed_models() {
        Ok(m) => m,
        Err(e) => {
            outln!("\n(models skipped: {e})");
            Models::default()
        }
    };
    if !models.congestion.is_empty() {
        outln!("\n== predict: the committed congestion models, {LAYERS} at {SETTING} ==");
        outln!("(a picture of where overflow is expected; these maps do not steer better than shuffled ones, docs/results/steering.md)");
        for m in &models.congestion {
            match predict_picture(m, &design, &cfg) {
                Ok((line, file, png)) => {
                    outln!("{line}");
                    pictures.push((a.out.join(&file), png));
                    predicted.push(file);
                }
                Err(e) => outln!("({} skipped: {e:#})", m.display()),
            }
        }
    }
    let model_rows = match super::compare::model_maps(&models.history, &design, &cfg) {
        Ok(rows) => rows,
        Err(e) => {
            outln!("\n(model rows skipped: {e:#})");
            Vec::new()
        }
    };
    outln!("\n== compare: {LAYERS} at {SETTING}, {ITERATIONS} rounds, steering mode prior, weight {HISTORY_PRIOR_WEIGHT} ==");
    outln!("(oracle: the unsteered router's own history cost; the history models' maps dosed to {HISTORY_DOSE} x d^{HISTORY_DOSE_SLOPE} x the pattern stage's overflow in tracks, d its tracks per GCell)");
    let runs = super::compare::compare_and_write(
        &design,
        &def,
        &cfg,
        Mode::Prior,
        &settings(),
        &model_rows,
        &a.out,
    )?;
    if let Some(none) = runs.first() {
        out!("{}", crate::route::report::resources_table(&none.result));
        out!("{}", crate::route::report::congestion_table(&none.result));
    }
    outln!();
    out!("{}", table_md(&runs));

    let steering: Vec<&Run> = runs
        .iter()
        .filter(|r| r.name == "oracle" || model_rows.iter().any(|m| m.name == r.name))
        .collect();
    if !steering.is_empty() {
        pictures.push((a.out.join("history_maps.png"), history_maps_png(&steering)));
    }
    let grid =
        crate::route::gcell_grid(&design, None).ok_or_else(|| anyhow::anyhow!("no GCell grid"))?;
    let mut n = 0;
    for (c, m) in extract(&design, &grid, &FeatureConfig::default()).iter() {
        pictures.push((a.out.join(format!("{}.png", c.name())), heat_map_png(m)));
        n += 1;
    }
    for (p, bytes) in &pictures {
        crate::output::write_atomic(p, bytes)?;
    }
    let names = |rs: &[&Run]| {
        rs.iter()
            .map(|r| r.name.as_str())
            .collect::<Vec<_>>()
            .join(", ")
    };
    outln!(
        "\nwrote to {}: compare.json, compare.md, congestion.png (runs left to right: {}){}{}, and {n} feature maps",
        a.out.display(),
        names(&runs.iter().collect::<Vec<_>>()),
        if steering.is_empty() {
            String::new()
        } else {
            format!(", history_maps.png (the maps that steered: {})", names(&steering))
        },
        predicted
            .iter()
            .map(|f| format!(", {f}"))
            .collect::<String>(),
    );
    Ok(())
}

/// `<model stem>.png`: the picture of a congestion model's prediction.
fn picture_name(model: &Path) -> String {
    format!(
        "{}.png",
        model
            .file_stem()
            .map(|s| s.to_string_lossy().into_owned())
            .unwrap_or_default()
    )
}

/// A congestion model's prediction on the demo's grid: a one-line summary, the picture's file
/// name and its bytes (as `mpgd predict --png` draws it).
fn predict_picture(
    path: &Path,
    design: &Design,
    cfg: &RouteConfig,
) -> anyhow::Result<(String, String, Vec<u8>)> {
    let model = crate::model::Model::load(path)?;
    let p = model.predict(design, cfg)?;
    let m = model.metadata();
    let unit = super::predict::label_unit(&m.label, m.absolute());
    let over_half = p.map.iter().filter(|&&v| v > 0.5).count();
    let name = picture_name(path);
    let line = format!(
        "{}: peak {:.2}, {over_half} of {} GCells above 0.5 ({unit}) -> {name}",
        path.file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default(),
        p.peak,
        p.map.len(),
    );
    Ok((line, name, super::predict::picture(&model, design, &p)))
}

/// The maps that steered `runs` (H plus V history cost), side by side on one colour scale.
fn history_maps_png(runs: &[&Run]) -> Vec<u8> {
    crate::steer::compare::maps_png(
        runs,
        |r| &r.map,
        |r| format!("{}: steering map", r.name),
        "router history cost, H+V",
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::Parser;

    /// The demo steers as `mpgd compare --mode prior --oracle history --history-dose HISTORY_DOSE
    /// --history-dose-slope HISTORY_DOSE_SLOPE --prior-weight HISTORY_PRIOR_WEIGHT` does.
    #[test]
    fn the_demo_steers_as_compare_with_the_history_flags() {
        let (dose, weight) = (HISTORY_DOSE.to_string(), HISTORY_PRIOR_WEIGHT.to_string());
        let slope = HISTORY_DOSE_SLOPE.to_string();
        let cli = crate::cli::Cli::try_parse_from([
            "mpgd",
            "compare",
            "--lef",
            "t.lef",
            "--def",
            "d.def",
            "--out",
            "o",
            "--mode",
            "prior",
            "--oracle",
            "history",
            "--history-dose",
            &dose,
            "--history-dose-slope",
            &slope,
            "--prior-weight",
            &weight,
            "--iterations",
            &ITERATIONS.to_string(),
        ])
        .unwrap();
        let crate::cli::Command::Compare(a) = cli.command else {
            panic!("not compare");
        };
        assert_eq!(a.settings().unwrap(), settings());
        assert_eq!(
            a.iterations,
            config().unwrap().iterations,
            "the demo's rounds"
        );
    }
}
