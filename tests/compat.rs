//! The ready-made model sets of `authmodel::compat`, each proven on the tables of the Auth.js
//! adapter it matches, created with that adapter's own DDL (`compat/layouts.rs`) on a real
//! database: the whole conformance suite through the model set, but for the cases each layout
//! cannot hold (named there, with why), then the encodings both ways — a row as the layout's
//! adapter writes it reads as the right instant, and an instant the model set writes shows in
//! a SQL console as that adapter would have written it.
//!
//! The adapter is asked for a zone other than UTC wherever a client can be (a PostgreSQL
//! database default of `Asia/Kathmandu` and the same in the URL's `options`, which sqlx's own
//! `TimeZone=UTC` already outranks; a MySQL URL with `timezone=+05:45`, which would shift
//! Drizzle's `TIMESTAMP` columns if the adapter let it): its sessions still run in UTC, and the
//! instants a console reads are UTC. Each MySQL layout runs
//! on MariaDB twice, with its `RETURNING` statements and with MySQL 8's. A server test gets a
//! database of its own (`common::fresh_database`) and is skipped loudly (failed under
//! `CI=true`) when the run has no such server.
//!
//! Then the other way round: the DDL this crate writes for each model set (snapshotted per
//! dialect) creates tables on which the whole suite passes, duplicates refused included.

mod common;
#[path = "compat/layouts.rs"]
mod layouts;

use authmodel::compat::{drizzle, kysely, pg, prisma};
use authmodel::schema::RoleField;
use authmodel::testing::{self, Outcome, SuiteOptions};
use authmodel::{
    AccountKey, Adapter, CreateOptions, Dialect, Model, Options, Patch, Schema, SqlAdapter, Value,
    ddl,
};
use chrono::DateTime;
use common::Server;
use layouts::{INSTANT_MS, Layout};
use sqlx::{AssertSqlSafe, Connection as _};

/// Where a layout is created.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Backend {
    Sqlite,
    Postgres,
    MySql,
}

/// A database holding the layout's tables, and how to reach it with a console's SQL.
struct Database {
    url: String,
    /// Keeps an SQLite file alive for the test.
    _dir: Option<tempfile::TempDir>,
}

impl Database {
    async fn create(backend: Backend, layout: &Layout) -> Option<Database> {
        let database = match backend {
            Backend::Sqlite => {
                let dir = tempfile::tempdir().expect("a temporary directory");
                let path = dir.path().join(format!("{}.db", layout.label));
                Database {
                    url: format!("sqlite://{}", path.display()),
                    _dir: Some(dir),
                }
            }
            Backend::Postgres => Database {
                url: common::fresh_database(Server::Postgres, layout.label).await?,
                _dir: None,
            },
            Backend::MySql => Database {
                url: common::fresh_database(Server::MySql, layout.label).await?,
                _dir: None,
            },
        };
        let mut ddl = statements(layout.ddl);
        if backend == Backend::Postgres {
            // The database's own default zone, which sqlx's and the adapter's sessions override.
            ddl.push(
                "DO $$ BEGIN EXECUTE format('ALTER DATABASE %I SET timezone TO %L', \
                 current_database(), 'Asia/Kathmandu'); END $$"
                    .to_owned(),
            );
        }
        ddl.push(layout.foreign_user.to_owned());
        database.execute(backend, &ddl).await;
        Some(database)
    }

    /// Runs `sql` as a SQL console would, outside the adapter.
    async fn execute(&self, backend: Backend, sql: &[String]) {
        match backend {
            Backend::Sqlite => {
                let path = self.url.trim_start_matches("sqlite://");
                let connection = rusqlite::Connection::open(path).expect("open the file");
                for statement in sql {
                    connection
                        .execute_batch(statement)
                        .unwrap_or_else(|e| panic!("{statement}: {e}"));
                }
            }
            Backend::Postgres => {
                let mut connection = sqlx::PgConnection::connect(&self.url).await.expect("PG");
                for statement in sql {
                    sqlx::raw_sql(AssertSqlSafe(statement.clone()))
                        .execute(&mut connection)
                        .await
                        .unwrap_or_else(|e| panic!("{statement}: {e}"));
                }
            }
            Backend::MySql => {
                let mut connection = sqlx::MySqlConnection::connect(&self.url)
                    .await
                    .expect("MySQL");
                for statement in sql {
                    sqlx::raw_sql(AssertSqlSafe(statement.clone()))
                        .execute(&mut connection)
                        .await
                        .unwrap_or_else(|e| panic!("{statement}: {e}"));
                }
            }
        }
    }

