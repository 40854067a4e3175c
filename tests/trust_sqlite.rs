//! SQLite under real conditions (issue 9):
//!
//! - `synchronize` never touches another application's table: a `sessions` table without the
//!   models' columns is refused, typed, before anything is created, and SQLite reads a
//!   double-quoted name as a name, never as a string (DQS off on every connection);
//! - `connect` next to another process's writer waits for its lock up to the busy timeout
//!   (SQLite does not wait by itself to switch a file to WAL), then fails typed.

use std::time::{Duration, Instant};

use authmodel::models::DefaultSchema;
use authmodel::sql::{Options, SqlAdapter};
use authmodel::{Adapter, Error};

/// Another application's `sessions` table (connect-sqlite3's layout) with `rows` rows.
fn foreign_sessions(path: &std::path::Path, rows: usize) -> rusqlite::Connection {
    let other = rusqlite::Connection::open(path).unwrap();
    other
        .execute_batch(
            "CREATE TABLE sessions (sid TEXT PRIMARY KEY, sess TEXT NOT NULL, \
             expired INTEGER NOT NULL)",
        )
        .unwrap();
    for i in 0..rows {
        other
            .execute(
                "INSERT INTO sessions (sid, sess, expired) VALUES (?1, '{}', 0)",
                [format!("sid-{i}")],
            )
            .unwrap();
    }
    other
}

fn names(connection: &rusqlite::Connection, kind: &str) -> Vec<String> {
    let mut statement = connection
        .prepare("SELECT name FROM sqlite_schema WHERE type = ?1 ORDER BY name")
        .unwrap();
    statement
        .query_map([kind], |row| row.get(0))
        .unwrap()
        .map(Result::unwrap)
        .collect()
}

#[tokio::test]
async fn synchronize_refuses_another_applications_table_and_creates_nothing() {
    for rows in [1, 2] {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("app.db");
        let other = foreign_sessions(&path, rows);

        let error = authmodel::connect(&format!("sqlite://{}", path.display()))
            .await
            .expect_err("a foreign `sessions` table must be refused");
        match &error {
            Error::ForeignTable { table, missing } => {
                assert_eq!(table, "sessions");
                assert_eq!(missing, &["id", "session_token", "user_id", "expires"]);
            }
            other => panic!("{rows} rows: {other:?}"),
        }
        let message = error.to_string();
        assert!(message.contains("`sessions`"), "{message}");
        assert!(message.contains("`session_token`"), "{message}");

        // The other application goes on as before: its next row is accepted...
        other
            .execute(
                "INSERT INTO sessions (sid, sess, expired) VALUES ('next', '{}', 0)",
                [],
            )
            .unwrap();
        // ...and nothing was created: no table of the models, no index on its table.
        assert_eq!(names(&other, "table"), ["sessions"], "{rows} rows");
        assert_eq!(
            names(&other, "index"),
            ["sqlite_autoindex_sessions_1"],
            "{rows} rows"
        );
    }
}

#[tokio::test]
async fn double_quoted_names_are_never_strings() {
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite://{}", dir.path().join("auth.db").display());
    for url in [url.as_str(), "sqlite::memory:"] {
        let auth = SqlAdapter::<DefaultSchema>::connect(url, Options::default().synchronize(true))
            .await
            .unwrap();
        // DDL, on the writer: an index over a constant would succeed.
        let ddl = auth
            .raw_execute(
                "CREATE INDEX users_nope ON users (\"no_such_column\")",
                vec![],
            )
            .await
            .expect_err("DQS in DDL");
        assert!(ddl.to_string().contains("no_such_column"), "{url}: {ddl}");
        // DML, on the writer and on a reader.
        let write = auth
            .raw_execute("UPDATE users SET name = \"no_such_column\"", vec![])
            .await
            .expect_err("DQS in DML");
        assert!(
            write.to_string().contains("no_such_column"),
            "{url}: {write}"
        );
        let read = auth
            .raw_select(
                "SELECT \"no_such_column\" FROM users",
                vec![],
                <authmodel::models::User as authmodel::model::Model>::TABLE,
            )
            .await
            .expect_err("DQS in a read");
        assert!(read.to_string().contains("no_such_column"), "{url}: {read}");
    }
}

