//! The SQLite executor: rusqlite connections, in the calling task.
//!
//! Entry point: [`SqliteExecutor`] ([`SqliteExecutor::open`], then the [`super::driver::Driver`] calls).
//!
//! Why this shape (docs/ARCHITECTURE.md, "Drivers"): an indexed lookup costs ~3 µs in
//! process and 35-70 µs through any thread hop, so statements run on the async worker that
//! calls them. A file database has one writer connection, behind an async lock that queues
//! in-process writers, and a few read connections that WAL lets run beside it (a reader takes
//! any free one with `try_lock`). An in-memory database lives as long as its one connection,
//! so readers and the writer share it. Connections run with `busy_timeout = 0`: a statement
//! that meets a lock held by another process fails at once with `SQLITE_BUSY`, and only then is
//! retried on a blocking thread (`spawn_blocking`) with the configured busy timeout, so no
//! async worker is ever parked for seconds.

mod codec;
mod open;

use std::path::Path;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, PoisonError, TryLockError};
use std::time::Duration;

use rusqlite::config::DbConfig;
use rusqlite::{Connection, OpenFlags, Statement};

use self::codec::{Failure, bind, decode_row, decode_untyped, map_error};
use self::open::{ReadOnly, immutable_uri, read_only_opening, switch_to_wal};
use super::executor::{Access, BatchFailed, Call, Counter, Executor, Reread, Step, step_params};
use super::options::Options;
use super::raw::RawRow;
use super::url::{Location, Mode, SqliteTarget};
use crate::descriptor::{Column, Table};
use crate::dialect::Dialect;
use crate::error::{Error, Result};
use crate::value::Value;

/// Prepared statements kept per connection: the contract's ~20 plus partial-update variants.
const STATEMENT_CACHE: usize = 128;

