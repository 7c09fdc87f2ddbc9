//! The adapter between the design model and the routing engine: from a `&Design` and a
//! [`RouteConfig`] it builds what grt builds in `initFastRoute` (the GCell tiling, per-layer edge
//! capacities with obstructions and adjustments, and each net's pins on the grid). Everything
//! below this file sees only grids, capacities and pins.

use super::capacity::{
    self, Blockages, BlockedRounding, Capacity, GridSpec, GrtRules, Tracks, UniformCapacity,
};
use super::{LayerSel, PreRouted, RouteConfig, RouteError, Steer};
use crate::design::{Design, MasterKind, NetPin, ObstructionSource};
use crate::geom::{Dbu, Rect, Transform};
use crate::lefdef::lef::Direction;
use std::collections::BTreeMap;

/// grt's default GCell: 15 track pitches.
pub const PITCHES_IN_TILE: i64 = 15;

/// Largest grid we accept (about 2 GB of edge data at 10 layers).
pub const MAX_GCELLS: usize = 16_000_000;

/// One routable net as the engine sees it.
pub struct SetupNet {
    /// Index into `Design::nets`.
    pub design_net: usize,
    pub name: String,
    /// Pins as (gx, gy, connection layer).
    pub pins: Vec<(usize, usize, usize)>,
    /// The layers its wires may use, grt's `getNetLayerRange`: the signal range (the clock
    /// range for a non-leaf clock net), its bottom raised to the lowest pin's layer.
    pub layers: (usize, usize),
}

/// What the engine needs, built from the design.
pub struct Setup {
    pub grid: GridSpec,
    /// The layers that carry capacity: the signal range joined with the clock range.
    pub lmin: usize,
    pub lmax: usize,
    /// After obstructions, before user adjustments (grt's "Original").
    pub original: Capacity,
    /// GRT-0053's "Original" per layer: `original`'s totals, or under [`GrtRules::Ispd2026`]
    /// [`capacity::uniform_original`].
    pub original_resources: Vec<i64>,
    /// After layer and global adjustments (grt's "Derated" without regions): the "real" capacity
    /// against which `total_overflow_unadjusted` is measured.
    pub derated: Capacity,
    /// After region adjustments and steering too: what the router routes against.
    pub adjusted: Capacity,
    /// Routable nets.
    pub nets: Vec<SetupNet>,
    pub warnings: Vec<String>,
}

/// The GCell size of the DEF's GCELLGRID, for `--gcell-from-def`. grt's grid is square and starts
/// at the die's lower-left corner (the GCELLGRID OpenROAD writes has that shape), so the DEF's
/// grid must too: lines from the die's lower-left, one step on both axes (the last gap of an
/// axis may differ, as grt's last GCell absorbs the remainder).
pub fn def_gcell_size(d: &Design) -> Result<Dbu, String> {
    let g = d
        .gcell_grid
        .as_ref()
        .ok_or("the DEF has no GCELLGRID with at least two lines per axis")?;
    let step = |lines: &[Dbu], lo: Dbu, axis: &str| -> Result<Dbu, String> {
        if lines[0] != lo {
            return Err(format!(
                "its {axis} lines start at {} DBU, not at the die's edge {lo}",
                lines[0]
            ));
        }
        let s = lines[1] - lines[0];
        let gaps = lines.windows(2).map(|w| w[1] - w[0]);
        if gaps.take(lines.len().saturating_sub(2)).any(|x| x != s) {
            return Err(format!("its {axis} lines are not evenly spaced"));
        }
        Ok(s)
    };
    let (sx, sy) = (
        step(&g.x_lines, d.die.lo.x, "X")?,
        step(&g.y_lines, d.die.lo.y, "Y")?,
    );
    if sx != sy {
        return Err(format!(
            "its X step {sx} and Y step {sy} differ (grt's GCells are square)"
        ));
    }
    Ok(sx)
}

/// grt's `isNonLeafClock`: a clock net (DEF `USE CLOCK`; OpenROAD also marks the nets its timer
/// finds from `create_clock`) none of whose pins is a register clock pin. Without Liberty, a
/// register clock pin is a LEF pin with `USE CLOCK` (flop `CLK`, latch `GATE`).
fn is_non_leaf_clock(d: &Design, net: usize) -> bool {
    if !d.nets[net]
        .use_
        .as_deref()
        .is_some_and(|u| u.eq_ignore_ascii_case("CLOCK"))
    {
        return false;
    }
    !d.pins_of(net).iter().any(|p| match *p {
        NetPin::Inst { inst, pin } => {
            let m = &d.masters[d.instances[inst as usize].master as usize];
            m.pins[pin as usize]
                .use_
                .as_deref()
                .is_some_and(|u| u.eq_ignore_ascii_case("CLOCK"))
        }
        NetPin::Io(_) => false,
    })
}

