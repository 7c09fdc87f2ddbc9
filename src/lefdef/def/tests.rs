//! Tests of the DEF reader and writer: one group per section or production (good and bad input,
//! pinned error positions), the real designs of the shared designs folder checked against
//! `stats.json` and round-tripped through the writer, and a no-panic test on truncated and mutated
//! files.

use super::*;
use crate::geom::{Orient, Point, Rect};
use crate::lefdef::{Error, SyntaxError};
use std::path::{Path, PathBuf};

fn p(text: &str) -> Result<Def, SyntaxError> {
    match parse_with(
        text,
        Path::new("t.def"),
        ParseOptions {
            keep_net_wiring: true,
        },
    ) {
        Ok((d, _)) => Ok(d),
        Err(Error::Syntax(e)) => Err(e),
        Err(e) => panic!("{e}"),
    }
}

fn ok(text: &str) -> Def {
    match p(text) {
        Ok(d) => d,
        Err(e) => panic!("{e}"),
    }
}

fn err(text: &str) -> SyntaxError {
    match p(text) {
        Ok(d) => panic!("expected an error, got {d:?}"),
        Err(e) => e,
    }
}

fn warnings(text: &str) -> Vec<crate::lefdef::Warning> {
    parse(text, Path::new("t.def")).expect("parses").1
}

/// A design wrapped around `body`.
fn wrap(body: &str) -> String {
    format!("VERSION 5.8 ;\nDESIGN d ;\nUNITS DISTANCE MICRONS 1000 ;\n{body}END DESIGN\n")
}

fn roundtrip(d: &Def) {
    let text = to_string(d);
    let back = match p(&text) {
        Ok(b) => b,
        Err(e) => panic!(
            "written DEF does not parse: {e}\n{}",
            &text[..text.len().min(3000)]
        ),
    };
    assert!(back == *d, "round trip differs");
}

// ---- header ----------------------------------------------------------------------------------

#[test]
fn header_statements() {
    let d = ok("VERSION 5.8 ;\nDIVIDERCHAR \"/\" ;\nBUSBITCHARS \"[]\" ;\nDESIGN gcd ;\nTECHNOLOGY t ;\n\
                UNITS DISTANCE MICRONS 2000 ;\nHISTORY made by hand ;\nDIEAREA ( 0 0 ) ( 100 200 ) ;\nEND DESIGN\n");
    assert_eq!(d.version.as_deref(), Some("5.8"));
    assert_eq!(d.divider_char.as_deref(), Some("/"));
    assert_eq!(d.bus_bit_chars.as_deref(), Some("[]"));
    assert_eq!(d.design, "gcd");
    assert_eq!(d.dbu_per_micron, 2000);
    assert_eq!(d.die_area, vec![Point::new(0, 0), Point::new(100, 200)]);
    roundtrip(&d);
}

#[test]
fn diearea_polygon_and_errors() {
    let d = ok(&wrap(
        "DIEAREA ( 0 0 ) ( 0 100 ) ( 50 100 ) ( 50 50 ) ( 100 50 ) ( 100 0 ) ;\n",
    ));
    assert_eq!(d.die_area.len(), 6);
    let e = err(&wrap("DIEAREA ( 0 0 ) ( * 100 ) ;\n"));
    assert_eq!((e.line, e.column), (4, 19));
    assert_eq!(
        e.message,
        "expected a y coordinate (an integer), found '*'".replace("a y", "an x")
    );
    let e = err(&wrap("DIEAREA ( 0 0 ) ;\n"));
    assert_eq!(e.message, "expected at least 2 points in DIEAREA, found 1");
    assert_eq!(e.context, vec!["DEF", "DIEAREA"]);
}

#[test]
fn units_must_be_positive() {
    let e = err("UNITS DISTANCE MICRONS -5 ;\nEND DESIGN\n");
    assert_eq!((e.line, e.column), (1, 24));
    assert!(e.message.contains("positive DBU"), "{}", e.message);
    assert!(err("UNITS DISTANCE 100 ;").message.contains("'MICRONS'"));
}

#[test]
fn missing_end_design_is_an_error() {
    let e = err("VERSION 5.8 ;\nDESIGN d ;\n");
    assert_eq!((e.line, e.column), (3, 1));
    assert_eq!(
        e.message,
        "expected a DEF statement or 'END DESIGN', found end of file"
    );
}

#[test]
fn unknown_statement_is_skipped_with_a_warning() {
    let w = warnings(&wrap("FOO bar baz ;\n"));
    assert_eq!(w.len(), 1);
    assert_eq!((w[0].line, w[0].column), (4, 1));
    assert_eq!(w[0].message, "skipped unknown statement 'FOO'");
}

#[test]
fn skipped_sections() {
    let d = ok(&wrap(
        "PROPERTYDEFINITIONS\n  COMPONENT x STRING ;\n  DESIGN y REAL 1.0 ;\nEND PROPERTYDEFINITIONS\n\
         STYLES 1 ;\n - STYLE 1 ( 30 10 ) ( 10 30 ) ;\nEND STYLES\n\
         PINPROPERTIES 1 ;\n - PIN a + PROPERTY x 1 ;\nEND PINPROPERTIES\n\
         SLOTS 1 ;\n - LAYER m1 RECT ( 0 0 ) ( 1 1 ) ;\nEND SLOTS\n\
         FILLS 1 ;\n - LAYER m1 RECT ( 0 0 ) ( 1 1 ) ;\nEND FILLS\n\
         SCANCHAINS 1 ;\n - c1 + START PIN a + STOP PIN b ;\nEND SCANCHAINS\n\
         COMPONENTMASKSHIFT m1 m2 ;\nBEGINEXT \"tag\" anything ; goes here ENDEXT\n\
         NONDEFAULTRULES 1 ;\n - ndr1 + HARDSPACING + LAYER m1 WIDTH 200 ;\nEND NONDEFAULTRULES\n",
    ));
    assert_eq!(d.ndrs, vec!["ndr1"]);
    roundtrip(&d);
}

// ---- rows, tracks, gcell grid ----------------------------------------------------------------

#[test]
fn rows() {
    let d = ok(&wrap(
        "ROW r0 core 0 0 N DO 10 BY 1 STEP 190 0 ;\nROW r1 core 0 1400 FS DO 10 BY 1 ;\n\
         ROW r2 core 0 2800 N + PROPERTY a 1 ;\n",
    ));
    assert_eq!(d.rows.len(), 3);
    assert_eq!(
        d.rows[0],
        Row {
            name: "r0".into(),
            site: "core".into(),
            origin: Point::new(0, 0),
            orient: Orient::N,
            num_x: 10,
            num_y: 1,
            step_x: 190,
            step_y: 0
        }
    );
    assert_eq!((d.rows[1].orient, d.rows[1].step_x), (Orient::FS, 0));
    assert_eq!((d.rows[2].num_x, d.rows[2].num_y), (1, 1));
    roundtrip(&d);
    let e = err(&wrap("ROW r0 core 0 0 Q ;\n"));
    assert_eq!((e.line, e.column), (4, 17));
    assert_eq!(e.context, vec!["DEF", "ROW", "r0"]);
    let e = err(&wrap("ROW r0 core 0 0 N DO -3 BY 1 ;\n"));
    assert!(e.message.contains("non-negative"), "{}", e.message);
}

