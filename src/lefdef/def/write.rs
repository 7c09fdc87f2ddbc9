//! DEF writer: turns a [`Def`] back into DEF text that [`super::parse_with`] reads to an equal
//! value (with `keep_net_wiring` set, so regular-net wiring comes back too).
//!
//! Everything a `Def` holds is written; what the reader drops (extensions, masks, via arrays,
//! `+ SOURCE` of nets...) is not there to write. Points are written absolutely (no `*`). A net whose
//! wiring was skipped while reading (`has_wiring` without `wiring`) cannot say so in DEF and comes
//! back without `has_wiring`.

use super::{Axis, Def, PinPort, PlacementStatus, Wire};
use crate::geom::{Point, Rect};
use std::fmt::Write;

/// Writes `def` as DEF text, appending to `out`.
pub fn write(def: &Def, out: &mut String) {
    // Writing to a String cannot fail.
    let _ = write_def(def, out);
}

/// `def` as DEF text.
pub fn to_string(def: &Def) -> String {
    let mut s = String::with_capacity(64 * (def.components.len() + def.nets.len()) + 4096);
    write(def, &mut s);
    s
}

fn status(s: PlacementStatus) -> &'static str {
    match s {
        PlacementStatus::Unplaced => "UNPLACED",
        PlacementStatus::Placed => "PLACED",
        PlacementStatus::Fixed => "FIXED",
        PlacementStatus::Cover => "COVER",
    }
}

fn axis(a: Axis) -> &'static str {
    match a {
        Axis::X => "X",
        Axis::Y => "Y",
    }
}

/// Appends a decimal integer without going through `fmt` (points are most of a DEF's text).
fn int(out: &mut String, v: i64) {
    let mut buf = [0u8; 20];
    let mut i = buf.len();
    let mut n = v.unsigned_abs();
    loop {
        i -= 1;
        buf[i] = b'0' + (n % 10) as u8;
        n /= 10;
        if n == 0 {
            break;
        }
    }
    if v < 0 {
        out.push('-');
    }
    // Only ASCII digits were written.
    out.push_str(std::str::from_utf8(&buf[i..]).unwrap_or("0"));
}

fn pt(out: &mut String, p: Point) -> std::fmt::Result {
    out.push_str(" ( ");
    int(out, p.x);
    out.push(' ');
    int(out, p.y);
    out.push_str(" )");
    Ok(())
}

fn rect(out: &mut String, r: &Rect) -> std::fmt::Result {
    pt(out, r.lo)?;
    pt(out, r.hi)
}

fn write_def(d: &Def, out: &mut String) -> std::fmt::Result {
    header(d, out)?;
    rows_tracks_gcells(d, out)?;
    vias(d, out)?;
    rules_and_regions(d, out)?;
    components(d, out)?;
    pins(d, out)?;
    blockages(d, out)?;
    special_nets(d, out)?;
    nets(d, out)?;
    groups(d, out)?;
    out.push_str("END DESIGN\n");
    Ok(())
}

/// VERSION, DIVIDERCHAR, BUSBITCHARS, DESIGN, UNITS and DIEAREA, each only when known.
fn header(d: &Def, out: &mut String) -> std::fmt::Result {
    if let Some(v) = &d.version {
        writeln!(out, "VERSION {v} ;")?;
    }
    if let Some(v) = &d.divider_char {
        writeln!(out, "DIVIDERCHAR \"{v}\" ;")?;
    }
    if let Some(v) = &d.bus_bit_chars {
        writeln!(out, "BUSBITCHARS \"{v}\" ;")?;
    }
    if !d.design.is_empty() {
        writeln!(out, "DESIGN {} ;", d.design)?;
    }
    if d.dbu_per_micron != 0 {
        writeln!(out, "UNITS DISTANCE MICRONS {} ;", d.dbu_per_micron)?;
    }
    if d.die_area.len() >= 2 {
        out.push_str("DIEAREA");
        for p in &d.die_area {
            pt(out, *p)?;
        }
        out.push_str(" ;\n");
    }
    Ok(())
}

/// ROW, TRACKS and GCELLGRID statements.
fn rows_tracks_gcells(d: &Def, out: &mut String) -> std::fmt::Result {
    for r in &d.rows {
        write!(
            out,
            "ROW {} {} {} {} {}",
            r.name,
            r.site,
            r.origin.x,
            r.origin.y,
            r.orient.as_str()
        )?;
        writeln!(
            out,
            " DO {} BY {} STEP {} {} ;",
            r.num_x, r.num_y, r.step_x, r.step_y
        )?;
    }
    for t in &d.tracks {
        write!(
            out,
            "TRACKS {} {} DO {} STEP {}",
            axis(t.axis),
            t.start,
            t.num,
            t.step
        )?;
        if !t.layers.is_empty() {
            out.push_str(" LAYER");
            for l in &t.layers {
                write!(out, " {l}")?;
            }
        }
        out.push_str(" ;\n");
    }
    for g in &d.gcell_grid {
        writeln!(
            out,
            "GCELLGRID {} {} DO {} STEP {} ;",
            axis(g.axis),
            g.start,
            g.num,
            g.step
        )?;
    }
    Ok(())
}

