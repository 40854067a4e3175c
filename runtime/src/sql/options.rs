//! How [`SqlAdapter::connect`](super::SqlAdapter::connect) opens a database.
//!
//! Entry points: [`Options`] (a builder: start from `Options::default()`) and
//! [`Synchronous`] (SQLite's durability level).

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
///     .synchronous(Synchronous::Full);
/// # let _ = options;
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Options {
    pub(crate) synchronize: bool,
    pub(crate) read_connections: usize,
    pub(crate) busy_timeout: Duration,
    pub(crate) synchronous: Synchronous,
}

impl Default for Options {
    /// No synchronize, 4 read connections, a 5 s busy timeout, `synchronous = NORMAL`.
    fn default() -> Options {
        Options {
            synchronize: false,
            read_connections: 4,
            busy_timeout: Duration::from_secs(5),
            synchronous: Synchronous::Normal,
        }
    }
}

impl Options {
    /// Creates the schema's missing tables and indexes when connecting (`CREATE ... IF NOT
    /// EXISTS`; existing tables are left as they are). Off by default; [`crate::sql::connect`]
    /// turns it on. Ignored for read-only databases (`?mode=ro`).
    #[must_use]
    pub fn synchronize(mut self, synchronize: bool) -> Options {
        self.synchronize = synchronize;
        self
    }

    /// How many read connections a file database opens beside its one writer connection
    /// (default 4). Reads run on any free one, in the calling task, while a write is in
    /// progress (WAL). `0` sends reads to the writer connection. An in-memory database always
    /// has exactly one connection.
    #[must_use]
    pub fn read_connections(mut self, read_connections: usize) -> Options {
        self.read_connections = read_connections;
        self
    }

    /// How long a call waits for a lock another process holds before it fails with
    /// "database is locked" (default 5 s). The wait happens on a blocking thread
    /// (`tokio::task::spawn_blocking`), never on an async worker; calls that find the database
    /// free run in place.
    #[must_use]
    pub fn busy_timeout(mut self, busy_timeout: Duration) -> Options {
        self.busy_timeout = busy_timeout;
        self
    }

    /// The durability level of commits (default [`Synchronous::Normal`]).
    #[must_use]
    pub fn synchronous(mut self, synchronous: Synchronous) -> Options {
        self.synchronous = synchronous;
        self
    }
}
