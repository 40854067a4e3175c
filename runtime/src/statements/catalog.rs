//! The catalog queries, per dialect: tables, columns, indexes, foreign keys and a row probe.
//!
//! Entry points: one function per question ([`tables`], [`columns`], [`indexes`],
//! [`foreign_keys`], their per-table SQLite forms, [`count_rows`], [`current_database`],
//! [`column_names`]), each returning a [`Query`]. Every selected column is cast to text, so one row shape decodes on
//! every driver and the assembling code parses plain strings. Rows start with the table name
//! (except SQLite's per-table pragmas, whose caller adds it).
//!
//! Column order of each query (what `live::assemble` reads):
//! - tables: name, kind (`table`, `view`, `other`);
//! - columns: table, column, type, nullable, has default, primary-key position (SQLite only),
//!   collation (MySQL only: `NULL` for a column without one);
//! - indexes: table, index, unique, primary, partial, column (one row per column, in order);
//! - foreign keys: table, column, referenced table, referenced column, delete rule, name
//!   (`NULL` on SQLite, whose foreign keys have none);
//! - column names (synchronize's check): table, column (`NULL` for a table without columns).

use crate::descriptor::{Column, ColumnType, Role, Table};
use crate::dialect::Dialect;

/// A catalog query and the shape its rows decode to (that many nullable text columns).
pub(crate) struct Query {
    /// The SQL, with the dialect's placeholders.
    pub sql: String,
    /// The row shape.
    pub shape: &'static Table,
}

const fn cell(name: &'static str) -> Column {
    let mut column = Column::new(name, name, ColumnType::Text);
    column.nullable = true;
    column
}

const CELLS: [Column; 7] = [
    cell("c0"),
    cell("c1"),
    cell("c2"),
    cell("c3"),
    cell("c4"),
    cell("c5"),
    cell("c6"),
];

const fn shape(width: usize) -> Table {
    Table {
        name: "catalog",
        type_name: "catalog row",
        // Rows are only decoded by column type: the role plays no part.
        role: Role::User,
        columns: CELLS.split_at(width).0,
        key_naming: crate::descriptor::KeyNaming::Postgres,
        keys: crate::descriptor::Keys::DERIVED,
    }
}

static WIDTH: [Table; 7] = [
    shape(1),
    shape(2),
    shape(3),
    shape(4),
    shape(5),
    shape(6),
    shape(7),
];

fn query(sql: impl Into<String>, width: usize) -> Query {
    Query {
        sql: sql.into(),
        shape: &WIDTH[width - 1],
    }
}

/// The current MySQL database (`NULL` when the URL names none).
pub(crate) fn current_database(dialect: Dialect) -> Query {
    match dialect {
        Dialect::MySql => query("SELECT CAST(DATABASE() AS CHAR)", 1),
        Dialect::Postgres => query("SELECT current_schema()::text", 1),
        Dialect::Sqlite => query("SELECT 'main'", 1),
    }
}

/// Every table and view, and whether SQLite stores the table `WITHOUT ROWID` (`1`; `0`, or
/// `NULL` on the servers, otherwise).
pub(crate) fn tables(dialect: Dialect) -> Query {
    match dialect {
        Dialect::Sqlite => query(
            "SELECT s.name, CASE s.type WHEN 'table' THEN 'table' ELSE 'view' END, \
             CAST(t.wr AS TEXT) \
             FROM sqlite_schema AS s \
             LEFT JOIN pragma_table_list AS t ON t.schema = 'main' AND t.name = s.name \
             WHERE s.type IN ('table', 'view') AND s.name NOT LIKE 'sqlite\\_%' ESCAPE '\\'",
            3,
        ),
        Dialect::Postgres => query(
            "SELECT c.relname::text, CASE WHEN c.relkind IN ('r', 'p') THEN 'table' \
             WHEN c.relkind IN ('v', 'm') THEN 'view' ELSE 'other' END \
             FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace \
             WHERE n.nspname = current_schema() AND c.relkind IN ('r', 'p', 'v', 'm', 'f')",
            2,
        ),
        Dialect::MySql => query(
            "SELECT CAST(TABLE_NAME AS CHAR), CASE TABLE_TYPE WHEN 'BASE TABLE' THEN 'table' \
             WHEN 'VIEW' THEN 'view' ELSE 'other' END \
             FROM information_schema.TABLES WHERE TABLE_SCHEMA = DATABASE()",
            2,
        ),
    }
}

