//! The live schema: what a connected database holds, read from its catalog.
//!
//! Entry points: [`read_schema`] (through any [`SqlAdapter`]) and the plain data it returns,
//! [`LiveSchema`]. The catalog queries themselves, one small set per dialect, are in
//! `catalog`; this module runs them and assembles their rows.
//!
//! Why not sea-schema (0.18, which does build against sea-query 1.0 and sqlx 0.9): its
//! PostgreSQL discovery reads unique indexes only, not the plain `user_id` indexes a diff must
//! see; its SQLite side needs either sqlx's SQLite driver (which cannot link beside rusqlite)
//! or a rusqlite version other than ours; and it decodes catalog rows with panicking getters.
//! The queries here are few, return text only, and run through the adapter's own driver.

use crate::adapter::sql::SqlAdapter;
use crate::dialect::{Dialect, MySqlFlavour};
use crate::error::{Error, Result};
use crate::traits::Schema;
use crate::value::Value;

use crate::statements::catalog::{self, Query};

/// What a database holds, as far as a diff needs to know.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct LiveSchema {
    /// Every table and view of the current schema (PostgreSQL), database (MySQL) or file
    /// (SQLite), in name order. Only the tables the models name carry columns and indexes.
    pub tables: Vec<LiveTable>,
    /// The server it was read from, on [`Dialect::MySql`] (which names the collation a plan
    /// expects); `None` means MySQL 8 there, and nothing on the other dialects.
    pub flavour: Option<MySqlFlavour>,
}

/// One table or view of the live database.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct LiveTable {
    /// Its name, as the catalog spells it.
    pub name: String,
    /// Whether it is a view (or another relation that is not a plain table).
    pub is_view: bool,
    /// Its columns, in order.
    pub columns: Vec<LiveColumn>,
    /// Its indexes, the primary key's included.
    pub indexes: Vec<LiveIndex>,
    /// Its single-column foreign keys.
    pub foreign_keys: Vec<LiveForeignKey>,
    /// How many rows it has, counted up to two (`0`, `1` or `2` meaning "two or more").
    pub rows: u8,
    /// Whether SQLite stores it `WITHOUT ROWID` (always `false` on the servers).
    pub without_rowid: bool,
}

/// One column of a live table.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct LiveColumn {
    /// Its name.
    pub name: String,
    /// Its type as the catalog prints it (`character varying(255)`, `tinyint(1)`, `TEXT`).
    pub sql_type: String,
    /// Whether it accepts `NULL`.
    pub nullable: bool,
    /// Whether it has a default (an identity or autoincrement counts).
    pub has_default: bool,
    /// Its collation, where the catalog gives one (MySQL's text columns:
    /// `utf8mb4_nopad_bin`); `None` elsewhere.
    pub collation: Option<String>,
}

/// One index (or primary key, or unique constraint) of a live table.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct LiveIndex {
    /// Its name (`PRIMARY` for MySQL's primary key, `sqlite_autoindex_...` for SQLite's
    /// implicit ones).
    pub name: String,
    /// Its columns in key order; `None` for an expression.
    pub columns: Vec<Option<String>>,
    /// Whether it is unique.
    pub unique: bool,
    /// Whether it is the primary key.
    pub primary: bool,
    /// Whether it covers only some rows or a prefix of a column (`WHERE`, MySQL `SUB_PART`):
    /// such an index does not stand in for a full one.
    pub partial: bool,
}

/// A single-column foreign key of a live table.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct LiveForeignKey {
    /// The referencing column.
    pub column: String,
    /// The referenced table.
    pub target_table: String,
    /// The referenced column.
    pub target_column: String,
    /// Whether deleting the referenced row deletes this one (`ON DELETE CASCADE`).
    pub cascade: bool,
    /// Its constraint name (`sessions_user_id_fkey`); `None` on SQLite, which names none.
    pub name: Option<String>,
}

