//! The layer, the extractors, the error responses and the CSRF-checked sign-out, driven
//! through a real axum `Router` (tower's `oneshot`) over the memory adapter and SQLite.

use std::sync::{Arc, Mutex};

use authmodel::models::DefaultSchema;
use authmodel::session::{Profile, Secrets, Sessions};
use authmodel::{Adapter, MemoryAdapter, SqlAdapter, accounts};
use authmodel_axum::{
    AuthError, AuthLayer, CsrfToken, CurrentSession, CurrentUser, MaybeUser, SetCookies,
    SignOutForm, sign_out,
};
use axum::Router;
use axum::body::Body;
use axum::extract::{Form, State};
use axum::http::header::{COOKIE, LOCATION, SET_COOKIE};
use axum::http::{HeaderMap, Request, Response, StatusCode};
use axum::response::IntoResponse;
use axum::routing::{get, post};
use chrono::{DateTime, Duration, TimeZone, Utc};
use http_body_util::BodyExt;
use serde_json::json;
use tower::ServiceExt;

type Mem = MemoryAdapter<DefaultSchema>;

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

fn sessions<A: Adapter<DefaultSchema>>(
    adapter: A,
    clock: &Clock,
) -> Arc<Sessions<DefaultSchema, A>> {
    let clock = clock.clone();
    Arc::new(
        Sessions::new(adapter, Secrets::new(["test-secret"]).unwrap())
            .with_clock(move || clock.now()),
    )
}

fn app<A: Adapter<DefaultSchema> + 'static>(sessions: Arc<Sessions<DefaultSchema, A>>) -> Router {
    Router::new()
        .route(
            "/me",
            get(|CurrentUser(user): CurrentUser<DefaultSchema>| async move { user.email }),
        )
        .route(
            "/session",
            get(|current: CurrentSession<DefaultSchema>| async move {
                current.session.expires.to_rfc3339()
            }),
        )
        .route(
            "/maybe",
            get(|MaybeUser(user): MaybeUser<DefaultSchema>| async move {
                user.map_or("anonymous".to_owned(), |u| u.email)
            }),
        )
        .route(
            "/optional",
            get(|user: Option<CurrentUser<DefaultSchema>>| async move {
                user.map_or("anonymous".to_owned(), |CurrentUser(u)| u.email)
            }),
        )
        .route(
            "/csrf",
            get(|csrf: CsrfToken| async move {
                let token = csrf.token().to_owned();
                (csrf, token)
            }),
        )
        .route("/signout", post(post_sign_out::<A>))
        .route("/signin", post(post_sign_in::<A>))
        .with_state(Arc::clone(&sessions))
        .layer(AuthLayer::new(sessions))
}

async fn post_sign_out<A: Adapter<DefaultSchema>>(
    State(sessions): State<Arc<Sessions<DefaultSchema, A>>>,
    headers: HeaderMap,
    Form(form): Form<SignOutForm>,
) -> Result<impl IntoResponse, AuthError> {
    let cleared = sign_out(&sessions, &headers, form.csrf_token.as_deref()).await?;
    Ok((cleared, "signed out"))
}

/// Signs in `email` with the GitHub account `id`, keeping the request's session.
async fn post_sign_in<A: Adapter<DefaultSchema>>(
    State(sessions): State<Arc<Sessions<DefaultSchema, A>>>,
    current: Option<CurrentSession<DefaultSchema>>,
    body: String,
) -> Result<impl IntoResponse, AuthError> {
    let (id, email) = body.split_once(' ').unwrap_or((&body, ""));
    let account = github_account(id);
    let profile = Profile {
        email: Some(email.to_owned()),
        ..Profile::default()
    };
    let token = current.map(|c| c.token);
    let signed_in = sessions
        .sign_in_oauth(account, &profile, token.as_deref())
        .await?;
    Ok((
        SetCookies(signed_in.cookie.into_iter().collect()),
        "signed in",
    ))
}

