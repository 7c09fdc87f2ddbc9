//! The arithmetic around the network: input scaling as training applies it, and whole-grid or
//! tiled passes. Nothing here touches ONNX Runtime; a pass is a function given to [`run_grid`].

use super::metadata::Scaling;

/// Scales raw channel maps (`maps[c]`, each `[ny * nx]`) into the model's input tensor
/// `[C * ny * nx]`, exactly as `Normalizer.apply` in `train/mpgd_train/data.py` does in float32:
/// `x / scale` (fixed), or `(x - min) / (max - min)` per channel (min-max; left as is when the
/// channel is constant).
pub fn normalise(scaling: &Scaling, maps: &[Vec<f32>]) -> Vec<f32> {
    let mut out = Vec::with_capacity(maps.iter().map(Vec::len).sum());
    for (c, map) in maps.iter().enumerate() {
        match scaling {
            Scaling::Fixed { scales } => {
                let s = scales[c];
                out.extend(map.iter().map(|&v| v / s));
            }
            Scaling::MinMax => {
                let (lo, hi) = map
                    .iter()
                    .fold((f32::INFINITY, f32::NEG_INFINITY), |(lo, hi), &v| {
                        (lo.min(v), hi.max(v))
                    });
                if map.is_empty() || hi == lo {
                    out.extend_from_slice(map);
                } else {
                    // numpy: `a - lo` in float32, divided by the float64 `hi - lo` cast to float32.
                    let range = (hi as f64 - lo as f64) as f32;
                    out.extend(map.iter().map(|&v| (v - lo) / range));
                }
            }
        }
    }
    out
}

/// How a grid is cut for inference.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Tiling {
    /// Side of the part of each tile that is kept (GCells).
    pub tile: usize,
    /// Context added on each side of a tile and cropped away after the pass (GCells).
    pub margin: usize,
}

/// One pass's window and the part of it that is kept, in grid coordinates (half-open).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Window {
    pub x: (usize, usize),
    pub y: (usize, usize),
    pub keep_x: (usize, usize),
    pub keep_y: (usize, usize),
}

/// The windows that cover an `nx x ny` grid: kept parts of `tile` GCells (the last in each axis
/// shorter), each window its kept part plus `margin` on every side, clipped to the grid, so a
/// window's edge is the grid's edge wherever the whole-grid pass would see that edge too.
pub fn windows(nx: usize, ny: usize, t: Tiling) -> Vec<Window> {
    let tile = t.tile.max(1);
    let spans = |n: usize| -> Vec<((usize, usize), (usize, usize))> {
        (0..n)
            .step_by(tile)
            .map(|a| {
                let b = (a + tile).min(n);
                ((a.saturating_sub(t.margin), (b + t.margin).min(n)), (a, b))
            })
            .collect()
    };
    let (xs, ys) = (spans(nx), spans(ny));
    ys.iter()
        .flat_map(|&(y, keep_y)| {
            xs.iter().map(move |&(x, keep_x)| Window {
                x,
                y,
                keep_x,
                keep_y,
            })
        })
        .collect()
}

