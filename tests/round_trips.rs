//! Every column type, stored and read back on every backend: SQLite, PostgreSQL, and MariaDB
//! with its `RETURNING` statements and with MySQL 8's (none; forced with the hidden
//! `Options::without_returning`).
//!
//! A user model carries one field of each type a model may have (`String`, `bool`, `i32`,
//! `i64`, `f64`, `Uuid`, `DateTime<Utc>` with milliseconds, `serde_json::Value`, `Json<T>`,
//! `Vec<u8>`, an `AuthEnum`) and an `Option` of each. It goes through `create_user`, then is
//! read back by the contract (`get_user`, `get_user_by_email`), by a hand-written `SELECT`
//! (`RawReads`) and after `update_user` patches every field, set and cleared. Then: the
//! statements each operation costs (`get_session_and_user` is one on every backend, which
//! also shows which statement shapes a server run took), and values the columns cannot hold,
//! which are `InvalidInput` errors. Server runs skip loudly (fail under `CI=true`) when the run
//! has no such server.

mod common;

use authmodel::models::{Session, VerificationToken};
use authmodel::sql::{Options, SqlAdapter};
use authmodel::testing::RawReads;
use authmodel::value::{Json, to_millis};
use authmodel::{Adapter, AuthEnum, AuthModel, AuthSchema, Error};
use chrono::{DateTime, Duration, TimeZone, Utc};
use common::Server;
use serde::{Deserialize, Serialize};
use uuid::Uuid;

/// A plan, stored as text.
#[derive(Debug, Clone, Copy, PartialEq, AuthEnum)]
#[auth(rename_all = "snake_case")]
pub enum Plan {
    /// No charge.
    Free,
    /// A paid team.
    TeamPro,
}

/// Typed JSON.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Preferences {
    /// A string.
    pub theme: String,
    /// An array of numbers.
    pub sizes: Vec<u32>,
}

/// A user with a field of every type, and an `Option` of each.
#[derive(Debug, Clone, PartialEq, AuthModel)]
#[auth(role = "user", table = "typed_users")]
pub struct TypedUser {
    /// A random UUID.
    pub id: Uuid,
    /// The display name.
    pub name: Option<String>,
    /// The email address.
    pub email: String,
    /// When the address was verified.
    pub email_verified: Option<DateTime<Utc>>,
    /// The picture's URL.
    pub image: Option<String>,
    /// A boolean.
    pub flag: bool,
    /// A 32-bit integer.
    pub small: i32,
    /// A 64-bit integer.
    pub big: i64,
    /// A float.
    pub ratio: f64,
    /// A UUID that is not a key.
    pub reference: Uuid,
    /// An instant.
    pub seen_at: DateTime<Utc>,
    /// Untyped JSON.
    pub document: serde_json::Value,
    /// Typed JSON.
    pub preferences: Json<Preferences>,
    /// Bytes.
    pub blob: Vec<u8>,
    /// An enum.
    pub plan: Plan,
    /// Optional boolean.
    pub maybe_flag: Option<bool>,
    /// Optional 32-bit integer.
    pub maybe_small: Option<i32>,
    /// Optional 64-bit integer.
    pub maybe_big: Option<i64>,
    /// Optional float.
    pub maybe_ratio: Option<f64>,
    /// Optional UUID.
    pub maybe_reference: Option<Uuid>,
    /// Optional instant.
    pub maybe_seen_at: Option<DateTime<Utc>>,
    /// Optional untyped JSON.
    pub maybe_document: Option<serde_json::Value>,
    /// Optional typed JSON.
    pub maybe_preferences: Option<Json<Preferences>>,
    /// Optional bytes.
    pub maybe_blob: Option<Vec<u8>>,
    /// Optional enum.
    pub maybe_plan: Option<Plan>,
    /// Bounded text: `varchar(8)` on the servers.
    #[auth(max_len = 8)]
    pub code: Option<String>,
}

/// The default models with [`TypedUser`] as the user.
#[derive(AuthSchema)]
#[auth(user = TypedUser)]
pub struct Typed;

type Auth = SqlAdapter<Typed>;

/// Where a test runs.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Backend {
    Sqlite,
    Postgres,
    MariaDb,
    /// MariaDB with MySQL 8's statements (no `RETURNING`).
    MariaDbWithoutReturning,
}

