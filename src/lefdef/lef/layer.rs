//! `LAYER name ... END name`: the type, preferred direction, pitch, offset, width, first plain
//! spacing and largest spacing (every `SPACING` value and the last entry of a `SPACINGTABLE`) of a
//! layer. Every other layer rule (influence tables, antenna rules, LEF58 properties, resistance,
//! density, enclosure, ...) is skipped statement by statement, silently when it is valid LEF,
//! with a warning when mpgd does not know the keyword.

use super::common::{
    end_name, ident, next_statement, nonneg, number, skip_in_block, token_or, unknown, upper,
    Block, Warnings,
};
use super::{Direction, Layer, LayerType};
use crate::lefdef::lex::{context, cut, fail, float, peek, semi, shorten, sp, token, PResult};

/// A `LAYER` section, `s` after the keyword.
pub(super) fn layer<'a>(s: &'a str, w: &mut Warnings) -> PResult<'a, Layer> {
    let (s, name) = cut(ident(s))?;
    context(|| format!("LAYER {name}"), cut(layer_body(s, name, w)))
}

fn layer_body<'a>(s: &'a str, name: &'a str, w: &mut Warnings) -> PResult<'a, Layer> {
    let mut l = Layer {
        name: name.to_string(),
        kind: LayerType::Other,
        direction: None,
        pitch: None,
        offset: None,
        width: None,
        min_width: None,
        spacing: None,
        max_spacing: None,
    };
    let block = Block { name: Some(name) };
    let mut has_type = false;
    let mut s = s;
    loop {
        let at = s;
        let (rest, t) = next_statement(s, &|| block.end_label())?;
        let mut buf = [0u8; 40];
        s = match upper(t, &mut buf) {
            "END" => {
                let (s, ()) = end_name(at, rest, name)?;
                if !has_type {
                    w.push(at, format!("LAYER {name} has no TYPE"));
                }
                return Ok((s, l));
            }
            "TYPE" => {
                let (rest, k) = ident(rest)?;
                let (rest, ()) = semi(rest)?;
                let mut buf = [0u8; 40];
                l.kind = match upper(k, &mut buf) {
                    "ROUTING" => LayerType::Routing,
                    "CUT" => LayerType::Cut,
                    "MASTERSLICE" => LayerType::Masterslice,
                    "OVERLAP" => LayerType::Overlap,
                    "IMPLANT" => LayerType::Implant,
                    _ => LayerType::Other,
                };
                has_type = true;
                rest
            }
            "DIRECTION" => {
                let (after, d) = ident(rest)?;
                let mut buf = [0u8; 40];
                l.direction = match upper(d, &mut buf) {
                    "HORIZONTAL" => Some(Direction::Horizontal),
                    "VERTICAL" => Some(Direction::Vertical),
                    "DIAG45" | "DIAG135" => {
                        w.push(at, format!("LAYER {name}: diagonal direction {d} ignored"));
                        None
                    }
                    _ => {
                        return fail(
                            sp(rest),
                            format!(
                                "expected 'HORIZONTAL' or 'VERTICAL', found '{}'",
                                shorten(d)
                            ),
                        )
                    }
                };
                semi(after)?.0
            }
            "PITCH" => {
                let (rest, p) = pair(rest)?;
                l.pitch = Some(p);
                rest
            }
            "OFFSET" => {
                let (rest, o) = float(rest)?;
                let (rest, o2) = opt_float(rest)?;
                let (rest, ()) = semi(rest)?;
                l.offset = Some((o, o2.unwrap_or(o)));
                rest
            }
            "WIDTH" => {
                let (rest, v) = nonneg(rest)?;
                l.width = Some(v);
                semi(rest)?.0
            }
            "MINWIDTH" => {
                let (rest, v) = nonneg(rest)?;
                l.min_width = Some(v);
                semi(rest)?.0
            }
            "SPACING" => {
                // Only `SPACING s ;` is the plain minimum spacing; qualified forms (RANGE,
                // ENDOFLINE, ...) are rules for special cases.
                let (after, v) = nonneg(rest)?;
                l.max_spacing = Some(l.max_spacing.map_or(v, |m| m.max(v)));
                if peek(after) == Some(";") {
                    if l.spacing.is_none() {
                        l.spacing = Some(v);
                    }
                    semi(after)?.0
                } else {
                    skip_in_block(after, block)?.0
                }
            }
            "SPACINGTABLE" => {
                let (rest, last) = spacing_table(rest, block)?;
                if let Some(v) = last {
                    l.max_spacing = Some(l.max_spacing.map_or(v, |m| m.max(v)));
                }
                rest
            }
            "ACCURRENTDENSITY" | "DCCURRENTDENSITY" => current_density(rest, block)?.0,
            k if is_known(k) => skip_in_block(rest, block)?.0,
            _ => unknown(at, rest, t, block, &|| format!("LAYER {name}"), w)?.0,
        };
    }
}

