//! Migrations: the difference between a live database and the models, as a typed plan, and
//! its application.
//!
//! Entry points: [`diff`] (read the database an adapter is connected to and plan what is
//! missing), [`migrate`] (the same, then apply it), [`read_schema`] and [`plan`] (the two
//! halves of [`diff`], the second pure), [`apply`], and the plan's types: [`Plan`], [`Step`],
//! [`Change`], [`Safety`], [`Drift`] and [`Refusal`].
//!
//! What a plan does and does not do:
//! - it creates missing tables, adds missing columns and creates missing indexes, nothing
//!   else: never a drop, never a change of type (type drift is reported as [`Drift`], for a
//!   person to decide);
//! - each step is classified [`Safety::Safe`], [`Safety::NeedsBackfill`] (a `NOT NULL` column
//!   without a default: existing rows have no value for it) or [`Safety::Destructive`] (only
//!   in [`Plan::revert`], the `down` migration);
//! - what cannot be applied as planned is a [`Refusal`], and [`Plan::check`] turns the first one
//!   into [`Error::Migration`] before anything runs: a `NOT NULL`
//!   column without a default on a table that has rows (MySQL would silently fill in empty
//!   strings), an existing table without the models' primary key, an index MySQL cannot build;
//! - SQLite's `ALTER TABLE` limits are respected: a unique column added later gets a separate
//!   unique index, as every unique key does on SQLite and PostgreSQL.
//!
//! ```
//! # #[tokio::main(flavor = "current_thread")]
//! # async fn main() -> authmodel::Result<()> {
//! use authmodel::{migrate, DefaultSchema, Options, SqlAdapter};
//!
//! let db = SqlAdapter::<DefaultSchema>::connect("sqlite::memory:", Options::default()).await?;
//! let plan = migrate::diff(&db).await?;
//! assert_eq!(plan.summary(), "create 5 tables and 6 indexes");
//! migrate::apply(&db, &plan).await?;
//! assert!(migrate::diff(&db).await?.is_in_sync());
//! # Ok(())
//! # }
//! ```

mod apply;
mod live;
mod plan;
mod render;
#[cfg(test)]
mod tests;

use std::fmt;

pub use self::apply::apply;
pub use self::live::{LiveColumn, LiveForeignKey, LiveIndex, LiveSchema, LiveTable, read_schema};
pub use self::plan::{plan, plan_with};
pub use crate::error::Refusal;

use crate::adapter::sql::SqlAdapter;
use crate::descriptor::RecommendationKind;
use crate::dialect::Dialect;
use crate::error::{Error, Result};
use crate::statements::alter;
use crate::traits::Schema;

/// How a plan is made ([`plan_with`], [`diff_with`], [`migrate_with`]).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct PlanOptions {
    /// Also create the plain indexes a table's role recommends and its model (declared with
    /// `exact_keys`) lacks, such as `sessions.userId`: the CLI's `--recommended-indexes`.
    /// Never a recommended unique key or foreign key, which would refuse rows the layout
    /// accepts. Default: `false` (they are [`Drift::Recommended`] notes).
    pub recommended_indexes: bool,
}

impl PlanOptions {
    /// Options with `recommended_indexes` set as given.
    pub fn recommended_indexes(mut self, recommended_indexes: bool) -> PlanOptions {
        self.recommended_indexes = recommended_indexes;
        self
    }
}

/// What it takes to bring a database to the models: steps, drift and refusals.
#[derive(Debug, Clone, PartialEq)]
pub struct Plan {
    /// The dialect the statements are written for.
    pub dialect: Dialect,
    /// The changes, in the order they run: collation conversions (MySQL), tables, columns,
    /// indexes.
    pub steps: Vec<Step>,
    /// Differences the plan leaves alone, for a person to look at.
    pub drift: Vec<Drift>,
    /// Why the plan cannot be applied as it is; empty when it can.
    pub refusals: Vec<Refusal>,
}

