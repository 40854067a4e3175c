//! Every write of the contract tells the truth (issue 9, case 3): an `Err` means nothing was
//! written, and an `Ok` reports what the database holds. Each write meets a row the model
//! cannot read, as another tool could leave one: a NULL in a column the model needs, on every
//! SQL backend; on SQLite also a value of the wrong kind (text in an integer or boolean column,
//! a malformed timestamp); on MariaDB a zero date, which its `DATETIME` accepts. After each
//! call, the five tables are read back with raw SQL and compared with what the call said.
//!
//! The memory adapter has no such rows: no other tool writes into it, and its rows are models.
//! The server tests need the servers of scripts/test (`PG_URL`, `MYSQL_URL`; tests/common).

mod common;

use authmodel::descriptor::{Column, ColumnType, KeyNaming, Role, Table};
use authmodel::models::{
    Account, Authenticator, DefaultSchema, Session, SessionPatch, User, UserPatch,
    VerificationToken,
};
use authmodel::sql::{Options, SqlAdapter};
use authmodel::{AccountKey, Adapter, Error, Model, Value};
use chrono::Utc;
use common::{Server, fresh_database};
use uuid::Uuid;

type Auth = SqlAdapter<DefaultSchema>;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Backend {
    Sqlite,
    Postgres,
    MySql,
}

/// One text column: what the raw reads below select.
static LINE: Table = Table {
    name: "line",
    type_name: "Line",
    role: Role::User,
    columns: &[Column {
        name: "line",
        field: "line",
        ty: ColumnType::Text,
        nullable: true,
        role: None,
        primary_key: false,
        id: None,
        unique: false,
        indexed: false,
        max_len: None,
        default: None,
        stamp: None,
    }],
    key_naming: KeyNaming::Postgres,
    keys: authmodel::descriptor::Keys::DERIVED,
};

struct Db {
    auth: Auth,
    backend: Backend,
}

impl Db {
    async fn open(backend: Backend, url: &str) -> Db {
        Db::open_with(backend, url, Options::default()).await
    }

    async fn open_with(backend: Backend, url: &str, options: Options) -> Db {
        let auth = Auth::connect(url, options.synchronize(true))
            .await
            .unwrap_or_else(|e| panic!("{url}: {e}"));
        Db { auth, backend }
    }

    /// `sql` with `?` placeholders, as this backend numbers them.
    fn sql(&self, sql: &str) -> String {
        if self.backend != Backend::Postgres {
            return sql.to_owned();
        }
        let mut out = String::new();
        for (i, part) in sql.split('?').enumerate() {
            if i > 0 {
                out.push_str(&format!("${i}"));
            }
            out.push_str(part);
        }
        out
    }

    async fn execute(&self, sql: &str, params: Vec<Value>) {
        self.auth
            .raw_execute(&self.sql(sql), params)
            .await
            .unwrap_or_else(|e| panic!("{:?}: {sql}: {e}", self.backend));
    }

    async fn lines(&self, sql: &str, params: Vec<Value>) -> Vec<String> {
        let rows = self
            .auth
            .raw_select(&self.sql(sql), params, &LINE)
            .await
            .unwrap_or_else(|e| panic!("{:?}: {sql}: {e}", self.backend));
        rows.into_iter()
            .map(|row| match row.as_slice() {
                [Value::Text(line)] => line.clone(),
                other => panic!("{:?}: {sql}: not one text: {other:?}", self.backend),
            })
            .collect()
    }

    /// Every row of the five tables, each value quoted as the database shows it, sorted.
    async fn dump(&self) -> Vec<String> {
        let mut all = Vec::new();
        for table in tables() {
            let quoted: Vec<String> = table
                .columns
                .iter()
                .map(|c| match self.backend {
                    Backend::Sqlite => format!("quote(\"{}\")", c.name),
                    Backend::Postgres => format!("quote_nullable(\"{}\")", c.name),
                    Backend::MySql => format!("QUOTE(`{}`)", c.name),
                })
                .collect();
            let sql = match self.backend {
                Backend::Sqlite | Backend::Postgres => format!(
                    "SELECT '{}:' || {} FROM {}",
                    table.name,
                    quoted.join(" || '|' || "),
                    table.name
                ),
                Backend::MySql => format!(
                    "SELECT CONCAT_WS('|', '{}:', {}) FROM {}",
                    table.name,
                    quoted.join(", "),
                    table.name
                ),
            };
            all.extend(self.lines(&sql, vec![]).await);
        }
        all.sort();
        all
    }

