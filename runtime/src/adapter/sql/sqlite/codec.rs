//! SQLite encodings: binding [`Value`]s, decoding rows per [`ColumnType`], mapping errors.
//!
//! Entry points: [`bind`], [`decode_row`] and [`map_error`]. The encodings are the project's
//! (UUID as 36-char lowercase text, timestamps as `YYYY-MM-DDTHH:MM:SS.sssZ` text — what
//! JavaScript's `Date.toISOString()` writes —, booleans as 0/1, JSON as text, bytes as
//! blobs), and for `#[auth(epoch_ms)]` columns integer milliseconds since the epoch (what
//! `Date.now()` gives). UUIDs and timestamps are formatted on the stack, so binding allocates
//! nothing but JSON text.

use chrono::{DateTime, Datelike, NaiveDate, NaiveDateTime, NaiveTime, Timelike, Utc};
use rusqlite::types::ValueRef;
use rusqlite::{ErrorCode, Row, Statement, ffi};
use uuid::Uuid;

use crate::adapter::sql::raw::undecodable;
use crate::descriptor::{Column, ColumnType, Table};
use crate::error::Error;
use crate::value::{Value, ValueError};

/// Why a call failed: busy (retry off the executor with a busy timeout) or for good.
#[derive(Debug)]
pub(crate) enum Failure {
    /// `SQLITE_BUSY` or `SQLITE_LOCKED`: another connection holds a lock.
    Busy(rusqlite::Error),
    /// Anything else, already mapped.
    Error(Error),
}

impl From<Error> for Failure {
    fn from(error: Error) -> Failure {
        Failure::Error(error)
    }
}

impl Failure {
    /// The caller-facing error.
    pub fn into_error(self) -> Error {
        match self {
            Failure::Busy(e) => Error::database(e),
            Failure::Error(e) => e,
        }
    }
}

