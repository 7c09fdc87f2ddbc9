//! Routing capacity per layer and GCell edge, computed the way OpenROAD's `grt` does it, so that
//! our resources, and therefore our overflow, can be put beside FastRoute's number for number.
//!
//! This file knows nothing about LEF/DEF: it sees a [`GridSpec`] (grt's tiling), a track pattern
//! per layer, and rectangles to block. The adapter in `route::build` feeds it from a `Design`.
//! The steps follow `GlobalRouter::initFastRoute` / `applyAdjustments`:
//! 1. edge capacity = number of preferred-direction tracks crossing the GCell (`computeGCellCapacity`);
//! 2. obstructions: edges strictly inside a blocked span go to 0, the first and last GCell collect
//!    blocked intervals that are merged and then cost `ceil(sum of lengths / pitch)` tracks per
//!    edge (older grt: per interval, [`BlockedRounding`]) (`addHorizontalAdjustments` +
//!    `initBlockedIntervals`); the result is grt's "Original";
//! 3. user layer/global adjustments `floor(cap * (1 - adj))` in `f32`, kept at 1 when the edge
//!    had capacity and `adj != 1` (`computeUserLayerAdjustments`); the result is "Derated";
//! 4. region adjustments and per-GCell steering (ours), applied on top.

use crate::geom::{Dbu, Rect};
use crate::lefdef::lef::Direction;

/// grt's GCell tiling: square tiles of `tile` DBU from the die's lower-left corner, `nx` x `ny`
/// of them; the last column and row absorb the remainder of the die.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct GridSpec {
    pub die: Rect,
    pub tile: Dbu,
    pub nx: usize,
    pub ny: usize,
}

impl GridSpec {
    /// The 2-D router's view of the grid: its GCell counts, whose edges every per-GCell map of a
    /// route is made on.
    pub fn grid2(&self) -> super::pattern::Grid2 {
        super::pattern::Grid2 {
            nx: self.nx,
            ny: self.ny,
        }
    }

    /// `GlobalRouter::initGrid`: `nx = max(1, dx / tile)`, likewise `ny`.
    pub fn new(die: Rect, tile: Dbu) -> GridSpec {
        let tile = tile.max(1);
        let nx = ((die.width() / tile).max(1)) as usize;
        let ny = ((die.height() / tile).max(1)) as usize;
        GridSpec { die, tile, nx, ny }
    }

    /// `GlobalRouter::getGCellRect`: the tile around its center, stretched to the die edge when
    /// less than one tile would remain (integer division, as grt).
    pub fn gcell_rect(&self, x: usize, y: usize) -> Rect {
        let t = self.tile;
        let cx = self.die.lo.x + x as Dbu * t + t / 2;
        let cy = self.die.lo.y + y as Dbu * t + t / 2;
        let (x0, y0) = (cx - t / 2, cy - t / 2);
        let (mut x1, mut y1) = (cx + t / 2, cy + t / 2);
        if (self.die.hi.x - x1) / t < 1 {
            x1 = self.die.hi.x;
        }
        if (self.die.hi.y - y1) / t < 1 {
            y1 = self.die.hi.y;
        }
        Rect {
            lo: crate::geom::Point::new(x0, y0),
            hi: crate::geom::Point::new(x1, y1),
        }
    }

    /// `Grid::getPositionOnGrid` as indices: the tile holding a point, the overflow past the last
    /// tile folded back into it. Points left of or below the die land in tile 0.
    pub fn tile_of(&self, x: Dbu, y: Dbu) -> (usize, usize) {
        let gx = (x.saturating_sub(self.die.lo.x).max(0) / self.tile) as usize;
        let gy = (y.saturating_sub(self.die.lo.y).max(0) / self.tile) as usize;
        (gx.min(self.nx - 1), gy.min(self.ny - 1))
    }

    /// Center of a tile (grt's on-grid position), as guides and segment lengths use it.
    pub fn center(&self, x: usize, y: usize) -> (Dbu, Dbu) {
        let t = self.tile;
        (
            self.die.lo.x + x as Dbu * t + t / 2,
            self.die.lo.y + y as Dbu * t + t / 2,
        )
    }

    /// The same tiling as the shared [`crate::route::grid::GCellGrid`] (line coordinates).
    pub fn gcell_grid(&self) -> crate::route::grid::GCellGrid {
        let lines = |lo: Dbu, hi: Dbu, n: usize| {
            let mut v: Vec<Dbu> = (0..n).map(|i| lo + i as Dbu * self.tile).collect();
            v.push(hi.max(lo + 1));
            v
        };
        crate::route::grid::GCellGrid {
            x_lines: lines(self.die.lo.x, self.die.hi.x, self.nx),
            y_lines: lines(self.die.lo.y, self.die.hi.y, self.ny),
            gcell_size: self.tile,
        }
    }

    /// Number of horizontal edges `(x, y)-(x+1, y)`.
    pub fn n_h(&self) -> usize {
        (self.nx - 1) * self.ny
    }
    /// Number of vertical edges `(x, y)-(x, y+1)`.
    pub fn n_v(&self) -> usize {
        self.nx * (self.ny - 1)
    }
    pub fn h_index(&self, x: usize, y: usize) -> usize {
        y * (self.nx - 1) + x
    }
    pub fn v_index(&self, x: usize, y: usize) -> usize {
        y * self.nx + x
    }
}

