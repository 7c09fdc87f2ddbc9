//! The LEF library level: header statements (`VERSION`, `BUSBITCHARS`, `DIVIDERCHAR`, `UNITS`,
//! `MANUFACTURINGGRID`, ...), dispatch to the section grammars (`layer`, `via`, `site`,
//! `macro_`), sections read for their name only (`VIARULE`) or skipped whole
//! (`PROPERTYDEFINITIONS`, `NONDEFAULTRULE`, `SPACING`, `BEGINEXT`, ...), and the optional
//! `END LIBRARY` (LEF 5.6 and later may end without it).
//!
//! Turning the grammar's error into a [`SyntaxError`](crate::lefdef::SyntaxError) with line and
//! column, and the collected warnings into [`Warning`]s, happens here, once per file.

use super::common::{
    ident, is_keyword_like, next_statement, skip_extension, skip_in_block, skip_to_end, unknown,
    upper, Block, Warnings,
};
use super::{layer::layer, macro_::macro_, site::site, via::via, via::via_rule, Lef};
use crate::lefdef::lex::{
    context, cut, cut_fail, float, int, name, peek, semi, shorten, sp, token, PError, PResult,
};
use crate::lefdef::{Error, Warning};
use std::path::Path;

/// Parses one LEF file's text. `path` is used in errors and warnings only.
pub fn parse(text: &str, path: &Path) -> Result<(Lef, Vec<Warning>), Error> {
    let mut w = Warnings::default();
    match context(|| "LEF".into(), library(text, &mut w)) {
        Ok((_, lef)) => Ok((lef, w.finish(text, path))),
        Err(nom::Err::Error(e) | nom::Err::Failure(e)) => {
            Err(e.into_syntax_error(text, path).into())
        }
        // The combinators never ask for more input; kept total rather than unreachable.
        Err(nom::Err::Incomplete(_)) => {
            let e = PError::new(&text[text.len()..], "unexpected end of file");
            Err(e.into_syntax_error(text, path).into())
        }
    }
}

/// The whole file: statements and sections up to `END LIBRARY` or the end of the text.
fn library<'a>(s: &'a str, w: &mut Warnings) -> PResult<'a, Lef> {
    let mut lef = Lef::default();
    let block = Block {
        name: Some("LIBRARY"),
    };
    let mut s = s;
    loop {
        let at = s;
        if sp(s).is_empty() {
            // End of file without `END LIBRARY`: allowed since LEF 5.6.
            return Ok((s, lef));
        }
        let (rest, t) = cut(token(s))?;
        let mut buf = [0u8; 40];
        s = match upper(t, &mut buf) {
            "END" => return end_library(at, rest, lef, w),
            "VERSION" => {
                let (rest, v) = cut(name(rest))?;
                lef.version = Some(v.to_string());
                cut(semi(rest))?.0
            }
            "BUSBITCHARS" => {
                let (rest, v) = cut(quoted(rest))?;
                lef.bus_bit_chars = Some(v.to_string());
                rest
            }
            "DIVIDERCHAR" => {
                let (rest, v) = cut(quoted(rest))?;
                lef.divider_char = Some(v.to_string());
                rest
            }
            "UNITS" => {
                let (rest, dbu) = context(|| "UNITS".into(), cut(units(rest, w)))?;
                if dbu.is_some() {
                    lef.dbu_per_micron = dbu;
                }
                rest
            }
            "MANUFACTURINGGRID" => {
                let (rest, g) = cut(float(rest))?;
                if g <= 0.0 {
                    return cut_fail(
                        sp(rest_of(at)),
                        format!("expected a positive grid, found '{g}'"),
                    );
                }
                lef.manufacturing_grid = Some(g);
                cut(semi(rest))?.0
            }
            "LAYER" => {
                let (rest, l) = layer(rest, w)?;
                lef.layers.push(l);
                rest
            }
            "VIA" => {
                let (rest, v) = via(rest, w)?;
                lef.vias.push(v);
                rest
            }
            "VIARULE" => {
                let (rest, v) = via_rule(rest, w)?;
                lef.via_rules.push(v);
                rest
            }
            "SITE" => {
                let (rest, v) = site(rest, w)?;
                lef.sites.push(v);
                rest
            }
            "MACRO" => {
                let (rest, v) = macro_(rest, w)?;
                lef.macros.push(v);
                rest
            }
            "PROPERTYDEFINITIONS" => {
                context(
                    || "PROPERTYDEFINITIONS".into(),
                    cut(property_definitions(rest)),
                )?
                .0
            }
            "NONDEFAULTRULE" => {
                let (rest, n) = cut(ident(rest))?;
                context(|| format!("NONDEFAULTRULE {n}"), cut(skip_to_end(rest, n)))?.0
            }
            "SPACING" | "IRDROP" | "NOISETABLE" | "CORRECTIONTABLE" => {
                let k = t;
                context(|| k.to_uppercase(), cut(skip_to_end(rest, k)))?.0
            }
            "ARRAY" => {
                let (rest, n) = cut(ident(rest))?;
                context(|| format!("ARRAY {n}"), cut(skip_to_end(rest, n)))?.0
            }
            "BEGINEXT" => context(|| "BEGINEXT".into(), cut(skip_extension(rest)))?.0,
            "NAMESCASESENSITIVE"
            | "USEMINSPACING"
            | "CLEARANCEMEASURE"
            | "MAXVIASTACK"
            | "FIXEDMASK"
            | "NOWIREEXTENSIONATPIN"
            | "DIELECTRIC"
            | "MINFEATURE"
            | "INPUTPINANTENNASIZE"
            | "OUTPUTPINANTENNASIZE"
            | "INOUTPINANTENNASIZE"
            | "PROPERTY" => skip_in_block(rest, block)?.0,
            k if k.starts_with("ANTENNA") => skip_in_block(rest, block)?.0,
            _ => unknown(at, rest, t, block, &|| "LEF".into(), w)?.0,
        };
    }
}