/// Binds `params` to placeholders 1..=n of `stmt`; `columns` (empty for hand-written SQL)
/// are the columns they are stored in or compared with, which choose an instant's encoding.
pub(crate) fn bind(
    stmt: &mut Statement<'_>,
    params: &[Value],
    columns: &[&'static Column],
) -> Result<(), Failure> {
    let expected = stmt.parameter_count();
    if params.len() != expected {
        return Err(Failure::Error(Error::InvalidInput(format!(
            "the statement takes {expected} parameters, {} given",
            params.len()
        ))));
    }
    for (i, value) in params.iter().enumerate() {
        let index = i + 1;
        let bound = match value {
            Value::Null => stmt.raw_bind_parameter(index, rusqlite::types::Null),
            Value::Bool(b) => stmt.raw_bind_parameter(index, i64::from(*b)),
            Value::Int(n) => stmt.raw_bind_parameter(index, *n),
            Value::Float(f) => stmt.raw_bind_parameter(index, *f),
            Value::Text(s) => {
                if let Some(column) = columns.get(i) {
                    column.check_len(s).map_err(Failure::Error)?;
                }
                stmt.raw_bind_parameter(index, s.as_str())
            }
            Value::Uuid(u) => {
                let mut buf = [0u8; uuid::fmt::Hyphenated::LENGTH];
                stmt.raw_bind_parameter(index, &*u.hyphenated().encode_lower(&mut buf))
            }
            Value::Timestamp(t)
                if columns
                    .get(i)
                    .is_some_and(|c| c.ty == ColumnType::EpochMillis) =>
            {
                stmt.raw_bind_parameter(index, t.timestamp_millis())
            }
            Value::Timestamp(t) => {
                let mut buf = [0u8; TIMESTAMP_LEN];
                let text = format_timestamp(t, &mut buf).ok_or_else(|| {
                    Error::InvalidInput(format!(
                        "timestamp {t} is outside the years 0000-9999 SQLite text can order"
                    ))
                })?;
                stmt.raw_bind_parameter(index, text)
            }
            Value::Json(j) => stmt.raw_bind_parameter(index, j.to_string()),
            Value::Bytes(b) => stmt.raw_bind_parameter(index, b.as_slice()),
        };
        bound.map_err(|e| map_error(e, &[]))?;
    }
    Ok(())
}

/// Decodes one row whose columns are those of `tables`, in order, appending to `out`.
pub(crate) fn decode_row(
    row: &Row<'_>,
    tables: &[&'static Table],
    out: &mut Vec<Value>,
) -> Result<(), Failure> {
    let mut index = 0;
    for table in tables {
        for column in table.columns {
            let raw = row.get_ref(index).map_err(|e| map_error(e, tables))?;
            let value = decode(column, raw).map_err(|source| Error::Decode {
                table: table.name,
                column: column.name,
                source,
            })?;
            out.push(value);
            index += 1;
        }
    }
    Ok(())
}

/// Decodes one row of hand-written SQL by each value's storage class: `NULL`, `INTEGER`,
/// `REAL`, `TEXT`, `BLOB` as [`Value::Null`], [`Value::Int`], [`Value::Float`],
/// [`Value::Text`], [`Value::Bytes`]. `columns` names them, for the error of text that is not
/// UTF-8.
pub(crate) fn decode_untyped(row: &Row<'_>, columns: &[String]) -> Result<Vec<Value>, Failure> {
    columns
        .iter()
        .enumerate()
        .map(|(index, name)| {
            Ok(match row.get_ref(index).map_err(|e| map_error(e, &[]))? {
                ValueRef::Null => Value::Null,
                ValueRef::Integer(i) => Value::Int(i),
                ValueRef::Real(f) => Value::Float(f),
                ValueRef::Text(t) => Value::Text(
                    utf8(t)
                        .map_err(|e| undecodable(name, "TEXT", e))?
                        .to_owned(),
                ),
                ValueRef::Blob(b) => Value::Bytes(b.to_vec()),
            })
        })
        .collect()
}

/// Decodes one stored value as `column`'s type. `NULL` decodes to [`Value::Null`] for any
/// column; whether the field accepts it is the model's call.
fn decode(column: &Column, raw: ValueRef<'_>) -> Result<Value, ValueError> {
    if let ValueRef::Null = raw {
        return Ok(Value::Null);
    }
    match (column.ty, raw) {
        (ColumnType::Text, ValueRef::Text(t)) => Ok(Value::Text(utf8(t)?.to_owned())),
        (ColumnType::Uuid, ValueRef::Text(t)) => Uuid::try_parse_ascii(t)
            .map(Value::Uuid)
            .map_err(|e| ValueError::Invalid(format!("bad uuid text: {e}"))),
        // Some clients (sqlx) store UUIDs as 16-byte blobs.
        (ColumnType::Uuid, ValueRef::Blob(b)) => Uuid::from_slice(b)
            .map(Value::Uuid)
            .map_err(|e| ValueError::Invalid(format!("bad uuid blob: {e}"))),
        (ColumnType::Bool, ValueRef::Integer(i)) => Ok(Value::Bool(i != 0)),
        (ColumnType::Int32 | ColumnType::Int64, ValueRef::Integer(i)) => Ok(Value::Int(i)),
        (ColumnType::Float64, ValueRef::Real(f)) => Ok(Value::Float(f)),
        (ColumnType::Float64, ValueRef::Integer(i)) => Ok(Value::Float(i as f64)),
        (ColumnType::Timestamp, ValueRef::Text(t)) => {
            let text = utf8(t)?;
            parse_timestamp(text)
                .map(Value::Timestamp)
                .ok_or_else(|| ValueError::Invalid(format!("bad timestamp text `{text}`")))
        }
        (ColumnType::EpochMillis, ValueRef::Integer(ms)) => DateTime::from_timestamp_millis(ms)
            .map(Value::Timestamp)
            .ok_or_else(|| ValueError::Invalid(format!("epoch milliseconds {ms} out of range"))),
        // Rows another client wrote as text (Prisma's driver adapters write ISO 8601).
        (ColumnType::EpochMillis, ValueRef::Text(t)) => {
            let text = utf8(t)?;
            parse_timestamp(text)
                .map(Value::Timestamp)
                .ok_or_else(|| ValueError::Invalid(format!("bad timestamp text `{text}`")))
        }
        (ColumnType::Json, ValueRef::Text(t) | ValueRef::Blob(t)) => serde_json::from_slice(t)
            .map(Value::Json)
            .map_err(|e| ValueError::Invalid(format!("bad json: {e}"))),
        (ColumnType::Bytes, ValueRef::Blob(b)) => Ok(Value::Bytes(b.to_vec())),
        (ty, raw) => Err(ValueError::Mismatch {
            expected: expected_kind(ty),
            found: stored_kind(raw),
        }),
    }
}

fn utf8(bytes: &[u8]) -> Result<&str, ValueError> {
    std::str::from_utf8(bytes).map_err(|e| ValueError::Invalid(format!("invalid utf-8: {e}")))
}

fn expected_kind(ty: ColumnType) -> &'static str {
    match ty {
        ColumnType::Text => "text",
        ColumnType::Uuid => "uuid text",
        ColumnType::Bool => "integer 0/1",
        ColumnType::Int32 | ColumnType::Int64 => "integer",
        ColumnType::Float64 => "real",
        ColumnType::Timestamp => "timestamp text",
        ColumnType::EpochMillis => "integer milliseconds",
        ColumnType::Json => "json text",
        ColumnType::Bytes => "blob",
    }
}

fn stored_kind(raw: ValueRef<'_>) -> &'static str {
    match raw {
        ValueRef::Null => "null",
        ValueRef::Integer(_) => "integer",
        ValueRef::Real(_) => "real",
        ValueRef::Text(_) => "text",
        ValueRef::Blob(_) => "blob",
    }
}

/// `YYYY-MM-DDTHH:MM:SS.sssZ`.
const TIMESTAMP_LEN: usize = 24;

/// Formats `t` as `YYYY-MM-DDTHH:MM:SS.sssZ`, truncated to milliseconds; `None` outside the
/// years 0-9999, where the text would no longer sort as time.
fn format_timestamp<'b>(t: &DateTime<Utc>, buf: &'b mut [u8; TIMESTAMP_LEN]) -> Option<&'b str> {
    let year = u32::try_from(t.year()).ok().filter(|y| *y <= 9999)?;
    // A leap second shows as nanoseconds past 1e9: keep it inside the second.
    let millis = (t.nanosecond() / 1_000_000).min(999);
    let fields = [
        (0, 4, year),
        (5, 2, t.month()),
        (8, 2, t.day()),
        (11, 2, t.hour()),
        (14, 2, t.minute()),
        (17, 2, t.second()),
        (20, 3, millis),
    ];
    for (start, width, mut n) in fields {
        for slot in buf[start..start + width].iter_mut().rev() {
            *slot = b'0' + (n % 10) as u8;
            n /= 10;
        }
    }
    for (i, sep) in [
        (4, b'-'),
        (7, b'-'),
        (10, b'T'),
        (13, b':'),
        (16, b':'),
        (19, b'.'),
        (23, b'Z'),
    ] {
        buf[i] = sep;
    }
    std::str::from_utf8(buf).ok()
}

