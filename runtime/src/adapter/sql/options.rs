//! How [`SqlAdapter::connect`](super::SqlAdapter::connect) opens a database.
//!
//! Entry points: [`Options`] (a builder: start from `Options::default()`) and
//! [`Synchronous`] (SQLite's durability level). Some options concern one kind of database
//! only (each says which); the others ignore them.

use std::time::Duration;

/// How hard SQLite works to make each commit durable (`PRAGMA synchronous`).
///
/// Both levels run in WAL mode and keep the database consistent; they differ only in what a
/// power failure or an operating-system crash can take with it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum Synchronous {
    /// `synchronous = NORMAL`, the default: a commit survives the application crashing, but
    /// the last commits before a power failure or an OS crash can be lost (never corrupted).
    /// About one `fsync` per WAL checkpoint instead of one per commit.
    #[default]
    Normal,
    /// `synchronous = FULL`: every commit is on disk before the call returns, at the cost of
    /// one `fsync` per write.
    Full,
}

impl Synchronous {
    /// The pragma's value as SQLite spells it.
    #[cfg_attr(not(feature = "sqlite"), allow(dead_code))]
    pub(crate) fn pragma_value(self) -> &'static str {
        match self {
            Synchronous::Normal => "NORMAL",
            Synchronous::Full => "FULL",
        }
    }
}

/// Connection options for [`SqlAdapter::connect`](super::SqlAdapter::connect).
///
/// ```
/// use std::time::Duration;
/// use authmodel::sql::{Options, Synchronous};
///
/// let options = Options::default()
///     .synchronize(true)
///     .read_connections(4)
///     .busy_timeout(Duration::from_secs(5))
///     .synchronous(Synchronous::Full)
///     .max_connections(20);
/// # let _ = options;
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Options {
    pub(crate) synchronize: bool,
    pub(crate) read_connections: usize,
    pub(crate) busy_timeout: Duration,
    pub(crate) synchronous: Synchronous,
    pub(crate) max_connections: u32,
    pub(crate) acquire_timeout: Duration,
    pub(crate) connect_timeout: Duration,
    pub(crate) call_timeout: Duration,
    pub(crate) without_returning: bool,
}

impl Default for Options {
    /// No synchronize, 4 read connections, a 5 s busy timeout, `synchronous = NORMAL`, pools
    /// of up to 10 connections waited for up to 30 s, a 10 s connect timeout and a 30 s call
    /// timeout.
    fn default() -> Options {
        Options {
            synchronize: false,
            read_connections: 4,
            busy_timeout: Duration::from_secs(5),
            synchronous: Synchronous::Normal,
            max_connections: 10,
            acquire_timeout: Duration::from_secs(30),
            connect_timeout: Duration::from_secs(10),
            call_timeout: Duration::from_secs(30),
            without_returning: false,
        }
    }
}

impl Options {
    /// Creates the schema's missing tables and indexes when connecting (`CREATE ... IF NOT
    /// EXISTS`; existing tables are left as they are). Off by default; [`crate::connect`]
    /// turns it on. Ignored for read-only databases (`?mode=ro`).
    ///
    /// A table of the models that already exists must have every column of its model:
    /// otherwise it belongs to something else (another application's `sessions`, say), and
    /// `connect` fails with [`Error::ForeignTable`](crate::Error::ForeignTable), naming the
    /// table and the missing columns, before creating anything.
    #[must_use]
    pub fn synchronize(mut self, synchronize: bool) -> Options {
        self.synchronize = synchronize;
        self
    }

    /// How many read connections a SQLite file database opens beside its one writer connection
    /// (default 4). Reads run on any free one, in the calling task, while a write is in
    /// progress (WAL). `0` sends reads to the writer connection. An in-memory database always
    /// has exactly one connection.
    #[must_use]
    pub fn read_connections(mut self, read_connections: usize) -> Options {
        self.read_connections = read_connections;
        self
    }

    /// How long a SQLite call waits for a lock another process holds before it fails with
    /// "database is locked" (default 5 s). The wait happens on a blocking thread
    /// (`tokio::task::spawn_blocking`), never on an async worker; calls that find the database
    /// free run in place.
    #[must_use]
    pub fn busy_timeout(mut self, busy_timeout: Duration) -> Options {
        self.busy_timeout = busy_timeout;
        self
    }

    /// The durability level of commits (default [`Synchronous::Normal`]). SQLite only.
    #[must_use]
    pub fn synchronous(mut self, synchronous: Synchronous) -> Options {
        self.synchronous = synchronous;
        self
    }

    /// The most connections the pool of a PostgreSQL or MySQL adapter (and its clones) opens
    /// (default 10; `0` counts as 1). A call waits for a free connection when all are in use.
    /// Connections are not tested when they are taken from the pool or given back (either
    /// would be a second round trip per call): a dead one is found by its next call, which is
    /// run again on a fresh connection when it is a read (or a write none of which was sent),
    /// and fails with [`Error::Database`](crate::Error::Database) otherwise.
    #[must_use]
    pub fn max_connections(mut self, max_connections: u32) -> Options {
        self.max_connections = max_connections;
        self
    }

    /// How long a call of a PostgreSQL or MySQL adapter waits for a free connection when all
    /// [`Options::max_connections`] are in use, or for a new one to open, before it fails with
    /// [`Error::Database`](crate::Error::Database) (default 30 s); a server that refuses the
    /// new connection fails the call at once. The wait is part of the call, so
    /// [`Options::call_timeout`] bounds it too. Connecting itself fails at once
    /// when the server refuses the first connection.
    #[must_use]
    pub fn acquire_timeout(mut self, acquire_timeout: Duration) -> Options {
        self.acquire_timeout = acquire_timeout;
        self
    }

    /// How long [`SqlAdapter::connect`](super::SqlAdapter::connect) may take to reach a
    /// PostgreSQL or MySQL server, be answered and open its pool, before it fails with
    /// [`Error::Timeout`](crate::Error::Timeout) (default 10 s). Bounds a server that accepts
    /// the connection and never answers (a frozen process, a wrong port behind a proxy), which
    /// would otherwise keep `connect` pending forever. Ignored by SQLite.
    #[must_use]
    pub fn connect_timeout(mut self, connect_timeout: Duration) -> Options {
        self.connect_timeout = connect_timeout;
        self
    }

    /// How long one call of a PostgreSQL or MySQL adapter may take, waiting for a pooled
    /// connection included, before it fails with [`Error::Timeout`](crate::Error::Timeout)
    /// (default 30 s). Every call is bounded: a server that stops answering (frozen, or gone
    /// without closing the connection) fails calls instead of hanging them. A call that timed
    /// out was abandoned mid-way, so its write may or may not have been applied, as when any
    /// reply is lost; its connection is closed, never reused. Raise it for migrations whose
    /// index builds take longer. Ignored by SQLite, whose waits are bounded by
    /// [`Options::busy_timeout`].
    #[must_use]
    pub fn call_timeout(mut self, call_timeout: Duration) -> Options {
        self.call_timeout = call_timeout;
        self
    }

    /// Uses the statement shapes of MySQL 8, which has no `RETURNING`, on MariaDB too: each
    /// INSERT and UPDATE is followed by a `SELECT` by key, and each DELETE preceded by a
    /// `SELECT ... FOR UPDATE`, in one transaction. For tests, which run that path on MariaDB
    /// when no MySQL 8 server is at hand; applications never need it (the server's version
    /// decides). Ignored by the other databases.
    #[doc(hidden)]
    #[must_use]
    pub fn without_returning(mut self, without_returning: bool) -> Options {
        self.without_returning = without_returning;
        self
    }
}
