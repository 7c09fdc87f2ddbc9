//! Heat-map PNGs of feature maps (being written).
