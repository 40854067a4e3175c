//! axum integration for [`authmodel`]'s session layer: database sessions that a Next.js app
//! on Auth.js can share, in an axum service.
//!
//! - [`AuthLayer`]: resolves the session cookie once per request through
//!   [`Sessions::validate`](authmodel::session::Sessions::validate) (expiry, sliding refresh)
//!   and sets the refreshed or clearing cookie on the response;
//! - extractors: [`CurrentUser`] and [`CurrentSession`] (401 when not signed in; as
//!   `Option<CurrentUser<S>>` they never reject for that), [`MaybeUser`];
//! - [`AuthError`]: the errors as responses (401, 403 with Auth.js's error codes, 500 without
//!   the database's text);
//! - [`CsrfToken`] and [`sign_out`]: Auth.js's double-submit CSRF cookie for form posts, and
//!   a CSRF-checked sign-out; [`SetCookies`] for the cookies of a sign-in.
//!
//! Sign-in itself (the OAuth redirect and code exchange) stays the application's, with the
//! `oauth2` crate: hand the token response and profile to
//! [`Sessions::sign_in_oauth`](authmodel::session::Sessions::sign_in_oauth) and return its
//! cookie with [`SetCookies`]. `examples/axum_app` in the repository does the whole flow with
//! GitHub.
//!
//! ```no_run
//! use std::sync::Arc;
//! use authmodel::{models::DefaultSchema, session::{Secrets, Sessions}};
//! use authmodel_axum::{AuthLayer, CurrentUser};
//! use axum::{Router, routing::get};
//!
//! #[tokio::main]
//! async fn main() -> Result<(), Box<dyn std::error::Error>> {
//!     let adapter = authmodel::connect("sqlite://auth.db").await?;
//!     let sessions = Arc::new(Sessions::<DefaultSchema, _>::new(adapter, Secrets::from_env()?));
//!     let app = Router::new()
//!         .route("/me", get(|CurrentUser(user): CurrentUser<DefaultSchema>| async move { user.email }))
//!         .layer(AuthLayer::new(sessions));
//!     axum::serve(tokio::net::TcpListener::bind("127.0.0.1:3000").await?, app).await?;
//!     Ok(())
//! }
//! ```
//!
//! The conventions are axum-extra's and tower-sessions': a layer that loads once per
//! request, extractors that read what it loaded, `Set-Cookie` written on the way out, and
//! cookies returned from handlers as response parts.

mod error;
mod extract;
mod forms;
mod layer;

pub use error::AuthError;
#[cfg(feature = "jwt")]
pub use extract::CurrentClaims;
pub use extract::{CurrentSession, CurrentUser, MaybeUser};
pub use forms::{CsrfToken, SetCookies, SignOutForm, sign_out};
#[cfg(feature = "jwt")]
pub use layer::JwtState;
pub use layer::{AuthContext, AuthLayer, AuthService, AuthState};
