//! Read replicas ([`Options::replicas`]): which reads go where, and how each replica's
//! health and lag are known.
//!
//! Entry points: [`Replicas::open`] (at connect), [`watch`] (the background check), the
//! routed reads [`Inner::read_optional`] and [`Inner::read_all`], [`Inner::wrote`] (the
//! fence every write sets), and [`ReplicaStatus`] (what [`SqlAdapter::replicas`] reports).
//!
//! Lag without clocks: each check asks the primary where its write-ahead log ends (`P`, at
//! instant `C`, taken before asking) and each replica how far it has replayed (`R`). A
//! replica with `R >= P` holds every commit made before `C`; it is *fresh as of* the latest
//! recent check whose `P` it has replayed, and its lag is the time since then. An idle primary
//! keeps its position, so its replicas stay fresh; a replica whose replay is paused or slow
//! ages until it passes the bound. A replica that stops being checked (its task gone with
//! its runtime) ages the same way, so nothing stale is ever read past the bound.
//!
//! Read your writes: every write through the adapter records when it completed (the
//! *fence*). A replica serves reads only when it is fresh as of a check that started after
//! the fence, that is when it holds that write. Reads by a key that find nothing on a
//! replica are asked again of the primary, so a row another process wrote a moment ago is
//! found too.

use std::collections::VecDeque;
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, OnceLock};
use std::time::{Duration, Instant};

use crate::dialect::Dialect;
use crate::error::{Error, Result};
use crate::statements::catalog::{self, Query};
use crate::value::Value;

use super::driver::Driver;
use super::executor::{Access, Call};
use super::options::{Options, ReplicaUrls};
use super::{Inner, open, url};

/// How long a check, a replica's (re)connection or a read on a replica may take before the
/// replica is skipped (and the read served by the primary): a replica is an optimisation, and
/// a frozen one must not hold calls for the whole call timeout.
const REPLICA_TIMEOUT: Duration = Duration::from_secs(1);

/// What one read replica is doing, as [`SqlAdapter::replicas`](super::SqlAdapter::replicas)
/// reports it, in the order of [`Options::replicas`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub struct ReplicaStatus {
    /// Whether a pool to it is open (a replica unreachable since `connect` has none yet).
    pub connected: bool,
    /// How far behind the primary it is (the time since the last check whose primary
    /// position it had replayed); `None` when it is unreachable, failed its last read, is
    /// no replica, or is behind every check kept (more than the bound).
    pub lag: Option<Duration>,
    /// Whether reads may go to it now: connected and within [`Options::max_replica_lag`].
    /// (Right after a write through the adapter, reads still wait for the next check.)
    pub healthy: bool,
    /// The statements sent to it so far (reads and checks), as
    /// [`SqlAdapter::statements_executed`](super::SqlAdapter::statements_executed) counts the
    /// primary's.
    pub statements_executed: u64,
}

/// The replicas of one adapter and what the checks know of them.
pub(super) struct Replicas {
    replicas: Vec<Replica>,
    options: Options,
    /// The instant the ticks below count from.
    base: Instant,
    /// When the last write through the adapter completed, in ticks (0: never).
    fence: AtomicU64,
    /// The round robin's next start.
    next: AtomicUsize,
    /// `(tick, primary position)` of the recent checks, oldest first.
    samples: Mutex<VecDeque<(u64, u64)>>,
    wal_end: Query,
    wal_replayed: Query,
}

struct Replica {
    url: String,
    driver: OnceLock<Driver>,
    /// The tick of the latest check whose primary position it had replayed; 0 when it may
    /// not be read (unreachable, failed, no replica, or behind every sample).
    fresh_as_of: AtomicU64,
}

