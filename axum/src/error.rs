//! How the session layer's failures become HTTP responses.
//!
//! Entry point: [`AuthError`], whose [`IntoResponse`] is this mapping:
//!
//! | error | status | body |
//! |---|---|---|
//! | [`AuthError::Unauthorized`] (no valid session) | 401 | `Unauthorized` |
//! | [`AuthError::Csrf`] (missing or wrong `csrfToken`) | 403 | `MissingCSRF` |
//! | [`AuthError::Forbidden`] (signed in, not allowed) | 403 | `AccessDenied` |
//! | `OAuthAccountNotLinked` | 403 | `OAuthAccountNotLinked` ([`AuthError::redirect`] for a page) |
//! | `Verification` (a bad email token) | 403 | `Verification` |
//! | [`AuthError::MissingLayer`], [`AuthError::Unavailable`], [`AuthError::Misconfigured`] | 500 | `Internal Server Error` (logged) |
//! | the adapter's and every other error | 500 | `Internal Server Error` (logged with `tracing`, never sent) |
//!
//! The bodies are Auth.js's error codes, so a page can show Auth.js's messages for them.

use authmodel::session;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};

/// A failure of an authenticated request, as an HTTP response (see the module's table).
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum AuthError {
    /// No valid session: 401.
    #[error("not signed in")]
    Unauthorized,
    /// The form's CSRF token is missing or does not match its cookie: 403.
    #[error("the CSRF token is missing or does not match its cookie")]
    Csrf,
    /// Signed in, but not allowed (a failed role check): 403.
    #[error("access denied")]
    Forbidden,
    /// [`AuthLayer`](crate::AuthLayer) does not wrap the route: 500.
    #[error("AuthLayer does not wrap this route")]
    MissingLayer,
    /// The adapter failed while the layer checked the session (logged there): 500.
    #[error("the session could not be checked")]
    Unavailable,
    /// The extractor does not fit the route's [`AuthLayer`](crate::AuthLayer): a
    /// [`CurrentSession`](crate::CurrentSession) under JWT sessions, a `CurrentClaims` under
    /// database sessions, a user of another schema than the JWT layer's user store. A
    /// programming error, named in the log: 500.
    #[error("authentication is misconfigured: {0}")]
    Misconfigured(&'static str),
    /// The session layer failed: Auth.js's refusals are 403, the adapter's errors 500.
    #[error(transparent)]
    Session(#[from] session::Error),
}

impl AuthError {
    /// Auth.js's error code for this error (`?error=` on its pages): `Unauthorized`,
    /// `MissingCSRF`, `AccessDenied`, `OAuthAccountNotLinked`, `Verification`, or
    /// `Configuration` for everything that is the server's fault.
    pub fn code(&self) -> &'static str {
        match self {
            AuthError::Unauthorized => "Unauthorized",
            AuthError::Csrf => "MissingCSRF",
            AuthError::Forbidden => "AccessDenied",
            AuthError::Session(session::Error::OAuthAccountNotLinked) => "OAuthAccountNotLinked",
            AuthError::Session(session::Error::Verification) => "Verification",
            AuthError::MissingLayer
            | AuthError::Unavailable
            | AuthError::Misconfigured(_)
            | AuthError::Session(_) => "Configuration",
        }
    }

    /// The HTTP status of this error.
    pub fn status(&self) -> StatusCode {
        match self {
            AuthError::Unauthorized => StatusCode::UNAUTHORIZED,
            AuthError::Csrf
            | AuthError::Forbidden
            | AuthError::Session(
                session::Error::OAuthAccountNotLinked | session::Error::Verification,
            ) => StatusCode::FORBIDDEN,
            AuthError::MissingLayer
            | AuthError::Unavailable
            | AuthError::Misconfigured(_)
            | AuthError::Session(_) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    /// A `303 See Other` to an error page, as Auth.js sends its users to
    /// `{page}?error={code}`: `err.redirect("/signin")` for `OAuthAccountNotLinked`
    /// shows the sign-in page with the message.
    pub fn redirect(&self, page: &str) -> Redirect {
        let separator = if page.contains('?') { '&' } else { '?' };
        Redirect::to(&format!("{page}{separator}error={}", self.code()))
    }
}

impl IntoResponse for AuthError {
    fn into_response(self) -> Response {
        let status = self.status();
        if status.is_server_error() {
            // The text may name tables, columns or the server: logged, never sent.
            tracing::error!(error = %self, "authentication failed");
            return (status, "Internal Server Error").into_response();
        }
        (status, self.code()).into_response()
    }
}
