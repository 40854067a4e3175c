//! Auth.js JWT sessions: the encrypted `authjs.session-token` cookie a Next.js app issues
//! under the JWT session strategy, read and written byte-compatibly with `@auth/core` 0.41.
//! Behind the `jwt` feature.
//!
//! Entry points: [`Jwt`] (the secrets, a [`Policy`] and a clock: [`Jwt::validate`] for a
//! request's cookies with sliding renewal, [`Jwt::read`], [`Jwt::issue`], and
//! `@auth/core/jwt`'s own [`Jwt::decode`] and [`Jwt::encode`]), [`Claims`] and
//! [`JwtError`].
//!
//! The cryptography is RustCrypto's (`hkdf`, `hmac`, `sha2`, `aes`, `cbc`, `base64`) in one
//! small private module; everything above it (the compact JWE, claims, chunks) is this
//! module's.
//!
#![doc = include_str!("../../../docs/jwt.md")]

use std::fmt;
use std::sync::Arc;

use chrono::{DateTime, Utc};
use serde_json::Value;

use super::Clock;
use super::cookie::{Cookies, SetCookie};
use super::policy::{Generation, Policy};
use super::token::Secrets;

mod chunks;
mod claims;
mod crypto;
mod error;
mod jwe;
#[cfg(test)]
mod tests;

pub use self::chunks::{CHUNK_SIZE, CHUNK_SIZE_V4};
pub use self::claims::Claims;
pub use self::error::JwtError;

use self::crypto::Key;

/// Auth.js's clock tolerance in `decode`, in seconds: a token is expired when
/// `exp <= now - 15`, not yet valid when `nbf > now + 15`.
pub const CLOCK_TOLERANCE: i64 = 15;

/// The keys of one salt (cookie name): each secret's, newest first, with its `kid`.
struct SaltKeys {
    salt: String,
    keys: Vec<(Key, String)>,
}

impl SaltKeys {
    fn new(secrets: &Secrets, salt: &str) -> SaltKeys {
        let keys = secrets
            .as_slice()
            .iter()
            .map(|secret| {
                let key = Key::derive(secret, salt);
                let kid = key.thumbprint();
                (key, kid)
            })
            .collect();
        SaltKeys {
            salt: salt.to_owned(),
            keys,
        }
    }
}

/// Auth.js JWT sessions under an application's [`Secrets`] and [`Policy`].
///
/// The keys of the policy's four accepted session cookie names (v5 and v4, with and without
/// `__Secure-`) are derived once, here; other salts are derived per call.
///
/// ```
/// use authmodel::session::jwt::{Claims, Jwt};
/// use authmodel::session::{Cookies, Secrets};
///
/// let jwt = Jwt::new(Secrets::new(["s3cret"])?);
/// let issued = jwt.issue(Claims::user("42", Some("Ada"), None, None), &Cookies::default())?;
/// let header = format!("authjs.session-token={}", issued.token);
/// let claims = jwt.read(&Cookies::parse(&header))?.expect("a session cookie");
/// assert_eq!(claims.sub.as_deref(), Some("42"));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone)]
pub struct Jwt {
    secrets: Secrets,
    policy: Policy,
    clock: Clock,
    keys: Arc<Vec<SaltKeys>>,
}

impl fmt::Debug for Jwt {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Jwt")
            .field("secrets", &self.secrets)
            .field("policy", &self.policy)
            .finish_non_exhaustive()
    }
}

/// A token [`Jwt::issue`] made: its text, its claims and the cookies that carry it.
#[derive(Debug, Clone, PartialEq)]
pub struct Issued {
    /// The compact JWE.
    pub token: String,
    /// The claims it holds (`iat`, `exp` and `jti` set).
    pub claims: Claims,
    /// The `Set-Cookie` values: the token under the policy's session cookie name, chunked
    /// when longer than one cookie holds, with `Expires = exp`; then a clearing cookie for
    /// each stale chunk of that name the request carried.
    pub cookies: Vec<SetCookie>,
}

/// What [`Jwt::validate`] found in a request's cookies.
#[derive(Debug)]
pub struct JwtSession {
    /// The session's claims; `None` when there is no session cookie or it was refused.
    /// After a renewal, the new token's claims.
    pub claims: Option<Claims>,
    /// Why the session cookie that was present was refused (the cookies then clear it); or
    /// why a due renewal failed (the claims are then still the valid old ones).
    pub error: Option<JwtError>,
    /// The cookies to send: the renewed token's, the clearing of a refused one, or none.
    pub cookies: Vec<SetCookie>,
    /// Whether the token was re-issued with a new `exp` by this call.
    pub renewed: bool,
}

impl Jwt {
    /// JWT sessions under `secrets` (the first encrypts; all decrypt, chosen by `kid`), with
    /// the default [`Policy`] and the system clock.
    pub fn new(secrets: Secrets) -> Jwt {
        let policy = Policy::default();
        Jwt {
            keys: Arc::new(Self::derive_all(&secrets, &policy)),
            secrets,
            policy,
            clock: Arc::new(Utc::now),
        }
    }