/// `END LIBRARY`, `at` on the `END`; anything after it is ignored, with a warning.
fn end_library<'a>(at: &'a str, after: &'a str, lef: Lef, w: &mut Warnings) -> PResult<'a, Lef> {
    match token(after) {
        Ok((rest, t)) if t.eq_ignore_ascii_case("LIBRARY") => {
            if peek(rest).is_some() {
                w.push(rest, "text after 'END LIBRARY' ignored".into());
            }
            Ok((&rest[rest.len()..], lef))
        }
        Ok((_, t)) => cut_fail(
            sp(at),
            format!("expected 'END LIBRARY', found 'END {}'", shorten(t)),
        ),
        Err(_) => cut_fail(sp(at), "expected 'END LIBRARY', found 'END' at end of file"),
    }
}

/// The input after the token that starts `s`.
fn rest_of(s: &str) -> &str {
    token(s).map_or(s, |(rest, _)| rest)
}

/// `"x" ;`: the characters inside the quotes.
fn quoted(s: &str) -> PResult<'_, &str> {
    let (rest, t) = token(s)?;
    let inner = t.strip_prefix('"').and_then(|t| t.strip_suffix('"'));
    match inner {
        Some(v) if t.len() >= 2 => {
            let (rest, ()) = semi(rest)?;
            Ok((rest, v))
        }
        _ => cut_fail(
            sp(s),
            format!("expected a quoted string, found '{}'", shorten(t)),
        ),
    }
}

/// `UNITS ... END UNITS`, `s` after the keyword: `DATABASE MICRONS n` (DBU per micron); the other
/// units (time, capacitance, ...) are skipped.
fn units<'a>(s: &'a str, w: &mut Warnings) -> PResult<'a, Option<u32>> {
    let block = Block {
        name: Some("UNITS"),
    };
    let mut dbu = None;
    let mut s = s;
    loop {
        let at = s;
        let (rest, t) = next_statement(s, &|| block.end_label())?;
        let mut buf = [0u8; 40];
        s = match upper(t, &mut buf) {
            "END" => {
                let (s, ()) = super::common::end_name(at, rest, "UNITS")?;
                return Ok((s, dbu));
            }
            "DATABASE" => {
                let (rest, _) = crate::lefdef::lex::keyword("MICRONS")(rest)?;
                let (after, v) = int(rest)?;
                match u32::try_from(v) {
                    Ok(v) if v > 0 => dbu = Some(v),
                    _ => {
                        return cut_fail(
                            sp(rest),
                            format!("expected a positive number of database units, found {v}"),
                        )
                    }
                }
                semi(after)?.0
            }
            "TIME" | "CAPACITANCE" | "RESISTANCE" | "POWER" | "CURRENT" | "VOLTAGE"
            | "FREQUENCY" => skip_in_block(rest, block)?.0,
            _ => unknown(at, rest, t, block, &|| "UNITS".into(), w)?.0,
        };
    }
}

