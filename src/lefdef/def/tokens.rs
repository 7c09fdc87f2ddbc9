//! The token-level helpers of the DEF grammar: a table-driven fast path over `lex::token`, keywords,
//! names, numbers, points (with `*`), orientations, and the skipping of options and statements.
//!
//! Every helper fails with `nom::Err::Failure` and a message naming what was expected: DEF has no
//! alternatives worth backtracking into, so the first token that does not fit is the error.

use super::parse::Ctx;
use crate::geom::{Orient, Point, Rect};
use crate::lefdef::lex::{self, cut, cut_fail, shorten, sp, token, PResult};
use std::borrow::Cow;

/// The upper-case form of a keyword token, allocating only when it has lower-case letters.
#[inline]
pub(super) fn upper(t: &str) -> Cow<'_, str> {
    if t.bytes().any(|b| b.is_ascii_lowercase()) {
        Cow::Owned(t.to_ascii_uppercase())
    } else {
        Cow::Borrowed(t)
    }
}

/// Byte classes for [`fast_token`]: 0 ends nothing, 1 is a blank, 2 is `;`, 3 is `\\`.
const CLASS: [u8; 256] = {
    let mut t = [0u8; 256];
    t[b' ' as usize] = 1;
    t[b'\t' as usize] = 1;
    t[b'\n' as usize] = 1;
    t[b'\r' as usize] = 1;
    t[0x0c] = 1;
    t[b';' as usize] = 2;
    t[b'\\' as usize] = 3;
    t
};

/// [`lex::token`] for the common case (plain words and `;`), by table lookup; comments, strings
/// and escapes go to `lex::token`, so both always agree. `None` at end of input.
#[inline]
pub(super) fn fast_token(s: &str) -> Option<(&str, &str)> {
    let b = s.as_bytes();
    let mut i = 0;
    while i < b.len() && CLASS[b[i] as usize] == 1 {
        i += 1;
    }
    let start = i;
    match b.get(i)? {
        b';' => return Some((&s[i + 1..], &s[i..i + 1])),
        b'#' | b'"' => return token(s).ok(),
        _ => {}
    }
    loop {
        while i < b.len() && CLASS[b[i] as usize] == 0 {
            i += 1;
        }
        // A backslash escapes the next byte, as in `lex::token`.
        if i < b.len() && b[i] == b'\\' {
            i += 2;
        } else {
            break;
        }
    }
    if i > b.len() || !s.is_char_boundary(i) {
        return token(s).ok();
    }
    Some((&s[i..], &s[start..i]))
}

/// A plain decimal integer (`-12`), the common case of [`lex::int`].
#[inline]
fn fast_int(t: &str) -> Option<i64> {
    let (neg, d) = match t.as_bytes() {
        [b'-', d @ ..] => (true, d),
        d => (false, d),
    };
    if d.is_empty() || d.len() > 18 {
        return None;
    }
    let mut v: i64 = 0;
    for &c in d {
        if !c.is_ascii_digit() {
            return None;
        }
        v = v * 10 + (c - b'0') as i64;
    }
    // Beyond the lexer's bound, let `lex::int` say it is out of range.
    (v <= lex::MAX_MAGNITUDE).then_some(if neg { -v } else { v })
}

/// The next token, or a failure naming what was expected when the file ends.
#[inline]
pub(super) fn tok<'a>(s: &'a str, what: impl FnOnce() -> String) -> PResult<'a, &'a str> {
    if let Some(r) = fast_token(s) {
        return Ok(r);
    }
    let at = sp(s);
    if at.is_empty() {
        cut_fail(at, format!("expected {}, found end of file", what()))
    } else {
        cut_fail(at, "unterminated string")
    }
}

/// Keyword `k` (case-insensitive), or a failure `expected 'k' <after>, found 't'`.
#[inline]
pub(super) fn expect<'a>(
    s: &'a str,
    k: &'static str,
    after: impl Fn() -> String,
) -> PResult<'a, ()> {
    let (r, t) = tok(s, || format!("'{k}' {}", after()))?;
    if t.eq_ignore_ascii_case(k) {
        Ok((r, ()))
    } else {
        cut_fail(
            sp(s),
            format!("expected '{k}' {}, found '{}'", after(), shorten(t)),
        )
    }
}

