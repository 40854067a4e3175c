//! The whole sign-in flow over real HTTP, no internet: a fake GitHub (axum on 127.0.0.1:0),
//! the app on another port, and a browser played by reqwest with its cookie store.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use authmodel::Adapter as _;
use axum::extract::{Form, Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use axum_app::github::Endpoints;
use axum_app::{App, AppUserPatch, Config};
use base64::Engine as _;
use serde_json::{Value, json};
use sha2::Digest as _;

const CLIENT_ID: &str = "test-client";
const CLIENT_SECRET: &str = "test-client-secret";

/// The GitHub account the fake provider signs in next.
#[derive(Clone)]
struct Identity {
    id: u64,
    login: &'static str,
    email: &'static str,
    /// Whether `/user` shows the email (else only `/user/emails` does).
    public_email: bool,
}

#[derive(Default)]
struct Fake {
    next: Option<Identity>,
    /// code → (PKCE challenge, redirect URI, identity)
    codes: HashMap<String, (String, String, Identity)>,
    tokens: HashMap<String, Identity>,
    counter: u64,
}

type Shared = Arc<Mutex<Fake>>;

fn unwrap_lock(fake: &Shared) -> std::sync::MutexGuard<'_, Fake> {
    fake.lock().unwrap_or_else(|e| e.into_inner())
}

async fn authorize(
    State(fake): State<Shared>,
    Query(q): Query<HashMap<String, String>>,
) -> Response {
    let mut fake = unwrap_lock(&fake);
    if q.get("client_id").map(String::as_str) != Some(CLIENT_ID)
        || q.get("code_challenge_method").map(String::as_str) != Some("S256")
        || q.get("response_type").map(String::as_str) != Some("code")
    {
        return (StatusCode::BAD_REQUEST, "bad authorization request").into_response();
    }
    let (Some(challenge), Some(redirect), Some(state)) = (
        q.get("code_challenge"),
        q.get("redirect_uri"),
        q.get("state"),
    ) else {
        return (StatusCode::BAD_REQUEST, "missing parameters").into_response();
    };
    let Some(identity) = fake.next.clone() else {
        return (StatusCode::BAD_REQUEST, "nobody to sign in").into_response();
    };
    fake.counter += 1;
    let code = format!("code-{}", fake.counter);
    fake.codes.insert(
        code.clone(),
        (challenge.clone(), redirect.clone(), identity),
    );
    Redirect::to(&format!("{redirect}?code={code}&state={state}")).into_response()
}

async fn token(
    State(fake): State<Shared>,
    headers: HeaderMap,
    Form(form): Form<HashMap<String, String>>,
) -> Response {
    let mut fake = unwrap_lock(&fake);
    let basic =
        base64::engine::general_purpose::STANDARD.encode(format!("{CLIENT_ID}:{CLIENT_SECRET}"));
    let authorized = headers
        .get("authorization")
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v == format!("Basic {basic}"));
    let refuse = |why: &str| {
        (
            StatusCode::BAD_REQUEST,
            Json(json!({"error": "invalid_grant", "error_description": why})),
        )
            .into_response()
    };
    if !authorized {
        return refuse("client authentication");
    }
    let Some((challenge, redirect, identity)) =
        form.get("code").and_then(|code| fake.codes.remove(code))
    else {
        return refuse("unknown code");
    };
    let verifier = form.get("code_verifier").cloned().unwrap_or_default();
    let computed = base64::engine::general_purpose::URL_SAFE_NO_PAD
        .encode(sha2::Sha256::digest(verifier.as_bytes()));
    if computed != challenge || form.get("redirect_uri") != Some(&redirect) {
        return refuse("PKCE or redirect_uri mismatch");
    }
    fake.counter += 1;
    let access_token = format!("gho_fake{}", fake.counter);
    fake.tokens.insert(access_token.clone(), identity);
    Json(json!({"access_token": access_token, "token_type": "bearer", "scope": "read:user,user:email"}))
        .into_response()
}

fn bearer(fake: &Shared, headers: &HeaderMap) -> Option<Identity> {
    let token = headers
        .get("authorization")?
        .to_str()
        .ok()?
        .strip_prefix("Bearer ")?;
    unwrap_lock(fake).tokens.get(token).cloned()
}

async fn user(State(fake): State<Shared>, headers: HeaderMap) -> Response {
    let Some(who) = bearer(&fake, &headers) else {
        return StatusCode::UNAUTHORIZED.into_response();
    };
    Json(json!({
        "id": who.id,
        "login": who.login,
        "name": null,
        "email": if who.public_email { Value::from(who.email) } else { Value::Null },
        "avatar_url": format!("https://avatars.example/{}", who.id),
    }))
    .into_response()
}

