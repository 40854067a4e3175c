//! Type comparison: whether a live column's type is the one the models' DDL declares.
//!
//! Entry point: `same_type`. Each catalog prints types its own way (`character varying(255)`
//! for `varchar(255)`, `int(11)` for `int`, MariaDB's `longtext` for `json`), so both sides are
//! normalized before they are compared. On SQLite, whose declared types are free text, two
//! types match when they have the same affinity (a `DATETIME` column is not a `text` one: it
//! holds numbers).

use crate::dialect::Dialect;

/// Whether the live type `found` is the declared type `expected` on `dialect`.
pub(crate) fn same_type(dialect: Dialect, expected: &str, found: &str) -> bool {
    let (expected, found) = (normalize(dialect, expected), normalize(dialect, found));
    if expected == found {
        return true;
    }
    match dialect {
        Dialect::Sqlite => affinity(&expected) == affinity(&found),
        // MariaDB's `json` is an alias of `longtext` (with a `json_valid` check).
        Dialect::MySql => expected == "json" && found == "longtext",
        Dialect::Postgres => false,
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
    fn postgres_catalog_spellings_match_the_ddl() {
        for (expected, found) in [
            ("varchar(255)", "character varying(255)"),
            ("timestamptz", "timestamp with time zone"),
            ("uuid", "uuid"),
            ("double precision", "double precision"),
            ("boolean", "boolean"),
        ] {
            assert!(same_type(Dialect::Postgres, expected, found), "{found}");
        }
        assert!(!same_type(
            Dialect::Postgres,
            "timestamptz",
            "timestamp without time zone"
        ));
        assert!(!same_type(
            Dialect::Postgres,
            "varchar(255)",
            "character varying(191)"
        ));
        assert!(!same_type(Dialect::Postgres, "uuid", "text"));
    }

    #[test]
    fn mysql_display_widths_and_aliases_are_ignored() {
        assert!(same_type(Dialect::MySql, "int", "int(11)"));
        assert!(same_type(Dialect::MySql, "bigint", "bigint(20)"));
        assert!(same_type(Dialect::MySql, "boolean", "tinyint(1)"));
        assert!(same_type(Dialect::MySql, "json", "longtext"));
        assert!(same_type(Dialect::MySql, "datetime(3)", "DATETIME(3)"));
        assert!(!same_type(Dialect::MySql, "datetime(3)", "datetime"));
        assert!(!same_type(Dialect::MySql, "char(36)", "binary(16)"));
        assert!(!same_type(Dialect::MySql, "boolean", "tinyint(4)"));
    }

    #[test]
    fn sqlite_compares_affinity() {
        assert!(same_type(Dialect::Sqlite, "text", "TEXT"));
        assert!(same_type(Dialect::Sqlite, "text", "varchar(255)"));
        assert!(same_type(Dialect::Sqlite, "integer", "BIGINT"));
        assert!(!same_type(Dialect::Sqlite, "text", "DATETIME"));
        assert!(!same_type(Dialect::Sqlite, "integer", "text"));
    }

    #[test]
    fn mysql_cannot_index_text_or_blobs() {
        assert!(!mysql_indexable("text"));
        assert!(!mysql_indexable("LONGBLOB"));
        assert!(mysql_indexable("varchar(255)"));
        assert!(mysql_indexable("char(36)"));
    }
}
