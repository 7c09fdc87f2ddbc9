//! DRV labels from OpenROAD `detailed_route -output_drc` reports (the TR marker format):
//!
//! ```text
//! violation type: Metal Spacing
//!     srcs: net:n1 inst:_55_
//!     bbox = (1.2000, 3.4000) - (1.3000, 3.5000) on Layer metal2
//! ```
//!
//! Each violation adds 1 to every GCell its box touches (CircuitNet's `compute_density`), summed
//! over types and layers. Coordinates are microns.

use crate::geom::Rect;
use crate::route::grid::GCellGrid;
use std::path::Path;

/// One violation of a report.
#[derive(Clone, Debug, PartialEq)]
pub struct Violation {
    pub kind: String,
    pub layer: String,
    /// (x0, y0, x1, y1) in microns.
    pub bbox_um: [f64; 4],
}

/// A failure to read a report.
#[derive(Debug, thiserror::Error)]
#[error("{path}:{line}: {message}")]
pub struct DrcError {
    pub path: std::path::PathBuf,
    pub line: usize,
    pub message: String,
}

/// Parses a TR-format report. Lines other than `violation type:`, `srcs:`, `comment:` and
/// `bbox = ...` are errors, so a wrong file is not read as an empty report.
pub fn parse(text: &str, path: &Path) -> Result<Vec<Violation>, DrcError> {
    let err = |line: usize, message: String| DrcError {
        path: path.to_path_buf(),
        line,
        message,
    };
    let mut out = Vec::new();
    let mut kind: Option<(String, usize)> = None;
    for (i, raw) in text.lines().enumerate() {
        let line = raw.trim();
        let n = i + 1;
        if line.is_empty() {
            continue;
        }
        if let Some(k) = line.strip_prefix("violation type:") {
            if let Some((_, at)) = kind {
                return Err(err(at, "violation without a bbox line".into()));
            }
            kind = Some((k.trim().to_string(), n));
        } else if line.starts_with("srcs:") || line.starts_with("comment:") {
            if kind.is_none() {
                return Err(err(n, format!("'{line}' outside a violation")));
            }
        } else if let Some(rest) = line.strip_prefix("bbox =") {
            let Some((k, _)) = kind.take() else {
                return Err(err(n, "bbox outside a violation".into()));
            };
            let (coords, layer) = rest
                .split_once("on Layer")
                .ok_or_else(|| err(n, "expected 'bbox = (x0, y0) - (x1, y1) on Layer L'".into()))?;
            // "(x0, y0) - (x1, y1)": the numbers inside the two parentheses.
            let nums: Vec<f64> = coords
                .split('(')
                .skip(1)
                .filter_map(|group| group.split(')').next())
                .flat_map(|pair| pair.split(','))
                .map(|v| v.trim().parse::<f64>().unwrap_or(f64::NAN))
                .collect();
            if nums.len() != 4 || nums.iter().any(|v| !v.is_finite()) {
                return Err(err(
                    n,
                    format!("expected four coordinates in '{}'", coords.trim()),
                ));
            }
            out.push(Violation {
                kind: k,
                layer: layer.trim().to_string(),
                bbox_um: [
                    nums[0].min(nums[2]),
                    nums[1].min(nums[3]),
                    nums[0].max(nums[2]),
                    nums[1].max(nums[3]),
                ],
            });
        } else {
            return Err(err(
                n,
                format!("unexpected line '{}'", crate::lefdef::lex::shorten(line)),
            ));
        }
    }
    if let Some((_, at)) = kind {
        return Err(err(
            at,
            "violation without a bbox line (truncated report?)".into(),
        ));
    }
    Ok(out)
}

/// Violations per GCell: +1 on every GCell each box touches.
pub fn density(violations: &[Violation], grid: &GCellGrid, dbu_per_micron: i64) -> Vec<f32> {
    let (nx, ny) = (grid.nx(), grid.ny());
    let mut map = vec![0f32; nx * ny];
    let d = |v: f64| (v * dbu_per_micron as f64).round() as i64;
    for v in violations {
        let r = Rect::new(
            d(v.bbox_um[0]),
            d(v.bbox_um[1]),
            d(v.bbox_um[2]),
            d(v.bbox_um[3]),
        );
        for j in grid.row(r.lo.y)..=grid.row(r.hi.y) {
            for i in grid.col(r.lo.x)..=grid.col(r.hi.x) {
                map[j * nx + i] += 1.0;
            }
        }
    }
    map
}

#[cfg(test)]
mod tests {
    use super::*;

    const REPORT: &str = "violation type: Metal Spacing\n\tsrcs: net:n1 inst:_55_\n\tbbox = (1.2000, 3.4000) - (1.3000, 3.5000) on Layer metal2\nviolation type: Short\n\tsrcs: net:a net:b\n\tcomment: x\n\tbbox = (0.0000, 0.0000) - (2.5000, 0.1000) on Layer metal1\n";

    #[test]
    fn reads_the_tr_format() {
        let v = parse(REPORT, Path::new("r.rpt")).unwrap();
        assert_eq!(v.len(), 2);
        assert_eq!(v[0].kind, "Metal Spacing");
        assert_eq!(v[0].layer, "metal2");
        assert_eq!(v[0].bbox_um, [1.2, 3.4, 1.3, 3.5]);
        assert_eq!(v[1].bbox_um, [0.0, 0.0, 2.5, 0.1]);
    }

    #[test]
    fn counts_every_gcell_a_box_touches() {
        let v = parse(REPORT, Path::new("r.rpt")).unwrap();
        // 1 um GCells over 4 x 4 um, 1000 DBU per micron.
        let g = GCellGrid::uniform(Rect::new(0, 0, 4000, 4000), 1000);
        let m = density(&v, &g, 1000);
        assert_eq!(m[3 * 4 + 1], 1.0); // the spacing box, in GCell (1, 3)
        assert_eq!(&m[0..4], &[1.0, 1.0, 1.0, 0.0]); // the short spans x 0..2.5 in row 0
        assert_eq!(m.iter().sum::<f32>(), 4.0);
    }

    #[test]
    fn a_truncated_report_is_an_error_with_its_line() {
        let e = parse("violation type: Short\n\tsrcs: net:a\n", Path::new("r.rpt")).unwrap_err();
        assert_eq!(
            e.to_string(),
            "r.rpt:1: violation without a bbox line (truncated report?)"
        );
        let e = parse("hello\n", Path::new("r.rpt")).unwrap_err();
        assert_eq!(e.line, 1);
    }
}