/// An adapter on a new database of `backend` with the tables created; `None` when the run
/// has no such server.
async fn connect(backend: Backend, label: &str) -> Option<Auth> {
    let (url, options) = match backend {
        Backend::Sqlite => ("sqlite::memory:".to_owned(), Options::default()),
        Backend::Postgres => (
            common::fresh_database(Server::Postgres, label).await?,
            Options::default(),
        ),
        Backend::MariaDb => (
            common::fresh_database(Server::MySql, label).await?,
            Options::default(),
        ),
        Backend::MariaDbWithoutReturning => (
            common::fresh_database(Server::MySql, label).await?,
            Options::default().without_returning(true),
        ),
    };
    let auth = Auth::connect(&url, options.synchronize(true))
        .await
        .unwrap_or_else(|e| panic!("{backend:?}: connect {url}: {e}"));
    Some(auth)
}

/// An instant with sub-millisecond digits, to see them truncated.
fn instant(day: u32) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2031, 3, day, 4, 5, 6).unwrap() + Duration::nanoseconds(789_654_321)
}

fn full(email: &str) -> TypedUser {
    TypedUser {
        id: Uuid::nil(),
        name: Some("Zoë 'quoted' \"name\" ✓ 🚀".into()),
        email: email.into(),
        email_verified: Some(instant(1)),
        image: Some("x".repeat(5_000)),
        flag: true,
        small: i32::MIN,
        big: i64::MAX,
        ratio: -1_234.567_890_123_4,
        reference: Uuid::new_v4(),
        seen_at: instant(2),
        document: serde_json::json!({"a": [1, 2, {"b": null}], "c": "ü", "d": true}),
        preferences: Json(Preferences {
            theme: "dark".into(),
            sizes: vec![1, 2, 3],
        }),
        blob: vec![0, 1, 2, 0xfe, 0xff, 0],
        plan: Plan::TeamPro,
        maybe_flag: Some(false),
        maybe_small: Some(i32::MAX),
        maybe_big: Some(i64::MIN),
        maybe_ratio: Some(0.1),
        maybe_reference: Some(Uuid::new_v4()),
        maybe_seen_at: Some(instant(3)),
        maybe_document: Some(serde_json::json!([1.5, "two", {"three": 3}])),
        maybe_preferences: Some(Json(Preferences {
            theme: String::new(),
            sizes: vec![],
        })),
        maybe_blob: Some(vec![]),
        maybe_plan: Some(Plan::Free),
        // Eight characters in twelve bytes: the bound counts characters.
        code: Some("ÄÖÜßabcd".into()),
    }
}

fn empty(email: &str) -> TypedUser {
    TypedUser {
        name: None,
        email_verified: None,
        image: None,
        maybe_flag: None,
        maybe_small: None,
        maybe_big: None,
        maybe_ratio: None,
        maybe_reference: None,
        maybe_seen_at: None,
        maybe_document: None,
        maybe_preferences: None,
        maybe_blob: None,
        maybe_plan: None,
        code: None,
        flag: false,
        small: 0,
        big: 0,
        ratio: 0.0,
        ..full(email)
    }
}

/// `user` as the database should give it back: the id it was given, instants truncated to
/// the millisecond.
fn as_stored(user: &TypedUser, id: Uuid) -> TypedUser {
    TypedUser {
        id,
        email_verified: user.email_verified.map(to_millis),
        seen_at: to_millis(user.seen_at),
        maybe_seen_at: user.maybe_seen_at.map(to_millis),
        ..user.clone()
    }
}

/// Stores `user` and reads it back every way there is.
async fn round_trip(auth: &Auth, backend: Backend, user: TypedUser) {
    let email = user.email.clone();
    let created = auth
        .create_user(user.clone())
        .await
        .unwrap_or_else(|e| panic!("{backend:?}: createUser: {e}"));
    assert_ne!(created.id, Uuid::nil(), "{backend:?}");
    let expected = as_stored(&user, created.id);
    assert_eq!(created, expected, "{backend:?}: as createUser returned it");
    let id = created.id.to_string();
    let read = auth.get_user(&id).await.unwrap();
    assert_eq!(read.as_ref(), Some(&expected), "{backend:?}: getUser");
    let read = auth.get_user_by_email(&email).await.unwrap();
    assert_eq!(
        read.as_ref(),
        Some(&expected),
        "{backend:?}: getUserByEmail"
    );
    let raw = RawReads::<Typed>::user(auth, &id).await.unwrap();
    assert_eq!(raw.as_ref(), Some(&expected), "{backend:?}: a raw SELECT");
}

