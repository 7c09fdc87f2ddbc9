//! `MACRO name ... END name`: a cell's class, origin, size, symmetry, site and foreign name, its
//! `PIN`s with their `PORT` shapes, and its `OBS` shapes. Antenna data, `DENSITY` blocks and
//! properties are skipped.
//!
//! `PORT`, `OBS` and `DENSITY` end with a bare `END`; when such a block loses its `END`, the next
//! token after the `END` that was taken for it is the enclosing pin's or macro's name, which is
//! reported instead of being skipped as an unknown statement.

use super::common::{
    end_name, ident, next_statement, skip_in_block, unknown, upper, words, Block, Warnings,
};
use super::geom::Geometry;
use super::site::size_by;
use super::{Macro, MacroPin, Port, Shape};
use crate::lefdef::lex::{context, cut, cut_fail, float, peek, semi, shorten, sp, PResult};

/// A `MACRO` section, `s` after the keyword.
pub(super) fn macro_<'a>(s: &'a str, w: &mut Warnings) -> PResult<'a, Macro> {
    let (s, name) = cut(ident(s))?;
    context(|| format!("MACRO {name}"), cut(macro_body(s, name, w)))
}

fn macro_body<'a>(s: &'a str, name: &'a str, w: &mut Warnings) -> PResult<'a, Macro> {
    let mut m = Macro {
        name: name.to_string(),
        class: None,
        origin: (0.0, 0.0),
        size: (0.0, 0.0),
        symmetry: Vec::new(),
        foreign: None,
        site: None,
        pins: Vec::new(),
        obs: Vec::new(),
    };
    let block = Block { name: Some(name) };
    let mut has_size = false;
    let mut s = s;
    loop {
        let at = s;
        let (rest, t) = next_statement(s, &|| block.end_label())?;
        let mut buf = [0u8; 40];
        s = match upper(t, &mut buf) {
            "END" => {
                let (s, ()) = end_name(at, rest, name)?;
                if !has_size {
                    w.push(at, format!("MACRO {name} has no SIZE"));
                }
                return Ok((s, m));
            }
            "CLASS" => {
                let (rest, c) = words(rest)?;
                m.class = Some(c);
                rest
            }
            "ORIGIN" => {
                let (rest, x) = float(rest)?;
                let (rest, y) = float(rest)?;
                m.origin = (x, y);
                semi(rest)?.0
            }
            "SIZE" => {
                let (rest, wh) = size_by(rest)?;
                m.size = wh;
                has_size = true;
                rest
            }
            "SYMMETRY" => {
                let (rest, sym) = words(rest)?;
                m.symmetry = sym.split(' ').map(str::to_string).collect();
                rest
            }
            "FOREIGN" => {
                let (rest, f) = foreign(rest)?;
                if m.foreign.is_none() {
                    m.foreign = Some(f);
                }
                rest
            }
            "SITE" => {
                // `SITE name [x y orient [DO n BY m STEP dx dy]] ;`: the first name is the site.
                let (rest, site) = ident(rest)?;
                if m.site.is_none() {
                    m.site = Some(site.to_string());
                }
                skip_in_block(rest, block)?.0
            }
            "PIN" => {
                let (rest, p) = pin(rest, name, w)?;
                m.pins.push(p);
                rest
            }
            "OBS" => {
                let (rest, shapes) = context(|| "OBS".into(), cut(obs(rest, name, w)))?;
                if m.obs.is_empty() {
                    m.obs = shapes; // the usual single OBS: move, do not copy
                } else {
                    m.obs.extend(shapes);
                }
                rest
            }
            "DENSITY" => context(|| "DENSITY".into(), cut(density(rest, name)))?.0,
            "PROPERTY" | "EEQ" | "LEQ" | "SOURCE" | "FIXEDMASK" | "POWER" | "FUNCTION"
            | "GENERATOR" | "GENERATE" => skip_in_block(rest, block)?.0,
            _ => unknown(at, rest, t, block, &|| format!("MACRO {name}"), w)?.0,
        };
    }
}

