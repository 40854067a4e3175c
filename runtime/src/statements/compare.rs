//! Type comparison: whether a live column's type is the one the models' DDL declares.
//!
//! Entry point: `same_type`. Each catalog prints types its own way (`character varying(255)`
//! for `varchar(255)`, `int(11)` for `int`, MariaDB's `longtext` for `json`), so both sides are
//! normalized before they are compared. On SQLite, whose declared types are free text, two
//! types match when they have the same affinity, or when the found affinity keeps the
//! column's values as they are (ISO text instants in a `DATETIME` column; never text in a
//! `NUMERIC` one, which would turn "12345" into a number).

use crate::descriptor::ColumnType;
use crate::dialect::Dialect;

/// Whether the live type `found` is the declared type `expected` on `dialect`, or another
/// type that stores the column's values (of type `ty`) the same way: what tables made by
/// other tools use for the same data (Prisma's `DATETIME` on SQLite, `timestamp(3)` on
/// PostgreSQL) is not drift.
pub(crate) fn same_type(dialect: Dialect, ty: ColumnType, expected: &str, found: &str) -> bool {
    let (expected, found) = (normalize(dialect, expected), normalize(dialect, found));
    if expected == found {
        return true;
    }
    let base = found.split('(').next().unwrap_or_default();
    match dialect {
        Dialect::Sqlite => {
            let (expected, found) = (affinity(&expected), affinity(&found));
            expected == found
                // NUMERIC affinity turns numeric-looking text into numbers: safe for values
                // that are numbers already, for instants stored as ISO text and for UUIDs
                // stored hyphenated (Kysely's `uuid` columns), which never look numeric; never
                // for free text ("12345" would become 12345).
                || (found == "NUMERIC"
                    && matches!(
                        ty,
                        ColumnType::Timestamp
                            | ColumnType::Uuid
                            | ColumnType::EpochMillis
                            | ColumnType::Bool
                            | ColumnType::Int32
                            | ColumnType::Int64
                            | ColumnType::Float64
                    ))
        }
        // MariaDB's `json` is an alias of `longtext` (with a `json_valid` check). Instants
        // in `timestamp` columns read and write the same in the adapter's UTC session.
        // (`timestamp` keeps the precision asked for, so the fraction digits must agree.)
        // A UUID is always 36 characters: `varchar(36)` (Kysely's) holds it as `char(36)`.
        Dialect::MySql => {
            (expected == "json" && found == "longtext")
                || (ty == ColumnType::Uuid && found == "varchar(36)")
                || (ty == ColumnType::Timestamp
                    && matches!(base, "timestamp" | "datetime")
                    && split_args(&found).1 == split_args(&expected).1)
        }
        // The adapter's sessions run in UTC, so a `timestamp` (without time zone) column
        // holds the same instants as `timestamptz`.
        // (A precision under 3 would drop the milliseconds every dialect keeps.)
        Dialect::Postgres => {
            let precision = split_args(&found)
                .1
                .trim_matches(|c| c == '(' || c == ')')
                .parse::<u32>()
                .unwrap_or(6);
            ty == ColumnType::Timestamp
                && matches!(base, "timestamp" | "timestamptz")
                && precision >= 3
        }
    }
}

/// What a live type narrower than the declared one does to values the model allows, when it
/// is one that tools creating Auth.js layouts use: a bounded `varchar(n)` (or `char(n)`) where
/// the model declares unbounded text, which the server refuses longer values for; a MySQL
/// `timestamp`/`datetime` without fraction digits where the model keeps milliseconds, which
/// the server drops. `None` when the types are not in that relation.
pub(crate) fn narrower(
    dialect: Dialect,
    ty: ColumnType,
    max_len: Option<u32>,
    expected: &str,
    found: &str,
) -> Option<&'static str> {
    let (expected, found) = (normalize(dialect, expected), normalize(dialect, found));
    let (expected_base, expected_args) = split_args(&expected);
    let (found_base, found_args) = split_args(&found);
    match dialect {
        // Declared lengths are not enforced: every text type holds any text.
        Dialect::Sqlite => None,
        Dialect::Postgres | Dialect::MySql
            if ty == ColumnType::Text
                && max_len.is_none()
                && matches!(expected_base, "text" | "longtext")
                && matches!(found_base, "varchar" | "char") =>
        {
            Some("the server refuses text longer than that, which the model allows")
        }
        Dialect::MySql
            if ty == ColumnType::Timestamp
                && matches!(found_base, "timestamp" | "datetime")
                && matches!(found_args, "" | "(0)")
                && expected_args != found_args =>
        {
            Some("the server keeps whole seconds: the milliseconds the model keeps are dropped")
        }
        Dialect::Postgres | Dialect::MySql => None,
    }
}