/// A `LO-HI` layer range by names, checked to run upwards.
fn named_range(d: &Design, a: &str, b: &str, what: &str) -> Result<(usize, usize), RouteError> {
    let (a, b) = (layer_index(d, a, what)?, layer_index(d, b, what)?);
    if a > b {
        return Err(RouteError::BadRange {
            range: format!("{}-{}", d.layers[a].name, d.layers[b].name),
        });
    }
    Ok((a, b))
}

fn layer_index(d: &Design, name: &str, what: &str) -> Result<usize, RouteError> {
    d.layer_id(name)
        .map(|l| l as usize)
        .ok_or_else(|| RouteError::UnknownLayer {
            name: name.to_string(),
            context: what.to_string(),
        })
}

/// The preferred-direction track pattern of a layer as grt reduces it.
fn preferred_tracks(d: &Design, l: usize) -> Option<Tracks> {
    let layer = &d.layers[l];
    let pats = match layer.direction {
        Direction::Horizontal => &layer.tracks_y,
        Direction::Vertical => &layer.tracks_x,
    };
    match pats.len() {
        0 => None,
        1 => Some(Tracks {
            init: pats[0].start,
            pitch: pats[0].step,
            count: pats[0].num,
        }),
        _ => {
            let mut coords: Vec<Dbu> = pats
                .iter()
                .flat_map(|p| (0..p.num.max(0)).map(move |i| p.start + i * p.step))
                .collect();
            Tracks::average(&mut coords)
        }
    }
}

/// grt's default tile (`dbBlock::getGCellTileSize`, stacks of four or more routing layers): 15
/// times the middle one of the average track spacings of routing layers 2, 3 and 4, each in its
/// preferred direction (`dbTrackGrid::getAverageTrackSpacing`) and made even. This gives 5700 DBU
/// (2.85 um) on Nangate45 gcd (median of 380, 280, 560) and 7200 DBU on sky130hs gcd, as the
/// reference logs do, and 2850 DBU on OpenROAD's `remove_buffers*.def` (metal2 190, metal3 140,
/// metal4 280), where the third layer alone would give 2100. A stack of fewer than four layers
/// takes its top layer's spacing (the `max_routing_layer_ < 4` branch, as [`low_stack_tile`]).
pub fn default_tile(d: &Design) -> Option<Dbu> {
    let n = d.layers.len();
    if n < 4 {
        return Some(even_spacing(d, n.checked_sub(1)?)? * PITCHES_IN_TILE);
    }
    let mut spacings = [
        even_spacing(d, 1)?,
        even_spacing(d, 2)?,
        even_spacing(d, 3)?,
    ];
    spacings.sort_unstable();
    Some(spacings[1] * PITCHES_IN_TILE)
}

/// The tile of the dataset's labels (and `features::default_gcell_size`): 15 pitches of routing
/// layer 3's first track pattern (X when it has one), else its LEF pitch. It equals
/// [`default_tile`] on Nangate45, sky130hs and sky130hd; on asap7 it gives 540 DBU where grt's
/// median rule gives 570, and the dataset and models were built on it, so it stays until they
/// are rebuilt.
pub fn third_layer_tile(d: &Design) -> Option<Dbu> {
    let l = 2.min(d.layers.len().checked_sub(1)?);
    let layer = &d.layers[l];
    let step = layer
        .tracks_x
        .first()
        .or(layer.tracks_y.first())
        .map(|t| t.step)
        .filter(|&s| s > 0)
        .unwrap_or_else(|| layer.preferred_pitch());
    (step > 0).then_some(step * PITCHES_IN_TILE)
}

/// `getGCellTileSize`'s spacing of one layer: its preferred-direction track pitch (the layer's
/// LEF pitch when the DEF has no tracks for it), an odd one made even.
fn even_spacing(d: &Design, l: usize) -> Option<Dbu> {
    let pitch = preferred_tracks(d, l)
        .map(|t| t.pitch)
        .filter(|&p| p > 0)
        .unwrap_or_else(|| d.layers[l].preferred_pitch());
    made_even(pitch)
}

/// A pitch as `getGCellTileSize` uses it: an odd one made even; `None` when nothing is left.
fn made_even(pitch: Dbu) -> Option<Dbu> {
    let even = if pitch % 2 == 0 { pitch } else { pitch - 1 };
    (even > 0).then_some(even)
}

/// grt's tile when the top routing layer `top` (0-based) is below the fourth: 15 pitches of
/// that layer's preferred-direction tracks, an odd pitch made even (`dbBlock::getGCellTileSize`,
/// its `max_routing_layer_ < 4` branch). OpenROAD's `congestion4` (`metal3-metal3`) gets its
/// 4200 DBU GCells this way, where the full stack takes 5700 ([`default_tile`]).
pub fn low_stack_tile(d: &Design, top: usize) -> Option<Dbu> {
    Some(made_even(preferred_tracks(d, top)?.pitch)? * PITCHES_IN_TILE)
}

