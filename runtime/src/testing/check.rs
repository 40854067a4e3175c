//! How a case says what went wrong: [`Check`], and the comparisons of rows the cases make.
//!
//! Rows are compared as the Auth.js suite compares objects: every column, with timestamps at
//! millisecond value ([`to_millis`] on both sides). Rows print as `{column: value, ...}`.

use std::fmt;

use crate::descriptor::Table;
use crate::error::Error;
use crate::traits::Model;
use crate::value::{Value, to_millis};

/// A check that did not hold, before [`super::Suite`] names the case it belongs to.
#[derive(Debug)]
pub(crate) struct Check {
    pub what: String,
    pub expected: Option<String>,
    pub actual: Option<String>,
}

/// What a case body returns: `Ok(None)` when it passed, `Ok(Some(reason))` when it had
/// nothing to check on this schema.
pub(crate) type CaseResult = Result<Option<String>, Check>;

impl Check {
    /// A failure with no values to show.
    pub fn new(what: impl Into<String>) -> Check {
        Check {
            what: what.into(),
            expected: None,
            actual: None,
        }
    }

    /// A failure comparing two values.
    pub fn differ(
        what: impl Into<String>,
        expected: impl fmt::Debug,
        actual: impl fmt::Debug,
    ) -> Check {
        Check {
            what: what.into(),
            expected: Some(format!("{expected:?}")),
            actual: Some(format!("{actual:?}")),
        }
    }
}

/// Turns an adapter's error into a failure naming the operation.
pub(crate) trait During<T> {
    fn during(self, operation: &str) -> Result<T, Check>;
}

impl<T> During<T> for Result<T, Error> {
    fn during(self, operation: &str) -> Result<T, Check> {
        self.map_err(|error| Check {
            what: format!("{operation} returned an error"),
            expected: None,
            actual: Some(format!("{error} ({error:?})")),
        })
    }
}

/// Fails unless `condition` holds.
pub(crate) fn ensure(condition: bool, what: impl FnOnce() -> String) -> Result<(), Check> {
    if condition {
        Ok(())
    } else {
        Err(Check::new(what()))
    }
}

/// Text shown as written in a failure (a description, not a value).
pub(crate) struct Plain<T>(pub T);

impl<T: fmt::Display> fmt::Debug for Plain<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(&self.0, f)
    }
}

/// A row printed with its column names.
pub(crate) struct Shown<'a>(pub &'static Table, pub &'a [Value]);

impl fmt::Debug for Shown<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let names = self.0.columns.iter().map(|c| c.name);
        f.debug_map().entries(names.zip(self.1)).finish()
    }
}

/// Two values equal as the suite compares them: timestamps at millisecond value.
pub(crate) fn same_value(a: &Value, b: &Value) -> bool {
    match (a, b) {
        (Value::Timestamp(x), Value::Timestamp(y)) => to_millis(*x) == to_millis(*y),
        _ => a == b,
    }
}

/// Compares two rows of `table` column by column, leaving out the positions in `ignore`.
pub(crate) fn same_row(
    table: &'static Table,
    what: &str,
    expected: &[Value],
    actual: &[Value],
    ignore: &[usize],
) -> Result<(), Check> {
    let differing: Vec<&str> = table
        .columns
        .iter()
        .enumerate()
        .filter(|(at, _)| !ignore.contains(at))
        .filter(|(at, column)| match (expected.get(*at), actual.get(*at)) {
            // The adapter writes `created_at` and `updated_at` itself, at the instant of the
            // write: never earlier than the row the suite expected.
            (Some(Value::Timestamp(e)), Some(Value::Timestamp(a))) if column.stamp.is_some() => {
                to_millis(*a) < to_millis(*e)
            }
            (Some(e), Some(a)) => !same_value(e, a),
            _ => true,
        })
        .map(|(_, c)| c.name)
        .collect();
    if differing.is_empty() && expected.len() == actual.len() {
        return Ok(());
    }
    Err(Check::differ(
        format!("{what}: differs in {}", differing.join(", ")),
        Shown(table, expected),
        Shown(table, actual),
    ))
}

/// A model's row; one the suite cannot encode fails the case.
pub(crate) fn row_of<M: Model>(model: &M) -> Result<Vec<Value>, Check> {
    model.to_values().during("encoding the model")
}

/// A model's row for a failure message, where the failure is already being reported.
pub(crate) fn shown<M: Model>(model: &M) -> Vec<Value> {
    model.to_values().unwrap_or_default()
}

/// Compares a model to an expected row.
pub(crate) fn same_model<M: Model>(
    what: &str,
    expected: &[Value],
    actual: &M,
) -> Result<(), Check> {
    same_row(M::TABLE, what, expected, &row_of(actual)?, &[])
}

/// The model that must be there, as a row.
pub(crate) fn present<M: Model>(what: &str, model: Option<M>) -> Result<Vec<Value>, Check> {
    match model {
        Some(m) => row_of(&m),
        None => Err(Check::differ(what, Plain("a row"), Plain("None"))),
    }
}

/// Fails if a model is there.
pub(crate) fn absent<M: Model>(what: &str, model: Option<M>) -> Result<(), Check> {
    match model {
        None => Ok(()),
        Some(m) => Err(Check::differ(
            what,
            Plain("None"),
            Shown(M::TABLE, &shown(&m)),
        )),
    }
}
