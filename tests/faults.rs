//! A server restarted in the middle of a load, on PostgreSQL and MariaDB.
//!
//! Each test starts a dedicated server of its own (`scripts/db-server run`, in a temporary
//! directory, on a free port) so it can stop and start it without disturbing other tests.
//! Four tasks write users and sessions in a loop; once 100 writes are acknowledged the server
//! is shut down (its graceful signal: PostgreSQL's fast shutdown, MariaDB's SIGTERM), left
//! down for half a second, and started again on the same data. Then:
//!
//! - a statement in flight when the server goes down fails at once with `Error::Database`;
//! - every call made during the outage returned: `Ok`, or a typed `Error::Database` (the pool
//!   fails a call at once when the server refuses its new connection); no panic, no other
//!   error, none past [`CALL_BOUND`];
//! - the pool recovers by itself: within [`RECOVERY`] of the server's return calls stop
//!   failing, and writes go on;
//! - every write acknowledged with `Ok` (before the restart, during, after) is there when
//!   read back afterwards. The throwaway servers run with fsync off: a clean shutdown still
//!   writes out everything they acknowledged, and this is a restart, not a power failure.
//!
//! Then the pool's own rules: calls dropped mid-statement (by the caller, or by the call
//! timeout) on every connection leave none that answers late or for another call; after a
//! restart, with every pooled connection dead, the first read succeeds, the first write
//! succeeds or fails with `Error::Database`, the next one succeeding, and the first
//! migration and the first transaction succeed.
//!
//! Runs where the shared servers run: skipped loudly without `PG_URL` / `MYSQL_URL`, failed
//! under `CI=true` (tests/common/mod.rs), as the other backend tests.

mod common;

use std::net::TcpListener;
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use authmodel::models::{DefaultSchema, Session, User};
use authmodel::sql::{Options, SqlAdapter};
use authmodel::{Adapter, Error};
use chrono::Utc;
use common::Server;
use sqlx::Connection;
use uuid::Uuid;

/// The longest any one call may take, outage or not: the pool waits up to its acquire
/// timeout (30 s) for a connection, plus a margin. A call
/// that takes longer hangs, and fails the test.
const CALL_BOUND: Duration = Duration::from_secs(40);
/// Writing tasks.
const TASKS: usize = 4;
/// Acknowledged writes before the restart.
const BEFORE_RESTART: usize = 100;
/// How long the server stays down.
const OUTAGE: Duration = Duration::from_millis(500);
/// How long the load goes on once the server is back.
const AFTER: Duration = Duration::from_secs(2);
/// How soon after the server is back calls must stop failing.
const RECOVERY: Duration = Duration::from_secs(1);

/// A server of this test's own, stopped (and waited for) when dropped.
struct Dedicated {
    kind: &'static str,
    dir: tempfile::TempDir,
    port: u16,
    child: Option<Child>,
}

fn script() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("scripts/db-server")
}

fn free_port() -> u16 {
    let listener = TcpListener::bind("127.0.0.1:0").expect("a loopback port");
    listener.local_addr().unwrap().port()
}

impl Dedicated {
    fn start(kind: &'static str) -> Dedicated {
        // Under /tmp, whose parents the server's own user can enter.
        let dir = tempfile::Builder::new()
            .prefix(&format!("authmodel-faults-{kind}."))
            .tempdir_in("/tmp")
            .unwrap();
        let mut server = Dedicated {
            kind,
            dir,
            port: free_port(),
            child: None,
        };
        server.launch();
        server
    }

    fn dir(&self) -> String {
        self.dir.path().display().to_string()
    }

    /// Starts the server on the directory's data (created the first time) and waits until
    /// it accepts connections.
    fn launch(&mut self) {
        let port = self.port.to_string();
        let child = Command::new(script())
            .args(["run", self.kind, &self.dir(), &port])
            .stdin(Stdio::null())
            .spawn()
            .expect("scripts/db-server runs");
        self.child = Some(child);
        let ready = Command::new(script())
            .args(["ready", self.kind, &self.dir(), &port, "60"])
            .status()
            .expect("scripts/db-server runs");
        assert!(
            ready.success(),
            "{} did not start in {}",
            self.kind,
            self.dir()
        );
    }

