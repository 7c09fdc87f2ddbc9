//! The Tcl extension from the outside: `libmpgd.so` loaded into `tclsh8.6`, scripts under
//! `tests/tcl/` with `.ok` golden logs (OpenROAD's test style), OpenROAD's commands replaced by
//! recording stand-ins (`tests/tcl/mocks.tcl`). `MPGD_BLESS=1` rewrites the `.ok` files.
//!
//! The library tested is the `libmpgd.so` cargo builds with the tests (`target/<profile>/deps/`;
//! `target/<profile>/` after a `cargo build`), or `$MPGD_LIB` when set.

use crate::util::{self, Dir};
use std::path::{Path, PathBuf};
use std::process::Command;

/// The built extension.
fn libmpgd() -> PathBuf {
    if let Some(p) = std::env::var_os("MPGD_LIB") {
        return PathBuf::from(p);
    }
    // The test binary is target/<profile>/deps/integration-HASH. `cargo build` puts the cdylib in
    // target/<profile>/; building the tests leaves it in target/<profile>/deps/ (not uplifted).
    let exe = std::env::current_exe().expect("test binary path");
    let deps = exe.parent().expect("target/<profile>/deps");
    let candidates = [
        deps.parent().map(|p| p.join("libmpgd.so")),
        Some(deps.join("libmpgd.so")),
    ];
    let found = candidates.iter().flatten().find(|p| p.is_file()).cloned();
    found.unwrap_or_else(|| {
        panic!(
            "libmpgd.so not found beside {} or in it: cargo builds it with the library (crate-type cdylib); set MPGD_LIB to test another",
            deps.display()
        )
    })
}

fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// Runs `tests/tcl/NAME.tcl` in a fresh folder; returns (stdout, stderr, the folder).
fn run_script(name: &str) -> (String, String, Dir) {
    let dir = Dir::new();
    let script = repo().join("tests/tcl").join(format!("{name}.tcl"));
    let out = Command::new("tclsh8.6")
        .arg(&script)
        .current_dir(dir.tmp.path())
        .env("MPGD_LIB", libmpgd())
        .env("MPGD_DATA", repo().join("tests/data"))
        .env("MPGD_REPO", repo())
        .env("MPGD_TCL_TEST", "1")
        .env("RAYON_NUM_THREADS", "2")
        .output()
        .expect("run tclsh8.6 (Debian package tcl8.6)");
    let stdout = String::from_utf8_lossy(&out.stdout).into_owned();
    let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
    assert!(
        out.status.success(),
        "{name}.tcl failed (status {:?}):\n{stdout}\n--- stderr:\n{stderr}",
        out.status
    );
    (stdout, stderr, dir)
}

/// Replaces the run's folders by placeholders and a panic's source position by `FILE:LINE`, so
/// the golden log does not depend on where the test ran or on line numbers.
fn normalise(text: &str, dir: &Dir) -> String {
    let tmp = dir.tmp.path().canonicalize().unwrap();
    let mut s = text
        .replace(&repo().join("tests/data").display().to_string(), "DATA")
        .replace(&tmp.display().to_string(), "TMP")
        .replace(&dir.tmp.path().display().to_string(), "TMP")
        .replace(&repo().display().to_string(), "REPO");
    while let Some(at) = s.find(" at src/") {
        let start = at + 4;
        let end = s[start..]
            .find(char::is_whitespace)
            .map_or(s.len(), |e| start + e);
        s.replace_range(at..end, " at FILE:LINE");
    }
    s
}

/// Runs a script and compares its output with `tests/tcl/NAME.ok`.
fn golden(name: &str) -> (String, Dir) {
    let (stdout, _stderr, dir) = run_script(name);
    let got = normalise(&stdout, &dir);
    let ok = repo().join("tests/tcl").join(format!("{name}.ok"));
    if std::env::var("MPGD_BLESS").is_ok_and(|v| v == "1") {
        std::fs::write(&ok, &got).unwrap();
    }
    let want = std::fs::read_to_string(&ok)
        .unwrap_or_else(|_| panic!("{} missing (MPGD_BLESS=1 writes it)", ok.display()));
    if got != want {
        let diff: Vec<String> = want
            .lines()
            .zip(got.lines())
            .enumerate()
            .filter(|(_, (a, b))| a != b)
            .take(5)
            .map(|(i, (a, b))| format!("line {}:\n  want: {a}\n  got:  {b}", i + 1))
            .collect();
        panic!(
            "{name}.tcl differs from {name}.ok ({} vs {} lines):\n{}\n--- full output:\n{got}",
            want.lines().count(),
            got.lines().count(),
            diff.join("\n")
        );
    }
    (got, dir)
}

