//! The session layer's error: the adapter's, and the refusals of Auth.js core's rules.

/// Why a session-layer call failed.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// The adapter failed.
    #[error(transparent)]
    Adapter(#[from] crate::Error),
    /// No secret is configured: neither `AUTH_SECRET`, `NEXTAUTH_SECRET` nor any of
    /// `AUTH_SECRET_1` to `AUTH_SECRET_3` is set (Auth.js's `MissingSecret`).
    #[error("no secret: set AUTH_SECRET (or NEXTAUTH_SECRET, or AUTH_SECRET_1..3)")]
    MissingSecret,
    /// The operating system's random number generator failed.
    #[error("the operating system's random number generator failed: {0}")]
    Random(getrandom::Error),
    /// The email address is not one Auth.js signs in with (a `"`, not exactly one `@`, an
    /// empty part).
    #[error("invalid email address: {0}")]
    InvalidEmail(&'static str),
    /// The provider account belongs to another user than the one signed in, or its email
    /// belongs to a user it is not linked to (Auth.js's `OAuthAccountNotLinked`).
    #[error("the account is not linked to this user (OAuthAccountNotLinked)")]
    OAuthAccountNotLinked,
    /// The verification token is unknown, used, expired, or issued for another address
    /// (Auth.js's `Verification` error). A token that was found has been consumed.
    #[error("the verification token is invalid or expired (Verification)")]
    Verification,
}

impl Error {
    /// Whether this is Auth.js's `OAuthAccountNotLinked`.
    pub fn is_account_not_linked(&self) -> bool {
        matches!(self, Error::OAuthAccountNotLinked)
    }
}

/// The session layer's result type.
pub type Result<T, E = Error> = std::result::Result<T, E>;