/// Whether MySQL can index a column of the live type `found` without a prefix length.
pub(crate) fn mysql_indexable(found: &str) -> bool {
    let ty = normalize(Dialect::MySql, found);
    let base = ty.split('(').next().unwrap_or_default();
    !matches!(
        base,
        "text"
            | "tinytext"
            | "mediumtext"
            | "longtext"
            | "blob"
            | "tinyblob"
            | "mediumblob"
            | "longblob"
            | "json"
    )
}

fn normalize(dialect: Dialect, ty: &str) -> String {
    let ty = ty
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .to_ascii_lowercase();
    match dialect {
        Dialect::Sqlite => ty,
        Dialect::Postgres => postgres(&ty),
        Dialect::MySql => mysql(&ty),
    }
}

fn postgres(ty: &str) -> String {
    let aliases = [
        ("character varying", "varchar"),
        ("character", "char"),
        ("timestamp with time zone", "timestamptz"),
        ("timestamp without time zone", "timestamp"),
        ("int4", "integer"),
        ("int", "integer"),
        ("int8", "bigint"),
        ("bool", "boolean"),
        ("float8", "double precision"),
    ];
    let (base, args) = split_args(ty);
    let base = aliases
        .iter()
        .find(|(long, _)| *long == base)
        .map_or(base, |(_, short)| *short);
    format!("{base}{args}")
}

fn mysql(ty: &str) -> String {
    if ty == "boolean" || ty == "bool" {
        return "tinyint(1)".to_owned();
    }
    let (base, args) = split_args(ty);
    let base = if base == "integer" { "int" } else { base };
    // Display widths (`int(11)`) are not part of the type; `tinyint(1)` is how MySQL spells
    // a boolean, so it keeps its width.
    let integer = matches!(
        base,
        "int" | "bigint" | "smallint" | "mediumint" | "tinyint"
    );
    if integer && !(base == "tinyint" && args == "(1)") {
        return base.to_owned();
    }
    format!("{base}{args}")
}

/// `varchar(255)` as (`varchar`, `(255)`).
fn split_args(ty: &str) -> (&str, &str) {
    match ty.find('(') {
        Some(i) => (ty[..i].trim_end(), &ty[i..]),
        None => (ty, ""),
    }
}

