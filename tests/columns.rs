//! Columns the application owns and ids other clients leave to the database: `created_at` and
//! `updated_at` written by every insert and update of the contract, a database default for an
//! id (`#[auth(db_default)]`), optional ids that rows of other clients hold as `NULL`, and
//! account and session tables with no id column at all. Each on SQLite, PostgreSQL and
//! MariaDB (a server test is skipped loudly, failed under `CI=true`, when the run has no such
//! server), and the memory adapter behaving the same.

mod common;

use std::time::Duration;

use authmodel::memory::MemoryAdapter;
use authmodel::models;
use authmodel::testing::{self, SuiteOptions};
use authmodel::{AccountKey, Adapter, AuthModel, AuthSchema, Model, Options, Schema, SqlAdapter};
use chrono::{DateTime, SubsecRound, Utc};
use common::Server;
use sqlx::{AssertSqlSafe, Connection as _};
use uuid::Uuid;

/// The default user, with the pair Prisma's documented schema has.
#[derive(Debug, Clone, PartialEq, AuthModel)]
#[auth(role = "user", table = "col_users")]
struct User {
    #[auth(flatten)]
    base: models::User,
    #[auth(created_at)]
    created_at: DateTime<Utc>,
    #[auth(updated_at)]
    updated_at: DateTime<Utc>,
}

/// An account whose id the database makes for clients that insert none, with optional
/// stamps (nullable columns the adapter still writes).
#[derive(Debug, Clone, PartialEq, AuthModel)]
#[auth(role = "account", table = "col_accounts")]
struct Account {
    #[auth(id, db_default)]
    id: Uuid,
    user_id: Uuid,
    #[auth(column = "account_type")]
    kind: String,
    provider: String,
    provider_account_id: String,
    refresh_token: Option<String>,
    access_token: Option<String>,
    expires_at: Option<i64>,
    token_type: Option<String>,
    scope: Option<String>,
    id_token: Option<String>,
    session_state: Option<String>,
    #[auth(created_at)]
    created_at: Option<DateTime<Utc>>,
    #[auth(updated_at)]
    updated_at: Option<DateTime<Utc>>,
}

/// A session whose id other clients leave `NULL` (the Kysely adapter on SQLite).
#[derive(Debug, Clone, PartialEq, AuthModel)]
#[auth(role = "session", table = "col_sessions")]
struct Session {
    id: Option<Uuid>,
    session_token: String,
    user_id: Uuid,
    expires: DateTime<Utc>,
    #[auth(updated_at)]
    updated_at: DateTime<Utc>,
}

/// An authenticator with an optional text id and an `updated_at` the counter refreshes.
#[derive(Debug, Clone, PartialEq, AuthModel)]
#[auth(role = "authenticator", table = "col_authenticators")]
struct Authenticator {
    #[auth(id)]
    id: Option<String>,
    credential_id: String,
    user_id: Uuid,
    provider_account_id: String,
    credential_public_key: String,
    counter: i64,
    credential_device_type: String,
    credential_backed_up: bool,
    transports: Option<String>,
    #[auth(updated_at)]
    updated_at: DateTime<Utc>,
}

/// A verification token with a creation instant.
#[derive(Debug, Clone, PartialEq, AuthModel)]
#[auth(role = "verification_token", table = "col_tokens")]
struct Token {
    identifier: String,
    token: String,
    expires: DateTime<Utc>,
    #[auth(created_at)]
    created_at: DateTime<Utc>,
}

#[derive(Debug, Clone, Copy, Default, AuthSchema)]
#[auth(
    user = User,
    account = Account,
    session = Session,
    verification_token = Token,
    authenticator = Authenticator
)]
struct Stamped;

/// An account with no id column, as the Kysely adapter's own SQLite test layout has it.
#[derive(Debug, Clone, PartialEq, AuthModel)]
#[auth(role = "account", table = "bare_accounts")]
struct BareAccount {
    user_id: Uuid,
    #[auth(column = "account_type")]
    kind: String,
    provider: String,
    provider_account_id: String,
    refresh_token: Option<String>,
    access_token: Option<String>,
    expires_at: Option<i64>,
    token_type: Option<String>,
    scope: Option<String>,
    id_token: Option<String>,
    session_state: Option<String>,
}

