//! Applying a plan: all of it or none of it where the dialect allows.
//!
//! Entry point: [`apply`]. SQLite runs the statements in one `BEGIN IMMEDIATE` transaction on
//! the adapter's writer connection. PostgreSQL runs them as one `DO` block, which is one
//! statement and so one transaction whichever pooled connection takes it (DDL is
//! transactional there). MySQL commits each DDL statement on its own, so there a failure
//! leaves the statements before it applied; the error says how many, and a new diff plans only
//! what is still missing.

use crate::adapter::sql::SqlAdapter;
use crate::dialect::Dialect;
use crate::error::{Error, Result};
use crate::traits::Schema;

use super::Plan;

/// The dollar-quote tag of the PostgreSQL `DO` block.
const TAG: &str = "$authmodel_migration$";

/// Applies `plan` to the database `adapter` is connected to and returns the number of
/// statements run.
///
/// Fails before running anything with [`Error::Migration`] when the plan has a refusal, and
/// with [`Error::InvalidInput`] when it was planned for another dialect. A statement the
/// database rejects fails the call with [`Error::Database`]; on SQLite and PostgreSQL nothing
/// of the plan is then applied.
pub async fn apply<S: Schema>(adapter: &SqlAdapter<S>, plan: &Plan) -> Result<usize> {
    let dialect = adapter.dialect();
    if plan.dialect != dialect {
        return Err(Error::InvalidInput(format!(
            "the plan is for {}, the database is {dialect}",
            plan.dialect
        )));
    }
    plan.check()?;
    let statements = plan.statements();
    if statements.is_empty() {
        return Ok(0);
    }
    match dialect {
        Dialect::Sqlite => in_transaction(adapter, &statements).await?,
        Dialect::Postgres if !statements.iter().any(|s| s.contains(TAG)) => {
            let block = format!("DO {TAG} BEGIN\n{};\nEND {TAG}", statements.join(";\n"));
            adapter
                .raw_execute(&block, Vec::new())
                .await
                .map_err(|e| failed(e, "the migration", "nothing was applied"))?;
        }
        Dialect::Postgres | Dialect::MySql => one_by_one(adapter, &statements).await?,
    }
    Ok(statements.len())
}

async fn in_transaction<S: Schema>(adapter: &SqlAdapter<S>, statements: &[&str]) -> Result<()> {
    adapter.raw_execute("BEGIN IMMEDIATE", Vec::new()).await?;
    for (i, statement) in statements.iter().enumerate() {
        if let Err(e) = adapter.raw_execute(statement, Vec::new()).await {
            // The statement's error is the one to report; the connection rolls back an open
            // transaction by itself before its next use if this fails too.
            let _ = adapter.raw_execute("ROLLBACK", Vec::new()).await;
            let which = format!("statement {} of {}", i + 1, statements.len());
            return Err(failed(e, &which, "nothing was applied"));
        }
    }
    adapter.raw_execute("COMMIT", Vec::new()).await?;
    Ok(())
}

async fn one_by_one<S: Schema>(adapter: &SqlAdapter<S>, statements: &[&str]) -> Result<()> {
    for (i, statement) in statements.iter().enumerate() {
        if let Err(e) = adapter.raw_execute(statement, Vec::new()).await {
            let which = format!("statement {} of {}", i + 1, statements.len());
            let applied = match i {
                0 => "nothing was applied".to_owned(),
                n => format!("the {n} before it were applied; run diff to see what is left"),
            };
            return Err(failed(e, &which, &applied));
        }
    }
    Ok(())
}

fn failed(error: Error, which: &str, applied: &str) -> Error {
    let message = match error {
        Error::Database(source) => source.to_string(),
        other => other.to_string(),
    };
    Error::Database(format!("{which} failed ({applied}): {message}").into())
}