    /// The rows of `M`'s table whose `column` is `key`, decoded as `M`.
    async fn stored<M: Model>(&self, column: &str, key: Value) -> Vec<M> {
        let table = M::TABLE;
        let names: Vec<String> = table.columns.iter().map(|c| quote(self, c.name)).collect();
        let sql = format!(
            "SELECT {} FROM {} WHERE {} = ?",
            names.join(", "),
            table.name,
            quote(self, column)
        );
        self.auth
            .raw_select(&self.sql(&sql), vec![key], table)
            .await
            .unwrap_or_else(|e| panic!("{:?}: {sql}: {e}", self.backend))
            .into_iter()
            .map(|row| M::from_values(row).unwrap())
            .collect()
    }

    /// Lets `column` of `table` hold NULL, as a table another tool made could.
    async fn loosen(&self, table: &str, column: &str) {
        match self.backend {
            Backend::Postgres => {
                self.execute(
                    &format!("ALTER TABLE {table} ALTER COLUMN \"{column}\" DROP NOT NULL"),
                    vec![],
                )
                .await;
            }
            Backend::MySql => {
                let ty = self
                    .lines(
                        "SELECT CONCAT(COLUMN_TYPE, IFNULL(CONCAT(' COLLATE ', COLLATION_NAME), '')) \
                         FROM information_schema.COLUMNS \
                         WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = ? AND COLUMN_NAME = ?",
                        vec![Value::Text(table.into()), Value::Text(column.into())],
                    )
                    .await;
                self.execute(
                    &format!("ALTER TABLE {table} MODIFY `{column}` {} NULL", ty[0]),
                    vec![],
                )
                .await;
            }
            Backend::Sqlite => {
                // SQLite cannot drop NOT NULL: rebuild the table from its own DDL without
                // them (keys and foreign keys kept), foreign keys off meanwhile.
                let ddl = self
                    .lines(
                        "SELECT sql FROM sqlite_master WHERE type = 'table' AND name = ?",
                        vec![Value::Text(table.into())],
                    )
                    .await;
                let loose = ddl[0]
                    .replacen(&format!("\"{table}\""), "\"loose\"", 1)
                    .replace(" NOT NULL", "");
                assert!(loose.contains("\"loose\""), "{loose}");
                for sql in [
                    "PRAGMA foreign_keys = OFF".to_owned(),
                    loose,
                    format!("INSERT INTO loose SELECT * FROM {table}"),
                    format!("DROP TABLE {table}"),
                    format!("ALTER TABLE loose RENAME TO {table}"),
                    "PRAGMA foreign_keys = ON".to_owned(),
                ] {
                    self.execute(&sql, vec![]).await;
                }
            }
        }
    }
}

fn quote(db: &Db, name: &str) -> String {
    match db.backend {
        Backend::MySql => format!("`{name}`"),
        Backend::Sqlite | Backend::Postgres => format!("\"{name}\""),
    }
}

fn tables() -> [&'static Table; 5] {
    [
        User::TABLE,
        Account::TABLE,
        Session::TABLE,
        VerificationToken::TABLE,
        Authenticator::TABLE,
    ]
}

