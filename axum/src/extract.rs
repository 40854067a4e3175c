//! Extractors for the session [`AuthLayer`](crate::AuthLayer) resolved, under either session
//! strategy.
//!
//! Entry points: [`CurrentSession`] and [`CurrentUser`] (required: [`AuthError::Unauthorized`],
//! a 401, when not signed in; also usable as `Option<CurrentUser<S>>`, which is `None` instead),
//! [`MaybeUser`] (never rejects for a missing session), and `CurrentClaims` (feature `jwt`).
//! All of them fail with a 500 when the layer is missing or the adapter failed.
//!
//! | extractor | database sessions ([`AuthLayer::new`](crate::AuthLayer::new)) | JWT sessions (`AuthLayer::jwt…`) |
//! |---|---|---|
//! | [`CurrentUser`], [`MaybeUser`] | the session's user | the user `sub` names, looked up once per request with `jwt_with_users` (none when deleted: 401); without a user store, none: 401 (a warning in the log) |
//! | [`CurrentSession`] | the session row, its user and token | 500 [`AuthError::Misconfigured`] (there is no session row): use `CurrentClaims` |
//! | `CurrentClaims` | 500 [`AuthError::Misconfigured`] | the token's claims |

use authmodel::Schema;
use axum::extract::{FromRequestParts, OptionalFromRequestParts};
use axum::http::request::Parts;

use crate::error::AuthError;
use crate::layer::AuthState;

/// The request's valid database session, its user and its token; 401 when not signed in.
///
/// Database sessions only: under the JWT strategy there is no session row, and this
/// extractor fails with [`AuthError::Misconfigured`] (500, logged), as `Option<_>` too; read
/// the JWT session with `CurrentClaims` and [`CurrentUser`].
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
/// Under JWT sessions, the user the token's `sub` names, looked up through the layer's
/// user store (`AuthLayer::jwt_with_users`) once per request: 401 when `sub` names no user
/// any more, and 401 when the layer has no user store (`AuthLayer::jwt`; a warning in the
/// log says so).
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
/// Under JWT sessions, as [`CurrentUser`] (`None` where that one answers 401).
#[derive(Debug, Clone)]
pub struct MaybeUser<S: Schema>(pub Option<S::User>);

fn state<S: Schema>(parts: &Parts) -> Result<Option<&AuthState<S>>, AuthError> {
    let Some(state) = parts.extensions.get::<AuthState<S>>() else {
        return Ok(None);
    };
    if state.failed() {
        return Err(AuthError::Unavailable);
    }
    Ok(Some(state))
}