/// A unit of work on one connection. A plain `fn` so it can be sent to a blocking thread.
type Work<T> = fn(&Connection, &Call<'_>) -> Result<T, Failure>;

/// The SQLite connections of one adapter.
pub(crate) struct SqliteExecutor {
    /// The one connection that writes (and, for an in-memory database, also reads).
    writer: Arc<tokio::sync::Mutex<Connection>>,
    /// Read connections; empty for an in-memory database or `read_connections(0)`.
    readers: Box<[Arc<std::sync::Mutex<Connection>>]>,
    /// Where the next reader search starts (round robin).
    next_reader: AtomicUsize,
    /// How long a retried call waits for another process's lock.
    busy_timeout: Duration,
    /// The statements run (a diagnostic).
    counter: Counter,
}

impl SqliteExecutor {
    /// Opens the connections `target` names, configured (WAL, `synchronous`, foreign keys on).
    /// Opening may wait for another process's lock, so it happens on a blocking thread.
    pub async fn open(target: SqliteTarget, options: &Options) -> Result<SqliteExecutor> {
        let busy_timeout = options.busy_timeout;
        let options = options.clone();
        let (writer, readers) = blocking(move || open_connections(&target, &options)).await?;
        Ok(SqliteExecutor {
            writer: Arc::new(tokio::sync::Mutex::new(writer)),
            readers: readers
                .into_iter()
                .map(|c| Arc::new(std::sync::Mutex::new(c)))
                .collect(),
            next_reader: AtomicUsize::new(0),
            busy_timeout,
            counter: Counter::default(),
        })
    }

    /// Runs `work` on the writer: in place, or on a blocking thread with the busy timeout if
    /// another process holds the lock.
    async fn on_writer<T: Send + 'static>(&self, call: Call<'_>, work: Work<T>) -> Result<T> {
        self.counter.add(1);
        let writer = Arc::clone(&self.writer).lock_owned().await;
        // A connection never goes back to use inside a transaction: one left open (a COMMIT
        // that failed, a job that ended abnormally) would take this write into it, unseen by
        // every other connection until a rollback discards it. `is_autocommit` is a flag read,
        // no I/O.
        if !writer.is_autocommit() {
            writer
                .execute_batch("ROLLBACK")
                .map_err(|e| map_error(e, &[]).into_error())?;
        }
        match work(&writer, &call) {
            Ok(done) => Ok(done),
            Err(Failure::Error(e)) => Err(e),
            Err(Failure::Busy(_)) => {
                let owned = OwnedCall::from(call);
                let timeout = self.busy_timeout;
                blocking(move || waiting(&writer, timeout, || work(&writer, &owned.call()))).await
            }
        }
    }

    /// Runs `work` on a free read connection in place; if none is free (after one yield) or
    /// the database is busy, waits for one on a blocking thread.
    async fn on_reader<T: Send + 'static>(&self, call: Call<'_>, work: Work<T>) -> Result<T> {
        if self.readers.is_empty() {
            return self.on_writer(call, work).await;
        }
        self.counter.add(1);
        let mut yielded = false;
        loop {
            match self.try_read_in_place(&call, work) {
                Some(Ok(done)) => return Ok(done),
                Some(Err(Failure::Error(e))) => return Err(e),
                Some(Err(Failure::Busy(_))) => break,
                // Readers are held for microseconds; another task likely frees one at once.
                None if !yielded => {
                    yielded = true;
                    tokio::task::yield_now().await;
                }
                None => break,
            }
        }
        let index = self.next_reader.fetch_add(1, Ordering::Relaxed) % self.readers.len();
        let reader = Arc::clone(&self.readers[index]);
        let owned = OwnedCall::from(call);
        let timeout = self.busy_timeout;
        blocking(move || {
            let reader = reader.lock().unwrap_or_else(PoisonError::into_inner);
            waiting(&reader, timeout, || work(&reader, &owned.call()))
        })
        .await
    }

    /// Runs the write `call` in a `BEGIN IMMEDIATE` transaction on the writer and hands its
    /// returned row to `decode` before committing: a row that fails to decode, in the codec
    /// or in `decode`, rolls the write back, so an `Err` means nothing was written. In process
    /// the transaction costs no round trip; it counts as the one statement it wraps.
    async fn write_decoded<T>(
        &self,
        call: Call<'_>,
        decode: impl FnOnce(Vec<Value>) -> Result<T>,
    ) -> Result<Option<T>> {
        self.counter.add(1);
        let writer = Arc::clone(&self.writer).lock_owned().await;
        if !writer.is_autocommit() {
            control(&writer, ROLLBACK).map_err(Failure::into_error)?;
        }
        let (writer, row) = match begin_and_write(&writer, &call) {
            Ok(row) => (writer, row),
            Err(Failure::Error(e)) => return Err(e),
            Err(Failure::Busy(_)) => {
                let owned = OwnedCall::from(call);
                let timeout = self.busy_timeout;
                blocking(move || {
                    let row =
                        waiting(&writer, timeout, || begin_and_write(&writer, &owned.call()))?;
                    Ok((writer, row))
                })
                .await?
            }
        };
        let decoded = match row.map(decode).transpose() {
            Ok(decoded) => decoded,
            Err(e) => {
                // The decode error is the one to report; a failed rollback leaves the
                // transaction to the rollback before the writer's next use.
                let _ = control(&writer, ROLLBACK);
                return Err(e);
            }
        };
        match control(&writer, COMMIT) {
            Ok(()) => Ok(decoded),
            Err(Failure::Error(e)) => {
                if !writer.is_autocommit() {
                    let _ = control(&writer, ROLLBACK);
                }
                Err(e)
            }
            // Outside WAL, a COMMIT waits for readers to leave: retry it with the busy
            // timeout (a busy COMMIT keeps the transaction, so retrying is safe).
            Err(Failure::Busy(_)) => {
                let timeout = self.busy_timeout;
                blocking(move || {
                    writer.busy_timeout(timeout).map_err(Error::database)?;
                    let committed = control(&writer, COMMIT);
                    let reset = writer.busy_timeout(Duration::ZERO);
                    if committed.is_err() && !writer.is_autocommit() {
                        let _ = control(&writer, ROLLBACK);
                    }
                    committed.map_err(Failure::into_error)?;
                    reset.map_err(Error::database)
                })
                .await?;
                Ok(decoded)
            }
        }
    }

    /// `None` when every read connection is in use.
    ///
    /// Takes the first free reader, not the next in turn: the bundled SQLite shares one page
    /// cache among a process's connections, sized for about one connection's hot pages, and
    /// a WAL commit makes each reader re-validate its cache. Rotating over every reader kept
    /// all of them cold (a read from disk on about a third of the calls, 1.36x the time of one
    /// connection, measured with benches/sqlite.rs); the others serve only concurrent reads.
    fn try_read_in_place<T>(&self, call: &Call<'_>, work: Work<T>) -> Option<Result<T, Failure>> {
        for reader in self.readers.iter() {
            let connection = match reader.try_lock() {
                Ok(guard) => guard,
                // A panic elsewhere cannot leave a connection half-used: a statement resets
                // when dropped. Keep using it.
                Err(TryLockError::Poisoned(poisoned)) => poisoned.into_inner(),
                Err(TryLockError::WouldBlock) => continue,
            };
            return Some(work(&connection, call));
        }
        None
    }
}

