//! The `mpgd` binary: parses the command line, runs it, prints any error once.

use clap::Parser;

fn main() {
    let cli = mpgd::cli::Cli::parse();
    if let Err(e) = mpgd::cli::run(cli) {
        eprintln!("mpgd: {e:#}");
        std::process::exit(1);
    }
}