/// One DEF track pattern as grt reduces it (`RoutingTracks`): `init + i * pitch`, `i < count`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Tracks {
    pub init: Dbu,
    pub pitch: Dbu,
    pub count: i64,
}

impl Tracks {
    /// `GlobalRouter::computeGCellCapacity`: tracks with coordinate in `[lo, hi)`.
    pub fn count_in(&self, lo: Dbu, hi: Dbu) -> i32 {
        if self.pitch <= 0 || self.count <= 0 {
            return 0;
        }
        let first = if lo <= self.init {
            0
        } else {
            (lo - self.init + self.pitch - 1) / self.pitch
        };
        let last = if hi < self.init {
            -1
        } else {
            (hi - self.init - 1) / self.pitch
        };
        let first = first.max(0);
        let last = last.min(self.count - 1);
        if first > last {
            0
        } else {
            (last - first + 1) as i32
        }
    }

    /// grt's `averageTrackPattern` for several patterns on one axis: all coordinates, first one
    /// as init, `span / count` (integer, as grt) as pitch.
    pub fn average(coords: &mut Vec<Dbu>) -> Option<Tracks> {
        coords.sort_unstable();
        coords.dedup();
        let (first, last) = (*coords.first()?, *coords.last()?);
        let n = coords.len() as i64;
        Some(Tracks {
            init: first,
            pitch: ((last - first) / n).max(1),
            count: n,
        })
    }
}

/// Capacity of one routing layer: both edge directions (grt keeps both; only the preferred one
/// is ever non-zero when built from a design).
#[derive(Clone, Debug, PartialEq)]
pub struct LayerCapacity {
    pub name: String,
    pub direction: Direction,
    /// Track pitch across the preferred direction (grt's track space for blocked intervals).
    pub pitch: Dbu,
    /// Horizontal edges, index [`GridSpec::h_index`].
    pub h: Vec<i32>,
    /// Vertical edges, index [`GridSpec::v_index`].
    pub v: Vec<i32>,
}

impl LayerCapacity {
    pub fn total(&self) -> i64 {
        self.h.iter().map(|&c| c as i64).sum::<i64>()
            + self.v.iter().map(|&c| c as i64).sum::<i64>()
    }
}

/// Capacities of all routing layers (index = routing layer, bottom first).
#[derive(Clone, Debug, PartialEq)]
pub struct Capacity {
    pub grid: GridSpec,
    pub layers: Vec<LayerCapacity>,
}

impl Capacity {
    /// All-zero capacities for the given layers.
    pub fn zero(grid: GridSpec, layers: &[(String, Direction, Dbu)]) -> Capacity {
        let layers = layers
            .iter()
            .map(|(n, d, p)| LayerCapacity {
                name: n.clone(),
                direction: *d,
                pitch: *p,
                h: vec![0; grid.n_h()],
                v: vec![0; grid.n_v()],
            })
            .collect();
        Capacity { grid, layers }
    }

    /// Step 1: preferred-direction edges get the number of tracks crossing their GCell
    /// (`GlobalRouter::setCapacities`). Layers outside the routing range keep 0.
    pub fn set_from_tracks(&mut self, l: usize, tracks: &Tracks) {
        let g = self.grid;
        let layer = &mut self.layers[l];
        match layer.direction {
            Direction::Horizontal => {
                for y in 0..g.ny {
                    let r = g.gcell_rect(0, y);
                    let c = tracks.count_in(r.lo.y, r.hi.y);
                    for x in 0..g.nx - 1 {
                        layer.h[g.h_index(x, y)] = c;
                    }
                }
            }
            Direction::Vertical => {
                for x in 0..g.nx {
                    let r = g.gcell_rect(x, 0);
                    let c = tracks.count_in(r.lo.x, r.hi.x);
                    for y in 0..g.ny - 1 {
                        layer.v[g.v_index(x, y)] = c;
                    }
                }
            }
        }
    }

    /// Step 1 under [`GrtRules::Ispd2026`]: every preferred-direction edge of layer `l` gets
    /// `u.cap`, the last row (horizontal) or column (vertical) `u.last` when there is one.
    pub fn set_uniform(&mut self, l: usize, u: UniformCapacity) {
        let g = self.grid;
        let layer = &mut self.layers[l];
        // The edges of the last row (horizontal layer) or column (vertical) take `last`.
        let line_cap = |i: usize, lines: usize| match u.last {
            Some(last) if i + 1 == lines => last,
            _ => u.cap,
        };
        match layer.direction {
            Direction::Horizontal => {
                for y in 0..g.ny {
                    for x in 0..g.nx - 1 {
                        layer.h[g.h_index(x, y)] = line_cap(y, g.ny);
                    }
                }
            }
            Direction::Vertical => {
                for x in 0..g.nx {
                    for y in 0..g.ny - 1 {
                        layer.v[g.v_index(x, y)] = line_cap(x, g.nx);
                    }
                }
            }
        }
    }

