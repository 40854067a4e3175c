//! The memory adapter's storage: five tables of rows, and the rules a database keeps on them.
//!
//! Entry points: [`Tables`] (insert, update, delete with cascade, each checking the keys
//! first) and the helpers that turn the contract's string keys into column conditions
//! ([`conditions`], [`matches`]). Nothing here knows a concrete model: only descriptors.

use uuid::Uuid;

use crate::descriptor::{Column, ColumnType, IdStrategy, OnDelete, Role, RoleField, Table};
use crate::error::{Error, Result};
use crate::traits::{Model, Schema};
use crate::value::{Value, stamp_insert, stamp_now, to_millis};

/// One stored row: one value per column of its table, in column order.
pub(super) type Row = Vec<Value>;

/// The five tables, in [`Role::ALL`] order.
#[derive(Default)]
pub(super) struct Tables {
    pub(super) slots: [Rows; 5],
}

/// One table's rows, in insertion order, and its autoincrement counter.
#[derive(Default)]
pub(super) struct Rows {
    pub(super) rows: Vec<Row>,
    last_id: i64,
}

impl Tables {
    pub(super) fn get(&self, table: &Table) -> &Rows {
        &self.slots[slot(table.role)]
    }

    pub(super) fn get_mut(&mut self, table: &Table) -> &mut Rows {
        &mut self.slots[slot(table.role)]
    }

    /// Stores a new row: generated ids filled in, timestamps truncated, constraints checked.
    pub(super) fn insert<S: Schema>(&mut self, table: &'static Table, mut row: Row) -> Result<Row> {
        // Taken only once the row is accepted, so a refused row leaves no gap.
        prepare_new_row(table, &mut row, self.get(table).last_id + 1)?;
        self.check::<S>(table, &row, None)?;
        let rows = self.get_mut(table);
        if table
            .columns
            .iter()
            .any(|c| c.id == Some(IdStrategy::AutoIncrement))
        {
            rows.last_id += 1;
        }
        rows.rows.push(row.clone());
        Ok(row)
    }

    /// Applies a patch's assignments to the row at `index`, checking the result first.
    pub(super) fn update<S: Schema>(
        &mut self,
        table: &'static Table,
        index: usize,
        assignments: Vec<(usize, Value)>,
    ) -> Result<Row> {
        let old = self.get(table).rows[index].clone();
        let mut row = old.clone();
        apply_assignments(table, &mut row, assignments)?;
        self.check::<S>(table, &row, Some(index))?;
        if table.role == Role::User && primary_value(table, &old) != primary_value(table, &row) {
            // No ON UPDATE CASCADE in the DDL: the databases refuse to orphan rows.
            if let Some(old_id) = primary_value(table, &old)
                && self.is_referenced::<S>(old_id)
            {
                return Err(Error::InvalidInput(format!(
                    "the primary key of `{}` cannot change while other rows reference it",
                    table.name
                )));
            }
        }
        self.get_mut(table).rows[index] = row.clone();
        Ok(row)
    }

    /// Deletes the user whose primary key is `id`'s value and every row referencing it.
    pub(super) fn delete_user<S: Schema>(&mut self, table: &'static Table, index: usize) -> Row {
        let row = self.get_mut(table).rows.remove(index);
        if let Some(id) = primary_value(table, &row) {
            for child in S::tables() {
                if let Some(position) = reference_position(child) {
                    self.get_mut(child)
                        .rows
                        .retain(|r| !same_key(&r[position], id));
                }
            }
        }
        row
    }

    /// `Err` when a table whose foreign key restricts deletes (`on_delete = "restrict"`) still
    /// has a row referencing the user at `index`, as the database refuses that delete.
    pub(super) fn check_restricted<S: Schema>(
        &self,
        table: &'static Table,
        index: usize,
    ) -> Result<()> {
        let Some(id) = self
            .get(table)
            .rows
            .get(index)
            .and_then(|row| primary_value(table, row))
        else {
            return Ok(());
        };
        for child in S::tables() {
            if child.keys.on_delete != OnDelete::Restrict || child.foreign_key().is_none() {
                continue;
            }
            let referenced = reference_position(child)
                .is_some_and(|p| self.get(child).rows.iter().any(|r| same_key(&r[p], id)));
            if referenced {
                return Err(Error::InvalidInput(format!(
                    "the user in `{}` is still referenced by rows of `{}`, whose foreign key \
                     restricts deletes: delete those first",
                    table.name, child.name
                )));
            }
        }
        Ok(())
    }

