//! A layout's keys exactly (`#[auth(exact_keys)]`), on SQLite, PostgreSQL and MariaDB.
//!
//! The models here are shaped like `@auth/pg-adapter`'s `schema.sql`: serial ids, no unique
//! email, no unique `(provider, providerAccountId)`, no foreign keys, no indexes on `userId`.
//! On each backend: the DDL creates exactly the declared keys (read back from the catalog);
//! `check` on those tables is clean, with the role's recommended keys as notes; `migrate`
//! plans nothing, and with `recommended_indexes` only the two `CREATE INDEX`es; a model
//! grown by one column plans exactly that `ADD COLUMN`; and both the SQL and the memory
//! adapter take two users with one email, and a session naming no user, as the database does.

mod common;

use authmodel::descriptor::RecommendationKind;
use authmodel::migrate::{self, Change, Drift, PlanOptions};
use authmodel::sql::{Options, SqlAdapter};
use authmodel::{Adapter, Dialect, MemoryAdapter, Model, Schema};
use chrono::{TimeZone, Utc};
use common::Server;

/// The pg-adapter-shaped models.
mod layout {
    use authmodel::{AuthModel, AuthSchema};
    use chrono::{DateTime, Utc};

    /// A user: a serial id, an email that is not unique.
    #[derive(Debug, Clone, PartialEq, AuthModel)]
    #[auth(role = "user", table = "k_users", exact_keys)]
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

    /// The same user with one column more, as an application extends it.
    #[derive(Debug, Clone, PartialEq, AuthModel)]
    #[auth(role = "user", table = "k_users", exact_keys)]
    pub struct GrownUser {
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
        /// The application's own column.
        pub role: Option<String>,
    }

    /// An account: a serial id, no key but the primary key, no foreign key.
    #[derive(Debug, Clone, PartialEq, AuthModel)]
    #[auth(role = "account", table = "k_accounts", exact_keys, no_foreign_key)]
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

    /// A session: a serial id, no key on the token, no foreign key.
    #[derive(Debug, Clone, PartialEq, AuthModel)]
    #[auth(role = "session", table = "k_sessions", exact_keys, no_foreign_key)]
    pub struct Session {
        /// Assigned by the database.
        pub id: i64,
        /// The user.
        pub user_id: i64,
        /// When it ends.
        pub expires: DateTime<Utc>,
        /// The cookie's value.
        pub session_token: String,
    }

    /// A verification token: the composite primary key `(identifier, token)`.
    #[derive(Debug, Clone, PartialEq, AuthModel)]
    #[auth(
        role = "verification_token",
        table = "k_verification_token",
        primary_key(identifier, token),
        exact_keys
    )]
    pub struct VerificationToken {
        /// The email address.
        pub identifier: String,
        /// When it ends.
        pub expires: DateTime<Utc>,
        /// The hashed token.
        pub token: String,
    }

    /// The pg-adapter-shaped schema.
    #[derive(AuthSchema)]
    #[auth(
        user = User,
        account = Account,
        session = Session,
        verification_token = VerificationToken,
        no_authenticator_table
    )]
    pub struct Exact;

    /// The same, the user grown by one column.
    #[derive(AuthSchema)]
    #[auth(
        user = GrownUser,
        account = Account,
        session = Session,
        verification_token = VerificationToken,
        no_authenticator_table
    )]
    pub struct Grown;
}

use layout::{Exact, Grown};

async fn open<S: Schema>(url: &str) -> SqlAdapter<S> {
    SqlAdapter::connect(url, Options::default())
        .await
        .unwrap_or_else(|e| panic!("connect {url}: {e}"))
}

fn user(email: &str) -> layout::User {
    layout::User {
        id: 0,
        name: None,
        email: email.to_owned(),
        email_verified: None,
        image: None,
    }
}

fn session(token: &str, user_id: i64) -> layout::Session {
    layout::Session {
        id: 0,
        user_id,
        expires: Utc.with_ymd_and_hms(2030, 1, 1, 0, 0, 0).unwrap(),
        session_token: token.to_owned(),
    }
}

