//! Inference (`mpgd::model`) and `mpgd predict` with the shipped congestion model on the bundled
//! nangate45/gcd: loading, metadata checks, parity with onnxruntime in Python, tiling, errors.
//!
//! ONNX Runtime comes from `ORT_DYLIB_PATH` or the project's `.venv` (scripts/test.sh sets both
//! up); these tests fail, never skip, when it is missing.

use crate::util::{assert_user_error, design_args, gcd, mpgd, Dir, CONGESTION1};
use mpgd::design::{Design, DesignInput};
use mpgd::model::{Error, Model, PredictOptions, Tiling};
use mpgd::route::RouteConfig;
use std::path::{Path, PathBuf};

fn shipped() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("models/congestion_fcn_egr_mpgd.onnx")
}

fn gcd_design() -> Design {
    let (lefs, def) = gcd();
    Design::load(&DesignInput::new(lefs, def)).expect("bundled gcd reads")
}

/// The project's Python, which has onnxruntime (scripts/onnxruntime.sh or scripts/python-env.sh).
fn python() -> PathBuf {
    let p = Path::new(env!("CARGO_MANIFEST_DIR")).join(".venv/bin/python");
    assert!(
        p.exists(),
        "{} is missing: run scripts/onnxruntime.sh (or scripts/python-env.sh) first",
        p.display()
    );
    p
}

// ------------------------------------------------------------------------------------------
// ONNX protobuf, just enough to rewrite a model's metadata and to build a tiny graph.
// ------------------------------------------------------------------------------------------

fn varint(mut v: u64, out: &mut Vec<u8>) {
    while v >= 0x80 {
        out.push((v as u8) | 0x80);
        v >>= 7;
    }
    out.push(v as u8);
}

fn field_bytes(n: u64, bytes: &[u8], out: &mut Vec<u8>) {
    varint(n << 3 | 2, out);
    varint(bytes.len() as u64, out);
    out.extend_from_slice(bytes);
}

fn field_varint(n: u64, v: u64, out: &mut Vec<u8>) {
    varint(n << 3, out);
    varint(v, out);
}

fn read_varint(b: &[u8], at: &mut usize) -> u64 {
    let mut v = 0u64;
    for shift in (0..64).step_by(7) {
        let byte = b[*at];
        *at += 1;
        v |= ((byte & 0x7f) as u64) << shift;
        if byte < 0x80 {
            break;
        }
    }
    v
}

/// The model's `metadata_props` (ModelProto field 14) replaced by `props`; every other
/// top-level field kept byte for byte.
fn with_metadata(model: &[u8], props: &[(&str, String)]) -> Vec<u8> {
    let mut out = Vec::with_capacity(model.len());
    let mut at = 0;
    while at < model.len() {
        let start = at;
        let tag = read_varint(model, &mut at);
        match tag & 7 {
            0 => {
                read_varint(model, &mut at);
            }
            1 => at += 8,
            2 => {
                let len = read_varint(model, &mut at) as usize;
                at += len;
            }
            5 => at += 4,
            w => panic!("unexpected wire type {w} in the ONNX model"),
        }
        if tag >> 3 != 14 {
            out.extend_from_slice(&model[start..at]);
        }
    }
    for (k, v) in props {
        let mut entry = Vec::new();
        field_bytes(1, k.as_bytes(), &mut entry);
        field_bytes(2, v.as_bytes(), &mut entry);
        field_bytes(14, &entry, &mut out);
    }
    out
}