    /// The one text value `sql` selects, as a SQL console shows it.
    async fn text(&self, backend: Backend, sql: &str) -> String {
        match backend {
            Backend::Sqlite => {
                let path = self.url.trim_start_matches("sqlite://");
                rusqlite::Connection::open(path)
                    .and_then(|c| c.query_row(sql, [], |row| row.get(0)))
                    .unwrap_or_else(|e| panic!("{sql}: {e}"))
            }
            Backend::Postgres => {
                let mut connection = sqlx::PgConnection::connect(&self.url).await.expect("PG");
                sqlx::query_scalar(AssertSqlSafe(sql))
                    .fetch_one(&mut connection)
                    .await
                    .unwrap_or_else(|e| panic!("{sql}: {e}"))
            }
            Backend::MySql => {
                let mut connection = sqlx::MySqlConnection::connect(&self.url)
                    .await
                    .expect("MySQL");
                sqlx::query_scalar(AssertSqlSafe(sql))
                    .fetch_one(&mut connection)
                    .await
                    .unwrap_or_else(|e| panic!("{sql}: {e}"))
            }
        }
    }

    /// The URL the adapter connects with: asking for a zone other than UTC where the driver
    /// lets a URL ask.
    fn adapter_url(&self, backend: Backend) -> String {
        match backend {
            Backend::Sqlite => self.url.clone(),
            Backend::Postgres => format!("{}?options=-c%20TimeZone%3DAsia%2FKathmandu", self.url),
            Backend::MySql => format!("{}?timezone=%2B05%3A45", self.url),
        }
    }
}

/// The statements of a DDL script: split at a `;` that ends a line, without `--` comments
/// and psql's `\` meta-commands.
fn statements(script: &str) -> Vec<String> {
    let script: String = script
        .lines()
        .filter(|line| !line.starts_with("--") && !line.starts_with('\\'))
        .map(|line| format!("{line}\n"))
        .collect();
    script
        .split(";\n")
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(str::to_owned)
        .collect()
}

/// Creates `layout` on `backend`, then proves `S` on it.
async fn prove<S: Schema>(backend: Backend, layout: &Layout) {
    let Some(database) = Database::create(backend, layout).await else {
        return;
    };
    let url = database.adapter_url(backend);
    let mut connects = vec![Options::default()];
    if backend == Backend::MySql {
        connects.push(Options::default().without_returning(true));
    }
    for (i, connect) in connects.into_iter().enumerate() {
        // No `synchronize`: the tables are the layout's, and nothing is created or altered.
        let adapter = SqlAdapter::<S>::connect(&url, connect)
            .await
            .unwrap_or_else(|e| panic!("{}: connect: {e}", layout.label));
        let rounds = if i == 0 { 2 } else { 1 };
        for round in 1..=rounds {
            conformance(&adapter, layout, round).await;
        }
        if i == 0 {
            encodings(&adapter, &database, backend, layout).await;
        }
    }
}

/// The suite's cases the keys of `S` cannot hold: a duplicate the layout has no unique key to
/// refuse (`exact_keys` models whose table lacks the email's or the provider account's key).
fn forced_skips<S: Schema>() -> Vec<&'static str> {
    let lacks_unique = |table: &'static authmodel::schema::Table| {
        table
            .recommended_keys()
            .iter()
            .any(|r| r.kind == authmodel::schema::RecommendationKind::Unique)
    };
    let mut cases = Vec::new();
    if lacks_unique(<S::User as Model>::TABLE) {
        cases.push("createUser with a taken email conflicts");
    }
    if lacks_unique(<S::Account as Model>::TABLE) {
        cases.push("linkAccount of a linked account conflicts");
    }
    cases
}

