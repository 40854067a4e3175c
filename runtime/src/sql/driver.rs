//! The executor seam: the few things the SQL adapter asks of a database driver.
//!
//! Entry points: [`Driver`] (one variant per driver; SQLite through rusqlite today,
//! PostgreSQL and MySQL through sqlx next), [`Call`] (a statement, its parameters and the
//! shape of its rows) and [`Access`]. A driver binds [`Value`]s positionally, decodes each row
//! per the `tables`' column types into one `Vec<Value>`, and maps its errors to
//! [`crate::Error`].

use crate::dialect::Dialect;
use crate::error::Result;
use crate::schema::Table;
use crate::value::Value;

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
    /// The row shape: the columns of these tables, in order (also where a conflict's key name
    /// is looked up).
    pub tables: &'a [&'static Table],
    /// Whether to keep the prepared statement in the connection's cache (the contract's
    /// statements; not hand-written raw SQL, which would evict them).
    pub cached: bool,
}

impl Call<'_> {
    /// The number of values in one row.
    pub fn width(&self) -> usize {
        self.tables.iter().map(|t| t.columns.len()).sum()
    }
}

/// A connected database driver.
pub(crate) enum Driver {
    /// SQLite, in process.
    #[cfg(feature = "sqlite")]
    Sqlite(sqlite::Executor),
}

impl Driver {
    /// The dialect this driver speaks.
    pub fn dialect(&self) -> Dialect {
        match *self {
            #[cfg(feature = "sqlite")]
            Driver::Sqlite(_) => Dialect::Sqlite,
        }
    }

    /// Runs `call` and returns its first row, if any.
    pub async fn fetch_optional(
        &self,
        access: Access,
        call: Call<'_>,
    ) -> Result<Option<Vec<Value>>> {
        match *self {
            #[cfg(feature = "sqlite")]
            Driver::Sqlite(ref executor) => executor.fetch_optional(access, call).await,
        }
    }

    /// Runs `call` and returns every row.
    pub async fn fetch_all(&self, access: Access, call: Call<'_>) -> Result<Vec<Vec<Value>>> {
        match *self {
            #[cfg(feature = "sqlite")]
            Driver::Sqlite(ref executor) => executor.fetch_all(access, call).await,
        }
    }

    /// Runs a statement that returns no rows on the writer; returns the number of rows changed.
    pub async fn execute(&self, call: Call<'_>) -> Result<u64> {
        match *self {
            #[cfg(feature = "sqlite")]
            Driver::Sqlite(ref executor) => executor.execute(call).await,
        }
    }

    /// Runs parameterless statements (DDL) in one transaction on the writer.
    pub async fn execute_batch(&self, statements: Vec<String>) -> Result<()> {
        match *self {
            #[cfg(feature = "sqlite")]
            Driver::Sqlite(ref executor) => executor.execute_batch(statements).await,
        }
    }
}
