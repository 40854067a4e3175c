//! Why a JWT session cookie was refused, or could not be issued.

/// Why [`Jwt`](super::Jwt) refused a token, or could not issue one. Every refusal of
/// `@auth/core`'s `decode` has a variant here; none panics.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum JwtError {
    /// The value is not a compact JWE as Auth.js writes one: not five `.`-separated parts,
    /// a part that is not unpadded base64url, a header or payload that is not a JSON object,
    /// a non-empty encrypted key, or a header parameter Auth.js never writes (`zip`, `crit`).
    #[error("malformed JWT session token: {0}")]
    Malformed(&'static str),
    /// The header's `alg` is not `dir` (the only key management Auth.js uses).
    #[error("unsupported JWE key management {alg:?}: Auth.js session tokens use \"dir\"")]
    UnsupportedAlgorithm {
        /// The header's `alg`.
        alg: String,
    },
    /// The header's `enc` is not `A256CBC-HS512`.
    #[error(
        "unsupported JWE content encryption {enc:?}: Auth.js v5 encrypts with \"A256CBC-HS512\""
    )]
    UnsupportedEncryption {
        /// The header's `enc`.
        enc: String,
    },
    /// An `A256GCM` token: the format of `next-auth` 4 (`dir`/`A256GCM`, a 32-byte key from
    /// HKDF with an empty salt and another info string, no `kid`). Refused by design: Auth.js
    /// v5 cannot read these either, so a user carrying one signs in again after the upgrade.
    /// (`@auth/core` would also accept an `A256GCM` token under its own v5 key derivation;
    /// nothing in Auth.js writes one, and this crate does not read it.)
    #[error(
        "an A256GCM token (next-auth v4's format): not supported, as in Auth.js v5; the user must sign in again"
    )]
    V4Token,
    /// The header's `kid` names none of the secrets' keys: the token was issued under
    /// another secret, or for another cookie name (the salt), or its header was altered.
    #[error("no secret matches the token's key id: issued under another secret or cookie name")]
    NoMatchingKey,
    /// The authentication tag does not verify (or the padding is wrong): the token was
    /// altered. A token without `kid` is tried under the first secret only, so one issued
    /// under another secret lands here too.
    #[error("the token does not authenticate under the secret: tampered, or another key")]
    Tampered,
    /// `exp` is at or before now − 15 s (Auth.js's clock tolerance).
    #[error("the token expired at {exp} (Unix seconds)")]
    Expired {
        /// The token's `exp`, in Unix seconds.
        exp: i64,
    },
    /// `nbf` is after now + 15 s.
    #[error("the token is not valid before {nbf} (Unix seconds)")]
    NotYetValid {
        /// The token's `nbf`, in Unix seconds.
        nbf: i64,
    },
    /// A registered claim has the wrong JSON type (`iat`, `exp` or `nbf` not a number;
    /// `sub`, `name`, `email`, `picture` or `jti` neither a string nor null).
    #[error("the claim {0:?} has the wrong type")]
    InvalidClaim(&'static str),
    /// The session cookie is chunked (`name.0`, `name.1`, …) and a chunk is missing.
    #[error("the session cookie {name} is chunked and its chunk {index} is missing")]
    MissingChunk {
        /// The base cookie name.
        name: String,
        /// The first missing chunk's number.
        index: usize,
    },
    /// The operating system's random number generator failed (issuing a token).
    #[error("the operating system's random number generator failed: {0}")]
    Random(getrandom::Error),
}