/// The whole suite, every case passing but those the layout skips.
async fn conformance<S: Schema>(adapter: &SqlAdapter<S>, layout: &Layout, round: usize) {
    let mut options = SuiteOptions::default().skip_webauthn(!layout.webauthn);
    let forced = forced_skips::<S>();
    for case in layout
        .skip
        .iter()
        .map(|(case, _why)| *case)
        .chain(forced.iter().copied())
    {
        options = options.skip_case(case);
    }
    let report = testing::run(adapter, adapter, options)
        .await
        .unwrap_or_else(|failure| panic!("{}, run {round}: {failure}", layout.label));
    let skipped: Vec<&str> = report
        .cases
        .iter()
        .filter(|c| c.outcome != Outcome::Passed)
        .map(|c| c.name)
        .collect();
    let webauthn = if layout.webauthn {
        0
    } else {
        testing::WEBAUTHN_CASES.len()
    };
    assert_eq!(
        skipped.len(),
        layout.skip.len() + forced.len() + webauthn,
        "{}: skipped {skipped:?}",
        layout.label
    );
    assert_eq!(
        report.passed(),
        testing::CASES.len() - skipped.len(),
        "{}: {report}",
        layout.label
    );
}

/// Both directions of the instant encoding, on the user's `emailVerified`.
async fn encodings<S: Schema>(
    adapter: &SqlAdapter<S>,
    database: &Database,
    backend: Backend,
    layout: &Layout,
) {
    let instant = Value::Timestamp(DateTime::from_timestamp_millis(INSTANT_MS).expect("in range"));
    let table = <S::User as Model>::TABLE;
    let verified = table
        .position(RoleField::UserEmailVerified)
        .expect("an emailVerified column");

    let foreign = adapter
        .get_user_by_email("foreign@example.com")
        .await
        .unwrap_or_else(|e| panic!("{}: read the foreign row: {e}", layout.label))
        .unwrap_or_else(|| panic!("{}: the foreign row is missing", layout.label));
    let values = foreign.to_values().expect("encodes");
    assert_eq!(
        values[verified], instant,
        "{}: a row its adapter wrote",
        layout.label
    );

    let values: Vec<Value> = table
        .columns
        .iter()
        .map(|column| match column.role {
            Some(RoleField::UserEmail) => Value::Text("stored@example.com".into()),
            Some(RoleField::UserEmailVerified) => instant.clone(),
            // Written by the adapter (created_at/updated_at stamps), whatever is given.
            _ if column.stamp.is_some() => instant.clone(),
            // Replaced by the id strategy (a UUID, or the database's SERIAL).
            Some(RoleField::UserId) => match column.ty {
                authmodel::schema::ColumnType::Uuid => Value::Uuid(uuid::Uuid::nil()),
                authmodel::schema::ColumnType::Text => Value::Text(String::new()),
                _ => Value::Int(0),
            },
            _ => Value::Null,
        })
        .collect();
    let user = S::User::from_values(values).expect("a user");
    adapter
        .create_user(user)
        .await
        .unwrap_or_else(|e| panic!("{}: createUser: {e}", layout.label));
    assert_eq!(
        database.text(backend, layout.stored).await,
        layout.expected,
        "{}: the instant as a SQL console shows it",
        layout.label
    );
}

#[tokio::test]
async fn prisma_on_postgres() {
    prove::<prisma::PrismaAuth>(Backend::Postgres, &layouts::PRISMA_POSTGRES).await;
}

#[tokio::test]
async fn prisma_on_mysql() {
    prove::<prisma::mysql::PrismaMySqlAuth>(Backend::MySql, &layouts::PRISMA_MYSQL).await;
}

#[tokio::test]
async fn prisma_on_sqlite_as_prisma_7_writes_it() {
    prove::<prisma::sqlite::PrismaSqliteAuth>(Backend::Sqlite, &layouts::PRISMA_SQLITE).await;
}

