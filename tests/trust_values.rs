//! Values no backend stores as given are refused, typed, the same way everywhere (issue 9,
//! cases 8 and 11).
//!
//! - A leap second (`2016-12-31T23:59:60.5Z`) as `expires` or `email_verified`, on create
//!   and on update, is `Error::InvalidInput` naming the column, on the memory adapter, a
//!   SQLite file, PostgreSQL and MariaDB, and nothing is written.
//! - PostgreSQL: an email or a session token over its btree limit (about 2,700 bytes) is
//!   `Error::InvalidInput` naming the column; MariaDB: a 20 MB value, over
//!   `max_allowed_packet`, is `Error::InvalidInput` naming the column, refused before it is
//!   sent (sent, the server answers 1153 or resets the connection mid-write, at random).
//!   Either way the adapter's one pooled connection serves the next calls.
//!
//! The server backends are skipped loudly without `PG_URL` / `MYSQL_URL`, and failed under
//! `CI=true` (tests/common/mod.rs).

mod common;

use authmodel::memory::MemoryAdapter;
use authmodel::models::{DefaultSchema, Session, SessionPatch, User, UserPatch};
use authmodel::sql::{Options, SqlAdapter};
use authmodel::{Adapter, Error};
use chrono::{DateTime, Duration, Utc};
use common::{Server, fresh_database};
use uuid::Uuid;

fn leap_second() -> DateTime<Utc> {
    DateTime::parse_from_rfc3339("2016-12-31T23:59:60.5Z")
        .unwrap()
        .with_timezone(&Utc)
}

fn user(email: &str) -> User {
    User {
        id: Uuid::nil(),
        name: None,
        email: email.into(),
        email_verified: None,
        image: None,
    }
}

fn session(user_id: Uuid, token: &str, expires: DateTime<Utc>) -> Session {
    Session {
        id: Uuid::nil(),
        session_token: token.into(),
        user_id,
        expires,
    }
}

/// Asserts `result` is `InvalidInput` whose message names `column`.
fn assert_refused<T: std::fmt::Debug>(backend: &str, column: &str, result: authmodel::Result<T>) {
    match result {
        Err(Error::InvalidInput(message)) => assert!(
            message.contains(column),
            "{backend}: the refusal does not name `{column}`: {message}"
        ),
        other => panic!("{backend}: expected InvalidInput naming `{column}`, got {other:?}"),
    }
}

async fn leap_seconds_are_refused(backend: &str, auth: &impl Adapter<DefaultSchema>) {
    let leap = leap_second();

    let mut verified = user("leap@example.com");
    verified.email_verified = Some(leap);
    assert_refused(backend, "email_verified", auth.create_user(verified).await);
    assert_eq!(
        auth.get_user_by_email("leap@example.com").await.unwrap(),
        None,
        "{backend}: a refused create_user wrote nothing"
    );

    let stored = auth.create_user(user("plain@example.com")).await.unwrap();
    let id = stored.id.to_string();
    let patch = UserPatch {
        email_verified: Some(Some(leap)),
        ..Default::default()
    };
    assert_refused(
        backend,
        "email_verified",
        auth.update_user(&id, patch).await,
    );
    assert_eq!(
        auth.get_user(&id).await.unwrap(),
        Some(stored.clone()),
        "{backend}: a refused update_user wrote nothing"
    );

    assert_refused(
        backend,
        "expires",
        auth.create_session(session(stored.id, "leap-token", leap))
            .await,
    );
    assert!(
        auth.get_session_and_user("leap-token")
            .await
            .unwrap()
            .is_none(),
        "{backend}: a refused create_session wrote nothing"
    );

    let expires =
        DateTime::from_timestamp_millis(Utc::now().timestamp_millis()).unwrap() + Duration::days(1);
    let kept = auth
        .create_session(session(stored.id, "plain-token", expires))
        .await
        .unwrap();
    let patch = SessionPatch {
        expires: Some(leap),
        ..Default::default()
    };
    assert_refused(
        backend,
        "expires",
        auth.update_session("plain-token", patch).await,
    );
    let found = auth.get_session_and_user("plain-token").await.unwrap();
    assert_eq!(
        found.map(|(session, _)| session),
        Some(kept),
        "{backend}: a refused update_session wrote nothing"
    );
}

