//! PostgreSQL encodings: binding [`Value`]s, decoding rows per [`ColumnType`], mapping errors.
//!
//! Entry points: [`arguments`], [`decode_row`] and [`map_error`]. Each parameter is bound as
//! its column's type (`uuid`, `timestamptz`, `boolean`, `integer`/`bigint`, `jsonb`,
//! `bytea`; `bigint` milliseconds for `#[auth(epoch_ms)]`), `NULL` included: a prepared statement's parameter types are fixed when it is
//! first prepared, so a position must always be bound as the same type. Parameters of
//! hand-written SQL are bound by their value's kind, and `NULL` as an untyped parameter
//! whose type the server infers.

use chrono::{DateTime, NaiveDate, NaiveDateTime, Utc};
use sqlx::error::BoxDynError;
use sqlx::postgres::types::Oid;
use sqlx::postgres::{
    PgArgumentBuffer, PgArguments, PgDatabaseError, PgRow, PgTypeInfo, PgTypeKind, PgValueFormat,
    PgValueRef, Postgres,
};
use sqlx::types::Json;
use sqlx::{Arguments, Decode, Encode, Row, TypeInfo, ValueRef};
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

/// The parameters of `call`, each bound as its column's type.
pub(crate) fn arguments(call: &Call<'_>) -> Result<PgArguments> {
    let mut arguments = PgArguments::default();
    arguments.reserve(call.params.len(), 0);
    for (index, value) in call.params.iter().enumerate() {
        let added = match call.column(index) {
            Some(column) => bind_typed(&mut arguments, column, value)?,
            None => bind_untyped(&mut arguments, value),
        };
        added.map_err(|e| {
            Error::InvalidInput(format!("cannot bind parameter {}: {e}", index + 1))
        })?;
    }
    Ok(arguments)
}

fn bind_typed(
    arguments: &mut PgArguments,
    column: &Column,
    value: &Value,
) -> Result<Result<(), BoxDynError>> {
    Ok(match (column.ty, value) {
        (ColumnType::Text, Value::Text(s)) => arguments.add(text(column, s)?),
        (ColumnType::Text, Value::Uuid(u)) => arguments.add(u.hyphenated().to_string()),
        (ColumnType::Text, Value::Null) => arguments.add(None::<&str>),
        (ColumnType::Uuid, Value::Uuid(u)) => arguments.add(*u),
        (ColumnType::Uuid, Value::Text(s)) => arguments.add(Uuid::try_parse(s).map_err(|e| {
            Error::InvalidInput(format!("column `{}` holds uuids: {e}", column.name))
        })?),
        (ColumnType::Uuid, Value::Null) => arguments.add(None::<Uuid>),
        (ColumnType::Bool, Value::Bool(b)) => arguments.add(*b),
        (ColumnType::Bool, Value::Int(i)) => arguments.add(*i != 0),
        (ColumnType::Bool, Value::Null) => arguments.add(None::<bool>),
        (ColumnType::Int32, Value::Int(i)) => {
            column.check_int(*i)?;
            // In range: `check_int` has just said so.
            arguments.add(*i as i32)
        }
        (ColumnType::Int32, Value::Null) => arguments.add(None::<i32>),
        (ColumnType::Int64, Value::Int(i)) => arguments.add(*i),
        (ColumnType::Int64, Value::Null) => arguments.add(None::<i64>),
        (ColumnType::Float64, Value::Float(f)) => arguments.add(*f),
        (ColumnType::Float64, Value::Int(i)) => arguments.add(*i as f64),
        (ColumnType::Float64, Value::Null) => arguments.add(None::<f64>),
        (ColumnType::Timestamp, Value::Timestamp(t)) => arguments.add(*t),
        (ColumnType::Timestamp, Value::Null) => arguments.add(None::<DateTime<Utc>>),
        (ColumnType::EpochMillis, Value::Timestamp(t)) => arguments.add(t.timestamp_millis()),
        (ColumnType::EpochMillis, Value::Int(ms)) => arguments.add(*ms),
        (ColumnType::EpochMillis, Value::Null) => arguments.add(None::<i64>),
        (ColumnType::Json, Value::Json(j)) => arguments.add(Json(j)),
        (ColumnType::Json, Value::Text(s)) => {
            let json: serde_json::Value = serde_json::from_str(s).map_err(|e| {
                Error::InvalidInput(format!("column `{}` holds JSON: {e}", column.name))
            })?;
            arguments.add(Json(json))
        }
        (ColumnType::Json, Value::Null) => arguments.add(None::<Json<serde_json::Value>>),
        (ColumnType::Bytes, Value::Bytes(b)) => arguments.add(b.as_slice()),
        (ColumnType::Bytes, Value::Null) => arguments.add(None::<&[u8]>),
        (_, other) => return Err(mismatch(column, other)),
    })
}

