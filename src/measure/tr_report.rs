//! The congestion report of `global_route -congestion_report_file f.rpt` (OpenROAD's TR marker
//! format, `dbMarkerCategory::writeTR`): one record per congested GCell edge.
//!
//! ```text
//! violation type: Horizontal congestion
//!     srcs: net:_123_ net:clk
//!     comment: capacity:10 usage:12 congestion:2
//!     bbox = (10.2600, 20.4000) - (13.0200, 23.1600) on Layer -
//! ```
//!
//! An empty file is a run without congestion. Any other line is an error, so a wrong file is not
//! measured as a clean run.

use super::{read, MeasureError};
use std::path::Path;

/// One congested edge.
#[derive(Clone, Debug, PartialEq)]
pub struct Record {
    /// "Horizontal congestion", "Vertical congestion", ...
    pub kind: String,
    pub capacity: Option<i64>,
    pub usage: Option<i64>,
    pub congestion: Option<i64>,
    /// (x0, y0, x1, y1), microns.
    pub bbox_um: Option<[f64; 4]>,
    /// `-` for FastRoute.
    pub layer: Option<String>,
}

/// A parsed report with its sums.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct CongestionReport {
    pub records: Vec<Record>,
}

impl CongestionReport {
    /// Σ `congestion:` over the records (usage over capacity).
    pub fn total_congestion(&self) -> i64 {
        self.records.iter().filter_map(|r| r.congestion).sum()
    }
    pub fn max_congestion(&self) -> i64 {
        self.records
            .iter()
            .filter_map(|r| r.congestion)
            .max()
            .unwrap_or(0)
    }
    /// Records whose kind starts with `prefix` ("Horizontal", "Vertical").
    pub fn count(&self, prefix: &str) -> usize {
        self.records
            .iter()
            .filter(|r| r.kind.starts_with(prefix))
            .count()
    }
}

/// Reads and parses a report file.
pub fn read_report(path: &Path) -> Result<CongestionReport, MeasureError> {
    parse(&read(path)?, path)
}

/// Parses a report.
pub fn parse(text: &str, path: &Path) -> Result<CongestionReport, MeasureError> {
    let mut out = CongestionReport::default();
    for (i, raw) in text.lines().enumerate() {
        let bad = |message: String| MeasureError::Parse {
            path: path.to_path_buf(),
            line: i + 1,
            message,
        };
        let line = raw.trim();
        if line.is_empty() {
            continue;
        }
        if let Some(kind) = line.strip_prefix("violation type:") {
            out.records.push(Record {
                kind: kind.trim().to_string(),
                capacity: None,
                usage: None,
                congestion: None,
                bbox_um: None,
                layer: None,
            });
            continue;
        }
        let Some(rec) = out.records.last_mut() else {
            return Err(bad(format!("expected 'violation type:', found '{line}'")));
        };
        if line.starts_with("srcs:") {
            continue;
        }
        if let Some(c) = line.strip_prefix("comment:") {
            comment(c, rec).map_err(bad)?;
        } else if let Some(b) = line.strip_prefix("bbox =") {
            let (bbox, layer) = bbox(b).ok_or_else(|| bad(format!("cannot read bbox '{line}'")))?;
            rec.bbox_um = Some(bbox);
            rec.layer = Some(layer);
        } else {
            return Err(bad(format!(
                "unexpected line '{line}' in a TR congestion report"
            )));
        }
    }
    Ok(out)
}

/// `capacity:10 usage:12 congestion:2` (other `key:value` words are ignored).
fn comment(text: &str, rec: &mut Record) -> Result<(), String> {
    for word in text.split_whitespace() {
        let Some((k, v)) = word.split_once(':') else {
            continue;
        };
        let slot = match k {
            "capacity" => &mut rec.capacity,
            "usage" => &mut rec.usage,
            "congestion" => &mut rec.congestion,
            _ => continue,
        };
        *slot = Some(v.parse().map_err(|_| format!("'{word}': not an integer"))?);
    }
    Ok(())
}

/// ` (x0, y0) - (x1, y1) on Layer L`.
fn bbox(text: &str) -> Option<([f64; 4], String)> {
    let (coords, layer) = text.split_once("on Layer")?;
    let mut nums = Vec::new();
    for part in coords.split('(').skip(1) {
        let inside = part.split(')').next()?;
        for n in inside.split(',') {
            nums.push(n.trim().parse::<f64>().ok()?);
        }
    }
    if nums.len() != 4 {
        return None;
    }
    Some((
        [nums[0], nums[1], nums[2], nums[3]],
        layer.trim().to_string(),
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The record of OpenROAD's `_dbMarker::writeTR` (reference/openroad.md section 2).
    const RPT: &str = "violation type: Horizontal congestion
\tsrcs: net:_123_ net:clk
\tcomment: capacity:10 usage:12 congestion:2
\tbbox = (10.2600, 20.4000) - (13.0200, 23.1600) on Layer -
violation type: Vertical congestion
\tsrcs: net:a
\tcomment: capacity:4 usage:9 congestion:5
\tbbox = (-1.5000, 0.0000) - (1.2000, 2.7000) on Layer -
";

    #[test]
    fn reads_records() {
        let r = parse(RPT, Path::new("c.rpt")).unwrap();
        assert_eq!(r.records.len(), 2);
        assert_eq!(r.total_congestion(), 7);
        assert_eq!(r.max_congestion(), 5);
        assert_eq!((r.count("Horizontal"), r.count("Vertical")), (1, 1));
        assert_eq!(r.records[0].bbox_um, Some([10.26, 20.4, 13.02, 23.16]));
        assert_eq!(r.records[1].bbox_um, Some([-1.5, 0.0, 1.2, 2.7]));
        assert_eq!(r.records[0].layer.as_deref(), Some("-"));
        assert_eq!(parse("", Path::new("e.rpt")).unwrap().records.len(), 0);
    }

    #[test]
    fn wrong_files_are_errors() {
        let e = parse("[INFO GRT-0053] x\n", Path::new("a.rpt")).unwrap_err();
        assert!(
            e.to_string()
                .starts_with("a.rpt:1: expected 'violation type:'"),
            "{e}"
        );
        let e = parse(
            &RPT.replace("congestion:2", "congestion:x"),
            Path::new("b.rpt"),
        )
        .unwrap_err();
        assert!(e.to_string().starts_with("b.rpt:3: 'congestion:x'"), "{e}");
    }
}
