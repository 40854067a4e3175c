//! The SQL dialects authmodel speaks.
//!
//! Entry point: [`Dialect`]. The dialect-specific choices themselves (types, keys, statement
//! shapes) live in [`crate::ddl`] and the SQL adapter, each in one match on this enum.

use std::fmt;

/// A SQL dialect.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Dialect {
    /// SQLite 3.35 or newer (the embedded default).
    Sqlite,
    /// PostgreSQL 13 or newer.
    Postgres,
    /// MySQL 8 or MariaDB 10.6 and newer.
    MySql,
}

impl Dialect {
    /// Every dialect, in the order tests and snapshots list them.
    pub const ALL: [Dialect; 3] = [Dialect::Sqlite, Dialect::Postgres, Dialect::MySql];

    /// The dialect's name as the CLI and file names spell it.
    pub fn name(self) -> &'static str {
        match self {
            Dialect::Sqlite => "sqlite",
            Dialect::Postgres => "postgres",
            Dialect::MySql => "mysql",
        }
    }
}

impl fmt::Display for Dialect {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

impl std::str::FromStr for Dialect {
    type Err = crate::Error;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s {
            "sqlite" => Ok(Dialect::Sqlite),
            "postgres" | "postgresql" => Ok(Dialect::Postgres),
            "mysql" | "mariadb" => Ok(Dialect::MySql),
            other => Err(crate::Error::InvalidInput(format!(
                "unknown dialect `{other}`: expected sqlite, postgres or mysql"
            ))),
        }
    }
}