/// A file in rollback-journal mode (what the `sqlite3` shell and Prisma leave) with a table of
/// its own; `other` then holds `BEGIN IMMEDIATE` on it until told to commit, or for good.
fn journal_file_held_by_a_writer(
    path: &std::path::Path,
    hold: Option<Duration>,
) -> (std::thread::JoinHandle<()>, std::sync::mpsc::Sender<()>) {
    let other = rusqlite::Connection::open(path).unwrap();
    other
        .execute_batch("CREATE TABLE other_app (x INTEGER); INSERT INTO other_app VALUES (1);")
        .unwrap();
    let mode: String = other
        .query_row("PRAGMA journal_mode", [], |row| row.get(0))
        .unwrap();
    assert_eq!(mode, "delete");
    let (locked_tx, locked_rx) = std::sync::mpsc::channel();
    let (release_tx, release_rx) = std::sync::mpsc::channel::<()>();
    let holder = std::thread::spawn(move || {
        other
            .execute_batch("BEGIN IMMEDIATE; INSERT INTO other_app VALUES (2);")
            .unwrap();
        locked_tx.send(()).unwrap();
        match hold {
            Some(hold) => std::thread::sleep(hold),
            None => {
                let _ = release_rx.recv();
            }
        }
        other.execute_batch("COMMIT").unwrap();
    });
    locked_rx.recv().unwrap();
    (holder, release_tx)
}

#[tokio::test]
async fn connect_waits_for_a_writer_next_door_and_then_succeeds() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("shared.db");
    let (holder, _release) = journal_file_held_by_a_writer(&path, Some(Duration::from_millis(300)));

    let started = Instant::now();
    let auth = authmodel::connect(&format!("sqlite://{}", path.display()))
        .await
        .expect("connect waits for the lock within the busy timeout");
    let waited = started.elapsed();
    holder.join().unwrap();
    assert!(
        waited >= Duration::from_millis(200),
        "waited only {waited:?}"
    );

    let created = auth
        .create_user(authmodel::models::User {
            id: uuid::Uuid::nil(),
            name: None,
            email: "next-door@example.com".into(),
            email_verified: None,
            image: None,
        })
        .await
        .unwrap();
    assert!(
        auth.get_user(&created.id.to_string())
            .await
            .unwrap()
            .is_some()
    );
    let other = rusqlite::Connection::open(&path).unwrap();
    let mode: String = other
        .query_row("PRAGMA journal_mode", [], |row| row.get(0))
        .unwrap();
    assert_eq!(mode, "wal");
    let theirs: i64 = other
        .query_row("SELECT count(*) FROM other_app", [], |row| row.get(0))
        .unwrap();
    assert_eq!(theirs, 2, "the other writer's commit is kept");
}

#[tokio::test]
async fn connect_fails_typed_when_the_writer_never_lets_go() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("shared.db");
    let (holder, release) = journal_file_held_by_a_writer(&path, None);

    let busy_timeout = Duration::from_millis(300);
    let started = Instant::now();
    let error = SqlAdapter::<DefaultSchema>::connect(
        &format!("sqlite://{}", path.display()),
        Options::default()
            .synchronize(true)
            .busy_timeout(busy_timeout),
    )
    .await
    .expect_err("the lock is never released");
    let waited = started.elapsed();
    release.send(()).unwrap();
    holder.join().unwrap();

    match &error {
        Error::Locked { lock, waited } => {
            assert!(lock.contains("exclusive lock"), "{lock}");
            assert!(lock.contains("WAL"), "{lock}");
            assert!(*waited >= busy_timeout, "{waited:?}");
        }
        other => panic!("{other:?}"),
    }
    assert!(error.to_string().contains("database is locked"), "{error}");
    assert!(waited >= busy_timeout, "gave up after {waited:?}");
    assert!(waited < Duration::from_secs(3), "waited {waited:?}");
}