    fn derive_all(secrets: &Secrets, policy: &Policy) -> Vec<SaltKeys> {
        policy
            .accepted_session_cookie_names()
            .iter()
            .map(|name| SaltKeys::new(secrets, name))
            .collect()
    }

    /// Sets the policy: its `max_age` is the token's lifetime (Auth.js `jwt.maxAge`, which
    /// defaults to `session.maxAge`), its `update_age` the renewal interval, its
    /// generation and `secure` the cookie name.
    pub fn with_policy(mut self, policy: Policy) -> Jwt {
        self.keys = Arc::new(Self::derive_all(&self.secrets, &policy));
        self.policy = policy;
        self
    }

    /// Reads the time from `clock` instead of the system's (for tests).
    pub fn with_clock(mut self, clock: impl Fn() -> DateTime<Utc> + Send + Sync + 'static) -> Jwt {
        self.clock = Arc::new(clock);
        self
    }

    /// The policy.
    pub fn policy(&self) -> &Policy {
        &self.policy
    }

    fn now(&self) -> i64 {
        (self.clock)().timestamp()
    }

    fn with_keys<T>(&self, salt: &str, f: impl FnOnce(&[(Key, String)]) -> T) -> T {
        match self.keys.iter().find(|keys| keys.salt == salt) {
            Some(keys) => f(&keys.keys),
            None => f(&SaltKeys::new(&self.secrets, salt).keys),
        }
    }

    /// `@auth/core/jwt`'s `decode({ token, secret, salt })`: decrypts `token` under the key
    /// of `salt` (the session cookie's full name) and checks its claims.
    ///
    /// The key is the secret whose key's thumbprint is the header's `kid`; without `kid`,
    /// the first secret's.
    ///
    /// # Errors
    ///
    /// Each refusal is a [`JwtError`]: [`Malformed`](JwtError::Malformed),
    /// [`UnsupportedAlgorithm`](JwtError::UnsupportedAlgorithm),
    /// [`UnsupportedEncryption`](JwtError::UnsupportedEncryption),
    /// [`V4Token`](JwtError::V4Token), [`NoMatchingKey`](JwtError::NoMatchingKey),
    /// [`Tampered`](JwtError::Tampered), [`InvalidClaim`](JwtError::InvalidClaim),
    /// [`Expired`](JwtError::Expired) and [`NotYetValid`](JwtError::NotYetValid).
    pub fn decode(&self, token: &str, salt: &str) -> Result<Claims, JwtError> {
        let parsed = jwe::parse(token)?;
        let plaintext = self.with_keys(salt, |keys| {
            let key = match &parsed.kid {
                None => keys.first().map(|(key, _)| key),
                Some(kid) => keys.iter().find(|(_, k)| k == kid).map(|(key, _)| key),
            }
            .ok_or(JwtError::NoMatchingKey)?;
            key.open(
                parsed.aad.as_bytes(),
                &parsed.iv,
                &parsed.ciphertext,
                &parsed.tag,
            )
            .ok_or(JwtError::Tampered)
        })?;
        let payload = match serde_json::from_slice::<Value>(&plaintext) {
            Ok(Value::Object(payload)) => payload,
            _ => return Err(JwtError::Malformed("the payload is not a JSON object")),
        };
        let nbf = claims::numeric(payload.get("nbf").cloned(), "nbf")?;
        let claims = Claims::from_json(payload)?;
        let now = self.now();
        if let Some(nbf) = nbf
            && nbf > now.saturating_add(CLOCK_TOLERANCE)
        {
            return Err(JwtError::NotYetValid { nbf });
        }
        if let Some(exp) = claims.exp
            && exp <= now.saturating_sub(CLOCK_TOLERANCE)
        {
            return Err(JwtError::Expired { exp });
        }
        Ok(claims)
    }

    /// `@auth/core/jwt`'s `encode({ token, secret, salt, maxAge })`: `claims` with `iat =
    /// now`, `exp = iat + max_age` and a new random `jti`, encrypted under the first
    /// secret's key for `salt`, `kid` its thumbprint. Returns the token and its claims.
    ///
    /// # Errors
    ///
    /// [`JwtError::Random`] when the operating system has no randomness to give.
    pub fn encode(&self, claims: Claims, salt: &str) -> Result<(String, Claims), JwtError> {
        let mut claims = claims;
        let now = self.now();
        claims.iat = Some(now);
        claims.exp = Some(now.saturating_add(self.policy.max_age.num_seconds()));
        let mut random = [0u8; 16];
        getrandom::fill(&mut random).map_err(JwtError::Random)?;
        claims.jti = Some(
            uuid::Builder::from_random_bytes(random)
                .into_uuid()
                .hyphenated()
                .to_string(),
        );
        let token = self.with_keys(salt, |keys| match keys.first() {
            Some((key, _)) => jwe::seal(key, &claims.to_json()),
            None => Err(JwtError::NoMatchingKey),
        })?;
        Ok((token, claims))
    }

