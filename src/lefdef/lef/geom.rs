//! Geometry statements shared by `VIA` definitions, pin `PORT`s and `OBS`: `LAYER`, `WIDTH`,
//! `RECT`, `POLYGON`, `PATH` and `VIA` placements, read into [`Shape`]s.
//!
//! A shape belongs to the last `LAYER` statement; `WIDTH` (as its own statement or inside
//! `LAYER`) sets the width that turns a `PATH` into rectangles. `ITERATE` arrays are skipped with
//! a warning: no library mpgd reads uses them.

use super::common::{
    coord, ident, nonneg, number, opt_kw, plain_decimal, token_or, upper, Warnings, R,
};
use super::{Geom, Shape};
use crate::lefdef::lex::{fail, float, int, semi, shorten, sp, PError, PResult};

/// The shapes of one block and the state the statements share.
#[derive(Debug, Default)]
pub(super) struct Geometry {
    layer: Option<String>,
    width: Option<f64>,
    pub shapes: Vec<Shape>,
}

impl Geometry {
    /// `LAYER name [EXCEPTPGNET] [SPACING s | DESIGNRULEWIDTH w] [WIDTH w] [MASK n] ;`, `s`
    /// after the keyword. Starts a new layer: the path width is reset.
    pub fn layer<'a>(&mut self, s: &'a str) -> PResult<'a, ()> {
        let (mut s, name) = ident(s)?;
        self.width = None;
        loop {
            let (rest, t) = token_or(s, || "expected ';', found end of file".into())?;
            let mut buf = [0u8; 40];
            s = match upper(t, &mut buf) {
                ";" => {
                    s = rest;
                    break;
                }
                "EXCEPTPGNET" => rest,
                "SPACING" | "DESIGNRULEWIDTH" => nonneg(rest)?.0,
                "WIDTH" => {
                    let (rest, w) = nonneg(rest)?;
                    self.width = Some(w);
                    rest
                }
                "MASK" => int(rest)?.0,
                _ => return fail(sp(s), format!("expected ';', found '{}'", shorten(t))),
            };
        }
        self.layer = Some(name.to_string());
        Ok((s, ()))
    }

    /// `WIDTH w ;`, `s` after the keyword.
    pub fn width<'a>(&mut self, s: &'a str) -> PResult<'a, ()> {
        let (s, w) = nonneg(s)?;
        let (s, ()) = semi(s)?;
        self.width = Some(w);
        Ok((s, ()))
    }

    /// The current layer, or an error at the shape keyword `at` when no `LAYER` came first.
    fn current_layer<'a>(&self, at: &'a str, what: &str) -> R<'a, String> {
        match &self.layer {
            Some(l) => Ok(l.clone()),
            None => Err(nom::Err::Failure(PError::new(
                sp(at),
                format!("expected 'LAYER' before '{what}'"),
            ))),
        }
    }

    /// `RECT [MASK n] x0 y0 x1 y1 ;`, `at` on the keyword, `s` after it.
    pub fn rect<'a>(&mut self, at: &'a str, s: &'a str, w: &mut Warnings) -> PResult<'a, ()> {
        let layer = self.current_layer(at, "RECT")?;
        let s = mask(s)?;
        if let Some(s) = iterate(at, s, "RECT", w)? {
            return Ok((s, ()));
        }
        let (s, x0) = coord(s)?;
        let (s, y0) = coord(s)?;
        let (s, x1) = coord(s)?;
        let (s, y1) = coord(s)?;
        let (s, ()) = semi(s)?;
        let r = [x0.min(x1), y0.min(y1), x0.max(x1), y0.max(y1)];
        self.shapes.push(Shape {
            layer,
            geom: Geom::Rect(r),
        });
        Ok((s, ()))
    }

    /// `POLYGON [MASK n] x y x y x y ... ;` (at least three points).
    pub fn polygon<'a>(&mut self, at: &'a str, s: &'a str, w: &mut Warnings) -> PResult<'a, ()> {
        let layer = self.current_layer(at, "POLYGON")?;
        let s = mask(s)?;
        if let Some(s) = iterate(at, s, "POLYGON", w)? {
            return Ok((s, ()));
        }
        let (s, pts) = points(s)?;
        if pts.len() < 3 {
            return fail(
                sp(at),
                format!("expected at least 3 points in POLYGON, found {}", pts.len()),
            );
        }
        self.shapes.push(Shape {
            layer,
            geom: Geom::Polygon(pts),
        });
        Ok((s, ()))
    }

    /// `PATH [MASK n] x y [x y ...] ;`: each segment becomes a rectangle the current width wide,
    /// extended by half the width at both ends (the LEF rule); without a width it is skipped.
    pub fn path<'a>(&mut self, at: &'a str, s: &'a str, w: &mut Warnings) -> PResult<'a, ()> {
        let layer = self.current_layer(at, "PATH")?;
        let s = mask(s)?;
        if let Some(s) = iterate(at, s, "PATH", w)? {
            return Ok((s, ()));
        }
        let (s, pts) = points(s)?;
        if pts.is_empty() {
            return fail(sp(at), "expected at least 1 point in PATH, found 0");
        }
        let Some(width) = self.width else {
            w.push(at, format!("skipped PATH on layer {layer}: no WIDTH given"));
            return Ok((s, ()));
        };
        let h = width / 2.0;
        let segments: Vec<((f64, f64), (f64, f64))> = if pts.len() == 1 {
            vec![(pts[0], pts[0])]
        } else {
            pts.windows(2).map(|p| (p[0], p[1])).collect()
        };
        let mut diagonal = false;
        for ((x0, y0), (x1, y1)) in segments {
            if x0 != x1 && y0 != y1 {
                diagonal = true;
                continue;
            }
            let r = [
                x0.min(x1) - h,
                y0.min(y1) - h,
                x0.max(x1) + h,
                y0.max(y1) + h,
            ];
            self.shapes.push(Shape {
                layer: layer.clone(),
                geom: Geom::Rect(r),
            });
        }
        if diagonal {
            w.push(
                at,
                format!("skipped diagonal PATH segments on layer {layer}"),
            );
        }
        Ok((s, ()))
    }

    /// `VIA [MASK n] x y name ;`: a via placed in the block; its `layer` is empty.
    pub fn via<'a>(&mut self, at: &'a str, s: &'a str, w: &mut Warnings) -> PResult<'a, ()> {
        let s = mask(s)?;
        if let Some(s) = iterate(at, s, "VIA", w)? {
            return Ok((s, ()));
        }
        let (s, x) = float(s)?;
        let (s, y) = float(s)?;
        let (s, name) = ident(s)?;
        let (s, ()) = semi(s)?;
        let geom = Geom::Via {
            name: name.to_string(),
            at: (x, y),
        };
        self.shapes.push(Shape {
            layer: String::new(),
            geom,
        });
        Ok((s, ()))
    }
}

