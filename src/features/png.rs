//! Heat-map PNGs of per-GCell maps for a person to look at: the viridis colour map, a colour bar
//! with the minimum and maximum values, and a small PNG encoder (RGB8, zlib through `flate2`,
//! which the crate already has). Apart from the arithmetic: nothing here changes a map.
//!
//! The picture puts row 0 at the bottom, as the layout is drawn; values are mapped linearly from
//! the map's own minimum (dark purple) to its maximum (yellow).

use super::Map;
use std::io::Write;

/// matplotlib's viridis at 16 evenly spaced points (0, 1/15, ..., 1); interpolated linearly.
const VIRIDIS: [[u8; 3]; 16] = [
    [68, 1, 84],
    [72, 26, 108],
    [71, 47, 125],
    [65, 68, 135],
    [57, 86, 140],
    [49, 104, 142],
    [42, 120, 142],
    [35, 136, 142],
    [31, 152, 139],
    [34, 168, 132],
    [53, 183, 121],
    [84, 197, 104],
    [122, 209, 81],
    [165, 219, 54],
    [210, 226, 27],
    [253, 231, 37],
];

/// The viridis colour of `t` in [0, 1] (clamped; NaN is 0).
pub fn viridis(t: f64) -> [u8; 3] {
    let t = if t.is_nan() { 0.0 } else { t.clamp(0.0, 1.0) };
    let x = t * 15.0;
    let k = (x.floor() as usize).min(14);
    let f = x - k as f64;
    let (a, b) = (VIRIDIS[k], VIRIDIS[k + 1]);
    let mix = |c: usize| (a[c] as f64 + (b[c] as f64 - a[c] as f64) * f).round() as u8;
    [mix(0), mix(1), mix(2)]
}

/// 3 x 5 glyphs (one row per byte, 3 low bits, MSB left) for the characters of numbers.
fn glyph(c: char) -> [u8; 5] {
    match c {
        '0' => [7, 5, 5, 5, 7],
        '1' => [2, 6, 2, 2, 7],
        '2' => [7, 1, 7, 4, 7],
        '3' => [7, 1, 7, 1, 7],
        '4' => [5, 5, 7, 1, 1],
        '5' => [7, 4, 7, 1, 7],
        '6' => [7, 4, 7, 5, 7],
        '7' => [7, 1, 1, 1, 1],
        '8' => [7, 5, 7, 5, 7],
        '9' => [7, 5, 7, 1, 7],
        '.' => [0, 0, 0, 0, 2],
        '-' => [0, 0, 7, 0, 0],
        '+' => [0, 2, 7, 2, 0],
        'e' => [7, 4, 6, 4, 7],
        'i' => [2, 0, 2, 2, 2],
        'n' => [0, 6, 5, 5, 5],
        'f' => [3, 4, 6, 4, 4],
        'a' => [0, 3, 5, 5, 3],
        'N' => [5, 7, 7, 7, 5],
        _ => [0; 5],
    }
}

/// An RGB canvas.
struct Canvas {
    w: usize,
    h: usize,
    px: Vec<u8>,
}

impl Canvas {
    fn new(w: usize, h: usize) -> Canvas {
        Canvas {
            w,
            h,
            px: vec![255; w * h * 3],
        }
    }
    fn set(&mut self, x: usize, y: usize, c: [u8; 3]) {
        if x < self.w && y < self.h {
            let k = (y * self.w + x) * 3;
            self.px[k..k + 3].copy_from_slice(&c);
        }
    }
    fn fill(&mut self, x: usize, y: usize, w: usize, h: usize, c: [u8; 3]) {
        for yy in y..y + h {
            for xx in x..x + w {
                self.set(xx, yy, c);
            }
        }
    }
    /// Draws `s` with its top-left corner at (x, y), glyphs scaled by `k`.
    fn text(&mut self, x: usize, y: usize, s: &str, k: usize) {
        for (n, ch) in s.chars().enumerate() {
            let g = glyph(ch);
            for (r, bits) in g.iter().enumerate() {
                for col in 0..3 {
                    if bits >> (2 - col) & 1 == 1 {
                        self.fill(x + n * 4 * k + col * k, y + r * k, k, k, [0, 0, 0]);
                    }
                }
            }
        }
    }
}

