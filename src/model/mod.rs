//! Inference with the trained congestion models: an ONNX model with mpgd's metadata, loaded
//! through ONNX Runtime (`ort`, the library found at run time: [`runtime`]), checked against
//! what mpgd can compute, and run on a design's GCell grid.
//!
//! [`Model::load`] reads the file, checks its metadata ([`Metadata`]: format version, task,
//! input channels by dataset column name, normalisation) and its tensor signature (input
//! `features` [N, C, H, W], output `prediction` [N, 1, H, W], float32, H and W free).
//! [`Model::predict`] computes the input channels by name with the code that writes the dataset
//! columns ([`crate::dataset::channels`]), scales them as training did, runs the network on the
//! whole grid (the graph pads H and W to multiples of 4 itself and crops back, as in training's
//! evaluation) or, for grids above [`PredictOptions::max_pixels`], tile by tile with overlap,
//! and returns the map on the label's scale. docs/model.md has the contract.

pub mod infer;
pub mod metadata;
pub mod runtime;

pub use infer::Tiling;
pub use metadata::{Metadata, Scaling};

use crate::dataset::channels::{self, ChannelError};
use crate::design::Design;
use crate::route::{grid::GCellGrid, RouteConfig};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::time::Instant;

/// Input and output tensor names (train/mpgd_train/export.py).
pub const INPUT_NAME: &str = "features";
pub const OUTPUT_NAME: &str = "prediction";

/// Why a model could not be loaded or run. Every message names the model file (or the library)
/// and the field at fault, on one line.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// No ONNX Runtime library was found.
    #[error("no ONNX Runtime library found (looked at: {}); install one into .venv with scripts/onnxruntime.sh, or set ORT_DYLIB_PATH to a libonnxruntime.so of version 1.23 or newer", list(searched))]
    MissingLibrary { searched: Vec<PathBuf> },
    /// A library was found but could not be loaded (not a library, or too old).
    #[error("ONNX Runtime library {}: {message}", path.display())]
    BadLibrary { path: PathBuf, message: String },
    /// The file could not be read, or is not an ONNX model ONNX Runtime accepts.
    #[error("{}: {message}", model.display())]
    Unreadable { model: PathBuf, message: String },
    /// A metadata entry is absent, malformed or not what mpgd expects.
    #[error("{}: metadata {key}: expected {expected}, found {found}", model.display())]
    MetadataMismatch {
        model: PathBuf,
        key: String,
        expected: String,
        found: String,
    },
    /// The model needs a channel mpgd cannot compute.
    #[error("{}: input channel '{name}' (mpgd.input_channels) is not one mpgd can compute (known: {})", model.display(), known.join(", "))]
    UnknownChannel {
        model: PathBuf,
        name: String,
        known: Vec<String>,
    },
    /// The graph's inputs or outputs are not mpgd's signature.
    #[error("{}: {what}: expected {expected}, found {found}", model.display())]
    Signature {
        model: PathBuf,
        what: String,
        expected: String,
        found: String,
    },
    /// The channels could not be computed for this design.
    #[error("{}: computing the input channels: {source}", model.display())]
    Channels {
        model: PathBuf,
        #[source]
        source: ChannelError,
    },
    /// ONNX Runtime failed while running the model.
    #[error("{}: inference on a {h} x {w} grid: {message}", model.display())]
    Inference {
        model: PathBuf,
        h: usize,
        w: usize,
        message: String,
    },
}

fn list(paths: &[PathBuf]) -> String {
    let v: Vec<String> = paths.iter().map(|p| p.display().to_string()).collect();
    v.join(", ")
}

fn library_error(e: runtime::LibraryError) -> Error {
    match e {
        runtime::LibraryError::Missing(searched) => Error::MissingLibrary { searched },
        runtime::LibraryError::Unusable { path, message } => Error::BadLibrary { path, message },
    }
}

/// How [`Model::predict_with`] runs the network.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct PredictOptions {
    /// Grids with more GCells than this are run tile by tile.
    pub max_pixels: usize,
    /// The tiles when tiling.
    pub tiling: Tiling,
    /// Tile even grids small enough for one pass.
    pub force_tiling: bool,
}

impl Default for PredictOptions {
    fn default() -> Self {
        PredictOptions {
            max_pixels: 2048 * 2048,
            tiling: Tiling {
                tile: 256,
                margin: 32,
            },
            force_tiling: false,
        }
    }
}