/// A session with no id column.
#[derive(Debug, Clone, PartialEq, AuthModel)]
#[auth(role = "session", table = "bare_sessions")]
struct BareSession {
    session_token: String,
    user_id: Uuid,
    expires: DateTime<Utc>,
}

#[derive(Debug, Clone, Copy, Default, AuthSchema)]
#[auth(account = BareAccount, session = BareSession)]
struct Bare;

/// Where a test runs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Backend {
    Sqlite,
    Postgres,
    MySql,
}

const BACKENDS: [Backend; 3] = [Backend::Sqlite, Backend::Postgres, Backend::MySql];

/// A database for one test, and a console to it.
struct Database {
    backend: Backend,
    url: String,
    _dir: Option<tempfile::TempDir>,
}

impl Database {
    async fn create(backend: Backend, label: &str) -> Option<Database> {
        Some(match backend {
            Backend::Sqlite => {
                let dir = tempfile::tempdir().expect("a temporary directory");
                let url = format!("sqlite://{}", dir.path().join("columns.db").display());
                Database {
                    backend,
                    url,
                    _dir: Some(dir),
                }
            }
            Backend::Postgres => Database {
                backend,
                url: common::fresh_database(Server::Postgres, label).await?,
                _dir: None,
            },
            Backend::MySql => Database {
                backend,
                url: common::fresh_database(Server::MySql, label).await?,
                _dir: None,
            },
        })
    }

    async fn adapter<S: Schema>(&self) -> SqlAdapter<S> {
        SqlAdapter::<S>::connect(&self.url, Options::default().synchronize(true))
            .await
            .unwrap_or_else(|e| panic!("{:?}: connect: {e}", self.backend))
    }

    /// Runs `sql` as another client would.
    async fn execute(&self, sql: &str) {
        match self.backend {
            Backend::Sqlite => {
                let path = self.url.trim_start_matches("sqlite://");
                rusqlite::Connection::open(path)
                    .and_then(|c| c.execute_batch(sql))
                    .unwrap_or_else(|e| panic!("{sql}: {e}"));
            }
            Backend::Postgres => {
                let mut connection = sqlx::PgConnection::connect(&self.url).await.expect("PG");
                sqlx::raw_sql(AssertSqlSafe(sql.to_owned()))
                    .execute(&mut connection)
                    .await
                    .unwrap_or_else(|e| panic!("{sql}: {e}"));
            }
            Backend::MySql => {
                let mut connection = sqlx::MySqlConnection::connect(&self.url)
                    .await
                    .expect("MySQL");
                sqlx::raw_sql(AssertSqlSafe(sql.to_owned()))
                    .execute(&mut connection)
                    .await
                    .unwrap_or_else(|e| panic!("{sql}: {e}"));
            }
        }
    }

    /// The one integer `sql` selects.
    async fn count(&self, sql: &str) -> i64 {
        match self.backend {
            Backend::Sqlite => {
                let path = self.url.trim_start_matches("sqlite://");
                rusqlite::Connection::open(path)
                    .and_then(|c| c.query_row(sql, [], |row| row.get(0)))
                    .unwrap_or_else(|e| panic!("{sql}: {e}"))
            }
            Backend::Postgres => {
                let mut connection = sqlx::PgConnection::connect(&self.url).await.expect("PG");
                sqlx::query_scalar(AssertSqlSafe(sql.to_owned()))
                    .fetch_one(&mut connection)
                    .await
                    .unwrap_or_else(|e| panic!("{sql}: {e}"))
            }
            Backend::MySql => {
                let mut connection = sqlx::MySqlConnection::connect(&self.url)
                    .await
                    .expect("MySQL");
                sqlx::query_scalar(AssertSqlSafe(sql.to_owned()))
                    .fetch_one(&mut connection)
                    .await
                    .unwrap_or_else(|e| panic!("{sql}: {e}"))
            }
        }
    }

