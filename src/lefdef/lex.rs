//! The few combinators that LEF and DEF grammars are built from: whitespace and comments, tokens,
//! keywords, numbers, and an error type that remembers where the input stopped making sense.
//!
//! Both formats are whitespace-separated token streams ending statements with `;`, so a token is a
//! run of non-blank characters, a `;` on its own (even when glued to the previous word, as in
//! `0.19;`), or a double-quoted string. Grammar functions are columns of
//! `let (s, x) = parser(s)?;` and never mention whitespace: every combinator skips the blanks and
//! `#` comments in front of what it reads.
//!
//! Positions ride on the input: every `&str` the parsers see is a suffix of the whole file, so the
//! byte offset of an error is `whole.len() - rest.len()`. No thread-local state.

use nom::IResult;
use std::borrow::Cow;

/// The parser result used everywhere in `lefdef`.
pub type PResult<'a, O> = IResult<&'a str, O, PError<'a>>;

/// A grammar error: where (the remaining input) and what was expected, plus the statements the
/// parser was inside, innermost last.
#[derive(Debug, Clone, PartialEq)]
pub struct PError<'a> {
    pub at: &'a str,
    pub message: Cow<'static, str>,
    pub context: Vec<String>,
}

impl<'a> PError<'a> {
    pub fn new(at: &'a str, message: impl Into<Cow<'static, str>>) -> Self {
        PError {
            at,
            message: message.into(),
            context: Vec::new(),
        }
    }

    /// Converts into a user-facing [`super::SyntaxError`], computing line and column in `whole`.
    pub fn into_syntax_error(self, whole: &str, path: &std::path::Path) -> super::SyntaxError {
        let offset = offset_in(whole, self.at);
        let (line, column) = super::line_column(whole, offset);
        let mut context = self.context;
        context.reverse();
        super::SyntaxError {
            path: path.to_path_buf(),
            line,
            column,
            context,
            message: self.message.into_owned(),
        }
    }
}

impl<'a> nom::error::ParseError<&'a str> for PError<'a> {
    fn from_error_kind(input: &'a str, kind: nom::error::ErrorKind) -> Self {
        PError::new(input, format!("unexpected input ({kind:?})"))
    }
    fn append(_: &'a str, _: nom::error::ErrorKind, other: Self) -> Self {
        other
    }
    /// Keeps the error that got further into the input, so that `alt` reports the deepest failure.
    fn or(self, other: Self) -> Self {
        if other.at.len() < self.at.len() {
            other
        } else {
            self
        }
    }
}

/// Byte offset of `rest` (a suffix of `whole`) in `whole`.
pub fn offset_in(whole: &str, rest: &str) -> usize {
    whole.len().saturating_sub(rest.len())
}

/// A recoverable failure (lets `alt`/`opt` try something else).
pub fn fail<'a, O>(at: &'a str, message: impl Into<Cow<'static, str>>) -> PResult<'a, O> {
    Err(nom::Err::Error(PError::new(at, message)))
}

/// An unrecoverable failure (stops the parse here: used after a statement's keyword has matched).
pub fn cut_fail<'a, O>(at: &'a str, message: impl Into<Cow<'static, str>>) -> PResult<'a, O> {
    Err(nom::Err::Failure(PError::new(at, message)))
}

/// Turns recoverable errors of `r` into failures, so a broken statement is reported where it broke
/// instead of being retried as something else.
pub fn cut<'a, O>(r: PResult<'a, O>) -> PResult<'a, O> {
    r.map_err(|e| match e {
        nom::Err::Error(e) => nom::Err::Failure(e),
        other => other,
    })
}

/// Adds a context label (a section, a statement, an object's name) to any error coming out of `r`.
pub fn context<'a, O>(label: impl FnOnce() -> String, r: PResult<'a, O>) -> PResult<'a, O> {
    r.map_err(|e| {
        e.map(|mut pe| {
            pe.context.push(label());
            pe
        })
    })
}

/// Skips blanks and `#` comments (to the end of the line).
#[inline]
pub fn sp(s: &str) -> &str {
    let b = s.as_bytes();
    let mut i = 0;
    while i < b.len() {
        match b[i] {
            b' ' | b'\t' | b'\n' | b'\r' | 0x0c => i += 1,
            b'#' => match memchr::memchr(b'\n', &b[i..]) {
                Some(n) => i += n + 1,
                None => i = b.len(),
            },
            _ => break,
        }
    }
    &s[i..]
}

/// The next token: a `;`, a double-quoted string (returned with its quotes), or a run of characters
/// up to a blank or a `;`. A backslash escapes the next character (DEF names such as `a\[3\]`).
pub fn token(s: &str) -> PResult<'_, &str> {
    let s = sp(s);
    let b = s.as_bytes();
    if b.is_empty() {
        return fail(s, "unexpected end of file");
    }
    let end = match b[0] {
        b';' => 1,
        b'"' => match memchr::memchr(b'"', &b[1..]) {
            Some(n) => n + 2,
            None => return fail(s, "unterminated string"),
        },
        _ => {
            let mut i = 0;
            while i < b.len() {
                match b[i] {
                    b' ' | b'\t' | b'\n' | b'\r' | 0x0c | b';' => break,
                    b'\\' => i += 2,
                    _ => i += 1,
                }
            }
            i.min(b.len())
        }
    };
    // `end` always lands on a char boundary: it stops before an ASCII byte or at the end.
    let end = (0..=end)
        .rev()
        .find(|&e| s.is_char_boundary(e))
        .unwrap_or(0);
    Ok((&s[end..], &s[..end]))
}

