//! `region` steering: a predicted congestion map becomes OpenROAD region adjustments.
//!
//! Three steps, each a function: the hotspot GCells ([`super::hotspots::select`]), adjacent
//! hotspots merged into rectangles ([`merge_rects`]), and one command per (rectangle, layer)
//! ([`commands`]). Coordinates are turned into microns and clamped to the die in
//! one place, [`placement`]: grt checks that a region lies inside the die (GRT-0064..67) and
//! that each coordinate is a non-negative number (`sta::check_positive_float`), so a rectangle
//! with a negative coordinate (a die centred on the origin) is written as the DBU call
//! `grt::add_region_adjustment`, which skips the Tcl checks.

use super::hotspots::{self, Selection, SelectionError};
use crate::geom::{Dbu, Rect};
use crate::route::grid::GCellGrid;

/// The design facts a command needs: the die, the DBU, and the layers to adjust as (name,
/// routing level counted from 1 at the bottom).
#[derive(Clone, Debug, PartialEq)]
pub struct Target {
    pub die: Rect,
    pub dbu_per_micron: i64,
    pub layers: Vec<(String, usize)>,
}

/// One merged hotspot rectangle.
#[derive(Clone, Debug, PartialEq)]
pub struct Region {
    /// GCell columns and rows covered, `[c0, c1) x [r0, r1)`.
    pub cells: (usize, usize, usize, usize),
    /// The GCells' box, clamped to the die (DBU).
    pub rect: Rect,
    /// The highest map value inside.
    pub peak: f32,
    /// The adjustment given to it: the largest hotspot fraction inside (`max_adjust × value /
    /// peak`), two decimals, at least 0.01.
    pub adjustment: f32,
}

/// Where a region goes in OpenROAD's terms.
#[derive(Clone, Debug, PartialEq)]
pub enum Placement {
    /// Microns for `set_global_routing_region_adjustment`, as printed ("12.6").
    Microns([String; 4]),
    /// DBU for `grt::add_region_adjustment` (a coordinate is negative).
    Dbu(Rect),
}

/// A failure to steer with the given map and options.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum RegionError {
    #[error(transparent)]
    Selection(#[from] SelectionError),
    #[error("no layers to adjust")]
    NoLayers,
    #[error("the map has a value that is not a finite number at GCell ({col}, {row})")]
    NotFinite { col: usize, row: usize },
}

/// Adjacent hotspot GCells merged into disjoint rectangles `[c0, c1) x [r0, r1)` covering them all:
/// from the bottom row up, each row's leftmost free run grows upwards while the row above holds
/// the same run free.
pub fn merge_rects(mask: &[bool], nx: usize, ny: usize) -> Vec<(usize, usize, usize, usize)> {
    let mut used = vec![false; mask.len()];
    let free = |used: &[bool], i: usize, j: usize| mask[j * nx + i] && !used[j * nx + i];
    let mut out = Vec::new();
    for j in 0..ny {
        for i in 0..nx {
            if !free(&used, i, j) {
                continue;
            }
            let mut i1 = i + 1;
            while i1 < nx && free(&used, i1, j) {
                i1 += 1;
            }
            let mut j1 = j + 1;
            while j1 < ny && (i..i1).all(|x| free(&used, x, j1)) {
                j1 += 1;
            }
            for y in j..j1 {
                for x in i..i1 {
                    used[y * nx + x] = true;
                }
            }
            out.push((i, i1, j, j1));
        }
    }
    out
}

