//! LEF grammar (stub: being written).
use super::Lef;
use crate::lefdef::{Error, Warning};
use std::path::Path;

/// Parses one LEF file's text. `path` is used in errors and warnings only.
pub fn parse(_text: &str, path: &Path) -> Result<(Lef, Vec<Warning>), Error> {
    Err(Error::Io { path: path.to_path_buf(), message: "LEF reader not written yet".into() })
}