/// The tile of [`GrtRules::Ispd2026`] (that fork's `dbBlock::getGCellTileSize`): 15 times the
/// average preferred-direction track spacing of routing layer 3, or of the top routing layer
/// `top` (0-based) when it is lower; odd spacings are kept. Nangate45: metal3's 280 DBU, 4200.
pub fn third_layer_preferred_tile(d: &Design, top: usize) -> Option<Dbu> {
    let pitch = preferred_tracks(d, 2.min(top))?.pitch;
    (pitch > 0).then_some(pitch * PITCHES_IN_TILE)
}

/// The routing and clock layer ranges of a configuration.
struct Ranges {
    /// The signal range.
    signal: (usize, usize),
    /// The clock range of non-leaf clock nets, when one is set.
    clock: Option<(usize, usize)>,
    /// Their union: the layers that carry capacity (`getMinMaxLayer`).
    cap: (usize, usize),
}

/// grt's `initFastRoute` as a sequence of steps: layer ranges, GCell grid, track capacity,
/// obstructions ("Original"), layer adjustments ("Derated"), region adjustments and steering,
/// and the nets' pins on the grid.
pub fn build(d: &Design, cfg: &RouteConfig) -> Result<Setup, RouteError> {
    if d.layers.is_empty() {
        return Err(RouteError::NoLayers);
    }
    let mut warnings = Vec::new();
    let keep = keeps_pre_routed(d, cfg)?;
    let ranges = layer_ranges(d, cfg)?;
    let grid = gcell_grid(d, cfg, ranges.cap.1)?;
    let uniform = cfg.grt_rules == GrtRules::Ispd2026;
    let (mut cap, outside) = if uniform {
        let cap = uniform_capacity(d, grid, ranges.cap, &mut warnings);
        (cap, outside_track_obstructions(d, &grid, ranges.cap))
    } else {
        (
            track_capacity(d, grid, ranges.cap, &mut warnings),
            Vec::new(),
        )
    };
    let rounding = cfg.grt_rules.rounding();
    apply_obstructions(d, &mut cap, ranges.signal, keep, rounding, &outside);
    let original = cap.clone();
    let original_resources = if uniform {
        uniform_originals(d, &grid, ranges.cap)
    } else {
        original.totals()
    };
    apply_layer_adjustments(d, cfg, &mut cap, ranges.cap)?;
    let derated = cap.clone();
    apply_region_adjustments(d, cfg, &mut cap)?;
    add_resources_for_pin_access(d, &grid, ranges.signal, &mut cap);
    if let Some(steer) = &cfg.steer {
        apply_steering(d, steer, &mut cap, &mut warnings)?;
    }
    let nets = routable_nets(d, &grid, &ranges, keep);
    Ok(Setup {
        grid,
        lmin: ranges.cap.0,
        lmax: ranges.cap.1,
        original,
        original_resources,
        derated,
        adjusted: cap,
        nets,
        warnings,
    })
}

/// Whether pre-routed nets are kept ([`PreRouted::Keep`]), checking that their wiring was read.
fn keeps_pre_routed(d: &Design, cfg: &RouteConfig) -> Result<bool, RouteError> {
    if cfg.pre_routed != PreRouted::Keep {
        return Ok(false);
    }
    let wired = d.nets.iter().filter(|n| n.routed_in_def).count();
    if wired > 0 && d.net_wiring.iter().all(|l| l.is_empty()) {
        return Err(RouteError::NetWiringNotRead { nets: wired });
    }
    Ok(true)
}

/// The signal range (the configured one, else grt's default: every layer that has tracks), the
/// clock range (`set_routing_layers -clock`) and their union.
fn layer_ranges(d: &Design, cfg: &RouteConfig) -> Result<Ranges, RouteError> {
    let nl = d.layers.len();
    let signal = match &cfg.layer_range {
        Some((a, b)) => named_range(d, a, b, "--layers")?,
        None => {
            let last = (0..nl)
                .take_while(|&l| preferred_tracks(d, l).is_some())
                .last()
                .unwrap_or(nl - 1);
            (0, last)
        }
    };
    let clock = match &cfg.clock_layer_range {
        Some((a, b)) => Some(named_range(d, a, b, "--clock-layers")?),
        None => None,
    };
    let cap = clock.map_or(signal, |(a, b)| (signal.0.min(a), signal.1.max(b)));
    Ok(Ranges { signal, clock, cap })
}

/// grt's GCell grid (`initGrid`): the configured GCell size or grt's default tile for the top
/// routing layer `top` ([`default_tile`], [`low_stack_tile`]), guarded against grids too large
/// to hold.
fn gcell_grid(d: &Design, cfg: &RouteConfig, top: usize) -> Result<GridSpec, RouteError> {
    let nl = d.layers.len();
    let tile = match cfg.gcell_size {
        Some(t) if t > 0 => t,
        Some(t) => return Err(RouteError::BadGCell { dbu: t }),
        None if cfg.grt_rules == GrtRules::Ispd2026 => {
            third_layer_preferred_tile(d, top).ok_or(RouteError::NoTracks {
                layer: d.layers[2.min(top)].name.clone(),
            })?
        }
        None if top < 3 => low_stack_tile(d, top).ok_or(RouteError::NoTracks {
            layer: d.layers[top].name.clone(),
        })?,
        None => default_tile(d).ok_or(RouteError::NoTracks {
            layer: d.layers[2.min(nl - 1)].name.clone(),
        })?,
    };
    if d.die.width() <= 0 || d.die.height() <= 0 {
        return Err(RouteError::EmptyDie);
    }
    let grid = GridSpec::new(d.die, tile);
    // Guard memory: a GCell size far below the pitch would allocate billions of edges.
    if grid.nx.saturating_mul(grid.ny) > MAX_GCELLS {
        return Err(RouteError::TooManyGCells {
            nx: grid.nx,
            ny: grid.ny,
        });
    }
    Ok(grid)
}