    /// An instant as a literal this database's timestamp column takes.
    fn instant(&self, at: &str) -> String {
        match self.backend {
            Backend::Sqlite | Backend::Postgres => format!("'{at}'"),
            Backend::MySql => format!("'{}'", at.replace('T', " ").trim_end_matches('Z')),
        }
    }
}

/// An instant long ago: what the structs hold before the adapter writes the stamps.
fn epoch() -> DateTime<Utc> {
    DateTime::UNIX_EPOCH
}

/// The clock read before a write: the adapter's instant is at or after it.
fn before() -> DateTime<Utc> {
    Utc::now().trunc_subsecs(3)
}

/// Sleeps long enough that the next instant is a later millisecond.
async fn tick() {
    tokio::time::sleep(Duration::from_millis(5)).await;
}

fn new_user(email: &str) -> User {
    User {
        base: models::User {
            id: Uuid::nil(),
            name: Some("Ada".into()),
            email: email.into(),
            email_verified: None,
            image: None,
        },
        created_at: epoch(),
        updated_at: epoch(),
    }
}

fn new_account(user_id: Uuid, provider_account_id: &str) -> Account {
    Account {
        id: Uuid::nil(),
        user_id,
        kind: "oauth".into(),
        provider: "github".into(),
        provider_account_id: provider_account_id.into(),
        refresh_token: None,
        access_token: Some("at".into()),
        expires_at: None,
        token_type: None,
        scope: None,
        id_token: None,
        session_state: None,
        created_at: None,
        updated_at: Some(epoch()),
    }
}

/// Every insert writes now into both stamps, whatever the struct held; every update
/// refreshes `updated_at` and leaves `created_at`; reads give back what was stored.
async fn stamps_are_written<A: Adapter<Stamped>>(adapter: &A, label: &str) {
    let start = before();
    let user = adapter
        .create_user(new_user(&format!("{label}@example.com")))
        .await
        .expect("create_user");
    assert!(user.created_at >= start, "{label}: created_at is now");
    assert_eq!(user.created_at, user.updated_at, "{label}: one instant");
    assert_eq!(user.created_at, user.created_at.trunc_subsecs(3));
    let id = user.base.id.to_string();
    let read = adapter.get_user(&id).await.expect("get_user");
    assert_eq!(read.as_ref(), Some(&user), "{label}: read back as created");

    tick().await;
    let patch = UserPatch {
        base: models::UserPatch {
            name: Some(Some("Grace".into())),
            ..Default::default()
        },
    };
    let updated = adapter.update_user(&id, patch).await.expect("update_user");
    assert_eq!(
        updated.created_at, user.created_at,
        "{label}: created_at stays"
    );
    assert!(
        updated.updated_at > user.updated_at,
        "{label}: updated_at moves on"
    );
    assert_eq!(adapter.get_user(&id).await.unwrap(), Some(updated.clone()));

    let account = adapter
        .link_account(new_account(user.base.id, &format!("{label}-1")))
        .await
        .expect("link_account");
    assert_ne!(account.id, Uuid::nil(), "{label}: the id is generated here");
    let stamp = account.created_at.expect("created_at written");
    assert!(stamp >= updated.updated_at);
    assert_eq!(account.updated_at, Some(stamp));
    let key = AccountKey {
        provider: "github",
        provider_account_id: &account.provider_account_id,
    };
    assert_eq!(adapter.get_account(key).await.unwrap(), Some(account));

    let start = before();
    let session = adapter
        .create_session(Session {
            id: None,
            session_token: format!("{label}-token"),
            user_id: user.base.id,
            expires: Utc::now() + chrono::Duration::days(1),
            updated_at: epoch(),
        })
        .await
        .expect("create_session");
    assert!(session.id.is_some(), "{label}: an optional id is generated");
    assert!(session.updated_at >= start);
    tick().await;
    let later = Utc::now() + chrono::Duration::days(2);
    let refreshed = adapter
        .update_session(
            &session.session_token,
            SessionPatch {
                expires: Some(later),
                ..Default::default()
            },
        )
        .await
        .expect("update_session")
        .expect("the session");
    assert!(
        refreshed.updated_at > session.updated_at,
        "{label}: session"
    );

    let start = before();
    let token = adapter
        .create_verification_token(Token {
            identifier: format!("{label}@example.com"),
            token: "t".into(),
            expires: Utc::now() + chrono::Duration::hours(1),
            created_at: epoch(),
        })
        .await
        .expect("create_verification_token");
    assert!(token.created_at >= start);

    let authenticator = adapter
        .create_authenticator(Authenticator {
            id: None,
            credential_id: format!("{label}-credential"),
            user_id: user.base.id,
            provider_account_id: format!("{label}-1"),
            credential_public_key: "key".into(),
            counter: 0,
            credential_device_type: "singleDevice".into(),
            credential_backed_up: false,
            transports: None,
            updated_at: epoch(),
        })
        .await
        .expect("create_authenticator");
    assert!(authenticator.id.is_some());
    assert!(authenticator.updated_at >= start);
    tick().await;
    let counted = adapter
        .update_authenticator_counter(&authenticator.credential_id, 7)
        .await
        .expect("update_authenticator_counter");
    assert_eq!(counted.counter, 7);
    assert!(
        counted.updated_at > authenticator.updated_at,
        "{label}: counter"
    );
}

