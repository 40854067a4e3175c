//! Connection URLs: which database a URL names.
//!
//! Entry point: [`parse`]. Accepted: `sqlite::memory:`, `sqlite://path`, `sqlite:path`, each
//! with an optional `?mode=rwc|rw|ro`; `postgres://` and `postgresql://` (feature `postgres`),
//! `mysql://` and `mariadb://` (feature `mysql`), whose host, credentials, database and
//! parameters sqlx reads. A server URL whose driver is not compiled in is
//! [`Error::Unsupported`] naming the feature to enable; anything else is [`Error::Url`].

use std::path::PathBuf;

use crate::dialect::Dialect;
use crate::error::{Error, Result};

/// What a URL names.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Target {
    /// A SQLite database.
    Sqlite(SqliteTarget),
    /// A PostgreSQL database: the URL as given, for sqlx to read.
    #[cfg(feature = "postgres")]
    Postgres(String),
    /// A MySQL or MariaDB database: the URL as given, for sqlx to read.
    #[cfg(feature = "mysql")]
    MySql(String),
}

impl Target {
    /// The dialect of the database named.
    pub fn dialect(&self) -> Dialect {
        match self {
            Target::Sqlite(_) => Dialect::Sqlite,
            #[cfg(feature = "postgres")]
            Target::Postgres(_) => Dialect::Postgres,
            #[cfg(feature = "mysql")]
            Target::MySql(_) => Dialect::MySql,
        }
    }
}

/// A SQLite database and how to open it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct SqliteTarget {
    /// Where the database lives.
    pub location: Location,
    /// How the file is opened.
    pub mode: Mode,
}

/// Where a SQLite database lives.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Location {
    /// A private in-memory database, gone when the adapter is dropped.
    Memory,
    /// A database file.
    File(PathBuf),
}

/// How a SQLite database file is opened (`?mode=`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Mode {
    /// `rwc`, the default: read-write, created when missing.
    Create,
    /// `rw`: read-write; the file must exist.
    Write,
    /// `ro`: read-only; the file must exist.
    ReadOnly,
}

/// Parses a connection URL.
pub(crate) fn parse(url: &str) -> Result<Target> {
    let Some((scheme, rest)) = url.split_once(':') else {
        return Err(invalid(
            url,
            "missing scheme: expected sqlite:, postgres:// or mysql://",
        ));
    };
    match scheme.to_ascii_lowercase().as_str() {
        "sqlite" => parse_sqlite(url, rest).map(Target::Sqlite),
        "postgres" | "postgresql" => server(url, Dialect::Postgres),
        "mysql" | "mariadb" => server(url, Dialect::MySql),
        other => Err(invalid(
            url,
            &format!("unknown scheme `{other}`: expected sqlite:, postgres:// or mysql://"),
        )),
    }
}

fn parse_sqlite(url: &str, rest: &str) -> Result<SqliteTarget> {
    let (path, query) = match rest.split_once('?') {
        Some((path, query)) => (path, Some(query)),
        None => (rest, None),
    };
    // `sqlite://x` and `sqlite:x` name the same file; `sqlite:///abs` keeps its leading slash.
    let path = path.strip_prefix("//").unwrap_or(path);
    let mut memory = path == ":memory:";
    let mut mode = Mode::Create;
    for pair in query.into_iter().flat_map(|q| q.split('&')) {
        if pair.is_empty() {
            continue;
        }
        let (key, value) = pair.split_once('=').unwrap_or((pair, ""));
        match (key, value) {
            ("mode", "rwc") => mode = Mode::Create,
            ("mode", "rw") => mode = Mode::Write,
            ("mode", "ro") => mode = Mode::ReadOnly,
            ("mode", "memory") => memory = true,
            ("mode", other) => {
                return Err(invalid(
                    url,
                    &format!("unknown mode `{other}`: expected rwc, rw, ro or memory"),
                ));
            }
            (other, _) => {
                return Err(invalid(
                    url,
                    &format!("unknown parameter `{other}`: expected mode"),
                ));
            }
        }
    }
    if memory {
        if mode == Mode::ReadOnly {
            return Err(invalid(url, "a new in-memory database cannot be read-only"));
        }
        return Ok(SqliteTarget {
            location: Location::Memory,
            mode: Mode::Create,
        });
    }
    if path.is_empty() {
        return Err(invalid(url, "missing database file path"));
    }
    let path = percent_decode(path).ok_or_else(|| invalid(url, "malformed percent-escape"))?;
    Ok(SqliteTarget {
        location: Location::File(PathBuf::from(path)),
        mode,
    })
}

/// Decodes `%XX` escapes (a space in a path is `%20`); `None` for a broken escape or a
/// result that is not UTF-8.
fn percent_decode(s: &str) -> Option<String> {
    if !s.contains('%') {
        return Some(s.to_owned());
    }
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' {
            let hex = s.get(i + 1..i + 3)?;
            if !hex.bytes().all(|b| b.is_ascii_hexdigit()) {
                return None;
            }
            out.push(u8::from_str_radix(hex, 16).ok()?);
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    String::from_utf8(out).ok()
}

