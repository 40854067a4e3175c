//! PostgreSQL read replicas (`Options::replicas`) against a real streaming replica: the
//! standby scripts/servers.sh makes with `pg_basebackup -R` (`PG_REPLICA_URL`).
//!
//! Lag is real: the tests pause the standby's replay (`pg_wal_replay_pause()`, as superuser),
//! so a row written on the primary is missing or old on the replica. What they prove:
//! - routing: a read is served by the replica (it answers with the replica's old row);
//! - the lag bound: once the paused replica is behind by more than `max_replica_lag`, it is
//!   skipped and reads see the primary's row;
//! - read-your-writes: a row another process wrote is found through a miss on the replica;
//!   the adapter's own writes (create, update, delete) are read back at once;
//! - failure: a replica that refuses connections, or accepts and never answers, costs no
//!   read and no write anything but time bounded well below the call timeout;
//! - writes and `use_verification_token` succeed on the primary while the replica is paused.
//!
//! The tests share the one standby and pause it: they take turns (`TURN`).

mod common;

use std::future::Future;
use std::time::{Duration, Instant};

use authmodel::Adapter;
use authmodel::models::{DefaultSchema, Session, User, UserPatch, VerificationToken};
use authmodel::sql::{Options, SqlAdapter};
use chrono::Utc;
use common::Server;
use sqlx::Connection;

type Pg = SqlAdapter<DefaultSchema>;

/// One test at a time on the shared standby.
static TURN: tokio::sync::Mutex<()> = tokio::sync::Mutex::const_new(());

/// A fresh database on the primary and its URL on the replica; `None` when the run has no
/// PostgreSQL or no replica (failed under `CI=true`).
async fn databases(label: &str) -> Option<(String, String)> {
    let primary = common::fresh_database(Server::Postgres, label).await?;
    let replica = common::replica_of(&primary)?;
    Some((primary, replica))
}

/// The replica's admin URL: its `authtest` database exists from the start, where a fresh one
/// appears only once the replica has replayed its creation.
fn admin() -> String {
    std::env::var("PG_REPLICA_URL").expect("PG_REPLICA_URL, checked by common::replica_of")
}

/// Runs a superuser statement on the replica (replay control is server-wide).
async fn on_replica(sql: &'static str) {
    let replica = admin();
    let mut conn = sqlx::PgConnection::connect(&replica)
        .await
        .unwrap_or_else(|e| panic!("cannot reach the replica at {replica}: {e}"));
    sqlx::query(sql).execute(&mut conn).await.expect(sql);
}

/// Resumes the replica's replay when dropped, so that a failing test leaves no paused
/// replica to the tests and binaries after it.
struct Paused;

impl Drop for Paused {
    fn drop(&mut self) {
        // Drop cannot await: resume from a thread of its own, with a runtime of its own.
        let resumed = std::thread::spawn(|| {
            tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .expect("a runtime")
                .block_on(resume());
        })
        .join();
        if resumed.is_err() && !std::thread::panicking() {
            panic!("could not resume the replica's replay");
        }
    }
}

