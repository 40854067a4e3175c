//! A JWT session cookie decoded (`authmodel::session::jwt`) against a database session
//! looked up (`get_session_and_user`), per request, in one run: what the choice of session
//! strategy costs a Rust service.
//!
//! Entry point: `cargo bench --bench jwt` runs the group `session_per_request`:
//! `jwt_decode` (a `Cookie` header parsed and an Auth.js-sized token decrypted and checked),
//! `jwt_decode_chunked` (a three-cookie token), `get_session_and_user/sqlite` (a file in a
//! tempdir, WAL, the adapter's defaults) and, with `PG_URL` set (scripts/servers.sh),
//! `get_session_and_user/postgres`. Both database cases are seeded with users and one
//! session each through the adapter and step through the seeded tokens; every case is awaited
//! (or called) from a current-thread tokio runtime, as a request handler would.
//! `cargo test --benches` runs every case once.

#[path = "../tests/common/mod.rs"]
mod common;

use std::cell::Cell;
use std::hint::black_box;
use std::time::Duration;

use authmodel::Adapter;
use authmodel::models::{DefaultSchema, Session, User};
use authmodel::session::jwt::{Claims, Jwt};
use authmodel::session::{Cookies, Secrets};
use authmodel::sql::{Options, SqlAdapter};
use chrono::Utc;
use criterion::Criterion;
use uuid::Uuid;

/// Users (and sessions, one each) in each database before the first measurement.
const SEEDED: usize = 10_000;

/// An adapter with seeded sessions, and which token the next call reads.
struct Fixture {
    auth: SqlAdapter<DefaultSchema>,
    tokens: Vec<String>,
    next: Cell<usize>,
}

impl Fixture {
    async fn new(url: &str, seeded: usize) -> Fixture {
        let auth = SqlAdapter::<DefaultSchema>::connect(url, Options::default().synchronize(true))
            .await
            .expect("the adapter connects and creates its tables");
        let expires = Utc::now() + chrono::Duration::days(30);
        let mut tokens = Vec::with_capacity(seeded);
        for i in 0..seeded {
            let user = User {
                id: Uuid::nil(),
                name: Some(format!("User {i}")),
                email: format!("user{i}@example.com"),
                email_verified: Some(Utc::now()),
                image: Some(format!("https://a.example/{i}")),
            };
            let user = auth.create_user(user).await.expect("seed user");
            let token = Uuid::new_v4().to_string();
            let session = Session {
                id: Uuid::nil(),
                session_token: token.clone(),
                user_id: user.id,
                expires,
            };
            auth.create_session(session).await.expect("seed session");
            tokens.push(token);
        }
        Fixture {
            auth,
            tokens,
            next: Cell::new(0),
        }
    }

    /// The next seeded token, a prime stride apart so consecutive calls touch other pages.
    fn token(&self) -> &str {
        let at = self.next.get();
        self.next.set((at + 7_919) % self.tokens.len());
        &self.tokens[at]
    }
}

/// The `Cookie` header of an Auth.js-sized session (the default token and a role), and of a
/// chunked one.
fn cookie_headers(jwt: &Jwt) -> (String, String) {
    let claims = Claims::user(
        Uuid::new_v4().to_string(),
        Some("Ada Lovelace"),
        Some("ada@example.com"),
        Some("https://avatars.example.com/u/4711?v=4"),
    )
    .with("role", serde_json::json!("admin"));
    let header = |claims: Claims| {
        let issued = jwt.issue(claims, &Cookies::default()).expect("issues");
        let pairs: Vec<String> = issued
            .cookies
            .iter()
            .map(|c| format!("{}={}", c.name, c.value))
            .collect();
        // As a browser sends it, among the app's other cookies.
        format!(
            "authjs.csrf-token=0123456789abcdef%7Cfedcba9876543210; {}; authjs.callback-url=https%3A%2F%2Fapp.example",
            pairs.join("; ")
        )
    };
    let big = "x".repeat(8_000);
    (
        header(claims.clone()),
        header(claims.with("big", serde_json::json!(big))),
    )
}

fn main() {
    // Criterion runs every case once unless `cargo bench` passed `--bench`; keep that quick.
    let args: Vec<String> = std::env::args().collect();
    let has = |flag: &str| args.iter().any(|a| a == flag);
    let benchmarking = has("--bench") && !has("--test") && !has("--list");
    let mut criterion = Criterion::default()
        .warm_up_time(Duration::from_secs(1))
        .measurement_time(Duration::from_secs(3))
        .sample_size(30)
        .configure_from_args();
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("a current-thread runtime");
    let seeded = if benchmarking { SEEDED } else { 20 };

    let jwt = Jwt::new(Secrets::new(["a-32-byte-or-longer-auth-secret!"]).expect("a secret"));
    let (single, chunked) = cookie_headers(&jwt);
    assert!(chunked.contains("authjs.session-token.2="));

    let dir = tempfile::tempdir().expect("a temporary directory");
    let sqlite_url = format!("sqlite://{}", dir.path().join("bench.db").display());
    let mut fixtures = vec![("sqlite", rt.block_on(Fixture::new(&sqlite_url, seeded)))];
    if std::env::var("PG_URL").is_ok_and(|url| !url.is_empty()) {
        let url = rt
            .block_on(common::fresh_database(
                common::Server::Postgres,
                "jwt_bench",
            ))
            .expect("PG_URL is set");
        fixtures.push(("postgres", rt.block_on(Fixture::new(&url, seeded))));
    } else {
        println!("jwt bench: no PG_URL, PostgreSQL skipped (scripts/servers.sh starts one)");
    }

    let mut group = criterion.benchmark_group("session_per_request");
    group.bench_function("jwt_decode", |b| {
        b.iter(|| {
            let claims = jwt.read(&Cookies::parse(black_box(&single)));
            assert!(matches!(claims, Ok(Some(_))));
        });
    });
    group.bench_function("jwt_decode_chunked", |b| {
        b.iter(|| {
            let claims = jwt.read(&Cookies::parse(black_box(&chunked)));
            assert!(matches!(claims, Ok(Some(_))));
        });
    });
    for (backend, fixture) in &fixtures {
        group.bench_function(format!("get_session_and_user/{backend}"), |b| {
            b.to_async(&rt).iter(|| async {
                let found = fixture.auth.get_session_and_user(fixture.token()).await;
                assert!(matches!(found, Ok(Some(_))));
            });
        });
    }
    group.finish();
    criterion.final_summary();
}
