//! The `mpgd` binary: parses the command line, runs it, prints any error once.
//!
//! Every failure a user can cause ends as one line `mpgd: ...` on stderr and exit status 1; help
//! and version requests exit 0.

use clap::Parser;

fn main() {
    malloc_tuning::apply();
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

/// glibc's allocator, tuned for reading large designs: the heap grows in 64 MB steps backed by
/// transparent huge pages and is not trimmed. Reading gf180mcu/efuse_ctrl then takes about 1,000
/// page faults instead of 47,000, and half the CPU time (docs/performance.md, issue 14).
///
/// glibc reads these settings (tunables) only at program start, from `GLIBC_TUNABLES`, so when
/// that variable is unset the program runs itself again once with it set; the variable is then
/// removed so that programs mpgd starts do not inherit it. A `GLIBC_TUNABLES` given by the user is
/// kept as it is, and any failure to run again leaves the default allocator.
#[cfg(all(target_os = "linux", target_env = "gnu"))]
mod malloc_tuning {
    use std::os::unix::process::CommandExt;

    const VAR: &str = "GLIBC_TUNABLES";
    const TUNED: &str = "glibc.malloc.hugetlb=1:glibc.malloc.top_pad=67108864:\
                         glibc.malloc.trim_threshold=1073741824";

    pub fn apply() {
        match std::env::var_os(VAR) {
            Some(v) if v == TUNED => std::env::remove_var(VAR),
            Some(_) => {}
            None => rerun_tuned(),
        }
    }

    /// Replaces this process with itself, same arguments, `GLIBC_TUNABLES` set; returns only if
    /// that fails.
    fn rerun_tuned() {
        let Ok(exe) = std::env::current_exe() else {
            return;
        };
        let mut args = std::env::args_os();
        let arg0 = args.next().unwrap_or_else(|| exe.clone().into_os_string());
        let _ = std::process::Command::new(&exe)
            .arg0(arg0)
            .args(args)
            .env(VAR, TUNED)
            .exec();
    }
}

#[cfg(not(all(target_os = "linux", target_env = "gnu")))]
mod malloc_tuning {
    pub fn apply() {}
}