/// `PROPERTYDEFINITIONS ... END PROPERTYDEFINITIONS`: skipped statement by statement (each
/// `objectType name type [RANGE a b] [value] ;`).
fn property_definitions(s: &str) -> PResult<'_, ()> {
    let block = Block {
        name: Some("PROPERTYDEFINITIONS"),
    };
    let mut s = s;
    loop {
        let at = s;
        let (rest, t) = next_statement(s, &|| block.end_label())?;
        if t.eq_ignore_ascii_case("END") {
            return super::common::end_name(at, rest, "PROPERTYDEFINITIONS");
        }
        if !is_keyword_like(t) {
            return cut_fail(
                sp(at),
                format!("expected an object type, found '{}'", shorten(t)),
            );
        }
        s = skip_in_block(rest, block)?.0;
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::lefdef::lef::{Direction, Geom, LayerType};
    use crate::lefdef::SyntaxError;

    fn err(text: &str) -> SyntaxError {
        match parse(text, Path::new("t.lef")) {
            Err(Error::Syntax(e)) => e,
            other => panic!("expected a syntax error, got {other:?}"),
        }
    }

    const SMALL: &str = "VERSION 5.8 ;
BUSBITCHARS \"[]\" ;
DIVIDERCHAR \"/\" ;
NAMESCASESENSITIVE ON ;
UNITS
  TIME NANOSECONDS 1 ;
  DATABASE MICRONS 2000 ;
END UNITS
MANUFACTURINGGRID 0.005 ;
USEMINSPACING OBS OFF ;
CLEARANCEMEASURE EUCLIDEAN ;
MAXVIASTACK 4 RANGE m1 m7 ;
FIXEDMASK ;
PROPERTYDEFINITIONS
  LAYER LEF58_TYPE STRING ;
  MACRO CLASS STRING \"x ; y\" ;
END PROPERTYDEFINITIONS
LAYER metal1
  TYPE ROUTING ;
  DIRECTION HORIZONTAL ;
  PITCH 0.14 ;
  WIDTH 0.07 ;
  SPACING 0.065 ;
  PROPERTY LEF58_AREA \"AREA 0.01 ; END metal1 ;\" ;
END metal1
LAYER via1
  TYPE CUT ;
END via1
SPACING
  SAMENET metal1 metal1 0.065 ;
END SPACING
NONDEFAULTRULE double
  LAYER metal1 WIDTH 0.14 ; SPACING 0.13 ; END metal1
  VIA nv1 LAYER metal1 ; RECT 0 0 1 1 ; END nv1
  SPACING SAMENET metal1 metal1 0.1 ; END SPACING
END double
VIA via1_4 DEFAULT
  LAYER via1 ; RECT -0.035 -0.035 0.035 0.035 ;
END via1_4
VIARULE Via1Array-0 GENERATE
  LAYER metal1 ; ENCLOSURE 0.035 0.035 ;
  LAYER via1 ; RECT -0.035 -0.035 0.035 0.035 ; SPACING 0.15 BY 0.15 ;
END Via1Array-0
BEGINEXT \"tag\"
  anything at all END
ENDEXT
SITE core CLASS CORE ; SIZE 0.19 BY 1.4 ; END core
MACRO INV_X1
  CLASS CORE ;
  SIZE 0.38 BY 1.4 ;
  PIN A DIRECTION INPUT ; PORT LAYER metal1 ; RECT 0 0 0.1 0.1 ; END END A
END INV_X1
END LIBRARY
";

    #[test]
    fn small_library() {
        let (lef, ws) = parse(SMALL, Path::new("t.lef")).unwrap();
        assert!(ws.is_empty(), "{ws:?}");
        assert_eq!(lef.version.as_deref(), Some("5.8"));
        assert_eq!(lef.bus_bit_chars.as_deref(), Some("[]"));
        assert_eq!(lef.divider_char.as_deref(), Some("/"));
        assert_eq!(lef.dbu_per_micron, Some(2000));
        assert_eq!(lef.manufacturing_grid, Some(0.005));
        assert_eq!(lef.layers.len(), 2);
        assert_eq!(lef.layers[0].direction, Some(Direction::Horizontal));
        assert_eq!(lef.layers[1].kind, LayerType::Cut);
        assert_eq!(lef.vias.len(), 1);
        assert_eq!(lef.via_rules, vec!["Via1Array-0"]);
        assert_eq!(lef.sites[0].size, (0.19, 1.4));
        assert_eq!(
            lef.macros[0].pins[0].ports[0].shapes[0].geom,
            Geom::Rect([0.0, 0.0, 0.1, 0.1])
        );
    }

    #[test]
    fn end_library_is_optional() {
        let text = SMALL.replace("END LIBRARY\n", "");
        let (lef, ws) = parse(&text, Path::new("t.lef")).unwrap();
        assert_eq!(lef.macros.len(), 1);
        assert!(ws.is_empty());
        let (_, ws) = parse("END LIBRARY\ntrailing junk", Path::new("t.lef")).unwrap();
        assert_eq!(ws.len(), 1);
        assert_eq!((ws[0].line, ws[0].column), (2, 1));
        assert!(parse("", Path::new("t.lef")).is_ok());
        assert!(parse("# only a comment\n", Path::new("t.lef")).is_ok());
    }

    #[test]
    fn unknown_top_level_statements_warn() {
        let (_, ws) = parse(
            "VERSION 5.8 ;\nFROBNICATE 1 2 ;\nEND LIBRARY",
            Path::new("t.lef"),
        )
        .unwrap();
        assert_eq!(ws.len(), 1);
        assert_eq!(
            ws[0].to_string(),
            "t.lef:2:1: warning: skipped unknown statement 'FROBNICATE' in LEF"
        );
    }

    #[test]
    fn library_errors() {
        let e = err("VERSION 5.8 ;\nEND LIBRAR\n");
        assert_eq!((e.line, e.column), (2, 1));
        assert_eq!(e.message, "expected 'END LIBRARY', found 'END LIBRAR'");
        assert_eq!(e.context, vec!["LEF"]);
        let e = err("VERSION 5.8\nUNITS");
        assert_eq!(
            (e.line, e.column, e.message.as_str()),
            (2, 1, "expected ';', found 'UNITS'")
        );
        let e = err("UNITS\n  DATABASE MICRONS -5 ;\nEND UNITS");
        assert_eq!((e.line, e.column), (2, 20));
        assert_eq!(e.context, vec!["LEF", "UNITS"]);
        let e = err("UNITS\n  DATABASE MICRONS 1000 ;\n");
        assert_eq!(e.message, "expected 'END UNITS', found end of file");
        let e = err("BUSBITCHARS [] ;");
        assert_eq!(e.message, "expected a quoted string, found '[]'");
        let e = err("NONDEFAULTRULE r\n LAYER m1 WIDTH 1 ; END m1\n");
        assert_eq!(e.message, "expected 'END r', found end of file");
        assert_eq!(e.context, vec!["LEF", "NONDEFAULTRULE r"]);
        let e = err("3.14 ;");
        assert_eq!(e.message, "expected a statement keyword, found '3.14'");
        let e = err("MANUFACTURINGGRID -1 ;");
        assert_eq!(e.message, "expected a positive grid, found '-1'");
    }

    #[test]
    fn truncated_input_points_at_the_end() {
        let e = err("LAYER m1\n  TYPE ROUTING ;\n  PROPERTY LEF58_TYPE \"TYPE NW");
        assert_eq!(
            (e.line, e.column, e.message.as_str()),
            (3, 23, "unterminated string")
        );
        assert_eq!(e.context, vec!["LEF", "LAYER m1"]);
        let e = err("MACRO M\n  SIZE 1 BY");
        assert_eq!(
            (e.line, e.column, e.message.as_str()),
            (2, 12, "unexpected end of file")
        );
        let e = err("MACRO M\n  PIN A\n    PORT\n      LAYER m1 ;\n");
        assert_eq!((e.line, e.column), (5, 1));
        assert_eq!(e.message, "expected 'END', found end of file");
        assert_eq!(e.context, vec!["LEF", "MACRO M", "PIN A", "PORT"]);
        let e = err("VERSION 5.8 ;\n\"stray");
        assert_eq!(
            (e.line, e.column, e.message.as_str()),
            (2, 1, "unterminated string")
        );
        let e = err("VERSION");
        assert_eq!(
            (e.line, e.column, e.message.as_str()),
            (1, 8, "unexpected end of file")
        );
    }

    #[test]
    fn error_context_names_the_path_of_sections() {
        let text =
            "MACRO AND2_X1\n  PIN A\n    PORT\n      LAYER metal1 ;\n      RECT 0 0 1 1\n      \
                    RECT 0 0 1 1 ;\n    END\n  END A\nEND AND2_X1\n";
        let e = err(text);
        assert_eq!(
            e.to_string(),
            "t.lef:6:7: expected ';', found 'RECT' (in LEF > MACRO AND2_X1 > PIN A > PORT)"
        );
    }
}

