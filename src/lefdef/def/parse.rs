//! DEF grammar: the entry points [`parse`] and [`parse_with`], the top-level statement loop, the
//! header statements and the small sections (ROWS, TRACKS, GCELLGRID, VIAS, REGIONS, BLOCKAGES,
//! GROUPS, skipped sections), plus the helpers every section uses: [`Ctx`], points, keywords and the
//! generic `- item ... ;` section loop with its optional parallel, chunked variant.
//!
//! The big sections live beside this file: `components.rs`, `pins.rs` and `nets.rs` (NETS and
//! SPECIALNETS with their wiring). Every error is a `nom::Err::Failure` at the first byte that does
//! not fit, labelled by context (`DEF > COMPONENTS > u42`), so the caller never backtracks.

use super::{Axis, Blockage, Def, DefVia, GCellGridLine, Group, Region, Row, Tracks};
use crate::geom::{Orient, Point, Rect};
use crate::lefdef::lex::{self, context, cut, cut_fail, shorten, sp, token, PResult};
use crate::lefdef::{Error, Warning};
use std::borrow::Cow;
use std::path::Path;

/// What to keep while reading.
#[derive(Clone, Copy, Debug, Default)]
pub struct ParseOptions {
    /// Keep the routed wiring of regular nets (it is skipped cheaply otherwise).
    pub keep_net_wiring: bool,
}

/// Parses one DEF file's text with default options.
pub fn parse(text: &str, path: &Path) -> Result<(Def, Vec<Warning>), Error> {
    parse_with(text, path, ParseOptions::default())
}

/// Parses one DEF file's text. `path` is used in errors and warnings only.
pub fn parse_with(text: &str, path: &Path, o: ParseOptions) -> Result<(Def, Vec<Warning>), Error> {
    let mut ctx = Ctx {
        whole: text,
        opts: o,
        warnings: Vec::new(),
    };
    let mut def = Def::default();
    let body = text.strip_prefix('\u{feff}').unwrap_or(text);
    match context(|| "DEF".into(), design(body, &mut ctx, &mut def)) {
        Ok(_) => Ok((def, ctx.into_warnings(path))),
        Err(nom::Err::Error(e)) | Err(nom::Err::Failure(e)) => {
            Err(Error::Syntax(e.into_syntax_error(text, path)))
        }
        Err(nom::Err::Incomplete(_)) => {
            let e = lex::PError::new(&text[text.len()..], "unexpected end of file");
            Err(Error::Syntax(e.into_syntax_error(text, path)))
        }
    }
}

/// Parse state shared by the grammar functions: the whole text (for warning offsets), the options
/// and the warnings so far as (byte offset, message); line and column are computed once at the end.
pub(super) struct Ctx<'a> {
    pub whole: &'a str,
    pub opts: ParseOptions,
    pub warnings: Vec<(usize, String)>,
}

impl<'a> Ctx<'a> {
    /// Records a warning at the next token of `at`.
    pub fn warn(&mut self, at: &'a str, message: String) {
        let at = sp(at);
        let off = (at.as_ptr() as usize)
            .wrapping_sub(self.whole.as_ptr() as usize)
            .min(self.whole.len());
        self.warnings.push((off, message));
    }

    /// A context for a parallel chunk: same text and options, its own warnings.
    pub fn fork(&self) -> Ctx<'a> {
        Ctx {
            whole: self.whole,
            opts: self.opts,
            warnings: Vec::new(),
        }
    }

    /// Line and column computed in one pass (warnings are in file order, so this is linear).
    fn into_warnings(self, path: &Path) -> Vec<Warning> {
        let mut ws = self.warnings;
        ws.sort_by_key(|w| w.0);
        let bytes = self.whole.as_bytes();
        let (mut line, mut line_start, mut pos) = (1usize, 0usize, 0usize);
        ws.into_iter()
            .map(|(off, message)| {
                let off = off.min(bytes.len());
                for i in memchr::memchr_iter(b'\n', &bytes[pos..off]) {
                    line += 1;
                    line_start = pos + i + 1;
                }
                pos = off;
                let column = self
                    .whole
                    .get(line_start..off)
                    .map_or(1, |t| t.chars().count() + 1);
                Warning {
                    path: path.to_path_buf(),
                    line,
                    column,
                    message,
                }
            })
            .collect()
    }
}

