//! Reading what OpenROAD reports about a routing run, to put it beside mpgd's own numbers:
//! the console log of `global_route -verbose` ([`grt_log`]: the GRT-0053 resource table, the
//! GRT-0096 congestion table, wirelength, vias, routed nets) and the congestion report file of
//! `global_route -congestion_report_file` ([`tr_report`]: the TR marker format). Pure parsers of
//! text with typed errors naming the file and line; they read no design.

pub mod grt_log;
pub mod tr_report;

use std::path::PathBuf;

/// A report that cannot be read or is not the format expected.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum MeasureError {
    #[error("{path}: cannot read: {source}")]
    Io {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("{path}:{line}: {message}")]
    Parse {
        path: PathBuf,
        line: usize,
        message: String,
    },
    #[error("{path}: {message}")]
    Empty { path: PathBuf, message: String },
}

fn read(path: &std::path::Path) -> Result<String, MeasureError> {
    std::fs::read(path)
        .map(|b| String::from_utf8_lossy(&b).into_owned())
        .map_err(|source| MeasureError::Io {
            path: path.to_path_buf(),
            source,
        })
}
