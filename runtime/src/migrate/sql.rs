//! The statements a plan adds to `ddl`'s: `ALTER TABLE ... ADD COLUMN`, `CREATE [UNIQUE]
//! INDEX` on an existing table, and the drops of a `down` migration, built with sea-query and
//! rendered per dialect in one match.
//!
//! Entry points: `add_column`, `create_index` and `revert`. sea-query's SQLite backend panics
//! on an `ALTER TABLE` with no option, several options, or a column modification or foreign
//! key change; every alter here is built by `alter_one` with exactly one `ADD COLUMN` or
//! `DROP COLUMN`, the two shapes SQLite accepts, so that panic cannot be reached.

use sea_query::{
    Alias, ColumnDef, ColumnType as SqlType, Index, MysqlQueryBuilder, PostgresQueryBuilder,
    SchemaStatementBuilder, SqliteQueryBuilder, Table as SqlTable, TableAlterStatement,
};

use crate::ddl::{TablePlan, column_type, default_expr};
use crate::dialect::Dialect;
use crate::schema::{Column, Key, Table};

use super::{Change, Safety, Step};

/// `ALTER TABLE <table> ADD COLUMN ...` with the type, nullability and default the column has
/// in `CREATE TABLE`. Never `UNIQUE` or `PRIMARY KEY` (SQLite refuses both in an `ADD
/// COLUMN`): unique keys are separate indexes, and a missing primary key is a refusal.
pub(crate) fn add_column(plan: &TablePlan, column: &Column, dialect: Dialect) -> String {
    let sql_type = column_type(&plan.effective(column), dialect, plan.is_keyed(column));
    let mut def = ColumnDef::new_with_type(Alias::new(column.name), SqlType::custom(sql_type));
    if !column.nullable {
        def.not_null();
    }
    // `ddl::plan` has checked every default on every dialect.
    if let Some(default) = column.default
        && let Ok(expr) = default_expr(column, default, dialect)
    {
        def.default(expr);
    }
    let mut alter = alter_one(plan.table.name);
    alter.add_column(def);
    render(&alter, dialect)
}

/// `CREATE [UNIQUE] INDEX <name> ON <table> (<columns>)`: the statement `ddl` writes for the
/// key on SQLite and PostgreSQL, and valid on MySQL too.
pub(crate) fn create_index(table: &Table, key: &Key, dialect: Dialect) -> String {
    let mut index = Index::create();
    index.name(&key.name).table(Alias::new(table.name));
    for column in &key.columns {
        index.col(Alias::new(column.name));
    }
    if key.unique {
        index.unique();
    }
    render(&index, dialect)
}

/// The step that undoes `change`, if it can be undone.
pub(crate) fn revert(dialect: Dialect, change: &Change) -> Option<Step> {
    let (change, safety, statement) = match change {
        Change::CreateTable { table } => {
            let drop = SqlTable::drop()
                .table(Alias::new(table))
                .if_exists()
                .to_owned();
            (
                Change::DropTable {
                    table: table.clone(),
                },
                Safety::Destructive,
                render(&drop, dialect),
            )
        }
        Change::AddColumn { table, column, .. } => {
            let mut alter = alter_one(table);
            alter.drop_column(Alias::new(column));
            (
                Change::DropColumn {
                    table: table.clone(),
                    column: column.clone(),
                },
                Safety::Destructive,
                render(&alter, dialect),
            )
        }
        Change::CreateIndex { table, name, .. } => {
            let drop = Index::drop().name(name).table(Alias::new(table)).to_owned();
            (
                Change::DropIndex {
                    table: table.clone(),
                    name: name.clone(),
                },
                // An index holds no data of its own.
                Safety::Safe,
                render(&drop, dialect),
            )
        }
        Change::DropTable { .. } | Change::DropColumn { .. } | Change::DropIndex { .. } => {
            return None;
        }
    };
    Some(Step {
        change,
        safety,
        statements: vec![statement],
    })
}

/// An `ALTER TABLE` on `table` for the caller to give exactly one option.
fn alter_one(table: &str) -> TableAlterStatement {
    SqlTable::alter().table(Alias::new(table)).to_owned()
}

fn render(statement: &impl SchemaStatementBuilder, dialect: Dialect) -> String {
    match dialect {
        Dialect::Sqlite => statement.build(SqliteQueryBuilder),
        Dialect::Postgres => statement.build(PostgresQueryBuilder),
        Dialect::MySql => statement.build(MysqlQueryBuilder),
    }
}