/// Parses the stored form, and for rows other clients wrote, any RFC 3339 instant or SQLite's
/// own `YYYY-MM-DD HH:MM:SS[.fff]` (UTC, as `CURRENT_TIMESTAMP` writes it).
pub(crate) fn parse_timestamp(text: &str) -> Option<DateTime<Utc>> {
    parse_canonical(text.as_bytes())
        .or_else(|| DateTime::parse_from_rfc3339(text).ok().map(|t| t.to_utc()))
        .or_else(|| {
            ["%Y-%m-%d %H:%M:%S%.f", "%Y-%m-%dT%H:%M:%S%.f"]
                .iter()
                .find_map(|format| NaiveDateTime::parse_from_str(text, format).ok())
                .map(|t| t.and_utc())
        })
}

/// The fast path: exactly `YYYY-MM-DDTHH:MM:SS.sssZ`.
fn parse_canonical(b: &[u8]) -> Option<DateTime<Utc>> {
    if b.len() != TIMESTAMP_LEN
        || [
            (4, b'-'),
            (7, b'-'),
            (10, b'T'),
            (13, b':'),
            (16, b':'),
            (19, b'.'),
            (23, b'Z'),
        ]
        .iter()
        .any(|&(i, sep)| b[i] != sep)
    {
        return None;
    }
    let number = |start: usize, width: usize| -> Option<u32> {
        b[start..start + width].iter().try_fold(0u32, |n, d| {
            d.is_ascii_digit().then(|| n * 10 + u32::from(d - b'0'))
        })
    };
    let year = i32::try_from(number(0, 4)?).ok()?;
    let date = NaiveDate::from_ymd_opt(year, number(5, 2)?, number(8, 2)?)?;
    let time = NaiveTime::from_hms_milli_opt(
        number(11, 2)?,
        number(14, 2)?,
        number(17, 2)?,
        number(20, 3)?,
    )?;
    Some(date.and_time(time).and_utc())
}