#[test]
fn tracks_and_gcellgrid() {
    let d = ok(&wrap(
        "TRACKS X 95 DO 100 STEP 190 LAYER metal1 ;\nTRACKS Y 70 DO 10 STEP 140 MASK 1 SAMEMASK LAYER m2 m3 ;\n\
         TRACKS X 0 DO 1 STEP 1 ;\nGCELLGRID X 0 DO 10 STEP 4200 ;\nGCELLGRID Y 0 DO 11 STEP 4200 ;\n",
    ));
    assert_eq!(d.tracks.len(), 3);
    assert_eq!(
        d.tracks[0],
        Tracks {
            axis: Axis::X,
            start: 95,
            num: 100,
            step: 190,
            layers: vec!["metal1".into()]
        }
    );
    assert_eq!(d.tracks[1].layers, vec!["m2", "m3"]);
    assert_eq!(
        d.gcell_grid[1],
        GCellGridLine {
            axis: Axis::Y,
            start: 0,
            num: 11,
            step: 4200
        }
    );
    roundtrip(&d);
    let e = err(&wrap("TRACKS Z 0 DO 1 STEP 1 ;\n"));
    assert_eq!(
        (e.line, e.column, e.message.as_str()),
        (4, 8, "expected X or Y, found 'Z'")
    );
    let e = err(&wrap("GCELLGRID X 0 DO 10 4200 ;\n"));
    assert_eq!(e.message, "expected 'STEP' after DO n, found '4200'");
}

// ---- vias ------------------------------------------------------------------------------------

#[test]
fn vias() {
    let d = ok(&wrap(
        "VIAS 3 ;\n- via2_FR\n+ RECT met2 ( -140 -185 ) ( 140 185 )\n+ RECT via2 + MASK 1 ( -100 -100 ) ( 100 100 )\n ;\n\
         - v2 + VIARULE M1M2_PR + CUTSIZE 150 150 + LAYERS met1 via met2 + CUTSPACING 170 170\n\
           + ENCLOSURE 85 170 55 85 + ROWCOL 1 15 ;\n\
         - v3 + POLYGON m1 ( 0 0 ) ( 10 0 ) ( 10 20 ) ;\nEND VIAS\n",
    ));
    assert_eq!(d.vias.len(), 3);
    assert_eq!(
        d.vias[0].shapes[0],
        ("met2".to_string(), Rect::new(-140, -185, 140, 185))
    );
    assert_eq!(d.vias[0].shapes.len(), 2);
    assert!(d.vias[1].shapes.is_empty());
    let p = d.vias[1].rule.as_ref().expect("via rule parameters");
    assert_eq!(p.rule, "M1M2_PR");
    assert_eq!(p.layers, ["met1".to_string(), "via".into(), "met2".into()]);
    assert_eq!(
        (p.cut_size, p.cut_spacing, p.enclosure),
        ((150, 150), (170, 170), [85, 170, 55, 85])
    );
    assert_eq!(p.rowcol, Some((1, 15)));
    // 15 cuts of 150 with 170 spacing: 4630 wide, 150 high, centred; grown by the enclosures.
    assert_eq!(
        p.metal_rects(),
        [
            (
                "met1".to_string(),
                Rect::new(-2315 - 85, -75 - 170, 2315 + 85, 75 + 170)
            ),
            (
                "met2".to_string(),
                Rect::new(-2315 - 55, -75 - 85, 2315 + 55, 75 + 85)
            ),
        ]
    );
    assert!(d.vias[0].rule.is_none());
    assert_eq!(
        d.vias[2].shapes,
        vec![("m1".to_string(), Rect::new(0, 0, 10, 20))]
    );
    roundtrip(&d);
}

#[test]
fn generated_via_origin_and_offset() {
    let d = ok(&wrap(
        "VIAS 1 ;\n- v + VIARULE R + CUTSIZE 100 100 + LAYERS m1 v1 m2 + CUTSPACING 100 100\n\
           + ENCLOSURE 10 20 30 40 + ROWCOL 2 2 + ORIGIN 5 -5 + OFFSET 1 2 3 4 + PATTERN 2_F ;\nEND VIAS\n",
    ));
    let p = d.vias[0].rule.as_ref().unwrap();
    assert_eq!(p.pattern.as_deref(), Some("2_F"));
    // 2 x 2 cuts: 300 x 300 centred; m1 grown by (10, 20), moved by (1, 2) + origin (5, -5).
    assert_eq!(
        p.metal_rects(),
        [
            (
                "m1".to_string(),
                Rect::new(-150 - 10 + 6, -150 - 20 - 3, 150 + 10 + 6, 150 + 20 - 3)
            ),
            (
                "m2".to_string(),
                Rect::new(-150 - 30 + 8, -150 - 40 - 1, 150 + 30 + 8, 150 + 40 - 1)
            ),
        ]
    );
    roundtrip(&d);
}

/// OpenDB reads on past a wrong section count with a warning; so does mpgd (issue 14).
#[test]
fn section_count_mismatch_is_a_warning_naming_both_numbers() {
    let text = wrap("VIAS 2 ;\n- v1 + RECT m1 ( 0 0 ) ( 1 1 ) ;\nEND VIAS\n");
    assert_eq!(ok(&text).vias.len(), 1);
    let w = warnings(&text);
    assert_eq!(w.len(), 1, "{w:?}");
    assert_eq!((w[0].line, w[0].column), (6, 1));
    assert!(
        w[0].message
            .starts_with("VIAS section declares 2 items but holds 1"),
        "{}",
        w[0].message
    );
}

#[test]
fn missing_section_end() {
    let e = err(&wrap(
        "COMPONENTS 1 ;\n- u1 INV + PLACED ( 0 0 ) N ;\nEND DESIGN\n",
    ));
    assert_eq!((e.line, e.column), (6, 5));
    assert_eq!(e.message, "expected 'COMPONENTS' after END, found 'DESIGN'");
    let e = err(&wrap(
        "COMPONENTS 1 ;\n- u1 INV + PLACED ( 0 0 ) N ;\nNETS 0 ;\n",
    ));
    assert_eq!(e.message, "expected '-' or 'END COMPONENTS', found 'NETS'");
    assert_eq!((e.line, e.column), (6, 1));
}

#[test]
fn negative_count() {
    let e = err(&wrap("COMPONENTS -1 ;\nEND COMPONENTS\n"));
    assert_eq!((e.line, e.column), (4, 12));
    assert!(e.message.contains("non-negative"));
}

// ---- regions, groups ---------------------------------------------------------------------------

#[test]
fn regions_and_groups() {
    let d = ok(&wrap(
        "REGIONS 2 ;\n - R1 ( 33580 32640 ) ( 64860 62560 ) ;\n - R2 ( 0 0 ) ( 10 10 ) ( 20 20 ) ( 30 30 ) + TYPE FENCE ;\nEND REGIONS\n\
         GROUPS 1 ;\n - G a/b c/* + REGION R1 ;\nEND GROUPS\n",
    ));
    assert_eq!(
        d.regions[0].rects,
        vec![Rect::new(33580, 32640, 64860, 62560)]
    );
    assert_eq!(d.regions[1].kind.as_deref(), Some("FENCE"));
    assert_eq!(d.regions[1].rects.len(), 2);
    assert_eq!(
        d.groups[0],
        Group {
            name: "G".into(),
            members: vec!["a/b".into(), "c/*".into()],
            region: Some("R1".into())
        }
    );
    roundtrip(&d);
}