/// The shipped model's metadata (as its card gives it), with `changes` applied (`None` drops).
fn shipped_props(changes: &[(&str, Option<&str>)]) -> Vec<(&'static str, String)> {
    let mut props: Vec<(&'static str, String)> = vec![
        ("mpgd.format_version", "1".into()),
        ("mpgd.task", "congestion".into()),
        ("mpgd.model", "gpdl".into()),
        ("mpgd.input_channels", r#"["macro_region", "rudy", "rudy_pin"]"#.into()),
        ("mpgd.label", "congestion".into()),
        ("mpgd.normalization", r#"{"mode": "fixed", "channels": ["macro_region", "rudy", "rudy_pin"], "scales": [1.0, 24.64839744567871, 66.21528625488281], "label": "congestion", "label_scale": 8.0, "feature_stat": "max"}"#.into()),
    ];
    for (key, value) in changes {
        props.retain(|(k, _)| k != key);
        if let Some(v) = value {
            let k: &'static str = Box::leak(key.to_string().into_boxed_str());
            props.push((k, v.to_string()));
        }
    }
    props
}

/// A copy of the shipped model with its metadata rewritten, written under `dir`.
fn rewritten(dir: &Dir, name: &str, changes: &[(&str, Option<&str>)]) -> PathBuf {
    let bytes = std::fs::read(shipped()).unwrap();
    dir.write(name, &with_metadata(&bytes, &shipped_props(changes)))
}

/// A one-node ONNX model, `Identity` from `features` to `prediction`, both float32 of `dims`
/// (a number is fixed, a name is free), with the shipped model's metadata.
fn identity_model(dims: &[&str]) -> Vec<u8> {
    let value_info = |name: &str| {
        let mut shape = Vec::new();
        for d in dims {
            let mut dim = Vec::new();
            match d.parse::<u64>() {
                Ok(v) => field_varint(1, v, &mut dim),
                Err(_) => field_bytes(2, d.as_bytes(), &mut dim),
            }
            field_bytes(1, &dim, &mut shape);
        }
        let mut tensor = Vec::new();
        field_varint(1, 1, &mut tensor); // FLOAT
        field_bytes(2, &shape, &mut tensor);
        let mut ty = Vec::new();
        field_bytes(1, &tensor, &mut ty);
        let mut vi = Vec::new();
        field_bytes(1, name.as_bytes(), &mut vi);
        field_bytes(2, &ty, &mut vi);
        vi
    };
    let mut node = Vec::new();
    field_bytes(1, b"features", &mut node);
    field_bytes(2, b"prediction", &mut node);
    field_bytes(3, b"id", &mut node);
    field_bytes(4, b"Identity", &mut node);
    let mut graph = Vec::new();
    field_bytes(1, &node, &mut graph);
    field_bytes(2, b"identity", &mut graph);
    field_bytes(11, &value_info("features"), &mut graph);
    field_bytes(12, &value_info("prediction"), &mut graph);
    let mut opset = Vec::new();
    field_bytes(1, b"", &mut opset);
    field_varint(2, 17, &mut opset);
    let mut model = Vec::new();
    field_varint(1, 8, &mut model); // IR version 8
    field_bytes(8, &opset, &mut model);
    field_bytes(7, &graph, &mut model);
    with_metadata(&model, &shipped_props(&[]))
}

// ------------------------------------------------------------------------------------------
// Library API
// ------------------------------------------------------------------------------------------

#[test]
fn the_shipped_model_loads_with_the_metadata_of_its_card() {
    let m = Model::load(&shipped()).unwrap();
    let md = m.metadata();
    assert_eq!(md.task, "congestion");
    assert_eq!(md.label, "congestion");
    assert_eq!(
        md.input_channels,
        [
            "macro_region",
            "rudy",
            "rudy_pin",
            "capacity_h",
            "capacity_v",
            "rudy_over_capacity",
            "rudy_pin_over_capacity",
            "egr_overflow_h",
            "egr_overflow_v"
        ]
    );
    assert!((md.label_scale - 7.6).abs() < 1e-5, "{}", md.label_scale);
    assert!(md.absolute());
    assert_eq!(md.raw["mpgd.loss"], "mpgd");
    // The process loaded ONNX Runtime and knows what that cost (compare counts it per model).
    assert!(mpgd::model::runtime::library_path().is_some());
    assert!(mpgd::model::runtime::load_seconds() > 0.0);
}

#[test]
fn prediction_on_gcd_is_on_the_label_scale_and_deterministic() {
    let m = Model::load(&shipped()).unwrap();
    let d = gcd_design();
    let cfg = RouteConfig::default();
    let p = m.predict(&d, &cfg).unwrap();
    let (nx, ny) = (p.nx(), p.ny());
    assert!(nx > 10 && ny > 10, "{nx} x {ny}");
    assert_eq!(p.map.len(), nx * ny);
    assert_eq!(p.grid, mpgd::route::gcell_grid(&d, None).unwrap());
    // The graph ends in a clamp to [0, 1]: the map lies in [0, label_scale].
    assert!(p
        .map
        .iter()
        .all(|v| v.is_finite() && (0.0..=8.0).contains(v)));
    assert!(p.peak > 0.0 && p.map.iter().any(|&v| v < p.peak));
    assert_eq!(p.passes, 1);
    let again = m.predict(&d, &cfg).unwrap();
    assert_eq!(p.map, again.map, "same input, same bytes");
}

/// The tensor Rust feeds the model and the map it gets back agree with onnxruntime in Python
/// (the training side's runtime) on the same raw channels, within 1e-5 on the label's scale.
/// Python normalises the raw channels itself, with the training package's `Normalizer` when it
/// is installed (scripts/python-env.sh) and the metadata's scales otherwise.
#[test]
fn prediction_agrees_with_onnxruntime_in_python() {
    let m = Model::load(&shipped()).unwrap();
    let d = gcd_design();
    let cfg = RouteConfig::default();
    let input = m.input(&d, &cfg).unwrap();
    let p = m.predict(&d, &cfg).unwrap();
    let (ny, nx) = (p.ny(), p.nx());
    let raw: Vec<f32> = input.channels.maps.concat();
    let dir = Dir::new();
    let c = input.channels.maps.len();
    dir.write("raw.npy", &mpgd::npy::encode_f32(&raw, c * ny, nx));
    let script = r#"
import json, sys
import numpy as np, onnxruntime as ort
model, raw, out, c = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4])
sess = ort.InferenceSession(model, providers=["CPUExecutionProvider"])
meta = sess.get_modelmeta().custom_metadata_map
norm = json.loads(meta["mpgd.normalization"])
x = np.load(raw)
x = x.reshape(c, x.shape[0] // c, x.shape[1])
try:
    sys.path.insert(0, "train")
    from mpgd_train.data import Normalizer
    xn, _ = Normalizer.from_dict(norm).apply(x)
except ImportError:
    xn = (x / np.asarray(norm["scales"], np.float32).reshape(-1, 1, 1)).astype(np.float32)
y = sess.run(["prediction"], {"features": xn[None]})[0][0, 0]
np.save(out, (y * np.float32(norm["label_scale"])).astype(np.float32))
np.save(out.replace(".npy", "_in.npy"), xn.reshape(-1, xn.shape[-1]))
"#;
    let status = std::process::Command::new(python())
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .arg("-c")
        .arg(script)
        .arg(shipped())
        .arg(dir.path("raw.npy"))
        .arg(dir.path("py.npy"))
        .arg(c.to_string())
        .status()
        .expect("run python");
    assert!(status.success(), "python onnxruntime run failed");
    let (py_in, _, _) = mpgd::npy::read_f32(&dir.path("py_in.npy")).unwrap();
    let worst_in = py_in
        .iter()
        .zip(&input.tensor)
        .map(|(a, b)| (a - b).abs())
        .fold(0.0f32, f32::max);
    assert_eq!(py_in.len(), input.tensor.len());
    assert!(worst_in <= 1e-6, "normalised inputs differ by {worst_in}");
    let (py, pny, pnx) = mpgd::npy::read_f32(&dir.path("py.npy")).unwrap();
    assert_eq!((pny, pnx), (ny, nx));
    let worst = py
        .iter()
        .zip(&p.map)
        .map(|(a, b)| (a - b).abs())
        .fold(0.0f32, f32::max);
    assert!(
        worst <= 1e-5,
        "Rust and Python onnxruntime differ by {worst}"
    );
}

#[test]
fn the_shipped_models_inputs_take_the_early_route_alone_and_equal_a_whole_routes() {
    let d = gcd_design();
    let m = Model::load(&shipped()).unwrap();
    // Three layers, 90% derated: the pattern stage overflows (OpenROAD's congestion tests' kind of setting).
    let derated = RouteConfig {
        layer_range: Some(("metal2".into(), "metal4".into())),
        layer_adjust: vec![(mpgd::route::LayerSel::All, 0.9)],
        ..RouteConfig::default()
    };
    let input = m.input(&d, &derated).unwrap();
    assert!(
        input.channels.route.is_none(),
        "the nine inputs need the pattern stage, not a whole route"
    );
    // The same channels taken from a whole route (a label among the names forces one), as the
    // dataset computes them for training.
    let mut names: Vec<&str> = m
        .metadata()
        .input_channels
        .iter()
        .map(String::as_str)
        .collect();
    names.push("congestion");
    let full = mpgd::dataset::channels::compute(&d, &derated, &names).unwrap();
    assert!(full.route.is_some());
    let egr = input.channels.get("egr_overflow_h").unwrap();
    assert!(egr.iter().any(|&v| v > 0.0), "derated gcd overflows");
    assert_eq!(input.channels.maps[..], full.maps[..names.len() - 1]);
}

/// Tiling is exact for a network whose output at a GCell depends only on inputs within the
/// margin. The shipped model is an FCN without normalisation layers (receptive field 63 GCells:
/// 31 on each side, inside the 32-GCell margin) plus the scaled egr map of the same GCell, so the
/// stitched map equals the whole-grid map up to float rounding. (GPDL's InstanceNorm layers
/// normalise over the whole input instead: the earlier 9-input GPDL drifted by up to 0.28 on
/// ibex_core and kept 74% of the top-5% GCells; docs/model.md.) A tile larger than the grid is
/// the whole grid.
#[test]
fn tiled_inference_agrees_with_the_whole_grid() {
    let dir = crate::util::designs_dir().join("nangate45/ibex_core");
    let d = Design::load(&DesignInput::new(
        vec![dir.join("Nangate45.lef")],
        dir.join("ibex_core_replace.def.gz"),
    ))
    .unwrap();
    let m = Model::load(&shipped()).unwrap();
    assert!(
        m.metadata().architecture.starts_with("fcn"),
        "this test's bound is for a model without whole-input normalisation: {}",
        m.metadata().architecture
    );
    let cfg = RouteConfig::default();
    let input = m.input(&d, &cfg).unwrap();
    let (ny, nx) = (input.channels.ny(), input.channels.nx());
    assert!(
        nx > 256 || ny > 256,
        "ibex_core needs more than one tile: {nx} x {ny}"
    );
    let (whole, n1) = m.run_tensor(&input.tensor, ny, nx, None).unwrap();
    let big = Tiling {
        tile: nx.max(ny),
        margin: 32,
    };
    let (one_tile, n) = m.run_tensor(&input.tensor, ny, nx, Some(big)).unwrap();
    assert_eq!((n1, n), (1, 1));
    assert_eq!(whole, one_tile);
    let (tiled, passes) = m
        .run_tensor(
            &input.tensor,
            ny,
            nx,
            Some(PredictOptions::default().tiling),
        )
        .unwrap();
    assert!(passes > 1);
    assert_eq!(passes, nx.div_ceil(256) * ny.div_ceil(256));
    let scale = m.metadata().label_scale;
    let max = whole
        .iter()
        .zip(&tiled)
        .map(|(a, b)| (a - b).abs() * scale)
        .fold(0.0f32, f32::max);
    eprintln!("tiled vs whole on ibex_core: max |diff| {max:.3e} on the label's scale");
    assert!(max <= 1e-4, "max {max}");
}

// ------------------------------------------------------------------------------------------
// Errors: every one names the model file and the field, none panics
// ------------------------------------------------------------------------------------------

fn load_err(path: &Path) -> String {
    let e = Model::load(path).unwrap_err();
    let text = e.to_string();
    assert!(!text.contains('\n'), "one line: {text}");
    assert!(text.contains(&path.display().to_string()), "{text}");
    text
}

#[test]
fn a_file_that_is_not_onnx_is_refused() {
    let dir = Dir::new();
    let p = dir.write("junk.onnx", b"this is not a protobuf\x00\xff\xfe");
    assert!(load_err(&p).contains("not an ONNX model"));
    let text = load_err(&dir.path("missing.onnx"));
    assert!(text.contains("cannot read"), "{text}");
    // A truncated model.
    let bytes = std::fs::read(shipped()).unwrap();
    let p = dir.write("cut.onnx", &bytes[..bytes.len() / 3]);
    assert!(load_err(&p).contains("not an ONNX model"));
}

#[test]
fn an_onnx_model_without_mpgd_metadata_is_refused() {
    let dir = Dir::new();
    let bytes = std::fs::read(shipped()).unwrap();
    let p = dir.write("plain.onnx", &with_metadata(&bytes, &[]));
    assert!(load_err(&p).contains("not an mpgd model"));
}

#[test]
fn a_model_needing_a_channel_mpgd_cannot_compute_is_refused_by_name() {
    let dir = Dir::new();
    let channels = r#"["macro_region", "timing_slack", "rudy_pin"]"#;
    let norm = r#"{"mode": "fixed", "channels": ["macro_region", "timing_slack", "rudy_pin"], "scales": [1.0, 2.0, 3.0], "label": "congestion", "label_scale": 8.0}"#;
    let p = rewritten(
        &dir,
        "slack.onnx",
        &[
            ("mpgd.input_channels", Some(channels)),
            ("mpgd.normalization", Some(norm)),
        ],
    );
    let text = load_err(&p);
    assert!(text.contains("'timing_slack'"), "{text}");
    assert!(
        matches!(Model::load(&p), Err(Error::UnknownChannel { name, .. }) if name == "timing_slack")
    );
}

#[test]
fn metadata_mismatches_name_the_field() {
    let dir = Dir::new();
    let cases: [(&str, Option<&str>, &str); 4] = [
        ("mpgd.format_version", Some("2"), "mpgd.format_version"),
        ("mpgd.task", Some("timing"), "mpgd.task"),
        ("mpgd.task", None, "mpgd.task"),
        (
            "mpgd.input_channels",
            Some(r#"["rudy", "macro_region", "rudy_pin"]"#),
            "mpgd.normalization.channels",
        ),
    ];
    for (k, (key, value, field)) in cases.into_iter().enumerate() {
        let p = rewritten(&dir, &format!("m{k}.onnx"), &[(key, value)]);
        let text = load_err(&p);
        assert!(text.contains(field), "{field}: {text}");
    }
}

#[test]
fn a_model_for_another_task_is_refused_when_a_task_is_asked_for() {
    let dir = Dir::new();
    let norm = r#"{"mode": "fixed", "channels": ["macro_region", "rudy", "rudy_pin", "capacity_h", "capacity_v", "rudy_over_capacity", "rudy_pin_over_capacity", "egr_overflow_h", "egr_overflow_v"], "scales": [1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0, 8.0, 9.0], "label": "drv", "label_scale": 4.0}"#;
    let p = rewritten(
        &dir,
        "drv.onnx",
        &[
            ("mpgd.task", Some("drv")),
            ("mpgd.label", Some("drv")),
            (
                "mpgd.input_channels",
                Some(
                    r#"["macro_region", "rudy", "rudy_pin", "capacity_h", "capacity_v", "rudy_over_capacity", "rudy_pin_over_capacity", "egr_overflow_h", "egr_overflow_v"]"#,
                ),
            ),
            ("mpgd.normalization", Some(norm)),
        ],
    );
    assert_eq!(Model::load(&p).unwrap().metadata().task, "drv");
    let e = Model::load_for_task(&p, "congestion").unwrap_err();
    assert!(
        matches!(&e, Error::MetadataMismatch { key, expected, found, .. } if key == "mpgd.task" && expected == "congestion" && found == "drv"),
        "{e}"
    );
}

#[test]
fn wrong_tensor_shapes_are_refused_at_load() {
    let dir = Dir::new();
    // Fixed height and width.
    let p = dir.write("fixed.onnx", &identity_model(&["1", "3", "64", "64"]));
    let text = load_err(&p);
    assert!(text.contains("input 'features'"), "{text}");
    // Three output channels.
    let p = dir.write("three.onnx", &identity_model(&["N", "3", "H", "W"]));
    let text = load_err(&p);
    assert!(text.contains("output 'prediction'"), "{text}");
    // Rank 3.
    let p = dir.write("rank3.onnx", &identity_model(&["3", "H", "W"]));
    assert!(load_err(&p).contains("input 'features'"));
}

// ------------------------------------------------------------------------------------------
// `mpgd predict`
// ------------------------------------------------------------------------------------------

fn predict_args(out: &Path) -> Vec<String> {
    let (lefs, def) = gcd();
    let mut a = vec![
        "predict".to_string(),
        "--model".into(),
        shipped().display().to_string(),
    ];
    a.extend(design_args(&lefs, &def));
    a.extend(["--out".into(), out.display().to_string()]);
    a
}

#[test]
fn predict_writes_the_map_the_grid_and_a_steering_csv_route_accepts() {
    let dir = Dir::new();
    let out = dir.path("pred");
    let mut args = predict_args(&out);
    args.extend(["--png".into(), "--top".into(), "0.02".into()]);
    let run = mpgd(&args);
    let stdout = String::from_utf8_lossy(&run.stdout);
    assert!(
        run.status.success(),
        "{}",
        String::from_utf8_lossy(&run.stderr)
    );
    for key in ["peak", "hotspots", "features", "inference", "total"] {
        assert!(stdout.contains(key), "summary lacks {key}: {stdout}");
    }
    let grid: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(out.join("grid.json")).unwrap()).unwrap();
    let (nx, ny) = (
        grid["nx"].as_u64().unwrap() as usize,
        grid["ny"].as_u64().unwrap() as usize,
    );
    assert_eq!(grid["row0"], "bottom");
    let npy = std::fs::read(out.join("prediction.npy")).unwrap();
    let header = String::from_utf8_lossy(&npy[10..128.min(npy.len())]).to_string();
    assert!(header.contains("'descr': '<f4'"), "{header}");
    assert!(
        header.contains(&format!("'shape': ({ny}, {nx})")),
        "{header}"
    );
    let (map, _, _) = mpgd::npy::read_f32(&out.join("prediction.npy")).unwrap();
    // The library gives the same map.
    let p = Model::load(&shipped())
        .unwrap()
        .predict(&gcd_design(), &RouteConfig::default())
        .unwrap();
    assert_eq!(map, p.map);
    // hotspots.csv: 2% of the GCells, one row each after the header.
    let csv = std::fs::read_to_string(out.join("hotspots.csv")).unwrap();
    let rows = csv.lines().count() - 1;
    assert_eq!(rows, ((nx * ny) as f64 * 0.02).ceil() as usize);
    let png = std::fs::read(out.join("prediction.png")).unwrap();
    assert_eq!(&png[..8], b"\x89PNG\r\n\x1a\n");
    // `mpgd route --steer` takes the CSV.
    let (lefs, def) = gcd();
    let mut route = vec!["route".to_string()];
    route.extend(design_args(&lefs, &def));
    route.extend([
        "--iterations".into(),
        "0".into(),
        "--steer".into(),
        out.join("hotspots.csv").display().to_string(),
    ]);
    let r = mpgd(&route);
    assert!(r.status.success(), "{}", String::from_utf8_lossy(&r.stderr));
}

#[test]
fn predict_without_a_library_says_where_it_looked_in_one_line() {
    let dir = Dir::new();
    let out = dir.path("pred");
    let run = std::process::Command::new(env!("CARGO_BIN_EXE_mpgd"))
        .args(predict_args(&out))
        .env("ORT_DYLIB_PATH", "/nowhere/libonnxruntime.so")
        .output()
        .unwrap();
    assert_user_error(&run, "/nowhere/libonnxruntime.so");
    assert!(String::from_utf8_lossy(&run.stderr).contains("scripts/onnxruntime.sh"));
    assert!(!out.exists(), "nothing written");
}

#[test]
fn predict_with_a_bad_model_writes_nothing() {
    let dir = Dir::new();
    let out = dir.path("pred");
    let junk = dir.write("junk.onnx", b"not a model");
    let mut args = predict_args(&out);
    args[2] = junk.display().to_string();
    assert_user_error(&mpgd(&args), "junk.onnx");
    assert!(!out.exists());
    let mut args = predict_args(&out);
    args.extend(["--task".into(), "drv".into()]);
    assert_user_error(&mpgd(&args), "mpgd.task");
    assert!(!out.exists());
}

/// The shipped model with its metadata relabelled: `task`, `label` and the normalisation's label
/// and `label_scale` changed, every other entry as shipped (the same network and inputs).
fn relabelled(dir: &Dir, name: &str, task: &str, label: &str, label_scale: f64) -> PathBuf {
    let raw = Model::load(&shipped()).unwrap().metadata().raw.clone();
    let mut norm: serde_json::Value = serde_json::from_str(&raw["mpgd.normalization"]).unwrap();
    norm["label"] = label.into();
    norm["label_scale"] = label_scale.into();
    let props: Vec<(&str, String)> = raw
        .iter()
        .map(|(k, v)| {
            let v = match k.as_str() {
                "mpgd.task" => task.to_string(),
                "mpgd.label" => label.to_string(),
                "mpgd.normalization" => norm.to_string(),
                _ => v.clone(),
            };
            (k.as_str(), v)
        })
        .collect();
    dir.write(
        name,
        &with_metadata(&std::fs::read(shipped()).unwrap(), &props),
    )
}

/// `mpgd compare` on gcd under OpenROAD's congestion1 setting, 3 rounds, with `models` (the
/// shipped model's map steers there: at prior weight 1 and 2 its runs differ).
fn compare_gcd(out: &Path, models: &[&Path]) -> std::process::Output {
    compare_gcd_with(out, models, &[])
}

/// [`compare_gcd`] with more `flags`.
fn compare_gcd_with(out: &Path, models: &[&Path], flags: &[&str]) -> std::process::Output {
    let (lefs, def) = gcd();
    let mut args = vec!["compare".to_string()];
    args.extend(design_args(&lefs, &def));
    args.extend(
        CONGESTION1
            .iter()
            .chain(&["--iterations", "3", "--write-maps"])
            .chain(flags)
            .map(|s| s.to_string()),
    );
    for m in models {
        args.extend(["--model".to_string(), m.display().to_string()]);
    }
    args.extend(["--out".to_string(), out.display().to_string()]);
    mpgd(&args)
}

/// A model whose metadata says it predicts the router's history cost (task and label `history`)
/// steers as a history prior: half its map on each direction. The same network labelled as a
/// congestion model at half the label scale gives exactly that cost on both directions, so the
/// two runs route alike, while the maps they report (H plus V) differ by a factor of 2.
#[test]
fn compare_steers_with_a_history_model_as_a_history_prior() {
    let dir = Dir::new();
    let hist = relabelled(&dir, "hist.onnx", "history", "history", 8.0);
    let half = relabelled(&dir, "half.onnx", "congestion", "congestion", 4.0);
    assert_eq!(Model::load(&hist).unwrap().metadata().task, "history");
    let out = dir.path("cmp");
    let run = compare_gcd(&out, &[&hist, &half]);
    assert!(
        run.status.success(),
        "{}",
        String::from_utf8_lossy(&run.stderr)
    );
    let rows: Vec<serde_json::Value> =
        serde_json::from_slice(&std::fs::read(out.join("compare.json")).unwrap()).unwrap();
    let row = |name: &str| rows.iter().find(|r| r["run"] == name).unwrap().clone();
    let (h, c) = (row("hist.onnx"), row("half.onnx"));
    for k in ["total_overflow_unadjusted", "wirelength_um", "vias"] {
        assert_eq!(h[k], c[k], "{k}");
    }
    // A model run's steer_s counts its prediction (the map's `made_s`; the accounting itself is
    // tested without clocks in steer.rs, `a_runs_steer_s_counts_the_seconds_its_map_took`: a
    // comparison with another run's seconds fails on a loaded machine).
    for r in [&h, &c] {
        let s = r["steer_s"].as_f64().unwrap();
        assert!(s > 0.0, "{}: steer_s {s}", r["run"]);
    }
    let read = |n: &str| {
        mpgd::npy::read_f32(&out.join(format!("{n}.map.npy")))
            .unwrap()
            .0
    };
    let (hm, cm) = (read("hist.onnx"), read("half.onnx"));
    assert!(
        cm.iter().any(|&v| v > 0.0),
        "the model predicts congestion on gcd"
    );
    let doubled: Vec<f32> = cm.iter().map(|v| 2.0 * v).collect();
    assert!(
        hm == doubled,
        "the history run's map is H plus V, twice the half-scale map"
    );
}

/// `--history-dose K` multiplies a history model's map by one number so that its total is K
/// times the pattern stage's overflow in tracks (the `egr` run's map with `--egr-tracks`); a
/// congestion model's map is left as it is, and the flag is refused without a history model.
#[test]
fn history_dose_gives_a_history_map_the_pattern_stages_total_in_tracks() {
    let dir = Dir::new();
    let hist = relabelled(&dir, "hist.onnx", "history", "history", 8.0);
    let cong = shipped();
    let flags = ["--egr", "--egr-tracks", "--history-dose", "2.5"];
    let out = dir.path("dosed");
    let run = compare_gcd_with(&out, &[&hist, &cong], &flags);
    assert!(
        run.status.success(),
        "{}",
        String::from_utf8_lossy(&run.stderr)
    );
    let plain = dir.path("plain");
    assert!(compare_gcd(&plain, &[&hist, &cong]).status.success());
    let read = |d: &Path, n: &str| {
        mpgd::npy::read_f32(&d.join(format!("{n}.map.npy")))
            .unwrap()
            .0
    };
    let total = |m: &[f32]| m.iter().map(|&x| x as f64).sum::<f64>();
    let tracks = total(&read(&out, "egr"));
    assert!(tracks > 0.0, "the pattern stage overflows on gcd");
    let (dosed, undosed) = (read(&out, "hist.onnx"), read(&plain, "hist.onnx"));
    let want = 2.5 * tracks;
    assert!(
        (total(&dosed) - want).abs() <= 1e-3 * want,
        "{} vs {want}",
        total(&dosed)
    );
    // One factor for the whole map: the hotspots keep their order and proportions.
    let f = total(&dosed) / total(&undosed);
    for (d, u) in dosed.iter().zip(&undosed) {
        assert!((*d as f64 - f * *u as f64).abs() <= 1e-4 * (f * *u as f64).max(1e-3));
    }
    let name = cong.file_name().unwrap().to_string_lossy().into_owned();
    assert_eq!(
        read(&out, &name),
        read(&plain, &name),
        "a congestion map is not dosed"
    );
    // With --history-dose-slope B the factor is K x d^B, d the pattern stage's tracks per GCell.
    let sloped = dir.path("sloped");
    let mut with_slope = flags.to_vec();
    with_slope.extend(["--history-dose-slope", "0.5"]);
    assert!(compare_gcd_with(&sloped, &[&hist], &with_slope)
        .status
        .success());
    let gcells = read(&out, "egr").len() as f64;
    let want = 2.5 * (tracks / gcells).sqrt() * tracks;
    let got = total(&read(&sloped, "hist.onnx"));
    assert!((got - want).abs() <= 1e-3 * want, "{got} vs {want}");
    assert_user_error(
        &compare_gcd_with(&dir.path("s"), &[&hist], &["--history-dose-slope", "0.5"]),
        "--history-dose",
    );
    // Its steer_s counts its prediction and the dose (without clocks: steer.rs,
    // `a_runs_steer_s_counts_the_seconds_its_map_took`).
    let rows: Vec<serde_json::Value> =
        serde_json::from_slice(&std::fs::read(out.join("compare.json")).unwrap()).unwrap();
    let hist_row = rows.iter().find(|r| r["run"] == "hist.onnx").unwrap();
    assert!(hist_row["steer_s"].as_f64().unwrap() > 0.0);
    assert_user_error(
        &compare_gcd_with(&dir.path("a"), &[&cong], &["--history-dose", "2"]),
        "--history-dose: no --model has the label 'history'",
    );
    assert_user_error(
        &compare_gcd_with(&dir.path("b"), &[&hist], &["--history-dose", "0"]),
        "--history-dose '0': must be a number > 0",
    );
    assert_user_error(
        &compare_gcd_with(
            &dir.path("c"),
            &[&hist],
            &["--history-dose", "2", "--mode", "region"],
        ),
        "--history-dose: needs --mode prior",
    );
    for d in ["a", "b", "c"] {
        assert!(
            !dir.path(d).join("compare.json").exists(),
            "nothing written"
        );
    }
}

#[test]
fn compare_refuses_a_model_whose_label_is_no_map_to_steer_with() {
    let dir = Dir::new();
    let drv = relabelled(&dir, "drv.onnx", "drv", "drv", 4.0);
    assert_user_error(&compare_gcd(&dir.path("a"), &[&drv]), "label 'drv'");
    let one = relabelled(&dir, "h.onnx", "history", "history_h", 4.0);
    assert_user_error(&compare_gcd(&dir.path("b"), &[&one]), "'history_h'");
    let unknown = relabelled(&dir, "u.onnx", "history", "historie", 4.0);
    assert_user_error(&compare_gcd(&dir.path("c"), &[&unknown]), "mpgd.label");
    assert!(!dir.path("a/compare.json").exists(), "nothing written");
}

// ------------------------------------------------------------------------------------------
// The shipped history models: `mpgd route --prior M.onnx`, `mpgd predict --history-dose`,
// `mpgd demo`'s choice of models.
// ------------------------------------------------------------------------------------------

fn shipped_history(loss: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join(format!("models/history_gated_fcn_egr_{loss}.onnx"))
}

/// `mpgd <command>` on gcd under OpenROAD's congestion1 setting with `extra` flags.
fn congestion1(command: &str, extra: &[&str]) -> std::process::Output {
    let (lefs, def) = gcd();
    let mut args = vec![command.to_string()];
    args.extend(design_args(&lefs, &def));
    args.extend(CONGESTION1.iter().chain(extra).map(|s| s.to_string()));
    mpgd(&args)
}

fn json_of(path: &Path) -> serde_json::Value {
    serde_json::from_slice(&std::fs::read(path).unwrap()).unwrap()
}

/// The routing numbers two runs must share (all of `mpgd route --json`'s but the time).
const SAME: [&str; 6] = [
    "total_overflow",
    "max_overflow_h",
    "max_overflow_v",
    "total_overflow_unadjusted",
    "wirelength_um",
    "vias",
];

/// `mpgd route --prior M.onnx` of a history model routes as `mpgd compare`'s run of that model
/// (with --history-dose 2.43 --history-dose-slope 0.159 at the same weight), and as `mpgd
/// predict` with that dose then `mpgd route --prior prediction.npy --prior-kind history`; without
/// --history-dose and --prior-weight it takes the shipped dose (2.43 · d^0.159) and weight (0.5).
#[test]
fn route_with_a_history_model_is_compares_run_and_predict_then_route() {
    let dir = Dir::new();
    let model = shipped_history("mpgd");
    let m = model.display().to_string();
    let name = model.file_name().unwrap().to_string_lossy().into_owned();
    let ok = |run: std::process::Output| {
        assert!(
            run.status.success(),
            "{}",
            String::from_utf8_lossy(&run.stderr)
        );
        run
    };
    // The model's own route, defaults for the dose and the weight.
    let direct = dir.path("direct.json");
    ok(congestion1(
        "route",
        &[
            "--iterations",
            "3",
            "--prior",
            &m,
            "--json",
            direct.to_str().unwrap(),
        ],
    ));
    // Two steps: the dosed map, then a route steered by it as a history map.
    let pred = dir.path("pred");
    let run = ok(congestion1(
        "predict",
        &[
            "--model",
            &m,
            "--history-dose",
            "2.43",
            "--history-dose-slope",
            "0.159",
            "--out",
            pred.to_str().unwrap(),
        ],
    ));
    assert!(String::from_utf8_lossy(&run.stdout).contains("dose      K 2.43 x d^0.159 = "));
    let npy = pred.join("prediction.npy").display().to_string();
    let two = dir.path("two.json");
    ok(congestion1(
        "route",
        &[
            "--iterations",
            "3",
            "--prior",
            &npy,
            "--prior-kind",
            "history",
            "--prior-weight",
            "0.5",
            "--json",
            two.to_str().unwrap(),
        ],
    ));
    // compare's run of the model.
    let cmp = dir.path("cmp");
    ok(compare_gcd_with(
        &cmp,
        &[&model],
        &[
            "--history-dose",
            "2.43",
            "--history-dose-slope",
            "0.159",
            "--prior-weight",
            "0.5",
            "--oracle",
            "history",
        ],
    ));
    let rows: Vec<serde_json::Value> =
        serde_json::from_slice(&std::fs::read(cmp.join("compare.json")).unwrap()).unwrap();
    let row = |n: &str| rows.iter().find(|r| r["run"] == n).unwrap().clone();
    let (d, t, c) = (json_of(&direct), json_of(&two), row(&name));
    for k in SAME {
        assert_eq!(
            d[k], c[k],
            "route --prior M.onnx against compare's run: {k}"
        );
        assert_eq!(
            d[k], t[k],
            "route --prior M.onnx against predict then route: {k}"
        );
    }
    assert_ne!(
        (&c["wirelength_um"], &c["vias"]),
        (&row("none")["wirelength_um"], &row("none")["vias"]),
        "the model's map steers"
    );
    // prediction.npy is compare's steering map of the model, and holds the dose written in
    // grid.json: 2.43 · d^0.159 times the pattern stage's overflow in tracks, d those tracks per
    // GCell.
    let (map, _, _) = mpgd::npy::read_f32(&pred.join("prediction.npy")).unwrap();
    let (steered, _, _) = mpgd::npy::read_f32(&cmp.join(format!("{name}.map.npy"))).unwrap();
    assert_eq!(map, steered);
    let dose = &json_of(&pred.join("grid.json"))["model"]["history_dose"];
    let tracks = dose["pattern_tracks"].as_f64().unwrap();
    assert!(tracks > 0.0, "the pattern stage overflows on congested gcd");
    let total: f64 = map.iter().map(|&x| x as f64).sum();
    let factor = 2.43f32 as f64 * (tracks / map.len() as f64).powf(0.159f32 as f64);
    assert!(
        (dose["factor"].as_f64().unwrap() - factor).abs() <= 1e-9 * factor,
        "{dose}"
    );
    assert!(
        (total - factor * tracks).abs() <= 1e-4 * total,
        "{total} vs {factor} x {tracks}"
    );
    // A weight of its own is a different route (the default is not ignored).
    let w1 = dir.path("w1.json");
    ok(congestion1(
        "route",
        &[
            "--iterations",
            "3",
            "--prior",
            &m,
            "--prior-weight",
            "1",
            "--json",
            w1.to_str().unwrap(),
        ],
    ));
    assert_ne!(json_of(&w1)["wirelength_um"], d["wirelength_um"]);
}

/// `--history-dose` and `--prior-kind` where they mean nothing are refused in one line, exit 1,
/// nothing written.
#[test]
fn route_and_predict_refuse_a_dose_or_a_kind_they_cannot_apply() {
    let dir = Dir::new();
    let hist = shipped_history("mse").display().to_string();
    let cong = shipped().display().to_string();
    let npy = dir.path("map.npy");
    let (nx, ny) = {
        let g = mpgd::route::gcell_grid(&gcd_design(), None).unwrap();
        (g.nx(), g.ny())
    };
    mpgd::npy::write_f32(&npy, &vec![0.5; nx * ny], ny, nx).unwrap();
    let npy = npy.display().to_string();
    let json = dir.path("r.json");
    let j = json.display().to_string();
    let cases: [(&[&str], &str); 8] = [
        (
            &["--prior", "rudy", "--history-dose", "2"],
            "--history-dose: needs --prior M.onnx",
        ),
        (
            &["--prior", &npy, "--history-dose", "2"],
            "--history-dose: needs --prior M.onnx",
        ),
        (
            &["--prior", &cong, "--history-dose", "2"],
            "is not a history model",
        ),
        (
            &["--prior", &hist, "--history-dose", "0"],
            "--history-dose '0': must be a number > 0",
        ),
        (
            &["--prior", &hist, "--prior-kind", "history"],
            "--prior-kind: only for a MAP.npy prior",
        ),
        (
            &["--prior", "rudy", "--prior-kind", "history"],
            "--prior-kind: only for a MAP.npy prior",
        ),
        (&["--history-dose", "2"], "--prior"),
        (
            &["--prior", "rudy", "--history-dose-slope", "0.2"],
            "--history-dose",
        ),
    ];
    for (flags, want) in cases {
        let mut extra = vec!["--iterations", "0", "--json", &j];
        extra.extend(flags);
        assert_user_error(&congestion1("route", &extra), want);
        assert!(!json.exists(), "nothing written: {flags:?}");
    }
    let out = dir.path("pred");
    let o = out.display().to_string();
    for (model, dose, want) in [
        (&cong, "2.8", "--history-dose: the model"),
        (&hist, "0", "--history-dose '0': must be a number > 0"),
        (&hist, "nan", "--history-dose 'NaN': must be a number > 0"),
    ] {
        let run = congestion1(
            "predict",
            &["--model", model, "--history-dose", dose, "--out", &o],
        );
        assert_user_error(&run, want);
        assert!(!out.exists(), "nothing written");
    }
}

/// `mpgd demo` takes the committed models by the task their metadata names, not by file name:
/// the congestion models to draw, the history models to steer with.
#[test]
fn committed_models_split_by_task() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("models");
    let m = mpgd::cli::demo::committed_models().unwrap();
    assert_eq!(
        m.congestion,
        [
            root.join("congestion_fcn_egr_mpgd.onnx"),
            root.join("congestion_fcn_egr_mse.onnx")
        ]
    );
    assert_eq!(m.history, [shipped_history("mpgd"), shipped_history("mse")]);
    assert!(m.other.is_empty(), "{:?}", m.other);
    // Names that say the opposite of the metadata: the metadata decides.
    let dir = Dir::new();
    let h = relabelled(&dir, "congestion_mse.onnx", "history", "history", 8.0);
    let c = relabelled(&dir, "history_mpgd.onnx", "congestion", "congestion", 8.0);
    let d = relabelled(&dir, "drv_mpgd.onnx", "drv", "drv", 4.0);
    dir.write("notes.md", b"not a model");
    let m = mpgd::cli::demo::models_in(dir.path("").as_path()).unwrap();
    assert_eq!(m.history, [h]);
    assert_eq!(m.congestion, [c]);
    assert_eq!(m.other, [(d, "drv".to_string())]);
    // A file that is no model is an error naming it, not a silent skip.
    dir.write("junk.onnx", b"not a model");
    let e = mpgd::cli::demo::models_in(dir.path("").as_path()).unwrap_err();
    assert!(e.to_string().contains("junk.onnx"), "{e}");
}