/// Maps a driver error: busy/locked to [`Failure::Busy`], unique and primary-key violations to
/// [`Error::Conflict`] named as the DDL names the key (found among `tables`), foreign-key, NOT
/// NULL and CHECK violations to [`Error::InvalidInput`], everything else to
/// [`Error::Database`].
pub(crate) fn map_error(error: rusqlite::Error, tables: &[&'static Table]) -> Failure {
    let rusqlite::Error::SqliteFailure(code, message) = &error else {
        return Failure::Error(Error::database(error));
    };
    match code.code {
        ErrorCode::DatabaseBusy | ErrorCode::DatabaseLocked => Failure::Busy(error),
        ErrorCode::ConstraintViolation => {
            let message = message.as_deref().unwrap_or("constraint failed");
            match code.extended_code {
                ffi::SQLITE_CONSTRAINT_UNIQUE | ffi::SQLITE_CONSTRAINT_PRIMARYKEY => {
                    Failure::Error(conflict(message, tables))
                }
                ffi::SQLITE_CONSTRAINT_FOREIGNKEY => Failure::Error(Error::InvalidInput(format!(
                    "{message}: a referenced row (the user) does not exist"
                ))),
                ffi::SQLITE_CONSTRAINT_NOTNULL | ffi::SQLITE_CONSTRAINT_CHECK => {
                    Failure::Error(Error::InvalidInput(message.to_owned()))
                }
                _ => Failure::Error(Error::database(error)),
            }
        }
        _ => Failure::Error(Error::database(error)),
    }
}

/// Names the key of "UNIQUE constraint failed: users.email" (or "...: accounts.provider,
/// accounts.provider_account_id"): [`Table::primary_key_name`] for the primary key, the matching
/// [`Table::unique_keys`] name, else `<table>_<columns>_key` as the DDL would name it.
fn conflict(message: &str, tables: &[&'static Table]) -> Error {
    let detail = message
        .split_once("failed: ")
        .map_or(message, |(_, detail)| detail);
    let mut table_name = None;
    let mut columns = Vec::new();
    for part in detail.split(", ") {
        match part.split_once('.') {
            Some((table, column)) => {
                table_name.get_or_insert(table);
                columns.push(column);
            }
            // "index 'name'": a unique index on expressions; its name is all there is.
            None => {
                return Error::Conflict {
                    table: tables.first().map_or("", |t| t.name).to_owned(),
                    constraint: detail
                        .trim_start_matches("index ")
                        .trim_matches('\'')
                        .to_owned(),
                };
            }
        }
    }
    let table_name = table_name.unwrap_or("");
    let same = |key: &[&'static Column]| {
        key.len() == columns.len() && key.iter().all(|c| columns.contains(&c.name))
    };
    let constraint = tables
        .iter()
        .find(|t| t.name == table_name)
        .and_then(|table| {
            if table.keys.primary_constraint && same(&table.primary_key()) {
                return Some(table.primary_key_name());
            }
            table
                .unique_keys()
                .into_iter()
                .find(|k| same(&k.columns))
                .map(|k| k.name)
        })
        .unwrap_or_else(|| format!("{table_name}_{}_key", columns.join("_")));
    Error::Conflict {
        table: table_name.to_owned(),
        constraint,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    #[test]
    fn timestamps_round_trip_in_the_stored_form() {
        let t = Utc.with_ymd_and_hms(2026, 11, 27, 3, 25, 54).unwrap()
            + chrono::Duration::nanoseconds(123_456_789);
        let mut buf = [0u8; TIMESTAMP_LEN];
        let text = format_timestamp(&t, &mut buf).unwrap();
        assert_eq!(text, "2026-11-27T03:25:54.123Z");
        assert_eq!(parse_timestamp(text), Some(crate::value::to_millis(t)));
        let early = Utc.with_ymd_and_hms(7, 1, 2, 0, 0, 0).unwrap();
        assert_eq!(
            format_timestamp(&early, &mut buf),
            Some("0007-01-02T00:00:00.000Z")
        );
        let late = Utc.with_ymd_and_hms(10000, 1, 1, 0, 0, 0).unwrap();
        assert_eq!(format_timestamp(&late, &mut buf), None);
    }

    #[test]
    fn other_clients_timestamps_parse() {
        let t = Utc.with_ymd_and_hms(2024, 1, 2, 3, 4, 5).unwrap();
        assert_eq!(parse_timestamp("2024-01-02 03:04:05"), Some(t));
        assert_eq!(parse_timestamp("2024-01-02T03:04:05+00:00"), Some(t));
        assert_eq!(parse_timestamp("2024-01-02T05:04:05+02:00"), Some(t));
        assert_eq!(parse_timestamp("2024-01-02T03:04:05"), Some(t));
        for bad in [
            "",
            "yesterday",
            "2024-13-02T03:04:05.000Z",
            "2024-01-02T03:04:05.0a0Z",
        ] {
            assert_eq!(parse_timestamp(bad), None, "{bad}");
        }
    }
}