async fn every_type_round_trips(backend: Backend) {
    let Some(auth) = connect(backend, "types").await else {
        return;
    };
    round_trip(&auth, backend, full("full@example.com")).await;
    round_trip(&auth, backend, empty("empty@example.com")).await;

    // Every field patched: the full user's values onto the empty one, then cleared again.
    let start = auth
        .create_user(empty("patched@example.com"))
        .await
        .unwrap();
    let id = start.id.to_string();
    let target = full("patched@example.com");
    let patch = TypedUserPatch {
        name: Some(target.name.clone()),
        email_verified: Some(target.email_verified),
        image: Some(target.image.clone()),
        flag: Some(target.flag),
        small: Some(target.small),
        big: Some(target.big),
        ratio: Some(target.ratio),
        reference: Some(target.reference),
        seen_at: Some(target.seen_at),
        document: Some(target.document.clone()),
        preferences: Some(target.preferences.clone()),
        blob: Some(target.blob.clone()),
        plan: Some(target.plan),
        maybe_flag: Some(target.maybe_flag),
        maybe_small: Some(target.maybe_small),
        maybe_big: Some(target.maybe_big),
        maybe_ratio: Some(target.maybe_ratio),
        maybe_reference: Some(target.maybe_reference),
        maybe_seen_at: Some(target.maybe_seen_at),
        maybe_document: Some(target.maybe_document.clone()),
        maybe_preferences: Some(target.maybe_preferences.clone()),
        maybe_blob: Some(target.maybe_blob.clone()),
        maybe_plan: Some(target.maybe_plan),
        code: Some(target.code.clone()),
        ..TypedUserPatch::default()
    };
    let updated = auth.update_user(&id, patch).await.unwrap();
    let expected = as_stored(&target, start.id);
    assert_eq!(updated, expected, "{backend:?}: as updateUser returned it");
    let raw = RawReads::<Typed>::user(&auth, &id).await.unwrap();
    assert_eq!(
        raw.as_ref(),
        Some(&expected),
        "{backend:?}: after updateUser"
    );

    let clear = TypedUserPatch {
        maybe_flag: Some(None),
        maybe_seen_at: Some(None),
        maybe_document: Some(None),
        maybe_preferences: Some(None),
        maybe_blob: Some(None),
        maybe_plan: Some(None),
        ..TypedUserPatch::default()
    };
    let cleared = auth.update_user(&id, clear).await.unwrap();
    let expected = TypedUser {
        maybe_flag: None,
        maybe_seen_at: None,
        maybe_document: None,
        maybe_preferences: None,
        maybe_blob: None,
        maybe_plan: None,
        ..expected
    };
    assert_eq!(cleared, expected, "{backend:?}: cleared");
    let raw = RawReads::<Typed>::user(&auth, &id).await.unwrap();
    assert_eq!(raw, Some(expected), "{backend:?}: after clearing");
}

#[tokio::test]
async fn every_type_round_trips_on_sqlite() {
    every_type_round_trips(Backend::Sqlite).await;
}

#[tokio::test]
async fn every_type_round_trips_on_postgres() {
    every_type_round_trips(Backend::Postgres).await;
}

#[tokio::test]
async fn every_type_round_trips_on_mariadb() {
    every_type_round_trips(Backend::MariaDb).await;
}

#[tokio::test]
async fn every_type_round_trips_on_mariadb_without_returning() {
    every_type_round_trips(Backend::MariaDbWithoutReturning).await;
}

/// The statements `f` sends.
async fn cost<T>(auth: &Auth, f: impl AsyncFnOnce(&Auth) -> T) -> (u64, T) {
    let before = auth.statements_executed();
    let out = f(auth).await;
    (auth.statements_executed() - before, out)
}