/// Text of a legend value, three significant digits: plain decimals from 0.01 to 9999 (`8`,
/// `0.055`, `1.23`), scientific notation outside (`1.25e-4`).
fn label(v: f32) -> String {
    let a = v.abs();
    if v == 0.0 || !v.is_finite() {
        return format!("{v}");
    }
    if !(0.01..10_000.0).contains(&a) {
        return format!("{v:.2e}");
    }
    let decimals = (2 - a.log10().floor() as i32).max(0) as usize;
    let text = format!("{v:.decimals$}");
    if text.contains('.') {
        text.trim_end_matches('0').trim_end_matches('.').to_string()
    } else {
        text
    }
}

/// Renders `map` as a heat map with a colour bar and its min/max labels; returns PNG bytes. Each
/// GCell is a square of an integer number of pixels, chosen so the map is about 512 pixels on
/// its longer side (at least 1, at most 16 pixels per GCell).
pub fn heat_map_png(map: &Map) -> Vec<u8> {
    let (nx, ny) = (map.nx.max(1), map.ny.max(1));
    let s = (512 / nx.max(ny)).clamp(1, 16);
    let (mw, mh) = (map.nx * s, map.ny * s);
    let (lo, hi) = map.min_max();
    let k = 2; // glyph scale
    let (lmin, lmax) = (label(lo), label(hi));
    let text_w = lmin.len().max(lmax.len()) * 4 * k;
    let pad = 8;
    let bar_w = 16;
    let h = mh.max(5 * k * 3) + 2 * pad;
    let w = pad + mw + pad + bar_w + 6 + text_w + pad;
    let mut c = Canvas::new(w, h);
    draw_map(&mut c, map, pad, pad, s, lo, hi);
    let bh = h - 2 * pad;
    let bx = pad + mw + pad;
    for y in 0..bh {
        let t = 1.0 - y as f64 / (bh.max(2) - 1) as f64;
        c.fill(bx, pad + y, bar_w, 1, viridis(t));
    }
    c.text(bx + bar_w + 6, pad, &lmax, k);
    c.text(bx + bar_w + 6, pad + bh - 5 * k, &lmin, k);
    encode_rgb(c.w, c.h, &c.px)
}

/// What a [`plot_png`] shows besides the map: a title, the GCell lines in µm (axes), and the
/// unit of the values (colour bar).
#[derive(Clone, Debug, PartialEq)]
pub struct Plot {
    pub title: String,
    /// `nx + 1` column boundaries and `ny + 1` row boundaries, µm, increasing.
    pub x_lines_um: Vec<f64>,
    pub y_lines_um: Vec<f64>,
    /// Unit of the values, written above the colour bar.
    pub unit: String,
    /// The colour scale, from dark (`.0`) to yellow (`.1`); `None` for the map's own minimum and
    /// maximum. Several plots with one range share one colour scale.
    pub range: Option<(f32, f32)>,
}

/// The 5 x 7 font's text width in pixels at scale `k`.
fn text_width(s: &str, k: usize) -> usize {
    s.chars().count() * 6 * k
}

impl Canvas {
    /// Draws `s` in the 5 x 7 font with its top-left corner at (x, y), scaled by `k`.
    fn text57(&mut self, x: usize, y: usize, s: &str, k: usize) {
        let mut prev = ' ';
        for (n, ch) in s.chars().enumerate() {
            // Upper case throughout, but for the `m` of `µm`.
            let shown = if ch == 'm' && prev == 'µ' {
                'm'
            } else {
                ch.to_ascii_uppercase()
            };
            prev = ch;
            for (r, bits) in super::font::glyph(shown).iter().enumerate() {
                for col in 0..5 {
                    if bits >> (4 - col) & 1 == 1 {
                        self.fill(x + n * 6 * k + col * k, y + r * k, k, k, [0, 0, 0]);
                    }
                }
            }
        }
    }
}