/// One change and the statements that make it.
#[derive(Debug, Clone, PartialEq)]
pub struct Step {
    /// What changes.
    pub change: Change,
    /// How safe it is to run against a database in use.
    pub safety: Safety,
    /// The statements, without trailing `;`.
    pub statements: Vec<String>,
}

/// What a step changes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Change {
    /// Creates a table (on MySQL with its indexes).
    CreateTable {
        /// The table.
        table: String,
    },
    /// Adds a column to an existing table.
    AddColumn {
        /// The table.
        table: String,
        /// The column.
        column: String,
        /// Whether the column is `NOT NULL` without a default.
        required: bool,
    },
    /// Creates an index or unique index.
    CreateIndex {
        /// The table.
        table: String,
        /// The index name.
        name: String,
        /// Whether it is unique.
        unique: bool,
    },
    /// Converts an existing table's text columns to the models' collation (MySQL): a table
    /// created with `utf8mb4_bin`, which is PAD SPACE and so compares `'tok'` and `'tok   '`
    /// as equal, gets `utf8mb4_nopad_bin` (MariaDB) or `utf8mb4_0900_bin` (MySQL 8). Every
    /// text column of the table is converted, and every index on them rebuilt. Not undone by
    /// [`Plan::revert`]: going back would bring the trailing-space matches back.
    ConvertCollation {
        /// The table.
        table: String,
        /// The models' columns that have another collation.
        columns: Vec<String>,
        /// The collations they have, comma-separated.
        found: String,
        /// The collation they get.
        collation: String,
    },
    /// Drops a table and its rows (a `down` migration).
    DropTable {
        /// The table.
        table: String,
    },
    /// Drops a column and its values (a `down` migration).
    DropColumn {
        /// The table.
        table: String,
        /// The column.
        column: String,
    },
    /// Drops an index (a `down` migration).
    DropIndex {
        /// The table.
        table: String,
        /// The index name.
        name: String,
    },
}

/// How safe a step is to run against a database in use.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Safety {
    /// Adds structure; existing rows and readers are unaffected.
    Safe,
    /// Rewrites a table and rebuilds its indexes (MySQL's `ALTER TABLE ... CONVERT TO`, which
    /// copies every row): no row or value is lost, but it takes time and disk space in
    /// proportion to the table, and writes to the table wait until it ends (reads go on).
    RewritesTable,
    /// Adds a `NOT NULL` column without a default: existing rows need a value first. Refused
    /// on a table with rows.
    NeedsBackfill,
    /// Removes data (a `down` migration's drops).
    Destructive,
}

