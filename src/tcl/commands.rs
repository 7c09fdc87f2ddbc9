//! The internal commands (`mpgd::_read_design`, ...) that the user procs of `mpgd.tcl` call once
//! they have checked their options. Each takes its words as strings, works on the interpreter's
//! [`Session`] and returns a Tcl value as a string; failures are one-line [`TclError`]s with a
//! message ID. They never call back into Tcl.

use super::messages::err;
use super::value::{dict, from_json, list, num};
use super::{Session, TclError};
use crate::design::{Design, DesignInput};
use crate::route::grid::GCellGrid;
use crate::steer::region;
use std::path::{Path, PathBuf};

/// An internal command: its name (registered as `::mpgd::NAME`), its words, and its body.
pub struct Command {
    pub name: &'static str,
    /// The words after the name, for the arity message.
    pub usage: &'static str,
    pub min_words: usize,
    pub max_words: usize,
    run: fn(&mut Session, &[String]) -> Result<String, TclError>,
}

const MANY: usize = usize::MAX;

/// Every internal command. `_test_panic` exists only when `MPGD_TCL_TEST=1` is set at load time
/// (it proves that a panic becomes a Tcl error).
pub const COMMANDS: &[Command] = &[
    Command {
        name: "_read_design",
        usage: "DEF LEF ...",
        min_words: 2,
        max_words: MANY,
        run: read_design,
    },
    Command {
        name: "_predict",
        usage: "MODEL OUT_DIR",
        min_words: 2,
        max_words: 2,
        run: predict,
    },
    Command {
        name: "_load_map",
        usage: "MAP.npy",
        min_words: 1,
        max_words: 1,
        run: load_map,
    },
    Command {
        name: "_emit_region",
        usage: "MAX_ADJUST TOP ?LAYER ...?",
        min_words: 2,
        max_words: MANY,
        run: emit_region,
    },
    Command {
        name: "_emit_padding",
        usage: "TOP SITES ?CELLS SHARE SIDE?",
        min_words: 2,
        max_words: 5,
        run: emit_padding,
    },
    Command {
        name: "_route",
        usage: "?KEY VALUE ...?",
        min_words: 0,
        max_words: MANY,
        run: route,
    },
    Command {
        name: "_measure_log",
        usage: "FILE",
        min_words: 1,
        max_words: 1,
        run: measure_log,
    },
    Command {
        name: "_measure_rpt",
        usage: "FILE",
        min_words: 1,
        max_words: 1,
        run: measure_rpt,
    },
    Command {
        name: "_test_panic",
        usage: "",
        min_words: 0,
        max_words: 0,
        run: test_panic,
    },
];

/// The commands to register in this process.
pub fn registered() -> impl Iterator<Item = &'static Command> {
    let testing = std::env::var("MPGD_TCL_TEST").is_ok_and(|v| v == "1");
    COMMANDS
        .iter()
        .filter(move |c| testing || c.name != "_test_panic")
}

/// Runs internal command `name` (called by the trampoline).
pub fn dispatch(session: &mut Session, name: &str, words: &[String]) -> Result<String, TclError> {
    let Some(cmd) = COMMANDS.iter().find(|c| c.name == name) else {
        return Err(err(2002, format!("unknown internal command mpgd::{name}")));
    };
    if words.len() < cmd.min_words || words.len() > cmd.max_words {
        return Err(err(
            2003,
            format!(
                "wrong # args: should be \"mpgd::{} {}\" (mpgd::{} is internal; use the documented command)",
                cmd.name, cmd.usage, cmd.name
            ),
        ));
    }
    (cmd.run)(session, words)
}

/// The current design and where it came from.
pub struct Loaded {
    pub design: Design,
    pub lefs: Vec<PathBuf>,
    pub def: PathBuf,
}

/// A congestion map on the current design's GCell grid (`ny * nx`, row 0 at the bottom).
pub struct PredictionMap {
    pub grid: GCellGrid,
    pub map: Vec<f32>,
    /// "model FILE" or "map FILE".
    pub source: String,
}

fn current(session: &Session) -> Result<&Loaded, TclError> {
    session.design.as_ref().ok_or_else(|| {
        err(
            2011,
            "no design loaded: run mpgd::read_design -lef ... -def ... (or mpgd::extract_live in openroad) first",
        )
    })
}

fn read_design(session: &mut Session, words: &[String]) -> Result<String, TclError> {
    let def = PathBuf::from(&words[0]);
    let lefs: Vec<PathBuf> = words[1..].iter().map(PathBuf::from).collect();
    let input = DesignInput::new(lefs.clone(), def.clone());
    let design = Design::load(&input).map_err(|e| err(2010, e))?;
    for w in &design.warnings {
        eprintln!("mpgd: warning: {w}");
    }
    let summary = design_summary(&design);
    session.design = Some(Loaded { design, lefs, def });
    session.prediction = None;
    Ok(summary)
}