    /// Step 3: `floor(cap * (1 - adj))` on every preferred-direction edge of layer `l`, in `f32`
    /// as grt computes it, kept at 1 when the edge had capacity and `adj != 1`.
    pub fn adjust_layer(&mut self, l: usize, adj: f32) {
        if adj == 0.0 {
            return;
        }
        let f = |c: &mut i32| {
            let n = ((*c as f32) * (1.0f32 - adj)).floor() as i32;
            *c = if *c > 0 && adj != 1.0 {
                n.max(1)
            } else {
                n.max(0)
            };
        };
        let layer = &mut self.layers[l];
        match layer.direction {
            Direction::Horizontal => layer.h.iter_mut().for_each(f),
            Direction::Vertical => layer.v.iter_mut().for_each(f),
        }
    }

    /// Region adjustment, as grt's `computeRegionAdjustments`: the GCells holding the region's
    /// corners are found with `getBlockedTiles` (the region is not clipped), and every
    /// preferred-direction edge leaving a GCell of the box `[first, last]` upwards / rightwards
    /// gets a new capacity. An inner edge gets `floor(cap * (1 - adj))`; an edge in the first
    /// column or row gets `cap - reduce_first * (1 - adj)` (truncated), one in the last column or
    /// row `cap - reduce_last * (1 - adj)`, where `reduce` is the region's span across the
    /// preferred direction inside the first / last GCell in pitches, rounded up
    /// (`Grid::computeTileReduce`). An edge that had capacity keeps at least 1
    /// unless `adj == 1`. The arithmetic is grt's: `1 - adj` in `f32`, the products in `f64`.
    pub fn adjust_region(&mut self, l: usize, region: Rect, adj: f32) {
        let g = self.grid;
        let (first, first_bds) = tile_and_bounds(&g, region.lo.x, region.lo.y);
        let (last, last_bds) = tile_and_bounds(&g, region.hi.x, region.hi.y);
        let layer = &mut self.layers[l];
        let vertical = layer.direction == Direction::Vertical;
        let space = layer.pitch.max(1);
        let tile_reduce = |t: Rect, is_first: bool| -> i64 {
            let (lo, hi, tlo, thi) = if vertical {
                (region.lo.x, region.hi.x, t.lo.x, t.hi.x)
            } else {
                (region.lo.y, region.hi.y, t.lo.y, t.hi.y)
            };
            let span = if lo >= tlo && hi <= thi {
                hi - lo
            } else if is_first {
                thi - lo
            } else {
                hi - tlo
            };
            // Rounded up: the reading that gives the reference log's numbers (`region_adjustment`:
            // metal2 1062); the `computeTileReduce` sources we could read divide integers.
            (span.abs() + space - 1) / space
        };
        let (first_reduce, last_reduce) =
            (tile_reduce(first_bds, true), tile_reduce(last_bds, false));
        let keep = 1.0f32 - adj;
        for x in first.0..=last.0 {
            for y in first.1..=last.1 {
                let c = if vertical {
                    if y + 1 >= g.ny {
                        continue;
                    }
                    &mut layer.v[g.v_index(x, y)]
                } else {
                    if x + 1 >= g.nx {
                        continue;
                    }
                    &mut layer.h[g.h_index(x, y)]
                };
                let cap = f64::from(*c);
                let shrunk = |reduce: i64| (cap - f64::from(reduce as f32 * keep)) as i64;
                let mut new = if x == first.0 || y == first.1 {
                    shrunk(first_reduce)
                } else if x == last.0 || y == last.1 {
                    shrunk(last_reduce)
                } else {
                    (cap * f64::from(keep)).floor() as i64
                };
                if *c > 0 && adj != 1.0 {
                    new = new.max(1);
                }
                *c = new.clamp(0, i64::from(i32::MAX)) as i32;
            }
        }
    }

    /// Per-GCell steering: each edge loses the largest fraction asked for either of its two
    /// GCells, `floor(cap * (1 - f))`. `frac[l]` is `nx * ny`, row-major from the bottom row.
    pub fn derate_gcells(&mut self, l: usize, frac: &[f32]) {
        let g = self.grid;
        let layer = &mut self.layers[l];
        let at = |x: usize, y: usize| frac[y * g.nx + x];
        for y in 0..g.ny {
            for x in 0..g.nx.saturating_sub(1) {
                let f = at(x, y).max(at(x + 1, y));
                if f > 0.0 {
                    let c = &mut layer.h[g.h_index(x, y)];
                    *c = (((*c as f32) * (1.0 - f)).floor() as i32).max(0);
                }
            }
        }
        for y in 0..g.ny.saturating_sub(1) {
            for x in 0..g.nx {
                let f = at(x, y).max(at(x, y + 1));
                if f > 0.0 {
                    let c = &mut layer.v[g.v_index(x, y)];
                    *c = (((*c as f32) * (1.0 - f)).floor() as i32).max(0);
                }
            }
        }
    }

    /// Per-layer sums of capacity (grt's "Resources" column).
    pub fn totals(&self) -> Vec<i64> {
        self.layers.iter().map(|l| l.total()).collect()
    }
}

/// odb's `overlaps` (touching counts) followed by `intersect`.
fn clip(die: &Rect, r: &Rect) -> Option<Rect> {
    if r.hi.x < die.lo.x || r.lo.x > die.hi.x || r.hi.y < die.lo.y || r.lo.y > die.hi.y {
        return None;
    }
    Some(Rect {
        lo: crate::geom::Point::new(r.lo.x.max(die.lo.x), r.lo.y.max(die.lo.y)),
        hi: crate::geom::Point::new(r.hi.x.min(die.hi.x), r.hi.y.min(die.hi.y)),
    })
}

