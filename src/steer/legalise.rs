//! A row-based legaliser and a legality checker for standard-cell placements.
//!
//! [`legalise`] moves the movable cells (status `PLACED`, class `CORE`, one row high) of a
//! design, each inside a row segment (a stretch of a row between fixed cells, macros and
//! placement blockages), so that no two cells overlap and every cell sits on a site, while
//! keeping each cell as close as it can to where it was (Abacus, Spindler et al. 2008:
//! clusters placed at their mean target position, merged while they overlap; sites as the unit).
//! A cell goes to the nearest row of its height (as OpenROAD's `detailed_placement`, so a global
//! placement, off the rows and sites, is legalised too), and there to the segment it overlaps
//! most, or the nearest one where it lies on a fixed cell or a blockage. Cells may ask for
//! padding (free sites left and right, as OpenROAD's `set_placement_padding`): padding counts as
//! part of the cell while legalising. Padding is taken back, uniformly within a segment, where a
//! segment cannot hold it. Orientation, fixed cells and macros never change (a cell moved to
//! another row keeps its orientation). Deterministic: cells are processed in (row, x, index)
//! order.
//!
//! [`check`] lists what makes a placement illegal: movable cells off the sites of a row, and
//! overlapping cells.

use crate::design::{Design, Instance, MasterKind, ObstructionSource};
use crate::geom::{Dbu, Point, Rect, Transform};
use crate::lefdef::def::PlacementStatus;

/// Padding of one instance, in sites.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Padding {
    pub left: u32,
    pub right: u32,
}

/// What the legaliser did.
#[derive(Clone, Debug, PartialEq)]
pub struct Legalised {
    /// New lower-left corner per instance (unchanged for cells that do not move).
    pub locations: Vec<Point>,
    /// Mean and largest displacement (Manhattan) of the movable cells, µm.
    pub mean_displacement_um: f64,
    pub max_displacement_um: f64,
    /// Cells that moved.
    pub moved: usize,
    /// Cells whose padding was reduced because their segment could not hold it.
    pub padding_reduced: usize,
    /// Filler cells (class `CORE SPACER`, not fixed), taken out: they only fill empty sites, and
    /// a flow puts them back after legalising.
    pub removed: Vec<usize>,
}

/// A placement the legaliser cannot handle.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum LegaliseError {
    #[error("padding list has {got} entries for {want} instances")]
    PaddingLength { got: usize, want: usize },
    #[error("instance '{name}' does not lie in any free stretch of its row")]
    NoSegment { name: String },
    #[error("the cells of a segment of row at y = {y} DBU are wider than the segment")]
    Overfull { y: Dbu },
}

/// One thing wrong with a placement.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Violation {
    /// A movable cell not on a row's site grid (or outside every row).
    OffSite { inst: String },
    /// Two cells overlap.
    Overlap { a: String, b: String },
}

/// A row of sites: y, site width and the x extent.
#[derive(Clone, Copy, Debug)]
struct SiteRow {
    y: Dbu,
    height: Dbu,
    x0: Dbu,
    step: Dbu,
    n: i64,
}

fn site_rows(d: &Design) -> Vec<SiteRow> {
    let mut out = Vec::new();
    for r in &d.rows {
        let ny = r.num_y.max(1);
        for j in 0..ny {
            let y = r.origin.y + j * r.step_y;
            let height = if r.num_y > 1 {
                r.step_y
            } else {
                r.bbox.height()
            };
            out.push(SiteRow {
                y,
                height,
                x0: r.origin.x,
                step: r.step_x.max(1),
                n: if r.num_y > 1 { r.num_x } else { r.num_x.max(1) },
            });
        }
    }
    out.sort_by_key(|r| (r.y, r.x0));
    out
}

/// True for a filler the legaliser takes out: class `CORE SPACER`, not fixed.
fn is_filler(d: &Design, inst: &Instance) -> bool {
    inst.status == PlacementStatus::Placed
        && d.masters[inst.master as usize]
            .class
            .as_deref()
            .is_some_and(|c| c.to_ascii_uppercase().contains("SPACER"))
}

