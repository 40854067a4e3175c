//! The database a command works on: its dialect, a connection, and the plan read from it.
//!
//! Entry points: `read_plan` (what the database lacks, read without writing), `connect` and
//! `dialect_of`. A URL in a message has its password replaced by `***`.

use std::path::PathBuf;
use std::time::Duration;

use authmodel::migrate::{self, LiveSchema, Plan};
use authmodel::{Dialect, Error, MySqlFlavour, Options, Schema, SqlAdapter};

use crate::DatabaseArgs;

/// The plan for the database `args` names, read without writing: a SQLite file is opened
/// read-only, and one that does not exist yet is an empty database (it is not created).
pub(crate) async fn read_plan<S: Schema>(args: &DatabaseArgs) -> Result<Plan, String> {
    if let Some(path) = sqlite_file(args.database_url.trim())
        && !path.exists()
    {
        eprintln!(
            "note: `{}` does not exist yet: planned as an empty database (`authmodel migrate` \
             creates it)",
            path.display()
        );
        return migrate::plan_with(
            &S::stored_tables(),
            Dialect::Sqlite,
            &LiveSchema::default(),
            args.plan_options(),
        )
        .map_err(|e| e.to_string());
    }
    let adapter = connect::<S>(args, true).await?;
    migrate::diff_with(&adapter, args.plan_options())
        .await
        .map_err(|e| e.to_string())
}

/// The file a plain `sqlite:` URL names; `None` for other URLs, in-memory databases, and
/// paths with escapes or parameters (those go through the adapter's own parser).
fn sqlite_file(url: &str) -> Option<PathBuf> {
    let rest = url.strip_prefix("sqlite:")?;
    let path = rest.strip_prefix("//").unwrap_or(rest);
    let plain = !path.is_empty() && !path.contains(['?', '%']) && !path.contains(":memory:");
    plain.then(|| PathBuf::from(path))
}

/// Connects to `--database-url`; read-only on a SQLite file when `read_only` (a diff must not
/// change the file it looks at).
pub(crate) async fn connect<S: Schema>(
    args: &DatabaseArgs,
    read_only: bool,
) -> Result<SqlAdapter<S>, String> {
    let given = args.database_url.trim();
    if given.is_empty() {
        return Err("the database URL is empty: pass --database-url or set DATABASE_URL".into());
    }
    let dialect = dialect_of(given)?;
    let url = match dialect {
        Dialect::Sqlite if read_only && !given.contains("mode=") && !given.contains(":memory:") => {
            let separator = if given.contains('?') { '&' } else { '?' };
            format!("{given}{separator}mode=ro")
        }
        _ => given.to_owned(),
    };
    let mut options = Options::default().read_connections(1).max_connections(2);
    if let Some(schema) = &args.postgres_schema {
        if !dialect.has_schemas() {
            return Err(format!(
                "--postgres-schema names a PostgreSQL schema; `{}` is a {dialect} database",
                redact(given)
            ));
        }
        options = options.postgres_schema(schema.clone());
    }
    let timeout = Duration::from_secs(args.connect_timeout.max(1));
    let shown = redact(given);
    match tokio::time::timeout(timeout, SqlAdapter::<S>::connect(&url, options)).await {
        Ok(Ok(adapter)) => Ok(adapter),
        Ok(Err(Error::Database(source))) => Err(format!(
            "cannot open the database `{shown}`: {source} (check --database-url or DATABASE_URL)"
        )),
        Ok(Err(other)) => Err(other.to_string()),
        Err(_) => Err(format!(
            "no answer from `{shown}` within {} s: is the server running, and is \
             --database-url right?",
            timeout.as_secs()
        )),
    }
}

/// The dialect a URL's scheme names.
pub(crate) fn dialect_of(url: &str) -> Result<Dialect, String> {
    let scheme = url
        .split(':')
        .next()
        .unwrap_or_default()
        .to_ascii_lowercase();
    match scheme.as_str() {
        "sqlite" => Ok(Dialect::Sqlite),
        "postgres" | "postgresql" => Ok(Dialect::Postgres),
        "mysql" | "mariadb" => Ok(Dialect::MySql),
        _ => Err(format!(
            "invalid database url `{}`: expected sqlite:, postgres:// or mysql://",
            redact(url)
        )),
    }
}

/// The MySQL server a URL's scheme names: MariaDB for `mariadb://`, MySQL 8 otherwise.
pub(crate) fn flavour_of(url: &str) -> MySqlFlavour {
    let scheme = url.split(':').next().unwrap_or_default();
    if scheme.eq_ignore_ascii_case("mariadb") {
        MySqlFlavour::MariaDb
    } else {
        MySqlFlavour::MySql
    }
}

/// `url` with the password of its `user:password@` part replaced by `***`.
fn redact(url: &str) -> String {
    let Some(start) = url.find("://").map(|i| i + 3) else {
        return url.to_owned();
    };
    let end = url[start..]
        .find(['/', '?', '#'])
        .map_or(url.len(), |i| start + i);
    let authority = &url[start..end];
    match (authority.rfind('@'), authority.find(':')) {
        (Some(at), Some(colon)) if colon < at => {
            format!("{}***{}", &url[..start + colon + 1], &url[start + at..])
        }
        _ => url.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urls_name_their_dialect_and_passwords_are_hidden() {
        assert_eq!(dialect_of("sqlite://a.db"), Ok(Dialect::Sqlite));
        assert_eq!(dialect_of("postgresql://h/db"), Ok(Dialect::Postgres));
        assert_eq!(dialect_of("MariaDB://h/db"), Ok(Dialect::MySql));
        assert_eq!(flavour_of("MariaDB://h/db"), MySqlFlavour::MariaDb);
        assert_eq!(flavour_of("mysql://h/db"), MySqlFlavour::MySql);
        let error = dialect_of("redis://u:secret@h").unwrap_err();
        assert!(
            error.contains("redis://u:***@h") && !error.contains("secret"),
            "{error}"
        );
        assert_eq!(redact("mysql://root@h:3306/db"), "mysql://root@h:3306/db");
        assert_eq!(redact("postgres://u:p@ss@h/db"), "postgres://u:***@h/db");
    }
}
