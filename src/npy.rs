//! NumPy `.npy` files (format version 1.0) for 2-D little-endian float32 maps: the exchange format of
//! every per-GCell map mpgd writes (`mpgd features`, `mpgd route --maps`).
//!
//! A map is `[ny, nx]`, C order (row-major), row 0 first; mpgd's convention is that row 0 is the
//! bottom row of GCells. [`encode_f32`] builds the bytes in memory (so a caller can compute
//! everything before touching the disk), [`write_f32`] writes them, and [`decode_f32`] /
//! [`read_f32`] read back exactly what this module writes (`<f4`, C order, 2-D), which is what tests
//! need; it is not a general `.npy` reader.

use std::path::Path;

const MAGIC: &[u8] = b"\x93NUMPY";

/// A failure to read a `.npy` file.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// The file could not be read or written.
    #[error("{path}: {source}")]
    Io {
        path: String,
        source: std::io::Error,
    },
    /// The bytes are not a 2-D little-endian float32 C-order array in `.npy` version 1.0.
    #[error("not a 2-D float32 .npy v1.0 array: {0}")]
    Format(String),
}

/// Encodes a `[ny, nx]` float32 array (row-major, `data.len() == ny * nx`) as `.npy` v1.0 bytes.
/// The header dict is padded with spaces and a final newline so that the data starts at a
/// multiple of 64 bytes.
///
/// # Panics
/// When `data.len() != ny * nx` (a programming error, not an input error).
pub fn encode_f32(data: &[f32], ny: usize, nx: usize) -> Vec<u8> {
    assert_eq!(data.len(), ny * nx, "npy: data length does not match shape");
    let dict = format!("{{'descr': '<f4', 'fortran_order': False, 'shape': ({ny}, {nx}), }}");
    // magic (6) + version (2) + header length (2) + dict + padding + '\n'
    let unpadded = MAGIC.len() + 2 + 2 + dict.len() + 1;
    let total = unpadded.div_ceil(64) * 64;
    let header_len = total - (MAGIC.len() + 4);
    let mut out = Vec::with_capacity(total + 4 * data.len());
    out.extend_from_slice(MAGIC);
    out.extend_from_slice(&[1, 0]);
    out.extend_from_slice(&(header_len as u16).to_le_bytes());
    out.extend_from_slice(dict.as_bytes());
    out.resize(total - 1, b' ');
    out.push(b'\n');
    for v in data {
        out.extend_from_slice(&v.to_le_bytes());
    }
    out
}

/// Writes a `[ny, nx]` float32 array to `path` (see [`encode_f32`]).
pub fn write_f32(path: &Path, data: &[f32], ny: usize, nx: usize) -> Result<(), Error> {
    std::fs::write(path, encode_f32(data, ny, nx)).map_err(|source| Error::Io {
        path: path.display().to_string(),
        source,
    })
}

/// Decodes bytes written by [`encode_f32`]: returns `(data, ny, nx)`.
pub fn decode_f32(bytes: &[u8]) -> Result<(Vec<f32>, usize, usize), Error> {
    let bad = |m: &str| Error::Format(m.to_string());
    if bytes.len() < 10 || &bytes[..6] != MAGIC {
        return Err(bad("missing the \\x93NUMPY magic"));
    }
    if bytes[6] != 1 {
        return Err(Error::Format(format!(
            "version {}.{} (only 1.0 is read)",
            bytes[6], bytes[7]
        )));
    }
    let hlen = u16::from_le_bytes([bytes[8], bytes[9]]) as usize;
    let start = 10 + hlen;
    let header = bytes
        .get(10..start)
        .ok_or_else(|| bad("header runs past the end"))?;
    let header = std::str::from_utf8(header).map_err(|_| bad("header is not text"))?;
    if !header.contains("'descr': '<f4'") {
        return Err(bad("descr is not '<f4'"));
    }
    if !header.contains("'fortran_order': False") {
        return Err(bad("fortran_order is not False"));
    }
    let shape = header
        .split("'shape': (")
        .nth(1)
        .and_then(|s| s.split(')').next())
        .ok_or_else(|| bad("no shape"))?;
    let dims: Vec<usize> = shape
        .split(',')
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(|s| {
            s.parse::<usize>()
                .map_err(|_| Error::Format(format!("shape entry {s:?}")))
        })
        .collect::<Result<_, _>>()?;
    let [ny, nx] = dims[..] else {
        return Err(Error::Format(format!(
            "shape has {} dimensions, not 2",
            dims.len()
        )));
    };
    let body = &bytes[start..];
    if body.len() != 4 * ny * nx {
        return Err(Error::Format(format!(
            "{} data bytes for shape ({ny}, {nx})",
            body.len()
        )));
    }
    let data = body
        .chunks_exact(4)
        .map(|c| f32::from_le_bytes([c[0], c[1], c[2], c[3]]))
        .collect();
    Ok((data, ny, nx))
}

/// Reads a file written by [`write_f32`]: returns `(data, ny, nx)`.
pub fn read_f32(path: &Path) -> Result<(Vec<f32>, usize, usize), Error> {
    let bytes = std::fs::read(path).map_err(|source| Error::Io {
        path: path.display().to_string(),
        source,
    })?;
    decode_f32(&bytes)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn header_is_padded_to_64_and_round_trips() {
        let data = [0.0f32, 1.5, -2.0, 3.25, 4.0, f32::MAX];
        let bytes = encode_f32(&data, 2, 3);
        let hlen = u16::from_le_bytes([bytes[8], bytes[9]]) as usize;
        assert_eq!((10 + hlen) % 64, 0);
        assert_eq!(bytes[10 + hlen - 1], b'\n');
        assert_eq!(&bytes[..8], b"\x93NUMPY\x01\x00");
        let header = std::str::from_utf8(&bytes[10..10 + hlen]).unwrap();
        assert!(header.starts_with("{'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), }"));
        assert_eq!(bytes.len(), 10 + hlen + 24);
        let (back, ny, nx) = decode_f32(&bytes).unwrap();
        assert_eq!((ny, nx), (2, 3));
        assert_eq!(back, data);
    }

    #[test]
    fn long_shapes_still_pad_to_64() {
        for (ny, nx) in [(1, 1), (1000, 1000), (123456, 7), (0, 0)] {
            let bytes = encode_f32(&vec![0.0; ny * nx], ny, nx);
            let hlen = u16::from_le_bytes([bytes[8], bytes[9]]) as usize;
            assert_eq!((10 + hlen) % 64, 0);
            assert_eq!(decode_f32(&bytes).unwrap().1, ny);
        }
    }

    #[test]
    fn rejects_other_arrays() {
        assert!(decode_f32(b"hello").is_err());
        let mut bytes = encode_f32(&[1.0], 1, 1);
        bytes.pop();
        assert!(decode_f32(&bytes).is_err());
    }
}