fn design_summary(d: &Design) -> String {
    let die = [d.die.lo.x, d.die.lo.y, d.die.hi.x, d.die.hi.y].map(|v| num(d.um(v)));
    dict([
        ("design", d.name.clone()),
        ("dbu_per_micron", d.dbu_per_micron.to_string()),
        ("die_um", list(die)),
        ("instances", d.instances.len().to_string()),
        ("nets", d.nets.len().to_string()),
        ("layers", list(d.layers.iter().map(|l| l.name.as_str()))),
    ])
}

fn predict(session: &mut Session, words: &[String]) -> Result<String, TclError> {
    let loaded = current(session)?;
    let design = &loaded.design;
    let path = Path::new(&words[0]);
    let model = crate::model::Model::load(path).map_err(|e| err(2020, e.to_string()))?;
    let p = model
        .predict(design, &crate::route::RouteConfig::default())
        .map_err(|e| err(2024, e.to_string()))?;
    let hot =
        crate::steer::hotspots::select(&p.map, p.nx(), p.ny(), &crate::steer::Selection::default())
            // The default selection on a map of the grid's size cannot fail.
            .unwrap_or_default();
    let mut files = Vec::new();
    if !words[1].is_empty() {
        let dir = Path::new(&words[1]);
        let outputs = [
            (
                "prediction.npy",
                crate::npy::encode_f32(&p.map, p.ny(), p.nx()),
            ),
            (
                "grid.json",
                serde_json::Value::Object(crate::cli::features::grid_layout(design, &p.grid))
                    .to_string()
                    .into_bytes(),
            ),
            (
                "hotspots.csv",
                crate::steer::hotspots::to_steer_csv(&hot, &p.grid, design.dbu_per_micron)
                    .into_bytes(),
            ),
        ];
        let write = |files: &mut Vec<String>| -> Result<(), String> {
            std::fs::create_dir_all(dir)
                .map_err(|e| format!("{}: cannot create the folder: {e}", dir.display()))?;
            for (name, bytes) in &outputs {
                let file = dir.join(name);
                crate::output::write_atomic(&file, bytes)
                    .map_err(|e| format!("{}: {e}", file.display()))?;
                files.push(file.display().to_string());
            }
            Ok(())
        };
        write(&mut files).map_err(|e| err(2025, e))?;
    }
    let summary = format!(
        "{} hotspots {} features_s {} inference_s {} files {{{}}}",
        map_summary(&p.grid, &p.map, design),
        hot.len(),
        num(p.features_s),
        num(p.inference_s),
        files.join(" ")
    );
    session.prediction = Some(PredictionMap {
        grid: p.grid,
        map: p.map,
        source: format!("model {}", path.display()),
    });
    Ok(summary)
}

/// `grid.json` beside a map: the GCell size it was made with (µm), if the file is there.
fn gcell_um_beside(map: &Path) -> Result<Option<f64>, TclError> {
    let path = map.with_file_name("grid.json");
    let Ok(text) = std::fs::read_to_string(&path) else {
        return Ok(None);
    };
    let v: serde_json::Value = serde_json::from_str(&text)
        .map_err(|e| err(2027, format!("{}: not JSON: {e}", path.display())))?;
    Ok(v.get("gcell_um").and_then(|g| g.as_f64()))
}

fn load_map(session: &mut Session, words: &[String]) -> Result<String, TclError> {
    let loaded = current(session)?;
    let path = Path::new(&words[0]);
    let (map, ny, nx) = crate::npy::read_f32(path).map_err(|e| {
        let text = match e {
            crate::npy::Error::Io { .. } => e.to_string(),
            e => format!("{}: {e}", path.display()),
        };
        err(2023, text)
    })?;
    let design = &loaded.design;
    let gcell = gcell_um_beside(path)?
        .map(|um| (um * design.dbu_per_micron as f64).round() as crate::geom::Dbu);
    let grid = crate::route::gcell_grid(design, gcell).ok_or_else(|| {
        err(
            2026,
            format!(
                "{}: the design has no routing layer to size GCells by",
                path.display()
            ),
        )
    })?;
    if (grid.nx(), grid.ny()) != (nx, ny) {
        return Err(err(
            2022,
            format!(
                "{}: map is {nx} x {ny} GCells (nx x ny) but design {} has {} x {} at {} um GCells",
                path.display(),
                design.name,
                grid.nx(),
                grid.ny(),
                num(design.um(grid.gcell_size))
            ),
        ));
    }
    let summary = map_summary(&grid, &map, design);
    session.prediction = Some(PredictionMap {
        grid,
        map,
        source: format!("map {}", path.display()),
    });
    Ok(summary)
}

