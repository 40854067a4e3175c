//! The suite's fixtures, built for any schema from the descriptors.
//!
//! Entry points: [`hash_token`], [`Clock`] (Auth.js's time constants), [`row`] (a fixture
//! row: role values given, the application's own columns from the options, `NULL` for the
//! rest) and the generators of fresh ids and values.

use chrono::{DateTime, Duration, SubsecRound, Utc};
use sha2::{Digest, Sha256};
use uuid::Uuid;

use super::SuiteOptions;
use super::check::{Check, Plain};
use crate::descriptor::{Column, ColumnType, DefaultValue, RoleField, Table};
use crate::traits::Model;
use crate::value::{Value, to_millis};

/// How Auth.js's test suite hashes a verification token: the SHA-256 hex digest of the
/// token followed by the secret `"anything"`.
pub fn hash_token(token: &str) -> String {
    let digest = Sha256::digest(format!("{token}anything").as_bytes());
    digest.iter().map(|byte| format!("{byte:02x}")).collect()
}

/// Auth.js's time constants, computed once per run; the `*_FROM_NOW` ones have their
/// milliseconds zeroed, as in the suite.
pub(crate) struct Clock {
    /// Now, truncated to the millisecond: the user fixture's `email_verified`.
    pub now: DateTime<Utc>,
    pub one_week_from_now: DateTime<Utc>,
    pub fifteen_minutes_from_now: DateTime<Utc>,
    pub one_month_from_now: DateTime<Utc>,
}

/// `ONE_MONTH / 1000`: the account fixture's `expires_at`, in seconds.
pub(crate) const ONE_MONTH_SECONDS: i64 = 60 * 60 * 24 * 30;

impl Clock {
    pub fn new() -> Clock {
        let now = Utc::now();
        Clock {
            now: to_millis(now),
            one_week_from_now: (now + Duration::days(7)).trunc_subsecs(0),
            fifteen_minutes_from_now: (now + Duration::minutes(15)).trunc_subsecs(0),
            one_month_from_now: (now + Duration::seconds(ONE_MONTH_SECONDS)).trunc_subsecs(0),
        }
    }
}

/// A random UUID string: Auth.js's `id()` and `randomUUID()`.
pub(crate) fn uuid() -> String {
    Uuid::new_v4().hyphenated().to_string()
}

/// Auth.js's `randomInt(n)`: 0 to n - 1.
pub(crate) fn random_int(n: u32) -> i64 {
    (Uuid::new_v4().as_u128() % u128::from(n.max(1))) as i64
}

/// A new id for a key column: what `id()` gives in Auth.js, in the column's type. The
/// adapter replaces it when the column's ids are generated.
pub(crate) fn fresh_id(column: &Column) -> Value {
    let random = Uuid::new_v4().as_u128();
    match column.ty {
        ColumnType::Uuid => Value::Uuid(Uuid::new_v4()),
        ColumnType::Int32 => Value::Int(1 + (random % (i32::MAX as u128 - 1)) as i64),
        ColumnType::Int64 => Value::Int(1 + (random % (i64::MAX as u128 / 2)) as i64),
        _ => Value::Text(uuid()),
    }
}

/// An id string that cannot be an id of `column`'s type, or that is merely unknown where any
/// string can be one.
pub(crate) fn foreign_ids(column: &Column) -> Vec<String> {
    let mut ids = vec!["not-an-id".to_owned()];
    match column.ty {
        ColumnType::Uuid => ids.push("42".to_owned()),
        ColumnType::Int32 | ColumnType::Int64 => ids.push(uuid()),
        _ => {}
    }
    ids
}

/// The position of the column playing `field`, or a failure naming the model.
pub(crate) fn position(table: &Table, field: RoleField) -> Result<usize, Check> {
    table.position(field).ok_or_else(|| {
        Check::new(format!(
            "model `{}` (table `{}`) has no column playing {field:?}, which this case needs",
            table.type_name, table.name
        ))
    })
}

/// The value of the column playing `field` in `row` (`NULL` when the row is short).
pub(crate) fn get(table: &Table, row: &[Value], field: RoleField) -> Result<Value, Check> {
    let at = position(table, field)?;
    Ok(row.get(at).cloned().unwrap_or(Value::Null))
}

/// The contract's string form of the id in the column playing `field`.
pub(crate) fn id_of(table: &Table, row: &[Value], field: RoleField) -> Result<String, Check> {
    let value = get(table, row, field)?;
    value.to_id_string().ok_or_else(|| {
        Check::differ(
            format!(
                "`{}` holds no id in the column playing {field:?}",
                table.name
            ),
            Plain("an integer, UUID or text"),
            value,
        )
    })
}

