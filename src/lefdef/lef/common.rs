//! Pieces every LEF section grammar shares: keyword dispatch, names that must not be numbers,
//! non-negative values, `END name` checks, skipping statements mpgd does not read, and the
//! warning sink.
//!
//! Skipping is where a reader silently misreads, so the skippers here refuse to run past the
//! enclosing block's `END name` or into a section keyword (`MACRO`, `PIN`, ...): a missing `;` or
//! `END` is reported where it happened instead of swallowing the next statements.

use crate::lefdef::lex::{cut, cut_fail, fail, float, peek, shorten, sp, token, PError, PResult};
use crate::lefdef::{line_column, Warning};
use std::path::Path;

/// The result of a step that returns no rest of input beside its value (a check such as
/// [`number`], or a step whose `T` carries the rest itself).
pub(super) type R<'a, T> = Result<T, nom::Err<PError<'a>>>;

/// Warnings as (bytes left in the input, message); line and column are computed once, in
/// [`Warnings::finish`], so a warning costs no scan of the file when it is raised.
#[derive(Debug, Default)]
pub(super) struct Warnings {
    items: Vec<(usize, String)>,
}

impl Warnings {
    /// Records `message` at the start of the next token of `at`.
    pub fn push(&mut self, at: &str, message: String) {
        self.items.push((sp(at).len(), message));
    }

    /// Turns the recorded positions into 1-based line:column in `whole`, in file order.
    pub fn finish(self, whole: &str, path: &Path) -> Vec<Warning> {
        let mut items: Vec<(usize, String)> = self
            .items
            .into_iter()
            .map(|(left, m)| (whole.len().saturating_sub(left), m))
            .collect();
        items.sort_by_key(|(offset, _)| *offset);
        // One pass over the text: count newlines between consecutive warnings.
        let (mut pos, mut line, mut line_start) = (0usize, 1usize, 0usize);
        let mut out = Vec::with_capacity(items.len());
        for (offset, message) in items {
            let offset = offset.min(whole.len());
            let gap = whole.as_bytes().get(pos..offset).unwrap_or(&[]);
            line += memchr::memchr_iter(b'\n', gap).count();
            if let Some(i) = memchr::memrchr(b'\n', gap) {
                line_start = pos + i + 1;
            }
            pos = offset;
            let column = match whole.get(line_start..offset) {
                Some(t) => t.chars().count() + 1,
                None => line_column(whole, offset).1,
            };
            out.push(Warning {
                path: path.to_path_buf(),
                line,
                column,
                message,
            });
        }
        out
    }
}

/// `t` upper-cased into `buf`, for `match`ing against keywords without allocating; a token too
/// long to be a keyword gives `""`, which matches none.
pub(super) fn upper<'b>(t: &str, buf: &'b mut [u8; 40]) -> &'b str {
    let b = t.as_bytes();
    match buf.get_mut(..b.len()) {
        Some(out) => {
            out.copy_from_slice(b);
            out.make_ascii_uppercase();
            std::str::from_utf8(out).unwrap_or("")
        }
        None => "",
    }
}

/// True for a token shaped like a LEF keyword (a letter, then letters, digits or `_`): the only
/// tokens an unknown statement may start with; anything else is a broken file, not new syntax.
pub(super) fn is_keyword_like(t: &str) -> bool {
    let b = t.as_bytes();
    matches!(b.first(), Some(c) if c.is_ascii_alphabetic())
        && b.iter().all(|c| c.is_ascii_alphanumeric() || *c == b'_')
}

/// True for a token that reads as a number (so it cannot be a name).
pub(super) fn is_number(t: &str) -> bool {
    matches!(t.as_bytes().first(), Some(b'0'..=b'9' | b'-' | b'+' | b'.'))
        && t.parse::<f64>().is_ok()
}

/// A name (layer, macro, pin, site, via): any token but `;`, a number or a quoted string.
pub(super) fn ident(s: &str) -> PResult<'_, &str> {
    let (rest, t) = token_or(s, || "expected a name, found end of file".into())?;
    if t == ";" || t.starts_with('"') || is_number(t) {
        fail(sp(s), format!("expected a name, found '{}'", shorten(t)))
    } else {
        Ok((rest, t))
    }
}

/// Token `t`, already read from `at`, as a number: the rules and message of
/// [`lex::float`](crate::lefdef::lex::float), without reading the token a second time.
pub(super) fn number<'a>(at: &'a str, t: &str) -> R<'a, f64> {
    match t.parse::<f64>() {
        Ok(v) if v.is_finite() => Ok(v),
        _ => Err(nom::Err::Error(PError::new(
            sp(at),
            format!("expected a number, found '{}'", shorten(t)),
        ))),
    }
}