impl LiveSchema {
    /// The table named `name`, compared as `dialect` compares table names (exactly on
    /// PostgreSQL and MySQL, whose names follow the file system on Linux; ignoring ASCII case
    /// on SQLite).
    pub fn table(&self, dialect: Dialect, name: &str) -> Option<&LiveTable> {
        self.tables
            .iter()
            .find(|t| same_name(dialect, &t.name, name, true))
    }
}

impl LiveTable {
    /// The column named `name`; column names ignore ASCII case on SQLite and MySQL.
    pub fn column(&self, dialect: Dialect, name: &str) -> Option<&LiveColumn> {
        self.columns
            .iter()
            .find(|c| same_name(dialect, &c.name, name, false))
    }
}

/// Whether two identifiers name the same object on `dialect`.
pub(crate) fn same_name(dialect: Dialect, a: &str, b: &str, table: bool) -> bool {
    match dialect {
        Dialect::Postgres => a == b,
        Dialect::MySql if table => a == b,
        Dialect::Sqlite | Dialect::MySql => a.eq_ignore_ascii_case(b),
    }
}

/// Reads the tables, columns, indexes and foreign keys of the database `adapter` is connected
/// to, and counts (up to two) the rows of each table the schema `S` names.
///
/// Read-only: it runs `SELECT`s on the catalog and on the model tables, nothing else. Fails
/// with [`Error::Database`] when the catalog cannot be read, and with
/// [`Error::InvalidInput`] for a MySQL connection that names no database.
pub async fn read_schema<S: Schema>(adapter: &SqlAdapter<S>) -> Result<LiveSchema> {
    let dialect = adapter.dialect();
    if dialect.catalog_needs_current_database() {
        let rows = fetch(adapter, catalog::current_database(dialect), Vec::new()).await?;
        if rows
            .first()
            .and_then(|r| r.first())
            .is_none_or(Option::is_none)
        {
            return Err(Error::InvalidInput(
                "the MySQL URL names no database: add `/<database>` to it".to_owned(),
            ));
        }
    }
    let mut tables: Vec<LiveTable> = fetch(adapter, catalog::tables(dialect), Vec::new())
        .await?
        .into_iter()
        .filter_map(|row| {
            let mut row = row.into_iter();
            let name = row.next().flatten()?;
            let kind = row.next().flatten().unwrap_or_default();
            let without_rowid = row.next().flatten().as_deref() == Some("1");
            Some(LiveTable {
                name,
                is_view: kind != "table",
                without_rowid,
                ..LiveTable::default()
            })
        })
        .collect();
    tables.sort_by(|a, b| a.name.cmp(&b.name));
    let wanted: Vec<String> = S::stored_tables()
        .iter()
        .filter_map(|t| {
            let live = tables
                .iter()
                .find(|l| !l.is_view && same_name(dialect, &l.name, t.name, true))?;
            Some(live.name.clone())
        })
        .collect();
    match dialect {
        // SQLite's catalog is a set of per-table pragmas.
        Dialect::Sqlite => {
            for name in &wanted {
                let params = || vec![Value::Text(name.clone())];
                let columns = fetch(adapter, catalog::table_columns(dialect), params()).await?;
                let indexes = fetch(adapter, catalog::table_indexes(dialect), params()).await?;
                let keys = fetch(adapter, catalog::table_foreign_keys(dialect), params()).await?;
                let prefix = |rows: Vec<Vec<Option<String>>>| {
                    rows.into_iter()
                        .map(|r| std::iter::once(Some(name.clone())).chain(r).collect())
                        .collect::<Vec<_>>()
                };
                assemble(
                    &mut tables,
                    dialect,
                    prefix(columns),
                    prefix(indexes),
                    prefix(keys),
                );
            }
        }
        Dialect::Postgres | Dialect::MySql => {
            let columns = fetch(adapter, catalog::columns(dialect), Vec::new()).await?;
            let indexes = fetch(adapter, catalog::indexes(dialect), Vec::new()).await?;
            let keys = fetch(adapter, catalog::foreign_keys(dialect), Vec::new()).await?;
            assemble(&mut tables, dialect, columns, indexes, keys);
        }
    }
    for name in &wanted {
        let rows = fetch(adapter, catalog::count_rows(dialect, name), Vec::new()).await?;
        let count = rows
            .first()
            .and_then(|r| r.first().cloned().flatten())
            .and_then(|n| n.parse::<u8>().ok())
            .unwrap_or(0);
        if let Some(table) = tables.iter_mut().find(|t| &t.name == name) {
            table.rows = count.min(2);
        }
    }
    Ok(LiveSchema {
        tables,
        flavour: adapter.mysql_flavour(),
    })
}