/// Step 1 (`computeGCellCapacity`): each layer of `range` gets its preferred-direction tracks.
fn track_capacity(
    d: &Design,
    grid: GridSpec,
    range: (usize, usize),
    warnings: &mut Vec<String>,
) -> Capacity {
    let names: Vec<(String, Direction, Dbu)> = d
        .layers
        .iter()
        .enumerate()
        .map(|(l, x)| {
            (
                x.name.clone(),
                x.direction,
                preferred_tracks(d, l).map_or(x.preferred_pitch(), |t| t.pitch),
            )
        })
        .collect();
    let mut cap = Capacity::zero(grid, &names);
    for l in range.0..=range.1 {
        match preferred_tracks(d, l) {
            Some(t) => cap.set_from_tracks(l, &t),
            None => warnings.push(format!(
                "layer {} has no tracks in its preferred direction: no capacity",
                d.layers[l].name
            )),
        }
    }
    cap
}

/// [`capacity::UniformCapacity`] of layer `l`, from its preferred-direction track pitch.
fn uniform_of(d: &Design, grid: &GridSpec, l: usize) -> Option<UniformCapacity> {
    let t = preferred_tracks(d, l)?;
    Some(UniformCapacity::new(grid, d.layers[l].direction, t.pitch))
}

/// Step 1 under [`GrtRules::Ispd2026`] (`computeCapacities`, `computeGridAdjustments`): each
/// layer of `range` gets one capacity per edge, its last row or column another.
fn uniform_capacity(
    d: &Design,
    grid: GridSpec,
    range: (usize, usize),
    warnings: &mut Vec<String>,
) -> Capacity {
    let mut cap = track_capacity(d, grid, range, warnings);
    for l in range.0..=range.1 {
        if let Some(u) = uniform_of(d, &grid, l) {
            cap.set_uniform(l, u);
        }
    }
    cap
}

/// GRT-0053's "Original" per layer under [`GrtRules::Ispd2026`]; 0 outside `range`.
fn uniform_originals(d: &Design, grid: &GridSpec, range: (usize, usize)) -> Vec<i64> {
    (0..d.layers.len())
        .map(|l| {
            let u = (l >= range.0 && l <= range.1)
                .then(|| uniform_of(d, grid, l))
                .flatten();
            u.map_or(0, |u| {
                capacity::uniform_original(grid, d.layers[l].direction, u)
            })
        })
        .collect()
}

/// `computeTrackAdjustments` ([`GrtRules::Ispd2026`]): on each layer of `range`, the die's
/// strips below `first track - pitch` and above `last track + pitch`, across the preferred
/// direction, as obstructions.
fn outside_track_obstructions(
    d: &Design,
    g: &GridSpec,
    range: (usize, usize),
) -> Vec<(usize, Rect)> {
    let die = g.die;
    let rect = |x0, y0, x1, y1| Rect {
        lo: crate::geom::Point::new(x0, y0),
        hi: crate::geom::Point::new(x1, y1),
    };
    let mut out = Vec::new();
    for l in range.0..=range.1 {
        let Some(t) = preferred_tracks(d, l).filter(|t| t.count > 0) else {
            continue;
        };
        let below = t.init - t.pitch;
        let above = t.init + t.pitch * (t.count - 1) + t.pitch;
        match d.layers[l].direction {
            Direction::Horizontal => {
                if below > die.lo.y {
                    out.push((l, rect(die.lo.x, die.lo.y, die.hi.x, below)));
                }
                if above < die.hi.y {
                    out.push((l, rect(die.lo.x, above, die.hi.x, die.hi.y)));
                }
            }
            Direction::Vertical => {
                if below > die.lo.x {
                    out.push((l, rect(die.lo.x, die.lo.y, below, die.hi.y)));
                }
                if above < die.hi.x {
                    out.push((l, rect(above, die.lo.y, die.hi.x, die.hi.y)));
                }
            }
        }
    }
    out
}

