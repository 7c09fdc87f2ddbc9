//! Seeded placement perturbations that keep cells on their rows, to give the models real variety
//! of congestion from the few placed designs we have.
//!
//! * `swap`: exchanges the places (location and orientation) of randomly chosen pairs of movable
//!   standard cells with the same width and height, so the placement stays legal while nets
//!   stretch; `strength` is the fraction of movable cells touched.
//! * `pull`: picks a seeded centre and pulls movable cells within a radius toward it along their
//!   row (x only, snapped to the row's site step), piling cells up into a local hotspot the way a
//!   poor placement would; `strength` in (0, 1] is how far they move at the centre.
//!
//! Both edit the parsed DEF; the design is rebuilt from it, so pins and obstructions follow.

use super::rng::Rng;
use crate::design::{Design, MasterKind};
use crate::geom::Point;
use crate::lefdef::def::{Def, PlacementStatus};
use serde::Serialize;
use std::collections::BTreeMap;

/// A perturbation and its strength.
#[derive(Clone, Copy, Debug, PartialEq, Serialize)]
pub enum Perturbation {
    None,
    Swap { fraction: f64, seed: u64 },
    Pull { strength: f64, seed: u64 },
}

impl Perturbation {
    /// The same perturbation drawn with `seed`.
    pub fn with_seed(self, seed: u64) -> Perturbation {
        match self {
            Perturbation::None => Perturbation::None,
            Perturbation::Swap { fraction, .. } => Perturbation::Swap { fraction, seed },
            Perturbation::Pull { strength, .. } => Perturbation::Pull { strength, seed },
        }
    }

    /// A short label for sample ids: `none`, `swap0.20s1`, `pull0.50s2`.
    pub fn label(&self) -> String {
        match self {
            Perturbation::None => "none".into(),
            Perturbation::Swap { fraction, seed } => format!("swap{fraction:.2}s{seed}"),
            Perturbation::Pull { strength, seed } => format!("pull{strength:.2}s{seed}"),
        }
    }
}

/// A perturbation spec as the dataset config and `mpgd compare --perturb` write it: `none`,
/// `swap:F` or `pull:F` with F in (0, 1]; `seed` picks the cells and the pull's centre.
pub fn parse(spec: &str, seed: u64) -> Result<Perturbation, String> {
    let (kind, value) = spec.split_once(':').unwrap_or((spec, ""));
    let strength = || -> Result<f64, String> {
        let s: f64 = value
            .parse()
            .map_err(|_| format!("perturbation '{spec}' needs a strength, e.g. '{kind}:0.3'"))?;
        if s > 0.0 && s <= 1.0 {
            Ok(s)
        } else {
            Err(format!("perturbation '{spec}': strength must be in (0, 1]"))
        }
    };
    match kind {
        "none" => Ok(Perturbation::None),
        "swap" => Ok(Perturbation::Swap {
            fraction: strength()?,
            seed,
        }),
        "pull" => Ok(Perturbation::Pull {
            strength: strength()?,
            seed,
        }),
        other => Err(format!(
            "unknown perturbation '{other}' (none, swap:F, pull:F)"
        )),
    }
}

/// Movable standard cells: placed (not fixed), core logic, non-zero size.
fn movable(design: &Design, def: &Def) -> Vec<usize> {
    def.components
        .iter()
        .enumerate()
        .filter(|(i, c)| {
            let m = &design.masters[design.instances[*i].master as usize];
            c.status == PlacementStatus::Placed && m.kind == MasterKind::Core && m.width > 0
        })
        .map(|(i, _)| i)
        .collect()
}

/// Applies `p` to `def`, whose components are those of `design` in the same order.
pub fn apply(p: Perturbation, design: &Design, def: &mut Def) {
    match p {
        Perturbation::None => {}
        Perturbation::Swap { fraction, seed } => swap(design, def, fraction, seed),
        Perturbation::Pull { strength, seed } => pull(design, def, strength, seed),
    }
}

fn swap(design: &Design, def: &mut Def, fraction: f64, seed: u64) {
    let mut rng = Rng::derive(seed, "swap");
    let mut groups: BTreeMap<(i64, i64), Vec<usize>> = BTreeMap::new();
    for i in movable(design, def) {
        let m = &design.masters[design.instances[i].master as usize];
        groups.entry((m.width, m.height)).or_default().push(i);
    }
    for members in groups.values() {
        if members.len() < 2 {
            continue;
        }
        let pairs = ((members.len() as f64 * fraction) / 2.0).round() as usize;
        for _ in 0..pairs {
            let a = members[rng.below(members.len())];
            let b = members[rng.below(members.len())];
            if a == b {
                continue;
            }
            let (la, oa) = (def.components[a].location, def.components[a].orient);
            let (lb, ob) = (def.components[b].location, def.components[b].orient);
            def.components[a].location = lb;
            def.components[a].orient = ob;
            def.components[b].location = la;
            def.components[b].orient = oa;
        }
    }
}

fn pull(design: &Design, def: &mut Def, strength: f64, seed: u64) {
    let mut rng = Rng::derive(seed, "pull");
    let core = design.core;
    let radius = 0.25 * core.width().min(core.height()) as f64;
    let cx = core.lo.x as f64 + radius + rng.unit() * (core.width() as f64 - 2.0 * radius).max(0.0);
    let cy =
        core.lo.y as f64 + radius + rng.unit() * (core.height() as f64 - 2.0 * radius).max(0.0);
    let strength = strength.clamp(0.0, 1.0);
    // The row of each y, for the site step and the row's extent.
    let row_of = |y: i64| design.rows.iter().find(|r| r.origin.y == y);
    for i in movable(design, def) {
        let c = &def.components[i];
        let w = design.instances[i].bbox.width();
        let (x, y) = (c.location.x as f64 + w as f64 / 2.0, c.location.y as f64);
        let d = ((x - cx).powi(2) + (y - cy).powi(2)).sqrt();
        if d >= radius {
            continue;
        }
        let Some(row) = row_of(c.location.y) else {
            continue;
        };
        let step = row.step_x.max(1);
        let dx = (cx - x) * strength * (1.0 - d / radius);
        let target = c.location.x as f64 + dx;
        let snapped =
            row.origin.x + ((target - row.origin.x as f64) / step as f64).round() as i64 * step;
        let x_new = snapped.clamp(row.bbox.lo.x, (row.bbox.hi.x - w).max(row.bbox.lo.x));
        def.components[i].location = Point::new(x_new, c.location.y);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn specs_parse_as_the_dataset_config_writes_them_and_bad_ones_say_why() {
        assert_eq!(parse("none", 7), Ok(Perturbation::None));
        assert_eq!(
            parse("swap:0.05", 3),
            Ok(Perturbation::Swap {
                fraction: 0.05,
                seed: 3
            })
        );
        assert_eq!(
            parse("pull:0.7", 0).map(|p| p.with_seed(9)),
            Ok(Perturbation::Pull {
                strength: 0.7,
                seed: 9
            })
        );
        for (spec, why) in [
            ("swap", "needs a strength"),
            ("swap:x", "needs a strength"),
            ("pull:0", "strength must be in (0, 1]"),
            ("pull:1.5", "strength must be in (0, 1]"),
            ("shake:0.1", "unknown perturbation 'shake'"),
        ] {
            let e = parse(spec, 0).unwrap_err();
            assert!(e.contains(why), "{spec}: {e}");
        }
    }
}