/// Statements in the shapes the LEF/DEF 5.8 reference manual uses in its examples (rules mpgd skips
/// included), to check that skipping never eats a statement mpgd reads.
#[cfg(test)]
mod spec {
    use super::parse;
    use crate::lefdef::lef::{Direction, Geom};
    use std::path::Path;

    const LIB: &str = r#"
VERSION 5.8 ;
BUSBITCHARS "[]" ;
DIVIDERCHAR "/" ;
UNITS
  DATABASE MICRONS 1000 ;
END UNITS
MANUFACTURINGGRID 0.005 ;
PROPERTYDEFINITIONS
  LIBRARY NAME STRING "Cadence96" ;
  LAYER lsp REAL RANGE 0.0 1.0 ;
  MACRO weight INTEGER ;
END PROPERTYDEFINITIONS
LAYER M1
  TYPE ROUTING ;
  WIDTH 0.10 ;
  PITCH 0.20 ;
  DIRECTION HORIZONTAL ;
  SPACINGTABLE
    PARALLELRUNLENGTH 0.00 0.50 3.00 5.00
    WIDTH 0.00 0.15 0.15 0.15 0.15
    WIDTH 0.25 0.15 0.20 0.20 0.20
    WIDTH 1.50 0.15 0.50 0.50 0.50 ;
  SPACING 0.2 ENDOFLINE 0.2 WITHIN 0.1 PARALLELEDGE 0.2 WITHIN 0.2 ;
  SPACING 0.15 ;
  MINIMUMCUT 2 WIDTH 0.70 ;
  MINIMUMCUT 4 WIDTH 1.0 FROMABOVE LENGTH 20.0 WITHIN 5.0 ;
  MINSTEP 0.05 MAXEDGES 1 ;
  ANTENNAMODEL OXIDE1 ;
  ANTENNACUMAREARATIO 5000 ;
  ANTENNADIFFAREARATIO PWL ( ( 0 1000 ) ( 0.0159 1000 ) ( 0.016 400000 ) ) ;
  ACCURRENTDENSITY AVERAGE
    FREQUENCY 1E6 100E6 ;
    WIDTH 0.4 0.8 10.0 ;
    TABLEENTRIES
      2.0E-6 1.9E-6 1.8E-6
      1.4E-6 1.3E-6 1.2E-6 ;
  DCCURRENTDENSITY AVERAGE
    WIDTH 20.0 50.0 ;
    TABLEENTRIES 0.6E-6 0.5E-6 ;
  PROPERTY lsp 0.5 ;
END M1
LAYER CUT01
  TYPE CUT ;
  SPACING 0.20 ADJACENTCUTS 3 WITHIN 0.25 ;
  ENCLOSURE BELOW 0.05 0.01 ;
  ENCLOSURE ABOVE 0.04 0.02 WIDTH 0.30 ;
END CUT01
LAYER M2
  TYPE ROUTING ;
  DIRECTION VERTICAL ;
  PITCH 0.20 0.25 ;
  OFFSET 0.1 ;
  WIDTH 0.10 ;
END M2
MAXVIASTACK 4 RANGE M1 M2 ;
VIA via12 DEFAULT
  VIARULE viaRule12 ;
  CUTSIZE 0.1 0.1 ;
  LAYERS M1 CUT01 M2 ;
  CUTSPACING 0.1 0.1 ;
  ENCLOSURE 0.05 0.01 0.01 0.05 ;
  ROWCOL 1 2 ;
END via12
VIA via12fixed
  RESISTANCE 2 ;
  LAYER M1 ;
    RECT MASK 1 -0.1 -0.1 0.1 0.1 ;
  LAYER CUT01 ;
    RECT -0.05 -0.05 0.05 0.05 ;
  LAYER M2 ;
    POLYGON -0.1 -0.1 0.1 -0.1 0.1 0.1 ;
END via12fixed
VIARULE viaRule12 GENERATE DEFAULT
  LAYER M1 ; ENCLOSURE 0.05 0.01 ;
  LAYER M2 ; ENCLOSURE 0.05 0.01 ;
  LAYER CUT01 ; RECT -0.05 -0.05 0.05 0.05 ; SPACING 0.2 BY 0.2 ; RESISTANCE 2 ;
END viaRule12
NONDEFAULTRULE wide
  HARDSPACING ;
  LAYER M1 WIDTH 0.2 ; SPACING 0.2 ; END M1
  USEVIA via12 ;
  MINCUTS CUT01 2 ;
END wide
SITE core
  CLASS CORE ;
  SYMMETRY Y ;
  SIZE 0.2 BY 2.0 ;
END core
MACRO myMacro
  CLASS PAD INOUT ;
  FOREIGN myMacroGDS 0 0 N ;
  ORIGIN 0 0 ;
  SIZE 10.0 BY 14.0 ;
  SYMMETRY X Y R90 ;
  SITE core ;
  PIN In1
    TAPERRULE wide ;
    DIRECTION INPUT ;
    USE SIGNAL ;
    SHAPE ABUTMENT ;
    MUSTJOIN In2 ;
    ANTENNAPARTIALMETALAREA 4.58 LAYER M1 ;
    ANTENNAMODEL OXIDE1 ;
    ANTENNAGATEAREA 1.2 LAYER M1 ;
    PORT
      CLASS CORE ;
      LAYER M1 WIDTH 0.2 ;
        PATH 0.5 0.5 0.5 4.0 ;
      LAYER M2 ;
        WIDTH 0.1 ;
        PATH MASK 2 1 1 3 1 ;
        RECT ITERATE 0 0 1 1 DO 2 BY 1 STEP 2 0 ;
      VIA 1.0 1.0 via12 ;
    END
  END In1
  PIN In2 DIRECTION INPUT ; PORT LAYER M1 ; RECT 2 2 3 3 ; END END In2
  OBS
    LAYER M1 DESIGNRULEWIDTH 0.2 ;
      RECT 0 0 10 1 ;
    LAYER M2 SPACING 0.1 ;
      RECT 0 0 1 14 ;
    VIA 5 5 via12fixed ;
  END
  DENSITY
    LAYER M1 ;
      RECT 0 0 10 14 45.5 ;
  END
  PROPERTY weight 3 ;
END myMacro
END LIBRARY
"#;