/// A difference between the database and the models that a plan reports and leaves alone.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Drift {
    /// A column's type differs from the one the models declare.
    ColumnType {
        /// The table.
        table: String,
        /// The column.
        column: String,
        /// The type the models' DDL declares.
        expected: String,
        /// The type in the database.
        found: String,
    },
    /// A column's nullability differs from the model's.
    Nullability {
        /// The table.
        table: String,
        /// The column.
        column: String,
        /// Whether the model's field is optional.
        nullable_in_model: bool,
    },
    /// A column the model does not have.
    ExtraColumn {
        /// The table.
        table: String,
        /// The column.
        column: String,
        /// Whether it is `NOT NULL` without a default, so the adapter's inserts fail.
        blocks_inserts: bool,
    },
    /// A key the models need exists under another name: conflicts will report that name.
    IndexName {
        /// The table.
        table: String,
        /// The name the models give it.
        expected: String,
        /// The name in the database.
        found: String,
    },
    /// The foreign key to the user table is missing, or its `ON DELETE` is not the model's
    /// ([`Keys::on_delete`](crate::descriptor::Keys::on_delete)).
    ForeignKey {
        /// The table.
        table: String,
        /// The referencing column.
        column: String,
        /// What is wrong: `is missing`, `does not cascade on delete`, or `cascades on delete,
        /// where the model restricts deletes`.
        problem: &'static str,
    },
    /// A key the table's role recommends, which neither the model (declared with
    /// `exact_keys` or `no_foreign_key`) nor the live table has: a note, never planned
    /// (except a plain index with [`PlanOptions::recommended_indexes`]).
    Recommended {
        /// The table.
        table: String,
        /// Index, unique key or foreign key.
        kind: RecommendationKind,
        /// The name authmodel would give it.
        name: String,
        /// Its columns.
        columns: Vec<String>,
        /// Why the role wants it.
        reason: &'static str,
    },
    /// A column holds less than the model's type allows, in the layout another tool created
    /// (a model declared with `exact_keys`; in authmodel's own tables it is
    /// [`Drift::ColumnType`]):
    /// a `varchar(n)` where the model declares unbounded text (the server refuses longer
    /// values), or a `timestamp` of whole seconds where the model keeps milliseconds (the
    /// server drops them). A note: the layout's own adapter lives with the same limit.
    Narrower {
        /// The table.
        table: String,
        /// The column.
        column: String,
        /// The type in the database.
        found: String,
        /// What the narrower type does to a value the model allows.
        effect: &'static str,
    },
    /// A SQLite table stored with a rowid where its model is
    /// [`without_rowid`](crate::descriptor::Keys::without_rowid) (made before the model said
    /// so, or by another tool): a note, not rebuilt. It works the same; a search by its primary
    /// key walks the key's index and then the table instead of one B-tree.
    RowidTable {
        /// The table.
        table: String,
    },
    /// Text columns of a table another tool created (a model declared with `exact_keys`) have
    /// a collation other than the one authmodel gives its own tables (MySQL: a NO PAD binary
    /// one). A note, not converted: the table is the layout's, and its own adapter compares
    /// the same way.
    Collation {
        /// The table.
        table: String,
        /// The model's columns that have another collation.
        columns: Vec<String>,
        /// Their collations, comma-separated.
        found: String,
    },
}

impl Plan {
    /// Whether there is nothing to do: no step (drift may remain).
    pub fn is_empty(&self) -> bool {
        self.steps.is_empty() && self.refusals.is_empty()
    }

    /// Whether the database matches the models: no step, no refusal and no drift beyond
    /// [`Drift::is_note`]s. What `authmodel check` asks.
    pub fn is_in_sync(&self) -> bool {
        self.is_empty() && self.drift.iter().all(Drift::is_note)
    }

    /// `Ok` when the plan can be applied; the first [`Refusal`] otherwise.
    pub fn check(&self) -> Result<()> {
        match self.refusals.first() {
            Some(refusal) => Err(Error::Migration(refusal.clone())),
            None => Ok(()),
        }
    }

    /// Every statement of the plan, in order.
    pub fn statements(&self) -> Vec<&str> {
        self.steps
            .iter()
            .flat_map(|s| s.statements.iter().map(String::as_str))
            .collect()
    }

    /// The steps that undo this plan, last step first: what a `down` migration runs. Dropping
    /// a table or a column is [`Safety::Destructive`]. The indexes of a table the plan creates
    /// go with the table.
    pub fn revert(&self) -> Vec<Step> {
        let created = |table: &str| {
            self.steps
                .iter()
                .any(|s| matches!(&s.change, Change::CreateTable { table: t } if t == table))
        };
        self.steps
            .iter()
            .rev()
            .filter(|step| match &step.change {
                Change::CreateIndex { table, .. } => !created(table),
                _ => true,
            })
            .filter_map(|step| revert(self.dialect, &step.change))
            .collect()
    }

