//! The SQL dialects authmodel speaks, and every question the code asks about them.
//!
//! Entry point: [`Dialect`]. Each way the dialects differ is one method here, written as one
//! exhaustive `match`, so that adding a dialect is a compile error at every place that must
//! decide something for it, and code elsewhere asks a named capability
//! (`dialect.indexes_inside_create_table()`), never `dialect == Dialect::MySql`. The
//! rendering of sea-query statements, identifier quoting and placeholders live here too: the
//! statements layer (`crate::statements`) builds, this module spells (docs/ARCHITECTURE.md).

use std::fmt;

use sea_query::{
    MysqlQueryBuilder, PostgresQueryBuilder, QueryStatementBuilder, SchemaStatementBuilder,
    SqliteQueryBuilder, Values,
};

/// A SQL dialect.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Dialect {
    /// SQLite 3.35 or newer (the embedded default).
    Sqlite,
    /// PostgreSQL 13 or newer.
    Postgres,
    /// MySQL 8 or MariaDB 10.6 and newer; which of the two is a [`MySqlFlavour`].
    MySql,
}

/// Which server speaks [`Dialect::MySql`]: the SQL is the same, the names of the collations
/// differ. Read from the server's version when connecting; `generate --dialect mariadb`
/// chooses it for a script. The default is MySQL 8, what `--dialect mysql` means.
///
/// A flavour rather than a dialect of its own: every statement, type and rule of the two is
/// the same except this name, so it is asked only where a collation is written or compared.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum MySqlFlavour {
    /// MySQL 8 or newer.
    #[default]
    MySql,
    /// MariaDB 10.6 or newer.
    MariaDb,
}

