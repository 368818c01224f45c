//! Request ids: the client's own when it is well formed, otherwise a fresh UUID.
//!
//! The id travels to every chained call and back on every response, so a client can quote
//! it and an operator can find every log line of the request. A client-supplied value is
//! bounded and restricted to characters that cannot break a log line or a header.

/// Longest accepted client request id (a UUID is 36; trace ids are 32 hex digits).
pub const MAX_REQUEST_ID_LEN: usize = 64;

/// A request id safe to log and to put in a header.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RequestId(String);

impl RequestId {
    /// A client's `x-request-id`: 1 to [`MAX_REQUEST_ID_LEN`] of `[A-Za-z0-9._-]`.
    pub fn parse(raw: &str) -> Option<Self> {
        let ok = (1..=MAX_REQUEST_ID_LEN).contains(&raw.len())
            && raw
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'_' | b'-'));
        ok.then(|| Self(raw.to_owned()))
    }

    /// A new id: a version-4 UUID from 16 random bytes.
    pub fn generate(random: [u8; 16]) -> Self {
        Self(uuid_v4(random))
    }

    /// The client's id when valid, otherwise a generated one.
    pub fn from_client(raw: Option<&str>, random: [u8; 16]) -> Self {
        raw.and_then(Self::parse)
            .unwrap_or_else(|| Self::generate(random))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// Formats 16 random bytes as a version-4, variant-1 UUID (lower-case).
pub fn uuid_v4(mut bytes: [u8; 16]) -> String {
    bytes[6] = (bytes[6] & 0x0f) | 0x40;
    bytes[8] = (bytes[8] & 0x3f) | 0x80;
    let hex: String = bytes.iter().map(|b| format!("{b:02x}")).collect();
    format!(
        "{}-{}-{}-{}-{}",
        &hex[0..8],
        &hex[8..12],
        &hex[12..16],
        &hex[16..20],
        &hex[20..32]
    )
}

/// Whether `raw` is a UUID in its canonical hyphenated form (any case).
pub fn is_uuid(raw: &str) -> bool {
    raw.len() == 36
        && raw.bytes().enumerate().all(|(i, b)| match i {
            8 | 13 | 18 | 23 => b == b'-',
            _ => b.is_ascii_hexdigit(),
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_well_formed_client_id_is_kept() {
        let id = RequestId::from_client(Some("trace-01.AB_c"), [0; 16]);
        assert_eq!(id.as_str(), "trace-01.AB_c");
    }

    #[test]
    fn unsafe_or_oversized_ids_are_replaced() {
        let long = "a".repeat(MAX_REQUEST_ID_LEN + 1);
        for raw in ["", "a b", "x\r\ny", "é", "a/b", long.as_str()] {
            let id = RequestId::from_client(Some(raw), [7; 16]);
            assert_eq!(
                id.as_str(),
                "07070707-0707-4707-8707-070707070707",
                "{raw:?}"
            );
        }
        assert!(RequestId::parse(&"a".repeat(MAX_REQUEST_ID_LEN)).is_some());
    }

    #[test]
    fn generated_ids_are_version_4_uuids() {
        let id = uuid_v4([0xff; 16]);
        assert_eq!(id, "ffffffff-ffff-4fff-bfff-ffffffffffff");
        assert!(is_uuid(&id));
        assert!(!is_uuid("ffffffff-ffff-4fff-bfff-fffffffffff"));
        assert!(!is_uuid("ffffffffxffffx4fffxbfffxffffffffffff"));
    }
}