fn text(s: &str) -> Value {
    Value::Text(s.to_owned())
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

fn account(owner: Uuid, provider_account_id: &str) -> Account {
    Account {
        id: Uuid::nil(),
        user_id: owner,
        kind: "oauth".into(),
        provider: "github".into(),
        provider_account_id: provider_account_id.into(),
        refresh_token: None,
        access_token: Some("at".into()),
        expires_at: Some(1_700_000_000),
        token_type: None,
        scope: None,
        id_token: None,
        session_state: None,
    }
}

fn session(owner: Uuid, token: &str) -> Session {
    Session {
        id: Uuid::nil(),
        session_token: token.into(),
        user_id: owner,
        expires: Utc::now() + chrono::Duration::days(1),
    }
}

fn verification(identifier: &str, token: &str) -> VerificationToken {
    VerificationToken {
        identifier: identifier.into(),
        token: token.into(),
        expires: Utc::now() + chrono::Duration::hours(1),
    }
}

fn authenticator(owner: Uuid, credential_id: &str) -> Authenticator {
    Authenticator {
        credential_id: credential_id.into(),
        user_id: owner,
        provider_account_id: "webauthn-1".into(),
        credential_public_key: "key".into(),
        counter: 1,
        credential_device_type: "singleDevice".into(),
        credential_backed_up: false,
        transports: None,
    }
}

/// A user `<label>@example.com` with one row in each table that references users or is
/// keyed by its email: account `github`/`<label>`, session `s-<label>`, verification token
/// `<label>@example.com`/`t-<label>`, authenticator `c-<label>`.
async fn family(db: &Db, label: &str) -> User {
    let auth = &db.auth;
    let email = format!("{label}@example.com");
    let owner = auth.create_user(user(&email)).await.unwrap();
    auth.link_account(account(owner.id, label)).await.unwrap();
    auth.create_session(session(owner.id, &format!("s-{label}")))
        .await
        .unwrap();
    auth.create_verification_token(verification(&email, &format!("t-{label}")))
        .await
        .unwrap();
    auth.create_authenticator(authenticator(owner.id, &format!("c-{label}")))
        .await
        .unwrap();
    owner
}

/// Checks one write's outcome against the database, read back before (`before`) and after.
struct Judge<'a> {
    db: &'a Db,
    what: String,
    before: Vec<String>,
}

