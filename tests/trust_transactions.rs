//! Transactions that never leak (issue 9, cases 1-3 and the schema lock): a migration owns
//! its connection until it has committed or rolled back, so the application's acknowledged
//! writes never land inside it; a dropped migration or write leaves no transaction open; a
//! write that fails wrote nothing; `migrate` and `synchronize` take turns.
//!
//! The server tests need the servers of scripts/test (`PG_URL`, `MYSQL_URL`; tests/common).

mod common;

use std::time::Duration;

use authmodel::models::{DefaultSchema, Session, SessionPatch, User};
use authmodel::sql::{Options, SqlAdapter};
use authmodel::{AccountKey, Adapter, Error, migrate};
use chrono::Utc;
use common::{Server, fresh_database};
use sqlx::{AssertSqlSafe, Connection};
use uuid::Uuid;

type Auth = SqlAdapter<DefaultSchema>;

async fn open(url: &str) -> Auth {
    Auth::connect(url, Options::default().synchronize(true))
        .await
        .unwrap_or_else(|e| panic!("{url}: {e}"))
}

fn user(email: &str) -> User {
    User {
        id: Uuid::nil(),
        name: None,
        email: email.to_owned(),
        email_verified: None,
        image: None,
    }
}

fn session(user: &User, token: &str) -> Session {
    Session {
        id: Uuid::nil(),
        session_token: token.to_owned(),
        user_id: user.id,
        expires: Utc::now() + chrono::Duration::days(1),
    }
}

/// A SQLite file whose plan is a slow index over `accounts` rows followed, when `failing`,
/// by a unique index that two equal session tokens make fail.
async fn sqlite_with_pending_plan(
    dir: &tempfile::TempDir,
    accounts: u32,
    failing: bool,
) -> (String, Auth, User) {
    let url = format!("sqlite://{}", dir.path().join("auth.db").display());
    let auth = open(&url).await;
    let owner = auth.create_user(user("owner@example.com")).await.unwrap();
    let id = owner.id.to_string();
    auth.raw_execute(
        &format!(
            "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < {accounts}) \
             INSERT INTO accounts (id, user_id, type, provider, provider_account_id) \
             SELECT printf('a%d', i), ?, 'oauth', 'p', printf('%d', i) FROM n"
        ),
        vec![authmodel::Value::Text(id.clone())],
    )
    .await
    .unwrap();
    auth.raw_execute("DROP INDEX accounts_user_id_idx", vec![])
        .await
        .unwrap();
    if failing {
        auth.raw_execute("DROP INDEX sessions_session_token_key", vec![])
            .await
            .unwrap();
        for id in ["s1", "s2"] {
            auth.raw_execute(
                "INSERT INTO sessions (id, session_token, user_id, expires) VALUES (?, 'dup', ?, 0)",
                vec![authmodel::Value::Text(id.to_owned()), id_value(&owner)],
            )
            .await
            .unwrap();
        }
    }
    (url, auth, owner)
}

fn id_value(user: &User) -> authmodel::Value {
    authmodel::Value::Text(user.id.to_string())
}

/// Case 1: writes acknowledged while a failing migration runs survive its rollback.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn sqlite_failed_migration_keeps_acknowledged_writes() {
    let dir = tempfile::tempdir().unwrap();
    let (_, auth, owner) = sqlite_with_pending_plan(&dir, 100_000, true).await;
    let plan = migrate::diff(&auth).await.unwrap();
    assert!(plan.statements().len() >= 2, "{}", plan.summary());

    let migrating = tokio::spawn({
        let auth = auth.clone();
        async move { migrate::apply(&auth, &plan).await }
    });
    let writer = tokio::spawn({
        let auth = auth.clone();
        async move {
            let mut acknowledged = Vec::new();
            for i in 0.. {
                let token = format!("during-{i}");
                if auth.create_session(session(&owner, &token)).await.is_ok() {
                    acknowledged.push(token);
                }
                if i >= 20 {
                    break;
                }
                tokio::time::sleep(Duration::from_millis(2)).await;
            }
            acknowledged
        }
    });
    let applied = migrating.await.unwrap();
    let acknowledged = writer.await.unwrap();
    assert!(
        applied.is_err(),
        "the duplicate tokens fail the unique index"
    );
    assert!(!acknowledged.is_empty());
    for token in &acknowledged {
        assert!(
            auth.get_session_and_user(token).await.unwrap().is_some(),
            "session {token} was acknowledged and then lost"
        );
    }
}

