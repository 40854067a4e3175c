//! Tokens and secrets as Auth.js makes them.
//!
//! Entry points: [`session_token`] (a UUID v4, Auth.js's `randomUUID()`), [`random_hex`]
//! (Auth.js's `randomString(32)`: 64 lowercase hex, for verification and CSRF tokens),
//! [`sha256_hex`], and [`Secrets`] (the secret list, read from the environment by na5's
//! rules, never printed). Randomness comes from the operating system's CSPRNG.

use std::fmt;

use sha2::{Digest, Sha256};

use super::error::{Error, Result};

/// A new session token: a random UUID v4 in its 36-character lowercase form, the format of
/// Auth.js's `crypto.randomUUID()`, from the operating system's CSPRNG.
///
/// # Errors
///
/// [`Error::Random`] when the operating system has no randomness to give.
pub fn session_token() -> Result<String> {
    let mut bytes = [0u8; 16];
    getrandom::fill(&mut bytes).map_err(Error::Random)?;
    Ok(uuid::Builder::from_random_bytes(bytes)
        .into_uuid()
        .hyphenated()
        .to_string())
}

/// 32 random bytes as 64 lowercase hex digits: Auth.js's `randomString(32)`, the default
/// email verification token and the CSRF token.
///
/// # Errors
///
/// [`Error::Random`] when the operating system has no randomness to give.
pub fn random_hex() -> Result<String> {
    let mut bytes = [0u8; 32];
    getrandom::fill(&mut bytes).map_err(Error::Random)?;
    Ok(to_hex(&bytes))
}

/// The lowercase hex SHA-256 of `text`'s UTF-8 bytes.
///
/// ```
/// assert_eq!(
///     authmodel::session::sha256_hex("abc"),
///     "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
/// );
/// ```
pub fn sha256_hex(text: &str) -> String {
    to_hex(&Sha256::digest(text.as_bytes()))
}

fn to_hex(bytes: &[u8]) -> String {
    const HEX: &[u8; 16] = b"0123456789abcdef";
    let mut out = String::with_capacity(bytes.len() * 2);
    for byte in bytes {
        out.push(char::from(HEX[usize::from(byte >> 4)]));
        out.push(char::from(HEX[usize::from(byte & 15)]));
    }
    out
}

/// Compares two strings in time that depends on their lengths only, not on where they
/// differ.
pub(crate) fn constant_time_eq(a: &str, b: &str) -> bool {
    let (a, b) = (a.as_bytes(), b.as_bytes());
    if a.len() != b.len() {
        return false;
    }
    let difference = a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y));
    std::hint::black_box(difference) == 0
}

/// The application's secret, or its list of secrets (newest first), as Auth.js holds it.
/// Never shown by `Debug`.
///
/// Where Auth.js hashes with "the secret" (email verification tokens, CSRF), an array is
/// stringified by JavaScript, joined by `,`: [`Secrets::stringified`].
///
/// ```
/// use authmodel::session::Secrets;
///
/// let secrets = Secrets::new(["new", "old"]).expect("not empty");
/// assert_eq!(secrets.stringified(), "new,old");
/// assert_eq!(format!("{secrets:?}"), "Secrets([redacted; 2])");
/// ```
#[derive(Clone, PartialEq, Eq)]
pub struct Secrets(Vec<String>);

impl Secrets {
    /// A list of secrets, newest first.
    ///
    /// # Errors
    ///
    /// [`Error::MissingSecret`] when the list is empty or every secret is empty.
    pub fn new<I, T>(secrets: I) -> Result<Secrets>
    where
        I: IntoIterator<Item = T>,
        T: Into<String>,
    {
        let secrets: Vec<String> = secrets
            .into_iter()
            .map(Into::into)
            .filter(|s| !s.is_empty())
            .collect();
        if secrets.is_empty() {
            return Err(Error::MissingSecret);
        }
        Ok(Secrets(secrets))
    }

    /// The secrets from the environment, by `next-auth` 5's rules: `AUTH_SECRET ??
    /// NEXTAUTH_SECRET` (one secret); when that is unset or empty, those of `AUTH_SECRET_3`,
    /// `AUTH_SECRET_2`, `AUTH_SECRET_1` and `AUTH_SECRET` that are set and not empty, in
    /// that order.
    ///
    /// # Errors
    ///
    /// [`Error::MissingSecret`] when none is set.
    pub fn from_env() -> Result<Secrets> {
        Secrets::from_lookup(|name| std::env::var(name).ok())
    }

    /// [`Secrets::from_env`] over any lookup of variables (a test's map, a config file).
    ///
    /// ```
    /// use authmodel::session::Secrets;
    ///
    /// let env = |name: &str| (name == "AUTH_SECRET_1").then(|| "s1".to_owned());
    /// assert_eq!(Secrets::from_lookup(env)?.stringified(), "s1");
    /// # Ok::<(), authmodel::session::Error>(())
    /// ```
    pub fn from_lookup(lookup: impl Fn(&str) -> Option<String>) -> Result<Secrets> {
        let set = |name: &str| lookup(name).filter(|value| !value.is_empty());
        // `AUTH_SECRET ?? NEXTAUTH_SECRET`: JavaScript's `??` takes an empty `AUTH_SECRET`,
        // which core then treats as no secret, reading the numbered ones.
        let na5 = lookup("AUTH_SECRET").or_else(|| lookup("NEXTAUTH_SECRET"));
        if let Some(secret) = na5.filter(|value| !value.is_empty()) {
            return Secrets::new([secret]);
        }
        Secrets::new(
            [
                "AUTH_SECRET_3",
                "AUTH_SECRET_2",
                "AUTH_SECRET_1",
                "AUTH_SECRET",
            ]
            .into_iter()
            .filter_map(set),
        )
    }

    /// The secrets, newest first.
    pub fn as_slice(&self) -> &[String] {
        &self.0
    }

    /// The secret as JavaScript stringifies it where Auth.js appends it to a token before
    /// hashing: one secret as it is, a list joined by `,`.
    pub fn stringified(&self) -> String {
        self.0.join(",")
    }

    /// How Auth.js stores a verification or CSRF token: `sha256_hex(token + secret)`.
    pub fn hash(&self, token: &str) -> String {
        sha256_hex(&format!("{token}{}", self.stringified()))
    }
}

impl fmt::Debug for Secrets {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Secrets([redacted; {}])", self.0.len())
    }
}
