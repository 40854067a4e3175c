//! MySQL and MariaDB encodings: binding [`Value`]s, decoding rows per [`ColumnType`], mapping
//! errors.
//!
//! Entry points: [`arguments`], [`decode_row`] and [`map_error`]. The encodings: UUIDs as
//! 36-character lowercase text (`char(36)`), instants as `DATETIME(3)` in UTC (bound as naive
//! UTC date-times; the session time zone is `+00:00`, so a `TIMESTAMP(3)` column another tool
//! created reads and writes the same instants) or, for `#[auth(epoch_ms)]`, as `bigint`
//! milliseconds, booleans as `tinyint(1)`, JSON as its
//! text (MariaDB's `json` is `longtext` with a check), bytes as blobs.

use chrono::{DateTime, Datelike, NaiveDate, Utc};
use sqlx::error::BoxDynError;
use sqlx::mysql::types::MySqlTime;
use sqlx::mysql::{
    MySql, MySqlArguments, MySqlDatabaseError, MySqlRow, MySqlTypeInfo, MySqlValueRef,
};
use sqlx::{Arguments, Decode, Row, Type, TypeInfo, ValueRef};
use uuid::Uuid;

use crate::adapter::sql::executor::Call;
use crate::adapter::sql::raw::{undecodable, unsupported};
use crate::adapter::sql::server::{
    check_len, check_width, decode_error, invalid, mismatch, stored_mismatch, too_large,
    untyped_row,
};
use crate::descriptor::{Column, ColumnType, Table};
use crate::dialect::Dialect;
use crate::error::{Error, Result};
use crate::value::{Value, ValueError};

/// The parameters of `call`, each bound as its column's type (by its value's kind for
/// hand-written SQL).
pub(crate) fn arguments(call: &Call<'_>) -> Result<MySqlArguments> {
    let mut arguments = MySqlArguments::default();
    arguments.reserve(call.params.len(), 0);
    for (index, value) in call.params.iter().enumerate() {
        let column = call.column(index);
        if let Some(column) = column {
            check(column, value)?;
        }
        bind(&mut arguments, column, value).map_err(|e| {
            Error::InvalidInput(format!("cannot bind parameter {}: {e}", index + 1))
        })?;
    }
    Ok(arguments)
}

/// Refuses a value its column cannot hold, before it is sent.
fn check(column: &Column, value: &Value) -> Result<()> {
    match (column.ty, value) {
        (_, Value::Null) => Ok(()),
        (ColumnType::Text, Value::Text(s)) => check_len(column, s),
        (ColumnType::Text, Value::Uuid(_))
        | (ColumnType::Uuid, Value::Uuid(_) | Value::Text(_))
        | (ColumnType::Bool, Value::Bool(_) | Value::Int(_))
        | (ColumnType::Int64, Value::Int(_))
        | (ColumnType::Float64, Value::Float(_) | Value::Int(_))
        | (ColumnType::Json, Value::Json(_) | Value::Text(_))
        | (ColumnType::Bytes, Value::Bytes(_)) => Ok(()),
        (ColumnType::Int32, Value::Int(i)) => column.check_int(*i),
        (ColumnType::EpochMillis, Value::Timestamp(_) | Value::Int(_)) => Ok(()),
        (ColumnType::Timestamp, Value::Timestamp(t)) => match t.year() {
            // DATETIME's years; outside them sqlx's encoding would wrap around.
            0..=9999 => Ok(()),
            _ => Err(Error::InvalidInput(format!(
                "column `{}`: {t} is outside the years MySQL's DATETIME holds (1000-9999)",
                column.name
            ))),
        },
        (_, other) => Err(mismatch(column, other)),
    }
}

