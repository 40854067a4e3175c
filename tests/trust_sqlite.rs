//! SQLite under real conditions (issue 9):
//!
//! - `synchronize` never touches another application's table: a `sessions` table without the
//!   models' columns is refused, typed, before anything is created, and SQLite reads a
//!   double-quoted name as a name, never as a string (DQS off on every connection);

use authmodel::Error;
use authmodel::models::DefaultSchema;
use authmodel::sql::{Options, SqlAdapter};

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
