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
    /// `synchronous = OFF`: SQLite never calls `fsync`; the operating system writes the WAL
    /// and the database file when it likes.
    ///
    /// **Warning:** an application crash still loses nothing, but a power failure or an
    /// operating-system crash can lose any number of recent commits *and can corrupt the
    /// database file* beyond repair. Only for data you can rebuild (tests, a cache, a
    /// throwaway demo), never for accounts and sessions you must keep.
    Off,
}

impl Synchronous {
    /// The pragma's value as SQLite spells it.
    #[cfg_attr(not(feature = "sqlite"), allow(dead_code))]
    pub(crate) fn pragma_value(self) -> &'static str {
        match self {
            Synchronous::Normal => "NORMAL",
            Synchronous::Full => "FULL",
            Synchronous::Off => "OFF",
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
    pub(crate) mmap_size: u64,
    pub(crate) postgres_schema: Option<String>,
    pub(crate) replicas: ReplicaUrls,
    pub(crate) max_replica_lag: Duration,
    pub(crate) replica_check_interval: Duration,
}

/// The default of [`Options::mmap_size`]: 1 GiB of address space per SQLite connection on a
/// 64-bit target, none (plain reads) on a 32-bit one, whose address space is too small.
#[cfg(target_pointer_width = "64")]
pub const DEFAULT_MMAP_SIZE: u64 = 1 << 30;
/// The default of [`Options::mmap_size`]: 1 GiB of address space per SQLite connection on a
/// 64-bit target, none (plain reads) on a 32-bit one, whose address space is too small.
#[cfg(not(target_pointer_width = "64"))]
pub const DEFAULT_MMAP_SIZE: u64 = 0;

impl Default for Options {
    /// No synchronize, 4 read connections, a 5 s busy timeout, `synchronous = NORMAL`,
    /// [`DEFAULT_MMAP_SIZE`] for SQLite, pools
    /// of up to 10 connections waited for up to 30 s, a 10 s connect timeout and a 30 s call
    /// timeout; no read replicas (when some are given: a 5 s lag bound, checked every 100 ms).
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
            mmap_size: DEFAULT_MMAP_SIZE,
            postgres_schema: None,
            replicas: ReplicaUrls::default(),
            max_replica_lag: Duration::from_secs(5),
            replica_check_interval: Duration::from_millis(100),
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

    /// How many bytes of a SQLite file each connection reads through a memory map (`PRAGMA
    /// mmap_size`; default [`DEFAULT_MMAP_SIZE`]: 1 GiB on 64-bit targets, 0 on 32-bit ones).
    /// SQLite only.
    ///
    /// A mapped page is read in place, without a system call or a copy: this lowers a
    /// session lookup's cost on large tables (`benches/sqlite.rs`, median on a shared 2-core
    /// machine: 4 µs at 1,000 sessions, 8-13 µs at 1,000,000, against 13-16 µs at 1,000,000
    /// with plain reads, whatever the page cache's size; the rest of the growth is SQLite's
    /// own B-tree walk, which a hand-written rusqlite reader pays alike). The map is address space,
    /// not memory: its pages live in the operating system's file cache, shared by every
    /// connection and process on the file, counted in the process's RSS only while resident,
    /// and dropped by the kernel under memory pressure like any cached file page. A file
    /// larger than the map is read through it up to the size, then with plain reads. `0`
    /// turns mapping off: choose it on hosts where an I/O error must be an error, not a
    /// `SIGBUS` (a database on a network filesystem or removable disk). SQLite caps the value
    /// at its compile-time maximum (just under 2 GiB in the bundled build).
    #[must_use]
    pub fn mmap_size(mut self, bytes: u64) -> Options {
        self.mmap_size = bytes;
        self
    }