/// The storage options a dialect's `CREATE TABLE` ends with.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct TableOptions {
    pub engine: &'static str,
    pub charset: &'static str,
    pub collate: &'static str,
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

    /// `name` as a quoted identifier, its quote character doubled.
    pub fn quote(self, name: &str) -> String {
        let q = match self {
            Dialect::MySql => '`',
            Dialect::Sqlite | Dialect::Postgres => '"',
        };
        let doubled = name.replace(q, &format!("{q}{q}"));
        format!("{q}{doubled}{q}")
    }

    /// The placeholder of the `n`th bound value (from 1) in hand-written SQL.
    pub fn placeholder(self, n: usize) -> String {
        match self {
            Dialect::Postgres => format!("${n}"),
            Dialect::Sqlite | Dialect::MySql => "?".to_owned(),
        }
    }

    /// A sea-query schema statement (`CREATE`, `ALTER`, `DROP`) written for this dialect.
    pub(crate) fn render_schema(self, statement: &impl SchemaStatementBuilder) -> String {
        match self {
            Dialect::Sqlite => statement.build(SqliteQueryBuilder),
            Dialect::Postgres => statement.build(PostgresQueryBuilder),
            Dialect::MySql => statement.build(MysqlQueryBuilder),
        }
    }

    /// A sea-query query (`SELECT`, `INSERT`, `UPDATE`, `DELETE`) written for this dialect,
    /// with its placeholders and the values sea-query collected for them.
    pub(crate) fn render_query(self, query: &impl QueryStatementBuilder) -> (String, Values) {
        match self {
            Dialect::Sqlite => query.build_any(&SqliteQueryBuilder),
            Dialect::Postgres => query.build_any(&PostgresQueryBuilder),
            Dialect::MySql => query.build_any(&MysqlQueryBuilder),
        }
    }

    /// Whether sea-query's builder for this dialect writes a `RETURNING` clause. Its MySQL
    /// builder drops it silently, though MariaDB runs it on `INSERT` and `DELETE`.
    pub(crate) fn builder_writes_returning(self) -> bool {
        match self {
            Dialect::Sqlite | Dialect::Postgres => true,
            Dialect::MySql => false,
        }
    }

    /// Whether a bounded delete is `DELETE ... LIMIT n` (MySQL, which refuses `LIMIT` in an
    /// `IN (SELECT ...)` subquery) rather than `DELETE ... WHERE key IN (SELECT key ... LIMIT
    /// n)` (PostgreSQL has no `DELETE ... LIMIT`, SQLite only when compiled with it).
    pub(crate) fn delete_takes_limit(self) -> bool {
        match self {
            Dialect::MySql => true,
            Dialect::Sqlite | Dialect::Postgres => false,
        }
    }

    /// Whether a `WITH` may hold `INSERT ... RETURNING` expressions whose rows later ones
    /// read (PostgreSQL's data-modifying CTEs): a sign-up is then one statement, one round
    /// trip. SQLite allows only `SELECT` there; MySQL and MariaDB have no writes in `WITH`.
    pub(crate) fn data_modifying_ctes(self) -> bool {
        match self {
            Dialect::Postgres => true,
            Dialect::Sqlite | Dialect::MySql => false,
        }
    }

    /// Whether indexes are declared inside `CREATE TABLE` rather than as separate `CREATE
    /// INDEX` statements: MySQL has no `CREATE INDEX IF NOT EXISTS`, so a re-runnable script
    /// declares its keys with the table.
    pub(crate) fn indexes_inside_create_table(self) -> bool {
        match self {
            Dialect::MySql => true,
            Dialect::Sqlite | Dialect::Postgres => false,
        }
    }

    /// Whether a table is stored in its primary key's B-tree only when its `CREATE TABLE` says
    /// so (SQLite's `WITHOUT ROWID`, [`Keys::without_rowid`](crate::descriptor::Keys)):
    /// InnoDB always stores rows that way, and PostgreSQL's tables are heaps.
    pub(crate) fn without_rowid(self) -> bool {
        match self {
            Dialect::Sqlite => true,
            Dialect::Postgres | Dialect::MySql => false,
        }
    }

    /// Whether DDL runs inside a transaction, so that a migration that fails part way leaves
    /// nothing applied (SQLite, PostgreSQL); MySQL commits each DDL statement on its own.
    pub(crate) fn transactional_ddl(self) -> bool {
        match self {
            Dialect::Sqlite | Dialect::Postgres => true,
            Dialect::MySql => false,
        }
    }

    /// Whether an index name is unique per table (MySQL) rather than shared with every table
    /// and index of the schema (SQLite, PostgreSQL).
    pub(crate) fn index_names_per_table(self) -> bool {
        match self {
            Dialect::MySql => true,
            Dialect::Sqlite | Dialect::Postgres => false,
        }
    }

    /// The name the dialect gives every primary key, if it gives one name to all (MySQL's
    /// `PRIMARY`); such a dialect ignores a name written for a composite primary key.
    pub(crate) fn primary_key_name(self) -> Option<&'static str> {
        match self {
            Dialect::MySql => Some("PRIMARY"),
            Dialect::Sqlite | Dialect::Postgres => None,
        }
    }

    /// The byte budget of one index key, where the dialect has one: InnoDB's 3,072 bytes, which
    /// a utf8mb4 `VARCHAR(n)` spends 4 bytes a character of.
    pub(crate) fn key_byte_budget(self) -> Option<u32> {
        match self {
            Dialect::MySql => Some(3072),
            Dialect::Sqlite | Dialect::Postgres => None,
        }
    }

    /// Whether an index can only cover bounded text (`VARCHAR(n)`, never `TEXT`): MySQL
    /// needs a prefix length for the others.
    pub(crate) fn indexes_need_bounded_text(self) -> bool {
        match self {
            Dialect::MySql => true,
            Dialect::Sqlite | Dialect::Postgres => false,
        }
    }

    /// Whether `ALTER TABLE ... ADD COLUMN` can add a `NOT NULL` column without a default to
    /// an empty table. SQLite refuses it whatever the table holds.
    pub(crate) fn can_add_required_column(self) -> bool {
        match self {
            Dialect::Sqlite => false,
            Dialect::Postgres | Dialect::MySql => true,
        }
    }

    /// Whether `ALTER TABLE ... ADD COLUMN` can add a column whose default is computed per row
    /// (the current instant of `#[auth(created_at)]`, the random UUID of
    /// `#[auth(db_default)]`). SQLite refuses a default that is not constant there.
    pub(crate) fn can_add_column_with_expression_default(self) -> bool {
        match self {
            Dialect::Sqlite => false,
            Dialect::Postgres | Dialect::MySql => true,
        }
    }

    /// Whether the catalog is read for the connection's current database, which the URL must
    /// name (MySQL), rather than for the whole connection (SQLite's file, PostgreSQL's
    /// `search_path`).
    pub(crate) fn catalog_needs_current_database(self) -> bool {
        match self {
            Dialect::MySql => true,
            Dialect::Sqlite | Dialect::Postgres => false,
        }
    }

    /// Whether a database holds schemas (namespaces) of tables that a connection chooses
    /// among with a setting (PostgreSQL's `search_path`): [`crate::Options::postgres_schema`]
    /// applies. SQLite's attached databases and MySQL's databases are not chosen that way.
    pub fn has_schemas(self) -> bool {
        match self {
            Dialect::Postgres => true,
            Dialect::Sqlite | Dialect::MySql => false,
        }
    }

    /// Whether a backslash escapes the next character inside a string literal as sea-query
    /// writes it: MySQL's literals, and PostgreSQL's `E'...'` (the only ones in which
    /// sea-query writes a backslash). SQLite's never.
    pub(crate) fn backslash_escapes_in_literals(self) -> bool {
        match self {
            Dialect::MySql | Dialect::Postgres => true,
            Dialect::Sqlite => false,
        }
    }

    /// The storage options of every table, where the dialect takes them. On MySQL: InnoDB, and
    /// a binary collation that compares emails and tokens exactly, as SQLite and PostgreSQL
    /// do, instead of the server's case-insensitive default. A NO PAD one: `utf8mb4_bin` is
    /// PAD SPACE, so `'tok'` and `'tok   '` would be equal, in a lookup as in a unique key.
    /// Its name depends on the server (`flavour`, ignored by the other dialects).
    pub(crate) fn table_options(self, flavour: MySqlFlavour) -> Option<TableOptions> {
        match self {
            Dialect::MySql => Some(TableOptions {
                engine: "InnoDB",
                charset: "utf8mb4",
                collate: match flavour {
                    MySqlFlavour::MySql => "utf8mb4_0900_bin",
                    MySqlFlavour::MariaDb => "utf8mb4_nopad_bin",
                },
            }),
            Dialect::Sqlite | Dialect::Postgres => None,
        }
    }
}