// ---- components ------------------------------------------------------------------------------

#[test]
fn components() {
    let d = ok(&wrap(
        "COMPONENTS 5 ;\n- u1 INV_X1 + PLACED ( 100 200 ) FS ;\n\
         - u0.w_reg\\[3\\] DFF + SOURCE DIST + FIXED ( 0 0 ) N + HALO SOFT 1 2 3 4 + WEIGHT 5 + REGION r ;\n\
         - u3 BUF + UNPLACED ;\n- u4 BUF + EEQMASTER X + COVER ( 5 5 ) E + ROUTEHALO 10 m1 m3 + PROPERTY p \"a + b\" ;\n\
         - u5 BUF + UNPLACED ( 1 2 ) W ;\nEND COMPONENTS\n",
    ));
    let c = &d.components;
    assert_eq!(c.len(), 5);
    assert_eq!(
        c[0],
        Component {
            name: "u1".into(),
            master: "INV_X1".into(),
            status: PlacementStatus::Placed,
            location: Point::new(100, 200),
            orient: Orient::FS,
            halo: None,
            source: None
        }
    );
    assert_eq!(c[1].name, r"u0.w_reg\[3\]");
    assert_eq!(
        (c[1].status, c[1].halo, c[1].source.as_deref()),
        (PlacementStatus::Fixed, Some([1, 2, 3, 4]), Some("DIST"))
    );
    assert_eq!(c[2].status, PlacementStatus::Unplaced);
    assert_eq!(
        (c[3].status, c[3].orient),
        (PlacementStatus::Cover, Orient::E)
    );
    assert_eq!(
        (c[4].status, c[4].location),
        (PlacementStatus::Unplaced, Point::new(1, 2))
    );
    roundtrip(&d);
}

#[test]
fn extreme_coordinates_round_trip() {
    let d = ok(&wrap(
        "COMPONENTS 2 ;\n- a X + PLACED ( -1099511627776 1099511627776 ) N ;\n\
         - b X + FIXED ( -1 0 ) S ;\nEND COMPONENTS\n",
    ));
    assert_eq!(d.components[0].location, Point::new(-(1 << 40), 1 << 40));
    roundtrip(&d);
    // Beyond 2^40 DBU, coordinate arithmetic could overflow downstream: refused where it stands.
    let e = err(&wrap(
        "COMPONENTS 1 ;\n- a X + PLACED ( -9223372036854775808 0 ) N ;\nEND COMPONENTS\n",
    ));
    assert_eq!((e.line, e.column), (5, 18));
    assert!(e.message.contains("out of range"), "{}", e.message);
}

#[test]
fn component_errors_point_where_they_break() {
    let e = err(&wrap(
        "COMPONENTS 1 ;\n- u42 INV + PLACED ( 1 2 ) N\nEND COMPONENTS\n",
    ));
    assert_eq!((e.line, e.column), (6, 1));
    assert_eq!(e.message, "expected ';' after component u42, found 'END'");
    assert_eq!(e.context, vec!["DEF", "COMPONENTS", "u42"]);
    assert_eq!(
        e.to_string(),
        "t.def:6:1: expected ';' after component u42, found 'END' (in DEF > COMPONENTS > u42)"
    );
    let e = err(&wrap(
        "COMPONENTS 1 ;\n- u42 INV + PLACED ( 1 x ) N ;\nEND COMPONENTS\n",
    ));
    assert_eq!((e.line, e.column), (5, 24));
    assert_eq!(e.message, "expected a y coordinate (an integer), found 'x'");
    let e = err(&wrap(
        "COMPONENTS 1 ;\n- u42 INV + PLACED ( 1 2 ) NN ;\nEND COMPONENTS\n",
    ));
    assert_eq!((e.line, e.column), (5, 28));
    assert_eq!(
        e.message,
        "expected an orientation (N, S, E, W, FN, FS, FE, FW), found 'NN'"
    );
}

#[test]
fn unknown_component_option_warns_and_skips() {
    let w = warnings(&wrap(
        "COMPONENTS 1 ;\n- u1 INV + FOO 1 2 + PLACED ( 1 2 ) N ;\nEND COMPONENTS\n",
    ));
    assert_eq!(w.len(), 1);
    assert_eq!((w[0].line, w[0].column), (5, 10));
    assert_eq!(
        w[0].message,
        "skipped unknown option '+ FOO' after component u1"
    );
}

// ---- pins ------------------------------------------------------------------------------------

#[test]
fn pins() {
    let d = ok(&wrap(
        "PINS 3 ;\n- clk + NET clk + DIRECTION INPUT + USE SIGNAL + LAYER metal2 ( -70 0 ) ( 70 140 ) + PLACED ( 100 0 ) N ;\n\
         - VDD + NET VDD + SPECIAL + DIRECTION INOUT + USE POWER\n  + PORT\n    + LAYER Metal4 MASK 2 SPACING 5 ( -1600 -749320 ) ( 1600 749320 )\n    + FIXED ( 10 20 ) S\n\
           + PORT + POLYGON m1 ( 0 0 ) ( 10 0 ) ( * 10 ) + VIA v1 ( 0 0 ) + COVER ( 1 1 ) N ;\n\
         - x + NET y + NETEXPR \"power1 VDD\" ;\nEND PINS\n",
    ));
    let ps = &d.pins;
    assert_eq!(ps[0].ports.len(), 1);
    assert_eq!(
        ps[0].ports[0].layer_shapes,
        vec![("metal2".to_string(), Rect::new(-70, 0, 70, 140))]
    );
    assert_eq!(
        ps[0].ports[0].placement,
        Some((PlacementStatus::Placed, Point::new(100, 0), Orient::N))
    );
    assert!(ps[1].special);
    assert_eq!(ps[1].ports.len(), 2);
    assert_eq!(
        ps[1].ports[1].polygons[0].1,
        vec![Point::new(0, 0), Point::new(10, 0), Point::new(10, 10)]
    );
    assert_eq!(ps[2].ports, vec![PinPort::default()]);
    assert_eq!(ps[2].net, "y");
    roundtrip(&d);
    let e = err(&wrap(
        "PINS 1 ;\n- a + NET a + LAYER m1 ( 0 0 ) ;\nEND PINS\n",
    ));
    assert_eq!((e.line, e.column), (5, 32));
    assert_eq!(e.message, "expected '(' to open a point, found ';'");
    assert_eq!(e.context, vec!["DEF", "PINS", "a"]);
}

// ---- blockages -------------------------------------------------------------------------------

