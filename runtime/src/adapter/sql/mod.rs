//! The SQL adapter: the whole Auth.js contract on SQL databases, for any schema.
//!
//! Entry points: [`connect`] (a URL, the default models, tables created when missing),
//! [`SqlAdapter::connect`] (any schema of derived models, with [`Options`]),
//! [`SqlAdapter::raw_query`] (hand-written SQL on the connection [`RawConnection`] names,
//! rows as [`RawRow`]s: column names and values by the database's own types),
//! [`SqlAdapter::raw_select`] / [`SqlAdapter::raw_execute`] (hand-written SQL for tests: rows
//! decoded as a model table's columns, and a write's count of changed rows).
//! [`SqlAdapter`] implements [`Adapter`](crate::Adapter).
//!
//! Inside: `statements` builds every statement of the contract once per dialect from the
//! descriptors (sea-query, SQL text only; values always bound); `driver` is the small seam
//! each database driver fills (`sqlite`: rusqlite, in the calling task; `postgres` and
//! `mysql`: sqlx pools); `contract` implements the trait over both.
//!
//! ```
//! # #[tokio::main(flavor = "current_thread")]
//! # async fn main() -> authmodel::Result<()> {
//! use authmodel::Adapter;
//! use authmodel::models::DefaultSchema;
//! use authmodel::sql::{Options, SqlAdapter};
//!
//! let auth = SqlAdapter::<DefaultSchema>::connect(
//!     "sqlite::memory:",
//!     Options::default().synchronize(true),
//! )
//! .await?;
//! assert!(auth.get_user_by_email("nobody@example.com").await?.is_none());
//! # Ok(())
//! # }
//! ```
//!
//! ## SQLite
//!
//! URLs: `sqlite::memory:`, `sqlite://relative/or/abs.db` (`sqlite:///abs.db` for an absolute
//! path), `sqlite:file.db`, each with an optional `?mode=rwc` (the default: create when
//! missing), `rw` or `ro`. A file database runs in WAL mode with foreign keys on and
//! `synchronous = NORMAL` unless [`Options::synchronous`] says otherwise: a commit survives an
//! application crash, but the last commits before a power failure can be lost. Each
//! connection reads the file through a memory map of up to [`Options::mmap_size`] bytes. Writes from
//! one adapter (and its clones) queue on one writer connection; reads run on a few read
//! connections beside it, in the calling task. A lock held by another process is waited for
//! on a blocking thread, up to [`Options::busy_timeout`]; so is the lock `connect` needs to
//! switch a file to WAL next to another process's writer. With `?mode=ro`, a WAL file in a
//! directory or on a filesystem this process cannot write, which no one can be writing then,
//! is read `immutable`; if its `-wal` still holds commits (after a crash), `connect` refuses it
//! and says how to fold them in.
//!
//! ## PostgreSQL (feature `postgres`)
//!
//! URLs: `postgres://user:password@host:port/database` (or `postgresql://`), with sqlx's
//! parameters (`?sslmode=...`, `?host=/socket/dir`...). PostgreSQL 13 or newer. Values are
//! stored as `uuid`, `timestamptz`, `boolean`, `jsonb` and `bytea`; every contract operation
//! is one statement (`RETURNING` on every write). [`Options::synchronize`] creates the tables
//! in one transaction, under an advisory lock so that instances starting together take turns.
//! [`Options::postgres_schema`] keeps the tables in a schema of their own (`search_path`).
//!
//! ## MySQL and MariaDB (feature `mysql`)
//!
//! URLs: `mysql://user:password@host:port/database` (or `mariadb://`), with sqlx's
//! parameters (`?socket=...`, `?ssl-mode=...`). MySQL 8 or MariaDB 10.6 and newer, told apart
//! by the server's version when connecting. UUIDs are stored as `char(36)` text, instants as
//! `DATETIME(3)` in UTC (the session time zone is `+00:00`), booleans as `tinyint(1)`, JSON as
//! `json`. Tables are created with a binary NO PAD collation (`utf8mb4_nopad_bin` on MariaDB,
//! `utf8mb4_0900_bin` on MySQL 8), so `'tok'` and `'tok '` are different tokens, as on the
//! other databases; [`Options::synchronize`] adds the keys an existing table lacks, as it
//! does on SQLite and PostgreSQL. Each connection runs with `STRICT_TRANS_TABLES`, so a value
//! too long for its column is an error ([`Error::InvalidInput`]), never silently
//! cut. MariaDB has `RETURNING` on INSERT and DELETE, so those are one statement; its UPDATEs
//! are followed by a `SELECT` of the row in the same transaction. MySQL 8 has no `RETURNING`:
//! an INSERT is followed by that `SELECT` (by `LAST_INSERT_ID()` for an autoincrement key), and
//! a DELETE (so `use_verification_token`) locks the row with `SELECT ... FOR UPDATE` first, in
//! one transaction, so that of concurrent calls exactly one gets it.
//!
//! Both servers' connections live in one pool of the adapter's own (a LIFO stack of sqlx
//! connections): up to [`Options::max_connections`], handed out and taken back without a
//! round trip, so that each call is one round trip to the server. A connection goes back to
//! the pool only after a call that ended cleanly; a call dropped mid-way (cancelled, or past
//! [`Options::call_timeout`]) closes its connection. A connection found dead on its next use
//! (a server restart ends every idle one) is dropped with the idle ones, and a read is run
//! again once on a fresh connection; a write only when none of it was sent, otherwise it
//! fails with [`Error::Database`] and the next call opens a fresh connection.

