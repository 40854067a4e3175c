//! Extractors for the session [`AuthLayer`](crate::AuthLayer) resolved.
//!
//! Entry points: [`CurrentSession`] and [`CurrentUser`] (required: [`AuthError::Unauthorized`],
//! a 401, when not signed in; also usable as `Option<CurrentUser<S>>`, which is `None` instead)
//! and [`MaybeUser`] (never rejects for a missing session). All of them fail with a 500 when
//! the layer is missing or the adapter failed while checking the session.

use authmodel::Schema;
use axum::extract::{FromRequestParts, OptionalFromRequestParts};
use axum::http::request::Parts;

use crate::error::AuthError;
use crate::layer::AuthState;

/// The request's valid session, its user and its token; 401 when not signed in.
#[derive(Debug, Clone)]
pub struct CurrentSession<S: Schema> {
    /// The session, its expiry as stored after any sliding refresh.
    pub session: S::Session,
    /// The session's user.
    pub user: S::User,
    /// The session token (the cookie's value).
    pub token: String,
}

/// The signed-in user; 401 when not signed in.
///
/// ```no_run
/// use authmodel::models::DefaultSchema;
/// use authmodel_axum::CurrentUser;
///
/// async fn me(CurrentUser(user): CurrentUser<DefaultSchema>) -> String {
///     format!("signed in as {}", user.email)
/// }
/// ```
#[derive(Debug, Clone)]
pub struct CurrentUser<S: Schema>(pub S::User);

/// The signed-in user, if any; rejects only when the layer is missing or the adapter failed.
#[derive(Debug, Clone)]
pub struct MaybeUser<S: Schema>(pub Option<S::User>);

fn state<S: Schema>(parts: &Parts) -> Result<&AuthState<S>, AuthError> {
    let state = parts
        .extensions
        .get::<AuthState<S>>()
        .ok_or(AuthError::MissingLayer)?;
    if state.failed() {
        return Err(AuthError::Unavailable);
    }
    Ok(state)
}

fn current<S: Schema>(parts: &Parts) -> Result<Option<CurrentSession<S>>, AuthError>
where
    S::Session: Clone,
    S::User: Clone,
{
    let state = state::<S>(parts)?;
    Ok(match (state.current(), state.token()) {
        (Some((session, user)), Some(token)) => Some(CurrentSession {
            session: session.clone(),
            user: user.clone(),
            token: token.to_owned(),
        }),
        _ => None,
    })
}

impl<S: Schema, St: Send + Sync> FromRequestParts<St> for CurrentSession<S>
where
    S::Session: Clone,
    S::User: Clone,
{
    type Rejection = AuthError;

    async fn from_request_parts(parts: &mut Parts, _: &St) -> Result<Self, Self::Rejection> {
        current::<S>(parts)?.ok_or(AuthError::Unauthorized)
    }
}

impl<S: Schema, St: Send + Sync> OptionalFromRequestParts<St> for CurrentSession<S>
where
    S::Session: Clone,
    S::User: Clone,
{
    type Rejection = AuthError;

    async fn from_request_parts(
        parts: &mut Parts,
        _: &St,
    ) -> Result<Option<Self>, Self::Rejection> {
        current::<S>(parts)
    }
}

fn user<S: Schema>(parts: &Parts) -> Result<Option<S::User>, AuthError>
where
    S::User: Clone,
{
    let state = state::<S>(parts)?;
    Ok(state.current().map(|(_, user)| user.clone()))
}

impl<S: Schema, St: Send + Sync> FromRequestParts<St> for CurrentUser<S>
where
    S::User: Clone,
{
    type Rejection = AuthError;

    async fn from_request_parts(parts: &mut Parts, _: &St) -> Result<Self, Self::Rejection> {
        user::<S>(parts)?
            .map(CurrentUser)
            .ok_or(AuthError::Unauthorized)
    }
}

impl<S: Schema, St: Send + Sync> OptionalFromRequestParts<St> for CurrentUser<S>
where
    S::User: Clone,
{
    type Rejection = AuthError;

    async fn from_request_parts(
        parts: &mut Parts,
        _: &St,
    ) -> Result<Option<Self>, Self::Rejection> {
        Ok(user::<S>(parts)?.map(CurrentUser))
    }
}

impl<S: Schema, St: Send + Sync> FromRequestParts<St> for MaybeUser<S>
where
    S::User: Clone,
{
    type Rejection = AuthError;

    async fn from_request_parts(parts: &mut Parts, _: &St) -> Result<Self, Self::Rejection> {
        user::<S>(parts).map(MaybeUser)
    }
}
