//! The generic `KW n ; - item ... ; ... END KW` section loop, with the count check (a warning), and its
//! parallel variant: a large section is split at statement boundaries and the chunks are parsed
//! with rayon, then concatenated in order. Output equals the sequential parse; any trouble in a
//! chunk falls back to the sequential parse, so errors are exactly the sequential ones.

use super::parse::Ctx;
use super::tokens::{count, expect, fast_token, off, tok};
use crate::lefdef::lex::{context, cut_fail, shorten, sp, PResult};

/// An item parser: called after the `-`, returns the item.
pub(super) type ItemFn<T> = for<'a> fn(&'a str, &mut Ctx<'a>) -> PResult<'a, T>;

/// A whole `KW n ; - item ... ; ... END KW` section (the `KW` already consumed): a count that
/// differs from the items found is a warning, as in OpenDB's reader. Large sections are split at statement boundaries and parsed in parallel when
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
                    // OpenDB's reader warns about a wrong count and reads on; so do we.
                    if items.len() != n {
                        ctx.warn(
                            s0,
                            format!(
                                "{kw} section declares {n} items but holds {}; read on, as OpenROAD does",
                                items.len()
                            ),
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
