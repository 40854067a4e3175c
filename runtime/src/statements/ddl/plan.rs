//! What a set of table descriptors becomes before any SQL is written: each table's keys,
//! indexes and foreign key, checked against every dialect rule that can fail.
//!
//! Entry point: [`plan`], which returns one [`TablePlan`] per table (the user table first) or
//! the first `Error::Schema` found. Nothing after it can fail, and no sea-query panic is
//! reachable from a descriptor that passes it. The rules a plan answers (which columns are
//! keyed, which type a foreign key column takes) are the ones `CREATE TABLE`, `ADD COLUMN`, the
//! migration plan and the CLI's diagram and Prisma schema all read.

use crate::descriptor::{
    Column, ColumnType, IdStrategy, Key, RecommendationKind, Role, RoleField, Table,
};
use crate::dialect::Dialect;
use crate::error::{Error, Result};

use crate::statements::types::{column_type, default_expr, mysql_key_bytes};

/// The longest identifier allowed: PostgreSQL silently truncates longer names to 63 bytes, so a
/// constraint would not carry the name the adapter reports in `Error::Conflict`.
const MAX_IDENTIFIER_BYTES: usize = 63;

/// MySQL InnoDB's limit on the bytes of one index key (DYNAMIC row format).
const MYSQL_MAX_KEY_BYTES: u64 = 3_072;

/// One table with its keys, derived once from its descriptor and checked by [`plan`]: what the
/// table's `CREATE TABLE` and indexes declare, on every dialect.
///
/// ```
/// use authmodel::{DefaultSchema, Dialect, Schema, ddl};
///
/// let plans = ddl::plan(&DefaultSchema::stored_tables())?;
/// // The user table comes first: every other table references it.
/// assert_eq!(plans[0].table().name, "users");
///
/// let sessions = plans.iter().find(|p| p.table().name == "sessions").unwrap();
/// let reference = sessions.reference().expect("sessions reference the user table");
/// assert_eq!(reference.name(), "sessions_user_id_fkey");
/// assert_eq!(reference.table().name, "users");
///
/// // A foreign key column takes the type of the key it references, and a keyed column is
/// // bounded on MySQL.
/// let user_id = reference.column();
/// assert!(sessions.is_keyed(user_id));
/// assert_eq!(
///     sessions.column_type(user_id, Dialect::Postgres),
///     plans[0].column_type(reference.target(), Dialect::Postgres),
/// );
/// # Ok::<(), authmodel::Error>(())
/// ```
#[derive(Debug, Clone)]
pub struct TablePlan {
    /// The descriptor.
    pub(crate) table: &'static Table,
    /// The primary key columns, in key order.
    pub(crate) primary: Vec<&'static Column>,
    /// Unique keys besides the primary key.
    pub(crate) unique: Vec<Key>,
    /// Plain indexes.
    pub(crate) indexes: Vec<Key>,
    /// The foreign key to the user table, when the table has one.
    pub(crate) reference: Option<Reference>,
}

/// A foreign key from a column to the user table's primary key, `ON DELETE CASCADE` (or as
/// the table's [`Keys::on_delete`](crate::descriptor::Keys::on_delete) says).
#[derive(Debug, Clone)]
pub struct Reference {
    /// The referencing column.
    pub(crate) column: &'static Column,
    /// The constraint name.
    pub(crate) name: String,
    /// The user table.
    pub(crate) table: &'static Table,
    /// The user table's primary key column.
    pub(crate) target: &'static Column,
}

impl Reference {
    /// The referencing column (`user_id`).
    pub fn column(&self) -> &'static Column {
        self.column
    }

    /// The constraint name: [`Table::foreign_key_name`] (`<table>_<column>_fkey`).
    pub fn name(&self) -> &str {
        &self.name
    }

    /// The referenced table: the user table.
    pub fn table(&self) -> &'static Table {
        self.table
    }

    /// The user table's primary key column, whose SQL type the referencing column takes.
    pub fn target(&self) -> &'static Column {
        self.target
    }
}

