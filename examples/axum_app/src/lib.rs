//! An axum service that signs in with GitHub and keeps Auth.js database sessions through
//! authmodel. `main.rs` runs it from the environment; the tests run it against a fake
//! provider.
//!
//! What it shows:
//! - an extended user: [`AppUser`] flattens the default user and adds a `role` column
//!   (`member` by default), served by [`AppAuth`];
//! - sign-in with GitHub through the `oauth2` crate: authorization code, PKCE (S256), a
//!   random `state` checked against a short-lived cookie ([`github`]);
//! - the session: `authmodel::session::Sessions` over a `SqlAdapter` (SQLite by default),
//!   [`AuthLayer`] resolving the session cookie once per request;
//! - a protected route (`/me`, [`CurrentUser`]), a role check (`/admin`: 403 unless the role
//!   is `admin`), and sign-out with Auth.js's CSRF double-submit cookie (`/signout`).

pub mod github;

use std::sync::Arc;

use authmodel::models::User;
use authmodel::session::{Policy, Secrets, Sessions, SetCookie};
use authmodel::{AuthModel, AuthSchema, Options, SqlAdapter};
use authmodel_axum::{
    AuthError, AuthLayer, CsrfToken, CurrentUser, MaybeUser, SetCookies, SignOutForm,
    request_cookies, sign_out,
};
use axum::extract::{Form, Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{Html, IntoResponse, Redirect, Response};
use axum::routing::get;
use axum::{Json, Router};
use serde::Deserialize;

use crate::github::{Endpoints, GitHub};

/// The application's user: the default fields plus a role.
#[derive(Debug, Clone, PartialEq, AuthModel)]
#[auth(role = "user")]
pub struct AppUser {
    /// id, name, email, email_verified, image.
    #[auth(flatten)]
    pub base: User,
    /// What the user may do: `member` (the default) or `admin`.
    #[auth(default = "member", max_len = 20)]
    pub role: String,
}

/// The default schema with [`AppUser`] as its user.
#[derive(AuthSchema)]
#[auth(user = AppUser)]
pub struct AppAuth;

/// The adapter the app runs on.
pub type Adapter = SqlAdapter<AppAuth>;

/// The session layer the app runs on.
pub type AppSessions = Sessions<AppAuth, Adapter>;

/// The app's settings.
#[derive(Debug, Clone)]
pub struct Config {
    /// The GitHub OAuth app's client id (`GITHUB_CLIENT_ID`).
    pub github_client_id: String,
    /// Its client secret (`GITHUB_CLIENT_SECRET`).
    pub github_client_secret: String,
    /// GitHub's endpoints (`GITHUB_AUTHORIZE_URL`, `GITHUB_TOKEN_URL`, `GITHUB_USER_URL`,
    /// `GITHUB_EMAILS_URL`; GitHub's own when unset).
    pub endpoints: Endpoints,
    /// The secrets (`AUTH_SECRET`, with Auth.js's fallbacks).
    pub secrets: Secrets,
    /// The database (`DATABASE_URL`, default `sqlite://axum_app.db`).
    pub database_url: String,
    /// Where the app is reached (`APP_URL`, default `http://127.0.0.1:3000`): the callback is
    /// `{APP_URL}/callback/github`, and cookies are `Secure` when it is `https:`.
    pub app_url: String,
}

/// A missing setting.
#[derive(Debug)]
pub struct MissingVariable(pub &'static str);

impl std::fmt::Display for MissingVariable {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "set {} (see examples/axum_app/README.md)", self.0)
    }
}

impl std::error::Error for MissingVariable {}

