//! The executor seam: the few things the SQL adapter asks of a database driver.
//!
//! Entry points: [`Driver`] (one variant per driver: SQLite through rusqlite, PostgreSQL and
//! MySQL/MariaDB through sqlx), [`Call`] (a statement, its parameters and the shape of its
//! rows), [`Reread`] (how a write without `RETURNING` gets its row back), [`Access`] and
//! [`Counter`]. A driver binds [`Value`]s positionally (typed by the parameters' columns when
//! the call names them), decodes each row per the `tables`' column types into one
//! `Vec<Value>`, maps its errors to [`crate::Error`], and counts the statements it sends.

use std::sync::atomic::{AtomicU64, Ordering};

use crate::dialect::Dialect;
use crate::error::{Error, Result};
use crate::schema::{Column, Table};
use crate::value::Value;

#[cfg(feature = "mysql")]
use super::mysql;
#[cfg(feature = "postgres")]
use super::postgres;
#[cfg(feature = "sqlite")]
use super::sqlite;

/// Whether a statement only reads (any read connection will do) or writes (the writer).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Access {
    /// A SELECT.
    Read,
    /// An INSERT, UPDATE or DELETE (with RETURNING), or any raw statement that may write.
    Write,
}

/// One statement to run.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Call<'a> {
    /// The SQL, with the dialect's placeholders.
    pub sql: &'a str,
    /// One value per placeholder, in order.
    pub params: &'a [Value],
    /// The column each parameter is compared with or stored in, in order: the type a server
    /// driver binds it as (a `NULL` for a `uuid` column is a `uuid` NULL on PostgreSQL). Empty
    /// for hand-written SQL, whose parameters are bound by their value's kind.
    pub columns: &'a [&'static Column],
    /// The row shape: the columns of these tables, in order (also where a conflict's key name
    /// is looked up).
    pub tables: &'a [&'static Table],
    /// Whether to keep the prepared statement in the connection's cache (the contract's
    /// statements; not hand-written raw SQL, which would evict them).
    pub cached: bool,
}

impl Call<'_> {
    /// The number of values in one row.
    #[cfg_attr(not(feature = "sqlite"), allow(dead_code))]
    pub fn width(&self) -> usize {
        self.tables.iter().map(|t| t.columns.len()).sum()
    }

    /// The column of parameter `index`, when the call names them.
    #[cfg_attr(not(any(feature = "postgres", feature = "mysql")), allow(dead_code))]
    pub fn column(&self, index: usize) -> Option<&'static Column> {
        self.columns.get(index).copied()
    }
}

/// How a write gets its row back where the dialect has no `RETURNING` for it (MySQL 8; the
/// UPDATEs of MariaDB): a `SELECT` by key in the same transaction, before the write (a
/// locking read, for a DELETE) or after it (an INSERT or UPDATE).
#[derive(Debug, Clone, Copy)]
#[cfg_attr(not(feature = "mysql"), allow(dead_code))]
pub(crate) struct Reread<'a> {
    /// The `SELECT` of the row's columns by key (`... FOR UPDATE` when it runs before).
    pub sql: &'a str,
    /// Where each of its parameters comes from.
    pub params: &'a [Source],
    /// The key columns the parameters are compared with.
    pub columns: &'a [&'static Column],
    /// Whether it runs before the write (and locks the row) or after it.
    pub before: bool,
}

/// Where a [`Reread`] parameter comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Source {
    /// The write's parameter at this index.
    Param(usize),
    /// The id the database assigned to the row just inserted (`LAST_INSERT_ID()`).
    InsertedId,
}

/// How many statements a driver has sent: a diagnostic (see
/// [`SqlAdapter::statements_executed`](super::SqlAdapter::statements_executed)).
#[derive(Debug, Default)]
pub(crate) struct Counter(AtomicU64);

impl Counter {
    /// Counts `n` more statements.
    pub fn add(&self, n: u64) {
        self.0.fetch_add(n, Ordering::Relaxed);
    }

    /// The statements counted so far.
    pub fn get(&self) -> u64 {
        self.0.load(Ordering::Relaxed)
    }
}

/// A connected database driver.
pub(crate) enum Driver {
    /// SQLite, in process.
    #[cfg(feature = "sqlite")]
    Sqlite(sqlite::Executor),
    /// PostgreSQL, through a sqlx pool.
    #[cfg(feature = "postgres")]
    Postgres(postgres::Executor),
    /// MySQL or MariaDB, through a sqlx pool.
    #[cfg(feature = "mysql")]
    MySql(mysql::Executor),
}