    #[test]
    fn reference_manual_shapes() {
        let (lef, ws) = parse(LIB, Path::new("spec.lef")).unwrap();
        let msgs: Vec<&str> = ws.iter().map(|w| w.message.as_str()).collect();
        assert_eq!(
            msgs,
            ["skipped RECT ITERATE (arrays of shapes are not supported)"]
        );
        let m1 = &lef.layers[0];
        assert_eq!(
            (m1.width, m1.pitch, m1.spacing),
            (Some(0.1), Some((0.2, 0.2)), Some(0.15))
        );
        assert_eq!(m1.direction, Some(Direction::Horizontal));
        let m2 = &lef.layers[2];
        assert_eq!((m2.pitch, m2.offset), (Some((0.2, 0.25)), Some((0.1, 0.1))));
        assert_eq!(lef.vias.len(), 2);
        assert!(lef.vias[0].shapes.is_empty() && lef.vias[0].default);
        assert_eq!(lef.vias[1].shapes.len(), 3);
        assert_eq!(lef.via_rules, ["viaRule12"]);
        assert_eq!(lef.sites[0].symmetry, ["Y"]);
        let m = &lef.macros[0];
        assert_eq!(m.class.as_deref(), Some("PAD INOUT"));
        assert_eq!(m.foreign, Some(("myMacroGDS".into(), 0.0, 0.0)));
        assert_eq!(m.symmetry, ["X", "Y", "R90"]);
        let port = &m.pins[0].ports[0];
        assert_eq!(port.class.as_deref(), Some("CORE"));
        let geoms: Vec<&Geom> = port.shapes.iter().map(|s| &s.geom).collect();
        assert_eq!(
            geoms,
            [
                &Geom::Rect([0.4, 0.4, 0.6, 4.1]),
                &Geom::Rect([0.95, 0.95, 3.05, 1.05]),
                &Geom::Via {
                    name: "via12".into(),
                    at: (1.0, 1.0)
                },
            ]
        );
        assert_eq!(m.pins[1].ports[0].shapes.len(), 1);
        assert_eq!(m.obs.len(), 3);
        assert_eq!(
            (m.obs[0].layer.as_str(), m.obs[1].layer.as_str()),
            ("M1", "M2")
        );
    }
}

