//! Tokens: 256 random bits, shown once, stored only as their sha256.

use rand::RngCore;
use sha2::{Digest, Sha256};

/// Who is calling, once the token is known.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Caller {
    /// The holder of the admin token: registers fixtures, records maintenance.
    Admin,
    /// A test station: posts runs for the fixtures it may use.
    Station {
        /// The id.
        id: i64,
        /// The name as given.
        name: String,
        /// True when the station was added without a list of fixtures.
        all_fixtures: bool,
    },
}

/// A new random token: 32 bytes from the operating system's generator, as 64 hex digits.
pub fn new_token() -> String {
    let mut bytes = [0u8; 32];
    rand::rngs::OsRng.fill_bytes(&mut bytes);
    hex(&bytes)
}

/// The form a token is stored in: the hex sha256 of its text.
pub fn token_sha256(token: &str) -> String {
    hex(&Sha256::digest(token.as_bytes()))
}

pub(crate) fn hex(bytes: &[u8]) -> String {
    use std::fmt::Write;
    bytes.iter().fold(String::new(), |mut s, b| {
        let _ = write!(s, "{b:02x}");
        s
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_are_long_random_and_hashed() {
        let (a, b) = (new_token(), new_token());
        assert_eq!(a.len(), 64);
        assert_ne!(a, b);
        assert_ne!(token_sha256(&a), a);
        assert_eq!(
            token_sha256("abc"),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
    }
}