/// The VIAS section: fixed shapes or a via rule with its parameters.
fn vias(d: &Def, out: &mut String) -> std::fmt::Result {
    if !d.vias.is_empty() {
        writeln!(out, "VIAS {} ;", d.vias.len())?;
        for v in &d.vias {
            write!(out, "    - {}", v.name)?;
            for (l, r) in &v.shapes {
                write!(out, "\n      + RECT {l}")?;
                rect(out, r)?;
            }
            if let Some(p) = &v.rule {
                write!(
                    out,
                    "\n      + VIARULE {} + CUTSIZE {} {} + LAYERS {} {} {} + CUTSPACING {} {}\n      + ENCLOSURE {} {} {} {}",
                    p.rule,
                    p.cut_size.0,
                    p.cut_size.1,
                    p.layers[0],
                    p.layers[1],
                    p.layers[2],
                    p.cut_spacing.0,
                    p.cut_spacing.1,
                    p.enclosure[0],
                    p.enclosure[1],
                    p.enclosure[2],
                    p.enclosure[3]
                )?;
                if let Some((r, c)) = p.rowcol {
                    write!(out, " + ROWCOL {r} {c}")?;
                }
                if let Some((x, y)) = p.origin {
                    write!(out, " + ORIGIN {x} {y}")?;
                }
                if let Some(o) = p.offset {
                    write!(out, " + OFFSET {} {} {} {}", o[0], o[1], o[2], o[3])?;
                }
                if let Some(pat) = &p.pattern {
                    write!(out, " + PATTERN {pat}")?;
                }
            }
            out.push_str(" ;\n");
        }
        out.push_str("END VIAS\n");
    }
    Ok(())
}

/// NONDEFAULTRULES (names only: the reader keeps no more) and REGIONS.
fn rules_and_regions(d: &Def, out: &mut String) -> std::fmt::Result {
    if !d.ndrs.is_empty() {
        writeln!(out, "NONDEFAULTRULES {} ;", d.ndrs.len())?;
        for n in &d.ndrs {
            writeln!(out, "    - {n} ;")?;
        }
        out.push_str("END NONDEFAULTRULES\n");
    }
    if !d.regions.is_empty() {
        writeln!(out, "REGIONS {} ;", d.regions.len())?;
        for r in &d.regions {
            write!(out, "    - {}", r.name)?;
            for rc in &r.rects {
                rect(out, rc)?;
            }
            if let Some(k) = &r.kind {
                write!(out, " + TYPE {k}")?;
            }
            out.push_str(" ;\n");
        }
        out.push_str("END REGIONS\n");
    }
    Ok(())
}

/// COMPONENTS, always written (OpenROAD expects the section).
fn components(d: &Def, out: &mut String) -> std::fmt::Result {
    writeln!(out, "COMPONENTS {} ;", d.components.len())?;
    for c in &d.components {
        out.push_str("    - ");
        out.push_str(&c.name);
        out.push(' ');
        out.push_str(&c.master);
        if let Some(s) = &c.source {
            out.push_str(" + SOURCE ");
            out.push_str(s);
        }
        if c.status == PlacementStatus::Unplaced
            && c.location == Point::default()
            && c.orient == Default::default()
        {
            out.push_str(" + UNPLACED");
        } else {
            out.push_str(" + ");
            out.push_str(status(c.status));
            pt(out, c.location)?;
            out.push(' ');
            out.push_str(c.orient.as_str());
        }
        if let Some([l, b, r, t]) = c.halo {
            write!(out, " + HALO {l} {b} {r} {t}")?;
        }
        out.push_str(" ;\n");
    }
    out.push_str("END COMPONENTS\n");
    Ok(())
}

/// PINS with their ports.
fn pins(d: &Def, out: &mut String) -> std::fmt::Result {
    writeln!(out, "PINS {} ;", d.pins.len())?;
    for p in &d.pins {
        write!(out, "    - {}", p.name)?;
        if !p.net.is_empty() {
            write!(out, " + NET {}", p.net)?;
        }
        if p.special {
            out.push_str(" + SPECIAL");
        }
        if let Some(v) = &p.direction {
            write!(out, " + DIRECTION {v}")?;
        }
        if let Some(v) = &p.use_ {
            write!(out, " + USE {v}")?;
        }
        let several = p.ports.len() > 1;
        for port in &p.ports {
            if several {
                out.push_str("\n      + PORT");
            }
            write_port(out, port)?;
        }
        out.push_str(" ;\n");
    }
    out.push_str("END PINS\n");
    Ok(())
}