/// The hotspot rectangles of a map on a grid (hotspots as [`hotspots::select`] picks them),
/// clamped to the die, with their adjustments.
pub fn regions(
    map: &[f32],
    grid: &GCellGrid,
    die: Rect,
    sel: &Selection,
) -> Result<Vec<Region>, RegionError> {
    let (nx, ny) = (grid.nx(), grid.ny());
    if let Some(k) = map.iter().position(|v| !v.is_finite()) {
        return Err(RegionError::NotFinite {
            col: k % nx.max(1),
            row: k / nx.max(1),
        });
    }
    let spots = hotspots::select(map, nx, ny, sel)?;
    // Per GCell: its hotspot fraction, if it is one.
    let mut fraction: Vec<Option<f32>> = vec![None; map.len()];
    for h in &spots {
        fraction[h.row * nx + h.col] = Some(h.fraction);
    }
    let mask: Vec<bool> = fraction.iter().map(Option::is_some).collect();
    let out = merge_rects(&mask, nx, ny)
        .into_iter()
        .map(|(c0, c1, r0, r1)| {
            let cells = || (r0..r1).flat_map(move |r| (c0..c1).map(move |c| r * nx + c));
            let rect = Rect::new(
                grid.x_lines[c0].max(die.lo.x),
                grid.y_lines[r0].max(die.lo.y),
                grid.x_lines[c1].min(die.hi.x),
                grid.y_lines[r1].min(die.hi.y),
            );
            let largest = cells().filter_map(|k| fraction[k]).fold(0.0f32, f32::max);
            Region {
                cells: (c0, c1, r0, r1),
                rect,
                peak: cells().map(|k| map[k]).fold(0.0f32, f32::max),
                adjustment: ((largest * 100.0).round() / 100.0).max(0.01),
            }
        })
        .collect();
    Ok(out)
}

/// The one place where a DBU rectangle becomes OpenROAD coordinates: clamped to the die, then
/// microns when every coordinate is non-negative, else DBU. A micron value is printed so that grt
/// (which multiplies by the DBU and truncates) gets the intended DBU back exactly.
pub fn placement(rect: Rect, die: Rect, dbu_per_micron: i64) -> Placement {
    let c = Rect::new(
        rect.lo.x.clamp(die.lo.x, die.hi.x),
        rect.lo.y.clamp(die.lo.y, die.hi.y),
        rect.hi.x.clamp(die.lo.x, die.hi.x),
        rect.hi.y.clamp(die.lo.y, die.hi.y),
    );
    if [c.lo.x, c.lo.y, c.hi.x, c.hi.y].iter().any(|&v| v < 0) {
        return Placement::Dbu(c);
    }
    Placement::Microns([c.lo.x, c.lo.y, c.hi.x, c.hi.y].map(|v| microns(v, dbu_per_micron)))
}

/// `v` DBU as the shortest micron text that grt's `int(um * dbu_per_micron)` maps back to `v`.
fn microns(v: Dbu, dbu_per_micron: i64) -> String {
    let back = |s: &str| (s.parse::<f64>().unwrap_or(f64::NAN) * dbu_per_micron as f64) as Dbu;
    let plain = um_text(v as f64 / dbu_per_micron as f64);
    if back(&plain) == v {
        return plain;
    }
    // Half a DBU up survives the truncation.
    um_text((v as f64 + 0.5) / dbu_per_micron as f64)
}

/// Shortest decimal text of `x` that reads back exactly, without an exponent ("12.6", "0").
fn um_text(x: f64) -> String {
    if x == 0.0 {
        "0".to_string()
    } else {
        format!("{x}")
    }
}