#[test]
fn blockages() {
    let d = ok(&wrap(
        "BLOCKAGES 3 ;\n- LAYER metal1 + SPACING 5 RECT ( 0 0 ) ( 10 10 ) RECT ( 20 20 ) ( 30 30 ) ;\n\
         - PLACEMENT + PARTIAL 40.5 RECT ( 0 0 ) ( 5 5 ) ;\n- PLACEMENT + SOFT POLYGON ( 0 0 ) ( 0 10 ) ( 10 10 ) ( 10 0 ) ;\nEND BLOCKAGES\n",
    ));
    assert_eq!(d.blockages[0].layer.as_deref(), Some("metal1"));
    assert_eq!(d.blockages[0].rects.len(), 2);
    assert_eq!(d.blockages[1].max_density, Some(40.5));
    assert_eq!(d.blockages[2].polygons[0].len(), 4);
    roundtrip(&d);
    let e = err(&wrap(
        "BLOCKAGES 1 ;\n- ROUTING m1 RECT ( 0 0 ) ( 1 1 ) ;\nEND BLOCKAGES\n",
    ));
    assert_eq!((e.line, e.column), (5, 3));
    assert_eq!(
        e.message,
        "expected LAYER or PLACEMENT after '-', found 'ROUTING'"
    );
}

#[test]
fn blockage_polygon_points_may_repeat_a_coordinate_with_a_star() {
    // src/odb/test/data/parser_test.def in OpenROAD: `*` after the first point, as in `def.y`.
    let d = ok(&wrap(
        "BLOCKAGES 1 ;\n- LAYER metal3 + FILLS\n  POLYGON ( 0 0 ) ( 5 * ) ( * 5 ) ( 3 * ) ( * 2 ) ( 0 * ) ;\nEND BLOCKAGES\n",
    ));
    let pts: Vec<(i64, i64)> = d.blockages[0].polygons[0]
        .iter()
        .map(|p| (p.x, p.y))
        .collect();
    assert_eq!(pts, [(0, 0), (5, 0), (5, 5), (3, 5), (3, 2), (0, 2)]);
    roundtrip(&d);
    // The first point has nothing to repeat.
    let e = err(&wrap(
        "BLOCKAGES 1 ;\n- LAYER metal3 POLYGON ( * 0 ) ( 5 * ) ( * 5 ) ;\nEND BLOCKAGES\n",
    ));
    assert_eq!((e.line, e.column), (5, 26));
    assert!(e.message.contains("x coordinate"), "{}", e.message);
}

// ---- nets ------------------------------------------------------------------------------------

const NETS: &str = "NETS 3 ;\n\
    - n1 ( PIN a ) ( u1 A ) ( u2 Z + SYNTHESIZED ) + USE SIGNAL\n\
      + ROUTED Metal3 ( 2669520 1561840 ) ( 2685200 * ) M3_M2\n\
      NEW Metal2 TAPER ( 100 200 0 ) ( * 300 ) MASK 2 ( 5 * ) MASK 031 via1_0 N\n\
      NEW metal1 ( 10 10 ) RECT ( -70 0 70 140 ) VIRTUAL ( 20 20 ) ( * 30 ) + SOURCE NETLIST ;\n\
    - n2 ( u1 B ) ( u3 A ) + WEIGHT 2 + NONDEFAULTRULE ndr1 + PROPERTY x 1 ;\n\
    - n3 + FIXED m1 ( 0 0 ) ( 5 0 ) ;\n\
    END NETS\n";

#[test]
fn nets_with_wiring_kept() {
    let d = ok(&wrap(NETS));
    let n = &d.nets;
    assert_eq!(n[0].connections.len(), 3);
    assert!(n[0].connections[0].is_io());
    assert_eq!(
        n[0].connections[2],
        Connection {
            component: "u2".into(),
            pin: "Z".into()
        }
    );
    assert_eq!(n[0].use_.as_deref(), Some("SIGNAL"));
    assert!(n[0].has_wiring);
    let w = &n[0].wiring;
    assert_eq!(w.len(), 3);
    assert_eq!(
        w[0].points,
        vec![Point::new(2669520, 1561840), Point::new(2685200, 1561840)]
    );
    assert_eq!(
        w[0].vias,
        vec![("M3_M2".to_string(), Point::new(2685200, 1561840))]
    );
    assert_eq!(
        w[1].points,
        vec![
            Point::new(100, 200),
            Point::new(100, 300),
            Point::new(5, 300)
        ]
    );
    assert_eq!(w[1].vias, vec![("via1_0".to_string(), Point::new(5, 300))]);
    assert_eq!(w[2].points, vec![Point::new(10, 10), Point::new(20, 30)]);
    assert!(!n[1].has_wiring);
    assert!(n[2].has_wiring && n[2].connections.is_empty());
    roundtrip(&d);
}

#[test]
fn nets_with_wiring_skipped() {
    let (d, w) = parse(&wrap(NETS), Path::new("t.def")).unwrap();
    assert!(w.is_empty());
    assert!(d.nets[0].has_wiring && d.nets[0].wiring.is_empty());
    assert_eq!(d.nets[0].use_.as_deref(), Some("SIGNAL"));
    assert_eq!(d.nets.len(), 3);
    // A comment with '+' and ';' inside skipped wiring does not end it.
    let text = wrap(
        "NETS 1 ;\n- n ( a b ) + ROUTED m1 ( 0 0 ) # a + b ;\n ( 5 * ) + USE CLOCK ;\nEND NETS\n",
    );
    let (d, _) = parse(&text, Path::new("t.def")).unwrap();
    assert_eq!(d.nets[0].use_.as_deref(), Some("CLOCK"));
}

#[test]
fn net_errors() {
    let e = err(&wrap("NETS 1 ;\n- n1 ( u1 A ( u2 B ) ;\nEND NETS\n"));
    assert_eq!((e.line, e.column), (5, 13));
    assert_eq!(e.message, "expected ')' to close a connection, found '('");
    assert_eq!(e.context, vec!["DEF", "NETS", "n1"]);
    let e = err(&wrap(
        "NETS 1 ;\n- n1 ( u1 A ) + ROUTED m1 ( 0 0 ) ( * * ) NEW ;\nEND NETS\n",
    ));
    assert_eq!((e.line, e.column), (5, 47));
    assert_eq!(e.message, "expected a layer name in net wiring, found ';'");
    let text = wrap("NETS 1 ;\n- n1 ( u1 A ) + ROUTED m1 ( 0 0 ) ( 1 * )\n");
    let e = match parse(&text, Path::new("t.def")) {
        Err(Error::Syntax(e)) => e,
        other => panic!("{other:?}"),
    };
    assert_eq!(e.message, "expected ';' after net n1, found end of file");
    assert_eq!((e.line, e.column), (7, 1));
}

