//! The MySQL and MariaDB executor: sqlx connections in the pool of [`super::pool`], and the transactions that stand in for
//! `RETURNING` where the server has none.
//!
//! Entry point: [`MySqlExecutor`] ([`MySqlExecutor::open`], then the [`super::driver::Driver`] calls,
//! and [`MySqlExecutor::write_and_reread`]). The server's version, read when connecting, says which
//! writes have `RETURNING` ([`Returning::MARIADB`] on MariaDB 10.5+, none on MySQL). Each
//! connection gets `STRICT_TRANS_TABLES` added to its `sql_mode`, so an over-long value fails
//! instead of being cut; sqlx already sets `time_zone = '+00:00'`, which the `DATETIME(3)` UTC
//! encoding relies on. Values are bound and rows decoded in [`codec`], once the statement is
//! known to fit in the server's `max_allowed_packet` (also read when connecting).

mod codec;

use std::str::FromStr;
use std::time::Duration;

use sqlx::mysql::MySqlConnectOptions;
use sqlx::{AssertSqlSafe, Connection as _, MySqlConnection};

use self::codec::{arguments, decode_row, decode_untyped, map_call_error, map_error};
use super::executor::{
    Access, BatchFailed, Call, Counter, Executor, Reread, Returning, Step, step_params,
};
use super::options::Options;
use super::pool::{Ended, Pool, Retry};
use super::server::{begin, check_packet, connecting, probe, settle, url_error};
use crate::dialect::{Dialect, MySqlFlavour};
use crate::error::{Error, Result};
use crate::statements::contract::Source;
use crate::value::Value;

/// Appended to each new connection's `sql_mode`: see the module docs.
const STRICT: &str = "SET SESSION sql_mode = CONCAT(@@sql_mode, ',STRICT_TRANS_TABLES')";

/// Takes the named lock that serializes `synchronize` and migrations on one database (the
/// name holds a digest of the database's name: lock names are server-wide and at most 64
/// characters); `1` once taken, `0` after the wait.
const BATCH_LOCK: &str = "SELECT GET_LOCK(CONCAT('authmodel.', SHA1(DATABASE())), ?)";

/// How long a batch waits for another adapter's: a migration of a large table can take
/// minutes.
const BATCH_LOCK_WAIT: std::time::Duration = std::time::Duration::from_secs(3600);

/// The connections of one MySQL or MariaDB adapter.
pub(crate) struct MySqlExecutor {
    pool: Pool<MySqlConnection>,
    returning: Returning,
    flavour: MySqlFlavour,
    counter: Counter,
    call_timeout: Duration,
    /// The server's `max_allowed_packet`, read at connect: no statement is sent larger.
    max_packet: u64,
}

impl MySqlExecutor {
    /// Reads the server's version and `max_allowed_packet` on one direct connection (which
    /// shows the server answers), then opens a pool on the database `url` names, all within
    /// the connect timeout.
    pub async fn open(url: &str, options: &Options) -> Result<MySqlExecutor> {
        connecting(options, Self::open_unbounded(url, options)).await
    }

    async fn open_unbounded(url: &str, options: &Options) -> Result<MySqlExecutor> {
        let connect = MySqlConnectOptions::from_str(url)
            .map_err(|e| url_error(url, e))?
            // sqlx's default, insisted on: a `timezone=` in the URL would shift every
            // `DATETIME(3)` (written as UTC) and every `TIMESTAMP` (converted in the session's
            // zone).
            .timezone(Some(String::from("+00:00")));
        let mut first: MySqlConnection = probe(&connect).await?;
        let counter = Counter::default();
        counter.add(1);
        let (version, max_packet): (String, i64) =
            sqlx::query_as("SELECT VERSION(), CAST(@@max_allowed_packet AS SIGNED)")
                .fetch_one(&mut first)
                .await
                .map_err(|e| map_error(e, &[]))?;
        // Closing is a courtesy to the server; the pool's own connections are what count.
        let _ = first.close().await;
        let pool = Pool::open(connect, STRICT, options);
        let returning = match returning_of(&version) {
            _ if options.without_returning => Returning::NONE,
            returning => returning,
        };
        Ok(MySqlExecutor {
            pool,
            returning,
            flavour: flavour_of(&version),
            counter,
            call_timeout: options.call_timeout,
            max_packet: u64::try_from(max_packet).unwrap_or(u64::MAX),
        })
    }