    /// The constraints a database checks on a written row: `NOT NULL`, lengths, the foreign
    /// key to the user (when the table has one), then the primary key and each unique key the
    /// table actually has ([`Table::unique_keys`]: none derived from its role under
    /// `exact_keys`). `skip` is the row's own
    /// index when it is being updated.
    pub(super) fn check<S: Schema>(
        &self,
        table: &'static Table,
        row: &Row,
        skip: Option<usize>,
    ) -> Result<()> {
        check_values(table, row)?;
        // As the database: only a foreign key refuses a row naming no user.
        if let Some(position) = reference_position(table).filter(|_| table.foreign_key().is_some())
            && !row[position].is_null()
            && !self.user_exists::<S>(&row[position])
        {
            return Err(Error::InvalidInput(format!(
                "`{}.{}` references no user",
                table.name, table.columns[position].name
            )));
        }
        let mut keys = Vec::new();
        if table.keys.primary_constraint {
            keys.push((
                table.primary_key_name(),
                positions(table, &table.primary_key()),
            ));
        }
        for key in table.unique_keys() {
            keys.push((key.name, positions(table, &key.columns)));
        }
        let rows = &self.get(table).rows;
        for (name, columns) in keys {
            let clash = rows.iter().enumerate().any(|(index, other)| {
                Some(index) != skip
                    // As in SQL, a key holding NULL never equals another.
                    && columns.iter().all(|&c| !row[c].is_null() && same_key(&row[c], &other[c]))
            });
            if clash {
                return Err(Error::Conflict {
                    table: table.name.to_owned(),
                    constraint: name,
                });
            }
        }
        Ok(())
    }

    fn user_exists<S: Schema>(&self, id: &Value) -> bool {
        let users = <S::User as Model>::TABLE;
        self.get(users)
            .rows
            .iter()
            .any(|row| primary_value(users, row).is_some_and(|key| same_key(key, id)))
    }

    fn is_referenced<S: Schema>(&self, id: &Value) -> bool {
        S::tables().into_iter().any(|child| {
            reference_position(child)
                .filter(|_| child.foreign_key().is_some())
                .is_some_and(|p| self.get(child).rows.iter().any(|r| same_key(&r[p], id)))
        })
    }
}

/// The index of a role's table in [`Tables::slots`].
pub(super) fn slot(role: Role) -> usize {
    match role {
        Role::User => 0,
        Role::Account => 1,
        Role::Session => 2,
        Role::VerificationToken => 3,
        Role::Authenticator => 4,
    }
}

/// The position of the column playing `field`, or a schema error naming what is missing.
pub(super) fn required(table: &Table, field: RoleField) -> Result<usize> {
    table.position(field).ok_or_else(|| {
        Error::Schema(format!(
            "`{}` has no column playing {field:?}, which this operation needs",
            table.name
        ))
    })
}

/// Turns contract-level strings into (position, value) conditions; `None` when one of them
/// cannot be a value of its column (a foreign-format id), which then matches nothing.
pub(super) fn conditions(
    table: &Table,
    key: &[(RoleField, &str)],
) -> Result<Option<Vec<(usize, Value)>>> {
    let mut out = Vec::with_capacity(key.len());
    for &(field, text) in key {
        let position = required(table, field)?;
        match Value::parse_id(table.columns[position].ty, text) {
            Some(value) => out.push((position, value)),
            None => return Ok(None),
        }
    }
    Ok(Some(out))
}

pub(super) fn matches(row: &Row, conditions: &[(usize, Value)]) -> bool {
    conditions
        .iter()
        .all(|(position, value)| row.get(*position).is_some_and(|v| same_key(v, value)))
}

/// Key equality: equal values, or the same UUID held as `Uuid` on one side and as text on
/// the other (a model whose id field is a `String` referencing a `Uuid` key).
fn same_key(a: &Value, b: &Value) -> bool {
    match (a, b) {
        (Value::Uuid(u), Value::Text(t)) | (Value::Text(t), Value::Uuid(u)) => {
            Uuid::try_parse(t).is_ok_and(|parsed| parsed == *u)
        }
        _ => a == b,
    }
}