impl Config {
    /// The settings from the environment.
    ///
    /// # Errors
    ///
    /// When `GITHUB_CLIENT_ID`, `GITHUB_CLIENT_SECRET` or every secret is unset.
    pub fn from_env() -> Result<Config, Box<dyn std::error::Error>> {
        let var = |name| std::env::var(name).ok().filter(|v| !v.is_empty());
        let required = |name: &'static str| var(name).ok_or(MissingVariable(name));
        let defaults = Endpoints::default();
        Ok(Config {
            github_client_id: required("GITHUB_CLIENT_ID")?,
            github_client_secret: required("GITHUB_CLIENT_SECRET")?,
            endpoints: Endpoints {
                authorize: var("GITHUB_AUTHORIZE_URL").unwrap_or(defaults.authorize),
                token: var("GITHUB_TOKEN_URL").unwrap_or(defaults.token),
                user: var("GITHUB_USER_URL").unwrap_or(defaults.user),
                emails: var("GITHUB_EMAILS_URL").unwrap_or(defaults.emails),
            },
            secrets: Secrets::from_env()?,
            database_url: var("DATABASE_URL").unwrap_or_else(|| "sqlite://axum_app.db".into()),
            app_url: var("APP_URL").unwrap_or_else(|| "http://127.0.0.1:3000".into()),
        })
    }
}

/// The running app's shared state.
#[derive(Clone)]
pub struct App {
    /// The session layer (and through it the adapter).
    pub sessions: Arc<AppSessions>,
    github: Arc<GitHub>,
}

/// Connects to the database (creating the tables when missing) and builds the router.
///
/// # Errors
///
/// When the database cannot be reached or a URL in the settings is malformed.
pub async fn build(config: Config) -> Result<(Router, App), Box<dyn std::error::Error>> {
    let adapter =
        Adapter::connect(&config.database_url, Options::default().synchronize(true)).await?;
    let policy = Policy::default().secure(config.app_url.starts_with("https:"));
    let sessions = Arc::new(Sessions::new(adapter, config.secrets).with_policy(policy));
    let redirect = format!("{}/callback/github", config.app_url.trim_end_matches('/'));
    let github = GitHub::new(
        &config.github_client_id,
        &config.github_client_secret,
        &redirect,
        config.endpoints,
    )?;
    let app = App {
        sessions: Arc::clone(&sessions),
        github: Arc::new(github),
    };
    let router = Router::new()
        .route("/", get(home))
        .route("/signin/github", get(sign_in))
        .route("/callback/github", get(callback))
        .route("/me", get(me))
        .route("/admin", get(admin))
        .route("/signout", get(sign_out_page).post(post_sign_out))
        .route("/api/auth/csrf", get(csrf))
        .with_state(app.clone())
        .layer(AuthLayer::new(sessions));
    Ok((router, app))
}

/// The cookies holding a started sign-in's `state` and PKCE verifier for 15 minutes, as
/// Auth.js keeps its check cookies.
const STATE_COOKIE: &str = "axum_app.state";
const PKCE_COOKIE: &str = "axum_app.pkce";

fn check_cookie(app: &App, name: &str, value: String) -> SetCookie {
    let secure = app.sessions.policy().secure;
    let prefix = if secure { "__Secure-" } else { "" };
    let mut cookie = SetCookie::new(format!("{prefix}{name}"), value, secure);
    cookie.max_age = Some(900);
    cookie
}

fn clear_check_cookie(app: &App, name: &str) -> SetCookie {
    let mut cookie = check_cookie(app, name, String::new());
    cookie.max_age = Some(0);
    cookie
}

#[derive(Deserialize)]
struct HomeQuery {
    error: Option<String>,
}

