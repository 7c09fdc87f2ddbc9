//! DEF writer (stub: being written).
use super::Def;

/// Writes `def` as DEF text.
pub fn write(_def: &Def, _out: &mut String) {}