/// A coordinate: [`lex::float`](crate::lefdef::lex::float) with a fast path for plain decimals
/// (`-0.085000`), which are most of a cell library's bytes; same values, same errors.
pub(super) fn coord(s: &str) -> PResult<'_, f64> {
    let (rest, t) = token(s)?;
    match plain_decimal(t) {
        Some(v) => Ok((rest, v)),
        None => Ok((rest, number(s, t)?)),
    }
}

/// `[+-]digits[.digits]` with at most 15 digits, exactly as `str::parse::<f64>` reads it: the
/// digits form an integer below 2^53 and the divisor a power of ten below 10^16, both exact in
/// an `f64`, so one division rounds correctly (Clinger's fast path). `None` for anything else.
pub(super) fn plain_decimal(t: &str) -> Option<f64> {
    const POW10: [f64; 16] = [
        1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15,
    ];
    let b = t.as_bytes();
    let (neg, digits) = match b.split_first()? {
        (b'-', rest) => (true, rest),
        (b'+', rest) => (false, rest),
        _ => (false, b),
    };
    let (mut m, mut n, mut frac, mut dot) = (0u64, 0usize, 0usize, false);
    for &c in digits {
        match c {
            b'0'..=b'9' => {
                m = m * 10 + u64::from(c - b'0');
                n += 1;
                frac += usize::from(dot);
                if n > 15 {
                    return None;
                }
            }
            b'.' if !dot => dot = true,
            _ => return None,
        }
    }
    if n == 0 {
        return None;
    }
    let v = m as f64 / POW10.get(frac).copied()?;
    Some(if neg { -v } else { v })
}

/// A number that must not be negative (sizes, widths, pitches, spacings).
pub(super) fn nonneg(s: &str) -> PResult<'_, f64> {
    let (rest, v) = float(s)?;
    if v < 0.0 {
        let t = peek(s).unwrap_or_default();
        fail(
            sp(s),
            format!("expected a non-negative number, found '{}'", shorten(t)),
        )
    } else {
        Ok((rest, v))
    }
}

/// One or more keyword-like words up to `;`, upper-cased and joined by spaces (`CORE WELLTAP`,
/// `OUTPUT TRISTATE`).
pub(super) fn words(s: &str) -> PResult<'_, String> {
    let mut out = String::new();
    let mut s = s;
    loop {
        let (rest, t) = token_or(s, || "expected ';', found end of file".into())?;
        if t == ";" {
            if out.is_empty() {
                return fail(sp(s), "expected a keyword, found ';'");
            }
            return Ok((rest, out));
        }
        if !is_keyword_like(t) {
            let what = if out.is_empty() { "a keyword" } else { "';'" };
            return fail(sp(s), format!("expected {what}, found '{}'", shorten(t)));
        }
        if !out.is_empty() {
            out.push(' ');
        }
        out.push_str(t);
        out.make_ascii_uppercase();
        s = rest;
    }
}

/// The next token; at end of file the error says `at_eof()` ("expected ';', found end of
/// file") rather than the lexer's generic message, while other lexing errors (an unterminated
/// string) keep theirs.
pub(super) fn token_or<'a>(s: &'a str, at_eof: impl FnOnce() -> String) -> PResult<'a, &'a str> {
    let s = sp(s);
    if s.is_empty() {
        fail(s, at_eof())
    } else {
        token(s)
    }
}

/// Consumes keyword `k` (any case) if it is next; `true` when it did. Unlike
/// [`lex::opt_keyword`](crate::lefdef::lex::opt_keyword) it builds no error message when the
/// keyword is absent, which matters on every `RECT` (checked for `MASK` and `ITERATE`).
pub(super) fn opt_kw<'a>(s: &'a str, k: &str) -> (&'a str, bool) {
    match token(s) {
        Ok((rest, t)) if t.eq_ignore_ascii_case(k) => (rest, true),
        _ => (s, false),
    }
}

/// The next statement keyword of a block that `end` (e.g. `END metal1`) closes: the token and the
/// input after it; end of file here means the block was never closed.
pub(super) fn next_statement<'a>(s: &'a str, end: &dyn Fn() -> String) -> PResult<'a, &'a str> {
    cut(token_or(s, || {
        format!("expected '{}', found end of file", end())
    }))
}