// ---------------------------------------------------------------------------------------------
// Token helpers. All fail with `Failure`: DEF has no alternatives worth backtracking into.

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
    Some(if neg { -v } else { v })
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

// ---------------------------------------------------------------------------------------------
// Sections of `- item ... ;` statements.

/// An item parser: called after the `-`, returns the item.
pub(super) type ItemFn<T> = for<'a> fn(&'a str, &mut Ctx<'a>) -> PResult<'a, T>;

/// A whole `KW n ; - item ... ; ... END KW` section (the `KW` already consumed): checks that the
/// count matches. Large sections are split at statement boundaries and parsed in parallel when
/// rayon has more than one thread; the result is the same as the sequential one, and any trouble
/// in a chunk (an error, a split that was not a real statement boundary) falls back to the
/// sequential parse so that errors are exactly the sequential ones.
pub(super) fn section<'a, T: Send>(
    s: &'a str,
    ctx: &mut Ctx<'a>,
    kw: &'static str,
    item: ItemFn<T>,
    parallel: bool,
) -> PResult<'a, Vec<T>> {
    context(
        || kw.to_string(),
        (|| {
            let (s, n) = count(s, || format!("the number of {kw}"))?;
            let (s, _) = expect(s, ";", || format!("after the {kw} count"))?;
            // The count comes from the file: trust it only as far as the input could hold that many.
            let mut items: Vec<T> = Vec::with_capacity(n.min(s.len() / 8).min(1 << 20));
            let mut s = s;
            if parallel && rayon::current_num_threads() > 1 {
                if let Some(rest) = parallel_items(s, ctx, kw, item, &mut items) {
                    s = rest;
                }
            }
            loop {
                let s0 = sp(s);
                let (r, t) = tok(s0, || format!("'-' or 'END {kw}'"))?;
                if t == "-" {
                    let (r, x) = item(r, ctx)?;
                    items.push(x);
                    s = r;
                } else if t.eq_ignore_ascii_case("END") {
                    let (r, _) = expect(r, kw, || "after END".into())?;
                    if items.len() != n {
                        return cut_fail(
                            s0,
                            format!("{kw} section declares {n} items but holds {}", items.len()),
                        );
                    }
                    return Ok((r, items));
                } else {
                    return cut_fail(
                        s0,
                        format!("expected '-' or 'END {kw}', found '{}'", shorten(t)),
                    );
                }
            }
        })(),
    )
}

/// The items and warnings of one parallel chunk.
type Chunk<T> = (Vec<T>, Vec<(usize, String)>);

/// Below this many bytes a section is parsed sequentially.
const PARALLEL_MIN: usize = 256 * 1024;

/// Parses the items of a large section in chunks in parallel, appending them to `items`; returns
/// the input at `END kw`, or `None` (nothing appended) when the sequential parse must do it.
fn parallel_items<'a, T: Send>(
    s: &'a str,
    ctx: &mut Ctx<'a>,
    kw: &'static str,
    item: ItemFn<T>,
    items: &mut Vec<T>,
) -> Option<&'a str> {
    let b = s.as_bytes();
    if b.len() < PARALLEL_MIN {
        return None;
    }
    // The section's end: `END kw` at the start of a line.
    let pat = format!("\nEND {kw}");
    let end = memchr::memmem::find(b, pat.as_bytes())? + 1;
    if end < PARALLEL_MIN {
        return None;
    }
    let nchunks = (rayon::current_num_threads() * 4)
        .min(end / (PARALLEL_MIN / 4))
        .max(2);
    let mut bounds = vec![0usize];
    for k in 1..nchunks {
        let from = (end * k / nchunks).max(*bounds.last()?);
        if let Some(p) = next_boundary(&b[..end], from) {
            if p > *bounds.last()? {
                bounds.push(p);
            }
        }
    }
    bounds.push(end);
    let ranges: Vec<(usize, usize)> = bounds.windows(2).map(|w| (w[0], w[1])).collect();
    let base = ctx.fork();
    let results: Vec<Option<Chunk<T>>> = {
        use rayon::prelude::*;
        ranges
            .par_iter()
            .map(|&(a, z)| {
                let mut c = base.fork();
                let mut out = Vec::new();
                let mut r = &s[a..];
                loop {
                    let t0 = sp(r);
                    if off(s, t0) >= z {
                        break;
                    }
                    let (r1, t) = fast_token(t0)?;
                    if t != "-" {
                        return None;
                    }
                    let (r2, x) = item(r1, &mut c).ok()?;
                    if off(s, r2) > z {
                        return None;
                    }
                    out.push(x);
                    r = r2;
                }
                Some((out, c.warnings))
            })
            .collect()
    };
    if results.iter().any(|r| r.is_none()) {
        return None;
    }
    for (out, ws) in results.into_iter().flatten() {
        items.extend(out);
        ctx.warnings.extend(ws);
    }
    Some(&s[end..])
}