// Without a driver compiled in, the seam has no implementor and its inputs go unread.
#![cfg_attr(
    not(any(feature = "sqlite", feature = "postgres", feature = "mysql")),
    allow(dead_code, unused_variables)
)]

mod contract;
mod driver;
mod executor;
#[cfg(feature = "mysql")]
mod mysql;
mod options;
#[cfg(any(feature = "postgres", feature = "mysql"))]
mod pool;
#[cfg(feature = "postgres")]
mod postgres;
mod raw;
mod replicas;
#[cfg(any(feature = "postgres", feature = "mysql"))]
mod server;
mod sign_in;
mod sign_up;
#[cfg(feature = "sqlite")]
mod sqlite;
mod url;

use std::fmt;
use std::marker::PhantomData;
use std::sync::Arc;

pub use self::options::DEFAULT_MMAP_SIZE;
pub use self::options::{Options, Synchronous};
pub use self::raw::{RawConnection, RawRow};
pub use self::replicas::ReplicaStatus;
// `authmodel::sql::connect` was this function's first home; the facade owns it now, because it
// names the default models, which sit above this layer.
#[doc(no_inline)]
pub use crate::connect;

use self::driver::Driver;
pub(crate) use self::executor::BatchFailed;
use self::executor::{Access, Call, Returning};
use self::url::Target;
use crate::descriptor::Table;
use crate::dialect::{Dialect, MySqlFlavour};
use crate::error::{Error, Result};
use crate::statements::contract::Statements;
use crate::statements::ddl::{self, CreateOptions, create_statements};
use crate::statements::{alter, catalog};
use crate::traits::Schema;
use crate::value::Value;

/// The Auth.js adapter contract on a SQL database, for the models of schema `S`.
///
/// Cheap to clone: clones share the connections (an `Arc` inside). Every statement is built
/// once, when connecting, from `S`'s descriptors.
pub struct SqlAdapter<S: Schema> {
    inner: Arc<Inner>,
    schema: PhantomData<fn() -> S>,
}

/// What clones share; independent of the schema type, so it is compiled once.
struct Inner {
    driver: Driver,
    statements: Statements,
    flavour: Option<MySqlFlavour>,
    /// `CREATE SCHEMA IF NOT EXISTS` for [`Options::postgres_schema`], run before a
    /// migration's statements.
    create_schema: Option<String>,
    /// The read replicas of [`Options::replicas`], if any.
    replicas: Option<replicas::Replicas>,
}

impl<S: Schema> Clone for SqlAdapter<S> {
    fn clone(&self) -> Self {
        SqlAdapter {
            inner: Arc::clone(&self.inner),
            schema: PhantomData,
        }
    }
}

impl<S: Schema> fmt::Debug for SqlAdapter<S> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SqlAdapter")
            .field("dialect", &self.dialect())
            .field("schema", &std::any::type_name::<S>())
            .finish_non_exhaustive()
    }
}

