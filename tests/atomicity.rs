//! Races on every backend: of 64 concurrent calls, exactly one wins.
//!
//! - 64 `use_verification_token` of one token: one `Some`, 63 `Ok(None)`;
//! - 64 `link_account` of one (provider, provider_account_id): one `Ok`, 63
//!   `Error::Conflict` on `accounts_provider_provider_account_id_key`;
//! - 64 `create_user` with one email: one `Ok`, 63 `Error::Conflict` on `users_email_key`.
//!
//! Backends: a SQLite file shared by four adapters, PostgreSQL, MariaDB with its `RETURNING`
//! statements, and MariaDB driven through MySQL 8's statement shapes (`SELECT ... FOR UPDATE`
//! in a transaction). The runtime has four worker threads, the server pools 64 connections,
//! warmed up first, and the calls start together behind a barrier: on the servers they truly
//! overlap, which each race checks by measuring how many were in flight at once.

mod common;

use std::sync::Arc;
use std::time::Instant;

use authmodel::models::{Account, DefaultSchema, User, VerificationToken};
use authmodel::sql::{Options, SqlAdapter};
use authmodel::{AccountKey, Adapter, Error};
use chrono::{Duration, Utc};
use common::{Server, fresh_database};
use tokio::sync::{Barrier, Mutex};
use uuid::Uuid;

/// Calls per race.
const CALLS: usize = 64;
/// Races per operation and backend: a lost race that happens one time in ten still shows.
const ROUNDS: usize = 8;

/// One pool of `CALLS` connections per server at a time, so the tests of this binary, run in
/// parallel, stay inside a server's default `max_connections` (100 on PostgreSQL).
static POSTGRES: Mutex<()> = Mutex::const_new(());
static MARIADB: Mutex<()> = Mutex::const_new(());

/// An adapter on a fresh database of `server` with `CALLS` pooled connections, `None` when
/// this run has no such server.
async fn on_server(
    server: Server,
    label: &str,
    options: Options,
) -> Option<SqlAdapter<DefaultSchema>> {
    let url = fresh_database(server, label).await?;
    let options = options.synchronize(true).max_connections(CALLS as u32);
    let auth = SqlAdapter::connect(&url, options)
        .await
        .unwrap_or_else(|e| panic!("connect {url}: {e}"));
    warm_up(&auth).await;
    Some(auth)
}

/// Opens the pool's connections before the races: concurrent reads, each holding a
/// connection until all have one.
async fn warm_up(auth: &SqlAdapter<DefaultSchema>) {
    let barrier = Arc::new(Barrier::new(CALLS));
    let tasks: Vec<_> = (0..CALLS)
        .map(|_| {
            let (auth, barrier) = (auth.clone(), Arc::clone(&barrier));
            tokio::spawn(async move {
                barrier.wait().await;
                auth.get_user_by_email("nobody@example.com").await.unwrap();
            })
        })
        .collect();
    for task in tasks {
        task.await.unwrap();
    }
}

/// Runs `CALLS` calls of `call` at once (each gets its index) and returns their results in
/// order with the most calls that were in flight at one moment.
async fn race<T, F, Fut>(call: F) -> (Vec<authmodel::Result<T>>, usize)
where
    T: Send + 'static,
    F: Fn(usize) -> Fut,
    Fut: Future<Output = authmodel::Result<T>> + Send + 'static,
{
    let barrier = Arc::new(Barrier::new(CALLS));
    let tasks: Vec<_> = (0..CALLS)
        .map(|i| {
            let barrier = Arc::clone(&barrier);
            let future = call(i);
            tokio::spawn(async move {
                barrier.wait().await;
                let started = Instant::now();
                let result = future.await;
                (result, started, Instant::now())
            })
        })
        .collect();
    let mut results = Vec::with_capacity(CALLS);
    let mut spans = Vec::with_capacity(CALLS);
    for task in tasks {
        let (result, started, ended) = task.await.expect("no call panics");
        results.push(result);
        spans.push((started, ended));
    }
    (results, max_overlap(&spans))
}