/// Runs a catalog query; every column comes back as optional text.
async fn fetch<S: Schema>(
    adapter: &SqlAdapter<S>,
    query: Query,
    params: Vec<Value>,
) -> Result<Vec<Vec<Option<String>>>> {
    adapter.catalog(&query, &params).await.map_err(|e| match e {
        Error::Database(source) => {
            Error::Database(format!("cannot read the database catalog: {source}").into())
        }
        other => other,
    })
}

/// Files catalog rows (each starting with its table's name) under their tables.
fn assemble(
    tables: &mut [LiveTable],
    dialect: Dialect,
    columns: Vec<Vec<Option<String>>>,
    indexes: Vec<Vec<Option<String>>>,
    keys: Vec<Vec<Option<String>>>,
) {
    // SQLite reports its primary key per column (an `integer PRIMARY KEY` has no index).
    let mut sqlite_keys: Vec<(String, u32, String)> = Vec::new();
    for row in columns {
        let [
            Some(table),
            Some(name),
            sql_type,
            nullable,
            has_default,
            key,
            collation,
        ] = fixed::<7>(row)
        else {
            continue;
        };
        if let Some(position) = key.and_then(|k| k.parse::<u32>().ok()).filter(|&k| k > 0) {
            sqlite_keys.push((table.clone(), position, name.clone()));
        }
        if let Some(t) = tables.iter_mut().find(|t| t.name == table) {
            t.columns.push(LiveColumn {
                name,
                sql_type: sql_type.unwrap_or_default(),
                nullable: truthy(nullable.as_deref()),
                has_default: truthy(has_default.as_deref()),
                collation,
            });
        }
    }
    for row in indexes {
        let [Some(table), Some(name), unique, primary, partial, column] = fixed::<6>(row) else {
            continue;
        };
        let Some(t) = tables.iter_mut().find(|t| t.name == table) else {
            continue;
        };
        // Rows come in key order, one per column: consecutive rows of one index extend it.
        match t.indexes.iter_mut().find(|i| i.name == name) {
            Some(index) => {
                index.columns.push(column);
                index.partial |= truthy(partial.as_deref());
            }
            None => t.indexes.push(LiveIndex {
                primary: truthy(primary.as_deref())
                    || dialect.primary_key_name() == Some(name.as_str()),
                name,
                columns: vec![column],
                unique: truthy(unique.as_deref()),
                partial: truthy(partial.as_deref()),
            }),
        }
    }
    sqlite_keys.sort();
    for t in tables.iter_mut() {
        let key: Vec<Option<String>> = sqlite_keys
            .iter()
            .filter(|(table, _, _)| *table == t.name)
            .map(|(_, _, column)| Some(column.clone()))
            .collect();
        if !key.is_empty() {
            // The implicit index of a non-rowid key says the same: keep one entry.
            t.indexes.retain(|i| !i.primary);
            t.indexes.insert(
                0,
                LiveIndex {
                    name: format!("{}_pkey", t.name),
                    columns: key,
                    unique: true,
                    primary: true,
                    partial: false,
                },
            );
        }
    }
    for row in keys {
        let [
            Some(table),
            Some(column),
            Some(target_table),
            target_column,
            cascade,
            name,
        ] = fixed::<6>(row)
        else {
            continue;
        };
        if let Some(t) = tables.iter_mut().find(|t| t.name == table) {
            t.foreign_keys.push(LiveForeignKey {
                column,
                target_table,
                // SQLite leaves `to` empty for a reference to the primary key.
                target_column: target_column.unwrap_or_default(),
                cascade: cascade.is_some_and(|c| c.eq_ignore_ascii_case("cascade") || c == "c"),
                name,
            });
        }
    }
}