/// How an edge's partly blocked tracks are counted (`FastRouteCore::initBlockedIntervals`): the
/// blocked intervals of an edge are merged first either way; grt's versions differ in where they
/// round up.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum BlockedRounding {
    /// `ceil(sum of the merged lengths / pitch)`: one rounding per edge (grt at 5c9e487).
    #[default]
    PerEdge,
    /// `sum of ceil(merged length / pitch)`: one rounding per merged interval (older grt: the
    /// logs of the OpenROAD forks in docs/router.md).
    PerInterval,
}

/// Which OpenROAD grt version's capacity rules to follow (`mpgd route --grt-rules`), each taken
/// from that version's sources (docs/router.md, "Cases not seen before").
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum GrtRules {
    /// grt at 5c9e487, the bundled logs' version: tracks counted per GCell, blocked tracks
    /// rounded once per edge.
    #[default]
    Grt5c9e487,
    /// The 2025 forks' grt (Namanbaveja/OpenROAD-resynth-mcts 8fe438a, zhanrongpeng/OpenROAD
    /// 2335f7a): 5c9e487's model with blocked tracks rounded per interval.
    Forks2025,
    /// ISPDContest2026/OpenROAD's grt: a tile of 15 pitches of routing layer 3, one capacity
    /// per layer (`floor(tile / pitch)`, the last row or column `floor((tile + rest) / pitch)`),
    /// the space outside the first and last track blocked, per-interval rounding, and GRT-0053's
    /// "Original" from those capacities (see [`uniform_original`]).
    Ispd2026,
}

impl GrtRules {
    /// The rounding of partly blocked tracks: once per edge at 5c9e487, per interval in the older
    /// versions.
    pub fn rounding(self) -> BlockedRounding {
        match self {
            GrtRules::Grt5c9e487 => BlockedRounding::PerEdge,
            GrtRules::Forks2025 | GrtRules::Ispd2026 => BlockedRounding::PerInterval,
        }
    }
}

/// One layer's capacities under [`GrtRules::Ispd2026`]: `cap` on every edge
/// (`GlobalRouter::computeCapacities`), `last` on the last row (horizontal layer) or column
/// (vertical layer) when the die is not a whole number of tiles that way
/// (`computeGridAdjustments`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct UniformCapacity {
    pub cap: i32,
    pub last: Option<i32>,
}

impl UniformCapacity {
    /// `floor(tile / pitch)`, and `floor((tile + rest) / pitch)` for the last row / column,
    /// where `rest` is the die's extent past the last whole tile across the preferred direction.
    pub fn new(g: &GridSpec, dir: Direction, pitch: Dbu) -> UniformCapacity {
        let pitch = pitch.max(1);
        let rest = match dir {
            Direction::Horizontal => g.die.height() - g.ny as Dbu * g.tile,
            Direction::Vertical => g.die.width() - g.nx as Dbu * g.tile,
        };
        UniformCapacity {
            cap: (g.tile / pitch) as i32,
            last: (rest != 0).then(|| ((g.tile + rest) / pitch) as i32),
        }
    }
}

/// GRT-0053's "Original" under [`GrtRules::Ispd2026`] (`FastRouteCore::getOriginalResources`):
/// computed from the capacities, not summed over the edges. A horizontal layer counts
/// `cap * ny * (nx - 1) + last * nx` when it has a last row, else `cap * nx * ny`; a vertical
/// layer `cap * (ny - 1) * nx + last * ny` when it has a last column, else `cap * nx * ny`.
pub fn uniform_original(g: &GridSpec, dir: Direction, u: UniformCapacity) -> i64 {
    let (nx, ny, cap) = (g.nx as i64, g.ny as i64, u.cap as i64);
    match (dir, u.last) {
        (Direction::Horizontal, Some(last)) => cap * ny * (nx - 1) + last as i64 * nx,
        (Direction::Vertical, Some(last)) => cap * (ny - 1) * nx + last as i64 * ny,
        (_, None) => cap * nx * ny,
    }
}

/// Step 2: obstructions, collected first and applied at once (grt applies the fully blocked
/// edges immediately and the partial first/last GCells in `initBlockedIntervals`, after every
/// obstruction is known; doing both at the end gives the same result).
#[derive(Debug, Default)]
pub struct Blockages {
    /// Per layer: edges set to 0 (H edges as index, V edges as `n_h + index`).
    zero: Vec<Vec<usize>>,
    /// Per layer: (edge, [lo, hi)) intervals across the preferred direction.
    intervals: Vec<Vec<(usize, Dbu, Dbu)>>,
    /// Per layer: the edges set to 0 so far (sized on first use), for the macro rule.
    zeroed: Vec<Vec<bool>>,
    /// Per layer: the BLOCK macros' obstructions as applied (grt's `layer_obs_map`).
    macro_obs: Vec<Vec<Rect>>,
    /// grt's transition layers (`findTransitionLayers`), see [`Blockages::set_transition_layers`].
    transition: Vec<usize>,
    rounding: BlockedRounding,
}

