//! The layer and the extractors under the JWT session strategy, driven through a real axum
//! `Router` (tower's `oneshot`): tokens issued by `Jwt::issue` (the `@auth/core` code path
//! that runtime/tests/jwt.rs proves byte-compatible), users from the memory adapter and SQLite.
#![cfg(feature = "jwt")]

use std::sync::{Arc, Mutex};

use authmodel::models::{DefaultSchema, User};
use authmodel::session::jwt::{Claims, Jwt};
use authmodel::session::{Cookies, Policy, Secrets, Sessions};
use authmodel::{Adapter, MemoryAdapter};
use authmodel_axum::{
    AuthLayer, CsrfToken, CurrentClaims, CurrentSession, CurrentUser, JwtState, MaybeUser,
    SetCookies,
};
use axum::body::Body;
use axum::http::header::{COOKIE, SET_COOKIE};
use axum::http::{HeaderMap, Request, Response, StatusCode};
use axum::routing::get;
use axum::{Extension, Router};
use chrono::{DateTime, Duration, TimeZone, Utc};
use http_body_util::BodyExt;
use serde_json::json;
use tower::ServiceExt;

const SECRET: &str = "the-nextjs-app-secret";

/// A clock the test moves.
#[derive(Clone)]
struct Clock(Arc<Mutex<DateTime<Utc>>>);

impl Clock {
    fn new() -> Clock {
        Clock(Arc::new(Mutex::new(
            Utc.with_ymd_and_hms(2026, 12, 1, 12, 0, 0).unwrap(),
        )))
    }
    fn now(&self) -> DateTime<Utc> {
        *self.0.lock().unwrap()
    }
    fn advance(&self, by: Duration) {
        *self.0.lock().unwrap() += by;
    }
}

fn secrets() -> Secrets {
    Secrets::new([SECRET]).unwrap()
}

fn jwt(clock: &Clock) -> Arc<Jwt> {
    let clock = clock.clone();
    Arc::new(Jwt::new(secrets()).with_clock(move || clock.now()))
}

fn routes() -> Router {
    Router::new()
        .route(
            "/claims",
            get(|CurrentClaims(claims): CurrentClaims| async move {
                serde_json::to_string(&claims).unwrap()
            }),
        )
        .route(
            "/optional-claims",
            get(|claims: Option<CurrentClaims>| async move {
                claims.map_or("anonymous".to_owned(), |CurrentClaims(c)| {
                    c.sub.unwrap_or_default()
                })
            }),
        )
        .route(
            "/me",
            get(|CurrentUser(user): CurrentUser<DefaultSchema>| async move { user.email }),
        )
        .route(
            "/maybe",
            get(|MaybeUser(user): MaybeUser<DefaultSchema>| async move {
                user.map_or("anonymous".to_owned(), |u| u.email)
            }),
        )
        .route(
            // Two extractors of the user: one lookup, the same user.
            "/twice",
            get(
                |CurrentUser(a): CurrentUser<DefaultSchema>,
                 MaybeUser(b): MaybeUser<DefaultSchema>| async move {
                    assert_eq!(Some(&a.email), b.as_ref().map(|u| &u.email));
                    a.email
                },
            ),
        )
        .route(
            "/session",
            get(|current: CurrentSession<DefaultSchema>| async move { current.token }),
        )
        .route(
            "/state",
            get(|Extension(state): Extension<JwtState>| async move {
                format!(
                    "renewed={} error={}",
                    state.renewed(),
                    state.error().map_or("none".to_owned(), |e| e.to_string())
                )
            }),
        )
        .route(
            "/csrf",
            get(|csrf: CsrfToken| async move {
                let token = csrf.token().to_owned();
                (csrf, token)
            }),
        )
}

/// The app under JWT sessions, `sub` resolved through `users`.
fn app<A: Adapter<DefaultSchema> + ?Sized + 'static>(jwt: Arc<Jwt>, users: Arc<A>) -> Router {
    routes().layer(AuthLayer::jwt_with_users(jwt, secrets(), users))
}

async fn send(app: &Router, request: Request<Body>) -> (StatusCode, HeaderMap, String) {
    let response: Response<Body> = app.clone().oneshot(request).await.unwrap();
    let status = response.status();
    let headers = response.headers().clone();
    let body = response.into_body().collect().await.unwrap().to_bytes();
    (status, headers, String::from_utf8_lossy(&body).into_owned())
}

