//! What the two sqlx drivers (PostgreSQL and MySQL/MariaDB) share: their single-statement
//! calls on the pool ([`pool_statements`]), the start and end of a transaction ([`begin`],
//! [`settle`]), and the messages of values that cannot be bound or decoded.
//!
//! Entry points: [`pool_statements`], [`begin`], [`settle`], [`connecting`], [`probe`], [`url_error`], [`check_width`],
//! [`check_len`], [`mismatch`], [`check_packet`], [`too_large`] and [`decode_error`].

use std::future::Future;

use crate::descriptor::{Column, ColumnType, Table};
use crate::error::Error;
use crate::value::{Value, ValueError};

use super::executor::Call;
use super::options::Options;
use super::url::{redact, scrub, secrets};

/// Runs `opening` (a driver's whole `open`: the first connection, its questions, the pool)
/// within [`Options::connect_timeout`]: a server that accepts TCP and never answers fails
/// `connect` with [`Error::Timeout`] instead of leaving it pending (sqlx's first connection
/// has no timeout of its own).
pub(crate) async fn connecting<T>(
    options: &Options,
    opening: impl Future<Output = Result<T, Error>>,
) -> Result<T, Error> {
    let after = options.connect_timeout;
    tokio::time::timeout(after, opening)
        .await
        .unwrap_or(Err(Error::Timeout {
            what: "connecting to the server",
            after,
        }))
}

/// One connection made directly, before the pool: a server that refuses it (down, wrong
/// password, no such database) fails `connect` at once with its own message, where the pool
/// would retry until its acquire timeout and report only that it timed out.
pub(crate) async fn probe<C: sqlx::Connection>(
    options: &<C as sqlx::Connection>::Options,
) -> Result<C, Error> {
    sqlx::ConnectOptions::connect(options)
        .await
        .map_err(Error::database)
}

/// A URL sqlx cannot read, as [`Error::Url`] without its password (in the URL or in sqlx's
/// reason, which may quote the value it could not read).
pub(crate) fn url_error(url: &str, error: sqlx::Error) -> Error {
    let reason = match error {
        sqlx::Error::Configuration(e) => e.to_string(),
        other => other.to_string(),
    };
    Error::Url {
        url: redact(url),
        reason: scrub(&reason, &secrets(url)),
    }
}

/// Fails unless a row has as many columns as `tables` have together (a hand-written
/// `raw_select` that selects too few or too many).
pub(crate) fn check_width(found: usize, tables: &[&'static Table]) -> Result<(), Error> {
    let expected: usize = tables.iter().map(|t| t.columns.len()).sum();
    if found == expected {
        return Ok(());
    }
    let names: Vec<&str> = tables.iter().map(|t| t.name).collect();
    Err(Error::InvalidInput(format!(
        "the statement returned {found} columns, the columns of `{}` are {expected}",
        names.join("`, `")
    )))
}

/// A parameter whose value cannot be stored in its column (a JSON document for an integer
/// column, say): a bug in a hand-built patch, reported rather than sent.
pub(crate) fn mismatch(column: &Column, value: &Value) -> Error {
    Error::InvalidInput(format!(
        "column `{}` holds {}, not {}",
        column.name,
        expected_kind(column.ty),
        value.kind()
    ))
}

/// A value the server refused as too large for one of its limits (`limit`: PostgreSQL's
/// index row size, MySQL's `max_allowed_packet`), as [`Error::InvalidInput`] naming the
/// column of the call's largest parameter: the one that broke the limit.
pub(crate) fn too_large(call: &Call<'_>, limit: &str) -> Error {
    let largest = call
        .params
        .iter()
        .enumerate()
        .map(|(index, value)| (index, value_bytes(value)))
        .max_by_key(|&(_, bytes)| bytes);
    match largest {
        Some((index, bytes)) => {
            let column = call.column(index).map_or_else(
                || format!("parameter {}", index + 1),
                |c| format!("column `{}`", c.name),
            );
            Error::InvalidInput(format!(
                "{column}: a value of {bytes} bytes is too large: {limit}"
            ))
        }
        None => Error::InvalidInput(format!("the statement is too large: {limit}")),
    }
}

/// Refuses `call` before it is sent when it would not fit in `limit` bytes (MySQL's
/// `max_allowed_packet`, read at connect): the server would answer with error 1153 and close
/// the connection, or reset it while the statement is still being written, an untyped I/O
/// error. Counted generously (the SQL, each value, a few bytes of framing per value), so a
/// statement within a few bytes of the limit is refused too.
#[cfg_attr(not(feature = "mysql"), allow(dead_code))]
pub(crate) fn check_packet(call: &Call<'_>, limit: u64) -> Result<(), Error> {
    let bytes = call.sql.len()
        + call
            .params
            .iter()
            .map(|value| value_bytes(value) + 9)
            .sum::<usize>()
        + 64;
    if (bytes as u64) < limit {
        return Ok(());
    }
    Err(too_large(
        call,
        &format!(
            "the statement would take about {bytes} bytes, and the server's \
             `max_allowed_packet` is {limit}"
        ),
    ))
}

/// The bytes a value takes on the wire, about (the large kinds exactly).
fn value_bytes(value: &Value) -> usize {
    match value {
        Value::Text(s) => s.len(),
        Value::Bytes(b) => b.len(),
        Value::Json(j) => j.to_string().len(),
        Value::Null | Value::Bool(_) => 1,
        Value::Int(_) | Value::Float(_) | Value::Timestamp(_) => 8,
        Value::Uuid(_) => 16,
    }
}

/// Refuses text longer than the column's `max_len` ([`Column::check_len`]).
pub(crate) fn check_len(column: &Column, text: &str) -> Result<(), Error> {
    column.check_len(text)
}

/// A value read from `table.column` that does not fit its type.
pub(crate) fn decode_error(
    table: &'static Table,
    column: &'static Column,
    source: ValueError,
) -> Error {
    Error::Decode {
        table: table.name,
        column: column.name,
        source,
    }
}

/// A stored value of a type the column's cannot be read from.
pub(crate) fn stored_mismatch(ty: ColumnType, found: &str) -> ValueError {
    ValueError::Invalid(format!(
        "expected {}, found a value of SQL type {found}",
        expected_kind(ty)
    ))
}

/// A driver's decoding error as a [`ValueError`].
pub(crate) fn invalid(error: impl std::fmt::Display) -> ValueError {
    ValueError::Invalid(error.to_string())
}

fn expected_kind(ty: ColumnType) -> &'static str {
    match ty {
        ColumnType::Text => "text",
        ColumnType::Uuid => "a uuid",
        ColumnType::Bool => "a boolean",
        ColumnType::Int32 | ColumnType::Int64 => "an integer",
        ColumnType::Float64 => "a float",
        ColumnType::Timestamp => "a timestamp",
        ColumnType::EpochMillis => "a timestamp (epoch milliseconds)",
        ColumnType::Json => "JSON",
        ColumnType::Bytes => "bytes",
    }
}

