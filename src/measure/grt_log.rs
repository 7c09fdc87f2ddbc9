//! The console log of OpenROAD's `global_route -verbose` (also ORFS's `5_1_grt.log` and mpgd's
//! own `mpgd route` output, which prints the same tables):
//!
//! ```text
//! [INFO GRT-0053] Routing resources analysis:
//!           Routing      Original      Derated      Resource
//! Layer     Direction    Resources     Resources    Reduction (%)
//! ---------------------------------------------------------------
//! metal2     Vertical        17918          1190          93.36%
//! ---------------------------------------------------------------
//! [INFO GRT-0111] Final number of vias: 4180
//! [INFO GRT-0096] Final congestion report:
//! Layer         Resource        Demand        Usage (%)    Max H / Max V / Total Congestion
//! ---------------------------------------------------------------------------------------
//! metal2            1190          1502          126.22%             1 /  4 / 606
//! ---------------------------------------------------------------------------------------
//! Total             3570          3420           95.80%             5 /  6 / 1046
//! [INFO GRT-0018] Total wirelength: 14634 um
//! [INFO GRT-0014] Routed nets: 563
//! ```
//!
//! When a log holds several runs (incremental routing, several `global_route` calls), the last
//! table of each kind and the last of each number is kept, and `runs` counts the GRT-0096 tables.

use super::{read, MeasureError};
use std::path::{Path, PathBuf};

/// One row of the GRT-0053 table.
#[derive(Clone, Debug, PartialEq)]
pub struct ResourceRow {
    pub layer: String,
    pub direction: String,
    pub original: i64,
    pub derated: i64,
    /// As printed, percent.
    pub reduction_pct: f64,
}

/// One row of the GRT-0096 table (`layer` is "Total" for the total row).
#[derive(Clone, Debug, PartialEq)]
pub struct CongestionRow {
    pub layer: String,
    pub resource: i64,
    pub demand: i64,
    pub usage_pct: f64,
    pub max_h: i64,
    pub max_v: i64,
    pub overflow: i64,
}

/// What a log says about the last routing run in it.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct GrtLog {
    pub resources: Vec<ResourceRow>,
    pub congestion: Vec<CongestionRow>,
    pub total: Option<CongestionRow>,
    pub vias: Option<i64>,
    pub wirelength_um: Option<i64>,
    pub routed_nets: Option<i64>,
    /// Number of GRT-0096 tables in the log.
    pub runs: usize,
}

/// Reads and parses a log file.
pub fn read_log(path: &Path) -> Result<GrtLog, MeasureError> {
    parse(&read(path)?, path)
}

/// Parses a log. A log with neither a GRT-0053 nor a GRT-0096 table is an error, so a wrong file
/// is never measured as an empty run.
pub fn parse(text: &str, path: &Path) -> Result<GrtLog, MeasureError> {
    let lines: Vec<&str> = text.lines().collect();
    let mut log = GrtLog::default();
    let mut k = 0;
    while k < lines.len() {
        let line = lines[k];
        if line.contains("GRT-0053]") {
            let (rows, next) = table(&lines, k + 1, path, resource_row)?;
            log.resources = rows;
            k = next;
            continue;
        }
        if line.contains("GRT-0096]") {
            let (rows, next) = table(&lines, k + 1, path, congestion_row)?;
            log.congestion = rows;
            log.total = total_row(&lines, next, path)?;
            log.runs += 1;
            k = next;
            continue;
        }
        if let Some(v) = number_after(line, "GRT-0111] Final number of vias:") {
            log.vias = Some(v);
        } else if let Some(v) = number_after(line, "GRT-0018] Total wirelength:") {
            log.wirelength_um = Some(v);
        } else if let Some(v) = number_after(line, "GRT-0014] Routed nets:") {
            log.routed_nets = Some(v);
        }
        k += 1;
    }
    if log.resources.is_empty() && log.runs == 0 {
        return Err(MeasureError::Empty {
            path: path.to_path_buf(),
            message: "no GRT-0053 or GRT-0096 table: not a `global_route -verbose` log".into(),
        });
    }
    Ok(log)
}

type RowParser<T> = fn(&[&str]) -> Option<T>;