/// PostgreSQL text cannot hold U+0000: refused here, naming the column, rather than by the
/// server (SQLSTATE 22021) after a round trip; so is text over the column's `max_len`.
fn text<'s>(column: &Column, s: &'s str) -> Result<&'s str> {
    check_len(column, s)?;
    if s.contains('\0') {
        return Err(Error::InvalidInput(format!(
            "column `{}`: PostgreSQL text cannot contain NUL characters",
            column.name
        )));
    }
    Ok(s)
}

fn bind_untyped(arguments: &mut PgArguments, value: &Value) -> Result<(), BoxDynError> {
    match value {
        Value::Null => arguments.add(UntypedNull),
        Value::Bool(b) => arguments.add(*b),
        Value::Int(i) => arguments.add(*i),
        Value::Float(f) => arguments.add(*f),
        Value::Text(s) => arguments.add(s.as_str()),
        Value::Uuid(u) => arguments.add(*u),
        Value::Timestamp(t) => arguments.add(*t),
        Value::Json(j) => arguments.add(Json(j)),
        Value::Bytes(b) => arguments.add(b.as_slice()),
    }
}

/// A `NULL` of no declared type (OID 0): the server infers it from where it is used, as for
/// an untyped literal. For hand-written SQL, whose parameters have no known column.
struct UntypedNull;

impl sqlx::Type<Postgres> for UntypedNull {
    fn type_info() -> PgTypeInfo {
        PgTypeInfo::with_oid(Oid(0))
    }
}

impl Encode<'_, Postgres> for UntypedNull {
    fn encode_by_ref(&self, _: &mut PgArgumentBuffer) -> Result<sqlx::encode::IsNull, BoxDynError> {
        Ok(sqlx::encode::IsNull::Yes)
    }
}

