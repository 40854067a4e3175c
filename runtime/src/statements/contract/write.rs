//! INSERTs and UPDATEs: the writes whose parameters depend on the model or the patch.
//!
//! Entry points: [`Insert`] (one per table, with [`Insert::params`]), [`Updates`] (partial
//! updates, one statement per distinct set of assigned columns, cached) and [`update`] (an
//! UPDATE of fixed columns). Each is a [`Write`]: with `RETURNING` where the database has it,
//! else with the `SELECT` by key that reads the row back in the same transaction.

use std::collections::HashMap;
use std::sync::{Arc, PoisonError, RwLock};

use sea_query::{Expr, ExprTrait, Query};

use super::Source;
use super::{
    RereadStmt, Stmt, Target, Write, append_returning, names, placeholder, readable, render, select,
};
use crate::descriptor::{Column, IdStrategy, Table};
use crate::error::{Error, Result};
use crate::value::{Value, stamp_insert, stamp_now, to_millis};

/// An INSERT of every column but the database-assigned one, returning the stored row.
#[derive(Debug)]
pub(crate) struct Insert {
    /// The statement, and how its row comes back.
    pub write: Write,
    /// The same INSERT without `RETURNING` (or, on MySQL 8, without the read back), when
    /// every column's value is a parameter: the row as stored is then the row as sent, and
    /// reading it back would cost a round trip on MySQL 8 and the decoding everywhere.
    pub plain: Option<Stmt>,
    table: &'static Table,
    /// Columns whose values are generated here (UUIDs, application functions), replacing
    /// the model's value.
    generated: Vec<(usize, IdStrategy)>,
    /// The autoincrement column, left out of the statement.
    omitted: Option<usize>,
}

impl Insert {
    pub(super) fn new(target: Target, table: &'static Table) -> Result<Insert> {
        let omitted = table
            .columns
            .iter()
            .position(|c| c.id == Some(IdStrategy::AutoIncrement));
        let generated = table
            .columns
            .iter()
            .enumerate()
            .filter_map(|(i, c)| match c.id {
                Some(s @ (IdStrategy::UuidV4 | IdStrategy::UuidV7 | IdStrategy::Generated(_))) => {
                    Some((i, s))
                }
                _ => None,
            })
            .collect();
        let inserted: Vec<&'static Column> = table
            .columns
            .iter()
            .enumerate()
            .filter(|(i, _)| Some(*i) != omitted)
            .map(|(_, c)| c)
            .collect();
        // Built twice: sea-query's builders are not `Clone`.
        let base = || -> Result<_> {
            let mut query = Query::insert();
            query
                .into_table(table.name)
                .columns(inserted.iter().map(|c| c.name))
                .values(inserted.iter().map(|_| placeholder()))
                .map_err(|e| Error::Schema(format!("cannot insert into `{}`: {e}", table.name)))?;
            Ok(query)
        };
        let plain = omitted
            .is_none()
            .then(|| base().map(|query| render(target.dialect, &query, inserted.clone())))
            .transpose()?;
        let mut query = base()?;
        query.returning(Query::returning().columns(names(table)));
        let mut stmt = render(target.dialect, &query, inserted.clone());
        let reread = if target.returning.insert {
            append_returning(target.dialect, &mut stmt, table);
            None
        } else {
            // Read back by primary key: its values are among the parameters, or assigned by
            // the database (autoincrement).
            let key = table.primary_key();
            let sources = key
                .iter()
                .map(|column| match inserted.iter().position(|c| c == column) {
                    Some(index) => Source::Param(index),
                    None => Source::InsertedId,
                })
                .collect();
            Some(RereadStmt {
                stmt: select(target.dialect, table, &key, false),
                sources,
                before: false,
            })
        };
        Ok(Insert {
            write: Write { stmt, reread },
            plain,
            table,
            generated,
            omitted,
        })
    }

    /// Turns a model's values (one per column) into this statement's parameters: generated
    /// ids replace the model's, so does the current instant in `created_at` and `updated_at`
    /// columns, timestamps are truncated to milliseconds, and the
    /// autoincrement column is dropped.
    pub fn params(&self, mut values: Vec<Value>) -> Result<Vec<Value>> {
        if values.len() != self.table.columns.len() {
            return Err(Error::InvalidInput(format!(
                "`{}` gave {} values for {} columns",
                self.table.type_name,
                values.len(),
                self.table.columns.len()
            )));
        }
        for &(position, strategy) in &self.generated {
            if let Some(id) = strategy.generate(self.table.columns[position].ty) {
                values[position] = id;
            }
        }
        stamp_insert(self.table, &mut values, stamp_now());
        truncate_timestamps(&mut values);
        if let Some(position) = self.omitted {
            values.remove(position);
        }
        Ok(values)
    }
}