async fn emails(State(fake): State<Shared>, headers: HeaderMap) -> Response {
    let Some(who) = bearer(&fake, &headers) else {
        return StatusCode::UNAUTHORIZED.into_response();
    };
    Json(json!([
        {"email": format!("{}@users.noreply.example", who.login), "primary": false, "verified": true},
        {"email": who.email, "primary": true, "verified": true},
    ]))
    .into_response()
}

async fn serve(router: Router) -> String {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let address = listener.local_addr().unwrap();
    tokio::spawn(async move { axum::serve(listener, router).await.unwrap() });
    format!("http://{address}")
}

struct Setup {
    app: App,
    app_url: String,
    fake: Shared,
    _dir: tempfile::TempDir,
}

async fn setup() -> Setup {
    let fake = Shared::default();
    let provider = serve(
        Router::new()
            .route("/authorize", get(authorize))
            .route("/token", post(token))
            .route("/user", get(user))
            .route("/user/emails", get(emails))
            .with_state(Arc::clone(&fake)),
    )
    .await;
    let dir = tempfile::tempdir().unwrap();
    // The app's URL is known only once it listens: bind first, then build.
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let app_url = format!("http://{}", listener.local_addr().unwrap());
    let config = Config {
        github_client_id: CLIENT_ID.into(),
        github_client_secret: CLIENT_SECRET.into(),
        endpoints: Endpoints {
            authorize: format!("{provider}/authorize"),
            token: format!("{provider}/token"),
            user: format!("{provider}/user"),
            emails: format!("{provider}/user/emails"),
        },
        secrets: authmodel::session::Secrets::new(["flow-test-secret"]).unwrap(),
        database_url: format!("sqlite://{}", dir.path().join("app.db").display()),
        app_url: app_url.clone(),
    };
    let (router, app) = axum_app::build(config).await.unwrap();
    tokio::spawn(async move { axum::serve(listener, router).await.unwrap() });
    Setup {
        app,
        app_url,
        fake,
        _dir: dir,
    }
}

const ADA: Identity = Identity {
    id: 4711,
    login: "ada",
    email: "ada@example.com",
    public_email: false,
};

fn browser() -> reqwest::Client {
    reqwest::Client::builder()
        .cookie_store(true)
        .build()
        .unwrap()
}

fn no_redirects() -> reqwest::Client {
    reqwest::Client::builder()
        .cookie_store(true)
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap()
}

/// Signs `who` in through the whole redirect chain; returns `/me`'s JSON.
async fn sign_in(
    s: &Setup,
    browser: &reqwest::Client,
    who: Identity,
) -> (StatusCode, String, String) {
    unwrap_lock(&s.fake).next = Some(who);
    let response = browser
        .get(format!("{}/signin/github", s.app_url))
        .send()
        .await
        .unwrap();
    let status = response.status();
    let url = response.url().path().to_owned();
    let query = response.url().query().unwrap_or_default().to_owned();
    let body = response.text().await.unwrap();
    (status, format!("{url}?{query}"), body)
}

async fn status(browser: &reqwest::Client, url: String) -> StatusCode {
    browser.get(url).send().await.unwrap().status()
}

async fn csrf_token(s: &Setup, browser: &reqwest::Client) -> String {
    let body: Value = browser
        .get(format!("{}/api/auth/csrf", s.app_url))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .map(|text| serde_json::from_str(&text).unwrap())
        .unwrap();
    body["csrfToken"].as_str().unwrap().to_owned()
}