    /// What the plan does in a few words: `create 5 tables and 6 indexes`, `add 1 column and
    /// create 1 index`, `nothing`.
    pub fn summary(&self) -> String {
        let count = |f: fn(&Change) -> bool| self.steps.iter().filter(|s| f(&s.change)).count();
        let tables = count(|c| matches!(c, Change::CreateTable { .. }));
        let columns = count(|c| matches!(c, Change::AddColumn { .. }));
        let indexes = count(|c| matches!(c, Change::CreateIndex { .. }));
        let conversions = count(|c| matches!(c, Change::ConvertCollation { .. }));
        let noun =
            |n: usize, one: &str, many: &str| format!("{n} {}", if n == 1 { one } else { many });
        let mut phrases = Vec::new();
        if tables > 0 {
            phrases.push(format!("create {}", noun(tables, "table", "tables")));
        }
        if columns > 0 {
            phrases.push(format!("add {}", noun(columns, "column", "columns")));
        }
        if conversions > 0 {
            phrases.push(format!("convert {}", noun(conversions, "table", "tables")));
        }
        if indexes > 0 {
            let verb = if tables > 0 && columns == 0 && conversions == 0 {
                ""
            } else {
                "create "
            };
            phrases.push(format!("{verb}{}", noun(indexes, "index", "indexes")));
        }
        match phrases.as_slice() {
            [] => "nothing".to_owned(),
            [one] => one.clone(),
            [init @ .., last] => format!("{} and {last}", init.join(", ")),
        }
    }

    /// The greatest safety class among the steps, `None` for an empty plan.
    pub fn safety(&self) -> Option<Safety> {
        let rank = |s: &Safety| match s {
            Safety::Safe => 0,
            Safety::RewritesTable => 1,
            Safety::NeedsBackfill => 2,
            Safety::Destructive => 3,
        };
        self.steps.iter().map(|s| s.safety).max_by_key(rank)
    }
}

impl Drift {
    /// Whether this is only worth a note: an extra column the adapter can live with, or a key
    /// under another name. Everything else makes `check` fail.
    pub fn is_note(&self) -> bool {
        match self {
            Drift::ExtraColumn { blocks_inserts, .. } => !blocks_inserts,
            Drift::IndexName { .. }
            | Drift::Recommended { .. }
            | Drift::Narrower { .. }
            | Drift::RowidTable { .. }
            | Drift::Collation { .. } => true,
            _ => false,
        }
    }
}

impl fmt::Display for Safety {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Safety::Safe => "safe",
            Safety::RewritesTable => "rewrites-table",
            Safety::NeedsBackfill => "needs-backfill",
            Safety::Destructive => "destructive",
        })
    }
}

impl fmt::Display for Change {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Change::CreateTable { table } => write!(f, "create table `{table}`"),
            Change::AddColumn {
                table,
                column,
                required,
            } => {
                let required = if *required {
                    " (NOT NULL, no default)"
                } else {
                    ""
                };
                write!(f, "add column `{table}.{column}`{required}")
            }
            Change::CreateIndex {
                table,
                name,
                unique,
            } => {
                let kind = if *unique { "unique index" } else { "index" };
                write!(f, "create {kind} `{name}` on `{table}`")
            }
            Change::ConvertCollation {
                table,
                columns,
                found,
                collation,
            } => write!(
                f,
                "convert `{table}` to `{collation}` (`{}` {} `{found}`; rebuilds the table and \
                 its indexes)",
                columns.join("`, `"),
                if columns.len() == 1 { "is" } else { "are" },
            ),
            Change::DropTable { table } => write!(f, "drop table `{table}`"),
            Change::DropColumn { table, column } => write!(f, "drop column `{table}.{column}`"),
            Change::DropIndex { table, name } => write!(f, "drop index `{name}` on `{table}`"),
        }
    }
}

