//! Tiling: a larger placed design made from a real one, for measuring how mpgd scales.
//!
//! There is no real 100k-net design among our fixtures, so scale is measured on copies of a real
//! placement laid side by side: tile `(i, j)` is the original shifted by `(i·W, j·H)` (W, H the
//! die size), with every component, net, row, region and group renamed `t{i}_{j}_<name>`.
//! Special nets keep their names (one VDD for the whole die) and gather the wiring of every tile.
//! IO pins are dropped (their net connections too) or kept, renamed and shifted, per tile.
//! Tracks are extended to cover the new die; a DEF GCELLGRID is dropped (routers choose their own).

use crate::geom::{Point, Rect};
use crate::lefdef::def::{Connection, Def, Tracks, Wire};

/// What to do with the IO pins of each tile.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, clap::ValueEnum)]
pub enum IoPins {
    /// Remove IO pins and their connections (the tiled design has no IO).
    #[default]
    Drop,
    /// Keep every tile's IO pins, renamed and shifted like the rest.
    Keep,
}

/// Tiles `def` `nx` times along x and `ny` times along y.
pub fn tile(def: &Def, nx: usize, ny: usize, io: IoPins) -> Def {
    let nx = nx.max(1);
    let ny = ny.max(1);
    let die = Rect::bounding(def.die_area.iter().copied()).unwrap_or_default();
    let mut out = tiled_shell(def, die, nx, ny);
    for j in 0..ny {
        for i in 0..nx {
            let tile = Tile {
                prefix: format!("t{i}_{j}_"),
                dx: die.width() * i as i64,
                dy: die.height() * j as i64,
            };
            tile.add_rows_and_components(def, &mut out);
            if io == IoPins::Keep {
                tile.add_io_pins(def, &mut out);
            }
            tile.add_nets(def, io, &mut out);
            tile.add_power_wiring(def, &mut out);
            tile.add_blockages_regions_groups(def, &mut out);
        }
    }
    out
}

/// The tiled design before any tile is added: header, the grown die, tracks stretched over it,
/// and the special nets with their global (`*`) connections only.
fn tiled_shell(def: &Def, die: Rect, nx: usize, ny: usize) -> Def {
    let (w, h) = (die.width(), die.height());
    let mut out = Def {
        version: def.version.clone(),
        divider_char: def.divider_char.clone(),
        bus_bit_chars: def.bus_bit_chars.clone(),
        design: format!("{}_tiled_{nx}x{ny}", def.design),
        dbu_per_micron: def.dbu_per_micron,
        die_area: vec![
            die.lo,
            Point::new(die.lo.x + w * nx as i64, die.lo.y + h * ny as i64),
        ],
        vias: def.vias.clone(),
        ndrs: def.ndrs.clone(),
        ..Def::default()
    };
    out.tracks = def
        .tracks
        .iter()
        .map(|t| {
            let span = match t.axis {
                crate::lefdef::def::Axis::X => w * (nx as i64 - 1),
                crate::lefdef::def::Axis::Y => h * (ny as i64 - 1),
            };
            let extra = if t.step > 0 { span / t.step } else { 0 };
            Tracks {
                num: t.num + extra,
                ..t.clone()
            }
        })
        .collect();
    out.special_nets = def
        .special_nets
        .iter()
        .map(|s| {
            let mut s = s.clone();
            s.wiring.clear();
            s.shapes.clear();
            s.connections.retain(|c| c.component == "*");
            s
        })
        .collect();
    out
}

/// One tile: its name prefix (`t{i}_{j}_`) and its shift.
struct Tile {
    prefix: String,
    dx: i64,
    dy: i64,
}

impl Tile {
    fn name(&self, n: &str) -> String {
        format!("{}{n}", self.prefix)
    }

    fn point(&self, q: Point) -> Point {
        Point::new(q.x + self.dx, q.y + self.dy)
    }

    fn rect(&self, r: &Rect) -> Rect {
        r.translate(self.dx, self.dy)
    }