/// The user with primary key `id`, decoded.
pub(super) fn user_by_id<S: Schema>(tables: &Tables, id: &Value) -> Result<Option<S::User>> {
    let users = <S::User as Model>::TABLE;
    tables
        .get(users)
        .rows
        .iter()
        .find(|row| primary_value(users, row).is_some_and(|key| same_key(key, id)))
        .map(|row| S::User::from_values(row.clone()))
        .transpose()
}

/// The value of a single-column primary key (the user's id).
pub(super) fn primary_value<'r>(table: &'static Table, row: &'r Row) -> Option<&'r Value> {
    match table.primary_key().as_slice() {
        [column] => position_of(table, column).and_then(|p| row.get(p)),
        _ => None,
    }
}

/// The position of the column referencing the user, if the table has one.
pub(super) fn reference_position(table: &'static Table) -> Option<usize> {
    position_of(table, table.references_user()?)
}

fn positions(table: &Table, columns: &[&Column]) -> Vec<usize> {
    columns
        .iter()
        .filter_map(|column| position_of(table, column))
        .collect()
}

/// A column's position, by name: names are unique within a table.
fn position_of(table: &Table, column: &Column) -> Option<usize> {
    table.columns.iter().position(|c| c.name == column.name)
}

fn check_width(table: &Table, row: &[Value]) -> Result<()> {
    if row.len() == table.columns.len() {
        return Ok(());
    }
    Err(Error::Schema(format!(
        "a row of `{}` has {} values for {} columns",
        table.name,
        row.len(),
        table.columns.len()
    )))
}

/// A generated UUID in the column's kind: a `Uuid` column, or text for a `String` id field.
fn check_uuid_column(table: &Table, column: &Column) -> Result<()> {
    match column.ty {
        ColumnType::Uuid | ColumnType::Text => Ok(()),
        other => Err(Error::Schema(format!(
            "`{}.{}` generates UUIDs but is of type {other:?}",
            table.name, column.name
        ))),
    }
}

/// Truncates a timestamp to the millisecond, the precision every database keeps.
fn truncate(value: &mut Value) {
    if let Value::Timestamp(t) = value {
        *t = to_millis(*t);
    }
}

/// Fills a new row of `table` as every adapter stores it: the width checked, the
/// `#[auth(created_at)]`/`#[auth(updated_at)]` stamps set, generated ids drawn (`next_id` for
/// an autoincrement column) and every other timestamp truncated to the millisecond. The
/// memory adapter and the Redis store share it.
pub(crate) fn prepare_new_row(
    table: &'static Table,
    row: &mut [Value],
    next_id: i64,
) -> Result<()> {
    check_width(table, row)?;
    stamp_insert(table, row, stamp_now());
    for (column, value) in table.columns.iter().zip(row.iter_mut()) {
        match column.id {
            Some(strategy @ (IdStrategy::UuidV4 | IdStrategy::UuidV7)) => {
                check_uuid_column(table, column)?;
                *value = strategy.generate(column.ty).unwrap_or(Value::Null);
            }
            Some(strategy @ IdStrategy::Generated(_)) => {
                *value = strategy.generate(column.ty).unwrap_or(Value::Null);
            }
            Some(IdStrategy::AutoIncrement) => *value = Value::Int(next_id),
            Some(IdStrategy::Provided) | None => truncate(value),
        }
    }
    Ok(())
}

/// Applies a patch's (position, value) assignments to `row`, timestamps truncated to the
/// millisecond.
pub(crate) fn apply_assignments(
    table: &Table,
    row: &mut [Value],
    assignments: Vec<(usize, Value)>,
) -> Result<()> {
    for (position, mut value) in assignments {
        let slot = row.get_mut(position).ok_or_else(|| {
            Error::Schema(format!(
                "a patch of `{}` assigns column {position}, which does not exist",
                table.name
            ))
        })?;
        truncate(&mut value);
        *slot = value;
    }
    Ok(())
}

/// The checks of one row that need no other row: `NOT NULL` and maximum lengths.
pub(crate) fn check_values(table: &Table, row: &[Value]) -> Result<()> {
    for (column, value) in table.columns.iter().zip(row) {
        if value.is_null() && !column.nullable {
            return Err(Error::InvalidInput(format!(
                "`{}.{}` cannot be null",
                table.name, column.name
            )));
        }
        if let Value::Text(text) = value {
            column.check_len(text)?;
        }
    }
    Ok(())
}