/// Step 2, as grt's `computeObstructionsAdjustments`: routing blockages (`findObstructions`),
/// instance OBS and every instance pin shape (`findInstancesObstructions`, BLOCK macros by
/// [`add_macro_obstructions`]), then special-net wiring and, when pre-routed nets are kept, their
/// wiring (`findNetsObstructions`), on the layers of the signal range, in grt's order (the macro
/// rule reads the capacity the earlier obstructions left).
fn apply_obstructions(
    d: &Design,
    cap: &mut Capacity,
    (lmin, lmax): (usize, usize),
    net_wiring: bool,
    rounding: BlockedRounding,
    outside_tracks: &[(usize, Rect)],
) {
    let mut blk = Blockages::new(d.layers.len());
    blk.set_rounding(rounding);
    for &(l, r) in outside_tracks {
        blk.add(cap, l, r);
    }
    let in_range = |l: usize| l >= lmin && l <= lmax;
    let design_obstructions = |blk: &mut Blockages, cap: &Capacity, blockages: bool| {
        for (l, obs) in d
            .obstructions
            .iter()
            .enumerate()
            .filter(|(l, _)| in_range(*l))
        {
            for o in obs {
                if (o.source == ObstructionSource::RoutingBlockage) == blockages
                    && o.source != ObstructionSource::MacroObs
                {
                    blk.add(cap, l, o.rect);
                }
            }
        }
    };
    design_obstructions(&mut blk, cap, true);
    for inst in &d.instances {
        let m = &d.masters[inst.master as usize];
        let t = Transform::new(inst.location, inst.orient, m.width, m.height);
        if m.kind == MasterKind::Block {
            add_macro_obstructions(d, cap, &mut blk, &t, &m.obs, (lmin, lmax));
        } else {
            for (l, r) in &m.obs {
                if in_range(*l as usize) {
                    blk.add(cap, *l as usize, t.apply_rect(r));
                }
            }
        }
        for p in &m.pins {
            for (l, r) in &p.shapes {
                if in_range(*l as usize) {
                    blk.add(cap, *l as usize, t.apply_rect(r));
                }
            }
        }
    }
    design_obstructions(&mut blk, cap, false);
    blk.set_transition_layers(transition_layers(d, cap, lmax));
    if net_wiring {
        for (l, rects) in d
            .net_wiring
            .iter()
            .enumerate()
            .filter(|(l, _)| in_range(*l))
        {
            for r in rects {
                blk.add(cap, l, *r);
            }
        }
    }
    blk.apply(cap);
}

/// grt's `findTransitionLayers`: a layer up to the top of the range whose default via
/// ([`RoutingLayer::default_via_metal`](crate::design::RoutingLayer::default_via_metal)) is
/// wider than 0.8 of its track pitch, the width being the via metal's extent along the layer's
/// preferred direction as grt takes it (`getDY` on a vertical layer, `getDX` on a horizontal one).
fn transition_layers(d: &Design, cap: &Capacity, lmax: usize) -> Vec<usize> {
    (0..=lmax.min(d.layers.len() - 1))
        .filter(|&l| {
            let Some((w, h)) = d.layers[l].default_via_metal else {
                return false;
            };
            let width = match d.layers[l].direction {
                Direction::Vertical => h,
                Direction::Horizontal => w,
            };
            width as f64 / cap.layers[l].pitch as f64 > f64::from(0.8f32)
        })
        .collect()
}

/// A BLOCK macro's obstructions as grt's `findInstancesObstructions` applies them: its OBS per
/// layer of the range, extended to the layers between blocked ones (`extendObstructions`), each
/// widened by the layer's spacing across the preferred direction, and applied with the macro
/// rule of `Grid::computeTileReduceInterval` ([`Blockages::add_macro`]).
fn add_macro_obstructions(
    d: &Design,
    cap: &Capacity,
    blk: &mut Blockages,
    t: &Transform,
    obs: &[(crate::design::LayerId, Rect)],
    (lmin, lmax): (usize, usize),
) {
    let mut per_layer: BTreeMap<usize, Vec<Rect>> = BTreeMap::new();
    for (l, r) in obs {
        let l = *l as usize;
        if l >= lmin && l <= lmax {
            per_layer.entry(l).or_default().push(t.apply_rect(r));
        }
    }
    extend_obstructions(&mut per_layer, (lmin, lmax));
    for (&l, rects) in &per_layer {
        for r in rects {
            blk.add_macro(cap, l, widen_macro_obstruction(d, l, *r));
        }
    }
}

/// grt's `extendObstructions`: from the macro's lowest to its highest obstructed layer (moved to
/// the range's bottom / top when they are one layer away from it), each layer also gets what
/// `layer_is_blocked` finds, layer by layer upwards (a layer sees the extension of the one below).
fn extend_obstructions(per_layer: &mut BTreeMap<usize, Vec<Rect>>, (lmin, lmax): (usize, usize)) {
    let (Some(&lo), Some(&hi)) = (per_layer.keys().next(), per_layer.keys().next_back()) else {
        return;
    };
    let bottom = if lo > lmin && lo - 1 == lmin {
        lmin
    } else {
        lo
    };
    let top = if hi + 1 == lmax { lmax } else { hi };
    for layer in bottom..=top {
        per_layer.entry(layer).or_default();
        let extra = layer_is_blocked(layer, per_layer, (lmin, lmax));
        per_layer.entry(layer).or_default().extend(extra);
    }
}