/// Tick values: multiples of a 1-2-5 step inside [lo, hi], about `n` of them.
pub fn ticks(lo: f64, hi: f64, n: usize) -> Vec<f64> {
    // Also catches NaN: a range that is not strictly increasing gets one tick.
    if hi.partial_cmp(&lo) != Some(std::cmp::Ordering::Greater)
        || !lo.is_finite()
        || !hi.is_finite()
    {
        return vec![lo];
    }
    let raw = (hi - lo) / n.max(1) as f64;
    let mag = 10f64.powf(raw.log10().floor());
    let step = [1.0, 2.0, 5.0, 10.0]
        .iter()
        .map(|m| m * mag)
        .find(|&s| s >= raw)
        .unwrap_or(10.0 * mag);
    let first = (lo / step).ceil() as i64;
    let last = (hi / step).floor() as i64;
    (first..=last).map(|k| k as f64 * step).collect()
}

/// Text of a tick: no more decimals than the step needs.
fn tick_label(v: f64, step: f64) -> String {
    let decimals = if step >= 1.0 {
        0
    } else {
        (-step.log10().floor()) as usize
    };
    format!("{v:.decimals$}")
}

/// Pixel offset of `v` along an axis whose cells are `lines` (µm) drawn `s` pixels each.
fn axis_px(lines: &[f64], s: usize, v: f64) -> usize {
    let k = lines
        .windows(2)
        .position(|w| v < w[1])
        .unwrap_or(lines.len().saturating_sub(2));
    let (a, b) = (lines[k], lines[k + 1]);
    let f = if b > a {
        ((v - a) / (b - a)).clamp(0.0, 1.0)
    } else {
        0.0
    };
    ((k as f64 + f) * s as f64).round() as usize
}

/// Renders `map` with a title, x and y axes in µm and a colour bar labelled with the values'
/// range and unit; returns PNG bytes. The map itself is drawn as [`heat_map_png`] draws it (row 0
/// at the bottom, linear viridis from the map's minimum to its maximum, or over `plot.range`).
pub fn plot_png(map: &Map, plot: &Plot) -> Vec<u8> {
    let (w, h, px) = plot_rgb(map, plot);
    encode_rgb(w, h, &px)
}

/// Images (width, height, RGB8 rows top to bottom) side by side, top-aligned on white, `gap`
/// pixels apart, as PNG bytes.
pub fn side_by_side_png(images: &[(usize, usize, Vec<u8>)], gap: usize) -> Vec<u8> {
    let h = images.iter().map(|i| i.1).max().unwrap_or(1).max(1);
    let w =
        (images.iter().map(|i| i.0).sum::<usize>() + gap * images.len().saturating_sub(1)).max(1);
    let mut c = Canvas::new(w, h);
    let mut x0 = 0;
    for (iw, ih, px) in images {
        for y in 0..*ih {
            let src = &px[y * 3 * iw..(y + 1) * 3 * iw];
            c.px[(y * w + x0) * 3..(y * w + x0 + iw) * 3].copy_from_slice(src);
        }
        x0 += iw + gap;
    }
    encode_rgb(c.w, c.h, &c.px)
}