    /// The PostgreSQL schema (namespace) that holds the tables, `auth` say, instead of the
    /// `search_path` the URL and the server give (usually `public`). PostgreSQL only.
    ///
    /// Every connection starts with `search_path` set to that schema alone (a startup
    /// parameter, no extra round trip), so every statement, [`Options::synchronize`]'s DDL and
    /// the catalog reads of `check` and `migrate` find the tables there and nowhere else.
    /// [`Options::synchronize`] creates the schema when it is missing (`CREATE SCHEMA IF NOT
    /// EXISTS`). The name is used as written, case included (it is quoted). Outranks a
    /// `search_path` given in the URL (`?options=-csearch_path%3Dauth`), which works too, for
    /// a schema that exists.
    ///
    /// ```
    /// use authmodel::Options;
    ///
    /// let options = Options::default().synchronize(true).postgres_schema("auth");
    /// # let _ = options;
    /// ```
    #[must_use]
    pub fn postgres_schema(mut self, schema: impl Into<String>) -> Options {
        self.postgres_schema = Some(schema.into());
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

    /// Read replicas of a PostgreSQL primary (URLs as for the primary; e.g. streaming
    /// standbys made with `pg_basebackup -R`). Reads that tolerate a bounded lag go to a
    /// healthy replica, in turn (round robin): `get_user`, `get_user_by_email`,
    /// `get_user_by_account`, `get_account`, `get_session_and_user`,
    /// `list_authenticators_by_user_id` and `list_sessions`. Every write,
    /// `use_verification_token`, `get_authenticator` (its counter guards against cloned
    /// authenticators) and the raw and migration calls go to the primary.
    ///
    /// A read that finds nothing on the replica (or fails there) is asked again of the
    /// primary, so a row written a moment ago by another process is found; after a write
    /// through this adapter (or a clone), reads stay on the primary until a check has seen a
    /// replica replay past that write, so the adapter reads its own writes (updates and
    /// deletes included). A replica is skipped while it is unreachable or behind by more than
    /// [`Options::max_replica_lag`]. See [`SqlAdapter::replicas`](super::SqlAdapter::replicas)
    /// for what each one is doing.
    ///
    /// Each replica gets a pool of its own, with these options (up to
    /// [`Options::max_connections`] connections). A replica that cannot be reached when
    /// connecting does not fail `connect`: it is tried again at each check. PostgreSQL only: `connect` fails with
    /// [`Error::Unsupported`](crate::Error::Unsupported) for replicas of SQLite or MySQL.
    #[must_use]
    pub fn replicas<I, U>(mut self, urls: I) -> Options
    where
        I: IntoIterator<Item = U>,
        U: Into<String>,
    {
        self.replicas = ReplicaUrls(urls.into_iter().map(Into::into).collect());
        self
    }

    /// How far behind its primary a replica may be and still serve reads (default 5 s).
    ///
    /// The lag is measured without trusting either server's clock: at each check the primary
    /// is asked where its write-ahead log ends and each replica how far it has replayed; a
    /// replica's lag is the time since the last check whose primary position it has replayed.
    /// It counts up to one [`Options::replica_check_interval`] even for a replica that is
    /// caught up, so keep the bound well above the interval. This bound is also how long a
    /// change another process made (a revoked session, an updated user) may stay unseen by
    /// this adapter's replica reads.
    #[must_use]
    pub fn max_replica_lag(mut self, max_replica_lag: Duration) -> Options {
        self.max_replica_lag = max_replica_lag;
        self
    }

    /// How often a background task checks the replicas (default 100 ms): one statement on the
    /// primary and one on each replica per check, never one per call (they count in
    /// [`SqlAdapter::statements_executed`](super::SqlAdapter::statements_executed) and in
    /// each replica's count). A replica that cannot
    /// be reached, or does not answer within a second, is skipped until a check reaches it
    /// again; a replica read that fails marks it so at once. After a write, reads return to
    /// the replicas at the next check that finds one caught up.
    #[must_use]
    pub fn replica_check_interval(mut self, replica_check_interval: Duration) -> Options {
        self.replica_check_interval = replica_check_interval;
        self
    }
}

/// The replica URLs of [`Options::replicas`]; their `Debug` hides them, since a URL may hold a
/// password.
#[derive(Clone, Default, PartialEq, Eq)]
pub(crate) struct ReplicaUrls(pub Vec<String>);

impl std::fmt::Debug for ReplicaUrls {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "[{} replica URL(s)]", self.0.len())
    }
}

/// The `search_path` startup parameter [`Options::postgres_schema`] asks for: the schema alone,
/// quoted as an identifier; none without it.
#[cfg(feature = "postgres")]
pub(crate) fn search_path(options: &Options) -> Option<(&'static str, String)> {
    let schema = options.postgres_schema.as_deref()?;
    Some(("search_path", crate::Dialect::Postgres.quote(schema)))
}
