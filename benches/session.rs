//! The session layer against what an application would write without it, as ratios measured
//! in one process and one run.
//!
//! Entry point: `cargo bench --bench session` (with `PG_URL` set for the second part:
//! `scripts/servers.sh` starts a server). Two comparisons, each a criterion group with a
//! `session_layer` and a `baseline` case, then a summary with the two sides interleaved:
//!
//! 1. `validate` on SQLite: `Sessions::validate(token)` against `get_session_and_user` plus
//!    the expiry and sliding checks written by hand, on a seeded file (goal: at most 1.05×
//!    the time).
//! 2. A new user's OAuth sign-in on PostgreSQL: `Sessions::sign_in_oauth` (one statement,
//!    `Adapter::sign_in_with_account`) and `Adapter::sign_up` alone, against the Auth.js call sequence written with sqlx (five
//!    round trips: getUserByAccount, getUserByEmail, createUser, linkAccount,
//!    createSession; goal: at least 3× the sign-ins per second).
//!
//! `cargo test --benches` runs each case once, as a smoke test.

#[path = "../tests/common/mod.rs"]
mod common;

use std::hint::black_box;
use std::sync::Arc;
use std::time::{Duration, Instant};

use authmodel::Adapter;
use authmodel::accounts::{self, Link};
use authmodel::models::{Account, DefaultSchema, Session, User};
use authmodel::session::{Profile, Secrets, Sessions};
use authmodel::sql::{Options, SqlAdapter};
use chrono::{DateTime, Utc};
use common::Server;
use criterion::Criterion;
use serde_json::json;
use sqlx::Row;
use sqlx::postgres::{PgPool, PgPoolOptions};
use tokio::runtime::Runtime;
use uuid::Uuid;

type S = DefaultSchema;

/// Users (and sessions, one each) seeded in the SQLite file.
const SEEDED: usize = 2_000;
/// Rounds of the interleaved summaries, and calls per side in one round.
const ROUNDS: usize = 300;
const BATCH: usize = 16;
const SIGN_IN_ROUNDS: usize = 100;
const SIGN_IN_BATCH: usize = 8;

fn median(values: &mut [f64]) -> f64 {
    values.sort_by(f64::total_cmp);
    values[values.len() / 2]
}

/// One timed call of one side.
type Call<'a> = std::pin::Pin<Box<dyn std::future::Future<Output = ()> + 'a>>;

/// Times `rounds` rounds of `batch` calls of each side, alternating which goes first;
/// returns the median per-call time of each side and the median of the rounds' ratios.
fn interleaved<'a, const N: usize>(
    rt: &Runtime,
    rounds: usize,
    batch: usize,
    mut call: impl FnMut(usize, usize) -> Call<'a>,
) -> ([f64; N], [f64; N]) {
    let mut times: [Vec<f64>; N] = std::array::from_fn(|_| Vec::with_capacity(rounds));
    let mut ratios: [Vec<f64>; N] = std::array::from_fn(|_| Vec::with_capacity(rounds));
    let mut n = 0;
    for round in 0..rounds {
        let mut order: [usize; N] = std::array::from_fn(|i| i);
        if round % 2 == 1 {
            order.reverse();
        }
        let mut per_call = [0.0; N];
        for side in order {
            let start = Instant::now();
            for _ in 0..batch {
                rt.block_on(call(side, n));
                n += 1;
            }
            per_call[side] = start.elapsed().as_secs_f64() / batch as f64;
        }
        for side in 0..N {
            times[side].push(per_call[side]);
            // Each side against the last one, the baseline.
            ratios[side].push(per_call[side] / per_call[N - 1]);
        }
    }
    (
        times.map(|mut t| median(&mut t)),
        ratios.map(|mut r| median(&mut r)),
    )
}

// ---- 1. validate on SQLite ------------------------------------------------------------

struct Validate {
    sessions: Sessions<S, SqlAdapter<S>>,
    tokens: Vec<String>,
    _dir: tempfile::TempDir,
}

impl Validate {
    async fn new(seeded: usize) -> Validate {
        let dir = tempfile::tempdir().expect("a tempdir");
        let url = format!("sqlite://{}", dir.path().join("bench.db").display());
        let adapter = SqlAdapter::<S>::connect(&url, Options::default().synchronize(true))
            .await
            .expect("SQLite opens");
        let expires = Utc::now() + chrono::Duration::days(30);
        let mut tokens = Vec::with_capacity(seeded);
        for i in 0..seeded {
            let user = adapter
                .create_user(User::new(format!("user{i}@example.com")))
                .await
                .expect("seed a user");
            let token = Uuid::new_v4().to_string();
            adapter
                .create_session(Session::new(user.id, token.clone(), expires))
                .await
                .expect("seed a session");
            tokens.push(token);
        }
        let sessions = Sessions::new(adapter, Secrets::new(["bench"]).expect("a secret"));
        Validate {
            sessions,
            tokens,
            _dir: dir,
        }
    }