    /// The parameters of `call`, bound ([`codec::arguments`]), once it is known to fit in
    /// the server's `max_allowed_packet`.
    fn arguments(&self, call: &Call<'_>) -> Result<sqlx::mysql::MySqlArguments> {
        check_packet(call, self.max_packet)?;
        arguments(call)
    }

    async fn in_transaction(
        &self,
        connection: &mut MySqlConnection,
        call: Call<'_>,
        write_arguments: sqlx::mysql::MySqlArguments,
        reread: Reread<'_>,
    ) -> Result<Option<Vec<Value>>> {
        let map = |e| map_call_error(e, &call);
        let read = |params: &[Value]| -> Result<_> {
            let read_call = Call {
                sql: reread.sql,
                params,
                columns: reread.columns,
                tables: call.tables,
                cached: call.cached,
            };
            arguments(&read_call)
        };
        if reread.before {
            let params = sources(reread.params, call.params, None)?;
            self.counter.add(1);
            let row = sqlx::query_with(AssertSqlSafe(reread.sql), read(&params)?)
                .persistent(call.cached)
                .fetch_optional(&mut *connection)
                .await
                .map_err(map)?;
            let Some(row) = row else {
                return Ok(None);
            };
            let values = decode_row(&row, call.tables)?;
            self.counter.add(1);
            let done = sqlx::query_with(AssertSqlSafe(call.sql), write_arguments)
                .persistent(call.cached)
                .execute(&mut *connection)
                .await
                .map_err(map)?;
            return Ok((done.rows_affected() > 0).then_some(values));
        }
        self.counter.add(2);
        let done = sqlx::query_with(AssertSqlSafe(call.sql), write_arguments)
            .persistent(call.cached)
            .execute(&mut *connection)
            .await
            .map_err(map)?;
        let params = sources(reread.params, call.params, Some(done.last_insert_id()))?;
        let row = sqlx::query_with(AssertSqlSafe(reread.sql), read(&params)?)
            .persistent(call.cached)
            .fetch_optional(&mut *connection)
            .await
            .map_err(map)?;
        row.map(|row| decode_row(&row, call.tables)).transpose()
    }
}

impl Executor for MySqlExecutor {
    const DIALECT: Dialect = Dialect::MySql;

    /// Which server this is, by its version: it names the NO PAD collation the DDL asks for.
    fn mysql_flavour(&self) -> Option<MySqlFlavour> {
        Some(self.flavour)
    }

    /// Which writes end with `RETURNING` on this server.
    fn returning(&self) -> Returning {
        self.returning
    }

    /// The statements sent so far: one per call; a transaction's statements with its `BEGIN`
    /// and `COMMIT` (or `ROLLBACK`); DDL one by one.
    fn counter(&self) -> &Counter {
        &self.counter
    }

    fn call_timeout(&self) -> Option<Duration> {
        Some(self.call_timeout)
    }

    // fetch_optional, fetch_all, execute: the same on every sqlx server.
    super::server::pool_statements!();