/// An optional `MASK n` (multi-patterning colour, not used by mpgd).
fn mask(s: &str) -> R<'_, &str> {
    if starts_with_number(s) {
        return Ok(s); // the common case: no keyword to look for, no token read twice
    }
    let (s, has) = opt_kw(s, "MASK");
    if has {
        Ok(int(s)?.0)
    } else {
        Ok(s)
    }
}

/// An `ITERATE` form: skipped to its `;` with a warning (`Some(rest)`), or `None` when absent.
fn iterate<'a>(at: &'a str, s: &'a str, what: &str, w: &mut Warnings) -> R<'a, Option<&'a str>> {
    if starts_with_number(s) {
        return Ok(None);
    }
    let (s, has) = opt_kw(s, "ITERATE");
    if !has {
        return Ok(None);
    }
    w.push(
        at,
        format!("skipped {what} ITERATE (arrays of shapes are not supported)"),
    );
    let mut s = s;
    loop {
        let (rest, t) = token_or(s, || "expected ';', found end of file".into())?;
        if t == ";" {
            return Ok(Some(rest));
        }
        // The next geometry statement here means the `;` was lost.
        let mut buf = [0u8; 40];
        if matches!(
            upper(t, &mut buf),
            "RECT" | "POLYGON" | "PATH" | "VIA" | "LAYER" | "WIDTH" | "END"
        ) {
            return Err(nom::Err::Error(PError::new(
                sp(s),
                format!("expected ';', found '{}'", shorten(t)),
            )));
        }
        s = rest;
    }
}

/// True when the next token starts like a number (so it is no keyword).
fn starts_with_number(s: &str) -> bool {
    matches!(
        sp(s).as_bytes().first(),
        Some(b'0'..=b'9' | b'-' | b'+' | b'.')
    )
}

