//! The executor seam: the few things the SQL adapter asks of a database driver.
//!
//! Entry points: [`Executor`] (the trait each driver implements: SQLite through rusqlite,
//! PostgreSQL and MySQL/MariaDB through sqlx), [`Call`] (a statement, its parameters and the
//! shape of its rows), [`Reread`] (how a write without `RETURNING` gets its row back),
//! [`Access`], [`Returning`] and [`Counter`]. A driver binds [`Value`]s positionally (typed by
//! the parameters' columns when the call names them), decodes each row per the `tables`'
//! column types into one `Vec<Value>`, maps its errors to [`crate::Error`], and counts the
//! statements it sends. `driver` dispatches to the one compiled in, statically.

use std::future::Future;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use crate::descriptor::{Column, Table};
use crate::dialect::{Dialect, MySqlFlavour};
use crate::error::{Error, Result};
use crate::statements::contract::{RereadStmt, Source};
use crate::value::Value;

use super::raw::RawRow;

pub(crate) use crate::statements::contract::Returning;

/// What a database driver does for the SQL adapter. Implemented by one executor per driver;
/// [`Driver`](super::driver::Driver) holds whichever was connected and calls it without
/// dynamic dispatch.
pub(crate) trait Executor: Send + Sync {
    /// The dialect the driver speaks.
    const DIALECT: Dialect;

    /// The statements sent so far (see [`Counter`]).
    fn counter(&self) -> &Counter;

    /// Which writes end with `RETURNING` on this database: every one, unless the driver says
    /// otherwise (MySQL 8 has none, MariaDB none on `UPDATE`).
    fn returning(&self) -> Returning {
        Returning::ALL
    }

    /// How long one call may take before [`Driver`](super::driver::Driver) abandons it with
    /// [`Error::Timeout`]: `None` (the default) for a driver whose waits are bounded
    /// otherwise (SQLite: in process, its lock waits by the busy timeout).
    fn call_timeout(&self) -> Option<Duration> {
        None
    }

    /// Which MySQL server this is, on the MySQL driver; `None` on the others.
    fn mysql_flavour(&self) -> Option<MySqlFlavour> {
        None
    }

    /// Runs `call`; returns its first row.
    fn fetch_optional(
        &self,
        access: Access,
        call: Call<'_>,
    ) -> impl Future<Output = Result<Option<Vec<Value>>>> + Send;

    /// Runs `call`; returns every row.
    fn fetch_all(
        &self,
        access: Access,
        call: Call<'_>,
    ) -> impl Future<Output = Result<Vec<Vec<Value>>>> + Send;

    /// Runs hand-written `call` (no `tables`: its rows have no model) on the connection
    /// `access` names (see [`RawConnection`](super::RawConnection)); returns every row with its
    /// column names, each value decoded by the database's own type of its column. A call may
    /// write whatever its access: it is run again on a fresh connection only when none of it
    /// was sent.
    fn query(
        &self,
        access: Access,
        call: Call<'_>,
    ) -> impl Future<Output = Result<Vec<RawRow>>> + Send;