/// A predicted map and what it cost.
#[derive(Clone, Debug)]
pub struct Prediction {
    /// The GCell grid the map is on (the router's, as the dataset's).
    pub grid: GCellGrid,
    /// GCell side in µm.
    pub gcell_um: f64,
    /// `[ny * nx]`, row 0 at the bottom, on the label's scale (`label`, absolute units when
    /// `absolute`).
    pub map: Vec<f32>,
    /// The label predicted (`mpgd.label`).
    pub label: String,
    /// Whether `map` is in absolute units (fixed scaling) or relative to the design (min-max).
    pub absolute: bool,
    /// Largest value of `map`.
    pub peak: f32,
    /// Seconds spent computing the input channels (including any routing they need).
    pub features_s: f64,
    /// Seconds spent in ONNX Runtime (all passes).
    pub inference_s: f64,
    /// Network passes run: 1 for the whole grid, else the number of tiles.
    pub passes: usize,
    /// The input channels the map was computed from, unscaled (so a caller can reuse them
    /// instead of computing them again).
    pub inputs: channels::Channels,
}

impl Prediction {
    pub fn nx(&self) -> usize {
        self.grid.nx()
    }
    pub fn ny(&self) -> usize {
        self.grid.ny()
    }
}

/// The input tensor of one design: its channels and their scaled values.
#[derive(Clone, Debug)]
pub struct Input {
    pub channels: channels::Channels,
    /// `[C * ny * nx]`, channel-major, each channel row-major with row 0 at the bottom.
    pub tensor: Vec<f32>,
    pub features_s: f64,
}

/// A loaded ONNX model with its checked metadata.
pub struct Model {
    path: PathBuf,
    metadata: Metadata,
    session: Mutex<ort::session::Session>,
}

impl std::fmt::Debug for Model {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Model")
            .field("path", &self.path)
            .field("metadata", &self.metadata)
            .finish_non_exhaustive()
    }
}

impl Model {
    /// Loads `path`, checking its metadata, its channels and its tensor signature. Loads ONNX
    /// Runtime first if this process has not yet.
    pub fn load(path: &Path) -> Result<Model, Error> {
        runtime::ensure().map_err(library_error)?;
        let bytes = std::fs::read(path).map_err(|e| Error::Unreadable {
            model: path.to_path_buf(),
            message: format!("cannot read: {}", e.to_string().to_lowercase()),
        })?;
        let session = open_session(path, &bytes)?;
        let raw = read_metadata(path, &session)?;
        let metadata = Metadata::parse(path, raw)?;
        check_channels(path, &metadata)?;
        check_signature(path, &session, metadata.input_channels.len())?;
        Ok(Model {
            path: path.to_path_buf(),
            metadata,
            session: Mutex::new(session),
        })
    }

    /// Loads `path` and checks that the model is for `task` (`mpgd.task`).
    pub fn load_for_task(path: &Path, task: &str) -> Result<Model, Error> {
        let m = Model::load(path)?;
        if m.metadata.task != task {
            return Err(metadata::mismatch(
                path,
                "mpgd.task",
                task,
                &m.metadata.task,
            ));
        }
        Ok(m)
    }

