//! The one error type of every public function.
//!
//! Entry points: [`Error`] and the crate's [`Result`] alias. Not found is never an error of a
//! lookup (lookups return `Ok(None)`); it is one only where the contract says so
//! (`update_user`, `update_authenticator_counter`).

use crate::dialect::Dialect;
use crate::value::ValueError;

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
    Migration(#[from] crate::migrate::Refusal),
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
}
