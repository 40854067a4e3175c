//! The driver that was connected: one variant per executor compiled in.
//!
//! Entry point: [`Driver`]. Each method matches on the variant and calls its
//! [`Executor`] directly (static dispatch: no trait object, no boxed future), each call
//! bounded by the executor's [`Executor::call_timeout`] (here, once for every driver).

use std::future::Future;

use crate::dialect::{Dialect, MySqlFlavour};
use crate::error::{Error, Result};
use crate::statements::catalog::Query;
use crate::value::Value;

use super::executor::{Access, BatchFailed, Call, Executor, Reread, Returning, Step};
#[cfg(feature = "mysql")]
use super::mysql::MySqlExecutor;
#[cfg(feature = "postgres")]
use super::postgres::PgExecutor;
use super::raw::RawRow;
#[cfg(feature = "sqlite")]
use super::sqlite::SqliteExecutor;

/// A connected database driver.
pub(crate) enum Driver {
    /// SQLite, in process.
    #[cfg(feature = "sqlite")]
    Sqlite(SqliteExecutor),
    /// PostgreSQL, through a sqlx pool.
    #[cfg(feature = "postgres")]
    Postgres(PgExecutor),
    /// MySQL or MariaDB, through a sqlx pool.
    #[cfg(feature = "mysql")]
    MySql(MySqlExecutor),
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
        fn of<E: Executor>(_: &E) -> Dialect {
            E::DIALECT
        }
        each!(self, executor => of(executor))
    }

    /// Which MySQL server this is, on the MySQL driver; `None` on the others.
    pub fn mysql_flavour(&self) -> Option<MySqlFlavour> {
        each!(self, executor => executor.mysql_flavour())
    }

    /// Runs a catalog query of `statements::catalog`: every cell as text, `None` for NULL
    /// (the queries cast every column to text; a driver that hands back a number or a UUID
    /// anyway gets it spelled as an id).
    pub async fn catalog(
        &self,
        query: &Query,
        params: &[Value],
    ) -> Result<Vec<Vec<Option<String>>>> {
        let shape = [query.shape];
        let call = Call::hand_written(&query.sql, params, &shape);
        let rows = self.fetch_all(Access::Read, call).await?;
        Ok(rows
            .into_iter()
            .map(|row| {
                row.into_iter()
                    .map(|value| match value {
                        Value::Text(text) => Some(text),
                        Value::Null => None,
                        other => other.to_id_string(),
                    })
                    .collect()
            })
            .collect())
    }

    /// Which statements have a `RETURNING` clause on this database.
    pub fn returning(&self) -> Returning {
        each!(self, executor => executor.returning())
    }

    /// The statements sent so far (see [`Counter`]).
    pub fn statements_executed(&self) -> u64 {
        each!(self, executor => executor.counter().get())
    }

    /// Runs `call` as the executor's call timeout allows: dropped mid-way, and
    /// [`Error::Timeout`], once it has run out.
    async fn bounded<T>(&self, call: impl Future<Output = Result<T>>) -> Result<T> {
        let Some(after) = each!(self, executor => executor.call_timeout()) else {
            return call.await;
        };
        tokio::time::timeout(after, call)
            .await
            .unwrap_or(Err(Error::Timeout {
                what: "a call to the server",
                after,
            }))
    }

    /// Runs `call` and returns its first row, if any.
    pub async fn fetch_optional(
        &self,
        access: Access,
        call: Call<'_>,
    ) -> Result<Option<Vec<Value>>> {
        each!(self, executor => self.bounded(executor.fetch_optional(access, call)).await)
    }

    /// Runs `call` and returns every row.
    pub async fn fetch_all(&self, access: Access, call: Call<'_>) -> Result<Vec<Vec<Value>>> {
        each!(self, executor => self.bounded(executor.fetch_all(access, call)).await)
    }

    /// Runs hand-written SQL and returns its rows, decoded by the database's column types
    /// (see [`Executor::query`]).
    pub async fn query(&self, access: Access, call: Call<'_>) -> Result<Vec<RawRow>> {
        each!(self, executor => self.bounded(executor.query(access, call)).await)
    }

    /// Runs a write and returns the row it wrote or deleted, turned into `T` by `decode`
    /// (inside the write's transaction where it has one: see [`Executor::write`]).
    pub async fn write<T: Send>(
        &self,
        call: Call<'_>,
        reread: Option<Reread<'_>>,
        decode: impl FnOnce(Vec<Value>) -> Result<T> + Send,
    ) -> Result<Option<T>> {
        each!(self, executor => self.bounded(executor.write(call, reread, decode)).await)
    }

    /// Runs writes in one transaction, all or none (see [`Executor::write_all`]).
    pub async fn write_all(&self, steps: &[Step<'_>]) -> Result<Vec<Option<Vec<Value>>>> {
        each!(self, executor => self.bounded(executor.write_all(steps)).await)
    }

    /// Runs a statement that returns no rows on the writer; returns the number of rows changed.
    pub async fn execute(&self, call: Call<'_>) -> Result<u64> {
        each!(self, executor => self.bounded(executor.execute(call)).await)
    }

    /// Runs parameterless statements (DDL) on one connection, under the lock `synchronize`
    /// and migrations share, in one transaction where the dialect has transactional DDL
    /// (SQLite, PostgreSQL; MySQL commits each one). Not bounded by the call timeout: a
    /// migration's index build may rightly take longer than any one call.
    pub async fn execute_batch(&self, statements: Vec<String>) -> Result<(), BatchFailed> {
        each!(self, executor => executor.execute_batch(statements).await)
    }
}
