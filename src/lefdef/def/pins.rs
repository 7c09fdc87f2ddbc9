//! DEF `PINS`: the design's IO pins, `- name + NET net [+ option ...] [+ PORT ...]* ;`.
//!
//! Shapes given before any `+ PORT` belong to an implicit first port, so a pin without `PORT` has
//! exactly one port (possibly empty).

use super::components::status;
use super::parse::Ctx;
use super::tokens::{
    layer_and_mask, name, num, orient, point, polygon_points, rect, skip_option, tok,
    unknown_option, upper,
};
use super::{Pin, PinPort};
use crate::lefdef::lex::{context, cut_fail, shorten, sp, PResult};

/// One pin statement, after its `-`.
pub(super) fn pin<'a>(s: &'a str, ctx: &mut Ctx<'a>) -> PResult<'a, Pin> {
    let (s, pname) = name(s, || "a pin name after '-'".into())?;
    context(|| pname.to_string(), body(s, pname, ctx))
}

fn body<'a>(s: &'a str, pname: &'a str, ctx: &mut Ctx<'a>) -> PResult<'a, Pin> {
    let after = || format!("after pin {pname}");
    let mut p = Pin {
        name: pname.to_string(),
        net: String::new(),
        special: false,
        direction: None,
        use_: None,
        ports: Vec::new(),
    };
    let mut s = s;
    loop {
        let s0 = sp(s);
        let (r, t) = tok(s0, || format!("';' {}", after()))?;
        if t == ";" {
            if p.ports.is_empty() {
                p.ports.push(PinPort::default());
            }
            return Ok((r, p));
        }
        if t != "+" {
            return cut_fail(
                s0,
                format!("expected '+' or ';' {}, found '{}'", after(), shorten(t)),
            );
        }
        let (r, k) = name(r, || "an option keyword after '+'".into())?;
        s = match upper(k).as_ref() {
            "NET" => {
                let (r, n) = name(r, || "a net name after NET".into())?;
                p.net = n.to_string();
                r
            }
            "SPECIAL" => {
                p.special = true;
                r
            }
            "DIRECTION" => {
                let (r, d) = name(r, || "a direction".into())?;
                p.direction = Some(d.to_string());
                r
            }
            "USE" => {
                let (r, u) = name(r, || "a use".into())?;
                p.use_ = Some(u.to_string());
                r
            }
            "PORT" => {
                p.ports.push(PinPort::default());
                r
            }
            "LAYER" => {
                let (r, l) = layer_and_mask(r)?;
                let (r, _) = spacing(r)?;
                let (r, rc) = rect(r)?;
                port(&mut p).layer_shapes.push((l.to_string(), rc));
                r
            }
            "POLYGON" => {
                let (r, l) = layer_and_mask(r)?;
                let (r, _) = spacing(r)?;
                let (r, pts) = polygon_points(r)?;
                port(&mut p).polygons.push((l.to_string(), pts));
                r
            }
            "PLACED" | "FIXED" | "COVER" => {
                let st = status(k);
                let (r, at) = point(r)?;
                let (r, o) = orient(r)?;
                port(&mut p).placement = Some((st, at, o));
                r
            }
            // `+ VIA name [MASK n] pt`: the via's shapes come from the VIAS section; not kept.
            "VIA"
            | "NETEXPR"
            | "SUPPLYSENSITIVITY"
            | "GROUNDSENSITIVITY"
            | "ANTENNAPINPARTIALMETALAREA"
            | "ANTENNAPINPARTIALMETALSIDEAREA"
            | "ANTENNAPINPARTIALCUTAREA"
            | "ANTENNAPINDIFFAREA"
            | "ANTENNAMODEL"
            | "ANTENNAPINGATEAREA"
            | "ANTENNAPINMAXAREACAR"
            | "ANTENNAPINMAXSIDEAREACAR"
            | "ANTENNAPINMAXCUTCAR"
            | "PROPERTY" => skip_option(r, after)?.0,
            _ => unknown_option(r, s0, ctx, k, after)?.0,
        };
    }
}

/// The port that shapes go to: the last `+ PORT`, or an implicit first one.
fn port(p: &mut Pin) -> &mut PinPort {
    if p.ports.is_empty() {
        p.ports.push(PinPort::default());
    }
    let i = p.ports.len() - 1;
    &mut p.ports[i]
}

/// Optional `SPACING s` or `DESIGNRULEWIDTH w` (read and dropped).
fn spacing(s: &str) -> PResult<'_, ()> {
    let (r, t) = tok(s, || "a shape".into())?;
    if t.eq_ignore_ascii_case("SPACING") || t.eq_ignore_ascii_case("DESIGNRULEWIDTH") {
        let (r, _) = num(r, || format!("a value after {t}"))?;
        Ok((r, ()))
    } else {
        Ok((s, ()))
    }
}
