//! DEF floorplan statements: `DIEAREA`, `ROW`, `TRACKS` and `GCELLGRID`.

use super::parse::Ctx;
use super::tokens::{count, expect, name, num, options_to_semi, orient, peek, point, tok, upper};
use super::{Axis, Def, GCellGridLine, Row, Tracks};
use crate::geom::Point;
use crate::lefdef::lex::{context, cut_fail, shorten, sp, PResult};

/// `DIEAREA pt pt [pt ...] ;`
pub(super) fn die_area<'a>(s: &'a str, def: &mut Def) -> PResult<'a, ()> {
    let mut s = s;
    let mut pts = Vec::new();
    loop {
        if peek(s) == ";" {
            let s0 = sp(s);
            if pts.len() < 2 {
                return cut_fail(
                    s0,
                    format!("expected at least 2 points in DIEAREA, found {}", pts.len()),
                );
            }
            def.die_area = pts;
            return Ok((&s0[1..], ()));
        }
        let (r, p) = point(s)?;
        pts.push(p);
        s = r;
    }
}

/// `ROW name site x y orient [DO n BY m [STEP sx sy]] [+ PROPERTY ...] ;`
pub(super) fn row<'a>(s: &'a str, ctx: &mut Ctx<'a>) -> PResult<'a, Row> {
    let (s, rname) = name(s, || "a row name".into())?;
    context(
        || rname.to_string(),
        (|| {
            let (s, site) = name(s, || "a site name".into())?;
            let (s, x) = num(s, || "the row x".into())?;
            let (s, y) = num(s, || "the row y".into())?;
            let (s, o) = orient(s)?;
            let mut row = Row {
                name: rname.to_string(),
                site: site.to_string(),
                origin: Point::new(x, y),
                orient: o,
                num_x: 1,
                num_y: 1,
                step_x: 0,
                step_y: 0,
            };
            let mut s = s;
            if peek(s).eq_ignore_ascii_case("DO") {
                let (r, _) = tok(s, String::new)?;
                let (r, nx) = count(r, || "the DO count".into())?;
                let (r, _) = expect(r, "BY", || "after DO n".into())?;
                let (r, ny) = count(r, || "the BY count".into())?;
                row.num_x = nx as i64;
                row.num_y = ny as i64;
                s = r;
                if peek(s).eq_ignore_ascii_case("STEP") {
                    let (r, _) = tok(s, String::new)?;
                    let (r, sx) = num(r, || "the x step".into())?;
                    let (r, sy) = num(r, || "the y step".into())?;
                    row.step_x = sx;
                    row.step_y = sy;
                    s = r;
                }
            }
            let s = options_to_semi(s, ctx, &|| format!("after row {rname}"), &["PROPERTY"])?.0;
            Ok((s, row))
        })(),
    )
}

/// `TRACKS [X|Y] start DO n STEP step [MASK m [SAMEMASK]] [LAYER l ...] ;`
pub(super) fn tracks<'a>(s: &'a str, _ctx: &mut Ctx<'a>) -> PResult<'a, Tracks> {
    let (s, axis) = axis(s)?;
    let (s, start) = num(s, || "the first track".into())?;
    let (s, _) = expect(s, "DO", || "after the first track".into())?;
    let (s, n) = count(s, || "the number of tracks".into())?;
    let (s, _) = expect(s, "STEP", || "after DO n".into())?;
    let (s, step) = num(s, || "the track step".into())?;
    let mut layers = Vec::new();
    let mut s = s;
    loop {
        let s0 = sp(s);
        let (r, t) = tok(s0, || "';' after TRACKS".into())?;
        match upper(t).as_ref() {
            ";" => {
                break Ok((
                    r,
                    Tracks {
                        axis,
                        start,
                        num: n as i64,
                        step,
                        layers,
                    },
                ))
            }
            "MASK" => {
                let (r, _) = num(r, || "a mask number".into())?;
                s = if peek(r).eq_ignore_ascii_case("SAMEMASK") {
                    tok(r, String::new)?.0
                } else {
                    r
                };
            }
            "LAYER" => {
                let mut r = r;
                loop {
                    let p = peek(r);
                    if p == ";" || p.eq_ignore_ascii_case("LAYER") || p.eq_ignore_ascii_case("MASK")
                    {
                        break;
                    }
                    let (r2, l) = name(r, || "a layer name".into())?;
                    layers.push(l.to_string());
                    r = r2;
                }
                s = r;
            }
            _ => {
                return cut_fail(
                    s0,
                    format!(
                        "expected 'LAYER', 'MASK' or ';' in TRACKS, found '{}'",
                        shorten(t)
                    ),
                )
            }
        }
    }
}

pub(super) fn axis(s: &str) -> PResult<'_, Axis> {
    let (r, t) = tok(s, || "X or Y".into())?;
    match t {
        "X" | "x" => Ok((r, Axis::X)),
        "Y" | "y" => Ok((r, Axis::Y)),
        _ => cut_fail(sp(s), format!("expected X or Y, found '{}'", shorten(t))),
    }
}

/// `GCELLGRID X|Y start DO n STEP step ;`
pub(super) fn gcell_grid(s: &str) -> PResult<'_, GCellGridLine> {
    let (s, axis) = axis(s)?;
    let (s, start) = num(s, || "the first grid line".into())?;
    let (s, _) = expect(s, "DO", || "after the first grid line".into())?;
    let (s, n) = count(s, || "the number of grid lines".into())?;
    let (s, _) = expect(s, "STEP", || "after DO n".into())?;
    let (s, step) = num(s, || "the grid step".into())?;
    let (s, _) = expect(s, ";", || "after GCELLGRID".into())?;
    Ok((
        s,
        GCellGridLine {
            axis,
            start,
            num: n as i64,
            step,
        },
    ))
}