/// Every error line of a log starts `mpgd:` (or comes from an OpenROAD stand-in) and no script
/// printed a multi-line error or a call that should have failed.
fn assert_errors_well_formed(log: &str) {
    for line in log.lines() {
        assert!(!line.starts_with("MULTI-LINE ERROR"), "{line}");
        assert!(!line.starts_with("NO ERROR"), "{line}");
        if let Some(msg) = line.strip_prefix("error: ") {
            assert!(msg.starts_with("mpgd: [ERROR MPG-"), "{line}");
        }
    }
}

#[test]
fn tcl_library_is_a_stubs_extension() {
    let lib = libmpgd();
    let ldd = Command::new("ldd").arg(&lib).output().expect("ldd");
    let ldd = String::from_utf8_lossy(&ldd.stdout);
    assert!(!ldd.contains("libtcl"), "libmpgd.so links libtcl:\n{ldd}");
    let nm = Command::new("nm")
        .args(["-D", "--defined-only"])
        .arg(&lib)
        .output()
        .expect("nm");
    let nm = String::from_utf8_lossy(&nm.stdout);
    assert!(
        nm.lines().any(|l| l.ends_with(" T Mpgd_Init")),
        "Mpgd_Init is not exported:\n{nm}"
    );
}

#[test]
fn tcl_load_and_package_require() {
    let (log, _) = golden("load");
    assert!(log.contains(&format!(
        "package require mpgd -> {}",
        env!("CARGO_PKG_VERSION")
    )));
}

#[test]
fn tcl_read_design() {
    let (log, _) = golden("read_design");
    assert_errors_well_formed(&log);
    assert!(log.ends_with("alive\n"));
}

#[test]
fn tcl_emit_steering_padding() {
    let (log, _) = golden("steer_padding");
    assert_errors_well_formed(&log);
    // Padding names the cells and legalises them again, as OpenROAD's commands want.
    assert!(
        log.contains("set_placement_padding -instances LIST -left 2 -right 2"),
        "{log}"
    );
    assert!(log.contains("then: detailed_placement"), "{log}");
    // Pin-dense padding: half of the 43 hotspot cells (rounded up), on one side.
    assert!(
        log.contains("pins 0.5, right: 22 instances, -left 0 -right 2"),
        "{log}"
    );
}

#[test]
fn tcl_errors_leave_the_interpreter_alive() {
    let (log, _) = golden("errors");
    assert_errors_well_formed(&log);
    assert!(log.contains("internal error in mpgd::test_panic: deliberate panic"));
    assert!(log.contains("alive:"));
}

#[test]
fn tcl_openroad_session_with_recorded_commands() {
    let (log, _) = golden("openroad_session");
    assert_errors_well_formed(&log);
    assert!(log.ends_with("alive\n"));
}

#[test]
fn tcl_measure_reads_openroad_reports() {
    golden("measure");
}

/// `mpgd route` on gcd with `flags`, writing its JSON to `json`; asserts success and returns the
/// JSON without `runtime_s` (the one field two runs of the same route do not share).
fn cli_route_json(flags: &[&str], json: &Path) -> serde_json::Value {
    let (lefs, def) = util::gcd();
    let mut args = vec!["route".to_string()];
    args.extend(util::design_args(&lefs, &def));
    args.extend(flags.iter().map(|s| s.to_string()));
    args.extend(["--json".to_string(), json.display().to_string()]);
    let out = util::mpgd(&args);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    json_without_runtime(json)
}

/// A route JSON file without `runtime_s`.
fn json_without_runtime(p: &Path) -> serde_json::Value {
    let mut v: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(p).unwrap()).unwrap();
    v.as_object_mut().unwrap().remove("runtime_s");
    v
}

