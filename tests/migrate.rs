//! Migrations against real databases: SQLite files, PostgreSQL and MariaDB (`authmodel::migrate`).
//!
//! On each backend: migrate then diff is clean; a model that grows a NOT NULL column without a
//! default is refused while its table has rows (always on SQLite) and nothing is applied;
//! once the table is empty the same plan applies; a unique column added later arrives as a
//! column plus a unique index; a dropped index is planned back; a changed column type is
//! reported as drift and left alone. Server runs get a database of their own and skip
//! loudly (fail under `CI=true`) without a server.

mod common;

use authmodel::migrate::{self, Change, Drift, Refusal, Safety};
use authmodel::models::{DefaultSchema, User};
use authmodel::sql::{Options, SqlAdapter};
use authmodel::{Adapter, AuthModel, AuthSchema, Dialect, Error, Schema};
use chrono::{DateTime, Utc};
use common::Server;
use uuid::Uuid;

/// The default user plus a required column and a unique one, both added after the fact.
#[derive(Debug, Clone, PartialEq, AuthModel)]
#[auth(role = "user")]
pub struct GrownUser {
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
    /// A public handle, unique when set.
    #[auth(unique, max_len = 40)]
    pub handle: Option<String>,
    /// The billing plan: required, no default.
    pub plan: String,
}

/// The default models with [`GrownUser`].
#[derive(AuthSchema)]
#[auth(user = GrownUser)]
pub struct Grown;

/// The default user plus only the unique handle: what SQLite can take on a populated table.
#[derive(Debug, Clone, PartialEq, AuthModel)]
#[auth(role = "user")]
pub struct HandleUser {
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
    /// A public handle, unique when set.
    #[auth(unique, max_len = 40)]
    pub handle: Option<String>,
}

/// The default models with [`HandleUser`].
#[derive(AuthSchema)]
#[auth(user = HandleUser)]
pub struct WithHandle;

async fn open<S: Schema>(url: &str) -> SqlAdapter<S> {
    SqlAdapter::connect(url, Options::default())
        .await
        .unwrap_or_else(|e| panic!("connect {url}: {e}"))
}

fn user() -> User {
    User {
        id: Uuid::new_v4(),
        name: None,
        email: format!("{}@example.com", Uuid::new_v4()),
        email_verified: None,
        image: None,
    }
}

