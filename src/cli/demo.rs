//! `mpgd demo`: the main job on the bundled nangate45/gcd, with no arguments, so a fresh clone
//! shows what mpgd does in one command: read the design, extract its CircuitNet feature maps,
//! route it twice (OpenROAD's default capacity, then OpenROAD's `congestion1` derating: metal2 and
//! metal3 at 90%, metal4 and up removed), print the GRT-style tables, and write heat maps of features and congestion.

use crate::design::{Design, DesignInput};
use crate::features::{extract, png::heat_map_png, FeatureConfig, Map};
use crate::route::{parse_layer_adjust, parse_layer_range, run as route, RouteConfig};
use std::path::{Path, PathBuf};
use std::time::Instant;

/// Arguments of `mpgd demo`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// Folder for the demo's pictures.
    #[arg(long, default_value = "out/demo")]
    pub out: PathBuf,
}

/// The bundled design folder (compiled in: the demo runs from a clone of the repository).
pub fn bundled_gcd() -> (Vec<PathBuf>, PathBuf) {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/nangate45/gcd");
    (vec![dir.join("Nangate45.lef")], dir.join("gcd.def"))
}

pub fn run(a: &Args) -> anyhow::Result<()> {
    let (lefs, def) = bundled_gcd();
    println!("mpgd demo: nangate45/gcd (bundled, {})", def.display());
    let t = Instant::now();
    let design = Design::load(&DesignInput::new(lefs, def))?;
    let stats = super::stats::Stats::of(&design, t.elapsed().as_secs_f64());
    println!("\n== stats ==");
    print!("{}", stats.table());

    let mut pictures: Vec<(String, Vec<u8>)> = Vec::new();
    for (title, adjust) in [
        ("OpenROAD defaults", ""),
        (
            "congestion1: metal2=0.9 metal3=0.9 metal4-metal10=1.0",
            "metal2=0.9,metal3=0.9,metal4-metal10=1.0",
        ),
    ] {
        let mut cfg = RouteConfig {
            layer_range: Some(parse_layer_range("metal2-metal10").map_err(anyhow::Error::msg)?),
            ..Default::default()
        };
        for item in adjust.split(',').filter(|s| !s.is_empty()) {
            cfg.layer_adjust
                .push(parse_layer_adjust(item).map_err(anyhow::Error::msg)?);
        }
        let r = route(&design, &cfg)?;
        println!("\n== route, {title} ==");
        print!("{}", crate::route::report::resources_table(&r));
        print!("{}", crate::route::report::congestion_table(&r));
        let (nx, ny) = (r.grid.nx, r.grid.ny);
        let over = r.congestion_map();
        let name = if adjust.is_empty() {
            "congestion_default.png"
        } else {
            "congestion_congestion1.png"
        };
        pictures.push((name.into(), heat_map_png(&Map { nx, ny, data: over })));
        if adjust.is_empty() {
            let grid = crate::route::gcell_grid(&design, None)
                .ok_or_else(|| anyhow::anyhow!("no GCell grid"))?;
            for (c, m) in extract(&design, &grid, &FeatureConfig::default()).iter() {
                pictures.push((format!("{}.png", c.name()), heat_map_png(m)));
            }
        }
    }
    std::fs::create_dir_all(&a.out)?;
    for (name, bytes) in &pictures {
        crate::output::write_atomic(&a.out.join(name), bytes)?;
    }
    println!(
        "\nwrote {} heat maps to {}",
        pictures.len(),
        a.out.display()
    );
    Ok(())
}