impl<'a> Judge<'a> {
    async fn new(db: &'a Db, what: String) -> Judge<'a> {
        let before = db.dump().await;
        Judge { db, what, before }
    }

    /// An `Err` or a `None` (nothing found): the database is exactly as before.
    async fn unchanged(&self, outcome: &str) {
        let after = self.db.dump().await;
        assert_eq!(
            self.before, after,
            "{:?}: {} returned {outcome} but changed the database",
            self.db.backend, self.what
        );
    }

    /// An `Ok(row)` from an insert or an update: the row under its key is the one reported.
    async fn stored<M: Model + PartialEq + std::fmt::Debug>(
        &self,
        result: Result<M, Error>,
        column: &str,
        key: impl Fn(&M) -> Value,
    ) {
        match result {
            Err(e) => self.unchanged(&format!("Err({e})")).await,
            Ok(reported) => {
                let stored: Vec<M> = self.db.stored(column, key(&reported)).await;
                assert_eq!(
                    stored,
                    vec![reported],
                    "{:?}: {} reported a row the database does not hold",
                    self.db.backend,
                    self.what
                );
            }
        }
    }

    /// An `Ok(Some(row))` from a delete: the row under its key is gone.
    async fn deleted<M: Model + std::fmt::Debug>(
        &self,
        result: Result<Option<M>, Error>,
        column: &str,
        key: impl Fn(&M) -> Value,
    ) {
        match result {
            Err(e) => self.unchanged(&format!("Err({e})")).await,
            Ok(None) => self.unchanged("Ok(None)").await,
            Ok(Some(reported)) => {
                let left: Vec<M> = self.db.stored(column, key(&reported)).await;
                assert!(
                    left.is_empty(),
                    "{:?}: {} reported {reported:?} deleted, yet it is there",
                    self.db.backend,
                    self.what
                );
            }
        }
    }

    /// An `Ok(Some(row))` from an update reported as an `Option`.
    async fn updated<M: Model + PartialEq + std::fmt::Debug>(
        &self,
        result: Result<Option<M>, Error>,
        column: &str,
        key: impl Fn(&M) -> Value,
    ) {
        match result {
            Ok(None) => self.unchanged("Ok(None)").await,
            Ok(Some(row)) => self.stored(Ok(row), column, key).await,
            Err(e) => self.unchanged(&format!("Err({e})")).await,
        }
    }
}

fn uuid(id: Uuid) -> Value {
    Value::Uuid(id)
}

/// Runs every write of the contract against the rows of `label`'s family, made unreadable
/// by the caller, and judges each outcome. Rows are checked by their id where they have one:
/// on SQLite, where the rebuilt tables lost their unique indexes, a second session may share
/// the unreadable one's token.
async fn every_write(db: &Db, label: &str, victim: &User) {
    let auth = &db.auth;
    let email = format!("{label}@example.com");
    let at = |op: &str| format!("{op} over the unreadable rows of `{label}`");

    // The inserts meet the unreadable rows on their keys (a conflict, or a second row where
    // the rebuilt SQLite table lost its unique index): either is fine, if told truthfully.
    let judge = Judge::new(db, at("create_user")).await;
    let result = auth.create_user(user(&email)).await;
    judge.stored(result, "id", |u: &User| uuid(u.id)).await;
    let judge = Judge::new(db, at("link_account")).await;
    let result = auth.link_account(account(victim.id, label)).await;
    judge.stored(result, "id", |a: &Account| uuid(a.id)).await;
    let judge = Judge::new(db, at("create_session")).await;
    let result = auth
        .create_session(session(victim.id, &format!("s-{label}")))
        .await;
    judge.stored(result, "id", |s: &Session| uuid(s.id)).await;
    let judge = Judge::new(db, at("create_verification_token")).await;
    let result = auth
        .create_verification_token(verification(&email, &format!("t-{label}")))
        .await;
    judge
        .stored(result, "token", |t: &VerificationToken| text(&t.token))
        .await;
    let judge = Judge::new(db, at("create_authenticator")).await;
    let result = auth
        .create_authenticator(authenticator(victim.id, &format!("c-{label}")))
        .await;
    judge
        .stored(result, "credential_id", |a: &Authenticator| {
            text(&a.credential_id)
        })
        .await;

    let id = victim.id.to_string();
    let judge = Judge::new(db, at("update_user")).await;
    let patch = UserPatch {
        name: Some(Some("renamed".into())),
        ..Default::default()
    };
    let result = auth.update_user(&id, patch).await;
    judge.stored(result, "id", |u: &User| uuid(u.id)).await;
    let judge = Judge::new(db, at("update_session")).await;
    let patch = SessionPatch {
        expires: Some(Utc::now() + chrono::Duration::days(3)),
        ..Default::default()
    };
    let result = auth.update_session(&format!("s-{label}"), patch).await;
    judge.updated(result, "id", |s: &Session| uuid(s.id)).await;
    let judge = Judge::new(db, at("update_authenticator_counter")).await;
    let result = auth
        .update_authenticator_counter(&format!("c-{label}"), 99)
        .await;
    judge
        .stored(result, "credential_id", |a: &Authenticator| {
            text(&a.credential_id)
        })
        .await;

    let judge = Judge::new(db, at("delete_session")).await;
    let result = auth.delete_session(&format!("s-{label}")).await;
    judge.deleted(result, "id", |s: &Session| uuid(s.id)).await;
    let judge = Judge::new(db, at("unlink_account")).await;
    let result = auth
        .unlink_account(AccountKey {
            provider: "github",
            provider_account_id: label,
        })
        .await;
    judge.deleted(result, "id", |a: &Account| uuid(a.id)).await;
    let judge = Judge::new(db, at("use_verification_token")).await;
    let result = auth
        .use_verification_token(&email, &format!("t-{label}"))
        .await;
    judge
        .deleted(result, "token", |t: &VerificationToken| text(&t.token))
        .await;
    // Last: a user's delete takes the family's remaining rows with it.
    let judge = Judge::new(db, at("delete_user")).await;
    let result = auth.delete_user(&id).await;
    judge.deleted(result, "id", |u: &User| uuid(u.id)).await;
}

/// NULL where the model needs a value, on every SQL backend: the guarded UPDATEs and DELETEs
/// find nothing, the inserts conflict or add a row of their own, and `delete_user` leaves the
/// sessions, accounts and authenticators of a user it did not delete.
async fn nulls(db: &Db) {
    let victim = family(db, "nulls").await;
    // A readable family beside it: what a write may rightly change.
    family(db, "bystander").await;
    let unreadable = [
        ("users", "email", "email", "nulls@example.com"),
        ("accounts", "type", "provider_account_id", "nulls"),
        ("sessions", "expires", "session_token", "s-nulls"),
        ("verification_tokens", "expires", "token", "t-nulls"),
        (
            "authenticators",
            "credential_public_key",
            "credential_id",
            "c-nulls",
        ),
    ];
    for (table, column, key, value) in unreadable {
        db.loosen(table, column).await;
        let (column, key) = (quote(db, column), quote(db, key));
        db.execute(
            &format!("UPDATE {table} SET {column} = NULL WHERE {key} = ?"),
            vec![text(value)],
        )
        .await;
    }
    every_write(db, "nulls", &victim).await;
    // The unreadable rows are all still there.
    let left = db.dump().await;
    for (table, _, _, value) in unreadable {
        assert!(
            left.iter()
                .any(|line| line.starts_with(&format!("{table}:")) && line.contains(value)),
            "{:?}: the unreadable row {value} of {table} is gone",
            db.backend
        );
    }
}

/// Values of the wrong kind, which SQLite's loose typing keeps: every write that meets them
/// fails to decode its row and must roll back.
async fn sqlite_garbage(db: &Db) {
    let victim = family(db, "garbage").await;
    family(db, "bystander2").await;
    for (sql, key) in [
        (
            "UPDATE users SET email_verified = 'yesterday' WHERE email = ?",
            "garbage@example.com",
        ),
        (
            "UPDATE accounts SET expires_at = 'soon' WHERE provider_account_id = ?",
            "garbage",
        ),
        (
            "UPDATE sessions SET expires = '2024-13-45T99:00:00.000Z' WHERE session_token = ?",
            "s-garbage",
        ),
        (
            "UPDATE verification_tokens SET expires = 'tomorrow' WHERE token = ?",
            "t-garbage",
        ),
        (
            "UPDATE authenticators SET credential_backed_up = 'yes' WHERE credential_id = ?",
            "c-garbage",
        ),
    ] {
        db.execute(sql, vec![text(key)]).await;
    }
    every_write(db, "garbage", &victim).await;
}

/// MariaDB keeps a zero date in `DATETIME(3)`, which no model reads where it needs an instant
/// (in a nullable column it reads as `None`): an UPDATE, which has no `RETURNING` there, reads
/// its row back in its transaction and rolls back.
async fn mariadb_zero_dates(db: &Db) {
    family(db, "zero").await;
    db.execute(
        "UPDATE sessions SET expires = ? WHERE session_token = 's-zero'",
        vec![text("0000-00-00 00:00:00.000")],
    )
    .await;
    let judge = Judge::new(db, "update_session over a zero date".into()).await;
    let patch = SessionPatch {
        session_token: Some("s-zero-renamed".into()),
        ..Default::default()
    };
    let result = db.auth.update_session("s-zero", patch).await;
    assert!(matches!(result, Err(Error::Decode { .. })), "{result:?}");
    judge.updated(result, "id", |s: &Session| uuid(s.id)).await;
}

/// MySQL 8's path, on MariaDB: no write has `RETURNING`, so each one reads its row in its
/// transaction (a DELETE locks it first) and rolls back a row the model cannot read.
async fn zero_dates_without_returning(db: &Db) {
    family(db, "nr").await;
    for sql in [
        "UPDATE sessions SET expires = ? WHERE session_token = 's-nr'",
        "UPDATE verification_tokens SET expires = ? WHERE token = 't-nr'",
    ] {
        db.execute(sql, vec![text("0000-00-00 00:00:00.000")]).await;
    }
    let judge = Judge::new(db, "delete_session over a zero date".into()).await;
    let result = db.auth.delete_session("s-nr").await;
    assert!(matches!(result, Err(Error::Decode { .. })), "{result:?}");
    judge.deleted(result, "id", |s: &Session| uuid(s.id)).await;
    let judge = Judge::new(db, "use_verification_token over a zero date".into()).await;
    let result = db
        .auth
        .use_verification_token("nr@example.com", "t-nr")
        .await;
    assert!(matches!(result, Err(Error::Decode { .. })), "{result:?}");
    judge
        .deleted(result, "token", |t: &VerificationToken| text(&t.token))
        .await;
}

#[tokio::test]
async fn writes_tell_the_truth_on_sqlite() {
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite://{}", dir.path().join("auth.db").display());
    let db = Db::open(Backend::Sqlite, &url).await;
    sqlite_garbage(&db).await;
    nulls(&db).await;
}

#[tokio::test]
async fn writes_tell_the_truth_on_sqlite_in_memory() {
    let db = Db::open(Backend::Sqlite, "sqlite::memory:").await;
    sqlite_garbage(&db).await;
}

#[tokio::test]
async fn writes_tell_the_truth_on_postgres() {
    if let Some(url) = fresh_database(Server::Postgres, "writes").await {
        nulls(&Db::open(Backend::Postgres, &url).await).await;
    }
}

#[tokio::test]
async fn writes_tell_the_truth_on_mariadb() {
    if let Some(url) = fresh_database(Server::MySql, "writes").await {
        let db = Db::open(Backend::MySql, &url).await;
        mariadb_zero_dates(&db).await;
        nulls(&db).await;
    }
}

#[tokio::test]
async fn writes_tell_the_truth_on_mariadb_without_returning() {
    if let Some(url) = fresh_database(Server::MySql, "writes_nr").await {
        let options = Options::default().without_returning(true);
        let db = Db::open_with(Backend::MySql, &url, options).await;
        zero_dates_without_returning(&db).await;
        nulls(&db).await;
    }
}

/// A schema whose user key the database assigns (an integer id, `RETURNING` it): the one
/// insert whose stored row is not the row sent.
mod assigned {
    use authmodel::{AuthModel, AuthSchema};
    use chrono::{DateTime, Utc};

