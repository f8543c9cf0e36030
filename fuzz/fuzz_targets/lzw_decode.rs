//! Fuzz the Unix-compress (.Z) decoder: any bytes decode or give one error, within
//! the output limit, never a panic or a hang.
#![no_main]

use libfuzzer_sys::fuzz_target;
use pogo_board::odb::lzw;

fuzz_target!(|data: &[u8]| {
    let mut z = vec![0x1f, 0x9d];
    z.extend_from_slice(data);
    match lzw::decompress(&z, 1 << 20) {
        Ok(out) => assert!(out.len() <= 1 << 20),
        Err(lzw::LzwError::TooLarge { limit }) => assert_eq!(limit, 1 << 20),
        Err(_) => {}
    }
});