/// grt's `layerIsBlocked`: the range's top layer takes the obstructions of the layer below, its
/// bottom layer those of the layer above; every layer takes where the layers below and above
/// are both obstructed (their intersection, as rectangles).
fn layer_is_blocked(
    layer: usize,
    per_layer: &BTreeMap<usize, Vec<Rect>>,
    (lmin, lmax): (usize, usize),
) -> Vec<Rect> {
    let below = layer.checked_sub(1).and_then(|l| per_layer.get(&l));
    let above = per_layer.get(&(layer + 1));
    let mut extra = Vec::new();
    if layer == lmax {
        if let Some(b) = below {
            extra = b.clone();
        }
    }
    if layer == lmin {
        if let Some(a) = above {
            extra = a.clone();
        }
    }
    if let (Some(b), Some(a)) = (below, above) {
        extra.extend(intersect_rect_sets(b, a));
    }
    extra
}

/// The intersection of two sets of rectangles as disjoint rectangles (boost::polygon's
/// `polygon_90_set_data` `&` and `get_rectangles`, horizontal slicing: the plane cut at every
/// y edge, each slab's x-intervals merged, a rectangle kept while its interval goes on).
fn intersect_rect_sets(a: &[Rect], b: &[Rect]) -> Vec<Rect> {
    let mut pieces = Vec::new();
    for ra in a {
        for rb in b {
            if let Some(r) = ra.intersection(rb) {
                if r.width() > 0 && r.height() > 0 {
                    pieces.push(r);
                }
            }
        }
    }
    slice_rectangles(&pieces)
}

/// The union of `rects` as disjoint rectangles: cut at every distinct y, each slab's covered
/// x-intervals merged, a rectangle growing upwards while the same interval continues.
fn slice_rectangles(rects: &[Rect]) -> Vec<Rect> {
    let mut ys: Vec<Dbu> = rects.iter().flat_map(|r| [r.lo.y, r.hi.y]).collect();
    ys.sort_unstable();
    ys.dedup();
    let mut out = Vec::new();
    let mut open: Vec<(Dbu, Dbu, Dbu)> = Vec::new();
    for w in ys.windows(2) {
        let (y0, y1) = (w[0], w[1]);
        let mut spans: Vec<(Dbu, Dbu)> = rects
            .iter()
            .filter(|r| r.lo.y <= y0 && r.hi.y >= y1)
            .map(|r| (r.lo.x, r.hi.x))
            .collect();
        spans.sort_unstable();
        let mut merged: Vec<(Dbu, Dbu)> = Vec::new();
        for (x0, x1) in spans {
            match merged.last_mut() {
                Some(m) if x0 <= m.1 => m.1 = m.1.max(x1),
                _ => merged.push((x0, x1)),
            }
        }
        let mut next = Vec::new();
        for &(x0, x1, ys0) in &open {
            if merged.contains(&(x0, x1)) {
                next.push((x0, x1, ys0));
            } else {
                out.push(Rect::new(x0, ys0, x1, y0));
            }
        }
        for (x0, x1) in merged {
            if !next.iter().any(|o| o.0 == x0 && o.1 == x1) {
                next.push((x0, x1, y0));
            }
        }
        open = next;
    }
    let last = ys.last().copied().unwrap_or(0);
    out.extend(open.iter().map(|&(x0, x1, y0)| Rect::new(x0, y0, x1, last)));
    out
}

/// A BLOCK macro's obstruction grows across the preferred direction by the layer's largest
/// spacing (`findInstancesObstructions` with `findLayerExtensions`: OpenDB's
/// `getSpacing(MAX, MAX)`, the last entry of the PARALLELRUNLENGTH table, or a larger SPACING
/// rule or TWOWIDTHS entry).
fn widen_macro_obstruction(d: &Design, l: usize, r: Rect) -> Rect {
    let ext = d.layers[l].max_spacing;
    match d.layers[l].direction {
        Direction::Horizontal => Rect::new(r.lo.x, r.lo.y - ext, r.hi.x, r.hi.y + ext),
        Direction::Vertical => Rect::new(r.lo.x - ext, r.lo.y, r.hi.x + ext, r.hi.y),
    }
}

/// Step 3 (`computeUserLayerAdjustments`, `computeUserGlobalAdjustments`): per-layer fractions;
/// `*` fills the layers of the capacity range that have none of their own, whatever the order
/// on the command line.
fn apply_layer_adjustments(
    d: &Design,
    cfg: &RouteConfig,
    cap: &mut Capacity,
    (cmin, cmax): (usize, usize),
) -> Result<(), RouteError> {
    let mut adj = vec![0.0f32; d.layers.len()];
    let mut global = None;
    for (sel, f) in &cfg.layer_adjust {
        // A negative adjustment adds capacity, as in grt.
        if !(f.is_finite() && *f <= 1.0) {
            return Err(RouteError::BadFraction { value: *f });
        }
        match sel {
            LayerSel::All => global = Some(*f),
            LayerSel::Name(n) => adj[layer_index(d, n, "--layer-adjust")?] = *f,
            LayerSel::Range(a, b) => {
                let (a, b) = (
                    layer_index(d, a, "--layer-adjust")?,
                    layer_index(d, b, "--layer-adjust")?,
                );
                for x in adj.iter_mut().take(b.max(a) + 1).skip(a.min(b)) {
                    *x = *f;
                }
            }
        }
    }
    if let Some(g) = global {
        for x in adj.iter_mut().take(cmax + 1).skip(cmin) {
            if *x == 0.0 {
                *x = g;
            }
        }
    }
    for (l, &a) in adj.iter().enumerate().take(cmax + 1) {
        cap.adjust_layer(l, a);
    }
    Ok(())
}