    #[derive(Debug, Clone, PartialEq, AuthModel)]
    #[auth(role = "user", table = "int_users")]
    pub struct IntUser {
        pub id: i64,
        pub email: String,
        pub name: Option<String>,
    }

    #[derive(Debug, Clone, PartialEq, AuthModel)]
    #[auth(role = "session", table = "int_sessions")]
    pub struct IntSession {
        pub id: i64,
        pub session_token: String,
        pub user_id: i64,
        pub expires: DateTime<Utc>,
    }

    #[derive(Debug, Clone, PartialEq, AuthModel)]
    #[auth(role = "account", table = "int_accounts")]
    pub struct IntAccount {
        pub user_id: i64,
        pub kind: String,
        pub provider: String,
        pub provider_account_id: String,
    }

    #[derive(Debug, Clone, PartialEq, AuthModel)]
    #[auth(role = "authenticator", table = "int_authenticators")]
    pub struct IntAuthenticator {
        pub credential_id: String,
        pub user_id: i64,
        pub provider_account_id: String,
        pub credential_public_key: String,
        pub counter: i64,
        pub credential_device_type: String,
        pub credential_backed_up: bool,
    }

    #[derive(Debug, Clone, Copy, Default, AuthSchema)]
    #[auth(
        user = IntUser,
        account = IntAccount,
        session = IntSession,
        authenticator = IntAuthenticator
    )]
    pub struct IntSchema;
}

