//! Hand-written SQL with its rows as the database typed them: [`SqlAdapter::raw_query`]'s
//! types.
//!
//! Entry points: [`RawConnection`] (which connection a statement runs on) and [`RawRow`] (one
//! row: its column names, shared by every row of the answer, and its values). Each driver
//! decodes a value by the type the database gives its column, not by a model (its codec's
//! `decode_untyped`); [`rows`] gathers a driver's rows with their names.
//!
//! [`SqlAdapter::raw_query`]: super::SqlAdapter::raw_query

use std::sync::Arc;

use crate::dialect::Dialect;
use crate::error::{Error, Result};
use crate::value::Value;

/// Which connection [`SqlAdapter::raw_query`](super::SqlAdapter::raw_query) runs a statement
/// on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum RawConnection {
    /// The connection the adapter writes on: SQLite's one writer connection (queued behind
    /// the adapter's own writes), the primary on PostgreSQL and MySQL/MariaDB. Takes any
    /// statement: a `SELECT`, an `INSERT ... RETURNING`, DDL (no rows), a `PRAGMA` such as
    /// `wal_checkpoint(TRUNCATE)`.
    Writer,
    /// A read connection: on a SQLite file, one of the read connections beside the writer,
    /// which run with `PRAGMA query_only`; a statement that would write is refused there with
    /// [`Error::InvalidInput`](crate::Error::InvalidInput) before it runs (on an in-memory
    /// database too, whose one connection serves both). On PostgreSQL and MySQL/MariaDB, the
    /// primary, as for [`RawConnection::Writer`] (never a read replica: a hand-written
    /// statement may write): nothing refuses a write there.
    Reader,
}

/// One row of [`SqlAdapter::raw_query`](super::SqlAdapter::raw_query): its values, in the
/// statement's column order, each decoded by the database's own type of its column.
///
/// SQLite: `NULL`, `INTEGER`, `REAL`, `TEXT`, `BLOB` as [`Value::Null`], [`Value::Int`],
/// [`Value::Float`], [`Value::Text`], [`Value::Bytes`] (a UUID or an instant stored as text
/// stays text).
///
/// PostgreSQL: `boolean` as [`Value::Bool`]; `smallint`, `integer`, `bigint`, `oid` as
/// [`Value::Int`]; `real`, `double precision` as [`Value::Float`]; `numeric` and `date` as
/// their text; `text`, `varchar`, `char(n)`, `name` as [`Value::Text`]; `uuid` as
/// [`Value::Uuid`]; `timestamptz` and `timestamp` (read as UTC) as [`Value::Timestamp`];
/// `json`, `jsonb` as [`Value::Json`]; `bytea` as [`Value::Bytes`]; an enum as its label, a
/// domain as its base type; any other type sent as text as its text, else [`Error::Unsupported`](crate::Error::Unsupported) naming the column and
/// its type (cast it in the SQL: `::text`).
///
/// MySQL and MariaDB: the integer types, `tinyint(1)` and `year` included, as [`Value::Int`]
/// (an unsigned one over `i64::MAX` is an error); `float`, `double` as [`Value::Float`];
/// `decimal`, `date`, `time` as their text; `char`, `varchar`, the `text` types, `enum`, `set`
/// as [`Value::Text`]; `datetime` and `timestamp` as [`Value::Timestamp`] (UTC: the session's
/// time zone is `+00:00`); `json` as [`Value::Json`] on MySQL (MariaDB's `json` is `longtext`,
/// so [`Value::Text`]); `binary`, `varbinary`, the `blob` types, `bit` as [`Value::Bytes`];
/// another type, [`Error::Unsupported`](crate::Error::Unsupported).
#[derive(Debug, Clone, PartialEq)]
pub struct RawRow {
    columns: Arc<[String]>,
    values: Vec<Value>,
}

impl RawRow {
    /// The row `values`, under `columns` (one name per value).
    pub(crate) fn new(columns: Arc<[String]>, values: Vec<Value>) -> RawRow {
        RawRow { columns, values }
    }

    /// The column names, in order, as the database reports them (an expression's alias);
    /// the same shared list for every row of one answer.
    pub fn columns(&self) -> &[String] {
        &self.columns
    }

    /// The values, in column order.
    pub fn values(&self) -> &[Value] {
        &self.values
    }

    /// The value of the first column named `name` (compared exactly), if there is one.
    pub fn get(&self, name: &str) -> Option<&Value> {
        let index = self.columns.iter().position(|c| c == name)?;
        self.values.get(index)
    }

    /// The values, in column order.
    pub fn into_values(self) -> Vec<Value> {
        self.values
    }
}

/// A driver's rows as [`RawRow`]s: `names` gives the column names (asked once, of the first
/// row), `decode` one row's values.
#[cfg_attr(not(any(feature = "postgres", feature = "mysql")), allow(dead_code))]
pub(crate) fn rows<R>(
    rows: &[R],
    names: impl FnOnce(&R) -> Arc<[String]>,
    mut decode: impl FnMut(&R, &[String]) -> Result<Vec<Value>>,
) -> Result<Vec<RawRow>> {
    let Some(first) = rows.first() else {
        return Ok(Vec::new());
    };
    let columns = names(first);
    rows.iter()
        .map(|row| Ok(RawRow::new(Arc::clone(&columns), decode(row, &columns)?)))
        .collect()
}

/// A column of a type the driver has no reading for.
#[cfg_attr(not(any(feature = "postgres", feature = "mysql")), allow(dead_code))]
pub(crate) fn unsupported(dialect: Dialect, column: &str, ty: &str) -> Error {
    Error::Unsupported {
        dialect,
        what: format!(
            "reading column `{column}` of type {ty} in a raw query (cast it to text in the SQL)"
        ),
    }
}

/// A value of column `column` (of type `ty`) that does not decode as its type says.
pub(crate) fn undecodable(column: &str, ty: &str, reason: impl std::fmt::Display) -> Error {
    Error::Database(format!("cannot read column `{column}` ({ty}): {reason}").into())
}