#[tokio::test]
async fn sign_in_protected_route_role_check_and_sign_out() {
    let s = setup().await;
    let browser = browser();
    let me = format!("{}/me", s.app_url);
    let admin = format!("{}/admin", s.app_url);
    assert_eq!(status(&browser, me.clone()).await, StatusCode::UNAUTHORIZED);

    // Sign-in: app → fake /authorize → app /callback → /me.
    let (code, landed, body) = sign_in(&s, &browser, ADA).await;
    assert_eq!((code, landed.as_str()), (StatusCode::OK, "/me?"), "{body}");
    let me_json: Value = serde_json::from_str(&body).unwrap();
    assert_eq!(
        me_json["email"], "ada@example.com",
        "from /user/emails, the primary one"
    );
    assert_eq!(me_json["name"], "ada", "the login when there is no name");
    assert_eq!(me_json["role"], "member", "the column's default");
    let id = me_json["id"].as_str().unwrap().to_owned();

    // The role gate: 403, then 200 once the role is set.
    assert_eq!(status(&browser, admin.clone()).await, StatusCode::FORBIDDEN);
    s.app
        .sessions
        .adapter()
        .update_user(
            &id,
            AppUserPatch {
                role: Some("admin".into()),
                ..Default::default()
            },
        )
        .await
        .unwrap();
    assert_eq!(status(&browser, admin.clone()).await, StatusCode::OK);

    // Sign-out without the CSRF token, or with a wrong one: 403, still signed in.
    let token = csrf_token(&s, &browser).await;
    for form in [vec![], vec![("csrfToken", "0".repeat(64))]] {
        let response = browser
            .post(format!("{}/signout", s.app_url))
            .form(&form)
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), StatusCode::FORBIDDEN);
        assert_eq!(status(&browser, me.clone()).await, StatusCode::OK);
    }
    // The sign-out page carries the token.
    let page = browser
        .get(format!("{}/signout", s.app_url))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        page.contains(&format!(r#"name="csrfToken" value="{token}""#)),
        "{page}"
    );
    let response = browser
        .post(format!("{}/signout", s.app_url))
        .form(&[("csrfToken", token.as_str())])
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::OK, "redirected home");
    assert_eq!(response.url().path(), "/");
    assert_eq!(status(&browser, me.clone()).await, StatusCode::UNAUTHORIZED);
    assert_eq!(
        status(&browser, admin.clone()).await,
        StatusCode::UNAUTHORIZED
    );

    // The same GitHub account signs into the same user, role and all.
    let (code, _, body) = sign_in(&s, &browser, ADA).await;
    assert_eq!(code, StatusCode::OK, "{body}");
    let again: Value = serde_json::from_str(&body).unwrap();
    assert_eq!(again["id"], id.as_str());
    assert_eq!(again["role"], "admin");
    assert_eq!(status(&browser, admin).await, StatusCode::OK);

    // Another browser, another GitHub account with Ada's email: not linked, refused.
    let other = crate::browser();
    let impostor = Identity {
        id: 9999,
        login: "not-ada",
        email: "ada@example.com",
        public_email: true,
    };
    let (code, landed, _) = sign_in(&s, &other, impostor).await;
    assert_eq!(code, StatusCode::OK);
    assert_eq!(landed, "/?error=OAuthAccountNotLinked");
    assert_eq!(status(&other, me.clone()).await, StatusCode::UNAUTHORIZED);

    // A new GitHub account with its own email is a new user.
    let grace = Identity {
        id: 1906,
        login: "grace",
        email: "grace@example.com",
        public_email: true,
    };
    let (code, _, body) = sign_in(&s, &other, grace).await;
    assert_eq!(code, StatusCode::OK, "{body}");
    let grace_json: Value = serde_json::from_str(&body).unwrap();
    assert_ne!(grace_json["id"], id.as_str());
    assert_eq!(grace_json["email"], "grace@example.com");
}

/// Follows the app's redirect to the fake provider by hand and returns the callback URL it
/// sends the browser back to (`…/callback/github?code=…&state=…`).
async fn callback_url(s: &Setup, browser: &reqwest::Client) -> reqwest::Url {
    unwrap_lock(&s.fake).next = Some(ADA);
    let to_provider = browser
        .get(format!("{}/signin/github", s.app_url))
        .send()
        .await
        .unwrap();
    assert_eq!(to_provider.status(), StatusCode::SEE_OTHER);
    let location = to_provider.headers()["location"]
        .to_str()
        .unwrap()
        .to_owned();
    let back = browser.get(location).send().await.unwrap();
    assert_eq!(back.status(), StatusCode::SEE_OTHER);
    reqwest::Url::parse(back.headers()["location"].to_str().unwrap()).unwrap()
}

fn with_state(url: &reqwest::Url, state: &str) -> reqwest::Url {
    let mut url = url.clone();
    let pairs: Vec<(String, String)> = url
        .query_pairs()
        .map(|(k, v)| {
            let v = if k == "state" {
                state.to_owned()
            } else {
                v.into_owned()
            };
            (k.into_owned(), v)
        })
        .collect();
    url.query_pairs_mut().clear().extend_pairs(pairs);
    url
}

#[tokio::test]
async fn a_callback_whose_state_is_not_the_browsers_is_refused() {
    let s = setup().await;
    let me = format!("{}/me", s.app_url);

    // A state other than the one in this browser's cookie.
    let browser = no_redirects();
    let callback = callback_url(&s, &browser).await;
    let response = browser
        .get(with_state(&callback, "forged"))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::FORBIDDEN);
    assert_eq!(response.text().await.unwrap(), "InvalidCheck");
    assert_eq!(status(&browser, me.clone()).await, StatusCode::UNAUTHORIZED);

    // The right state in another browser (no state cookie: a login CSRF).
    let browser = no_redirects();
    let callback = callback_url(&s, &browser).await;
    let response = no_redirects().get(callback.clone()).send().await.unwrap();
    assert_eq!(response.status(), StatusCode::FORBIDDEN);

    // The same callback in the browser that started it signs in.
    let response = browser.get(callback).send().await.unwrap();
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    assert_eq!(response.headers()["location"], "/me");
    assert_eq!(status(&browser, me).await, StatusCode::OK);
}
