//! Opening a SQLite file where another process is at work.
//!
//! Entry point: [`switch_to_wal`] (the writer's first step, waiting out another connection's
//! lock).

use std::path::Path;
use std::time::{Duration, Instant};

use rusqlite::{Connection, ErrorCode};

use crate::error::{Error, Result};

/// Switches the file to WAL (`PRAGMA journal_mode = WAL`, persistent in the file), waiting up
/// to `busy_timeout` for another connection's lock.
///
/// Leaving a rollback journal takes the file's exclusive lock, and SQLite does not call the
/// busy handler for that upgrade: next to a writer that holds `BEGIN IMMEDIATE` (the `sqlite3`
/// shell, Prisma) the pragma fails at once with `SQLITE_BUSY`. So it is retried here, with
/// short pauses, until the busy timeout has passed. Runs on a blocking thread, as all of
/// opening does.
pub(super) fn switch_to_wal(
    connection: &Connection,
    path: &Path,
    busy_timeout: Duration,
) -> Result<()> {
    let started = Instant::now();
    let mut pause = Duration::from_millis(1);
    loop {
        let switched = connection.query_row("PRAGMA journal_mode = WAL", [], |row| {
            row.get::<_, String>(0)
        });
        match switched {
            // A filesystem without shared memory keeps the old mode: everything still works,
            // with more busy retries.
            Ok(_) => return Ok(()),
            Err(e) if is_busy(&e) => {
                let waited = started.elapsed();
                if waited >= busy_timeout {
                    return Err(Error::Locked {
                        lock: format!(
                            "the exclusive lock of `{}`, to switch it to WAL \
                             (`PRAGMA journal_mode = WAL`)",
                            path.display()
                        ),
                        waited,
                    });
                }
                std::thread::sleep(pause.min(busy_timeout - waited));
                pause = (pause * 2).min(Duration::from_millis(50));
            }
            Err(e) => return Err(Error::database(e)),
        }
    }
}

fn is_busy(error: &rusqlite::Error) -> bool {
    matches!(
        error.sqlite_error_code(),
        Some(ErrorCode::DatabaseBusy | ErrorCode::DatabaseLocked)
    )
}