/// `FOREIGN name [x y [orient]] ;`, `s` after the keyword.
fn foreign(s: &str) -> PResult<'_, (String, f64, f64)> {
    let (s, name) = ident(s)?;
    if peek(s) == Some(";") {
        return Ok((semi(s)?.0, (name.to_string(), 0.0, 0.0)));
    }
    let (s, x) = float(s)?;
    let (s, y) = float(s)?;
    let s = match peek(s) {
        Some(";") | None => s,
        Some(_) => ident(s)?.0,
    };
    let (s, ()) = semi(s)?;
    Ok((s, (name.to_string(), x, y)))
}

/// A `PIN` section, `s` after the keyword; `macro_name` for the missing-`END` check.
fn pin<'a>(s: &'a str, macro_name: &str, w: &mut Warnings) -> PResult<'a, MacroPin> {
    let (s, name) = cut(ident(s))?;
    context(
        || format!("PIN {name}"),
        cut(pin_body(s, name, macro_name, w)),
    )
}

fn pin_body<'a>(
    s: &'a str,
    name: &'a str,
    macro_name: &str,
    w: &mut Warnings,
) -> PResult<'a, MacroPin> {
    let mut p = MacroPin {
        name: name.to_string(),
        direction: None,
        use_: None,
        ports: Vec::new(),
    };
    let block = Block { name: Some(name) };
    let mut s = s;
    loop {
        let at = s;
        let (rest, t) = next_statement(s, &|| block.end_label())?;
        let mut buf = [0u8; 40];
        s = match upper(t, &mut buf) {
            "END" => {
                // `END <macro>` here means this pin lost its own END.
                if peek(rest) == Some(macro_name) && macro_name != name {
                    return cut_fail(
                        sp(at),
                        format!(
                            "expected 'END {}', found 'END {}'",
                            shorten(name),
                            shorten(macro_name)
                        ),
                    );
                }
                let (s, ()) = end_name(at, rest, name)?;
                return Ok((s, p));
            }
            "DIRECTION" => {
                let (after, d) = words(rest)?;
                if !matches!(
                    d.as_str(),
                    "INPUT" | "OUTPUT" | "OUTPUT TRISTATE" | "INOUT" | "FEEDTHRU"
                ) {
                    return cut_fail(
                        sp(rest),
                        format!(
                            "expected 'INPUT', 'OUTPUT [TRISTATE]', 'INOUT' or 'FEEDTHRU', found '{}'",
                            shorten(&d)
                        ),
                    );
                }
                p.direction = Some(d);
                after
            }
            "USE" => {
                let (rest, u) = words(rest)?;
                p.use_ = Some(u);
                rest
            }
            "PORT" => {
                let (rest, port) = context(|| "PORT".into(), cut(port(rest, name, w)))?;
                p.ports.push(port);
                rest
            }
            "SHAPE"
            | "NETEXPR"
            | "SUPPLYSENSITIVITY"
            | "GROUNDSENSITIVITY"
            | "MUSTJOIN"
            | "TAPERRULE"
            | "PROPERTY"
            | "FOREIGN"
            | "CAPACITANCE"
            | "RESISTANCE"
            | "LEAKAGE"
            | "RISETHRESH"
            | "FALLTHRESH"
            | "RISESATCUR"
            | "FALLSATCUR"
            | "VLO"
            | "VHI"
            | "TIEOFFR"
            | "RISEVOLTAGETHRESHOLD"
            | "FALLVOLTAGETHRESHOLD"
            | "RISESLEWLIMIT"
            | "FALLSLEWLIMIT"
            | "OUTPUTNOISEMARGIN"
            | "OUTPUTRESISTANCE"
            | "INPUTNOISEMARGIN"
            | "POWER"
            | "CURRENTSOURCE"
            | "IV_TABLES" => skip_in_block(rest, block)?.0,
            k if k.starts_with("ANTENNA") => skip_in_block(rest, block)?.0,
            _ => unknown(at, rest, t, block, &|| format!("PIN {name}"), w)?.0,
        };
    }
}