#[test]
fn special_nets() {
    let d = ok(&wrap(
        "SPECIALNETS 2 ;\n- VDD ( PIN VDD ) ( * VDD ) + USE POWER\n\
           + ROUTED met4 0 + SHAPE STRIPE ( 2846640 1635880 ) via5_6_1600_3100_2_1_1600_1600\n\
           NEW Metal4 3200 + SHAPE STRIPE ( 4286800 1606600 ) ( * 3105240 )\n\
           NEW met1 480 + SHAPE FOLLOWPIN ( 0 2720 ) ( 5000 * ) M1M2_PR DO 3 BY 1 STEP 340 0 ( * 6000 0 )\n\
           + RECT met2 ( 0 0 ) ( 10 10 ) + POLYGON met3 ( 0 0 ) ( 4 0 ) ( 4 8 ) + WEIGHT 1 ;\n\
         - VSS ( * VSS ) + SHIELD n1 m2 100 ( 0 0 ) ( 0 9 ) + FIXED m3 200 ( 1 1 ) ( 2 1 ) ;\nEND SPECIALNETS\n",
    ));
    let n = &d.special_nets;
    assert_eq!(
        n[0].connections[1],
        Connection {
            component: "*".into(),
            pin: "VDD".into()
        }
    );
    assert_eq!(n[0].wiring.len(), 3);
    assert_eq!(
        n[0].wiring[0].vias,
        vec![(
            "via5_6_1600_3100_2_1_1600_1600".to_string(),
            Point::new(2846640, 1635880)
        )]
    );
    assert_eq!(n[0].wiring[1].width, 3200);
    assert_eq!(n[0].wiring[1].shape.as_deref(), Some("STRIPE"));
    assert_eq!(n[0].wiring[1].points[1], Point::new(4286800, 3105240));
    assert_eq!(
        n[0].wiring[2].points,
        vec![
            Point::new(0, 2720),
            Point::new(5000, 2720),
            Point::new(5000, 6000)
        ]
    );
    assert_eq!(
        n[0].shapes,
        vec![
            ("met2".to_string(), Rect::new(0, 0, 10, 10)),
            ("met3".to_string(), Rect::new(0, 0, 4, 8))
        ]
    );
    assert_eq!(n[1].wiring.len(), 2);
    roundtrip(&d);
}

// ---- a DEF reference-manual style example ----------------------------------------------------

#[test]
fn manual_example() {
    let text = r#"
VERSION 5.8 ;
NAMESCASESENSITIVE ON ;
DIVIDERCHAR "/" ;
BUSBITCHARS "[]" ;
DESIGN design ;
TECHNOLOGY technology ;
UNITS DISTANCE MICRONS 1000 ;
HISTORY Corrected STEP for ROW_9 and ROW_10 of SITE CORE1 (def) ;
PROPERTYDEFINITIONS
  COMPONENTPIN designRuleWidth REAL ;
  DESIGN title STRING "Buffer" ;
END PROPERTYDEFINITIONS
DIEAREA ( -190000 -120000 ) ( -190000 350000 ) ( 190000 350000 ) ( 190000 190000 ) ( 190360 190000 ) ( 190360 -120000 ) ;
ROW ROW_9 CORE -177320 -111250 N DO 911 BY 1 STEP 360 0 ;
ROW ROW_VERT_1 CORE1 -19000 -11000 FS DO 1 BY 100 STEP 0 600 ;
TRACKS Y 52 DO 857 STEP 104 MASK 1 LAYER M1 ;
GCELLGRID X 0 DO 100 STEP 600 ;
VIAS 2 ;
- VIAGEN12_0 + VIARULE VIAGEN12 + CUTSIZE 80 80 + LAYERS M1 V1 M2 + CUTSPACING 80 80 + ENCLOSURE 5 5 5 5 + ROWCOL 1 2 ;
- M2_M1rct_0 + RECT M1 ( -25 -65 ) ( 25 65 ) + RECT V1 ( -25 -25 ) ( 25 25 ) + RECT M2 ( -65 -25 ) ( 65 25 ) ;
END VIAS
REGIONS 1 ;
- region1 ( -500 -500 ) ( 300 100 ) ( 500 500 ) ( 1000 1000 ) + TYPE FENCE + PROPERTY strprop "aString" ;
END REGIONS
COMPONENTS 3 ;
- Z38A01 DFF3 + PLACED ( 18543 94200 ) FS ;
- Z38A03 DFF3 + PLACED ( 18108 0 ) N + HALO 100 0 50 200 ;
- I1 CHM6A + FIXED ( 300 300 ) N + WEIGHT 4 + ROUTEHALO 100 metal1 metal3 ;
END COMPONENTS
PINS 2 ;
- scanin + NET SCAN + DIRECTION INPUT + USE SCAN ;
- INBUS<1> + NET INBUS<1> + DIRECTION INPUT + LAYER M2 ( -25 0 ) ( 25 50 ) + PLACED ( -1110 -120000 ) N ;
END PINS
BLOCKAGES 2 ;
- LAYER M1 + COMPONENT Z38A01 RECT ( 60 70 ) ( 80 90 ) ;
- PLACEMENT RECT ( -15 0 ) ( 0 20 ) ;
END BLOCKAGES
SPECIALNETS 1 ;
- VSS ( * VSS ) + WIDTH M1 250 + ROUTED M1 250 ( -5000 10000 ) ( 5000 * ) + USE GROUND ;
END SPECIALNETS
NETS 2 ;
- SCAN ( scancell1 P10 + SYNTHESIZED ) ( PIN scanin ) + SOURCE TEST ;
- net1 ( Z38A01 Q ) ( Z38A03 D ) + ROUTED M2 ( 1000 2000 ) ( * 3000 ) VIAGEN12_0 NEW M1 ( 1000 3000 ) ( 2000 * ) ;
END NETS
SCANCHAINS 1 ;
- S1 + START PIN scanin + FLOATING Z38A01 ( IN D ) ( OUT Q ) + STOP PIN scanout ;
END SCANCHAINS
GROUPS 1 ;
- group1 Z38A01 I1 + REGION region1 + PROPERTY strprop "gstring" ;
END GROUPS
BEGINEXT "1VSI Signature 1.0"
CREATOR "company name"
ENDEXT
END DESIGN
"#;
    let (d, w) = parse_with(
        text,
        Path::new("m.def"),
        ParseOptions {
            keep_net_wiring: true,
        },
    )
    .unwrap();
    // `+ WIDTH` of a special net is not in mpgd's grammar: skipped with a warning.
    assert_eq!(w.len(), 1, "{w:?}");
    assert_eq!(d.die_area.len(), 6);
    assert_eq!(d.rows[1].num_y, 100);
    assert_eq!(d.components[1].halo, Some([100, 0, 50, 200]));
    assert_eq!(d.pins[1].name, "INBUS<1>");
    assert_eq!(
        d.special_nets[0].wiring[0].points[1],
        Point::new(5000, 10000)
    );
    assert_eq!(d.nets[1].wiring.len(), 2);
    assert_eq!(d.groups[0].region.as_deref(), Some("region1"));
    roundtrip(&d);
}

// ---- parallel sections give the sequential result ----------------------------------------------

