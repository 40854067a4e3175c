//! Applying a plan: all of it or none of it where the dialect allows.
//!
//! Entry point: [`apply`]. The statements run as one batch on one connection that nothing
//! else uses until it has committed or rolled back, under the lock `synchronize` takes too
//! (SQLite's write lock, PostgreSQL's advisory lock, MySQL's `GET_LOCK`), so a migration and
//! an application's `synchronize` take turns. SQLite and PostgreSQL run the batch in one
//! transaction (DDL is transactional there): a failure, or dropping the future, leaves
//! nothing applied, and the application's own writes never land inside it. MySQL commits
//! each DDL statement on its own, so there a failure leaves the statements before it
//! applied; the error says how many, and a new diff plans only what is still missing.

use crate::adapter::sql::{BatchFailed, SqlAdapter};
use crate::error::{Error, Result};
use crate::traits::Schema;

use super::Plan;

/// Applies `plan` to the database `adapter` is connected to and returns the number of
/// statements run.
///
/// Fails before running anything with [`Error::Migration`] when the plan has a refusal, and
/// with [`Error::InvalidInput`] when it was planned for another dialect. A statement the
/// database rejects fails the call with [`Error::Database`]; on SQLite and PostgreSQL nothing
/// of the plan is then applied, and the same holds when the returned future is dropped
/// before it completes.
pub async fn apply<S: Schema>(adapter: &SqlAdapter<S>, plan: &Plan) -> Result<usize> {
    let dialect = adapter.dialect();
    if plan.dialect != dialect {
        return Err(Error::InvalidInput(format!(
            "the plan is for {}, the database is {dialect}",
            plan.dialect
        )));
    }
    plan.check()?;
    let statements: Vec<String> = plan.statements().into_iter().map(str::to_owned).collect();
    let count = statements.len();
    if count == 0 {
        return Ok(0);
    }
    match adapter.execute_migration(statements).await {
        Ok(()) => Ok(count),
        Err(BatchFailed { index: None, error }) => {
            Err(failed(error, "the migration", "nothing was applied"))
        }
        Err(BatchFailed {
            index: Some(i),
            error,
        }) => {
            let which = format!("statement {} of {count}", i + 1);
            let applied = match i {
                _ if dialect.transactional_ddl() => "nothing was applied".to_owned(),
                0 => "nothing was applied".to_owned(),
                n => format!("the {n} before it were applied; run diff to see what is left"),
            };
            Err(failed(error, &which, &applied))
        }
    }
}

fn failed(error: Error, which: &str, applied: &str) -> Error {
    let message = match error {
        Error::Database(source) => source.to_string(),
        other => other.to_string(),
    };
    Error::Database(format!("{which} failed ({applied}): {message}").into())
}