    /// The session cookie a request carries: the first of the policy's accepted names
    /// ([`Policy::accepted_session_cookie_names`], its own first) present whole or chunked,
    /// as (name, token).
    ///
    /// # Errors
    ///
    /// [`JwtError::MissingChunk`] when that cookie is chunked with a gap.
    pub fn token_from_cookies(
        &self,
        cookies: &Cookies,
    ) -> Result<Option<(String, String)>, JwtError> {
        for name in self.policy.accepted_session_cookie_names() {
            if let Some(token) = chunks::read(cookies, name)? {
                return Ok(Some((name.to_owned(), token)));
            }
        }
        Ok(None)
    }

    /// The claims of the session cookie in `cookies`, decoded with its own name as salt;
    /// `Ok(None)` when there is none. No renewal: see [`Jwt::validate`].
    ///
    /// # Errors
    ///
    /// [`JwtError::MissingChunk`], or any refusal of [`Jwt::decode`].
    pub fn read(&self, cookies: &Cookies) -> Result<Option<Claims>, JwtError> {
        match self.token_from_cookies(cookies)? {
            Some((name, token)) => self.decode(&token, &name).map(Some),
            None => Ok(None),
        }
    }

    /// Issues `claims` as the session cookie under the policy's name: [`Jwt::encode`], then
    /// the cookies ([`Issued::cookies`]), clearing stale chunks that `request` carries
    /// under that name.
    ///
    /// # Errors
    ///
    /// [`JwtError::Random`] when the operating system has no randomness to give.
    pub fn issue(&self, claims: Claims, request: &Cookies) -> Result<Issued, JwtError> {
        let name = self.policy.session_cookie_name();
        let (token, claims) = self.encode(claims, name)?;
        let expires = DateTime::<Utc>::from_timestamp(claims.exp.unwrap_or_default(), 0)
            .unwrap_or(DateTime::<Utc>::MAX_UTC);
        let stale = chunks::present(request, name);
        let cookies = chunks::write(
            name,
            &token,
            self.chunk_size(),
            expires,
            self.policy.secure,
            &stale,
        );
        Ok(Issued {
            token,
            claims,
            cookies,
        })
    }

    fn chunk_size(&self) -> usize {
        match self.policy.generation {
            Generation::V5 => CHUNK_SIZE,
            Generation::V4 => CHUNK_SIZE_V4,
        }
    }

    /// A request's JWT session, as Auth.js's session endpoint treats it, with the session
    /// layer's sliding rule: the cookie is read and decoded; a refused one is cleared (all
    /// its chunks); a valid one due for renewal (`exp - max_age + update_age <= now`, or no
    /// `exp`) is re-issued with the same claims and a new `iat`, `exp` and `jti`.
    ///
    /// Auth.js itself re-encrypts on every call of its session endpoint; renewing once per
    /// `update_age` keeps the cookie's lifetime within a day of Auth.js's and spares a
    /// `Set-Cookie` on most responses.
    pub fn validate(&self, request: &Cookies) -> JwtSession {
        let found = match self.token_from_cookies(request) {
            Ok(Some(found)) => found,
            Ok(None) => {
                return JwtSession {
                    claims: None,
                    error: None,
                    cookies: Vec::new(),
                    renewed: false,
                };
            }
            Err(error) => {
                let name = match &error {
                    JwtError::MissingChunk { name, .. } => name.clone(),
                    _ => self.policy.session_cookie_name().to_owned(),
                };
                return refused(request, &name, error);
            }
        };
        let (name, token) = found;
        let claims = match self.decode(&token, &name) {
            Ok(claims) => claims,
            Err(error) => return refused(request, &name, error),
        };
        let now = self.now();
        let due = claims.exp.is_none_or(|exp| {
            exp.saturating_sub(self.policy.max_age.num_seconds())
                .saturating_add(self.policy.update_age.num_seconds())
                <= now
        });
        if !due {
            return JwtSession {
                claims: Some(claims),
                error: None,
                cookies: Vec::new(),
                renewed: false,
            };
        }
        match self.issue(claims.clone(), request) {
            Ok(issued) => JwtSession {
                claims: Some(issued.claims),
                error: None,
                cookies: issued.cookies,
                renewed: true,
            },
            Err(error) => JwtSession {
                claims: Some(claims),
                error: Some(error),
                cookies: Vec::new(),
                renewed: false,
            },
        }
    }
}

/// A refused session cookie: its name and chunks cleared, as Auth.js clears a bad token.
fn refused(request: &Cookies, name: &str, error: JwtError) -> JwtSession {
    let secure = name.starts_with("__Secure-");
    JwtSession {
        claims: None,
        error: Some(error),
        cookies: chunks::present(request, name)
            .into_iter()
            .map(|stale| SetCookie::clear(stale, secure))
            .collect(),
        renewed: false,
    }
}
