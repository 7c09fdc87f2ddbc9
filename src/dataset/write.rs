//! The dataset file: one Parquet file written with polars, one row per sample (format in
//! `docs/dataset.md`). Written to memory first and renamed into place, so a failed run leaves
//! nothing half-written.

use polars::prelude::*;
use std::path::Path;

/// One sample: identification, geometry and its channels (features then labels), each row-major
/// `[ny, nx]` with row 0 at the bottom.
#[derive(Clone, Debug, PartialEq)]
pub struct SampleRow {
    pub id: String,
    pub design: String,
    pub technology: String,
    /// The variant's parameters as JSON.
    pub variant: String,
    pub split: &'static str,
    pub nx: i32,
    pub ny: i32,
    pub gcell_um: f64,
    pub channels: Vec<Vec<f32>>,
}

/// Builds the table: fixed columns, then one `list<f32>` column per channel name.
pub fn to_frame(rows: &[SampleRow], channel_names: &[&str]) -> PolarsResult<DataFrame> {
    let text = |f: fn(&SampleRow) -> &str| rows.iter().map(f).collect::<Vec<&str>>();
    let mut cols: Vec<Column> = vec![
        Column::new("id".into(), text(|r| &r.id)),
        Column::new("design".into(), text(|r| &r.design)),
        Column::new("technology".into(), text(|r| &r.technology)),
        Column::new("variant".into(), text(|r| &r.variant)),
        Column::new("split".into(), text(|r| r.split)),
        Column::new("nx".into(), rows.iter().map(|r| r.nx).collect::<Vec<i32>>()),
        Column::new("ny".into(), rows.iter().map(|r| r.ny).collect::<Vec<i32>>()),
        Column::new(
            "gcell_um".into(),
            rows.iter().map(|r| r.gcell_um).collect::<Vec<f64>>(),
        ),
    ];
    for (k, name) in channel_names.iter().enumerate() {
        let lists: Vec<Series> = rows
            .iter()
            .map(|r| Series::new("".into(), r.channels[k].as_slice()))
            .collect();
        let col = Series::new((*name).into(), lists)
            .cast(&DataType::List(Box::new(DataType::Float32)))?;
        cols.push(col.into());
    }
    DataFrame::new(rows.len(), cols)
}

/// Writes the samples as one Parquet file, atomically.
pub fn write_parquet(
    rows: &[SampleRow],
    channel_names: &[&str],
    path: &Path,
) -> anyhow::Result<()> {
    let mut df = to_frame(rows, channel_names)?;
    let mut buf: Vec<u8> = Vec::new();
    ParquetWriter::new(&mut buf).finish(&mut df)?;
    crate::output::write_atomic(path, &buf)
}
