//! `region` steering: a predicted congestion map becomes OpenROAD region adjustments.
//!
//! Three steps, each a function: the hotspot GCells ([`hotspot_mask`]: the top fraction of the
//! map), adjacent hotspots merged into rectangles ([`merge_rects`]), and one command per
//! (rectangle, layer) ([`commands`]). Coordinates are turned into microns and clamped to the die in
//! one place, [`placement`]: grt checks that a region lies inside the die (GRT-0064..67) and
//! that each coordinate is a non-negative number (`sta::check_positive_float`), so a rectangle
//! with a negative coordinate (a die centred on the origin) is written as the DBU call
//! `grt::add_region_adjustment`, which skips the Tcl checks.

use crate::geom::{Dbu, Rect};
use crate::route::grid::GCellGrid;

/// What to steer and how hard.
#[derive(Clone, Debug, PartialEq)]
pub struct RegionOptions {
    /// Adjustment of the worst hotspot (0..=1); others are scaled by their peak over the map's.
    pub max_adjust: f32,
    /// Fraction of the GCells taken as hotspots (0..=1], the highest values first.
    pub top: f64,
}

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
    /// The adjustment given to it (two decimals, at least 0.01).
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
    #[error("the map has {got} values but the grid has {nx} x {ny} GCells")]
    MapSize { got: usize, nx: usize, ny: usize },
    #[error("-max_adjust {0}: must be a number between 0 and 1")]
    MaxAdjust(f32),
    #[error("-top {0}: must be a fraction above 0 and at most 1")]
    Top(f64),
    #[error("no layers to adjust")]
    NoLayers,
    #[error("the map has a value that is not a finite number at GCell ({col}, {row})")]
    NotFinite { col: usize, row: usize },
}

/// The hotspot GCells: the `top` fraction of the map's GCells with the highest values (at least
/// one), never a GCell whose value is 0 or less. Ties with the last value taken are all taken,
/// so the result does not depend on the order of equal values.
pub fn hotspot_mask(map: &[f32], top: f64) -> Vec<bool> {
    let mut positive: Vec<f32> = map.iter().copied().filter(|&v| v > 0.0).collect();
    if positive.is_empty() {
        return vec![false; map.len()];
    }
    positive.sort_by(|a, b| b.total_cmp(a));
    let k = ((map.len() as f64 * top).ceil() as usize).clamp(1, positive.len());
    let threshold = positive[k - 1];
    map.iter().map(|&v| v > 0.0 && v >= threshold).collect()
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

/// The hotspot rectangles of a map on a grid, clamped to the die, with their adjustments.
pub fn regions(
    map: &[f32],
    grid: &GCellGrid,
    die: Rect,
    opts: &RegionOptions,
) -> Result<Vec<Region>, RegionError> {
    let (nx, ny) = (grid.nx(), grid.ny());
    check(map, nx, ny, opts)?;
    let peak = map.iter().copied().fold(0.0f32, f32::max);
    let mask = hotspot_mask(map, opts.top);
    let out = merge_rects(&mask, nx, ny)
        .into_iter()
        .map(|(c0, c1, r0, r1)| {
            let rect = Rect::new(
                grid.x_lines[c0],
                grid.y_lines[r0],
                grid.x_lines[c1],
                grid.y_lines[r1],
            );
            let rect = Rect::new(
                rect.lo.x.max(die.lo.x),
                rect.lo.y.max(die.lo.y),
                rect.hi.x.min(die.hi.x),
                rect.hi.y.min(die.hi.y),
            );
            let local = (r0..r1)
                .flat_map(|r| (c0..c1).map(move |c| map[r * nx + c]))
                .fold(0.0f32, f32::max);
            Region {
                cells: (c0, c1, r0, r1),
                rect,
                peak: local,
                adjustment: adjustment(opts.max_adjust, local, peak),
            }
        })
        .collect();
    Ok(out)
}

fn check(map: &[f32], nx: usize, ny: usize, opts: &RegionOptions) -> Result<(), RegionError> {
    if map.len() != nx * ny {
        return Err(RegionError::MapSize {
            got: map.len(),
            nx,
            ny,
        });
    }
    if !(0.0..=1.0).contains(&opts.max_adjust) {
        return Err(RegionError::MaxAdjust(opts.max_adjust));
    }
    if !(opts.top > 0.0 && opts.top <= 1.0) {
        return Err(RegionError::Top(opts.top));
    }
    if let Some(k) = map.iter().position(|v| !v.is_finite()) {
        return Err(RegionError::NotFinite {
            col: k % nx,
            row: k / nx,
        });
    }
    Ok(())
}

/// `max_adjust` scaled by the region's peak over the map's, two decimals, at least 0.01.
fn adjustment(max_adjust: f32, local: f32, peak: f32) -> f32 {
    let scaled = if peak > 0.0 {
        max_adjust * (local / peak).min(1.0)
    } else {
        0.0
    };
    ((scaled * 100.0).round() / 100.0).max(0.01).min(max_adjust.max(0.01))
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
    fn top_fraction_takes_ties_and_skips_zeros() {
        let m = [0.0, 3.0, 1.0, 3.0, 2.0, 0.0, 0.0, 0.0];
        // 25% of 8 = 2 GCells: both 3.0s.
        assert_eq!(
            hotspot_mask(&m, 0.25),
            [false, true, false, true, false, false, false, false]
        );
        // 1 GCell asked, the tie brings the second 3.0.
        assert_eq!(hotspot_mask(&m, 0.1).iter().filter(|&&b| b).count(), 2);
        // All asked: only positive values.
        assert_eq!(hotspot_mask(&m, 1.0).iter().filter(|&&b| b).count(), 4);
        assert!(hotspot_mask(&[0.0; 4], 1.0).iter().all(|&b| !b));
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
            0.0, 0.0, 0.0, 0.2,
        ];
        let opts = RegionOptions {
            max_adjust: 0.5,
            top: 0.4,
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
                "set_global_routing_region_adjustment {4.2 1.4 5.6 2.8} -layer metal2 -adjustment 0.13",
                "set_global_routing_region_adjustment {4.2 1.4 5.6 2.8} -layer metal3 -adjustment 0.13",
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
            &RegionOptions {
                max_adjust: 0.3,
                top: 0.25,
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
            placement(Rect::new(500, 500, 5000, 5000), Rect::new(0, 0, 2000, 1999), 1000),
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
        let o = |max_adjust, top| RegionOptions { max_adjust, top };
        assert!(matches!(
            regions(&[1.0], &g, die, &o(0.5, 0.1)),
            Err(RegionError::MapSize { .. })
        ));
        assert!(matches!(
            regions(&[1.0, 0.0], &g, die, &o(1.5, 0.1)),
            Err(RegionError::MaxAdjust(_))
        ));
        assert!(matches!(
            regions(&[1.0, 0.0], &g, die, &o(0.5, 0.0)),
            Err(RegionError::Top(_))
        ));
        assert!(matches!(
            regions(&[f32::NAN, 0.0], &g, die, &o(0.5, 0.5)),
            Err(RegionError::NotFinite { col: 0, row: 0 })
        ));
    }
}