    /// Runs DDL (`synchronize`, a migration) one statement at a time on one connection
    /// that holds the named lock ([`BATCH_LOCK`]) meanwhile, so that adapters synchronizing
    /// at once, and migrations, take turns. MySQL commits each DDL statement on its own, so a
    /// transaction would change nothing. The connection is closed afterwards, not returned to
    /// the pool: a named lock lives as long as its session, and a dropped future must not
    /// leave a pooled connection holding it.
    async fn execute_batch(&self, statements: Vec<String>) -> Result<(), BatchFailed> {
        let around = |e| BatchFailed::around(map_error(e, &[]));
        // Never released: the lease's drop closes the connection.
        let mut lease = self.pool.acquire().await.map_err(around)?;
        let locked = loop {
            self.counter.add(1);
            let locked: Result<Option<i64>, sqlx::Error> = sqlx::query_scalar(BATCH_LOCK)
                .bind(BATCH_LOCK_WAIT.as_secs())
                .fetch_one(lease.connection())
                .await;
            match locked {
                // A lock asked for on a connection found dead was never held: ask again on a
                // fresh one, as a transaction's `BEGIN` is (`server::begin`).
                Err(error) if lease.found_dead(&error) => {
                    self.pool.forget_idle();
                    drop(lease);
                    lease = self.pool.acquire().await.map_err(around)?;
                }
                locked => break locked.map_err(around)?,
            }
        };
        let connection = lease.connection();
        if locked != Some(1) {
            return Err(BatchFailed::around(Error::Database(
                format!(
                    "another adapter held the schema lock for {} s",
                    BATCH_LOCK_WAIT.as_secs()
                )
                .into(),
            )));
        }
        for (i, sql) in statements.into_iter().enumerate() {
            self.counter.add(1);
            sqlx::raw_sql(AssertSqlSafe(sql))
                .execute(&mut *connection)
                .await
                .map_err(|e| BatchFailed::at(i, map_error(e, &[])))?;
        }
        // Closing the connection (on drop) ends the session and so releases the lock.
        Ok(())
    }

