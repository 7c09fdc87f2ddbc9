//! DEF `NETS`: connection lists, options, and routed wiring (the path grammar is shared with
//! `specialnets.rs`).
//!
//! Regular-net wiring is the bulk of a routed DEF; unless [`super::ParseOptions::keep_net_wiring`]
//! is set it is skipped by a byte scan for the next `+` or `;` token (no tokenizing, no
//! allocation). Special-net wiring is always kept: it becomes routing obstruction. In both, `*` in
//! a point repeats the previous point's coordinate, and extension values and masks are dropped.

use super::parse::Ctx;
use super::tokens::{
    count, expect, name, num, peek, skip_option, star_point_rest, tok, unknown_option, upper,
};
use super::{Connection, Net, Wire};
use crate::geom::{Orient, Point};
use crate::lefdef::lex::{context, cut_fail, shorten, sp, PResult};

/// One NETS statement, after its `-`.
pub(super) fn net<'a>(s: &'a str, ctx: &mut Ctx<'a>) -> PResult<'a, Net> {
    let (s, nname) = name(s, || "a net name after '-'".into())?;
    context(|| nname.to_string(), net_body(s, nname, ctx))
}

fn net_body<'a>(s: &'a str, nname: &'a str, ctx: &mut Ctx<'a>) -> PResult<'a, Net> {
    let after = || format!("after net {nname}");
    let mut n = Net {
        name: nname.to_string(),
        connections: Vec::new(),
        use_: None,
        wiring: Vec::new(),
        has_wiring: false,
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
                    "ROUTED" | "FIXED" | "COVER" | "NOSHIELD" => {
                        n.has_wiring = true;
                        if ctx.opts.keep_net_wiring {
                            regular_wiring(r, &mut n.wiring)?.0
                        } else {
                            skip_wiring(r, &after)?.0
                        }
                    }
                    "USE" => {
                        let (r, u) = name(r, || "a use after USE".into())?;
                        n.use_ = Some(u.to_string());
                        r
                    }
                    "SOURCE" | "NONDEFAULTRULE" | "WEIGHT" | "PROPERTY" | "SHIELDNET"
                    | "FREQUENCY" | "ORIGINAL" | "PATTERN" | "ESTCAP" | "XTALK" | "VPIN"
                    | "SUBNET" | "MUSTJOIN" | "VIRTUAL" | "RECT" | "SYNTHESIZED" | "FIXEDBUMP" => {
                        skip_option(r, after)?.0
                    }
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

/// `comp pin [+ SYNTHESIZED] )` after the `(`.
pub(super) fn connection(s: &str) -> PResult<'_, Connection> {
    // A parenthesis is never a name here: `( a )` lacks its pin.
    let part = |s, what: &dyn Fn() -> String| -> PResult<'_, &str> {
        let (r, t) = name(s, what)?;
        if t == "(" || t == ")" {
            return cut_fail(sp(s), format!("expected {}, found '{t}'", what()));
        }
        Ok((r, t))
    };
    let (s, comp) = part(s, &|| "a component name or PIN in a connection".into())?;
    let (s, pin) = part(s, &|| format!("a pin name after '{}'", shorten(comp)))?;
    let s0 = sp(s);
    let (mut s, t) = tok(s0, || "')' to close a connection".into())?;
    if t == "+" {
        let (r, _) = expect(s, "SYNTHESIZED", || "in a connection".into())?;
        s = expect(r, ")", || "to close a connection".into())?.0;
    } else if t != ")" {
        return cut_fail(
            s0,
            format!("expected ')' to close a connection, found '{}'", shorten(t)),
        );
    }
    Ok((
        s,
        Connection {
            component: comp.to_string(),
            pin: pin.to_string(),
        },
    ))
}

/// Skips regular wiring without tokenizing: finds the next `+` or `;` that stands as a token,
/// stepping over `#` comments. Returns the input at that token.
fn skip_wiring<'a>(s: &'a str, after: &dyn Fn() -> String) -> PResult<'a, ()> {
    let b = s.as_bytes();
    let blank = |c: u8| matches!(c, b' ' | b'\t' | b'\n' | b'\r' | 0x0c);
    let mut i = 0;
    while let Some(j) = memchr::memchr3(b'+', b';', b'#', b.get(i..).unwrap_or_default()) {
        let p = i + j;
        let starts_token = p == 0 || blank(b[p - 1]);
        match b[p] {
            b'#' if starts_token => match memchr::memchr(b'\n', &b[p..]) {
                Some(n) => {
                    i = p + n + 1;
                    continue;
                }
                None => break,
            },
            b';' if p == 0 || b[p - 1] != b'\\' => return Ok((&s[p..], ())),
            b'+' if starts_token && b.get(p + 1).is_none_or(|&c| blank(c) || c == b';') => {
                return Ok((&s[p..], ()))
            }
            _ => {}
        }
        i = p + 1;
    }
    cut_fail(
        &s[s.len()..],
        format!("expected ';' {}, found end of file", after()),
    )
}

