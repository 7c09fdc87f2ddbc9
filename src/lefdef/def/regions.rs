//! DEF `REGIONS`: named rectangles with an optional `+ TYPE FENCE|GUIDE`.

use super::parse::Ctx;
use super::tokens::{name, peek, rect, skip_option, tok, unknown_option, upper};
use super::Region;
use crate::lefdef::lex::{context, cut_fail, shorten, sp, PResult};

/// `- name pt pt [pt pt ...] [+ TYPE FENCE|GUIDE] [+ PROPERTY ...] ;`
pub(super) fn region<'a>(s: &'a str, ctx: &mut Ctx<'a>) -> PResult<'a, Region> {
    let (s, rname) = name(s, || "a region name".into())?;
    let after = || format!("after region {rname}");
    context(
        || rname.to_string(),
        (|| {
            let mut reg = Region {
                name: rname.to_string(),
                rects: Vec::new(),
                kind: None,
            };
            let mut s = s;
            while peek(s) == "(" {
                let (r, rc) = rect(s)?;
                reg.rects.push(rc);
                s = r;
            }
            loop {
                let s0 = sp(s);
                let (r, t) = tok(s0, || format!("'+' or ';' {}", after()))?;
                match t {
                    ";" => return Ok((r, reg)),
                    "+" => {
                        let (r, k) = name(r, || "an option keyword after '+'".into())?;
                        s = match upper(k).as_ref() {
                            "TYPE" => {
                                let (r, v) = name(r, || "a region type".into())?;
                                reg.kind = Some(v.to_string());
                                r
                            }
                            "PROPERTY" => skip_option(r, after)?.0,
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