/// The byte just after a `;` that ends a line and is followed by a line starting with `-`, at or
/// after `from`.
fn next_boundary(b: &[u8], from: usize) -> Option<usize> {
    let mut i = from;
    while let Some(j) = memchr::memchr(b';', b.get(i..)?) {
        let semi = i + j;
        let mut k = semi + 1;
        while k < b.len() && matches!(b[k], b' ' | b'\t' | b'\r') {
            k += 1;
        }
        if k < b.len() && b[k] == b'\n' {
            while k < b.len() && matches!(b[k], b' ' | b'\t' | b'\r' | b'\n') {
                k += 1;
            }
            if k + 1 < b.len() && b[k] == b'-' && matches!(b[k + 1], b' ' | b'\t') {
                return Some(semi + 1);
            }
        }
        i = semi + 1;
    }
    None
}

// ---------------------------------------------------------------------------------------------
// The design.

/// Top-level statements up to `END DESIGN`.
fn design<'a>(s: &'a str, ctx: &mut Ctx<'a>, def: &mut Def) -> PResult<'a, ()> {
    let mut s = s;
    loop {
        let s0 = sp(s);
        let (r, t) = tok(s0, || "a DEF statement or 'END DESIGN'".into())?;
        let k = upper(t);
        s = match k.as_ref() {
            "VERSION" => {
                let (r, v) = name(r, || "a version after VERSION".into())?;
                def.version = Some(v.to_string());
                expect(r, ";", || "after VERSION".into())?.0
            }
            "DIVIDERCHAR" => {
                let (r, v) = quoted(r, "DIVIDERCHAR")?;
                def.divider_char = Some(v);
                r
            }
            "BUSBITCHARS" => {
                let (r, v) = quoted(r, "BUSBITCHARS")?;
                def.bus_bit_chars = Some(v);
                r
            }
            "DESIGN" => {
                let (r, v) = name(r, || "a design name after DESIGN".into())?;
                def.design = v.to_string();
                expect(r, ";", || "after the design name".into())?.0
            }
            "UNITS" => {
                let (r, _) = expect(r, "DISTANCE", || "after UNITS".into())?;
                let (r, _) = expect(r, "MICRONS", || "after UNITS DISTANCE".into())?;
                let (r2, v) = num(r, || "the DBU per micron".into())?;
                if v <= 0 || v > 1_000_000 {
                    return cut_fail(
                        sp(r),
                        format!("expected a positive DBU per micron, found {v}"),
                    );
                }
                def.dbu_per_micron = v as u32;
                expect(r2, ";", || "after UNITS DISTANCE MICRONS".into())?.0
            }
            "DIEAREA" => context(|| "DIEAREA".into(), die_area(r, def))?.0,
            "ROW" => {
                let (r, row) = context(|| "ROW".into(), row(r, ctx))?;
                def.rows.push(row);
                r
            }
            "TRACKS" => {
                let (r, t) = context(|| "TRACKS".into(), tracks(r, ctx))?;
                def.tracks.push(t);
                r
            }
            "GCELLGRID" => {
                let (r, g) = context(|| "GCELLGRID".into(), gcell_grid(r))?;
                def.gcell_grid.push(g);
                r
            }
            "VIAS" => {
                let (r, v) = section(r, ctx, "VIAS", via, false)?;
                def.vias.extend(v);
                r
            }
            "NONDEFAULTRULES" => {
                let (r, v) = section(r, ctx, "NONDEFAULTRULES", ndr, false)?;
                def.ndrs.extend(v);
                r
            }
            "REGIONS" => {
                let (r, v) = section(r, ctx, "REGIONS", region, false)?;
                def.regions.extend(v);
                r
            }
            "COMPONENTS" => {
                let (r, v) = section(r, ctx, "COMPONENTS", super::components::component, true)?;
                def.components.extend(v);
                r
            }
            "PINS" => {
                let (r, v) = section(r, ctx, "PINS", super::pins::pin, false)?;
                def.pins.extend(v);
                r
            }
            "BLOCKAGES" => {
                let (r, v) = section(r, ctx, "BLOCKAGES", blockage, false)?;
                def.blockages.extend(v);
                r
            }
            "SPECIALNETS" => {
                let (r, v) = section(r, ctx, "SPECIALNETS", super::nets::special_net, true)?;
                def.special_nets.extend(v);
                r
            }
            "NETS" => {
                let (r, v) = section(r, ctx, "NETS", super::nets::net, true)?;
                def.nets.extend(v);
                r
            }
            "GROUPS" => {
                let (r, v) = section(r, ctx, "GROUPS", group, false)?;
                def.groups.extend(v);
                r
            }
            "PROPERTYDEFINITIONS" => skip_block(r, "PROPERTYDEFINITIONS")?.0,
            "STYLES" | "PINPROPERTIES" | "SLOTS" | "FILLS" | "SCANCHAINS" => {
                let kw: &'static str = match k.as_ref() {
                    "STYLES" => "STYLES",
                    "PINPROPERTIES" => "PINPROPERTIES",
                    "SLOTS" => "SLOTS",
                    "FILLS" => "FILLS",
                    _ => "SCANCHAINS",
                };
                let (r, _) = section(r, ctx, kw, skip_item, false)?;
                r
            }
            "BEGINEXT" => skip_ext(r)?.0,
            "HISTORY" | "TECHNOLOGY" | "COMPONENTMASKSHIFT" | "NAMESCASESENSITIVE"
            | "NAMEMAPSTRING" => {
                let kw = k.into_owned();
                skip_stmt(r, || format!("after {kw}"))?.0
            }
            "END" => {
                let (r, _) = expect(r, "DESIGN", || "after END at the top level".into())?;
                if !sp(r).is_empty() {
                    ctx.warn(r, "ignored text after END DESIGN".into());
                }
                return Ok((r, ()));
            }
            ";" => return cut_fail(s0, "expected a DEF statement, found ';'"),
            _ => {
                ctx.warn(s0, format!("skipped unknown statement '{}'", shorten(t)));
                skip_stmt(r, || format!("after '{}'", shorten(t)))?.0
            }
        };
    }
}