impl fmt::Display for Drift {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Drift::ColumnType {
                table,
                column,
                expected,
                found,
            } => write!(
                f,
                "`{table}.{column}` is `{found}`, the models declare `{expected}` (not altered)"
            ),
            Drift::Nullability {
                table,
                column,
                nullable_in_model: true,
            } => write!(
                f,
                "`{table}.{column}` is NOT NULL, the model's field is optional: writing `None` fails"
            ),
            Drift::Nullability { table, column, .. } => write!(
                f,
                "`{table}.{column}` accepts NULL, the model's field is required"
            ),
            Drift::ExtraColumn {
                table,
                column,
                blocks_inserts: true,
            } => write!(
                f,
                "`{table}.{column}` is not in the model and is NOT NULL without a default: the \
                 adapter's inserts fail"
            ),
            Drift::ExtraColumn { table, column, .. } => {
                write!(f, "`{table}.{column}` is not in the model (left alone)")
            }
            Drift::IndexName {
                table,
                expected,
                found,
            } => write!(
                f,
                "`{table}` has the key `{expected}` as `{found}`: conflicts report `{found}`"
            ),
            Drift::ForeignKey {
                table,
                column,
                problem,
            } => write!(f, "the foreign key of `{table}.{column}` {problem}"),
            Drift::Recommended {
                table,
                kind,
                name,
                columns,
                reason,
            } => {
                let kind = match kind {
                    RecommendationKind::Index => "index",
                    RecommendationKind::Unique => "unique key",
                    RecommendationKind::ForeignKey => "foreign key",
                };
                let hint = if kind == "index" {
                    " (`--recommended-indexes` creates it)"
                } else {
                    ""
                };
                write!(
                    f,
                    "`{table}` has no {kind} on ({}) such as `{name}`, which its role recommends: \
                     {reason}{hint}",
                    columns.join(", ")
                )
            }
            Drift::Narrower {
                table,
                column,
                found,
                effect,
            } => write!(f, "`{table}.{column}` is `{found}`: {effect}"),
            Drift::RowidTable { table } => write!(
                f,
                "`{table}` has a rowid, the model is `without_rowid` (not rebuilt): a search by \
                 its primary key walks two B-trees instead of one"
            ),
            Drift::Collation {
                table,
                columns,
                found,
            } => write!(
                f,
                "`{table}` compares `{}` under `{found}`, as the layout's tool created it (not \
                 converted): equality follows that collation (case, trailing spaces)",
                columns.join("`, `")
            ),
        }
    }
}

/// Reads the database `adapter` is connected to and plans what the schema `S` still needs.
/// Read-only. See [`read_schema`] and [`plan`].
pub async fn diff<S: Schema>(adapter: &SqlAdapter<S>) -> Result<Plan> {
    let live = read_schema(adapter).await?;
    plan(&S::stored_tables(), adapter.dialect(), &live)
}

/// Plans like [`diff`], then applies the plan; returns it. Fails with
/// [`Error::Migration`] before running anything when the plan has a [`Refusal`].
pub async fn migrate<S: Schema>(adapter: &SqlAdapter<S>) -> Result<Plan> {
    migrate_with(adapter, PlanOptions::default()).await
}

/// [`diff`], as `options` say (see [`plan_with`]).
pub async fn diff_with<S: Schema>(adapter: &SqlAdapter<S>, options: PlanOptions) -> Result<Plan> {
    let live = read_schema(adapter).await?;
    plan_with(&S::stored_tables(), adapter.dialect(), &live, options)
}

/// [`migrate`], as `options` say (see [`plan_with`]).
pub async fn migrate_with<S: Schema>(
    adapter: &SqlAdapter<S>,
    options: PlanOptions,
) -> Result<Plan> {
    let plan = diff_with(adapter, options).await?;
    apply(adapter, &plan).await?;
    Ok(plan)
}

/// The step that undoes `change`, if it can be undone.
fn revert(dialect: Dialect, change: &Change) -> Option<Step> {
    let (change, safety, statement) = match change {
        Change::CreateTable { table } => (
            Change::DropTable {
                table: table.clone(),
            },
            Safety::Destructive,
            alter::drop_table(table, dialect),
        ),
        Change::AddColumn { table, column, .. } => (
            Change::DropColumn {
                table: table.clone(),
                column: column.clone(),
            },
            Safety::Destructive,
            alter::drop_column(table, column, dialect),
        ),
        Change::CreateIndex { table, name, .. } => {
            (
                Change::DropIndex {
                    table: table.clone(),
                    name: name.clone(),
                },
                // An index holds no data of its own.
                Safety::Safe,
                alter::drop_index(table, name, dialect),
            )
        }
        Change::ConvertCollation { .. }
        | Change::DropTable { .. }
        | Change::DropColumn { .. }
        | Change::DropIndex { .. } => {
            return None;
        }
    };
    Some(Step {
        change,
        safety,
        statements: vec![statement],
    })
}
