//! `#[auth(without_rowid)]`: on SQLite the table is stored in its primary key's B-tree.
//!
//! The default `users` table is one: a live database made by `synchronize` has it so
//! (SQLite's own `pragma_table_list` says), `users` made earlier with a rowid are in sync all
//! the same (with a note) and keep working, the servers' DDL has no such clause, and what
//! SQLite refuses in such a table (no primary key, an autoincremented id) is refused when the
//! schema is planned. A session keyed by its token passes the conformance suite, and the
//! rebuild the derive's docs describe keeps the rows that reference `users`.

use authmodel::migrate::{self, Drift};
use authmodel::models::{Session, User};
use authmodel::sql::{Options, SqlAdapter};
use authmodel::{
    Adapter, AuthModel, CreateOptions, DefaultSchema, Dialect, Error, Model, RawConnection, Value,
    ddl,
};
use chrono::Utc;

/// Whether SQLite stores `table` without a rowid (`pragma_table_list`'s `wr`).
async fn without_rowid(auth: &SqlAdapter<DefaultSchema>, table: &str) -> bool {
    let rows = auth
        .raw_query(
            RawConnection::Reader,
            "SELECT wr FROM pragma_table_list WHERE name = ?",
            vec![Value::Text(table.to_owned())],
        )
        .await
        .unwrap();
    assert_eq!(rows.len(), 1, "one table named {table}");
    rows[0].get("wr") == Some(&Value::Int(1))
}

/// A new user with a session whose token is `token-ada`.
async fn signed_in(auth: &SqlAdapter<DefaultSchema>) -> User {
    let user = auth
        .create_user(User::new("ada@example.com"))
        .await
        .unwrap();
    let expires = Utc::now() + chrono::Duration::days(30);
    auth.create_session(Session::new(user.id, "token-ada", expires))
        .await
        .unwrap();
    user
}

/// A file at `path` with the default tables as the DDL made them before `users` was
/// `without_rowid` (the SQLite script without its one `WITHOUT ROWID`), its connection, the
/// script it was made from, and the adapter's URL for it.
fn made_with_rowid_users(path: &std::path::Path) -> (rusqlite::Connection, String, String) {
    let script = ddl::script::<DefaultSchema>(Dialect::Sqlite, CreateOptions::default()).unwrap();
    let with_rowid = script.replace(" WITHOUT ROWID", "");
    assert_ne!(with_rowid, script, "the script has the clause to take out");
    let connection = rusqlite::Connection::open(path).unwrap();
    connection.execute_batch(&with_rowid).unwrap();
    (connection, script, format!("sqlite://{}", path.display()))
}

/// A user, a session of theirs, and the lookup that joins them.
async fn round_trip(auth: &SqlAdapter<DefaultSchema>) {
    let user = signed_in(auth).await;
    let (_, found) = auth
        .get_session_and_user("token-ada")
        .await
        .unwrap()
        .expect("the session and its user");
    assert_eq!(found, user);
    auth.delete_user(&user.id.to_string()).await.unwrap();
    assert_eq!(auth.get_session_and_user("token-ada").await.unwrap(), None);
}

#[tokio::test]
async fn synchronize_makes_the_default_users_table_without_rowid() {
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite://{}", dir.path().join("auth.db").display());
    let auth = SqlAdapter::<DefaultSchema>::connect(&url, Options::default().synchronize(true))
        .await
        .unwrap();
    assert!(without_rowid(&auth, "users").await);
    assert!(!without_rowid(&auth, "sessions").await);
    let plan = migrate::diff(&auth).await.unwrap();
    assert!(
        plan.is_empty() && plan.drift.is_empty(),
        "{}",
        plan.summary()
    );
    round_trip(&auth).await;
}

#[tokio::test]
async fn users_made_with_a_rowid_are_in_sync_and_keep_working() {
    let dir = tempfile::tempdir().unwrap();
    let (_, _, url) = made_with_rowid_users(&dir.path().join("auth.db"));
    let auth = SqlAdapter::<DefaultSchema>::connect(&url, Options::default())
        .await
        .unwrap();
    assert!(!without_rowid(&auth, "users").await);
    // In sync: nothing to do, and a note that the table could be stored in its key.
    let plan = migrate::diff(&auth).await.unwrap();
    assert!(plan.is_empty() && plan.is_in_sync(), "{}", plan.summary());
    assert_eq!(
        plan.drift,
        [Drift::RowidTable {
            table: "users".to_owned()
        }]
    );
    let note = plan.drift[0].to_string();
    assert!(note.starts_with("`users` has a rowid"), "{note}");
    round_trip(&auth).await;
}

#[test]
fn the_servers_tables_keep_their_own_storage() {
    for dialect in [Dialect::Postgres, Dialect::MySql] {
        let script = ddl::script::<DefaultSchema>(dialect, CreateOptions::default()).unwrap();
        assert!(!script.contains("WITHOUT ROWID"), "{dialect}: {script}");
    }
    let sqlite = ddl::script::<DefaultSchema>(Dialect::Sqlite, CreateOptions::default()).unwrap();
    assert_eq!(sqlite.matches("WITHOUT ROWID").count(), 1, "{sqlite}");
}

/// A user whose integer id the database numbers (by its type): SQLite does that only in a
/// table with a rowid.
#[derive(Debug, Clone, PartialEq, AuthModel)]
#[auth(role = "user", table = "numbered_users", without_rowid)]
struct NumberedUser {
    id: i64,
    email: String,
}

