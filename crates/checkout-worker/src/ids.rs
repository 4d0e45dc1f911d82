//! Ids from the platform's CSPRNG: request ids, and the ids of new checkouts,
//! lines, orders and events (UUID v4).

use crate::error::{ApiError, ApiResult};
use checkout_core::checkout::Ids;

/// A random (version 4) UUID.
pub fn uuid_v4() -> Result<String, getrandom::Error> {
    let mut b = [0u8; 16];
    getrandom::fill(&mut b)?;
    b[6] = (b[6] & 0x0f) | 0x40;
    b[8] = (b[8] & 0x3f) | 0x80;
    let h = hex(&b);
    Ok(format!(
        "{}-{}-{}-{}-{}",
        &h[0..8],
        &h[8..12],
        &h[12..16],
        &h[16..20],
        &h[20..32]
    ))
}

/// 12 random bytes, the nonce of a token sealed now.
pub fn nonce() -> ApiResult<[u8; 12]> {
    let mut nonce = [0u8; 12];
    getrandom::fill(&mut nonce).map_err(|e| ApiError::Internal(e.to_string()))?;
    Ok(nonce)
}

/// Lowercase hex of bytes.
pub fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// The core's id source: UUIDs, where a failure of the generator is noted
/// and fails the request at [`Uuids::check`], before anything is written.
#[derive(Default)]
pub struct Uuids {
    failed: bool,
}

impl Ids for Uuids {
    fn new_id(&mut self) -> String {
        uuid_v4().unwrap_or_else(|_| {
            self.failed = true;
            String::new()
        })
    }
}

impl Uuids {
    pub fn check(&self) -> ApiResult<()> {
        if self.failed {
            return Err(ApiError::Internal(
                "the random number generator failed".into(),
            ));
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn uuids_are_version_4() {
        let id = uuid_v4().unwrap();
        assert_eq!(id.len(), 36);
        assert_eq!(&id[14..15], "4");
        assert!(matches!(&id[19..20], "8" | "9" | "a" | "b"), "{id}");
        assert_ne!(id, uuid_v4().unwrap());
        assert_eq!(hex(&[0, 15, 255]), "000fff");
    }
}