impl TablePlan {
    /// The table's descriptor.
    pub fn table(&self) -> &'static Table {
        self.table
    }

    /// Whether `CREATE TABLE` stores the table in its primary key on `dialect`: the model
    /// asks for it ([`Keys::without_rowid`](crate::descriptor::Keys::without_rowid)) and the
    /// dialect stores tables that way only when asked (SQLite's `WITHOUT ROWID`).
    pub(crate) fn without_rowid(&self, dialect: Dialect) -> bool {
        self.table.keys.without_rowid && dialect.without_rowid()
    }

    /// The primary key columns, in key order: [`Table::primary_key`]; empty for a table
    /// declared `no_primary_key`.
    pub fn primary(&self) -> &[&'static Column] {
        &self.primary
    }

    /// The unique keys besides the primary key, each a unique index: [`Table::unique_keys`].
    pub fn unique(&self) -> &[Key] {
        &self.unique
    }

    /// The plain indexes: [`Table::indexes`].
    pub fn indexes(&self) -> &[Key] {
        &self.indexes
    }

    /// The foreign key to the user table, when the table has one
    /// ([`Table::references_user`]).
    pub fn reference(&self) -> Option<&Reference> {
        self.reference.as_ref()
    }

    /// The primary key's name: [`Table::primary_key_name`] (PostgreSQL's default
    /// `<table>_pkey`).
    pub(crate) fn primary_name(&self) -> String {
        self.table.primary_key_name()
    }

    /// Whether `column` is in any key, index or foreign key (MySQL then needs a bounded type).
    /// Columns are matched by name.
    pub fn is_keyed(&self, column: &Column) -> bool {
        let named = |c: &&Column| c.name == column.name;
        self.primary.iter().any(named)
            || self.unique.iter().any(|k| k.columns.iter().any(named))
            || self.indexes.iter().any(|k| k.columns.iter().any(named))
            || self
                .reference
                .as_ref()
                .is_some_and(|r| r.column.name == column.name)
    }

    /// The column as its SQL type is derived: a foreign key column takes the type and length of
    /// the key it references, so the two always match exactly; any other column is unchanged.
    pub fn effective(&self, column: &Column) -> Column {
        match &self.reference {
            Some(r) if r.column.name == column.name => Column {
                ty: r.target.ty,
                max_len: r.target.max_len,
                ..*column
            },
            _ => *column,
        }
    }

    /// The SQL type of `column` on `dialect`, as `CREATE TABLE` and `ADD COLUMN` declare it:
    /// [`column_type`] of the [`effective`](TablePlan::effective) column, bounded when it is
    /// [keyed](TablePlan::is_keyed).
    pub fn column_type(&self, column: &Column, dialect: Dialect) -> String {
        column_type(&self.effective(column), dialect, self.is_keyed(column))
    }

    /// Whether `column` is the table's autoincrement primary key.
    pub(crate) fn is_auto_increment(&self, column: &Column) -> bool {
        column.id == Some(IdStrategy::AutoIncrement) && column.primary_key
    }
}