/// Expands to `$body` with `$executor` bound to the driver's executor, whatever its variant.
macro_rules! each {
    ($driver:expr, $executor:ident => $body:expr) => {
        match *$driver {
            #[cfg(feature = "sqlite")]
            Driver::Sqlite(ref $executor) => $body,
            #[cfg(feature = "postgres")]
            Driver::Postgres(ref $executor) => $body,
            #[cfg(feature = "mysql")]
            Driver::MySql(ref $executor) => $body,
        }
    };
}

impl Driver {
    /// The dialect this driver speaks.
    pub fn dialect(&self) -> Dialect {
        match *self {
            #[cfg(feature = "sqlite")]
            Driver::Sqlite(_) => Dialect::Sqlite,
            #[cfg(feature = "postgres")]
            Driver::Postgres(_) => Dialect::Postgres,
            #[cfg(feature = "mysql")]
            Driver::MySql(_) => Dialect::MySql,
        }
    }

    /// Which statements have a `RETURNING` clause on this database.
    pub fn returning(&self) -> Returning {
        match self {
            #[cfg(feature = "mysql")]
            Driver::MySql(executor) => executor.returning(),
            #[allow(unreachable_patterns)] // only MySQL differs
            _ => Returning::ALL,
        }
    }

    /// The statements sent so far (see [`Counter`]).
    pub fn statements_executed(&self) -> u64 {
        each!(self, executor => executor.counter().get())
    }

    /// Runs `call` and returns its first row, if any.
    pub async fn fetch_optional(
        &self,
        access: Access,
        call: Call<'_>,
    ) -> Result<Option<Vec<Value>>> {
        each!(self, executor => executor.fetch_optional(access, call).await)
    }

    /// Runs `call` and returns every row.
    pub async fn fetch_all(&self, access: Access, call: Call<'_>) -> Result<Vec<Vec<Value>>> {
        each!(self, executor => executor.fetch_all(access, call).await)
    }

    /// Runs a write and returns the row it wrote or deleted: the statement's own `RETURNING`
    /// row when `reread` is `None`, else the row `reread` reads in the same transaction.
    pub async fn write(
        &self,
        call: Call<'_>,
        reread: Option<Reread<'_>>,
    ) -> Result<Option<Vec<Value>>> {
        let Some(reread) = reread else {
            return self.fetch_optional(Access::Write, call).await;
        };
        match self {
            #[cfg(feature = "mysql")]
            Driver::MySql(executor) => executor.write_and_reread(call, reread).await,
            #[allow(unreachable_patterns)] // the others always have RETURNING
            _ => {
                let _ = reread;
                Err(Error::Unsupported {
                    dialect: self.dialect(),
                    what: "a write without RETURNING".to_owned(),
                })
            }
        }
    }

    /// Runs a statement that returns no rows on the writer; returns the number of rows changed.
    pub async fn execute(&self, call: Call<'_>) -> Result<u64> {
        each!(self, executor => executor.execute(call).await)
    }

    /// Runs parameterless statements (DDL), in one transaction where the dialect has
    /// transactional DDL (SQLite, PostgreSQL; MySQL commits each one).
    pub async fn execute_batch(&self, statements: Vec<String>) -> Result<()> {
        each!(self, executor => executor.execute_batch(statements).await)
    }
}

/// Which writes a database can end with `RETURNING <columns>`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Returning {
    /// `INSERT ... RETURNING` (SQLite, PostgreSQL, MariaDB).
    pub insert: bool,
    /// `UPDATE ... RETURNING` (SQLite, PostgreSQL).
    pub update: bool,
    /// `DELETE ... RETURNING` (SQLite, PostgreSQL, MariaDB).
    pub delete: bool,
}

impl Returning {
    /// SQLite and PostgreSQL: every write.
    pub const ALL: Returning = Returning {
        insert: true,
        update: true,
        delete: true,
    };
    /// MariaDB 10.5+: INSERT and DELETE, not UPDATE.
    #[cfg_attr(not(any(test, feature = "mysql")), allow(dead_code))]
    pub const MARIADB: Returning = Returning {
        insert: true,
        update: false,
        delete: true,
    };
    /// MySQL 8: none.
    pub const NONE: Returning = Returning {
        insert: false,
        update: false,
        delete: false,
    };
}
