//! The model's ONNX metadata (`metadata_props`, written by `train/mpgd_train/export.py`): read,
//! parsed and checked against what mpgd can give the model. Every failure names the model file
//! and the metadata key.

use super::Error;
use std::collections::BTreeMap;
use std::path::Path;

/// The metadata format this build reads (`mpgd.format_version`).
pub const FORMAT_VERSION: &str = "1";

/// Tasks mpgd knows, with the label each predicts. `history`: the router's history cost when its
/// negotiation ended (the dataset's `history*` columns), which `mpgd compare` steers with as a
/// history prior.
pub const TASKS: [(&str, &[&str]); 3] = [
    (
        "congestion",
        &["congestion", "congestion_h", "congestion_v"],
    ),
    ("drv", &["drv"]),
    ("history", &["history", "history_h", "history_v"]),
];

/// How input channels are scaled before the model sees them (`mpgd.normalization`).
#[derive(Clone, Debug, PartialEq)]
pub enum Scaling {
    /// `x_c / scales[c]`, one fixed scale per channel from the training split (SPEC "Scale of
    /// features and labels").
    Fixed { scales: Vec<f32> },
    /// CircuitNet's per-sample min-max of every channel, `(x - min) / (max - min)` (left as is
    /// when `max == min`). The prediction is then relative to the design's own range.
    MinMax,
}

/// The checked metadata of an mpgd model.
#[derive(Clone, Debug, PartialEq)]
pub struct Metadata {
    /// `mpgd.format_version`.
    pub format_version: String,
    /// `mpgd.task`: `congestion`, `drv` or `history`.
    pub task: String,
    /// `mpgd.model`: the architecture (`gpdl`, `routenet`), informative.
    pub architecture: String,
    /// `mpgd.input_channels`: dataset column names, in input order.
    pub input_channels: Vec<String>,
    /// `mpgd.label`: the dataset column the model predicts.
    pub label: String,
    pub scaling: Scaling,
    /// The model's output (in [0, 1]) times this is the label in absolute units.
    pub label_scale: f32,
    /// `feature_stat` of the normalisation (`max`, `p99.9`, ...), informative.
    pub feature_stat: String,
    /// Every `metadata_props` entry as written, including those not interpreted here.
    pub raw: BTreeMap<String, String>,
}

impl Metadata {
    /// Parses and checks the `metadata_props` of `model`.
    pub fn parse(model: &Path, raw: BTreeMap<String, String>) -> Result<Metadata, Error> {
        let get = |key: &'static str| entry(model, &raw, key);
        let format_version = get("mpgd.format_version")?;
        if format_version != FORMAT_VERSION {
            return Err(mismatch(
                model,
                "mpgd.format_version",
                FORMAT_VERSION,
                format_version,
            ));
        }
        let task = get("mpgd.task")?;
        let labels = TASKS
            .iter()
            .find(|(t, _)| *t == task)
            .map(|(_, l)| *l)
            .ok_or_else(|| mismatch(model, "mpgd.task", &task_names(), task))?;
        let label = get("mpgd.label")?;
        if !labels.contains(&label) {
            return Err(mismatch(
                model,
                "mpgd.label",
                &format!("a label of task '{task}' ({})", labels.join(", ")),
                label,
            ));
        }
        let input_channels = parse_channels(model, get("mpgd.input_channels")?)?;
        let norm = Normalization::parse(model, get("mpgd.normalization")?)?;
        norm.check(model, &input_channels, label)?;
        let scaling = match norm.mode.as_str() {
            "fixed" => Scaling::Fixed {
                scales: norm.scales.iter().map(|&s| s as f32).collect(),
            },
            _ => Scaling::MinMax,
        };
        Ok(Metadata {
            format_version: format_version.to_string(),
            task: task.to_string(),
            architecture: raw.get("mpgd.model").cloned().unwrap_or_default(),
            input_channels,
            label: label.to_string(),
            scaling,
            label_scale: norm.label_scale as f32,
            feature_stat: norm.feature_stat,
            raw,
        })
    }