#[test]
fn the_descriptors_have_the_declared_keys_and_recommend_the_rest() {
    let users = <layout::User as Model>::TABLE;
    assert!(users.unique_keys().is_empty());
    assert!(users.indexes().is_empty());
    let accounts = <layout::Account as Model>::TABLE;
    assert!(accounts.unique_keys().is_empty());
    assert!(accounts.indexes().is_empty());
    assert!(accounts.foreign_key().is_none());
    let kinds: Vec<(RecommendationKind, String)> = accounts
        .recommended_keys()
        .into_iter()
        .map(|r| (r.kind, r.key.name))
        .collect();
    assert_eq!(
        kinds,
        [
            (
                RecommendationKind::Unique,
                "k_accounts_provider_provider_account_id_key".to_owned()
            ),
            (
                RecommendationKind::Index,
                "k_accounts_user_id_idx".to_owned()
            ),
            (
                RecommendationKind::ForeignKey,
                "k_accounts_user_id_fkey".to_owned()
            ),
        ]
    );
    let tokens = <layout::VerificationToken as Model>::TABLE;
    let primary: Vec<&str> = tokens.primary_key().iter().map(|c| c.name).collect();
    assert_eq!(primary, ["identifier", "token"]);
    assert!(tokens.recommended_keys().is_empty());
}

/// The non-primary indexes and the foreign keys of each table, as the catalog reports them.
async fn catalog_keys<S: Schema>(db: &SqlAdapter<S>) -> Vec<(String, Vec<String>, usize)> {
    let live = migrate::read_schema(db).await.expect("read the catalog");
    let mut out: Vec<(String, Vec<String>, usize)> = live
        .tables
        .iter()
        .map(|t| {
            let mut indexes: Vec<String> = t
                .indexes
                .iter()
                .filter(|i| !i.primary)
                .map(|i| i.name.clone())
                .collect();
            indexes.sort();
            (t.name.to_lowercase(), indexes, t.foreign_keys.len())
        })
        .collect();
    out.sort();
    out
}

/// The primary key columns of `table`, as the catalog reports them.
async fn primary_columns<S: Schema>(db: &SqlAdapter<S>, table: &str) -> Vec<String> {
    let live = migrate::read_schema(db).await.expect("read the catalog");
    let table = live.table(db.dialect(), table).expect("the table");
    match table.indexes.iter().find(|i| i.primary) {
        Some(index) => index.columns.iter().flatten().cloned().collect(),
        // SQLite's `integer PRIMARY KEY` is the rowid: no index of its own.
        None => table
            .columns
            .iter()
            .take(1)
            .map(|c| c.name.clone())
            .collect(),
    }
}

async fn story(url: &str) {
    let db = open::<Exact>(url).await;
    let dialect = db.dialect();
    let created = migrate::migrate(&db).await.expect("migrate");
    let changes: Vec<&Change> = created.steps.iter().map(|s| &s.change).collect();
    assert!(
        changes
            .iter()
            .all(|c| matches!(c, Change::CreateTable { .. })),
        "{dialect}: tables only, no index: {changes:?}"
    );
    assert_eq!(changes.len(), 4);

    // Exactly the declared keys: primary keys, nothing else.
    let none: Vec<String> = Vec::new();
    let expected: Vec<(String, Vec<String>, usize)> = [
        "k_accounts",
        "k_sessions",
        "k_users",
        "k_verification_token",
    ]
    .iter()
    .map(|t| ((*t).to_owned(), none.clone(), 0))
    .collect();
    assert_eq!(catalog_keys(&db).await, expected, "{dialect}");
    assert_eq!(
        primary_columns(&db, "k_verification_token").await,
        ["identifier", "token"],
        "{dialect}"
    );

    // Check: clean, the recommendations as notes.
    let plan = migrate::diff(&db).await.expect("diff");
    assert!(plan.is_in_sync(), "{dialect}: {plan:?}");
    assert!(plan.steps.is_empty(), "{dialect}: {:?}", plan.steps);
    let mut notes: Vec<(String, RecommendationKind)> = plan
        .drift
        .iter()
        .filter_map(|d| match d {
            Drift::Recommended { table, kind, .. } => Some((table.clone(), *kind)),
            _ => None,
        })
        .collect();
    notes.sort_by_key(|(t, k)| (t.clone(), format!("{k:?}")));
    assert_eq!(
        notes,
        [
            ("k_accounts".to_owned(), RecommendationKind::ForeignKey),
            ("k_accounts".to_owned(), RecommendationKind::Index),
            ("k_accounts".to_owned(), RecommendationKind::Unique),
            ("k_sessions".to_owned(), RecommendationKind::ForeignKey),
            ("k_sessions".to_owned(), RecommendationKind::Index),
            ("k_sessions".to_owned(), RecommendationKind::Unique),
            ("k_users".to_owned(), RecommendationKind::Unique),
        ],
        "{dialect}"
    );
    assert_eq!(plan.drift.len(), notes.len(), "{dialect}: {:?}", plan.drift);
    assert!(plan.to_string().contains("Note: "), "{plan}");

    // With the opt-in: the two recommended indexes, nothing unique, no foreign key.
    let options = PlanOptions::default().recommended_indexes(true);
    let opted = migrate::diff_with(&db, options).await.expect("diff");
    let changes: Vec<String> = opted.steps.iter().map(|s| s.change.to_string()).collect();
    assert_eq!(
        changes,
        [
            "create index `k_accounts_user_id_idx` on `k_accounts`",
            "create index `k_sessions_user_id_idx` on `k_sessions`",
        ],
        "{dialect}"
    );
    for statement in opted.statements() {
        assert!(statement.starts_with("CREATE INDEX"), "{statement}");
    }

    // Two users with one email, a session naming no user: the layout takes them.
    let a = db.create_user(user("same@example.com")).await.expect("a");
    let b = db.create_user(user("same@example.com")).await.expect("b");
    assert_ne!(a.id, b.id);
    db.create_session(session("orphan", 4242))
        .await
        .expect("no foreign key refuses it");

    // A model grown by one column: exactly that column.
    let grown = open::<Grown>(url).await;
    let plan = migrate::diff(&grown).await.expect("diff");
    let changes: Vec<&Change> = plan.steps.iter().map(|s| &s.change).collect();
    assert!(
        matches!(changes.as_slice(), [Change::AddColumn { table, column, .. }] if table == "k_users" && column == "role"),
        "{dialect}: {changes:?}"
    );
    migrate::apply(&grown, &plan).await.expect("apply");
    assert!(migrate::diff(&grown).await.expect("diff").is_in_sync());

    // The opt-in applies, and then the notes for those indexes are gone.
    migrate::migrate_with(&db, options).await.expect("indexes");
    let after = migrate::diff(&db).await.expect("diff");
    assert!(after.steps.is_empty());
    let indexes = after.drift.iter().filter(|d| {
        matches!(
            d,
            Drift::Recommended {
                kind: RecommendationKind::Index,
                ..
            }
        )
    });
    assert_eq!(indexes.count(), 0, "{dialect}: {:?}", after.drift);
    // Only CREATE INDEX statements ran: still no unique index, no foreign key.
    let keys = catalog_keys(&db).await;
    let unique: usize = migrate::read_schema(&db)
        .await
        .unwrap()
        .tables
        .iter()
        .map(|t| t.indexes.iter().filter(|i| i.unique && !i.primary).count())
        .sum();
    assert_eq!(unique, 0, "{dialect}: {keys:?}");
    assert!(keys.iter().all(|(_, _, fks)| *fks == 0), "{keys:?}");
}