impl Blockages {
    pub fn new(n_layers: usize) -> Blockages {
        Blockages {
            zero: vec![Vec::new(); n_layers],
            intervals: vec![Vec::new(); n_layers],
            zeroed: vec![Vec::new(); n_layers],
            macro_obs: vec![Vec::new(); n_layers],
            transition: Vec::new(),
            rounding: BlockedRounding::default(),
        }
    }

    /// Which grt version's rounding [`Blockages::apply`] uses for partly blocked tracks.
    pub fn set_rounding(&mut self, rounding: BlockedRounding) {
        self.rounding = rounding;
    }

    /// Layers whose edges [`Blockages::apply`] halves in every GCell under a BLOCK macro's
    /// obstruction on the layer below (`GlobalRouter::adjustTransitionLayers`), after the
    /// obstructions blocked edges whole and before the partial tracks are taken.
    pub fn set_transition_layers(&mut self, layers: Vec<usize>) {
        self.transition = layers;
    }

    /// `GlobalRouter::applyObstructionAdjustment` for one rectangle on layer `l`.
    pub fn add(&mut self, cap: &Capacity, l: usize, rect: Rect) {
        self.add_with(cap, l, rect, false);
    }

    /// [`Blockages::add`] for a BLOCK macro's obstruction (`is_macro`): an edge GCell whose
    /// interval would leave exactly one track of the edge's capacity so far loses that track too
    /// (`Grid::computeTileReduceInterval`).
    pub fn add_macro(&mut self, cap: &Capacity, l: usize, rect: Rect) {
        self.macro_obs[l].push(rect);
        self.add_with(cap, l, rect, true);
    }

    /// An edge's capacity at this point of grt's sequence: 0 once an obstruction blocked it
    /// whole, else its tracks (the partial intervals come later, in `initBlockedIntervals`).
    fn capacity_so_far(&self, cap: &Capacity, l: usize, e: Option<usize>) -> i32 {
        let Some(e) = e else { return 0 };
        if self.zeroed[l].get(e).copied().unwrap_or(false) {
            return 0;
        }
        let nh = cap.grid.n_h();
        if e < nh {
            cap.layers[l].h[e]
        } else {
            cap.layers[l].v[e - nh]
        }
    }

    fn set_zero(&mut self, cap: &Capacity, l: usize, e: usize) {
        self.zero[l].push(e);
        let z = &mut self.zeroed[l];
        if z.is_empty() {
            z.resize(cap.grid.n_h() + cap.grid.n_v(), false);
        }
        z[e] = true;
    }

    fn add_with(&mut self, cap: &Capacity, l: usize, rect: Rect, is_macro: bool) {
        let g = cap.grid;
        let dir = cap.layers[l].direction;
        // grt keeps the rectangle when it lies wholly outside the die as an empty one at the
        // origin, which blocks nothing; we skip it.
        let Some(r) = clip(&g.die, &rect) else { return };
        let (first, first_bds) = tile_and_bounds(&g, r.lo.x, r.lo.y);
        let (mut last, last_bds) = tile_and_bounds(&g, r.hi.x, r.hi.y);
        let nh = g.n_h();
        match dir {
            Direction::Horizontal => {
                let mut fi = reduce_interval(r.lo.y, r.hi.y, first_bds.lo.y, first_bds.hi.y, true);
                let mut li = reduce_interval(r.lo.y, r.hi.y, last_bds.lo.y, last_bds.hi.y, false);
                if is_macro {
                    let h_edge = |t: (usize, usize)| (t.0 + 1 < g.nx).then(|| g.h_index(t.0, t.1));
                    let pitch = cap.layers[l].pitch;
                    fi = macro_interval(fi, self.capacity_so_far(cap, l, h_edge(first)), pitch);
                    li = macro_interval(li, self.capacity_so_far(cap, l, h_edge(last)), pitch);
                }
                // An obstruction inside one GCell along the preferred direction blocks the edge
                // to the next GCell (`applyObstructionAdjustment`, OpenROAD PR #5703); the tile
                // bounds of the intervals stay those of the original last GCell.
                if first.0 == last.0 && last.0 + 1 < g.nx {
                    last.0 += 1;
                }
                for x in first.0..last.0 {
                    if x + 1 >= g.nx {
                        break;
                    }
                    for y in first.1..=last.1 {
                        let e = g.h_index(x, y);
                        if y == first.1 {
                            self.intervals[l].push((e, fi.0, fi.1));
                        } else if y == last.1 {
                            self.intervals[l].push((e, li.0, li.1));
                        } else {
                            self.set_zero(cap, l, e);
                        }
                    }
                }
            }
            Direction::Vertical => {
                let mut fi = reduce_interval(r.lo.x, r.hi.x, first_bds.lo.x, first_bds.hi.x, true);
                let mut li = reduce_interval(r.lo.x, r.hi.x, last_bds.lo.x, last_bds.hi.x, false);
                if is_macro {
                    let v_edge =
                        |t: (usize, usize)| (t.1 + 1 < g.ny).then(|| nh + g.v_index(t.0, t.1));
                    let pitch = cap.layers[l].pitch;
                    fi = macro_interval(fi, self.capacity_so_far(cap, l, v_edge(first)), pitch);
                    li = macro_interval(li, self.capacity_so_far(cap, l, v_edge(last)), pitch);
                }
                if first.1 == last.1 && last.1 + 1 < g.ny {
                    last.1 += 1;
                }
                for x in first.0..=last.0 {
                    for y in first.1..last.1 {
                        if y + 1 >= g.ny {
                            break;
                        }
                        let e = nh + g.v_index(x, y);
                        if x == first.0 {
                            self.intervals[l].push((e, fi.0, fi.1));
                        } else if x == last.0 {
                            self.intervals[l].push((e, li.0, li.1));
                        } else {
                            self.set_zero(cap, l, e);
                        }
                    }
                }
            }
        }
    }