#[test]
fn parallel_parse_equals_sequential() {
    let mut body = String::from("COMPONENTS 20000 ;\n");
    for i in 0..20000 {
        body.push_str(&format!(
            "    - u{i} INV_X1 + PLACED ( {} {} ) N ;\n",
            i * 10,
            i % 77
        ));
    }
    body.push_str("END COMPONENTS\nNETS 10000 ;\n");
    for i in 0..10000 {
        body.push_str(&format!(
            "    - n{i} ( u{i} A ) ( u{} Z ) + USE SIGNAL\n      + ROUTED m1 ( 0 {i} ) ( 5 * ) ;\n",
            i + 1
        ));
    }
    body.push_str("END NETS\n");
    let text = wrap(&body);
    let pool = |n| {
        rayon::ThreadPoolBuilder::new()
            .num_threads(n)
            .build()
            .unwrap()
    };
    let one = pool(1).install(|| parse(&text, Path::new("t.def")).unwrap());
    let four = pool(4).install(|| parse(&text, Path::new("t.def")).unwrap());
    assert_eq!(one, four);
    assert_eq!(four.0.components.len(), 20000);
    // An error deep in a chunk is reported exactly as the sequential parse reports it.
    let bad = text.replacen(
        "- u15000 INV_X1 + PLACED ( 150000 62 ) N ;",
        "- u15000 INV_X1 + PLACED ( 150000 62 ) N",
        1,
    );
    let e1 = pool(1).install(|| parse(&bad, Path::new("t.def")).unwrap_err().to_string());
    let e4 = pool(4).install(|| parse(&bad, Path::new("t.def")).unwrap_err().to_string());
    assert_eq!(e1, e4);
    assert!(e1.contains("u15000"), "{e1}");
}

// ---- real designs --------------------------------------------------------------------------------

fn designs_dir() -> PathBuf {
    let dir = match std::env::var_os("MPGD_DESIGNS") {
        Some(d) => PathBuf::from(d),
        None => Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/designs"),
    };
    assert!(
        dir.join("stats.json").is_file(),
        "designs folder not found at {} (set MPGD_DESIGNS to the shared designs folder)",
        dir.display()
    );
    dir
}

/// Finds `file` under `dir/folder`, or anywhere under `dir` inside a folder whose path ends like
/// `folder`'s last part (stats.json folder names may differ from the tree).
fn find_def(dir: &Path, folder: &str, file: &str) -> PathBuf {
    let direct = dir.join(folder).join(file);
    if direct.is_file() {
        return direct;
    }
    let mut hits = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(&d).unwrap().flatten() {
            let p = e.path();
            if p.is_dir() {
                stack.push(p);
            } else if p.file_name().is_some_and(|n| n == file) {
                hits.push(p);
            }
        }
    }
    let tech = folder.split('/').next().unwrap_or("");
    hits.retain(|p| p.strip_prefix(dir).is_ok_and(|r| r.starts_with(tech)));
    assert_eq!(
        hits.len(),
        1,
        "cannot find {folder}/{file} under {}: {hits:?}",
        dir.display()
    );
    hits.remove(0)
}

#[test]
fn every_design_matches_stats_and_round_trips() {
    let dir = designs_dir();
    let stats: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(dir.join("stats.json")).unwrap()).unwrap();
    let entries = stats.as_array().expect("stats.json is a list");
    assert!(
        entries.len() >= 16,
        "only {} entries in stats.json",
        entries.len()
    );
    for e in entries {
        let folder = e["folder"].as_str().unwrap();
        let file = e["def_file"].as_str().unwrap();
        let path = find_def(&dir, folder, file);
        let text = crate::lefdef::read_text(&path).unwrap();
        let (d, _) = match parse_with(
            &text,
            &path,
            ParseOptions {
                keep_net_wiring: true,
            },
        ) {
            Ok(x) => x,
            Err(err) => panic!("{err}"),
        };
        let want = |k: &str| e[k].as_u64().unwrap_or_else(|| panic!("{k} in stats.json")) as usize;
        assert_eq!(d.components.len(), want("comps"), "{folder}/{file} comps");
        assert_eq!(d.nets.len(), want("nets"), "{folder}/{file} nets");
        let pins: usize = d.nets.iter().map(|n| n.connections.len()).sum();
        assert_eq!(pins, want("net_pins"), "{folder}/{file} net pins");
        assert_eq!(d.pins.len(), want("io_pins"), "{folder}/{file} io pins");
        assert_eq!(
            d.dbu_per_micron as usize,
            want("dbu"),
            "{folder}/{file} dbu"
        );
        assert_eq!(d.rows.len(), want("rows"), "{folder}/{file} rows");
        assert_eq!(d.tracks.len(), want("tracks"), "{folder}/{file} tracks");
        assert_eq!(
            d.gcell_grid.len(),
            want("gcellgrid"),
            "{folder}/{file} gcellgrid"
        );
        let routed = d.nets.iter().filter(|n| n.has_wiring).count();
        assert_eq!(routed, want("routed_nets"), "{folder}/{file} routed nets");
        if let Some(sn) = e["specialnets"].as_u64() {
            assert_eq!(
                d.special_nets.len(),
                sn as usize,
                "{folder}/{file} special nets"
            );
        }
        let written = to_string(&d);
        let back = match parse_with(
            &written,
            Path::new("written.def"),
            ParseOptions {
                keep_net_wiring: true,
            },
        ) {
            Ok((b, _)) => b,
            Err(err) => panic!("{folder}/{file}: written DEF does not parse: {err}"),
        };
        assert!(back == d, "{folder}/{file}: round trip differs");
        // Skipping wiring gives the same design less the wiring.
        let (skipped, _) = parse(&text, &path).unwrap();
        assert_eq!(skipped.nets.len(), d.nets.len());
        assert!(skipped
            .nets
            .iter()
            .zip(&d.nets)
            .all(|(a, b)| a.connections == b.connections
                && a.has_wiring == b.has_wiring
                && a.use_ == b.use_));
    }
}

#[test]
fn garbage_bytes_are_an_error() {
    let e = err(&wrap(
        "COMPONENTS 1 ;\n- u1 INV + PLACED ( 0 0 ) N ;\n\u{1}\u{2}zz\nEND COMPONENTS\n",
    ));
    assert_eq!((e.line, e.column), (6, 1));
    assert_eq!(
        e.message,
        "expected '-' or 'END COMPONENTS', found '\u{1}\u{2}zz'"
    );
    // An unknown word is skipped as a statement, which then never ends.
    let e = err("\u{0}\u{0}\u{0}");
    assert_eq!((e.line, e.column), (1, 4));
    assert_eq!(
        e.message,
        "expected ';' after '\u{0}\u{0}\u{0}', found end of file"
    );
    let e = err(&wrap("NETS 1 ;\n- n ( a b ) ;\nEND NETS\nEND NETS\n"));
    assert_eq!((e.line, e.column), (7, 5));
    assert_eq!(
        e.message,
        "expected 'DESIGN' after END at the top level, found 'NETS'"
    );
}

#[test]
fn text_after_end_design_warns() {
    let w = warnings("DESIGN d ;\nEND DESIGN\nstray\n");
    assert_eq!(w.len(), 1);
    assert_eq!(
        (w[0].line, w[0].column, w[0].message.as_str()),
        (3, 1, "ignored text after END DESIGN")
    );
}

#[test]
fn fast_token_agrees_with_lex_token() {
    let alphabet: &[&str] = &[
        " ", "\n", "\t", ";", "\"", "#", "\\", "a", "B9", "(", "*", "-", "+", "é", "\r",
    ];
    let mut rng = Rng(42);
    for _ in 0..20000 {
        let n = rng.below(12);
        let s: String = (0..n)
            .map(|_| alphabet[rng.below(alphabet.len())])
            .collect();
        let slow = crate::lefdef::lex::token(&s).ok();
        assert_eq!(super::tokens::fast_token(&s), slow, "{s:?}");
    }
}

