//! The one error type of every public function.
//!
//! Entry points: [`Error`] and the crate's [`Result`] alias. Not found is never an error of a
//! lookup (lookups return `Ok(None)`); it is one only where the contract says so
//! (`update_user`, `update_authenticator_counter`).

use crate::dialect::Dialect;

/// The crate's result type.
pub type Result<T, E = Error> = std::result::Result<T, E>;

/// Everything that can go wrong storing or reading authentication data.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// A row with the same unique key already exists (a second user with one email, an
    /// account linked twice).
    #[error("conflict on `{table}`: `{constraint}` already holds this value")]
    Conflict {
        /// The table written to.
        table: String,
        /// The unique constraint that refused the row, as the DDL names it.
        constraint: String,
    },
    /// The row an operation must change does not exist.
    #[error("{what} not found")]
    NotFound {
        /// What was looked for: "user", "authenticator"...
        what: &'static str,
    },
    /// The operation or type has no form on this dialect.
    #[error("{what} is not supported on {dialect}")]
    Unsupported {
        /// The dialect.
        dialect: Dialect,
        /// What was asked for.
        what: String,
    },
    /// A value read from the database does not fit the model's field.
    #[error("cannot decode `{table}.{column}`: {source}")]
    Decode {
        /// The table read.
        table: &'static str,
        /// The column whose value did not fit.
        column: &'static str,
        /// Why.
        source: ValueError,
    },
    /// A value or argument the caller gave cannot be stored (too long, malformed...).
    #[error("invalid input: {0}")]
    InvalidInput(String),
    /// A schema that cannot be created on the dialect asked for (a key over MySQL's byte
    /// budget, say). Raised by DDL generation, before anything reaches a server.
    #[error("invalid schema: {0}")]
    Schema(String),
    /// A connection URL that names no supported database, or a malformed one.
    #[error("invalid database url `{url}`: {reason}")]
    Url {
        /// The URL as given, with any password removed.
        url: String,
        /// What is wrong with it.
        reason: String,
    },
    /// A migration plan that cannot be applied as it is (a `NOT NULL` column without a
    /// default for a table that has rows, a table that was not created from these models).
    /// Raised before any statement runs.
    #[error("migration refused: {0}")]
    Migration(#[from] Refusal),
    /// A table the models need exists without some of their columns: another application's
    /// table of the same name, or an older layout. [`Options::synchronize`] checks every
    /// model table that exists before it runs any DDL, and creates nothing when one is
    /// foreign.
    ///
    /// [`Options::synchronize`]: crate::sql::Options::synchronize
    #[error(
        "table `{table}` exists without the models' column(s) `{}`: it was not created from \
         these models, so nothing was created; give the model another table \
         (`#[auth(table = \"...\")]`), use another database, or add the columns with \
         `authmodel migrate`",
        .missing.join("`, `")
    )]
    ForeignTable {
        /// The table, as the database names it.
        table: String,
        /// The models' columns it lacks, in the model's order.
        missing: Vec<String>,
    },
    /// Another connection held a lock the call needed for longer than the busy timeout
    /// ([`Options::busy_timeout`]), where SQLite itself would not wait: switching a file to
    /// WAL next to a writer, at connect.
    ///
    /// [`Options::busy_timeout`]: crate::sql::Options::busy_timeout
    #[error(
        "database is locked: another connection held {lock} for the whole busy timeout \
         (waited {waited:?})"
    )]
    Locked {
        /// The lock, and what it was needed for.
        lock: String,
        /// How long the call waited.
        waited: std::time::Duration,
    },
    /// A step against a PostgreSQL or MySQL server did not finish within its bound:
    /// connecting ([`Options::connect_timeout`]) or a call ([`Options::call_timeout`]). The
    /// server is frozen, overloaded, or gone without closing the connection. A write that
    /// timed out may or may not have been applied (its reply never came); its connection is
    /// not used again until it has been drained, or it is closed.
    ///
    /// [`Options::connect_timeout`]: crate::sql::Options::connect_timeout
    /// [`Options::call_timeout`]: crate::sql::Options::call_timeout
    #[error("{what} timed out after {after:?}")]
    Timeout {
        /// What did not finish: "connecting to the server", "a call to the server".
        what: &'static str,
        /// The bound that ran out.
        after: std::time::Duration,
    },
    /// Any other failure reported by the database or its driver.
    #[error("database error: {0}")]
    Database(#[source] Box<dyn std::error::Error + Send + Sync>),
}

impl Error {
    /// Wraps a driver error.
    pub fn database(error: impl std::error::Error + Send + Sync + 'static) -> Error {
        Error::Database(Box::new(error))
    }

    /// Whether this is a unique-key conflict.
    pub fn is_conflict(&self) -> bool {
        matches!(self, Error::Conflict { .. })
    }

