//! axum integration for [`authmodel`]'s session layer: the sessions of a Next.js app on
//! Auth.js, database or JWT, shared with an axum service.
//!
//! - [`AuthLayer`]: resolves the session cookie once per request, under the strategy it was
//!   built for: database sessions ([`AuthLayer::new`], through
//!   [`Sessions::validate`](authmodel::session::Sessions::validate): expiry, sliding refresh)
//!   or JWT sessions (`AuthLayer::jwt` and `AuthLayer::jwt_with_users`, feature `jwt`: the
//!   encrypted `authjs.session-token`, decrypted without a database, renewed once a day);
//!   and sets the refreshed, renewed or clearing cookie on the response;
//! - extractors: [`CurrentUser`] and [`CurrentSession`] (401 when not signed in; as
//!   `Option<CurrentUser<S>>` they never reject for that), [`MaybeUser`], and `CurrentClaims`
//!   for the JWT's claims (the table below says which works under which strategy);
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
//! The same service reading the JWT session cookie of a Next.js app that runs Auth.js
//! without a database adapter (the `jwt` feature, on by default): the secret is the app's
//! `AUTH_SECRET`, and `sub` is looked up in the user table when a route asks for the user.
//!
#![cfg_attr(feature = "jwt", doc = "```no_run")]
#![cfg_attr(not(feature = "jwt"), doc = "```ignore")]
//! use std::sync::Arc;
//! use authmodel::{models::DefaultSchema, session::{Secrets, jwt::Jwt}};
//! use authmodel_axum::{AuthLayer, CurrentClaims, CurrentUser};
//! use axum::{Router, routing::get};
//!
//! #[tokio::main]
//! async fn main() -> Result<(), Box<dyn std::error::Error>> {
//!     let secrets = Secrets::from_env()?; // AUTH_SECRET, or AUTH_SECRET_1..3
//!     let jwt = Arc::new(Jwt::new(secrets.clone()));
//!     let users = Arc::new(authmodel::connect("sqlite://auth.db").await?);
//!     let app = Router::new()
//!         .route("/me", get(|CurrentUser(user): CurrentUser<DefaultSchema>| async move { user.email }))
//!         .route("/role", get(|CurrentClaims(claims): CurrentClaims| async move {
//!             claims.extra.get("role").and_then(|r| r.as_str()).unwrap_or("user").to_owned()
//!         }))
//!         .layer(AuthLayer::jwt_with_users(jwt, secrets, users));
//!     axum::serve(tokio::net::TcpListener::bind("127.0.0.1:3000").await?, app).await?;
//!     Ok(())
//! }
//! ```
//!
//! | extractor | database sessions | JWT sessions |
//! |---|---|---|
//! | [`CurrentUser`], [`MaybeUser`] | the session's user | the user `sub` names, looked up once per request under `jwt_with_users` (none when deleted: 401); under `jwt`, none: 401 (a warning in the log) |
//! | [`CurrentSession`] | the session row, its user and token | 500 [`AuthError::Misconfigured`], logged (there is no session row) |
//! | `CurrentClaims` | 500 [`AuthError::Misconfigured`], logged | the token's claims |
//!
//! Without a user store, `AuthLayer::jwt(jwt, secrets)` reads the claims only (no database at
//! all): `CurrentUser` then answers 401, since nothing says the user still exists.
//!
//! A JWT session cannot be revoked before its `exp`: signing out clears the cookie in one
//! browser, but a copy of the token stays valid until `exp` (30 days by default), and a
//! deleted user's token still carries its claims (`CurrentUser` under `jwt_with_users` does
//! answer 401 for it). Database sessions end at once everywhere. `authmodel`'s JWT docs have
//! the whole comparison.
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
pub use layer::{AuthContext, AuthLayer, AuthService, AuthState, request_cookies};
