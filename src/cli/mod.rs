//! The `mpgd` command line: clap structs that only parse (one file per subcommand), and `run`,
//! which resolves them into designs and configurations and calls the library.
//!
//! Errors are `anyhow` chains printed once by `main` as `mpgd: ...`, exit status 1.

use clap::{Parser, Subcommand};
use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, Ordering};

/// Set once standard output is a closed pipe; later writes to it are skipped.
static STDOUT_CLOSED: AtomicBool = AtomicBool::new(false);

/// Writes a command's printed result to standard output. A reader that went away
/// (`mpgd route ... | head`) is not an error: the rest of the output is dropped and the command
/// still finishes its work (the files it was asked to write); `println!` would panic there.
pub(crate) fn print_out(args: std::fmt::Arguments) {
    use std::io::Write;
    if STDOUT_CLOSED.load(Ordering::Relaxed) {
        return;
    }
    if let Err(e) = std::io::stdout().lock().write_fmt(args) {
        if e.kind() != std::io::ErrorKind::BrokenPipe {
            eprintln!("mpgd: warning: cannot write to standard output: {e}");
        }
        STDOUT_CLOSED.store(true, Ordering::Relaxed);
    }
}

/// `print!` through [`print_out`].
macro_rules! out {
    ($($t:tt)*) => { $crate::cli::print_out(format_args!($($t)*)) };
}

/// `println!` through [`print_out`].
macro_rules! outln {
    () => { $crate::cli::print_out(format_args!("\n")) };
    ($($t:tt)*) => { $crate::cli::print_out(format_args!("{}\n", format_args!($($t)*))) };
}

pub mod compare;
pub mod dataset;
pub mod demo;
pub mod features;
pub mod predict;
pub mod route;
pub mod stats;
pub mod tile;

/// The command line.
#[derive(Debug, Parser)]
#[command(
    name = "mpgd",
    version,
    about = "Routing-congestion hotspot prediction and steering for placed LEF/DEF designs"
)]
pub struct Cli {
    /// Worker threads (default: all cores). Results do not depend on it.
    #[arg(long, global = true)]
    pub threads: Option<usize>,
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Read a design and print its statistics.
    Stats(stats::Args),
    /// Compute CircuitNet feature maps on the GCell grid and write them as .npy (and PNG).
    Features(features::Args),
    /// Build a dataset of feature maps and congestion labels from a configuration.
    Dataset(dataset::Args),
    /// Run the main job on the bundled nangate45/gcd design.
    Demo(demo::Args),
    /// Build a larger placed design by tiling a real one (for scale measurements).
    Tile(tile::Args),
    /// Global routing with OpenROAD's capacity model: overflow, wirelength, vias, guides, maps.
    Route(route::Args),
    /// Route one placement unsteered and steered by RUDY, the oracle and each model; compare.
    Compare(Box<compare::Args>),
    /// Predict the congestion map of a placed design with a trained model (ONNX).
    Predict(predict::Args),
}

/// The files of one design, shared by every subcommand that reads one.
#[derive(Debug, Clone, clap::Args)]
pub struct DesignArgs {
    /// A LEF file (technology first, then cell libraries); repeat for several. `.gz` is fine.
    #[arg(long = "lef", required = true, value_name = "LEF")]
    pub lefs: Vec<PathBuf>,
    /// The placed DEF file (`.gz` is fine).
    #[arg(long, value_name = "DEF")]
    pub def: PathBuf,
    /// Keep components whose master no LEF defines, as zero-size black boxes (with a warning),
    /// instead of stopping.
    #[arg(long)]
    pub allow_missing_masters: bool,
}

impl DesignArgs {
    /// Reads and builds the design.
    pub fn load(&self) -> anyhow::Result<crate::design::Design> {
        self.load_with(self.missing_masters())
    }

    /// Reads and builds the design, with a given policy for masters no LEF defines.
    pub fn load_with(
        &self,
        missing: crate::design::MissingMasters,
    ) -> anyhow::Result<crate::design::Design> {
        self.load_options(crate::design::BuildOptions {
            missing_masters: missing,
            ..Default::default()
        })
    }

