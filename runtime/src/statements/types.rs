//! The one type mapping: a column's SQL type on each dialect, its DDL default, and the bytes
//! it takes in a MySQL index.
//!
//! Entry points: [`column_type`] (public), and for the rest of `ddl`: `default_expr` and
//! `mysql_key_bytes`.

use chrono::{DateTime, SecondsFormat};
use sea_query::{Alias, Expr, IntoIden, Keyword, MysqlQueryBuilder, QueryBuilder};

use crate::descriptor::{Column, ColumnType, DefaultValue};
use crate::dialect::Dialect;
use crate::value::to_millis;

/// The length of a string in a key or index when the model gives no `max_len`.
pub(crate) const DEFAULT_KEY_LEN: u32 = 255;

/// The longest `varchar` MySQL accepts in utf8mb4 (65,535 bytes at 4 bytes per character).
const MYSQL_MAX_VARCHAR: u32 = 16_383;

/// The longest `varchar(n)` PostgreSQL accepts; anything longer is plain `text`.
const POSTGRES_MAX_VARCHAR: u32 = 10_485_760;

/// The SQL type of `column` on `dialect`: the storage type alone, without `NOT NULL`, default,
/// identity or key clauses, which the `CREATE TABLE` adds.
///
/// `keyed` says whether the column is part of the primary key, a unique key, an index or a
/// foreign key: MySQL then needs a bounded `varchar(n)` (`n` = `max_len`, else 255), because it
/// cannot index `text`. Every type is chosen here, never by sea-query's defaults:
///
/// | type      | SQLite    | PostgreSQL                 | MySQL / MariaDB                      |
/// |-----------|-----------|----------------------------|--------------------------------------|
/// | Text      | `text`    | `text`, `varchar(n)` with `max_len` | `text`; `varchar(n)` keyed, with `max_len` or with a default |
/// | Uuid      | `text`    | `uuid`                     | `char(36)`                           |
/// | Bool      | `integer` | `boolean`                  | `boolean` (`tinyint(1)`)             |
/// | Int32     | `integer` | `integer`                  | `int`                                |
/// | Int64     | `integer` | `bigint`                   | `bigint`                             |
/// | Float64   | `real`    | `double precision`         | `double`                             |
/// | Timestamp | `text`    | `timestamptz`              | `datetime(3)`, in UTC                |
/// | EpochMillis | `integer` | `bigint`                 | `bigint`                             |
/// | Json      | `text`    | `jsonb`                    | `json`                               |
/// | Bytes     | `blob`    | `bytea`                    | `longblob`; `varbinary(n)` keyed     |
pub fn column_type(column: &Column, dialect: Dialect, keyed: bool) -> String {
    match dialect {
        Dialect::Sqlite => sqlite_type(column.ty).to_owned(),
        Dialect::Postgres => postgres_type(column),
        Dialect::MySql => mysql_type(column, keyed),
    }
}

fn sqlite_type(ty: ColumnType) -> &'static str {
    // SQLite has no uuid, boolean or date types: the encodings are 36-character text, 0/1 and
    // `YYYY-MM-DDTHH:MM:SS.sssZ` text (text order is time order), fixed for every module.
    match ty {
        ColumnType::Text | ColumnType::Uuid | ColumnType::Timestamp | ColumnType::Json => "text",
        ColumnType::Bool | ColumnType::Int32 | ColumnType::Int64 | ColumnType::EpochMillis => {
            "integer"
        }
        ColumnType::Float64 => "real",
        ColumnType::Bytes => "blob",
    }
}

fn postgres_type(column: &Column) -> String {
    match column.ty {
        ColumnType::Text => match column.max_len {
            Some(n) if n <= POSTGRES_MAX_VARCHAR => format!("varchar({n})"),
            _ => "text".to_owned(),
        },
        ColumnType::Uuid => "uuid".to_owned(),
        ColumnType::Bool => "boolean".to_owned(),
        ColumnType::Int32 => "integer".to_owned(),
        ColumnType::Int64 => "bigint".to_owned(),
        ColumnType::Float64 => "double precision".to_owned(),
        // Never bare `timestamp`: it is reinterpreted in each session's time zone
        // (better-auth#9920).
        ColumnType::Timestamp => "timestamptz".to_owned(),
        ColumnType::EpochMillis => "bigint".to_owned(),
        ColumnType::Json => "jsonb".to_owned(),
        ColumnType::Bytes => "bytea".to_owned(),
    }
}

