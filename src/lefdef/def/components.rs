//! DEF `COMPONENTS`: one `- name master [+ option ...] ;` statement per placed instance.
//!
//! This is the hottest loop of a placed design (110k statements in efuse_ctrl), so it allocates
//! only the two names it keeps and the source, and matches option keywords without allocating.

use super::parse::Ctx;
use super::tokens::{name, num, orient, peek, point, skip_option, tok, unknown_option, upper};
use super::{Component, PlacementStatus};
use crate::geom::{Orient, Point};
use crate::lefdef::lex::{context, cut_fail, shorten, sp, PResult};

/// One component statement, after its `-`.
pub(super) fn component<'a>(s: &'a str, ctx: &mut Ctx<'a>) -> PResult<'a, Component> {
    let (s, cname) = name(s, || "a component name after '-'".into())?;
    context(|| cname.to_string(), body(s, cname, ctx))
}

fn body<'a>(s: &'a str, cname: &'a str, ctx: &mut Ctx<'a>) -> PResult<'a, Component> {
    let after = || format!("after component {cname}");
    let (s, master) = name(s, || format!("a master name for component {cname}"))?;
    let mut c = Component {
        name: cname.to_string(),
        master: master.to_string(),
        status: PlacementStatus::Unplaced,
        location: Point::default(),
        orient: Orient::N,
        halo: None,
        source: None,
    };
    let mut s = s;
    loop {
        let s0 = sp(s);
        let (r, t) = tok(s0, || format!("';' {}", after()))?;
        if t == ";" {
            return Ok((r, c));
        }
        if t != "+" {
            return cut_fail(
                s0,
                format!("expected ';' {}, found '{}'", after(), shorten(t)),
            );
        }
        let (r, k) = name(r, || "an option keyword after '+'".into())?;
        s = match upper(k).as_ref() {
            "PLACED" | "FIXED" | "COVER" => {
                c.status = status(k);
                let (r, p) = point(r)?;
                let (r, o) = orient(r)?;
                c.location = p;
                c.orient = o;
                r
            }
            "UNPLACED" => {
                c.status = PlacementStatus::Unplaced;
                // Some writers give unplaced components a position anyway.
                if peek(r) == "(" {
                    let (r, p) = point(r)?;
                    let (r, o) = orient(r)?;
                    c.location = p;
                    c.orient = o;
                    r
                } else {
                    r
                }
            }
            "SOURCE" => {
                let (r, v) = name(r, || "a source after SOURCE".into())?;
                c.source = Some(v.to_string());
                r
            }
            "HALO" => {
                let mut r = r;
                if peek(r).eq_ignore_ascii_case("SOFT") {
                    r = tok(r, String::new)?.0;
                }
                let mut h = [0; 4];
                for v in h.iter_mut() {
                    let (r2, x) = num(r, || "a halo distance".into())?;
                    *v = x;
                    r = r2;
                }
                c.halo = Some(h);
                r
            }
            "EEQMASTER" | "ROUTEHALO" | "WEIGHT" | "REGION" | "MASKSHIFT" | "PROPERTY"
            | "GENERATE" | "FOREIGN" => skip_option(r, after)?.0,
            _ => unknown_option(r, s0, ctx, k, after)?.0,
        };
    }
}

/// PLACED / FIXED / COVER (case-insensitive).
pub(super) fn status(k: &str) -> PlacementStatus {
    if k.eq_ignore_ascii_case("FIXED") {
        PlacementStatus::Fixed
    } else if k.eq_ignore_ascii_case("COVER") {
        PlacementStatus::Cover
    } else if k.eq_ignore_ascii_case("PLACED") {
        PlacementStatus::Placed
    } else {
        PlacementStatus::Unplaced
    }
}
