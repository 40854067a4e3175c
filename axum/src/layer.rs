//! The layer that resolves the session once per request, under either session strategy.
//!
//! Entry points: [`AuthLayer`] (a tower [`Layer`]) and its service [`AuthService`]. For each
//! request it reads the session cookie (either Auth.js generation, with or without
//! `__Secure-`) and stores the outcome in the request's extensions for the extractors:
//!
//! - database sessions ([`AuthLayer::new`]): one [`Sessions::validate`], and the session
//!   `Set-Cookie` that `validate` returned (Auth.js re-sends the cookie with a new `Expires`
//!   on every valid request, and clears it when the session is gone);
//! - JWT sessions (`AuthLayer::jwt`, feature `jwt`): one `Jwt::validate` (a decryption, no
//!   database), and its cookies: the renewed token once it is `update_age` old, or the
//!   clearing of a refused one (every chunk). The user, when asked for, is looked up by
//!   `sub` lazily, once per request, by the extractors.
//!
//! The layer's cookies are appended unless the handler set that cookie itself (a sign-in, a
//! sign-out). A request without a session cookie costs no database call.

use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};

#[cfg(feature = "jwt")]
use authmodel::BoxFuture;
#[cfg(feature = "jwt")]
use authmodel::models::DefaultSchema;
#[cfg(feature = "jwt")]
use authmodel::session::jwt::{Claims, Jwt, JwtError};
use authmodel::session::{Cookies, Policy, Secrets, Sessions, SetCookie};
use authmodel::{Adapter, Schema};
use axum::http::header::{COOKIE, SET_COOKIE};
use axum::http::{HeaderMap, HeaderValue, Request, Response};
use tower_layer::Layer;
use tower_service::Service;

/// What the layer found for this request, in its extensions.
pub(crate) struct Resolved<S: Schema> {
    /// The session token of the request's cookie.
    pub(crate) token: Option<String>,
    /// The outcome of the check.
    pub(crate) current: Current<S>,
}

/// What the session check found.
pub(crate) enum Current<S: Schema> {
    /// No session cookie, or no valid session for it.
    Absent,
    /// The valid session and its user.
    Valid(Box<(S::Session, S::User)>),
    /// The adapter failed (logged).
    Failed,
}

/// The request's resolved database session, as the layer stores it in the request's
/// extensions under the database strategy (the extractors read it; a handler may too, with
/// `Extension<AuthState<S>>`). Under the JWT strategy the layer stores a `JwtState` instead.
pub struct AuthState<S: Schema>(pub(crate) Arc<Resolved<S>>);

impl<S: Schema> Clone for AuthState<S> {
    fn clone(&self) -> Self {
        AuthState(Arc::clone(&self.0))
    }
}

impl<S: Schema> AuthState<S> {
    /// The request's session token, when it carried a session cookie (valid or not).
    pub fn token(&self) -> Option<&str> {
        self.0.token.as_deref()
    }

    /// The valid session and its user; `None` when not signed in or when the adapter failed.
    pub fn current(&self) -> Option<&(S::Session, S::User)> {
        match &self.0.current {
            Current::Valid(current) => Some(current),
            Current::Absent | Current::Failed => None,
        }
    }

    /// Whether the adapter failed while the session was checked.
    pub fn failed(&self) -> bool {
        matches!(self.0.current, Current::Failed)
    }
}

/// The session policy and secrets, stored by the layer in every request's extensions as
/// `Arc<AuthContext>`, for what needs no schema ([`CsrfToken`](crate::CsrfToken)).
#[derive(Debug, Clone)]
pub struct AuthContext {
    /// The session policy (cookie names, lifetimes, `Secure`).
    pub policy: Policy,
    /// The application's secrets.
    pub secrets: Secrets,
}

