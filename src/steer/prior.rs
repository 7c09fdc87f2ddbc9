//! Steering mode `prior`: a per-GCell hotspot map becomes the built-in router's starting
//! congestion cost ([`crate::route::Prior`]), so the pattern stage already routes around the
//! predicted hotspots and negotiation starts from there.
//!
//! A GCell's cost is `weight × max(0, value − threshold)`, in units of one GCell edge of wire, on
//! both directions (a prediction is one map, H plus V). OpenROAD exposes no cost map, so this mode
//! has no Tcl form.

use crate::route::Prior;

/// How a map becomes router cost.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct PriorSettings {
    /// Cost, in GCell edges of wire, of one unit of the map above the threshold.
    pub weight: f32,
    /// Map values at or below this cost nothing.
    pub threshold: f32,
    /// Keep the prior through rip-up and reroute (otherwise the pattern stage only).
    pub stays: bool,
}

impl Default for PriorSettings {
    /// The setting chosen with the oracle (docs/results/steering.md).
    fn default() -> Self {
        PriorSettings {
            weight: 2.0,
            threshold: 0.0,
            stays: true,
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

/// The router prior of `map` (`[ny * nx]`, row 0 at the bottom). Non-finite values count as 0.
pub fn prior(map: &[f32], nx: usize, ny: usize, s: &PriorSettings) -> Result<Prior, PriorError> {
    if map.len() != nx * ny {
        return Err(PriorError::Shape {
            len: map.len(),
            nx,
            ny,
        });
    }
    if !(s.weight.is_finite() && s.weight >= 0.0) {
        return Err(PriorError::BadWeight(s.weight));
    }
    let cost: Vec<f32> = map
        .iter()
        .map(|&v| {
            if v.is_finite() {
                s.weight * (v - s.threshold).max(0.0)
            } else {
                0.0
            }
        })
        .collect();
    Ok(Prior {
        nx,
        ny,
        h: cost.clone(),
        v: cost,
        stays: s.stays,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cost_is_the_weighted_excess_over_the_threshold() {
        let s = PriorSettings {
            weight: 4.0,
            threshold: 0.25,
            stays: false,
        };
        let p = prior(&[0.0, 0.5, 1.25, f32::NAN], 2, 2, &s).unwrap();
        assert_eq!(p.h, [0.0, 1.0, 4.0, 0.0]);
        assert_eq!(p.h, p.v);
        assert!(!p.stays);
        assert!(prior(&[0.0; 3], 2, 2, &s).is_err());
    }
}
