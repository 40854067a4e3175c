//! The conformance suite (`authmodel::testing`) against every adapter the crate ships, with
//! the default models and with an extended user (Auth.js's `CUSTOM_MODEL=1` run: a `role`
//! and a `phone`).
//!
//! Backends: the memory adapter; SQLite in memory and in a file; PostgreSQL; MariaDB twice,
//! with its `RETURNING` statements and with the MySQL 8 statements that have none (a
//! locking transaction for `useVerificationToken`). Schemas: the default one and the extended
//! user declared field by field; the examples run the same matrix for their own schemas
//! (flattened user, the `@auth/pg-adapter` layout, integer ids). Each SQL run goes twice against the same
//! database, as the suite promises it can; each server run gets a database of its own
//! (`common::fresh_database`), and is skipped loudly (failed under `CI=true`) when the run
//! has no such server.

mod common;

use authmodel::Schema;
use authmodel::memory::MemoryAdapter;
use authmodel::models::DefaultSchema;
use authmodel::sql::{Options, SqlAdapter};
use authmodel::testing::{self, Outcome, Report, SuiteOptions};
use common::Server;

#[path = "common/schemas.rs"]
mod schemas;

use schemas::Extended;

/// Auth.js's `CUSTOM_MODEL=1` fixture values.
fn extended_options() -> SuiteOptions {
    SuiteOptions::default()
        .with_user_extra("role", "admin".to_owned())
        .with_user_extra("phone", Some("00000000000".to_owned()))
}

/// Every case ran and none was skipped.
fn assert_complete(report: &Report) {
    let skipped: Vec<_> = report
        .cases
        .iter()
        .filter(|c| c.outcome != Outcome::Passed)
        .collect();
    assert!(skipped.is_empty(), "cases not run: {skipped:?}");
    assert_eq!(report.passed(), testing::CASES.len());
}

async fn run_sql<S: Schema>(url: &str, options: SuiteOptions) {
    run_sql_with::<S>(url, Options::default(), options).await;
}

async fn run_sql_with<S: Schema>(url: &str, connect: Options, options: SuiteOptions) {
    let adapter = SqlAdapter::<S>::connect(url, connect.synchronize(true))
        .await
        .unwrap_or_else(|e| panic!("connect {url}: {e}"));
    for round in 1..=2 {
        match testing::run(&adapter, &adapter, options.clone()).await {
            Ok(report) => assert_complete(&report),
            Err(failure) => panic!("{url}, run {round}: {failure}"),
        }
    }
}

#[tokio::test]
async fn memory_default_schema() {
    let adapter = MemoryAdapter::<DefaultSchema>::new();
    let report = testing::run(&adapter, &adapter, SuiteOptions::default()).await;
    assert_complete(&report.unwrap_or_else(|f| panic!("{f}")));
}

#[tokio::test]
async fn memory_extended_user() {
    let adapter = MemoryAdapter::<Extended>::new();
    let report = testing::run(&adapter, &adapter, extended_options()).await;
    assert_complete(&report.unwrap_or_else(|f| panic!("{f}")));
}

#[tokio::test]
async fn memory_through_a_trait_object() {
    let adapter = std::sync::Arc::new(MemoryAdapter::<DefaultSchema>::new());
    let dynamic: std::sync::Arc<dyn authmodel::Adapter<DefaultSchema>> = adapter.clone();
    let report = testing::run(&*dynamic, &*adapter, SuiteOptions::default()).await;
    assert_complete(&report.unwrap_or_else(|f| panic!("{f}")));
}

/// A user whose own `role` is required and has no default: the suite cannot invent it.
#[derive(Debug, Clone, PartialEq, authmodel::AuthModel)]
#[auth(role = "user")]
pub struct StrictUser {
    #[auth(flatten)]
    base: authmodel::models::User,
    role: String,
}

#[derive(authmodel::AuthSchema)]
#[auth(user = StrictUser)]
struct Strict;

#[tokio::test]
async fn a_required_field_without_default_needs_a_fixture_value() {
    let adapter = MemoryAdapter::<Strict>::new();
    let failure = testing::run(&adapter, &adapter, SuiteOptions::default())
        .await
        .expect_err("`role` is NOT NULL and has no fixture value");
    assert_eq!(failure.case, 2);
    assert!(failure.what.contains("with_user_extra"), "{failure}");
}

#[tokio::test]
async fn skipped_cases_are_reported() {
    let adapter = MemoryAdapter::<DefaultSchema>::new();
    let options = SuiteOptions::default()
        .skip_webauthn(true)
        .skip_case("deleteUser");
    let report = testing::run(&adapter, &adapter, options)
        .await
        .unwrap_or_else(|f| panic!("{f}"));
    // deleteUser, the five WebAuthn cases, and case 27 (which needs deleteUser).
    assert_eq!(report.skipped(), 7, "{report}");
    let unknown = SuiteOptions::default().skip_case("createUser");
    let failure = testing::run(&adapter, &adapter, unknown).await.unwrap_err();
    assert_eq!(failure.case, 0);
}

#[tokio::test]
async fn sqlite_memory_default_schema() {
    run_sql::<DefaultSchema>("sqlite::memory:", SuiteOptions::default()).await;
}