    /// Reads and builds the design, keeping the regular nets' routed wiring when `net_wiring`
    /// (what `mpgd route --pre-routed keep` needs).
    pub fn load_with_wiring(&self, net_wiring: bool) -> anyhow::Result<crate::design::Design> {
        self.load_options(crate::design::BuildOptions {
            missing_masters: self.missing_masters(),
            net_wiring,
        })
    }

    /// Reads the design and moves its cells by the seeded placement perturbation `p` (the
    /// dataset's `swap` or `pull`), rebuilding it from the edited DEF; `None` reads it as is.
    pub fn load_perturbed(
        &self,
        p: crate::dataset::perturb::Perturbation,
    ) -> anyhow::Result<crate::design::Design> {
        use crate::dataset::perturb::{apply, Perturbation};
        if p == Perturbation::None {
            return self.load();
        }
        let lefs = self
            .lefs
            .iter()
            .map(|f| crate::lefdef::read_lef(f).map(|(l, _)| (f.as_path(), l)))
            .collect::<Result<Vec<_>, _>>()?;
        let refs: Vec<(&std::path::Path, &crate::lefdef::lef::Lef)> =
            lefs.iter().map(|(f, l)| (*f, l)).collect();
        let (mut def, _) = crate::lefdef::read_def(&self.def)?;
        let options = crate::design::BuildOptions {
            missing_masters: self.missing_masters(),
            ..Default::default()
        };
        // The perturbation picks cells by their masters, so it needs the design as placed.
        let placed = crate::design::from_parsed(&refs, &def, &self.def, options)?;
        apply(p, &placed, &mut def);
        let design = crate::design::from_parsed(&refs, &def, &self.def, options)?;
        for w in &design.warnings {
            eprintln!("mpgd: warning: {w}");
        }
        Ok(design)
    }

    /// `--allow-missing-masters` as a build policy.
    fn missing_masters(&self) -> crate::design::MissingMasters {
        if self.allow_missing_masters {
            crate::design::MissingMasters::Warn
        } else {
            crate::design::MissingMasters::Error
        }
    }

    fn load_options(
        &self,
        options: crate::design::BuildOptions,
    ) -> anyhow::Result<crate::design::Design> {
        let mut input = crate::design::DesignInput::new(self.lefs.clone(), self.def.clone());
        input.options = options;
        let design = crate::design::Design::load(&input)?;
        for w in &design.warnings {
            eprintln!("mpgd: warning: {w}");
        }
        Ok(design)
    }
}

/// `--prior-weight W` (compare and route): a finite number >= 0.
pub fn prior_weight(w: f32) -> anyhow::Result<f32> {
    if !(w.is_finite() && w >= 0.0) {
        anyhow::bail!("--prior-weight '{w}': must be a number >= 0");
    }
    Ok(w)
}

/// Checks `--history-dose K` (a number > 0) and `--history-dose-slope B` (a number, only with
/// K), as `route`, `predict` and `compare` take them.
pub fn history_dose(k: Option<f32>, slope: Option<f32>) -> anyhow::Result<()> {
    if let Some(k) = k {
        if !(k.is_finite() && k > 0.0) {
            anyhow::bail!("--history-dose '{k}': must be a number > 0");
        }
    }
    if let Some(b) = slope {
        if k.is_none() {
            // clap's `requires` says so on the command line; the Tcl edge builds route's Args itself.
            anyhow::bail!("--history-dose-slope: needs --history-dose");
        }
        if !b.is_finite() {
            anyhow::bail!("--history-dose-slope '{b}': must be a number");
        }
    }
    Ok(())
}

/// Runs a parsed command line.
pub fn run(cli: Cli) -> anyhow::Result<()> {
    if let Some(n) = cli.threads {
        rayon::ThreadPoolBuilder::new()
            .num_threads(n.max(1))
            .build_global()
            .ok();
    }
    match cli.command {
        Command::Stats(a) => stats::run(&a),
        Command::Features(a) => features::run(&a),
        Command::Tile(a) => tile::run(&a),
        Command::Demo(a) => demo::run(&a),
        Command::Dataset(a) => dataset::run(&a),
        Command::Route(a) => route::run(&a),
        Command::Compare(a) => compare::run(&a),
        Command::Predict(a) => predict::run(&a),
    }
}