/// A session keyed by an id that may be `NULL` (Kysely's layout on SQLite), asked to be stored
/// in that key.
#[derive(Debug, Clone, PartialEq, AuthModel)]
#[auth(
    role = "session",
    table = "optional_id_sessions",
    primary_key(id),
    without_rowid
)]
struct OptionalIdSession {
    #[auth(id, db_default)]
    id: Option<uuid::Uuid>,
    session_token: String,
    user_id: uuid::Uuid,
    expires: chrono::DateTime<Utc>,
}

#[test]
fn an_optional_primary_key_in_a_without_rowid_table_is_refused_when_planned() {
    match ddl::plan(&[User::TABLE, OptionalIdSession::TABLE]) {
        Err(Error::Schema(message)) => assert!(
            message.contains("`optional_id_sessions` is `without_rowid`")
                && message.contains("`id` is optional"),
            "{message}"
        ),
        other => panic!("the plan was not refused: {other:?}"),
    }
}

#[test]
fn an_autoincremented_id_in_a_without_rowid_table_is_refused_when_planned() {
    let planned = ddl::plan(&[NumberedUser::TABLE]);
    match planned {
        Err(Error::Schema(message)) => assert!(
            message.contains("`numbered_users` is `without_rowid`")
                && message.contains("`id` is autoincremented"),
            "{message}"
        ),
        other => panic!("the plan was not refused: {other:?}"),
    }
}

/// A session keyed by its token, as Auth.js's own `AdapterSession` is (it has no id): its
/// table is stored in the token's B-tree, so the session lookup walks two B-trees in all
/// (this one, then the users table).
#[derive(Debug, Clone, PartialEq, AuthModel)]
#[auth(role = "session", without_rowid)]
struct TokenKeyedSession {
    session_token: String,
    user_id: uuid::Uuid,
    expires: chrono::DateTime<Utc>,
}

#[derive(authmodel::AuthSchema)]
#[auth(session = TokenKeyedSession)]
struct TokenKeyed;

#[tokio::test]
async fn sessions_keyed_by_their_token_pass_the_conformance_suite() {
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite://{}", dir.path().join("auth.db").display());
    let auth = SqlAdapter::<TokenKeyed>::connect(&url, Options::default().synchronize(true))
        .await
        .unwrap();
    let tables = auth
        .raw_query(
            RawConnection::Reader,
            "SELECT name, wr FROM pragma_table_list WHERE name IN ('users', 'sessions') \
             ORDER BY name",
            vec![],
        )
        .await
        .unwrap();
    let stored: Vec<_> = tables.iter().map(|t| t.get("wr").cloned()).collect();
    assert_eq!(stored, [Some(Value::Int(1)), Some(Value::Int(1))]);
    let key = auth
        .raw_query(
            RawConnection::Reader,
            "SELECT name FROM pragma_table_info('sessions') WHERE pk = 1",
            vec![],
        )
        .await
        .unwrap();
    assert_eq!(
        key[0].get("name"),
        Some(&Value::Text("session_token".into()))
    );
    for round in 1..=2 {
        let report = authmodel::testing::run(&auth, &auth, Default::default())
            .await
            .unwrap_or_else(|failure| panic!("run {round}: {failure}"));
        assert_eq!(report.passed(), authmodel::testing::CASES.len());
    }
}

/// The rebuild `runtime/docs/derive.md` describes, on `users` made with a rowid and holding a
/// user with a session: with foreign keys off the session survives the drop, and afterwards
/// the table is `WITHOUT ROWID`, `check` has no note left and every reference holds.
#[tokio::test]
async fn the_documented_rebuild_keeps_the_rows_that_reference_users() {
    let dir = tempfile::tempdir().unwrap();
    let (connection, script, url) = made_with_rowid_users(&dir.path().join("auth.db"));
    let auth = SqlAdapter::<DefaultSchema>::connect(&url, Options::default())
        .await
        .unwrap();
    let user = signed_in(&auth).await;

    let create = script
        .split(";\n")
        .find(|s| s.trim_start().starts_with("CREATE TABLE \"users\""))
        .unwrap()
        .replacen("\"users\"", "\"users_new\"", 1);
    connection
        .execute_batch(&format!(
            "PRAGMA foreign_keys = OFF;
             BEGIN;
             {create};
             INSERT INTO users_new SELECT * FROM users;
             DROP TABLE users;
             ALTER TABLE users_new RENAME TO users;
             CREATE UNIQUE INDEX users_email_key ON users (email);
             COMMIT;
             PRAGMA foreign_keys = ON;"
        ))
        .unwrap();
    let broken: i64 = connection
        .query_row("SELECT count(*) FROM pragma_foreign_key_check", [], |r| {
            r.get(0)
        })
        .unwrap();
    assert_eq!(broken, 0);

    let auth = SqlAdapter::<DefaultSchema>::connect(&url, Options::default())
        .await
        .unwrap();
    assert!(without_rowid(&auth, "users").await);
    let plan = migrate::diff(&auth).await.unwrap();
    assert!(
        plan.is_empty() && plan.drift.is_empty(),
        "{}",
        plan.summary()
    );
    let (_, found) = auth
        .get_session_and_user("token-ada")
        .await
        .unwrap()
        .expect("the session survived the rebuild");
    assert_eq!(found, user);
}
