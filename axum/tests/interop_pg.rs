//! One PostgreSQL database, two stacks: the real `@auth/pg-adapter` (Node, through
//! `tests/interop/driver.mjs`) and an axum app on `compat::pg::PgAdapterAuth` with
//! [`AuthLayer`]. A session Node creates is accepted from an `authjs.session-token` cookie
//! (and slid as Auth.js slides it); a session the Rust side creates is read by Node's
//! `getSessionAndUser`.
//!
//! Needs `PG_URL` (scripts/servers.sh), `node` and `tests/interop/node_modules`; skips loudly
//! without them, and fails under `CI=true`.

use std::io::{BufRead, BufReader, Write};
use std::path::PathBuf;
use std::process::{Child, ChildStdin, ChildStdout, Command, Stdio};
use std::sync::Arc;

use authmodel::accounts::{self, Link};
use authmodel::compat::pg::PgAdapterAuth;
use authmodel::session::{Profile, Secrets, Sessions};
use authmodel::{Options, SqlAdapter};
use authmodel_axum::{AuthLayer, CurrentSession};
use axum::Router;
use axum::body::Body;
use axum::http::header::{COOKIE, SET_COOKIE};
use axum::http::{Request, StatusCode};
use axum::routing::get;
use chrono::{DateTime, Duration, Utc};
use http_body_util::BodyExt;
use serde_json::{Value, json};
use sqlx::Connection;
use tower::ServiceExt;

fn interop_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../tests/interop")
}

/// `Some(admin URL)` when PostgreSQL and Node are here; a loud skip, or a panic under CI.
fn prerequisites() -> Option<String> {
    let url = std::env::var("PG_URL").ok().filter(|u| !u.is_empty());
    let node = Command::new("node")
        .arg("--version")
        .stdout(Stdio::null())
        .status()
        .is_ok_and(|s| s.success());
    let modules = interop_dir().join("node_modules").is_dir();
    let missing = match (&url, node, modules) {
        (Some(url), true, true) => return Some(url.clone()),
        (None, _, _) => "PG_URL is not set (scripts/servers.sh)",
        (_, false, _) => "`node` is not on PATH",
        (_, _, false) => "tests/interop/node_modules is missing (npm ci in tests/interop)",
    };
    if std::env::var("CI").as_deref() == Ok("true") {
        panic!("{missing} under CI=true");
    }
    eprintln!("\n*** SKIPPED the pg-adapter interop test: {missing} ***\n");
    None
}

/// A new database with `@auth/pg-adapter`'s own tables (its documented schema).
async fn database(admin: &str) -> String {
    let name = format!("t_axum_interop_{}", std::process::id());
    let mut conn = sqlx::PgConnection::connect(admin)
        .await
        .expect("PostgreSQL");
    sqlx::query(sqlx::AssertSqlSafe(format!(
        "DROP DATABASE IF EXISTS {name}"
    )))
    .execute(&mut conn)
    .await
    .expect("DROP DATABASE");
    sqlx::query(sqlx::AssertSqlSafe(format!("CREATE DATABASE {name}")))
        .execute(&mut conn)
        .await
        .expect("CREATE DATABASE");
    let (base, query) = admin.split_once('?').unwrap_or((admin, ""));
    let authority = base.find("://").map_or(0, |i| i + 3);
    let path = base[authority..]
        .find('/')
        .map_or(base.len(), |i| authority + i);
    let url = format!(
        "{}/{name}{}{query}",
        &base[..path],
        if query.is_empty() { "" } else { "?" }
    );
    let script = std::fs::read_to_string(interop_dir().join("layouts/pg-adapter/pg.sql"))
        .expect("the pg-adapter schema");
    let kept: Vec<&str> = script
        .lines()
        .filter(|l| !l.trim_start().starts_with("--") && !l.trim_start().starts_with('\\'))
        .collect();
    let mut conn = sqlx::PgConnection::connect(&url)
        .await
        .expect("the new database");
    for statement in kept
        .join("\n")
        .split(";\n")
        .map(str::trim)
        .filter(|s| !s.is_empty())
    {
        let statement = statement.trim_end_matches(';').to_owned();
        sqlx::query(sqlx::AssertSqlSafe(statement))
            .execute(&mut conn)
            .await
            .expect("the pg-adapter schema");
    }
    url
}

/// `driver.mjs` running the real `@auth/pg-adapter`.
struct Node {
    child: Child,
    stdin: Option<ChildStdin>,
    stdout: BufReader<ChildStdout>,
}

impl Node {
    fn spawn(url: &str) -> Node {
        let dir = interop_dir();
        let mut child = Command::new("node")
            .arg(dir.join("driver.mjs"))
            .args(["pg-adapter", "pg", url])
            .current_dir(&dir)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .expect("spawn node");
        let stdin = child.stdin.take();
        let stdout = BufReader::new(child.stdout.take().expect("piped stdout"));
        Node {
            child,
            stdin,
            stdout,
        }
    }

    fn call(&mut self, op: &str, args: Value) -> Value {
        let stdin = self.stdin.as_mut().expect("stdin open");
        writeln!(stdin, "{}", json!({"op": op, "args": args})).expect("write to node");
        let mut line = String::new();
        self.stdout.read_line(&mut line).expect("read from node");
        let answer: Value = serde_json::from_str(&line).unwrap_or_else(|e| panic!("{e}: {line}"));
        match answer.get("ok") {
            Some(ok) => ok.clone(),
            None => panic!("node {op}: {answer}"),
        }
    }
}

impl Drop for Node {
    fn drop(&mut self) {
        drop(self.stdin.take());
        let _ = self.child.wait();
    }
}