/// `mpgd demo` steers with the committed history models (and the history oracle) and draws the
/// congestion models' predictions.
#[test]
fn demo_steers_with_the_history_models_and_draws_the_congestion_models() {
    let dir = Dir::new();
    let out = dir.path("demo");
    let run = mpgd(["demo", "--out", out.to_str().unwrap()]);
    assert!(
        run.status.success(),
        "{}",
        String::from_utf8_lossy(&run.stderr)
    );
    let rows: Vec<serde_json::Value> =
        serde_json::from_slice(&std::fs::read(out.join("compare.json")).unwrap()).unwrap();
    let names: Vec<&str> = rows.iter().map(|r| r["run"].as_str().unwrap()).collect();
    assert_eq!(
        names,
        [
            "none",
            "rudy",
            "oracle",
            "history_gated_fcn_egr_mpgd.onnx",
            "history_gated_fcn_egr_mse.onnx"
        ]
    );
    for f in [
        "congestion.png",
        "history_maps.png",
        "congestion_fcn_egr_mpgd.png",
        "congestion_fcn_egr_mse.png",
    ] {
        assert!(out.join(f).is_file(), "{f}");
    }
    let stdout = String::from_utf8_lossy(&run.stdout);
    let weight = format!("weight {}", mpgd::steer::compare::HISTORY_PRIOR_WEIGHT);
    assert!(stdout.contains(&weight), "{stdout}");
    assert!(!stdout.contains("skipped"), "{stdout}");
}