/// [`plot_png`]'s picture as (width, height, RGB8 rows top to bottom), for composing.
pub fn plot_rgb(map: &Map, plot: &Plot) -> (usize, usize, Vec<u8>) {
    let (nx, ny) = (map.nx.max(1), map.ny.max(1));
    let s = (512 / nx.max(ny)).clamp(1, 16);
    let (mw, mh) = (map.nx * s, map.ny * s);
    let k = 2; // font scale: 10 x 14 pixel glyphs
    let line = 7 * k + 6;
    let (x_lo, x_hi) = (plot.x_lines_um[0], *plot.x_lines_um.last().unwrap_or(&0.0));
    let (y_lo, y_hi) = (plot.y_lines_um[0], *plot.y_lines_um.last().unwrap_or(&0.0));
    let xt = ticks(x_lo, x_hi, 5);
    let yt = ticks(y_lo, y_hi, 5);
    let step = |t: &[f64]| if t.len() > 1 { t[1] - t[0] } else { 1.0 };
    let ylabels: Vec<String> = yt.iter().map(|&v| tick_label(v, step(&yt))).collect();
    let (lo, hi) = plot.range.unwrap_or_else(|| map.min_max());
    let bar_labels = [label(hi), label((lo + hi) / 2.0), label(lo)];

    let pad = 10;
    let left = pad + ylabels.iter().map(|l| text_width(l, k)).max().unwrap_or(0) + 10;
    let top = pad + line + line; // title, then the y axis name
    let bar_x = left + mw + 24;
    let bar_w = 18;
    let bar_text = bar_labels
        .iter()
        .map(|l| text_width(l, k))
        .max()
        .unwrap_or(0);
    let w = (bar_x + bar_w + 8 + bar_text)
        .max(bar_x + text_width(&plot.unit, k))
        .max(left + text_width(&plot.title, k))
        + pad;
    let h = top + mh.max(3 * line) + 8 + line + line + pad;
    let mut c = Canvas::new(w, h);

    c.text57(pad, pad, &plot.title, k);
    c.text57(pad, pad + line, "y (µm)", k);
    draw_map(&mut c, map, left, top, s, lo, hi);
    frame(&mut c, left, top, mw, mh);
    for (v, l) in yt.iter().zip(&ylabels) {
        let y = top + mh - axis_px(&plot.y_lines_um, s, *v).min(mh);
        c.fill(left - 5, y.min(top + mh - 1), 5, 1, [0, 0, 0]);
        let ty = y
            .saturating_sub(7 * k / 2)
            .max(top.saturating_sub(7 * k / 2));
        c.text57(left - 8 - text_width(l, k), ty, l, k);
    }
    for v in &xt {
        let x = left + axis_px(&plot.x_lines_um, s, *v).min(mw);
        c.fill(x.min(left + mw - 1), top + mh, 1, 5, [0, 0, 0]);
        let l = tick_label(*v, step(&xt));
        let tx = x.saturating_sub(text_width(&l, k) / 2);
        c.text57(tx, top + mh + 8, &l, k);
    }
    let xname = "x (µm)";
    let xname_x = (left + mw / 2).saturating_sub(text_width(xname, k) / 2);
    c.text57(xname_x, top + mh + 8 + line, xname, k);

    c.text57(bar_x, pad + line, &plot.unit, k);
    let bh = mh.max(3 * line);
    for y in 0..bh {
        let t = 1.0 - y as f64 / (bh.max(2) - 1) as f64;
        c.fill(bar_x, top + y, bar_w, 1, viridis(t));
    }
    frame(&mut c, bar_x, top, bar_w, bh);
    let tx = bar_x + bar_w + 8;
    c.text57(tx, top, &bar_labels[0], k);
    c.text57(tx, top + bh / 2 - 7 * k / 2, &bar_labels[1], k);
    c.text57(tx, top + bh - 7 * k, &bar_labels[2], k);
    (c.w, c.h, c.px)
}

/// Draws the map's GCells as `s`-pixel squares from (left, top), row 0 at the bottom.
fn draw_map(c: &mut Canvas, map: &Map, left: usize, top: usize, s: usize, lo: f32, hi: f32) {
    let range = (hi - lo) as f64;
    for j in 0..map.ny {
        let y0 = top + (map.ny - 1 - j) * s;
        for i in 0..map.nx {
            let v = map.at(i, j) as f64;
            let t = if range > 0.0 {
                (v - lo as f64) / range
            } else {
                0.0
            };
            c.fill(left + i * s, y0, s, s, viridis(t));
        }
    }
}

/// A one-pixel black frame just outside the w x h box at (x, y).
fn frame(c: &mut Canvas, x: usize, y: usize, w: usize, h: usize) {
    let black = [0, 0, 0];
    c.fill(x - 1, y - 1, w + 2, 1, black);
    c.fill(x - 1, y + h, w + 2, 1, black);
    c.fill(x - 1, y - 1, 1, h + 2, black);
    c.fill(x + w, y - 1, 1, h + 2, black);
}