impl fmt::Display for Dialect {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// A dialect name [`Dialect::from_str`](std::str::FromStr) does not know. Converts into
/// [`Error::InvalidInput`](crate::Error::InvalidInput).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UnknownDialect(pub String);

impl fmt::Display for UnknownDialect {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "unknown dialect `{}`: expected sqlite, postgres or mysql",
            self.0
        )
    }
}

impl std::error::Error for UnknownDialect {}

impl std::str::FromStr for Dialect {
    type Err = UnknownDialect;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s {
            "sqlite" => Ok(Dialect::Sqlite),
            "postgres" | "postgresql" => Ok(Dialect::Postgres),
            "mysql" | "mariadb" => Ok(Dialect::MySql),
            other => Err(UnknownDialect(other.to_owned())),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn identifiers_are_quoted_with_the_quote_doubled() {
        assert_eq!(Dialect::Sqlite.quote("a\"b"), "\"a\"\"b\"");
        assert_eq!(Dialect::Postgres.quote("userId"), "\"userId\"");
        assert_eq!(Dialect::MySql.quote("a`b"), "`a``b`");
    }

    #[test]
    fn placeholders_are_numbered_only_on_postgres() {
        assert_eq!(Dialect::Postgres.placeholder(2), "$2");
        assert_eq!(Dialect::Sqlite.placeholder(2), "?");
        assert_eq!(Dialect::MySql.placeholder(2), "?");
    }

    #[test]
    fn names_parse_back() {
        for dialect in Dialect::ALL {
            assert_eq!(dialect.name().parse::<Dialect>(), Ok(dialect));
        }
        let e = "oracle".parse::<Dialect>().unwrap_err();
        assert_eq!(
            e.to_string(),
            "unknown dialect `oracle`: expected sqlite, postgres or mysql"
        );
    }
}