    /// Whether the prediction is on the label's absolute scale (fixed scaling) rather than
    /// relative to the design's own range (min-max).
    pub fn absolute(&self) -> bool {
        matches!(self.scaling, Scaling::Fixed { .. })
    }
}

/// The value of `key`, or an error saying it is absent.
fn entry<'a>(model: &Path, raw: &'a BTreeMap<String, String>, key: &str) -> Result<&'a str, Error> {
    raw.get(key)
        .map(String::as_str)
        .ok_or_else(|| mismatch(model, key, "present", "absent"))
}

fn task_names() -> String {
    let names: Vec<&str> = TASKS.iter().map(|(t, _)| *t).collect();
    format!("one of {}", names.join(", "))
}

pub(super) fn mismatch(model: &Path, key: &str, expected: &str, found: &str) -> Error {
    Error::MetadataMismatch {
        model: model.to_path_buf(),
        key: key.to_string(),
        expected: expected.to_string(),
        found: found.to_string(),
    }
}

fn parse_channels(model: &Path, text: &str) -> Result<Vec<String>, Error> {
    let names: Vec<String> = serde_json::from_str(text).map_err(|e| {
        mismatch(
            model,
            "mpgd.input_channels",
            "a JSON list of channel names",
            &format!("'{}' ({e})", short(text)),
        )
    })?;
    if names.is_empty() {
        return Err(mismatch(
            model,
            "mpgd.input_channels",
            "at least one channel",
            "[]",
        ));
    }
    let mut seen = std::collections::HashSet::new();
    if let Some(dup) = names.iter().find(|n| !seen.insert(n.as_str())) {
        return Err(mismatch(
            model,
            "mpgd.input_channels",
            "distinct names",
            &format!("'{dup}' twice"),
        ));
    }
    Ok(names)
}

/// `mpgd.normalization` as written by `Normalizer.to_dict`.
#[derive(Debug, serde::Deserialize)]
struct Normalization {
    mode: String,
    channels: Vec<String>,
    #[serde(default)]
    scales: Vec<f64>,
    label: String,
    label_scale: f64,
    #[serde(default)]
    feature_stat: String,
}

impl Normalization {
    fn parse(model: &Path, text: &str) -> Result<Normalization, Error> {
        serde_json::from_str(text).map_err(|e| {
            mismatch(
                model,
                "mpgd.normalization",
                "JSON {mode, channels, scales, label, label_scale, feature_stat}",
                &format!("'{}' ({e})", short(text)),
            )
        })
    }

    fn check(&self, model: &Path, inputs: &[String], label: &str) -> Result<(), Error> {
        let key = |k: &str| format!("mpgd.normalization.{k}");
        if self.mode != "fixed" && self.mode != "minmax" {
            return Err(mismatch(model, &key("mode"), "fixed or minmax", &self.mode));
        }
        if self.channels != inputs {
            return Err(mismatch(
                model,
                &key("channels"),
                &format!("{inputs:?} (mpgd.input_channels)"),
                &format!("{:?}", self.channels),
            ));
        }
        if self.label != label {
            return Err(mismatch(
                model,
                &key("label"),
                &format!("'{label}' (mpgd.label)"),
                &self.label,
            ));
        }
        let positive = |v: f64| v.is_finite() && v > 0.0 && (v as f32).is_normal();
        if !positive(self.label_scale) {
            return Err(mismatch(
                model,
                &key("label_scale"),
                "a positive number",
                &self.label_scale.to_string(),
            ));
        }
        if self.mode == "fixed" {
            if self.scales.len() != inputs.len() {
                return Err(mismatch(
                    model,
                    &key("scales"),
                    &format!("{} scales, one per input channel", inputs.len()),
                    &self.scales.len().to_string(),
                ));
            }
            if let Some((k, s)) = self.scales.iter().enumerate().find(|(_, &s)| !positive(s)) {
                return Err(mismatch(
                    model,
                    &key("scales"),
                    "positive numbers",
                    &format!("{s} for '{}'", inputs[k]),
                ));
            }
        }
        Ok(())
    }
}