/// `"c" ;` after DIVIDERCHAR / BUSBITCHARS: the string without its quotes.
fn quoted<'a>(s: &'a str, kw: &'static str) -> PResult<'a, String> {
    let (r, t) = name(s, || format!("a quoted string after {kw}"))?;
    let v = t
        .strip_prefix('"')
        .and_then(|t| t.strip_suffix('"'))
        .unwrap_or(t);
    let (r, _) = expect(r, ";", || format!("after {kw}"))?;
    Ok((r, v.to_string()))
}

/// `DIEAREA pt pt [pt ...] ;`
fn die_area<'a>(s: &'a str, def: &mut Def) -> PResult<'a, ()> {
    let mut s = s;
    let mut pts = Vec::new();
    loop {
        if peek(s) == ";" {
            let s0 = sp(s);
            if pts.len() < 2 {
                return cut_fail(
                    s0,
                    format!("expected at least 2 points in DIEAREA, found {}", pts.len()),
                );
            }
            def.die_area = pts;
            return Ok((&s0[1..], ()));
        }
        let (r, p) = point(s)?;
        pts.push(p);
        s = r;
    }
}

/// `ROW name site x y orient [DO n BY m [STEP sx sy]] [+ PROPERTY ...] ;`
fn row<'a>(s: &'a str, ctx: &mut Ctx<'a>) -> PResult<'a, Row> {
    let (s, rname) = name(s, || "a row name".into())?;
    context(
        || rname.to_string(),
        (|| {
            let (s, site) = name(s, || "a site name".into())?;
            let (s, x) = num(s, || "the row x".into())?;
            let (s, y) = num(s, || "the row y".into())?;
            let (s, o) = orient(s)?;
            let mut row = Row {
                name: rname.to_string(),
                site: site.to_string(),
                origin: Point::new(x, y),
                orient: o,
                num_x: 1,
                num_y: 1,
                step_x: 0,
                step_y: 0,
            };
            let mut s = s;
            if peek(s).eq_ignore_ascii_case("DO") {
                let (r, _) = tok(s, String::new)?;
                let (r, nx) = count(r, || "the DO count".into())?;
                let (r, _) = expect(r, "BY", || "after DO n".into())?;
                let (r, ny) = count(r, || "the BY count".into())?;
                row.num_x = nx as i64;
                row.num_y = ny as i64;
                s = r;
                if peek(s).eq_ignore_ascii_case("STEP") {
                    let (r, _) = tok(s, String::new)?;
                    let (r, sx) = num(r, || "the x step".into())?;
                    let (r, sy) = num(r, || "the y step".into())?;
                    row.step_x = sx;
                    row.step_y = sy;
                    s = r;
                }
            }
            let s = options_to_semi(s, ctx, &|| format!("after row {rname}"), &["PROPERTY"])?.0;
            Ok((s, row))
        })(),
    )
}