/// The row of an instance the legaliser may move (placed, not fixed; a core cell; one row high,
/// overlapping a row in x); `None` for the others. As OpenROAD's `detailed_placement`, a cell
/// off the rows (a global placement) goes to the nearest row of its height (ties: the lower).
fn movable(d: &Design, inst: &Instance, rows: &[SiteRow]) -> Option<usize> {
    let m = &d.masters[inst.master as usize];
    if inst.status != PlacementStatus::Placed || m.kind != MasterKind::Core || m.missing {
        return None;
    }
    rows.iter()
        .enumerate()
        .filter(|(_, r)| {
            r.height == inst.bbox.height()
                && inst.bbox.lo.x < r.x0 + r.n * r.step
                && inst.bbox.hi.x > r.x0
        })
        .min_by_key(|(k, r)| ((r.y - inst.bbox.lo.y).abs(), r.y, *k))
        .map(|(k, _)| k)
}

/// A free stretch of a row, in sites `[lo, hi)`.
#[derive(Clone, Copy, Debug)]
struct Segment {
    row: usize,
    lo: i64,
    hi: i64,
}

/// The free stretches of every row: the row minus fixed instances and placement blockages.
fn segments(d: &Design, rows: &[SiteRow], is_movable: &[Option<usize>]) -> Vec<Segment> {
    let mut blocked: Vec<Vec<(i64, i64)>> = vec![Vec::new(); rows.len()];
    let mut block = |rect: &Rect| {
        for (k, r) in rows.iter().enumerate() {
            if rect.lo.y < r.y + r.height && rect.hi.y > r.y {
                let lo = (rect.lo.x - r.x0).div_euclid(r.step);
                let hi = (rect.hi.x - r.x0 + r.step - 1).div_euclid(r.step);
                if hi > 0 && lo < r.n {
                    blocked[k].push((lo.max(0), hi.min(r.n)));
                }
            }
        }
    };
    for (i, inst) in d.instances.iter().enumerate() {
        if is_movable[i].is_none()
            && inst.status != PlacementStatus::Unplaced
            && !is_filler(d, inst)
        {
            block(&inst.bbox);
        }
    }
    for b in &d.placement_blockages {
        block(b);
    }
    let mut out = Vec::new();
    for (k, r) in rows.iter().enumerate() {
        let b = &mut blocked[k];
        b.sort_unstable();
        let mut at = 0;
        for &(lo, hi) in b.iter() {
            if lo > at {
                out.push(Segment {
                    row: k,
                    lo: at,
                    hi: lo,
                });
            }
            at = at.max(hi);
        }
        if at < r.n {
            out.push(Segment {
                row: k,
                lo: at,
                hi: r.n,
            });
        }
    }
    out
}

/// A cell of a segment: instance, target position and width in sites, left padding.
#[derive(Clone, Copy, Debug)]
struct Cell {
    inst: usize,
    target: f64,
    width: i64,
    pad_left: i64,
}

/// Abacus on one segment: left edges (sites, footprint incl. padding) minimising the squared
/// displacement with cells kept in order.
fn abacus(cells: &[Cell], lo: i64, hi: i64) -> Vec<i64> {
    // Clusters: (first cell, total width, sum of targets minus offsets, count, position).
    struct Cl {
        first: usize,
        width: i64,
        q: f64,
        n: f64,
        x: i64,
    }
    let place = |c: &Cl| -> i64 {
        let x = (c.q / c.n).round() as i64;
        x.clamp(lo, (hi - c.width).max(lo))
    };
    let mut cls: Vec<Cl> = Vec::new();
    for (i, c) in cells.iter().enumerate() {
        let mut cl = Cl {
            first: i,
            width: c.width,
            q: c.target,
            n: 1.0,
            x: 0,
        };
        cl.x = place(&cl);
        while let Some(prev) = cls.last() {
            if prev.x + prev.width <= cl.x {
                break;
            }
            let Some(prev) = cls.pop() else { break };
            cl = Cl {
                first: prev.first,
                q: prev.q + cl.q - cl.n * prev.width as f64,
                n: prev.n + cl.n,
                width: prev.width + cl.width,
                x: 0,
            };
            cl.x = place(&cl);
        }
        cls.push(cl);
    }
    let mut out = vec![0; cells.len()];
    for (k, cl) in cls.iter().enumerate() {
        let end = cls.get(k + 1).map_or(cells.len(), |n| n.first);
        let mut x = cl.x;
        for (i, c) in cells.iter().enumerate().take(end).skip(cl.first) {
            out[i] = x;
            x += c.width;
        }
    }
    out
}

