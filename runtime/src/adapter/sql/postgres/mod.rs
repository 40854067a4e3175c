//! The PostgreSQL executor: sqlx connections in the pool of [`super::pool`].
//!
//! Entry point: [`PgExecutor`] ([`PgExecutor::open`], then the [`super::driver::Driver`] calls).
//! Every contract statement is one statement here (PostgreSQL has `RETURNING` on every
//! write), prepared once per connection and cached; hand-written SQL is not cached. Values are
//! bound and rows decoded in [`codec`]: `uuid`, `timestamptz`, `boolean`, `jsonb`, `bytea`.
//! Every connection's session runs in UTC (`SET TIME ZONE 'UTC'`), so `timestamp` columns
//! without a zone hold UTC.

mod codec;

use std::str::FromStr;
use std::time::Duration;

use sqlx::postgres::PgConnectOptions;
use sqlx::{AssertSqlSafe, Connection as _, PgConnection};

use self::codec::{arguments, decode_row, decode_untyped, map_call_error, map_error};
use super::executor::{Access, BatchFailed, Call, Counter, Executor, Step, step_params};
use super::options::Options;
use super::pool::{Ended, Pool, Retry};
use super::server::{begin, connecting, probe, settle, url_error};
use crate::dialect::Dialect;
use crate::error::Result;
use crate::value::Value;

/// An arbitrary constant: the advisory lock that serializes `synchronize` and migrations
/// between adapters (concurrent `CREATE TABLE IF NOT EXISTS` of one table can fail with a
/// unique violation in PostgreSQL's catalog, "conflict on `pg_type`").
const SYNCHRONIZE_LOCK: i64 = 0x6175_7468_6d6f_6465; // "authmode"

/// The connections of one PostgreSQL adapter.
pub(crate) struct PgExecutor {
    pool: Pool<PgConnection>,
    counter: Counter,
    call_timeout: Duration,
}

impl PgExecutor {
    /// Opens a pool on the database `url` names, after one direct connection that shows the
    /// server answers, all within the connect timeout.
    pub async fn open(url: &str, options: &Options) -> Result<PgExecutor> {
        connecting(options, Self::open_unbounded(url, options)).await
    }

    async fn open_unbounded(url: &str, options: &Options) -> Result<PgExecutor> {
        let connect = PgConnectOptions::from_str(url)
            .map_err(|e| url_error(url, e))?
            // TCP keepalive on the server's end of each connection (sqlx 0.9 cannot set it on
            // ours: transact-rs/sqlx#3540): the server notices within about two minutes that
            // a client vanished, and ends its session, instead of after the system's two
            // hours. Ignored on a Unix socket.
            .options([
                ("tcp_keepalives_idle", "60"),
                ("tcp_keepalives_interval", "10"),
                ("tcp_keepalives_count", "6"),
            ])
            .options(super::options::search_path(options));
        let first: PgConnection = probe(&connect).await?;
        // Closing is a courtesy to the server; the pool's own connections are what count.
        let _ = first.close().await;
        // Every instant is bound as `timestamptz`, and one written to a `timestamp` column
        // (Prisma's, Drizzle's) is converted in the session's zone: UTC keeps such a column in
        // UTC, as those clients read it. sqlx asks for `TimeZone=UTC` when it connects
        // (outranking database and role defaults and a URL's `options`); the rule is stated
        // here too, so it does not rest on a driver default.
        let pool = Pool::open(connect, "SET TIME ZONE 'UTC'", options);
        Ok(PgExecutor {
            pool,
            counter: Counter::default(),
            call_timeout: options.call_timeout,
        })
    }
}

impl PgExecutor {
    /// The parameters of `call`, bound ([`codec::arguments`]).
    fn arguments(&self, call: &Call<'_>) -> Result<sqlx::postgres::PgArguments> {
        arguments(call)
    }
}

impl Executor for PgExecutor {
    const DIALECT: Dialect = Dialect::Postgres;

    /// The statements sent so far: one per call, and for a batch its statements plus the
    /// lock, `BEGIN` and `COMMIT`.
    fn counter(&self) -> &Counter {
        &self.counter
    }

    fn call_timeout(&self) -> Option<Duration> {
        Some(self.call_timeout)
    }

    // fetch_optional, fetch_all, execute: the same on every sqlx server.
    super::server::pool_statements!();

    /// Runs the steps in one transaction on one pooled connection: `BEGIN`, the steps,
    /// `COMMIT`; any failure rolls back. A dropped future closes the connection, which rolls
    /// the transaction back (see [`super::pool`]).
    async fn write_all(&self, steps: &[Step<'_>]) -> Result<Vec<Option<Vec<Value>>>> {
        let around = |e| map_error(e, &[]);
        // BEGIN, and COMMIT or ROLLBACK; each step as it is sent.
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

    /// Runs DDL (`synchronize`, a migration) in one transaction on one pooled connection
    /// (PostgreSQL's DDL is transactional: all of it or none), holding the advisory lock that
    /// makes adapters synchronizing at once, and migrations, take turns. A dropped future
    /// closes the connection, which rolls the transaction back (see [`super::pool`]).
    async fn execute_batch(&self, statements: Vec<String>) -> Result<(), BatchFailed> {
        let around = |e| BatchFailed::around(map_error(e, &[]));
        self.counter.add(statements.len() as u64 + 3);
        let mut exclusive = self.pool.acquire().await.map_err(around)?;
        let mut transaction = begin!(self.pool, exclusive, self.counter, around);
        sqlx::query("SELECT pg_advisory_xact_lock($1)")
            .bind(SYNCHRONIZE_LOCK)
            .execute(&mut *transaction)
            .await
            .map_err(around)?;
        let mut outcome = Ok(());
        for (i, sql) in statements.into_iter().enumerate() {
            // The simple protocol: DDL gains nothing from being prepared.
            let done = sqlx::raw_sql(AssertSqlSafe(sql))
                .execute(&mut *transaction)
                .await;
            if let Err(e) = done {
                outcome = Err(BatchFailed::at(i, map_error(e, &[])));
                break;
            }
        }
        let (result, clean) = settle(transaction, outcome, around).await;
        if clean {
            exclusive.release();
        }
        result
    }
}