#[tokio::test]
async fn stamps_on_the_memory_adapter() {
    stamps_are_written(&MemoryAdapter::<Stamped>::new(), "memory").await;
}

#[tokio::test]
async fn stamps_on_every_dialect() {
    for backend in BACKENDS {
        let Some(database) = Database::create(backend, "stamps").await else {
            continue;
        };
        let adapter = database.adapter::<Stamped>().await;
        let label = format!("{backend:?}").to_lowercase();
        // The tables as created are what the models declare: defaults, nullable ids, keys.
        let plan = authmodel::migrate::diff(&adapter).await.expect("diff");
        assert!(plan.is_in_sync(), "{label}: {plan:?}");
        stamps_are_written(&adapter, &label).await;
        // Stored, not only returned: every row of every table has its stamps.
        for (table, column) in [
            ("col_users", "created_at"),
            ("col_users", "updated_at"),
            ("col_accounts", "created_at"),
            ("col_sessions", "updated_at"),
            ("col_tokens", "created_at"),
            ("col_authenticators", "updated_at"),
        ] {
            let sql = format!("SELECT COUNT(*) FROM {table} WHERE {column} IS NULL");
            assert_eq!(database.count(&sql).await, 0, "{label}: {table}.{column}");
        }
        // The update wrote a later `updated_at` than `created_at`, in the table.
        let sql = "SELECT COUNT(*) FROM col_users WHERE updated_at > created_at";
        assert_eq!(database.count(sql).await, 1, "{label}");
        if backend == Backend::MySql {
            // MySQL 8's statements: no `RETURNING`, each write read back by key.
            let options = Options::default().without_returning(true);
            let adapter = SqlAdapter::<Stamped>::connect(&database.url, options)
                .await
                .expect("connect");
            stamps_are_written(&adapter, "mysql8").await;
        }
    }
}

