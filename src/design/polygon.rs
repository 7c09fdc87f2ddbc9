//! Rectilinear polygons split into rectangles.