/// Microns to DBU.
fn to_dbu(d: &Design, v: f64) -> Dbu {
    (v * d.dbu_per_micron as f64).round() as Dbu
}

/// Step 4 (`computeRegionAdjustments`): each `--region-adjust` on its layer.
fn apply_region_adjustments(
    d: &Design,
    cfg: &RouteConfig,
    cap: &mut Capacity,
) -> Result<(), RouteError> {
    for r in &cfg.region_adjust {
        if !(0.0..=1.0).contains(&r.fraction) {
            return Err(RouteError::BadFraction { value: r.fraction });
        }
        let l = layer_index(d, &r.layer, "--region-adjust")?;
        let [x0, y0, x1, y1] = r.rect_um.map(|v| to_dbu(d, v));
        cap.adjust_region(l, Rect::new(x0, y0, x1, y1), r.fraction);
    }
    Ok(())
}

/// Steering (`--steer`): per-GCell fractions, the largest per GCell and layer, applied to the
/// edges touching each GCell.
fn apply_steering(
    d: &Design,
    steer: &[Steer],
    cap: &mut Capacity,
    warnings: &mut Vec<String>,
) -> Result<(), RouteError> {
    let grid = cap.grid;
    let nl = d.layers.len();
    let mut frac = vec![vec![0.0f32; grid.nx * grid.ny]; nl];
    for s in steer {
        let (cell, layers, f): (_, Vec<usize>, f32) = match s {
            Steer::Cell { col, row, fraction } => {
                if *col >= grid.nx || *row >= grid.ny {
                    warnings.push(format!(
                        "steering GCell ({col}, {row}) is outside the {}x{} grid: ignored",
                        grid.nx, grid.ny
                    ));
                    continue;
                }
                ((*col, *row), (0..nl).collect(), *fraction)
            }
            Steer::At {
                x_um,
                y_um,
                layer,
                fraction,
            } => {
                let c = grid.tile_of(to_dbu(d, *x_um), to_dbu(d, *y_um));
                let ls = match layer {
                    Some(n) => vec![layer_index(d, n, "--steer")?],
                    None => (0..nl).collect(),
                };
                (c, ls, *fraction)
            }
        };
        if !(0.0..=1.0).contains(&f) {
            return Err(RouteError::BadFraction { value: f });
        }
        for l in layers {
            let v = &mut frac[l][cell.1 * grid.nx + cell.0];
            *v = v.max(f);
        }
    }
    for (l, fr) in frac.iter().enumerate() {
        if fr.iter().any(|&f| f > 0.0) {
            cap.derate_gcells(l, fr);
        }
    }
    Ok(())
}

/// grt's `addResourcesForPinAccess`, run once the pins are on the grid: every pin of a BLOCK or
/// PAD instance on a signal net gets one more track on an edge of its GCell on its connection
/// layer: the edge towards the macro edge the pin is on when that is the north (vertical
/// layer) or east (horizontal layer) one, else the edge from the GCell below / to the left.
/// It comes after the adjustments, so it shows in the derated resources only.
fn add_resources_for_pin_access(
    d: &Design,
    grid: &GridSpec,
    (lmin, lmax): (usize, usize),
    cap: &mut Capacity,
) {
    for (ni, net) in d.nets.iter().enumerate() {
        if matches!(net.use_.as_deref(), Some("POWER") | Some("GROUND")) {
            continue;
        }
        for &p in d.pins_of(ni) {
            let NetPin::Inst { inst, .. } = p else {
                continue;
            };
            let i = &d.instances[inst as usize];
            if !matches!(
                d.masters[i.master as usize].kind,
                MasterKind::Block | MasterKind::Pad
            ) {
                continue;
            }
            let shapes = d.pin_shapes(p);
            let Some((edge, layer)) = pin_edge(d, i.bbox, &shapes, lmax) else {
                continue;
            };
            let (x, y, _) = pin_on_grid(d, grid, p, (lmin, lmax));
            let (x, y) = (x as i64, y as i64);
            let (a, b) = match (d.layers[layer].direction, edge) {
                (Direction::Vertical, PinEdge::North) => ((x, y), (x, y + 1)),
                (Direction::Vertical, _) => ((x, y - 1), (x, y)),
                (Direction::Horizontal, PinEdge::East) => ((x, y), (x + 1, y)),
                (Direction::Horizontal, _) => ((x - 1, y), (x, y)),
            };
            if a.0 < 0 || a.1 < 0 || b.0 >= grid.nx as i64 || b.1 >= grid.ny as i64 {
                continue;
            }
            let (ax, ay) = (a.0 as usize, a.1 as usize);
            let c = match d.layers[layer].direction {
                Direction::Horizontal => &mut cap.layers[layer].h[grid.h_index(ax, ay)],
                Direction::Vertical => &mut cap.layers[layer].v[grid.v_index(ax, ay)],
            };
            *c += 1;
        }
    }
}

