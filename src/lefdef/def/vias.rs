//! DEF `VIAS`: fixed vias (`+ RECT`, `+ POLYGON`) and generated vias (`+ VIARULE ...`), whose
//! parameters are kept in [`ViaRuleParams`] (the design model builds their metal from them).

use super::parse::Ctx;
use super::tokens::{layer_and_mask, name, num, polygon_points, rect, tok, unknown_option, upper};
use super::{DefVia, ViaRuleParams};
use crate::geom::Rect;
use crate::lefdef::lex::{context, cut_fail, shorten, sp, PResult};

/// `- name [+ RECT l [+ MASK n] pt pt] [+ POLYGON l [+ MASK n] pt...] [+ VIARULE ...] ;`
/// Via-rule parameters go to `rule`; polygons are kept as bounding boxes.
pub(super) fn via<'a>(s: &'a str, ctx: &mut Ctx<'a>) -> PResult<'a, DefVia> {
    let (s, vname) = name(s, || "a via name".into())?;
    let after = || format!("after via {vname}");
    context(
        || vname.to_string(),
        (|| {
            let mut v = DefVia {
                name: vname.to_string(),
                shapes: Vec::new(),
                rule: None,
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
                            "VIARULE" => {
                                let (r, n) = name(r, || format!("a via rule name {}", after()))?;
                                rule(&mut v).rule = n.to_string();
                                r
                            }
                            "CUTSIZE" => {
                                let (r, a) = pair(r, "CUTSIZE")?;
                                rule(&mut v).cut_size = a;
                                r
                            }
                            "CUTSPACING" => {
                                let (r, a) = pair(r, "CUTSPACING")?;
                                rule(&mut v).cut_spacing = a;
                                r
                            }
                            "ROWCOL" => {
                                let (r, a) = pair(r, "ROWCOL")?;
                                rule(&mut v).rowcol = Some(a);
                                r
                            }
                            "ORIGIN" => {
                                let (r, a) = pair(r, "ORIGIN")?;
                                rule(&mut v).origin = Some(a);
                                r
                            }
                            "ENCLOSURE" => {
                                let (r, a) = quad(r, "ENCLOSURE")?;
                                rule(&mut v).enclosure = a;
                                r
                            }
                            "OFFSET" => {
                                let (r, a) = quad(r, "OFFSET")?;
                                rule(&mut v).offset = Some(a);
                                r
                            }
                            "LAYERS" => {
                                let what = || format!("a layer name after LAYERS {}", after());
                                let (r, b) = name(r, what)?;
                                let (r, c) = name(r, what)?;
                                let (r, t) = name(r, what)?;
                                rule(&mut v).layers = [b.to_string(), c.to_string(), t.to_string()];
                                r
                            }
                            "PATTERN" => {
                                let (r, p) = name(r, || format!("a cut pattern {}", after()))?;
                                rule(&mut v).pattern = Some(p.to_string());
                                r
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

fn rule(v: &mut DefVia) -> &mut ViaRuleParams {
    v.rule.get_or_insert_with(ViaRuleParams::default)
}

fn pair<'a>(s: &'a str, kw: &str) -> PResult<'a, (i64, i64)> {
    let (s, a) = num(s, || format!("a number after {kw}"))?;
    let (s, b) = num(s, || format!("a number after {kw}"))?;
    Ok((s, (a, b)))
}

fn quad<'a>(s: &'a str, kw: &str) -> PResult<'a, [i64; 4]> {
    let (s, a) = pair(s, kw)?;
    let (s, b) = pair(s, kw)?;
    Ok((s, [a.0, a.1, b.0, b.1]))
}