    fn component_pin(&self, c: &Connection) -> Connection {
        Connection {
            component: self.name(&c.component),
            pin: c.pin.clone(),
        }
    }

    fn add_rows_and_components(&self, def: &Def, out: &mut Def) {
        out.rows.extend(def.rows.iter().map(|r| {
            let mut r = r.clone();
            r.name = self.name(&r.name);
            r.origin = self.point(r.origin);
            r
        }));
        out.components.extend(def.components.iter().map(|c| {
            let mut c = c.clone();
            c.name = self.name(&c.name);
            if c.status != crate::lefdef::def::PlacementStatus::Unplaced {
                c.location = self.point(c.location);
            }
            c
        }));
    }

    /// IO pins renamed and shifted; a special pin keeps its (global) net.
    fn add_io_pins(&self, def: &Def, out: &mut Def) {
        out.pins.extend(def.pins.iter().map(|pin| {
            let mut pin = pin.clone();
            pin.name = self.name(&pin.name);
            if !pin.special {
                pin.net = self.name(&pin.net);
            }
            for port in &mut pin.ports {
                if let Some((_, at, _)) = &mut port.placement {
                    *at = self.point(*at);
                }
            }
            pin
        }));
    }

    /// Nets renamed, their connections to this tile's components and (if kept) IO pins, their
    /// wiring shifted.
    fn add_nets(&self, def: &Def, io: IoPins, out: &mut Def) {
        out.nets.extend(def.nets.iter().map(|n| {
            let mut n = n.clone();
            n.name = self.name(&n.name);
            n.connections = n
                .connections
                .iter()
                .filter(|c| io == IoPins::Keep || !c.is_io())
                .map(|c| {
                    if c.is_io() {
                        Connection {
                            component: "PIN".into(),
                            pin: self.name(&c.pin),
                        }
                    } else {
                        self.component_pin(c)
                    }
                })
                .collect();
            for wire in &mut n.wiring {
                shift_wire(wire, self.dx, self.dy);
            }
            n
        }));
    }

    /// This tile's connections, wiring and shapes added to the shared special nets.
    fn add_power_wiring(&self, def: &Def, out: &mut Def) {
        for (s, t) in def.special_nets.iter().zip(&mut out.special_nets) {
            t.connections.extend(
                s.connections
                    .iter()
                    .filter(|c| c.component != "*" && !c.is_io())
                    .map(|c| self.component_pin(c)),
            );
            t.wiring.extend(s.wiring.iter().map(|wire| {
                let mut wire = wire.clone();
                shift_wire(&mut wire, self.dx, self.dy);
                wire
            }));
            t.shapes
                .extend(s.shapes.iter().map(|(l, r)| (l.clone(), self.rect(r))));
        }
    }

    fn add_blockages_regions_groups(&self, def: &Def, out: &mut Def) {
        out.blockages.extend(def.blockages.iter().map(|b| {
            let mut b = b.clone();
            b.rects.iter_mut().for_each(|r| *r = self.rect(r));
            b.polygons
                .iter_mut()
                .flatten()
                .for_each(|q| *q = self.point(*q));
            b
        }));
        out.regions.extend(def.regions.iter().map(|r| {
            let mut r = r.clone();
            r.name = self.name(&r.name);
            r.rects.iter_mut().for_each(|q| *q = self.rect(q));
            r
        }));
        out.groups.extend(def.groups.iter().map(|g| {
            let mut g = g.clone();
            g.name = self.name(&g.name);
            g.members = g.members.iter().map(|m| self.name(m)).collect();
            g.region = g.region.as_deref().map(|r| self.name(r));
            g
        }));
    }
}

fn shift_wire(w: &mut Wire, dx: i64, dy: i64) {
    for q in &mut w.points {
        *q = Point::new(q.x + dx, q.y + dy);
    }
    for (_, q) in &mut w.vias {
        *q = Point::new(q.x + dx, q.y + dy);
    }
}
