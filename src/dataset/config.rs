//! The dataset configuration (`DATASET.toml`): which designs, which split, which variants.
//!
//! ```toml
//! seed = 1
//! designs_dir = "../tests/data"        # optional; default $MPGD_DESIGNS, else ../../shared/designs
//! window = 256                         # largest sample side, in GCells
//! route_iterations = 10                # rip-up and reroute rounds of the label routes
//!
//! [variants]
//! layers = ["metal2-metal10"]          # routing layer ranges
//! adjust = ["", "metal2=0.9,metal3=0.9"]   # capacity derating sets (as --layer-adjust)
//! gcell_pitches = [15]                 # GCell side in pitches of the 3rd routing layer
//! perturb = ["none", "swap:0.2", "pull:0.5"]
//! seeds = 2                            # seeds per perturbation other than "none"
//!
//! [[design]]
//! name = "nangate45/gcd"
//! technology = "nangate45"
//! lefs = ["nangate45/gcd/Nangate45.lef"]
//! def = "nangate45/gcd/gcd.def"
//! split = "train"                      # or "test": a design is in exactly one split
//! ```
//!
//! Each `[[design]]` may carry its own `[design.variants]` table, replacing the global one.
//! Relative paths in `designs_dir` resolve against the config file's folder.

use super::perturb::Perturbation;
use serde::Deserialize;
use std::path::{Path, PathBuf};

/// A failure to read or validate a configuration.
#[derive(Debug)]
pub struct ConfigError {
    pub path: PathBuf,
    /// 1-based line and column, when the problem has a place in the file.
    pub position: Option<(usize, usize)>,
    pub message: String,
}

impl std::fmt::Display for ConfigError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self.position {
            Some((line, col)) => {
                write!(f, "{}:{line}:{col}: {}", self.path.display(), self.message)
            }
            None => write!(f, "{}: {}", self.path.display(), self.message),
        }
    }
}