fn bind(
    arguments: &mut MySqlArguments,
    column: Option<&Column>,
    value: &Value,
) -> Result<(), BoxDynError> {
    match value {
        // MySQL's parameters carry no type the server holds on to: a NULL is a NULL.
        Value::Null => arguments.add(None::<&str>),
        Value::Bool(b) => match column.map(|c| c.ty) {
            Some(ColumnType::Bool) | None => arguments.add(*b),
            Some(_) => arguments.add(i64::from(*b)),
        },
        Value::Int(i) => match column.map(|c| c.ty) {
            Some(ColumnType::Bool) => arguments.add(*i != 0),
            Some(ColumnType::Float64) => arguments.add(*i as f64),
            _ => arguments.add(*i),
        },
        Value::Float(f) => arguments.add(*f),
        Value::Text(s) => arguments.add(s.as_str()),
        Value::Uuid(u) => {
            let mut buf = [0u8; uuid::fmt::Hyphenated::LENGTH];
            arguments.add(&*u.hyphenated().encode_lower(&mut buf))
        }
        Value::Timestamp(t) => match column.map(|c| c.ty) {
            Some(ColumnType::EpochMillis) => arguments.add(t.timestamp_millis()),
            _ => arguments.add(t.naive_utc()),
        },
        Value::Json(j) => arguments.add(j.to_string()),
        Value::Bytes(b) => arguments.add(b.as_slice()),
    }
}