    /// The graceful shutdown, waited for: the child is the server itself (`run` execs it).
    fn stop(&mut self) {
        let Some(mut child) = self.child.take() else {
            return;
        };
        let signal = match self.kind {
            "postgres" => "-INT",
            _ => "-TERM",
        };
        let _ = Command::new("kill")
            .args([signal, &child.id().to_string()])
            .status();
        let deadline = Instant::now() + Duration::from_secs(30);
        while Instant::now() < deadline {
            if let Ok(Some(_)) = child.try_wait() {
                return;
            }
            std::thread::sleep(Duration::from_millis(20));
        }
        let _ = child.kill();
        let _ = child.wait();
    }

    fn admin_url(&self) -> String {
        match self.kind {
            "postgres" => format!("postgres://postgres@127.0.0.1:{}/postgres", self.port),
            _ => format!("mysql://root@127.0.0.1:{}/mysql", self.port),
        }
    }
}

impl Drop for Dedicated {
    fn drop(&mut self) {
        self.stop();
    }
}

/// Creates database `faults` on the server and returns its URL.
async fn create_database(server: &Dedicated) -> String {
    let admin = server.admin_url();
    match server.kind {
        "postgres" => {
            let mut conn = sqlx::PgConnection::connect(&admin).await.unwrap();
            sqlx::query("CREATE DATABASE faults")
                .execute(&mut conn)
                .await
                .unwrap();
        }
        _ => {
            let mut conn = sqlx::MySqlConnection::connect(&admin).await.unwrap();
            sqlx::query("CREATE DATABASE faults")
                .execute(&mut conn)
                .await
                .unwrap();
        }
    }
    admin.rsplit_once('/').unwrap().0.to_owned() + "/faults"
}

/// What one call came to.
enum Outcome {
    /// Acknowledged: the user's email and the session's token, both written.
    Written(String, String),
    /// Failed with `Error::Database`.
    Failed,
}

/// One unit of load: a user, then a session of theirs. Anything but `Ok` or
/// `Error::Database`, and any call past [`CALL_BOUND`], fails the test.
async fn write_one(auth: &SqlAdapter<DefaultSchema>, task: usize, i: usize) -> Outcome {
    let email = format!("t{task}-{i}@example.com");
    let user = User {
        id: Uuid::nil(),
        name: None,
        email: email.clone(),
        email_verified: None,
        image: None,
    };
    let user = match bounded(auth.create_user(user)).await {
        Ok(user) => user,
        Err(()) => return Outcome::Failed,
    };
    let token = format!("s{task}-{i}");
    let session = Session {
        id: Uuid::nil(),
        session_token: token.clone(),
        user_id: user.id,
        expires: Utc::now() + chrono::Duration::days(30),
    };
    match bounded(auth.create_session(session)).await {
        Ok(_) => Outcome::Written(email, token),
        // The user was acknowledged: it must be there, with or without a session.
        Err(()) => Outcome::Written(email, String::new()),
    }
}

/// Awaits `call` within [`CALL_BOUND`]: `Ok`, or `Err(())` for an `Error::Database`.
async fn bounded<T>(call: impl Future<Output = authmodel::Result<T>>) -> Result<T, ()> {
    match tokio::time::timeout(CALL_BOUND, call).await {
        Err(_) => panic!("a call hung past {CALL_BOUND:?}"),
        Ok(Ok(value)) => Ok(value),
        Ok(Err(Error::Database(_))) => Err(()),
        Ok(Err(other)) => panic!("a failure that is not Error::Database: {other:?}"),
    }
}

