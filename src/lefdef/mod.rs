//! Readers for LEF (technology and cell libraries) and DEF (a placed design), written with nom.
//!
//! This module owns *what the files say*: [`lef::Lef`] and [`def::Def`] hold the statements as read,
//! with LEF values in microns and DEF values in DBU, names as opaque strings (DEF escapes kept).
//! Resolving names (masters, layers, pins) is the job of [`crate::design`], not of this module.
//!
//! Errors carry the file, 1-based line and column, a context stack (`DEF > COMPONENTS > u42`) and a
//! sentence saying what was expected; line and column are computed only when an error is shown.
//! Valid statements that mpgd does not use are skipped and reported as [`Warning`]s.
//! `.gz` files are decompressed transparently.

pub mod def;
pub mod lef;
pub mod lex;

use std::fmt;
use std::io::Read;
use std::path::{Path, PathBuf};

/// A failure to read a LEF or DEF file.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// The file could not be opened, read or decompressed.
    #[error("{path}: {message}")]
    Io { path: PathBuf, message: String },
    /// The text does not follow the LEF/DEF grammar. Transparent: the syntax error is the whole
    /// message, so an error chain (`{:#}`) says it once.
    #[error(transparent)]
    Syntax(#[from] SyntaxError),
}

/// A grammar error at a position in a file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SyntaxError {
    pub path: PathBuf,
    /// 1-based line.
    pub line: usize,
    /// 1-based column, in characters.
    pub column: usize,
    /// Outermost first, e.g. `["COMPONENTS", "u42"]`.
    pub context: Vec<String>,
    /// What is wrong, as a lowercase sentence without a trailing period.
    pub message: String,
}

impl fmt::Display for SyntaxError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{}:{}:{}: {}",
            self.path.display(),
            self.line,
            self.column,
            self.message
        )?;
        if !self.context.is_empty() {
            write!(f, " (in {})", self.context.join(" > "))?;
        }
        Ok(())
    }
}

impl std::error::Error for SyntaxError {}

/// A statement that is valid but skipped, or a value mpgd corrected; never fatal.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Warning {
    pub path: PathBuf,
    pub line: usize,
    pub column: usize,
    pub message: String,
}

impl fmt::Display for Warning {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{}:{}:{}: warning: {}",
            self.path.display(),
            self.line,
            self.column,
            self.message
        )
    }
}

/// 1-based (line, column) of byte `offset` in `text`.
pub fn line_column(text: &str, offset: usize) -> (usize, usize) {
    let offset = offset.min(text.len());
    let before = &text.as_bytes()[..offset];
    let line = memchr::memchr_iter(b'\n', before).count() + 1;
    let line_start = memchr::memrchr(b'\n', before).map_or(0, |i| i + 1);
    let column = text[line_start..offset].chars().count() + 1;
    (line, column)
}

/// Reads a whole file as UTF-8 text, gunzipping it when it is gzip-compressed (by magic bytes, so a
/// `.gz` name is not required and a misnamed file still reads).
pub fn read_text(path: &Path) -> Result<String, Error> {
    let bytes = std::fs::read(path).map_err(|e| io_error(path, e))?;
    let bytes = if is_gzip(&bytes) {
        gunzip(path, &bytes)?
    } else {
        bytes
    };
    String::from_utf8(bytes).map_err(|e| not_utf8(path, e.as_bytes(), e.utf8_error()))
}

/// Files at least this large are mapped instead of copied into memory.
const MAP_MIN: u64 = 1 << 20;

/// Calls `parse` with a file's text, as [`read_text`] reads it, except that a large plain file is
/// mapped into memory rather than copied: no copy, no fresh pages to clear (efuse_ctrl: 27 MB).
fn with_text<T>(path: &Path, parse: impl FnOnce(&str) -> Result<T, Error>) -> Result<T, Error> {
    let file = std::fs::File::open(path).map_err(|e| io_error(path, e))?;
    let len = file.metadata().map_err(|e| io_error(path, e))?.len();
    if len < MAP_MIN {
        return parse(&read_text(path)?);
    }
    // SAFETY: the map is only read, and only while `parse` runs. If another program truncates
    // the file meanwhile, reading past its new end faults (SIGBUS); mpgd's readers, like other
    // tools that map their inputs, accept that risk for inputs that are not written while read.
    let map = unsafe { memmap2::MmapOptions::new().populate().map(&file) }
        .map_err(|e| io_error(path, e))?;
    if is_gzip(&map) {
        let bytes = gunzip(path, &map)?;
        let text =
            String::from_utf8(bytes).map_err(|e| not_utf8(path, e.as_bytes(), e.utf8_error()))?;
        return parse(&text);
    }
    match std::str::from_utf8(&map) {
        Ok(text) => parse(text),
        Err(e) => Err(not_utf8(path, &map, e)),
    }
}

fn io_error(path: &Path, e: std::io::Error) -> Error {
    Error::Io {
        path: path.to_path_buf(),
        message: e.to_string().to_lowercase(),
    }
}

/// True for bytes that start with the gzip magic bytes.
fn is_gzip(bytes: &[u8]) -> bool {
    bytes.starts_with(&[0x1f, 0x8b])
}

/// Gzip-compressed bytes, decompressed.
fn gunzip(path: &Path, bytes: &[u8]) -> Result<Vec<u8>, Error> {
    let mut out = Vec::with_capacity(bytes.len() * 8);
    flate2::read::MultiGzDecoder::new(bytes)
        .read_to_end(&mut out)
        .map_err(|e| Error::Io {
            path: path.to_path_buf(),
            message: format!("cannot decompress gzip data: {e}"),
        })?;
    Ok(out)
}

/// The error for bytes that are not UTF-8, at the first bad byte.
fn not_utf8(path: &Path, bytes: &[u8], e: std::str::Utf8Error) -> Error {
    let offset = e.valid_up_to();
    let text = String::from_utf8_lossy(bytes);
    let (line, column) = line_column(&text, offset);
    Error::Syntax(SyntaxError {
        path: path.to_path_buf(),
        line,
        column,
        context: vec![],
        message: "the file is not UTF-8 text (binary or corrupt data)".into(),
    })
}

/// Reads and parses a LEF file.
pub fn read_lef(path: &Path) -> Result<(lef::Lef, Vec<Warning>), Error> {
    with_text(path, |text| lef::parse(text, path))
}

/// Reads and parses a DEF file.
pub fn read_def(path: &Path) -> Result<(def::Def, Vec<Warning>), Error> {
    with_text(path, |text| def::parse(text, path))
}
