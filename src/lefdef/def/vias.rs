//! DEF `VIAS`: fixed vias (`+ RECT`, `+ POLYGON`) and via-rule vias, whose parameters are read
//! and dropped (a `DefVia` without shapes).

use super::parse::Ctx;
use super::tokens::{
    layer_and_mask, name, polygon_points, rect, skip_option, tok, unknown_option, upper,
};
use super::DefVia;
use crate::geom::Rect;
use crate::lefdef::lex::{context, cut_fail, shorten, sp, PResult};

/// `- name [+ RECT l [+ MASK n] pt pt] [+ POLYGON l [+ MASK n] pt...] [+ VIARULE ...] ;`
/// Via-rule parameters are read and dropped (no shapes); polygons are kept as bounding boxes.
pub(super) fn via<'a>(s: &'a str, ctx: &mut Ctx<'a>) -> PResult<'a, DefVia> {
    let (s, vname) = name(s, || "a via name".into())?;
    let after = || format!("after via {vname}");
    context(
        || vname.to_string(),
        (|| {
            let mut v = DefVia {
                name: vname.to_string(),
                shapes: Vec::new(),
            };
            let mut s = s;
            loop {
                let s0 = sp(s);
                let (r, t) = tok(s0, || format!("'+' or ';' {}", after()))?;
                match t {
                    ";" => return Ok((r, v)),
                    "+" => {
                        let (r, k) = name(r, || "an option keyword after '+'".into())?;
                        s = match upper(k).as_ref() {
                            "RECT" => {
                                let (r, l) = layer_and_mask(r)?;
                                let (r, rc) = rect(r)?;
                                v.shapes.push((l.to_string(), rc));
                                r
                            }
                            "POLYGON" => {
                                let (r, l) = layer_and_mask(r)?;
                                let (r, pts) = polygon_points(r)?;
                                if let Some(b) = Rect::bounding(pts) {
                                    v.shapes.push((l.to_string(), b));
                                }
                                r
                            }
                            "VIARULE" | "CUTSIZE" | "LAYERS" | "CUTSPACING" | "ENCLOSURE"
                            | "ROWCOL" | "ORIGIN" | "OFFSET" | "PATTERN" => {
                                skip_option(r, after)?.0
                            }
                            _ => unknown_option(r, s0, ctx, k, after)?.0,
                        };
                    }
                    _ => {
                        return cut_fail(
                            s0,
                            format!("expected '+' or ';' {}, found '{}'", after(), shorten(t)),
                        )
                    }
                }
            }
        })(),
    )
}
