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
    for j in 0..ny {
        for i in 0..nx {
            let (dx, dy) = (w * i as i64, h * j as i64);
            let p = |n: &str| format!("t{i}_{j}_{n}");
            let mv = |q: Point| Point::new(q.x + dx, q.y + dy);
            let mv_rect = |r: &Rect| r.translate(dx, dy);
            out.rows.extend(def.rows.iter().map(|r| {
                let mut r = r.clone();
                r.name = p(&r.name);
                r.origin = mv(r.origin);
                r
            }));
            out.components.extend(def.components.iter().map(|c| {
                let mut c = c.clone();
                c.name = p(&c.name);
                if c.status != crate::lefdef::def::PlacementStatus::Unplaced {
                    c.location = mv(c.location);
                }
                c
            }));
            if io == IoPins::Keep {
                out.pins.extend(def.pins.iter().map(|pin| {
                    let mut pin = pin.clone();
                    pin.name = p(&pin.name);
                    pin.net = if pin.special {
                        pin.net.clone()
                    } else {
                        p(&pin.net)
                    };
                    for port in &mut pin.ports {
                        if let Some((_, at, _)) = &mut port.placement {
                            *at = mv(*at);
                        }
                    }
                    pin
                }));
            }
            let rename = |c: &Connection| Connection {
                component: p(&c.component),
                pin: c.pin.clone(),
            };
            out.nets.extend(def.nets.iter().map(|n| {
                let mut n = n.clone();
                n.name = p(&n.name);
                n.connections = n
                    .connections
                    .iter()
                    .filter(|c| io == IoPins::Keep || !c.is_io())
                    .map(|c| {
                        if c.is_io() {
                            Connection {
                                component: "PIN".into(),
                                pin: p(&c.pin),
                            }
                        } else {
                            rename(c)
                        }
                    })
                    .collect();
                for wire in &mut n.wiring {
                    shift_wire(wire, dx, dy);
                }
                n
            }));
            for (k, s) in def.special_nets.iter().enumerate() {
                let t = &mut out.special_nets[k];
                t.connections.extend(
                    s.connections
                        .iter()
                        .filter(|c| c.component != "*" && !c.is_io())
                        .map(rename),
                );
                t.wiring.extend(s.wiring.iter().map(|wire| {
                    let mut wire = wire.clone();
                    shift_wire(&mut wire, dx, dy);
                    wire
                }));
                t.shapes
                    .extend(s.shapes.iter().map(|(l, r)| (l.clone(), mv_rect(r))));
            }
            out.blockages.extend(def.blockages.iter().map(|b| {
                let mut b = b.clone();
                b.rects.iter_mut().for_each(|r| *r = mv_rect(r));
                b.polygons.iter_mut().flatten().for_each(|q| *q = mv(*q));
                b
            }));
            out.regions.extend(def.regions.iter().map(|r| {
                let mut r = r.clone();
                r.name = p(&r.name);
                r.rects.iter_mut().for_each(|q| *q = mv_rect(q));
                r
            }));
            out.groups.extend(def.groups.iter().map(|g| {
                let mut g = g.clone();
                g.name = p(&g.name);
                g.members = g.members.iter().map(|m| p(m)).collect();
                g.region = g.region.as_deref().map(p);
                g
            }));
        }
    }
    out
}

fn shift_wire(w: &mut Wire, dx: i64, dy: i64) {
    for q in &mut w.points {
        *q = Point::new(q.x + dx, q.y + dy);
    }
    for (_, q) in &mut w.vias {
        *q = Point::new(q.x + dx, q.y + dy);
    }
}