/// The most intervals that contain one instant.
fn max_overlap(spans: &[(Instant, Instant)]) -> usize {
    let mut events: Vec<(Instant, i32)> = spans
        .iter()
        .flat_map(|&(start, end)| [(start, 1), (end, -1)])
        .collect();
    // At equal instants, ends before starts: touching intervals do not overlap.
    events.sort();
    let (mut now, mut most) = (0i32, 0i32);
    for (_, step) in events {
        now += step;
        most = most.max(now);
    }
    most as usize
}

fn user(email: &str) -> User {
    User {
        id: Uuid::nil(),
        name: Some("Racer".into()),
        email: email.to_owned(),
        email_verified: None,
        image: None,
    }
}

fn account(user_id: Uuid, provider_account_id: &str, i: usize) -> Account {
    Account {
        id: Uuid::nil(),
        user_id,
        kind: "oauth".into(),
        provider: "github".into(),
        provider_account_id: provider_account_id.to_owned(),
        refresh_token: None,
        access_token: Some(format!("token-of-call-{i}")),
        expires_at: None,
        token_type: Some("bearer".into()),
        scope: None,
        id_token: None,
        session_state: None,
    }
}

/// Exactly one `Ok`; every other result a conflict on `table`'s `constraint`. Returns the
/// index of the winner.
fn one_winner<T>(
    what: &str,
    results: Vec<authmodel::Result<T>>,
    table: &str,
    constraint: &str,
) -> usize {
    let mut winners = Vec::new();
    for (i, result) in results.into_iter().enumerate() {
        match result {
            Ok(_) => winners.push(i),
            Err(Error::Conflict {
                table: t,
                constraint: c,
            }) if t == table && c == constraint => {}
            Err(other) => panic!("{what}: call {i} failed with {other:?}, not a conflict"),
        }
    }
    assert_eq!(winners.len(), 1, "{what}: winners {winners:?}");
    winners[0]
}

async fn tokens_are_used_once(adapters: &[SqlAdapter<DefaultSchema>], backend: &str) -> usize {
    let auth = &adapters[0];
    let mut overlap = 0;
    for round in 0..ROUNDS {
        let identifier = format!("race-{round}@example.com");
        let token = format!("token-{round}");
        let expires = Utc::now() + Duration::hours(1);
        let created = auth
            .create_verification_token(VerificationToken {
                identifier: identifier.clone(),
                token: token.clone(),
                expires,
            })
            .await
            .unwrap();
        let (results, overlapped) = race(|i| {
            let auth = adapters[i % adapters.len()].clone();
            let (identifier, token) = (identifier.clone(), token.clone());
            async move { auth.use_verification_token(&identifier, &token).await }
        })
        .await;
        overlap = overlap.max(overlapped);
        let mut used = Vec::new();
        for (i, result) in results.into_iter().enumerate() {
            match result {
                Ok(Some(found)) => used.push((i, found)),
                Ok(None) => {}
                Err(e) => panic!("{backend} round {round}: call {i} failed: {e:?}"),
            }
        }
        assert_eq!(used.len(), 1, "{backend} round {round}: {used:?}");
        assert_eq!(used[0].1, created, "{backend}: the token as stored");
        let again = auth.use_verification_token(&identifier, &token).await;
        assert_eq!(again.unwrap(), None, "{backend}: used once, gone");
    }
    overlap
}