/// `x [y] ;` as a pair, (x, x) when one value is given; both non-negative.
fn pair(s: &str) -> PResult<'_, (f64, f64)> {
    let (s, x) = nonneg(s)?;
    let (s, y) = if peek(s) == Some(";") {
        (s, x)
    } else {
        nonneg(s)?
    };
    let (s, ()) = semi(s)?;
    Ok((s, (x, y)))
}

/// A second number if one follows.
fn opt_float(s: &str) -> PResult<'_, Option<f64>> {
    if peek(s) == Some(";") {
        Ok((s, None))
    } else {
        let (s, v) = float(s)?;
        Ok((s, Some(v)))
    }
}

/// `SPACINGTABLE PARALLELRUNLENGTH ... ;` or `SPACINGTABLE TWOWIDTHS ... ;`: the table's last
/// entry (its widest row, longest run), which OpenDB's `dbTechLayer::getSpacing(MAX, MAX)` and
/// grt's `findLayerExtensions` read; `None` for the other tables (`INFLUENCE`, `ORTHOGONAL`),
/// skipped. `s` starts after the keyword.
fn spacing_table<'a>(s: &'a str, block: Block<'_>) -> PResult<'a, Option<f64>> {
    let mut buf = [0u8; 40];
    let kind = peek(s).map(|t| upper(t, &mut buf).to_string());
    let (rest, ()) = skip_in_block(s, block)?;
    if !matches!(kind.as_deref(), Some("PARALLELRUNLENGTH" | "TWOWIDTHS")) {
        return Ok((rest, None));
    }
    let mut body = &s[..s.len() - rest.len()];
    let mut last = None;
    while let Ok((after, t)) = token(body) {
        if t == ";" {
            break;
        }
        last = Some((body, t));
        body = after;
    }
    match last {
        Some((at, t)) => Ok((rest, Some(number(at, t)?))),
        None => Ok((rest, None)),
    }
}

/// `ACCURRENTDENSITY`/`DCCURRENTDENSITY kind value ;` or the table form, several statements
/// long (`FREQUENCY ... ; WIDTH ... ; TABLEENTRIES ... ;`): its inner `WIDTH` statement must not
/// be read as the layer's width, so the whole table is skipped up to `TABLEENTRIES ... ;`.
fn current_density<'a>(s: &'a str, block: Block<'_>) -> PResult<'a, ()> {
    let (s, _kind) = ident(s)?;
    if peek(s).is_some_and(|t| t.parse::<f64>().is_ok()) {
        return skip_in_block(s, block);
    }
    let mut s = s;
    loop {
        let (rest, t) = token_or(s, || "expected 'TABLEENTRIES', found end of file".into())?;
        let mut buf = [0u8; 40];
        let last = match upper(t, &mut buf) {
            "TABLEENTRIES" => true,
            "FREQUENCY" | "WIDTH" | "CUTAREA" => false,
            // Anything else (the layer's END, the next rule) means the table lost its entries.
            _ => {
                return fail(
                    sp(s),
                    format!("expected 'TABLEENTRIES', found '{}'", shorten(t)),
                )
            }
        };
        let (rest, ()) = skip_in_block(rest, block)?;
        s = rest;
        if last {
            return Ok((s, ()));
        }
    }
}