/// Case 2: a migration dropped part way rolls back, and the writer is not left inside its
/// transaction: a later write is visible to another connection.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sqlite_dropped_migration_leaves_no_transaction() {
    let dir = tempfile::tempdir().unwrap();
    let (url, auth, owner) = sqlite_with_pending_plan(&dir, 200_000, false).await;
    // A slow index first, then the other missing indexes: the timeout fires inside them.
    let plan = migrate::diff(&auth).await.unwrap();
    let before = plan.statements().len();
    assert!(before >= 1, "{}", plan.summary());
    let timed = tokio::time::timeout(Duration::from_millis(5), migrate::apply(&auth, &plan)).await;
    assert!(timed.is_err(), "the migration should still be running");
    let created = auth
        .create_session(session(&owner, "after-timeout"))
        .await
        .unwrap();
    let other = open(&url).await;
    assert_eq!(
        other
            .get_session_and_user("after-timeout")
            .await
            .unwrap()
            .map(|(s, _)| s.id),
        Some(created.id),
        "a write after a dropped migration is visible to another connection"
    );
    drop(other);
    let left = migrate::diff(&auth).await.unwrap().statements().len();
    assert!(
        left == before || left == 0,
        "all or nothing: {left} of {before} left"
    );
}

/// Case 3 setup: the rows of `table` lose their `id` (as rows another tool wrote without one),
/// on every backend.
async fn null_ids(auth: &Auth, url: &str, table: &str) {
    if url.starts_with("sqlite") {
        // SQLite cannot drop NOT NULL: rebuild the table without constraints.
        for sql in [
            format!("CREATE TABLE copy AS SELECT * FROM {table}"),
            format!("DROP TABLE {table}"),
            format!("ALTER TABLE copy RENAME TO {table}"),
            format!("UPDATE {table} SET id = NULL"),
        ] {
            auth.raw_execute(&sql, vec![]).await.unwrap();
        }
        return;
    }
    let statements = if url.starts_with("postgres") {
        vec![
            format!("ALTER TABLE {table} DROP CONSTRAINT {table}_pkey"),
            format!("ALTER TABLE {table} ALTER COLUMN id DROP NOT NULL"),
            format!("UPDATE {table} SET id = NULL"),
        ]
    } else {
        vec![
            format!("ALTER TABLE {table} DROP PRIMARY KEY, MODIFY id CHAR(36) NULL"),
            format!("UPDATE {table} SET id = NULL"),
        ]
    };
    for sql in statements {
        auth.raw_execute(&sql, vec![]).await.unwrap();
    }
}

/// Counts rows of `sql` (`SELECT COUNT(*) ...`) on a connection of its own.
async fn count(auth: &Auth, url: &str, sql: &str) -> i64 {
    if url.starts_with("sqlite") {
        let path = url.trim_start_matches("sqlite://");
        let connection = rusqlite::Connection::open(path).unwrap();
        return connection.query_row(sql, [], |row| row.get(0)).unwrap();
    }
    let _ = auth;
    if url.starts_with("postgres") {
        let mut c = sqlx::PgConnection::connect(url).await.unwrap();
        sqlx::query_scalar(AssertSqlSafe(sql.to_owned()))
            .fetch_one(&mut c)
            .await
            .unwrap()
    } else {
        let mut c = sqlx::MySqlConnection::connect(url).await.unwrap();
        sqlx::query_scalar(AssertSqlSafe(sql.to_owned()))
            .fetch_one(&mut c)
            .await
            .unwrap()
    }
}

fn wrote_nothing<T: std::fmt::Debug>(what: &str, result: Result<Option<T>, Error>) {
    match result {
        Ok(None) | Err(Error::Decode { .. }) => {}
        other => panic!("{what}: expected nothing written, got {other:?}"),
    }
}

async fn undecodable_rows_are_left_alone(url: &str) {
    let auth = open(url).await;
    let owner = auth.create_user(user("rows@example.com")).await.unwrap();
    auth.create_session(session(&owner, "tok-delete"))
        .await
        .unwrap();
    auth.create_session(session(&owner, "tok-update"))
        .await
        .unwrap();
    let account = authmodel::models::Account {
        id: Uuid::nil(),
        user_id: owner.id,
        kind: "oauth".into(),
        provider: "github".into(),
        provider_account_id: "42".into(),
        refresh_token: None,
        access_token: None,
        expires_at: None,
        token_type: None,
        scope: None,
        id_token: None,
        session_state: None,
    };
    auth.link_account(account).await.unwrap();
    null_ids(&auth, url, "sessions").await;
    null_ids(&auth, url, "accounts").await;

    wrote_nothing("delete_session", auth.delete_session("tok-delete").await);
    let rename = SessionPatch {
        session_token: Some("renamed".into()),
        ..Default::default()
    };
    wrote_nothing(
        "update_session",
        auth.update_session("tok-update", rename).await,
    );
    wrote_nothing(
        "unlink_account",
        auth.unlink_account(AccountKey {
            provider: "github",
            provider_account_id: "42",
        })
        .await,
    );
    let sessions = count(
        &auth,
        url,
        "SELECT COUNT(*) FROM sessions WHERE session_token IN ('tok-delete', 'tok-update')",
    )
    .await;
    assert_eq!(sessions, 2, "{url}: a failed session write changed a row");
    let accounts = count(&auth, url, "SELECT COUNT(*) FROM accounts").await;
    assert_eq!(
        accounts, 1,
        "{url}: unlink_account deleted an unreadable row"
    );
}