/// Reads `+ KW ...` options up to and including `;`, skipping the known ones in `known` silently
/// and the others with a warning.
fn options_to_semi<'a>(
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

/// `TRACKS [X|Y] start DO n STEP step [MASK m [SAMEMASK]] [LAYER l ...] ;`
fn tracks<'a>(s: &'a str, _ctx: &mut Ctx<'a>) -> PResult<'a, Tracks> {
    let (s, axis) = axis(s)?;
    let (s, start) = num(s, || "the first track".into())?;
    let (s, _) = expect(s, "DO", || "after the first track".into())?;
    let (s, n) = count(s, || "the number of tracks".into())?;
    let (s, _) = expect(s, "STEP", || "after DO n".into())?;
    let (s, step) = num(s, || "the track step".into())?;
    let mut layers = Vec::new();
    let mut s = s;
    loop {
        let s0 = sp(s);
        let (r, t) = tok(s0, || "';' after TRACKS".into())?;
        match upper(t).as_ref() {
            ";" => {
                break Ok((
                    r,
                    Tracks {
                        axis,
                        start,
                        num: n as i64,
                        step,
                        layers,
                    },
                ))
            }
            "MASK" => {
                let (r, _) = num(r, || "a mask number".into())?;
                s = if peek(r).eq_ignore_ascii_case("SAMEMASK") {
                    tok(r, String::new)?.0
                } else {
                    r
                };
            }
            "LAYER" => {
                let mut r = r;
                loop {
                    let p = peek(r);
                    if p == ";" || p.eq_ignore_ascii_case("LAYER") || p.eq_ignore_ascii_case("MASK")
                    {
                        break;
                    }
                    let (r2, l) = name(r, || "a layer name".into())?;
                    layers.push(l.to_string());
                    r = r2;
                }
                s = r;
            }
            _ => {
                return cut_fail(
                    s0,
                    format!(
                        "expected 'LAYER', 'MASK' or ';' in TRACKS, found '{}'",
                        shorten(t)
                    ),
                )
            }
        }
    }
}

fn axis(s: &str) -> PResult<'_, Axis> {
    let (r, t) = tok(s, || "X or Y".into())?;
    match t {
        "X" | "x" => Ok((r, Axis::X)),
        "Y" | "y" => Ok((r, Axis::Y)),
        _ => cut_fail(sp(s), format!("expected X or Y, found '{}'", shorten(t))),
    }
}