/// Decodes one row whose columns are those of `tables`, in order.
pub(crate) fn decode_row(row: &MySqlRow, tables: &[&'static Table]) -> Result<Vec<Value>> {
    check_width(row.len(), tables)?;
    let mut values = Vec::with_capacity(row.len());
    let mut index = 0;
    for table in tables {
        for column in table.columns {
            let value = row
                .try_get_raw(index)
                .map_err(invalid)
                .and_then(|raw| decode(column.ty, raw))
                .map_err(|source| decode_error(table, column, source))?;
            values.push(value);
            index += 1;
        }
    }
    Ok(values)
}

/// Decodes one value as `ty`. `NULL` decodes to [`Value::Null`] for any column; whether the
/// field accepts it is the model's call.
fn decode(ty: ColumnType, raw: MySqlValueRef<'_>) -> Result<Value, ValueError> {
    if raw.is_null() {
        return Ok(Value::Null);
    }
    let info = raw.type_info().into_owned();
    let text = <&str as Type<MySql>>::compatible(&info);
    let int = <i64 as Type<MySql>>::compatible(&info);
    let unsigned = <u64 as Type<MySql>>::compatible(&info);
    Ok(match ty {
        ColumnType::Text if text => Value::Text(get::<String>(raw)?),
        ColumnType::Uuid if text || is_bytes(&info) => {
            let bytes = get::<&[u8]>(raw)?;
            let uuid = match bytes.len() {
                // A `binary(16)` column, as sea-query declares MySQL UUIDs.
                16 => Uuid::from_slice(bytes),
                _ => Uuid::try_parse_ascii(bytes),
            };
            Value::Uuid(uuid.map_err(|e| invalid(format!("bad uuid: {e}")))?)
        }
        ColumnType::Bool if int => Value::Bool(get::<i64>(raw)? != 0),
        ColumnType::Int32 | ColumnType::Int64 if int => Value::Int(get(raw)?),
        ColumnType::Int32 | ColumnType::Int64 if unsigned => {
            let n = get::<u64>(raw)?;
            Value::Int(i64::try_from(n).map_err(|_| invalid(format!("integer {n} out of range")))?)
        }
        ColumnType::Float64 if <f64 as Type<MySql>>::compatible(&info) => Value::Float(get(raw)?),
        ColumnType::Float64 if int => Value::Float(get::<i64>(raw)? as f64),
        // `DATETIME(3)`, and `TIMESTAMP(3)` (Drizzle's), which the server converts through the
        // session time zone: sqlx sets it to `+00:00`, and the executor insists on it.
        ColumnType::Timestamp | ColumnType::EpochMillis
            if <DateTime<Utc> as Type<MySql>>::compatible(&info) =>
        {
            Value::Timestamp(get(raw)?)
        }
        ColumnType::EpochMillis if int => {
            let ms = get::<i64>(raw)?;
            Value::Timestamp(
                DateTime::from_timestamp_millis(ms)
                    .ok_or_else(|| invalid(format!("epoch milliseconds {ms} out of range")))?,
            )
        }
        ColumnType::Json if info.name() == "JSON" || text || is_bytes(&info) => Value::Json(
            serde_json::from_slice(get::<&[u8]>(raw)?)
                .map_err(|e| invalid(format!("bad json: {e}")))?,
        ),
        ColumnType::Bytes if is_bytes(&info) || text => Value::Bytes(get(raw)?),
        ty => return Err(stored_mismatch(ty, info.name())),
    })
}

/// Decodes one row of hand-written SQL by each column's MySQL type (the list is
/// [`RawRow`](crate::adapter::sql::RawRow)'s); `columns` are the row's column names.
pub(crate) fn decode_untyped(row: &MySqlRow, columns: &[String]) -> Result<Vec<Value>> {
    untyped_row(row, columns, untyped)
}

/// One value of column `column` by its MySQL type.
fn untyped(column: &str, raw: MySqlValueRef<'_>) -> Result<Value> {
    if raw.is_null() {
        return Ok(Value::Null);
    }
    let info = raw.type_info().into_owned();
    let ty = info.name();
    let bad = |e: ValueError| undecodable(column, ty, e);
    // A character string (any collation but `binary`, `_bin` ones included) before a byte one.
    if <&str as Type<MySql>>::compatible(&info) {
        return Ok(Value::Text(get(raw).map_err(bad)?));
    }
    Ok(match ty {
        "NULL" => Value::Null,
        "BOOLEAN" | "TINYINT" | "SMALLINT" | "MEDIUMINT" | "INT" | "BIGINT" | "YEAR" => {
            Value::Int(get(raw).map_err(bad)?)
        }
        "TINYINT UNSIGNED" | "SMALLINT UNSIGNED" | "MEDIUMINT UNSIGNED" | "INT UNSIGNED"
        | "BIGINT UNSIGNED" => {
            let n = get::<u64>(raw).map_err(bad)?;
            Value::Int(i64::try_from(n).map_err(|_| bad(invalid(format!("{n} is over i64"))))?)
        }
        "FLOAT" => Value::Float(get::<f32>(raw).map_err(bad)?.into()),
        "DOUBLE" => Value::Float(get(raw).map_err(bad)?),
        "DECIMAL" => Value::Text(get(raw).map_err(bad)?),
        // UTC: the session's time zone is `+00:00` (see the module docs).
        "DATETIME" | "TIMESTAMP" => Value::Timestamp(get(raw).map_err(bad)?),
        "DATE" => Value::Text(get::<NaiveDate>(raw).map_err(bad)?.to_string()),
        "TIME" => Value::Text(get::<MySqlTime>(raw).map_err(bad)?.to_string()),
        "JSON" => Value::Json(
            serde_json::from_slice(get::<&[u8]>(raw).map_err(bad)?)
                .map_err(|e| bad(invalid(format!("bad json: {e}"))))?,
        ),
        "BINARY" | "VARBINARY" | "TINYBLOB" | "BLOB" | "MEDIUMBLOB" | "LONGBLOB" | "BIT"
        | "GEOMETRY" => Value::Bytes(get(raw).map_err(bad)?),
        _ => return Err(unsupported(Dialect::MySql, column, ty)),
    })
}

/// A binary string or blob.
fn is_bytes(info: &MySqlTypeInfo) -> bool {
    <&[u8] as Type<MySql>>::compatible(info)
}

fn get<'r, T: Decode<'r, MySql>>(raw: MySqlValueRef<'r>) -> Result<T, ValueError> {
    T::decode(raw).map_err(invalid)
}

/// [`map_error`] for the errors of `call`: a statement larger than the server's
/// `max_allowed_packet` (1153) is [`Error::InvalidInput`] naming the column of the call's
/// largest value. The executor refuses such a statement before sending it; this is for a
/// limit lowered after connect. The server closes that connection; the pool replaces it.
pub(crate) fn map_call_error(error: sqlx::Error, call: &Call<'_>) -> Error {
    if let sqlx::Error::Database(database) = &error
        && database
            .try_downcast_ref::<MySqlDatabaseError>()
            .is_some_and(|e| e.number() == 1153)
    {
        return too_large(call, "larger than the server's `max_allowed_packet`");
    }
    map_error(error, call.tables)
}

/// Maps a sqlx error: duplicate keys (1062) to [`Error::Conflict`] named as the DDL names the
/// key (`PRIMARY` is [`Table::primary_key_name`]; MySQL 8 prefixes the key with its table); foreign-key
/// failures (1451, 1452), NOT NULL and missing values (1048, 1364), values the column cannot
/// take (1406 too long under strict mode, 1264 out of range, 1265 truncated, 1292 bad
/// date-time, 1366 bad string, 3140 bad JSON, 4025 and 3819 CHECK failures) to
/// [`Error::InvalidInput`]; everything else (connections, the pool, deadlocks) to
/// [`Error::Database`].
pub(crate) fn map_error(error: sqlx::Error, tables: &[&'static Table]) -> Error {
    let database = match error {
        sqlx::Error::Database(database) => database,
        sqlx::Error::Encode(e) => {
            return Error::InvalidInput(format!("cannot encode a value: {e}"));
        }
        other => return Error::database(other),
    };
    let Some(mysql) = database.try_downcast_ref::<MySqlDatabaseError>() else {
        return Error::Database(database.into_error());
    };
    let message = mysql.message();
    match mysql.number() {
        1062 => conflict(message, tables),
        1451 => Error::InvalidInput(format!(
            "{message}: rows still reference the user, through a foreign key that restricts \
             deletes"
        )),
        1452 => Error::InvalidInput(format!(
            "{message}: a referenced row (the user) does not exist"
        )),
        1048 | 1364 | 1406 | 1264 | 1265 | 1292 | 1366 | 3140 | 4025 | 3819 => {
            Error::InvalidInput(message.to_owned())
        }
        _ => Error::Database(database.into_error()),
    }
}

/// The conflict of "Duplicate entry 'a@b.c' for key 'users_email_key'" (MariaDB) or "... for
/// key 'users.users_email_key'" (MySQL 8), on the call's first table.
fn conflict(message: &str, tables: &[&'static Table]) -> Error {
    // The key is the last quoted part; the entry before it may contain anything.
    let key = message
        .rfind(" for key '")
        .map(|start| &message[start + " for key '".len()..])
        .map(|rest| rest.strip_suffix('\'').unwrap_or(rest))
        .unwrap_or("");
    let (prefix, key) = match key.split_once('.') {
        Some((table, key)) => (Some(table), key),
        None => (None, key),
    };
    let table = tables
        .first()
        .map(|t| t.name)
        .or(prefix)
        .unwrap_or_default()
        .to_owned();
    let constraint = match key {
        "PRIMARY" => match tables.first() {
            Some(first) => first.primary_key_name(),
            None => format!("{table}_pkey"),
        },
        "" => format!("{table}_key"),
        key => tables
            .first()
            .and_then(|first| unnamed_key(first, key))
            .unwrap_or_else(|| key.to_owned()),
    };
    Error::Conflict { table, constraint }
}

/// The unique key MySQL named `key` by its own rule for a key created without a name (a
/// column's inline `UNIQUE`, as Kysely writes it): the name of its first column. `None` when
/// `key` is a name the model gives, or no unique key starts with such a column.
fn unnamed_key(table: &'static Table, key: &str) -> Option<String> {
    let keys = table.unique_keys();
    if keys.iter().any(|k| k.name == key) {
        return None;
    }
    keys.into_iter()
        .find(|k| {
            k.columns
                .first()
                .is_some_and(|c| c.name.eq_ignore_ascii_case(key))
        })
        .map(|k| k.name)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::models::{User, VerificationToken};
    use crate::traits::Model;

    fn names(error: Error) -> (String, String) {
        match error {
            Error::Conflict { table, constraint } => (table, constraint),
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn duplicate_entries_name_the_ddl_key() {
        let users = [<User as Model>::TABLE];
        let tokens = [<VerificationToken as Model>::TABLE];
        let mariadb = "Duplicate entry 'a@b.c' for key 'users_email_key'";
        assert_eq!(
            names(conflict(mariadb, &users)),
            ("users".into(), "users_email_key".into())
        );
        let mysql = "Duplicate entry 'x' for key 'users.users_email_key'";
        assert_eq!(names(conflict(mysql, &users)).1, "users_email_key");
        let primary = "Duplicate entry 'a-b' for key 'PRIMARY'";
        assert_eq!(
            names(conflict(primary, &tokens)).1,
            "verification_tokens_pkey"
        );
        // MySQL's own name for an unnamed unique key is its first column's.
        let unnamed = "Duplicate entry 'a@b.c' for key 'email'";
        assert_eq!(names(conflict(unnamed, &users)).1, "users_email_key");
        let tricky = "Duplicate entry 'x' for key 'y' for key 'users_email_key'";
        assert_eq!(names(conflict(tricky, &users)).1, "users_email_key");
        assert_eq!(
            names(conflict("Duplicate entry", &[])),
            (String::new(), "_key".into())
        );
    }
}
