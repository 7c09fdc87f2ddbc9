//! `mpgd stats`: read a design and print what it holds.

/// Arguments of `mpgd stats`.
#[derive(Debug, clap::Args)]
pub struct Args {
    #[command(flatten)]
    pub design: super::DesignArgs,
    /// Print JSON instead of a table.
    #[arg(long)]
    pub json: bool,
}

pub fn run(_a: &Args) -> anyhow::Result<()> {
    anyhow::bail!("not written yet")
}