/// `mpgd::route` returns what `mpgd route --json` writes for the same options.
#[test]
fn tcl_route_equals_the_cli() {
    let (_, dir) = golden("route");
    let cli = cli_route_json(
        &[
            "--layers",
            "metal2-metal10",
            "--layer-adjust",
            "metal2=0.5",
            "--layer-adjust",
            "metal3=0.5",
            "--region-adjust",
            "20 20 60 60 metal2 0.7",
            "--region-adjust",
            "20 20 60 60 metal3 0.7",
            "--iterations",
            "10",
        ],
        &dir.path("cli.json"),
    );
    assert_eq!(json_without_runtime(&dir.path("route.json")), cli);
    // `-prior M.onnx` routes as `mpgd route --prior M.onnx` on the same options, and
    // `-history_dose K` as `--history-dose K`.
    let model = repo().join("models/history_gated_fcn_egr_mpgd.onnx");
    let mut flags: Vec<&str> = util::CONGESTION1.to_vec();
    flags.extend([
        "--iterations",
        "2",
        "--pre-routed",
        "reroute",
        "--prior",
        model.to_str().unwrap(),
    ]);
    let cli = cli_route_json(&flags, &dir.path("cli-hist.json"));
    assert_eq!(json_without_runtime(&dir.path("hist.json")), cli);
    flags.extend(["--history-dose", "1.4"]);
    let cli = cli_route_json(&flags, &dir.path("cli-hist14.json"));
    assert_eq!(json_without_runtime(&dir.path("hist14.json")), cli);
    // The default dose is K 2.43 with slope 0.159, given or not.
    assert_eq!(
        json_without_runtime(&dir.path("histd.json")),
        json_without_runtime(&dir.path("hist.json"))
    );
}

/// Runs a command with the extension's environment in `dir`; asserts success, returns stdout.
fn run_in(dir: &Dir, program: &Path, args: &[&str], extra_env: &[(&str, &Path)]) -> String {
    let mut cmd = Command::new(program);
    cmd.args(args)
        .current_dir(dir.tmp.path())
        .env("MPGD_LIB", libmpgd())
        .env("MPGD_DATA", repo().join("tests/data"))
        .env("RAYON_NUM_THREADS", "2");
    for (k, v) in extra_env {
        cmd.env(k, v);
    }
    let out = cmd.output().expect("run");
    let stdout = String::from_utf8_lossy(&out.stdout).into_owned();
    assert!(
        out.status.success(),
        "{} {args:?} failed:\n{stdout}\n--- stderr:\n{}",
        program.display(),
        String::from_utf8_lossy(&out.stderr)
    );
    stdout
}

/// Congested gcd settings for the A/B runs: three layers derated by 85%.
const CONGESTED: &str =
    "-layers metal2-metal4 -layer_adjust {metal2=0.85 metal3=0.85 metal4=0.85} -iterations 3";

/// `flows/ab_builtin.tcl`: baseline and oracle-steered runs of the built-in router on a
/// congested gcd, one table. The table's numbers are the two runs' own (checked against the
/// JSON each run wrote); whether steering helped is reported, not asserted.
#[test]
fn tcl_ab_builtin_flow() {
    let dir = Dir::new();
    let (lefs, def) = util::gcd();
    let stdout = run_in(
        &dir,
        Path::new("tclsh8.6"),
        &[
            repo().join("flows/ab_builtin.tcl").to_str().unwrap(),
            "-lef",
            lefs[0].to_str().unwrap(),
            "-def",
            def.to_str().unwrap(),
            "-route",
            CONGESTED,
            "-steer",
            "-top 0.03 -max_adjust 0.5 -layers metal2-metal4",
            "-out",
            "ab",
        ],
        &[],
    );
    eprintln!("{stdout}");
    let lines: Vec<&str> = stdout.lines().collect();
    assert!(lines[0].starts_with("gcd: ") && lines[0].contains("region adjustments from oracle"));
    let n: usize = lines[0]["gcd: ".len()..]
        .split(' ')
        .next()
        .unwrap()
        .parse()
        .unwrap();
    assert!(
        n > 0,
        "no region adjustments on a congested design: {stdout}"
    );
    // The steering commands written are the ones applied: three layers per rectangle.
    let steering = std::fs::read_to_string(dir.path("ab/steering.tcl")).unwrap();
    assert_eq!(steering.lines().count(), n);
    assert_eq!(n % 3, 0);
    // Each run wrote its maps; the table's rows are present for both runs.
    for run in ["baseline", "steered"] {
        assert!(dir.path(&format!("ab/{run}/congestion.npy")).is_file());
    }
    for key in [
        "total_overflow ",
        "total_overflow_unadjusted ",
        "wirelength_um ",
        "vias ",
    ] {
        assert!(
            lines.iter().any(|l| l.starts_with(key)),
            "{key} row missing:\n{stdout}"
        );
    }
}