#[tokio::test]
async fn sqlite_memory_extended_user() {
    run_sql::<Extended>("sqlite::memory:", extended_options()).await;
}

#[tokio::test]
async fn sqlite_file_default_schema() {
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite://{}", dir.path().join("auth.db").display());
    run_sql::<DefaultSchema>(&url, SuiteOptions::default()).await;
}

#[tokio::test]
async fn sqlite_file_extended_user() {
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite://{}", dir.path().join("auth.db").display());
    run_sql::<Extended>(&url, extended_options()).await;
}

/// The statement shapes a server run uses.
#[derive(Debug, Clone, Copy)]
enum Shapes {
    /// What the server has (RETURNING on PostgreSQL and MariaDB).
    Native,
    /// MySQL 8's, without RETURNING, forced on MariaDB.
    WithoutReturning,
}

async fn run_server<S: Schema>(server: Server, shapes: Shapes, label: &str, options: SuiteOptions) {
    let Some(url) = common::fresh_database(server, label).await else {
        return;
    };
    let connect = match shapes {
        Shapes::Native => Options::default(),
        Shapes::WithoutReturning => Options::default().without_returning(true),
    };
    run_sql_with::<S>(&url, connect, options).await;
}

#[tokio::test]
async fn postgres_default_schema() {
    run_server::<DefaultSchema>(
        Server::Postgres,
        Shapes::Native,
        "default",
        SuiteOptions::default(),
    )
    .await;
}

#[tokio::test]
async fn postgres_extended_user() {
    run_server::<Extended>(
        Server::Postgres,
        Shapes::Native,
        "extended",
        extended_options(),
    )
    .await;
}

/// PostgreSQL with this run's streaming replica for the reads that tolerate lag
/// (`Options::replicas`): the routing keeps the contract (own writes read back at once).
#[tokio::test]
async fn postgres_with_a_read_replica() {
    let Some(url) = common::fresh_database(Server::Postgres, "replica").await else {
        return;
    };
    let Some(replica) = common::replica_of(&url) else {
        return;
    };
    let connect = Options::default().replicas([replica]);
    run_sql_with::<DefaultSchema>(&url, connect, SuiteOptions::default()).await;
}

#[tokio::test]
async fn mariadb_default_schema() {
    run_server::<DefaultSchema>(
        Server::MySql,
        Shapes::Native,
        "default",
        SuiteOptions::default(),
    )
    .await;
}

#[tokio::test]
async fn mariadb_extended_user() {
    run_server::<Extended>(
        Server::MySql,
        Shapes::Native,
        "extended",
        extended_options(),
    )
    .await;
}

#[tokio::test]
async fn mysql8_statements_default_schema() {
    run_server::<DefaultSchema>(
        Server::MySql,
        Shapes::WithoutReturning,
        "m8_default",
        SuiteOptions::default(),
    )
    .await;
}

#[tokio::test]
async fn mysql8_statements_extended_user() {
    run_server::<Extended>(
        Server::MySql,
        Shapes::WithoutReturning,
        "m8_extended",
        extended_options(),
    )
    .await;
}

/// A key prefix of its own for each Redis run, so runs share the server.
fn redis_prefix(label: &str) -> String {
    format!("t:{label}:{}:{}:", std::process::id(), uuid::Uuid::new_v4())
}

/// The composed adapter: users, accounts and authenticators on `primary_url` (SQL), sessions
/// and verification tokens on Redis. Redis drops a row at its `expires` by itself, so case 34
/// (`deleteExpired`) runs with its cut-off an hour ahead (`expiring_store`): each run has a
/// key prefix of its own.
async fn run_composed<S: Schema>(primary_url: &str, label: &str, options: SuiteOptions) {
    use authmodel::composed::Composed;
    use authmodel::redis::RedisStore;
    let Some(redis_url) = common::redis() else {
        return;
    };
    let sql = SqlAdapter::<S>::connect(primary_url, Options::default().synchronize(true))
        .await
        .unwrap_or_else(|e| panic!("connect {primary_url}: {e}"));
    let redis = RedisStore::<S>::connect(&redis_url, &redis_prefix(label))
        .await
        .unwrap_or_else(|e| panic!("connect {redis_url}: {e}"));
    let adapter = Composed::new(sql, redis.clone(), redis);
    let options = options.expiring_store(true);
    for round in 1..=2 {
        match testing::run(&adapter, &adapter, options.clone()).await {
            Ok(report) => {
                assert_eq!(report.skipped(), 0, "{report}");
                assert_eq!(report.passed(), testing::CASES.len(), "{report}");
            }
            Err(failure) => panic!("composed {label}, run {round}: {failure}"),
        }
    }
}

#[tokio::test]
async fn composed_sqlite_and_redis_default_schema() {
    run_composed::<DefaultSchema>("sqlite::memory:", "sqlite", SuiteOptions::default()).await;
}

#[tokio::test]
async fn composed_postgres_and_redis_extended_user() {
    let Some(url) = common::fresh_database(Server::Postgres, "composed").await else {
        return;
    };
    run_composed::<Extended>(&url, "pg_extended", extended_options()).await;
}
