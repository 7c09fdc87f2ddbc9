//! `mpgd tile`: a larger placed design made by tiling a real one (see [`crate::design::tile`]).

use crate::design::tile::{tile, IoPins};
use std::path::PathBuf;

/// Arguments of `mpgd tile`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// The placed DEF to tile (`.gz` is fine).
    #[arg(long, value_name = "DEF")]
    pub def: PathBuf,
    /// Copies along x.
    #[arg(long, default_value_t = 2, value_parser = clap::value_parser!(u32).range(1..=64))]
    pub nx: u32,
    /// Copies along y.
    #[arg(long, default_value_t = 2, value_parser = clap::value_parser!(u32).range(1..=64))]
    pub ny: u32,
    /// What to do with each tile's IO pins.
    #[arg(long, value_enum, default_value_t = IoPins::Drop)]
    pub io: IoPins,
    /// Output DEF (gzip-compressed when it ends in `.gz`).
    #[arg(long, value_name = "DEF")]
    pub out: PathBuf,
}

pub fn run(a: &Args) -> anyhow::Result<()> {
    let (def, warnings) = crate::lefdef::read_def(&a.def)?;
    for w in &warnings {
        eprintln!("mpgd: {w}");
    }
    let tiled = tile(&def, a.nx as usize, a.ny as usize, a.io);
    let mut text = String::with_capacity(1 << 20);
    crate::lefdef::def::write(&tiled, &mut text);
    crate::output::write_atomic(&a.out, text.as_bytes())?;
    eprintln!(
        "mpgd: wrote {} ({} components, {} nets)",
        a.out.display(),
        tiled.components.len(),
        tiled.nets.len()
    );
    Ok(())
}
