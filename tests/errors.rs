//! Bad input and bad flags: one line naming the file, position and problem; exit 1; nothing
//! written half-way; never a panic.

use crate::util::*;

fn stats_args(lefs: &[std::path::PathBuf], def: &std::path::Path) -> Vec<String> {
    let mut a = vec!["stats".to_string()];
    a.extend(design_args(lefs, def));
    a
}

#[test]
fn a_missing_def_is_named() {
    let (lefs, _) = gcd();
    let out = mpgd(stats_args(&lefs, std::path::Path::new("/no/such/file.def")));
    assert_user_error(&out, "/no/such/file.def: no such file");
}

#[test]
fn an_unknown_flag_is_one_line_and_exit_1() {
    let out = mpgd(["stats", "--no-such-flag"]);
    assert_user_error(&out, "--no-such-flag");
}

#[test]
fn a_truncated_def_names_file_line_and_column() {
    let dir = Dir::new();
    let (lefs, def) = gcd();
    let text = std::fs::read_to_string(def).unwrap();
    let cut = text.find("END COMPONENTS").unwrap() - 200;
    let bad = dir.write("cut.def", &text.as_bytes()[..cut]);
    let out = mpgd(stats_args(&lefs, &bad));
    let err = String::from_utf8_lossy(&out.stderr);
    assert_user_error(&out, "cut.def:");
    // file:line:column: message
    let first = err.lines().next().unwrap();
    let rest = first.split("cut.def:").nth(1).unwrap();
    let mut parts = rest.splitn(3, ':');
    let line: usize = parts.next().unwrap().parse().expect("a line number");
    let col: usize = parts.next().unwrap().parse().expect("a column number");
    assert!(line > 1 && col >= 1, "{first}");
}

#[test]
fn an_unknown_master_names_the_component() {
    let dir = Dir::new();
    let (lefs, def) = gcd();
    let text = std::fs::read_to_string(def)
        .unwrap()
        .replacen(" INV_X1 ", " NO_SUCH_CELL ", 1);
    let bad = dir.write("bad.def", text.as_bytes());
    let mut args = vec!["tile".to_string()];
    let _ = &mut args;
    // stats tolerates missing masters (descriptive); commands that need geometry do not.
    let out = mpgd(stats_args(&lefs, &bad));
    assert!(out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("NO_SUCH_CELL"));
    let design = mpgd::design::Design::load(&mpgd::design::DesignInput::new(lefs, bad));
    let msg = design.unwrap_err().to_string();
    assert!(
        msg.contains("NO_SUCH_CELL") && msg.contains("component '"),
        "{msg}"
    );
}

#[test]
fn garbage_bytes_are_an_error_not_a_panic() {
    let dir = Dir::new();
    let (lefs, _) = gcd();
    let bad = dir.write("garbage.def", &[0xff, 0xfe, 0x00, 0x42, 0x13, 0x37]);
    let out = mpgd(stats_args(&lefs, &bad));
    assert_user_error(&out, "garbage.def:1:1:");
}

#[test]
fn a_failed_tile_writes_nothing() {
    let dir = Dir::new();
    let (_, def) = gcd();
    let text = std::fs::read_to_string(def).unwrap();
    let bad = dir.write("cut.def", &text.as_bytes()[..text.len() / 2]);
    let out_path = dir.path("out.def");
    let out = mpgd([
        "tile",
        "--def",
        bad.to_str().unwrap(),
        "--out",
        out_path.to_str().unwrap(),
    ]);
    assert_user_error(&out, "cut.def:");
    assert_eq!(
        dir.list(),
        vec!["cut.def".to_string()],
        "nothing else may be written"
    );
}

#[test]
fn a_closed_stdout_is_no_panic_and_the_files_are_still_written() {
    // `mpgd route ... | head -1`: the reader goes away before the tables are printed.
    let dir = Dir::new();
    let (lefs, def) = gcd();
    let json = dir.path("r.json");
    let mut args = vec!["route".to_string()];
    args.extend(design_args(&lefs, &def));
    args.extend(["--json".to_string(), json.display().to_string()]);
    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_mpgd"))
        .args(&args)
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("run mpgd");
    drop(child.stdout.take());
    let out = child.wait_with_output().expect("wait for mpgd");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(!stderr.contains("panicked"), "{stderr}");
    assert!(out.status.success(), "{stderr}");
    assert!(
        json.exists(),
        "the route JSON is written even with nobody reading stdout"
    );
}