/// The whole story on one database.
async fn story(url: &str) {
    let base = open::<DefaultSchema>(url).await;
    let dialect = base.dialect();
    let applied = migrate::migrate(&base).await.expect("migrate");
    assert_eq!(
        applied.steps.len(),
        if dialect == Dialect::MySql { 5 } else { 11 }
    );
    let again = migrate::diff(&base).await.expect("diff");
    assert!(again.is_in_sync(), "{dialect}: {again:?}");
    let alice = base.create_user(user()).await.expect("a user");

    // A required column on a table with rows: refused, and nothing of the plan applied.
    let grown = open::<Grown>(url).await;
    let plan = migrate::diff(&grown).await.expect("diff");
    let classes: Vec<(String, Safety)> = plan
        .steps
        .iter()
        .map(|s| (s.change.to_string(), s.safety))
        .collect();
    assert_eq!(
        classes,
        [
            ("add column `users.handle`".to_owned(), Safety::Safe),
            (
                "add column `users.plan` (NOT NULL, no default)".to_owned(),
                Safety::NeedsBackfill
            ),
            (
                "create unique index `users_handle_key` on `users`".to_owned(),
                Safety::Safe
            ),
        ],
        "{dialect}"
    );
    match migrate::migrate(&grown).await {
        Err(Error::Migration(Refusal::RequiredColumn { column, reason, .. })) => {
            assert_eq!(column, "plan");
            let expected = match dialect {
                Dialect::Sqlite => "SQLite cannot add one to an existing table",
                _ => "`users` has rows",
            };
            assert_eq!(reason, expected, "{dialect}");
        }
        other => panic!("{dialect}: {other:?}"),
    }
    assert_eq!(
        migrate::diff(&grown).await.unwrap().steps,
        plan.steps,
        "nothing applied"
    );

    // Emptied, the table takes it (SQLite never does: it needs a default).
    base.delete_user(&alice.id.to_string())
        .await
        .expect("delete");
    let outcome = migrate::migrate(&grown).await;
    if dialect == Dialect::Sqlite {
        assert!(matches!(outcome, Err(Error::Migration(_))), "{outcome:?}");
        let handle = open::<WithHandle>(url).await;
        // A populated table: the nullable unique column is a column plus a unique index.
        let inserted = handle
            .raw_execute(
                "INSERT INTO users (id, email) VALUES ('00000000-0000-4000-8000-00000000000a', \
                 'populated@example.com')",
                Vec::new(),
            )
            .await
            .expect("a row");
        assert_eq!(inserted, 1);
        migrate::migrate(&handle)
            .await
            .expect("a unique column added later");
        assert!(migrate::diff(&handle).await.unwrap().is_in_sync());
    } else {
        outcome.unwrap_or_else(|e| panic!("{dialect}: {e}"));
        assert!(
            migrate::diff(&grown).await.unwrap().is_in_sync(),
            "{dialect}"
        );
    }

    // A dropped index is planned back; a changed type is reported and left alone.
    let drop_index = match dialect {
        Dialect::MySql => "DROP INDEX sessions_user_id_idx ON sessions",
        _ => "DROP INDEX sessions_user_id_idx",
    };
    // MySQL needs an index for the foreign key: give it another one first.
    if dialect == Dialect::MySql {
        base.raw_execute(
            "CREATE INDEX sessions_fk ON sessions (user_id, expires)",
            Vec::new(),
        )
        .await
        .expect("index");
    }
    base.raw_execute(drop_index, Vec::new())
        .await
        .expect("drop");
    let retype = match dialect {
        Dialect::Sqlite => None,
        Dialect::Postgres => Some("ALTER TABLE sessions ALTER COLUMN expires TYPE text"),
        Dialect::MySql => Some("ALTER TABLE sessions MODIFY expires datetime NOT NULL"),
    };
    if let Some(retype) = retype {
        base.raw_execute(retype, Vec::new()).await.expect("retype");
    }
    let plan = migrate::diff(&base).await.expect("diff");
    let changes: Vec<&Change> = plan.steps.iter().map(|s| &s.change).collect();
    match dialect {
        // MySQL's `(user_id, expires)` index starts with `user_id`: it serves the lookup.
        Dialect::MySql => assert!(changes.is_empty(), "{changes:?}"),
        _ => assert!(
            matches!(changes.as_slice(), [Change::CreateIndex { name, .. }] if name == "sessions_user_id_idx"),
            "{dialect}: {changes:?}"
        ),
    }
    // (The grown columns are extra to the default models: notes, or drift for `plan`.)
    let retyped: Vec<&Drift> = plan
        .drift
        .iter()
        .filter(|d| matches!(d, Drift::ColumnType { .. }))
        .collect();
    if retype.is_some() {
        assert!(
            matches!(retyped.as_slice(), [Drift::ColumnType { column, .. }] if column == "expires"),
            "{dialect}: {:?}",
            plan.drift
        );
    } else {
        assert!(retyped.is_empty(), "{retyped:?}");
    }
    migrate::apply(&base, &plan).await.expect("apply");
    let after = migrate::diff(&base).await.expect("diff");
    assert!(after.steps.is_empty());
    assert_eq!(after.drift, plan.drift, "drift is never altered");
}

#[tokio::test]
async fn sqlite_file() {
    let dir = tempfile::tempdir().unwrap();
    story(&format!(
        "sqlite://{}",
        dir.path().join("auth.db").display()
    ))
    .await;
}

#[tokio::test]
async fn postgres() {
    if let Some(url) = common::fresh_database(Server::Postgres, "migrate").await {
        story(&url).await;
    }
}

#[tokio::test]
async fn mariadb() {
    if let Some(url) = common::fresh_database(Server::MySql, "migrate").await {
        story(&url).await;
    }
}