/// Coordinate pairs up to and including `;`.
fn points(s: &str) -> PResult<'_, Vec<(f64, f64)>> {
    let mut pts = Vec::new();
    let mut s = s;
    loop {
        let (rest, t) = token_or(s, || "expected ';', found end of file".into())?;
        if t == ";" {
            return Ok((rest, pts));
        }
        let x = match plain_decimal(t) {
            Some(v) => v,
            None => number(s, t)?,
        };
        let (rest, y) = coord(rest)?;
        pts.push((x, y));
        s = rest;
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::lefdef::lex::{peek, token};

    fn run(text: &str) -> Result<Vec<Shape>, String> {
        let mut g = Geometry::default();
        let mut w = Warnings::default();
        let mut s = text;
        while let Some(t) = peek(s) {
            let (rest, _) = token(s).unwrap();
            let r = match t {
                "LAYER" => g.layer(rest),
                "WIDTH" => g.width(rest),
                "RECT" => g.rect(s, rest, &mut w),
                "POLYGON" => g.polygon(s, rest, &mut w),
                "PATH" => g.path(s, rest, &mut w),
                "VIA" => g.via(s, rest, &mut w),
                _ => return Err(format!("bad test keyword {t}")),
            };
            match r {
                Ok((rest, ())) => s = rest,
                Err(nom::Err::Error(e) | nom::Err::Failure(e)) => {
                    let e = e.into_syntax_error(text, std::path::Path::new("t.lef"));
                    return Err(format!("{}:{}: {}", e.line, e.column, e.message));
                }
                Err(e) => return Err(format!("{e:?}")),
            }
        }
        Ok(g.shapes)
    }

    #[test]
    fn rect_is_normalised() {
        let shapes = run("LAYER m1 ; RECT 1 2 0 0 ; RECT MASK 2 0 0 1 1 ;").unwrap();
        assert_eq!(
            shapes[0],
            Shape {
                layer: "m1".into(),
                geom: Geom::Rect([0.0, 0.0, 1.0, 2.0])
            }
        );
        assert_eq!(shapes.len(), 2);
    }

    #[test]
    fn layer_options() {
        assert!(run("LAYER m1 SPACING 0.1 ; RECT 0 0 1 1 ;").is_ok());
        assert!(run("LAYER m1 DESIGNRULEWIDTH 0.1 ; RECT 0 0 1 1 ;").is_ok());
        assert!(run("LAYER m1 EXCEPTPGNET ; RECT 0 0 1 1 ;").is_ok());
        assert_eq!(
            run("LAYER m1 RECT 0 0 1 1 ;").unwrap_err(),
            "1:10: expected ';', found 'RECT'"
        );
        assert_eq!(
            run("LAYER 1 ;").unwrap_err(),
            "1:7: expected a name, found '1'"
        );
    }

    #[test]
    fn shape_before_layer_is_an_error() {
        assert_eq!(
            run("RECT 0 0 1 1 ;").unwrap_err(),
            "1:1: expected 'LAYER' before 'RECT'"
        );
    }

    #[test]
    fn rect_errors() {
        assert_eq!(
            run("LAYER m1 ;\nRECT 0 0 1 ;").unwrap_err(),
            "2:12: expected a number, found ';'"
        );
        assert_eq!(
            run("LAYER m1 ;\nRECT 0 0 1 1").unwrap_err(),
            "2:13: unexpected end of file"
        );
        assert_eq!(
            run("LAYER m1 ;\nRECT 0 0 1 1 RECT").unwrap_err(),
            "2:14: expected ';', found 'RECT'"
        );
    }

    #[test]
    fn polygon_needs_three_points() {
        let shapes = run("LAYER m1 ; POLYGON 0 0 1 0 1 1 ;").unwrap();
        assert_eq!(
            shapes[0].geom,
            Geom::Polygon(vec![(0.0, 0.0), (1.0, 0.0), (1.0, 1.0)])
        );
        assert_eq!(
            run("LAYER m1 ; POLYGON 0 0 1 0 ;").unwrap_err(),
            "1:12: expected at least 3 points in POLYGON, found 2"
        );
        assert_eq!(
            run("LAYER m1 ; POLYGON 0 0 1 ;").unwrap_err(),
            "1:26: expected a number, found ';'"
        );
    }

    #[test]
    fn path_becomes_rectangles() {
        let shapes = run("LAYER m1 ; WIDTH 0.2 ; PATH 0 0 1 0 1 2 ;").unwrap();
        assert_eq!(shapes[0].geom, Geom::Rect([-0.1, -0.1, 1.1, 0.1]));
        assert_eq!(shapes[1].geom, Geom::Rect([0.9, -0.1, 1.1, 2.1]));
        // The width belongs to its layer: a new LAYER resets it, so the PATH is skipped.
        assert!(run("LAYER m1 WIDTH 0.2 ; LAYER m2 ; PATH 0 0 1 0 ;")
            .unwrap()
            .is_empty());
        assert_eq!(run("LAYER m1 WIDTH 0.2 ; PATH 0 0 1 0 ;").unwrap().len(), 1);
        assert_eq!(
            run("LAYER m1 ; WIDTH -1 ;").unwrap_err(),
            "1:18: expected a non-negative number, found '-1'"
        );
    }

    #[test]
    fn vias_and_iterate() {
        let shapes = run("VIA 1 2 via1_0 ;").unwrap();
        assert_eq!(
            shapes[0].geom,
            Geom::Via {
                name: "via1_0".into(),
                at: (1.0, 2.0)
            }
        );
        assert!(run("LAYER m1 ; RECT ITERATE 0 0 1 1 DO 2 BY 1 STEP 2 0 ;")
            .unwrap()
            .is_empty());
        assert!(run("VIA ITERATE 0 0 v1 DO 2 BY 1 STEP 2 0 ;")
            .unwrap()
            .is_empty());
        assert!(run("VIA 1 2 ;").is_err());
        assert!(run("VIA 1 via1 ;").is_err());
    }
}
