//! `mpgd demo`: the whole loop on the bundled nangate45/gcd, with no arguments, so a fresh clone
//! shows what mpgd does in one command: read the design, extract its CircuitNet feature maps,
//! route it in a congested setting (OpenROAD's `congestion1` derating: metal2 and metal3 at 90%,
//! metal4 and up removed) unsteered, steered by a RUDY heuristic, by the oracle and by the
//! committed models (when this build has inference), print the comparison and write the
//! pictures (`mpgd compare`'s library, one call).

use crate::design::{Design, DesignInput};
use crate::features::{extract, png::heat_map_png, FeatureConfig};
use crate::route::{parse_layer_adjust, parse_layer_range, RouteConfig};
use crate::steer::compare::{table_md, Mode};
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

/// The demo's congested setting: OpenROAD's `congestion1` test.
pub const SETTING: &str = "metal2=0.9,metal3=0.9,metal4-metal10=1.0";

/// The committed models (`models/*mpgd*.onnx`, then `models/*mse*.onnx`) that exist.
fn committed_models() -> Vec<PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("models");
    let mut found: Vec<PathBuf> = std::fs::read_dir(&dir)
        .map(|rd| rd.filter_map(|e| e.ok().map(|e| e.path())).collect())
        .unwrap_or_default();
    found.retain(|p| p.extension().is_some_and(|e| e == "onnx"));
    found.sort();
    let pick = |key: &str| -> Vec<PathBuf> {
        found
            .iter()
            .filter(|p| p.to_string_lossy().contains(key))
            .cloned()
            .collect()
    };
    [pick("mpgd"), pick("mse")].concat()
}

pub fn run(a: &Args) -> anyhow::Result<()> {
    let (lefs, def) = bundled_gcd();
    outln!("mpgd demo: nangate45/gcd (bundled, {})", def.display());
    let t = Instant::now();
    let design = Design::load(&DesignInput::new(lefs, def.clone()))?;
    let stats = super::stats::Stats::of(&design, t.elapsed().as_secs_f64());
    outln!("\n== stats ==");
    out!("{}", stats.table());

    let mut cfg = RouteConfig {
        layer_range: Some(parse_layer_range("metal2-metal10").map_err(anyhow::Error::msg)?),
        ..Default::default()
    };
    for item in SETTING.split(',') {
        cfg.layer_adjust
            .push(parse_layer_adjust(item).map_err(anyhow::Error::msg)?);
    }
    let models = committed_models();
    let model_rows = match super::compare::model_maps(&models, &design, &cfg) {
        Ok(rows) => rows,
        Err(e) => {
            outln!("\n(model rows skipped: {e:#})");
            Vec::new()
        }
    };
    outln!("\n== compare: {SETTING}, steering mode prior ==");
    let runs = super::compare::compare_and_write(
        &design,
        &def,
        &cfg,
        Mode::Prior,
        &Default::default(),
        &model_rows,
        &a.out,
    )?;
    if let Some(none) = runs.first() {
        out!("{}", crate::route::report::resources_table(&none.result));
        out!("{}", crate::route::report::congestion_table(&none.result));
    }
    outln!();
    out!("{}", table_md(&runs));

    let grid =
        crate::route::gcell_grid(&design, None).ok_or_else(|| anyhow::anyhow!("no GCell grid"))?;
    let mut n = 0;
    for (c, m) in extract(&design, &grid, &FeatureConfig::default()).iter() {
        crate::output::write_atomic(&a.out.join(format!("{}.png", c.name())), &heat_map_png(m))?;
        n += 1;
    }
    outln!(
        "\nwrote compare.json, compare.md, congestion.png (runs left to right: {}) and {n} feature maps to {}",
        runs.iter().map(|r| r.name.as_str()).collect::<Vec<_>>().join(", "),
        a.out.display()
    );
    Ok(())
}
