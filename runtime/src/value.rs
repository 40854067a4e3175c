//! Dialect-neutral values: what a model's fields become on the way to a database and back.
//!
//! Entry points: [`Value`], the one representation every driver binds and decodes, and
//! [`ColumnValue`], implemented for every Rust type a model field may have.

use chrono::{DateTime, SubsecRound, Utc};
use uuid::Uuid;

use crate::descriptor::{ColumnType, IdStrategy, Stamp, Table};
pub use crate::error::ValueError;

/// One column's value, independent of the database that stores it.
#[derive(Debug, Clone, PartialEq)]
pub enum Value {
    /// SQL `NULL`.
    Null,
    /// A boolean.
    Bool(bool),
    /// Any integer column (`i32` and `i64` both travel as `i64`).
    Int(i64),
    /// A double-precision float.
    Float(f64),
    /// Text.
    Text(String),
    /// A UUID (text on SQLite and MySQL, `uuid` on PostgreSQL).
    Uuid(Uuid),
    /// An instant, always UTC.
    Timestamp(DateTime<Utc>),
    /// A JSON document.
    Json(serde_json::Value),
    /// Raw bytes.
    Bytes(Vec<u8>),
}

impl Value {
    /// The name of this value's kind, for error messages.
    pub fn kind(&self) -> &'static str {
        match self {
            Value::Null => "null",
            Value::Bool(_) => "bool",
            Value::Int(_) => "integer",
            Value::Float(_) => "float",
            Value::Text(_) => "text",
            Value::Uuid(_) => "uuid",
            Value::Timestamp(_) => "timestamp",
            Value::Json(_) => "json",
            Value::Bytes(_) => "bytes",
        }
    }

    /// Whether this is SQL `NULL`.
    pub fn is_null(&self) -> bool {
        matches!(self, Value::Null)
    }

    /// The value as the string id the Auth.js contract speaks of (`"42"`, a hyphenated UUID,
    /// or the text itself); `None` for kinds that are never ids.
    pub fn to_id_string(&self) -> Option<String> {
        match self {
            Value::Int(i) => Some(i.to_string()),
            Value::Text(s) => Some(s.clone()),
            Value::Uuid(u) => Some(u.hyphenated().to_string()),
            _ => None,
        }
    }

    /// Converts a JSON value into a value of column type `ty`: text from strings, integers
    /// and floats from numbers, UUIDs and instants (RFC 3339) from strings, any JSON for a
    /// JSON column. `null` is [`Value::Null`].
    pub fn from_json(ty: ColumnType, json: serde_json::Value) -> Result<Value, ValueError> {
        use serde_json::Value as J;
        let found = |json: &J| match json {
            J::Null => "null",
            J::Bool(_) => "bool",
            J::Number(_) => "number",
            J::String(_) => "string",
            J::Array(_) => "array",
            J::Object(_) => "object",
        };
        let mismatch = |expected: &'static str, json: &J| ValueError::Mismatch {
            expected,
            found: found(json),
        };
        Ok(match (ty, json) {
            (_, J::Null) => Value::Null,
            (ColumnType::Json, json) => Value::Json(json),
            (ColumnType::Text, J::String(s)) => Value::Text(s),
            (ColumnType::Bool, J::Bool(b)) => Value::Bool(b),
            (ColumnType::Int32 | ColumnType::Int64, J::Number(n)) => Value::Int(
                n.as_i64()
                    .ok_or_else(|| mismatch("integer", &J::Number(n)))?,
            ),
            (ColumnType::Float64, J::Number(n)) => {
                Value::Float(n.as_f64().ok_or_else(|| mismatch("float", &J::Number(n)))?)
            }
            (ColumnType::Uuid, J::String(s)) => Value::Uuid(
                Uuid::try_parse(&s).map_err(|e| ValueError::Invalid(format!("bad uuid: {e}")))?,
            ),
            (ColumnType::Timestamp | ColumnType::EpochMillis, J::String(s)) => {
                let instant = DateTime::parse_from_rfc3339(&s)
                    .map_err(|e| ValueError::Invalid(format!("bad RFC 3339 instant: {e}")))?
                    .with_timezone(&Utc);
                check_instant(&instant)?;
                Value::Timestamp(instant)
            }
            // A JavaScript timestamp (`Date.now()`): milliseconds since the epoch.
            (ColumnType::EpochMillis, J::Number(n)) => Value::Timestamp(
                n.as_i64()
                    .and_then(DateTime::from_timestamp_millis)
                    .ok_or_else(|| ValueError::Invalid(format!("bad epoch milliseconds: {n}")))?,
            ),
            (ColumnType::Text, json) => return Err(mismatch("string", &json)),
            (ColumnType::Bool, json) => return Err(mismatch("bool", &json)),
            (ColumnType::Int32 | ColumnType::Int64, json) => {
                return Err(mismatch("integer", &json));
            }
            (ColumnType::Float64, json) => return Err(mismatch("float", &json)),
            (ColumnType::Uuid, json) => return Err(mismatch("uuid string", &json)),
            (ColumnType::Timestamp, json) => return Err(mismatch("RFC 3339 string", &json)),
            (ColumnType::EpochMillis, json) => {
                return Err(mismatch("RFC 3339 string or epoch milliseconds", &json));
            }
            (ColumnType::Bytes, json) => {
                return Err(mismatch("bytes (not representable in JSON)", &json));
            }
        })
    }

    /// Parses a contract-level string id into a value of the given column type.
    ///
    /// Returns `None` when the string cannot be an id of that type (a UUID where ids are
    /// integers, say): the contract treats such an id as not found, never as an error.
    pub fn parse_id(ty: ColumnType, id: &str) -> Option<Value> {
        match ty {
            ColumnType::Text => Some(Value::Text(id.to_owned())),
            ColumnType::Uuid => Uuid::try_parse(id).ok().map(Value::Uuid),
            ColumnType::Int32 => id.parse::<i32>().ok().map(|i| Value::Int(i.into())),
            ColumnType::Int64 => id.parse::<i64>().ok().map(Value::Int),
            _ => None,
        }
    }
}