impl Executor for SqliteExecutor {
    const DIALECT: Dialect = Dialect::Sqlite;

    /// The statements run so far: one per call (a write's own `BEGIN IMMEDIATE` and `COMMIT`
    /// run in process, no round trip, and are not counted), and for a batch its statements
    /// plus `BEGIN` and `COMMIT`.
    fn counter(&self) -> &Counter {
        &self.counter
    }

    /// Runs `call`; returns its first row.
    async fn fetch_optional(&self, access: Access, call: Call<'_>) -> Result<Option<Vec<Value>>> {
        match access {
            Access::Read => self.on_reader(call, first_row).await,
            Access::Write => self.write_decoded(call, Ok).await,
        }
    }

    /// Runs `call`; returns every row.
    async fn fetch_all(&self, access: Access, call: Call<'_>) -> Result<Vec<Vec<Value>>> {
        match access {
            Access::Read => self.on_reader(call, all_rows).await,
            Access::Write => self.on_writer(call, all_rows).await,
        }
    }

    /// Runs the write in a transaction and decodes its row before the commit (see
    /// [`SqliteExecutor::write_decoded`]); every SQLite write has `RETURNING`.
    async fn write<T: Send>(
        &self,
        call: Call<'_>,
        reread: Option<Reread<'_>>,
        decode: impl FnOnce(Vec<Value>) -> Result<T> + Send,
    ) -> Result<Option<T>> {
        if reread.is_some() {
            return Err(Error::Unsupported {
                dialect: Dialect::Sqlite,
                what: "a write without RETURNING".to_owned(),
            });
        }
        self.write_decoded(call, decode).await
    }

    /// Runs hand-written SQL: on the writer, or on a read connection (the writer of an
    /// in-memory database), where a statement that would write is refused before it runs.
    async fn query(&self, access: Access, call: Call<'_>) -> Result<Vec<RawRow>> {
        match access {
            Access::Read => self.on_reader(call, raw_read).await,
            Access::Write => self.on_writer(call, raw_rows).await,
        }
    }

    /// Runs a statement without rows on the writer; returns the rows changed.
    async fn execute(&self, call: Call<'_>) -> Result<u64> {
        self.on_writer(call, execute).await
    }