impl Replicas {
    /// Opens a pool to each replica of `options` that answers; the others are tried again
    /// at each check. Fails for a malformed URL, one of another database than the primary's
    /// `dialect`, or a dialect whose replicas authmodel cannot measure.
    pub async fn open(dialect: Dialect, options: &Options) -> Result<Replicas> {
        let unsupported = || Error::Unsupported {
            dialect,
            what: "read replicas (PostgreSQL only)".to_owned(),
        };
        let wal_end = catalog::wal_end(dialect).ok_or_else(unsupported)?;
        let wal_replayed = catalog::wal_replayed(dialect).ok_or_else(unsupported)?;
        let mut replica_options = options.clone().synchronize(false);
        replica_options.replicas = ReplicaUrls::default();
        let mut replicas = Vec::with_capacity(options.replicas.0.len());
        for url in &options.replicas.0 {
            let target = url::parse(url).map_err(|e| url::hide_secrets(e, url))?;
            if target.dialect() != dialect {
                return Err(Error::InvalidInput(format!(
                    "a read replica must be a {} server, like its primary",
                    dialect.name()
                )));
            }
            let replica = Replica {
                url: url.clone(),
                driver: OnceLock::new(),
                fresh_as_of: AtomicU64::new(0),
            };
            replica.reopen(&replica_options).await;
            replicas.push(replica);
        }
        Ok(Replicas {
            replicas,
            options: replica_options,
            base: Instant::now(),
            fence: AtomicU64::new(0),
            next: AtomicUsize::new(0),
            samples: Mutex::new(VecDeque::new()),
            wal_end,
            wal_replayed,
        })
    }

    /// `at` in ticks: nanoseconds since `base`, plus one (0 means never).
    fn tick(&self, at: Instant) -> u64 {
        let nanos = at.saturating_duration_since(self.base).as_nanos();
        u64::try_from(nanos).unwrap_or(u64::MAX - 1) + 1
    }

    fn nanos(duration: Duration) -> u64 {
        u64::try_from(duration.as_nanos()).unwrap_or(u64::MAX)
    }

    /// One check: the primary's position, then each replica's. A primary that does not
    /// answer leaves everything as it was (the replicas age).
    pub async fn check(&self, primary: &Driver) {
        let at = Instant::now();
        let Ok(Ok(rows)) =
            tokio::time::timeout(REPLICA_TIMEOUT, primary.catalog(&self.wal_end, &[])).await
        else {
            return;
        };
        let Some(end) = position(&rows) else {
            return;
        };
        let now = self.tick(at);
        let keep = Self::nanos(self.options.max_replica_lag + self.options.replica_check_interval);
        let samples: Vec<(u64, u64)> = {
            let mut samples = self.samples.lock().unwrap_or_else(|e| e.into_inner());
            samples.push_back((now, end));
            while samples
                .front()
                .is_some_and(|&(tick, _)| now.saturating_sub(tick) > keep)
            {
                samples.pop_front();
            }
            samples.iter().copied().collect()
        };
        for replica in &self.replicas {
            let fresh = match replica.replayed(self).await {
                // The latest check whose position it holds.
                Some(replayed) => samples
                    .iter()
                    .rev()
                    .find(|&&(_, end)| end <= replayed)
                    .map_or(0, |&(tick, _)| tick),
                None => 0,
            };
            replica.fresh_as_of.store(fresh, Ordering::Release);
        }
    }

    /// A replica that may serve a read now, the next in turn.
    fn pick(&self) -> Option<(&Replica, &Driver)> {
        let now = self.tick(Instant::now());
        let oldest = now.saturating_sub(Self::nanos(self.options.max_replica_lag));
        let fence = self.fence.load(Ordering::Acquire);
        let n = self.replicas.len();
        let start = self.next.fetch_add(1, Ordering::Relaxed);
        (0..n)
            .map(|i| &self.replicas[(start + i) % n])
            .find_map(|replica| {
                let fresh = replica.fresh_as_of.load(Ordering::Acquire);
                let usable = fresh != 0 && fresh > fence && fresh >= oldest;
                usable
                    .then(|| replica.driver.get())
                    .flatten()
                    .map(|driver| (replica, driver))
            })
    }

    /// What each replica is doing.
    pub fn status(&self) -> Vec<ReplicaStatus> {
        let now = self.tick(Instant::now());
        self.replicas
            .iter()
            .map(|replica| {
                let fresh = replica.fresh_as_of.load(Ordering::Acquire);
                let lag = (fresh != 0).then(|| Duration::from_nanos(now.saturating_sub(fresh)));
                let connected = replica.driver.get().is_some();
                ReplicaStatus {
                    connected,
                    lag,
                    healthy: connected
                        && lag.is_some_and(|lag| lag <= self.options.max_replica_lag),
                    statements_executed: replica
                        .driver
                        .get()
                        .map_or(0, Driver::statements_executed),
                }
            })
            .collect()
    }
}