fn escape(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

async fn home(MaybeUser(user): MaybeUser<AppAuth>, Query(query): Query<HomeQuery>) -> Html<String> {
    let error = query
        .error
        .map(|e| format!("<p>Sign-in failed: {}</p>", escape(&e)))
        .unwrap_or_default();
    let body = match user {
        Some(user) => format!(
            r#"<p>Signed in as {} ({})</p><a href="/me">me</a> <a href="/admin">admin</a> <a href="/signout">sign out</a>"#,
            escape(&user.base.email),
            escape(&user.role)
        ),
        None => r#"<a href="/signin/github">Sign in with GitHub</a>"#.to_owned(),
    };
    Html(format!(
        "<!doctype html><title>axum_app</title>{error}{body}"
    ))
}

async fn sign_in(State(app): State<App>) -> impl IntoResponse {
    let authorization = app.github.authorize();
    let cookies = SetCookies(vec![
        check_cookie(&app, STATE_COOKIE, authorization.state),
        check_cookie(&app, PKCE_COOKIE, authorization.pkce_verifier),
    ]);
    (cookies, Redirect::to(&authorization.url))
}

#[derive(Deserialize)]
struct CallbackQuery {
    code: Option<String>,
    state: Option<String>,
    error: Option<String>,
}

async fn callback(
    State(app): State<App>,
    headers: HeaderMap,
    current: Option<authmodel_axum::CurrentSession<AppAuth>>,
    Query(query): Query<CallbackQuery>,
) -> Response {
    let clear = vec![
        clear_check_cookie(&app, STATE_COOKIE),
        clear_check_cookie(&app, PKCE_COOKIE),
    ];
    let cookies = request_cookies(&headers);
    let secure_name = |name: &str| check_cookie(&app, name, String::new()).name;
    let expected_state = cookies
        .get(&secure_name(STATE_COOKIE))
        .filter(|s| !s.is_empty());
    let verifier = cookies
        .get(&secure_name(PKCE_COOKIE))
        .filter(|s| !s.is_empty());
    if let Some(error) = query.error {
        tracing::warn!(%error, "GitHub refused the sign-in");
        return (SetCookies(clear), Redirect::to("/?error=AccessDenied")).into_response();
    }
    // Auth.js's `InvalidCheck`: the state must be the one this browser was sent off with.
    let (Some(code), Some(state), Some(expected), Some(verifier)) =
        (query.code, query.state, expected_state, verifier)
    else {
        return (StatusCode::FORBIDDEN, SetCookies(clear), "InvalidCheck").into_response();
    };
    if state != expected {
        return (StatusCode::FORBIDDEN, SetCookies(clear), "InvalidCheck").into_response();
    }
    let (account, profile) = match app.github.exchange(code, verifier.to_owned()).await {
        Ok(found) => found,
        Err(error) => {
            tracing::error!(%error, "the GitHub callback failed");
            return (
                StatusCode::BAD_GATEWAY,
                SetCookies(clear),
                "OAuthCallbackError",
            )
                .into_response();
        }
    };
    let current = current.map(|c| c.token);
    match app
        .sessions
        .sign_in_oauth(account, &profile, current.as_deref())
        .await
    {
        Ok(signed_in) => {
            let mut cookies = clear;
            cookies.extend(signed_in.cookie);
            (SetCookies(cookies), Redirect::to("/me")).into_response()
        }
        Err(error) => {
            let error = AuthError::from(error);
            if error.status().is_client_error() {
                (SetCookies(clear), error.redirect("/")).into_response()
            } else {
                (SetCookies(clear), error).into_response()
            }
        }
    }
}

/// What `/me` shows of the user.
#[derive(Debug, serde::Serialize)]
struct Me {
    id: String,
    email: String,
    name: Option<String>,
    role: String,
}

async fn me(CurrentUser(user): CurrentUser<AppAuth>) -> Json<Me> {
    Json(Me {
        id: user.base.id.to_string(),
        email: user.base.email,
        name: user.base.name,
        role: user.role,
    })
}

async fn admin(CurrentUser(user): CurrentUser<AppAuth>) -> Result<String, AuthError> {
    if user.role != "admin" {
        return Err(AuthError::Forbidden);
    }
    Ok(format!("admin area: welcome {}", user.base.email))
}

async fn sign_out_page(csrf: CsrfToken) -> impl IntoResponse {
    let form = format!(
        r#"<!doctype html><title>Sign out</title><form method="post" action="/signout"><input type="hidden" name="csrfToken" value="{}"><button>Sign out</button></form>"#,
        csrf.token()
    );
    (csrf, Html(form))
}

async fn post_sign_out(
    State(app): State<App>,
    headers: HeaderMap,
    Form(form): Form<SignOutForm>,
) -> Result<impl IntoResponse, AuthError> {
    let cleared = sign_out(&app.sessions, &headers, form.csrf_token.as_deref()).await?;
    Ok((cleared, Redirect::to("/")))
}

#[derive(serde::Serialize)]
struct CsrfBody {
    #[serde(rename = "csrfToken")]
    csrf_token: String,
}

/// Auth.js's `GET /api/auth/csrf`: `{"csrfToken": ...}`, with the cookie when new.
async fn csrf(csrf: CsrfToken) -> impl IntoResponse {
    let body = Json(CsrfBody {
        csrf_token: csrf.token().to_owned(),
    });
    (csrf, body)
}