/// Tests against the real libraries under `$MPGD_DESIGNS` (default `../shared/designs` beside
/// the crate): every LEF must parse, and the facts below are the ones `grep` gives.
#[cfg(test)]
mod designs {
    use super::parse;
    use crate::lefdef::lef::{Direction, Geom, LayerType, Lef};
    use crate::lefdef::{read_lef, read_text, Error};
    use std::path::{Path, PathBuf};

    fn root() -> PathBuf {
        let root = match std::env::var_os("MPGD_DESIGNS") {
            Some(d) => PathBuf::from(d),
            None => Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/designs"),
        };
        assert!(
            root.is_dir(),
            "designs folder {} not found: set MPGD_DESIGNS to the folder holding the LEF/DEF designs",
            root.display()
        );
        root
    }

    fn lef_files(dir: &Path, out: &mut Vec<PathBuf>) {
        let entries = std::fs::read_dir(dir).unwrap_or_else(|e| panic!("{}: {e}", dir.display()));
        for e in entries {
            let p = e.expect("directory entry").path();
            let n = p.to_string_lossy();
            if p.is_dir() {
                lef_files(&p, out);
            } else if n.ends_with(".lef") || n.ends_with(".tlef") || n.ends_with(".lef.gz") {
                out.push(p);
            }
        }
    }

    fn read(rel: &str) -> Lef {
        let p = root().join(rel);
        match read_lef(&p) {
            Ok((lef, warnings)) => {
                assert!(warnings.is_empty(), "{}: {warnings:?}", p.display());
                lef
            }
            Err(e) => panic!("{e}"),
        }
    }

    fn routing(lef: &Lef) -> Vec<&str> {
        lef.layers
            .iter()
            .filter(|l| l.kind == LayerType::Routing)
            .map(|l| l.name.as_str())
            .collect()
    }