impl Replica {
    /// Opens the pool if it is not open yet; a failure leaves it closed until the next try.
    async fn reopen(&self, options: &Options) {
        if self.driver.get().is_some() {
            return;
        }
        let Ok(target) = url::parse(&self.url) else {
            return; // checked when connecting
        };
        if let Ok(Ok(driver)) = tokio::time::timeout(REPLICA_TIMEOUT, open(target, options)).await {
            // Only the check task opens after `connect`: the cell is empty.
            let _ = self.driver.set(driver);
        }
    }

    /// How far it has replayed; `None` when it cannot say (unreachable, slow, not a replica).
    async fn replayed(&self, replicas: &Replicas) -> Option<u64> {
        self.reopen(&replicas.options).await;
        let driver = self.driver.get()?;
        let rows =
            tokio::time::timeout(REPLICA_TIMEOUT, driver.catalog(&replicas.wal_replayed, &[]))
                .await
                .ok()?
                .ok()?;
        position(&rows)
    }
}

/// The one number a position query returns (`NULL`, or no row: none).
fn position(rows: &[Vec<Option<String>>]) -> Option<u64> {
    rows.first()?.first()?.as_deref()?.parse().ok()
}

/// Starts the background check of `inner`'s replicas, every
/// [`Options::replica_check_interval`], on the runtime `connect` ran on. It holds the adapter
/// only during a check, and ends at the first check after the adapter's last clone is
/// dropped.
pub(super) fn watch(inner: &Arc<Inner>) {
    let Some(replicas) = &inner.replicas else {
        return;
    };
    let weak = Arc::downgrade(inner);
    let mut ticker = tokio::time::interval(replicas.options.replica_check_interval);
    ticker.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    tokio::spawn(async move {
        ticker.tick().await; // the first tick is immediate: `connect` has just checked
        loop {
            ticker.tick().await;
            let Some(inner) = weak.upgrade() else {
                return;
            };
            if let Some(replicas) = &inner.replicas {
                replicas.check(&inner.driver).await;
            }
        }
    });
}

impl Inner {
    /// Runs a read that tolerates lag and returns its first row: on a replica when one may
    /// serve it, else (or when the replica has no such row, or fails) on the primary.
    pub(super) async fn read_optional(&self, call: Call<'_>) -> Result<Option<Vec<Value>>> {
        if let Some((replica, driver)) = self.replicas.as_ref().and_then(Replicas::pick) {
            match tokio::time::timeout(REPLICA_TIMEOUT, driver.fetch_optional(Access::Read, call))
                .await
            {
                Ok(Ok(Some(row))) => return Ok(Some(row)),
                Ok(Ok(None)) => {} // perhaps written a moment ago: the primary says
                Ok(Err(_)) | Err(_) => replica.fresh_as_of.store(0, Ordering::Release),
            }
        }
        self.driver.fetch_optional(Access::Read, call).await
    }

    /// [`Inner::read_optional`] for a read of every row; an empty answer counts as a miss.
    pub(super) async fn read_all(&self, call: Call<'_>) -> Result<Vec<Vec<Value>>> {
        if let Some((replica, driver)) = self.replicas.as_ref().and_then(Replicas::pick) {
            match tokio::time::timeout(REPLICA_TIMEOUT, driver.fetch_all(Access::Read, call)).await
            {
                Ok(Ok(rows)) if !rows.is_empty() => return Ok(rows),
                Ok(Ok(_)) => {}
                Ok(Err(_)) | Err(_) => replica.fresh_as_of.store(0, Ordering::Release),
            }
        }
        self.driver.fetch_all(Access::Read, call).await
    }

    /// Records that a write through the adapter has just ended (whatever its result: a write
    /// that failed or timed out may have been applied): reads stay on the primary until a
    /// check finds a replica holding it.
    pub(super) fn wrote(&self) {
        if let Some(replicas) = &self.replicas {
            let now = replicas.tick(Instant::now());
            replicas.fence.fetch_max(now, Ordering::AcqRel);
        }
    }
}
