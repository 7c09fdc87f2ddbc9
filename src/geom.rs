//! Integer geometry in database units (DBU): points, rectangles and the eight DEF orientations.
//!
//! Everything downstream of the design model works in DBU (`i64`); microns appear only at the edges
//! (LEF values, reports, Tcl).

use serde::{Deserialize, Serialize};

/// A coordinate or length in database units.
pub type Dbu = i64;

/// A point in DBU.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Point {
    pub x: Dbu,
    pub y: Dbu,
}

impl Point {
    pub const fn new(x: Dbu, y: Dbu) -> Self {
        Point { x, y }
    }
}

/// An axis-aligned rectangle in DBU, normalised so that `lo <= hi` on both axes.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Rect {
    pub lo: Point,
    pub hi: Point,
}

impl Rect {
    /// The rectangle spanned by two corners, in any order.
    pub fn new(x0: Dbu, y0: Dbu, x1: Dbu, y1: Dbu) -> Self {
        Rect {
            lo: Point::new(x0.min(x1), y0.min(y1)),
            hi: Point::new(x0.max(x1), y0.max(y1)),
        }
    }
    pub fn width(&self) -> Dbu {
        self.hi.x - self.lo.x
    }
    pub fn height(&self) -> Dbu {
        self.hi.y - self.lo.y
    }
    pub fn area(&self) -> i128 {
        self.width() as i128 * self.height() as i128
    }
    pub fn center(&self) -> Point {
        Point::new((self.lo.x + self.hi.x) / 2, (self.lo.y + self.hi.y) / 2)
    }
    pub fn translate(&self, dx: Dbu, dy: Dbu) -> Rect {
        Rect::new(
            self.lo.x + dx,
            self.lo.y + dy,
            self.hi.x + dx,
            self.hi.y + dy,
        )
    }
    /// The smallest rectangle holding both.
    pub fn union(&self, o: &Rect) -> Rect {
        Rect {
            lo: Point::new(self.lo.x.min(o.lo.x), self.lo.y.min(o.lo.y)),
            hi: Point::new(self.hi.x.max(o.hi.x), self.hi.y.max(o.hi.y)),
        }
    }
    /// The common part, if the two overlap with positive area.
    pub fn intersection(&self, o: &Rect) -> Option<Rect> {
        let lo = Point::new(self.lo.x.max(o.lo.x), self.lo.y.max(o.lo.y));
        let hi = Point::new(self.hi.x.min(o.hi.x), self.hi.y.min(o.hi.y));
        (lo.x < hi.x && lo.y < hi.y).then_some(Rect { lo, hi })
    }
    /// The bounding box of a set of points (`None` when empty).
    pub fn bounding(points: impl IntoIterator<Item = Point>) -> Option<Rect> {
        let mut it = points.into_iter();
        let p = it.next()?;
        let mut r = Rect { lo: p, hi: p };
        for q in it {
            r.lo.x = r.lo.x.min(q.x);
            r.lo.y = r.lo.y.min(q.y);
            r.hi.x = r.hi.x.max(q.x);
            r.hi.y = r.hi.y.max(q.y);
        }
        Some(r)
    }
}

/// The eight DEF orientations: rotations (N, W, S, E, counter-clockwise) and their mirrors about
/// the Y axis (FN, FW, FS, FE).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Orient {
    #[default]
    N,
    S,
    E,
    W,
    FN,
    FS,
    FE,
    FW,
}

impl Orient {
    pub fn parse(s: &str) -> Option<Orient> {
        Some(match s {
            "N" => Orient::N,
            "S" => Orient::S,
            "E" => Orient::E,
            "W" => Orient::W,
            "FN" => Orient::FN,
            "FS" => Orient::FS,
            "FE" => Orient::FE,
            "FW" => Orient::FW,
            _ => return None,
        })
    }
    pub fn as_str(self) -> &'static str {
        match self {
            Orient::N => "N",
            Orient::S => "S",
            Orient::E => "E",
            Orient::W => "W",
            Orient::FN => "FN",
            Orient::FS => "FS",
            Orient::FE => "FE",
            Orient::FW => "FW",
        }
    }
    /// True when the orientation swaps width and height (90 or 270 degrees).
    pub fn swaps_axes(self) -> bool {
        matches!(self, Orient::E | Orient::W | Orient::FE | Orient::FW)
    }
}