async fn restart_under_load(server: Server, kind: &'static str) {
    // The shared server's URL says this run has the binaries; the test starts its own.
    if common::server(server).is_none() {
        return;
    }
    let dedicated = Dedicated::start(kind);
    let url = create_database(&dedicated).await;
    let auth = SqlAdapter::<DefaultSchema>::connect(&url, Options::default().synchronize(true))
        .await
        .unwrap();

    let acknowledged = Arc::new(AtomicUsize::new(0));
    let done = Arc::new(AtomicBool::new(false));
    let slowest = Arc::new(AtomicUsize::new(0));
    let tasks: Vec<_> = (0..TASKS)
        .map(|task| {
            let (auth, acknowledged, done) = (auth.clone(), acknowledged.clone(), done.clone());
            let slowest = slowest.clone();
            tokio::spawn(async move {
                let mut outcomes = Vec::new();
                let mut i = 0;
                while !done.load(Ordering::Relaxed) && i < 2_000 {
                    let started = Instant::now();
                    let outcome = write_one(&auth, task, i).await;
                    slowest.fetch_max(started.elapsed().as_millis() as usize, Ordering::Relaxed);
                    if let Outcome::Written(..) = outcome {
                        acknowledged.fetch_add(1, Ordering::Relaxed);
                    }
                    outcomes.push((Instant::now(), outcome));
                    i += 1;
                    // Paced, so that the load spans the restart.
                    tokio::time::sleep(Duration::from_millis(5)).await;
                }
                outcomes
            })
        })
        .collect();

    while acknowledged.load(Ordering::Relaxed) < BEFORE_RESTART {
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
    // A statement in flight when the server goes down: it must fail at once, typed, rather
    // than wait for the server's return.
    let sleeper = {
        let auth = auth.clone();
        let sql = match kind {
            "postgres" => "SELECT pg_sleep(20)",
            _ => "DO SLEEP(20)",
        };
        tokio::spawn(async move {
            let result = auth.raw_execute(sql, Vec::new()).await;
            (result, Instant::now())
        })
    };
    tokio::time::sleep(Duration::from_millis(200)).await;
    let stopping = Instant::now();
    let dedicated = restart(dedicated, OUTAGE).await;
    let back = Instant::now();
    let (slept, woke) = sleeper.await.expect("no panic");
    assert!(
        matches!(slept, Err(Error::Database(_))),
        "{kind}: a statement cut by the shutdown gave {slept:?}"
    );
    assert!(
        woke < back,
        "{kind}: the cut statement waited for the server's return"
    );

    // Two more seconds of load on the restarted server.
    tokio::time::sleep(AFTER).await;
    done.store(true, Ordering::Relaxed);

    let mut written = Vec::new();
    let mut written_before = 0;
    let mut failures = Vec::new();
    for task in tasks {
        for (at, outcome) in task.await.expect("no writer panics") {
            match outcome {
                Outcome::Written(email, token) => {
                    written_before += usize::from(at < stopping);
                    written.push((email, token, at));
                }
                Outcome::Failed => failures.push(at),
            }
        }
    }
    let last_failure = failures.iter().max().copied();
    let written_after = written
        .iter()
        .filter(|(.., at)| *at > last_failure.unwrap_or(stopping))
        .count();
    eprintln!(
        "{kind}: {} writes acknowledged ({written_before} before the restart), {} failed with \
         Error::Database; down and back in {:?}; last failure {:?} after the server was back, \
         {written_after} writes acknowledged since; slowest user + session write {} ms",
        written.len(),
        failures.len(),
        back - stopping,
        last_failure.map(|last| last.saturating_duration_since(back)),
        slowest.load(Ordering::Relaxed),
    );
    assert!(written_before >= BEFORE_RESTART);
    // The pool recovers by itself: failures stop soon after the server is back (a pooled
    // connection broken by the restart fails its one call), and writes succeed again. (The
    // load's own failures depend on timing; the cut statement above is the one that must.)
    let last_failure = last_failure.unwrap_or(stopping);
    assert!(
        last_failure < back + RECOVERY,
        "calls still failed {:?} after the server was back",
        last_failure - back
    );
    assert!(
        written_after >= TASKS * 10,
        "only {written_after} writes after the last failure"
    );

    // Every acknowledged write is there.
    for (email, token, _) in &written {
        let user = auth.get_user_by_email(email).await.unwrap();
        let user = user.unwrap_or_else(|| panic!("{kind}: acknowledged user {email} is lost"));
        if token.is_empty() {
            continue;
        }
        let found = auth.get_session_and_user(token).await.unwrap();
        let (session, owner) =
            found.unwrap_or_else(|| panic!("{kind}: acknowledged session {token} is lost"));
        assert_eq!((session.user_id, owner.id), (user.id, user.id));
    }
    drop(auth);
    drop(dedicated);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn postgres_restart_under_load() {
    restart_under_load(Server::Postgres, "postgres").await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn mariadb_restart_under_load() {
    restart_under_load(Server::MySql, "mariadb").await;
}

/// A user and a session of theirs, by token, for the checks below.
async fn signed_in(auth: &SqlAdapter<DefaultSchema>, name: &str) -> (Uuid, String) {
    let user = User {
        id: Uuid::nil(),
        name: None,
        email: format!("{name}@example.com"),
        email_verified: None,
        image: None,
    };
    let user = auth.create_user(user).await.unwrap();
    let token = format!("token-{name}");
    let session = Session {
        id: Uuid::nil(),
        session_token: token.clone(),
        user_id: user.id,
        expires: Utc::now() + chrono::Duration::days(30),
    };
    auth.create_session(session).await.unwrap();
    (user.id, token)
}

/// A statement that sleeps on the server for `seconds`.
fn sleep_sql(server: Server, seconds: u32) -> String {
    match server {
        Server::Postgres => format!("SELECT pg_sleep({seconds})"),
        Server::MySql => format!("DO SLEEP({seconds})"),
    }
}

/// `POOL` calls at once, each reading its own session: every one must answer, with its own
/// rows, well before a sleeping statement left on a connection could have ended.
async fn every_connection_answers(
    auth: &SqlAdapter<DefaultSchema>,
    sessions: &[(Uuid, String)],
    label: &str,
) {
    let started = Instant::now();
    let mut reads = tokio::task::JoinSet::new();
    for (user, token) in sessions.iter().cloned() {
        let (auth, label) = (auth.clone(), label.to_owned());
        reads.spawn(async move {
            let found = auth.get_session_and_user(&token).await.unwrap();
            let (session, owner) = found.unwrap_or_else(|| panic!("{label}: {token} not found"));
            assert_eq!((&session.session_token, session.user_id), (&token, user));
            assert_eq!(owner.id, user);
        });
    }
    reads.join_all().await;
    assert!(
        started.elapsed() < Duration::from_secs(3),
        "{label}: the calls after the cancelled ones took {:?}: a connection was reused while \
         its cancelled statement still ran",
        started.elapsed()
    );
}

/// The pool's size in the cancellation test: every connection gets a cancelled statement.
const POOL: usize = 3;

/// Calls dropped mid-statement (by the caller's timeout, and by the adapter's call timeout)
/// leave no connection that answers late or for someone else: every later call on every
/// pooled connection answers at once with its own rows.
async fn cancelled_calls_leave_no_dirty_connection(server: Server, label: &str) {
    let Some(url) = common::fresh_database(server, label).await else {
        return;
    };
    let options = Options::default()
        .synchronize(true)
        .max_connections(POOL as u32)
        .call_timeout(Duration::from_secs(2));
    let auth = SqlAdapter::<DefaultSchema>::connect(&url, options)
        .await
        .unwrap();
    let mut sessions = Vec::new();
    for i in 0..POOL {
        sessions.push(signed_in(&auth, &format!("{label}-{i}")).await);
    }
    // Every connection of the pool open and warm.
    every_connection_answers(&auth, &sessions, label).await;

    // Dropped by the caller, on every connection at once.
    let sleep = sleep_sql(server, 10);
    let mut cancelled = tokio::task::JoinSet::new();
    for _ in 0..POOL {
        let (auth, sleep, label) = (auth.clone(), sleep.clone(), label.to_owned());
        cancelled.spawn(async move {
            let call = auth.raw_execute(&sleep, Vec::new());
            let outcome = tokio::time::timeout(Duration::from_millis(300), call).await;
            assert!(outcome.is_err(), "{label}: the sleep ended: {outcome:?}");
        });
    }
    cancelled.join_all().await;
    every_connection_answers(&auth, &sessions, label).await;

    // Abandoned by the adapter's call timeout, on every connection at once.
    let sleep = sleep_sql(server, 10);
    let mut timed_out = tokio::task::JoinSet::new();
    for _ in 0..POOL {
        let (auth, sleep, label) = (auth.clone(), sleep.clone(), label.to_owned());
        timed_out.spawn(async move {
            let outcome = auth.raw_execute(&sleep, Vec::new()).await;
            assert!(
                matches!(outcome, Err(Error::Timeout { .. })),
                "{label}: {outcome:?}"
            );
        });
    }
    timed_out.join_all().await;
    every_connection_answers(&auth, &sessions, label).await;
    for _ in 0..3 {
        every_connection_answers(&auth, &sessions, label).await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn postgres_cancelled_calls_leave_no_dirty_connection() {
    cancelled_calls_leave_no_dirty_connection(Server::Postgres, "cancel_pg").await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn mariadb_cancelled_calls_leave_no_dirty_connection() {
    cancelled_calls_leave_no_dirty_connection(Server::MySql, "cancel_maria").await;
}

/// After a restart every idle connection of the pool is dead: the first read succeeds (it is
/// run again on a fresh connection), the first write succeeds or fails with
/// `Error::Database` and the next succeeds, the first migration and MariaDB's first sign-up
/// (a transaction) succeed (their first statement is sent again on a fresh connection), and
/// no call hangs.
async fn first_calls_after_a_restart(server: Server, kind: &'static str) {
    if common::server(server).is_none() {
        return;
    }
    let dedicated = Dedicated::start(kind);
    let url = create_database(&dedicated).await;
    let options = Options::default()
        .synchronize(true)
        .max_connections(POOL as u32);
    let auth = SqlAdapter::<DefaultSchema>::connect(&url, options)
        .await
        .unwrap();
    let mut sessions = Vec::new();
    for i in 0..POOL {
        sessions.push(signed_in(&auth, &format!("{kind}-{i}")).await);
    }
    // Every connection open, then idle.
    every_connection_answers(&auth, &sessions, kind).await;

    let mut dedicated = restart(dedicated, Duration::ZERO).await;

    let (user, token) = &sessions[0];
    let found = bounded(auth.get_session_and_user(token)).await;
    let found =
        found.unwrap_or_else(|()| panic!("{kind}: the first read after the restart failed"));
    assert_eq!(found.map(|(s, _)| s.user_id), Some(*user));

    let other = sessions[1].0;
    let write = |name: &'static str| {
        let auth = auth.clone();
        async move {
            let session = Session {
                id: Uuid::nil(),
                session_token: name.to_owned(),
                user_id: other,
                expires: Utc::now() + chrono::Duration::days(30),
            };
            bounded(auth.create_session(session)).await
        }
    };
    // Fresh connections only now (the read dropped the idle ones); restart again so that the
    // first call is a write on a dead connection.
    every_connection_answers(&auth, &sessions, kind).await;
    dedicated = restart(dedicated, Duration::ZERO).await;
    let first = write("after-1").await;
    eprintln!("{kind}: the first write after the restart: {first:?}");
    if first.is_err() {
        write("after-2")
            .await
            .unwrap_or_else(|()| panic!("{kind}: the second write after the restart failed"));
    }

    // A migration as the first call on dead connections (a table dropped behind the adapter's
    // back, created again): its first statement (PostgreSQL's `BEGIN`, MySQL's `GET_LOCK`)
    // fails, and it starts again on a fresh connection.
    auth.raw_execute("DROP TABLE verification_tokens", vec![])
        .await
        .unwrap();
    let plan = authmodel::migrate::diff(&auth).await.unwrap();
    assert!(!plan.is_empty(), "{kind}: the dropped table is missing");
    every_connection_answers(&auth, &sessions, kind).await;
    dedicated = restart(dedicated, Duration::ZERO).await;
    bounded(authmodel::migrate::apply(&auth, &plan))
        .await
        .unwrap_or_else(|()| panic!("{kind}: the first migration after the restart failed"));
    let left = authmodel::migrate::diff(&auth).await.unwrap();
    assert!(left.is_empty(), "{kind}: {}", left.summary());

    // On MariaDB a sign-up is a transaction too (on PostgreSQL, one statement).
    if server == Server::MySql {
        every_connection_answers(&auth, &sessions, kind).await;
        dedicated = restart(dedicated, Duration::ZERO).await;
        let user = User::new(format!("{kind}-after-restart@example.com"));
        let expires = Utc::now() + chrono::Duration::days(1);
        let session = Session::new(other, "after-restart", expires);
        bounded(auth.sign_up(user, None, session))
            .await
            .unwrap_or_else(|()| panic!("{kind}: the first sign-up after the restart failed"));
    }
    every_connection_answers(&auth, &sessions, kind).await;
    drop(auth);
    drop(dedicated);
}

/// Stops the dedicated server, leaves it down for `down`, and starts it again on the same
/// data. The blocking calls (kill, wait, the readiness poll) run off the runtime's workers.
async fn restart(mut dedicated: Dedicated, down: Duration) -> Dedicated {
    tokio::task::spawn_blocking(move || {
        dedicated.stop();
        std::thread::sleep(down);
        dedicated.launch();
        dedicated
    })
    .await
    .unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn postgres_first_calls_after_a_restart() {
    first_calls_after_a_restart(Server::Postgres, "postgres").await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn mariadb_first_calls_after_a_restart() {
    first_calls_after_a_restart(Server::MySql, "mariadb").await;
}
