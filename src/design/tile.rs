//! `mpgd tile`: a larger placed design made by tiling a real one (stub: being written).