/// A Rust type that can be a model field: how it is declared, stored and read back.
///
/// Implemented for `String`, `bool`, `i32`, `i64`, `f64`, [`Uuid`], `DateTime<Utc>`,
/// `time::OffsetDateTime` (feature `time`), `serde_json::Value`, [`Json<T>`] (typed JSON),
/// `Vec<u8>`, enums deriving `AuthEnum` (stored as text), and `Option` of each.
#[diagnostic::on_unimplemented(
    message = "`{Self}` cannot be stored in a column",
    label = "not a supported column type",
    note = "supported: String, bool, i32, i64, f64, uuid::Uuid, chrono::DateTime<Utc>, time::OffsetDateTime (feature `time`), serde_json::Value, authmodel::value::Json<T>, Vec<u8>, enums with #[derive(AuthEnum)], and Option of each"
)]
pub trait ColumnValue: Sized {
    /// The column type this Rust type maps to.
    const TYPE: ColumnType;
    /// Whether the column accepts `NULL` (only `Option<T>`).
    const NULLABLE: bool = false;
    /// Converts the field into a bindable value. Fails only for typed JSON whose `Serialize`
    /// fails (a map with non-string keys, say): the row is refused rather than stored wrong.
    fn to_value(&self) -> Result<Value, ValueError>;
    /// Reads the field back from a decoded value.
    fn from_value(value: Value) -> Result<Self, ValueError>;
}

fn mismatch<T>(expected: &'static str, found: &Value) -> Result<T, ValueError> {
    match found {
        Value::Null => Err(ValueError::UnexpectedNull),
        other => Err(ValueError::Mismatch {
            expected,
            found: other.kind(),
        }),
    }
}

impl ColumnValue for String {
    const TYPE: ColumnType = ColumnType::Text;
    fn to_value(&self) -> Result<Value, ValueError> {
        Ok(Value::Text(self.clone()))
    }
    fn from_value(value: Value) -> Result<Self, ValueError> {
        match value {
            Value::Text(s) => Ok(s),
            // A UUID column read into a String field (an app that keeps ids as text).
            Value::Uuid(u) => Ok(u.hyphenated().to_string()),
            other => mismatch("text", &other),
        }
    }
}