#[tokio::test]
async fn sqlite_file() {
    let dir = tempfile::tempdir().unwrap();
    story(&format!(
        "sqlite://{}",
        dir.path().join("keys.db").display()
    ))
    .await;
}

#[tokio::test]
async fn postgres() {
    if let Some(url) = common::fresh_database(Server::Postgres, "keys").await {
        story(&url).await;
    }
}

#[tokio::test]
async fn mariadb() {
    if let Some(url) = common::fresh_database(Server::MySql, "keys").await {
        story(&url).await;
    }
}

#[tokio::test]
async fn the_memory_adapter_enforces_the_actual_keys_only() {
    let memory = MemoryAdapter::<Exact>::new();
    let a = memory
        .create_user(user("same@example.com"))
        .await
        .expect("a");
    let b = memory
        .create_user(user("same@example.com"))
        .await
        .expect("b");
    assert_ne!(a.id, b.id);
    memory
        .create_session(session("orphan", 4242))
        .await
        .expect("no foreign key refuses it");
}

#[test]
fn generate_writes_the_actual_keys_and_the_opted_in_indexes() {
    use authmodel::ddl::{CreateOptions, create_statements};
    for dialect in [Dialect::Sqlite, Dialect::Postgres, Dialect::MySql] {
        let plain = create_statements::<Exact>(dialect, CreateOptions::default()).unwrap();
        let text = plain.join(";\n");
        assert_eq!(plain.len(), 4, "{dialect}: {text}");
        assert!(!text.contains("UNIQUE"), "{dialect}: {text}");
        assert!(!text.contains("REFERENCES"), "{dialect}: {text}");
        assert!(!text.contains("INDEX"), "{dialect}: {text}");
        let opted =
            create_statements::<Exact>(dialect, CreateOptions::default().recommended_indexes(true))
                .unwrap()
                .join(";\n");
        assert!(
            opted.contains("k_sessions_user_id_idx"),
            "{dialect}: {opted}"
        );
        assert!(
            opted.contains("k_accounts_user_id_idx"),
            "{dialect}: {opted}"
        );
        assert!(!opted.contains("UNIQUE"), "{dialect}: {opted}");
        assert!(!opted.contains("REFERENCES"), "{dialect}: {opted}");
    }
}