    fn token(&self, n: usize) -> &str {
        &self.tokens[(n * 7_919) % self.tokens.len()]
    }

    /// The session layer.
    async fn validate(&self, n: usize) {
        let validation = self
            .sessions
            .validate(self.token(n))
            .await
            .expect("validate");
        assert!(validation.current.is_some() && !validation.refreshed);
        black_box(validation);
    }

    /// What an application writes by hand: the lookup, then core's expiry and sliding
    /// checks (none of the seeded sessions is due).
    async fn by_hand(&self, n: usize) {
        let policy = self.sessions.policy();
        let now: DateTime<Utc> = Utc::now();
        let found = self
            .sessions
            .adapter()
            .get_session_and_user(self.token(n))
            .await
            .expect("get_session_and_user");
        let (session, user) = found.expect("a session");
        assert!(session.expires >= now, "expired");
        let due = session.expires - policy.max_age + policy.update_age <= now;
        assert!(!due);
        black_box((session, user));
    }
}

// ---- 2. a new user's OAuth sign-in on PostgreSQL ---------------------------------------

const GET_USER_BY_ACCOUNT: &str = r#"SELECT u."id", u."name", u."email", u."email_verified", u."image" FROM "users" u JOIN "accounts" a ON a."user_id" = u."id" WHERE a."provider" = $1 AND a."provider_account_id" = $2"#;
const GET_USER_BY_EMAIL: &str =
    r#"SELECT "id", "name", "email", "email_verified", "image" FROM "users" WHERE "email" = $1"#;
const CREATE_USER: &str = r#"INSERT INTO "users" ("id", "name", "email", "email_verified", "image") VALUES ($1, $2, $3, $4, $5) RETURNING "id", "name", "email", "email_verified", "image""#;
const LINK_ACCOUNT: &str = r#"INSERT INTO "accounts" ("id", "user_id", "type", "provider", "provider_account_id", "refresh_token", "access_token", "expires_at", "token_type", "scope", "id_token", "session_state") VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12) RETURNING "id""#;
const CREATE_SESSION: &str = r#"INSERT INTO "sessions" ("id", "session_token", "user_id", "expires") VALUES ($1, $2, $3, $4) RETURNING "id", "session_token", "user_id", "expires""#;

struct SignIn {
    sessions: Sessions<S, SqlAdapter<S>>,
    pool: PgPool,
}

fn account(id: &str) -> Account {
    accounts::from_token_response(
        Link {
            user_id: None,
            kind: "oauth",
            provider: "github",
            provider_account_id: id,
        },
        json!({ "access_token": "gho_x", "token_type": "bearer", "scope": "read:user" }),
        Utc::now(),
    )
    .expect("an account")
}

fn fresh(n: usize) -> (String, String) {
    let tag = Uuid::new_v4().simple().to_string();
    (
        format!("gh-{n}-{tag}"),
        format!("user-{n}-{tag}@example.com"),
    )
}

impl SignIn {
    async fn new() -> SignIn {
        let url = common::fresh_database(Server::Postgres, "bench_sign_in")
            .await
            .expect("PG_URL is set");
        let adapter = SqlAdapter::<S>::connect(&url, Options::default().synchronize(true))
            .await
            .expect("PostgreSQL connects");
        let pool = PgPoolOptions::new()
            .max_connections(10)
            .test_before_acquire(false)
            .connect(&url)
            .await
            .expect("the hand-written side connects");
        let sessions = Sessions::new(adapter, Secrets::new(["bench"]).expect("a secret"));
        SignIn { sessions, pool }
    }

    /// `Sessions::sign_in_oauth` of a new user: one `Adapter::sign_in_with_account`, the
    /// lookups and the three INSERTs in one statement.
    async fn session_layer(&self, n: usize) {
        let (id, email) = fresh(n);
        let profile = Profile {
            email: Some(email),
            ..Profile::default()
        };
        let signed_in = self
            .sessions
            .sign_in_oauth(account(&id), &profile, None)
            .await
            .expect("sign in");
        assert!(signed_in.is_new_user);
        black_box(signed_in);
    }

    /// `Adapter::sign_up` alone: what the sign-in writes once its lookups found nothing.
    async fn sign_up(&self, n: usize) {
        let (id, email) = fresh(n);
        let session = Session::new(Uuid::nil(), Uuid::new_v4().to_string(), Utc::now());
        let signed_up = self
            .sessions
            .adapter()
            .sign_up(User::new(email), Some(account(&id)), session)
            .await
            .expect("sign up");
        black_box(signed_up);
    }