fn map_summary(grid: &GCellGrid, map: &[f32], design: &Design) -> String {
    let peak = map.iter().copied().fold(0.0f32, f32::max);
    dict([
        ("nx", grid.nx().to_string()),
        ("ny", grid.ny().to_string()),
        ("gcell_um", num(design.um(grid.gcell_size))),
        ("peak", num(peak as f64)),
    ])
}

/// Layer names to routing levels; a range `lo-hi` expands; none given: every routing layer
/// but the lowest (OpenROAD flows route signals from the second layer up).
fn steering_layers(design: &Design, words: &[String]) -> Result<Vec<(String, usize)>, TclError> {
    let level = |name: &str| {
        design.layer_id(name).map(|i| i as usize + 1).ok_or_else(|| {
            let known: Vec<&str> = design.layers.iter().map(|l| l.name.as_str()).collect();
            err(
                2032,
                format!(
                    "mpgd::emit_steering -layers: unknown layer '{name}' in design {} (routing layers: {})",
                    design.name,
                    known.join(" ")
                ),
            )
        })
    };
    if words.is_empty() {
        return Ok(design
            .layers
            .iter()
            .enumerate()
            .skip(1)
            .map(|(i, l)| (l.name.clone(), i + 1))
            .collect());
    }
    let mut out = Vec::new();
    for w in words {
        match w
            .split_once('-')
            .filter(|(a, b)| !a.is_empty() && !b.is_empty())
        {
            Some((lo, hi)) if design.layer_id(w).is_none() => {
                let (a, b) = (level(lo)?, level(hi)?);
                for l in a.min(b)..=a.max(b) {
                    out.push((design.layers[l - 1].name.clone(), l));
                }
            }
            _ => out.push((w.clone(), level(w)?)),
        }
    }
    Ok(out)
}

/// A steering option's number (the proc has checked its range already).
fn steer_number(w: &str, what: &str) -> Result<f64, TclError> {
    w.parse::<f64>()
        .ok()
        .filter(|v| v.is_finite())
        .ok_or_else(|| {
            err(
                2031,
                format!("mpgd::emit_steering {what} '{w}': not a number"),
            )
        })
}

/// The current design's prediction, which every steering mode starts from.
fn current_prediction(session: &Session) -> Result<&PredictionMap, TclError> {
    session.prediction.as_ref().ok_or_else(|| {
        err(
            2021,
            "no prediction for the current design: run mpgd::predict -model FILE, or give mpgd::emit_steering -map FILE.npy",
        )
    })
}

/// A map or options that steering cannot use.
fn steer_error(e: impl std::fmt::Display) -> TclError {
    err(2033, format!("mpgd::emit_steering: {e}"))
}

fn emit_region(session: &mut Session, words: &[String]) -> Result<String, TclError> {
    let loaded = current(session)?;
    let opts = crate::steer::Selection {
        top: steer_number(&words[1], "-top")?,
        min_value: 0.0,
        max_adjust: steer_number(&words[0], "-max_adjust")? as f32,
    };
    let design = &loaded.design;
    let layers = steering_layers(design, &words[2..])?;
    let p = current_prediction(session)?;
    let regions = region::regions(&p.map, &p.grid, design.die, &opts).map_err(steer_error)?;
    let target = region::Target {
        die: design.die,
        dbu_per_micron: design.dbu_per_micron,
        layers,
    };
    let cmds = region::commands(&regions, &target).map_err(steer_error)?;
    Ok(list(cmds))
}