    /// Runs the steps in one transaction on one pooled connection: `BEGIN`, the steps (each
    /// with its reread where it has one), `COMMIT`; any failure rolls back. A dropped future
    /// closes the connection, which rolls the transaction back (see [`super::pool`]).
    async fn write_all(&self, steps: &[Step<'_>]) -> Result<Vec<Option<Vec<Value>>>> {
        let around = |e| map_error(e, &[]);
        self.counter.add(2);
        let mut exclusive = self.pool.acquire().await.map_err(around)?;
        let mut transaction = begin!(self.pool, exclusive, self.counter, around);
        let mut rows: Vec<Option<Vec<Value>>> = Vec::with_capacity(steps.len());
        let mut failure = None;
        for step in steps {
            let done = async {
                let first = rows.first().and_then(Option::as_deref);
                let params = step_params(step, first)?;
                let call = Call {
                    params: &params,
                    ..step.call
                };
                let arguments = self.arguments(&call)?;
                if let Some(reread) = step.reread.filter(|_| step.returning) {
                    return self
                        .in_transaction(&mut transaction, call, arguments, reread)
                        .await;
                }
                self.counter.add(1);
                let query =
                    sqlx::query_with(AssertSqlSafe(call.sql), arguments).persistent(call.cached);
                if step.returning {
                    let row = query
                        .fetch_optional(&mut *transaction)
                        .await
                        .map_err(|e| map_call_error(e, &call))?;
                    row.map(|row| decode_row(&row, call.tables)).transpose()
                } else {
                    query
                        .execute(&mut *transaction)
                        .await
                        .map_err(|e| map_call_error(e, &call))?;
                    Ok(None)
                }
            }
            .await;
            match done {
                Ok(row) => rows.push(row),
                Err(error) => {
                    failure = Some(error);
                    break;
                }
            }
        }
        let outcome = match failure {
            Some(error) => Err(error),
            None => Ok(rows),
        };
        let (result, clean) = settle(transaction, outcome, around).await;
        if clean {
            exclusive.release();
        }
        result
    }

    /// Runs the write `call` and the read `reread` (before the write, locking the row, or
    /// after it) in one transaction; returns the row read, decoded by `decode` before the
    /// commit, or `None` when there was none (or the locked row was not deleted).
    async fn write_and_reread<T: Send>(
        &self,
        call: Call<'_>,
        reread: Reread<'_>,
        decode: impl FnOnce(Vec<Value>) -> Result<T> + Send,
    ) -> Result<Option<T>> {
        let write_arguments = self.arguments(&call)?;
        let map = |e| map_call_error(e, &call);
        self.counter.add(2);
        let mut exclusive = self.pool.acquire().await.map_err(map)?;
        let mut transaction = begin!(self.pool, exclusive, self.counter, map);
        // The row becomes the model before the commit: a row it cannot read rolls back.
        let result = self
            .in_transaction(&mut transaction, call, write_arguments, reread)
            .await
            .and_then(|row| row.map(decode).transpose());
        let (result, clean) = settle(transaction, result, map).await;
        if clean {
            exclusive.release();
        }
        result
    }
}

/// The parameters of a reread, taken from the write's.
fn sources(sources: &[Source], params: &[Value], inserted: Option<u64>) -> Result<Vec<Value>> {
    sources
        .iter()
        .map(|source| match *source {
            Source::Param(index) => params.get(index).cloned().ok_or_else(|| {
                Error::InvalidInput(format!("the write has no parameter {}", index + 1))
            }),
            Source::InsertedId => inserted
                .and_then(|id| i64::try_from(id).ok())
                .map(Value::Int)
                .ok_or_else(|| Error::Database("the server assigned no id".into())),
        })
        .collect()
}

/// MariaDB when its `VERSION()` says so (`10.11.19-MariaDB-0+deb12u1`), MySQL otherwise.
fn flavour_of(version: &str) -> MySqlFlavour {
    if version.contains("MariaDB") {
        MySqlFlavour::MariaDb
    } else {
        MySqlFlavour::MySql
    }
}

/// Which writes have `RETURNING` on the server of this `VERSION()`: INSERT and DELETE on
/// MariaDB 10.5 and newer (`10.11.19-MariaDB-0+deb12u1`), none on MySQL (`8.0.36`).
fn returning_of(version: &str) -> Returning {
    if !version.contains("MariaDB") {
        return Returning::NONE;
    }
    // MariaDB before 11 may report itself as `5.5.5-10.x.y-MariaDB`.
    let version = version.strip_prefix("5.5.5-").unwrap_or(version);
    let mut numbers = version
        .split(|c: char| !c.is_ascii_digit())
        .map(|n| n.parse::<u32>().unwrap_or(0));
    let major = numbers.next().unwrap_or(0);
    let minor = numbers.next().unwrap_or(0);
    if (major, minor) >= (10, 5) {
        Returning::MARIADB
    } else {
        Returning::NONE
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn server_versions() {
        assert_eq!(
            returning_of("10.11.19-MariaDB-0+deb12u1"),
            Returning::MARIADB
        );
        assert_eq!(returning_of("5.5.5-10.6.3-MariaDB"), Returning::MARIADB);
        assert_eq!(returning_of("11.4.2-MariaDB"), Returning::MARIADB);
        assert_eq!(returning_of("10.4.30-MariaDB"), Returning::NONE);
        assert_eq!(returning_of("8.0.36"), Returning::NONE);
        assert_eq!(returning_of("8.4.0-0ubuntu1"), Returning::NONE);
        assert_eq!(flavour_of("5.5.5-10.6.3-MariaDB"), MySqlFlavour::MariaDb);
        assert_eq!(flavour_of("8.0.36"), MySqlFlavour::MySql);
    }

    #[test]
    fn rereads_take_the_writes_parameters() {
        let params = [Value::Text("a".into()), Value::Int(2)];
        let taken = sources(&[Source::Param(1), Source::InsertedId], &params, Some(7)).unwrap();
        assert_eq!(taken, [Value::Int(2), Value::Int(7)]);
        assert!(sources(&[Source::Param(2)], &params, None).is_err());
        assert!(sources(&[Source::InsertedId], &params, None).is_err());
    }
}
