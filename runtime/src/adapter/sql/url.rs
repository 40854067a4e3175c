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

/// The URL with every password it carries replaced by `***`, so errors can be logged: the
/// `user:password@` part and any `password=` parameter (see [`password_spans`]).
pub(crate) fn redact(url: &str) -> String {
    let mut out = String::with_capacity(url.len());
    let mut copied = 0;
    for span in password_spans(url) {
        out.push_str(&url[copied..span.start]);
        out.push_str("***");
        copied = span.end;
    }
    out.push_str(&url[copied..]);
    out
}

/// Every form in which a password of `url` could appear in a message: each password as
/// written, percent-decoded, and form-decoded (`+` as a space), longest first. Empty for a URL
/// without a password.
pub(crate) fn secrets(url: &str) -> Vec<String> {
    let mut found = Vec::new();
    for span in password_spans(url) {
        let raw = &url[span];
        let decoded = percent_decode(raw);
        let form = percent_decode(&raw.replace('+', " "));
        for secret in [Some(raw.to_owned()), decoded, form].into_iter().flatten() {
            if !secret.is_empty() && !found.contains(&secret) {
                found.push(secret);
            }
        }
    }
    found.sort_by_key(|s| std::cmp::Reverse(s.len()));
    found
}

/// `text` with each of `secrets` (from [`secrets`]) replaced by `***`.
pub(crate) fn scrub(text: &str, secrets: &[String]) -> String {
    secrets.iter().fold(text.to_owned(), |text, secret| {
        text.replace(secret.as_str(), "***")
    })
}

/// `error` without any password of `url`: the URL and reason of [`Error::Url`] scrubbed, and a
/// driver's error whose message or `Debug` form holds a password replaced by its scrubbed
/// message (drivers are free to quote what they were given).
pub(crate) fn hide_secrets(error: Error, url: &str) -> Error {
    let secrets = secrets(url);
    if secrets.is_empty() {
        return error;
    }
    let shows = |text: String| secrets.iter().any(|s| text.contains(s.as_str()));
    match error {
        Error::Url { url, reason } => Error::Url {
            url: scrub(&url, &secrets),
            reason: scrub(&reason, &secrets),
        },
        Error::Database(source) if shows(source.to_string()) || shows(format!("{source:?}")) => {
            Error::Database(Box::new(Scrubbed(scrub(&source.to_string(), &secrets))))
        }
        other => other,
    }
}

/// A driver's message with its passwords replaced; `Debug` shows the same text.
struct Scrubbed(String);

impl std::fmt::Display for Scrubbed {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::fmt::Debug for Scrubbed {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        std::fmt::Debug::fmt(&self.0, f)
    }
}

impl std::error::Error for Scrubbed {}