fn get_with(path: &str, cookie: Option<&str>) -> Request<Body> {
    let mut builder = Request::get(path);
    if let Some(cookie) = cookie {
        builder = builder.header(COOKIE, cookie);
    }
    builder.body(Body::empty()).unwrap()
}

fn set_cookies(headers: &HeaderMap) -> Vec<String> {
    headers
        .get_all(SET_COOKIE)
        .iter()
        .map(|v| v.to_str().unwrap().to_owned())
        .collect()
}

/// The `Cookie` header a browser sends after `claims` were issued by `jwt`.
fn cookie_for(jwt: &Jwt, claims: Claims) -> String {
    let issued = jwt.issue(claims, &Cookies::default()).unwrap();
    issued
        .cookies
        .iter()
        .map(|c| format!("{}={}", c.name, c.value))
        .collect::<Vec<_>>()
        .join("; ")
}

async fn ada<A: Adapter<DefaultSchema>>(adapter: &A) -> User {
    adapter
        .create_user(User {
            id: uuid::Uuid::nil(),
            name: Some("Ada".to_owned()),
            email: "ada@example.com".to_owned(),
            email_verified: None,
            image: None,
        })
        .await
        .unwrap()
}

fn claims_of(user: &User) -> Claims {
    Claims::user(
        user.id.to_string(),
        user.name.as_deref(),
        Some(&user.email),
        None,
    )
    .with("role", json!("admin"))
}

#[tokio::test]
async fn a_token_gives_its_claims_and_the_user_sub_names() {
    let clock = Clock::new();
    let jwt = jwt(&clock);
    let users = Arc::new(MemoryAdapter::<DefaultSchema>::new());
    let user = ada(&*users).await;
    let app = app(Arc::clone(&jwt), users);
    let cookie = cookie_for(&jwt, claims_of(&user));

    let (status, headers, body) = send(&app, get_with("/claims", Some(&cookie))).await;
    assert_eq!(status, StatusCode::OK);
    let claims: serde_json::Value = serde_json::from_str(&body).unwrap();
    assert_eq!(claims["sub"], user.id.to_string());
    assert_eq!(claims["email"], "ada@example.com");
    assert_eq!(claims["name"], "Ada");
    assert_eq!(claims["role"], "admin");
    assert_eq!(claims["exp"], clock.now().timestamp() + 2_592_000);
    assert!(set_cookies(&headers).is_empty(), "fresh: nothing to renew");

    for path in ["/me", "/maybe", "/twice"] {
        let (status, _, body) = send(&app, get_with(path, Some(&cookie))).await;
        assert_eq!((status, body.as_str()), (StatusCode::OK, "ada@example.com"));
    }
    let (status, _, body) = send(&app, get_with("/optional-claims", Some(&cookie))).await;
    assert_eq!((status, body), (StatusCode::OK, user.id.to_string()));
}

#[tokio::test]
async fn a_sub_naming_no_user_is_not_signed_in() {
    let clock = Clock::new();
    let jwt = jwt(&clock);
    let users = Arc::new(MemoryAdapter::<DefaultSchema>::new());
    let user = ada(&*users).await;
    let app = app(Arc::clone(&jwt), Arc::clone(&users));

    // A user deleted since the token was issued, and a token without `sub`.
    let deleted = cookie_for(&jwt, claims_of(&user));
    users.delete_user(&user.id.to_string()).await.unwrap();
    let no_sub = cookie_for(&jwt, Claims::default().with("role", json!("guest")));
    for cookie in [&deleted, &no_sub] {
        let (status, _, body) = send(&app, get_with("/me", Some(cookie))).await;
        assert_eq!(
            (status, body.as_str()),
            (StatusCode::UNAUTHORIZED, "Unauthorized")
        );
        let (status, _, body) = send(&app, get_with("/maybe", Some(cookie))).await;
        assert_eq!((status, body.as_str()), (StatusCode::OK, "anonymous"));
        // The token itself is still valid: its claims are there.
        let (status, _, _) = send(&app, get_with("/claims", Some(cookie))).await;
        assert_eq!(status, StatusCode::OK);
    }
}

