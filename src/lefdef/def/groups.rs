//! DEF `GROUPS`: named lists of component names or patterns, with an optional `+ REGION`.

use super::parse::Ctx;
use super::tokens::{name, peek, skip_option, tok, unknown_option, upper};
use super::Group;
use crate::lefdef::lex::{context, cut_fail, shorten, sp, PResult};

/// `- name [member ...] [+ REGION r] [+ SOFT ...] [+ PROPERTY ...] ;`
pub(super) fn group<'a>(s: &'a str, ctx: &mut Ctx<'a>) -> PResult<'a, Group> {
    let (s, gname) = name(s, || "a group name".into())?;
    let after = || format!("after group {gname}");
    context(
        || gname.to_string(),
        (|| {
            let mut g = Group {
                name: gname.to_string(),
                members: Vec::new(),
                region: None,
            };
            let mut s = s;
            loop {
                let t = peek(s);
                if t == "+" || t == ";" || t.is_empty() {
                    break;
                }
                let (r, m) = tok(s, String::new)?;
                g.members.push(m.to_string());
                s = r;
            }
            loop {
                let s0 = sp(s);
                let (r, t) = tok(s0, || format!("'+' or ';' {}", after()))?;
                match t {
                    ";" => return Ok((r, g)),
                    "+" => {
                        let (r, k) = name(r, || "an option keyword after '+'".into())?;
                        s = match upper(k).as_ref() {
                            "REGION" => {
                                let (r, v) = name(r, || "a region name".into())?;
                                g.region = Some(v.to_string());
                                r
                            }
                            "SOFT" | "PROPERTY" => skip_option(r, after)?.0,
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