    /// Auth.js's sequence, by hand: two lookups, then three INSERTs, each its own round trip
    /// (and its own transaction, as Auth.js's adapters run them).
    async fn by_hand(&self, n: usize) {
        let (id, email) = fresh(n);
        let found = sqlx::query(GET_USER_BY_ACCOUNT)
            .bind("github")
            .bind(&id)
            .fetch_optional(&self.pool)
            .await
            .expect("getUserByAccount");
        assert!(found.is_none());
        let found = sqlx::query(GET_USER_BY_EMAIL)
            .bind(&email)
            .fetch_optional(&self.pool)
            .await
            .expect("getUserByEmail");
        assert!(found.is_none());
        let user = sqlx::query(CREATE_USER)
            .bind(Uuid::new_v4())
            .bind(None::<String>)
            .bind(&email)
            .bind(None::<DateTime<Utc>>)
            .bind(None::<String>)
            .fetch_one(&self.pool)
            .await
            .expect("createUser");
        let user_id: Uuid = user.get(0);
        let account = account(&id);
        sqlx::query(LINK_ACCOUNT)
            .bind(Uuid::new_v4())
            .bind(user_id)
            .bind(&account.kind)
            .bind(&account.provider)
            .bind(&account.provider_account_id)
            .bind(&account.refresh_token)
            .bind(&account.access_token)
            .bind(account.expires_at)
            .bind(&account.token_type)
            .bind(&account.scope)
            .bind(&account.id_token)
            .bind(&account.session_state)
            .fetch_one(&self.pool)
            .await
            .expect("linkAccount");
        let session = sqlx::query(CREATE_SESSION)
            .bind(Uuid::new_v4())
            .bind(Uuid::new_v4().to_string())
            .bind(user_id)
            .bind(Utc::now() + chrono::Duration::days(30))
            .fetch_one(&self.pool)
            .await
            .expect("createSession");
        black_box(session);
    }
}

fn main() {
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

    let validate = Arc::new(rt.block_on(Validate::new(if benchmarking { SEEDED } else { 20 })));
    {
        let mut group = criterion.benchmark_group("sqlite/validate");
        let v = &validate;
        group.bench_function("session_layer", |b| {
            let mut n = 0;
            b.to_async(&rt).iter(|| {
                n += 1;
                v.validate(n)
            });
        });
        group.bench_function("baseline", |b| {
            let mut n = 0;
            b.to_async(&rt).iter(|| {
                n += 1;
                v.by_hand(n)
            });
        });
        group.finish();
    }

    let sign_in = std::env::var("PG_URL")
        .is_ok_and(|url| !url.is_empty())
        .then(|| rt.block_on(SignIn::new()));
    match &sign_in {
        Some(s) => {
            let mut group = criterion.benchmark_group("postgres/oauth_sign_in_new_user");
            group.bench_function("sign_in_oauth", |b| {
                let mut n = 0;
                b.to_async(&rt).iter(|| {
                    n += 1;
                    s.session_layer(n)
                });
            });
            group.bench_function("sign_up", |b| {
                let mut n = 0;
                b.to_async(&rt).iter(|| {
                    n += 1;
                    s.sign_up(n)
                });
            });
            group.bench_function("authjs_sequence", |b| {
                let mut n = 0;
                b.to_async(&rt).iter(|| {
                    n += 1;
                    s.by_hand(n)
                });
            });
            group.finish();
        }
        None => println!(
            "session bench: the PostgreSQL sign-in is SKIPPED, PG_URL is not set \
             (scripts/servers.sh starts a server)"
        ),
    }
    criterion.final_summary();

    let (rounds, batch) = if benchmarking {
        (ROUNDS, BATCH)
    } else {
        (2, 2)
    };
    let v = &validate;
    let (times, ratios) = interleaved::<2>(&rt, rounds, batch, |side, n| match side {
        0 => Box::pin(v.validate(n)),
        _ => Box::pin(v.by_hand(n)),
    });
    println!(
        "\nSummary sqlite validate: {rounds} interleaved rounds of {batch} calls per side \
         ({} seeded sessions)",
        validate.tokens.len()
    );
    println!(
        "  validate {:.2} µs, get_session_and_user + checks {:.2} µs: {:.3}x the time \
         (paired {:.3}x; goal <= 1.05x)",
        times[0] * 1e6,
        times[1] * 1e6,
        times[0] / times[1],
        ratios[0]
    );
    if let Some(s) = &sign_in {
        let (rounds, batch) = if benchmarking {
            (SIGN_IN_ROUNDS, SIGN_IN_BATCH)
        } else {
            (2, 2)
        };
        let (times, ratios) = interleaved::<3>(&rt, rounds, batch, |side, n| match side {
            0 => Box::pin(s.session_layer(n)),
            1 => Box::pin(s.sign_up(n)),
            _ => Box::pin(s.by_hand(n)),
        });
        println!(
            "\nSummary postgres OAuth sign-in of a new user: {rounds} interleaved rounds of \
             {batch} calls per side (sign-ins per second; goal >= 3x the Auth.js sequence)"
        );
        for (i, name) in [
            "sign_in_oauth",
            "sign_up",
            "authjs_sequence (5 round trips)",
        ]
        .into_iter()
        .enumerate()
        {
            println!(
                "  {name:<34} {:>8.1} µs {:>8.0}/s  {:.2}x the sign-ins per second (paired {:.2}x)",
                times[i] * 1e6,
                1.0 / times[i],
                times[2] / times[i],
                1.0 / ratios[i]
            );
        }
    }
}