    /// Runs the steps in one `BEGIN IMMEDIATE` transaction on the writer, in process: each
    /// counts as one statement, the transaction control as none. Another process's lock
    /// rolls everything back and retries the whole on a blocking thread with the busy
    /// timeout.
    async fn write_all(&self, steps: &[Step<'_>]) -> Result<Vec<Option<Vec<Value>>>> {
        let writer = Arc::clone(&self.writer).lock_owned().await;
        if !writer.is_autocommit() {
            control(&writer, ROLLBACK).map_err(Failure::into_error)?;
        }
        // Each step counts as it is sent; the transaction control, in process, as none.
        let sent = Arc::new(AtomicUsize::new(0));
        let result = match write_steps(&writer, steps, &sent) {
            Ok(rows) => Ok(rows),
            Err(Failure::Error(e)) => Err(e),
            Err(Failure::Busy(_)) => {
                let owned: Vec<OwnedStep> = steps
                    .iter()
                    .map(|s| (OwnedCall::from(s.call), s.returning, s.from_first))
                    .collect();
                let timeout = self.busy_timeout;
                let sent = Arc::clone(&sent);
                blocking(move || {
                    let steps: Vec<Step<'_>> = owned
                        .iter()
                        .map(|(call, returning, from_first)| Step {
                            call: call.call(),
                            reread: None,
                            returning: *returning,
                            from_first: *from_first,
                        })
                        .collect();
                    waiting(&writer, timeout, || write_steps(&writer, &steps, &sent))
                })
                .await
            }
        };
        self.counter.add(sent.load(Ordering::Relaxed) as u64);
        result
    }

    /// Runs DDL (`synchronize`, a migration) in one `BEGIN IMMEDIATE` transaction on the
    /// writer, as one job on a blocking thread that holds the writer for its whole length:
    /// no other write of this adapter can run inside the transaction, and the busy timeout
    /// applies to another process's lock. Dropping the future stops the job before its next
    /// statement and rolls back.
    async fn execute_batch(&self, statements: Vec<String>) -> Result<(), BatchFailed> {
        let writer = Arc::clone(&self.writer).lock_owned().await;
        let timeout = self.busy_timeout;
        self.counter.add(statements.len() as u64 + 2);
        let cancel = CancelOnDrop::default();
        let cancelled = Arc::clone(&cancel.0);
        let job = blocking(move || {
            Ok(waiting(&writer, timeout, || {
                Ok(batch(&writer, &statements, &cancelled))
            }))
        });
        let outcome = job.await;
        cancel.disarm();
        match outcome {
            Ok(Ok(done)) => done,
            Ok(Err(error)) | Err(error) => Err(BatchFailed::around(error)),
        }
    }
}

/// Sets its flag when dropped, unless disarmed: tells a blocking job that its caller is gone.
#[derive(Default)]
struct CancelOnDrop(Arc<AtomicBool>);

impl CancelOnDrop {
    fn disarm(self) {
        std::mem::forget(self);
    }
}

impl Drop for CancelOnDrop {
    fn drop(&mut self) {
        self.0.store(true, Ordering::Relaxed);
    }
}

/// The statements of a batch between `BEGIN IMMEDIATE` and `COMMIT`; rolls back on the first
/// failure, or before the next statement once `cancelled` is set. The connection is back in
/// autocommit mode whatever happens (a failed `ROLLBACK` is retried before its next use).
fn batch(
    connection: &Connection,
    statements: &[String],
    cancelled: &AtomicBool,
) -> Result<(), BatchFailed> {
    let around = |e| BatchFailed::around(map_error(e, &[]).into_error());
    connection
        .execute_batch("BEGIN IMMEDIATE")
        .map_err(around)?;
    for (i, sql) in statements.iter().enumerate() {
        let failure = if cancelled.load(Ordering::Relaxed) {
            Error::Database("the migration's caller went away before it ended".into())
        } else {
            match connection.execute_batch(sql) {
                Ok(()) => continue,
                Err(e) => map_error(e, &[]).into_error(),
            }
        };
        // The statement's error is the one worth reporting; a failed rollback adds nothing
        // (the writer rolls back before its next use, see `SqliteExecutor::on_writer`).
        let _ = connection.execute_batch("ROLLBACK");
        return Err(BatchFailed::at(i, failure));
    }
    if let Err(e) = connection.execute_batch("COMMIT") {
        let error = around(e);
        if !connection.is_autocommit() {
            let _ = connection.execute_batch("ROLLBACK");
        }
        return Err(error);
    }
    Ok(())
}

/// A [`Step`] that owns its call, to move to a blocking thread: the call, whether it
/// returns its row, and the parameter it takes from the first step's row.
type OwnedStep = (OwnedCall, bool, Option<(usize, usize)>);

/// A [`Call`] that owns its parts, to move to a blocking thread.
struct OwnedCall {
    sql: String,
    params: Vec<Value>,
    columns: Vec<&'static Column>,
    tables: Vec<&'static Table>,
    cached: bool,
}

impl From<Call<'_>> for OwnedCall {
    fn from(call: Call<'_>) -> OwnedCall {
        OwnedCall {
            sql: call.sql.to_owned(),
            params: call.params.to_vec(),
            columns: call.columns.to_vec(),
            tables: call.tables.to_vec(),
            cached: call.cached,
        }
    }
}