/// The rows of a table whose header starts at `start`: after the first dashed line, up to the
/// next one. Returns the rows and the index of the line after the closing dashes.
fn table<T>(
    lines: &[&str],
    start: usize,
    path: &Path,
    row: RowParser<T>,
) -> Result<(Vec<T>, usize), MeasureError> {
    let bad = |line: usize, message: String| MeasureError::Parse {
        path: PathBuf::from(path),
        line: line + 1,
        message,
    };
    let open = (start..lines.len().min(start + 4))
        .find(|&i| is_dashes(lines[i]))
        .ok_or_else(|| bad(start, "expected the table's header and dashed line".into()))?;
    let mut rows = Vec::new();
    for (i, line) in lines.iter().enumerate().skip(open + 1) {
        if is_dashes(line) {
            return Ok((rows, i + 1));
        }
        let words: Vec<&str> = line.split_whitespace().collect();
        rows.push(
            row(&words)
                .ok_or_else(|| bad(i, format!("cannot read table row '{}'", line.trim())))?,
        );
    }
    Err(bad(
        lines.len().saturating_sub(1),
        "table not closed by a dashed line".into(),
    ))
}

fn is_dashes(line: &str) -> bool {
    let t = line.trim();
    t.len() >= 10 && t.chars().all(|c| c == '-')
}

fn resource_row(w: &[&str]) -> Option<ResourceRow> {
    if w.len() != 5 {
        return None;
    }
    Some(ResourceRow {
        layer: w[0].to_string(),
        direction: w[1].to_string(),
        original: w[2].parse().ok()?,
        derated: w[3].parse().ok()?,
        reduction_pct: percent(w[4])?,
    })
}

/// `name resource demand usage% maxh / maxv / total`.
fn congestion_row(w: &[&str]) -> Option<CongestionRow> {
    if w.len() != 9 || w[5] != "/" || w[7] != "/" {
        return None;
    }
    Some(CongestionRow {
        layer: w[0].to_string(),
        resource: w[1].parse().ok()?,
        demand: w[2].parse().ok()?,
        usage_pct: percent(w[3])?,
        max_h: w[4].parse().ok()?,
        max_v: w[6].parse().ok()?,
        overflow: w[8].parse().ok()?,
    })
}

fn total_row(
    lines: &[&str],
    at: usize,
    path: &Path,
) -> Result<Option<CongestionRow>, MeasureError> {
    let Some(line) = lines.get(at) else {
        return Ok(None);
    };
    let words: Vec<&str> = line.split_whitespace().collect();
    if words.first() != Some(&"Total") {
        return Ok(None);
    }
    congestion_row(&words)
        .map(Some)
        .ok_or_else(|| MeasureError::Parse {
            path: path.to_path_buf(),
            line: at + 1,
            message: format!("cannot read the Total row '{}'", line.trim()),
        })
}

/// "93.36%" (also "nan%" or "-nan%", which grt prints for a layer without resources) as a number.
fn percent(s: &str) -> Option<f64> {
    let v = s.strip_suffix('%')?;
    if v.ends_with("nan") {
        return Some(0.0);
    }
    v.parse().ok()
}

