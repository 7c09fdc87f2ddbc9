//! DEF `SPECIALNETS`: power and ground nets with their wiring (`+ ROUTED layer width [+ SHAPE s]
//! ...`, `+ RECT`, `+ POLYGON`), always kept because it becomes routing obstruction. Via arrays
//! (`DO n BY m STEP dx dy`) are read as one via at the path point; polygons are kept as their
//! bounding boxes, since `SpecialNet::shapes` holds rectangles.

use super::nets::{connection, path};
use super::parse::Ctx;
use super::tokens::{
    fast_token, layer_and_mask, name, num, peek, polygon_points, rect, skip_option, tok,
    unknown_option, upper,
};
use super::{SpecialNet, Wire};
use crate::geom::{Point, Rect};
use crate::lefdef::lex::{context, cut_fail, shorten, sp, PResult};

/// One SPECIALNETS statement, after its `-`.
pub(super) fn special_net<'a>(s: &'a str, ctx: &mut Ctx<'a>) -> PResult<'a, SpecialNet> {
    let (s, nname) = name(s, || "a net name after '-'".into())?;
    context(|| nname.to_string(), special_body(s, nname, ctx))
}

fn special_body<'a>(s: &'a str, nname: &'a str, ctx: &mut Ctx<'a>) -> PResult<'a, SpecialNet> {
    let after = || format!("after special net {nname}");
    let mut n = SpecialNet {
        name: nname.to_string(),
        connections: Vec::new(),
        use_: None,
        wiring: Vec::new(),
        shapes: Vec::new(),
    };
    let mut s = s;
    loop {
        let s0 = sp(s);
        let (r, t) = tok(s0, || format!("';' {}", after()))?;
        match t {
            ";" => return Ok((r, n)),
            "(" => {
                let (r, c) = connection(r)?;
                n.connections.push(c);
                s = r;
            }
            "+" => {
                let (r, k) = name(r, || "an option keyword after '+'".into())?;
                s = match upper(k).as_ref() {
                    // DEF 5.8: `+ ROUTED + SHAPE s + RECT ...` (or `+ POLYGON`, `+ VIA`): the
                    // status is followed by options, not by a path; the loop reads them.
                    "ROUTED" | "FIXED" | "COVER" if peek(r) == "+" => r,
                    "ROUTED" | "FIXED" | "COVER" => special_wiring(r, &mut n.wiring)?.0,
                    "SHIELD" => {
                        let (r, _) = name(r, || "a shield net name".into())?;
                        if peek(r) == "+" {
                            r
                        } else {
                            special_wiring(r, &mut n.wiring)?.0
                        }
                    }
                    "SHAPE" => name(r, || "a shape after SHAPE".into())?.0,
                    "MASK" => num(r, || "a mask number after MASK".into())?.0,
                    "USE" => {
                        let (r, u) = name(r, || "a use after USE".into())?;
                        n.use_ = Some(u.to_string());
                        r
                    }
                    "RECT" => {
                        let (r, l) = layer_and_mask(r)?;
                        let (r, rc) = rect(r)?;
                        n.shapes.push((l.to_string(), rc));
                        r
                    }
                    // Kept as its bounding box: `shapes` holds rectangles.
                    "POLYGON" => {
                        let (r, l) = layer_and_mask(r)?;
                        let (r, pts) = polygon_points(r)?;
                        if let Some(b) = Rect::bounding(pts) {
                            n.shapes.push((l.to_string(), b));
                        }
                        r
                    }
                    "SOURCE" | "WEIGHT" | "VOLTAGE" | "FIXEDBUMP" | "ORIGINAL" | "PATTERN"
                    | "ESTCAP" | "PROPERTY" | "VIA" | "NONDEFAULTRULE" => skip_option(r, after)?.0,
                    _ => unknown_option(r, s0, ctx, k, after)?.0,
                };
            }
            _ => {
                return cut_fail(
                    s0,
                    format!(
                        "expected '(', '+' or ';' {}, found '{}'",
                        after(),
                        shorten(t)
                    ),
                );
            }
        }
    }
}

/// `layer width [+ SHAPE s] [+ STYLE n] [+ MASK n] points... [NEW ...]...` up to the next `+` or `;`.
fn special_wiring<'a>(s: &'a str, wires: &mut Vec<Wire>) -> PResult<'a, ()> {
    let mut s = s;
    let mut prev = Point::default();
    loop {
        let (r, layer) = name(s, || "a layer name in special wiring".into())?;
        let (r, width) = num(r, || "a wire width".into())?;
        let mut w = Wire {
            layer: layer.to_string(),
            width,
            shape: None,
            points: Vec::new(),
            vias: Vec::new(),
        };
        let mut r = r;
        while peek(r) == "+" {
            let r1 = fast_token(r).map_or(r, |x| x.0);
            let k = peek(r1);
            if k.eq_ignore_ascii_case("SHAPE") {
                let (r2, v) = name(tok(r1, String::new)?.0, || "a shape after SHAPE".into())?;
                w.shape = Some(v.to_string());
                r = r2;
            } else if k.eq_ignore_ascii_case("STYLE") || k.eq_ignore_ascii_case("MASK") {
                r = name(tok(r1, String::new)?.0, || format!("a value after {k}"))?.0;
            } else {
                break;
            }
        }
        let (r, more) = path(r, &mut w, &mut prev, true)?;
        wires.push(w);
        s = r;
        if !more {
            return Ok((s, ()));
        }
    }
}