/// `GCELLGRID X|Y start DO n STEP step ;`
fn gcell_grid(s: &str) -> PResult<'_, GCellGridLine> {
    let (s, axis) = axis(s)?;
    let (s, start) = num(s, || "the first grid line".into())?;
    let (s, _) = expect(s, "DO", || "after the first grid line".into())?;
    let (s, n) = count(s, || "the number of grid lines".into())?;
    let (s, _) = expect(s, "STEP", || "after DO n".into())?;
    let (s, step) = num(s, || "the grid step".into())?;
    let (s, _) = expect(s, ";", || "after GCELLGRID".into())?;
    Ok((
        s,
        GCellGridLine {
            axis,
            start,
            num: n as i64,
            step,
        },
    ))
}

/// `- name [+ RECT l [+ MASK n] pt pt] [+ POLYGON l [+ MASK n] pt...] [+ VIARULE ...] ;`
/// Via-rule parameters are read and dropped (no shapes); polygons are kept as bounding boxes.
fn via<'a>(s: &'a str, ctx: &mut Ctx<'a>) -> PResult<'a, DefVia> {
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

/// `- name ... ;` of NONDEFAULTRULES: the name is kept, the rule skipped.
fn ndr<'a>(s: &'a str, _ctx: &mut Ctx<'a>) -> PResult<'a, String> {
    let (s, n) = name(s, || "a rule name".into())?;
    let (s, _) = context(|| n.to_string(), skip_stmt(s, || format!("after rule {n}")))?;
    Ok((s, n.to_string()))
}

/// Any `- ... ;` statement, skipped (STYLES, PINPROPERTIES, SLOTS, FILLS, SCANCHAINS).
fn skip_item<'a>(s: &'a str, _ctx: &mut Ctx<'a>) -> PResult<'a, ()> {
    skip_stmt(s, || "to end the statement".into())
}

/// `KW ... END KW` skipped statement by statement (PROPERTYDEFINITIONS).
fn skip_block<'a>(s: &'a str, kw: &'static str) -> PResult<'a, ()> {
    context(
        || kw.into(),
        (|| {
            let mut s = s;
            loop {
                let s0 = sp(s);
                let (r, t) = tok(s0, || format!("'END {kw}'"))?;
                if t.eq_ignore_ascii_case("END") {
                    return expect(r, kw, || "after END".into());
                }
                s = skip_stmt(s0, || "to end the statement".into())?.0;
            }
        })(),
    )
}

/// `BEGINEXT "tag" ... ENDEXT`.
fn skip_ext(s: &str) -> PResult<'_, ()> {
    let mut s = s;
    loop {
        let (r, t) = tok(s, || "'ENDEXT'".into())?;
        if t.eq_ignore_ascii_case("ENDEXT") {
            return Ok((r, ()));
        }
        s = r;
    }
}

/// `- name pt pt [pt pt ...] [+ TYPE FENCE|GUIDE] [+ PROPERTY ...] ;`
fn region<'a>(s: &'a str, ctx: &mut Ctx<'a>) -> PResult<'a, Region> {
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

/// `- name [member ...] [+ REGION r] [+ SOFT ...] [+ PROPERTY ...] ;`
fn group<'a>(s: &'a str, ctx: &mut Ctx<'a>) -> PResult<'a, Group> {
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

/// `- LAYER l [+ ...] {RECT pt pt | POLYGON pt...}... ;` or
/// `- PLACEMENT [+ SOFT | + PARTIAL d] [+ ...] {RECT | POLYGON}... ;`
fn blockage<'a>(s: &'a str, ctx: &mut Ctx<'a>) -> PResult<'a, Blockage> {
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
                    let mut pts = Vec::new();
                    let mut r = r;
                    while peek(r) == "(" {
                        let (r2, p) = point(r)?;
                        pts.push(p);
                        r = r2;
                    }
                    if pts.len() < 3 {
                        return cut_fail(
                            sp(r),
                            format!("expected at least 3 polygon points, found {}", pts.len()),
                        );
                    }
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

/// An unknown blockage option: tokens up to the next `+`, `;`, RECT or POLYGON.
fn skip_blockage_option(s: &str) -> PResult<'_, ()> {
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