/// Pauses the replica's replay and waits until it has stopped; replay resumes when the
/// returned guard is dropped.
#[must_use]
async fn pause() -> Paused {
    on_replica("SELECT pg_wal_replay_pause()").await;
    let start = Instant::now();
    let mut conn = sqlx::PgConnection::connect(&admin())
        .await
        .expect("replica");
    loop {
        let state: String = sqlx::query_scalar("SELECT pg_get_wal_replay_pause_state()")
            .fetch_one(&mut conn)
            .await
            .expect("pause state");
        if state == "paused" {
            return Paused;
        }
        assert!(
            start.elapsed() < Duration::from_secs(15),
            "replay never paused"
        );
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
}

async fn resume() {
    on_replica("SELECT pg_wal_replay_resume()").await;
}

/// Polls `done` every 20 ms for up to 15 s.
async fn eventually<F, Fut>(what: &str, mut done: F)
where
    F: FnMut() -> Fut,
    Fut: Future<Output = bool>,
{
    let start = Instant::now();
    while !done().await {
        assert!(start.elapsed() < Duration::from_secs(15), "never: {what}");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

/// The tables on the primary, created by an adapter without replicas (another process, as
/// far as the adapter under test knows).
async fn primary_only(primary: &str) -> Pg {
    Pg::connect(primary, Options::default().synchronize(true))
        .await
        .expect("connect the primary")
}

/// An adapter reading from the replica, once the replica holds the tables and is caught up.
async fn with_replica(primary: &str, replica: &str, max_lag: Duration) -> Pg {
    let adapter = Pg::connect(
        primary,
        Options::default()
            .replicas([replica])
            .max_replica_lag(max_lag)
            .replica_check_interval(Duration::from_millis(50)),
    )
    .await
    .expect("connect with a replica");
    eventually("the replica is healthy", || {
        let healthy = adapter.replicas()[0].healthy;
        async move { healthy }
    })
    .await;
    adapter
}

/// Waits until the replica has replayed what the primary holds now.
async fn replicated(adapter: &Pg) {
    // A check that starts after this moment and finds the replica caught up brings its lag
    // below the time elapsed since.
    let since = Instant::now();
    eventually("the replica has caught up", || {
        let lag = adapter.replicas()[0].lag;
        async move { lag.is_some_and(|lag| lag < since.elapsed()) }
    })
    .await;
}

fn replica_statements(adapter: &Pg) -> u64 {
    adapter.replicas()[0].statements_executed
}

fn renamed(name: &str) -> UserPatch {
    UserPatch {
        name: Some(Some(name.to_owned())),
        ..Default::default()
    }
}

/// The name of user `id`, read through `adapter`.
async fn name_of(adapter: &Pg, id: &str) -> Option<String> {
    adapter
        .get_user(id)
        .await
        .expect("get_user")
        .expect("user")
        .name
}

fn new_session(user: &User, token: &str) -> Session {
    Session::new(user.id, token, Utc::now() + chrono::Duration::days(30))
}

/// What the two tests on the standby start from.
struct Fixture {
    /// This test's turn on the standby.
    _turn: tokio::sync::MutexGuard<'static, ()>,
    /// An adapter without replicas: another process, as far as `adapter` knows.
    other: Pg,
    /// The adapter under test, reading from the replica.
    adapter: Pg,
    /// A user and one of their sessions, written by `other` and replicated.
    user: User,
    session: Session,
}

/// Takes the turn, resumes replay, writes a user (`email`) and a session through another
/// adapter and waits until the replica holds them; `None` without the servers.
async fn fixture(label: &str, email: &str, bound: Duration) -> Option<Fixture> {
    let turn = TURN.lock().await;
    let (primary, replica) = databases(label).await?;
    resume().await;
    let other = primary_only(&primary).await;
    let user = other
        .create_user(User::new(email))
        .await
        .expect("create_user");
    let session = other
        .create_session(new_session(&user, &format!("{label}-token")))
        .await
        .expect("create_session");
    let adapter = with_replica(&primary, &replica, bound).await;
    replicated(&adapter).await;
    Some(Fixture {
        _turn: turn,
        other,
        adapter,
        user,
        session,
    })
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn reads_go_to_the_replica_until_it_lags_past_the_bound() {
    let bound = Duration::from_millis(1500);
    let Some(Fixture {
        other,
        adapter,
        user,
        session,
        ..
    }) = fixture("replica_routing", "ada@example.com", bound).await
    else {
        return;
    };
    let id = user.id.to_string();

    // Another process renames the user while the replica replays nothing.
    let paused = pause().await;
    let paused_at = Instant::now();
    other
        .update_user(&id, renamed("Lovelace"))
        .await
        .expect("update_user");
    let before = replica_statements(&adapter);
    let read = name_of(&adapter, &id).await;
    let by_email = adapter
        .get_user_by_email("ada@example.com")
        .await
        .expect("get_user_by_email")
        .expect("user");
    let (_, session_user) = adapter
        .get_session_and_user(&session.session_token)
        .await
        .expect("get_session_and_user")
        .expect("session");
    assert!(
        paused_at.elapsed() < bound,
        "the reads ran within the bound"
    );
    // The replica's row, which the primary no longer has: the reads went to the replica.
    assert_eq!(read, None, "get_user was served by the replica");
    assert_eq!(by_email.name, None, "get_user_by_email too");
    assert_eq!(session_user.name, None, "get_session_and_user too");
    assert!(replica_statements(&adapter) >= before + 3);

    // Past the bound the paused replica is skipped: reads see the primary's row.
    eventually("the paused replica is skipped", || {
        let status = adapter.replicas()[0];
        async move { !status.healthy }
    })
    .await;
    // Its lag counts from the last check before the rename, at most one interval (and the
    // pause) before `paused_at`.
    assert!(
        paused_at.elapsed() + Duration::from_millis(300) >= bound,
        "skipped only past the bound"
    );
    let status = adapter.replicas()[0];
    assert!(status.connected);
    assert!(status.lag.is_none_or(|lag| lag > bound), "{status:?}");
    assert_eq!(
        name_of(&adapter, &id).await.as_deref(),
        Some("Lovelace"),
        "served by the primary"
    );

    // Replay resumes: the replica catches up and serves reads again.
    drop(paused);
    replicated(&adapter).await;
    let before = replica_statements(&adapter);
    assert_eq!(name_of(&adapter, &id).await.as_deref(), Some("Lovelace"));
    assert!(replica_statements(&adapter) > before, "back on the replica");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn reads_find_writes_the_replica_has_not_replayed() {
    // A user and a session the replica holds, from before the pause.
    let Some(Fixture {
        other,
        adapter,
        user,
        session: old,
        ..
    }) = fixture("replica_ryw", "grace@example.com", Duration::from_secs(60)).await
    else {
        return;
    };
    let _paused = pause().await;

    // Another process signs the user in again: a miss on the replica, found on the primary.
    let session = other
        .create_session(new_session(&user, "fresh-token"))
        .await
        .expect("create_session");
    let before = replica_statements(&adapter);
    let found = adapter
        .get_session_and_user(&session.session_token)
        .await
        .expect("get_session_and_user");
    assert_eq!(found, Some((session.clone(), user.clone())));
    assert!(
        replica_statements(&adapter) > before,
        "the replica was asked first"
    );
    let id = user.id.to_string();
    let before = replica_statements(&adapter);
    assert_eq!(
        adapter.get_user(&id).await.expect("get_user"),
        Some(user.clone())
    );
    assert!(
        replica_statements(&adapter) > before,
        "and it holds the user"
    );

    // The adapter's own writes go to the primary (the replica is paused) and are read back at
    // once: created, updated, deleted.
    let own = adapter
        .create_session(new_session(&user, "own-token"))
        .await
        .expect("create_session while the replica is paused");
    let (read, _) = adapter
        .get_session_and_user("own-token")
        .await
        .expect("get_session_and_user")
        .expect("own session");
    assert_eq!(read, own);
    let renamed_user = adapter
        .update_user(&id, renamed("Hopper"))
        .await
        .expect("update_user");
    let read = adapter
        .get_user(&id)
        .await
        .expect("get_user")
        .expect("user");
    assert_eq!(
        read, renamed_user,
        "an update is read back, not the replica's row"
    );
    assert!(
        adapter
            .delete_session(&old.session_token)
            .await
            .expect("delete_session")
            .is_some()
    );
    assert_eq!(
        adapter
            .get_session_and_user(&old.session_token)
            .await
            .expect("get_session_and_user"),
        None,
        "a deleted session is not read back from the replica, which still has it"
    );

    // A verification token is used on the primary, exactly once.
    let token = VerificationToken::new(
        "grace@example.com",
        "vt-1",
        Utc::now() + chrono::Duration::hours(1),
    );
    adapter
        .create_verification_token(token)
        .await
        .expect("create_verification_token");
    assert!(
        adapter
            .use_verification_token("grace@example.com", "vt-1")
            .await
            .expect("use_verification_token")
            .is_some()
    );
    assert!(
        adapter
            .use_verification_token("grace@example.com", "vt-1")
            .await
            .expect("use_verification_token")
            .is_none()
    );
}

/// Reads and writes through an adapter whose replica is unusable, each well within `limit`.
async fn served_by_the_primary(adapter: &Pg, limit: Duration) {
    let start = Instant::now();
    let user = adapter
        .create_user(User::new("down@example.com"))
        .await
        .expect("create_user");
    adapter
        .create_session(new_session(&user, "down-token"))
        .await
        .expect("create_session");
    for _ in 0..5 {
        let found = adapter
            .get_session_and_user("down-token")
            .await
            .expect("get_session_and_user");
        assert_eq!(found.map(|(_, u)| u), Some(user.clone()));
        let by_email = adapter
            .get_user_by_email("down@example.com")
            .await
            .expect("get_user_by_email");
        assert_eq!(by_email, Some(user.clone()));
    }
    assert!(start.elapsed() < limit, "took {:?}", start.elapsed());
    let status = adapter.replicas()[0];
    assert!(!status.healthy && !status.connected, "{status:?}");
}

/// Connects with the "replica" on loopback `port` (each test's own listener or closed port)
/// within `connect_limit`, then checks that the primary serves everything.
async fn skipped(label: &str, port: u16, connect_limit: Duration) {
    let Some(primary) = common::fresh_database(Server::Postgres, label).await else {
        return;
    };
    primary_only(&primary).await;
    let start = Instant::now();
    let adapter = Pg::connect(
        &primary,
        Options::default().replicas([format!("postgres://postgres@127.0.0.1:{port}/x")]),
    )
    .await
    .expect("an unusable replica does not fail connect");
    assert!(
        start.elapsed() < connect_limit,
        "connect waited {:?}",
        start.elapsed()
    );
    served_by_the_primary(&adapter, Duration::from_secs(3)).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_replica_that_refuses_connections_is_skipped() {
    // A port nothing listens on: the replica is down.
    let closed = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
    let port = closed.local_addr().expect("port").port();
    drop(closed);
    skipped("replica_down", port, Duration::from_secs(3)).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_replica_that_never_answers_is_skipped() {
    // Accepts connections (the kernel's backlog) and never answers: a frozen server. Connect
    // gives it one second (`REPLICA_TIMEOUT`), not the 10 s connect timeout.
    let frozen = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
    let port = frozen.local_addr().expect("port").port();
    skipped("replica_frozen", port, Duration::from_secs(3)).await;
    drop(frozen);
}

#[tokio::test]
async fn replicas_are_postgresql_only() {
    let err = SqlAdapter::<DefaultSchema>::connect(
        "sqlite::memory:",
        Options::default().replicas(["sqlite::memory:"]),
    )
    .await
    .expect_err("SQLite has no replicas");
    assert!(matches!(err, authmodel::Error::Unsupported { .. }), "{err}");
}
