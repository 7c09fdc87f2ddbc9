//! DEF `BLOCKAGES`: routing blockages (`- LAYER l`) and placement blockages (`- PLACEMENT`,
//! hard, soft or partial), each a list of rectangles and polygons.

use super::parse::Ctx;
use super::tokens::{name, peek, point, real, rect, star_point_rest, tok, upper};
use super::Blockage;
use crate::geom::Point;
use crate::lefdef::lex::{context, cut_fail, shorten, sp, PResult};

/// `- LAYER l [+ ...] {RECT pt pt | POLYGON pt...}... ;` or
/// `- PLACEMENT [+ SOFT | + PARTIAL d] [+ ...] {RECT | POLYGON}... ;`
pub(super) fn blockage<'a>(s: &'a str, ctx: &mut Ctx<'a>) -> PResult<'a, Blockage> {
    let s0 = sp(s);
    let (s, k) = tok(s0, || "LAYER or PLACEMENT".into())?;
    let mut b = Blockage {
        layer: None,
        rects: Vec::new(),
        polygons: Vec::new(),
        max_density: None,
    };
    let mut s = match upper(k).as_ref() {
        "LAYER" => {
            let (s, l) = name(s, || "a layer name".into())?;
            b.layer = Some(l.to_string());
            s
        }
        "PLACEMENT" => s,
        _ => {
            return cut_fail(
                s0,
                format!(
                    "expected LAYER or PLACEMENT after '-', found '{}'",
                    shorten(k)
                ),
            )
        }
    };
    let label = b.layer.clone().unwrap_or_else(|| "PLACEMENT".into());
    let after = || format!("after blockage {label}");
    context(
        || label.clone(),
        (|| loop {
            let s0 = sp(s);
            let (r, t) = tok(s0, || format!("';' {}", after()))?;
            match upper(t).as_ref() {
                ";" => return Ok((r, b)),
                "+" => {
                    let (r, k) = name(r, || "an option keyword after '+'".into())?;
                    s = match upper(k).as_ref() {
                        "PARTIAL" => {
                            let (r, d) = real(r, || "a density".into())?;
                            b.max_density = Some(d);
                            r
                        }
                        "SOFT" | "SLOTS" | "FILLS" | "PUSHDOWN" | "EXCEPTPGNET" => r,
                        "COMPONENT" | "SPACING" | "DESIGNRULEWIDTH" | "MASK" => {
                            name(r, || format!("a value after {k}"))?.0
                        }
                        _ => {
                            ctx.warn(
                                s0,
                                format!("skipped unknown option '+ {}' {}", shorten(k), after()),
                            );
                            skip_blockage_option(r)?.0
                        }
                    };
                }
                "RECT" => {
                    let (r, rc) = rect(r)?;
                    b.rects.push(rc);
                    s = r;
                }
                "POLYGON" => {
                    let (r, pts) = polygon(r)?;
                    b.polygons.push(pts);
                    s = r;
                }
                _ => {
                    return cut_fail(
                        s0,
                        format!(
                            "expected RECT, POLYGON, '+' or ';' {}, found '{}'",
                            after(),
                            shorten(t)
                        ),
                    )
                }
            }
        })(),
    )
}

/// The points of `POLYGON pt pt pt ...`: after the first, `*` repeats the previous point's
/// coordinate (the Si2 grammar's `nextPt`; OpenDB receives the points written out).
fn polygon(s: &str) -> PResult<'_, Vec<Point>> {
    let mut pts: Vec<Point> = Vec::new();
    let mut s = s;
    while peek(s) == "(" {
        let (r, p) = match pts.last() {
            None => point(s)?,
            Some(&prev) => star_point_rest(tok(s, String::new)?.0, prev)?,
        };
        pts.push(p);
        s = r;
    }
    if pts.len() < 3 {
        return cut_fail(
            sp(s),
            format!("expected at least 3 polygon points, found {}", pts.len()),
        );
    }
    Ok((s, pts))
}

/// An unknown blockage option: tokens up to the next `+`, `;`, RECT or POLYGON.
pub(super) fn skip_blockage_option(s: &str) -> PResult<'_, ()> {
    let mut s = s;
    loop {
        let t = peek(s);
        if t.is_empty()
            || t == "+"
            || t == ";"
            || t.eq_ignore_ascii_case("RECT")
            || t.eq_ignore_ascii_case("POLYGON")
        {
            return Ok((s, ()));
        }
        s = tok(s, String::new)?.0;
    }
}