/// Partial updates of one table by one key column, built per distinct set of assigned columns
/// and cached.
#[derive(Debug)]
pub(crate) struct Updates {
    target: Target,
    table: &'static Table,
    /// The key columns, bound after the assigned values, in this order.
    keys: Box<[&'static Column]>,
    /// Statements by bitmask of assigned column positions.
    cache: RwLock<HashMap<u128, Arc<Write>>>,
}

impl Updates {
    pub(super) fn new(target: Target, table: &'static Table, key: &'static Column) -> Updates {
        Updates::by(target, table, &[key])
    }

    /// Partial updates of the row whose key columns (`keys`, a composite key such as an
    /// account's provider and provider account id) equal the parameters after the values.
    pub(super) fn by(target: Target, table: &'static Table, keys: &[&'static Column]) -> Updates {
        Updates {
            target,
            table,
            keys: keys.into(),
            cache: RwLock::new(HashMap::new()),
        }
    }

    /// Puts a patch's assignments in column order (truncating timestamps) and returns the
    /// `UPDATE ... SET <assigned> WHERE <key> = ?` that binds their values, then the key
    /// columns.
    /// `assignments` must not be empty.
    pub fn get(&self, assignments: &mut [(usize, Value)]) -> Result<Arc<Write>> {
        if !assignments.is_sorted_by_key(|(position, _)| *position) {
            assignments.sort_by_key(|(position, _)| *position);
        }
        let columns = self.table.columns.len();
        let mut mask = 0u128;
        let mut previous = None;
        for (position, value) in assignments.iter_mut() {
            if *position >= columns || previous == Some(*position) {
                return Err(Error::InvalidInput(format!(
                    "a patch of `{}` assigns column {position} twice or out of range",
                    self.table.type_name
                )));
            }
            previous = Some(*position);
            mask |= 1u128.checked_shl(*position as u32).unwrap_or(0);
            if let Value::Timestamp(t) = value {
                *t = to_millis(*t);
            }
        }
        // Past 128 columns the bitmask cannot name the set: build without caching.
        if columns > 128 {
            return Ok(Arc::new(self.build(assignments)));
        }
        let cached = self
            .cache
            .read()
            .unwrap_or_else(PoisonError::into_inner)
            .get(&mask)
            .cloned();
        if let Some(write) = cached {
            return Ok(write);
        }
        let write = Arc::new(self.build(assignments));
        self.cache
            .write()
            .unwrap_or_else(PoisonError::into_inner)
            .insert(mask, write.clone());
        Ok(write)
    }

    fn build(&self, assignments: &[(usize, Value)]) -> Write {
        let assigned: Vec<&'static Column> = assignments
            .iter()
            .filter_map(|(p, _)| self.table.columns.get(*p))
            .collect();
        // A patch that changes the key itself is read back by its new value.
        let sources: Vec<Source> = self
            .keys
            .iter()
            .enumerate()
            .map(|(i, key)| match assigned.iter().position(|c| c == key) {
                Some(index) => Source::Param(index),
                None => Source::Param(assigned.len() + i),
            })
            .collect();
        update_keyed(self.target, self.table, &assigned, &self.keys, &sources)
    }
}

/// `UPDATE <table> SET <assigned> = ... WHERE <key> = ?`, returning the row: with `RETURNING`,
/// or with a `SELECT` by key afterwards whose parameter is the write's parameter `source`
/// (the key's new value when the update assigns it).
pub(super) fn update(
    target: Target,
    table: &'static Table,
    assigned: &[&'static Column],
    key: &'static Column,
    source: Source,
) -> Write {
    update_keyed(target, table, assigned, &[key], &[source])
}

/// [`update`] by a key of one or more columns (`WHERE <k1> = ? AND <k2> = ?`), each read
/// back, where the database has no `RETURNING`, from the write's parameter its `sources`
/// entry names.
pub(super) fn update_keyed(
    target: Target,
    table: &'static Table,
    assigned: &[&'static Column],
    keys: &[&'static Column],
    sources: &[Source],
) -> Write {
    let mut columns = assigned.to_vec();
    columns.extend_from_slice(keys);
    let mut query = Query::update();
    query
        .table(table.name)
        .values(assigned.iter().map(|c| (c.name, placeholder())));
    for key in keys {
        query.and_where(Expr::col(key.name).eq(placeholder()));
    }
    let stmt = render(
        target.dialect,
        query
            .and_where(readable(table))
            .returning(Query::returning().columns(names(table))),
        columns,
    );
    if target.returning.update {
        // No MySQL flavour has UPDATE ... RETURNING, so nothing to append.
        return Write { stmt, reread: None };
    }
    Write {
        stmt,
        reread: Some(RereadStmt {
            stmt: select(target.dialect, table, keys, false),
            sources: sources.into(),
            before: false,
        }),
    }
}

fn truncate_timestamps(values: &mut [Value]) {
    for value in values {
        if let Value::Timestamp(t) = value {
            *t = to_millis(*t);
        }
    }
}
