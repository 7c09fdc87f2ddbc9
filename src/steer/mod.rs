//! Steering: a per-GCell hotspot map (predicted, or the oracle's true congestion) turned into
//! what changes the flow that follows.
//!
//! This module takes a map, never a model: `model` predicts, `steer` decides what to do with the
//! prediction. [`hotspots`] picks the GCells to act on and writes them in the `--steer` CSV
//! format of `mpgd route` (docs/router.md). The steering modes (region adjustments, a routing
//! cost prior, placement padding) build on that selection: [`prior`] turns a map into the built-in
//! router's starting congestion cost, [`padding`] pads the cells in hotspots and re-legalises
//! them with [`legalise`], and [`compare`] routes one placement unsteered and steered by RUDY,
//! the oracle and any given maps (`mpgd compare`, `mpgd demo`);
//! [`region`] merges the hotspots into rectangles and writes them as OpenROAD region adjustments
//! (`set_global_routing_region_adjustment`), the form `mpgd::emit_steering -mode region` returns.

pub mod compare;
pub mod hotspots;
pub mod legalise;
pub mod padding;
pub mod prior;
pub mod region;

pub use hotspots::{Hotspot, Selection};