    /// Runs a statement without rows on the writer; returns the rows changed.
    fn execute(&self, call: Call<'_>) -> impl Future<Output = Result<u64>> + Send;

    /// Runs parameterless statements (DDL: `synchronize` and migrations) on one connection
    /// that nothing else uses meanwhile, under the lock that makes such batches take turns
    /// (SQLite's write lock, PostgreSQL's advisory lock, MySQL's `GET_LOCK`), in one
    /// transaction where the dialect has transactional DDL (SQLite, PostgreSQL; MySQL commits
    /// each one). Dropping the future before it ends rolls back what it can.
    fn execute_batch(
        &self,
        statements: Vec<String>,
    ) -> impl Future<Output = Result<(), BatchFailed>> + Send;

    /// Runs a write and turns the row it wrote or deleted into `T` with `decode`: its own
    /// `RETURNING` row when `reread` is `None`, else the row `reread` reads in the write's
    /// transaction. Where the write has a transaction (a reread; every write on SQLite), an
    /// `Err` from the codec or from `decode` rolls it back, so an `Err` means nothing was
    /// written. A one-statement server write has committed when its row arrives.
    fn write<T: Send>(
        &self,
        call: Call<'_>,
        reread: Option<Reread<'_>>,
        decode: impl FnOnce(Vec<Value>) -> Result<T> + Send,
    ) -> impl Future<Output = Result<Option<T>>> + Send {
        async move {
            match reread {
                None => self
                    .fetch_optional(Access::Write, call)
                    .await?
                    .map(decode)
                    .transpose(),
                Some(reread) => self.write_and_reread(call, reread, decode).await,
            }
        }
    }

    /// Runs `steps` in order in one transaction, all or none: the rows they gave back (`None`
    /// for a step that returns none). Any failure rolls every step back.
    fn write_all(
        &self,
        steps: &[Step<'_>],
    ) -> impl Future<Output = Result<Vec<Option<Vec<Value>>>>> + Send;

    /// Runs the write `call` and the read `reread` in one transaction; returns the row read,
    /// turned into `T` by `decode` before the commit (an `Err` rolls back). Only a driver
    /// whose [`returning`](Executor::returning) lacks a write needs it.
    fn write_and_reread<T: Send>(
        &self,
        call: Call<'_>,
        reread: Reread<'_>,
        decode: impl FnOnce(Vec<Value>) -> Result<T> + Send,
    ) -> impl Future<Output = Result<Option<T>>> + Send {
        let _ = (call, reread, decode);
        async {
            Err(Error::Unsupported {
                dialect: Self::DIALECT,
                what: "a write without RETURNING".to_owned(),
            })
        }
    }
}

/// One write of [`Executor::write_all`].
#[derive(Debug, Clone, Copy)]
pub(crate) struct Step<'a> {
    /// The write.
    pub call: Call<'a>,
    /// Where the write has no `RETURNING` (MySQL 8): the read that gets its row. Only the
    /// MySQL driver reads it, so a build without `mysql` would warn.
    #[cfg_attr(not(feature = "mysql"), allow(dead_code))]
    pub reread: Option<Reread<'a>>,
    /// Whether the write gives its row back (`RETURNING` or `reread`); `false` for a plain
    /// INSERT, whose row is its parameters.
    pub returning: bool,
    /// (parameter, column): the parameter takes the value of that column of the first
    /// step's row (a new user's database-assigned id, for the rows that reference it).
    pub from_first: Option<(usize, usize)>,
}

/// The parameters of `step`, with the one [`Step::from_first`] names taken from `first`.
pub(crate) fn step_params(step: &Step<'_>, first: Option<&[Value]>) -> Result<Vec<Value>> {
    let mut params = step.call.params.to_vec();
    if let Some((param, column)) = step.from_first {
        let value = first
            .and_then(|row| row.get(column))
            .cloned()
            .ok_or_else(|| Error::Database("the first write gave back no row".into()))?;
        let slot = params.get_mut(param).ok_or_else(|| {
            Error::InvalidInput(format!("the write has no parameter {}", param + 1))
        })?;
        *slot = value;
    }
    Ok(params)
}

/// Why a batch ([`Executor::execute_batch`]) failed.
#[derive(Debug)]
pub(crate) struct BatchFailed {
    /// The statement that failed (0-based), or `None` when the lock or the transaction
    /// around the statements failed.
    pub index: Option<usize>,
    /// The database's error.
    pub error: Error,
}

impl BatchFailed {
    /// A failure of the lock or the transaction around the statements.
    pub fn around(error: Error) -> BatchFailed {
        BatchFailed { index: None, error }
    }

    /// A failure of statement `index`.
    pub fn at(index: usize, error: Error) -> BatchFailed {
        BatchFailed {
            index: Some(index),
            error,
        }
    }
}

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

impl<'a> Call<'a> {
    /// Hand-written SQL (a raw call, a catalog query): its parameters bound by their value's
    /// kind, rows shaped as `tables` (none: decoded by the database's own types), and its
    /// prepared statement not cached.
    pub fn hand_written(
        sql: &'a str,
        params: &'a [Value],
        tables: &'a [&'static Table],
    ) -> Call<'a> {
        Call {
            sql,
            params,
            columns: &[],
            tables,
            cached: false,
        }
    }

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

impl<'a> Reread<'a> {
    /// The reread a contract statement asks for, as a driver takes it.
    pub fn of(stmt: &'a RereadStmt) -> Reread<'a> {
        Reread {
            sql: &stmt.stmt.sql,
            params: &stmt.sources,
            columns: &stmt.stmt.columns,
            before: stmt.before,
        }
    }
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