/// Encodes an RGB8 image (`rgb.len() == 3 * w * h`, rows top to bottom) as PNG bytes.
///
/// # Panics
/// When the buffer length does not match (a programming error).
pub fn encode_rgb(w: usize, h: usize, rgb: &[u8]) -> Vec<u8> {
    assert_eq!(rgb.len(), 3 * w * h, "png: buffer size does not match");
    let mut raw = Vec::with_capacity(h * (3 * w + 1));
    for row in rgb.chunks_exact(3 * w.max(1)).take(h) {
        raw.push(0); // filter: none
        raw.extend_from_slice(row);
    }
    let mut z = flate2::write::ZlibEncoder::new(Vec::new(), flate2::Compression::default());
    // Writing to a Vec cannot fail.
    let _ = z.write_all(&raw);
    let idat = z.finish().unwrap_or_default();

    let mut out = b"\x89PNG\r\n\x1a\n".to_vec();
    let mut ihdr = Vec::with_capacity(13);
    ihdr.extend_from_slice(&(w as u32).to_be_bytes());
    ihdr.extend_from_slice(&(h as u32).to_be_bytes());
    ihdr.extend_from_slice(&[8, 2, 0, 0, 0]); // 8-bit, RGB, deflate, no filter, no interlace
    chunk(&mut out, b"IHDR", &ihdr);
    chunk(&mut out, b"IDAT", &idat);
    chunk(&mut out, b"IEND", &[]);
    out
}