/// Every column of every table (PostgreSQL, MySQL).
pub(crate) fn columns(dialect: Dialect) -> Query {
    match dialect {
        Dialect::Postgres => query(
            "SELECT c.relname::text, a.attname::text, format_type(a.atttypid, a.atttypmod), \
             (NOT a.attnotnull)::text, (a.atthasdef OR a.attidentity <> '')::text, NULL::text, \
             NULL::text \
             FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid \
             JOIN pg_namespace n ON n.oid = c.relnamespace \
             WHERE n.nspname = current_schema() AND c.relkind IN ('r', 'p') \
             AND a.attnum > 0 AND NOT a.attisdropped ORDER BY c.relname, a.attnum",
            7,
        ),
        // MariaDB prints `NULL` as the default of a nullable column without one; only NOT NULL
        // columns' defaults matter to a diff, and those are SQL NULL when absent.
        Dialect::MySql => query(
            "SELECT CAST(TABLE_NAME AS CHAR), CAST(COLUMN_NAME AS CHAR), \
             CAST(COLUMN_TYPE AS CHAR), CAST(IS_NULLABLE AS CHAR), \
             CASE WHEN COLUMN_DEFAULT IS NULL AND EXTRA NOT LIKE '%auto_increment%' \
             THEN 'NO' ELSE 'YES' END, NULL, CAST(COLLATION_NAME AS CHAR) \
             FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = DATABASE() \
             ORDER BY TABLE_NAME, ORDINAL_POSITION",
            7,
        ),
        Dialect::Sqlite => table_columns(dialect),
    }
}

/// Every index of every table, one row per indexed column (PostgreSQL, MySQL).
pub(crate) fn indexes(dialect: Dialect) -> Query {
    match dialect {
        Dialect::Postgres => query(
            "SELECT t.relname::text, i.relname::text, ix.indisunique::text, \
             ix.indisprimary::text, (ix.indpred IS NOT NULL)::text, a.attname::text \
             FROM pg_index ix JOIN pg_class i ON i.oid = ix.indexrelid \
             JOIN pg_class t ON t.oid = ix.indrelid \
             JOIN pg_namespace n ON n.oid = t.relnamespace \
             CROSS JOIN LATERAL unnest(ix.indkey::int2[]) WITH ORDINALITY AS k(attnum, ord) \
             LEFT JOIN pg_attribute a ON a.attrelid = t.oid AND a.attnum = k.attnum \
             WHERE n.nspname = current_schema() ORDER BY t.relname, i.relname, k.ord",
            6,
        ),
        Dialect::MySql => query(
            "SELECT CAST(TABLE_NAME AS CHAR), CAST(INDEX_NAME AS CHAR), \
             CASE WHEN NON_UNIQUE = 0 THEN '1' ELSE '0' END, \
             CASE WHEN INDEX_NAME = 'PRIMARY' THEN '1' ELSE '0' END, \
             CASE WHEN SUB_PART IS NULL THEN '0' ELSE '1' END, CAST(COLUMN_NAME AS CHAR) \
             FROM information_schema.STATISTICS WHERE TABLE_SCHEMA = DATABASE() \
             ORDER BY TABLE_NAME, INDEX_NAME, SEQ_IN_INDEX",
            6,
        ),
        Dialect::Sqlite => table_indexes(dialect),
    }
}