    pub fn metadata(&self) -> &Metadata {
        &self.metadata
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Predicts the label map of `design`, routed (where the inputs need routing) with `cfg`.
    pub fn predict(&self, design: &Design, cfg: &RouteConfig) -> Result<Prediction, Error> {
        self.predict_with(design, cfg, &PredictOptions::default())
    }

    /// [`Model::predict`] with explicit tiling options.
    pub fn predict_with(
        &self,
        design: &Design,
        cfg: &RouteConfig,
        opts: &PredictOptions,
    ) -> Result<Prediction, Error> {
        let input = self.input(design, cfg)?;
        let (ny, nx) = (input.channels.ny(), input.channels.nx());
        let tiling = (opts.force_tiling || nx * ny > opts.max_pixels).then_some(opts.tiling);
        let t = Instant::now();
        let (unit, passes) = self.run_tensor(&input.tensor, ny, nx, tiling)?;
        let inference_s = t.elapsed().as_secs_f64();
        let scale = self.metadata.label_scale;
        let map: Vec<f32> = unit.iter().map(|&v| v * scale).collect();
        let peak = map.iter().copied().fold(f32::NEG_INFINITY, f32::max);
        Ok(Prediction {
            grid: input.channels.grid.clone(),
            gcell_um: input.channels.gcell_um,
            inputs: input.channels,
            map,
            label: self.metadata.label.clone(),
            absolute: self.metadata.absolute(),
            peak: if peak.is_finite() { peak } else { 0.0 },
            features_s: input.features_s,
            inference_s,
            passes,
        })
    }

    /// The model's input for `design`: its channels, computed by name, and the scaled tensor.
    /// A routing run is made only when a channel needs one; when every such channel is an
    /// early-global-routing map (`egr_*`), only its pattern stage ([`crate::route::early`]);
    /// exactly one round when the rest are first-round maps (`r1_*`).
    pub fn input(&self, design: &Design, cfg: &RouteConfig) -> Result<Input, Error> {
        let t = Instant::now();
        let names: Vec<&str> = self
            .metadata
            .input_channels
            .iter()
            .map(String::as_str)
            .collect();
        let channels =
            channels::compute(design, cfg, &names).map_err(|source| Error::Channels {
                model: self.path.clone(),
                source,
            })?;
        let tensor = infer::normalise(&self.metadata.scaling, &channels.maps);
        Ok(Input {
            channels,
            tensor,
            features_s: t.elapsed().as_secs_f64(),
        })
    }

    /// Runs the network on a scaled tensor `[C * ny * nx]`; returns its raw output `[ny * nx]`
    /// (in [0, 1], before `label_scale`) and the number of passes.
    pub fn run_tensor(
        &self,
        tensor: &[f32],
        ny: usize,
        nx: usize,
        tiling: Option<Tiling>,
    ) -> Result<(Vec<f32>, usize), Error> {
        let c = self.metadata.input_channels.len();
        if tensor.len() != c * ny * nx || ny == 0 || nx == 0 {
            return Err(Error::Inference {
                model: self.path.clone(),
                h: ny,
                w: nx,
                message: format!(
                    "the input holds {} values, not {c} x {ny} x {nx}",
                    tensor.len()
                ),
            });
        }
        infer::run_grid(tensor, c, ny, nx, tiling, |x, h, w| self.pass(x, c, h, w))
    }

    /// One network pass on `[c * h * w]`.
    fn pass(&self, x: &[f32], c: usize, h: usize, w: usize) -> Result<Vec<f32>, Error> {
        let fail = |message: String| Error::Inference {
            model: self.path.clone(),
            h,
            w,
            message,
        };
        let value = ort::value::TensorRef::from_array_view(([1usize, c, h, w], x))
            .map_err(|e| fail(e.to_string()))?;
        // A poisoned lock only means another pass panicked; the session itself is still sound.
        let mut session = self.session.lock().unwrap_or_else(|p| p.into_inner());
        let outputs = session
            .run(ort::inputs![INPUT_NAME => value])
            .map_err(|e| fail(e.to_string()))?;
        let out = outputs
            .get(OUTPUT_NAME)
            .ok_or_else(|| fail(format!("no output '{OUTPUT_NAME}'")))?;
        let (shape, data) = out
            .try_extract_tensor::<f32>()
            .map_err(|e| fail(e.to_string()))?;
        let want = [1, 1, h as i64, w as i64];
        if **shape != want || data.len() != h * w {
            return Err(fail(format!(
                "output shape {:?}, expected {want:?}",
                &**shape
            )));
        }
        Ok(data.to_vec())
    }
}

fn open_session(path: &Path, bytes: &[u8]) -> Result<ort::session::Session, Error> {
    let unreadable = |e: ort::Error| Error::Unreadable {
        model: path.to_path_buf(),
        message: format!("not an ONNX model ONNX Runtime can load: {e}"),
    };
    let threads = rayon::current_num_threads().max(1);
    ort::session::Session::builder()
        .and_then(|b| b.with_intra_threads(threads))
        .and_then(|b| b.with_inter_threads(1))
        .and_then(|b| b.with_deterministic_compute(true))
        .and_then(|b| b.commit_from_memory(bytes))
        .map_err(unreadable)
}

fn read_metadata(
    path: &Path,
    session: &ort::session::Session,
) -> Result<BTreeMap<String, String>, Error> {
    let unreadable = |e: ort::Error| Error::Unreadable {
        model: path.to_path_buf(),
        message: format!("cannot read the ONNX metadata: {e}"),
    };
    let meta = session.metadata().map_err(unreadable)?;
    let keys = meta.custom_keys().map_err(unreadable)?;
    let raw: BTreeMap<String, String> = keys
        .into_iter()
        .filter_map(|k| meta.custom(&k).map(|v| (k, v)))
        .collect();
    if !raw.keys().any(|k| k.starts_with("mpgd.")) {
        return Err(Error::Unreadable {
            model: path.to_path_buf(),
            message: "not an mpgd model: its ONNX metadata has no mpgd.* entries (mpgd.format_version, mpgd.task, mpgd.input_channels, mpgd.normalization)".into(),
        });
    }
    Ok(raw)
}

fn check_channels(path: &Path, m: &Metadata) -> Result<(), Error> {
    match m.input_channels.iter().find(|n| !channels::is_known(n)) {
        Some(name) => Err(Error::UnknownChannel {
            model: path.to_path_buf(),
            name: name.clone(),
            known: channels::known().iter().map(|s| s.to_string()).collect(),
        }),
        None => Ok(()),
    }
}

/// Checks the graph's signature: one float32 input `features` [N, C, H, W] with C (when fixed)
/// the number of channels and H, W free; an output `prediction` [N, 1, H, W] of float32.
fn check_signature(path: &Path, s: &ort::session::Session, channels: usize) -> Result<(), Error> {
    let bad = |what: &str, expected: String, found: String| Error::Signature {
        model: path.to_path_buf(),
        what: what.to_string(),
        expected,
        found,
    };
    let names = |outlets: &[ort::value::Outlet]| -> Vec<String> {
        outlets.iter().map(|o| o.name().to_string()).collect()
    };
    if s.inputs().len() != 1 || s.inputs()[0].name() != INPUT_NAME {
        return Err(bad(
            "inputs",
            format!("one input '{INPUT_NAME}'"),
            format!("{:?}", names(s.inputs())),
        ));
    }
    let Some(output) = s.outputs().iter().find(|o| o.name() == OUTPUT_NAME) else {
        return Err(bad(
            "outputs",
            format!("an output '{OUTPUT_NAME}'"),
            format!("{:?}", names(s.outputs())),
        ));
    };
    let tensor = |o: &ort::value::Outlet| -> Option<Vec<i64>> {
        let ty = o.dtype();
        (ty.tensor_type() == Some(ort::tensor::TensorElementType::Float32))
            .then(|| ty.tensor_shape().map(|s| s.to_vec()))
            .flatten()
    };
    let free = |d: i64| d <= 0;
    let input = tensor(&s.inputs()[0]);
    let ok_in = input.as_ref().is_some_and(|d| {
        d.len() == 4 && (free(d[1]) || d[1] == channels as i64) && free(d[2]) && free(d[3])
    });
    if !ok_in {
        return Err(bad(
            &format!("input '{INPUT_NAME}'"),
            format!("float32 [N, {channels}, H, W] with H and W free"),
            describe(s.inputs()[0].dtype()),
        ));
    }
    let ok_out = tensor(output)
        .is_some_and(|d| d.len() == 4 && (free(d[1]) || d[1] == 1) && free(d[2]) && free(d[3]));
    if !ok_out {
        return Err(bad(
            &format!("output '{OUTPUT_NAME}'"),
            "float32 [N, 1, H, W] with H and W free".into(),
            describe(output.dtype()),
        ));
    }
    Ok(())
}

fn describe(t: &ort::value::ValueType) -> String {
    match (t.tensor_type(), t.tensor_shape()) {
        (Some(ty), Some(shape)) => format!("{ty:?} {:?} (-1: free)", &**shape),
        _ => format!("{t:?}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_missing_library_message_is_one_line_with_the_install_hint() {
        let e = Error::MissingLibrary {
            searched: vec!["/a/libonnxruntime.so".into(), "libonnxruntime.so".into()],
        };
        let text = e.to_string();
        assert!(!text.contains('\n'));
        assert!(text.contains("/a/libonnxruntime.so, libonnxruntime.so"));
        assert!(text.contains("scripts/onnxruntime.sh"));
    }
}
