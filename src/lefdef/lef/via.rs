//! `VIA name [DEFAULT] ... END name` (fixed vias: their shapes per layer) and
//! `VIARULE name [GENERATE [DEFAULT]] ... END name` (only the name is kept).
//!
//! A via given by a via rule (`VIARULE`, `CUTSIZE`, `LAYERS`, `ROWCOL`, ...) has no shapes of its
//! own here: those statements are skipped, as are `RESISTANCE` and `PROPERTY`.

use super::common::{
    end_name, ident, next_statement, opt_kw, skip_in_block, unknown, upper, Block, Warnings,
};
use super::geom::Geometry;
use super::Via;
use crate::lefdef::lex::{context, cut, PResult};

/// A `VIA` section, `s` after the keyword.
pub(super) fn via<'a>(s: &'a str, w: &mut Warnings) -> PResult<'a, Via> {
    let (s, name) = cut(ident(s))?;
    context(|| format!("VIA {name}"), cut(via_body(s, name, w)))
}

fn via_body<'a>(s: &'a str, name: &'a str, w: &mut Warnings) -> PResult<'a, Via> {
    let (mut s, default) = opt_kw(s, "DEFAULT");
    let block = Block { name: Some(name) };
    let mut g = Geometry::default();
    loop {
        let at = s;
        let (rest, t) = next_statement(s, &|| block.end_label())?;
        let mut buf = [0u8; 40];
        s = match upper(t, &mut buf) {
            "END" => {
                let (s, ()) = end_name(at, rest, name)?;
                return Ok((
                    s,
                    Via {
                        name: name.to_string(),
                        default,
                        shapes: g.shapes,
                    },
                ));
            }
            "LAYER" => g.layer(rest)?.0,
            "RECT" => g.rect(at, rest, w)?.0,
            "POLYGON" => g.polygon(at, rest, w)?.0,
            "RESISTANCE" | "PROPERTY" | "FOREIGN" | "TOPOFSTACKONLY" | "VIARULE" | "CUTSIZE"
            | "LAYERS" | "CUTSPACING" | "ENCLOSURE" | "ROWCOL" | "ORIGIN" | "OFFSET"
            | "PATTERN" => skip_in_block(rest, block)?.0,
            _ => unknown(at, rest, t, block, &|| format!("VIA {name}"), w)?.0,
        };
    }
}

/// A `VIARULE` section, `s` after the keyword: its name; the body (layers, enclosures, cut
/// spacing) is skipped statement by statement.
pub(super) fn via_rule<'a>(s: &'a str, w: &mut Warnings) -> PResult<'a, String> {
    let (s, name) = cut(ident(s))?;
    context(|| format!("VIARULE {name}"), cut(via_rule_body(s, name, w)))
}

fn via_rule_body<'a>(s: &'a str, name: &'a str, w: &mut Warnings) -> PResult<'a, String> {
    let (s, generate) = opt_kw(s, "GENERATE");
    let (mut s, _) = if generate {
        opt_kw(s, "DEFAULT")
    } else {
        (s, false)
    };
    let block = Block { name: Some(name) };
    loop {
        let at = s;
        let (rest, t) = next_statement(s, &|| block.end_label())?;
        let mut buf = [0u8; 40];
        s = match upper(t, &mut buf) {
            "END" => {
                let (s, ()) = end_name(at, rest, name)?;
                return Ok((s, name.to_string()));
            }
            // `LAYER l ;` and `VIA v ;` are statements here, not sections.
            "LAYER" | "VIA" | "DIRECTION" | "ENCLOSURE" | "WIDTH" | "OVERHANG"
            | "METALOVERHANG" | "RECT" | "SPACING" | "RESISTANCE" | "PROPERTY" => {
                skip_in_block(rest, block)?.0
            }
            _ => unknown(at, rest, t, block, &|| format!("VIARULE {name}"), w)?.0,
        };
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::lefdef::lef::{Geom, Shape};

    use super::super::common::run_block as run;

    #[test]
    fn fixed_via() {
        let text = "VIA via1_4 DEFAULT\n  LAYER via1 ;\n    RECT -0.035 -0.035 0.035 0.035 ;\n  \
                    LAYER metal1 ;\n    RECT -0.065 -0.035 0.065 0.035 ;\n  RESISTANCE 5 ;\nEND via1_4";
        let (v, ws) = run(text, via).unwrap();
        assert!(v.default);
        assert_eq!(v.shapes.len(), 2);
        assert_eq!(
            v.shapes[1],
            Shape {
                layer: "metal1".into(),
                geom: Geom::Rect([-0.065, -0.035, 0.065, 0.035])
            }
        );
        assert!(ws.is_empty());
        let (v, _) = run(
            "VIA VIA9Pad Default LAYER Pad ; RECT 0 0 1 1 ; END VIA9Pad",
            via,
        )
        .unwrap();
        assert!(v.default);
        let (v, _) = run("VIA v2 LAYER m ; POLYGON 0 0 1 0 1 1 ; END v2", via).unwrap();
        assert!(!v.default);
    }

    #[test]
    fn generated_via_has_no_shapes() {
        let text = "VIA M1M2_PR_gen\n VIARULE M1M2_PR ;\n CUTSIZE 0.15 0.15 ;\n LAYERS met1 via met2 ;\n \
                    CUTSPACING 0.17 0.17 ;\n ENCLOSURE 0.085 0.055 0.055 0.085 ;\n ROWCOL 1 2 ;\nEND M1M2_PR_gen";
        let (v, _) = run(text, via).unwrap();
        assert!(v.shapes.is_empty());
    }

    #[test]
    fn via_errors() {
        assert_eq!(
            run("VIA v1\n  RECT 0 0 1 1 ;\nEND v1", via).unwrap_err(),
            "2:3: expected 'LAYER' before 'RECT' (VIA v1)"
        );
        assert_eq!(
            run("VIA v1\n  LAYER m1 ;\n  RECT 0 0 1 1 ;\nEND v2", via).unwrap_err(),
            "4:1: expected 'END v1', found 'END v2' (VIA v1)"
        );
        assert_eq!(
            run("VIA v1\n  LAYER m1 ;\n  RECT 0 0 x 1 ;\nEND v1", via).unwrap_err(),
            "3:12: expected a number, found 'x' (VIA v1)"
        );
        assert_eq!(
            run("VIA v1\n  LAYER m1 ;\n  RECT 0 0 1 1 ;\n", via).unwrap_err(),
            "4:1: expected 'END v1', found end of file (VIA v1)"
        );
    }

    #[test]
    fn via_rules() {
        let text = "VIARULE M1M2_PR GENERATE\n  LAYER met1 ;\n    ENCLOSURE 0.085 0.055 ;\n  \
                    LAYER via ;\n    RECT -0.075 -0.075 0.075 0.075 ;\n    SPACING 0.4 BY 0.4 ;\n\
                    END M1M2_PR";
        assert_eq!(run(text, via_rule).unwrap().0, "M1M2_PR");
        let text =
            "VIARULE R1 GENERATE DEFAULT LAYER m1 ; DIRECTION HORIZONTAL ; WIDTH 0.1 TO 1 ; \
                    LAYER m2 ; VIA v12 ; END R1";
        assert_eq!(run(text, via_rule).unwrap().0, "R1");
        assert_eq!(
            run("VIARULE R1 GENERATE\n LAYER m1 ;\nEND R2", via_rule).unwrap_err(),
            "3:1: expected 'END R1', found 'END R2' (VIARULE R1)"
        );
    }
}