/// `set_placement_padding` and `detailed_placement` for the cells in the `TOP` share of the
/// prediction's GCells (`CELLS` `all`, or `pins`: the `SHARE` of them with most pins per width),
/// `SITES` sites on `SIDE` (`both`, `left`, `right`; `steer::padding`); an empty list when no
/// placed core cell lies in a hotspot.
fn emit_padding(session: &mut Session, words: &[String]) -> Result<String, TclError> {
    use crate::steer::padding::{PadCells, PadSide, PaddingSettings};
    let loaded = current(session)?;
    let top = steer_number(&words[0], "-top")?;
    let sites = steer_number(&words[1], "-pad_sites")? as u32;
    let cells = match words.get(2).map(String::as_str) {
        None | Some("all") => PadCells::All,
        Some(_) => PadCells::PinDense {
            share: steer_number(words.get(3).map_or("0.5", String::as_str), "-pad_share")?,
        },
    };
    let side = words
        .get(4)
        .and_then(|w| PadSide::parse(w))
        .unwrap_or_default();
    let p = current_prediction(session)?;
    let s = PaddingSettings {
        selection: crate::steer::Selection {
            top,
            min_value: 0.0,
            max_adjust: 0.0,
        },
        sites,
        cells,
        side,
    };
    let design = &loaded.design;
    let ids =
        crate::steer::padding::padded_cells(design, &p.grid, &p.map, &s).map_err(steer_error)?;
    let names: Vec<&str> = ids
        .iter()
        .map(|&k| design.instances[k].name.as_str())
        .collect();
    let (left, right) = side.split(sites);
    Ok(list(crate::steer::padding::padding_commands(
        &names, left, right,
    )))
}

/// Rewrites the CLI's flag names in a message into the Tcl command's option names.
fn tcl_flags(message: &str) -> String {
    let mut s = message.to_string();
    for (cli, tcl) in [
        ("--region-adjust", "-region_adjust"),
        ("--layer-adjust", "-layer_adjust"),
        ("--clock-layers", "-clock_layers"),
        ("--gcell-from-def", "-gcell_from_def"),
        ("--gcell-um", "-gcell_um"),
        ("--grt-rules", "-grt_rules"),
        ("--layers", "-layers"),
        ("--steer", "-steer"),
        ("--prior-weight", "-prior_weight"),
        ("--history-dose-slope", "-history_dose_slope"),
        ("--history-dose", "-history_dose"),
        ("--prior-kind", "-prior_kind"),
        ("--prior", "-prior"),
        ("--maps", "-maps"),
        ("--json", "-json"),
        ("--guide", "-guide"),
    ] {
        s = s.replace(cli, tcl);
    }
    s
}

/// `mpgd::route`'s options (already checked by the proc) as the CLI's arguments, so that both
/// build the routing configuration and write the outputs with the same code.
fn route_args(words: &[String]) -> Result<crate::cli::route::Args, TclError> {
    let bad = |m: String| err(2040, format!("mpgd::route {m}"));
    if !words.len().is_multiple_of(2) {
        return Err(bad("expects KEY VALUE pairs".into()));
    }
    let mut a = crate::cli::route::Args {
        design: None,
        gr: None,
        resources: Default::default(),
        iterations: crate::route::RouteConfig::default().iterations,
        // `mpgd::read_design` reads no net wiring: DEF-routed nets are routed again.
        pre_routed: crate::cli::route::PreRoutedArg::Reroute,
        steer: None,
        prior: None,
        prior_weight: None,
        history_dose: None,
        history_dose_slope: None,
        prior_kind: None,
        guide: None,
        json: None,
        maps: None,
    };
    for pair in words.chunks(2) {
        let (k, v) = (pair[0].as_str(), pair[1].clone());
        match k {
            "layers" => a.resources.layers = Some(v),
            "clock_layers" => a.resources.clock_layers = Some(v),
            "layer_adjust" => a.resources.layer_adjust.push(v),
            "region_adjust" => a.resources.region_adjust.push(v),
            "gcell_um" => {
                a.resources.gcell_um = Some(
                    v.parse()
                        .map_err(|_| bad(format!("-gcell_um '{v}': not a number")))?,
                )
            }
            "gcell_from_def" => a.resources.gcell_from_def = v == "1",
            "iterations" => {
                a.iterations = v
                    .parse()
                    .map_err(|_| bad(format!("-iterations '{v}': not a count")))?
            }
            "grt_rules" => {
                a.resources.grt_rules = clap::ValueEnum::from_str(&v, false)
                    .map_err(|_| bad(format!("-grt_rules '{v}': not a grt version")))?
            }
            "steer" => a.steer = Some(v.into()),
            "prior" => a.prior = Some(v),
            "prior_weight" => {
                a.prior_weight = Some(
                    v.parse()
                        .map_err(|_| bad(format!("-prior_weight '{v}': not a number")))?,
                )
            }
            "history_dose" => {
                a.history_dose = Some(
                    v.parse()
                        .map_err(|_| bad(format!("-history_dose '{v}': not a number")))?,
                )
            }
            "history_dose_slope" => {
                a.history_dose_slope = Some(
                    v.parse()
                        .map_err(|_| bad(format!("-history_dose_slope '{v}': not a number")))?,
                )
            }
            "prior_kind" => {
                a.prior_kind =
                    Some(clap::ValueEnum::from_str(&v, false).map_err(|_| {
                        bad(format!("-prior_kind '{v}': not congestion or history"))
                    })?)
            }
            "guide" => a.guide = Some(v.into()),
            "json" => a.json = Some(v.into()),
            "maps" => a.maps = Some(v.into()),
            "verbose" => {}
            _ => return Err(bad(format!("unknown key '{k}'"))),
        }
    }
    Ok(a)
}

