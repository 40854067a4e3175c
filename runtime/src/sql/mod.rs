//! The SQL adapter: the whole Auth.js contract on SQL databases, for any schema.
//!
//! Entry points: [`connect`] (a URL, the default models, tables created when missing),
//! [`SqlAdapter::connect`] (any schema of derived models, with [`Options`]),
//! [`SqlAdapter::raw_select`] / [`SqlAdapter::raw_execute`] (hand-written SQL for tests and
//! tools). [`SqlAdapter`] implements [`Adapter`](crate::Adapter).
//!
//! Inside: `statements` builds every statement of the contract once per dialect from the
//! descriptors (sea-query, SQL text only; values always bound); `driver` is the small seam
//! each database driver fills (`sqlite` today: rusqlite, in the calling task); `contract`
//! implements the trait over both.
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
//! `synchronous = NORMAL` unless [`Options::synchronous`] says `Full`: a commit survives an
//! application crash, but the last commits before a power failure can be lost. Writes from
//! one adapter (and its clones) queue on one writer connection; reads run on a few read
//! connections beside it, in the calling task. A lock held by another process is waited for
//! on a blocking thread, up to [`Options::busy_timeout`].

// Without a driver compiled in, the seam has no implementor and its inputs go unread.
#![cfg_attr(not(feature = "sqlite"), allow(dead_code, unused_variables))]

mod contract;
mod driver;
mod options;
#[cfg(feature = "sqlite")]
mod sqlite;
mod statements;
mod url;

use std::fmt;
use std::marker::PhantomData;
use std::sync::Arc;

pub use self::options::{Options, Synchronous};

use self::driver::{Access, Call, Driver};
use self::statements::Statements;
use self::url::Target;
use crate::ddl::{CreateOptions, create_statements};
use crate::dialect::Dialect;
use crate::error::Result;
use crate::model::Schema;
use crate::models::DefaultSchema;
use crate::schema::Table;
use crate::value::Value;

/// Connects to the database `url` names with the default models, creating their tables when
/// missing: `SqlAdapter::<DefaultSchema>::connect(url, Options::default().synchronize(true))`.
///
/// ```
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() -> authmodel::Result<()> {
/// let auth = authmodel::sql::connect("sqlite::memory:").await?;
/// # let _ = auth;
/// # Ok(())
/// # }
/// ```
pub async fn connect(url: &str) -> Result<SqlAdapter<DefaultSchema>> {
    SqlAdapter::connect(url, Options::default().synchronize(true)).await
}

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
    /// Connects to the database `url` names.
    ///
    /// Fails with [`Error::Url`](crate::Error::Url) for a malformed URL or an unknown scheme,
    /// [`Error::Unsupported`](crate::Error::Unsupported) for `postgres://` and `mysql://` (their driver comes in a later
    /// release), [`Error::Schema`](crate::Error::Schema) when a model lacks a column the contract needs, and
    /// [`Error::Database`](crate::Error::Database) when the database cannot be opened or, with
    /// [`Options::synchronize`], its tables cannot be created.
    pub async fn connect(url: &str, options: Options) -> Result<Self> {
        let target = url::parse(url)?;
        let dialect = match &target {
            Target::Sqlite(_) => Dialect::Sqlite,
        };
        let statements = Statements::new(dialect, S::tables())?;
        let ddl = match options.synchronize && !target_is_read_only(&target) {
            true => Some(create_statements::<S>(
                dialect,
                CreateOptions {
                    if_not_exists: true,
                },
            )?),
            false => None,
        };
        let driver = open(target, &options).await?;
        if let Some(ddl) = ddl {
            driver.execute_batch(ddl).await?;
        }
        Ok(SqlAdapter {
            inner: Arc::new(Inner { driver, statements }),
            schema: PhantomData,
        })
    }

    /// The dialect of the connected database.
    pub fn dialect(&self) -> Dialect {
        self.inner.driver.dialect()
    }

    /// Runs a hand-written read and decodes each row's columns as `table`'s columns, in order
    /// (so select them in [`Table::columns`] order). Values are bound positionally to the
    /// dialect's placeholders (`?` on SQLite).
    ///
    /// For tests and tools (the conformance suite's raw reads, an admin script): it bypasses
    /// the contract's statements. On a SQLite file it runs on a read connection, which refuses
    /// writes (`PRAGMA query_only`); use [`SqlAdapter::raw_execute`] for those.
    pub async fn raw_select(
        &self,
        sql: &str,
        params: Vec<Value>,
        table: &'static Table,
    ) -> Result<Vec<Vec<Value>>> {
        let tables = [table];
        let call = Call {
            sql,
            params: &params,
            tables: &tables,
            cached: false,
        };
        self.inner.driver.fetch_all(Access::Read, call).await
    }

    /// Runs one hand-written statement that returns no rows (an `INSERT`, an `UPDATE`, DDL) on
    /// the writer connection and returns the number of rows it changed.
    ///
    /// For tests and tools, like [`SqlAdapter::raw_select`]: it bypasses the contract's
    /// statements and their checks.
    pub async fn raw_execute(&self, sql: &str, params: Vec<Value>) -> Result<u64> {
        let call = Call {
            sql,
            params: &params,
            tables: &[],
            cached: false,
        };
        self.inner.driver.execute(call).await
    }
}

fn target_is_read_only(target: &Target) -> bool {
    match target {
        Target::Sqlite(sqlite) => sqlite.mode == url::Mode::ReadOnly,
    }
}

async fn open(target: Target, options: &Options) -> Result<Driver> {
    match target {
        #[cfg(feature = "sqlite")]
        Target::Sqlite(sqlite) => Ok(Driver::Sqlite(
            sqlite::Executor::open(sqlite, options).await?,
        )),
        #[cfg(not(feature = "sqlite"))]
        Target::Sqlite(_) => {
            let _ = options;
            Err(crate::error::Error::Unsupported {
                dialect: Dialect::Sqlite,
                what: "connecting without the `sqlite` feature".to_owned(),
            })
        }
    }
}

#[cfg(all(test, feature = "sqlite"))]
mod tests;
