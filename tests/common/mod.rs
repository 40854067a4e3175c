//! What the backend tests share: which servers this run has, and a fresh database on each.
//!
//! `scripts/test` starts a throwaway PostgreSQL and MariaDB and exports `PG_URL` and
//! `MYSQL_URL` (admin URLs: `postgres` and `root`, allowed to create databases). A test asks
//! for a backend with [`server`]: under `CI=true` a missing server fails the test; elsewhere
//! it is skipped loudly, never silently passed.

#![allow(dead_code)] // each test binary uses part of this module

use std::sync::atomic::{AtomicUsize, Ordering};

/// A database server the tests can run against.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Server {
    /// PostgreSQL, from `PG_URL`.
    Postgres,
    /// MySQL or MariaDB, from `MYSQL_URL`.
    MySql,
}

impl Server {
    /// Both servers.
    pub const ALL: [Server; 2] = [Server::Postgres, Server::MySql];

    fn variable(self) -> &'static str {
        match self {
            Server::Postgres => "PG_URL",
            Server::MySql => "MYSQL_URL",
        }
    }
}

/// The admin URL of `server`, or `None` (with a loud message) when this run has none.
///
/// Panics under `CI=true` when the server is missing: a backend test never passes by
/// skipping in CI.
pub fn server(server: Server) -> Option<String> {
    from_env(server.variable(), &format!("{server:?}"))
}

/// The Redis URL (`REDIS_URL`, exported by scripts/servers.sh), by the rule of [`server`]:
/// a panic under `CI=true` when it is missing, a loud skip elsewhere.
pub fn redis() -> Option<String> {
    from_env("REDIS_URL", "Redis")
}

fn from_env(variable: &str, what: &str) -> Option<String> {
    match std::env::var(variable) {
        Ok(url) if !url.is_empty() => Some(url),
        _ if std::env::var("CI").as_deref() == Ok("true") => {
            panic!("{variable} is not set under CI=true: scripts/test must start {what}")
        }
        _ => {
            eprintln!(
                "\n*** SKIPPED {what}: {variable} is not set. Run scripts/test to start the servers. ***\n"
            );
            None
        }
    }
}

/// A new, empty database on `server` (named after the test and a counter), as a URL the
/// adapter can connect to. `None` when this run has no such server.
pub async fn fresh_database(kind: Server, label: &str) -> Option<String> {
    static COUNTER: AtomicUsize = AtomicUsize::new(0);
    let admin = server(kind)?;
    let name = format!(
        "t_{}_{}_{}",
        label.replace(|c: char| !c.is_ascii_alphanumeric(), "_"),
        std::process::id(),
        COUNTER.fetch_add(1, Ordering::Relaxed)
    );
    let create = format!("CREATE DATABASE {name}");
    match kind {
        Server::Postgres => {
            use sqlx::Connection;
            let mut conn = sqlx::PgConnection::connect(&admin)
                .await
                .unwrap_or_else(|e| panic!("cannot reach PostgreSQL at {admin}: {e}"));
            sqlx::query(sqlx::AssertSqlSafe(create))
                .execute(&mut conn)
                .await
                .expect("CREATE DATABASE");
        }
        Server::MySql => {
            use sqlx::Connection;
            let mut conn = sqlx::MySqlConnection::connect(&admin)
                .await
                .unwrap_or_else(|e| panic!("cannot reach MySQL at {admin}: {e}"));
            sqlx::query(sqlx::AssertSqlSafe(create))
                .execute(&mut conn)
                .await
                .expect("CREATE DATABASE");
        }
    }
    Some(with_database(&admin, &name))
}

/// `url` with its database (the path) replaced by `name`.
fn with_database(url: &str, name: &str) -> String {
    let (base, query) = match url.split_once('?') {
        Some((base, query)) => (base, Some(query)),
        None => (url, None),
    };
    let authority_end = base.find("://").map_or(0, |i| i + 3);
    let path_start = base[authority_end..]
        .find('/')
        .map_or(base.len(), |i| authority_end + i);
    let mut out = format!("{}/{name}", &base[..path_start]);
    if let Some(query) = query {
        out.push('?');
        out.push_str(query);
    }
    out
}

/// The URL of database `url` (a [`fresh_database`] on PostgreSQL) on this run's streaming
/// replica of PostgreSQL (`PG_REPLICA_URL`, started by scripts/servers.sh): the same database,
/// replicated. `None` (loudly) when the run has none; panics under `CI=true` then.
pub fn replica_of(url: &str) -> Option<String> {
    let replica = from_env("PG_REPLICA_URL", "the PostgreSQL replica")?;
    let path = url.split('?').next().unwrap_or(url);
    let name = path.rsplit('/').next().unwrap_or_default();
    Some(with_database(&replica, name))
}
