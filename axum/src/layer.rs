//! The layer that resolves the session once per request.
//!
//! Entry points: [`AuthLayer`] (a tower [`Layer`]) and its service [`AuthService`]. For each
//! request it reads the session cookie (either Auth.js generation, with or without
//! `__Secure-`), calls [`Sessions::validate`] once, stores the outcome in the request's
//! extensions for the extractors, and appends the session `Set-Cookie` that `validate` returned
//! (Auth.js re-sends the cookie with a new `Expires` on every valid request, and clears it when
//! the session is gone), unless the handler set that cookie itself (a sign-in, a sign-out).
//! A request without a session cookie costs no database call.

use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};

use authmodel::session::{Cookies, Policy, Secrets, Sessions};
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

/// The request's resolved session, as the layer stores it in the request's extensions (the
/// extractors read it; a handler may too, with `Extension<AuthState<S>>`).
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

/// A tower [`Layer`] resolving the session of each request: one [`Sessions::validate`] when
/// the request carries a session cookie (none otherwise), the outcome stored for the
/// extractors, and the refreshed or clearing `Set-Cookie` appended to the response unless the
/// handler set the session cookie itself.
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
    sessions: Arc<Sessions<S, A>>,
    context: Arc<AuthContext>,
}

impl<S: Schema, A: ?Sized> Clone for AuthLayer<S, A> {
    fn clone(&self) -> Self {
        AuthLayer {
            sessions: Arc::clone(&self.sessions),
            context: Arc::clone(&self.context),
        }
    }
}

impl<S: Schema, A: Adapter<S> + ?Sized> AuthLayer<S, A> {
    /// The layer over `sessions` (shared with the handlers that sign in and out).
    pub fn new(sessions: Arc<Sessions<S, A>>) -> Self {
        let context = Arc::new(AuthContext {
            policy: sessions.policy().clone(),
            secrets: sessions.secrets().clone(),
        });
        AuthLayer { sessions, context }
    }
}

impl<Svc, S: Schema, A: ?Sized> Layer<Svc> for AuthLayer<S, A> {
    type Service = AuthService<Svc, S, A>;

    fn layer(&self, inner: Svc) -> Self::Service {
        AuthService {
            inner,
            sessions: Arc::clone(&self.sessions),
            context: Arc::clone(&self.context),
        }
    }
}

/// The service [`AuthLayer`] wraps around the routes.
pub struct AuthService<Svc, S: Schema, A: ?Sized> {
    inner: Svc,
    sessions: Arc<Sessions<S, A>>,
    context: Arc<AuthContext>,
}

impl<Svc: Clone, S: Schema, A: ?Sized> Clone for AuthService<Svc, S, A> {
    fn clone(&self) -> Self {
        AuthService {
            inner: self.inner.clone(),
            sessions: Arc::clone(&self.sessions),
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
        let sessions = Arc::clone(&self.sessions);
        let context = Arc::clone(&self.context);
        Box::pin(async move {
            let token = sessions.token_from_cookies(&request_cookies(request.headers()));
            let (current, set_cookie) = match &token {
                None => (Current::Absent, None),
                Some(token) => match sessions.validate(token).await {
                    Ok(validation) => {
                        let current = validation
                            .current
                            .map_or(Current::Absent, |c| Current::Valid(Box::new(c)));
                        (current, Some(validation.cookie))
                    }
                    Err(error) => {
                        tracing::error!(%error, "the session could not be checked");
                        (Current::Failed, None)
                    }
                },
            };
            let resolved = AuthState::<S>(Arc::new(Resolved { token, current }));
            request.extensions_mut().insert(resolved);
            request.extensions_mut().insert(context);
            let mut response = inner.call(request).await?;
            if let Some(cookie) = set_cookie
                && !sets_cookie(response.headers(), &cookie.name)
                && let Ok(value) = HeaderValue::try_from(cookie.to_string())
            {
                response.headers_mut().append(SET_COOKIE, value);
            }
            Ok(response)
        })
    }
}

/// The request's cookies: every `Cookie` header (HTTP/2 may send several), joined.
pub(crate) fn request_cookies(headers: &HeaderMap) -> Cookies {
    let joined = headers
        .get_all(COOKIE)
        .iter()
        .filter_map(|value| value.to_str().ok())
        .collect::<Vec<_>>()
        .join("; ");
    Cookies::parse(&joined)
}

/// Whether the response already sets the cookie `name`.
fn sets_cookie(headers: &HeaderMap, name: &str) -> bool {
    headers.get_all(SET_COOKIE).iter().any(|value| {
        value
            .to_str()
            .ok()
            .and_then(|v| v.split_once('='))
            .is_some_and(|(n, _)| n.trim() == name)
    })
}