#[tokio::test]
async fn leap_second_memory() {
    leap_seconds_are_refused("memory", &MemoryAdapter::<DefaultSchema>::new()).await;
}

#[tokio::test]
async fn leap_second_sqlite() {
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite://{}", dir.path().join("auth.db").display());
    let auth = SqlAdapter::<DefaultSchema>::connect(&url, Options::default().synchronize(true))
        .await
        .unwrap();
    leap_seconds_are_refused("sqlite", &auth).await;
}

async fn server(kind: Server) -> Option<SqlAdapter<DefaultSchema>> {
    let url = fresh_database(kind, "trust_values").await?;
    // One connection: the calls after a refusal run on it, or on its replacement.
    let options = Options::default().synchronize(true).max_connections(1);
    Some(
        SqlAdapter::<DefaultSchema>::connect(&url, options)
            .await
            .unwrap_or_else(|e| panic!("connect {url}: {e}")),
    )
}

#[tokio::test]
async fn leap_second_postgres() {
    if let Some(auth) = server(Server::Postgres).await {
        leap_seconds_are_refused("postgres", &auth).await;
    }
}

#[tokio::test]
async fn leap_second_mariadb() {
    if let Some(auth) = server(Server::MySql).await {
        leap_seconds_are_refused("mariadb", &auth).await;
    }
}

/// `bytes` of text that does not compress (PostgreSQL compresses a long index entry first).
fn incompressible(bytes: usize) -> String {
    let mut text = String::with_capacity(bytes + 32);
    while text.len() < bytes {
        text.push_str(&Uuid::new_v4().simple().to_string());
    }
    text.truncate(bytes);
    text
}

/// The adapter still serves reads and writes after a refusal.
async fn still_healthy(backend: &str, auth: &SqlAdapter<DefaultSchema>, label: &str) {
    let email = format!("{label}@example.com");
    let stored = auth.create_user(user(&email)).await.unwrap();
    assert_eq!(
        auth.get_user_by_email(&email).await.unwrap(),
        Some(stored.clone()),
        "{backend}: after {label}"
    );
    let token = format!("{label}-token");
    let expires = DateTime::from_timestamp_millis(Utc::now().timestamp_millis()).unwrap();
    auth.create_session(session(stored.id, &token, expires))
        .await
        .unwrap();
    assert!(
        auth.get_session_and_user(&token).await.unwrap().is_some(),
        "{backend}: after {label}"
    );
}

#[tokio::test]
async fn postgres_key_over_the_index_limit_is_invalid_input() {
    let Some(auth) = server(Server::Postgres).await else {
        return;
    };
    for bytes in [3_000, 20_000] {
        let long = format!("{}@example.com", incompressible(bytes));
        assert_refused("postgres", "`email`", auth.create_user(user(&long)).await);
        assert_eq!(auth.get_user_by_email(&long).await.unwrap(), None);
        still_healthy("postgres", &auth, &format!("email{bytes}")).await;

        let owner = auth
            .create_user(user(&format!("owner{bytes}@example.com")))
            .await
            .unwrap();
        let token = incompressible(bytes);
        assert_refused(
            "postgres",
            "`session_token`",
            auth.create_session(session(owner.id, &token, Utc::now()))
                .await,
        );
        assert!(auth.get_session_and_user(&token).await.unwrap().is_none());
        still_healthy("postgres", &auth, &format!("token{bytes}")).await;
    }
}

#[tokio::test]
async fn mariadb_value_over_max_allowed_packet_is_invalid_input() {
    let Some(auth) = server(Server::MySql).await else {
        return;
    };
    let mut huge = user("huge@example.com");
    huge.name = Some("x".repeat(20 * 1024 * 1024));
    assert_refused("mariadb", "`name`", auth.create_user(huge).await);
    assert_eq!(
        auth.get_user_by_email("huge@example.com").await.unwrap(),
        None
    );
    still_healthy("mariadb", &auth, "packet").await;
}