/// Rows another client inserts without an id or `created_at` get them from the database's
/// defaults, and read through the contract.
#[tokio::test]
async fn database_defaults_fill_what_other_clients_leave_out() {
    for backend in BACKENDS {
        let Some(database) = Database::create(backend, "defaults").await else {
            continue;
        };
        let adapter = database.adapter::<Stamped>().await;
        let label = format!("{backend:?}");
        let start = before() - chrono::Duration::seconds(1);
        let user = Uuid::new_v4();
        let now = database.instant(&Utc::now().format("%Y-%m-%dT%H:%M:%S%.3fZ").to_string());
        database
            .execute(&format!(
                "INSERT INTO col_users (id, email, updated_at) VALUES ('{user}', 'x@example.com', {now})"
            ))
            .await;
        database
            .execute(&format!(
                "INSERT INTO col_accounts (user_id, account_type, provider, provider_account_id) \
                 VALUES ('{user}', 'oauth', 'github', 'other-client')"
            ))
            .await;
        let read = adapter
            .get_user(&user.to_string())
            .await
            .expect("get_user")
            .expect("the user");
        assert!(
            read.created_at >= start,
            "{label}: created_at from the default"
        );
        let account = adapter
            .get_account(AccountKey {
                provider: "github",
                provider_account_id: "other-client",
            })
            .await
            .expect("get_account")
            .expect("the account");
        assert_ne!(account.id, Uuid::nil(), "{label}: id from the default");
        assert_eq!(
            account.id.get_version_num(),
            match backend {
                // MySQL's `UUID()` is a version 1 UUID.
                Backend::MySql => 1,
                Backend::Sqlite | Backend::Postgres => 4,
            }
        );
        assert!(account.created_at.expect("created_at default") >= start);
        assert_eq!(
            account.updated_at, None,
            "{label}: updated_at has no default"
        );
        let by_account = adapter
            .get_user_by_account(AccountKey {
                provider: "github",
                provider_account_id: "other-client",
            })
            .await
            .expect("get_user_by_account");
        assert_eq!(by_account.map(|u| u.base.id), Some(user));
    }
}

/// Rows with a `NULL` id read as `None`, and every contract operation works on them.
#[tokio::test]
async fn null_ids_read_as_none() {
    for backend in BACKENDS {
        let Some(database) = Database::create(backend, "null_ids").await else {
            continue;
        };
        let adapter = database.adapter::<Stamped>().await;
        let label = format!("{backend:?}");
        let user = adapter
            .create_user(new_user("n@example.com"))
            .await
            .expect("create_user");
        let id = user.base.id;
        let now = database.instant(&Utc::now().format("%Y-%m-%dT%H:%M:%S%.3fZ").to_string());
        let expires = database.instant("2099-01-01T00:00:00.000Z");
        database
            .execute(&format!(
                "INSERT INTO col_sessions (id, session_token, user_id, expires, updated_at) \
                 VALUES (NULL, 'null-id', '{id}', {expires}, {now})"
            ))
            .await;
        database
            .execute(&format!(
                "INSERT INTO col_authenticators (id, credential_id, user_id, provider_account_id, \
                 credential_public_key, counter, credential_device_type, credential_backed_up, \
                 updated_at) VALUES (NULL, 'cred', '{id}', 'p', 'k', 0, 'singleDevice', TRUE, {now})"
            ))
            .await;
        let (session, owner) = adapter
            .get_session_and_user("null-id")
            .await
            .expect("get_session_and_user")
            .expect("the session");
        assert_eq!(session.id, None, "{label}");
        assert_eq!(owner.base.id, id);
        let updated = adapter
            .update_session(
                "null-id",
                SessionPatch {
                    expires: Some(Utc::now() + chrono::Duration::days(3)),
                    ..Default::default()
                },
            )
            .await
            .expect("update_session")
            .expect("the session");
        assert_eq!(updated.id, None);
        let authenticator = adapter
            .get_authenticator("cred")
            .await
            .expect("get_authenticator")
            .expect("the authenticator");
        assert_eq!(authenticator.id, None);
        let listed = adapter
            .list_authenticators_by_user_id(&id.to_string())
            .await
            .expect("list");
        assert_eq!(listed.len(), 1);
        let counted = adapter
            .update_authenticator_counter("cred", 3)
            .await
            .expect("update_authenticator_counter");
        assert_eq!((counted.id, counted.counter), (None, 3));
        let deleted = adapter
            .delete_session("null-id")
            .await
            .expect("delete_session");
        assert_eq!(deleted.map(|s| s.id), Some(None));
        adapter
            .delete_user(&id.to_string())
            .await
            .expect("delete_user");
        let sql = "SELECT COUNT(*) FROM col_authenticators";
        assert_eq!(database.count(sql).await, 0, "{label}: no orphans");
    }
}

