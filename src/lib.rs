//! mpgd: routing-congestion hotspot prediction for placed designs, trained by mini-pixel batch
//! gradient descent (MPGD), with its own global router as label source and overflow judge.
//!
//! The modules follow the data, and none reaches back up the chain:
//!
//! ```text
//! lefdef  -> design -> route -> (features, dataset, model, steer)
//!  files     one flat   capacity,     maps, samples, ...
//!            read-only  routing,
//!            database   reports
//! ```
//!
//! `cli` (the `mpgd` binary) and `tcl` (the Tcl extension `libmpgd.so`, with its C++ half in
//! `cpp/`) are thin edges on top; `measure` reads OpenROAD's routing reports.
//!
//! ```no_run
//! use mpgd::design::{Design, DesignInput};
//! let input = DesignInput::new(vec!["tech.lef".into(), "cells.lef".into()], "top.def".into());
//! let design = Design::load(&input).unwrap();
//! println!("{} instances, {} nets", design.instances.len(), design.nets.len());
//! ```

pub mod cli;
pub mod dataset;
pub mod design;
pub mod features;
pub mod geom;
pub mod lefdef;
pub mod measure;
pub mod model;
pub mod npy;
pub mod output;
pub mod route;
pub mod steer;
pub mod tcl;
