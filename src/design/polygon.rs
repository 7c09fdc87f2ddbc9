//! Rectilinear polygons (LEF/DEF `POLYGON`) split into rectangles, so everything downstream sees
//! only rectangles.

use crate::geom::{Dbu, Point, Rect};

/// Splits a polygon into horizontal slabs: one rectangle per maximal x-interval inside the
/// polygon between consecutive vertex y-coordinates (even-odd rule). Exact for rectilinear
/// polygons; a non-rectilinear edge is approximated at the slab's mid-height.
pub fn to_rects(points: &[Point]) -> Vec<Rect> {
    if points.len() < 3 {
        return Vec::new();
    }
    let mut ys: Vec<Dbu> = points.iter().map(|p| p.y).collect();
    ys.sort_unstable();
    ys.dedup();
    let edges: Vec<(Point, Point)> = (0..points.len())
        .map(|i| (points[i], points[(i + 1) % points.len()]))
        .collect();
    let mut out = Vec::new();
    let mut xs: Vec<f64> = Vec::new();
    for w in ys.windows(2) {
        let (y0, y1) = (w[0], w[1]);
        let mid = (y0 as f64 + y1 as f64) / 2.0;
        xs.clear();
        for (a, b) in &edges {
            let (lo, hi) = if a.y < b.y { (a, b) } else { (b, a) };
            if (lo.y as f64) < mid && mid < hi.y as f64 {
                let t = (mid - lo.y as f64) / (hi.y - lo.y) as f64;
                xs.push(lo.x as f64 + t * (hi.x - lo.x) as f64);
            }
        }
        xs.sort_by(f64::total_cmp);
        for pair in xs.chunks_exact(2) {
            let (x0, x1) = (pair[0].round() as Dbu, pair[1].round() as Dbu);
            if x0 < x1 {
                out.push(Rect::new(x0, y0, x1, y1));
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pts(v: &[(Dbu, Dbu)]) -> Vec<Point> {
        v.iter().map(|&(x, y)| Point::new(x, y)).collect()
    }

    #[test]
    fn an_l_shape_becomes_two_rectangles_of_the_same_area() {
        let l = pts(&[(0, 0), (10, 0), (10, 4), (4, 4), (4, 10), (0, 10)]);
        let r = to_rects(&l);
        assert_eq!(r, vec![Rect::new(0, 0, 10, 4), Rect::new(0, 4, 4, 10)]);
        assert_eq!(r.iter().map(|r| r.area()).sum::<i128>(), 10 * 4 + 4 * 6);
    }

    #[test]
    fn a_u_shape_has_two_intervals_in_its_upper_slab() {
        let u = pts(&[
            (0, 0),
            (9, 0),
            (9, 9),
            (6, 9),
            (6, 3),
            (3, 3),
            (3, 9),
            (0, 9),
        ]);
        let r = to_rects(&u);
        assert_eq!(
            r,
            vec![
                Rect::new(0, 0, 9, 3),
                Rect::new(0, 3, 3, 9),
                Rect::new(6, 3, 9, 9)
            ]
        );
    }

    #[test]
    fn degenerate_input_gives_nothing() {
        assert!(to_rects(&pts(&[(0, 0), (1, 1)])).is_empty());
        assert!(to_rects(&pts(&[(0, 0), (5, 0), (9, 0)])).is_empty());
    }
}