/// Sets `row[at]`, leaving a row too short for it alone (the comparison reports it).
pub(crate) fn put(row: &mut [Value], at: usize, value: Value) {
    if let Some(slot) = row.get_mut(at) {
        *slot = value;
    }
}

/// A value of column `to`'s type for an id held as `id` (a foreign key from its key).
pub(crate) fn id_value(table: &Table, field: RoleField, id: &str) -> Result<Value, Check> {
    let column = &table.columns[position(table, field)?];
    Value::parse_id(column.ty, id).ok_or_else(|| {
        Check::differ(
            format!("id `{id}` does not fit `{}.{}`", table.name, column.name),
            column.ty,
            id,
        )
    })
}

/// A fixture row of `M`: the given role values; for the other columns a fresh id (primary
/// keys), the options' extras, the column default, or `NULL`.
pub(crate) fn row<M: Model>(
    options: &SuiteOptions,
    given: &[(RoleField, Value)],
) -> Result<Vec<Value>, Check> {
    let table = M::TABLE;
    let extras = options.extras_of(table.role);
    table
        .columns
        .iter()
        .map(|column| {
            if let Some(field) = column.role
                && let Some((_, value)) = given.iter().find(|(f, _)| *f == field)
            {
                return Ok(value.clone());
            }
            if column.primary_key || column.id.is_some() {
                return Ok(fresh_id(column));
            }
            // Any instant: the adapter writes its own into a `created_at` or `updated_at`.
            if column.stamp.is_some() {
                return Ok(Value::Timestamp(crate::value::stamp_now()));
            }
            if let Some(value) = extras.and_then(|e| e.get(column.field).or(e.get(column.name))) {
                return Ok(value.clone());
            }
            if let Some(default) = column.default {
                return Ok(from_default(default, column));
            }
            if column.nullable {
                return Ok(Value::Null);
            }
            Err(Check::new(format!(
                "`{}.{}` (field `{}` of `{}`) is NOT NULL and the suite has no value for it: \
                 give one with SuiteOptions::{}",
                table.name,
                column.name,
                column.field,
                table.type_name,
                if column.role.is_some() {
                    "(this role field is one the suite sets: report it)"
                } else if table.role == crate::descriptor::Role::User {
                    "with_user_extra"
                } else {
                    "with_extra"
                }
            )))
        })
        .collect()
}

/// Builds the model from a fixture row.
pub(crate) fn model<M: Model>(row: &[Value]) -> Result<M, Check> {
    M::from_values(row.to_vec()).map_err(|error| Check {
        what: format!(
            "a fixture of `{}` does not fit the model",
            M::TABLE.type_name
        ),
        expected: None,
        actual: Some(format!("{error}")),
    })
}

fn from_default(default: DefaultValue, column: &Column) -> Value {
    match default {
        DefaultValue::Bool(b) => Value::Bool(b),
        DefaultValue::Int(i) => Value::Int(i),
        DefaultValue::Float(f) => Value::Float(f),
        DefaultValue::Text(t) => Value::Text(t.to_owned()),
        DefaultValue::Now => Value::Timestamp(crate::value::stamp_now()),
        DefaultValue::RandomUuid => fresh_id(column),
    }
}

/// A new value for `column`, different from `current`: what case 26 writes into each field.
pub(crate) fn fresh_value(column: &Column, current: &Value, now: DateTime<Utc>) -> Value {
    let tag = Uuid::new_v4().simple().to_string();
    match column.ty {
        ColumnType::Text if column.role == Some(RoleField::UserEmail) => {
            Value::Text(format!("updated-{tag}@example.com"))
        }
        ColumnType::Text => {
            let text = format!("updated-{tag}");
            // Keep the random tail when the column is short: it is what makes it unique.
            let max = column.max_len.map_or(text.len(), |m| m as usize);
            Value::Text(text[text.len().saturating_sub(max)..].to_owned())
        }
        ColumnType::Uuid => Value::Uuid(Uuid::new_v4()),
        ColumnType::Bool => Value::Bool(!matches!(current, Value::Bool(true))),
        ColumnType::Int32 | ColumnType::Int64 => match current {
            Value::Int(i) if *i < i32::MAX as i64 => Value::Int(i + 1),
            _ => Value::Int(random_int(1000) + 1),
        },
        ColumnType::Float64 => Value::Float(random_int(1000) as f64 + 0.5),
        // Three days back, with the milliseconds of now: a precise, distinct instant.
        ColumnType::Timestamp | ColumnType::EpochMillis => {
            Value::Timestamp(now - Duration::days(3))
        }
        ColumnType::Json => Value::Json(serde_json::json!({ "updated": tag, "n": [1, 2] })),
        ColumnType::Bytes => Value::Bytes(Uuid::new_v4().as_bytes().to_vec()),
    }
}