/// What each operation costs in statements; `get_session_and_user` is one everywhere.
async fn statement_counts(backend: Backend) {
    let Some(auth) = connect(backend, "counts").await else {
        return;
    };
    // (insert, update, delete) in statements: one with RETURNING; BEGIN, the write, the
    // SELECT and COMMIT without. An insert whose every value is a parameter (the id is
    // generated here) needs no read back anywhere: one statement.
    let (insert, update, delete) = match backend {
        Backend::Sqlite | Backend::Postgres => (1, 1, 1),
        Backend::MariaDb => (1, 4, 1),
        Backend::MariaDbWithoutReturning => (1, 4, 4),
    };
    let (n, user) = cost(&auth, async |a| {
        a.create_user(empty("count@example.com")).await
    })
    .await;
    let user = user.unwrap();
    assert_eq!(n, insert, "{backend:?}: createUser");
    let session = Session {
        id: Uuid::nil(),
        session_token: "count-token".into(),
        user_id: user.id,
        expires: Utc::now() + Duration::days(1),
    };
    auth.create_session(session).await.unwrap();

    let (n, found) = cost(&auth, async |a| a.get_session_and_user("count-token").await).await;
    let (session, owner) = found.unwrap().expect("the session and its user");
    assert_eq!(n, 1, "{backend:?}: getSessionAndUser is one statement");
    assert_eq!((session.user_id, owner.id), (user.id, user.id));
    let (n, missing) = cost(&auth, async |a| a.get_session_and_user("nope").await).await;
    assert_eq!((n, missing.unwrap()), (1, None), "{backend:?}");
    // An id that cannot be a UUID is not found without asking the database.
    let (n, foreign) = cost(&auth, async |a| a.get_user("42").await).await;
    assert_eq!(
        (n, foreign.unwrap()),
        (0, None),
        "{backend:?}: getUser(\"42\")"
    );

    let patch = authmodel::models::SessionPatch {
        expires: Some(Utc::now() + Duration::days(2)),
        ..Default::default()
    };
    let (n, updated) = cost(&auth, async |a| {
        a.update_session("count-token", patch).await
    })
    .await;
    assert!(updated.unwrap().is_some());
    assert_eq!(n, update, "{backend:?}: updateSession");
    // An update of the key itself returns the row under its new key.
    let rename = authmodel::models::SessionPatch {
        session_token: Some("renamed-token".into()),
        ..Default::default()
    };
    let renamed = auth.update_session("count-token", rename).await.unwrap();
    assert_eq!(
        renamed.map(|s| s.session_token).as_deref(),
        Some("renamed-token"),
        "{backend:?}"
    );

    let token = VerificationToken {
        identifier: "count@example.com".into(),
        token: "hashed".into(),
        expires: Utc::now() + Duration::hours(1),
    };
    auth.create_verification_token(token).await.unwrap();
    let (n, used) = cost(&auth, async |a| {
        a.use_verification_token("count@example.com", "hashed")
            .await
    })
    .await;
    assert!(used.unwrap().is_some());
    assert_eq!(n, delete, "{backend:?}: useVerificationToken");
    // Without RETURNING, a token that is not there costs the locking read only.
    let (n, again) = cost(&auth, async |a| {
        a.use_verification_token("count@example.com", "hashed")
            .await
    })
    .await;
    assert_eq!(again.unwrap(), None);
    let absent = if delete == 1 { 1 } else { 3 };
    assert_eq!(
        n, absent,
        "{backend:?}: useVerificationToken of a used token"
    );
}

#[tokio::test]
async fn statement_counts_on_sqlite() {
    statement_counts(Backend::Sqlite).await;
}

#[tokio::test]
async fn statement_counts_on_postgres() {
    statement_counts(Backend::Postgres).await;
}

#[tokio::test]
async fn statement_counts_on_mariadb() {
    statement_counts(Backend::MariaDb).await;
}

#[tokio::test]
async fn statement_counts_on_mariadb_without_returning() {
    statement_counts(Backend::MariaDbWithoutReturning).await;
}

fn invalid_input<T: std::fmt::Debug>(
    backend: Backend,
    what: &str,
    result: Result<T, Error>,
) -> String {
    match result {
        Err(Error::InvalidInput(message)) => message,
        other => panic!("{backend:?}: {what}: expected InvalidInput, got {other:?}"),
    }
}

