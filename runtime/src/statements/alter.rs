//! The statements a plan adds to `ddl`'s: `ALTER TABLE ... ADD COLUMN`, `CREATE [UNIQUE]
//! INDEX` on an existing table, and the drops of a `down` migration, built with sea-query from
//! the same column and index definitions as `ddl`'s.
//!
//! Entry points: `add_column`, `create_index`, `convert_collation`, `drop_foreign_key`, `add_foreign_key`, `drop_table`, `drop_column`, `drop_index`. sea-query's SQLite backend panics
//! on an `ALTER TABLE` with no option, several options, or a column modification or foreign
//! key change; every alter here is built by `alter_one` with exactly one `ADD COLUMN` or
//! `DROP COLUMN`, the two shapes SQLite accepts, so that panic cannot be reached.

use sea_query::{Alias, ForeignKey, Index, Table as SqlTable, TableAlterStatement};

use crate::descriptor::{Column, Key, Table};
use crate::dialect::{Dialect, TableOptions};
use crate::statements::ddl::{Reference, TablePlan, column_def, foreign_key, index_statement};

/// `ALTER TABLE <table> ADD COLUMN ...` with the definition the column has in `CREATE TABLE`
/// (one builder for both: `ddl::column_def`). Never `UNIQUE` (unique keys are separate
/// indexes) nor `PRIMARY KEY` (a missing primary key is a refusal, never an added column), two
/// things SQLite refuses in an `ADD COLUMN`.
pub(crate) fn add_column(plan: &TablePlan, column: &Column, dialect: Dialect) -> String {
    let mut alter = alter_one(plan.table.name);
    alter.add_column(column_def(plan, column, dialect));
    dialect.render_schema(&alter)
}

/// `CREATE [UNIQUE] INDEX <name> ON <table> (<columns>)`: the statement `ddl` writes for the
/// key on SQLite and PostgreSQL, and valid on MySQL too.
pub(crate) fn create_index(table: &Table, key: &Key, dialect: Dialect) -> String {
    dialect.render_schema(&index_statement(table, key))
}

/// `ALTER TABLE <table> CONVERT TO CHARACTER SET <charset> COLLATE <collation>`: every text
/// column of the table, and its default, to the models' collation (MySQL; sea-query has no
/// builder for it). The names come from `Dialect::table_options`, never from input.
///
/// The key columns a foreign key joins (`users.id`, `sessions.user_id`) change too, which
/// the server refuses while that foreign key exists: the plan drops it first
/// ([`drop_foreign_key`]) and adds it back after ([`add_foreign_key`]).
pub(crate) fn convert_collation(table: &str, options: TableOptions, dialect: Dialect) -> String {
    format!(
        "ALTER TABLE {} CONVERT TO CHARACTER SET {} COLLATE {}",
        dialect.quote(table),
        options.charset,
        options.collate
    )
}

/// `ALTER TABLE <table> DROP FOREIGN KEY <name>` (MySQL's spelling): before a conversion
/// changes the collation of the columns it joins, which the server refuses while it exists.
pub(crate) fn drop_foreign_key(table: &str, name: &str, dialect: Dialect) -> String {
    let drop = ForeignKey::drop()
        .name(name)
        .table(Alias::new(table))
        .to_owned();
    dialect.render_schema(&drop)
}

/// `ALTER TABLE <table> ADD CONSTRAINT <name> FOREIGN KEY ...`: the foreign key of `table`
/// to the user table as `CREATE TABLE` declares it (`ddl::foreign_key`), under `name`.
pub(crate) fn add_foreign_key(
    table: &Table,
    reference: &Reference,
    name: &str,
    dialect: Dialect,
) -> String {
    dialect.render_schema(&foreign_key(table, reference, name))
}

/// `DROP TABLE IF EXISTS <table>`: undoes a created table.
pub(crate) fn drop_table(table: &str, dialect: Dialect) -> String {
    let drop = SqlTable::drop()
        .table(Alias::new(table))
        .if_exists()
        .to_owned();
    dialect.render_schema(&drop)
}

/// `ALTER TABLE <table> DROP COLUMN <column>`: undoes an added column.
pub(crate) fn drop_column(table: &str, column: &str, dialect: Dialect) -> String {
    let mut alter = alter_one(table);
    alter.drop_column(Alias::new(column));
    dialect.render_schema(&alter)
}

/// `DROP INDEX <name>` (`ON <table>` where the dialect scopes index names by table).
pub(crate) fn drop_index(table: &str, name: &str, dialect: Dialect) -> String {
    let drop = Index::drop().name(name).table(Alias::new(table)).to_owned();
    dialect.render_schema(&drop)
}

/// An `ALTER TABLE` on `table` for the caller to give exactly one option.
fn alter_one(table: &str) -> TableAlterStatement {
    SqlTable::alter().table(Alias::new(table)).to_owned()
}