fn github_account(id: &str) -> authmodel::models::Account {
    accounts::from_json(json!({
        "userId": uuid::Uuid::nil().to_string(),
        "type": "oauth",
        "provider": "github",
        "providerAccountId": id,
        "access_token": "gho_x",
        "token_type": "bearer",
    }))
    .unwrap()
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

/// `name=value` of the first `Set-Cookie` named `name`.
fn cookie_pair(headers: &HeaderMap, name: &str) -> String {
    set_cookies(headers)
        .into_iter()
        .find(|c| c.starts_with(&format!("{name}=")))
        .unwrap_or_else(|| panic!("no Set-Cookie {name} in {headers:?}"))
        .split(';')
        .next()
        .unwrap()
        .to_owned()
}

/// Signs in through the app and returns the session cookie pair.
async fn signed_in(app: &Router, body: &str) -> String {
    let (status, headers, _) = send(
        app,
        Request::post("/signin")
            .body(Body::from(body.to_owned()))
            .unwrap(),
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    let cookies = set_cookies(&headers);
    assert_eq!(
        cookies.len(),
        1,
        "one session cookie, not the layer's too: {cookies:?}"
    );
    cookie_pair(&headers, "authjs.session-token")
}

#[tokio::test]
async fn without_a_cookie_the_required_extractors_reject_with_401_and_nothing_is_set() {
    let app = app(sessions(Mem::new(), &Clock::new()));
    for path in ["/me", "/session"] {
        let (status, headers, body) = send(&app, get_with(path, None)).await;
        assert_eq!(status, StatusCode::UNAUTHORIZED, "{path}");
        assert_eq!(body, "Unauthorized");
        assert!(
            set_cookies(&headers).is_empty(),
            "no cookie, nothing to clear"
        );
    }
    for path in ["/maybe", "/optional"] {
        let (status, _, body) = send(&app, get_with(path, None)).await;
        assert_eq!(
            (status, body.as_str()),
            (StatusCode::OK, "anonymous"),
            "{path}"
        );
    }
}

#[tokio::test]
async fn a_valid_session_is_resolved_and_its_cookie_re_sent_with_a_new_expiry() {
    let clock = Clock::new();
    let app = app(sessions(Mem::new(), &clock));
    let cookie = signed_in(&app, "4711 ada@example.com").await;
    clock.advance(Duration::hours(1));
    for (path, expected) in [
        ("/me", "ada@example.com"),
        ("/maybe", "ada@example.com"),
        ("/optional", "ada@example.com"),
    ] {
        let (status, headers, body) = send(&app, get_with(path, Some(&cookie))).await;
        assert_eq!(
            (status, body.as_str()),
            (StatusCode::OK, expected),
            "{path}"
        );
        let sent = set_cookies(&headers);
        let expires = clock.now() + Duration::days(30);
        assert_eq!(
            sent,
            [format!(
                "{cookie}; Path=/; Expires={}; HttpOnly; SameSite=Lax",
                expires.format("%a, %d %b %Y %H:%M:%S GMT")
            )],
            "{path}"
        );
    }
}

#[tokio::test]
async fn a_session_due_for_sliding_is_pushed_back_in_the_database() {
    let clock = Clock::new();
    let app = app(sessions(Mem::new(), &clock));
    let cookie = signed_in(&app, "4711 ada@example.com").await;
    let signed_in_at = clock.now();
    let (_, _, before) = send(&app, get_with("/session", Some(&cookie))).await;
    assert_eq!(before, (signed_in_at + Duration::days(30)).to_rfc3339());
    clock.advance(Duration::days(2));
    let (status, _, after) = send(&app, get_with("/session", Some(&cookie))).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(after, (clock.now() + Duration::days(30)).to_rfc3339());
}

#[tokio::test]
async fn an_expired_session_is_refused_and_its_cookie_cleared() {
    let clock = Clock::new();
    let app = app(sessions(Mem::new(), &clock));
    let cookie = signed_in(&app, "4711 ada@example.com").await;
    clock.advance(Duration::days(31));
    let (status, headers, _) = send(&app, get_with("/me", Some(&cookie))).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    assert_eq!(
        set_cookies(&headers),
        ["authjs.session-token=; Max-Age=0; Path=/; HttpOnly; SameSite=Lax"]
    );
    let (_, _, body) = send(&app, get_with("/optional", Some(&cookie))).await;
    assert_eq!(body, "anonymous");
}

#[tokio::test]
async fn a_v4_cookie_is_read_too() {
    let app = app(sessions(Mem::new(), &Clock::new()));
    let cookie = signed_in(&app, "4711 ada@example.com").await;
    let v4 = cookie.replace("authjs.", "next-auth.");
    let (status, _, body) = send(&app, get_with("/me", Some(&v4))).await;
    assert_eq!((status, body.as_str()), (StatusCode::OK, "ada@example.com"));
}

#[tokio::test]
async fn sign_out_needs_the_csrf_token_of_its_cookie() {
    let app = app(sessions(Mem::new(), &Clock::new()));
    let session = signed_in(&app, "4711 ada@example.com").await;
    let (status, headers, token) = send(&app, get_with("/csrf", Some(&session))).await;
    assert_eq!(status, StatusCode::OK);
    let csrf = cookie_pair(&headers, "authjs.csrf-token");
    assert_eq!(token.len(), 64);
    // The CSRF cookie is reused, not replaced, while it is valid.
    let both = format!("{session}; {csrf}");
    let (_, headers, again) = send(&app, get_with("/csrf", Some(&both))).await;
    assert_eq!(again, token);
    assert!(
        set_cookies(&headers)
            .iter()
            .all(|c| !c.starts_with("authjs.csrf-token"))
    );

    let post = |cookie: &str, body: String| {
        Request::post("/signout")
            .header(COOKIE, cookie)
            .header("content-type", "application/x-www-form-urlencoded")
            .body(Body::from(body))
            .unwrap()
    };
    for (cookie, body) in [
        (both.as_str(), String::new()),
        (both.as_str(), "csrfToken=0000".to_owned()),
        (session.as_str(), format!("csrfToken={token}")),
    ] {
        let (status, _, text) = send(&app, post(cookie, body.clone())).await;
        assert_eq!(
            (status, text.as_str()),
            (StatusCode::FORBIDDEN, "MissingCSRF"),
            "{body}"
        );
        let (status, _, _) = send(&app, get_with("/me", Some(&session))).await;
        assert_eq!(status, StatusCode::OK, "a refused sign-out deletes nothing");
    }
    let (status, headers, _) = send(&app, post(&both, format!("csrfToken={token}"))).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(
        set_cookies(&headers),
        ["authjs.session-token=; Max-Age=0; Path=/; HttpOnly; SameSite=Lax"],
        "the handler's clearing cookie, and not the layer's refresh"
    );
    let (status, _, _) = send(&app, get_with("/me", Some(&session))).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
}

#[tokio::test]
async fn account_not_linked_is_a_403_with_its_code_and_a_redirect() {
    let app = app(sessions(Mem::new(), &Clock::new()));
    signed_in(&app, "4711 ada@example.com").await;
    let (status, _, body) = send(
        &app,
        Request::post("/signin")
            .body(Body::from("9999 ada@example.com"))
            .unwrap(),
    )
    .await;
    assert_eq!(
        (status, body.as_str()),
        (StatusCode::FORBIDDEN, "OAuthAccountNotLinked")
    );
    let error = AuthError::Session(authmodel::session::Error::OAuthAccountNotLinked);
    let response = error.redirect("/signin").into_response();
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    assert_eq!(
        response.headers()[LOCATION],
        "/signin?error=OAuthAccountNotLinked"
    );
}

#[tokio::test]
async fn without_the_layer_the_extractors_fail_with_500() {
    let app = Router::new().route(
        "/me",
        get(|CurrentUser(user): CurrentUser<DefaultSchema>| async move { user.email }),
    );
    let (status, _, body) = send(&app, get_with("/me", None)).await;
    assert_eq!(
        (status, body.as_str()),
        (StatusCode::INTERNAL_SERVER_ERROR, "Internal Server Error")
    );
}

#[tokio::test]
async fn a_database_error_is_a_500_that_does_not_leak_its_text() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("auth.db");
    let url = format!("sqlite://{}", path.display());
    let adapter = authmodel::connect(&url).await.unwrap();
    let app = app::<SqlAdapter<DefaultSchema>>(sessions(adapter, &Clock::new()));
    let cookie = signed_in(&app, "4711 ada@example.com").await;
    rusqlite::Connection::open(&path)
        .unwrap()
        .execute_batch("DROP TABLE sessions")
        .unwrap();
    for path in ["/me", "/maybe", "/optional"] {
        let (status, headers, body) = send(&app, get_with(path, Some(&cookie))).await;
        assert_eq!(status, StatusCode::INTERNAL_SERVER_ERROR, "{path}");
        assert_eq!(body, "Internal Server Error");
        assert!(
            set_cookies(&headers).is_empty(),
            "a failed check clears nothing"
        );
    }
    // A route that reads no session still works.
    let (status, _, _) = send(&app, get_with("/csrf", Some(&cookie))).await;
    assert_eq!(status, StatusCode::OK);
}