fn current<S: Schema>(parts: &Parts) -> Result<Option<CurrentSession<S>>, AuthError>
where
    S::Session: Clone,
    S::User: Clone,
{
    let Some(state) = state::<S>(parts)? else {
        #[cfg(feature = "jwt")]
        if parts.extensions.get::<crate::layer::JwtState>().is_some() {
            return Err(AuthError::Misconfigured(
                "CurrentSession needs database sessions, and this route's AuthLayer reads JWT \
                 sessions: use CurrentClaims, CurrentUser or MaybeUser",
            ));
        }
        return Err(AuthError::MissingLayer);
    };
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

async fn user<S: Schema>(parts: &mut Parts) -> Result<Option<S::User>, AuthError>
where
    S::User: Clone,
{
    if let Some(state) = state::<S>(parts)? {
        return Ok(state.current().map(|(_, user)| user.clone()));
    }
    #[cfg(feature = "jwt")]
    if parts.extensions.get::<crate::layer::JwtState>().is_some() {
        return jwt::user::<S>(parts).await;
    }
    Err(AuthError::MissingLayer)
}

impl<S: Schema, St: Send + Sync> FromRequestParts<St> for CurrentUser<S>
where
    S::User: Clone,
{
    type Rejection = AuthError;

    async fn from_request_parts(parts: &mut Parts, _: &St) -> Result<Self, Self::Rejection> {
        user::<S>(parts)
            .await?
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
        Ok(user::<S>(parts).await?.map(CurrentUser))
    }
}

impl<S: Schema, St: Send + Sync> FromRequestParts<St> for MaybeUser<S>
where
    S::User: Clone,
{
    type Rejection = AuthError;

    async fn from_request_parts(parts: &mut Parts, _: &St) -> Result<Self, Self::Rejection> {
        user::<S>(parts).await.map(MaybeUser)
    }
}

#[cfg(feature = "jwt")]
pub use self::jwt::CurrentClaims;

#[cfg(feature = "jwt")]
mod jwt {
    use std::sync::Arc;

    use authmodel::Schema;
    use authmodel::session::jwt::Claims;
    use axum::extract::{FromRequestParts, OptionalFromRequestParts};
    use axum::http::request::Parts;

    use crate::error::AuthError;
    use crate::layer::{AuthContext, JwtState, UserLookup};

    /// The claims of the request's JWT session (feature `jwt`): `sub`, `name`, `email`,
    /// `picture`, `iat`, `exp`, `jti` and the app's own claims in `extra`, after any renewal
    /// the layer made. 401 when there is no session cookie or it was refused (expired,
    /// tampered, under another secret); as `Option<CurrentClaims>`, `None` instead.
    ///
    /// JWT sessions only: under database sessions it fails with
    /// [`AuthError::Misconfigured`] (500, logged).
    ///
    /// ```
    /// use authmodel_axum::CurrentClaims;
    ///
    /// async fn role(CurrentClaims(claims): CurrentClaims) -> String {
    ///     claims.extra.get("role").and_then(|r| r.as_str()).unwrap_or("user").to_owned()
    /// }
    /// ```
    #[derive(Debug, Clone)]
    pub struct CurrentClaims(pub Claims);

    fn claims(parts: &Parts) -> Result<Option<Claims>, AuthError> {
        match parts.extensions.get::<JwtState>() {
            Some(state) => Ok(state.claims().cloned()),
            None if parts.extensions.get::<Arc<AuthContext>>().is_some() => {
                Err(AuthError::Misconfigured(
                    "CurrentClaims needs JWT sessions, and this route's AuthLayer reads \
                     database sessions: use CurrentSession or CurrentUser",
                ))
            }
            None => Err(AuthError::MissingLayer),
        }
    }

    impl<St: Send + Sync> FromRequestParts<St> for CurrentClaims {
        type Rejection = AuthError;

        async fn from_request_parts(parts: &mut Parts, _: &St) -> Result<Self, Self::Rejection> {
            claims(parts)?
                .map(CurrentClaims)
                .ok_or(AuthError::Unauthorized)
        }
    }

    impl<St: Send + Sync> OptionalFromRequestParts<St> for CurrentClaims {
        type Rejection = AuthError;

        async fn from_request_parts(
            parts: &mut Parts,
            _: &St,
        ) -> Result<Option<Self>, Self::Rejection> {
            Ok(claims(parts)?.map(CurrentClaims))
        }
    }

    /// The user a JWT session's `sub` names, looked up once per request (the outcome is kept
    /// in the request's extensions for the next extractor).
    #[derive(Clone)]
    struct LookedUp<U>(Option<U>);

    pub(super) async fn user<S: Schema>(parts: &mut Parts) -> Result<Option<S::User>, AuthError>
    where
        S::User: Clone,
    {
        let Some(state) = parts.extensions.get::<JwtState>().cloned() else {
            return Err(AuthError::MissingLayer);
        };
        let Some(sub) = state.claims().map(|claims| claims.sub.clone()) else {
            return Ok(None);
        };
        if let Some(LookedUp(user)) = parts.extensions.get::<LookedUp<S::User>>() {
            return Ok(user.clone());
        }
        let Some(UserLookup(users)) = parts.extensions.get::<UserLookup<S>>().cloned() else {
            if state.has_user_store() {
                return Err(AuthError::Misconfigured(
                    "the user asked for is of another schema than the JWT AuthLayer's user store",
                ));
            }
            tracing::warn!(
                "a user was asked for under AuthLayer::jwt, which has no user store: not signed \
                 in (build the layer with AuthLayer::jwt_with_users, or read CurrentClaims)"
            );
            return Ok(None);
        };
        let user = match sub {
            None => None,
            Some(sub) => match users.user(&sub).await {
                Ok(user) => user,
                Err(error) => {
                    tracing::error!(%error, "the JWT session's user could not be looked up");
                    return Err(AuthError::Unavailable);
                }
            },
        };
        parts.extensions.insert(LookedUp::<S::User>(user.clone()));
        Ok(user)
    }
}
