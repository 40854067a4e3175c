//! The SQL adapter on SQLite through its public API: connection URLs and modes, files that
//! persist, and concurrency: in-process writers queue without "database is locked", a lock
//! held by another connection (as another process would) is waited for off the async
//! workers, and a verification token is used exactly once however many tasks race for it.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use authmodel::Adapter;
use authmodel::models::{DefaultSchema, User, VerificationToken};
use authmodel::sql::{Options, SqlAdapter, connect};
use uuid::Uuid;

fn user(email: String) -> User {
    User {
        id: Uuid::nil(),
        name: None,
        email,
        email_verified: Some(chrono::Utc::now()),
        image: None,
    }
}

fn count_users(path: &std::path::Path) -> i64 {
    let connection = rusqlite::Connection::open(path).unwrap();
    connection
        .query_row("SELECT count(*) FROM users", [], |row| row.get(0))
        .unwrap()
}

async fn write_concurrently(adapters: &[SqlAdapter<DefaultSchema>], tasks: usize, each: usize) {
    let mut handles = Vec::new();
    for task in 0..tasks {
        let auth = adapters[task % adapters.len()].clone();
        handles.push(tokio::spawn(async move {
            for i in 0..each {
                let email = format!("w{task}-{i}@example.com");
                // Any error, "database is locked" included, fails the test here.
                let created = auth.create_user(user(email.clone())).await.unwrap();
                // Read it back at once, from a read connection.
                let read = auth.get_user(&created.id.to_string()).await.unwrap();
                assert_eq!(read.map(|u| u.email), Some(email));
            }
        }));
    }
    for handle in handles {
        handle.await.unwrap();
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn eight_writer_tasks_on_one_file() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("auth.db");
    let auth = connect(&format!("sqlite://{}", path.display()))
        .await
        .unwrap();
    write_concurrently(std::slice::from_ref(&auth), 8, 200).await;
    assert_eq!(count_users(&path), 1_600);
    assert!(
        auth.get_user_by_email("w7-199@example.com")
            .await
            .unwrap()
            .is_some()
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_adapters_on_one_file_wait_for_each_other() {
    // Two adapters have two writer connections: they meet SQLite's file lock like two
    // processes would, and retry behind the busy timeout.
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("auth.db");
    let url = format!("sqlite://{}", path.display());
    let first = connect(&url).await.unwrap();
    let second = SqlAdapter::<DefaultSchema>::connect(&url, Options::default())
        .await
        .unwrap();
    write_concurrently(&[first, second], 8, 100).await;
    assert_eq!(count_users(&path), 800);
}

#[tokio::test(flavor = "current_thread")]
async fn a_lock_held_elsewhere_neither_fails_a_write_nor_blocks_the_worker() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("auth.db");
    let auth = connect(&format!("sqlite://{}", path.display()))
        .await
        .unwrap();
    let existing = auth
        .create_user(user("before@example.com".into()))
        .await
        .unwrap();

    // Another "process": its own connection, holding the write lock for ~200 ms.
    let (locked_tx, locked_rx) = std::sync::mpsc::channel();
    let holder = {
        let path = path.clone();
        std::thread::spawn(move || {
            let other = rusqlite::Connection::open(path).unwrap();
            other.execute_batch("BEGIN IMMEDIATE").unwrap();
            locked_tx.send(()).unwrap();
            std::thread::sleep(Duration::from_millis(200));
            other.execute_batch("COMMIT").unwrap();
        })
    };
    locked_rx.recv().unwrap();

    // The only worker thread must stay free: a ticker keeps running while the write waits.
    let ticks = Arc::new(AtomicUsize::new(0));
    let ticker = {
        let ticks = Arc::clone(&ticks);
        tokio::spawn(async move {
            loop {
                tokio::time::sleep(Duration::from_millis(5)).await;
                ticks.fetch_add(1, Ordering::Relaxed);
            }
        })
    };

    // Reads run beside the lock (WAL), in place.
    let read_started = Instant::now();
    let read = auth.get_user(&existing.id.to_string()).await.unwrap();
    assert_eq!(read.map(|u| u.id), Some(existing.id));
    assert!(read_started.elapsed() < Duration::from_millis(100));

    let started = Instant::now();
    let created = auth
        .create_user(user("during@example.com".into()))
        .await
        .unwrap();
    let waited = started.elapsed();
    ticker.abort();
    holder.join().unwrap();

    assert!(
        waited >= Duration::from_millis(100),
        "waited only {waited:?}"
    );
    let ticked = ticks.load(Ordering::Relaxed);
    assert!(
        ticked >= 10,
        "the worker was blocked: {ticked} ticks in {waited:?}"
    );
    assert_eq!(
        auth.get_user(&created.id.to_string())
            .await
            .unwrap()
            .map(|u| u.email),
        Some("during@example.com".to_owned())
    );
}

#[tokio::test(flavor = "current_thread")]
async fn a_lock_held_past_the_busy_timeout_fails_as_a_database_error() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("auth.db");
    let url = format!("sqlite://{}", path.display());
    let auth = SqlAdapter::<DefaultSchema>::connect(
        &url,
        Options::default()
            .synchronize(true)
            .busy_timeout(Duration::from_millis(50)),
    )
    .await
    .unwrap();
    let other = rusqlite::Connection::open(&path).unwrap();
    other.execute_batch("BEGIN IMMEDIATE").unwrap();
    let error = auth
        .create_user(user("late@example.com".into()))
        .await
        .unwrap_err();
    other.execute_batch("COMMIT").unwrap();
    assert!(matches!(error, authmodel::Error::Database(_)), "{error:?}");
    assert!(error.to_string().contains("locked"), "{error}");
    // Once the lock is gone, the same call goes through.
    auth.create_user(user("late@example.com".into()))
        .await
        .unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn verification_tokens_are_used_once() {
    let auth = connect("sqlite::memory:").await.unwrap();
    for round in 0..20 {
        let token = VerificationToken {
            identifier: "race@example.com".into(),
            token: format!("t{round}"),
            expires: chrono::Utc::now(),
        };
        auth.create_verification_token(token).await.unwrap();
        let tasks: Vec<_> = (0..8)
            .map(|_| {
                let auth = auth.clone();
                let token = format!("t{round}");
                tokio::spawn(async move {
                    auth.use_verification_token("race@example.com", &token)
                        .await
                        .unwrap()
                })
            })
            .collect();
        let mut winners = 0;
        for task in tasks {
            winners += usize::from(task.await.unwrap().is_some());
        }
        assert_eq!(winners, 1, "round {round}");
    }
}

#[tokio::test]
async fn bad_urls_fail_before_connecting() {
    // Server URLs without `//`: malformed, refused before any connection is tried.
    assert!(matches!(
        connect("postgres:u:p@localhost/db").await,
        Err(authmodel::Error::Url { .. })
    ));
    assert!(matches!(
        connect("mysql:localhost/db").await,
        Err(authmodel::Error::Url { .. })
    ));
    assert!(matches!(
        connect("nosuch://x").await,
        Err(authmodel::Error::Url { .. })
    ));
    let missing = tempfile::tempdir().unwrap();
    let url = format!("sqlite://{}/absent.db?mode=rw", missing.path().display());
    assert!(matches!(
        SqlAdapter::<DefaultSchema>::connect(&url, Options::default()).await,
        Err(authmodel::Error::Database(_))
    ));
}

#[tokio::test]
async fn files_persist_and_open_read_only() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("auth.db");
    let url = format!("sqlite://{}", path.display());
    let id = {
        let auth = connect(&url).await.unwrap();
        auth.create_user(user("kept@example.com".into()))
            .await
            .unwrap()
            .id
    };
    let auth = connect(&url).await.unwrap();
    assert!(auth.get_user(&id.to_string()).await.unwrap().is_some());

    let read_only = SqlAdapter::<DefaultSchema>::connect(
        &format!("{url}?mode=ro"),
        Options::default().synchronize(true),
    )
    .await
    .unwrap();
    assert_eq!(
        read_only
            .get_user(&id.to_string())
            .await
            .unwrap()
            .map(|u| u.id),
        Some(id)
    );
    let e = read_only
        .create_user(user("new@example.com".into()))
        .await
        .unwrap_err();
    assert!(matches!(e, authmodel::Error::Database(_)), "{e:?}");

    // Without synchronize, nothing is created: the contract's statements meet no table.
    let bare = SqlAdapter::<DefaultSchema>::connect(
        &format!("sqlite://{}", dir.path().join("bare.db").display()),
        Options::default(),
    )
    .await
    .unwrap();
    assert!(matches!(
        bare.get_user(&id.to_string()).await,
        Err(authmodel::Error::Database(_))
    ));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn readers_outnumbered_by_tasks_still_read() {
    // One read connection for eight reading tasks: the ones that find it taken wait for it
    // (after a yield, on a blocking thread) instead of failing. `read_connections(0)` sends
    // reads to the writer.
    let dir = tempfile::tempdir().unwrap();
    for readers in [1, 0] {
        let url = format!("sqlite://{}/r{readers}.db", dir.path().display());
        let auth = SqlAdapter::<DefaultSchema>::connect(
            &url,
            Options::default()
                .synchronize(true)
                .read_connections(readers),
        )
        .await
        .unwrap();
        let created = auth
            .create_user(user("shared@example.com".into()))
            .await
            .unwrap();
        let id = created.id.to_string();
        let mut handles = Vec::new();
        for task in 0..8 {
            let auth = auth.clone();
            let id = id.clone();
            handles.push(tokio::spawn(async move {
                for i in 0..200 {
                    let found = auth.get_user(&id).await.unwrap();
                    assert_eq!(found.map(|u| u.email), Some("shared@example.com".into()));
                    if i % 50 == 0 {
                        auth.create_user(user(format!("r{task}-{i}@example.com")))
                            .await
                            .unwrap();
                    }
                }
            }));
        }
        for handle in handles {
            handle.await.unwrap();
        }
    }
}

#[tokio::test(flavor = "current_thread")]
async fn writes_keep_the_wal_checkpointed() {
    // SQLite checkpoints from its WAL hook, which only runs when a statement is stepped to
    // its end: a write whose RETURNING row is read and then reset commits without it, and the
    // WAL grows without bound. The adapter steps every write to the end.
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("auth.db");
    let auth = connect(&format!("sqlite://{}", path.display()))
        .await
        .unwrap();
    let owner = auth
        .create_user(user("wal@example.com".into()))
        .await
        .unwrap();
    let session = auth
        .create_session(authmodel::models::Session {
            id: Uuid::nil(),
            session_token: "wal".into(),
            user_id: owner.id,
            expires: chrono::Utc::now(),
        })
        .await
        .unwrap();
    for i in 0..3_000 {
        let patch = authmodel::models::SessionPatch {
            expires: Some(session.expires + chrono::Duration::seconds(i)),
            ..Default::default()
        };
        auth.update_session("wal", patch).await.unwrap();
    }
    // 1,000 pages of 4 KiB at most between checkpoints (SQLite's default), never 3,000.
    let wal = std::fs::metadata(dir.path().join("auth.db-wal"))
        .unwrap()
        .len();
    assert!(wal < 6 * 1024 * 1024, "the WAL grew to {wal} bytes");
}

#[test]
fn adapters_are_shareable_trait_objects() {
    fn shareable<T: Send + Sync + Clone + 'static>() {}
    shareable::<SqlAdapter<DefaultSchema>>();
    let _: fn(SqlAdapter<DefaultSchema>) -> Arc<dyn Adapter<DefaultSchema>> = |a| Arc::new(a);
}
