//! Planning: the models' tables against a [`LiveSchema`], as a [`Plan`]. Pure: no database.
//!
//! Entry point: [`plan`]. Keys, types and defaults come from `ddl`'s own table plans, so a
//! table created here is exactly the one `generate` writes, and a key is looked for under
//! the name `ddl` gives it. A key counts as present when an index with its columns exists
//! under any name (a unique key needs a unique index on the same columns; a plain index is
//! served by any full index that starts with its columns).

use crate::descriptor::{
    Column, DefaultValue, IdStrategy, Key, OnDelete, RecommendationKind, Role, Table,
};
use crate::dialect::{Dialect, MySqlFlavour};
use crate::error::Result;
use crate::statements::ddl::{self, CreateOptions, Reference, TablePlan};

use super::live::{LiveIndex, LiveSchema, LiveTable, same_name};
use super::{Change, Drift, Plan, PlanOptions, Refusal, Safety, Step};
use crate::statements::alter;
use crate::statements::compare::{mysql_indexable, narrower, same_type};

/// Plans what `tables` still need in the database `live` describes, on `dialect`.
///
/// Fails with [`Error::Schema`](crate::Error::Schema) when the models themselves cannot be
/// created on `dialect` (as [`ddl::create_tables`] does). Everything about the database is in
/// the returned [`Plan`]: its steps, the drift it leaves alone, and the refusals that stop
/// [`apply`](super::apply).
pub fn plan(tables: &[&'static Table], dialect: Dialect, live: &LiveSchema) -> Result<Plan> {
    plan_with(tables, dialect, live, PlanOptions::default())
}

/// [`plan`], as `options` say: with [`PlanOptions::recommended_indexes`], the plain indexes
/// the models' roles recommend and their tables lack are planned too (and so are not notes).
pub fn plan_with(
    tables: &[&'static Table],
    dialect: Dialect,
    live: &LiveSchema,
    options: PlanOptions,
) -> Result<Plan> {
    let plans = ddl::plan_with(tables, options.recommended_indexes)?;
    if dialect.key_byte_budget().is_some() {
        ddl::check_mysql(&plans)?;
    }
    let flavour = live.flavour.unwrap_or_default();
    let creates = ddl::create_tables(
        tables,
        dialect,
        CreateOptions::default()
            .flavour(flavour)
            .recommended_indexes(options.recommended_indexes),
    )?;
    let mut planner = Planner {
        dialect,
        flavour,
        pending: Vec::new(),
        live,
        tables: Vec::new(),
        columns: Vec::new(),
        conversions: Vec::new(),
        indexes: Vec::new(),
        drift: Vec::new(),
        refusals: Vec::new(),
    };
    for (table, create) in plans.iter().zip(creates) {
        match live.table(dialect, table.table.name) {
            None => planner.create(table, create),
            Some(found) if found.is_view => planner.refusals.push(Refusal::NotATable {
                name: found.name.clone(),
            }),
            Some(found) => planner.update(table, found),
        }
    }
    planner.convert(&plans);
    let Planner {
        tables,
        columns,
        conversions,
        indexes,
        drift,
        refusals,
        ..
    } = planner;
    Ok(Plan {
        dialect,
        // Conversions first: a table created after them references a user key that already
        // has the models' collation (MySQL refuses a foreign key between two collations), and
        // a column added after them takes the table's new default collation.
        steps: conversions
            .into_iter()
            .chain(tables)
            .chain(columns)
            .chain(indexes)
            .collect(),
        drift,
        refusals,
    })
}

/// A table whose text columns need the models' collation.
struct Pending {
    table: &'static Table,
    /// The model's columns that have another collation.
    columns: Vec<String>,
    /// Their collations, comma-separated.
    found: String,
}

struct Planner<'a> {
    dialect: Dialect,
    flavour: MySqlFlavour,
    pending: Vec<Pending>,
    live: &'a LiveSchema,
    tables: Vec<Step>,
    columns: Vec<Step>,
    conversions: Vec<Step>,
    indexes: Vec<Step>,
    drift: Vec<Drift>,
    refusals: Vec<Refusal>,
}

impl Planner<'_> {
    /// A missing table: its `CREATE TABLE`, then (except on MySQL, where they are inside it)
    /// its indexes.
    fn create(&mut self, plan: &TablePlan, create: String) {
        let table = plan.table;
        self.tables.push(Step {
            change: Change::CreateTable {
                table: table.name.to_owned(),
            },
            safety: Safety::Safe,
            statements: vec![create],
        });
        // Where indexes are part of `CREATE TABLE`, the step above made them.
        if self.dialect.indexes_inside_create_table() {
            return;
        }
        for key in plan.unique.iter().chain(&plan.indexes) {
            if let Some(taken_by) = self.name_taken(None, &key.name) {
                self.refusals.push(Refusal::NameTaken {
                    table: table.name.to_owned(),
                    name: key.name.clone(),
                    taken_by,
                });
                continue;
            }
            self.indexes.push(index_step(table, key, self.dialect));
        }
    }

    /// An existing table: its missing columns and keys, and what differs.
    fn update(&mut self, plan: &TablePlan, found: &LiveTable) {
        let dialect = self.dialect;
        let table = plan.table;
        for column in &plan.primary {
            let expected = plan.column_type(column, dialect);
            let problem = match found.column(dialect, column.name) {
                None => "is missing".to_owned(),
                Some(live) if !same_type(dialect, column.ty, &expected, &live.sql_type) => {
                    format!("is `{}`, not `{expected}`", live.sql_type)
                }
                Some(_) => continue,
            };
            self.refusals.push(Refusal::ForeignTable {
                table: table.name.to_owned(),
                column: column.name.to_owned(),
                problem,
            });
            return;
        }
        let mut added: Vec<&Column> = Vec::new();
        for column in table.columns {
            let expected = plan.column_type(column, dialect);
            match found.column(dialect, column.name) {
                None => {
                    self.add_column(plan, column, found);
                    added.push(column);
                }
                Some(live) => {
                    // A narrower type is the layout's own choice in tables another tool
                    // created (a model declared with `exact_keys`): a note. In authmodel's own
                    // tables it is drift like any other type.
                    let narrower = narrower(
                        dialect,
                        column.ty,
                        column.max_len,
                        &expected,
                        &live.sql_type,
                    )
                    .filter(|_| table.keys.exact);
                    if let Some(effect) = narrower {
                        self.drift.push(Drift::Narrower {
                            table: table.name.to_owned(),
                            column: column.name.to_owned(),
                            found: live.sql_type.clone(),
                            effect,
                        });
                    } else if !same_type(dialect, column.ty, &expected, &live.sql_type) {
                        self.drift.push(Drift::ColumnType {
                            table: table.name.to_owned(),
                            column: column.name.to_owned(),
                            expected,
                            found: live.sql_type.clone(),
                        });
                    }
                    // A primary key column is NOT NULL on the servers whatever the model says
                    // (an optional id may be the key: Kysely's).
                    let keyed = plan.primary.iter().any(|c| c.name == column.name);
                    if live.nullable != column.nullable && !column.primary_key && !keyed {
                        self.drift.push(Drift::Nullability {
                            table: table.name.to_owned(),
                            column: column.name.to_owned(),
                            nullable_in_model: column.nullable,
                        });
                    }
                }
            }
        }
        for live in &found.columns {
            let known = table
                .columns
                .iter()
                .any(|c| same_name(dialect, &live.name, c.name, false));
            if !known {
                self.drift.push(Drift::ExtraColumn {
                    table: table.name.to_owned(),
                    column: live.name.clone(),
                    blocks_inserts: !live.nullable && !live.has_default,
                });
            }
        }
        self.collation(table, found);
        if plan.without_rowid(dialect) && !found.without_rowid {
            self.drift.push(Drift::RowidTable {
                table: found.name.clone(),
            });
        }
        for key in plan.unique.iter().chain(&plan.indexes) {
            self.key(plan, key, found, &added);
        }
        if let Some(reference) = &plan.reference {
            let live = found
                .foreign_keys
                .iter()
                .find(|k| same_name(dialect, &k.column, reference.column.name, false));
            let problem = match live {
                None => Some("is missing"),
                Some(key) => match (table.keys.on_delete, key.cascade) {
                    (OnDelete::Cascade, false) => Some("does not cascade on delete"),
                    (OnDelete::Restrict, true) => {
                        Some("cascades on delete, where the model restricts deletes")
                    }
                    _ => None,
                },
            };
            if let Some(problem) = problem {
                self.drift.push(Drift::ForeignKey {
                    table: table.name.to_owned(),
                    column: reference.column.name.to_owned(),
                    problem,
                });
            }
        }
        self.recommendations(plan, found);
    }

    /// The keys the table's role recommends and its model lacks, missing from the live table
    /// too: notes, not drift. One the plan creates (a recommended index, when asked) is not
    /// noted.
    fn recommendations(&mut self, plan: &TablePlan, found: &LiveTable) {
        let dialect = self.dialect;
        let table = plan.table;
        for recommended in table.recommended_keys() {
            let key = &recommended.key;
            let present = match recommended.kind {
                RecommendationKind::ForeignKey => found.foreign_keys.iter().any(|k| {
                    key.columns
                        .iter()
                        .any(|c| same_name(dialect, &k.column, c.name, false))
                }),
                RecommendationKind::Index | RecommendationKind::Unique => {
                    plan.indexes.iter().any(|k| k.name == key.name)
                        || found.indexes.iter().any(|i| serves(dialect, i, key))
                }
            };
            if !present {
                self.drift.push(Drift::Recommended {
                    table: table.name.to_owned(),
                    kind: recommended.kind,
                    name: key.name.clone(),
                    columns: key.columns.iter().map(|c| c.name.to_owned()).collect(),
                    reason: recommended.reason,
                });
            }
        }
    }

    /// An existing table whose model columns do not all have the dialect's table collation
    /// (MySQL: a NO PAD binary one), since `utf8mb4_bin` (PAD SPACE) finds `tok` for `tok   `
    /// and calls `a@x  ` a duplicate of `a@x`: noted, for [`Planner::convert`].
    fn collation(&mut self, table: &'static Table, found: &LiveTable) {
        let Some(options) = self.dialect.table_options(self.flavour) else {
            return;
        };
        let mut columns = Vec::new();
        let mut collations: Vec<&str> = Vec::new();
        for live in &found.columns {
            let in_model = table
                .columns
                .iter()
                .any(|c| same_name(self.dialect, &live.name, c.name, false));
            let Some(collation) = live.collation.as_deref() else {
                continue;
            };
            if in_model && collation != options.collate {
                columns.push(live.name.clone());
                if !collations.contains(&collation) {
                    collations.push(collation);
                }
            }
        }
        if columns.is_empty() {
            return;
        }
        // A model declared with `exact_keys` describes tables another tool owns, shared with
        // its adapter: converting them would change how that adapter compares too.
        if table.keys.exact {
            self.drift.push(Drift::Collation {
                table: table.name.to_owned(),
                columns,
                found: collations.join(", "),
            });
            return;
        }
        self.pending.push(Pending {
            table,
            columns,
            found: collations.join(", "),
        });
    }

    /// One step per table [`Planner::collation`] noted, users first: `CONVERT TO` the models'
    /// collation. A foreign key to the user table joins two columns whose collations must
    /// change together, which the server refuses while it exists: it is dropped before the
    /// first of its two tables is converted and added back (as the models declare it, under
    /// its live name) once both are.
    fn convert(&mut self, plans: &[TablePlan]) {
        let dialect = self.dialect;
        let Some(options) = dialect.table_options(self.flavour) else {
            return;
        };
        let mut pending = std::mem::take(&mut self.pending);
        pending.sort_by_key(|p| p.table.role != Role::User);
        let converted = |name: &str| pending.iter().any(|p| p.table.name == name);
        // The live foreign keys to the user table: the table's plan, and the key's name.
        let links: Vec<(&TablePlan, &Reference, String)> = plans
            .iter()
            .filter_map(|plan| {
                let reference = plan.reference.as_ref()?;
                let found = self.live.table(dialect, plan.table.name)?;
                let key = found
                    .foreign_keys
                    .iter()
                    .find(|k| same_name(dialect, &k.column, reference.column.name, false))?;
                Some((plan, reference, key.name.clone()?))
            })
            .collect();
        let users_converted = pending.iter().any(|p| p.table.role == Role::User);
        let drop = |(plan, _, name): &(&TablePlan, &Reference, String)| {
            alter::drop_foreign_key(plan.table.name, name, dialect)
        };
        let add = |(plan, reference, name): &(&TablePlan, &Reference, String)| {
            alter::add_foreign_key(plan.table, reference, name, dialect)
        };
        for table in &pending {
            let own = links.iter().find(|l| l.0.table.name == table.table.name);
            let mut statements = Vec::new();
            if table.table.role == Role::User {
                statements.extend(links.iter().map(drop));
            } else if !users_converted {
                statements.extend(own.map(drop));
            }
            statements.push(alter::convert_collation(table.table.name, options, dialect));
            if table.table.role == Role::User {
                let unconverted = links.iter().filter(|l| !converted(l.0.table.name));
                statements.extend(unconverted.map(add));
            } else {
                statements.extend(own.map(add));
            }
            self.conversions.push(Step {
                change: Change::ConvertCollation {
                    table: table.table.name.to_owned(),
                    columns: table.columns.clone(),
                    found: table.found.clone(),
                    collation: options.collate.to_owned(),
                },
                safety: Safety::RewritesTable,
                statements,
            });
        }
    }

    fn add_column(&mut self, plan: &TablePlan, column: &'static Column, found: &LiveTable) {
        let table = plan.table.name;
        let required = !column.nullable
            && column.default.is_none()
            && column.id != Some(IdStrategy::AutoIncrement);
        // A default computed per row (`created_at`'s current instant, `db_default`'s UUID)
        // fills the rows a table has on PostgreSQL and MySQL; SQLite cannot add such a column
        // to an existing table at all.
        let computed = matches!(
            column.default,
            Some(DefaultValue::Now | DefaultValue::RandomUuid)
        );
        if computed && !self.dialect.can_add_column_with_expression_default() {
            self.refusals.push(Refusal::ComputedDefault {
                table: table.to_owned(),
                column: column.name.to_owned(),
            });
        }
        if required {
            let reason = if !self.dialect.can_add_required_column() {
                Some("SQLite cannot add one to an existing table".to_owned())
            } else if found.rows > 0 {
                Some(format!("`{table}` has rows"))
            } else {
                None
            };
            if let Some(reason) = reason {
                self.refusals.push(Refusal::RequiredColumn {
                    table: table.to_owned(),
                    column: column.name.to_owned(),
                    reason,
                });
            }
        }
        self.columns.push(Step {
            change: Change::AddColumn {
                table: table.to_owned(),
                column: column.name.to_owned(),
                required,
            },
            safety: if required {
                Safety::NeedsBackfill
            } else {
                Safety::Safe
            },
            statements: vec![alter::add_column(plan, column, self.dialect)],
        });
    }

    /// One key of an existing table: present (under any name), or planned, or refused.
    fn key(&mut self, plan: &TablePlan, key: &Key, found: &LiveTable, added: &[&Column]) {
        let dialect = self.dialect;
        let table = plan.table.name;
        if let Some(index) = found.indexes.iter().find(|i| serves(dialect, i, key)) {
            if key.unique && !index.primary && index.name != key.name {
                self.drift.push(Drift::IndexName {
                    table: table.to_owned(),
                    expected: key.name.clone(),
                    found: index.name.clone(),
                });
            }
            return;
        }
        if let Some(taken_by) = self.name_taken(Some(found), &key.name) {
            self.refusals.push(Refusal::NameTaken {
                table: table.to_owned(),
                name: key.name.clone(),
                taken_by,
            });
            return;
        }
        for column in &key.columns {
            let is_new = added.iter().any(|c| c.name == column.name);
            if dialect.indexes_need_bounded_text()
                && !is_new
                && let Some(live) = found.column(dialect, column.name)
                && !mysql_indexable(&live.sql_type)
            {
                self.refusals.push(Refusal::Unindexable {
                    table: table.to_owned(),
                    column: column.name.to_owned(),
                    index: key.name.clone(),
                    found: live.sql_type.clone(),
                });
                return;
            }
            if key.unique && is_new && found.rows > 1 && column.default.is_some() {
                self.refusals.push(Refusal::SharedDefault {
                    table: table.to_owned(),
                    column: column.name.to_owned(),
                    index: key.name.clone(),
                });
                return;
            }
        }
        self.indexes.push(index_step(plan.table, key, dialect));
    }

    /// What already holds the index name `name`, if anything: an index of `table` (on MySQL,
    /// where index names are per table), or any index or relation of the schema (SQLite and
    /// PostgreSQL, where they share one namespace).
    fn name_taken(&self, table: Option<&LiveTable>, name: &str) -> Option<String> {
        let dialect = self.dialect;
        let scope: Vec<&LiveTable> = if dialect.index_names_per_table() {
            table.into_iter().collect()
        } else {
            self.live.tables.iter().collect()
        };
        if !dialect.index_names_per_table()
            && let Some(relation) = scope
                .iter()
                .find(|t| same_name(dialect, &t.name, name, true))
        {
            return Some(format!("the table `{}`", relation.name));
        }
        scope.iter().find_map(|t| {
            let index = t
                .indexes
                .iter()
                .find(|i| same_name(dialect, &i.name, name, true))?;
            let columns: Vec<&str> = index.columns.iter().flatten().map(String::as_str).collect();
            Some(format!("an index on `{}` ({})", t.name, columns.join(", ")))
        })
    }
}

/// Whether the live `index` does the job of `key`.
fn serves(dialect: Dialect, index: &LiveIndex, key: &Key) -> bool {
    if index.partial || index.columns.len() < key.columns.len() {
        return false;
    }
    let named = |live: &Option<String>, column: &Column| {
        live.as_deref()
            .is_some_and(|l| same_name(dialect, l, column.name, false))
    };
    if key.unique {
        // The same set of columns, in any order: uniqueness does not depend on it.
        (index.unique || index.primary)
            && index.columns.len() == key.columns.len()
            && key
                .columns
                .iter()
                .all(|c| index.columns.iter().any(|l| named(l, c)))
    } else {
        key.columns
            .iter()
            .zip(&index.columns)
            .all(|(c, l)| named(l, c))
    }
}

fn index_step(table: &Table, key: &Key, dialect: Dialect) -> Step {
    Step {
        change: Change::CreateIndex {
            table: table.name.to_owned(),
            name: key.name.clone(),
            unique: key.unique,
        },
        safety: Safety::Safe,
        statements: vec![alter::create_index(table, key, dialect)],
    }
}