#[tokio::test]
async fn a_server_table_with_rows_is_counted_and_foreign_tables_are_refused() {
    for server in Server::ALL {
        let Some(url) = common::fresh_database(server, "foreign").await else {
            continue;
        };
        let db = open::<DefaultSchema>(&url).await;
        db.raw_execute(
            "CREATE TABLE users (id integer PRIMARY KEY, login text)",
            Vec::new(),
        )
        .await
        .expect("a table of another application");
        let plan = migrate::diff(&db).await.expect("diff");
        assert!(
            matches!(plan.refusals.as_slice(), [Refusal::ForeignTable { column, .. }] if column == "id"),
            "{server:?}: {:?}",
            plan.refusals
        );
        assert!(migrate::apply(&db, &plan).await.is_err());
        let live = migrate::read_schema(&db).await.expect("read");
        assert_eq!(live.tables.len(), 1, "{server:?}: nothing created");
    }
}

#[path = "common/schemas.rs"]
mod schemas;

/// Integer ids the database assigns, on every table that references the user.
mod numbered {
    use authmodel::{AuthModel, AuthSchema};
    use chrono::{DateTime, Utc};

    /// A numbered user.
    #[derive(Debug, Clone, PartialEq, AuthModel)]
    #[auth(role = "user", table = "n_users")]
    pub struct User {
        /// Assigned by the database.
        pub id: i64,
        /// The display name.
        pub name: Option<String>,
        /// The email address.
        pub email: String,
        /// When it was verified.
        pub email_verified: Option<DateTime<Utc>>,
        /// The picture.
        pub image: Option<String>,
    }

    /// A numbered account.
    #[derive(Debug, Clone, PartialEq, AuthModel)]
    #[auth(role = "account", table = "n_accounts")]
    pub struct Account {
        /// Assigned by the database.
        pub id: i64,
        /// The user.
        pub user_id: i64,
        /// The provider type.
        #[auth(column = "type")]
        pub kind: String,
        /// The provider.
        pub provider: String,
        /// The account at the provider.
        pub provider_account_id: String,
    }

    /// A numbered session.
    #[derive(Debug, Clone, PartialEq, AuthModel)]
    #[auth(role = "session", table = "n_sessions")]
    pub struct Session {
        /// Assigned by the database.
        pub id: i64,
        /// The cookie's value.
        pub session_token: String,
        /// The user.
        pub user_id: i64,
        /// When it ends.
        pub expires: DateTime<Utc>,
    }

    /// A passkey of a numbered user.
    #[derive(Debug, Clone, PartialEq, AuthModel)]
    #[auth(role = "authenticator", table = "n_authenticators")]
    pub struct Passkey {
        /// The credential id.
        pub credential_id: String,
        /// The user.
        pub user_id: i64,
        /// The webauthn account.
        pub provider_account_id: String,
        /// The public key.
        pub credential_public_key: String,
        /// The counter.
        pub counter: i64,
        /// The device type.
        pub credential_device_type: String,
        /// Backed up.
        pub credential_backed_up: bool,
        /// The transports.
        pub transports: Option<String>,
    }

    /// The numbered models.
    #[derive(AuthSchema)]
    #[auth(user = User, account = Account, session = Session, authenticator = Passkey)]
    pub struct Numbered;
}

/// Migrating `S` from nothing leaves nothing to do and no drift: introspection reads back
/// exactly what the DDL declares (defaults, bounded varchars, identities, composite keys).
async fn in_sync_after_migrate<S: Schema>(url: &str) {
    let db = open::<S>(url).await;
    let plan = migrate::migrate(&db).await.expect("migrate");
    assert!(!plan.steps.is_empty());
    let after = migrate::diff(&db).await.expect("diff");
    assert!(after.is_in_sync(), "{:?}: {after:?}", db.dialect());
    assert!(after.drift.is_empty(), "{:?}", after.drift);
}

#[tokio::test]
async fn other_schemas_are_in_sync_after_migrate() {
    let dir = tempfile::tempdir().unwrap();
    let sqlite = |name: &str| format!("sqlite://{}", dir.path().join(name).display());
    in_sync_after_migrate::<schemas::Extended>(&sqlite("extended.db")).await;
    in_sync_after_migrate::<numbered::Numbered>(&sqlite("numbered.db")).await;
    for server in Server::ALL {
        if let Some(url) = common::fresh_database(server, "extended").await {
            in_sync_after_migrate::<schemas::Extended>(&url).await;
        }
        if let Some(url) = common::fresh_database(server, "numbered").await {
            in_sync_after_migrate::<numbered::Numbered>(&url).await;
        }
    }
}