fn js_date(instant: DateTime<Utc>) -> Value {
    json!({"$date": instant.to_rfc3339_opts(chrono::SecondsFormat::Millis, true)})
}

fn from_js_date(value: &Value) -> DateTime<Utc> {
    let iso = value["$date"].as_str().expect("a tagged date");
    DateTime::parse_from_rfc3339(iso)
        .expect("ISO")
        .with_timezone(&Utc)
}

type PgSessions = Sessions<PgAdapterAuth, SqlAdapter<PgAdapterAuth>>;

fn app(sessions: Arc<PgSessions>) -> Router {
    Router::new()
        .route(
            "/me",
            get(|current: CurrentSession<PgAdapterAuth>| async move {
                format!(
                    "{} {} {}",
                    current.user.id,
                    current.user.email.unwrap_or_default(),
                    current.session.expires.timestamp_millis()
                )
            }),
        )
        .layer(AuthLayer::new(sessions))
}

async fn get_me(app: &Router, token: &str) -> (StatusCode, String, Vec<String>) {
    let request = Request::get("/me")
        .header(COOKIE, format!("authjs.session-token={token}"))
        .body(Body::empty())
        .unwrap();
    let response = app.clone().oneshot(request).await.unwrap();
    let status = response.status();
    let cookies = response
        .headers()
        .get_all(SET_COOKIE)
        .iter()
        .map(|v| v.to_str().unwrap().to_owned())
        .collect();
    let body = response.into_body().collect().await.unwrap().to_bytes();
    (status, String::from_utf8_lossy(&body).into_owned(), cookies)
}

#[tokio::test]
async fn sessions_cross_between_the_node_pg_adapter_and_the_axum_app() {
    let Some(admin) = prerequisites() else {
        return;
    };
    let url = database(&admin).await;
    let adapter = SqlAdapter::<PgAdapterAuth>::connect(&url, Options::default())
        .await
        .expect("connect to the pg-adapter tables");
    let sessions = Arc::new(Sessions::new(adapter, Secrets::new(["interop"]).unwrap()));
    let app = app(Arc::clone(&sessions));
    let mut node = Node::spawn(&url);

    // Node → Rust: a user and a session written by @auth/pg-adapter, 10 days from expiry,
    // so due for sliding (remaining lifetime ≤ maxAge − updateAge).
    let user = node.call(
        "createUser",
        json!([{"name": "Node", "email": "node@example.com", "emailVerified": null, "image": null}]),
    );
    let node_user_id = user["id"].as_i64().expect("a SERIAL id");
    let token = "b7f3c4de-0a3f-4b4e-9e53-3a1f4d1f0c11";
    node.call(
        "createSession",
        json!([{"sessionToken": token, "userId": node_user_id, "expires": js_date(Utc::now() + Duration::days(10))}]),
    );
    let before = Utc::now();
    let (status, body, cookies) = get_me(&app, token).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let parts: Vec<&str> = body.split(' ').collect();
    assert_eq!(
        parts[..2],
        [node_user_id.to_string().as_str(), "node@example.com"]
    );
    assert_eq!(cookies.len(), 1);
    assert!(cookies[0].starts_with(&format!("authjs.session-token={token}; Path=/; Expires=")));
    // The slide is written where Node reads it.
    let read = node.call("getSessionAndUser", json!([token]));
    let slid = from_js_date(&read["session"]["expires"]);
    assert!(
        slid >= before + Duration::days(30) - Duration::seconds(1),
        "{slid}"
    );
    assert!(slid <= Utc::now() + Duration::days(30));

    // An unknown token is refused and its cookie cleared.
    let (status, _, cookies) = get_me(&app, "not-a-session").await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    assert_eq!(
        cookies,
        ["authjs.session-token=; Max-Age=0; Path=/; HttpOnly; SameSite=Lax"]
    );

    // Rust → Node: a GitHub sign-in on the Rust side; Node reads its session and user.
    let account: authmodel::compat::pg::Account = accounts::from_token_response(
        Link {
            user_id: None,
            kind: "oauth",
            provider: "github",
            provider_account_id: "4711",
        },
        json!({"access_token": "gho_x", "token_type": "bearer", "scope": "read:user"}),
        Utc::now(),
    )
    .unwrap();
    let profile = Profile {
        email: Some("Rust@Example.com".into()),
        name: Some("Rust".into()),
        image: None,
    };
    let signed_in = sessions
        .sign_in_oauth(account, &profile, None)
        .await
        .unwrap();
    let cookie = signed_in.cookie.expect("a session cookie");
    let rust_token = cookie.value.clone();
    let (status, body, _) = get_me(&app, &rust_token).await;
    assert_eq!(status, StatusCode::OK);
    assert!(body.contains(" rust@example.com "), "{body}");
    let read = node.call("getSessionAndUser", json!([rust_token]));
    assert_eq!(read["session"]["sessionToken"], rust_token.as_str());
    assert_eq!(read["user"]["email"], "rust@example.com");
    assert_eq!(read["session"]["userId"], read["user"]["id"]);
    assert_eq!(
        from_js_date(&read["session"]["expires"]),
        cookie.expires.expect("Expires"),
        "the cookie's Expires is the row's expires, to the millisecond"
    );
    let by_account = node.call(
        "getUserByAccount",
        json!([{"provider": "github", "providerAccountId": "4711"}]),
    );
    assert_eq!(by_account["id"], read["user"]["id"]);

    // Node signs the Rust session out; the app refuses it from then on.
    node.call("deleteSession", json!([rust_token]));
    let (status, _, _) = get_me(&app, &rust_token).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
}
