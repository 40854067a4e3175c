//! The ER diagram: what the Mermaid template (`diagram.mmd.jinja`) is given.
//!
//! Entry point: [`Diagram::from_tables`]: the tables, their typed and keyed columns, and the
//! relations of the foreign keys to the user table. Names, types and keys are the ones of the
//! tables `generate` creates: they are read from [`ddl::plan`], the plan the `CREATE`
//! statements are written from.

use authmodel::descriptor::Table;
use authmodel::{Dialect, Result, ddl};
use serde::Serialize;

/// An ER diagram: tables with typed, keyed columns, and who references whom.
#[derive(Debug, Serialize)]
pub struct Diagram {
    /// The tables, users first.
    pub tables: Vec<DiagramTable>,
    /// One per foreign key: the user table is the parent.
    pub relations: Vec<Relation>,
}

/// One table of a [`Diagram`].
#[derive(Debug, Serialize)]
pub struct DiagramTable {
    /// The table name.
    pub name: String,
    /// Its columns, in order.
    pub columns: Vec<DiagramColumn>,
}

/// One column of a [`DiagramTable`].
#[derive(Debug, Serialize)]
pub struct DiagramColumn {
    /// The column name.
    pub name: String,
    /// Its SQL type on the dialect, spaces made underscores (Mermaid types are one word).
    #[serde(rename = "type")]
    pub ty: String,
    /// `PK`, `FK`, `UK` or a comma-separated mix; empty when none.
    pub keys: String,
    /// `nullable`, or empty.
    pub comment: String,
}

/// A foreign key as a relation of a [`Diagram`].
#[derive(Debug, Serialize)]
pub struct Relation {
    /// The referenced table.
    pub parent: String,
    /// The referencing table.
    pub child: String,
    /// The referencing column.
    pub label: String,
}

impl Diagram {
    /// The diagram of `tables` with their `dialect` types.
    ///
    /// Fails with [`Error::Schema`](authmodel::Error::Schema) when the tables cannot be created
    /// (the error `generate` gives for the SQL).
    pub fn from_tables(tables: &[&'static Table], dialect: Dialect) -> Result<Diagram> {
        let plans = ddl::plan(tables)?;
        let mut out = Diagram {
            tables: Vec::new(),
            relations: Vec::new(),
        };
        for plan in &plans {
            let columns = plan
                .table()
                .columns
                .iter()
                .map(|column| {
                    let mut keys = Vec::new();
                    if plan.primary().iter().any(|c| c.name == column.name) {
                        keys.push("PK");
                    }
                    if plan
                        .reference()
                        .is_some_and(|r| r.column().name == column.name)
                    {
                        keys.push("FK");
                    }
                    let unique = plan
                        .unique()
                        .iter()
                        .any(|k| k.columns.iter().any(|c| c.name == column.name));
                    if unique {
                        keys.push("UK");
                    }
                    let mut comment: Vec<String> = Vec::new();
                    if column.nullable {
                        comment.push("nullable".to_owned());
                    }
                    // Mermaid marks keys per column: say which columns are unique together.
                    for key in plan.unique().iter().filter(|k| k.columns.len() > 1) {
                        if key.columns.iter().any(|c| c.name == column.name) {
                            let names: Vec<&str> = key.columns.iter().map(|c| c.name).collect();
                            comment.push(format!("unique together: {}", names.join(", ")));
                        }
                    }
                    DiagramColumn {
                        name: column.name.to_owned(),
                        ty: plan.column_type(column, dialect).replace(' ', "_"),
                        keys: keys.join(", "),
                        comment: comment.join("; "),
                    }
                })
                .collect();
            out.tables.push(DiagramTable {
                name: plan.table().name.to_owned(),
                columns,
            });
            if let Some(reference) = plan.reference() {
                out.relations.push(Relation {
                    parent: reference.table().name.to_owned(),
                    child: plan.table().name.to_owned(),
                    label: reference.column().name.to_owned(),
                });
            }
        }
        Ok(out)
    }
}
