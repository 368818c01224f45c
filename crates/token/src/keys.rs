//! The signing keys: the secret Spin variable `jwt_signing_keys`, a comma-separated list of
//! `<kid>:<base64url 32-byte Ed25519 seed>`. The first key signs; every key is published, so
//! that tokens signed by a key being rotated out keep verifying until they expire.

use base64::Engine as _;
use base64::engine::general_purpose::{URL_SAFE, URL_SAFE_NO_PAD};
use jsonwebtoken::{Algorithm, EncodingKey, Header};

use crate::claims::AccessClaims;
use crate::error::KeyError;
use crate::jwks::{Jwk, Jwks};
use crate::verify::Verifier;

/// Longest kid accepted: enough for a timestamped name, short enough for a header.
const MAX_KID_LEN: usize = 64;

/// The PKCS#8 v1 prefix of an Ed25519 private key (RFC 8410, section 7): the DER of
/// `PrivateKeyInfo { version 0, algorithm id-Ed25519 (1.3.101.112), privateKey OCTET STRING
/// { OCTET STRING <32-byte seed> } }` up to the seed, which is what `jsonwebtoken`'s
/// `EncodingKey::from_ed_der` expects.
const PKCS8_ED25519_PREFIX: [u8; 16] = [
    0x30, 0x2e, 0x02, 0x01, 0x00, 0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, 0x70, 0x04, 0x22, 0x04, 0x20,
];

/// One Ed25519 key pair with its kid. `Debug` shows the kid and public key only.
#[derive(Clone)]
pub struct SigningKey {
    kid: String,
    encoding: EncodingKey,
    public: [u8; 32],
}

impl std::fmt::Debug for SigningKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SigningKey")
            .field("kid", &self.kid)
            .field("x", &b64url(&self.public))
            .finish_non_exhaustive()
    }
}

impl SigningKey {
    /// The key whose 32-byte seed is `seed`.
    pub fn from_seed(kid: &str, seed: &[u8; 32]) -> Result<SigningKey, KeyError> {
        if !valid_kid(kid) {
            return Err(KeyError::Kid { position: 1 });
        }
        let public = ed25519_dalek::SigningKey::from_bytes(seed)
            .verifying_key()
            .to_bytes();
        let mut der = Vec::with_capacity(48);
        der.extend_from_slice(&PKCS8_ED25519_PREFIX);
        der.extend_from_slice(seed);
        Ok(SigningKey {
            kid: kid.to_owned(),
            encoding: EncodingKey::from_ed_der(&der),
            public,
        })
    }

    pub fn kid(&self) -> &str {
        &self.kid
    }

    /// The 32-byte Ed25519 public key.
    pub fn public_key(&self) -> &[u8; 32] {
        &self.public
    }

    /// This key's public half as a JWKS entry.
    pub fn jwk(&self) -> Jwk {
        Jwk::ed25519(&self.kid, &self.public)
    }
}

/// The configured keys, in order; never empty. The first one signs.
#[derive(Debug, Clone)]
pub struct SigningKeys {
    keys: Vec<SigningKey>,
}

impl SigningKeys {
    /// Parses the `jwt_signing_keys` format. Whitespace around entries is ignored; the seed
    /// may be padded or not. Errors name the entry but never echo key material.
    pub fn parse(value: &str) -> Result<SigningKeys, KeyError> {
        if value.trim().is_empty() {
            return Err(KeyError::Empty);
        }
        let mut keys: Vec<SigningKey> = Vec::new();
        for (index, entry) in value.split(',').map(str::trim).enumerate() {
            let position = index + 1;
            let (kid, seed) = entry.split_once(':').ok_or(KeyError::Shape { position })?;
            let (kid, seed) = (kid.trim(), seed.trim());
            if !valid_kid(kid) {
                return Err(KeyError::Kid { position });
            }
            let seed = decode_seed(seed).ok_or_else(|| KeyError::Seed {
                kid: kid.to_owned(),
            })?;
            if keys.iter().any(|k| k.kid == kid) {
                return Err(KeyError::DuplicateKid {
                    kid: kid.to_owned(),
                });
            }
            keys.push(SigningKey::from_seed(kid, &seed)?);
        }
        Ok(SigningKeys { keys })
    }

    /// The keys, signing key first.
    pub fn keys(&self) -> &[SigningKey] {
        &self.keys
    }

    /// The key that signs new tokens.
    pub fn current(&self) -> &SigningKey {
        // `parse` refuses an empty list, so there is always a first key.
        &self.keys[0]
    }

    /// Signs `claims` with the current key: header `{"alg":"EdDSA","kid":…,"typ":"JWT"}`.
    pub fn sign(&self, claims: &AccessClaims) -> Result<String, KeyError> {
        let key = self.current();
        let mut header = Header::new(Algorithm::EdDSA);
        header.kid = Some(key.kid.clone());
        jsonwebtoken::encode(&header, claims, &key.encoding)
            .map_err(|e| KeyError::Signing(e.to_string()))
    }

    /// Every key's public half, signing key first: what `/.well-known/jwks.json` serves.
    pub fn jwks(&self) -> Jwks {
        Jwks {
            keys: self.keys.iter().map(SigningKey::jwk).collect(),
        }
    }

    /// A verifier that accepts tokens signed by any of these keys.
    pub fn verifier(&self) -> Verifier {
        Verifier::from_public_keys(self.keys.iter().map(|k| (k.kid.clone(), k.public)))
    }
}

fn valid_kid(kid: &str) -> bool {
    (1..=MAX_KID_LEN).contains(&kid.len())
        && kid
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'_' | b'-'))
}

fn decode_seed(seed: &str) -> Option<[u8; 32]> {
    let bytes = if seed.ends_with('=') {
        URL_SAFE.decode(seed).ok()?
    } else {
        URL_SAFE_NO_PAD.decode(seed).ok()?
    };
    bytes.try_into().ok()
}

/// base64url without padding, as JWK `x` values are written.
pub(crate) fn b64url(bytes: &[u8]) -> String {
    URL_SAFE_NO_PAD.encode(bytes)
}

/// Decodes a JWK `x` value to a 32-byte key.
pub(crate) fn decode_public(x: &str) -> Option<[u8; 32]> {
    decode_seed(x)
}