/// SQLite's type affinity of a declared type (section 3.1 of its datatype documentation).
fn affinity(ty: &str) -> &'static str {
    let ty = ty.to_ascii_uppercase();
    if ty.contains("INT") {
        "INTEGER"
    } else if ty.contains("CHAR") || ty.contains("CLOB") || ty.contains("TEXT") {
        "TEXT"
    } else if ty.contains("BLOB") || ty.is_empty() {
        "BLOB"
    } else if ty.contains("REAL") || ty.contains("FLOA") || ty.contains("DOUB") {
        "REAL"
    } else {
        "NUMERIC"
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn narrower_types_of_other_tools_are_named_with_their_effect() {
        // Kysely's MySQL layout bounds every string; drizzle-kit's MySQL `expires` keeps
        // whole seconds.
        let text = narrower(
            Dialect::MySql,
            ColumnType::Text,
            None,
            "text",
            "varchar(255)",
        );
        assert!(text.is_some_and(|e| e.contains("refuses text longer")));
        let seconds = narrower(
            Dialect::MySql,
            ColumnType::Timestamp,
            None,
            "datetime(3)",
            "timestamp",
        );
        assert!(seconds.is_some_and(|e| e.contains("whole seconds")));
        // Not narrower: a model that bounds the text itself, the same precision, SQLite
        // (which enforces no length), and a wider type.
        assert_eq!(
            narrower(
                Dialect::MySql,
                ColumnType::Text,
                Some(255),
                "varchar(255)",
                "varchar(100)"
            ),
            None
        );
        assert_eq!(
            narrower(
                Dialect::MySql,
                ColumnType::Timestamp,
                None,
                "datetime(3)",
                "timestamp(3)"
            ),
            None
        );
        assert_eq!(
            narrower(
                Dialect::Sqlite,
                ColumnType::Text,
                None,
                "text",
                "varchar(10)"
            ),
            None
        );
        assert_eq!(
            narrower(Dialect::Postgres, ColumnType::Text, None, "text", "text"),
            None
        );
    }

    #[test]
    fn other_tools_types_for_the_same_values_are_not_drift() {
        // Prisma and Drizzle on SQLite, PostgreSQL and MySQL.
        assert!(same_type(
            Dialect::Sqlite,
            ColumnType::Timestamp,
            "text",
            "DATETIME"
        ));
        assert!(same_type(
            Dialect::Sqlite,
            ColumnType::Bool,
            "integer",
            "BOOLEAN"
        ));
        assert!(!same_type(
            Dialect::Sqlite,
            ColumnType::Text,
            "text",
            "DATETIME"
        ));
        assert!(same_type(Dialect::Sqlite, ColumnType::Uuid, "text", "uuid"));
        assert!(!same_type(
            Dialect::Sqlite,
            ColumnType::Text,
            "text",
            "NUMERIC"
        ));
        assert!(same_type(
            Dialect::MySql,
            ColumnType::Uuid,
            "char(36)",
            "varchar(36)"
        ));
        assert!(same_type(
            Dialect::Postgres,
            ColumnType::Timestamp,
            "timestamptz",
            "timestamp(3) without time zone"
        ));
        assert!(!same_type(
            Dialect::Postgres,
            ColumnType::Text,
            "text",
            "timestamp"
        ));
        assert!(same_type(
            Dialect::MySql,
            ColumnType::Timestamp,
            "datetime(3)",
            "timestamp(3)"
        ));
    }

    #[test]
    fn postgres_catalog_spellings_match_the_ddl() {
        for (expected, found) in [
            ("varchar(255)", "character varying(255)"),
            ("timestamptz", "timestamp with time zone"),
            ("uuid", "uuid"),
            ("double precision", "double precision"),
            ("boolean", "boolean"),
        ] {
            assert!(
                same_type(Dialect::Postgres, ColumnType::Text, expected, found),
                "{found}"
            );
        }
        assert!(!same_type(
            Dialect::Postgres,
            ColumnType::Text,
            "timestamptz",
            "timestamp without time zone"
        ));
        assert!(!same_type(
            Dialect::Postgres,
            ColumnType::Text,
            "varchar(255)",
            "character varying(191)"
        ));
        assert!(!same_type(
            Dialect::Postgres,
            ColumnType::Uuid,
            "uuid",
            "text"
        ));
    }

    #[test]
    fn mysql_display_widths_and_aliases_are_ignored() {
        assert!(same_type(
            Dialect::MySql,
            ColumnType::Int32,
            "int",
            "int(11)"
        ));
        assert!(same_type(
            Dialect::MySql,
            ColumnType::Int64,
            "bigint",
            "bigint(20)"
        ));
        assert!(same_type(
            Dialect::MySql,
            ColumnType::Bool,
            "boolean",
            "tinyint(1)"
        ));
        assert!(same_type(
            Dialect::MySql,
            ColumnType::Json,
            "json",
            "longtext"
        ));
        assert!(same_type(
            Dialect::MySql,
            ColumnType::Timestamp,
            "datetime(3)",
            "DATETIME(3)"
        ));
        assert!(!same_type(
            Dialect::MySql,
            ColumnType::Timestamp,
            "datetime(3)",
            "datetime"
        ));
        assert!(!same_type(
            Dialect::MySql,
            ColumnType::Uuid,
            "char(36)",
            "binary(16)"
        ));
        assert!(!same_type(
            Dialect::MySql,
            ColumnType::Bool,
            "boolean",
            "tinyint(4)"
        ));
    }

    #[test]
    fn sqlite_compares_affinity() {
        assert!(same_type(Dialect::Sqlite, ColumnType::Text, "text", "TEXT"));
        assert!(same_type(
            Dialect::Sqlite,
            ColumnType::Text,
            "text",
            "varchar(255)"
        ));
        assert!(same_type(
            Dialect::Sqlite,
            ColumnType::Int64,
            "integer",
            "BIGINT"
        ));
        assert!(!same_type(
            Dialect::Sqlite,
            ColumnType::Text,
            "text",
            "DATETIME"
        ));
        assert!(!same_type(
            Dialect::Sqlite,
            ColumnType::Int64,
            "integer",
            "text"
        ));
    }

    #[test]
    fn mysql_cannot_index_text_or_blobs() {
        assert!(!mysql_indexable("text"));
        assert!(!mysql_indexable("LONGBLOB"));
        assert!(mysql_indexable("varchar(255)"));
        assert!(mysql_indexable("char(36)"));
    }
}