    /// Whether this is [`Error::NotFound`]: the row an update must change does not exist
    /// (`update_user`, `update_authenticator_counter`). Lookups never fail this way: they
    /// return `Ok(None)`.
    ///
    /// ```
    /// let error = authmodel::Error::NotFound { what: "user" };
    /// assert!(error.is_not_found());
    /// ```
    pub fn is_not_found(&self) -> bool {
        matches!(self, Error::NotFound { .. })
    }
}

/// Why a [`Value`](crate::value::Value) could not become a field's Rust type.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ValueError {
    /// The value is of another kind than the field's type.
    #[error("expected {expected}, found {found}")]
    Mismatch {
        /// The kind the field needs.
        expected: &'static str,
        /// The kind that arrived.
        found: &'static str,
    },
    /// `NULL` arrived for a field that is not an `Option`.
    #[error("unexpected null")]
    UnexpectedNull,
    /// An integer does not fit the field's type.
    #[error("integer {0} out of range")]
    OutOfRange(i64),
    /// The value is of the right kind but malformed (bad JSON for a typed JSON field, say).
    #[error("{0}")]
    Invalid(String),
    /// `Patch::set` was given a position that is not a patchable column (out of range, or the
    /// primary key).
    #[error("no patchable column at position {0}")]
    NotPatchable(usize),
}

/// Why a plan cannot be applied as it is. Returned as [`Error::Migration`] by
/// [`Plan::check`](crate::migrate::Plan::check), [`apply`](crate::migrate::apply) and
/// [`migrate`](crate::migrate::migrate), before any statement runs.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum Refusal {
    /// A `NOT NULL` column without a default cannot be added to a table that has rows, nor on
    /// SQLite at all.
    #[error(
        "cannot add `{table}.{column}`: it is NOT NULL without a default and {reason}; give the \
         field a default (`#[auth(default = ...)]`), make it an `Option`, or add and fill it in \
         a migration of your own"
    )]
    RequiredColumn {
        /// The table.
        table: String,
        /// The column.
        column: String,
        /// `` `t` has rows `` or `SQLite cannot add one to an existing table`.
        reason: String,
    },
    /// A column whose default the database computes per row (`#[auth(created_at)]`'s current
    /// instant, `#[auth(db_default)]`'s UUID) cannot be added to an existing SQLite table.
    #[error(
        "cannot add `{table}.{column}`: SQLite cannot add a column whose default is computed per \
         row to an existing table; rebuild the table in a migration of your own, or create it \
         with the column"
    )]
    ComputedDefault {
        /// The table.
        table: String,
        /// The column.
        column: String,
    },
    /// An existing table lacks a column of the models' primary key, or has it with another
    /// type: it was not created from these models.
    #[error(
        "table `{table}` exists but its primary key column `{column}` {problem}: it was not \
         created from these models; point --database-url at the right database, or rename \
         the table or the model"
    )]
    ForeignTable {
        /// The table.
        table: String,
        /// The primary key column.
        column: String,
        /// `is missing`, or `is \`integer\`, not \`uuid\``.
        problem: String,
    },
    /// A view (or another relation) holds the name of a model's table.
    #[error("`{name}` is a view, not a table: drop it or rename the model's table")]
    NotATable {
        /// The view's name.
        name: String,
    },
    /// MySQL cannot index a `text` or `blob` column without a prefix length.
    #[error(
        "cannot create index `{index}`: `{table}.{column}` is `{found}`, which MySQL cannot \
         index; change the column to a bounded varchar first"
    )]
    Unindexable {
        /// The table.
        table: String,
        /// The column.
        column: String,
        /// The index the models need.
        index: String,
        /// The column's type in the database.
        found: String,
    },
    /// An index name the plan needs is taken by another index or relation.
    #[error("cannot create index `{name}` on `{table}`: the name is taken by {taken_by}")]
    NameTaken {
        /// The table.
        table: String,
        /// The index name.
        name: String,
        /// What holds it: `` an index on `t` (a, b) `` or `` the table `t` ``.
        taken_by: String,
    },
    /// A unique column added with one default to a table with two or more rows: every row
    /// would hold the same value, so the unique index would fail.
    #[error(
        "cannot add unique column `{table}.{column}` with a default: the rows of `{table}` \
         would all hold the default and collide in `{index}`; make the field an `Option`"
    )]
    SharedDefault {
        /// The table.
        table: String,
        /// The column.
        column: String,
        /// The unique index.
        index: String,
    },
}

impl From<crate::dialect::UnknownDialect> for Error {
    fn from(e: crate::dialect::UnknownDialect) -> Error {
        Error::InvalidInput(e.to_string())
    }
}