#[tokio::test]
async fn prisma_on_sqlite_in_epoch_milliseconds() {
    prove::<prisma::epoch_ms::PrismaEpochMsAuth>(Backend::Sqlite, &layouts::PRISMA_SQLITE_EPOCH_MS)
        .await;
}

#[tokio::test]
async fn drizzle_on_postgres() {
    prove::<drizzle::pg::DrizzlePgAuth>(Backend::Postgres, &layouts::DRIZZLE_POSTGRES).await;
}

#[tokio::test]
async fn drizzle_on_mysql() {
    prove::<drizzle::mysql::DrizzleMySqlAuth>(Backend::MySql, &layouts::DRIZZLE_MYSQL).await;
}

#[tokio::test]
async fn drizzle_on_sqlite() {
    prove::<drizzle::sqlite::DrizzleSqliteAuth>(Backend::Sqlite, &layouts::DRIZZLE_SQLITE).await;
}

#[tokio::test]
async fn pg_adapter_on_postgres() {
    prove::<pg::PgAdapterAuth>(Backend::Postgres, &layouts::PG_ADAPTER).await;
}

#[tokio::test]
async fn kysely_on_postgres() {
    prove::<kysely::KyselyAuth>(Backend::Postgres, &layouts::KYSELY_POSTGRES).await;
}

#[tokio::test]
async fn kysely_on_mysql() {
    prove::<kysely::KyselyAuth>(Backend::MySql, &layouts::KYSELY_MYSQL).await;
}

#[tokio::test]
async fn kysely_on_sqlite() {
    prove::<kysely::KyselyAuth>(Backend::Sqlite, &layouts::KYSELY_SQLITE).await;
}