#[tokio::test]
async fn the_user_comes_from_sqlite_too() {
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite://{}", dir.path().join("auth.db").display());
    let adapter = Arc::new(authmodel::connect(&url).await.unwrap());
    let user = ada(&*adapter).await;
    let clock = Clock::new();
    let jwt = jwt(&clock);
    // The adapter as a trait object, chosen at run time.
    let users: Arc<dyn Adapter<DefaultSchema>> = adapter;
    let app = app(Arc::clone(&jwt), users);

    let cookie = cookie_for(&jwt, claims_of(&user));
    let (status, _, body) = send(&app, get_with("/me", Some(&cookie))).await;
    assert_eq!((status, body.as_str()), (StatusCode::OK, "ada@example.com"));

    let stranger = cookie_for(
        &jwt,
        Claims::user(uuid::Uuid::new_v4().to_string(), None, None, None),
    );
    let (status, _, _) = send(&app, get_with("/me", Some(&stranger))).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
}

#[tokio::test]
async fn without_a_cookie_the_required_extractors_reject_with_401_and_nothing_is_set() {
    let jwt = jwt(&Clock::new());
    let app = app(jwt, Arc::new(MemoryAdapter::<DefaultSchema>::new()));
    for path in ["/claims", "/me"] {
        let (status, headers, body) = send(&app, get_with(path, None)).await;
        assert_eq!(
            (status, body.as_str()),
            (StatusCode::UNAUTHORIZED, "Unauthorized"),
            "{path}"
        );
        assert!(set_cookies(&headers).is_empty(), "{path}");
    }
    for (path, expected) in [("/maybe", "anonymous"), ("/optional-claims", "anonymous")] {
        let (status, _, body) = send(&app, get_with(path, None)).await;
        assert_eq!(
            (status, body.as_str()),
            (StatusCode::OK, expected),
            "{path}"
        );
    }
}

/// Every `Set-Cookie` clears a cookie (`Max-Age=0`); returns their names.
fn cleared(headers: &HeaderMap) -> Vec<String> {
    let cookies = set_cookies(headers);
    assert!(!cookies.is_empty(), "something is cleared");
    cookies
        .iter()
        .map(|c| {
            assert!(c.contains("Max-Age=0"), "a clearing cookie: {c}");
            c.split('=').next().unwrap().to_owned()
        })
        .collect()
}

#[tokio::test]
async fn an_expired_or_tampered_token_is_401_and_cleared() {
    let clock = Clock::new();
    let jwt = jwt(&clock);
    let users = Arc::new(MemoryAdapter::<DefaultSchema>::new());
    let user = ada(&*users).await;
    let app = app(Arc::clone(&jwt), users);

    // Tampered: one character of the ciphertext changed.
    let cookie = cookie_for(&jwt, claims_of(&user));
    let (name, token) = cookie.split_once('=').unwrap();
    let mut parts: Vec<String> = token.split('.').map(str::to_owned).collect();
    let flipped = if parts[3].starts_with('A') { "B" } else { "A" };
    parts[3].replace_range(0..1, flipped);
    let tampered = format!("{name}={}", parts.join("."));
    // Under another secret.
    let other = Jwt::new(Secrets::new(["another-secret"]).unwrap());
    let foreign = cookie_for(&other, claims_of(&user));

    for bad in [&tampered, &foreign] {
        for path in ["/claims", "/me"] {
            let (status, headers, _) = send(&app, get_with(path, Some(bad))).await;
            assert_eq!(status, StatusCode::UNAUTHORIZED, "{path}");
            assert_eq!(cleared(&headers), ["authjs.session-token"]);
        }
    }

    // Expired: past `exp` and Auth.js's 15 s of tolerance.
    clock.advance(Duration::days(30) + Duration::seconds(16));
    let (status, headers, _) = send(&app, get_with("/me", Some(&cookie))).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    assert_eq!(cleared(&headers), ["authjs.session-token"]);
    let (status, _, body) = send(&app, get_with("/state", Some(&cookie))).await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        body.starts_with("renewed=false error=the token expired"),
        "{body}"
    );
}