/// Derives and checks the keys of every table: one [`TablePlan`] per table, the user table
/// first, then the others in their order in `tables`.
///
/// Runs every check the dialects share (identifiers, primary keys, autoincrement ids,
/// defaults, the foreign key's type, names unique across the schema); only MySQL's key byte
/// budget is left to [`create_tables`](super::create_tables). Fails with
/// [`Error::Schema`] on the first problem found.
pub fn plan(tables: &[&'static Table]) -> Result<Vec<TablePlan>> {
    plan_with(tables, false)
}

/// [`plan`], with the [recommended](Table::recommended_keys) plain indexes a table lacks
/// among its indexes when `recommended_indexes` is set (never a recommended unique key or
/// foreign key: those would refuse rows the layout accepts).
pub fn plan_with(tables: &[&'static Table], recommended_indexes: bool) -> Result<Vec<TablePlan>> {
    let users = tables.iter().filter(|t| t.role == Role::User).count();
    if users > 1 {
        return Err(schema(format!(
            "{users} tables play the user role: a schema has exactly one"
        )));
    }
    let user = tables.iter().copied().find(|t| t.role == Role::User);
    // Users first: every other table references it.
    let ordered = user
        .into_iter()
        .chain(tables.iter().copied().filter(|t| t.role != Role::User));
    let mut plans = Vec::with_capacity(tables.len());
    for table in ordered {
        plans.push(plan_table(table, user, recommended_indexes)?);
    }
    check_unique_names(&plans)?;
    Ok(plans)
}

fn plan_table(
    table: &'static Table,
    user: Option<&'static Table>,
    recommended_indexes: bool,
) -> Result<TablePlan> {
    identifier(table.name, || {
        format!("table name of `{}`", table.type_name)
    })?;
    if table.columns.is_empty() {
        return Err(schema(format!("table `{}` has no columns", table.name)));
    }
    for (i, column) in table.columns.iter().enumerate() {
        identifier(column.name, || {
            format!("column name of `{}::{}`", table.type_name, column.field)
        })?;
        // SQLite and MySQL compare column names case-insensitively, even quoted.
        let clash = table.columns[..i]
            .iter()
            .any(|c| c.name.eq_ignore_ascii_case(column.name));
        if clash {
            return Err(schema(format!(
                "table `{}` has two columns named `{}`",
                table.name, column.name
            )));
        }
    }
    let declared = table
        .keys
        .unique
        .iter()
        .chain(table.keys.indexes)
        .map(|k| k.columns)
        .chain(Some(table.keys.primary).filter(|p| !p.is_empty()));
    for columns in declared {
        if columns.is_empty() {
            return Err(schema(format!(
                "table `{}` declares a key of no column",
                table.name
            )));
        }
        if let Some(name) = columns
            .iter()
            .find(|n| !table.columns.iter().any(|c| c.name == **n))
        {
            return Err(schema(format!(
                "table `{}` declares a key on `{name}`, which is not one of its columns",
                table.name
            )));
        }
    }
    let primary = table.primary_key();
    if primary.is_empty() {
        return Err(schema(format!(
            "table `{}` has no primary key: the model declares none and has no {} natural key",
            table.name,
            table.role.name()
        )));
    }
    // An optional id may be the declared primary key (Kysely's, which SQLite lets hold NULL
    // and the servers make NOT NULL); any other nullable key column is a mistake.
    let optional_id = |c: &&&Column| {
        c.nullable
            && c.role.is_some_and(|r| {
                matches!(
                    r,
                    RoleField::AccountId | RoleField::SessionId | RoleField::AuthenticatorId
                )
            })
    };
    if let Some(column) = primary.iter().find(|c| c.nullable && !optional_id(c)) {
        return Err(schema(format!(
            "primary key column `{}` of `{}` cannot be nullable",
            column.name, table.name
        )));
    }
    let reference = reference(table, user)?;
    let mut indexes = table.indexes();
    if recommended_indexes {
        indexes.extend(
            table
                .recommended_keys()
                .into_iter()
                .filter(|r| r.kind == RecommendationKind::Index)
                .map(|r| r.key),
        );
    }
    // A layout without a primary key constraint (`no_primary_key`) gets none in its DDL; the
    // contract still finds its rows by `primary`.
    let primary = if table.keys.primary_constraint {
        primary
    } else {
        Vec::new()
    };
    let plan = TablePlan {
        table,
        primary,
        unique: table.unique_keys(),
        indexes,
        reference,
    };
    if !plan.primary.is_empty() {
        identifier(&plan.primary_name(), || {
            format!("primary key name of `{}`", table.name)
        })?;
    }
    for key in plan.unique.iter().chain(&plan.indexes) {
        identifier(&key.name, || format!("index name on `{}`", table.name))?;
    }
    if let Some(r) = &plan.reference {
        identifier(&r.name, || format!("foreign key name on `{}`", table.name))?;
    }
    check_auto_increment(&plan)?;
    check_without_rowid(&plan)?;
    check_defaults(table)?;
    Ok(plan)
}

fn reference(table: &'static Table, user: Option<&'static Table>) -> Result<Option<Reference>> {
    let Some(column) = table.foreign_key() else {
        return Ok(None);
    };
    let Some(user) = user else {
        return Err(schema(format!(
            "`{}.{}` references the user table, which is not in the schema",
            table.name, column.name
        )));
    };
    let target = match user.primary_key().as_slice() {
        [target] => *target,
        _ => {
            return Err(schema(format!(
                "`{}.{}` references `{}`, whose primary key is not a single column",
                table.name, column.name, user.name
            )));
        }
    };
    if column.ty != target.ty {
        return Err(schema(format!(
            "`{}.{}` is {:?} but references `{}.{}`, which is {:?}: a foreign key has the \
             type of the key it references",
            table.name, column.name, column.ty, user.name, target.name, target.ty
        )));
    }
    Ok(Some(Reference {
        column,
        name: table.foreign_key_name(column, user, target),
        table: user,
        target,
    }))
}

fn check_auto_increment(plan: &TablePlan) -> Result<()> {
    let table = plan.table;
    for column in table.columns {
        if column.id != Some(IdStrategy::AutoIncrement) {
            continue;
        }
        // SQLite only autoincrements an `integer PRIMARY KEY` standing alone.
        let alone = matches!(plan.primary.as_slice(), [c] if c.name == column.name);
        if !alone || !column.primary_key {
            return Err(schema(format!(
                "autoincrement column `{}` of `{}` must be the table's only primary key column",
                column.name, table.name
            )));
        }
        if !matches!(column.ty, ColumnType::Int32 | ColumnType::Int64) {
            return Err(schema(format!(
                "autoincrement column `{}` of `{}` must be an integer, not {:?}",
                column.name, table.name, column.ty
            )));
        }
    }
    Ok(())
}

/// A `without_rowid` table is stored in its primary key: it needs one (declared to the
/// database), SQLite refuses `NULL` in it, and only rowid tables number their rows.
fn check_without_rowid(plan: &TablePlan) -> Result<()> {
    let table = plan.table;
    if !table.keys.without_rowid {
        return Ok(());
    }
    let refused = |why: String| {
        schema(format!(
            "`{}` is `without_rowid`, stored in its primary key on SQLite, but {why}",
            table.name
        ))
    };
    if plan.primary.is_empty() {
        return Err(refused(
            "it has no primary key constraint (`no_primary_key`)".to_owned(),
        ));
    }
    if let Some(column) = plan.primary.iter().find(|c| c.nullable) {
        return Err(refused(format!(
            "its primary key column `{}` is optional, and SQLite refuses NULL there",
            column.name
        )));
    }
    if let Some(column) = table
        .columns
        .iter()
        .find(|c| c.id == Some(IdStrategy::AutoIncrement))
    {
        return Err(refused(format!(
            "`{}` is autoincremented, which SQLite does only in tables with a rowid",
            column.name
        )));
    }
    Ok(())
}

fn check_defaults(table: &Table) -> Result<()> {
    for column in table.columns {
        let Some(default) = column.default else {
            continue;
        };
        for dialect in Dialect::ALL {
            if let Err(reason) = default_expr(column, default, dialect) {
                return Err(schema(format!(
                    "default of `{}.{}`: {reason}",
                    table.name, column.name
                )));
            }
        }
    }
    Ok(())
}

/// PostgreSQL keeps index, constraint and table names in one namespace per schema.
fn check_unique_names(plans: &[TablePlan]) -> Result<()> {
    let mut seen: Vec<&str> = Vec::new();
    for plan in plans {
        let keys = plan
            .unique
            .iter()
            .chain(&plan.indexes)
            .map(|k| k.name.as_str());
        let reference = plan.reference.iter().map(|r| r.name.as_str());
        for name in std::iter::once(plan.table.name)
            .chain(keys)
            .chain(reference)
        {
            if seen.iter().any(|s| s.eq_ignore_ascii_case(name)) {
                return Err(schema(format!(
                    "the name `{name}` is used twice in the schema"
                )));
            }
            seen.push(name);
        }
    }
    Ok(())
}

/// Checks what only MySQL refuses: a `json` column in a key, or a key over its byte budget.
pub(crate) fn check_mysql(plans: &[TablePlan]) -> Result<()> {
    for plan in plans {
        let primary = (plan.primary_name(), plan.primary.clone());
        let keys = plan
            .unique
            .iter()
            .chain(&plan.indexes)
            .map(|k| (k.name.clone(), k.columns.clone()));
        for (name, columns) in std::iter::once(primary).chain(keys) {
            let mut bytes = 0;
            for column in &columns {
                let column = plan.effective(column);
                let Some(width) = mysql_key_bytes(&column) else {
                    return Err(schema(format!(
                        "index `{name}` on `{}` includes the json column `{}`, which MySQL \
                         cannot index",
                        plan.table.name, column.name
                    )));
                };
                bytes += width;
            }
            if bytes > MYSQL_MAX_KEY_BYTES {
                return Err(schema(format!(
                    "index `{name}` on `{}` needs {bytes} bytes, over MySQL's \
                     {MYSQL_MAX_KEY_BYTES}-byte limit (utf8mb4 strings count 4 bytes per \
                     character): lower the `max_len` of its string columns",
                    plan.table.name
                )));
            }
        }
    }
    Ok(())
}

/// Checks a name before sea-query quotes it: sea-query writes index and constraint names
/// between quotes without escaping them.
fn identifier(name: &str, what: impl FnOnce() -> String) -> Result<()> {
    let problem = if name.is_empty() {
        "is empty"
    } else if name.len() > MAX_IDENTIFIER_BYTES {
        "is longer than 63 bytes (PostgreSQL would truncate it)"
    } else if name.contains('\0') {
        "contains a NUL character"
    } else if name.contains(['"', '`', '\'']) {
        "contains a quote character"
    } else {
        return Ok(());
    };
    Err(schema(format!("the {} `{name}` {problem}", what())))
}

fn schema(message: String) -> Error {
    Error::Schema(message)
}