/// A tower [`Layer`] resolving the session of each request, under the strategy it was built
/// for, the outcome stored for the extractors, and the refreshed, renewed or clearing
/// `Set-Cookie` appended to the response unless the handler set the session cookie itself.
///
/// - [`AuthLayer::new`]: database sessions, one [`Sessions::validate`] when the request
///   carries a session cookie (none otherwise);
/// - `AuthLayer::jwt` / `AuthLayer::jwt_with_users` (feature `jwt`): the Next.js app's JWT
///   session cookie, decrypted once per request, no database; `sub` resolved to a user by
///   the adapter given to `jwt_with_users` when an extractor asks for the user.
///
/// ```no_run
/// # use std::sync::Arc;
/// # use authmodel::models::DefaultSchema;
/// # use authmodel::session::{Secrets, Sessions};
/// # use authmodel::MemoryAdapter;
/// use authmodel_axum::{AuthLayer, CurrentUser};
/// use axum::{Router, routing::get};
///
/// # fn app(sessions: Arc<Sessions<DefaultSchema, MemoryAdapter<DefaultSchema>>>) -> Router {
/// Router::new()
///     .route("/me", get(|CurrentUser(user): CurrentUser<DefaultSchema>| async move { user.email }))
///     .layer(AuthLayer::new(sessions))
/// # }
/// ```
pub struct AuthLayer<S: Schema, A: ?Sized> {
    strategy: Strategy<S, A>,
    context: Arc<AuthContext>,
}

/// The session strategy a layer was built for.
enum Strategy<S: Schema, A: ?Sized> {
    /// Database sessions.
    Database(Arc<Sessions<S, A>>),
    /// JWT sessions, with the adapter resolving `sub` when one was given.
    #[cfg(feature = "jwt")]
    Jwt {
        jwt: Arc<Jwt>,
        users: Option<Arc<A>>,
    },
}

impl<S: Schema, A: ?Sized> Clone for Strategy<S, A> {
    fn clone(&self) -> Self {
        match self {
            Strategy::Database(sessions) => Strategy::Database(Arc::clone(sessions)),
            #[cfg(feature = "jwt")]
            Strategy::Jwt { jwt, users } => Strategy::Jwt {
                jwt: Arc::clone(jwt),
                users: users.clone(),
            },
        }
    }
}

impl<S: Schema, A: ?Sized> Clone for AuthLayer<S, A> {
    fn clone(&self) -> Self {
        AuthLayer {
            strategy: self.strategy.clone(),
            context: Arc::clone(&self.context),
        }
    }
}

impl<S: Schema, A: Adapter<S> + ?Sized> AuthLayer<S, A> {
    /// The layer over `sessions` (shared with the handlers that sign in and out): database
    /// sessions.
    pub fn new(sessions: Arc<Sessions<S, A>>) -> Self {
        let context = Arc::new(AuthContext {
            policy: sessions.policy().clone(),
            secrets: sessions.secrets().clone(),
        });
        AuthLayer {
            strategy: Strategy::Database(sessions),
            context,
        }
    }

    /// The layer for JWT sessions, resolving the claims' `sub` to a user through `users` (a
    /// `SqlAdapter`, a `MemoryAdapter`, an `Arc<dyn Adapter<S>>`) when [`CurrentUser`] or
    /// [`MaybeUser`] asks for it: one `get_user` per request that asks, none otherwise.
    /// A `sub` naming no user (deleted since the token was issued) is not signed in: 401.
    ///
    /// `secrets` are the ones `jwt` was built with (the Next.js app's `AUTH_SECRET`); the
    /// layer also keys [`CsrfToken`](crate::CsrfToken)'s cookie with them.
    ///
    /// [`CurrentUser`]: crate::CurrentUser
    /// [`MaybeUser`]: crate::MaybeUser
    ///
    /// ```no_run
    /// use std::sync::Arc;
    /// use authmodel::models::DefaultSchema;
    /// use authmodel::session::{Secrets, jwt::Jwt};
    /// use authmodel_axum::{AuthLayer, CurrentClaims, CurrentUser};
    /// use axum::{Router, routing::get};
    ///
    /// # async fn app() -> Result<Router, Box<dyn std::error::Error>> {
    /// let secrets = Secrets::from_env()?;
    /// let jwt = Arc::new(Jwt::new(secrets.clone()));
    /// let users = Arc::new(authmodel::connect("sqlite://auth.db").await?);
    /// Ok(Router::new()
    ///     .route("/me", get(|CurrentUser(user): CurrentUser<DefaultSchema>| async move { user.email }))
    ///     .route("/sub", get(|CurrentClaims(claims): CurrentClaims| async move { claims.sub.unwrap_or_default() }))
    ///     .layer(AuthLayer::jwt_with_users(jwt, secrets, users)))
    /// # }
    /// ```
    #[cfg(feature = "jwt")]
    pub fn jwt_with_users(jwt: Arc<Jwt>, secrets: Secrets, users: Arc<A>) -> Self {
        AuthLayer {
            context: Arc::new(AuthContext {
                policy: jwt.policy().clone(),
                secrets,
            }),
            strategy: Strategy::Jwt {
                jwt,
                users: Some(users),
            },
        }
    }
}

