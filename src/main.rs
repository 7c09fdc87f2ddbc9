//! The `mpgd` binary: parses the command line, runs it, prints any error once.
//!
//! Every failure a user can cause ends as one line `mpgd: ...` on stderr and exit status 1; help
//! and version requests exit 0.

use clap::Parser;

fn main() {
    let cli = match mpgd::cli::Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => {
            use clap::error::ErrorKind;
            if matches!(
                e.kind(),
                ErrorKind::DisplayHelp
                    | ErrorKind::DisplayVersion
                    | ErrorKind::DisplayHelpOnMissingArgumentOrSubcommand
            ) {
                let _ = e.print();
                std::process::exit(
                    if e.kind() == ErrorKind::DisplayHelpOnMissingArgumentOrSubcommand {
                        1
                    } else {
                        0
                    },
                );
            }
            // clap's message spans several lines (usage, tips): keep the sentence that matters,
            // with the list it introduces ("required arguments were not provided:") on one line.
            let text = e.render().to_string();
            let mut lines = text.lines().skip_while(|l| l.trim().is_empty());
            let mut msg = lines
                .next()
                .unwrap_or("invalid arguments")
                .trim_start_matches("error: ")
                .to_string();
            if msg.ends_with(':') {
                let items: Vec<&str> = lines
                    .take_while(|l| l.starts_with(' '))
                    .map(str::trim)
                    .collect();
                msg = format!("{} {}", msg, items.join(", "));
            }
            eprintln!("mpgd: {msg}");
            std::process::exit(1);
        }
    };
    if let Err(e) = mpgd::cli::run(cli) {
        eprintln!("mpgd: {e:#}");
        std::process::exit(1);
    }
}
