//! The connection pool of the server drivers (PostgreSQL, MySQL/MariaDB): a LIFO stack of
//! idle sqlx connections behind a semaphore, with no round trip of its own on acquire or on
//! release.
//!
//! Entry points: [`Pool`] ([`Pool::open`], [`Pool::acquire`]), [`Lease`] (one connection,
//! for one call or one transaction: [`Lease::end`] or [`Lease::release`]) and [`Retry`].
//!
//! Why a pool of our own: sqlx's pool pings every connection as it goes back to the pool (a
//! second round trip per call, separate from `test_before_acquire`, which was already off),
//! and it cannot be turned off. Over sqlx's own connections, this pool keeps every codec and
//! error mapping the drivers have. A pool crate (deadpool, bb8) would recycle without a round
//! trip too, but returns a connection to the pool when its guard drops, so the rule below
//! (never reuse a connection whose call was dropped) would be a wrapper around it, in more
//! code and a dependency; tokio-postgres would replace the PostgreSQL driver and leave MySQL
//! without an equivalent. Against hand-written sqlx on sqlx's pool, in the same process
//! (`cargo bench --bench servers`, "Workloads", on a shared 2-core machine): PostgreSQL session
//! reads, 32 in flight over 8 connections, 1.8x; sign-ins 3.0x; MariaDB 1.6x and 1.6x.
//!
//! The rules, which every call and every transaction follows:
//!
//! - **Waits.** At most [`Options::max_connections`] connections are out at once (a
//!   semaphore); a call waits at most [`Options::acquire_timeout`] for one, opening a new one
//!   included, then fails with sqlx's `PoolTimedOut`. The most recently returned connection is
//!   handed out first (its socket and caches are warm); a new one is opened only when none is
//!   idle, and runs the driver's session setup (`SET TIME ZONE 'UTC'`, MySQL's `sql_mode`).
//! - **Dirty connections are never reused.** A [`Lease`] goes back to the pool only when its
//!   work ended cleanly: the call answered (rows, or a database error such as a unique
//!   violation, after which the server is ready again) outside any transaction. A lease
//!   dropped before that (its call was cancelled, or timed out under
//!   [`Options::call_timeout`]) closes its connection, whatever was in flight on it: the
//!   server ends the session, rolls back any transaction and releases its locks.
//! - **Dead connections are dropped on their next use.** An I/O or protocol error, or a
//!   server error of connection class (SQLSTATE `08…`, PostgreSQL's `57P…` shutdown codes,
//!   MySQL's `70100` killed connection), closes the connection, and with it every idle one:
//!   they are most likely dead for the same reason (a server restart ends every session).
//! - **Retries.** A call whose connection came from the idle stack and failed as dead is run
//!   once more, on a fresh connection, only when that cannot apply anything twice: a read
//!   ([`Retry::Read`]) always, and a write ([`Retry::Write`]) only when the socket refused the
//!   statement before any of it was sent (a broken pipe). Any other write on a dead connection
//!   fails with its error ([`Error::Database`](crate::Error::Database)): it may have reached a
//!   server that then went away, and the caller knows best whether to repeat it. The next
//!   call finds no idle connection left and opens a fresh one. A transaction whose `BEGIN`
//!   fails that way begins again on a fresh connection
//!   ([`begin`](super::server::begin)), and a MySQL migration whose schema lock does asks for
//!   it again: neither applies anything.
//!
//! [`Options::max_connections`]: super::Options::max_connections
//! [`Options::acquire_timeout`]: super::Options::acquire_timeout
//! [`Options::call_timeout`]: super::Options::call_timeout

use std::sync::{Mutex, MutexGuard, PoisonError};
use std::time::Duration;

use sqlx::{AssertSqlSafe, ConnectOptions, Connection, Executor as _};
use tokio::sync::{Semaphore, SemaphorePermit};
use tokio::time::Instant;

use super::options::Options;

/// The connections of one server adapter: see the module docs.
pub(crate) struct Pool<C: Connection> {
    /// How to open a connection.
    connect: C::Options,
    /// The statement every new connection runs first (its session settings).
    setup: &'static str,
    /// The idle connections; the last is handed out first.
    idle: Mutex<Vec<C>>,
    /// One permit per connection that may be out at once.
    permits: Semaphore,
    /// How long [`Pool::acquire`] may wait.
    acquire_timeout: Duration,
}

/// How a call may be repeated on a fresh connection when the pooled one it ran on was dead
/// (see the module docs).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Retry {
    /// A read: repeated after any failure of a dead connection.
    Read,
    /// A write: repeated only when nothing of it was sent.
    Write,
    /// Never (a repeat, or work that must not be repeated).
    Never,
}

/// What [`Lease::end`] decided.
pub(crate) enum Ended<T> {
    /// The call's outcome, to report.
    Done(Result<T, sqlx::Error>),
    /// The connection was dead and nothing can have been applied: run the call again, on a
    /// fresh connection, once.
    Again,
}