/// Prisma's `createdAt DateTime @default(now())` and `updatedAt DateTime @updatedAt` on the
/// tables of its migration: a user created here has both set to the same millisecond, as
/// the SQL console shows them; an update moves `updatedAt` only; and the foreign row, which
/// names `updatedAt` as Prisma writes it and leaves `createdAt` to the column's
/// `CURRENT_TIMESTAMP` (on SQLite the text `YYYY-MM-DD HH:MM:SS`), reads back with both.
async fn prisma_stamps<S: Schema>(backend: Backend, layout: &Layout) {
    let Some(database) = Database::create(backend, layout).await else {
        return;
    };
    let adapter = SqlAdapter::<S>::connect(&database.adapter_url(backend), Options::default())
        .await
        .unwrap_or_else(|e| panic!("{}: connect: {e}", layout.label));
    let table = <S::User as Model>::TABLE;
    let stamp = |kind: authmodel::schema::Stamp| {
        table
            .columns
            .iter()
            .position(|c| c.stamp == Some(kind))
            .unwrap_or_else(|| panic!("{}: no {kind:?} column", layout.label))
    };
    let (created, updated) = (
        stamp(authmodel::schema::Stamp::CreatedAt),
        stamp(authmodel::schema::Stamp::UpdatedAt),
    );
    let instant = |user: &S::User, at: usize| match user.to_values().expect("encodes")[at] {
        Value::Timestamp(t) => t,
        ref other => panic!("{}: a stamp holds {other:?}", layout.label),
    };
    let raw = match backend {
        Backend::Postgres => {
            r#"SELECT "createdAt"::text || '|' || "updatedAt"::text FROM "User" WHERE "email" = 'stamped@example.com'"#
        }
        Backend::MySql => {
            "SELECT CONCAT(CAST(`createdAt` AS CHAR), '|', CAST(`updatedAt` AS CHAR)) FROM `User` WHERE `email` = 'stamped@example.com'"
        }
        Backend::Sqlite => {
            r#"SELECT "createdAt" || '|' || "updatedAt" FROM "User" WHERE "email" = 'stamped@example.com'"#
        }
    };

    let values: Vec<Value> = table
        .columns
        .iter()
        .map(|column| match column.role {
            Some(RoleField::UserEmail) => Value::Text("stamped@example.com".into()),
            Some(RoleField::UserId) => Value::Text(String::new()),
            // Whatever the struct holds, the adapter writes the current instant.
            _ if column.stamp.is_some() => Value::Timestamp(DateTime::UNIX_EPOCH),
            _ => Value::Null,
        })
        .collect();
    let before = chrono::Utc::now() - chrono::TimeDelta::milliseconds(1);
    let user = adapter
        .create_user(S::User::from_values(values).expect("a user"))
        .await
        .unwrap_or_else(|e| panic!("{}: createUser: {e}", layout.label));
    assert_eq!(
        instant(&user, created),
        instant(&user, updated),
        "{}",
        layout.label
    );
    assert!(
        instant(&user, created) >= before,
        "{}: stamped now",
        layout.label
    );
    let shown = database.text(backend, raw).await;
    let (console_created, console_updated) = shown.split_once('|').expect("two stamps");
    assert_eq!(
        console_created, console_updated,
        "{}: {shown}",
        layout.label
    );

    tokio::time::sleep(std::time::Duration::from_millis(5)).await;
    let id = match &user.to_values().expect("encodes")
        [table.position(RoleField::UserId).expect("an id")]
    {
        Value::Text(id) => id.clone(),
        other => panic!("{}: a text id, not {other:?}", layout.label),
    };
    let mut patch = <S::User as Model>::Patch::default();
    let name = table.position(RoleField::UserName).expect("a name");
    patch
        .set(name, Value::Text("Stamped".into()))
        .expect("a name patch");
    let changed = adapter
        .update_user(&id, patch)
        .await
        .unwrap_or_else(|e| panic!("{}: updateUser: {e}", layout.label));
    assert_eq!(
        instant(&changed, created),
        instant(&user, created),
        "{}",
        layout.label
    );
    assert!(
        instant(&changed, updated) > instant(&user, updated),
        "{}: updatedAt moves",
        layout.label
    );
    let shown = database.text(backend, raw).await;
    let (after_created, after_updated) = shown.split_once('|').expect("two stamps");
    assert_eq!(after_created, console_created, "{}: {shown}", layout.label);
    assert_ne!(after_updated, console_updated, "{}: {shown}", layout.label);

    let foreign = adapter
        .get_user_by_email("foreign@example.com")
        .await
        .unwrap_or_else(|e| panic!("{}: read the foreign row: {e}", layout.label))
        .unwrap_or_else(|| panic!("{}: the foreign row is missing", layout.label));
    assert_eq!(
        instant(&foreign, updated).timestamp_millis(),
        INSTANT_MS,
        "{}: the updatedAt Prisma wrote",
        layout.label
    );
    // The database's own clock, in whatever zone its session had: within a day of now.
    let age = chrono::Utc::now() - instant(&foreign, created);
    assert!(
        age.num_hours().abs() <= 24,
        "{}: createdAt {age}",
        layout.label
    );
}

#[tokio::test]
async fn prisma_stamps_on_postgres() {
    prisma_stamps::<prisma::PrismaAuth>(Backend::Postgres, &layouts::PRISMA_POSTGRES).await;
}

#[tokio::test]
async fn prisma_stamps_on_mysql() {
    prisma_stamps::<prisma::mysql::PrismaMySqlAuth>(Backend::MySql, &layouts::PRISMA_MYSQL).await;
}

#[tokio::test]
async fn prisma_stamps_on_sqlite() {
    prisma_stamps::<prisma::sqlite::PrismaSqliteAuth>(Backend::Sqlite, &layouts::PRISMA_SQLITE)
        .await;
}

#[tokio::test]
async fn prisma_stamps_on_sqlite_in_epoch_milliseconds() {
    prisma_stamps::<prisma::epoch_ms::PrismaEpochMsAuth>(
        Backend::Sqlite,
        &layouts::PRISMA_SQLITE_EPOCH_MS,
    )
    .await;
}