#[cfg(feature = "jwt")]
impl AuthLayer<DefaultSchema, dyn Adapter<DefaultSchema>> {
    /// The layer for JWT sessions without a user store: [`CurrentClaims`](crate::CurrentClaims)
    /// gives the claims (no database at all). [`CurrentUser`](crate::CurrentUser) and
    /// [`MaybeUser`](crate::MaybeUser) cannot tell whether `sub` still names a user, so they
    /// find none: `CurrentUser` answers 401 (with a warning in the log naming
    /// [`AuthLayer::jwt_with_users`]), `MaybeUser` is `None`. The type parameters are unused.
    ///
    /// `secrets` are the ones `jwt` was built with (the Next.js app's `AUTH_SECRET`); the
    /// layer also keys [`CsrfToken`](crate::CsrfToken)'s cookie with them.
    ///
    /// ```
    /// use std::sync::Arc;
    /// use authmodel::session::{Secrets, jwt::Jwt};
    /// use authmodel_axum::{AuthLayer, CurrentClaims};
    /// use axum::{Router, routing::get};
    ///
    /// let secrets = Secrets::new(["the-nextjs-app's-AUTH_SECRET"])?;
    /// let jwt = Arc::new(Jwt::new(secrets.clone()));
    /// let app: Router = Router::new()
    ///     .route("/email", get(|CurrentClaims(claims): CurrentClaims| async move {
    ///         claims.email.unwrap_or_default()
    ///     }))
    ///     .layer(AuthLayer::jwt(jwt, secrets));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn jwt(jwt: Arc<Jwt>, secrets: Secrets) -> Self {
        AuthLayer {
            context: Arc::new(AuthContext {
                policy: jwt.policy().clone(),
                secrets,
            }),
            strategy: Strategy::Jwt { jwt, users: None },
        }
    }
}

impl<Svc, S: Schema, A: ?Sized> Layer<Svc> for AuthLayer<S, A> {
    type Service = AuthService<Svc, S, A>;

    fn layer(&self, inner: Svc) -> Self::Service {
        AuthService {
            inner,
            strategy: self.strategy.clone(),
            context: Arc::clone(&self.context),
        }
    }
}

/// The service [`AuthLayer`] wraps around the routes.
pub struct AuthService<Svc, S: Schema, A: ?Sized> {
    inner: Svc,
    strategy: Strategy<S, A>,
    context: Arc<AuthContext>,
}

impl<Svc: Clone, S: Schema, A: ?Sized> Clone for AuthService<Svc, S, A> {
    fn clone(&self) -> Self {
        AuthService {
            inner: self.inner.clone(),
            strategy: self.strategy.clone(),
            context: Arc::clone(&self.context),
        }
    }
}

