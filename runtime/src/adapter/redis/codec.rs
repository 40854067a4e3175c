//! A row as one Redis string: a JSON array with one tagged entry per column, so every
//! [`Value`] comes back exactly as it went in (an instant to the nanosecond it holds, a float
//! to its last bit, bytes as hex, JSON as JSON).
//!
//! Entry points: [`encode`] and [`decode`].

use chrono::{DateTime, Utc};
use serde_json::{Value as J, json};
use uuid::Uuid;

use crate::descriptor::Table;
use crate::error::{Error, Result};
use crate::value::{Value, ValueError};

/// `row` (one value per column of `table`) as the string stored in Redis.
pub(super) fn encode(row: &[Value]) -> String {
    let entries: Vec<J> = row
        .iter()
        .map(|value| match value {
            Value::Null => J::Null,
            Value::Bool(b) => json!(["b", b]),
            Value::Int(i) => json!(["i", i.to_string()]),
            Value::Float(f) => json!(["f", format!("{:016x}", f.to_bits())]),
            Value::Text(t) => json!(["s", t]),
            Value::Uuid(u) => json!(["u", u.hyphenated().to_string()]),
            Value::Timestamp(t) => {
                json!(["t", t.timestamp().to_string(), t.timestamp_subsec_nanos()])
            }
            Value::Json(j) => json!(["j", j]),
            Value::Bytes(b) => json!(["x", hex(b)]),
        })
        .collect();
    J::Array(entries).to_string()
}

/// The row `encode` stored, checked against `table`'s width.
pub(super) fn decode(table: &'static Table, text: &str) -> Result<Vec<Value>> {
    let bad = |why: String| {
        Error::Database(format!("a `{}` row in Redis is malformed: {why}", table.name).into())
    };
    let entries: Vec<J> = serde_json::from_str(text).map_err(|e| bad(e.to_string()))?;
    if entries.len() != table.columns.len() {
        return Err(bad(format!(
            "{} values for {} columns",
            entries.len(),
            table.columns.len()
        )));
    }
    entries
        .into_iter()
        .zip(table.columns)
        .map(|(entry, column)| {
            decode_one(entry).map_err(|source| Error::Decode {
                table: table.name,
                column: column.name,
                source,
            })
        })
        .collect()
}

fn decode_one(entry: J) -> std::result::Result<Value, ValueError> {
    let invalid = |what: &str| ValueError::Invalid(format!("bad stored {what}"));
    let J::Array(parts) = entry else {
        return match entry {
            J::Null => Ok(Value::Null),
            _ => Err(invalid("entry")),
        };
    };
    let tag = parts.first().and_then(J::as_str).unwrap_or_default();
    let text = |at: usize| {
        parts
            .get(at)
            .and_then(J::as_str)
            .ok_or_else(|| invalid(tag))
    };
    Ok(match tag {
        "b" => Value::Bool(
            parts
                .get(1)
                .and_then(J::as_bool)
                .ok_or_else(|| invalid(tag))?,
        ),
        "i" => Value::Int(text(1)?.parse().map_err(|_| invalid("integer"))?),
        "f" => Value::Float(f64::from_bits(
            u64::from_str_radix(text(1)?, 16).map_err(|_| invalid("float"))?,
        )),
        "s" => Value::Text(text(1)?.to_owned()),
        "u" => Value::Uuid(Uuid::try_parse(text(1)?).map_err(|_| invalid("uuid"))?),
        "t" => {
            let seconds: i64 = text(1)?.parse().map_err(|_| invalid("instant"))?;
            let nanos = parts
                .get(2)
                .and_then(J::as_u64)
                .and_then(|n| u32::try_from(n).ok())
                .ok_or_else(|| invalid("instant"))?;
            Value::Timestamp(
                DateTime::<Utc>::from_timestamp(seconds, nanos)
                    .ok_or_else(|| invalid("instant"))?,
            )
        }
        "j" => Value::Json(parts.get(1).cloned().unwrap_or(J::Null)),
        "x" => Value::Bytes(unhex(text(1)?).ok_or_else(|| invalid("bytes"))?),
        _ => return Err(invalid("entry")),
    })
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

fn unhex(text: &str) -> Option<Vec<u8>> {
    if !text.len().is_multiple_of(2) {
        return None;
    }
    (0..text.len())
        .step_by(2)
        .map(|at| u8::from_str_radix(text.get(at..at + 2)?, 16).ok())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::models::Session;
    use crate::traits::Model;

    #[test]
    fn every_kind_round_trips_exactly() {
        let instant = DateTime::<Utc>::from_timestamp(1_700_000_000, 123_456_789).unwrap();
        let values = vec![
            Value::Null,
            Value::Bool(true),
            Value::Int(i64::MIN),
            Value::Float(0.1 + 0.2),
            Value::Text("ü \" ]".into()),
            Value::Uuid(Uuid::new_v4()),
            Value::Timestamp(instant),
            Value::Json(json!({"a": [1, null, "x"]})),
            Value::Bytes(vec![0, 1, 254, 255]),
        ];
        let text = encode(&values);
        let back: Vec<Value> = serde_json::from_str::<Vec<J>>(&text)
            .unwrap()
            .into_iter()
            .map(|e| decode_one(e).unwrap())
            .collect();
        assert_eq!(back, values);
    }

    #[test]
    fn a_row_of_another_width_is_refused() {
        let error = decode(Session::TABLE, "[null]").unwrap_err();
        assert!(
            error.to_string().contains("1 values for 4 columns"),
            "{error}"
        );
        assert!(decode(Session::TABLE, "not json").is_err());
        assert!(decode_one(json!(["t", "1", 2_000_000_000])).is_err());
        assert!(unhex("abc").is_none());
    }
}