#[tokio::test]
async fn a_token_due_for_renewal_comes_back_renewed() {
    let clock = Clock::new();
    let jwt = jwt(&clock);
    let users = Arc::new(MemoryAdapter::<DefaultSchema>::new());
    let user = ada(&*users).await;
    let app = app(Arc::clone(&jwt), users);
    let cookie = cookie_for(&jwt, claims_of(&user));

    // Less than `update_age` (a day) old: no renewal.
    clock.advance(Duration::hours(23));
    let (status, headers, _) = send(&app, get_with("/me", Some(&cookie))).await;
    assert_eq!(status, StatusCode::OK);
    assert!(set_cookies(&headers).is_empty());

    // A day old: a new token, `exp` pushed to now + max_age, the claims kept.
    clock.advance(Duration::hours(1));
    let (status, headers, body) = send(&app, get_with("/claims", Some(&cookie))).await;
    assert_eq!(status, StatusCode::OK);
    let claims: serde_json::Value = serde_json::from_str(&body).unwrap();
    assert_eq!(claims["exp"], clock.now().timestamp() + 2_592_000);
    assert_eq!(claims["role"], "admin");
    let renewed = set_cookies(&headers);
    assert_eq!(renewed.len(), 1, "{renewed:?}");
    assert!(renewed[0].starts_with("authjs.session-token="));
    assert!(!renewed[0].contains("Max-Age=0"));
    assert!(renewed[0].contains("HttpOnly"), "{}", renewed[0]);

    // The renewed cookie is accepted, and is fresh.
    let pair = renewed[0].split(';').next().unwrap().to_owned();
    let (status, headers, body) = send(&app, get_with("/me", Some(&pair))).await;
    assert_eq!((status, body.as_str()), (StatusCode::OK, "ada@example.com"));
    assert!(set_cookies(&headers).is_empty());
}

#[tokio::test]
async fn chunked_cookies_are_accepted_and_a_missing_chunk_is_cleared() {
    let clock = Clock::new();
    let jwt = jwt(&clock);
    let users = Arc::new(MemoryAdapter::<DefaultSchema>::new());
    let user = ada(&*users).await;
    let app = app(Arc::clone(&jwt), users);
    let big = claims_of(&user).with("groups", json!(vec!["a-rather-long-group-name"; 300]));
    let cookie = cookie_for(&jwt, big);
    assert!(
        cookie.contains("authjs.session-token.0=") && cookie.contains("authjs.session-token.1=")
    );

    let (status, _, body) = send(&app, get_with("/me", Some(&cookie))).await;
    assert_eq!((status, body.as_str()), (StatusCode::OK, "ada@example.com"));
    let (status, _, body) = send(&app, get_with("/claims", Some(&cookie))).await;
    assert_eq!(status, StatusCode::OK);
    assert!(body.contains("a-rather-long-group-name"));

    // Renewed chunked: every chunk goes out.
    clock.advance(Duration::days(1));
    let (status, headers, _) = send(&app, get_with("/me", Some(&cookie))).await;
    assert_eq!(status, StatusCode::OK);
    let names: Vec<String> = set_cookies(&headers)
        .iter()
        .map(|c| c.split('=').next().unwrap().to_owned())
        .collect();
    assert!(names.len() >= 2, "{names:?}");
    assert!(
        names.iter().all(|n| n.starts_with("authjs.session-token.")),
        "{names:?}"
    );

    // Without its chunk 0: refused, the chunks present cleared.
    let gap: Vec<&str> = cookie
        .split("; ")
        .filter(|c| !c.starts_with("authjs.session-token.0="))
        .collect();
    let (status, headers, _) = send(&app, get_with("/me", Some(&gap.join("; ")))).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    let cleared = cleared(&headers);
    assert!(
        cleared.contains(&"authjs.session-token.1".to_owned()),
        "{cleared:?}"
    );
}

#[tokio::test]
async fn a_database_session_cookie_under_the_jwt_strategy_is_401_without_panic() {
    let jwt = jwt(&Clock::new());
    let app = app(jwt, Arc::new(MemoryAdapter::<DefaultSchema>::new()));
    // next-auth v4's database session token (a UUID), and v5's (hex), and garbage.
    for cookie in [
        "next-auth.session-token=6f1c2a8e-9a7b-4f7e-8d0c-3b2a1e0f9c8d",
        "authjs.session-token=0123456789abcdef0123456789abcdef",
        "__Secure-authjs.session-token=a.b.c.d.e",
        "authjs.session-token=%FF%FE..",
    ] {
        let (status, headers, _) = send(&app, get_with("/me", Some(cookie))).await;
        assert_eq!(status, StatusCode::UNAUTHORIZED, "{cookie}");
        let name = cookie.split('=').next().unwrap();
        assert_eq!(cleared(&headers), [name], "{cookie}");
    }
}