fn number_after(line: &str, marker: &str) -> Option<i64> {
    let at = line.find(marker)? + marker.len();
    line[at..].split_whitespace().next()?.parse().ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    const LOG: &str = "\
[INFO GRT-0053] Routing resources analysis:
          Routing      Original      Derated      Resource
Layer     Direction    Resources     Resources    Reduction (%)
---------------------------------------------------------------
metal1     Horizontal          0             0          0.00%
metal2     Vertical        17918          1190          93.36%
---------------------------------------------------------------

[INFO GRT-0111] Final number of vias: 4180
[INFO GRT-0096] Final congestion report:
Layer         Resource        Demand        Usage (%)    Max H / Max V / Total Congestion
---------------------------------------------------------------------------------------
metal1               0             0            0.00%             0 /  0 /  0
metal2            1190          1502          126.22%             1 /  4 / 606
---------------------------------------------------------------------------------------
Total             3570          3420           95.80%             5 /  6 / 1046

[INFO GRT-0018] Total wirelength: 14634 um
[INFO GRT-0014] Routed nets: 563
";

    #[test]
    fn reads_the_tables() {
        let log = parse(LOG, Path::new("x.log")).unwrap();
        assert_eq!(log.resources.len(), 2);
        assert_eq!(log.resources[1].derated, 1190);
        assert_eq!(log.resources[1].reduction_pct, 93.36);
        assert_eq!(log.congestion[1].overflow, 606);
        let t = log.total.unwrap();
        assert_eq!(
            (t.resource, t.demand, t.max_h, t.max_v, t.overflow),
            (3570, 3420, 5, 6, 1046)
        );
        assert_eq!(log.vias, Some(4180));
        assert_eq!(log.wirelength_um, Some(14634));
        assert_eq!(log.routed_nets, Some(563));
        assert_eq!(log.runs, 1);
    }

    #[test]
    fn errors_name_the_line() {
        let broken = LOG.replace("metal2            1190", "metal2            x1190");
        let e = parse(&broken, Path::new("x.log")).unwrap_err().to_string();
        assert!(
            e.starts_with("x.log:14: cannot read table row 'metal2"),
            "{e}"
        );
        let e = parse("hello\n", Path::new("y.log"))
            .unwrap_err()
            .to_string();
        assert!(e.contains("y.log: no GRT-0053 or GRT-0096 table"), "{e}");
        let cut = &LOG[..LOG.find("Total ").unwrap() - 90];
        assert!(parse(cut, Path::new("z.log")).is_err());
    }

    /// The real OpenROAD logs of the shared designs: every one parses, and the Total row is the
    /// sum of the layer rows (resource, demand, overflow) and the maxima's sums, as grt prints it.
    #[test]
    fn real_openroad_logs() {
        let dir = std::env::var_os("MPGD_DESIGNS")
            .map(PathBuf::from)
            .unwrap_or_else(|| Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/designs"));
        let mut logs = Vec::new();
        for pattern_dir in ["nangate45", "sky130hd", "sky130hs", "gf180mcu", "asap7"] {
            let Ok(designs) = std::fs::read_dir(dir.join(pattern_dir)) else {
                continue;
            };
            for d in designs.flatten() {
                let Ok(files) = std::fs::read_dir(d.path().join("reference_grt")) else {
                    continue;
                };
                logs.extend(files.flatten().map(|f| f.path()));
            }
        }
        if let Ok(cases) = std::fs::read_dir(dir.join("openroad-grt")) {
            for c in cases.flatten() {
                if let Ok(files) = std::fs::read_dir(c.path()) {
                    logs.extend(files.flatten().map(|f| f.path()));
                }
            }
        }
        logs.retain(|p| p.extension().is_some_and(|e| e == "ok"));
        logs.sort();
        assert!(
            logs.len() >= 20,
            "expected the shared OpenROAD logs in {}",
            dir.display()
        );
        let mut with_totals = 0;
        for p in &logs {
            let text = std::fs::read_to_string(p).unwrap();
            if !text.contains("GRT-0053]") && !text.contains("GRT-0096]") {
                continue;
            }
            let log = parse(&text, p).unwrap_or_else(|e| panic!("{e}"));
            assert!(!log.resources.is_empty() || log.runs > 0);
            if let Some(t) = &log.total {
                with_totals += 1;
                let sum = |f: fn(&CongestionRow) -> i64| log.congestion.iter().map(f).sum::<i64>();
                assert_eq!(t.resource, sum(|r| r.resource), "{}", p.display());
                assert_eq!(t.demand, sum(|r| r.demand), "{}", p.display());
                assert_eq!(t.overflow, sum(|r| r.overflow), "{}", p.display());
                assert_eq!(t.max_h, sum(|r| r.max_h), "{}", p.display());
                assert_eq!(t.max_v, sum(|r| r.max_v), "{}", p.display());
            }
        }
        assert!(
            with_totals >= 10,
            "only {with_totals} logs with a GRT-0096 Total row"
        );
        // One log read to the number: nangate45/gcd congestion1.ok.
        let gcd = dir.join("nangate45/gcd/reference_grt/congestion1.ok");
        let log = read_log(&gcd).unwrap();
        let t = log.total.unwrap();
        assert_eq!((t.resource, t.demand, t.overflow), (3570, 3420, 1046));
        assert_eq!((t.max_h, t.max_v), (5, 6));
        assert_eq!(
            (log.vias, log.wirelength_um, log.routed_nets),
            (Some(4180), Some(14634), Some(563))
        );
        assert_eq!(log.resources[1].original, 17918);
    }
}