/// `authmodel check` on the tables of Prisma's migration: in sync on PostgreSQL and SQLite
/// (the recommended `userId` indexes are notes), and on MySQL no foreign key drift: the
/// migration's `ON DELETE RESTRICT` is what `PrismaMySqlAuth` declares. (MySQL's remaining
/// difference is the collation, `utf8mb4_unicode_ci`, which `check` plans to convert.)
#[tokio::test]
async fn prisma_tool_tables_check_as_the_models_declare() {
    async fn diff<S: Schema>(
        backend: Backend,
        layout: &Layout,
    ) -> Option<authmodel::migrate::Plan> {
        let database = Database::create(backend, layout).await?;
        let adapter = SqlAdapter::<S>::connect(&database.url, Options::default())
            .await
            .unwrap_or_else(|e| panic!("{}: connect: {e}", layout.label));
        Some(
            authmodel::migrate::diff(&adapter)
                .await
                .unwrap_or_else(|e| panic!("{}: diff: {e}", layout.label)),
        )
    }
    let plans = [
        diff::<prisma::PrismaAuth>(Backend::Postgres, &layouts::PRISMA_POSTGRES).await,
        diff::<prisma::sqlite::PrismaSqliteAuth>(Backend::Sqlite, &layouts::PRISMA_SQLITE).await,
        diff::<prisma::epoch_ms::PrismaEpochMsAuth>(
            Backend::Sqlite,
            &layouts::PRISMA_SQLITE_EPOCH_MS,
        )
        .await,
    ];
    for plan in plans.into_iter().flatten() {
        assert!(plan.is_in_sync(), "{}", plan.summary());
    }
    if let Some(plan) =
        diff::<prisma::mysql::PrismaMySqlAuth>(Backend::MySql, &layouts::PRISMA_MYSQL).await
    {
        let drift: Vec<String> = plan
            .drift
            .iter()
            .filter(|d| !d.is_note())
            .map(ToString::to_string)
            .collect();
        assert!(drift.is_empty(), "{drift:?}");
    }
}

/// A Prisma 6 database whose rows Prisma 7 went on writing as ISO 8601 text: both read.
#[tokio::test]
async fn prisma_epoch_ms_reads_rows_written_as_text() {
    let Some(database) = Database::create(Backend::Sqlite, &layouts::PRISMA_SQLITE_EPOCH_MS).await
    else {
        return;
    };
    let insert = r#"INSERT INTO "User" ("id", "email", "emailVerified", "updatedAt") VALUES ('text-user', 'text@example.com', '2024-01-02T03:04:05.678Z', '2024-01-02T03:04:05.678+00:00')"#;
    database
        .execute(Backend::Sqlite, &[insert.to_owned()])
        .await;
    let adapter = SqlAdapter::<prisma::epoch_ms::PrismaEpochMsAuth>::connect(
        &database.url,
        Options::default(),
    )
    .await
    .expect("connects");
    let expected = DateTime::from_timestamp_millis(INSTANT_MS);
    for email in ["foreign@example.com", "text@example.com"] {
        let user = adapter.get_user_by_email(email).await.expect("reads");
        assert_eq!(user.and_then(|u| u.email_verified), expected, "{email}");
    }
}

/// Auth.js hands `linkAccount` the user's id as a string, on integer-id layouts too: the
/// account built from that JSON links to the `SERIAL` user, and is found by its provider key.
#[tokio::test]
async fn pg_adapter_links_an_account_whose_user_id_is_a_string() {
    let Some(database) = Database::create(Backend::Postgres, &layouts::PG_ADAPTER).await else {
        return;
    };
    let adapter = SqlAdapter::<pg::PgAdapterAuth>::connect(&database.url, Options::default())
        .await
        .expect("connects");
    let user = adapter
        .create_user(pg::User {
            id: 0,
            name: None,
            email: Some("serial@example.com".into()),
            email_verified: None,
            image: None,
        })
        .await
        .expect("a SERIAL user");
    let account: pg::Account = authmodel::accounts::from_json(serde_json::json!({
        "userId": user.id.to_string(),
        "type": "oauth",
        "provider": "github",
        "providerAccountId": "4711",
        "access_token": "gho_x",
    }))
    .expect("the string form of an integer id");
    assert_eq!(account.user_id, user.id);
    adapter.link_account(account).await.expect("links");
    let key = AccountKey {
        provider: "github",
        provider_account_id: "4711",
    };
    let linked = adapter.get_user_by_account(key).await.expect("reads");
    assert_eq!(linked, Some(user));
}