fn route(session: &mut Session, words: &[String]) -> Result<String, TclError> {
    let loaded = current(session)?;
    let design = &loaded.design;
    let args = route_args(words)?;
    let verbose = words.chunks(2).any(|p| p[0] == "verbose" && p[1] == "1");
    let cfg = crate::cli::route::config_for(&args, design)
        .map_err(|e| err(2043, tcl_flags(&format!("mpgd::route {e:#}"))))?;
    let r = crate::route::run(design, &cfg).map_err(|e| {
        err(
            2041,
            tcl_flags(&format!("mpgd::route: routing failed: {e}")),
        )
    })?;
    crate::cli::route::write_outputs(&args, design, &r)
        .map_err(|e| err(2042, tcl_flags(&format!("mpgd::route: {e:#}"))))?;
    let json: serde_json::Value =
        serde_json::from_str(&crate::route::report::json(&r)).unwrap_or_default();
    let mut out = from_json(&json);
    if verbose {
        let report = format!(
            "{}\n{}",
            crate::route::report::resources_table(&r),
            crate::route::report::congestion_table(&r)
        );
        out.push(' ');
        out.push_str(&dict([("report", report)]));
    }
    Ok(out)
}

fn measure_log(_: &mut Session, words: &[String]) -> Result<String, TclError> {
    let log = crate::measure::grt_log::read_log(Path::new(&words[0])).map_err(|e| err(2050, e))?;
    let mut pairs: Vec<(String, String)> = Vec::new();
    if let Some(t) = &log.total {
        pairs.push(("total_overflow".into(), t.overflow.to_string()));
        pairs.push(("max_overflow_h".into(), t.max_h.to_string()));
        pairs.push(("max_overflow_v".into(), t.max_v.to_string()));
        pairs.push(("resource".into(), t.resource.to_string()));
        pairs.push(("demand".into(), t.demand.to_string()));
    }
    for (k, v) in [
        ("wirelength_um", log.wirelength_um),
        ("vias", log.vias),
        ("routed_nets", log.routed_nets),
    ] {
        if let Some(v) = v {
            pairs.push((k.into(), v.to_string()));
        }
    }
    pairs.push(("runs".into(), log.runs.to_string()));
    pairs.push(("layers".into(), list(log_layers(&log))));
    Ok(dict(pairs))
}

/// One dict per layer, the GRT-0053 and GRT-0096 rows of the same layer joined.
fn log_layers(log: &crate::measure::grt_log::GrtLog) -> Vec<String> {
    let mut names: Vec<&str> = log.resources.iter().map(|r| r.layer.as_str()).collect();
    for c in &log.congestion {
        if !names.contains(&c.layer.as_str()) {
            names.push(&c.layer);
        }
    }
    names
        .iter()
        .map(|name| {
            let mut d: Vec<(&str, String)> = vec![("name", name.to_string())];
            if let Some(r) = log.resources.iter().find(|r| r.layer == *name) {
                d.push(("direction", r.direction.clone()));
                d.push(("original_resource", r.original.to_string()));
                d.push(("derated_resource", r.derated.to_string()));
            }
            if let Some(c) = log.congestion.iter().find(|c| c.layer == *name) {
                d.push(("demand", c.demand.to_string()));
                d.push(("usage_pct", num(c.usage_pct)));
                d.push(("max_overflow_h", c.max_h.to_string()));
                d.push(("max_overflow_v", c.max_v.to_string()));
                d.push(("overflow", c.overflow.to_string()));
            }
            dict(d)
        })
        .collect()
}

fn measure_rpt(_: &mut Session, words: &[String]) -> Result<String, TclError> {
    let r =
        crate::measure::tr_report::read_report(Path::new(&words[0])).map_err(|e| err(2051, e))?;
    Ok(dict([
        ("records", r.records.len().to_string()),
        ("horizontal", r.count("Horizontal").to_string()),
        ("vertical", r.count("Vertical").to_string()),
        ("total_congestion", r.total_congestion().to_string()),
        ("max_congestion", r.max_congestion().to_string()),
    ]))
}

fn test_panic(_: &mut Session, _: &[String]) -> Result<String, TclError> {
    panic!("deliberate panic from mpgd::_test_panic")
}