/// The whole conformance suite on account and session tables without an id column.
#[tokio::test]
async fn tables_without_ids_pass_the_suite() {
    let memory = MemoryAdapter::<Bare>::new();
    testing::run(&memory, &memory, SuiteOptions::default())
        .await
        .unwrap_or_else(|e| panic!("memory: {e}"));
    for backend in BACKENDS {
        let Some(database) = Database::create(backend, "bare").await else {
            continue;
        };
        let adapter = database.adapter::<Bare>().await;
        testing::run(&adapter, &adapter, SuiteOptions::default())
            .await
            .unwrap_or_else(|e| panic!("{backend:?}: {e}"));
    }
}

/// The conformance suite on the stamped models: the stamps the adapter writes do not stand in
/// the way of any case.
#[tokio::test]
async fn stamped_models_pass_the_suite() {
    let memory = MemoryAdapter::<Stamped>::new();
    testing::run(&memory, &memory, SuiteOptions::default())
        .await
        .unwrap_or_else(|e| panic!("memory: {e}"));
    for backend in BACKENDS {
        let Some(database) = Database::create(backend, "stamped_suite").await else {
            continue;
        };
        let adapter = database.adapter::<Stamped>().await;
        testing::run(&adapter, &adapter, SuiteOptions::default())
            .await
            .unwrap_or_else(|e| panic!("{backend:?}: {e}"));
    }
}

#[test]
fn descriptors_say_what_the_adapters_write() {
    use authmodel::schema::{DefaultValue, Stamp};
    let users = <User as Model>::TABLE;
    let created = users
        .columns
        .iter()
        .find(|c| c.name == "created_at")
        .unwrap();
    assert_eq!(created.stamp, Some(Stamp::CreatedAt));
    assert_eq!(created.default, Some(DefaultValue::Now));
    let updated = users
        .columns
        .iter()
        .find(|c| c.name == "updated_at")
        .unwrap();
    assert_eq!(updated.stamp, Some(Stamp::UpdatedAt));
    assert_eq!(updated.default, None);
    assert!(!updated.nullable);
    let accounts = <Account as Model>::TABLE;
    assert_eq!(accounts.columns[0].default, Some(DefaultValue::RandomUuid));
    assert!(accounts.columns[0].primary_key);
    // An optional id is a nullable column, and the natural key the primary key.
    let sessions = <Session as Model>::TABLE;
    assert!(sessions.columns[0].nullable && !sessions.columns[0].primary_key);
    let key: Vec<_> = sessions.primary_key().iter().map(|c| c.name).collect();
    assert_eq!(key, ["session_token"]);
}

/// `created_at` defaults to the current instant in the column's encoding, `updated_at` has no
/// default (Prisma's `@updatedAt`), and a `db_default` id a database-made UUID.
#[test]
fn ddl_declares_the_defaults() {
    use authmodel::{CreateOptions, Dialect, ddl};
    let expected = [
        (
            Dialect::Sqlite,
            [
                "\"created_at\" text NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))",
                "\"updated_at\" text NOT NULL\n",
                "\"id\" text NOT NULL DEFAULT (lower(hex(randomblob(4)) || '-'",
            ],
        ),
        (
            Dialect::Postgres,
            [
                "\"created_at\" timestamptz NOT NULL DEFAULT CURRENT_TIMESTAMP,",
                "\"updated_at\" timestamptz NOT NULL\n",
                "\"id\" uuid NOT NULL DEFAULT (gen_random_uuid()) PRIMARY KEY",
            ],
        ),
        (
            Dialect::MySql,
            [
                "`created_at` datetime(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3),",
                "`updated_at` datetime(3) NOT NULL,",
                "`id` char(36) NOT NULL DEFAULT (UUID()) PRIMARY KEY",
            ],
        ),
    ];
    for (dialect, fragments) in expected {
        let script = ddl::script::<Stamped>(dialect, CreateOptions::default()).unwrap();
        for fragment in fragments {
            assert!(script.contains(fragment), "{dialect}: {fragment}\n{script}");
        }
    }
}