/// Every single-column foreign key (PostgreSQL, MySQL).
pub(crate) fn foreign_keys(dialect: Dialect) -> Query {
    match dialect {
        Dialect::Postgres => query(
            "SELECT t.relname::text, a.attname::text, rt.relname::text, ra.attname::text, \
             CASE con.confdeltype WHEN 'c' THEN 'cascade' ELSE 'other' END, con.conname::text \
             FROM pg_constraint con JOIN pg_class t ON t.oid = con.conrelid \
             JOIN pg_namespace n ON n.oid = t.relnamespace \
             JOIN pg_class rt ON rt.oid = con.confrelid \
             JOIN pg_attribute a ON a.attrelid = con.conrelid AND a.attnum = con.conkey[1] \
             JOIN pg_attribute ra ON ra.attrelid = con.confrelid AND ra.attnum = con.confkey[1] \
             WHERE con.contype = 'f' AND n.nspname = current_schema() \
             AND array_length(con.conkey, 1) = 1",
            6,
        ),
        Dialect::MySql => query(
            "SELECT CAST(k.TABLE_NAME AS CHAR), CAST(k.COLUMN_NAME AS CHAR), \
             CAST(k.REFERENCED_TABLE_NAME AS CHAR), CAST(k.REFERENCED_COLUMN_NAME AS CHAR), \
             CAST(r.DELETE_RULE AS CHAR), CAST(k.CONSTRAINT_NAME AS CHAR) \
             FROM information_schema.KEY_COLUMN_USAGE k \
             JOIN information_schema.REFERENTIAL_CONSTRAINTS r \
             ON r.CONSTRAINT_SCHEMA = k.CONSTRAINT_SCHEMA \
             AND r.CONSTRAINT_NAME = k.CONSTRAINT_NAME AND r.TABLE_NAME = k.TABLE_NAME \
             WHERE k.TABLE_SCHEMA = DATABASE() AND k.REFERENCED_TABLE_NAME IS NOT NULL",
            6,
        ),
        Dialect::Sqlite => table_foreign_keys(dialect),
    }
}

/// The columns of the one table bound as the parameter (SQLite; rows without the table name).
pub(crate) fn table_columns(_dialect: Dialect) -> Query {
    query(
        "SELECT name, type, CASE WHEN \"notnull\" = 0 THEN '1' ELSE '0' END, \
         CASE WHEN dflt_value IS NULL THEN '0' ELSE '1' END, CAST(pk AS TEXT) \
         FROM pragma_table_info(?) ORDER BY cid",
        5,
    )
}

/// The indexes of the one table bound as the parameter (SQLite; rows without the table name).
pub(crate) fn table_indexes(_dialect: Dialect) -> Query {
    query(
        "SELECT il.name, CAST(il.\"unique\" AS TEXT), \
         CASE WHEN il.origin = 'pk' THEN '1' ELSE '0' END, CAST(il.partial AS TEXT), ii.name \
         FROM pragma_index_list(?) AS il JOIN pragma_index_info(il.name) AS ii \
         ORDER BY il.name, ii.seqno",
        5,
    )
}

/// The foreign keys of the one table bound as the parameter (SQLite; rows without the table
/// name). Composite keys are left out, as on the other dialects.
pub(crate) fn table_foreign_keys(_dialect: Dialect) -> Query {
    query(
        "SELECT f.\"from\", f.\"table\", f.\"to\", f.on_delete FROM pragma_foreign_key_list(?) AS f \
         WHERE (SELECT count(*) FROM pragma_foreign_key_list(?1) AS g WHERE g.id = f.id) = 1",
        4,
    )
}

/// The column names of the one table or view whose name is bound as the parameter, on every
/// dialect: no row when it does not exist, one row with a `NULL` column when it has none
/// (PostgreSQL allows that). What `synchronize` asks before it creates anything.
pub(crate) fn column_names(dialect: Dialect) -> Query {
    match dialect {
        // Table names are case-insensitive in SQLite, as in its own lookups.
        Dialect::Sqlite => query(
            "SELECT s.name, p.name FROM sqlite_schema AS s \
             LEFT JOIN pragma_table_info(s.name) AS p \
             WHERE s.type IN ('table', 'view') AND s.name = ? COLLATE NOCASE",
            2,
        ),
        Dialect::Postgres => query(
            "SELECT c.relname::text, a.attname::text FROM pg_class c \
             JOIN pg_namespace n ON n.oid = c.relnamespace \
             LEFT JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum > 0 \
             AND NOT a.attisdropped \
             WHERE n.nspname = current_schema() AND c.relname = $1::text \
             AND c.relkind IN ('r', 'p', 'v', 'm', 'f')",
            2,
        ),
        Dialect::MySql => query(
            "SELECT CAST(t.TABLE_NAME AS CHAR), CAST(c.COLUMN_NAME AS CHAR) \
             FROM information_schema.TABLES t LEFT JOIN information_schema.COLUMNS c \
             ON c.TABLE_SCHEMA = t.TABLE_SCHEMA AND c.TABLE_NAME = t.TABLE_NAME \
             WHERE t.TABLE_SCHEMA = DATABASE() AND t.TABLE_NAME = ?",
            2,
        ),
    }
}

