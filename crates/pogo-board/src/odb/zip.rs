//! The little of the zip format an ODB++ job needs: the central directory, and
//! entries stored or deflated (no zip64, no encryption).

use crate::error::{BoardError, Result};
use std::io::Read;

fn u16_at(b: &[u8], at: usize) -> Option<usize> {
    b.get(at..at + 2)
        .map(|s| u16::from_le_bytes([s[0], s[1]]) as usize)
}

fn u32_at(b: &[u8], at: usize) -> Option<usize> {
    b.get(at..at + 4)
        .map(|s| u32::from_le_bytes([s[0], s[1], s[2], s[3]]) as usize)
}

/// Every file entry of a zip archive as (path, bytes).
pub fn entries(name: &str, bytes: &[u8], limit: usize) -> Result<Vec<(String, Vec<u8>)>> {
    let broken = |what: String| BoardError::Decompress {
        path: name.to_string(),
        format: "zip",
        source: std::io::Error::new(std::io::ErrorKind::InvalidData, what),
    };
    let eocd = (0..bytes.len().saturating_sub(21))
        .rev()
        .take(65_557)
        .find(|&i| bytes[i..].starts_with(b"PK\x05\x06"))
        .ok_or_else(|| {
            broken("no end of central directory record (the archive is cut short?)".into())
        })?;
    let count = u16_at(bytes, eocd + 10).ok_or_else(|| broken("short end record".into()))?;
    let mut at = u32_at(bytes, eocd + 16).ok_or_else(|| broken("short end record".into()))?;
    let mut out = Vec::with_capacity(count);
    for _ in 0..count {
        let field = |off: usize, four: bool| {
            if four {
                u32_at(bytes, at + off)
            } else {
                u16_at(bytes, at + off)
            }
            .ok_or_else(|| broken(format!("central directory entry at byte {at} is cut short")))
        };
        if !bytes
            .get(at..)
            .is_some_and(|s| s.starts_with(b"PK\x01\x02"))
        {
            return Err(broken(format!(
                "expected a central directory entry at byte {at}"
            )));
        }
        let method = field(10, false)?;
        let csize = field(20, true)?;
        let usize_ = field(24, true)?;
        let (nlen, xlen, clen) = (field(28, false)?, field(30, false)?, field(32, false)?);
        let local = field(42, true)?;
        let path = bytes
            .get(at + 46..at + 46 + nlen)
            .map(|n| String::from_utf8_lossy(n).into_owned())
            .ok_or_else(|| broken(format!("entry name at byte {at} is cut short")))?;
        at += 46 + nlen + xlen + clen;
        if path.ends_with('/') {
            continue;
        }
        if usize_ > limit {
            return Err(broken(format!(
                "{path}: entry of {usize_} bytes is too large"
            )));
        }
        let lnlen = u16_at(bytes, local + 26)
            .ok_or_else(|| broken(format!("{path}: local header cut short")))?;
        let lxlen = u16_at(bytes, local + 28)
            .ok_or_else(|| broken(format!("{path}: local header cut short")))?;
        let start = local + 30 + lnlen + lxlen;
        let data = bytes
            .get(start..start + csize)
            .ok_or_else(|| broken(format!("{path}: the archive ends inside this entry")))?;
        let content = match method {
            0 => data.to_vec(),
            8 => {
                let mut buf = Vec::with_capacity(usize_);
                flate2::read::DeflateDecoder::new(data)
                    .take(limit as u64 + 1)
                    .read_to_end(&mut buf)
                    .map_err(|e| broken(format!("{path}: {e}")))?;
                if buf.len() != usize_ {
                    return Err(broken(format!(
                        "{path}: inflated to {} bytes, the directory says {usize_}",
                        buf.len()
                    )));
                }
                buf
            }
            m => {
                return Err(broken(format!(
                    "{path}: compression method {m}; pogo reads stored (0) and deflate (8)"
                )));
            }
        };
        out.push((path, content));
    }
    Ok(out)
}
