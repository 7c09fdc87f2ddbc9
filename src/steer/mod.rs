//! Steering: a per-GCell hotspot map (predicted, or the oracle's true congestion) turned into
//! what changes the flow that follows.
//!
//! This module takes a map, never a model: `model` predicts, `steer` decides what to do with the
//! prediction. [`hotspots`] picks the GCells to act on and writes them in the `--steer` CSV
//! format of `mpgd route` (docs/router.md). The steering modes (region adjustments, a routing
//! cost prior, placement padding) build on that selection.

pub mod hotspots;

pub use hotspots::{Hotspot, Selection};
pub mod compare;
pub mod legalise;
pub mod padding;
pub mod prior;