impl<S: Schema> SqlAdapter<S> {
    /// Connects to the database `url` names: `sqlite:...` (feature `sqlite`, the default),
    /// `postgres://...` (feature `postgres`), `mysql://...` or `mariadb://...` (feature
    /// `mysql`).
    ///
    /// Fails with [`Error::Url`] for a malformed URL or an unknown scheme,
    /// [`Error::Unsupported`] for a database whose feature is not
    /// enabled (the message names it), [`Error::Schema`] when a model
    /// lacks a column the contract needs, [`Error::ForeignTable`]
    /// when, with [`Options::synchronize`], a table of the models exists without some of their
    /// columns (nothing is created then), and [`Error::Database`] when
    /// the database cannot be opened or reached or, with [`Options::synchronize`], its tables
    /// cannot be created.
    pub async fn connect(url: &str, options: Options) -> Result<Self> {
        let target = url::parse(url)?;
        let dialect = target.dialect();
        // Built before connecting, so a schema the adapter cannot serve fails first. MySQL's
        // statements depend on the server (MariaDB or MySQL): rebuilt below if need be.
        let expected = match dialect {
            Dialect::MySql => Returning::NONE,
            Dialect::Sqlite | Dialect::Postgres => Returning::ALL,
        };
        let mut statements = Statements::new(dialect, expected, S::tables())?;
        let ddl = match options.synchronize && !target_is_read_only(&target) {
            true => Some(create_statements::<S>(
                dialect,
                CreateOptions::default().if_not_exists(true),
            )?),
            false => None,
        };
        let create_schema = match &options.postgres_schema {
            Some(name) => ddl::create_schema(dialect, ddl::check_schema_name(name)?),
            None => None,
        };
        // A driver's connect error may quote the URL it was given.
        let driver = open(target, &options)
            .await
            .map_err(|e| url::hide_secrets(e, url))?;
        if driver.returning() != expected {
            statements = Statements::new(dialect, driver.returning(), S::tables())?;
        }
        let flavour = driver.mysql_flavour();
        if let Some(mut ddl) = ddl {
            // The table collation's name depends on the server, known only now.
            if let Some(flavour) = flavour {
                let options = CreateOptions::default().if_not_exists(true);
                let legacy = user_key_collation(&driver, dialect, &S::stored_tables()).await?;
                ddl = ddl::create_tables_collated(
                    &S::stored_tables(),
                    dialect,
                    options.flavour(flavour),
                    legacy.as_deref(),
                )?;
            }
            refuse_foreign_tables(&driver, dialect, &S::stored_tables()).await?;
            if let Some(create) = &create_schema {
                ddl.insert(0, create.clone());
            }
            driver.execute_batch(ddl).await.map_err(|f| f.error)?;
            add_missing_keys(&driver, dialect, &S::stored_tables()).await?;
        }
        let replicas = match options.replicas.0.is_empty() {
            true => None,
            false => {
                let replicas = replicas::Replicas::open(dialect, &options).await?;
                replicas.check(&driver).await;
                Some(replicas)
            }
        };
        let inner = Arc::new(Inner {
            driver,
            statements,
            flavour,
            create_schema,
            replicas,
        });
        replicas::watch(&inner);
        Ok(SqlAdapter {
            inner,
            schema: PhantomData,
        })
    }

    /// What each read replica of [`Options::replicas`] is doing, in their order (empty
    /// without replicas): whether it is reachable, its lag, whether reads go to it, and how
    /// many statements it has run.
    pub fn replicas(&self) -> Vec<ReplicaStatus> {
        self.inner
            .replicas
            .as_ref()
            .map_or_else(Vec::new, replicas::Replicas::status)
    }

    /// Which server a [`Dialect::MySql`] database is (MySQL or MariaDB, told apart by its
    /// version when connecting); `None` on the other dialects.
    pub fn mysql_flavour(&self) -> Option<MySqlFlavour> {
        self.inner.flavour
    }

    /// The dialect of the connected database.
    pub fn dialect(&self) -> Dialect {
        self.inner.driver.dialect()
    }