/// After the `END` at `at` (with `after` following it): the block's `name` must come next.
pub(super) fn end_name<'a>(at: &'a str, after: &'a str, name: &str) -> PResult<'a, ()> {
    match token(after) {
        Ok((rest, t)) if t == name => Ok((rest, ())),
        Ok((_, t)) => cut_fail(
            sp(at),
            format!(
                "expected 'END {}', found 'END {}'",
                shorten(name),
                shorten(t)
            ),
        ),
        Err(_) => cut_fail(
            sp(at),
            format!(
                "expected 'END {}', found 'END' at end of file",
                shorten(name)
            ),
        ),
    }
}

/// Keywords that open a section or a block of their own: met inside another block they mean
/// that block lost its `END`.
const SECTION_KEYWORDS: &[&str] = &[
    "LAYER",
    "VIA",
    "VIARULE",
    "SITE",
    "MACRO",
    "PIN",
    "PORT",
    "OBS",
    "NONDEFAULTRULE",
    "PROPERTYDEFINITIONS",
    "UNITS",
    "BEGINEXT",
    "LIBRARY",
];

/// Where a skipped statement must stop: the enclosing block's closing `END` (`None`: a bare
/// `END`, as for `PORT` and `OBS`).
#[derive(Clone, Copy)]
pub(super) struct Block<'n> {
    /// The name after `END`, or `None` for blocks closed by a bare `END`.
    pub name: Option<&'n str>,
}

impl Block<'_> {
    /// `END metal1`, or `END` for a bare-END block.
    pub fn end_label(&self) -> String {
        match self.name {
            Some(n) => format!("END {}", shorten(n)),
            None => "END".into(),
        }
    }

    /// True when `t` followed by `after` closes this block.
    fn closes(&self, t: &str, after: &str) -> bool {
        t.eq_ignore_ascii_case("END")
            && match self.name {
                Some(n) => peek(after) == Some(n),
                None => true,
            }
    }
}

/// Skips a statement mpgd does not read, up to and including its `;`. `s` starts after the
/// keyword. Stops with an error instead of running past the block's `END`.
pub(super) fn skip_in_block<'a>(s: &'a str, block: Block<'_>) -> PResult<'a, ()> {
    let mut s = s;
    loop {
        let (rest, t) = cut(token_or(s, || "expected ';', found end of file".into()))?;
        if t == ";" {
            return Ok((rest, ()));
        }
        if block.closes(t, rest) {
            let found = match (block.name, peek(rest)) {
                (Some(_), Some(n)) => format!("END {}", shorten(n)),
                _ => "END".into(),
            };
            return cut_fail(sp(s), format!("expected ';', found '{found}'"));
        }
        s = rest;
    }
}

/// An unknown statement whose keyword `t` sits at `at` (and `s` follows it): skipped with a
/// warning when it looks like a keyword, an error when it is a number, a string, a stray `;`,
/// or a section keyword (the block lost its `END`).
pub(super) fn unknown<'a>(
    at: &'a str,
    s: &'a str,
    t: &str,
    block: Block<'_>,
    within: &dyn Fn() -> String,
    w: &mut Warnings,
) -> PResult<'a, ()> {
    let mut buf = [0u8; 40];
    let k = upper(t, &mut buf);
    if SECTION_KEYWORDS.contains(&k) {
        return cut_fail(
            sp(at),
            format!("expected '{}', found '{}'", block.end_label(), shorten(t)),
        );
    }
    if !is_keyword_like(t) {
        return cut_fail(
            sp(at),
            format!("expected a statement keyword, found '{}'", shorten(t)),
        );
    }
    w.push(
        at,
        format!("skipped unknown statement '{}' in {}", shorten(t), within()),
    );
    skip_in_block(s, block)
}

/// Skips tokens up to and including `END word`, for sections mpgd ignores whole
/// (`NONDEFAULTRULE name`, `SPACING`, `IRDROP`, ...), whose bodies nest blocks of their own.
pub(super) fn skip_to_end<'a>(s: &'a str, word: &str) -> PResult<'a, ()> {
    let mut s = s;
    loop {
        let (rest, t) = token(s).or_else(|_| {
            cut_fail(
                sp(s),
                format!("expected 'END {}', found end of file", shorten(word)),
            )
        })?;
        if t.eq_ignore_ascii_case("END") && peek(rest) == Some(word) {
            let (rest, _) = token(rest)?;
            return Ok((rest, ()));
        }
        s = rest;
    }
}

/// Skips a `BEGINEXT "tag" ... ENDEXT` extension up to and including `ENDEXT`.
pub(super) fn skip_extension(s: &str) -> PResult<'_, ()> {
    let mut s = s;
    loop {
        let (rest, t) = cut(token_or(s, || {
            "expected 'ENDEXT', found end of file".into()
        }))?;
        if t.eq_ignore_ascii_case("ENDEXT") {
            return Ok((rest, ()));
        }
        s = rest;
    }
}