    fn layer<'a>(lef: &'a Lef, name: &str) -> &'a crate::lefdef::lef::Layer {
        lef.layers
            .iter()
            .find(|l| l.name == name)
            .unwrap_or_else(|| panic!("no layer {name}"))
    }

    #[test]
    fn every_lef_parses() {
        let mut files = Vec::new();
        lef_files(&root(), &mut files);
        assert!(
            files.len() >= 20,
            "only {} LEF files found under {}",
            files.len(),
            root().display()
        );
        for p in files {
            if let Err(e) = read_lef(&p) {
                panic!("{e}");
            }
        }
    }

    #[test]
    fn nangate45() {
        let lef = read("nangate45/gcd/Nangate45.lef");
        assert_eq!(lef.version.as_deref(), Some("5.6"));
        assert_eq!(lef.dbu_per_micron, Some(2000));
        let metals: Vec<String> = (1..=10).map(|i| format!("metal{i}")).collect();
        assert_eq!(routing(&lef), metals);
        let m2 = layer(&lef, "metal2");
        assert_eq!(
            (m2.pitch, m2.width, m2.direction),
            (Some((0.19, 0.19)), Some(0.07), Some(Direction::Vertical))
        );
        assert_eq!(m2.offset, Some((0.095, 0.07)));
        assert_eq!(lef.macros.len(), 135);
        assert_eq!(
            (lef.layers.len(), lef.vias.len(), lef.via_rules.len()),
            (22, 27, 19)
        );
        assert_eq!(lef.sites[0].size, (0.19, 1.4));
        let and2 = lef
            .macros
            .iter()
            .find(|m| m.name == "AND2_X1")
            .expect("AND2_X1");
        assert_eq!(
            (and2.size, and2.class.as_deref()),
            ((0.76, 1.4), Some("CORE"))
        );
        let pins: Vec<&str> = and2.pins.iter().map(|p| p.name.as_str()).collect();
        assert_eq!(pins, ["A1", "A2", "ZN", "VDD", "VSS"]);
        // The file has 4205 RECT and POLYGON lines; 19 are in VIARULE bodies (skipped), every
        // other one lands in a via, a port or an OBS.
        let solid = |g: &Geom| !matches!(g, Geom::Via { .. });
        let shapes = lef
            .vias
            .iter()
            .flat_map(|v| &v.shapes)
            .filter(|s| solid(&s.geom))
            .count()
            + lef
                .macros
                .iter()
                .flat_map(|m| m.pins.iter().flat_map(|p| &p.ports))
                .flat_map(|p| &p.shapes)
                .count()
            + lef.macros.iter().flat_map(|m| &m.obs).count();
        assert_eq!(shapes, 4205 - 19);
        assert_eq!(
            read("nangate45/dynamic_node_top_wrap/nangate45.lef")
                .macros
                .len(),
            134
        );
    }

    #[test]
    fn sky130() {
        let tech = read("sky130hd/gcd_cts/sky130_fd_sc_hd.tlef");
        assert_eq!(tech.dbu_per_micron, Some(1000));
        assert_eq!(
            routing(&tech),
            ["li1", "met1", "met2", "met3", "met4", "met5"]
        );
        assert_eq!(layer(&tech, "li1").pitch, Some((0.46, 0.34)));
        assert_eq!(layer(&tech, "met1").pitch, Some((0.34, 0.34)));
        assert_eq!(
            layer(&tech, "met1").spacing,
            None,
            "met1 spacing is a SPACINGTABLE"
        );
        let sites: Vec<_> = tech
            .sites
            .iter()
            .map(|s| (s.name.as_str(), s.size))
            .collect();
        assert_eq!(
            sites,
            [("unithd", (0.46, 2.72)), ("unithddbl", (0.46, 5.44))]
        );
        let hd = read("sky130hd/gcd_cts/sky130_fd_sc_hd_merged.lef.gz");
        assert_eq!(hd.macros.len(), 441);
        let inv = hd
            .macros
            .iter()
            .find(|m| m.name == "sky130_fd_sc_hd__inv_1")
            .expect("inv_1");
        assert_eq!(
            (inv.size, inv.site.as_deref()),
            ((1.38, 2.72), Some("unithd"))
        );
        assert_eq!(
            read("sky130hd/gcd_routed/sky130_fd_sc_hd_merged.lef.gz")
                .macros
                .len(),
            437
        );
        assert_eq!(
            read("sky130hs/gcd/sky130_fd_sc_hs_merged.lef.gz")
                .macros
                .len(),
            390
        );
        assert_eq!(routing(&read("sky130hs/gcd/sky130hs.tlef")).len(), 6);
        let block = read("sky130hd/user_project_wrapper/user_proj_example.lef");
        let m = &block.macros[0];
        assert_eq!(
            (m.class.as_deref(), m.size, m.pins.len()),
            (Some("BLOCK"), (2800.0, 1760.0), 543)
        );
        assert_eq!(
            read("sky130hd/tempsense/HEADER.lef").macros[0].size,
            (12.42, 2.72)
        );
        assert_eq!(
            read("sky130hd/tempsense/SLC.lef").macros[0].size,
            (13.34, 2.72)
        );
    }

    #[test]
    fn asap7() {
        let tech = read("asap7/gcd/asap7_tech_1x_201209.lef");
        assert_eq!(tech.dbu_per_micron, Some(1000));
        assert_eq!(
            routing(&tech),
            ["M1", "M2", "M3", "M4", "M5", "M6", "M7", "M8", "M9", "Pad"]
        );
        let m2 = layer(&tech, "M2");
        assert_eq!(
            (m2.pitch, m2.offset, m2.width),
            (Some((0.045, 0.036)), Some((-0.27, -0.27)), Some(0.018))
        );
        assert_eq!(tech.vias.len(), 9);
        for lib in ["R", "L", "SL"] {
            let cells = read(&format!("asap7/gcd/asap7sc7p5t_28_{lib}_1x_220121a.lef"));
            assert_eq!(cells.macros.len(), 212, "{lib}");
        }
    }

    #[test]
    fn gf180mcu() {
        let tech = read("gf180mcu/efuse_ctrl/gf180mcu_5LM_1TM_9K_7t_tech.lef");
        assert_eq!(tech.dbu_per_micron, Some(2000));
        assert_eq!(
            routing(&tech),
            ["Metal1", "Metal2", "Metal3", "Metal4", "Metal5"]
        );
        let m2 = layer(&tech, "Metal2");
        assert_eq!(
            (m2.pitch, m2.width, m2.min_width, m2.spacing),
            (Some((0.56, 0.56)), Some(0.28), Some(0.28), Some(0.28))
        );
        assert_eq!((tech.vias.len(), tech.via_rules.len()), (60, 18));
        let cells = read("gf180mcu/efuse_ctrl/gf180mcu_5LM_1TM_9K_7t_sc.lef");
        assert_eq!(cells.macros.len(), 229);
        assert_eq!(cells.macros[0].size, (18.48, 3.92));
    }

    #[test]
    fn ispd18() {
        let lef = read("ispd18/ispd18_test1/ispd18_test1.input.lef");
        assert_eq!(lef.dbu_per_micron, Some(2000));
        let metals: Vec<String> = (1..=9).map(|i| format!("Metal{i}")).collect();
        assert_eq!(routing(&lef), metals);
        assert_eq!(layer(&lef, "Metal2").pitch, Some((0.2, 0.2)));
        assert_eq!(lef.macros.len(), 487);
        assert_eq!(
            read("ispd18/ispd18_sample/ispd18_sample.input.lef")
                .macros
                .len(),
            16
        );
    }

    /// A tiny deterministic generator (splitmix64), so the cases are the same on every run.
    struct Rng(u64);
    impl Rng {
        fn next(&mut self) -> u64 {
            self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
            let mut z = self.0;
            z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
            z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
            z ^ (z >> 31)
        }
        fn below(&mut self, n: usize) -> usize {
            (self.next() % n.max(1) as u64) as usize
        }
    }

    /// Parses `text`, turning a panic into a test failure that names the case.
    fn check(text: &str, case: &str) {
        let r = std::panic::catch_unwind(|| parse(text, Path::new("fuzz.lef")));
        match r {
            Err(_) => panic!("parser panicked on {case}"),
            Ok(Ok(_)) => {}
            Ok(Err(Error::Syntax(e))) => {
                let lines: Vec<&str> = text.split('\n').collect();
                assert!(
                    e.line >= 1 && e.line <= lines.len(),
                    "{case}: line {} of {}",
                    e.line,
                    lines.len()
                );
                let width = lines[e.line - 1].chars().count();
                assert!(
                    e.column >= 1 && e.column <= width + 1,
                    "{case}: column {} of {width}",
                    e.column
                );
                assert!(
                    !e.message.is_empty() && e.context.first().map(String::as_str) == Some("LEF"),
                    "{case}: {e}"
                );
            }
            Ok(Err(e)) => panic!("{case}: unexpected error kind {e}"),
        }
    }

    #[test]
    fn truncated_and_mutated_files_never_panic() {
        let text = read_text(&root().join("nangate45/gcd/Nangate45.lef")).expect("Nangate45.lef");
        fuzz(&text, 200, 0x5eed_1ef0);
        // A tech LEF too: quoted LEF58 strings, PWL tables, VIARULEs.
        let tech = read_text(&root().join("sky130hd/gcd_cts/sky130_fd_sc_hd.tlef")).expect("tlef");
        fuzz(&tech, 100, 0x7ec4);
    }

    /// Many more cases, for a longer run:
    /// `MPGD_LEF_FUZZ_CASES=5000 cargo test --lib lef_fuzz_long -- --ignored`.
    #[test]
    #[ignore]
    fn lef_fuzz_long() {
        let n = std::env::var("MPGD_LEF_FUZZ_CASES")
            .ok()
            .and_then(|v| v.parse().ok())
            .unwrap_or(2000);
        for (i, rel) in [
            "nangate45/gcd/Nangate45.lef",
            "asap7/gcd/asap7_tech_1x_201209.lef",
            "sky130hd/gcd_cts/sky130_fd_sc_hd.tlef",
            "gf180mcu/efuse_ctrl/gf180mcu_5LM_1TM_9K_7t_tech.lef",
        ]
        .iter()
        .enumerate()
        {
            let text = read_text(&root().join(rel)).expect("readable");
            fuzz(&text, n, 0xf00d + i as u64);
        }
    }

    /// `cases` truncations at seeded positions, then `cases` mutations: mostly one random byte,
    /// sometimes a burst of eight, sometimes a deleted or duplicated span, to break tokens and
    /// statements alike.
    fn fuzz(text: &str, cases: usize, seed: u64) {
        let mut rng = Rng(seed);
        for _ in 0..cases {
            let mut cut = rng.below(text.len() + 1);
            while !text.is_char_boundary(cut) {
                cut -= 1;
            }
            check(&text[..cut], &format!("truncation at byte {cut}"));
        }
        let bytes = text.as_bytes();
        for i in 0..cases {
            let mut b = bytes.to_vec();
            let at = rng.below(b.len());
            match i % 8 {
                0 | 1 => {
                    for k in at..(at + 8).min(b.len()) {
                        b[k] = (rng.next() & 0xff) as u8;
                    }
                }
                2 => {
                    let end = (at + rng.below(200)).min(b.len());
                    b.drain(at..end);
                }
                3 => {
                    let end = (at + rng.below(200)).min(b.len());
                    let span = b[at..end].to_vec();
                    let to = rng.below(b.len());
                    b.splice(to..to, span);
                }
                _ => b[at] = (rng.next() & 0xff) as u8,
            }
            let mutated = String::from_utf8_lossy(&b);
            check(
                &mutated,
                &format!("mutation {i} at byte {at} (seed {seed:#x})"),
            );
        }
    }

    /// Speed against an in-process newline count of the same bytes (the work of `wc -l`, without
    /// its process start-up); run with
    /// `cargo test --release --lib lef_speed -- --ignored --nocapture`.
    #[test]
    #[ignore]
    fn lef_speed() {
        let mut files = Vec::new();
        lef_files(&root(), &mut files);
        files.sort();
        // `MPGD_LEF_SPEED_ONLY=merged` times only the files whose path contains that text.
        let only = std::env::var("MPGD_LEF_SPEED_ONLY").unwrap_or_default();
        for p in files
            .into_iter()
            .filter(|p| p.to_string_lossy().contains(&only))
        {
            let text = read_text(&p).expect("readable");
            // The fastest of several runs: robust to other processes sharing the cores.
            // The fastest of several runs, robust to other processes sharing the cores; the
            // result is dropped after the clock stops (freeing is not reading).
            let best = |f: &dyn Fn() -> Box<dyn std::any::Any>| {
                (0..20)
                    .map(|_| {
                        let t0 = std::time::Instant::now();
                        let out = std::hint::black_box(f());
                        let dt = t0.elapsed().as_secs_f64();
                        drop(out);
                        dt
                    })
                    .fold(f64::INFINITY, f64::min)
            };
            let parse_s = best(&|| Box::new(parse(&text, &p).expect("parses")));
            let wc_s = best(&|| Box::new(memchr::memchr_iter(b'\n', text.as_bytes()).count()));
            eprintln!(
                "{:>9} bytes {:8.3} ms ({:6.1} MB/s, {:5.1}x wc -l) {}",
                text.len(),
                parse_s * 1e3,
                text.len() as f64 / parse_s / 1e6,
                parse_s / wc_s,
                p.display()
            );
        }
    }
}