/// A name (any token but `;`).
#[inline]
pub(super) fn name<'a>(s: &'a str, what: impl Fn() -> String) -> PResult<'a, &'a str> {
    let (r, t) = tok(s, &what)?;
    if t == ";" {
        cut_fail(sp(s), format!("expected {}, found ';'", what()))
    } else {
        Ok((r, t))
    }
}

/// An integer; `what` names it in the error.
#[inline]
pub(super) fn num<'a>(s: &'a str, what: impl Fn() -> String) -> PResult<'a, i64> {
    let (r, t) = tok(s, &what)?;
    if let Some(v) = fast_int(t) {
        return Ok((r, v));
    }
    match cut(lex::int(s)) {
        Ok(x) => Ok(x),
        Err(nom::Err::Failure(e)) if e.message.contains("out of range") => {
            cut_fail(e.at, format!("{} {}", what(), e.message))
        }
        Err(_) => cut_fail(
            sp(s),
            format!("expected {} (an integer), found '{}'", what(), shorten(t)),
        ),
    }
}

/// A non-negative integer (counts, repeat numbers).
pub(super) fn count<'a>(s: &'a str, what: impl Fn() -> String) -> PResult<'a, usize> {
    let (r, v) = num(s, &what)?;
    if v < 0 {
        cut_fail(
            sp(s),
            format!("expected {} (a non-negative count), found {v}", what()),
        )
    } else {
        Ok((r, v as usize))
    }
}

/// A decimal number.
pub(super) fn real<'a>(s: &'a str, what: impl Fn() -> String) -> PResult<'a, f64> {
    let (r, t) = tok(s, &what)?;
    match t.parse::<f64>() {
        Ok(v) if v.is_finite() => Ok((r, v)),
        _ => cut_fail(
            sp(s),
            format!("expected {} (a number), found '{}'", what(), shorten(t)),
        ),
    }
}

/// `( x y )` with both coordinates given.
pub(super) fn point(s: &str) -> PResult<'_, Point> {
    let (s, _) = expect(s, "(", || "to open a point".into())?;
    let (s, x) = num(s, || "an x coordinate".into())?;
    let (s, y) = num(s, || "a y coordinate".into())?;
    let (s, _) = expect(s, ")", || "to close a point".into())?;
    Ok((s, Point::new(x, y)))
}

/// Two points, as a normalised rectangle.
pub(super) fn rect(s: &str) -> PResult<'_, Rect> {
    let (s, a) = point(s)?;
    let (s, b) = point(s)?;
    Ok((s, Rect::new(a.x, a.y, b.x, b.y)))
}

/// `( x|* y|* [ext] )` after `(` has been consumed; `*` repeats the coordinate of `prev`.
pub(super) fn star_point_rest(s: &str, prev: Point) -> PResult<'_, Point> {
    let coord = |s, p: i64, what: &'static str| -> PResult<'_, i64> {
        let (r, t) = tok(s, || what.into())?;
        if t == "*" {
            Ok((r, p))
        } else {
            num(s, || what.into())
        }
    };
    let (s, x) = coord(s, prev.x, "an x coordinate or '*'")?;
    let (s, y) = coord(s, prev.y, "a y coordinate or '*'")?;
    let (s2, t) = tok(s, || "')' to close a point".into())?;
    if t == ")" {
        return Ok((s2, Point::new(x, y)));
    }
    // The optional extension value is read and dropped.
    let (s, _) = num(s, || "an extension value or ')'".into())?;
    let (s, _) = expect(s, ")", || "to close a point".into())?;
    Ok((s, Point::new(x, y)))
}

/// An orientation name.
pub(super) fn orient(s: &str) -> PResult<'_, Orient> {
    let (r, t) = tok(s, || "an orientation".into())?;
    match Orient::parse(&upper(t)) {
        Some(o) => Ok((r, o)),
        None => cut_fail(
            sp(s),
            format!(
                "expected an orientation (N, S, E, W, FN, FS, FE, FW), found '{}'",
                shorten(t)
            ),
        ),
    }
}

