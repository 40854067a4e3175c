//! The compact JWE as Auth.js writes it: header `{"alg":"dir","enc":"A256CBC-HS512","kid":K}`,
//! an empty encrypted key, a 16-byte IV, the ciphertext and a 32-byte tag, each part
//! base64url without padding; the header's own base64url text is the additional
//! authenticated data.

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use serde_json::{Map, Value};

use super::crypto::{IV_LEN, Key};
use super::error::JwtError;

/// `enc` as Auth.js v5 writes it.
pub(super) const ENC: &str = "A256CBC-HS512";

/// A parsed token, before decryption.
pub(super) struct Parsed<'a> {
    /// The protected header's base64url text: the AAD.
    pub(super) aad: &'a str,
    /// The header's `kid`, when present.
    pub(super) kid: Option<String>,
    pub(super) iv: Vec<u8>,
    pub(super) ciphertext: Vec<u8>,
    pub(super) tag: Vec<u8>,
}

fn b64(part: &str, what: &'static str) -> Result<Vec<u8>, JwtError> {
    URL_SAFE_NO_PAD
        .decode(part)
        .map_err(|_| JwtError::Malformed(what))
}

/// Splits and checks a compact JWE: the header's `alg` and `enc`, nothing Auth.js never
/// writes, and well-formed parts.
pub(super) fn parse(token: &str) -> Result<Parsed<'_>, JwtError> {
    let mut parts = token.split('.');
    let (Some(header), Some(key), Some(iv), Some(ciphertext), Some(tag), None) = (
        parts.next(),
        parts.next(),
        parts.next(),
        parts.next(),
        parts.next(),
        parts.next(),
    ) else {
        return Err(JwtError::Malformed("not five dot-separated parts"));
    };
    let header_json: Map<String, Value> = serde_json::from_slice(&b64(header, "header encoding")?)
        .map_err(|_| JwtError::Malformed("header is not a JSON object"))?;
    let text = |name: &'static str| match header_json.get(name) {
        None => Ok(None),
        Some(Value::String(s)) => Ok(Some(s.clone())),
        Some(_) => Err(JwtError::Malformed("header parameter is not a string")),
    };
    match text("alg")?.as_deref() {
        Some("dir") => {}
        other => {
            return Err(JwtError::UnsupportedAlgorithm {
                alg: other.unwrap_or_default().to_owned(),
            });
        }
    }
    match text("enc")?.as_deref() {
        Some(ENC) => {}
        Some("A256GCM") => return Err(JwtError::V4Token),
        other => {
            return Err(JwtError::UnsupportedEncryption {
                enc: other.unwrap_or_default().to_owned(),
            });
        }
    }
    if header_json.contains_key("zip") {
        return Err(JwtError::Malformed(
            "compressed payloads (zip) are not supported",
        ));
    }
    if header_json.contains_key("crit") {
        return Err(JwtError::Malformed(
            "critical header parameters (crit) are not supported",
        ));
    }
    if !key.is_empty() {
        return Err(JwtError::Malformed(
            "an encrypted key with dir key management",
        ));
    }
    let parsed = Parsed {
        aad: header,
        kid: text("kid")?,
        iv: b64(iv, "iv encoding")?,
        ciphertext: b64(ciphertext, "ciphertext encoding")?,
        tag: b64(tag, "tag encoding")?,
    };
    if parsed.iv.len() != IV_LEN {
        return Err(JwtError::Malformed("the iv is not 16 bytes"));
    }
    Ok(parsed)
}

/// Encrypts `payload` under `key` into a compact JWE with `kid`.
pub(super) fn seal(key: &Key, payload: &Map<String, Value>) -> Result<String, JwtError> {
    let header = serde_json::json!({ "alg": "dir", "enc": ENC, "kid": key.thumbprint() });
    let header = URL_SAFE_NO_PAD.encode(header.to_string());
    let mut iv = [0u8; IV_LEN];
    getrandom::fill(&mut iv).map_err(JwtError::Random)?;
    let plaintext = Value::Object(payload.clone()).to_string();
    let (ciphertext, tag) = key
        .seal(header.as_bytes(), &iv, plaintext.as_bytes())
        .ok_or(JwtError::Malformed("the key does not fit A256CBC-HS512"))?;
    Ok(format!(
        "{header}..{}.{}.{}",
        URL_SAFE_NO_PAD.encode(iv),
        URL_SAFE_NO_PAD.encode(ciphertext),
        URL_SAFE_NO_PAD.encode(tag),
    ))
}
