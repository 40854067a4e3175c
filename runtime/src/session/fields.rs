//! Reading and building models by role, from the descriptors alone, so the session layer
//! works over any schema.
//!
//! Entry points: [`get`] (a role field's value), [`build`] (a new model from role values).

use crate::descriptor::{DefaultValue, IdStrategy, RoleField};
use crate::error::Error;
use crate::traits::Model;
use crate::value::Value;

use super::error::Result;

/// The value of `model`'s column playing `field`; `Null` when it has none.
pub(crate) fn get<M: Model>(model: &M, field: RoleField) -> Result<Value> {
    let Some(at) = M::TABLE.position(field) else {
        return Ok(Value::Null);
    };
    Ok(model.value_at(at)?.unwrap_or(Value::Null))
}

/// The contract's string form of `model`'s id in the column playing `field`.
pub(crate) fn id<M: Model>(model: &M, field: RoleField) -> Result<String> {
    get(model, field)?.to_id_string().ok_or_else(|| {
        Error::InvalidInput(format!(
            "`{}` holds no id in the column playing {field:?}",
            M::TABLE.type_name
        ))
        .into()
    })
}

/// A new model: the given role values; for the other columns a placeholder where the adapter
/// generates the value (a generated id), the column's default, or `NULL`.
///
/// # Errors
///
/// [`Error::InvalidInput`] naming a `NOT NULL` column of the application's own that has no
/// default: such a model needs its own construction (create the user yourself).
pub(crate) fn build<M: Model>(given: &[(RoleField, Value)]) -> Result<M> {
    let table = M::TABLE;
    let mut row = Vec::with_capacity(table.columns.len());
    for column in table.columns {
        if let Some(field) = column.role
            && let Some((_, value)) = given.iter().find(|(f, _)| *f == field)
        {
            row.push(value.clone());
            continue;
        }
        // The adapter writes the stamps on insert: any instant stands in until then.
        if column.stamp.is_some() {
            row.push(Value::Timestamp(chrono::Utc::now()));
            continue;
        }
        let value = match (column.id, column.default) {
            (Some(strategy), _) if strategy != IdStrategy::Provided => strategy
                .generate(column.ty)
                .unwrap_or_else(|| placeholder(column.ty)),
            (Some(IdStrategy::Provided), _) => placeholder(column.ty),
            (_, Some(default)) => from_default(default, column.ty),
            _ if column.nullable => Value::Null,
            _ => {
                return Err(Error::InvalidInput(format!(
                    "`{}.{}` is NOT NULL without a default, and the session layer has no value \
                     for it",
                    table.type_name, column.field
                ))
                .into());
            }
        };
        row.push(value);
    }
    Ok(M::from_values(row)?)
}

/// A value of `ty` the adapter replaces (an autoincrement key).
pub(crate) fn placeholder(ty: crate::descriptor::ColumnType) -> Value {
    use crate::descriptor::ColumnType;
    match ty {
        ColumnType::Uuid => Value::Uuid(uuid::Uuid::new_v4()),
        ColumnType::Int32 | ColumnType::Int64 => Value::Int(0),
        _ => Value::Text(uuid::Uuid::new_v4().hyphenated().to_string()),
    }
}

/// The value the database would give a row inserted without the column.
fn from_default(default: DefaultValue, ty: crate::descriptor::ColumnType) -> Value {
    match default {
        DefaultValue::Bool(b) => Value::Bool(b),
        DefaultValue::Int(i) => Value::Int(i),
        DefaultValue::Float(f) => Value::Float(f),
        DefaultValue::Text(t) => Value::Text(t.to_owned()),
        DefaultValue::Now => Value::Timestamp(chrono::Utc::now()),
        DefaultValue::RandomUuid => placeholder(ty),
    }
}
