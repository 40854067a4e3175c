//! PostgreSQL alone against PostgreSQL with its streaming replica for the reads that tolerate
//! lag (`Options::replicas`), in one process and one run: session reads per second and
//! sign-ins per second, and the ratio of each against the primary alone.
//!
//! Entry point: with `PG_URL` and `PG_REPLICA_URL` set (scripts/servers.sh starts both),
//! `cargo bench --bench replicas` seeds a fresh database with users, OAuth accounts and
//! sessions, waits until the replica holds them, then measures each configuration in turns
//! (`ROUNDS` rounds of `WINDOW` each, alternating, so drift hits both alike) with `TASKS`
//! concurrent callers on a multi-thread runtime. `cargo test --benches` runs one short round.
//!
//! - session read: `get_session_and_user` of a random seeded session (one statement; on the
//!   replica when configured);
//! - sign-in: a returning OAuth user as Auth.js core signs them in, `get_user_by_account`
//!   then `create_session` (two statements). With a replica, the read goes to the primary
//!   whenever this process has written since the replica's last check (read-your-writes), so
//!   under a steady stream of sign-ins it stays on the primary.
//!
//! Both configurations use the adapter's defaults otherwise (pools of 10 connections, per
//! server for the replica one). On one machine the replica shares the primary's CPUs: the
//! ratio shows the routing's cost and what moving reads off the primary frees, not what a
//! second machine adds.

#[path = "../tests/common/mod.rs"]
mod common;

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use authmodel::models::{Account, DefaultSchema, Session, User};
use authmodel::sql::{Options, SqlAdapter};
use authmodel::{AccountKey, Adapter};
use chrono::Utc;
use common::Server;

type Pg = SqlAdapter<DefaultSchema>;

const SEEDED: usize = 2_000;
const TASKS: usize = 16;
const ROUNDS: usize = 5;
const WINDOW: Duration = Duration::from_secs(2);

#[derive(Debug, Clone, Copy)]
enum Op {
    SessionRead,
    SignIn,
}

impl Op {
    fn name(self) -> &'static str {
        match self {
            Op::SessionRead => "session reads/s",
            Op::SignIn => "sign-ins/s",
        }
    }
}

/// Calls of `op` completed by `TASKS` callers in `window`, per second.
async fn rate(adapter: &Pg, op: Op, seeded: usize, window: Duration) -> f64 {
    let done = Arc::new(AtomicU64::new(0));
    let next = Arc::new(AtomicU64::new(0));
    let start = Instant::now();
    let mut tasks = Vec::with_capacity(TASKS);
    for _ in 0..TASKS {
        let (adapter, done, next) = (adapter.clone(), done.clone(), next.clone());
        tasks.push(tokio::spawn(async move {
            while start.elapsed() < window {
                let n = next.fetch_add(1, Ordering::Relaxed);
                let i = usize::try_from(n).unwrap_or(0) * 7919 % seeded;
                call(&adapter, op, i, n).await;
                done.fetch_add(1, Ordering::Relaxed);
            }
        }));
    }
    for task in tasks {
        task.await.expect("a caller");
    }
    done.load(Ordering::Relaxed) as f64 / start.elapsed().as_secs_f64()
}

async fn call(adapter: &Pg, op: Op, i: usize, n: u64) {
    match op {
        Op::SessionRead => {
            let found = adapter
                .get_session_and_user(&format!("seeded-{i}"))
                .await
                .expect("get_session_and_user");
            assert!(found.is_some(), "seeded session {i}");
        }
        Op::SignIn => {
            let provider_account_id = format!("gh-{i}");
            let key = AccountKey {
                provider: "github",
                provider_account_id: &provider_account_id,
            };
            let user = adapter
                .get_user_by_account(key)
                .await
                .expect("get_user_by_account")
                .expect("a seeded account");
            let expires = Utc::now() + chrono::Duration::days(30);
            adapter
                .create_session(Session::new(
                    user.id,
                    format!("signin-{n}-{}", uuid::Uuid::new_v4()),
                    expires,
                ))
                .await
                .expect("create_session");
        }
    }
}

async fn seed(adapter: &Pg, seeded: usize) {
    let expires = Utc::now() + chrono::Duration::days(30);
    for i in 0..seeded {
        let user = adapter
            .create_user(User::new(format!("user{i}@example.com")))
            .await
            .expect("create_user");
        adapter
            .link_account(Account::new(user.id, "oauth", "github", format!("gh-{i}")))
            .await
            .expect("link_account");
        adapter
            .create_session(Session::new(user.id, format!("seeded-{i}"), expires))
            .await
            .expect("create_session");
    }
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let benchmarking = args.iter().any(|a| a == "--bench");
    let (Some(_), Ok(_)) = (
        std::env::var("PG_URL").ok().filter(|u| !u.is_empty()),
        std::env::var("PG_REPLICA_URL"),
    ) else {
        println!(
            "replicas bench: SKIPPED, PG_URL and PG_REPLICA_URL must both be set \
             (scripts/servers.sh starts both)"
        );
        return;
    };
    let (seeded, rounds, window) = match benchmarking {
        true => (SEEDED, ROUNDS, WINDOW),
        false => (20, 1, Duration::from_millis(100)),
    };
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("a runtime");
    rt.block_on(async {
        let url = common::fresh_database(Server::Postgres, "bench_replicas")
            .await
            .expect("PG_URL is set");
        let replica = common::replica_of(&url).expect("PG_REPLICA_URL is set");
        let alone = Pg::connect(&url, Options::default().synchronize(true))
            .await
            .expect("connect");
        seed(&alone, seeded).await;
        let routed = Pg::connect(&url, Options::default().replicas([replica]))
            .await
            .expect("connect with a replica");
        // The replica holds the seed once a check finds it caught up.
        let since = Instant::now();
        while routed.replicas()[0]
            .lag
            .is_none_or(|lag| lag >= since.elapsed())
        {
            assert!(
                since.elapsed() < Duration::from_secs(30),
                "replica never caught up"
            );
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
        println!(
            "replicas bench: {TASKS} callers, {rounds} rounds of {window:?} per configuration, \
             {seeded} seeded users"
        );
        println!(
            "{:<18} {:>12} {:>14} {:>8}",
            "operation", "primary", "with replica", "ratio"
        );
        for op in [Op::SessionRead, Op::SignIn] {
            let (mut primary, mut with_replica) = (0.0, 0.0);
            let before = routed.replicas()[0].statements_executed;
            for _ in 0..rounds {
                primary += rate(&alone, op, seeded, window).await;
                with_replica += rate(&routed, op, seeded, window).await;
            }
            let on_replica = routed.replicas()[0].statements_executed - before;
            let (primary, with_replica) = (primary / rounds as f64, with_replica / rounds as f64);
            println!(
                "{:<18} {:>12.0} {:>14.0} {:>7.3}x   ({on_replica} statements on the replica)",
                op.name(),
                primary,
                with_replica,
                with_replica / primary,
            );
        }
    });
}