/// The single-statement methods of a sqlx executor, the same on every server: bind the call's
/// arguments, count the statement, run it on a pooled connection ([`super::pool`]: a read is
/// run again once on a fresh connection when the pooled one was dead, a write only when none
/// of it was sent), map its error and decode its rows, with the `arguments`, `map_error` and
/// `decode_row` of the module it expands in.
macro_rules! pool_statements {
    () => {
        /// Runs `call`; returns its first row. A write's answer is read to its end: MariaDB
        /// sends the row of a `DELETE ... RETURNING` before the error that undoes the
        /// statement (a foreign key that restricts deletes), which a read stopping at the
        /// first row would never see.
        async fn fetch_optional(
            &self,
            access: Access,
            call: Call<'_>,
        ) -> Result<Option<Vec<Value>>> {
            let retry = match access {
                Access::Read => Retry::Read,
                Access::Write => Retry::Write,
            };
            let row = super::server::on_pool!(self, call, retry, |connection, query| {
                match access {
                    Access::Read => query.fetch_optional(connection).await,
                    Access::Write => query
                        .fetch_all(connection)
                        .await
                        .map(|rows| rows.into_iter().next()),
                }
            })?;
            row.map(|row| decode_row(&row, call.tables)).transpose()
        }

        /// Runs `call`; returns every row.
        async fn fetch_all(&self, access: Access, call: Call<'_>) -> Result<Vec<Vec<Value>>> {
            let retry = match access {
                Access::Read => Retry::Read,
                Access::Write => Retry::Write,
            };
            let rows = super::server::on_pool!(self, call, retry, |connection, query| {
                query.fetch_all(connection).await
            })?;
            rows.iter()
                .map(|row| decode_row(row, call.tables))
                .collect()
        }

        /// Runs hand-written SQL on a pooled connection of the primary, whatever `access`
        /// says (see [`RawConnection`](super::RawConnection)); returns every row with its
        /// column names, decoded by the server's column types with the module's
        /// `decode_untyped`. Run again only when none of it was sent: it may write.
        async fn query(&self, access: Access, call: Call<'_>) -> Result<Vec<super::raw::RawRow>> {
            let _ = access;
            let rows = super::server::on_pool!(self, call, Retry::Write, |connection, query| {
                match query.fetch_all(&mut *connection).await {
                    Err(error) if super::server::lost_unnamed_statement(&error) => {
                        // Nothing ran; the type is known to the connection now.
                        self.counter.add(1);
                        sqlx::query_with(AssertSqlSafe(call.sql), self.arguments(&call)?)
                            .persistent(call.cached)
                            .fetch_all(connection)
                            .await
                    }
                    done => done,
                }
            })?;
            super::raw::rows(&rows, super::server::column_names, decode_untyped)
        }

        /// Runs a statement without rows; returns the rows changed.
        async fn execute(&self, call: Call<'_>) -> Result<u64> {
            let done = super::server::on_pool!(self, call, Retry::Write, |connection, query| {
                query.execute(connection).await
            })?;
            Ok(done.rows_affected())
        }
    };
}