/// The OpenROAD commands for the regions: one per (region, layer), layers in the order given.
pub fn commands(regions: &[Region], target: &Target) -> Result<Vec<String>, RegionError> {
    if target.layers.is_empty() {
        return Err(RegionError::NoLayers);
    }
    let mut out = Vec::new();
    for r in regions {
        let at = placement(r.rect, target.die, target.dbu_per_micron);
        for (name, level) in &target.layers {
            out.push(match &at {
                Placement::Microns([a, b, c, d]) => format!(
                    "set_global_routing_region_adjustment {{{a} {b} {c} {d}}} -layer {name} -adjustment {:.2}",
                    r.adjustment
                ),
                Placement::Dbu(q) => format!(
                    "grt::add_region_adjustment {} {} {} {} {level} {:.2}",
                    q.lo.x, q.lo.y, q.hi.x, q.hi.y, r.adjustment
                ),
            });
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn grid(nx: usize, ny: usize, size: Dbu) -> GCellGrid {
        GCellGrid::uniform(Rect::new(0, 0, nx as Dbu * size, ny as Dbu * size), size)
    }

    #[test]
    fn merging_covers_every_hotspot_once() {
        // 4 x 3, rows from the bottom:
        // row 2: . X X .
        // row 1: X X X .
        // row 0: X X X X
        #[rustfmt::skip]
        let mask = [
            true, true, true, true,
            true, true, true, false,
            false, true, true, false,
        ];
        let rects = merge_rects(&mask, 4, 3);
        assert_eq!(rects, vec![(0, 4, 0, 1), (0, 3, 1, 2), (1, 3, 2, 3)]);
        let area: usize = rects.iter().map(|r| (r.1 - r.0) * (r.3 - r.2)).sum();
        assert_eq!(area, mask.iter().filter(|&&b| b).count());
        // A 2 x 2 block is one rectangle.
        assert_eq!(merge_rects(&[true; 4], 2, 2), vec![(0, 2, 0, 2)]);
    }

    /// The exact command text for a small map on a 2000-DBU/µm grid, as grt parses it.
    #[test]
    fn golden_commands() {
        let g = grid(4, 2, 2800); // 1.4 µm GCells
        #[rustfmt::skip]
        let map = [
            0.0, 0.8, 0.4, 0.0,
            0.0, 0.0, 0.0, 0.3,
        ];
        let opts = Selection {
            top: 0.4,
            min_value: 0.0,
            max_adjust: 0.5,
        };
        let die = Rect::new(0, 0, 4 * 2800, 2 * 2800);
        let regions = regions(&map, &g, die, &opts).unwrap();
        let target = Target {
            die,
            dbu_per_micron: 2000,
            layers: vec![("metal2".into(), 2), ("metal3".into(), 3)],
        };
        let cmds = commands(&regions, &target).unwrap();
        assert_eq!(
            cmds,
            [
                "set_global_routing_region_adjustment {1.4 0 4.2 1.4} -layer metal2 -adjustment 0.50",
                "set_global_routing_region_adjustment {1.4 0 4.2 1.4} -layer metal3 -adjustment 0.50",
                "set_global_routing_region_adjustment {4.2 1.4 5.6 2.8} -layer metal2 -adjustment 0.19",
                "set_global_routing_region_adjustment {4.2 1.4 5.6 2.8} -layer metal3 -adjustment 0.19",
            ]
        );
    }

    #[test]
    fn negative_die_falls_back_to_dbu_and_clamps() {
        let die = Rect::new(-1000, -1000, 1000, 1000);
        let g = GCellGrid::uniform(die, 1000);
        let regions = regions(
            &[1.0, 0.0, 0.0, 0.0],
            &g,
            die,
            &Selection {
                top: 0.25,
                min_value: 0.0,
                max_adjust: 0.3,
            },
        )
        .unwrap();
        let target = Target {
            die,
            dbu_per_micron: 1000,
            layers: vec![("M2".into(), 2)],
        };
        assert_eq!(
            commands(&regions, &target).unwrap(),
            ["grt::add_region_adjustment -1000 -1000 0 0 2 0.30"]
        );
        // Clamping: a box past the die's corner is cut at the die.
        assert_eq!(
            placement(
                Rect::new(500, 500, 5000, 5000),
                Rect::new(0, 0, 2000, 1999),
                1000
            ),
            Placement::Microns(["0.5".into(), "0.5".into(), "2".into(), "1.999".into()])
        );
    }

    #[test]
    fn micron_text_survives_grt_truncation() {
        // Every DBU value of a 0..200 µm range at 2000 DBU/µm reads back exactly after
        // int(um * 2000), as grt computes it.
        for v in 0..400_000i64 {
            let s = microns(v, 2000);
            assert_eq!((s.parse::<f64>().unwrap() * 2000.0) as i64, v, "{v} -> {s}");
        }
    }

    #[test]
    fn bad_options_are_errors() {
        let g = grid(2, 1, 10);
        let die = Rect::new(0, 0, 20, 10);
        let o = |max_adjust, top| Selection {
            top,
            min_value: 0.0,
            max_adjust,
        };
        let selection_error = |r| matches!(r, Err(RegionError::Selection(_)));
        assert!(selection_error(regions(&[1.0], &g, die, &o(0.5, 0.1))));
        assert!(selection_error(regions(&[1.0, 0.0], &g, die, &o(1.5, 0.1))));
        assert!(selection_error(regions(&[1.0, 0.0], &g, die, &o(0.5, 0.0))));
        assert!(matches!(
            regions(&[f32::NAN, 0.0], &g, die, &o(0.5, 0.5)),
            Err(RegionError::NotFinite { col: 0, row: 0 })
        ));
    }
}