    /// How many SQL statements this adapter (and its clones) has sent to the database (the
    /// primary, with [`Options::replicas`]: see [`SqlAdapter::replicas`] for theirs) so
    /// far, a diagnostic: tests use it to check an operation's cost (`get_session_and_user`
    /// is one statement on every database). Transaction control counts: a MySQL 8
    /// `use_verification_token` is `BEGIN`, `SELECT ... FOR UPDATE`, `DELETE`, `COMMIT`, four
    /// statements. Statements a pool runs to set up a new connection do not count, nor does
    /// the in-process `BEGIN IMMEDIATE` / `COMMIT` with which SQLite wraps each write so that
    /// a row the model cannot read rolls it back: it costs no round trip.
    pub fn statements_executed(&self) -> u64 {
        self.inner.driver.statements_executed()
    }

    /// Runs a hand-written read and decodes each row's columns as `table`'s columns, in order
    /// (so select them in [`Table::columns`] order). Values are bound positionally to the
    /// dialect's placeholders (`?` on SQLite and MySQL, `$1`, `$2`... on PostgreSQL), each as
    /// its value's kind; a `NULL` is left for PostgreSQL to type from its context.
    ///
    /// For tests and tools that want a model's typed reading of its table (the conformance
    /// suite's raw reads): it bypasses the contract's statements. On a SQLite file it runs on
    /// a read connection, which refuses writes (`PRAGMA query_only`). For rows of any shape,
    /// decoded by the database's own types, on the connection of your choice, use
    /// [`SqlAdapter::raw_query`].
    pub async fn raw_select(
        &self,
        sql: &str,
        params: Vec<Value>,
        table: &'static Table,
    ) -> Result<Vec<Vec<Value>>> {
        let tables = [table];
        let call = Call::hand_written(sql, &params, &tables);
        self.inner.driver.fetch_all(Access::Read, call).await
    }

