//! The `mpgd` command line (being written).