/// The next token without consuming it ("" at end of file).
#[inline]
pub(super) fn peek(s: &str) -> &str {
    fast_token(s).map_or("", |(_, t)| t)
}

/// Skips the tokens of an option up to (not including) the next `+` or `;`.
pub(super) fn skip_option<'a>(s: &'a str, after: impl Fn() -> String) -> PResult<'a, ()> {
    let mut s = s;
    loop {
        let (r, t) = tok(s, || format!("';' {}", after()))?;
        if t == "+" || t == ";" {
            return Ok((s, ()));
        }
        s = r;
    }
}

/// Skips an unknown `+ KEYWORD ...` option with a warning (the `+ KEYWORD` already consumed).
pub(super) fn unknown_option<'a>(
    s: &'a str,
    at: &'a str,
    ctx: &mut Ctx<'a>,
    kw: &str,
    after: impl Fn() -> String,
) -> PResult<'a, ()> {
    ctx.warn(
        at,
        format!("skipped unknown option '+ {}' {}", shorten(kw), after()),
    );
    skip_option(s, after)
}

/// Skips a whole statement up to and including `;`.
pub(super) fn skip_stmt<'a>(s: &'a str, after: impl Fn() -> String) -> PResult<'a, ()> {
    let mut s = s;
    loop {
        let (r, t) = tok(s, || format!("';' {}", after()))?;
        s = r;
        if t == ";" {
            return Ok((s, ()));
        }
    }
}

/// Byte offset of `rest` inside `whole` (both views of the same text).
#[inline]
pub(super) fn off(whole: &str, rest: &str) -> usize {
    (rest.as_ptr() as usize).wrapping_sub(whole.as_ptr() as usize)
}

/// Reads `+ KW ...` options up to and including `;`, skipping the known ones in `known` silently
/// and the others with a warning.
pub(super) fn options_to_semi<'a>(
    s: &'a str,
    ctx: &mut Ctx<'a>,
    after: &dyn Fn() -> String,
    known: &[&str],
) -> PResult<'a, ()> {
    let mut s = s;
    loop {
        let s0 = sp(s);
        let (r, t) = tok(s0, || format!("'+' or ';' {}", after()))?;
        match t {
            ";" => return Ok((r, ())),
            "+" => {
                let (r2, k) = name(r, || "an option keyword after '+'".into())?;
                let ku = upper(k);
                s = if known.contains(&ku.as_ref()) {
                    skip_option(r2, after)?.0
                } else {
                    unknown_option(r2, s0, ctx, k, after)?.0
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
}

/// `layer [MASK n]` or `layer [+ MASK n]` (the DEF 5.8 mask of a pin, via or net shape).
pub(super) fn layer_and_mask(s: &str) -> PResult<'_, &str> {
    let (s, l) = name(s, || "a layer name".into())?;
    let (r, t) = match fast_token(s) {
        Some(x) => x,
        None => return Ok((s, l)),
    };
    let r = if t == "+" {
        match fast_token(r) {
            Some((r2, k)) if k.eq_ignore_ascii_case("MASK") => r2,
            _ => return Ok((s, l)),
        }
    } else if t.eq_ignore_ascii_case("MASK") {
        r
    } else {
        return Ok((s, l));
    };
    let (r, _) = num(r, || "a mask number".into())?;
    Ok((r, l))
}

/// Points up to (not including) the next `+` or `;`, at least 3; `*` repeats the previous value.
pub(super) fn polygon_points(s: &str) -> PResult<'_, Vec<Point>> {
    let mut pts = Vec::new();
    let mut s = s;
    let mut prev = Point::default();
    loop {
        let s0 = sp(s);
        let t = peek(s0);
        if t == "+" || t == ";" || t.is_empty() {
            if pts.len() < 3 {
                return cut_fail(
                    s0,
                    format!("expected at least 3 polygon points, found {}", pts.len()),
                );
            }
            return Ok((s0, pts));
        }
        let (r, _) = expect(s0, "(", || "to open a polygon point".into())?;
        let (r, p) = star_point_rest(r, prev)?;
        pts.push(p);
        prev = p;
        s = r;
    }
}