/// Legalises the placement of `d` with per-instance `padding` (sites; empty for none).
pub fn legalise(d: &Design, padding: &[Padding]) -> Result<Legalised, LegaliseError> {
    if !padding.is_empty() && padding.len() != d.instances.len() {
        return Err(LegaliseError::PaddingLength {
            got: padding.len(),
            want: d.instances.len(),
        });
    }
    let rows = site_rows(d);
    let is_movable: Vec<Option<usize>> = d.instances.iter().map(|i| movable(d, i, &rows)).collect();
    let segs = segments(d, &rows, &is_movable);
    let members = segment_members(d, &rows, &segs, &is_movable)?;
    let mut locations: Vec<Point> = d.instances.iter().map(|i| i.location).collect();
    let mut padding_reduced = 0;
    for (s, ids) in segs.iter().zip(members) {
        if !ids.is_empty() {
            padding_reduced += place_segment(d, rows[s.row], s, ids, padding, &mut locations)?;
        }
    }
    Ok(summarise(d, &is_movable, locations, padding_reduced))
}

/// The movable cells of each segment: a cell goes to the segment of its row that it overlaps
/// most; one inside a blocked stretch (on a fixed cell or a blockage) to the nearest segment of
/// its row.
fn segment_members(
    d: &Design,
    rows: &[SiteRow],
    segs: &[Segment],
    is_movable: &[Option<usize>],
) -> Result<Vec<Vec<usize>>, LegaliseError> {
    let mut members: Vec<Vec<usize>> = vec![Vec::new(); segs.len()];
    for (i, inst) in d.instances.iter().enumerate() {
        let Some(k) = is_movable[i] else { continue };
        let r = rows[k];
        let (a, b) = (
            (inst.bbox.lo.x - r.x0) as f64 / r.step as f64,
            (inst.bbox.hi.x - r.x0) as f64 / r.step as f64,
        );
        let best = segs
            .iter()
            .enumerate()
            .filter(|(_, s)| s.row == k)
            .map(|(j, s)| (j, b.min(s.hi as f64) - a.max(s.lo as f64)))
            .max_by(|x, y| x.1.total_cmp(&y.1).then(y.0.cmp(&x.0)));
        match best {
            Some((j, _)) => members[j].push(i),
            None => {
                return Err(LegaliseError::NoSegment {
                    name: inst.name.clone(),
                })
            }
        }
    }
    Ok(members)
}

/// Places one segment's cells (Abacus) with their padding, scaled down uniformly where the
/// segment cannot hold all of it; writes their new locations and returns how many cells got
/// less padding than asked.
fn place_segment(
    d: &Design,
    r: SiteRow,
    s: &Segment,
    mut ids: Vec<usize>,
    padding: &[Padding],
    locations: &mut [Point],
) -> Result<usize, LegaliseError> {
    ids.sort_by_key(|&i| (d.instances[i].bbox.lo.x, i));
    let sites = |i: usize| (d.instances[i].bbox.width() + r.step - 1) / r.step;
    let bare: i64 = ids.iter().map(|&i| sites(i)).sum();
    let room = s.hi - s.lo;
    if bare > room {
        return Err(LegaliseError::Overfull { y: r.y });
    }
    let pad = |i: usize| padding.get(i).copied().unwrap_or_default();
    let wanted: i64 = ids
        .iter()
        .map(|&i| (pad(i).left + pad(i).right) as i64)
        .sum();
    let scale = if bare + wanted <= room || wanted == 0 {
        1.0
    } else {
        (room - bare) as f64 / wanted as f64
    };
    let mut reduced = 0;
    let cells: Vec<Cell> = ids
        .iter()
        .map(|&i| {
            let p = pad(i);
            let (l, rr) = (
                (p.left as f64 * scale).floor() as i64,
                (p.right as f64 * scale).floor() as i64,
            );
            if (l, rr) != (p.left as i64, p.right as i64) {
                reduced += 1;
            }
            let x = (d.instances[i].bbox.lo.x - r.x0) as f64 / r.step as f64;
            Cell {
                inst: i,
                target: x - l as f64,
                width: sites(i) + l + rr,
                pad_left: l,
            }
        })
        .collect();
    let xs = abacus(&cells, s.lo, s.hi);
    for (c, x) in cells.iter().zip(xs) {
        locations[c.inst] = Point::new(r.x0 + (x + c.pad_left) * r.step, r.y);
    }
    Ok(reduced)
}