/// A `PORT ... END` block, `s` after the keyword; `pin_name` for the missing-`END` check.
fn port<'a>(s: &'a str, pin_name: &str, w: &mut Warnings) -> PResult<'a, Port> {
    let mut port = Port {
        class: None,
        shapes: Vec::new(),
    };
    let s = shapes_block(s, pin_name, w, &mut port.shapes, Some(&mut port.class))?.0;
    Ok((s, port))
}

/// An `OBS ... END` block, `s` after the keyword.
fn obs<'a>(s: &'a str, macro_name: &str, w: &mut Warnings) -> PResult<'a, Vec<Shape>> {
    let mut shapes = Vec::new();
    let (s, ()) = shapes_block(s, macro_name, w, &mut shapes, None)?;
    Ok((s, shapes))
}

/// The body of `PORT` or `OBS` up to its bare `END`. `owner` is the name of the enclosing pin or
/// macro: finding it right after the `END` means this block's own `END` is missing. `class`
/// receives `CLASS c ;` (ports only).
fn shapes_block<'a>(
    s: &'a str,
    owner: &str,
    w: &mut Warnings,
    out: &mut Vec<Shape>,
    mut class: Option<&mut Option<String>>,
) -> PResult<'a, ()> {
    let block = Block { name: None };
    let mut g = Geometry::default();
    let what = if class.is_some() { "PORT" } else { "OBS" };
    let mut s = s;
    loop {
        let at = s;
        let (rest, t) = next_statement(s, &|| "END".into())?;
        let mut buf = [0u8; 40];
        s = match upper(t, &mut buf) {
            "END" => {
                if peek(rest) == Some(owner) {
                    return cut_fail(
                        sp(at),
                        format!("expected 'END' of {what}, found 'END {}'", shorten(owner)),
                    );
                }
                *out = g.shapes;
                return Ok((rest, ()));
            }
            "LAYER" => g.layer(rest)?.0,
            "WIDTH" => g.width(rest)?.0,
            "RECT" => g.rect(at, rest, w)?.0,
            "POLYGON" => g.polygon(at, rest, w)?.0,
            "PATH" => g.path(at, rest, w)?.0,
            "VIA" => g.via(at, rest, w)?.0,
            "CLASS" if class.is_some() => {
                let (rest, c) = words(rest)?;
                if let Some(slot) = class.as_mut() {
                    **slot = Some(c);
                }
                rest
            }
            _ => unknown(at, rest, t, block, &|| what.to_string(), w)?.0,
        };
    }
}

