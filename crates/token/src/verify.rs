//! Verification: the only accepted algorithm is `EdDSA`, the key is chosen by `kid` among
//! the known public keys, and the claims must be exactly an [`AccessClaims`] from this issuer
//! for this audience, inside its lifetime give or take [`LEEWAY_SECS`].

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use jsonwebtoken::errors::ErrorKind;
use jsonwebtoken::{Algorithm, DecodingKey, Validation};
use serde::Deserialize;

use crate::claims::{AUDIENCE, AccessClaims, ISSUER};
use crate::error::{KeyError, VerifyError};
use crate::jwks::Jwks;
use crate::keys::decode_public;

/// Clock skew tolerated on `exp` and `iat` (the contract: 30 s).
pub const LEEWAY_SECS: u64 = 30;

/// Checks access tokens against a set of Ed25519 public keys.
#[derive(Clone)]
pub struct Verifier {
    keys: Vec<(String, DecodingKey)>,
}

impl std::fmt::Debug for Verifier {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Verifier")
            .field("kids", &self.kids().collect::<Vec<_>>())
            .finish()
    }
}

/// The part of the JOSE header read before choosing a key.
#[derive(Deserialize)]
struct RawHeader {
    alg: Option<String>,
    kid: Option<String>,
}

impl Verifier {
    /// A verifier for the given `(kid, public key)` pairs.
    pub fn from_public_keys(keys: impl IntoIterator<Item = (String, [u8; 32])>) -> Verifier {
        Verifier {
            keys: keys
                .into_iter()
                .map(|(kid, x)| (kid, DecodingKey::from_ed_der(&x)))
                .collect(),
        }
    }

    /// A verifier for every Ed25519 signing key of `jwks` (other entries are skipped). An
    /// Ed25519 entry whose `x` is not 32 bytes of base64url is an error.
    pub fn from_jwks(jwks: &Jwks) -> Result<Verifier, KeyError> {
        let mut keys = Vec::new();
        for jwk in jwks.keys.iter().filter(|k| k.is_ed25519_signing()) {
            let x = decode_public(&jwk.x).ok_or_else(|| KeyError::PublicKey {
                kid: jwk.kid.clone(),
            })?;
            keys.push((jwk.kid.clone(), x));
        }
        Ok(Verifier::from_public_keys(keys))
    }

    /// The kids this verifier knows.
    pub fn kids(&self) -> impl Iterator<Item = &str> {
        self.keys.iter().map(|(kid, _)| kid.as_str())
    }

    /// Verifies `token` at time `now_secs` (seconds since the Unix epoch) and returns its
    /// claims. Checks, in order: shape, `alg` = `EdDSA`, a known `kid`, the signature, the
    /// claim set, `iss`, `aud`, `exp` and `iat` (each with [`LEEWAY_SECS`]).
    pub fn verify(&self, token: &str, now_secs: u64) -> Result<AccessClaims, VerifyError> {
        let header = read_header(token)?;
        match header.alg.as_deref() {
            Some("EdDSA") => {}
            other => return Err(VerifyError::Algorithm(other.unwrap_or("").to_owned())),
        }
        let kid = header.kid.ok_or(VerifyError::MissingKid)?;
        let key = self
            .keys
            .iter()
            .find(|(k, _)| *k == kid)
            .map(|(_, key)| key)
            .ok_or(VerifyError::UnknownKey(kid))?;

        // jsonwebtoken checks the algorithm and the signature; the claims are checked below,
        // against the clock we were given.
        let mut validation = Validation::new(Algorithm::EdDSA);
        validation.validate_exp = false;
        validation.validate_aud = false;
        validation.required_spec_claims.clear();
        let claims = jsonwebtoken::decode::<AccessClaims>(token, key, &validation)
            .map_err(|e| match e.kind() {
                ErrorKind::InvalidSignature => VerifyError::Signature,
                ErrorKind::Json(_) => VerifyError::Claims,
                _ => VerifyError::Malformed,
            })?
            .claims;

        if claims.iss != ISSUER {
            return Err(VerifyError::Issuer);
        }
        if claims.aud != AUDIENCE {
            return Err(VerifyError::Audience);
        }
        if now_secs > claims.exp.saturating_add(LEEWAY_SECS) {
            return Err(VerifyError::Expired);
        }
        if claims.iat > now_secs.saturating_add(LEEWAY_SECS) {
            return Err(VerifyError::NotYetValid);
        }
        Ok(claims)
    }
}

fn read_header(token: &str) -> Result<RawHeader, VerifyError> {
    let mut parts = token.split('.');
    let (Some(header), Some(_), Some(_), None) =
        (parts.next(), parts.next(), parts.next(), parts.next())
    else {
        return Err(VerifyError::Malformed);
    };
    let json = URL_SAFE_NO_PAD
        .decode(header)
        .map_err(|_| VerifyError::Malformed)?;
    serde_json::from_slice(&json).map_err(|_| VerifyError::Malformed)
}