    /// Runs one hand-written statement on the connection `on` names and returns its rows,
    /// each with the column names and its values decoded by the database's own column types
    /// (the list is [`RawRow`]'s), not by a model. Any statement is accepted on
    /// [`RawConnection::Writer`]: a `SELECT`, an `INSERT ... RETURNING`, a `PRAGMA` such as
    /// `wal_checkpoint(TRUNCATE)`, DDL (no rows). [`RawConnection::Reader`] on SQLite is a
    /// read-only connection, which refuses a statement that would write with
    /// [`Error::InvalidInput`]; on the servers both are the primary (never a read replica).
    /// Values are bound positionally to the dialect's placeholders (`?` on SQLite and MySQL,
    /// `$1`, `$2`... on PostgreSQL), each as its value's kind; a `NULL` is left for PostgreSQL
    /// to type from its context.
    ///
    /// For tools and maintenance (an admin script, a checkpoint, a report): it bypasses the
    /// contract's statements and their checks. A type it has no reading for fails with
    /// [`Error::Unsupported`] naming the column: cast it to text in the SQL.
    ///
    /// ```
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() -> authmodel::Result<()> {
    /// use authmodel::sql::{RawConnection, SqlAdapter};
    /// use authmodel::{DefaultSchema, Options, Value};
    ///
    /// let auth = SqlAdapter::<DefaultSchema>::connect("sqlite::memory:", Options::default()).await?;
    /// let rows = auth
    ///     .raw_query(RawConnection::Reader, "SELECT 1 AS one, ? AS s", vec![Value::Text("x".into())])
    ///     .await?;
    /// assert_eq!(rows[0].columns(), ["one", "s"]);
    /// assert_eq!(rows[0].get("one"), Some(&Value::Int(1)));
    /// # Ok(())
    /// # }
    /// ```
    pub async fn raw_query(
        &self,
        on: RawConnection,
        sql: &str,
        params: Vec<Value>,
    ) -> Result<Vec<RawRow>> {
        let call = Call::hand_written(sql, &params, &[]);
        let access = match on {
            RawConnection::Writer => Access::Write,
            RawConnection::Reader => Access::Read,
        };
        let rows = self.inner.driver.query(access, call).await;
        // On the servers either connection is the primary, where the statement may have
        // written: reads wait for the replicas to hold it, as after any write.
        self.inner.wrote();
        rows
    }

    /// Runs a statement of the statements layer that reads rows of `table`, its parameters
    /// bound as their columns' types (as the contract binds them; the same SQL text may be
    /// a cached contract statement on the connection, prepared for those types).
    #[cfg(feature = "testing")]
    pub(crate) async fn select_stmt(
        &self,
        stmt: &crate::statements::contract::Stmt,
        params: Vec<Value>,
        table: &'static Table,
    ) -> Result<Vec<Vec<Value>>> {
        let tables = [table];
        let call = Call {
            sql: &stmt.sql,
            params: &params,
            columns: &stmt.columns,
            tables: &tables,
            cached: false,
        };
        self.inner.driver.fetch_all(Access::Read, call).await
    }

    /// Runs a migration's statements as one batch: on one connection nothing else uses
    /// meanwhile, under the lock `synchronize` takes too, in one transaction where DDL is
    /// transactional (SQLite, PostgreSQL). Dropping the future rolls back on those. With
    /// [`Options::postgres_schema`], the schema is created first when missing.
    pub(crate) async fn execute_migration(
        &self,
        statements: Vec<String>,
    ) -> std::result::Result<(), BatchFailed> {
        let done = match &self.inner.create_schema {
            None => self.inner.driver.execute_batch(statements).await,
            Some(create) => {
                let batch = std::iter::once(create.clone()).chain(statements).collect();
                // The schema is statement 0 of the batch: a failure's index counts the
                // migration's own statements, and one of the schema is a failure around them.
                self.inner
                    .driver
                    .execute_batch(batch)
                    .await
                    .map_err(|failed| match failed.index {
                        Some(0) | None => BatchFailed::around(failed.error),
                        Some(i) => BatchFailed::at(i - 1, failed.error),
                    })
            }
        };
        self.inner.wrote();
        done
    }

    /// Runs a catalog query of `statements::catalog` (what `migrate` asks a live database).
    pub(crate) async fn catalog(
        &self,
        query: &catalog::Query,
        params: &[Value],
    ) -> Result<Vec<Vec<Option<String>>>> {
        self.inner.driver.catalog(query, params).await
    }

    /// Runs one hand-written statement (an `INSERT`, an `UPDATE`, DDL, a `PRAGMA`) on the
    /// writer connection and returns the number of rows it changed. Rows it returns (`PRAGMA
    /// wal_checkpoint(TRUNCATE)`, a `RETURNING` clause) are read to the end and discarded;
    /// [`SqlAdapter::raw_query`] on [`RawConnection::Writer`] returns them.
    ///
    /// For tests and tools, like [`SqlAdapter::raw_select`]: it bypasses the contract's
    /// statements and their checks.
    pub async fn raw_execute(&self, sql: &str, params: Vec<Value>) -> Result<u64> {
        let call = Call::hand_written(sql, &params, &[]);
        let done = self.inner.driver.execute(call).await;
        self.inner.wrote();
        done
    }
}

/// Fails with [`Error::ForeignTable`] when one of `tables` exists without some of its
/// columns: `CREATE TABLE IF NOT EXISTS` would leave it as it is, and the indexes that follow
/// would land on another application's table. Every table is checked before any DDL runs.
///
/// Names are compared ignoring ASCII case, as SQLite and MySQL compare them; on PostgreSQL a
/// column that differs only in case then fails the DDL instead, which rolls back whole.
async fn refuse_foreign_tables(
    driver: &Driver,
    dialect: Dialect,
    tables: &[&'static Table],
) -> Result<()> {
    let query = catalog::column_names(dialect);
    for table in tables {
        let rows = driver
            .catalog(&query, &[Value::Text(table.name.to_owned())])
            .await?;
        let Some(first) = rows.first() else {
            continue; // not there yet: synchronize creates it
        };
        let found: Vec<&str> = rows.iter().filter_map(|row| cell(row, 1)).collect();
        let missing: Vec<String> = table
            .columns
            .iter()
            .filter(|column| !found.iter().any(|f| f.eq_ignore_ascii_case(column.name)))
            .map(|column| column.name.to_owned())
            .collect();
        if !missing.is_empty() {
            return Err(Error::ForeignTable {
                table: cell(first, 0).unwrap_or(table.name).to_owned(),
                missing,
            });
        }
    }
    Ok(())
}

/// The text of a catalog row's cell `i`, if it has one.
fn cell(row: &[Option<String>], i: usize) -> Option<&str> {
    row.get(i).and_then(|c| c.as_deref())
}

/// Creates the keys an existing table lacks, where the dialect declares them inside `CREATE
/// TABLE` (MySQL), so that `CREATE TABLE IF NOT EXISTS` left them out: the same keys that
/// `CREATE INDEX IF NOT EXISTS` adds on SQLite and PostgreSQL. MySQL has no `IF NOT EXISTS`
/// for indexes, so the catalog is asked which exist (by name, ignoring ASCII case, as MySQL
/// compares index names). A key that existing rows violate fails here, and `connect` with it.
async fn add_missing_keys(
    driver: &Driver,
    dialect: Dialect,
    tables: &[&'static Table],
) -> Result<()> {
    if !dialect.indexes_inside_create_table() {
        return Ok(()); // the DDL's own `CREATE INDEX IF NOT EXISTS` did it
    }
    let rows = driver.catalog(&catalog::indexes(dialect), &[]).await?;
    let exists = |table: &str, name: &str| {
        rows.iter().any(|row| {
            cell(row, 0) == Some(table)
                && cell(row, 1).is_some_and(|found| found.eq_ignore_ascii_case(name))
        })
    };
    let mut missing = Vec::new();
    for plan in ddl::plan(tables)? {
        for key in plan.unique.iter().chain(&plan.indexes) {
            if !exists(plan.table.name, &key.name) {
                missing.push(alter::create_index(plan.table, key, dialect));
            }
        }
    }
    if missing.is_empty() {
        return Ok(());
    }
    driver.execute_batch(missing).await.map_err(|f| f.error)
}

/// The collation of the existing user table's key column, where the catalog gives one
/// (MySQL): the tables `synchronize` creates next to it take it too, since MySQL refuses a
/// foreign key between two collations. An earlier release's `utf8mb4_bin`, until `migrate`
/// converts every table; `None` when there is no user table yet.
async fn user_key_collation(
    driver: &Driver,
    dialect: Dialect,
    tables: &[&'static Table],
) -> Result<Option<String>> {
    let Some(users) = tables
        .iter()
        .find(|t| t.role == crate::descriptor::Role::User)
    else {
        return Ok(None);
    };
    let Some(key) = users.columns.iter().find(|c| c.primary_key) else {
        return Ok(None);
    };
    let rows = driver.catalog(&catalog::columns(dialect), &[]).await?;
    Ok(rows
        .iter()
        .find(|row| {
            cell(row, 0) == Some(users.name)
                && cell(row, 1).is_some_and(|c| c.eq_ignore_ascii_case(key.name))
        })
        .and_then(|row| cell(row, 6))
        .map(str::to_owned))
}

fn target_is_read_only(target: &Target) -> bool {
    match target {
        Target::Sqlite(sqlite) => sqlite.mode == url::Mode::ReadOnly,
        #[allow(unreachable_patterns)] // servers are never opened read-only
        _ => false,
    }
}

async fn open(target: Target, options: &Options) -> Result<Driver> {
    match target {
        #[cfg(feature = "sqlite")]
        Target::Sqlite(sqlite) => Ok(Driver::Sqlite(
            sqlite::SqliteExecutor::open(sqlite, options).await?,
        )),
        #[cfg(not(feature = "sqlite"))]
        Target::Sqlite(_) => {
            let _ = options;
            Err(crate::error::Error::Unsupported {
                dialect: Dialect::Sqlite,
                what: "connecting without authmodel's `sqlite` feature".to_owned(),
            })
        }
        #[cfg(feature = "postgres")]
        Target::Postgres(url) => Ok(Driver::Postgres(
            postgres::PgExecutor::open(&url, options).await?,
        )),
        #[cfg(feature = "mysql")]
        Target::MySql(url) => Ok(Driver::MySql(
            mysql::MySqlExecutor::open(&url, options).await?,
        )),
    }
}

#[cfg(all(test, feature = "sqlite"))]
mod tests;
