//! Global router with OpenROAD's capacity model: the judge of overflow and the source of labels.
//!
//! (Being written.) `grid` holds the GCell grid shared with `features`.

pub mod grid;
