//! The JSON Web Key Set the user service publishes at `GET /.well-known/jwks.json`:
//! `{"keys":[{"kty":"OKP","crv":"Ed25519","alg":"EdDSA","use":"sig","kid","x"}]}` (RFC 8037).

use serde::{Deserialize, Serialize};

/// A key set. Serialises to exactly the contract's shape.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Jwks {
    pub keys: Vec<Jwk>,
}

/// One public key. Readers keep only the entries that are Ed25519 signing keys
/// ([`Jwk::is_ed25519_signing`]); other fields a publisher may add are ignored.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Jwk {
    pub kty: String,
    pub crv: String,
    pub alg: String,
    #[serde(rename = "use")]
    pub use_: String,
    pub kid: String,
    /// The 32-byte public key, base64url without padding.
    pub x: String,
}

impl Jwk {
    /// An Ed25519 signing key entry for `kid` with the public key `public`.
    pub fn ed25519(kid: &str, public: &[u8; 32]) -> Jwk {
        Jwk {
            kty: "OKP".to_owned(),
            crv: "Ed25519".to_owned(),
            alg: "EdDSA".to_owned(),
            use_: "sig".to_owned(),
            kid: kid.to_owned(),
            x: crate::keys::b64url(public),
        }
    }

    /// Whether this entry is one a verifier may use: OKP, Ed25519, EdDSA, for signatures.
    pub fn is_ed25519_signing(&self) -> bool {
        self.kty == "OKP" && self.crv == "Ed25519" && self.alg == "EdDSA" && self.use_ == "sig"
    }
}