impl<Svc, S, A, ReqBody, ResBody> Service<Request<ReqBody>> for AuthService<Svc, S, A>
where
    Svc: Service<Request<ReqBody>, Response = Response<ResBody>> + Clone + Send + 'static,
    Svc::Future: Send + 'static,
    S: Schema,
    A: Adapter<S> + ?Sized + 'static,
    ReqBody: Send + 'static,
{
    type Response = Response<ResBody>;
    type Error = Svc::Error;
    type Future = Pin<Box<dyn Future<Output = Result<Self::Response, Self::Error>> + Send>>;

    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), Self::Error>> {
        self.inner.poll_ready(cx)
    }

    fn call(&mut self, mut request: Request<ReqBody>) -> Self::Future {
        // The clone that was polled ready serves this request (tower's usual dance).
        let clone = self.inner.clone();
        let mut inner = std::mem::replace(&mut self.inner, clone);
        let strategy = self.strategy.clone();
        let context = Arc::clone(&self.context);
        Box::pin(async move {
            let cookies = request_cookies(request.headers());
            let set_cookies = match strategy {
                Strategy::Database(sessions) => {
                    resolve_database(&sessions, &cookies, request.extensions_mut()).await
                }
                #[cfg(feature = "jwt")]
                Strategy::Jwt { jwt, users } => {
                    resolve_jwt::<S, A>(&jwt, users, &cookies, request.extensions_mut())
                }
            };
            request.extensions_mut().insert(context);
            let mut response = inner.call(request).await?;
            // Whether the handler set the session cookie (any chunk of it) itself: checked
            // before the layer appends any, so that all of the layer's chunks go out.
            let handled: Vec<bool> = set_cookies
                .iter()
                .map(|cookie| sets_cookie(response.headers(), base_name(&cookie.name)))
                .collect();
            for (cookie, handled) in set_cookies.into_iter().zip(handled) {
                if !handled && let Ok(value) = HeaderValue::try_from(cookie.to_string()) {
                    response.headers_mut().append(SET_COOKIE, value);
                }
            }
            Ok(response)
        })
    }
}

/// Database sessions: one [`Sessions::validate`] when the request carries a session cookie;
/// stores [`AuthState`], returns the session cookie to send.
async fn resolve_database<S: Schema, A: Adapter<S> + ?Sized>(
    sessions: &Sessions<S, A>,
    cookies: &Cookies,
    extensions: &mut axum::http::Extensions,
) -> Vec<SetCookie> {
    let token = sessions.token_from_cookies(cookies);
    let (current, set_cookie) = match &token {
        None => (Current::Absent, None),
        Some(token) => match sessions.validate(token).await {
            Ok(validation) => {
                let cookie = validation.cookie();
                let current = validation
                    .current
                    .map_or(Current::Absent, |c| Current::Valid(Box::new(c)));
                (current, Some(cookie))
            }
            Err(error) => {
                tracing::error!(%error, "the session could not be checked");
                (Current::Failed, None)
            }
        },
    };
    extensions.insert(AuthState::<S>(Arc::new(Resolved { token, current })));
    set_cookie.into_iter().collect()
}

/// JWT sessions: one `Jwt::validate`; stores [`JwtState`] (and the user lookup when the
/// layer has a user store), returns the renewal or clearing cookies.
#[cfg(feature = "jwt")]
fn resolve_jwt<S: Schema, A: Adapter<S> + ?Sized + 'static>(
    jwt: &Jwt,
    users: Option<Arc<A>>,
    cookies: &Cookies,
    extensions: &mut axum::http::Extensions,
) -> Vec<SetCookie> {
    let session = jwt.validate(cookies);
    let has_users = users.is_some();
    match (&session.claims, &session.error) {
        (Some(_), Some(error)) => {
            tracing::error!(%error, "the JWT session was due for renewal and could not be renewed");
        }
        (None, Some(error)) => tracing::debug!(%error, "the JWT session cookie was refused"),
        (_, None) => {}
    }
    if let Some(users) = users {
        extensions.insert(UserLookup::<S>(Arc::new(AdapterUsers(users))));
    }
    extensions.insert(JwtState(Arc::new(JwtResolved {
        claims: session.claims,
        error: session.error,
        renewed: session.renewed,
        users: has_users,
    })));
    session.cookies
}