/// Decodes one row whose columns are those of `tables`, in order.
pub(crate) fn decode_row(row: &PgRow, tables: &[&'static Table]) -> Result<Vec<Value>> {
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

/// Decodes one row of hand-written SQL by each column's PostgreSQL type (the list is
/// [`RawRow`](crate::adapter::sql::RawRow)'s); `columns` are the row's column names.
pub(crate) fn decode_untyped(row: &PgRow, columns: &[String]) -> Result<Vec<Value>> {
    untyped_row(row, columns, untyped)
}

/// One value of column `column` by its PostgreSQL type.
fn untyped(column: &str, raw: PgValueRef<'_>) -> Result<Value> {
    if raw.is_null() {
        return Ok(Value::Null);
    }
    let info = raw.type_info().into_owned();
    // A domain is sent as its base type.
    let mut base = &info;
    while let PgTypeKind::Domain(inner) = base.kind() {
        base = inner;
    }
    let ty = base.name();
    let bad = |e: ValueError| undecodable(column, info.name(), e);
    Ok(match ty {
        "BOOL" => Value::Bool(get(raw).map_err(bad)?),
        "INT2" => Value::Int(get::<i16>(raw).map_err(bad)?.into()),
        "INT4" => Value::Int(get::<i32>(raw).map_err(bad)?.into()),
        "INT8" => Value::Int(get(raw).map_err(bad)?),
        "OID" => Value::Int(get::<Oid>(raw).map_err(bad)?.0.into()),
        "FLOAT4" => Value::Float(get::<f32>(raw).map_err(bad)?.into()),
        "FLOAT8" => Value::Float(get(raw).map_err(bad)?),
        "NUMERIC" => Value::Text(match raw.format() {
            PgValueFormat::Text => get::<String>(raw).map_err(bad)?,
            PgValueFormat::Binary => raw
                .as_bytes()
                .ok()
                .and_then(numeric_text)
                .ok_or_else(|| bad(invalid("malformed numeric")))?,
        }),
        "TEXT" | "VARCHAR" | "BPCHAR" | "CHAR" | "\"CHAR\"" | "NAME" | "CITEXT" | "UNKNOWN" => {
            Value::Text(get(raw).map_err(bad)?)
        }
        "UUID" => Value::Uuid(get(raw).map_err(bad)?),
        "TIMESTAMPTZ" => Value::Timestamp(get(raw).map_err(bad)?),
        // Read as UTC, as the contract reads it (the sessions run in UTC).
        "TIMESTAMP" => Value::Timestamp(get::<NaiveDateTime>(raw).map_err(bad)?.and_utc()),
        "DATE" => Value::Text(get::<NaiveDate>(raw).map_err(bad)?.to_string()),
        "JSON" | "JSONB" => Value::Json(get::<Json<serde_json::Value>>(raw).map_err(bad)?.0),
        "BYTEA" => Value::Bytes(get(raw).map_err(bad)?),
        // An enum is sent as its label.
        _ if matches!(base.kind(), PgTypeKind::Enum(_)) => Value::Text(get(raw).map_err(bad)?),
        _ if raw.format() == PgValueFormat::Text => Value::Text(get(raw).map_err(bad)?),
        _ => return Err(unsupported(Dialect::Postgres, column, info.name())),
    })
}

/// A `numeric` in PostgreSQL's binary form (digit count, weight, sign, display scale, then
/// base-10000 digits) as the text PostgreSQL prints; `None` when malformed.
fn numeric_text(bytes: &[u8]) -> Option<String> {
    use std::fmt::Write as _;
    let word = |i: usize| {
        let pair = bytes.get(2 * i..2 * i + 2)?;
        Some(u16::from_be_bytes([pair[0], pair[1]]))
    };
    let count = usize::from(word(0)?);
    let weight = isize::from(word(1)?.cast_signed());
    let sign = word(2)?;
    let scale = usize::from(word(3)?);
    let negative = match sign {
        0x0000 => false,
        0x4000 => true,
        0xC000 => return Some("NaN".to_owned()),
        0xD000 => return Some("Infinity".to_owned()),
        0xF000 => return Some("-Infinity".to_owned()),
        _ => return None,
    };
    let digits = (0..count)
        .map(|i| word(4 + i).filter(|&d| d <= 9999))
        .collect::<Option<Vec<u16>>>()?;
    // The base-10000 digit at position `i` (0 is the most significant of `digits`).
    let digit = |i: isize| usize::try_from(i).ok().and_then(|i| digits.get(i).copied());
    let mut out = String::new();
    if negative {
        out.push('-');
    }
    if weight < 0 {
        out.push('0');
    } else {
        for i in 0..=weight {
            let d = digit(i).unwrap_or(0);
            let _ = if i == 0 {
                write!(out, "{d}")
            } else {
                write!(out, "{d:04}")
            };
        }
    }
    if scale > 0 {
        let mut fraction = String::with_capacity(scale + 4);
        let mut i = weight + 1;
        while fraction.len() < scale {
            let _ = write!(fraction, "{:04}", digit(i).unwrap_or(0));
            i += 1;
        }
        fraction.truncate(scale);
        out.push('.');
        out.push_str(&fraction);
    }
    Some(out)
}

/// The stored types a column type is read from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Stored {
    Text,
    Uuid,
    Bool,
    Int2,
    Int4,
    Int8,
    Float4,
    Float8,
    Timestamptz,
    Timestamp,
    Json,
    Bytea,
    Other,
}

fn stored(name: &str) -> Stored {
    match name {
        "TEXT" | "VARCHAR" | "BPCHAR" | "CHAR" | "NAME" | "CITEXT" | "UNKNOWN" => Stored::Text,
        "UUID" => Stored::Uuid,
        "BOOL" => Stored::Bool,
        "INT2" => Stored::Int2,
        "INT4" => Stored::Int4,
        "INT8" => Stored::Int8,
        "FLOAT4" => Stored::Float4,
        "FLOAT8" => Stored::Float8,
        "TIMESTAMPTZ" => Stored::Timestamptz,
        "TIMESTAMP" => Stored::Timestamp,
        "JSON" | "JSONB" => Stored::Json,
        "BYTEA" => Stored::Bytea,
        _ => Stored::Other,
    }
}

/// Decodes one value as `ty`. `NULL` decodes to [`Value::Null`] for any column; whether the
/// field accepts it is the model's call.
fn decode(ty: ColumnType, raw: PgValueRef<'_>) -> Result<Value, ValueError> {
    if raw.is_null() {
        return Ok(Value::Null);
    }
    let kind = stored(raw.type_info().name());
    Ok(match (ty, kind) {
        (ColumnType::Text, Stored::Text) => Value::Text(get::<String>(raw)?),
        (ColumnType::Text, Stored::Uuid) => Value::Text(get::<Uuid>(raw)?.hyphenated().to_string()),
        (ColumnType::Uuid, Stored::Uuid) => Value::Uuid(get(raw)?),
        (ColumnType::Uuid, Stored::Text) => {
            let text = get::<String>(raw)?;
            Value::Uuid(Uuid::try_parse(&text).map_err(|e| invalid(format!("bad uuid text: {e}")))?)
        }
        (ColumnType::Bool, Stored::Bool) => Value::Bool(get(raw)?),
        (
            ColumnType::Bool | ColumnType::Int32 | ColumnType::Int64 | ColumnType::Float64,
            Stored::Int2 | Stored::Int4 | Stored::Int8,
        ) => {
            let int = match kind {
                Stored::Int2 => i64::from(get::<i16>(raw)?),
                Stored::Int4 => i64::from(get::<i32>(raw)?),
                _ => get::<i64>(raw)?,
            };
            match ty {
                ColumnType::Bool => Value::Bool(int != 0),
                ColumnType::Float64 => Value::Float(int as f64),
                _ => Value::Int(int),
            }
        }
        (ColumnType::Float64, Stored::Float8) => Value::Float(get(raw)?),
        (ColumnType::Float64, Stored::Float4) => Value::Float(f64::from(get::<f32>(raw)?)),
        (ColumnType::Timestamp | ColumnType::EpochMillis, Stored::Timestamptz) => {
            Value::Timestamp(get(raw)?)
        }
        // A `timestamp` column another tool created (Prisma's `timestamp(3)`, Drizzle's
        // `timestamp`): read as UTC, as it is written (the pool's sessions run in UTC, so the
        // `timestamptz` parameters written to it are converted at UTC).
        (ColumnType::Timestamp | ColumnType::EpochMillis, Stored::Timestamp) => {
            Value::Timestamp(get::<NaiveDateTime>(raw)?.and_utc())
        }
        (ColumnType::EpochMillis, Stored::Int2 | Stored::Int4 | Stored::Int8) => {
            let ms = match kind {
                Stored::Int2 => i64::from(get::<i16>(raw)?),
                Stored::Int4 => i64::from(get::<i32>(raw)?),
                _ => get::<i64>(raw)?,
            };
            Value::Timestamp(
                DateTime::from_timestamp_millis(ms)
                    .ok_or_else(|| invalid(format!("epoch milliseconds {ms} out of range")))?,
            )
        }
        (ColumnType::Json, Stored::Json) => Value::Json(get::<Json<serde_json::Value>>(raw)?.0),
        (ColumnType::Json, Stored::Text) => Value::Json(
            serde_json::from_str(&get::<String>(raw)?)
                .map_err(|e| invalid(format!("bad json: {e}")))?,
        ),
        (ColumnType::Bytes, Stored::Bytea) => Value::Bytes(get(raw)?),
        (ty, _) => return Err(stored_mismatch(ty, raw.type_info().name())),
    })
}

fn get<'r, T: Decode<'r, Postgres>>(raw: PgValueRef<'r>) -> Result<T, ValueError> {
    T::decode(raw).map_err(invalid)
}

/// [`map_error`] for the errors of `call`: a value the server refused as too large (SQLSTATE
/// 54000: an index row over the btree limit of about 2,700 bytes, or over 8 kB) is
/// [`Error::InvalidInput`] naming the column of the call's largest value. The statement
/// failed alone; the connection stays usable.
pub(crate) fn map_call_error(error: sqlx::Error, call: &Call<'_>) -> Error {
    if let sqlx::Error::Database(database) = &error
        && database.code().as_deref() == Some("54000")
    {
        return too_large(
            call,
            &format!(
                "{} (PostgreSQL indexes a key column, such as a session token or an email, \
                 only up to about 2,700 bytes)",
                database.message()
            ),
        );
    }
    map_error(error, call.tables)
}

/// Maps a sqlx error: unique violations (23505) to [`Error::Conflict`] with the constraint's
/// name (the DDL names unique indexes `<table>_<columns>_key`, primary keys `<table>_pkey`),
/// violations of foreign keys (23503), NOT NULL (23502) and CHECK (23514) and values the
/// column cannot take (too long, out of range, NUL in text, a malformed literal) to
/// [`Error::InvalidInput`], values sqlx cannot encode to [`Error::InvalidInput`], and the
/// rest (connections, the pool) to [`Error::Database`].
pub(crate) fn map_error(error: sqlx::Error, tables: &[&'static Table]) -> Error {
    let database = match error {
        sqlx::Error::Database(database) => database,
        sqlx::Error::Encode(e) => {
            return Error::InvalidInput(format!("cannot encode a value: {e}"));
        }
        other => return Error::database(other),
    };
    let Some(pg) = database.try_downcast_ref::<PgDatabaseError>() else {
        return Error::Database(database.into_error());
    };
    let message = pg.message();
    match pg.code() {
        "23505" => {
            let table = pg
                .table()
                .map(str::to_owned)
                .or_else(|| tables.first().map(|t| t.name.to_owned()))
                .unwrap_or_default();
            let constraint = pg
                .constraint()
                .map_or_else(|| format!("{table}_key"), str::to_owned);
            Error::Conflict { table, constraint }
        }
        "23503" => Error::InvalidInput(format!(
            "{message}: a referenced row (the user) does not exist"
        )),
        // not null, check, string too long, numeric out of range, datetime out of range,
        // invalid text representation, NUL in text, unsupported \u0000 in jsonb.
        "23502" | "23514" | "22001" | "22003" | "22008" | "22P02" | "22021" | "22P05" => {
            let column = pg
                .column()
                .map(|c| format!(" (column `{c}`)"))
                .unwrap_or_default();
            Error::InvalidInput(format!("{message}{column}"))
        }
        _ => Error::Database(database.into_error()),
    }
}

#[cfg(test)]
mod tests {
    use super::numeric_text;

    /// PostgreSQL's binary `numeric`: digit count, weight, sign, display scale, digits.
    fn numeric(weight: i16, sign: u16, scale: u16, digits: &[u16]) -> Vec<u8> {
        let count = u16::try_from(digits.len()).unwrap();
        [count, weight.cast_unsigned(), sign, scale]
            .iter()
            .chain(digits)
            .flat_map(|w| w.to_be_bytes())
            .collect()
    }

    #[test]
    fn numerics_print_as_postgresql_prints_them() {
        let cases: [(Vec<u8>, &str); 8] = [
            (numeric(1, 0, 2, &[1, 2345, 6700]), "12345.67"),
            (numeric(-1, 0, 1, &[5000]), "0.5"),
            (numeric(-2, 0x4000, 5, &[5000]), "-0.00005"),
            (numeric(1, 0, 0, &[1]), "10000"),
            (numeric(0, 0, 0, &[]), "0"),
            (numeric(0, 0, 3, &[]), "0.000"),
            (numeric(0, 0xC000, 0, &[]), "NaN"),
            (numeric(0, 0xF000, 0, &[]), "-Infinity"),
        ];
        for (bytes, text) in cases {
            assert_eq!(numeric_text(&bytes).as_deref(), Some(text));
        }
        assert_eq!(numeric_text(&numeric(0, 0, 0, &[10_000])), None);
        assert_eq!(numeric_text(&[0, 1]), None);
    }
}