/// Runs `pass` over the input `[c * ny * nx]` and returns the output `[ny * nx]`: in one pass
/// when `tiling` is `None`, else window by window ([`windows`]), keeping each window's centre.
/// `pass(input, h, w)` gets a `[c * h * w]` tensor and returns `[h * w]`.
pub fn run_grid<E>(
    input: &[f32],
    c: usize,
    ny: usize,
    nx: usize,
    tiling: Option<Tiling>,
    mut pass: impl FnMut(&[f32], usize, usize) -> Result<Vec<f32>, E>,
) -> Result<(Vec<f32>, usize), E> {
    let Some(t) = tiling else {
        return Ok((pass(input, ny, nx)?, 1));
    };
    let all = windows(nx, ny, t);
    let mut out = vec![0.0f32; ny * nx];
    for w in &all {
        let (h, wd) = (w.y.1 - w.y.0, w.x.1 - w.x.0);
        let mut part = Vec::with_capacity(c * h * wd);
        for ch in 0..c {
            for row in w.y.0..w.y.1 {
                let at = ch * ny * nx + row * nx;
                part.extend_from_slice(&input[at + w.x.0..at + w.x.1]);
            }
        }
        let got = pass(&part, h, wd)?;
        for row in w.keep_y.0..w.keep_y.1 {
            let src = (row - w.y.0) * wd + (w.keep_x.0 - w.x.0);
            let dst = row * nx + w.keep_x.0;
            let n = w.keep_x.1 - w.keep_x.0;
            out[dst..dst + n].copy_from_slice(&got[src..src + n]);
        }
    }
    Ok((out, all.len()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fixed_scaling_divides_and_minmax_stretches() {
        let maps = vec![vec![0.0, 2.0, 4.0], vec![1.0, 1.0, 1.0]];
        let fixed = Scaling::Fixed {
            scales: vec![4.0, 0.5],
        };
        assert_eq!(normalise(&fixed, &maps), [0.0, 0.5, 1.0, 2.0, 2.0, 2.0]);
        assert_eq!(
            normalise(&Scaling::MinMax, &maps),
            [0.0, 0.5, 1.0, 1.0, 1.0, 1.0]
        );
    }

    #[test]
    fn windows_cover_every_gcell_once_and_stay_inside() {
        for (nx, ny, tile, margin) in [(10, 7, 4, 2), (5, 5, 8, 3), (33, 1, 16, 0)] {
            let ws = windows(nx, ny, Tiling { tile, margin });
            let mut hits = vec![0; nx * ny];
            for w in &ws {
                assert!(w.x.0 <= w.keep_x.0 && w.keep_x.1 <= w.x.1 && w.x.1 <= nx);
                assert!(w.y.0 <= w.keep_y.0 && w.keep_y.1 <= w.y.1 && w.y.1 <= ny);
                assert!(w.keep_x.0 - w.x.0 <= margin && w.x.1 - w.keep_x.1 <= margin);
                for y in w.keep_y.0..w.keep_y.1 {
                    for x in w.keep_x.0..w.keep_x.1 {
                        hits[y * nx + x] += 1;
                    }
                }
            }
            assert!(hits.iter().all(|&h| h == 1), "{nx}x{ny} tile {tile}");
        }
    }

    /// A pass that is a 3x3 box sum (zero outside its window) is exactly translation-equivariant
    /// away from the window edges, so with a margin of at least 1 tiling changes nothing.
    #[test]
    fn tiling_a_local_operator_with_enough_margin_is_exact() {
        let (c, ny, nx) = (2, 9, 13);
        let input: Vec<f32> = (0..c * ny * nx).map(|k| ((k * 37) % 11) as f32).collect();
        let box_sum = |x: &[f32], h: usize, w: usize| -> Result<Vec<f32>, ()> {
            let mut out = vec![0.0; h * w];
            for ch in 0..c {
                for i in 0..h {
                    for j in 0..w {
                        for di in -1i64..=1 {
                            for dj in -1i64..=1 {
                                let (a, b) = (i as i64 + di, j as i64 + dj);
                                if a >= 0 && b >= 0 && (a as usize) < h && (b as usize) < w {
                                    out[i * w + j] += x[ch * h * w + a as usize * w + b as usize];
                                }
                            }
                        }
                    }
                }
            }
            Ok(out)
        };
        let (whole, n1) = run_grid(&input, c, ny, nx, None, box_sum).unwrap();
        let tiling = Tiling { tile: 4, margin: 1 };
        let (tiled, n) = run_grid(&input, c, ny, nx, Some(tiling), box_sum).unwrap();
        assert_eq!((n1, n), (1, 12));
        assert_eq!(whole, tiled);
        let no_margin = Tiling { tile: 4, margin: 0 };
        let (cut, _) = run_grid(&input, c, ny, nx, Some(no_margin), box_sum).unwrap();
        assert_ne!(whole, cut, "without a margin the tile seams show");
    }
}