/// A row as exactly `N` cells (missing cells are `None`, extra cells dropped).
fn fixed<const N: usize>(row: Vec<Option<String>>) -> [Option<String>; N] {
    let mut cells = row.into_iter();
    std::array::from_fn(|_| cells.next().flatten())
}

/// Catalog booleans as the three dialects print them: `1`, `t`, `true`, `YES`.
fn truthy(cell: Option<&str>) -> bool {
    matches!(
        cell.map(str::to_ascii_lowercase).as_deref(),
        Some("1" | "t" | "true" | "yes" | "y")
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(cells: &[Option<&str>]) -> Vec<Option<String>> {
        cells.iter().map(|c| c.map(str::to_owned)).collect()
    }

    #[test]
    fn rows_are_filed_under_their_tables_and_indexes_grow_in_key_order() {
        let mut tables = vec![LiveTable {
            name: "t".into(),
            ..LiveTable::default()
        }];
        assemble(
            &mut tables,
            Dialect::MySql,
            vec![
                row(&[
                    Some("t"),
                    Some("a"),
                    Some("int"),
                    Some("NO"),
                    Some("NO"),
                    None,
                ]),
                row(&[
                    Some("other"),
                    Some("x"),
                    Some("int"),
                    Some("YES"),
                    Some("NO"),
                    None,
                ]),
                row(&[Some("t"), None, Some("int"), Some("YES"), Some("NO"), None]),
            ],
            vec![
                row(&[
                    Some("t"),
                    Some("PRIMARY"),
                    Some("1"),
                    Some("0"),
                    Some("0"),
                    Some("a"),
                ]),
                row(&[
                    Some("t"),
                    Some("k"),
                    Some("0"),
                    Some("0"),
                    Some("0"),
                    Some("a"),
                ]),
                row(&[
                    Some("t"),
                    Some("k"),
                    Some("0"),
                    Some("0"),
                    Some("1"),
                    Some("b"),
                ]),
            ],
            vec![row(&[
                Some("t"),
                Some("a"),
                Some("u"),
                Some("id"),
                Some("CASCADE"),
            ])],
        );
        let t = &tables[0];
        assert_eq!(t.columns.len(), 1);
        assert!(!t.columns[0].nullable);
        assert_eq!(t.indexes.len(), 2);
        assert!(t.indexes[0].primary && t.indexes[0].unique);
        assert_eq!(
            t.indexes[1].columns,
            vec![Some("a".into()), Some("b".into())]
        );
        assert!(
            t.indexes[1].partial,
            "a prefix on any column makes it partial"
        );
        assert!(t.foreign_keys[0].cascade);
    }

    #[test]
    fn sqlite_primary_keys_come_from_the_column_rows() {
        let mut tables = vec![LiveTable {
            name: "t".into(),
            ..LiveTable::default()
        }];
        assemble(
            &mut tables,
            Dialect::Sqlite,
            vec![
                row(&[
                    Some("t"),
                    Some("b"),
                    Some("text"),
                    Some("0"),
                    Some("0"),
                    Some("2"),
                ]),
                row(&[
                    Some("t"),
                    Some("a"),
                    Some("text"),
                    Some("0"),
                    Some("0"),
                    Some("1"),
                ]),
            ],
            vec![row(&[
                Some("t"),
                Some("sqlite_autoindex_t_1"),
                Some("1"),
                Some("1"),
                Some("0"),
                Some("a"),
            ])],
            Vec::new(),
        );
        let indexes = &tables[0].indexes;
        assert_eq!(indexes.len(), 1);
        assert!(indexes[0].primary);
        assert_eq!(indexes[0].columns, vec![Some("a".into()), Some("b".into())]);
    }

    #[test]
    fn names_compare_as_each_dialect_does() {
        assert!(same_name(Dialect::Sqlite, "Users", "users", true));
        assert!(!same_name(Dialect::Postgres, "Users", "users", true));
        assert!(!same_name(Dialect::MySql, "Users", "users", true));
        assert!(same_name(Dialect::MySql, "Email", "email", false));
    }
}