#[tokio::test]
async fn the_extractors_of_the_other_strategy_are_a_named_500() {
    let clock = Clock::new();
    let jwt = jwt(&clock);
    let users = Arc::new(MemoryAdapter::<DefaultSchema>::new());
    let user = ada(&*users).await;
    let app = app(Arc::clone(&jwt), Arc::clone(&users));
    let cookie = cookie_for(&jwt, claims_of(&user));
    // CurrentSession under JWT sessions: there is no session row.
    let (status, _, body) = send(&app, get_with("/session", Some(&cookie))).await;
    assert_eq!(
        (status, body.as_str()),
        (StatusCode::INTERNAL_SERVER_ERROR, "Internal Server Error")
    );

    // CurrentClaims under database sessions.
    let sessions = Arc::new(Sessions::<DefaultSchema, _>::new(
        MemoryAdapter::<DefaultSchema>::new(),
        secrets(),
    ));
    let database = routes().layer(AuthLayer::new(sessions));
    let (status, _, _) = send(&database, get_with("/claims", None)).await;
    assert_eq!(status, StatusCode::INTERNAL_SERVER_ERROR);
    // The database extractors there are unchanged.
    let (status, _, _) = send(&database, get_with("/me", None)).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
}

#[tokio::test]
async fn without_a_user_store_the_claims_are_there_and_the_user_is_not() {
    let clock = Clock::new();
    let jwt = jwt(&clock);
    let app = routes().layer(AuthLayer::jwt(Arc::clone(&jwt), secrets()));
    let cookie = cookie_for(
        &jwt,
        Claims::user("42", Some("Ada"), Some("ada@example.com"), None),
    );

    let (status, _, body) = send(&app, get_with("/optional-claims", Some(&cookie))).await;
    assert_eq!((status, body.as_str()), (StatusCode::OK, "42"));
    let (status, _, body) = send(&app, get_with("/me", Some(&cookie))).await;
    assert_eq!(
        (status, body.as_str()),
        (StatusCode::UNAUTHORIZED, "Unauthorized")
    );
    let (status, _, body) = send(&app, get_with("/maybe", Some(&cookie))).await;
    assert_eq!((status, body.as_str()), (StatusCode::OK, "anonymous"));
    // CSRF works under JWT sessions too.
    let (status, headers, _) = send(&app, get_with("/csrf", None)).await;
    assert_eq!(status, StatusCode::OK);
    assert!(set_cookies(&headers)[0].starts_with("authjs.csrf-token="));
}

#[tokio::test]
async fn a_handler_that_sets_the_session_cookie_keeps_it() {
    let clock = Clock::new();
    let jwt = jwt(&clock);
    let issuer = Arc::clone(&jwt);
    let app = Router::new()
        .route(
            "/signin",
            get(move || {
                let jwt = Arc::clone(&issuer);
                async move {
                    let issued = jwt
                        .issue(Claims::user("7", None, None, None), &Cookies::default())
                        .unwrap();
                    (SetCookies(issued.cookies), "signed in")
                }
            }),
        )
        .layer(AuthLayer::jwt(Arc::clone(&jwt), secrets()));
    // The request's cookie is refused (the layer would clear it); the handler's wins.
    let (status, headers, _) = send(
        &app,
        get_with("/signin", Some("authjs.session-token=refused")),
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    let cookies = set_cookies(&headers);
    assert_eq!(cookies.len(), 1, "{cookies:?}");
    assert!(!cookies[0].contains("Max-Age=0"));
}

#[tokio::test]
async fn a_secure_policy_reads_the_secure_cookie() {
    let clock = Clock::new();
    let c = clock.clone();
    let jwt = Arc::new(
        Jwt::new(secrets())
            .with_policy(Policy::default().secure(true))
            .with_clock(move || c.now()),
    );
    let app = routes().layer(AuthLayer::jwt(Arc::clone(&jwt), secrets()));
    let cookie = cookie_for(&jwt, Claims::user("42", None, None, None));
    assert!(cookie.starts_with("__Secure-authjs.session-token="));
    let (status, _, body) = send(&app, get_with("/optional-claims", Some(&cookie))).await;
    assert_eq!((status, body.as_str()), (StatusCode::OK, "42"));
}