impl ColumnValue for bool {
    const TYPE: ColumnType = ColumnType::Bool;
    fn to_value(&self) -> Result<Value, ValueError> {
        Ok(Value::Bool(*self))
    }
    fn from_value(value: Value) -> Result<Self, ValueError> {
        match value {
            Value::Bool(b) => Ok(b),
            // SQLite and MySQL keep booleans as integers.
            Value::Int(i) => Ok(i != 0),
            other => mismatch("bool", &other),
        }
    }
}

impl ColumnValue for i64 {
    const TYPE: ColumnType = ColumnType::Int64;
    fn to_value(&self) -> Result<Value, ValueError> {
        Ok(Value::Int(*self))
    }
    fn from_value(value: Value) -> Result<Self, ValueError> {
        match value {
            Value::Int(i) => Ok(i),
            other => mismatch("integer", &other),
        }
    }
}

impl ColumnValue for i32 {
    const TYPE: ColumnType = ColumnType::Int32;
    fn to_value(&self) -> Result<Value, ValueError> {
        Ok(Value::Int((*self).into()))
    }
    fn from_value(value: Value) -> Result<Self, ValueError> {
        match value {
            Value::Int(i) => i32::try_from(i).map_err(|_| ValueError::OutOfRange(i)),
            other => mismatch("integer", &other),
        }
    }
}

impl ColumnValue for f64 {
    const TYPE: ColumnType = ColumnType::Float64;
    fn to_value(&self) -> Result<Value, ValueError> {
        Ok(Value::Float(*self))
    }
    fn from_value(value: Value) -> Result<Self, ValueError> {
        match value {
            Value::Float(f) => Ok(f),
            // SQLite returns whole REAL values it stored as integers.
            Value::Int(i) => Ok(i as f64),
            other => mismatch("float", &other),
        }
    }
}

impl ColumnValue for Uuid {
    const TYPE: ColumnType = ColumnType::Uuid;
    fn to_value(&self) -> Result<Value, ValueError> {
        Ok(Value::Uuid(*self))
    }
    fn from_value(value: Value) -> Result<Self, ValueError> {
        match value {
            Value::Uuid(u) => Ok(u),
            Value::Text(s) => {
                Uuid::try_parse(&s).map_err(|e| ValueError::Invalid(format!("bad uuid: {e}")))
            }
            other => mismatch("uuid", &other),
        }
    }
}

/// Refuses a leap second (`23:59:60.5Z`, which chrono represents and RFC 3339 allows): the
/// one rule of every adapter, applied where a field becomes a [`Value`], before anything is
/// written. No backend keeps one as given (MariaDB stores `0000-00-00`, SQLite
/// `23:59:59.999`, PostgreSQL the next second), so a write acknowledged with it would not
/// read back as it was sent.
pub(crate) fn check_instant(instant: &DateTime<Utc>) -> Result<(), ValueError> {
    if instant.timestamp_subsec_nanos() >= 1_000_000_000 {
        return Err(ValueError::Invalid(format!(
            "{} is a leap second, which no database stores as given; use the second before or \
             after it",
            instant.to_rfc3339_opts(chrono::SecondsFormat::AutoSi, true)
        )));
    }
    Ok(())
}

impl ColumnValue for DateTime<Utc> {
    const TYPE: ColumnType = ColumnType::Timestamp;
    fn to_value(&self) -> Result<Value, ValueError> {
        check_instant(self)?;
        Ok(Value::Timestamp(*self))
    }
    fn from_value(value: Value) -> Result<Self, ValueError> {
        match value {
            Value::Timestamp(t) => Ok(t),
            other => mismatch("timestamp", &other),
        }
    }
}

impl ColumnValue for serde_json::Value {
    const TYPE: ColumnType = ColumnType::Json;
    fn to_value(&self) -> Result<Value, ValueError> {
        Ok(Value::Json(self.clone()))
    }
    fn from_value(value: Value) -> Result<Self, ValueError> {
        match value {
            Value::Json(j) => Ok(j),
            other => mismatch("json", &other),
        }
    }
}