/// At most 80 characters of `text`, for error messages.
fn short(text: &str) -> String {
    match text.char_indices().nth(80) {
        Some((k, _)) => format!("{}...", &text[..k]),
        None => text.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn shipped() -> BTreeMap<String, String> {
        [
            ("mpgd.format_version", "1"),
            ("mpgd.task", "congestion"),
            ("mpgd.model", "gpdl"),
            ("mpgd.input_channels", r#"["macro_region", "rudy", "rudy_pin"]"#),
            ("mpgd.label", "congestion"),
            (
                "mpgd.normalization",
                r#"{"mode": "fixed", "channels": ["macro_region", "rudy", "rudy_pin"], "scales": [1.0, 24.6, 66.2], "label": "congestion", "label_scale": 8.0, "feature_stat": "max"}"#,
            ),
        ]
        .into_iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect()
    }

    fn with(key: &str, value: &str) -> BTreeMap<String, String> {
        let mut m = shipped();
        m.insert(key.to_string(), value.to_string());
        m
    }

    fn err(raw: BTreeMap<String, String>) -> String {
        Metadata::parse(Path::new("m.onnx"), raw)
            .unwrap_err()
            .to_string()
    }

    #[test]
    fn the_shipped_layout_parses() {
        let m = Metadata::parse(Path::new("m.onnx"), shipped()).unwrap();
        assert_eq!(m.input_channels, ["macro_region", "rudy", "rudy_pin"]);
        assert_eq!(
            m.scaling,
            Scaling::Fixed {
                scales: vec![1.0, 24.6, 66.2]
            }
        );
        assert_eq!(m.label_scale, 8.0);
        assert!(m.absolute());
    }

    #[test]
    fn each_mismatch_names_the_model_and_the_key() {
        let cases = [
            (with("mpgd.format_version", "2"), "mpgd.format_version"),
            (with("mpgd.task", "timing"), "mpgd.task"),
            (with("mpgd.label", "drv"), "mpgd.label"),
            (with("mpgd.input_channels", "rudy"), "mpgd.input_channels"),
            (
                with(
                    "mpgd.input_channels",
                    r#"["rudy", "macro_region", "rudy_pin"]"#,
                ),
                "mpgd.normalization.channels",
            ),
            (with("mpgd.normalization", "{}"), "mpgd.normalization"),
        ];
        for (raw, key) in cases {
            let text = err(raw);
            assert!(text.starts_with("m.onnx: "), "{text}");
            assert!(text.contains(key), "{key}: {text}");
        }
        let mut raw = shipped();
        raw.remove("mpgd.task");
        assert!(err(raw).contains("mpgd.task"));
    }

    #[test]
    fn scales_must_be_positive_and_one_per_channel() {
        let norm = |scales: &str| {
            format!(
                r#"{{"mode": "fixed", "channels": ["macro_region", "rudy", "rudy_pin"], "scales": {scales}, "label": "congestion", "label_scale": 8.0}}"#
            )
        };
        assert!(err(with("mpgd.normalization", &norm("[1.0, 2.0]"))).contains("3 scales"));
        assert!(err(with("mpgd.normalization", &norm("[1.0, 0.0, 2.0]"))).contains("'rudy'"));
        let minmax = r#"{"mode": "minmax", "channels": ["macro_region", "rudy", "rudy_pin"], "label": "congestion", "label_scale": 8.0}"#;
        let m = Metadata::parse(Path::new("m.onnx"), with("mpgd.normalization", minmax)).unwrap();
        assert_eq!(m.scaling, Scaling::MinMax);
        assert!(!m.absolute());
    }
}