    /// Applies everything collected: zeros, then per edge the merged intervals (boost::icl
    /// joining set of right-open intervals), each costing `ceil(len / pitch)` tracks.
    pub fn apply(mut self, cap: &mut Capacity) {
        let nh = cap.grid.n_h();
        for (l, layer) in cap.layers.iter_mut().enumerate() {
            for &e in &self.zero[l] {
                if e < nh {
                    layer.h[e] = 0;
                } else {
                    layer.v[e - nh] = 0;
                }
            }
            if l >= 1 && self.transition.contains(&l) {
                halve_under_macros(layer, &cap.grid, &self.macro_obs[l - 1]);
            }
            let iv = &mut self.intervals[l];
            iv.retain(|&(_, lo, hi)| hi > lo);
            iv.sort_unstable();
            let mut i = 0;
            while i < iv.len() {
                let e = iv[i].0;
                let j = i + iv[i..].iter().take_while(|x| x.0 == e).count();
                let reduce = blocked_tracks(&iv[i..j], layer.pitch, self.rounding);
                let c = if e < nh {
                    &mut layer.h[e]
                } else {
                    &mut layer.v[e - nh]
                };
                if *c > 0 {
                    *c = (*c - reduce).max(0);
                }
                i = j;
            }
        }
    }
}

/// Tracks one edge loses to its blocked intervals (sorted by start): the intervals are merged
/// (boost::icl joining set: touching or overlapping become one), then rounded up as `rounding`
/// says.
fn blocked_tracks(iv: &[(usize, Dbu, Dbu)], pitch: Dbu, rounding: BlockedRounding) -> i32 {
    let pitch = pitch.max(1) as f32;
    let tracks = |len: Dbu| (len as f32 / pitch).ceil() as i32;
    let mut merged: Vec<(Dbu, Dbu)> = Vec::new();
    for &(_, lo, hi) in iv {
        match merged.last_mut() {
            Some(last) if lo <= last.1 => last.1 = last.1.max(hi),
            _ => merged.push((lo, hi)),
        }
    }
    match rounding {
        BlockedRounding::PerEdge => tracks(merged.iter().map(|(lo, hi)| hi - lo).sum()),
        BlockedRounding::PerInterval => merged.iter().map(|(lo, hi)| tracks(hi - lo)).sum(),
    }
}

/// `adjustTransitionLayers` / `adjustTileSet` on one layer: the edge leaving each GCell from the
/// first tile of an obstruction (of the layer below) up to, not including, its last tile in both
/// axes (an obstruction inside one GCell is skipped) gets `floor(cap * 0.5)`, at least 1 when
/// it had capacity; each GCell once.
fn halve_under_macros(layer: &mut LayerCapacity, g: &GridSpec, obs: &[Rect]) {
    let mut tiles = Vec::new();
    for r in obs {
        let (f, _) = tile_and_bounds(g, r.lo.x, r.lo.y);
        let (t, _) = tile_and_bounds(g, r.hi.x, r.hi.y);
        if f == t {
            continue;
        }
        for y in f.1..t.1 {
            for x in f.0..t.0 {
                tiles.push((x, y));
            }
        }
    }
    tiles.sort_unstable();
    tiles.dedup();
    for (x, y) in tiles {
        let c = match layer.direction {
            Direction::Horizontal if x + 1 < g.nx => &mut layer.h[g.h_index(x, y)],
            Direction::Vertical if y + 1 < g.ny => &mut layer.v[g.v_index(x, y)],
            _ => continue,
        };
        let half = (*c as f32 * 0.5).floor() as i32;
        *c = if *c > 0 { half.max(1) } else { half };
    }
}

/// `Grid::getBlockedTiles` for one corner: the tile index and grt's tile bounds (centered box,
/// stretched to the die's top/right edge when less than one tile remains).
fn tile_and_bounds(g: &GridSpec, x: Dbu, y: Dbu) -> ((usize, usize), Rect) {
    let (tx, ty) = g.tile_of(x, y);
    let (cx, cy) = g.center(tx, ty);
    let t = g.tile;
    let (mut x1, mut y1) = (cx + t / 2, cy + t / 2);
    if (g.die.hi.x - x1) / t < 1 {
        x1 = g.die.hi.x;
    }
    if (g.die.hi.y - y1) / t < 1 {
        y1 = g.die.hi.y;
    }
    let r = Rect {
        lo: crate::geom::Point::new(cx - t / 2, cy - t / 2),
        hi: crate::geom::Point::new(x1, y1),
    };
    ((tx, ty), r)
}

/// The macro rule of `Grid::computeTileReduceInterval`: when the interval would leave exactly one
/// track of the edge's capacity (`cap - ceil((float) len / pitch) == 1`), it grows by a pitch.
fn macro_interval((lo, hi): (Dbu, Dbu), cap: i32, pitch: Dbu) -> (Dbu, Dbu) {
    let blocked = ((hi - lo).abs() as f32 / pitch.max(1) as f32).ceil() as i32;
    if cap - blocked == 1 {
        (lo, hi + pitch)
    } else {
        (lo, hi)
    }
}