/// The default user, grown by a `created_at` and an optional `updated_at`.
#[derive(Debug, Clone, PartialEq, AuthModel)]
#[auth(role = "user")]
struct CreatedUser {
    #[auth(flatten)]
    base: models::User,
    #[auth(created_at)]
    created_at: DateTime<Utc>,
    #[auth(updated_at)]
    updated_at: Option<DateTime<Utc>>,
}

#[derive(Debug, Clone, Copy, Default, AuthSchema)]
#[auth(user = CreatedUser)]
struct WithCreated;

/// The default user, grown by a required `updated_at`.
#[derive(Debug, Clone, PartialEq, AuthModel)]
#[auth(role = "user")]
struct UpdatedUser {
    #[auth(flatten)]
    base: models::User,
    #[auth(updated_at)]
    updated_at: DateTime<Utc>,
}

#[derive(Debug, Clone, Copy, Default, AuthSchema)]
#[auth(user = UpdatedUser)]
struct WithUpdated;

/// Adding the stamps to a table that has rows: a required `updated_at` (no default) is
/// refused like any NOT NULL column without a default; `created_at` fills the existing rows
/// with the current instant where the database can add a computed default (PostgreSQL,
/// MySQL), and is refused on SQLite, which cannot; an optional `updated_at` is added as NULL
/// and written from the next update on.
#[tokio::test]
async fn migrations_add_the_stamps() {
    use authmodel::migrate::{self, Refusal};
    use authmodel::{Error, models::DefaultSchema};
    for backend in BACKENDS {
        let Some(database) = Database::create(backend, "migrate_stamps").await else {
            continue;
        };
        let base = database.adapter::<DefaultSchema>().await;
        let start = before() - chrono::Duration::seconds(1);
        let ada = base
            .create_user(models::User {
                id: Uuid::nil(),
                name: None,
                email: "ada@example.com".into(),
                email_verified: None,
                image: None,
            })
            .await
            .expect("a user");
        let id = ada.id.to_string();
        let updated = SqlAdapter::<WithUpdated>::connect(&database.url, Options::default())
            .await
            .expect("connect");
        match migrate::migrate(&updated).await {
            Err(Error::Migration(Refusal::RequiredColumn { column, .. })) => {
                assert_eq!(column, "updated_at", "{backend:?}");
            }
            other => panic!("{backend:?}: {other:?}"),
        }
        let created = SqlAdapter::<WithCreated>::connect(&database.url, Options::default())
            .await
            .expect("connect");
        let result = migrate::migrate(&created).await;
        if backend == Backend::Sqlite {
            match result {
                Err(Error::Migration(Refusal::ComputedDefault { column, .. })) => {
                    assert_eq!(column, "created_at");
                }
                other => panic!("{backend:?}: {other:?}"),
            }
            continue;
        }
        result.unwrap_or_else(|e| panic!("{backend:?}: {e}"));
        let read = created.get_user(&id).await.unwrap().expect("the user");
        assert!(
            read.created_at >= start,
            "{backend:?}: the existing row has one"
        );
        assert_eq!(read.updated_at, None);
        let patch = CreatedUserPatch {
            base: models::UserPatch {
                name: Some(Some("Ada".into())),
                ..Default::default()
            },
        };
        let written = created.update_user(&id, patch).await.expect("update");
        assert!(written.updated_at.is_some_and(|at| at >= read.created_at));
    }
}

/// `Model::value_at` (what the session layer reads a role field with) is the row's value at
/// that position, through an embedded model too, and `None` past the last column.
#[test]
fn value_at_reads_one_column_of_the_row() {
    let mut base = models::User::new("ada@example.com");
    base.name = Some("Ada".into());
    let user = CreatedUser {
        base,
        created_at: Utc::now(),
        updated_at: Some(Utc::now()),
    };
    let row = user.to_values().unwrap();
    assert_eq!(row.len(), CreatedUser::TABLE.columns.len());
    for (at, value) in row.iter().enumerate() {
        assert_eq!(
            user.value_at(at).unwrap().as_ref(),
            Some(value),
            "column {at}"
        );
    }
    assert_eq!(user.value_at(row.len()).unwrap(), None);
}