/// Values a column cannot hold are refused as `InvalidInput` (naming the column where the
/// database says which), never stored cut or wrong; the adapter stays usable after each.
async fn unstorable_values(backend: Backend) {
    let Some(auth) = connect(backend, "unstorable").await else {
        return;
    };
    // The email column is a varchar(255) key on MySQL, text elsewhere.
    let long = format!("{}@example.com", "x".repeat(300));
    let result = auth.create_user(empty(&long)).await;
    match backend {
        Backend::MariaDb | Backend::MariaDbWithoutReturning => {
            let message = invalid_input(backend, "an over-long email", result);
            assert!(message.contains("email"), "{backend:?}: {message}");
        }
        _ => assert_eq!(result.unwrap().email, long),
    }
    // Over `max_len`: refused on every backend (SQLite by the adapter), naming the column.
    let over = TypedUser {
        code: Some("ÄÖÜßabcde".into()),
        ..empty("over@example.com")
    };
    let result = auth.create_user(over).await;
    let message = invalid_input(backend, "text over max_len", result);
    assert!(message.contains("`code`"), "{backend:?}: {message}");
    if backend == Backend::Postgres {
        let message = invalid_input(
            backend,
            "a NUL in text",
            auth.create_user(empty("nul\0@example.com")).await,
        );
        assert!(message.contains("email"), "{message}");
    }
    // A session of a user that does not exist: the foreign key refuses it.
    let dangling = Session {
        id: Uuid::nil(),
        session_token: format!("dangling-{}", Uuid::new_v4()),
        user_id: Uuid::new_v4(),
        expires: Utc::now(),
    };
    invalid_input(
        backend,
        "a dangling user id",
        auth.create_session(dangling).await,
    );
    let fine = auth.create_user(empty("fine@example.com")).await.unwrap();
    assert_eq!(
        auth.get_user(&fine.id.to_string()).await.unwrap(),
        Some(fine),
        "{backend:?}"
    );
}

#[tokio::test]
async fn unstorable_values_on_sqlite() {
    unstorable_values(Backend::Sqlite).await;
}

#[tokio::test]
async fn unstorable_values_on_postgres() {
    unstorable_values(Backend::Postgres).await;
}

#[tokio::test]
async fn unstorable_values_on_mariadb() {
    unstorable_values(Backend::MariaDb).await;
}

#[tokio::test]
async fn unstorable_values_on_mariadb_without_returning() {
    unstorable_values(Backend::MariaDbWithoutReturning).await;
}

fn decode_error<T: std::fmt::Debug>(
    backend: Backend,
    result: Result<T, Error>,
) -> (&'static str, &'static str) {
    match result {
        Err(Error::Decode { table, column, .. }) => (table, column),
        other => panic!("{backend:?}: expected a decode error, got {other:?}"),
    }
}

/// A stored value the model cannot take is `Error::Decode` naming its column, never a panic:
/// a malformed UUID in MySQL's `char(36)`; on PostgreSQL, whose types refuse such values, a
/// column another tool changed to another type.
async fn undecodable_values(backend: Backend) {
    let Some(auth) = connect(backend, "undecodable").await else {
        return;
    };
    let user = auth.create_user(full("bad@example.com")).await.unwrap();
    let id = user.id.to_string();
    let (sql, params) = match backend {
        Backend::Sqlite => (
            "UPDATE typed_users SET reference = 'not-a-uuid' WHERE id = ?",
            vec![authmodel::Value::Text(id.clone())],
        ),
        Backend::Postgres => (
            "ALTER TABLE typed_users ALTER COLUMN reference TYPE integer USING 7",
            vec![],
        ),
        Backend::MariaDb | Backend::MariaDbWithoutReturning => (
            "UPDATE typed_users SET reference = 'not-a-uuid' WHERE id = ?",
            vec![authmodel::Value::Text(id.clone())],
        ),
    };
    auth.raw_execute(sql, params).await.unwrap();
    let at = decode_error(backend, auth.get_user(&id).await);
    assert_eq!(at, ("typed_users", "reference"), "{backend:?}");
    let at = decode_error(backend, auth.get_user_by_email("bad@example.com").await);
    assert_eq!(at, ("typed_users", "reference"), "{backend:?}");
    if backend == Backend::Postgres {
        // A NULL in hand-written SQL takes its type from where it is used.
        let cleared = auth
            .raw_execute(
                "UPDATE typed_users SET maybe_reference = $1, maybe_seen_at = $2 WHERE id = $3",
                vec![
                    authmodel::Value::Null,
                    authmodel::Value::Null,
                    authmodel::Value::Uuid(user.id),
                ],
            )
            .await
            .unwrap();
        assert_eq!(cleared, 1);
    }
}

#[tokio::test]
async fn undecodable_values_on_sqlite() {
    undecodable_values(Backend::Sqlite).await;
}

#[tokio::test]
async fn undecodable_values_on_postgres() {
    undecodable_values(Backend::Postgres).await;
}

#[tokio::test]
async fn undecodable_values_on_mariadb() {
    undecodable_values(Backend::MariaDb).await;
}