/// `Grid::computeTileReduceInterval` along one axis.
fn reduce_interval(lo: Dbu, hi: Dbu, tlo: Dbu, thi: Dbu, first: bool) -> (Dbu, Dbu) {
    if lo >= tlo && hi <= thi {
        (lo, hi)
    } else if first {
        (lo, thi)
    } else {
        (tlo, hi)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn spec() -> GridSpec {
        // 3 x 2 tiles of 100, the last column 150 wide.
        GridSpec::new(Rect::new(0, 0, 350, 200), 100)
    }

    #[test]
    fn grid_follows_grt_tiling() {
        let g = spec();
        assert_eq!((g.nx, g.ny), (3, 2));
        assert_eq!(g.gcell_rect(2, 1), Rect::new(200, 100, 350, 200));
        assert_eq!(g.tile_of(349, 199), (2, 1));
        assert_eq!(g.tile_of(100, 0), (1, 0));
    }

    #[test]
    fn tiling_equals_the_shared_grid() {
        let die = Rect::new(0, 0, 200260, 201600);
        assert_eq!(
            GridSpec::new(die, 5700).gcell_grid(),
            crate::route::grid::GCellGrid::uniform(die, 5700)
        );
    }

    #[test]
    fn tracks_are_counted_half_open() {
        let t = Tracks {
            init: 10,
            pitch: 20,
            count: 17,
        };
        assert_eq!(t.count_in(0, 100), 5); // 10, 30, 50, 70, 90
        assert_eq!(t.count_in(90, 110), 1); // 90 (110 belongs to the next GCell)
        assert_eq!(t.count_in(300, 400), 2); // 310 and 330, the last track
        assert_eq!(t.count_in(400, 500), 0);
    }

    #[test]
    fn capacity_counts_tracks_per_gcell_and_last_column_absorbs() {
        let g = spec();
        let mut c = Capacity::zero(g, &[("v".into(), Direction::Vertical, 10)]);
        c.set_from_tracks(
            0,
            &Tracks {
                init: 5,
                pitch: 10,
                count: 35,
            },
        );
        // columns 0 and 1 hold 10 tracks, column 2 (150 wide) 15; one V edge per column.
        assert_eq!(c.layers[0].v, vec![10, 10, 15]);
        assert_eq!(c.layers[0].total(), 35);
    }

    #[test]
    fn layer_adjustment_floors_and_keeps_one() {
        let g = spec();
        let mut c = Capacity::zero(g, &[("v".into(), Direction::Vertical, 10)]);
        c.layers[0].v = vec![15, 17, 0];
        let mut d = c.clone();
        d.adjust_layer(0, 0.9);
        assert_eq!(d.layers[0].v, vec![1, 1, 0]);
        let mut d = c.clone();
        d.adjust_layer(0, 0.7);
        assert_eq!(d.layers[0].v, vec![4, 5, 0]);
        let mut d = c.clone();
        d.adjust_layer(0, 1.0);
        assert_eq!(d.layers[0].v, vec![0, 0, 0]);
        // grt's negative adjustment adds capacity: floor(15 * 1.5) = 22.
        let mut d = c.clone();
        d.adjust_layer(0, -0.5);
        assert_eq!(d.layers[0].v, vec![22, 25, 0]);
    }

    /// `computeRegionAdjustments`: inner edges `floor(cap * (1 - f))`, the first / last column
    /// and row lose `reduce * (1 - f)` (truncated), `reduce` being the region's span in the
    /// first / last GCell in whole pitches.
    #[test]
    fn region_adjustment_follows_grt() {
        let g = GridSpec::new(Rect::new(0, 0, 500, 500), 100);
        let mut c = Capacity::zero(g, &[("v".into(), Direction::Vertical, 10)]);
        c.set_from_tracks(
            0,
            &Tracks {
                init: 5,
                pitch: 10,
                count: 50,
            },
        );
        // x 50..350 (columns 0..3), y 150..350 (rows 1..3); first reduce (100-50)/10 = 5,
        // last (350-300)/10 = 5; f = 0.5.
        c.adjust_region(0, Rect::new(50, 150, 350, 350), 0.5);
        let v = |x, y| c.layers[0].v[g.v_index(x, y)];
        // first column or first row: 10 - 5 * 0.5 = 7.5 -> 7.
        assert_eq!((v(0, 1), v(0, 3), v(2, 1)), (7, 7, 7));
        // inner: floor(10 * 0.5) = 5.
        assert_eq!((v(1, 2), v(2, 2)), (5, 5));
        // last column or last row: 7.
        assert_eq!((v(3, 2), v(1, 3)), (7, 7));
        // outside the box: untouched.
        assert_eq!((v(4, 2), v(1, 0)), (10, 10));
    }

    #[test]
    fn obstruction_blocks_inner_edges_and_partial_tracks() {
        let g = GridSpec::new(Rect::new(0, 0, 400, 400), 100);
        let mut c = Capacity::zero(g, &[("h".into(), Direction::Horizontal, 10)]);
        c.set_from_tracks(
            0,
            &Tracks {
                init: 5,
                pitch: 10,
                count: 40,
            },
        );
        let mut b = Blockages::new(1);
        // Spans x 50..250 (tiles 0..2: edges 0-1 and 1-2 in row 0), y 20..45 (3 tracks).
        b.add(&c, 0, Rect::new(50, 20, 250, 45));
        // A second interval overlapping the first merges: 40..60 with 20..45 -> 20..60, 4 tracks.
        b.add(&c, 0, Rect::new(50, 40, 150, 60));
        b.apply(&mut c);
        assert_eq!(c.layers[0].h[g.h_index(0, 0)], 6);
        assert_eq!(c.layers[0].h[g.h_index(1, 0)], 7);
        assert_eq!(c.layers[0].h[g.h_index(2, 0)], 10);
        // Spanning rows fully blocks the middle row.
        let mut b = Blockages::new(1);
        b.add(&c, 0, Rect::new(0, 50, 150, 350));
        b.apply(&mut c);
        assert_eq!(c.layers[0].h[g.h_index(0, 2)], 0);
        assert_eq!(c.layers[0].h[g.h_index(0, 1)], 0);
        assert_eq!(c.layers[0].h[g.h_index(0, 3)], 5);
    }

    #[test]
    fn uniform_capacity_and_original_as_the_ispd_fork_counts_them() {
        // pd2's sky130hs die and 7200 DBU tile: 38 x 38 GCells, 6360 / 6530 DBU left over.
        let die = Rect {
            lo: crate::geom::Point::new(0, 0),
            hi: crate::geom::Point::new(279960, 280130),
        };
        let g = GridSpec::new(die, 7200);
        let met2 = UniformCapacity::new(&g, Direction::Vertical, 480);
        assert_eq!(
            met2,
            UniformCapacity {
                cap: 15,
                last: Some(28)
            }
        );
        assert_eq!(uniform_original(&g, Direction::Vertical, met2), 583 * 38);
        let met1 = UniformCapacity::new(&g, Direction::Horizontal, 370);
        assert_eq!(
            met1,
            UniformCapacity {
                cap: 19,
                last: Some(37)
            }
        );
        assert_eq!(uniform_original(&g, Direction::Horizontal, met1), 28120);
        // A whole number of tiles: no last row, and GCells (not edges) counted.
        let even = GridSpec::new(
            Rect {
                lo: die.lo,
                hi: crate::geom::Point::new(72000, 72000),
            },
            7200,
        );
        let u = UniformCapacity::new(&even, Direction::Horizontal, 370);
        assert_eq!(
            (u.last, uniform_original(&even, Direction::Horizontal, u)),
            (None, 19 * 100)
        );
        let mut cap = Capacity::zero(g, &[("met2".into(), Direction::Vertical, 480)]);
        cap.set_uniform(0, met2);
        assert_eq!(cap.layers[0].v[g.v_index(37, 0)], 28);
        assert_eq!(cap.totals()[0], 583 * 37);
    }

    #[test]
    fn blocked_tracks_round_per_edge_or_per_interval() {
        // Two 490-wide rails on one edge, pitch 370: 980 DBU cost 3 tracks at 5c9e487, 2 + 2
        // in older grt; overlapping or touching intervals merge first either way.
        let rails = [(0, 0, 490), (0, 1000, 1490)];
        assert_eq!(blocked_tracks(&rails, 370, BlockedRounding::PerEdge), 3);
        assert_eq!(blocked_tracks(&rails, 370, BlockedRounding::PerInterval), 4);
        let touching = [(0, 0, 100), (0, 50, 200), (0, 200, 300)];
        for r in [BlockedRounding::PerEdge, BlockedRounding::PerInterval] {
            assert_eq!(blocked_tracks(&touching, 370, r), 1);
        }
    }

    #[test]
    fn obstruction_inside_one_gcell_blocks_the_edge_to_the_next() {
        let g = GridSpec::new(Rect::new(0, 0, 300, 300), 100);
        let mut c = Capacity::zero(
            g,
            &[
                ("h".into(), Direction::Horizontal, 10),
                ("v".into(), Direction::Vertical, 10),
            ],
        );
        let t = Tracks {
            init: 5,
            pitch: 10,
            count: 30,
        };
        c.set_from_tracks(0, &t);
        c.set_from_tracks(1, &t);
        let mut b = Blockages::new(2);
        // Inside GCell (1, 1): the edge (1,1)-(2,1) loses 2 tracks (y 20..35 of that row).
        b.add(&c, 0, Rect::new(120, 120, 180, 135));
        // In the last column there is no next GCell: nothing.
        b.add(&c, 0, Rect::new(220, 20, 280, 35));
        // Vertical: inside GCell (0, 0), the edge (0,0)-(0,1) loses 1 track.
        b.add(&c, 1, Rect::new(40, 10, 48, 60));
        b.apply(&mut c);
        assert_eq!(c.layers[0].h[g.h_index(1, 1)], 8);
        assert_eq!(c.layers[0].h[g.h_index(0, 1)], 10);
        assert_eq!(c.layers[0].total(), 6 * 10 - 2);
        assert_eq!(c.layers[1].v[g.v_index(0, 0)], 9);
        assert_eq!(c.layers[1].total(), 6 * 10 - 1);
    }
}