/// Valid layer statements mpgd does not read.
fn is_known(k: &str) -> bool {
    k.starts_with("ANTENNA")
        || matches!(
            k,
            "PROPERTY"
                | "AREA"
                | "MINENCLOSEDAREA"
                | "RESISTANCE"
                | "CAPACITANCE"
                | "EDGECAPACITANCE"
                | "CAPMULTIPLIER"
                | "THICKNESS"
                | "HEIGHT"
                | "SHRINKAGE"
                | "WIREEXTENSION"
                | "MINIMUMCUT"
                | "MAXWIDTH"
                | "MINSTEP"
                | "MINSIZE"
                | "PROTRUSIONWIDTH"
                | "ENCLOSURE"
                | "PREFERENCLOSURE"
                | "ARRAYSPACING"
                | "MINIMUMDENSITY"
                | "MAXIMUMDENSITY"
                | "DENSITYCHECKWINDOW"
                | "DENSITYCHECKSTEP"
                | "FILLACTIVESPACING"
                | "MASK"
                | "DIAGPITCH"
                | "DIAGWIDTH"
                | "DIAGSPACING"
                | "DIAGMINEDGELENGTH"
                | "OFFSETX"
                | "OFFSETY"
                | "TABLEENTRIES"
        )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run(text: &str) -> Result<(Layer, Vec<String>), String> {
        super::super::common::run_block(text, layer)
    }

    #[test]
    fn routing_layer() {
        let text = "LAYER metal2\n  TYPE ROUTING ;\n  DIRECTION VERTICAL ;\n  PITCH 0.19 ;\n  \
                    OFFSET 0.095 0.07 ;\n  WIDTH 0.07 ;\n  MINWIDTH 0.07 ;\n  SPACINGTABLE\n    \
                    PARALLELRUNLENGTH 0.0 0.3\n    WIDTH 0.0 0.07 0.07\n    WIDTH 0.1 0.1 0.1 ;\n  \
                    SPACING 0.08 ENDOFLINE 0.09 WITHIN 0.025 ;\n  SPACING 0.07 ;\n  SPACING 0.5 ;\n  \
                    PROPERTY LEF58_SPACING \"SPACING 0.1 ; WIDTH 3 ;\" ;\n  ANTENNAMODEL OXIDE1 ;\n\
                    END metal2\n";
        let (l, ws) = run(text).unwrap();
        assert_eq!(l.name, "metal2");
        assert_eq!(l.kind, LayerType::Routing);
        assert_eq!(l.direction, Some(Direction::Vertical));
        assert_eq!(l.pitch, Some((0.19, 0.19)));
        assert_eq!(l.offset, Some((0.095, 0.07)));
        assert_eq!(l.width, Some(0.07));
        assert_eq!(l.min_width, Some(0.07));
        assert_eq!(l.spacing, Some(0.07));
        // The table's last entry is 0.1, the SPACING statements go to 0.5.
        assert_eq!(l.max_spacing, Some(0.5));
        assert!(ws.is_empty(), "{ws:?}");
    }

    #[test]
    fn largest_spacing_of_the_tables() {
        // sky130's form: no plain SPACING, a PARALLELRUNLENGTH table.
        let text = "LAYER met1 TYPE ROUTING ; SPACINGTABLE\n PARALLELRUNLENGTH 0\n \
                    WIDTH 0 0.14\n WIDTH 3 0.28 ; END met1";
        let (l, _) = run(text).unwrap();
        assert_eq!((l.spacing, l.max_spacing), (None, Some(0.28)));
        // TWOWIDTHS with a PRL column; an INFLUENCE table does not count.
        let text = "LAYER m2 TYPE ROUTING ; SPACING 0.05 ; SPACINGTABLE TWOWIDTHS\n \
                    WIDTH 0 0.05 0.06\n WIDTH 0.1 PRL 0.2 0.06 0.09 ;\n \
                    SPACINGTABLE INFLUENCE WIDTH 1 WITHIN 1 SPACING 2 ; END m2";
        let (l, ws) = run(text).unwrap();
        assert_eq!((l.spacing, l.max_spacing), (Some(0.05), Some(0.09)));
        assert!(ws.is_empty(), "{ws:?}");
        // A table that does not end in a number is an error, as a bad SPACING is.
        assert!(run("LAYER m3 SPACINGTABLE PARALLELRUNLENGTH 0 WIDTH 0 x ; END m3").is_err());
    }

    #[test]
    fn pitch_pairs_and_types() {
        let (l, _) = run("LAYER li1 TYPE ROUTING ; PITCH 0.46 0.34 ; END li1").unwrap();
        assert_eq!(l.pitch, Some((0.46, 0.34)));
        for (t, k) in [
            ("CUT", LayerType::Cut),
            ("MASTERSLICE", LayerType::Masterslice),
            ("OVERLAP", LayerType::Overlap),
            ("IMPLANT", LayerType::Implant),
            ("WEIRD", LayerType::Other),
        ] {
            let (l, _) = run(&format!("LAYER x TYPE {t} ; END x")).unwrap();
            assert_eq!(l.kind, k);
        }
    }

    #[test]
    fn current_density_tables_keep_their_width() {
        let text = "LAYER m1 TYPE ROUTING ; WIDTH 0.1 ;\n ACCURRENTDENSITY PEAK\n FREQUENCY 100 400 ;\n \
                    WIDTH 0.4 4 ;\n TABLEENTRIES 1 2 3 4 ;\n DCCURRENTDENSITY AVERAGE 2.8 ;\nEND m1";
        let (l, _) = run(text).unwrap();
        assert_eq!(l.width, Some(0.1));
        let text = "LAYER m1\n ACCURRENTDENSITY PEAK\n FREQUENCY 100 ;\nEND m1";
        assert_eq!(
            run(text).unwrap_err(),
            "4:1: expected 'TABLEENTRIES', found 'END' (LAYER m1)"
        );
    }

    #[test]
    fn unknown_statements_warn() {
        let (l, ws) = run("LAYER m1 TYPE ROUTING ; FOO 1 2 ; WIDTH 0.1 ; END m1").unwrap();
        assert_eq!(l.width, Some(0.1));
        assert_eq!(ws, vec!["skipped unknown statement 'FOO' in LAYER m1"]);
        let (_, ws) = run("LAYER m1 END m1").unwrap();
        assert_eq!(ws, vec!["LAYER m1 has no TYPE"]);
    }

    #[test]
    fn layer_errors() {
        assert_eq!(
            run("LAYER metal1\n  TYPE ROUTING ;\nEND metal2\n").unwrap_err(),
            "3:1: expected 'END metal1', found 'END metal2' (LAYER metal1)"
        );
        assert_eq!(
            run("LAYER metal1\n  TYPE ROUTING ;\n").unwrap_err(),
            "3:1: expected 'END metal1', found end of file (LAYER metal1)"
        );
        assert_eq!(
            run("LAYER metal1\n  WIDTH -0.1 ;\nEND metal1").unwrap_err(),
            "2:9: expected a non-negative number, found '-0.1' (LAYER metal1)"
        );
        assert_eq!(
            run("LAYER metal1\n  PITCH ;\nEND metal1").unwrap_err(),
            "2:9: expected a number, found ';' (LAYER metal1)"
        );
        assert_eq!(
            run("LAYER metal1\n  DIRECTION UP ;\nEND metal1").unwrap_err(),
            "2:13: expected 'HORIZONTAL' or 'VERTICAL', found 'UP' (LAYER metal1)"
        );
        assert_eq!(
            run("LAYER metal1\n  AREA 0.1\nEND metal1").unwrap_err(),
            "3:1: expected ';', found 'END metal1' (LAYER metal1)"
        );
        assert_eq!(
            run("LAYER metal1\n  TYPE ROUTING ;\nLAYER metal2").unwrap_err(),
            "3:1: expected 'END metal1', found 'LAYER' (LAYER metal1)"
        );
        assert_eq!(
            run("LAYER metal1\n  0.5 ;\nEND metal1").unwrap_err(),
            "2:3: expected a statement keyword, found '0.5' (LAYER metal1)"
        );
        assert_eq!(
            run("LAYER 12 END 12").unwrap_err(),
            "1:7: expected a name, found '12' ()"
        );
    }
}