/// Case 3: an error, or nothing found, from a write means nothing was written.
#[tokio::test]
async fn writes_leave_unreadable_rows_alone_on_sqlite() {
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite://{}", dir.path().join("auth.db").display());
    undecodable_rows_are_left_alone(&url).await;
}

#[tokio::test]
async fn writes_leave_unreadable_rows_alone_on_servers() {
    for server in Server::ALL {
        if let Some(url) = fresh_database(server, "unreadable").await {
            undecodable_rows_are_left_alone(&url).await;
        }
    }
}

/// The schema lock: a migration racing another adapter's `synchronize` on PostgreSQL waits
/// for it instead of failing with "conflict on pg_type". They take turns: the migration goes
/// first and creates the tables, or a `synchronize` does, and then the migration, planned
/// before, fails whole on its first `CREATE TABLE` (nothing applied). Either way every table is
/// there afterwards.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn migrate_and_synchronize_take_turns_on_servers() {
    for server in Server::ALL {
        for _ in 0..4 {
            let Some(url) = fresh_database(server, "race").await else {
                break;
            };
            let bare = Auth::connect(&url, Options::default()).await.unwrap();
            let plan = migrate::diff(&bare).await.unwrap();
            let migrating = tokio::spawn(async move { migrate::apply(&bare, &plan).await });
            let syncing: Vec<_> = (0..3)
                .map(|_| {
                    let url = url.clone();
                    tokio::spawn(async move {
                        Auth::connect(&url, Options::default().synchronize(true))
                            .await
                            .map(drop)
                    })
                })
                .collect();
            let migrated = migrating.await.unwrap();
            for s in syncing {
                s.await.unwrap().unwrap();
            }
            if let Err(error) = migrated {
                let message = error.to_string();
                assert!(
                    message.contains("nothing was applied") && message.contains("already exists"),
                    "{url}: the migration failed other than after a synchronize: {message}"
                );
            }
            let after = Auth::connect(&url, Options::default()).await.unwrap();
            let left = migrate::diff(&after).await.unwrap();
            assert!(left.is_empty(), "{url}: {}", left.summary());
        }
    }
}

/// A dropped migration or write leaves no transaction open on a pooled connection, and later
/// writes are durable and visible.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn dropped_calls_leave_no_open_transaction_on_servers() {
    for server in Server::ALL {
        let Some(url) = fresh_database(server, "dropped").await else {
            continue;
        };
        let auth = Auth::connect(
            &url,
            Options::default().without_returning(true).synchronize(true),
        )
        .await
        .unwrap();
        let owner = auth.create_user(user("drop@example.com")).await.unwrap();
        auth.raw_execute("DROP INDEX accounts_user_id_idx ON accounts", vec![])
            .await
            .ok();
        auth.raw_execute("DROP INDEX accounts_user_id_idx", vec![])
            .await
            .ok();
        let plan = migrate::diff(&auth).await.unwrap();
        for micros in [0, 200, 500, 1000, 2000, 5000] {
            let _ =
                tokio::time::timeout(Duration::from_micros(micros), migrate::apply(&auth, &plan))
                    .await;
        }
        for i in 0..40u64 {
            let token = authmodel::models::VerificationToken {
                identifier: "drop@example.com".into(),
                token: format!("t{i}"),
                expires: Utc::now() + chrono::Duration::hours(1),
            };
            auth.create_verification_token(token).await.unwrap();
            let _ = tokio::time::timeout(
                Duration::from_micros(50 * i),
                auth.use_verification_token("drop@example.com", &format!("t{i}")),
            )
            .await;
        }
        // sqlx ends a dropped transaction when the connection goes back to its pool, in a
        // task of its own: give it a moment.
        tokio::time::sleep(Duration::from_millis(300)).await;
        let open_sql = if url.starts_with("postgres") {
            "SELECT COUNT(*) FROM pg_stat_activity WHERE datname = current_database() \
             AND state LIKE 'idle in transaction%'"
        } else {
            "SELECT COUNT(*) FROM information_schema.innodb_trx t \
             JOIN information_schema.processlist p ON p.id = t.trx_mysql_thread_id \
             WHERE p.db = DATABASE()"
        };
        assert_eq!(count(&auth, &url, open_sql).await, 0, "{server:?}");
        let after = auth.create_session(session(&owner, "after")).await.unwrap();
        let visible = count(
            &auth,
            &url,
            "SELECT COUNT(*) FROM sessions WHERE session_token = 'after'",
        )
        .await;
        assert_eq!(visible, 1, "{server:?}: {after:?}");
    }
}