/// The byte ranges of `url` that hold a password, in order and not overlapping.
///
/// Read as leniently as any driver might read the URL, so that nothing a driver could take
/// for a password is ever printed:
/// - the userinfo runs to the *last* `@` that is followed by something shaped like a host
///   (`[A-Za-z0-9.-_~%:[]]`, possibly empty for a socket path in the parameters), so a
///   password holding an unescaped `/`, `?`, `#` or `@` is covered whole; its password is
///   everything after the first `:`. An `@` inside a parameter value (`?application_name=a@b`)
///   hides more than the password, never less;
/// - every `password=` parameter (the key in any case, percent-escaped or not) up to the next
///   `&`, fragment included.
///
/// SQLite URLs name a file, and carry no password.
fn password_spans(url: &str) -> Vec<std::ops::Range<usize>> {
    let Some((scheme, _)) = url.split_once(':') else {
        return Vec::new();
    };
    if scheme.eq_ignore_ascii_case("sqlite") {
        return Vec::new();
    }
    let mut spans: Vec<std::ops::Range<usize>> = Vec::new();
    let mut start = scheme.len() + 1;
    if url[start..].starts_with("//") {
        start += 2;
    }
    let rest = &url[start..];
    let userinfo_end = rest.rmatch_indices('@').map(|(i, _)| i).find(|&at| {
        let host = &rest[at + 1..];
        let host = &host[..host.find(['/', '?', '#']).unwrap_or(host.len())];
        host.bytes()
            .all(|b| b.is_ascii_alphanumeric() || b".-_~%:[]".contains(&b))
    });
    if let Some(at) = userinfo_end
        && let Some(colon) = rest[..at].find(':')
        && colon + 1 < at
    {
        spans.push(start + colon + 1..start + at);
    }
    for (i, _) in url.match_indices(['?', '&']) {
        let pair = &url[i + 1..];
        let Some(eq) = pair.find('=') else { continue };
        let key = &pair[..eq];
        if key.contains(['&', '?', '#']) {
            continue;
        }
        let key = percent_decode(key).unwrap_or_else(|| key.to_owned());
        if !key.trim().eq_ignore_ascii_case("password") {
            continue;
        }
        let value_start = i + 1 + eq + 1;
        let value_end = url[value_start..]
            .find('&')
            .map_or(url.len(), |j| value_start + j);
        if value_start < value_end {
            spans.push(value_start..value_end);
        }
    }
    spans.sort_by_key(|s| s.start);
    let mut merged: Vec<std::ops::Range<usize>> = Vec::with_capacity(spans.len());
    for span in spans {
        match merged.last_mut() {
            Some(last) if span.start <= last.end => last.end = last.end.max(span.end),
            _ => merged.push(span),
        }
    }
    merged
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

    /// Each URL, redacted, on every server scheme: the password (`hunter…`) never shows.
    #[test]
    fn passwords_with_delimiters_are_redacted_whole() {
        for scheme in ["postgres", "postgresql", "mysql", "mariadb"] {
            for (url, redacted) in [
                ("app:hunter/2@db.internal/app", "app:***@db.internal/app"),
                ("app:hunter?2@db.internal/app", "app:***@db.internal/app"),
                ("app:hunter#2@db.internal/app", "app:***@db.internal/app"),
                (
                    "app:hunter@2@db.internal:5432/app",
                    "app:***@db.internal:5432/app",
                ),
                ("app:hunter%2@db.internal/app", "app:***@db.internal/app"),
                ("app:hunter%2F2@db.internal/app", "app:***@db.internal/app"),
                (
                    "app:h/u?n#t@e%r@[::1]:5432/app?x=1",
                    "app:***@[::1]:5432/app?x=1",
                ),
                ("app:hunter2@/app?host=/run/pg", "app:***@/app?host=/run/pg"),
                (
                    "app@db.internal/app?password=hunter2&sslmode=requried",
                    "app@db.internal/app?password=***&sslmode=requried",
                ),
                (
                    "app@db.internal/app?sslmode=require&PassWord=hunter/?#@2",
                    "app@db.internal/app?sslmode=require&PassWord=***",
                ),
                (
                    "app@db.internal/app?pass%77ord=hunter%262&x=y",
                    "app@db.internal/app?pass%77ord=***&x=y",
                ),
                (
                    "app:hunter1@db.internal/app?password=hunter2",
                    "app:***@db.internal/app?password=***",
                ),
                ("app:@db.internal/app", "app:@db.internal/app"),
                ("db.internal/app?user=app", "db.internal/app?user=app"),
            ] {
                let url = format!("{scheme}://{url}");
                assert_eq!(redact(&url), format!("{scheme}://{redacted}"), "{url}");
            }
        }
        // Without `//`, as `server` refuses it: still redacted.
        assert_eq!(
            redact("postgres:app:hunter/2@h/db"),
            "postgres:app:***@h/db"
        );
        match parse("postgres:app:hunter/2@h/db") {
            Err(Error::Url { url, .. }) => assert!(!url.contains("hunter"), "{url}"),
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn secrets_cover_each_decoded_form() {
        assert_eq!(
            secrets("postgres://u:a%2Fb+c@h/db?password=x%40y"),
            ["a%2Fb+c", "a/b+c", "a/b c", "x%40y", "x@y"]
        );
        assert!(secrets("postgres://u@h/db").is_empty());
        assert_eq!(
            scrub(
                "no route for a/b c at h",
                &secrets("postgres://u:a%2Fb+c@h/db")
            ),
            "no route for *** at h"
        );
    }

    #[test]
    fn errors_lose_their_passwords() {
        let url = "postgres://u:s%3Fcret@h/db";
        let error = hide_secrets(
            Error::Url {
                url: "as given".to_owned(),
                reason: "bad value s?cret".to_owned(),
            },
            url,
        );
        assert_eq!(
            error.to_string(),
            "invalid database url `as given`: bad value ***"
        );
        let io = std::io::Error::other("refused for s?cret");
        let error = hide_secrets(Error::database(io), url);
        assert_eq!(error.to_string(), "database error: refused for ***");
        assert!(!format!("{error:?}").contains("cret"), "{error:?}");
        let untouched = hide_secrets(Error::database(std::io::Error::other("refused")), url);
        assert!(format!("{untouched:?}").contains("Custom"), "{untouched:?}");
    }
}
