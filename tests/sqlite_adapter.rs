//! The SQL adapter on SQLite files under concurrency: in-process writers queue without
//! "database is locked", and a lock held by another connection (as another process would)
//! is waited for off the async workers.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use authmodel::Adapter;
use authmodel::models::{DefaultSchema, User};
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
    write_concurrently(&[auth.clone()], 8, 200).await;
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
