//! Steering: a congestion map (predicted or known) becomes instructions that make a router avoid
//! its hotspots. Each mode has an OpenROAD form (Tcl commands) and a built-in form (the router's
//! configuration). This module owns the geometry of that translation; it reads a map and a grid,
//! never a model or a file.
//!
//! * [`region`]: hotspot rectangles as `set_global_routing_region_adjustment` commands (and the
//!   same rectangles as [`crate::route::RegionAdjustment`]s for the built-in router).

pub mod region;
