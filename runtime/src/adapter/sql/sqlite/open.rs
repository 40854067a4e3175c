//! Opening a SQLite file where another process is at work, or where nothing can be written.
//!
//! Entry points: [`switch_to_wal`] (the writer's first step, waiting out another connection's
//! lock) and [`read_only_opening`] (how a `?mode=ro` file can be read at all).

use std::ffi::OsString;
use std::path::{Path, PathBuf};
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

/// How a `?mode=ro` file is opened.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum ReadOnly {
    /// Read-only, sharing locks with the file's writers as usual.
    Shared,
    /// Read-only and `immutable=1`: no locks, no `-shm`.
    Immutable,
}

/// Whether `connection`, opened read-only on `path`, can read; if not, whether the file can
/// be read `immutable`.
///
/// A WAL file closed cleanly has no `-shm`, and a read-only connection cannot create one in a
/// directory it may not write (mode 0555, a read-only filesystem): every read fails with
/// "unable to open database file" or "attempt to write a readonly database". No other process can be writing to the file then (a writer
/// needs the `-wal` and `-shm` files that cannot be created), so it cannot change under us, and
/// `immutable=1` (no locks, no shared memory) reads it exactly. Unless its `-wal` still holds
/// commits (after a crash): `immutable` would not see them, so connecting fails and says what
/// to do.
pub(super) fn read_only_opening(connection: &Connection, path: &Path) -> Result<ReadOnly> {
    let probe = connection.query_row("PRAGMA schema_version", [], |row| row.get::<_, i64>(0));
    // "unable to open database file", or SQLITE_READONLY_DIRECTORY where SQLite tells why.
    match probe {
        Err(e)
            if matches!(
                e.sqlite_error_code(),
                Some(ErrorCode::CannotOpen | ErrorCode::ReadOnly)
            ) => {}
        // Readable, or a failure (a lock, a damaged file) that each read reports as before.
        _ => return Ok(ReadOnly::Shared),
    }
    let size = |suffix: &str| std::fs::metadata(sibling(path, suffix)).map(|m| m.len());
    if size("-shm").is_ok() {
        // The -shm exists but cannot be opened: its permissions, not its absence.
        return Err(cannot_open(
            path,
            "its `-shm` file exists but cannot be opened: give this user read access to it",
        ));
    }
    match size("-wal") {
        Err(_) | Ok(0) => Ok(ReadOnly::Immutable),
        Ok(_) => Err(cannot_open(
            path,
            "it is in WAL mode, its `-shm` file cannot be created next to it (a read-only \
             directory or filesystem), and its `-wal` file still holds commits that a reader \
             could only see through that `-shm`; open it once with `?mode=rw` where it can be \
             written (that folds the `-wal` into the file), or make its directory writable",
        )),
    }
}

/// `path` with `suffix` appended (`auth.db` → `auth.db-wal`).
fn sibling(path: &Path, suffix: &str) -> PathBuf {
    let mut name = OsString::from(path.as_os_str());
    name.push(suffix);
    PathBuf::from(name)
}

fn cannot_open(path: &Path, why: &str) -> Error {
    Error::Database(
        format!(
            "cannot read SQLite database `{}` read-only: {why}",
            path.display()
        )
        .into(),
    )
}

/// The `file:` URI that opens `path` read-only and immutable (`SQLITE_OPEN_URI`); every byte
/// outside the unreserved set and `/` is percent-escaped, so `?`, `#` and `%` in a path stay
/// part of it.
pub(super) fn immutable_uri(path: &Path) -> Result<String> {
    let text = path.to_str().ok_or_else(|| {
        cannot_open(
            path,
            "its path is not UTF-8, which an immutable (`file:` URI) opening needs",
        )
    })?;
    let mut uri = String::from(if path.is_absolute() {
        "file://"
    } else {
        "file:"
    });
    for byte in text.bytes() {
        if byte.is_ascii_alphanumeric() || b"-._~/".contains(&byte) {
            uri.push(char::from(byte));
        } else {
            uri.push_str(&format!("%{byte:02X}"));
        }
    }
    uri.push_str("?mode=ro&immutable=1");
    Ok(uri)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn immutable_uris_escape_what_a_uri_would_read() {
        assert_eq!(
            immutable_uri(Path::new("/var/lib/a b?#%.db")).unwrap(),
            "file:///var/lib/a%20b%3F%23%25.db?mode=ro&immutable=1"
        );
        assert_eq!(
            immutable_uri(Path::new("data/auth.db")).unwrap(),
            "file:data/auth.db?mode=ro&immutable=1"
        );
        assert_eq!(
            sibling(Path::new("data/auth.db"), "-wal"),
            Path::new("data/auth.db-wal")
        );
    }
}