/// A `DENSITY ... END` block (`LAYER l ; RECT x0 y0 x1 y1 density ; ...`): skipped.
fn density<'a>(s: &'a str, macro_name: &str) -> PResult<'a, ()> {
    let mut s = s;
    loop {
        let at = s;
        let (rest, t) = next_statement(s, &|| "END".into())?;
        if t.eq_ignore_ascii_case("END") {
            if peek(rest) == Some(macro_name) {
                return cut_fail(
                    sp(at),
                    format!(
                        "expected 'END' of DENSITY, found 'END {}'",
                        shorten(macro_name)
                    ),
                );
            }
            return Ok((rest, ()));
        }
        let mut buf = [0u8; 40];
        if !matches!(upper(t, &mut buf), "LAYER" | "RECT") {
            return cut_fail(
                sp(at),
                format!("expected 'LAYER', 'RECT' or 'END', found '{}'", shorten(t)),
            );
        }
        s = skip_in_block(rest, Block { name: None })?.0;
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::lefdef::lef::Geom;

    fn run(text: &str) -> Result<(Macro, Vec<String>), String> {
        super::super::common::run_block(text, macro_)
    }

    const AND2: &str = "MACRO AND2_X1
  CLASS core ;
  FOREIGN AND2_X1 0.0 0.0 ;
  ORIGIN 0 0 ;
  SIZE 0.76 BY 1.4 ;
  SYMMETRY X Y ;
  SITE FreePDK45_38x28_10R_NP_162NW_34O ;
  PIN A1
    DIRECTION INPUT ;
    USE SIGNAL ;
    ANTENNAGATEAREA 0.0415 ;
    PORT
      LAYER metal1 ;
        POLYGON 0.06 0.525 0.2 0.525 0.2 0.7 0.06 0.7 ;
    END
  END A1
  PIN ZN
    DIRECTION OUTPUT TRISTATE ;
    USE signal ;
    SHAPE ABUTMENT ;
    PORT
      CLASS CORE ;
      LAYER metal1 ;
        RECT 0.61 0.15 0.7 1.25 ;
      VIA 0.65 0.7 via1_4 ;
    END
    PORT
      LAYER metal2 ;
        RECT 0 0 1 1 ;
    END
  END ZN
  OBS
    LAYER metal1 ;
      RECT 0.04 0.15 0.11 0.39 ;
      RECT 0.04 0.81 0.11 1.25 ;
  END
  DENSITY
    LAYER metal1 ;
      RECT 0 0 1 1 50.0 ;
  END
  PROPERTY LEF58_EDGETYPE \"EDGETYPE LEFT TYPE1 ;\" ;
END AND2_X1
";

    #[test]
    fn standard_cell() {
        let (m, ws) = run(AND2).unwrap();
        assert!(ws.is_empty(), "{ws:?}");
        assert_eq!(m.name, "AND2_X1");
        assert_eq!(m.class.as_deref(), Some("CORE"));
        assert_eq!(m.foreign, Some(("AND2_X1".into(), 0.0, 0.0)));
        assert_eq!(m.size, (0.76, 1.4));
        assert_eq!(m.symmetry, vec!["X", "Y"]);
        assert_eq!(m.site.as_deref(), Some("FreePDK45_38x28_10R_NP_162NW_34O"));
        assert_eq!(m.pins.len(), 2);
        let a1 = &m.pins[0];
        assert_eq!(
            (a1.direction.as_deref(), a1.use_.as_deref()),
            (Some("INPUT"), Some("SIGNAL"))
        );
        assert!(matches!(&a1.ports[0].shapes[0].geom, Geom::Polygon(p) if p.len() == 4));
        let zn = &m.pins[1];
        assert_eq!(zn.direction.as_deref(), Some("OUTPUT TRISTATE"));
        assert_eq!(zn.ports.len(), 2);
        assert_eq!(zn.ports[0].class.as_deref(), Some("CORE"));
        assert_eq!(zn.ports[0].shapes.len(), 2);
        assert_eq!(zn.ports[0].shapes[1].layer, "");
        assert_eq!(m.obs.len(), 2);
        assert_eq!(m.obs[1].geom, Geom::Rect([0.04, 0.81, 0.11, 1.25]));
    }

    #[test]
    fn classes_and_foreign_forms() {
        let (m, ws) = run("MACRO T CLASS ENDCAP PRE ; FOREIGN T ; SIZE 1 BY 1 ; END T").unwrap();
        assert_eq!(m.class.as_deref(), Some("ENDCAP PRE"));
        assert_eq!(m.foreign, Some(("T".into(), 0.0, 0.0)));
        assert!(ws.is_empty());
        let (m, _) =
            run("MACRO T CLASS PAD INOUT ; FOREIGN Tf 1 2 FN ; SIZE 1 BY 1 ; END T").unwrap();
        assert_eq!(m.class.as_deref(), Some("PAD INOUT"));
        assert_eq!(m.foreign, Some(("Tf".into(), 1.0, 2.0)));
        let (_, ws) = run("MACRO T CLASS BLOCK ; END T").unwrap();
        assert_eq!(ws, vec!["MACRO T has no SIZE"]);
        let (m, ws) = run("MACRO T SIZE 1 BY 1 ; WEIRD 1 ; PIN A FOO ; END A END T").unwrap();
        assert_eq!(m.pins.len(), 1);
        assert_eq!(
            ws,
            vec![
                "skipped unknown statement 'WEIRD' in MACRO T",
                "skipped unknown statement 'FOO' in PIN A"
            ]
        );
    }

    #[test]
    fn macro_errors() {
        let e = |t: &str| run(t).unwrap_err();
        assert_eq!(
            e("MACRO AND2_X1\n  PIN A\n    PORT\n      LAYER metal1 ;\n      RECT 0 0 1 1\n      RECT 0 0 1 1 ;\n    END\n  END A\nEND AND2_X1"),
            "6:7: expected ';', found 'RECT' (MACRO AND2_X1 > PIN A > PORT)"
        );
        assert_eq!(
            e("MACRO M\n  PIN A\n    PORT\n      LAYER m1 ;\n  END A\nEND M"),
            "5:3: expected 'END' of PORT, found 'END A' (MACRO M > PIN A > PORT)"
        );
        assert_eq!(
            e("MACRO M\n  PIN A\n    DIRECTION INPUT ;\nEND M"),
            "4:1: expected 'END A', found 'END M' (MACRO M > PIN A)"
        );
        assert_eq!(
            e("MACRO M\n  PIN A\n    DIRECTION INPUT ;\n  PIN B\n  END B\nEND M"),
            "4:3: expected 'END A', found 'PIN' (MACRO M > PIN A)"
        );
        assert_eq!(
            e("MACRO M\n  OBS\n    LAYER m1 ;\nEND M"),
            "4:1: expected 'END' of OBS, found 'END M' (MACRO M > OBS)"
        );
        assert_eq!(
            e("MACRO M\n  PIN A\n    DIRECTION SIDEWAYS ;\n  END A\nEND M"),
            "3:15: expected 'INPUT', 'OUTPUT [TRISTATE]', 'INOUT' or 'FEEDTHRU', found 'SIDEWAYS' (MACRO M > PIN A)"
        );
        assert_eq!(
            e("MACRO M\n  SIZE 1 BY -2 ;\nEND M"),
            "2:13: expected a non-negative number, found '-2' (MACRO M)"
        );
        assert_eq!(
            e("MACRO M\n  SIZE 1 BY 2 ;\n"),
            "3:1: expected 'END M', found end of file (MACRO M)"
        );
        assert_eq!(
            e("MACRO M\n  PIN 5\n  END 5\nEND M"),
            "2:7: expected a name, found '5' (MACRO M)"
        );
        assert_eq!(
            e("MACRO M\n  OBS\n    RECT 0 0 1 1 ;\n  END\nEND M"),
            "3:5: expected 'LAYER' before 'RECT' (MACRO M > OBS)"
        );
        assert_eq!(
            e("MACRO M\n  PIN A\n    PORT\n      LAYER m1 ;\n      PATH 0 0 1 ;\n    END\n  END A\nEND M"),
            "5:18: expected a number, found ';' (MACRO M > PIN A > PORT)"
        );
        assert_eq!(
            e("MACRO M\n  CLASS ;\nEND M"),
            "2:9: expected a keyword, found ';' (MACRO M)"
        );
    }

    #[test]
    fn ports_with_paths_warn_without_width() {
        let text = "MACRO M SIZE 1 BY 1 ; PIN A PORT LAYER m1 ; PATH 0 0 1 0 ; WIDTH 0.1 ; PATH 0 0 0 1 ; \
                    RECT ITERATE 0 0 1 1 DO 2 BY 1 STEP 1 0 ; END END A END M";
        let (m, ws) = run(text).unwrap();
        assert_eq!(m.pins[0].ports[0].shapes.len(), 1);
        assert_eq!(ws.len(), 2, "{ws:?}");
    }
}