async fn accounts_are_linked_once(adapters: &[SqlAdapter<DefaultSchema>], backend: &str) -> usize {
    let auth = &adapters[0];
    let mut overlap = 0;
    for round in 0..ROUNDS {
        let owner = auth
            .create_user(user(&format!("owner-{round}@example.com")))
            .await
            .unwrap();
        let provider_account_id = format!("gh-{round}");
        let (results, overlapped) = race(|i| {
            let auth = adapters[i % adapters.len()].clone();
            let provider_account_id = provider_account_id.clone();
            async move {
                auth.link_account(account(owner.id, &provider_account_id, i))
                    .await
            }
        })
        .await;
        overlap = overlap.max(overlapped);
        let what = format!("{backend} link_account round {round}");
        let winner = one_winner(
            &what,
            results,
            "accounts",
            "accounts_provider_provider_account_id_key",
        );
        let stored = auth
            .get_account(AccountKey {
                provider: "github",
                provider_account_id: &provider_account_id,
            })
            .await
            .unwrap()
            .expect("the winner's account is stored");
        assert_eq!(
            stored.access_token,
            Some(format!("token-of-call-{winner}")),
            "{what}: the stored account is the winner's"
        );
    }
    overlap
}

async fn users_are_created_once(adapters: &[SqlAdapter<DefaultSchema>], backend: &str) -> usize {
    let auth = &adapters[0];
    let mut overlap = 0;
    for round in 0..ROUNDS {
        let email = format!("same-{round}@example.com");
        let (results, overlapped) = race(|i| {
            let (auth, email) = (adapters[i % adapters.len()].clone(), email.clone());
            async move {
                let mut user = user(&email);
                user.name = Some(format!("call {i}"));
                auth.create_user(user).await
            }
        })
        .await;
        overlap = overlap.max(overlapped);
        let what = format!("{backend} create_user round {round}");
        let winner = one_winner(&what, results, "users", "users_email_key");
        let stored = auth.get_user_by_email(&email).await.unwrap();
        assert_eq!(
            stored.and_then(|u| u.name),
            Some(format!("call {winner}")),
            "{what}: the stored user is the winner's"
        );
    }
    overlap
}

/// The three races, call `i` on `adapters[i % len]`. With `require_overlap`, fails unless the
/// calls of each race overlapped in at least one round: that proves the race is real, and every
/// round checks the outcome (on a loaded machine a single round may run nearly serially).
async fn all_races(adapters: &[SqlAdapter<DefaultSchema>], backend: &str, require_overlap: bool) {
    let tokens = tokens_are_used_once(adapters, backend).await;
    let accounts = accounts_are_linked_once(adapters, backend).await;
    let users = users_are_created_once(adapters, backend).await;
    eprintln!(
        "{backend}: {ROUNDS} rounds of {CALLS} calls; most calls in flight at once: tokens {tokens}, \
         accounts {accounts}, users {users}"
    );
    if require_overlap {
        for (what, overlap) in [("tokens", tokens), ("accounts", accounts), ("users", users)] {
            assert!(overlap > 1, "{backend} {what}: the calls never overlapped");
        }
    }
}

/// Four adapters on one file, as four processes would be: one adapter's writes queue on its
/// one writer connection, in its process, so the race that matters on SQLite is between
/// connections, under SQLite's file lock. (A call runs in place, without suspending, when
/// nothing holds the lock: on two cores the calls rarely overlap in time, and the test does
/// not require it.)
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn sqlite_file() {
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite://{}", dir.path().join("auth.db").display());
    let mut adapters = Vec::new();
    for _ in 0..4 {
        let options = Options::default().synchronize(true);
        adapters.push(SqlAdapter::connect(&url, options).await.unwrap());
    }
    all_races(&adapters, "sqlite file, 4 adapters", false).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn postgres() {
    let _turn = POSTGRES.lock().await;
    if let Some(auth) = on_server(Server::Postgres, "atomicity", Options::default()).await {
        all_races(&[auth], "postgres", true).await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn mariadb() {
    let _turn = MARIADB.lock().await;
    if let Some(auth) = on_server(Server::MySql, "atomicity", Options::default()).await {
        all_races(&[auth], "mariadb", true).await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn mariadb_as_mysql_8() {
    let _turn = MARIADB.lock().await;
    let options = Options::default().without_returning(true);
    if let Some(auth) = on_server(Server::MySql, "atomicity_mysql8", options).await {
        all_races(&[auth], "mariadb (MySQL 8 statements)", true).await;
    }
}