impl OwnedCall {
    fn call(&self) -> Call<'_> {
        Call {
            sql: &self.sql,
            params: &self.params,
            columns: &self.columns,
            tables: &self.tables,
            cached: self.cached,
        }
    }
}

/// Runs `f` on a blocking thread.
async fn blocking<T: Send + 'static>(f: impl FnOnce() -> Result<T> + Send + 'static) -> Result<T> {
    tokio::task::spawn_blocking(f)
        .await
        .map_err(Error::database)?
}

/// Runs `f` with the busy timeout set (on a blocking thread), then turns it off again.
fn waiting<T>(
    connection: &Connection,
    timeout: Duration,
    f: impl FnOnce() -> Result<T, Failure>,
) -> Result<T> {
    // A busy COMMIT outside WAL can leave the implicit transaction open: start clean.
    if !connection.is_autocommit() {
        connection
            .execute_batch("ROLLBACK")
            .map_err(Error::database)?;
    }
    connection.busy_timeout(timeout).map_err(Error::database)?;
    let result = f();
    let reset = connection.busy_timeout(Duration::ZERO);
    let done = result.map_err(Failure::into_error)?;
    reset.map_err(Error::database)?;
    Ok(done)
}

/// Prepares `call` (from the connection's cache for the contract's statements), binds its
/// parameters and hands the statement to `f`.
fn with_statement<T>(
    connection: &Connection,
    call: &Call<'_>,
    f: impl FnOnce(&mut Statement<'_>) -> Result<T, Failure>,
) -> Result<T, Failure> {
    let prepared = |e| map_error(e, call.tables);
    if call.cached {
        let mut statement = connection.prepare_cached(call.sql).map_err(prepared)?;
        bind(&mut statement, call.params, call.columns)?;
        f(&mut statement)
    } else {
        let mut statement = connection.prepare(call.sql).map_err(prepared)?;
        bind(&mut statement, call.params, call.columns)?;
        f(&mut statement)
    }
}

/// A read's first row; the rest are not stepped through.
fn first_row(connection: &Connection, call: &Call<'_>) -> Result<Option<Vec<Value>>, Failure> {
    with_statement(connection, call, |statement| {
        let mut rows = statement.raw_query();
        match rows.next().map_err(|e| map_error(e, call.tables))? {
            Some(row) => {
                let mut values = Vec::with_capacity(call.width());
                decode_row(row, call.tables, &mut values)?;
                Ok(Some(values))
            }
            None => Ok(None),
        }
    })
}

/// Transaction control on the writer, prepared once per connection.
const BEGIN_IMMEDIATE: &str = "BEGIN IMMEDIATE";
const COMMIT: &str = "COMMIT";
const ROLLBACK: &str = "ROLLBACK";

/// Runs one of the transaction control statements above.
fn control(connection: &Connection, sql: &str) -> Result<(), Failure> {
    connection
        .prepare_cached(sql)
        .and_then(|mut statement| statement.raw_execute())
        .map(|_| ())
        .map_err(|e| map_error(e, &[]))
}

/// Opens the write transaction and runs the write in it; returns its row, decoded by the
/// codec. On any failure the transaction is rolled back (a busy one is retried whole).
fn begin_and_write(
    connection: &Connection,
    call: &Call<'_>,
) -> Result<Option<Vec<Value>>, Failure> {
    control(connection, BEGIN_IMMEDIATE)?;
    returning_row(connection, call).inspect_err(|_| {
        // The write's error is the one worth reporting (see `SqliteExecutor::on_writer`).
        let _ = control(connection, ROLLBACK);
    })
}

/// The steps of [`SqliteExecutor::write_all`] between `BEGIN IMMEDIATE` and `COMMIT`; any
/// failure (a busy `COMMIT` too) rolls back, so the whole can be retried.
fn write_steps(
    connection: &Connection,
    steps: &[Step<'_>],
    sent: &AtomicUsize,
) -> Result<Vec<Option<Vec<Value>>>, Failure> {
    control(connection, BEGIN_IMMEDIATE)?;
    let run = || -> Result<Vec<Option<Vec<Value>>>, Failure> {
        let mut rows: Vec<Option<Vec<Value>>> = Vec::with_capacity(steps.len());
        for step in steps {
            let first = rows.first().and_then(Option::as_deref);
            let params = step_params(step, first)?;
            let call = Call {
                params: &params,
                ..step.call
            };
            sent.fetch_add(1, Ordering::Relaxed);
            if step.returning {
                rows.push(returning_row(connection, &call)?);
            } else {
                execute(connection, &call)?;
                rows.push(None);
            }
        }
        control(connection, COMMIT)?;
        Ok(rows)
    };
    run().inspect_err(|_| {
        // The step's error is the one worth reporting.
        if !connection.is_autocommit() {
            let _ = control(connection, ROLLBACK);
        }
    })
}

/// A write's returned row. The statement is stepped to its end: the rows after the first
/// are not read, but the write is done (and reports its errors) only once stepped through.
fn returning_row(connection: &Connection, call: &Call<'_>) -> Result<Option<Vec<Value>>, Failure> {
    with_statement(connection, call, |statement| {
        let mut rows = statement.raw_query();
        let mut first = None;
        while let Some(row) = rows.next().map_err(|e| map_error(e, call.tables))? {
            if first.is_none() {
                let mut values = Vec::with_capacity(call.width());
                first = Some(decode_row(row, call.tables, &mut values).map(|()| values));
            }
        }
        first.transpose()
    })
}

/// Every row; stepped to the end even past a row that fails to decode (see [`returning_row`]).
fn all_rows(connection: &Connection, call: &Call<'_>) -> Result<Vec<Vec<Value>>, Failure> {
    with_statement(connection, call, |statement| {
        let mut rows = statement.raw_query();
        let mut all = Vec::new();
        let mut failed = None;
        while let Some(row) = rows.next().map_err(|e| map_error(e, call.tables))? {
            if failed.is_some() {
                continue;
            }
            let mut values = Vec::with_capacity(call.width());
            match decode_row(row, call.tables, &mut values) {
                Ok(()) => all.push(values),
                Err(e) => failed = Some(e),
            }
        }
        failed.map_or(Ok(all), Err)
    })
}

/// [`raw_rows`] for [`RawConnection::Reader`](super::RawConnection::Reader): SQLite's own
/// verdict (`sqlite3_stmt_readonly`) refuses a statement that would write, with a message
/// that says where to send it, rather than the bare "attempt to write a readonly database"
/// of `query_only` (and on an in-memory database, whose reader is the writer, at all).
fn raw_read(connection: &Connection, call: &Call<'_>) -> Result<Vec<RawRow>, Failure> {
    with_statement(connection, call, |statement| {
        if !statement.readonly() {
            return Err(Failure::Error(Error::InvalidInput(
                "the statement may write, and RawConnection::Reader is a read-only connection: \
                 run it on RawConnection::Writer"
                    .to_owned(),
            )));
        }
        untyped_rows(statement)
    })
}

/// Every row of hand-written SQL with its column names, each value by its storage class;
/// stepped to the end, even past a value that fails to decode (see [`returning_row`]).
fn raw_rows(connection: &Connection, call: &Call<'_>) -> Result<Vec<RawRow>, Failure> {
    with_statement(connection, call, untyped_rows)
}

/// The rows of a prepared, bound `statement` (see [`raw_rows`]).
fn untyped_rows(statement: &mut Statement<'_>) -> Result<Vec<RawRow>, Failure> {
    let columns: Arc<[String]> = statement
        .column_names()
        .into_iter()
        .map(str::to_owned)
        .collect();
    let mut rows = statement.raw_query();
    let mut all = Vec::new();
    let mut failed = None;
    while let Some(row) = rows.next().map_err(|e| map_error(e, &[]))? {
        if failed.is_some() {
            continue;
        }
        match decode_untyped(row, &columns) {
            Ok(values) => all.push(RawRow::new(Arc::clone(&columns), values)),
            Err(e) => failed = Some(e),
        }
    }
    failed.map_or(Ok(all), Err)
}

/// Runs a statement; returns the rows it changed. One that returns rows (`PRAGMA
/// wal_checkpoint`, a write with `RETURNING`) is stepped to its end, its rows discarded.
fn execute(connection: &Connection, call: &Call<'_>) -> Result<u64, Failure> {
    with_statement(connection, call, |statement| {
        let failed = |e| map_error(e, call.tables);
        if statement.column_count() == 0 {
            return statement
                .raw_execute()
                .map(|changed| changed as u64)
                .map_err(failed);
        }
        // `changes()` keeps the last write's count through a statement that writes none.
        let before = connection.total_changes();
        let mut rows = statement.raw_query();
        while rows.next().map_err(failed)?.is_some() {}
        Ok(connection.total_changes().saturating_sub(before))
    })
}

/// Opens and configures the writer and the readers.
fn open_connections(
    target: &SqliteTarget,
    options: &Options,
) -> Result<(Connection, Vec<Connection>)> {
    let path = match &target.location {
        Location::Memory => {
            let memory = Connection::open_in_memory().map_err(Error::database)?;
            configure(&memory, options, "PRAGMA foreign_keys = ON;")?;
            return Ok((memory, Vec::new()));
        }
        Location::File(path) => path,
    };
    let mut writer = open_file(path, target.mode, ReadOnly::Shared)?;
    let mut read_only = ReadOnly::Shared;
    if target.mode == Mode::ReadOnly {
        configure(&writer, options, "PRAGMA foreign_keys = ON;")?;
        read_only = read_only_opening(&writer, path)?;
        if read_only == ReadOnly::Immutable {
            writer = open_file(path, target.mode, read_only)?;
            configure(&writer, options, "PRAGMA foreign_keys = ON;")?;
        }
    } else {
        configure(
            &writer,
            options,
            &format!(
                "PRAGMA foreign_keys = ON; PRAGMA synchronous = {};",
                options.synchronous.pragma_value()
            ),
        )?;
        // Persistent in the file; other processes' connections follow it too.
        switch_to_wal(&writer, path, options.busy_timeout)?;
    }
    // Readers never write: `query_only` makes a stray write fail instead of bypassing the
    // writer's queue.
    let readers = (0..options.read_connections)
        .map(|_| {
            let mode = match target.mode {
                Mode::ReadOnly => Mode::ReadOnly,
                _ => Mode::Write,
            };
            let reader = open_file(path, mode, read_only)?;
            configure(
                &reader,
                options,
                "PRAGMA foreign_keys = ON; PRAGMA query_only = ON;",
            )?;
            Ok(reader)
        })
        .collect::<Result<Vec<_>>>()?;
    for connection in std::iter::once(&writer).chain(&readers) {
        connection
            .busy_timeout(Duration::ZERO)
            .map_err(Error::database)?;
    }
    Ok((writer, readers))
}

/// Opens `path` as `mode` says; a read-only file `immutable` through a `file:` URI
/// ([`read_only_opening`] says when).
fn open_file(path: &Path, mode: Mode, read_only: ReadOnly) -> Result<Connection> {
    // No SQLITE_OPEN_URI: a path is a path, even one starting with `file:` (the immutable
    // opening builds its URI from the path, escaped). No SQLite mutex: each connection is used
    // by one thread at a time, behind our own locks.
    let flags = OpenFlags::SQLITE_OPEN_NO_MUTEX
        | match mode {
            Mode::Create => OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_CREATE,
            Mode::Write => OpenFlags::SQLITE_OPEN_READ_WRITE,
            Mode::ReadOnly => OpenFlags::SQLITE_OPEN_READ_ONLY,
        };
    let opened = match (mode, read_only) {
        (Mode::ReadOnly, ReadOnly::Immutable) => {
            Connection::open_with_flags(immutable_uri(path)?, flags | OpenFlags::SQLITE_OPEN_URI)
        }
        _ => Connection::open_with_flags(path, flags),
    };
    opened.map_err(|e| {
        Error::Database(format!("cannot open SQLite database `{}`: {e}", path.display()).into())
    })
}

/// Statement cache size, the busy timeout used while connecting, double-quoted string
/// literals off, the memory map's size ([`Options::mmap_size`]), and `pragmas`.
fn configure(connection: &Connection, options: &Options, pragmas: &str) -> Result<()> {
    connection.set_prepared_statement_cache_capacity(STATEMENT_CACHE);
    // The bundled SQLite reads a double-quoted name that is no column as a string (the "DQS"
    // misfeature, https://sqlite.org/quirks.html#dblquote): an index "on" a missing column
    // would index a constant of another application's table. Names stay names.
    for config in [
        DbConfig::SQLITE_DBCONFIG_DQS_DDL,
        DbConfig::SQLITE_DBCONFIG_DQS_DML,
    ] {
        connection
            .set_db_config(config, false)
            .map_err(Error::database)?;
    }
    connection
        .busy_timeout(options.busy_timeout)
        .map_err(Error::database)?;
    let mmap = format!("PRAGMA mmap_size = {};", options.mmap_size);
    connection.execute_batch(&mmap).map_err(Error::database)?;
    connection.execute_batch(pragmas).map_err(Error::database)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::adapter::sql::Synchronous;

    fn pragma(connection: &Connection, name: &str) -> i64 {
        connection
            .query_row(&format!("PRAGMA {name}"), [], |row| row.get(0))
            .unwrap()
    }

    async fn open_file(dir: &Path, options: &Options) -> SqliteExecutor {
        let target =
            match super::super::url::parse(&format!("sqlite://{}", dir.join("auth.db").display()))
                .unwrap()
            {
                super::super::url::Target::Sqlite(target) => target,
                #[allow(unreachable_patterns)]
                _ => unreachable!("a sqlite URL"),
            };
        SqliteExecutor::open(target, options).await.unwrap()
    }

    /// Each level is the pragma the writer runs with (SQLite: 0 OFF, 1 NORMAL, 2 FULL).
    #[tokio::test]
    async fn synchronous_is_the_level_asked_for() {
        for (level, expected) in [
            (Synchronous::Off, 0),
            (Synchronous::Normal, 1),
            (Synchronous::Full, 2),
        ] {
            let dir = tempfile::tempdir().unwrap();
            let executor = open_file(dir.path(), &Options::default().synchronous(level)).await;
            let writer = executor.writer.lock().await;
            assert_eq!(pragma(&writer, "synchronous"), expected, "{level:?}");
        }
    }

    /// Every connection, the writer and each reader, maps what the options say.
    #[tokio::test]
    async fn memory_settings_reach_every_connection() {
        let dir = tempfile::tempdir().unwrap();
        let options = Options::default().mmap_size(64 << 20).read_connections(2);
        let executor = open_file(dir.path(), &options).await;
        let writer = executor.writer.lock().await;
        let readers: Vec<_> = executor.readers.iter().map(|r| r.lock().unwrap()).collect();
        assert_eq!(readers.len(), 2);
        for connection in std::iter::once(&*writer).chain(readers.iter().map(|r| &**r)) {
            assert_eq!(pragma(connection, "mmap_size"), 64 << 20);
        }
        drop((writer, readers));
        let defaults = open_file(dir.path(), &Options::default()).await;
        let writer = defaults.writer.lock().await;
        let expected = if cfg!(target_pointer_width = "64") {
            1 << 30
        } else {
            0
        };
        assert_eq!(pragma(&writer, "mmap_size"), expected);
    }
}
