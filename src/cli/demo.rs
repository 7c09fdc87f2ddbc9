//! `mpgd demo`: the main job on the bundled nangate45/gcd, with no arguments, so a fresh clone
//! shows what mpgd does in one command.

use crate::design::{Design, DesignInput};
use std::path::{Path, PathBuf};
use std::time::Instant;

/// Arguments of `mpgd demo`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// Folder for the demo's outputs.
    #[arg(long, default_value = "out/demo")]
    pub out: PathBuf,
}

/// The bundled design folder (compiled in: the demo runs from a clone of the repository).
pub fn bundled_gcd() -> (Vec<PathBuf>, PathBuf) {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/nangate45/gcd");
    (vec![dir.join("Nangate45.lef")], dir.join("gcd.def"))
}

pub fn run(_a: &Args) -> anyhow::Result<()> {
    let (lefs, def) = bundled_gcd();
    println!("mpgd demo: nangate45/gcd (bundled, {})", def.display());
    let t = Instant::now();
    let design = Design::load(&DesignInput::new(lefs, def))?;
    let stats = super::stats::Stats::of(&design, t.elapsed().as_secs_f64());
    println!("\n== stats ==");
    print!("{}", stats.table());
    Ok(())
}