// ---- no panic on broken input ----------------------------------------------------------------

/// xorshift64*: a tiny deterministic generator (no dependency).
struct Rng(u64);
impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }
}

fn check_no_panic(text: &str) {
    let lines = text.split('\n').count();
    for keep in [false, true] {
        let r = std::panic::catch_unwind(|| {
            parse_with(
                text,
                Path::new("x.def"),
                ParseOptions {
                    keep_net_wiring: keep,
                },
            )
        });
        match r {
            Err(_) => panic!("parser panicked on input of {} bytes", text.len()),
            Ok(Ok(_)) => {}
            Ok(Err(Error::Syntax(e))) => {
                assert!(
                    e.line >= 1 && e.line <= lines,
                    "line {} outside 1..={lines}",
                    e.line
                );
                let line_text = text.split('\n').nth(e.line - 1).unwrap_or("");
                assert!(
                    e.column >= 1 && e.column <= line_text.chars().count() + 1,
                    "column {} outside line {}",
                    e.column,
                    e.line
                );
            }
            Ok(Err(e)) => panic!("unexpected error kind {e}"),
        }
    }
}

#[test]
fn truncated_and_mutated_files_never_panic() {
    let dir = designs_dir();
    let files = [
        find_def(&dir, "nangate45/gcd", "gcd.def"),
        find_def(&dir, "ispd18/ispd18_sample", "ispd18_sample.input.def"),
    ];
    let mut rng = Rng(0x9e37_79b9_7f4a_7c15);
    let garbage: &[u8] = b"();+-*#\"\\ \n\t0123456789ENDXY\x00\xff";
    for f in &files {
        let text = crate::lefdef::read_text(f).unwrap();
        for _ in 0..200 {
            let mut cut = rng.below(text.len());
            while !text.is_char_boundary(cut) {
                cut -= 1;
            }
            check_no_panic(&text[..cut]);
        }
        for _ in 0..200 {
            let mut bytes = text.clone().into_bytes();
            for _ in 0..1 + rng.below(3) {
                let at = rng.below(bytes.len());
                bytes[at] = garbage[rng.below(garbage.len())];
            }
            let mutated = String::from_utf8_lossy(&bytes).into_owned();
            check_no_panic(&mutated);
        }
    }
}

// ---- one production at a time --------------------------------------------------------------------

/// Table tests per production, in the manner of sv-parser's `test!`: the statement text after its
/// `-` (or keyword) must be consumed whole for `Ok`; `Err(line, column, message)` pins the failure.
mod productions {
    use super::super::section::ItemFn;
    use super::super::{
        blockages, components, floorplan, groups, nets, parse::Ctx, pins, regions, specialnets,
        vias,
    };
    use super::ParseOptions;
    use crate::lefdef::lex::{offset_in, sp};

    fn run<T>(f: ItemFn<T>, text: &str) -> Result<T, (usize, usize, String)> {
        let mut ctx = Ctx {
            whole: text,
            opts: ParseOptions {
                keep_net_wiring: true,
            },
            warnings: Vec::new(),
        };
        match f(text, &mut ctx) {
            Ok((rest, v)) if sp(rest).is_empty() => Ok(v),
            Ok((rest, _)) => {
                let (l, c) = crate::lefdef::line_column(text, offset_in(text, sp(rest)));
                Err((l, c, "input left over".into()))
            }
            Err(nom::Err::Error(e)) | Err(nom::Err::Failure(e)) => {
                let se = e.into_syntax_error(text, std::path::Path::new("t"));
                Err((se.line, se.column, se.message))
            }
            Err(nom::Err::Incomplete(_)) => Err((0, 0, "incomplete".into())),
        }
    }

    macro_rules! test {
        ($f:expr, $text:expr, Ok) => {
            if let Err(e) = run($f, $text) {
                panic!("{:?} on {:?}", e, $text);
            }
        };
        ($f:expr, $text:expr, Err($l:expr, $c:expr, $m:expr)) => {
            assert_eq!(
                run($f, $text).err(),
                Some(($l, $c, $m.to_string())),
                "on {:?}",
                $text
            );
        };
    }