/// The result with its displacement statistics (Manhattan, µm, over the movable cells).
fn summarise(
    d: &Design,
    is_movable: &[Option<usize>],
    locations: Vec<Point>,
    padding_reduced: usize,
) -> Legalised {
    let moves: Vec<f64> = (0..d.instances.len())
        .filter(|&i| is_movable[i].is_some())
        .map(|i| {
            let (new, old) = (locations[i], d.instances[i].location);
            d.um((new.x - old.x).abs() + (new.y - old.y).abs())
        })
        .collect();
    Legalised {
        moved: (0..d.instances.len())
            .filter(|&i| locations[i] != d.instances[i].location)
            .count(),
        mean_displacement_um: if moves.is_empty() {
            0.0
        } else {
            moves.iter().sum::<f64>() / moves.len() as f64
        },
        max_displacement_um: moves.iter().copied().fold(0.0, f64::max),
        locations,
        padding_reduced,
        removed: (0..d.instances.len())
            .filter(|&i| is_filler(d, &d.instances[i]))
            .collect(),
    }
}

/// `d` after legalising: instances moved as [`moved`], fillers taken out (left unplaced).
pub fn apply(d: &Design, l: &Legalised) -> Design {
    let mut out = moved(d, &l.locations);
    for &i in &l.removed {
        out.instances[i].status = PlacementStatus::Unplaced;
    }
    out
}

/// `d` with its instances at `locations`: boxes and macro obstructions follow.
pub fn moved(d: &Design, locations: &[Point]) -> Design {
    let mut out = d.clone();
    for (inst, &at) in out.instances.iter_mut().zip(locations) {
        if inst.location == at {
            continue;
        }
        let m = &d.masters[inst.master as usize];
        inst.location = at;
        inst.bbox = Transform::new(at, inst.orient, m.width, m.height).placed_box();
    }
    for obs in out.obstructions.iter_mut() {
        obs.retain(|o| o.source != ObstructionSource::MacroObs);
    }
    for inst in &out.instances {
        let m = &d.masters[inst.master as usize];
        let t = Transform::new(inst.location, inst.orient, m.width, m.height);
        for (l, r) in &m.obs {
            out.obstructions[*l as usize].push(crate::design::Obstruction {
                rect: t.apply_rect(r),
                source: ObstructionSource::MacroObs,
            });
        }
    }
    out
}

/// What makes the placement of `d` illegal: movable cells (as [`legalise`] defines them,
/// ignoring the row test) that are not on a row's site grid, and pairs of placed cells whose
/// boxes overlap. Empty for a legal placement.
pub fn check(d: &Design) -> Vec<Violation> {
    let rows = site_rows(d);
    let mut out = Vec::new();
    for inst in &d.instances {
        let m = &d.masters[inst.master as usize];
        if inst.status != PlacementStatus::Placed || m.kind != MasterKind::Core || m.missing {
            continue;
        }
        let on_site = rows.iter().any(|r| {
            r.y == inst.bbox.lo.y
                && (inst.bbox.lo.x - r.x0).rem_euclid(r.step) == 0
                && inst.bbox.lo.x >= r.x0
                && inst.bbox.hi.x <= r.x0 + r.n * r.step
        });
        if !on_site {
            out.push(Violation::OffSite {
                inst: inst.name.clone(),
            });
        }
    }
    // Overlaps: a sweep over x with the boxes sorted by their left edge.
    let mut boxes: Vec<(Rect, usize)> = d
        .instances
        .iter()
        .enumerate()
        .filter(|(_, i)| i.status != PlacementStatus::Unplaced && i.bbox.area() > 0)
        .map(|(k, i)| (i.bbox, k))
        .collect();
    boxes.sort_by_key(|&(b, k)| (b.lo.x, b.lo.y, k));
    let mut active: Vec<(Rect, usize)> = Vec::new();
    for &(b, k) in &boxes {
        active.retain(|(a, _)| a.hi.x > b.lo.x);
        for &(a, j) in &active {
            if a.lo.y < b.hi.y && b.lo.y < a.hi.y {
                out.push(Violation::Overlap {
                    a: d.instances[j].name.clone(),
                    b: d.instances[k].name.clone(),
                });
            }
        }
        active.push((b, k));
    }
    out
}