/// A server URL, when its driver is compiled in.
fn server(url: &str, dialect: Dialect) -> Result<Target> {
    if !url.contains("://") {
        return Err(invalid(
            url,
            "expected `scheme://[user[:password]@]host[:port]/database`",
        ));
    }
    match dialect {
        #[cfg(feature = "postgres")]
        Dialect::Postgres => Ok(Target::Postgres(url.to_owned())),
        #[cfg(feature = "mysql")]
        Dialect::MySql => Ok(Target::MySql(url.to_owned())),
        _ => Err(Error::Unsupported {
            dialect,
            what: format!(
                "connecting without authmodel's `{}` feature (enable it in Cargo.toml: \
                 `authmodel = {{ features = [\"{}\"] }}`)",
                dialect.name(),
                dialect.name()
            ),
        }),
    }
}

fn invalid(url: &str, reason: &str) -> Error {
    Error::Url {
        url: redact(url),
        reason: reason.to_owned(),
    }
}

/// The URL with the password of its `user:password@` part replaced by `***`, so errors can be
/// logged.
pub(crate) fn redact(url: &str) -> String {
    let Some(authority_start) = url.find("://").map(|i| i + 3) else {
        return url.to_owned();
    };
    let authority_end = url[authority_start..]
        .find(['/', '?', '#'])
        .map_or(url.len(), |i| authority_start + i);
    let authority = &url[authority_start..authority_end];
    let Some(at) = authority.rfind('@') else {
        return url.to_owned();
    };
    let Some(colon) = authority[..at].find(':') else {
        return url.to_owned();
    };
    let password_start = authority_start + colon + 1;
    let password_end = authority_start + at;
    format!("{}***{}", &url[..password_start], &url[password_end..])
}

#[cfg(test)]
mod tests {
    use super::*;

    fn file(path: &str, mode: Mode) -> Target {
        Target::Sqlite(SqliteTarget {
            location: Location::File(PathBuf::from(path)),
            mode,
        })
    }

    #[test]
    fn sqlite_forms() {
        let memory = Target::Sqlite(SqliteTarget {
            location: Location::Memory,
            mode: Mode::Create,
        });
        assert_eq!(parse("sqlite::memory:").unwrap(), memory);
        assert_eq!(parse("sqlite://:memory:").unwrap(), memory);
        assert_eq!(parse("sqlite://x.db?mode=memory").unwrap(), memory);
        assert_eq!(
            parse("sqlite://data/auth.db").unwrap(),
            file("data/auth.db", Mode::Create)
        );
        assert_eq!(
            parse("sqlite:///var/lib/auth.db?mode=rw").unwrap(),
            file("/var/lib/auth.db", Mode::Write)
        );
        assert_eq!(
            parse("sqlite:auth.db?mode=ro").unwrap(),
            file("auth.db", Mode::ReadOnly)
        );
        assert_eq!(
            parse("SQLite:my%20auth.db?mode=rwc").unwrap(),
            file("my auth.db", Mode::Create)
        );
    }

    #[test]
    fn server_urls_need_their_feature() {
        for (url, dialect) in [
            ("postgres://u:secret@localhost/db", Dialect::Postgres),
            ("postgresql://localhost/db", Dialect::Postgres),
            ("mysql://root@127.0.0.1:3306/db", Dialect::MySql),
            ("mariadb://localhost/db", Dialect::MySql),
        ] {
            let compiled = match dialect {
                Dialect::Postgres => cfg!(feature = "postgres"),
                _ => cfg!(feature = "mysql"),
            };
            match parse(url) {
                #[cfg(feature = "postgres")]
                Ok(Target::Postgres(u)) => assert!(compiled && u == url, "{url}"),
                #[cfg(feature = "mysql")]
                Ok(Target::MySql(u)) => assert!(compiled && u == url, "{url}"),
                Err(Error::Unsupported { dialect: d, what }) => {
                    assert!(!compiled, "{url}");
                    assert_eq!(d, dialect, "{url}");
                    assert!(what.contains(&format!("`{}` feature", d.name())), "{what}");
                }
                other => panic!("{url}: {other:?}"),
            }
        }
        assert!(matches!(
            parse("postgres:localhost"),
            Err(Error::Url { .. })
        ));
    }

    #[test]
    fn malformed_urls() {
        for (url, needle) in [
            ("auth.db", "missing scheme"),
            ("redis://localhost", "unknown scheme `redis`"),
            ("sqlite:", "missing database file path"),
            ("sqlite://", "missing database file path"),
            ("sqlite://a.db?mode=rwx", "unknown mode `rwx`"),
            ("sqlite://a.db?cache=shared", "unknown parameter `cache`"),
            ("sqlite::memory:?mode=ro", "cannot be read-only"),
            ("sqlite://a%2.db", "percent-escape"),
        ] {
            match parse(url) {
                Err(Error::Url { reason, .. }) => {
                    assert!(reason.contains(needle), "{url}: {reason}")
                }
                other => panic!("{url}: {other:?}"),
            }
        }
    }

    #[test]
    fn passwords_are_redacted() {
        assert_eq!(
            redact("http://user:hunter2@host:1/db?x=y"),
            "http://user:***@host:1/db?x=y"
        );
        assert_eq!(redact("http://user@host/db"), "http://user@host/db");
        assert_eq!(redact("sqlite://a.db"), "sqlite://a.db");
        match parse("ftp://u:hunter2@host/x") {
            Err(Error::Url { url, .. }) => assert_eq!(url, "ftp://u:***@host/x"),
            other => panic!("{other:?}"),
        }
    }
}