/// The DDL this crate writes for a model set, on `dialect`.
fn own_ddl<S: Schema>(dialect: Dialect) -> String {
    ddl::script::<S>(dialect, CreateOptions::default())
        .unwrap_or_else(|e| panic!("{}: {e}", std::any::type_name::<S>()))
}

/// A model set's name, its DDL, and the dialects its layout lives on.
type OwnDdl = (&'static str, fn(Dialect) -> String, &'static [Dialect]);

#[test]
fn own_ddl_snapshots() {
    let schemas: [OwnDdl; 9] = [
        ("prisma", own_ddl::<prisma::PrismaAuth>, &Dialect::ALL),
        (
            "prisma_sqlite",
            own_ddl::<prisma::sqlite::PrismaSqliteAuth>,
            &[Dialect::Sqlite],
        ),
        (
            "prisma_mysql",
            own_ddl::<prisma::mysql::PrismaMySqlAuth>,
            &[Dialect::MySql],
        ),
        (
            "prisma_epoch_ms",
            own_ddl::<prisma::epoch_ms::PrismaEpochMsAuth>,
            &[Dialect::Sqlite],
        ),
        (
            "drizzle_pg",
            own_ddl::<drizzle::pg::DrizzlePgAuth>,
            &[Dialect::Postgres],
        ),
        (
            "drizzle_mysql",
            own_ddl::<drizzle::mysql::DrizzleMySqlAuth>,
            &[Dialect::MySql],
        ),
        (
            "drizzle_sqlite",
            own_ddl::<drizzle::sqlite::DrizzleSqliteAuth>,
            &[Dialect::Sqlite],
        ),
        ("pg", own_ddl::<pg::PgAdapterAuth>, &[Dialect::Postgres]),
        ("kysely", own_ddl::<kysely::KyselyAuth>, &Dialect::ALL),
    ];
    for (name, script, dialects) in schemas {
        for dialect in dialects {
            insta::assert_snapshot!(format!("{name}_{dialect}"), script(*dialect));
        }
    }
}

/// The suite on tables this crate's DDL created (`synchronize`) for `S` on `backend`: no
/// case skipped but WebAuthn's where the layout has no authenticator table, and the duplicate
/// cases the layout has no unique key for.
async fn on_own_tables<S: Schema>(backend: Backend, label: &str) {
    on_own_tables_except::<S>(backend, label, &[]).await;
}

/// [`on_own_tables`], but for the cases the layout's own keys refuse (`skip`, with why).
async fn on_own_tables_except<S: Schema>(
    backend: Backend,
    label: &str,
    skip: &[(&'static str, &'static str)],
) {
    let dir = tempfile::tempdir().expect("a temporary directory");
    let url = match backend {
        Backend::Sqlite => format!("sqlite://{}", dir.path().join("own.db").display()),
        Backend::Postgres => match common::fresh_database(Server::Postgres, label).await {
            Some(url) => url,
            None => return,
        },
        Backend::MySql => match common::fresh_database(Server::MySql, label).await {
            Some(url) => url,
            None => return,
        },
    };
    let adapter = SqlAdapter::<S>::connect(&url, Options::default().synchronize(true))
        .await
        .unwrap_or_else(|e| panic!("{label}: connect: {e}"));
    let mut options = SuiteOptions::default().skip_webauthn(!S::AUTHENTICATOR_TABLE);
    let mut skipped = forced_skips::<S>();
    for (case, _why) in skip {
        if !skipped.contains(case) {
            skipped.push(case);
        }
    }
    for case in &skipped {
        options = options.skip_case(case);
    }
    let report = testing::run(&adapter, &adapter, options)
        .await
        .unwrap_or_else(|failure| panic!("{label}: {failure}"));
    let webauthn = if S::AUTHENTICATOR_TABLE {
        0
    } else {
        testing::WEBAUTHN_CASES.len()
    };
    assert_eq!(
        report.passed(),
        testing::CASES.len() - webauthn - skipped.len(),
        "{label}: {report}"
    );
}