/// The macro edge a pin sits on.
#[derive(Clone, Copy, PartialEq, Eq)]
enum PinEdge {
    North,
    South,
    East,
    West,
}

/// grt's `Pin::determineEdge`: each pin shape votes for the instance edge it is nearest (north,
/// south, east, west on ties, in that order), the most votes win; the connection layer is the
/// pin's highest layer up to the range top whose direction crosses that edge, else its highest.
fn pin_edge(
    d: &Design,
    bounds: Rect,
    shapes: &[(crate::design::LayerId, Rect)],
    lmax: usize,
) -> Option<(PinEdge, usize)> {
    let mut votes = [0usize; 4];
    for (_, b) in shapes {
        let dist = [
            bounds.hi.y - b.hi.y,
            b.lo.y - bounds.lo.y,
            bounds.hi.x - b.hi.x,
            b.lo.x - bounds.lo.x,
        ];
        let min = *dist.iter().min()?;
        votes[dist.iter().position(|&v| v == min)?] += 1;
    }
    let most = *votes.iter().max()?;
    let edge = [PinEdge::North, PinEdge::South, PinEdge::East, PinEdge::West]
        [votes.iter().position(|&v| v == most)?];
    let want = match edge {
        PinEdge::North | PinEdge::South => Direction::Vertical,
        _ => Direction::Horizontal,
    };
    let layers = shapes.iter().map(|s| s.0 as usize).filter(|&l| l <= lmax);
    let best = layers
        .clone()
        .filter(|&l| d.layers[l].direction == want)
        .max();
    Some((edge, best.or_else(|| layers.max())?))
}

/// Nets and their pins on the grid (grt's `findPins`), supply nets and nets of fewer than two
/// pins left out, and pre-routed nets when they are kept (`initNetlist`); each net's layer
/// range as `getNetLayerRange` gives it.
fn routable_nets(d: &Design, grid: &GridSpec, ranges: &Ranges, keep: bool) -> Vec<SetupNet> {
    let (lmin, lmax) = ranges.signal;
    let mut nets = Vec::new();
    for (ni, net) in d.nets.iter().enumerate() {
        if matches!(net.use_.as_deref(), Some("POWER") | Some("GROUND")) {
            continue;
        }
        if keep && net.routed_in_def {
            continue;
        }
        let pins = d.pins_of(ni);
        if pins.len() < 2 {
            continue;
        }
        let out: Vec<(usize, usize, usize)> = pins
            .iter()
            .map(|&p| pin_on_grid(d, grid, p, (lmin, lmax)))
            .collect();
        let (lo, hi) = match ranges.clock {
            Some(range) if is_non_leaf_clock(d, ni) => range,
            _ => (lmin, lmax),
        };
        let lowest_pin = out.iter().map(|p| p.2).min().unwrap_or(lo);
        nets.push(SetupNet {
            design_net: ni,
            name: net.name.clone(),
            pins: out,
            layers: (lo.max(lowest_pin).min(hi), hi),
        });
    }
    nets
}

/// One pin on the grid, as grt's `findPins`: the GCell most of the pin's shapes on its
/// connection layer fall in, the connection layer being its highest one up to the range top;
/// a pin without shapes there sits at its instance's (or its own box's) centre on the lowest
/// layer of the range.
fn pin_on_grid(
    d: &Design,
    grid: &GridSpec,
    p: NetPin,
    (lmin, lmax): (usize, usize),
) -> (usize, usize, usize) {
    let shapes = d.pin_shapes(p);
    let conn = shapes
        .iter()
        .map(|s| s.0 as usize)
        .filter(|&l| l <= lmax)
        .max();
    let Some(cl) = conn else {
        let c = match p {
            NetPin::Inst { inst, .. } => d.instances[inst as usize].bbox.center(),
            NetPin::Io(_) => d.pin_bbox(p).center(),
        };
        let (x, y) = grid.tile_of(c.x, c.y);
        return (x, y, lmin);
    };
    let mut votes: Vec<((usize, usize), usize)> = Vec::new();
    for (l, r) in &shapes {
        if *l as usize != cl {
            continue;
        }
        let c = r.center();
        let t = grid.tile_of(c.x, c.y);
        match votes.iter_mut().find(|v| v.0 == t) {
            Some(v) => v.1 += 1,
            None => votes.push((t, 1)),
        }
    }
    let mut best = votes[0];
    for v in &votes {
        if v.1 > best.1 {
            best = *v;
        }
    }
    (best.0 .0, best.0 .1, cl)
}