/// Peeks at the next token without consuming it (`None` at end of input).
pub fn peek(s: &str) -> Option<&str> {
    token(s).ok().map(|(_, t)| t)
}

/// Matches keyword `k` (case-insensitive, whole token, so `END` never matches `ENDX`).
pub fn keyword<'a>(k: &'static str) -> impl Fn(&'a str) -> PResult<'a, &'a str> {
    move |s: &'a str| {
        let (rest, t) = token(s)?;
        if t.eq_ignore_ascii_case(k) {
            Ok((rest, t))
        } else {
            fail(sp(s), format!("expected '{k}', found '{}'", shorten(t)))
        }
    }
}

/// Consumes keyword `k` if it is next; `true` when it did.
pub fn opt_keyword<'a>(s: &'a str, k: &'static str) -> (&'a str, bool) {
    match keyword(k)(s) {
        Ok((rest, _)) => (rest, true),
        Err(_) => (s, false),
    }
}

/// The statement terminator `;`.
pub fn semi(s: &str) -> PResult<'_, ()> {
    let (rest, t) = token(s)?;
    if t == ";" {
        Ok((rest, ()))
    } else {
        fail(sp(s), format!("expected ';', found '{}'", shorten(t)))
    }
}

/// A name: any token other than `;`.
pub fn name(s: &str) -> PResult<'_, &str> {
    let (rest, t) = token(s)?;
    if t == ";" {
        fail(sp(s), "expected a name, found ';'")
    } else {
        Ok((rest, t))
    }
}

/// The largest magnitude accepted for any number: far beyond any real die (a metre in nm), small
/// enough that sums and products of coordinates cannot overflow `i64`.
pub const MAX_MAGNITUDE: i64 = 1 << 40;

/// A decimal number (LEF values in microns, DEF distances that may carry a fraction).
pub fn float(s: &str) -> PResult<'_, f64> {
    let (rest, t) = token(s)?;
    match t.parse::<f64>() {
        Ok(v) if v.is_finite() && v.abs() < 1e9 => Ok((rest, v)),
        Ok(v) if v.is_finite() => fail(sp(s), format!("number {} is out of range", shorten(t))),
        _ => fail(sp(s), format!("expected a number, found '{}'", shorten(t))),
    }
}

/// An integer (DEF coordinates and counts). A whole-valued decimal such as `100.0` is accepted.
pub fn int(s: &str) -> PResult<'_, i64> {
    let (rest, t) = token(s)?;
    let v = match t.parse::<i64>() {
        Ok(v) => v,
        Err(_) => match t.parse::<f64>() {
            Ok(v) if v.is_finite() && v.fract() == 0.0 && v.abs() < 9.0e15 => v as i64,
            _ => {
                return fail(
                    sp(s),
                    format!("expected an integer, found '{}'", shorten(t)),
                )
            }
        },
    };
    if v.unsigned_abs() > MAX_MAGNITUDE as u64 {
        return fail(sp(s), format!("number {} is out of range", shorten(t)));
    }
    Ok((rest, v))
}

/// A non-negative count (section sizes, repeat counts).
pub fn count(s: &str) -> PResult<'_, usize> {
    let (rest, v) = int(s)?;
    if v < 0 {
        fail(sp(s), format!("expected a non-negative count, found {v}"))
    } else {
        Ok((rest, v as usize))
    }
}

/// Skips tokens up to and including the next `;` (for statements read as unsupported).
pub fn skip_statement(s: &str) -> PResult<'_, ()> {
    let mut s = s;
    loop {
        let (rest, t) = token(s)?;
        s = rest;
        if t == ";" {
            return Ok((s, ()));
        }
    }
}

/// At most 40 characters of a token, for messages.
pub fn shorten(t: &str) -> Cow<'_, str> {
    if t.chars().count() <= 40 {
        Cow::Borrowed(t)
    } else {
        Cow::Owned(format!("{}...", t.chars().take(40).collect::<String>()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_split_on_blanks_and_semicolons() {
        let (s, a) = token("  WIDTH 0.19; # comment\n END").unwrap();
        assert_eq!(a, "WIDTH");
        let (s, b) = token(s).unwrap();
        assert_eq!(b, "0.19");
        let (s, c) = token(s).unwrap();
        assert_eq!(c, ";");
        let (s, d) = token(s).unwrap();
        assert_eq!(d, "END");
        assert!(token(s).is_err());
    }

    #[test]
    fn escaped_names_and_strings_stay_whole() {
        let (_, t) = token(r"u0.w_reg\[3\]\[16\].qi ;").unwrap();
        assert_eq!(t, r"u0.w_reg\[3\]\[16\].qi");
        let (_, t) = token(r#""a b;c" x"#).unwrap();
        assert_eq!(t, r#""a b;c""#);
    }

    #[test]
    fn keyword_refuses_a_longer_word() {
        assert!(keyword("END")("ENDX").is_err());
        assert!(keyword("END")("end").is_ok());
    }

    #[test]
    fn error_positions_are_line_and_column() {
        let whole = "A\n  B;\nC x";
        let e = semi(&whole[2..]).unwrap_err();
        let nom::Err::Error(e) = e else { panic!() };
        let se = e.into_syntax_error(whole, std::path::Path::new("f.lef"));
        assert_eq!((se.line, se.column), (2, 3));
        assert_eq!(se.to_string(), "f.lef:2:3: expected ';', found 'B'");
    }
}