impl std::error::Error for ConfigError {}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawConfig {
    #[serde(default = "default_seed")]
    pub seed: u64,
    pub designs_dir: Option<PathBuf>,
    #[serde(default = "default_window")]
    pub window: usize,
    #[serde(default = "default_route_iterations")]
    pub route_iterations: usize,
    #[serde(default)]
    pub variants: RawVariants,
    #[serde(rename = "design")]
    pub designs: Vec<RawDesign>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawVariants {
    #[serde(default = "default_layers")]
    pub layers: Vec<String>,
    #[serde(default = "default_adjust")]
    pub adjust: Vec<String>,
    #[serde(default = "default_pitches")]
    pub gcell_pitches: Vec<u32>,
    #[serde(default = "default_perturb")]
    pub perturb: Vec<String>,
    #[serde(default = "default_seeds")]
    pub seeds: u64,
}

impl Default for RawVariants {
    fn default() -> Self {
        RawVariants {
            layers: default_layers(),
            adjust: default_adjust(),
            gcell_pitches: default_pitches(),
            perturb: default_perturb(),
            seeds: default_seeds(),
        }
    }
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawDesign {
    pub name: String,
    pub technology: String,
    pub lefs: Vec<PathBuf>,
    pub def: PathBuf,
    pub split: String,
    pub variants: Option<RawVariants>,
}

fn default_seed() -> u64 {
    1
}
fn default_window() -> usize {
    256
}
fn default_route_iterations() -> usize {
    10
}
fn default_layers() -> Vec<String> {
    vec![String::new()]
}
fn default_adjust() -> Vec<String> {
    vec![String::new()]
}
fn default_pitches() -> Vec<u32> {
    vec![15]
}
fn default_perturb() -> Vec<String> {
    vec!["none".into()]
}
fn default_seeds() -> u64 {
    1
}

/// A validated configuration with absolute paths.
#[derive(Debug, Clone)]
pub struct DatasetConfig {
    pub path: PathBuf,
    pub seed: u64,
    pub window: usize,
    /// Rip-up and reroute rounds for the label routes (`--iterations`).
    pub route_iterations: usize,
    pub designs: Vec<DesignEntry>,
}

#[derive(Debug, Clone)]
pub struct DesignEntry {
    pub name: String,
    pub technology: String,
    pub lefs: Vec<PathBuf>,
    pub def: PathBuf,
    pub split: Split,
    pub variants: Vec<Variant>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Split {
    Train,
    Test,
}

impl Split {
    pub fn as_str(self) -> &'static str {
        match self {
            Split::Train => "train",
            Split::Test => "test",
        }
    }
}

/// One routing setting of one design: a sample (or several windows) comes from each.
#[derive(Clone, Debug, PartialEq)]
pub struct Variant {
    /// `""` for the default range, else `metal2-metal6`.
    pub layers: String,
    /// `""` for none, else `metal2=0.9,metal3=0.9` (each item as `--layer-adjust`).
    pub adjust: String,
    pub gcell_pitches: u32,
    pub perturb: Perturbation,
}

impl Variant {
    /// A stable label: part of the sample id, and stored as JSON in the `variant` column.
    pub fn label(&self) -> String {
        format!(
            "L[{}]A[{}]G{}P[{}]",
            self.layers,
            self.adjust,
            self.gcell_pitches,
            self.perturb.label()
        )
    }
    pub fn to_json(&self) -> String {
        serde_json::json!({
            "layers": self.layers,
            "adjust": self.adjust,
            "gcell_pitches": self.gcell_pitches,
            "perturb": self.perturb.label(),
        })
        .to_string()
    }
}

impl DatasetConfig {
    /// Reads and validates a configuration file.
    pub fn load(path: &Path) -> Result<DatasetConfig, ConfigError> {
        let err = |message: String| ConfigError {
            path: path.to_path_buf(),
            position: None,
            message,
        };
        let text = std::fs::read_to_string(path)
            .map_err(|e| err(format!("cannot read: {}", e.to_string().to_lowercase())))?;
        let raw: RawConfig = toml::from_str(&text).map_err(|e| {
            // toml's message spans lines (a source excerpt); keep position and sentence on one.
            let msg = e.message().trim().to_string();
            match e.span() {
                Some(span) => {
                    let position = Some(crate::lefdef::line_column(&text, span.start));
                    ConfigError {
                        path: path.to_path_buf(),
                        position,
                        message: msg,
                    }
                }
                None => err(msg),
            }
        })?;
        let base = path.parent().unwrap_or(Path::new("."));
        let designs_dir = match &raw.designs_dir {
            Some(d) => base.join(d),
            None => std::env::var_os("MPGD_DESIGNS")
                .map(PathBuf::from)
                .unwrap_or_else(|| base.join("../../shared/designs")),
        };
        if raw.window < 16 {
            return Err(err(format!(
                "window = {} is too small (at least 16 GCells)",
                raw.window
            )));
        }
        if raw.designs.is_empty() {
            return Err(err("no [[design]] entries".into()));
        }
        let mut designs = Vec::new();
        let mut names = std::collections::BTreeSet::new();
        for d in &raw.designs {
            let derr = |m: String| err(format!("design '{}': {m}", d.name));
            if !names.insert(d.name.clone()) {
                return Err(derr(
                    "listed twice (a design belongs to one split only)".into(),
                ));
            }
            let split = match d.split.as_str() {
                "train" => Split::Train,
                "test" => Split::Test,
                other => {
                    return Err(derr(format!(
                        "split must be \"train\" or \"test\", not \"{other}\""
                    )))
                }
            };
            if d.lefs.is_empty() {
                return Err(derr("no LEF files".into()));
            }
            let file = |p: &PathBuf| -> Result<PathBuf, ConfigError> {
                let full = designs_dir.join(p);
                if full.is_file() {
                    Ok(full)
                } else {
                    Err(derr(format!("file not found: {}", full.display())))
                }
            };
            let lefs = d.lefs.iter().map(file).collect::<Result<Vec<_>, _>>()?;
            let def = file(&d.def)?;
            let variants = expand(
                d.variants.as_ref().unwrap_or(&raw.variants),
                raw.seed,
                &d.name,
            )
            .map_err(derr)?;
            designs.push(DesignEntry {
                name: d.name.clone(),
                technology: d.technology.clone(),
                lefs,
                def,
                split,
                variants,
            });
        }
        if !designs.iter().any(|d| d.split == Split::Train)
            || !designs.iter().any(|d| d.split == Split::Test)
        {
            return Err(err(
                "both splits need at least one design (split = \"train\" and split = \"test\")"
                    .into(),
            ));
        }
        Ok(DatasetConfig {
            path: path.to_path_buf(),
            seed: raw.seed,
            window: raw.window,
            route_iterations: raw.route_iterations,
            designs,
        })
    }
}

/// The cartesian product of a variants table, in a fixed order.
fn expand(v: &RawVariants, seed: u64, design: &str) -> Result<Vec<Variant>, String> {
    let mut perturbs = Vec::new();
    for p in &v.perturb {
        // A seeded perturbation is drawn once per seed of the table; `none` once.
        match super::perturb::parse(p, 0)? {
            Perturbation::None => perturbs.push(Perturbation::None),
            one => perturbs.extend((0..v.seeds).map(|k| one.with_seed(seed_of(seed, design, k)))),
        }
    }
    for a in &v.adjust {
        for item in a.split(',').filter(|s| !s.trim().is_empty()) {
            let Some((_, f)) = item.split_once('=') else {
                return Err(format!("adjustment '{item}' is not NAME=FRACTION"));
            };
            match f.trim().parse::<f64>() {
                Ok(x) if (0.0..=1.0).contains(&x) => {}
                _ => return Err(format!("adjustment '{item}': fraction must be in [0, 1]")),
            }
        }
    }
    if v.gcell_pitches.contains(&0) {
        return Err("gcell_pitches must be positive".into());
    }
    let mut out = Vec::new();
    for layers in &v.layers {
        for adjust in &v.adjust {
            for &g in &v.gcell_pitches {
                for &p in &perturbs {
                    out.push(Variant {
                        layers: layers.clone(),
                        adjust: adjust.clone(),
                        gcell_pitches: g,
                        perturb: p,
                    });
                }
            }
        }
    }
    Ok(out)
}

/// The seed of perturbation `k` of a design: derived from the global seed and the design's name,
/// so adding a design does not change the others' samples.
fn seed_of(seed: u64, design: &str, k: u64) -> u64 {
    super::rng::Rng::derive(seed.wrapping_add(k.wrapping_mul(0x9E37_79B9)), design).next_u64()
}