/// What the layer found for this request under the JWT strategy.
#[cfg(feature = "jwt")]
pub(crate) struct JwtResolved {
    claims: Option<Claims>,
    error: Option<JwtError>,
    renewed: bool,
    /// Whether the layer has a user store.
    users: bool,
}

/// The request's JWT session, as the layer stores it in the request's extensions under the
/// JWT strategy (feature `jwt`): [`CurrentClaims`](crate::CurrentClaims) reads it; a handler
/// may too, with `Extension<JwtState>`, for instance to see why a cookie was refused.
#[cfg(feature = "jwt")]
#[derive(Clone)]
pub struct JwtState(pub(crate) Arc<JwtResolved>);

#[cfg(feature = "jwt")]
impl JwtState {
    /// The session's claims (after a renewal, the new token's); `None` when the request
    /// carried no session cookie or it was refused.
    pub fn claims(&self) -> Option<&Claims> {
        self.0.claims.as_ref()
    }

    /// Why the session cookie was refused (the layer then clears it); or why a due renewal
    /// failed (the claims are then the still valid old ones).
    pub fn error(&self) -> Option<&JwtError> {
        self.0.error.as_ref()
    }

    /// Whether the layer re-issued the token with a new `exp` on this request.
    pub fn renewed(&self) -> bool {
        self.0.renewed
    }

    /// Whether the layer resolves `sub` to users ([`AuthLayer::jwt_with_users`]).
    pub fn has_user_store(&self) -> bool {
        self.0.users
    }
}

/// Looks a user up by id: the JWT layer's adapter, behind a trait object the extractors can
/// name knowing only the schema.
#[cfg(feature = "jwt")]
pub(crate) trait Users<S: Schema>: Send + Sync {
    fn user<'a>(&'a self, id: &'a str) -> BoxFuture<'a, authmodel::Result<Option<S::User>>>;
}

#[cfg(feature = "jwt")]
struct AdapterUsers<A: ?Sized>(Arc<A>);

#[cfg(feature = "jwt")]
impl<S: Schema, A: Adapter<S> + ?Sized> Users<S> for AdapterUsers<A> {
    fn user<'a>(&'a self, id: &'a str) -> BoxFuture<'a, authmodel::Result<Option<S::User>>> {
        self.0.get_user(id)
    }
}

/// The JWT layer's user store, in the request's extensions.
#[cfg(feature = "jwt")]
pub(crate) struct UserLookup<S: Schema>(pub(crate) Arc<dyn Users<S>>);

#[cfg(feature = "jwt")]
impl<S: Schema> Clone for UserLookup<S> {
    fn clone(&self) -> Self {
        UserLookup(Arc::clone(&self.0))
    }
}

/// The request's cookies: every `Cookie` header (HTTP/2 may send several), joined, parsed as
/// Auth.js parses them. For cookies of the application's own, such as an OAuth `state`.
pub fn request_cookies(headers: &HeaderMap) -> Cookies {
    let joined = headers
        .get_all(COOKIE)
        .iter()
        .filter_map(|value| value.to_str().ok())
        .collect::<Vec<_>>()
        .join("; ");
    Cookies::parse(&joined)
}

/// A cookie's name without its chunk suffix: `authjs.session-token.1` → `authjs.session-token`.
fn base_name(name: &str) -> &str {
    match name.rsplit_once('.') {
        Some((base, index)) if !index.is_empty() && index.bytes().all(|b| b.is_ascii_digit()) => {
            base
        }
        _ => name,
    }
}

/// Whether the response already sets the cookie `name`, whole or any chunk of it.
fn sets_cookie(headers: &HeaderMap, name: &str) -> bool {
    headers.get_all(SET_COOKIE).iter().any(|value| {
        value
            .to_str()
            .ok()
            .and_then(|v| v.split_once('='))
            .is_some_and(|(n, _)| base_name(n.trim()) == name)
    })
}
