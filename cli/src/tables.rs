//! Each table's keys, foreign key and column types as `authmodel::ddl` derives them, for the
//! diagram and the Prisma schema.
//!
//! Entry point: `plan`, which checks the tables as `ddl` does and returns one `TablePlan` per
//! table, the user table first. Everything here comes from the public descriptors
//! ([`Table::primary_key`], [`Table::unique_keys`], [`Table::indexes`],
//! [`Table::references_user`]) and [`ddl::column_type`], so names, types and keys are the ones
//! the `CREATE` statements carry.

use authmodel::Dialect;
use authmodel::ddl::{self, CreateOptions};
use authmodel::schema::{Column, Key, Role, Table};

/// One table and its keys.
pub(crate) struct TablePlan {
    /// The descriptor.
    pub table: &'static Table,
    /// The primary key columns, in key order.
    pub primary: Vec<&'static Column>,
    /// Unique keys besides the primary key.
    pub unique: Vec<Key>,
    /// Plain indexes.
    pub indexes: Vec<Key>,
    /// The foreign key to the user table, when the table has one.
    pub reference: Option<Reference>,
}

/// A foreign key from a column to the user table's primary key.
pub(crate) struct Reference {
    /// The referencing column.
    pub column: &'static Column,
    /// The constraint name.
    pub name: String,
    /// The user table.
    pub table: &'static Table,
    /// The user table's primary key column.
    pub target: &'static Column,
}

/// The tables with their keys, the user table first; the error `ddl` gives for tables it
/// cannot create.
pub(crate) fn plan(tables: &[&'static Table]) -> authmodel::Result<Vec<TablePlan>> {
    // The descriptor checks every dialect shares (names, keys, defaults, the foreign key's
    // type) run in `ddl`; PostgreSQL adds none of its own, so this fails exactly when the
    // tables have no valid layout at all.
    ddl::create_tables(tables, Dialect::Postgres, CreateOptions::default())?;
    let user = tables.iter().copied().find(|t| t.role == Role::User);
    let ordered = user
        .into_iter()
        .chain(tables.iter().copied().filter(|t| t.role != Role::User));
    Ok(ordered
        .map(|table| TablePlan {
            table,
            primary: table.primary_key(),
            unique: table.unique_keys(),
            indexes: table.indexes(),
            reference: reference(table, user),
        })
        .collect())
}

fn reference(table: &'static Table, user: Option<&'static Table>) -> Option<Reference> {
    let column = table.references_user()?;
    let user = user?;
    let target = *user.primary_key().first()?;
    Some(Reference {
        column,
        name: table.foreign_key_name(column, user, target),
        table: user,
        target,
    })
}

impl TablePlan {
    /// The SQL type of `column` on `dialect`, as the `CREATE TABLE` declares it.
    pub fn column_type(&self, column: &Column, dialect: Dialect) -> String {
        ddl::column_type(&self.effective(column), dialect, self.is_keyed(column))
    }

    /// Whether `column` is in any key, index or foreign key (MySQL then bounds its type).
    fn is_keyed(&self, column: &Column) -> bool {
        let named = |c: &&Column| c.name == column.name;
        self.primary.iter().any(named)
            || self.unique.iter().any(|k| k.columns.iter().any(named))
            || self.indexes.iter().any(|k| k.columns.iter().any(named))
            || self
                .reference
                .as_ref()
                .is_some_and(|r| r.column.name == column.name)
    }

    /// The column as its type is derived: a foreign key column takes the type and length of
    /// the key it references.
    fn effective(&self, column: &Column) -> Column {
        match &self.reference {
            Some(r) if r.column.name == column.name => Column {
                ty: r.target.ty,
                max_len: r.target.max_len,
                ..*column
            },
            _ => *column,
        }
    }
}