impl ColumnValue for Vec<u8> {
    const TYPE: ColumnType = ColumnType::Bytes;
    fn to_value(&self) -> Result<Value, ValueError> {
        Ok(Value::Bytes(self.clone()))
    }
    fn from_value(value: Value) -> Result<Self, ValueError> {
        match value {
            Value::Bytes(b) => Ok(b),
            other => mismatch("bytes", &other),
        }
    }
}

impl<T: ColumnValue> ColumnValue for Option<T> {
    const TYPE: ColumnType = T::TYPE;
    const NULLABLE: bool = true;
    fn to_value(&self) -> Result<Value, ValueError> {
        match self {
            Some(v) => v.to_value(),
            None => Ok(Value::Null),
        }
    }
    fn from_value(value: Value) -> Result<Self, ValueError> {
        match value {
            Value::Null => Ok(None),
            other => T::from_value(other).map(Some),
        }
    }
}

/// Typed JSON: any serde type, stored in a JSON column (`jsonb` on PostgreSQL, `json` on
/// MySQL, text on SQLite).
///
/// ```
/// use authmodel::value::Json;
/// #[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
/// struct Preferences { theme: String }
/// # use authmodel::ColumnValue;
/// let stored = Json(Preferences { theme: "dark".into() }).to_value().unwrap();
/// assert_eq!(Json::<Preferences>::from_value(stored).unwrap().0.theme, "dark");
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Json<T>(pub T);

impl<T> ColumnValue for Json<T>
where
    T: serde::Serialize + serde::de::DeserializeOwned,
{
    const TYPE: ColumnType = ColumnType::Json;
    fn to_value(&self) -> Result<Value, ValueError> {
        serde_json::to_value(&self.0)
            .map(Value::Json)
            .map_err(|e| ValueError::Invalid(format!("cannot serialize to JSON: {e}")))
    }
    fn from_value(value: Value) -> Result<Self, ValueError> {
        let json = match value {
            Value::Json(json) => json,
            // A JSON column some other client filled with plain text.
            Value::Text(text) => serde_json::from_str(&text)
                .map_err(|e| ValueError::Invalid(format!("bad JSON: {e}")))?,
            other => return mismatch("json", &other),
        };
        serde_json::from_value(json)
            .map(Json)
            .map_err(|e| ValueError::Invalid(format!("JSON does not fit the field: {e}")))
    }
}

#[cfg(feature = "time")]
impl ColumnValue for time::OffsetDateTime {
    const TYPE: ColumnType = ColumnType::Timestamp;
    fn to_value(&self) -> Result<Value, ValueError> {
        let nanos = self.unix_timestamp_nanos();
        let secs = nanos.div_euclid(1_000_000_000);
        let subsec = nanos.rem_euclid(1_000_000_000) as u32;
        i64::try_from(secs)
            .ok()
            .and_then(|secs| DateTime::<Utc>::from_timestamp(secs, subsec))
            .map(Value::Timestamp)
            .ok_or_else(|| ValueError::Invalid(format!("instant {self} out of range")))
    }
    fn from_value(value: Value) -> Result<Self, ValueError> {
        match value {
            Value::Timestamp(t) => {
                let nanos = i128::from(t.timestamp()) * 1_000_000_000
                    + i128::from(t.timestamp_subsec_nanos());
                time::OffsetDateTime::from_unix_timestamp_nanos(nanos)
                    .map_err(|e| ValueError::Invalid(format!("instant out of range: {e}")))
            }
            other => mismatch("timestamp", &other),
        }
    }
}

/// Truncates an instant to whole milliseconds, the precision every dialect keeps.
///
/// JavaScript's `Date` (and so Auth.js) has millisecond precision; storing the same
/// precision everywhere makes a value read back equal to the value written.
pub fn to_millis(t: DateTime<Utc>) -> DateTime<Utc> {
    t.trunc_subsecs(3)
}

/// The instant an insert or update writes into the table's `#[auth(created_at)]` and
/// `#[auth(updated_at)]` columns: now, to the millisecond.
pub fn stamp_now() -> DateTime<Utc> {
    to_millis(Utc::now())
}

