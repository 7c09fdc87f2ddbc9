//! Steering mode `prior`: a per-GCell hotspot map becomes the built-in router's starting
//! congestion cost ([`crate::route::Prior`]), so the pattern stage already routes around the
//! predicted hotspots and negotiation starts from there.
//!
//! A GCell's cost is `weight × max(0, value − threshold)`, in units of one GCell edge of wire, on
//! both directions (a prediction is one map, H plus V; [`prior_hv`] takes one map per direction).
//! Optionally the cost is spread to the GCells within `dilate` of each (the largest cost
//! around), or put on that ring only, and nets whose box holds a costed GCell are routed first or
//! last. OpenROAD exposes no cost map, so this mode has no Tcl form.

use crate::route::{NetOrder, Prior, PriorStage};

/// How a map becomes router cost.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct PriorSettings {
    /// Cost, in GCell edges of wire, of one unit of the map above the threshold.
    pub weight: f32,
    /// Map values at or below this cost nothing.
    pub threshold: f32,
    /// The routing stages the prior holds in: both (default), the pattern stage only, or
    /// rip-up and reroute only.
    pub stage: PriorStage,
    /// Spread each GCell's cost to the GCells up to this many away (the largest cost around).
    pub dilate: usize,
    /// With `dilate`: cost only on the ring around the costed GCells, none on them.
    pub ring: bool,
    /// Route the nets through costed GCells first, last, or in the router's own order.
    pub order: NetOrder,
    /// The map is predicted usage, reserved during the pattern stage ([`Prior::reserve`]).
    pub reserve: bool,
}

impl Default for PriorSettings {
    /// The setting chosen with the oracle (docs/results/steering.md).
    fn default() -> Self {
        PriorSettings {
            weight: 2.0,
            threshold: 0.0,
            stage: PriorStage::Both,
            dilate: 0,
            ring: false,
            order: NetOrder::Area,
            reserve: false,
        }
    }
}

/// A map that cannot become a prior.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum PriorError {
    #[error("the map holds {len} values, the grid {nx} x {ny} GCells")]
    Shape { len: usize, nx: usize, ny: usize },
    #[error("prior weight {0} is not a finite number >= 0")]
    BadWeight(f32),
}

/// The router prior of `map` (`[ny * nx]`, row 0 at the bottom), on both directions.
/// Non-finite values count as 0.
pub fn prior(map: &[f32], nx: usize, ny: usize, s: &PriorSettings) -> Result<Prior, PriorError> {
    prior_hv(map, map, nx, ny, s)
}

/// The router prior of one map per direction: `h` prices horizontal edges, `v` vertical ones.
pub fn prior_hv(
    h: &[f32],
    v: &[f32],
    nx: usize,
    ny: usize,
    s: &PriorSettings,
) -> Result<Prior, PriorError> {
    for m in [h, v] {
        if m.len() != nx * ny {
            return Err(PriorError::Shape {
                len: m.len(),
                nx,
                ny,
            });
        }
    }
    if !(s.weight.is_finite() && s.weight >= 0.0) {
        return Err(PriorError::BadWeight(s.weight));
    }
    Ok(Prior {
        nx,
        ny,
        h: cost(h, nx, ny, s),
        v: cost(v, nx, ny, s),
        stage: s.stage,
        order: s.order,
        reserve: s.reserve,
    })
}

/// One direction's cost per GCell: the weighted excess, then dilated (or made a ring).
fn cost(map: &[f32], nx: usize, ny: usize, s: &PriorSettings) -> Vec<f32> {
    let base: Vec<f32> = map
        .iter()
        .map(|&v| {
            if v.is_finite() {
                s.weight * (v - s.threshold).max(0.0)
            } else {
                0.0
            }
        })
        .collect();
    if s.dilate == 0 {
        return base;
    }
    let r = s.dilate;
    let mut out = vec![0f32; nx * ny];
    for y in 0..ny {
        for x in 0..nx {
            if s.ring && base[y * nx + x] > 0.0 {
                continue;
            }
            let mut m = 0f32;
            for yy in y.saturating_sub(r)..=(y + r).min(ny - 1) {
                for xx in x.saturating_sub(r)..=(x + r).min(nx - 1) {
                    m = m.max(base[yy * nx + xx]);
                }
            }
            out[y * nx + x] = m;
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cost_is_the_weighted_excess_over_the_threshold() {
        let s = PriorSettings {
            weight: 4.0,
            threshold: 0.25,
            stage: PriorStage::Pattern,
            ..PriorSettings::default()
        };
        let p = prior(&[0.0, 0.5, 1.25, f32::NAN], 2, 2, &s).unwrap();
        assert_eq!(p.h, [0.0, 1.0, 4.0, 0.0]);
        assert_eq!(p.h, p.v);
        assert_eq!(p.stage, PriorStage::Pattern);
        assert!(prior(&[0.0; 3], 2, 2, &s).is_err());
    }

    #[test]
    fn dilation_spreads_the_largest_cost_and_a_ring_leaves_the_centre_out() {
        // 3 x 3, cost 2 in the middle, 1 in a corner.
        let map = [1.0, 0.0, 0.0, 0.0, 2.0, 0.0, 0.0, 0.0, 0.0];
        let s = PriorSettings {
            weight: 1.0,
            dilate: 1,
            ..PriorSettings::default()
        };
        let p = prior(&map, 3, 3, &s).unwrap();
        assert_eq!(p.h, [2.0; 9]);
        let ring = PriorSettings { ring: true, ..s };
        let p = prior(&map, 3, 3, &ring).unwrap();
        assert_eq!(p.h, [0.0, 2.0, 2.0, 2.0, 0.0, 2.0, 2.0, 2.0, 2.0]);
    }

    #[test]
    fn one_map_per_direction_prices_each_direction_apart() {
        let s = PriorSettings {
            weight: 1.0,
            ..PriorSettings::default()
        };
        let p = prior_hv(&[1.0, 0.0], &[0.0, 3.0], 2, 1, &s).unwrap();
        assert_eq!((p.h, p.v), (vec![1.0, 0.0], vec![0.0, 3.0]));
        assert!(prior_hv(&[1.0], &[0.0, 3.0], 2, 1, &s).is_err());
    }
}