    fn row<'a>(
        s: &'a str,
        c: &mut Ctx<'a>,
    ) -> crate::lefdef::lex::PResult<'a, crate::lefdef::def::Row> {
        floorplan::row(s, c)
    }
    fn tracks<'a>(
        s: &'a str,
        c: &mut Ctx<'a>,
    ) -> crate::lefdef::lex::PResult<'a, crate::lefdef::def::Tracks> {
        floorplan::tracks(s, c)
    }
    fn gcell<'a>(
        s: &'a str,
        _: &mut Ctx<'a>,
    ) -> crate::lefdef::lex::PResult<'a, crate::lefdef::def::GCellGridLine> {
        floorplan::gcell_grid(s)
    }

    #[test]
    fn row_table() {
        test!(row, "r site 0 0 N ;", Ok);
        test!(row, "r site 0 0 FS DO 5 BY 1 ;", Ok);
        test!(row, "r site 0 0 N DO 5 BY 1 STEP 10 0 + PROPERTY p 1 ;", Ok);
        test!(
            row,
            "r site 0 0 N DO 5 ;",
            Err(1, 19, "expected 'BY' after DO n, found ';'")
        );
        test!(
            row,
            "r site x 0 N ;",
            Err(1, 8, "expected the row x (an integer), found 'x'")
        );
        test!(
            row,
            "r site 0 0 N",
            Err(1, 13, "expected '+' or ';' after row r, found end of file")
        );
    }

    #[test]
    fn tracks_table() {
        test!(tracks, "X 0 DO 10 STEP 5 LAYER m1 ;", Ok);
        test!(tracks, "Y 0 DO 10 STEP 5 MASK 2 SAMEMASK LAYER m1 m2 ;", Ok);
        test!(tracks, "Y 0 DO 10 STEP 5 LAYER m1 LAYER m2 ;", Ok);
        test!(
            tracks,
            "Y 0 DO 10 STEP 5 FOO ;",
            Err(
                1,
                18,
                "expected 'LAYER', 'MASK' or ';' in TRACKS, found 'FOO'"
            )
        );
        test!(gcell, "X 0 DO 10 STEP 5 ;", Ok);
        test!(
            gcell,
            "X 0 DO 10 STEP 5",
            Err(1, 17, "expected ';' after GCELLGRID, found end of file")
        );
    }

    #[test]
    fn via_table() {
        test!(vias::via, "v + RECT m1 ( 0 0 ) ( 1 1 ) ;", Ok);
        test!(
            vias::via,
            "v + VIARULE r + CUTSIZE 1 1 + LAYERS a b c + ROWCOL 1 2 ;",
            Ok
        );
        test!(vias::via, "v ;", Ok);
        test!(
            vias::via,
            "v + RECT m1 ( 0 0 ) ;",
            Err(1, 21, "expected '(' to open a point, found ';'")
        );
        test!(
            vias::via,
            "v RECT ;",
            Err(1, 3, "expected '+' or ';' after via v, found 'RECT'")
        );
    }

    #[test]
    fn component_table() {
        test!(components::component, "u1 INV ;", Ok);
        test!(components::component, "u1 INV + PLACED ( 0 0 ) N ;", Ok);
        test!(
            components::component,
            "u1 INV + FIXED ( -5 7 ) FW + HALO 1 2 3 4 ;",
            Ok
        );
        test!(
            components::component,
            "u1 INV + UNPLACED + SOURCE USER + WEIGHT 3 ;",
            Ok
        );
        test!(
            components::component,
            "u1 ;",
            Err(1, 4, "expected a master name for component u1, found ';'")
        );
        test!(
            components::component,
            "u1 INV + PLACED 0 0 N ;",
            Err(1, 17, "expected '(' to open a point, found '0'")
        );
        test!(
            components::component,
            "u1 INV + HALO 1 2 3 ;",
            Err(1, 21, "expected a halo distance (an integer), found ';'")
        );
        test!(
            components::component,
            "u1 INV PLACED ;",
            Err(1, 8, "expected ';' after component u1, found 'PLACED'")
        );
    }

    #[test]
    fn pin_table() {
        test!(pins::pin, "a + NET a ;", Ok);
        test!(
            pins::pin,
            "a + NET a + LAYER m1 ( 0 0 ) ( 1 1 ) + FIXED ( 5 5 ) S ;",
            Ok
        );
        test!(
            pins::pin,
            "a + NET a + PORT + LAYER m1 ( 0 0 ) ( 1 1 ) + PORT + VIA v ( 0 0 ) ;",
            Ok
        );
        test!(
            pins::pin,
            "a + NET ;",
            Err(1, 9, "expected a net name after NET, found ';'")
        );
        test!(
            pins::pin,
            "a + NET a + PLACED ( 0 0 ) Q ;",
            Err(
                1,
                28,
                "expected an orientation (N, S, E, W, FN, FS, FE, FW), found 'Q'"
            )
        );
    }

    #[test]
    fn net_table() {
        test!(nets::net, "n ( a b ) ( PIN c ) ;", Ok);
        test!(nets::net, "n ( a b + SYNTHESIZED ) + USE CLOCK ;", Ok);
        test!(
            nets::net,
            "n + ROUTED m1 ( 0 0 ) ( 5 * ) v12 NEW m2 ( 5 0 ) ( * 9 ) ;",
            Ok
        );
        test!(
            nets::net,
            "n + ROUTED m1 ( 0 0 ) ( 5 * 3 ) MASK 1 ( 6 * ) ;",
            Ok
        );
        test!(
            nets::net,
            "n ( a ) ;",
            Err(1, 7, "expected a pin name after 'a', found ')'")
        );
        test!(
            nets::net,
            "n + ROUTED m1 v12 ;",
            Err(1, 15, "expected '(' to start the wiring path, found 'v12'")
        );
        test!(
            nets::net,
            "n + ROUTED m1 ( 0 0 ( 5 * ) ;",
            Err(
                1,
                21,
                "expected an extension value or ')' (an integer), found '('"
            )
        );
        test!(
            nets::net,
            "n + ROUTED m1 ( 0 0 ) NEW ;",
            Err(1, 27, "expected a layer name in net wiring, found ';'")
        );
    }

    #[test]
    fn special_net_table() {
        test!(specialnets::special_net, "VDD ( * VDD ) + USE POWER ;", Ok);
        test!(
            specialnets::special_net,
            "VDD + ROUTED m1 100 + SHAPE STRIPE ( 0 0 ) ( 10 * ) ;",
            Ok
        );
        test!(
            specialnets::special_net,
            "VDD + ROUTED m1 100 ( 0 0 ) v DO 2 BY 1 STEP 5 0 ;",
            Ok
        );
        test!(
            specialnets::special_net,
            "VDD + RECT m1 + MASK 1 ( 0 0 ) ( 5 5 ) ;",
            Ok
        );
        test!(
            specialnets::special_net,
            "VDD + ROUTED m1 ( 0 0 ) ;",
            Err(1, 17, "expected a wire width (an integer), found '('")
        );
        test!(
            specialnets::special_net,
            "VDD + ROUTED m1 100 ( 0 0 ) v DO 2 1 ;",
            Err(1, 36, "expected 'BY' after DO n, found '1'")
        );
    }

    #[test]
    fn region_group_blockage_table() {
        test!(regions::region, "r ( 0 0 ) ( 5 5 ) ;", Ok);
        test!(regions::region, "r ( 0 0 ) ( 5 5 ) + TYPE GUIDE ;", Ok);
        test!(
            regions::region,
            "r ( 0 0 ) ;",
            Err(1, 11, "expected '(' to open a point, found ';'")
        );
        test!(groups::group, "g a b c ;", Ok);
        test!(
            groups::group,
            "g a + SOFT MAXHALFPERIMETER 5 + REGION r ;",
            Ok
        );
        test!(
            groups::group,
            "g a + REGION ;",
            Err(1, 14, "expected a region name, found ';'")
        );
        test!(blockages::blockage, "LAYER m1 RECT ( 0 0 ) ( 1 1 ) ;", Ok);
        test!(
            blockages::blockage,
            "PLACEMENT + PARTIAL 50 RECT ( 0 0 ) ( 1 1 ) ;",
            Ok
        );
        test!(
            blockages::blockage,
            "PLACEMENT + PARTIAL x RECT ( 0 0 ) ( 1 1 ) ;",
            Err(1, 21, "expected a density (a number), found 'x'")
        );
        test!(
            blockages::blockage,
            "LAYER m1 POLYGON ( 0 0 ) ( 1 1 ) ;",
            Err(1, 34, "expected at least 3 polygon points, found 2")
        );
    }
}

/// DEF 5.8 special wiring whose status is followed by options instead of a path
/// (`+ ROUTED + SHAPE STRIPE + RECT ...`, as OpenROAD's test designs write it).
#[test]
fn special_wiring_status_followed_by_shape_and_rect() {
    let d = ok(&wrap(
        "SPECIALNETS 1 ;\n- VDD ( * VDD ) + ROUTED + SHAPE STRIPE + MASK 1 + RECT m1 ( 0 0 ) ( 10 20 )\n  + USE POWER ;\nEND SPECIALNETS\n",
    ));
    let n = &d.special_nets[0];
    assert!(n.wiring.is_empty());
    assert_eq!(n.shapes, vec![("m1".to_string(), Rect::new(0, 0, 10, 20))]);
    assert_eq!(n.use_.as_deref(), Some("POWER"));
}

/// An error chain prints the syntax error once (issue 14: it used to repeat itself).
#[test]
fn syntax_error_chain_says_it_once() {
    let e = match parse(
        &wrap("COMPONENTS 1 ;\n- u1 INV + PLACED ( x 0 ) N ;\nEND COMPONENTS\n"),
        Path::new("t.def"),
    ) {
        Err(e) => e,
        Ok(_) => panic!("a bad coordinate parses"),
    };
    let one = e.to_string();
    let mut chain = one.clone();
    let mut src = std::error::Error::source(&e);
    while let Some(s) = src {
        chain.push_str(&format!(": {s}"));
        src = s.source();
    }
    assert_eq!(chain, one);
    let d: crate::design::Error = e.into();
    assert!(std::error::Error::source(&d).is_none(), "{d}");
}