/// An insert whose `RETURNING` row the model cannot read (here another tool's table gives
/// the id a text default) fails, and leaves no row behind.
#[tokio::test]
async fn an_insert_whose_row_cannot_be_read_back_rolls_back_on_sqlite() {
    use assigned::{IntSchema, IntUser};
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("auth.db");
    rusqlite::Connection::open(&path)
        .unwrap()
        .execute_batch(
            "CREATE TABLE int_users (id TEXT PRIMARY KEY DEFAULT 'not-a-number', \
             email TEXT NOT NULL, name TEXT)",
        )
        .unwrap();
    let url = format!("sqlite://{}", path.display());
    let auth = SqlAdapter::<IntSchema>::connect(&url, Options::default().synchronize(true))
        .await
        .unwrap_or_else(|e| panic!("{url}: {e}"));
    let user = IntUser {
        id: 0,
        email: "assigned@example.com".into(),
        name: None,
    };
    let result = auth.create_user(user).await;
    assert!(
        matches!(result, Err(Error::Decode { column: "id", .. })),
        "{result:?}"
    );
    let rows = auth
        .raw_select("SELECT email FROM int_users", vec![], &LINE)
        .await
        .unwrap();
    assert!(rows.is_empty(), "create_user failed but wrote {rows:?}");
}