/// `layer [TAPER | TAPERRULE r] [STYLE n] points... [NEW layer ...]...` up to the next `+` or `;`.
fn regular_wiring<'a>(s: &'a str, wires: &mut Vec<Wire>) -> PResult<'a, ()> {
    let mut s = s;
    let mut prev = Point::default();
    loop {
        let (r, layer) = name(s, || "a layer name in net wiring".into())?;
        let mut r = r;
        loop {
            let t = peek(r);
            if t.eq_ignore_ascii_case("TAPER") {
                r = tok(r, String::new)?.0;
            } else if t.eq_ignore_ascii_case("TAPERRULE") || t.eq_ignore_ascii_case("STYLE") {
                r = tok(r, String::new)?.0;
                r = name(r, || format!("a value after {t}"))?.0;
            } else {
                break;
            }
        }
        let mut w = Wire {
            layer: layer.to_string(),
            width: 0,
            shape: None,
            points: Vec::new(),
            vias: Vec::new(),
        };
        let (r, more) = path(r, &mut w, &mut prev, false)?;
        wires.push(w);
        s = r;
        if !more {
            return Ok((s, ()));
        }
    }
}

/// The points and vias of one path, up to `NEW` (consumed; returns true) or a `+`/`;` (not
/// consumed; returns false).
pub(super) fn path<'a>(
    s: &'a str,
    w: &mut Wire,
    prev: &mut Point,
    special: bool,
) -> PResult<'a, bool> {
    let mut s = s;
    loop {
        let s0 = sp(s);
        let (r, t) = tok(s0, || "';' to end the wiring".into())?;
        match t {
            "(" => {
                let (r, p) = star_point_rest(r, *prev)?;
                w.points.push(p);
                *prev = p;
                s = r;
            }
            "+" | ";" => {
                if w.points.is_empty() {
                    return cut_fail(
                        s0,
                        format!(
                            "expected a point in the wiring on layer {}, found '{t}'",
                            shorten(&w.layer)
                        ),
                    );
                }
                return Ok((s0, false));
            }
            _ => {
                let k = upper(t);
                match k.as_ref() {
                    "NEW" => {
                        if w.points.is_empty() {
                            return cut_fail(
                                s0,
                                format!(
                                    "expected a point in the wiring on layer {}, found 'NEW'",
                                    shorten(&w.layer)
                                ),
                            );
                        }
                        return Ok((r, true));
                    }
                    "MASK" => s = name(r, || "a mask number".into())?.0,
                    "RECT" => {
                        let (r, _) = expect(r, "(", || "after RECT".into())?;
                        let mut r = r;
                        for _ in 0..4 {
                            r = num(r, || "a RECT offset".into())?.0;
                        }
                        s = expect(r, ")", || "to close a RECT".into())?.0;
                    }
                    "VIRTUAL" => {
                        let (r, _) = expect(r, "(", || "after VIRTUAL".into())?;
                        let (r, p) = star_point_rest(r, *prev)?;
                        *prev = p;
                        s = r;
                    }
                    _ => {
                        if w.points.is_empty() {
                            return cut_fail(
                                s0,
                                format!(
                                    "expected '(' to start the wiring path, found '{}'",
                                    shorten(t)
                                ),
                            );
                        }
                        w.vias.push((t.to_string(), *prev));
                        let mut r = r;
                        let nt = peek(r);
                        if Orient::parse(nt).is_some() {
                            r = tok(r, String::new)?.0;
                        } else if special && nt.eq_ignore_ascii_case("DO") {
                            let r1 = tok(r, String::new)?.0;
                            let (r1, _) = count(r1, || "a via column count".into())?;
                            let (r1, _) = expect(r1, "BY", || "after DO n".into())?;
                            let (r1, _) = count(r1, || "a via row count".into())?;
                            let (r1, _) = expect(r1, "STEP", || "after DO n BY m".into())?;
                            let (r1, _) = num(r1, || "a via x step".into())?;
                            let (r1, _) = num(r1, || "a via y step".into())?;
                            r = r1;
                        }
                        s = r;
                    }
                }
            }
        }
    }
}