impl<C> Pool<C>
where
    C: Connection,
    for<'c> &'c mut C: sqlx::Executor<'c, Database = C::Database>,
{
    /// A pool that opens its connections with `connect`, each running `setup` first, bounded
    /// by `options` (`max_connections`, 0 counting as 1, and `acquire_timeout`). Opens nothing
    /// yet.
    pub fn open(connect: C::Options, setup: &'static str, options: &Options) -> Pool<C> {
        Pool {
            connect,
            setup,
            idle: Mutex::new(Vec::new()),
            permits: Semaphore::new(options.max_connections.max(1) as usize),
            acquire_timeout: options.acquire_timeout,
        }
    }

    /// A connection: the most recently returned idle one, or a new one. Fails with
    /// `PoolTimedOut` when none could be had within the acquire timeout, or with the server's
    /// error when a new one could not be opened.
    pub async fn acquire(&self) -> Result<Lease<'_, C>, sqlx::Error> {
        let deadline = Instant::now() + self.acquire_timeout;
        let permit = match tokio::time::timeout_at(deadline, self.permits.acquire()).await {
            Ok(Ok(permit)) => permit,
            Ok(Err(_)) => return Err(sqlx::Error::PoolClosed),
            Err(_) => return Err(sqlx::Error::PoolTimedOut),
        };
        let idle = self.idle().pop();
        let (connection, reused) = match idle {
            Some(connection) => (connection, true),
            None => match tokio::time::timeout_at(deadline, self.new_connection()).await {
                Ok(connection) => (connection?, false),
                Err(_) => return Err(sqlx::Error::PoolTimedOut),
            },
        };
        Ok(Lease {
            pool: self,
            connection,
            reused,
            permit,
        })
    }

    /// A new connection, its session set up.
    async fn new_connection(&self) -> Result<C, sqlx::Error> {
        let mut connection = self.connect.connect().await?;
        connection.execute(AssertSqlSafe(self.setup)).await?;
        Ok(connection)
    }

    fn idle(&self) -> MutexGuard<'_, Vec<C>> {
        // The stack is only pushed and popped: a panic elsewhere cannot leave it half-changed.
        self.idle.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Closes every idle connection (after one was found dead).
    pub fn forget_idle(&self) {
        let idle = std::mem::take(&mut *self.idle());
        drop(idle);
    }
}

/// One connection taken from a [`Pool`]: back to the pool by [`Lease::release`] (or
/// [`Lease::end`] after a clean call), closed when dropped otherwise.
pub(crate) struct Lease<'p, C: Connection> {
    pool: &'p Pool<C>,
    /// Closed when the lease is dropped without [`Lease::release`].
    connection: C,
    /// Whether the connection was idle in the pool (and so may have died meanwhile).
    reused: bool,
    permit: SemaphorePermit<'p>,
}

impl<C> Lease<'_, C>
where
    C: Connection,
    for<'c> &'c mut C: sqlx::Executor<'c, Database = C::Database>,
{
    /// The connection, for the work.
    pub fn connection(&mut self) -> &mut C {
        &mut self.connection
    }

    /// Whether `error`, from the first statement of this lease, says that the connection died
    /// while idle in the pool (it was not opened for this lease): a first statement that
    /// applies nothing (`BEGIN`, a lock request) may then go again on a fresh connection.
    pub fn found_dead(&self, error: &sqlx::Error) -> bool {
        self.reused && broken(error)
    }

    /// The work ended cleanly, outside any transaction: the connection goes back to the pool
    /// (unless the server still counts it inside a transaction, when it is closed).
    pub fn release(self) {
        let Lease {
            pool,
            connection,
            permit,
            ..
        } = self;
        if !connection.is_in_transaction() {
            pool.idle().push(connection);
        }
        // The permit goes back after the connection, so a waiter finds it idle.
        drop(permit);
    }

    /// Ends the lease after one statement whose outcome is `result`: pools the connection
    /// back when it answered (rows or a database error), closes it (and the idle ones) when it
    /// was dead, and says whether the statement may run again (see the module docs).
    pub fn end<T>(self, result: Result<T, sqlx::Error>, retry: Retry) -> Ended<T> {
        let error = match result {
            Ok(value) => {
                self.release();
                return Ended::Done(Ok(value));
            }
            Err(error) => error,
        };
        if !broken(&error) {
            if matches!(error, sqlx::Error::Database(_)) {
                self.release();
            }
            // Anything else (a value sqlx could not encode or decode mid-answer) leaves the
            // connection in a state not worth trusting: dropped, closed.
            return Ended::Done(Err(error));
        }
        let again = self.reused
            && match retry {
                Retry::Read => true,
                Retry::Write => nothing_sent(&error),
                Retry::Never => false,
            };
        self.pool.forget_idle();
        drop(self);
        if again {
            Ended::Again
        } else {
            Ended::Done(Err(error))
        }
    }
}

/// Whether `error` says the connection is dead (or its session over): see the module docs.
pub(crate) fn broken(error: &sqlx::Error) -> bool {
    match error {
        sqlx::Error::Io(_)
        | sqlx::Error::Protocol(_)
        | sqlx::Error::Tls(_)
        | sqlx::Error::WorkerCrashed => true,
        sqlx::Error::Database(database) => database.code().is_some_and(|code| {
            code.starts_with("08") || code.starts_with("57P") || code == "70100"
        }),
        _ => false,
    }
}

/// Whether `error` shows that nothing of the statement reached the server: the socket
/// refused the write, the peer having reset the connection before.
fn nothing_sent(error: &sqlx::Error) -> bool {
    matches!(error, sqlx::Error::Io(e) if e.kind() == std::io::ErrorKind::BrokenPipe)
}