fn chunk(out: &mut Vec<u8>, kind: &[u8; 4], data: &[u8]) {
    out.extend_from_slice(&(data.len() as u32).to_be_bytes());
    out.extend_from_slice(kind);
    out.extend_from_slice(data);
    let mut crc = flate2::Crc::new();
    crc.update(kind);
    crc.update(data);
    out.extend_from_slice(&crc.sum().to_be_bytes());
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Read;

    #[test]
    fn viridis_ends_and_middle() {
        assert_eq!(viridis(0.0), [68, 1, 84]);
        assert_eq!(viridis(1.0), [253, 231, 37]);
        assert_eq!(viridis(2.0), [253, 231, 37]);
        assert_eq!(viridis(f64::NAN), [68, 1, 84]);
        assert_eq!(viridis(8.0 / 15.0), [31, 152, 139]);
    }

    /// Checks every chunk's CRC and returns (width, height, RGB rows).
    fn decode(png: &[u8]) -> (usize, usize, Vec<u8>) {
        assert_eq!(&png[..8], b"\x89PNG\r\n\x1a\n");
        assert_eq!(&png[12..16], b"IHDR");
        let be =
            |k: usize| u32::from_be_bytes([png[k], png[k + 1], png[k + 2], png[k + 3]]) as usize;
        let (w, h) = (be(16), be(20));
        let mut at = 8;
        let mut idat = vec![];
        while at < png.len() {
            let len = be(at);
            let kind = &png[at + 4..at + 8];
            let data = &png[at + 8..at + 8 + len];
            let mut crc = flate2::Crc::new();
            crc.update(kind);
            crc.update(data);
            assert_eq!(&png[at + 8 + len..at + 12 + len], crc.sum().to_be_bytes());
            if kind == b"IDAT" {
                idat.extend_from_slice(data);
            }
            at += 12 + len;
        }
        let mut raw = vec![];
        flate2::read::ZlibDecoder::new(&idat[..])
            .read_to_end(&mut raw)
            .unwrap();
        assert_eq!(raw.len(), h * (3 * w + 1));
        let rgb = raw.chunks_exact(3 * w + 1).flat_map(|r| {
            assert_eq!(r[0], 0);
            r[1..].to_vec()
        });
        (w, h, rgb.collect())
    }

    #[test]
    fn png_has_valid_chunks_and_pixels() {
        let rgb = [255, 0, 0, 0, 255, 0, 0, 0, 255, 1, 2, 3];
        let (w, h, back) = decode(&encode_rgb(2, 2, &rgb));
        assert_eq!((w, h), (2, 2));
        assert_eq!(back, rgb);
    }

    #[test]
    fn ticks_are_round_and_inside() {
        assert_eq!(ticks(0.0, 100.0, 5), [0.0, 20.0, 40.0, 60.0, 80.0, 100.0]);
        assert_eq!(ticks(3.0, 11.0, 4), [4.0, 6.0, 8.0, 10.0]);
        assert_eq!(label(8.0), "8");
        assert_eq!(label(4.0), "4");
        assert_eq!(label(0.055), "0.055");
        assert_eq!(label(1.234), "1.23");
        assert_eq!(label(0.0), "0");
        assert_eq!(label(0.000125), "1.25e-4");
        assert_eq!(label(-2.5), "-2.5");
        assert_eq!(tick_label(0.5, 0.5), "0.5");
        assert_eq!(tick_label(40.0, 20.0), "40");
    }

    #[test]
    fn a_plot_has_the_map_inside_a_frame_with_row_zero_at_the_bottom() {
        let map = Map {
            nx: 2,
            ny: 2,
            data: vec![0.0, 0.0, 0.0, 1.0],
        };
        let plot = Plot {
            title: "test".into(),
            x_lines_um: vec![0.0, 10.0, 20.0],
            y_lines_um: vec![0.0, 10.0, 20.0],
            unit: "1".into(),
            range: None,
        };
        let (w, h, rgb) = decode(&plot_png(&map, &plot));
        let px = |x: usize, y: usize| {
            let k = (y * w + x) * 3;
            [rgb[k], rgb[k + 1], rgb[k + 2]]
        };
        // Find the map: the first yellow pixel scanning rows from the top.
        let yellow = [253, 231, 37];
        let (x0, y0) = (0..h)
            .flat_map(|y| (0..w).map(move |x| (x, y)))
            .find(|&(x, y)| px(x, y) == yellow)
            .unwrap();
        let s = 16;
        assert_eq!(px(x0 - s, y0), [68, 1, 84], "top left is cold");
        assert_eq!(px(x0 - s, y0 + s), [68, 1, 84], "bottom left is cold");
        assert_eq!(px(x0 - s - 1, y0), [0, 0, 0], "a frame on the left");
        assert!(
            rgb.chunks(3).filter(|p| *p == [0, 0, 0]).count() > 200,
            "text drawn"
        );
    }

    #[test]
    fn heat_map_puts_row_zero_at_the_bottom() {
        // Only GCell (1, 1), the top-right one, is hot.
        let map = Map {
            nx: 2,
            ny: 2,
            data: vec![0.0, 0.0, 0.0, 1.0],
        };
        let (w, h, rgb) = decode(&heat_map_png(&map));
        let px = |x: usize, y: usize| {
            [
                rgb[(y * w + x) * 3],
                rgb[(y * w + x) * 3 + 1],
                rgb[(y * w + x) * 3 + 2],
            ]
        };
        let s = 16; // 512 / 2 pixels per GCell, at most 16
        assert!(w > 2 * s && h >= 2 * s, "{w} x {h}");
        assert_eq!(px(8 + s + 4, 8 + 4), [253, 231, 37]); // top right: yellow
        assert_eq!(px(8 + 4, 8 + s + 4), [68, 1, 84]); // bottom left: purple
        assert_eq!(px(8 + 4, 8 + 4), [68, 1, 84]);
    }

    #[test]
    fn plots_with_one_range_share_one_colour_scale_side_by_side() {
        // The same GCell value 1.0 is yellow on its own scale, mid-scale on [0, 2].
        let map = Map {
            nx: 1,
            ny: 1,
            data: vec![1.0],
        };
        let plot = |range| Plot {
            title: "run".into(),
            x_lines_um: vec![0.0, 10.0],
            y_lines_um: vec![0.0, 10.0],
            unit: "1".into(),
            range,
        };
        let own = plot_rgb(&map, &plot(None));
        let shared = plot_rgb(&map, &plot(Some((0.0, 2.0))));
        let has = |img: &(usize, usize, Vec<u8>), c: [u8; 3]| img.2.chunks(3).any(|p| p == c);
        let mid = viridis(0.5);
        assert!(has(&shared, mid) && !has(&own, mid));
        // Side by side: both pictures, with a gap, at the taller height.
        let (w, h, rgb) = decode(&side_by_side_png(&[own.clone(), shared.clone()], 7));
        assert_eq!((w, h), (own.0 + shared.0 + 7, own.1.max(shared.1)));
        let px = |x: usize, y: usize| rgb[(y * w + x) * 3..(y * w + x) * 3 + 3].to_vec();
        let y = (0..own.1).find(|&y| (0..own.0).any(|x| px(x, y) == [253, 231, 37]));
        assert!(y.is_some(), "the left picture keeps its yellow GCell");
    }
}