fn mysql_type(column: &Column, keyed: bool) -> String {
    match column.ty {
        // MySQL cannot index `text` without a prefix length (better-auth#26), and `text`
        // cannot have a literal DEFAULT: both get a bounded varchar.
        ColumnType::Text => match column.max_len {
            _ if keyed => format!("varchar({})", column.max_len.unwrap_or(DEFAULT_KEY_LEN)),
            Some(n) if n <= MYSQL_MAX_VARCHAR => format!("varchar({n})"),
            Some(_) => "longtext".to_owned(),
            None if column.default.is_some() => format!("varchar({DEFAULT_KEY_LEN})"),
            None => "text".to_owned(),
        },
        // Not sea-query's `binary(16)`: other clients (Auth.js, a SQL console) read the same
        // 36-character text as on SQLite.
        ColumnType::Uuid => "char(36)".to_owned(),
        ColumnType::Bool => "boolean".to_owned(),
        ColumnType::Int32 => "int".to_owned(),
        ColumnType::Int64 => "bigint".to_owned(),
        ColumnType::Float64 => "double".to_owned(),
        // Not `timestamp`: it drops the fraction, converts through the session time zone and
        // ends in 2038 (servers-and-sql.md).
        ColumnType::Timestamp => "datetime(3)".to_owned(),
        ColumnType::EpochMillis => "bigint".to_owned(),
        ColumnType::Json => "json".to_owned(),
        ColumnType::Bytes if keyed => {
            format!("varbinary({})", column.max_len.unwrap_or(DEFAULT_KEY_LEN))
        }
        ColumnType::Bytes => "longblob".to_owned(),
    }
}

/// The bytes `column` takes in a MySQL index key (utf8mb4: 4 bytes per character), or `None`
/// when MySQL cannot index the type at all (`json`).
pub(crate) fn mysql_key_bytes(column: &Column) -> Option<u64> {
    let len = u64::from(column.max_len.unwrap_or(DEFAULT_KEY_LEN));
    Some(match column.ty {
        ColumnType::Text => 4 * len,
        ColumnType::Uuid => 4 * 36,
        ColumnType::Bool => 1,
        ColumnType::Int32 => 4,
        ColumnType::Int64 | ColumnType::Float64 | ColumnType::EpochMillis => 8,
        // datetime(3): 5 bytes plus 2 for the milliseconds.
        ColumnType::Timestamp => 7,
        ColumnType::Bytes => len,
        ColumnType::Json => return None,
    })
}

/// The `DEFAULT` expression of `column` on `dialect`, or why its default does not fit the
/// column's type.
pub(crate) fn default_expr(
    column: &Column,
    default: DefaultValue,
    dialect: Dialect,
) -> Result<Expr, String> {
    let expr = match (column.ty, default) {
        (ColumnType::Bool, DefaultValue::Bool(b)) => match dialect {
            Dialect::Sqlite => Expr::val(i64::from(b)),
            Dialect::Postgres | Dialect::MySql => Expr::val(b),
        },
        (ColumnType::Int32, DefaultValue::Int(i)) => match i32::try_from(i) {
            Ok(i) => Expr::val(i),
            Err(_) => return Err(format!("{i} does not fit a 32-bit integer")),
        },
        (ColumnType::Int64, DefaultValue::Int(i)) => Expr::val(i),
        // An integer literal on a float column: `as` rounds beyond 2^53, as the literal would.
        (ColumnType::Float64, DefaultValue::Int(i)) => Expr::val(i as f64),
        (ColumnType::Float64, DefaultValue::Float(f)) if f.is_finite() => Expr::val(f),
        (ColumnType::Float64, DefaultValue::Float(f)) => {
            return Err(format!("{f} is not a finite number"));
        }
        (ColumnType::Text, DefaultValue::Text(s)) => {
            let chars = s.chars().count();
            if let Some(max) = column.max_len
                && chars > max as usize
            {
                return Err(format!("{chars} characters, over its max_len of {max}"));
            }
            Expr::val(s)
        }
        (ColumnType::Uuid, DefaultValue::Text(s)) => match uuid::Uuid::parse_str(s) {
            Ok(id) => Expr::val(id.hyphenated().to_string()),
            Err(e) => return Err(format!("`{s}` is not a UUID: {e}")),
        },
        (ColumnType::Timestamp, DefaultValue::Text(s)) => {
            let at = DateTime::parse_from_rfc3339(s)
                .map_err(|e| format!("`{s}` is not an RFC 3339 instant: {e}"))?;
            let at = to_millis(at.to_utc());
            Expr::val(match dialect {
                // MySQL's datetime takes neither the `T` nor a zone: the value is UTC by rule.
                Dialect::MySql => at.format("%Y-%m-%d %H:%M:%S%.3f").to_string(),
                Dialect::Sqlite | Dialect::Postgres => {
                    at.to_rfc3339_opts(SecondsFormat::Millis, true)
                }
            })
        }
        (ColumnType::EpochMillis, DefaultValue::Int(ms)) => Expr::val(ms),
        (ColumnType::EpochMillis, DefaultValue::Text(s)) => {
            let at = DateTime::parse_from_rfc3339(s)
                .map_err(|e| format!("`{s}` is not an RFC 3339 instant: {e}"))?;
            Expr::val(at.timestamp_millis())
        }
        (ColumnType::Json, DefaultValue::Text(s)) => {
            if let Err(e) = serde_json::from_str::<serde_json::Value>(s) {
                return Err(format!("`{s}` is not JSON: {e}"));
            }
            match dialect {
                // MySQL takes no literal default on json columns, only an expression: sea-query
                // parenthesizes a custom expression, and its own escaper writes the literal.
                Dialect::MySql => Expr::cust(MysqlQueryBuilder.value_to_string(&s.into())),
                Dialect::Sqlite | Dialect::Postgres => Expr::val(s),
            }
        }
        (ty, DefaultValue::Now) => match now_expr(ty, dialect) {
            Some(expr) => expr,
            None => {
                return Err(format!(
                    "a {ty:?} column cannot default to the current instant"
                ));
            }
        },
        (ty, DefaultValue::RandomUuid) => match random_uuid_expr(ty, dialect) {
            Some(expr) => expr,
            None => return Err(format!("a {ty:?} column cannot default to a random UUID")),
        },
        (ty, default) => {
            return Err(format!(
                "a {} default does not fit a {ty:?} column",
                default_kind(default)
            ));
        }
    };
    Ok(expr)
}

