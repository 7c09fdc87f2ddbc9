//! DEF grammar entry points: [`parse`] and [`parse_with`], the parse context [`Ctx`] (options and
//! warnings), and the top-level statement loop with the header statements (VERSION, DESIGN, UNITS,
//! ...) and the sections that are skipped (PROPERTYDEFINITIONS, STYLES, SCANCHAINS, BEGINEXT, ...).
//!
//! Each section has its own file beside this one (`floorplan.rs`, `vias.rs`, `components.rs`,
//! `pins.rs`, `blockages.rs`, `specialnets.rs`, `nets.rs`, `regions.rs`, `groups.rs`), built on
//! `tokens.rs` and the section loop of `section.rs`. Every error is a `nom::Err::Failure` at the
//! first byte that does not fit, labelled by context (`DEF > COMPONENTS > u42`).

use super::section::section;
use super::tokens::{expect, name, num, skip_stmt, tok, upper};
use super::{floorplan, Def};
use crate::lefdef::lex::{self, context, cut_fail, shorten, sp, PResult};
use crate::lefdef::{Error, Warning};
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
            "DIEAREA" => context(|| "DIEAREA".into(), floorplan::die_area(r, def))?.0,
            "ROW" => {
                let (r, row) = context(|| "ROW".into(), floorplan::row(r, ctx))?;
                def.rows.push(row);
                r
            }
            "TRACKS" => {
                let (r, t) = context(|| "TRACKS".into(), floorplan::tracks(r, ctx))?;
                def.tracks.push(t);
                r
            }
            "GCELLGRID" => {
                let (r, g) = context(|| "GCELLGRID".into(), floorplan::gcell_grid(r))?;
                def.gcell_grid.push(g);
                r
            }
            "VIAS" => {
                let (r, v) = section(r, ctx, "VIAS", super::vias::via, false)?;
                def.vias.extend(v);
                r
            }
            "NONDEFAULTRULES" => {
                let (r, v) = section(r, ctx, "NONDEFAULTRULES", ndr, false)?;
                def.ndrs.extend(v);
                r
            }
            "REGIONS" => {
                let (r, v) = section(r, ctx, "REGIONS", super::regions::region, false)?;
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
                let (r, v) = section(r, ctx, "BLOCKAGES", super::blockages::blockage, false)?;
                def.blockages.extend(v);
                r
            }
            "SPECIALNETS" => {
                let (r, v) = section(r, ctx, "SPECIALNETS", super::specialnets::special_net, true)?;
                def.special_nets.extend(v);
                r
            }
            "NETS" => {
                let (r, v) = section(r, ctx, "NETS", super::nets::net, true)?;
                def.nets.extend(v);
                r
            }
            "GROUPS" => {
                let (r, v) = section(r, ctx, "GROUPS", super::groups::group, false)?;
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