/// Places a master's local geometry into the design, as DEF defines it: the master (size `w` x `h`)
/// is oriented, then its oriented bounding box is moved so its lower-left corner lands on `at`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Transform {
    pub at: Point,
    pub orient: Orient,
    pub w: Dbu,
    pub h: Dbu,
}

impl Transform {
    pub fn new(at: Point, orient: Orient, w: Dbu, h: Dbu) -> Self {
        Transform { at, orient, w, h }
    }

    /// Maps a point of the master (origin at its lower-left) into design coordinates.
    pub fn apply(&self, p: Point) -> Point {
        let (w, h) = (self.w, self.h);
        // Oriented coordinates, each already shifted so the oriented box starts at (0, 0).
        let (x, y) = match self.orient {
            Orient::N => (p.x, p.y),
            Orient::S => (w - p.x, h - p.y),
            Orient::W => (h - p.y, p.x),
            Orient::E => (p.y, w - p.x),
            Orient::FN => (w - p.x, p.y),
            Orient::FS => (p.x, h - p.y),
            Orient::FW => (p.y, p.x),
            Orient::FE => (h - p.y, w - p.x),
        };
        Point::new(self.at.x + x, self.at.y + y)
    }

    /// Maps a rectangle of the master into design coordinates.
    pub fn apply_rect(&self, r: &Rect) -> Rect {
        let a = self.apply(r.lo);
        let b = self.apply(r.hi);
        Rect::new(a.x, a.y, b.x, b.y)
    }

    /// The placed box of the whole master.
    pub fn placed_box(&self) -> Rect {
        self.apply_rect(&Rect::new(0, 0, self.w, self.h))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_orientation_keeps_the_box_at_the_location() {
        let all = [
            Orient::N,
            Orient::S,
            Orient::E,
            Orient::W,
            Orient::FN,
            Orient::FS,
            Orient::FE,
            Orient::FW,
        ];
        for o in all {
            let t = Transform::new(Point::new(100, 200), o, 30, 10);
            let b = t.placed_box();
            assert_eq!(b.lo, Point::new(100, 200), "{o:?}");
            let (w, h) = if o.swaps_axes() { (10, 30) } else { (30, 10) };
            assert_eq!((b.width(), b.height()), (w, h), "{o:?}");
        }
    }

    #[test]
    fn orientations_move_a_corner_pin_where_def_says() {
        // A 1x1 pin at the master's lower-left corner of a 30x10 master.
        let pin = Rect::new(0, 0, 1, 1);
        let at = Point::new(0, 0);
        let place = |o| Transform::new(at, o, 30, 10).apply_rect(&pin);
        assert_eq!(place(Orient::N), Rect::new(0, 0, 1, 1));
        assert_eq!(place(Orient::S), Rect::new(29, 9, 30, 10)); // rotated 180
        assert_eq!(place(Orient::FN), Rect::new(29, 0, 30, 1)); // mirrored about Y
        assert_eq!(place(Orient::FS), Rect::new(0, 9, 1, 10)); // mirrored about X
        assert_eq!(place(Orient::W), Rect::new(9, 0, 10, 1)); // 90 ccw: lower-left goes lower-right
        assert_eq!(place(Orient::E), Rect::new(0, 29, 1, 30)); // 90 cw: lower-left goes upper-left
        assert_eq!(place(Orient::FW), Rect::new(0, 0, 1, 1));
        assert_eq!(place(Orient::FE), Rect::new(9, 29, 10, 30));
    }
}
