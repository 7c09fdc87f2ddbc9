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

/// Text of a legend value: three significant digits in scientific notation.
fn label(v: f32) -> String {
    format!("{v:.3e}")
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
    let range = (hi - lo) as f64;
    for j in 0..map.ny {
        let y0 = pad + (map.ny - 1 - j) * s;
        for i in 0..map.nx {
            let v = map.at(i, j) as f64;
            let t = if range > 0.0 {
                (v - lo as f64) / range
            } else {
                0.0
            };
            c.fill(pad + i * s, y0, s, s, viridis(t));
        }
    }
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
}