#[tokio::test]
async fn own_tables_pass_the_suite() {
    for backend in [Backend::Sqlite, Backend::Postgres, Backend::MySql] {
        on_own_tables::<prisma::PrismaAuth>(backend, "own_prisma").await;
        on_own_tables::<kysely::KyselyAuth>(backend, "own_kysely").await;
    }
    on_own_tables::<prisma::epoch_ms::PrismaEpochMsAuth>(Backend::Sqlite, "own_prisma_epoch_ms")
        .await;
    on_own_tables::<prisma::sqlite::PrismaSqliteAuth>(Backend::Sqlite, "own_prisma_sqlite").await;
    on_own_tables_except::<prisma::mysql::PrismaMySqlAuth>(
        Backend::MySql,
        "own_prisma_mysql",
        layouts::PRISMA_MYSQL_SKIPS,
    )
    .await;
    on_own_tables::<drizzle::pg::DrizzlePgAuth>(Backend::Postgres, "own_drizzle_pg").await;
    on_own_tables::<drizzle::mysql::DrizzleMySqlAuth>(Backend::MySql, "own_drizzle_mysql").await;
    on_own_tables::<drizzle::sqlite::DrizzleSqliteAuth>(Backend::Sqlite, "own_drizzle_sqlite")
        .await;
    on_own_tables::<pg::PgAdapterAuth>(Backend::Postgres, "own_pg").await;
    // An instant in milliseconds is `bigint` on the servers too.
    on_own_tables::<drizzle::sqlite::DrizzleSqliteAuth>(Backend::Postgres, "own_epoch_pg").await;
    on_own_tables::<drizzle::sqlite::DrizzleSqliteAuth>(Backend::MySql, "own_epoch_mysql").await;
}

/// The pg-adapter user grown by one column of the application's own.
#[derive(Clone, PartialEq, Debug, authmodel::AuthModel)]
#[auth(role = "user", table = "users", exact_keys)]
struct UserWithRole {
    #[auth(flatten)]
    base: pg::User,
    role: Option<String>,
}

#[derive(Debug, authmodel::AuthSchema)]
#[auth(
    user = UserWithRole,
    account = pg::Account,
    session = pg::Session,
    verification_token = pg::VerificationToken,
    authenticator = pg::Authenticator,
    no_authenticator_table
)]
struct PgAdapterWithRole;

/// Extending a layout's model plans the extension and nothing else: on `@auth/pg-adapter`'s
/// own tables, a `role` column on the user is one `ADD COLUMN` — no unique email, no index,
/// no foreign key the layout does not have. The recommended indexes come only when asked, and
/// never a unique key.
#[tokio::test]
async fn extending_a_layout_plans_only_the_extension() {
    use authmodel::migrate::{self, Change, PlanOptions};

    let Some(database) = Database::create(Backend::Postgres, &layouts::PG_ADAPTER).await else {
        return;
    };
    let adapter = SqlAdapter::<PgAdapterWithRole>::connect(&database.url, Options::default())
        .await
        .expect("connects");
    let plan = migrate::diff(&adapter).await.expect("plans");
    let changes: Vec<String> = plan.steps.iter().map(|s| s.change.to_string()).collect();
    assert_eq!(changes, ["add column `users.role`"], "{plan}");
    assert!(plan.refusals.is_empty(), "{plan}");
    assert!(plan.drift.iter().all(|d| d.is_note()), "{plan}");

    let asked = migrate::diff_with(&adapter, PlanOptions::default().recommended_indexes(true))
        .await
        .expect("plans");
    let created: Vec<(&str, bool)> = asked
        .steps
        .iter()
        .filter_map(|s| match &s.change {
            Change::CreateIndex { name, unique, .. } => Some((name.as_str(), *unique)),
            _ => None,
        })
        .collect();
    assert_eq!(
        created,
        [
            ("accounts_userId_idx", false),
            ("sessions_userId_idx", false)
        ],
        "{asked}"
    );

    migrate::migrate(&adapter).await.expect("migrates");
    let after = migrate::diff(&adapter).await.expect("plans");
    assert!(after.is_in_sync(), "{after}");
}