fn default_kind(default: DefaultValue) -> &'static str {
    match default {
        DefaultValue::Bool(_) => "boolean",
        DefaultValue::Int(_) => "integer",
        DefaultValue::Float(_) => "float",
        DefaultValue::Text(_) => "text",
        DefaultValue::Now => "current instant",
        DefaultValue::RandomUuid => "random UUID",
    }
}

/// The database's current instant in the encoding the adapters write for a column of `ty`
/// (`#[auth(created_at)]`): Prisma's `CURRENT_TIMESTAMP` on PostgreSQL, `CURRENT_TIMESTAMP(3)`
/// on MySQL's `datetime(3)` (UTC in every session sqlx or Prisma opens, which set the time
/// zone to UTC), and on SQLite the `YYYY-MM-DDTHH:MM:SS.sssZ` text the crate writes there;
/// for epoch-millisecond columns, the milliseconds since 1970.
fn now_expr(ty: ColumnType, dialect: Dialect) -> Option<Expr> {
    // A keyword, not an expression: `DEFAULT CURRENT_TIMESTAMP` as Prisma's migrations write
    // it, where sea-query would parenthesize an expression.
    let keyword = |sql: &'static str| Expr::Keyword(Keyword::Custom(Alias::new(sql).into_iden()));
    let sql = match (ty, dialect) {
        (ColumnType::Timestamp, Dialect::Postgres) => return Some(keyword("CURRENT_TIMESTAMP")),
        (ColumnType::Timestamp, Dialect::MySql) => return Some(keyword("CURRENT_TIMESTAMP(3)")),
        (ColumnType::Timestamp, Dialect::Sqlite) => "strftime('%Y-%m-%dT%H:%M:%fZ', 'now')",
        (ColumnType::EpochMillis, Dialect::Postgres) => {
            "floor(extract(epoch from CURRENT_TIMESTAMP) * 1000)::bigint"
        }
        (ColumnType::EpochMillis, Dialect::MySql) => {
            "CAST(UNIX_TIMESTAMP(CURRENT_TIMESTAMP(3)) * 1000 AS SIGNED)"
        }
        // `unixepoch('subsec')` needs SQLite 3.42; the Julian day works on any version, and a
        // double keeps it to well under a millisecond.
        (ColumnType::EpochMillis, Dialect::Sqlite) => {
            "CAST((julianday('now') - 2440587.5) * 86400000 AS INTEGER)"
        }
        _ => return None,
    };
    Some(Expr::cust(sql))
}

/// A random version 4 UUID made by the database, for a UUID or text id
/// (`#[auth(db_default)]`). MySQL's `UUID()` is a version 1 UUID: the only generator MySQL
/// 8 and MariaDB share.
fn random_uuid_expr(ty: ColumnType, dialect: Dialect) -> Option<Expr> {
    let sql = match (ty, dialect) {
        (ColumnType::Uuid, Dialect::Postgres) => "gen_random_uuid()",
        (ColumnType::Text, Dialect::Postgres) => "gen_random_uuid()::text",
        (ColumnType::Uuid | ColumnType::Text, Dialect::MySql) => "UUID()",
        (ColumnType::Uuid | ColumnType::Text, Dialect::Sqlite) => {
            "lower(hex(randomblob(4)) || '-' || hex(randomblob(2)) || '-4' || \
             substr(hex(randomblob(2)), 2) || '-' || \
             substr('89ab', 1 + (abs(random()) % 4), 1) || substr(hex(randomblob(2)), 2) || \
             '-' || hex(randomblob(6)))"
        }
        _ => return None,
    };
    Some(Expr::cust(sql))
}