/// Writes `now` into every stamp column of a new row (`row` holds one value per column of
/// `table`): created and updated at the same instant, whatever the model held. The one rule
/// of both adapters.
pub fn stamp_insert(table: &Table, row: &mut [Value], now: DateTime<Utc>) {
    for (column, value) in table.columns.iter().zip(row.iter_mut()) {
        if column.stamp.is_some() {
            *value = Value::Timestamp(now);
        }
    }
}

/// The assignments an update of a row of `table` adds: `now` into every
/// `#[auth(updated_at)]` column, replacing any assignment of it in `assignments`. Nothing
/// changes on a table without one.
pub fn stamp_update(table: &Table, assignments: &mut Vec<(usize, Value)>, now: DateTime<Utc>) {
    for (position, column) in table.columns.iter().enumerate() {
        if column.stamp == Some(Stamp::UpdatedAt) {
            assignments.retain(|(p, _)| *p != position);
            assignments.push((position, Value::Timestamp(now)));
        }
    }
}

// Id generation yields a `Value`, so it lives with the values, not with the descriptors
// that name the strategy (descriptors sit below values).
impl IdStrategy {
    /// The id a new row gets in a column of type `ty`, or `None` when the database assigns
    /// it (autoincrement) or the application's value is kept (provided). A UUID strategy on a
    /// text column yields the hyphenated text.
    pub fn generate(self, ty: ColumnType) -> Option<Value> {
        let uuid = match self {
            IdStrategy::UuidV4 => uuid::Uuid::new_v4(),
            IdStrategy::UuidV7 => uuid::Uuid::now_v7(),
            IdStrategy::Generated(generate) => return Some(Value::Text(generate())),
            IdStrategy::AutoIncrement | IdStrategy::Provided => return None,
        };
        Some(match ty {
            ColumnType::Uuid => Value::Uuid(uuid),
            _ => Value::Text(uuid.hyphenated().to_string()),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn option_round_trips_null() {
        assert_eq!(Option::<String>::from_value(Value::Null), Ok(None));
        assert_eq!(
            String::from_value(Value::Null),
            Err(ValueError::UnexpectedNull)
        );
    }

    #[test]
    fn foreign_ids_do_not_parse() {
        let uuid = "2c5b0e9a-9d4f-4b7a-8a36-8c1b1f0c2e11";
        assert_eq!(Value::parse_id(ColumnType::Int64, uuid), None);
        assert_eq!(Value::parse_id(ColumnType::Uuid, "42"), None);
        assert_eq!(
            Value::parse_id(ColumnType::Int64, "42"),
            Some(Value::Int(42))
        );
    }

    #[cfg(feature = "time")]
    #[test]
    fn offset_date_time_round_trips_through_the_same_instant() {
        let instant = time::OffsetDateTime::from_unix_timestamp_nanos(1_767_225_600_123_000_000)
            .expect("in range");
        let value = instant.to_value().expect("encodes");
        let Value::Timestamp(chrono) = value.clone() else {
            panic!("a timestamp, got {value:?}");
        };
        assert_eq!(chrono.timestamp_millis(), 1_767_225_600_123);
        assert_eq!(time::OffsetDateTime::from_value(value), Ok(instant));
    }

    #[test]
    fn typed_json_refuses_what_does_not_fit() {
        #[derive(Debug, PartialEq, serde::Serialize, serde::Deserialize)]
        struct Theme {
            dark: bool,
        }
        let stored = Json(Theme { dark: true }).to_value().expect("encodes");
        assert_eq!(stored, Value::Json(serde_json::json!({ "dark": true })));
        let wrong = Json::<Theme>::from_value(Value::Json(serde_json::json!({ "dark": 1 })));
        assert!(matches!(wrong, Err(ValueError::Invalid(_))), "{wrong:?}");
        // A map with non-string keys cannot be JSON: refused, not stored wrong.
        let map: std::collections::BTreeMap<(u8, u8), u8> = [((1, 2), 3)].into();
        assert!(Json(map).to_value().is_err());
    }

    #[test]
    fn i32_rejects_out_of_range() {
        assert_eq!(
            i32::from_value(Value::Int(1 << 40)),
            Err(ValueError::OutOfRange(1 << 40))
        );
    }
}
