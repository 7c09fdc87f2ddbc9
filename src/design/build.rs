//! Building the design model from parsed LEF and DEF (stub: being written).
use super::{Design, DesignInput, Error};

/// What to do about a component whose master no LEF defines.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum MissingMasters {
    /// Stop with an error naming the master and the component.
    #[default]
    Error,
    /// Keep the component as a zero-size black box and record a warning.
    Warn,
}

#[derive(Clone, Copy, Debug, Default)]
pub struct BuildOptions {
    pub missing_masters: MissingMasters,
}

pub fn load(input: &DesignInput) -> Result<Design, Error> {
    Err(Error::Resolve { file: input.def.clone(), message: "not written yet".into() })
}