/// Where the primary's write-ahead log ends now, in bytes from its start, as text: what a
/// replica must have replayed to hold every commit made so far (read replicas,
/// `adapter::sql::replicas`). `None` where authmodel measures no replica (SQLite has none;
/// MySQL's replication positions are not compared yet).
///
/// PostgreSQL's insert position, not its write position: with `synchronous_commit = off` a
/// commit returns before its record is written, and must still count. At a page's start the
/// insert position points past the page's header (24 bytes, 40 at a segment's first page, on
/// 64-bit builds), where no replica's replay position ever points until the next record:
/// that header is taken off, so an idle primary's replica is caught up.
pub(crate) fn wal_end(dialect: Dialect) -> Option<Query> {
    match dialect {
        Dialect::Postgres => Some(query(
            "SELECT (p - CASE WHEN p % pg_size_bytes(current_setting('wal_segment_size')) = 40 \
             THEN 40 WHEN p % current_setting('wal_block_size')::numeric = 24 THEN 24 \
             ELSE 0 END)::text \
             FROM (SELECT pg_current_wal_insert_lsn() - '0/0'::pg_lsn AS p) AS wal",
            1,
        )),
        Dialect::MySql | Dialect::Sqlite => None,
    }
}

/// How far a replica has replayed its primary's write-ahead log, in bytes from its start, as
/// text comparable with [`wal_end`]; `NULL` on a server that is not a replica (never
/// was, or was promoted). `None` where [`wal_end`] is.
pub(crate) fn wal_replayed(dialect: Dialect) -> Option<Query> {
    match dialect {
        Dialect::Postgres => Some(query(
            "SELECT (pg_last_wal_replay_lsn() - '0/0'::pg_lsn)::text",
            1,
        )),
        Dialect::MySql | Dialect::Sqlite => None,
    }
}

/// Counts the rows of `table`, up to two. `table` is a model's table name, which `ddl` has
/// checked to contain no quote character; it is quoted all the same.
pub(crate) fn count_rows(dialect: Dialect, table: &str) -> Query {
    // MySQL casts to `CHAR`; it has no `TEXT` target type.
    let text = match dialect {
        Dialect::MySql => "CHAR",
        Dialect::Sqlite | Dialect::Postgres => "TEXT",
    };
    let sql = format!(
        "SELECT CAST(count(*) AS {text}) FROM (SELECT 1 AS x FROM {} LIMIT 2) AS probe",
        dialect.quote(table)
    );
    query(sql, 1)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_query_selects_as_many_columns_as_its_shape() {
        for dialect in Dialect::ALL {
            for q in [
                tables(dialect),
                columns(dialect),
                indexes(dialect),
                foreign_keys(dialect),
                count_rows(dialect, "t"),
                current_database(dialect),
                column_names(dialect),
            ] {
                assert!(!q.sql.is_empty());
                assert!(q.shape.columns.iter().all(|c| c.nullable));
            }
        }
        assert_eq!(columns(Dialect::Postgres).shape.columns.len(), 7);
        assert_eq!(columns(Dialect::MySql).shape.columns.len(), 7);
        assert_eq!(table_columns(Dialect::Sqlite).shape.columns.len(), 5);
        assert_eq!(column_names(Dialect::MySql).shape.columns.len(), 2);
    }
}
