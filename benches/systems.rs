//! Sessions on PostgreSQL alone against sessions on Redis (users and accounts on PostgreSQL,
//! through the composed adapter), in one process and one run.
//!
//! Entry point: with `PG_URL` and `REDIS_URL` set (scripts/servers.sh starts both),
//! `cargo bench --bench systems` measures, for each configuration, session reads/s
//! (`get_session_and_user` of seeded sessions) and sign-ins/s (`sign_in_with_account` of a
//! returning user: a new session for a linked account), each for a fixed time with
//! `TASKS` concurrent callers on a multi-thread runtime, the two configurations interleaved
//! round by round; then prints the rates and the ratio Redis / PostgreSQL. `cargo test
//! --benches` runs each measurement briefly. Without either URL it prints that it skipped.

#[path = "../tests/common/mod.rs"]
mod common;

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use authmodel::composed::Composed;
use authmodel::models::{Account, DefaultSchema, Session, User};
use authmodel::redis::RedisStore;
use authmodel::sql::{Options, SqlAdapter};
use authmodel::{AccountSignIn, Adapter};
use chrono::Utc;
use common::Server;
use uuid::Uuid;

/// Users seeded, each with a linked account and one session.
const SEEDED: usize = 500;
/// Concurrent callers.
const TASKS: usize = 16;

type Shared = Arc<dyn Adapter<DefaultSchema>>;

struct Seeded {
    tokens: Vec<String>,
    accounts: Vec<String>,
}

fn session(user_id: Uuid) -> Session {
    Session::new(
        user_id,
        Uuid::new_v4().to_string(),
        Utc::now() + chrono::Duration::days(7),
    )
}

fn account(provider_account_id: &str) -> Account {
    Account::new(Uuid::nil(), "oauth", "github", provider_account_id)
}

async fn seed(adapter: &Shared) -> Seeded {
    let mut seeded = Seeded {
        tokens: Vec::new(),
        accounts: Vec::new(),
    };
    for _ in 0..SEEDED {
        let id = Uuid::new_v4().to_string();
        let user = User::new(format!("{id}@example.com"));
        let up = adapter
            .sign_up(user, Some(account(&id)), session(Uuid::nil()))
            .await
            .expect("seed");
        seeded.tokens.push(up.session.session_token);
        seeded.accounts.push(id);
    }
    seeded
}

/// Calls of `op` per second, `TASKS` at a time, for `time`.
async fn rate<F, Fut>(time: Duration, op: F) -> f64
where
    F: Fn(usize) -> Fut + Send + Sync + 'static,
    Fut: std::future::Future<Output = ()> + Send,
{
    let op = Arc::new(op);
    let done = Arc::new(AtomicU64::new(0));
    let start = Instant::now();
    let tasks: Vec<_> = (0..TASKS)
        .map(|task| {
            let (op, done) = (op.clone(), done.clone());
            tokio::spawn(async move {
                let mut i = task;
                while start.elapsed() < time {
                    op(i).await;
                    done.fetch_add(1, Ordering::Relaxed);
                    i += TASKS;
                }
            })
        })
        .collect();
    for task in tasks {
        task.await.expect("bench task");
    }
    done.load(Ordering::Relaxed) as f64 / start.elapsed().as_secs_f64()
}

async fn reads(adapter: Shared, seeded: Arc<Seeded>, time: Duration) -> f64 {
    rate(time, move |i| {
        let (adapter, seeded) = (adapter.clone(), seeded.clone());
        async move {
            let token = &seeded.tokens[i % seeded.tokens.len()];
            let found = adapter.get_session_and_user(token).await.expect("read");
            assert!(found.is_some());
        }
    })
    .await
}

async fn sign_ins(adapter: Shared, seeded: Arc<Seeded>, time: Duration) -> f64 {
    rate(time, move |i| {
        let (adapter, seeded) = (adapter.clone(), seeded.clone());
        async move {
            let id = &seeded.accounts[i % seeded.accounts.len()];
            let user = User::new(format!("{id}@example.com"));
            let done = adapter
                .sign_in_with_account(user, account(id), session(Uuid::nil()))
                .await
                .expect("sign in");
            assert!(matches!(done, AccountSignIn::SignedIn { .. }));
        }
    })
    .await
}

fn main() {
    let measuring = std::env::args().any(|a| a == "--bench");
    let (Ok(_), Ok(_)) = (std::env::var("PG_URL"), std::env::var("REDIS_URL")) else {
        println!("systems: skipped, PG_URL and REDIS_URL are needed (scripts/servers.sh)");
        return;
    };
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .expect("runtime");
    runtime.block_on(async {
        let (Some(pg_url), Some(redis_url)) = (
            common::fresh_database(Server::Postgres, "systems").await,
            common::redis(),
        ) else {
            return;
        };
        let connect = || async {
            SqlAdapter::<DefaultSchema>::connect(&pg_url, Options::default().synchronize(true))
                .await
                .expect("connect PostgreSQL")
        };
        let pg: Shared = Arc::new(connect().await);
        let prefix = format!("bench:{}:", Uuid::new_v4());
        let redis = RedisStore::<DefaultSchema>::connect(&redis_url, &prefix)
            .await
            .expect("connect Redis");
        let split: Shared = Arc::new(Composed::new(connect().await, redis.clone(), redis));
        let pg_seeded = Arc::new(seed(&pg).await);
        let split_seeded = Arc::new(seed(&split).await);

        let (time, rounds) = if measuring {
            (Duration::from_secs(2), 3)
        } else {
            (Duration::from_millis(100), 1)
        };
        let mut totals = [[0.0; 2]; 2];
        for _ in 0..rounds {
            totals[0][0] += reads(pg.clone(), pg_seeded.clone(), time).await;
            totals[0][1] += reads(split.clone(), split_seeded.clone(), time).await;
            totals[1][0] += sign_ins(pg.clone(), pg_seeded.clone(), time).await;
            totals[1][1] += sign_ins(split.clone(), split_seeded.clone(), time).await;
        }
        println!("systems: {TASKS} concurrent callers, {rounds} rounds of {time:?} each");
        for (name, [alone, with_redis]) in ["session reads/s", "sign-ins/s"].iter().zip(totals) {
            let (alone, with_redis) = (alone / rounds as f64, with_redis / rounds as f64);
            println!(
                "  {name:<16} PostgreSQL alone {alone:>9.0}   sessions on Redis {with_redis:>9.0}   ratio {:.2}",
                with_redis / alone
            );
        }
    });
}
