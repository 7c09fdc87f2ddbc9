//! Global router with OpenROAD's capacity model (being written).
