//! Unix `compress` (`.Z`) decoder: LZW with 9 to 16 bit codes, block mode (code 256
//! clears the table), written for ODB++ jobs whose files are stored compressed.
//!
//! The format: magic `1f 9d`, one flags byte (low 5 bits: largest code width; bit
//! 0x80: block mode), then codes packed least significant bit first. `compress`
//! writes codes in groups of eight of the same width; when the width grows or the
//! table is cleared, the rest of the group is padding, which is skipped here as
//! `compress` itself does.

/// Why a `.Z` stream could not be decoded.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum LzwError {
    #[error("not a compress (.Z) stream: expected the magic bytes 1f 9d")]
    BadMagic,
    #[error("the .Z header ends before its flags byte")]
    NoHeader,
    #[error("the .Z header asks for {0}-bit codes; compress writes 9 to 16")]
    BadWidth(u8),
    #[error("the .Z stream has code {code} at byte {offset}, past the {next} codes defined so far")]
    BadCode { code: u32, next: u32, offset: usize },
    #[error("the .Z stream ends inside a code at byte {offset}")]
    Truncated { offset: usize },
    #[error("the .Z stream would decompress to more than {limit} bytes")]
    TooLarge { limit: usize },
}

/// Whether `bytes` start with the compress magic.
pub fn is_compressed(bytes: &[u8]) -> bool {
    bytes.starts_with(&[0x1f, 0x9d])
}

/// Decodes a whole `.Z` stream; `limit` bounds the output (a guard against inputs
/// crafted to expand without end).
pub fn decompress(bytes: &[u8], limit: usize) -> Result<Vec<u8>, LzwError> {
    if !is_compressed(bytes) {
        return Err(LzwError::BadMagic);
    }
    let flags = *bytes.get(2).ok_or(LzwError::NoHeader)?;
    let max_bits = flags & 0x1f;
    if !(9..=16).contains(&max_bits) {
        return Err(LzwError::BadWidth(max_bits));
    }
    let block_mode = flags & 0x80 != 0;
    let data = &bytes[3..];
    let first_free: u32 = if block_mode { 257 } else { 256 };
    // prefix[code] and suffix[code] for codes >= 256.
    let table_len = 1usize << max_bits;
    let mut prefix = vec![0u32; table_len];
    let mut suffix = vec![0u8; table_len];
    let mut out = Vec::with_capacity(data.len() * 3);
    let mut stack = Vec::with_capacity(1 << 16);
    let mut bits = 9u32;
    let mut next = first_free;
    let mut prev: Option<u32> = None;
    let mut first_byte = 0u8;
    let mut bitpos: usize = 0; // bit offset in `data`
    let mut group_start: usize = 0; // bit offset where the current code group began
    let total_bits = data.len() * 8;
    loop {
        if bitpos + bits as usize > total_bits {
            // Trailing bits that do not make a whole code are padding.
            // compress flushes the last code to a whole byte, so fewer than 8 bits
            // remain; a whole byte or more left over is a code cut short.
            if total_bits - bitpos >= 8 {
                return Err(LzwError::Truncated {
                    offset: 3 + bitpos / 8,
                });
            }
            break;
        }
        let code = read_code(data, bitpos, bits);
        bitpos += bits as usize;
        if block_mode && code == 256 {
            // Skip the rest of this group of eight codes.
            bitpos = skip_group(group_start, bitpos, bits);
            group_start = bitpos;
            bits = 9;
            next = first_free;
            prev = None;
            continue;
        }
        let Some(p) = prev else {
            if code > 255 {
                return Err(LzwError::BadCode {
                    code,
                    next,
                    offset: 3 + (bitpos - bits as usize) / 8,
                });
            }
            first_byte = code as u8;
            out.push(first_byte);
            prev = Some(code);
            continue;
        };
        if code > next || (code == next && next as usize >= table_len) {
            return Err(LzwError::BadCode {
                code,
                next,
                offset: 3 + (bitpos - bits as usize) / 8,
            });
        }
        // Walk the string of `code` (or of `p` + its own first byte when the code is
        // the one being defined).
        let mut c = code;
        if code == next {
            stack.push(first_byte);
            c = p;
        }
        while c > 255 {
            stack.push(suffix[c as usize]);
            c = prefix[c as usize];
        }
        first_byte = c as u8;
        stack.push(first_byte);
        if out.len() + stack.len() > limit {
            return Err(LzwError::TooLarge { limit });
        }
        out.extend(stack.drain(..).rev());
        if (next as usize) < table_len {
            prefix[next as usize] = p;
            suffix[next as usize] = first_byte;
            next += 1;
        }
        prev = Some(code);
        if next >= (1 << bits) && bits < max_bits as u32 {
            bitpos = skip_group(group_start, bitpos, bits);
            group_start = bitpos;
            bits += 1;
        }
    }
    Ok(out)
}

/// The bit offset after the padding that ends a group of eight `bits`-wide codes
/// begun at `group_start`.
fn skip_group(group_start: usize, bitpos: usize, bits: u32) -> usize {
    let group = bits as usize * 8;
    let used = bitpos - group_start;
    let rem = used % group;
    if rem == 0 {
        bitpos
    } else {
        bitpos + group - rem
    }
}

fn read_code(data: &[u8], bitpos: usize, bits: u32) -> u32 {
    let byte = bitpos / 8;
    let mut v: u32 = 0;
    for i in 0..3 {
        if let Some(&b) = data.get(byte + i) {
            v |= (b as u32) << (8 * i);
        }
    }
    (v >> (bitpos % 8)) & ((1 << bits) - 1)
}