/// `flows/ab_builtin.tcl -mode prior` with the shipped history model: the steered run is
/// `mpgd route --prior M.onnx` on the same options (the table's steered column equals the CLI's
/// JSON), and a bad `-mode` is refused before anything runs.
#[test]
fn tcl_ab_builtin_flow_prior_mode() {
    let dir = Dir::new();
    let (lefs, def) = util::gcd();
    let model = repo().join("models/history_gated_fcn_egr_mpgd.onnx");
    let flow = repo().join("flows/ab_builtin.tcl");
    let stdout = run_in(
        &dir,
        Path::new("tclsh8.6"),
        &[
            flow.to_str().unwrap(),
            "-lef",
            lefs[0].to_str().unwrap(),
            "-def",
            def.to_str().unwrap(),
            "-mode",
            "prior",
            "-model",
            model.to_str().unwrap(),
            "-route",
            CONGESTED,
            "-out",
            "ab",
        ],
        &[],
    );
    let lines: Vec<&str> = stdout.lines().collect();
    assert_eq!(
        lines[0], "gcd: prior from history_gated_fcn_egr_mpgd.onnx",
        "{stdout}"
    );
    assert!(dir.path("ab/steered/congestion.npy").is_file());
    let cell = |key: &str, col: usize| -> String {
        let l = lines
            .iter()
            .find(|l| l.starts_with(&format!("{key} ")))
            .unwrap_or_else(|| panic!("{key} row missing:\n{stdout}"));
        l.split_whitespace().nth(col).unwrap().to_string()
    };
    let cli = cli_route_json(
        &[
            "--layers",
            "metal2-metal4",
            "--layer-adjust",
            "metal2=0.85",
            "--layer-adjust",
            "metal3=0.85",
            "--layer-adjust",
            "metal4=0.85",
            "--iterations",
            "3",
            "--pre-routed",
            "reroute",
            "--prior",
            model.to_str().unwrap(),
        ],
        &dir.path("cli.json"),
    );
    for key in ["total_overflow_unadjusted", "wirelength_um", "vias"] {
        assert_eq!(cell(key, 2), cli[key].to_string(), "{key}:\n{stdout}");
    }

    let bad = Command::new("tclsh8.6")
        .current_dir(dir.tmp.path())
        .env("MPGD_LIB", libmpgd())
        .args([
            flow.to_str().unwrap(),
            "-lef",
            lefs[0].to_str().unwrap(),
            "-def",
            def.to_str().unwrap(),
            "-mode",
            "padding",
        ])
        .output()
        .unwrap();
    assert_eq!(bad.status.code(), Some(1));
    assert_eq!(
        String::from_utf8_lossy(&bad.stderr).trim(),
        "ab_builtin.tcl: -mode 'padding': expected region or prior"
    );
}

/// `flows/ab.sh` with a stand-in openroad (tests/tcl/fake_openroad.sh): two processes, the
/// steering evaluated in the second only, and the table from both logs.
#[test]
fn tcl_ab_openroad_flow_plumbing() {
    let dir = Dir::new();
    // A prediction map on gcd's grid: the congestion map of a congested built-in run.
    dir.write(
        "map.tcl",
        format!(
            "load $::env(MPGD_LIB) Mpgd\nmpgd::read_design -lef {} -def {}\nmpgd::route {CONGESTED} -maps maps\n",
            util::gcd().0[0].display(),
            util::gcd().1.display()
        )
        .as_bytes(),
    );
    run_in(&dir, Path::new("tclsh8.6"), &["map.tcl"], &[]);
    dir.write(
        "setup.tcl",
        b"# the stand-in has the design in memory already\n",
    );
    let fake = repo().join("tests/tcl/fake_openroad.sh");
    let map = dir.path("maps/congestion.npy");
    let stdout = run_in(
        &dir,
        &repo().join("flows/ab.sh"),
        &["setup.tcl", "out"],
        &[("OPENROAD", &fake), ("MPGD_MAP", &map)],
    );
    let baseline = std::fs::read_to_string(dir.path("out/baseline.log")).unwrap();
    let steered = std::fs::read_to_string(dir.path("out/steered.log")).unwrap();
    assert!(
        baseline.contains("mock: 0 region adjustments applied"),
        "{baseline}"
    );
    let steering = std::fs::read_to_string(dir.path("out/steering.tcl")).unwrap();
    let n = steering.lines().count();
    assert!(n > 0);
    assert!(
        steered.contains(&format!("mock: {n} region adjustments applied")),
        "{steered}"
    );
    // The table: the real log's Total row (3570 / 3420 / 1046 in congestion1.ok) on both sides.
    assert!(
        stdout
            .lines()
            .any(|l| l.split_whitespace().collect::<Vec<_>>()
                == ["total_overflow", "1046", "1046", "+0", "(+0.0%)"]),
        "{stdout}"
    );
    assert!(stdout.contains("congested edges (rpt)"), "{stdout}");
}