/// Runs the statement `$call` on a connection of `$self.pool`: `$run` with the connection and
/// the bound query, then [`Lease::end`](super::pool::Lease::end), once more on a fresh
/// connection when that allows it (`$retry`). Maps the error with the call's `map_call_error`.
macro_rules! on_pool {
    ($self:ident, $call:ident, $retry:expr, |$connection:ident, $query:ident| $run:expr) => {{
        let mut retry = $retry;
        loop {
            let mut lease = $self
                .pool
                .acquire()
                .await
                .map_err(|e| map_call_error(e, &$call))?;
            let arguments = $self.arguments(&$call)?;
            $self.counter.add(1);
            let $query =
                sqlx::query_with(AssertSqlSafe($call.sql), arguments).persistent($call.cached);
            let $connection = lease.connection();
            let result = $run;
            match lease.end(result, retry) {
                Ended::Done(result) => break result.map_err(|e| map_call_error(e, &$call)),
                Ended::Again => retry = Retry::Never,
            }
        }
    }};
}

/// Begins a transaction on the lease bound to `$lease` (a `mut` binding of a
/// [`Lease`](super::pool::Lease) of `$pool`) and evaluates to its `sqlx::Transaction`. When the
/// `BEGIN` fails because the connection, idle in the pool until then, was dead, the idle ones
/// are closed and the transaction begins once more on a fresh connection bound to `$lease`: a
/// `BEGIN` applies nothing, so it is always safe to send again. Any other failure returns
/// `Err($map(error))` from the enclosing function. `$counter` counts the repeated `BEGIN`.
macro_rules! begin {
    ($pool:expr, $lease:ident, $counter:expr, $map:expr) => {
        'begin: {
            // The error holds no borrow of the lease: past this statement it may be replaced.
            let error = match $lease.connection().begin().await {
                Ok(transaction) => break 'begin transaction,
                Err(error) => error,
            };
            if !$lease.found_dead(&error) {
                return Err($map(error));
            }
            $pool.forget_idle();
            drop($lease);
            $lease = $pool.acquire().await.map_err($map)?;
            $counter.add(1);
            $lease.connection().begin().await.map_err($map)?
        }
    };
}

pub(crate) use begin;
pub(crate) use on_pool;
pub(crate) use pool_statements;

/// Whether a statement failed because sqlx lost its unnamed prepared statement (SQLSTATE
/// 26000), before running it: sqlx 0.9 looks up a type it has not met on the connection (an
/// enum, a domain) between preparing an uncached statement and running it, and the lookup
/// replaces the statement (transact-rs/sqlx#4305). The type is then known to the connection,
/// so the same call runs once more. Only PostgreSQL has unnamed statements; no MySQL error
/// carries this state.
pub(crate) fn lost_unnamed_statement(error: &sqlx::Error) -> bool {
    matches!(error, sqlx::Error::Database(e) if e.code().as_deref() == Some("26000"))
}

/// The column names of a server's row, as the server reports them.
pub(crate) fn column_names<R: sqlx::Row>(row: &R) -> std::sync::Arc<[String]> {
    use sqlx::Column as _;
    row.columns().iter().map(|c| c.name().to_owned()).collect()
}

/// Ends a transaction begun on a [`Lease`](super::pool::Lease)d connection: commits when `outcome` is `Ok`
/// (a failed commit is reported through `commit_failed`), rolls back when it is `Err`, whose
/// error is the one reported (a failed rollback adds nothing). The `bool` says whether the
/// transaction ended cleanly, so that the caller may [`finish`](Exclusive::finish) and pool
/// the connection ([`Lease::release`](super::pool::Lease::release)); otherwise its drop closes
/// it.
pub(crate) async fn settle<DB: sqlx::Database, T, E>(
    transaction: sqlx::Transaction<'_, DB>,
    outcome: Result<T, E>,
    commit_failed: impl FnOnce(sqlx::Error) -> E,
) -> (Result<T, E>, bool) {
    match outcome {
        Ok(value) => match transaction.commit().await {
            Ok(()) => (Ok(value), true),
            Err(error) => (Err(commit_failed(error)), false),
        },
        Err(error) => {
            let clean = transaction.rollback().await.is_ok();
            (Err(error), clean)
        }
    }
}

/// Each column of a server's `row`, named by `columns`, read by `untyped` (its codec's
/// decoder by the column's own type): a row of [`SqlAdapter::raw_query`](super::SqlAdapter::raw_query).
pub(crate) fn untyped_row<R: sqlx::Row>(
    row: &R,
    columns: &[String],
    untyped: impl Fn(&str, <R::Database as sqlx::Database>::ValueRef<'_>) -> Result<Value, Error>,
) -> Result<Vec<Value>, Error>
where
    usize: sqlx::ColumnIndex<R>,
{
    columns
        .iter()
        .enumerate()
        .map(|(index, name)| {
            let raw = row
                .try_get_raw(index)
                .map_err(|e| super::raw::undecodable(name, "?", e))?;
            untyped(name, raw)
        })
        .collect()
}