/// BLOCKAGES: routing (LAYER) and placement ones.
fn blockages(d: &Def, out: &mut String) -> std::fmt::Result {
    if !d.blockages.is_empty() {
        writeln!(out, "BLOCKAGES {} ;", d.blockages.len())?;
        for b in &d.blockages {
            match &b.layer {
                Some(l) => write!(out, "    - LAYER {l}")?,
                None => out.push_str("    - PLACEMENT"),
            }
            if let Some(dens) = b.max_density {
                write!(out, " + PARTIAL {dens}")?;
            }
            for r in &b.rects {
                out.push_str(" RECT");
                rect(out, r)?;
            }
            for poly in &b.polygons {
                out.push_str(" POLYGON");
                for p in poly {
                    pt(out, *p)?;
                }
            }
            out.push_str(" ;\n");
        }
        out.push_str("END BLOCKAGES\n");
    }
    Ok(())
}

/// SPECIALNETS with wiring and shapes.
fn special_nets(d: &Def, out: &mut String) -> std::fmt::Result {
    if !d.special_nets.is_empty() {
        writeln!(out, "SPECIALNETS {} ;", d.special_nets.len())?;
        for n in &d.special_nets {
            out.push_str("    - ");
            out.push_str(&n.name);
            connections(out, &n.connections);
            write_wiring(out, &n.wiring, true)?;
            for (l, r) in &n.shapes {
                write!(out, "\n      + RECT {l}")?;
                rect(out, r)?;
            }
            if let Some(u) = &n.use_ {
                write!(out, " + USE {u}")?;
            }
            out.push_str(" ;\n");
        }
        out.push_str("END SPECIALNETS\n");
    }
    Ok(())
}

/// NETS, with wiring where the reader kept it.
fn nets(d: &Def, out: &mut String) -> std::fmt::Result {
    writeln!(out, "NETS {} ;", d.nets.len())?;
    for n in &d.nets {
        out.push_str("    - ");
        out.push_str(&n.name);
        connections(out, &n.connections);
        write_wiring(out, &n.wiring, false)?;
        if let Some(u) = &n.use_ {
            write!(out, " + USE {u}")?;
        }
        out.push_str(" ;\n");
    }
    out.push_str("END NETS\n");
    Ok(())
}

/// GROUPS and their regions.
fn groups(d: &Def, out: &mut String) -> std::fmt::Result {
    if !d.groups.is_empty() {
        writeln!(out, "GROUPS {} ;", d.groups.len())?;
        for g in &d.groups {
            write!(out, "    - {}", g.name)?;
            for m in &g.members {
                write!(out, " {m}")?;
            }
            if let Some(r) = &g.region {
                write!(out, " + REGION {r}")?;
            }
            out.push_str(" ;\n");
        }
        out.push_str("END GROUPS\n");
    }
    Ok(())
}

fn connections(out: &mut String, cs: &[super::Connection]) {
    for c in cs {
        out.push_str(" ( ");
        out.push_str(&c.component);
        out.push(' ');
        out.push_str(&c.pin);
        out.push_str(" )");
    }
}

fn write_port(out: &mut String, port: &PinPort) -> std::fmt::Result {
    for (l, r) in &port.layer_shapes {
        write!(out, "\n        + LAYER {l}")?;
        rect(out, r)?;
    }
    for (l, pts) in &port.polygons {
        write!(out, "\n        + POLYGON {l}")?;
        for p in pts {
            pt(out, *p)?;
        }
    }
    if let Some((st, at, o)) = port.placement {
        write!(out, "\n        + {}", status(st))?;
        pt(out, at)?;
        write!(out, " {}", o.as_str())?;
    }
    Ok(())
}

/// `+ ROUTED` with one path per wire (`NEW` between them). Each via is written after the first
/// point, at or after the previous via's, that lies where the via does: the reader puts a via at
/// the point before it, so this gives back the same points and vias in the same order.
fn write_wiring(out: &mut String, wires: &[Wire], special: bool) -> std::fmt::Result {
    let mut first = true;
    for w in wires.iter().filter(|w| !w.points.is_empty()) {
        out.push_str(if first {
            "\n      + ROUTED "
        } else {
            "\n      NEW "
        });
        first = false;
        out.push_str(&w.layer);
        if special {
            write!(out, " {}", w.width)?;
            if let Some(s) = &w.shape {
                write!(out, " + SHAPE {s}")?;
            }
        }
        let mut v = 0;
        for p in &w.points {
            pt(out, *p)?;
            while v < w.vias.len() && w.vias[v].1 == *p {
                out.push(' ');
                out.push_str(&w.vias[v].0);
                v += 1;
            }
        }
    }
    Ok(())
}