/// Runs one block production (`LAYER`, `MACRO`, `VIA`, `SITE`...) on a test string whose first
/// token is the block keyword: the value and its warnings, or `line:column: message (context)`.
#[cfg(test)]
pub(super) fn run_block<T>(
    text: &str,
    f: impl for<'a> Fn(&'a str, &mut Warnings) -> PResult<'a, T>,
) -> Result<(T, Vec<String>), String> {
    let mut w = Warnings::default();
    let (rest, _) = crate::lefdef::lex::token(text).map_err(|e| format!("{e:?}"))?;
    match f(rest, &mut w) {
        Ok((rest, v)) => {
            assert_eq!(sp(rest), "", "input left over");
            let ws = w.finish(text, std::path::Path::new("t.lef"));
            Ok((v, ws.into_iter().map(|w| w.message).collect()))
        }
        Err(nom::Err::Error(e) | nom::Err::Failure(e)) => {
            let e = e.into_syntax_error(text, std::path::Path::new("t.lef"));
            Err(format!(
                "{}:{}: {} ({})",
                e.line,
                e.column,
                e.message,
                e.context.join(" > ")
            ))
        }
        Err(e) => Err(format!("{e:?}")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn upper_matches_keywords_case_insensitively() {
        let mut buf = [0u8; 40];
        assert_eq!(upper("Default", &mut buf), "DEFAULT");
        assert_eq!(upper(&"x".repeat(41), &mut buf), "");
    }

    #[test]
    fn plain_decimals_read_as_str_parse_does() {
        let cases = [
            "0",
            "-0",
            "+1",
            "0.19",
            "-0.085000",
            "1.",
            ".5",
            "2800.000",
            "123456789012345",
            "0.000000000000001",
            "9007199254740.993",
            "1e3",
            "1234567890123456",
            ".",
            "-",
            "",
            "1.2.3",
            "inf",
            "0x10",
            "12a",
            "0.1",
            "0.7",
            "1.1",
            "4.385",
            "-12.42",
        ];
        for t in cases {
            match (plain_decimal(t), t.parse::<f64>()) {
                (Some(a), Ok(b)) => assert_eq!(a.to_bits(), b.to_bits(), "{t}"),
                (Some(a), Err(_)) => panic!("{t} read as {a}"),
                (None, _) => {} // read by the general parser instead
            }
        }
        // A deterministic sweep of short decimals.
        let mut x = 12345u64;
        for _ in 0..20000 {
            x = x
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            let t = format!(
                "{}.{:0w$}",
                (x >> 40) % 5000,
                (x >> 8) % 1_000_000,
                w = (x % 7) as usize
            );
            assert_eq!(
                plain_decimal(&t).map(f64::to_bits),
                t.parse::<f64>().ok().map(f64::to_bits),
                "{t}"
            );
        }
        assert!(coord("x").is_err());
        assert_eq!(coord(" 0.5 ;").unwrap(), (" ;", 0.5));
    }

    #[test]
    fn names_are_not_numbers() {
        assert!(ident("metal1 ;").is_ok());
        assert!(ident("io_in[0] ;").is_ok());
        assert!(ident("0.5 ;").is_err());
        assert!(ident("-3 ;").is_err());
        assert!(ident("; x").is_err());
        assert!(ident("").is_err());
    }

    #[test]
    fn skipping_stops_at_the_block_end() {
        let b = Block { name: Some("m1") };
        assert!(skip_in_block("a b \"c ; d\" ; END m1", b).is_ok());
        assert!(skip_in_block("a b END m1 ;", b).is_err());
        assert!(skip_in_block("a b END m2 ;", b).is_ok());
        assert!(skip_in_block("a b", b).is_err());
    }

    #[test]
    fn words_joins_upper_case() {
        assert_eq!(words("core welltap ;").unwrap().1, "CORE WELLTAP");
        assert!(words(";").is_err());
        assert!(words("CORE 1 ;").is_err());
    }

    #[test]
    fn warnings_get_line_and_column() {
        let whole = "A\nB C\n  D";
        let mut w = Warnings::default();
        w.push(&whole[8..], "d".into());
        w.push(&whole[4..], "c".into());
        let out = w.finish(whole, Path::new("x.lef"));
        assert_eq!(
            (out[0].line, out[0].column, out[0].message.as_str()),
            (2, 3, "c")
        );
        assert_eq!((out[1].line, out[1].column), (3, 3));
    }
}
