//! Planning against hand-built live schemas: classification, refusals and drift on every
//! dialect, without a database.

use super::*;
use crate::descriptor::{Column, ColumnType, DefaultValue, Role, Table};
use crate::dialect::MySqlFlavour;
use crate::models::{DefaultSchema, User};
use crate::statements::ddl::{CreateOptions, create_statements};
use crate::traits::{Model, Schema};

fn default_tables() -> [&'static Table; 5] {
    DefaultSchema::tables()
}

/// The live form of `table` as `ddl` would create it on `dialect`, with `rows` rows.
fn live_table(table: &'static Table, dialect: Dialect, rows: u8) -> LiveTable {
    let plans = crate::statements::ddl::plan(&default_tables()).expect("default schema plans");
    let plan = plans
        .iter()
        .find(|p| p.table.name == table.name)
        .expect("a default table");
    let mut indexes: Vec<LiveIndex> = plan
        .unique
        .iter()
        .chain(&plan.indexes)
        .map(|k| LiveIndex {
            name: k.name.clone(),
            columns: k.columns.iter().map(|c| Some(c.name.to_owned())).collect(),
            unique: k.unique,
            primary: false,
            partial: false,
        })
        .collect();
    indexes.push(LiveIndex {
        name: format!("{}_pkey", table.name),
        columns: plan
            .primary
            .iter()
            .map(|c| Some(c.name.to_owned()))
            .collect(),
        unique: true,
        primary: true,
        partial: false,
    });
    LiveTable {
        name: table.name.to_owned(),
        is_view: false,
        columns: table
            .columns
            .iter()
            .map(|c| LiveColumn {
                name: c.name.to_owned(),
                sql_type: crate::statements::ddl::column_type(
                    &plan.effective(c),
                    dialect,
                    plan.is_keyed(c),
                ),
                nullable: c.nullable,
                has_default: c.default.is_some(),
                collation: None,
            })
            .collect(),
        indexes,
        foreign_keys: plan
            .reference
            .iter()
            .map(|r| LiveForeignKey {
                column: r.column.name.to_owned(),
                target_table: r.table.name.to_owned(),
                target_column: r.target.name.to_owned(),
                cascade: true,
                name: Some(r.name.clone()),
            })
            .collect(),
        rows,
        without_rowid: plan.without_rowid(dialect),
    }
}

fn full(dialect: Dialect, rows: u8) -> LiveSchema {
    LiveSchema {
        tables: default_tables()
            .iter()
            .map(|t| live_table(t, dialect, rows))
            .collect(),
        flavour: None,
    }
}

#[test]
fn an_empty_database_gets_exactly_the_generated_ddl() {
    for dialect in Dialect::ALL {
        let plan = plan(&default_tables(), dialect, &LiveSchema::default()).unwrap();
        let generated =
            create_statements::<DefaultSchema>(dialect, CreateOptions::default()).unwrap();
        assert_eq!(plan.statements(), generated, "{dialect}");
        assert_eq!(plan.safety(), Some(Safety::Safe));
        assert!(plan.refusals.is_empty() && plan.drift.is_empty());
        assert!(!plan.is_in_sync());
    }
}

#[test]
fn a_database_made_from_the_models_is_in_sync() {
    for dialect in Dialect::ALL {
        let plan = plan(&default_tables(), dialect, &full(dialect, 2)).unwrap();
        assert!(plan.is_in_sync(), "{dialect}: {plan:?}");
        assert_eq!(plan.safety(), None);
    }
}

#[test]
fn missing_tables_and_indexes_only_are_planned() {
    for dialect in Dialect::ALL {
        let mut live = full(dialect, 1);
        live.tables.retain(|t| t.name != "authenticators");
        let sessions = live
            .tables
            .iter_mut()
            .find(|t| t.name == "sessions")
            .unwrap();
        sessions
            .indexes
            .retain(|i| i.name != "sessions_user_id_idx");
        let plan = plan(&default_tables(), dialect, &live).unwrap();
        let changes: Vec<String> = plan.steps.iter().map(|s| s.change.to_string()).collect();
        let mut expected = vec!["create table `authenticators`".to_owned()];
        if dialect != Dialect::MySql {
            expected
                .push("create index `authenticators_user_id_idx` on `authenticators`".to_owned());
        }
        expected.insert(
            expected.len() - usize::from(dialect != Dialect::MySql),
            "create index `sessions_user_id_idx` on `sessions`".to_owned(),
        );
        expected.sort();
        let mut sorted = changes.clone();
        sorted.sort();
        assert_eq!(sorted, expected, "{dialect}");
        // Tables come before indexes.
        assert_eq!(changes[0], "create table `authenticators`");
        assert!(plan.steps.iter().all(|s| s.safety == Safety::Safe));
    }
}

/// The default user with a required column of the application's own, and an optional one.
static EXTENDED_USER: Table = Table {
    name: "users",
    type_name: "ExtendedUser",
    role: Role::User,
    columns: &EXTENDED_COLUMNS,
    key_naming: crate::descriptor::KeyNaming::Postgres,
    keys: crate::descriptor::Keys::DERIVED,
};

static EXTENDED_COLUMNS: [Column; 8] = {
    let base = <User as Model>::TABLE.columns;
    let mut nickname = Column::new("nickname", "nickname", ColumnType::Text);
    nickname.nullable = true;
    let plan = Column::new("plan", "plan", ColumnType::Text);
    let mut handle = Column::new("handle", "handle", ColumnType::Text);
    handle.unique = true;
    handle.default = Some(DefaultValue::Text("none"));
    [
        base[0], base[1], base[2], base[3], base[4], nickname, plan, handle,
    ]
};

fn extended_tables() -> [&'static Table; 5] {
    let mut tables = default_tables();
    tables[0] = &EXTENDED_USER;
    tables
}

fn steps_for(plan: &Plan, table: &str) -> Vec<(String, Safety)> {
    plan.steps
        .iter()
        .filter(|s| s.change.to_string().contains(&format!("`{table}")))
        .map(|s| (s.change.to_string(), s.safety))
        .collect()
}

#[test]
fn added_columns_are_classified() {
    for dialect in [Dialect::Postgres, Dialect::MySql] {
        let plan = plan(&extended_tables(), dialect, &full(dialect, 0)).unwrap();
        let users = steps_for(&plan, "users");
        assert_eq!(
            users,
            [
                ("add column `users.nickname`".to_owned(), Safety::Safe),
                (
                    "add column `users.plan` (NOT NULL, no default)".to_owned(),
                    Safety::NeedsBackfill
                ),
                ("add column `users.handle`".to_owned(), Safety::Safe),
                (
                    "create unique index `users_handle_key` on `users`".to_owned(),
                    Safety::Safe
                ),
            ],
            "{dialect}"
        );
        // An empty table takes the required column.
        assert!(plan.refusals.is_empty(), "{dialect}: {:?}", plan.refusals);
        assert_eq!(plan.safety(), Some(Safety::NeedsBackfill));
        plan.check().expect("applicable");
    }
}

#[test]
fn a_required_column_is_refused_on_a_table_with_rows() {
    for dialect in [Dialect::Postgres, Dialect::MySql] {
        let plan = plan(&extended_tables(), dialect, &full(dialect, 1)).unwrap();
        match plan.check() {
            Err(Error::Migration(Refusal::RequiredColumn {
                table,
                column,
                reason,
            })) => {
                assert_eq!((table.as_str(), column.as_str()), ("users", "plan"));
                assert_eq!(reason, "`users` has rows");
            }
            other => panic!("{dialect}: {other:?}"),
        }
    }
}

#[test]
fn sqlite_refuses_a_required_column_even_on_an_empty_table() {
    let plan = plan(
        &extended_tables(),
        Dialect::Sqlite,
        &full(Dialect::Sqlite, 0),
    )
    .unwrap();
    let error = plan.check().unwrap_err();
    assert!(
        error.to_string().contains("SQLite cannot add one"),
        "{error}"
    );
}

#[test]
fn a_unique_column_added_later_is_a_plain_column_and_a_unique_index() {
    for dialect in Dialect::ALL {
        let plan = plan(&extended_tables(), dialect, &full(dialect, 0)).unwrap();
        let handle = plan
            .steps
            .iter()
            .find(|s| s.change.to_string() == "add column `users.handle`")
            .unwrap();
        let sql = &handle.statements[0];
        assert!(sql.starts_with("ALTER TABLE"), "{sql}");
        assert!(!sql.to_uppercase().contains("UNIQUE"), "{dialect}: {sql}");
        assert!(sql.contains("DEFAULT 'none'"), "{dialect}: {sql}");
        let index = plan
            .steps
            .iter()
            .find(|s| matches!(&s.change, Change::CreateIndex { unique: true, .. }))
            .unwrap();
        assert!(
            index.statements[0].starts_with("CREATE UNIQUE INDEX"),
            "{dialect}"
        );
    }
}

#[test]
fn a_unique_column_with_a_default_is_refused_when_rows_would_collide() {
    let mut tables = extended_tables();
    // Without the required column, only the shared default is in the way.
    static NO_PLAN: [Column; 7] = {
        let c = &EXTENDED_COLUMNS;
        [c[0], c[1], c[2], c[3], c[4], c[5], c[7]]
    };
    static USER: Table = Table {
        columns: &NO_PLAN,
        ..EXTENDED_USER
    };
    tables[0] = &USER;
    let one = plan(&tables, Dialect::Postgres, &full(Dialect::Postgres, 1)).unwrap();
    one.check().expect("one row cannot collide");
    let two = plan(&tables, Dialect::Postgres, &full(Dialect::Postgres, 2)).unwrap();
    assert!(matches!(
        two.check(),
        Err(Error::Migration(Refusal::SharedDefault { .. }))
    ));
}

#[test]
fn type_drift_is_reported_never_altered() {
    for dialect in Dialect::ALL {
        let mut live = full(dialect, 1);
        let sessions = live
            .tables
            .iter_mut()
            .find(|t| t.name == "sessions")
            .unwrap();
        let expires = sessions
            .columns
            .iter_mut()
            .find(|c| c.name == "expires")
            .unwrap();
        expires.sql_type = "bigint".to_owned();
        let plan = plan(&default_tables(), dialect, &live).unwrap();
        assert!(plan.steps.is_empty(), "{dialect}");
        assert!(matches!(
            plan.drift.as_slice(),
            [Drift::ColumnType { column, found, .. }] if column == "expires" && found == "bigint"
        ));
        assert!(!plan.is_in_sync());
        plan.check().expect("drift alone does not refuse");
    }
}

#[test]
fn a_foreign_table_under_a_model_name_is_refused() {
    let mut live = full(Dialect::Postgres, 1);
    live.tables[0].columns[0].sql_type = "integer".to_owned();
    let refused = plan(&default_tables(), Dialect::Postgres, &live).unwrap();
    let message = refused.check().unwrap_err().to_string();
    assert_eq!(
        message,
        "migration refused: table `users` exists but its primary key column `id` is \
         `integer`, not `uuid`: it was not created from these models; point --database-url at \
         the right database, or rename the table or the model"
    );
    live.tables[0].columns.remove(0);
    let plan = plan(&default_tables(), Dialect::Postgres, &live).unwrap();
    assert!(
        plan.check()
            .unwrap_err()
            .to_string()
            .contains("`id` is missing")
    );
}

#[test]
fn keys_under_other_names_are_notes_and_names_taken_are_refused() {
    let mut live = full(Dialect::Postgres, 0);
    let users = live.tables.iter_mut().find(|t| t.name == "users").unwrap();
    users.indexes[0].name = "User_email_key".to_owned();
    let renamed = plan(&default_tables(), Dialect::Postgres, &live).unwrap();
    assert!(renamed.steps.is_empty());
    assert!(matches!(renamed.drift.as_slice(), [d @ Drift::IndexName { .. }] if d.is_note()));
    assert!(renamed.is_in_sync());

    let mut live = full(Dialect::Postgres, 0);
    let sessions = live
        .tables
        .iter_mut()
        .find(|t| t.name == "sessions")
        .unwrap();
    sessions
        .indexes
        .retain(|i| i.name != "sessions_user_id_idx");
    live.tables.push(LiveTable {
        name: "sessions_user_id_idx".to_owned(),
        ..LiveTable::default()
    });
    let plan = plan(&default_tables(), Dialect::Postgres, &live).unwrap();
    assert!(matches!(
        plan.check(),
        Err(Error::Migration(Refusal::NameTaken { .. }))
    ));
}

#[test]
fn mysql_refuses_to_index_a_text_column() {
    let mut live = full(Dialect::MySql, 0);
    let users = live.tables.iter_mut().find(|t| t.name == "users").unwrap();
    users.indexes.retain(|i| i.primary);
    users.columns[2].sql_type = "text".to_owned();
    let plan = plan(&default_tables(), Dialect::MySql, &live).unwrap();
    assert!(matches!(
        plan.check(),
        Err(Error::Migration(Refusal::Unindexable { column, .. })) if column == "email"
    ));
}

#[test]
fn views_extra_columns_and_foreign_keys() {
    let mut live = full(Dialect::Sqlite, 0);
    live.tables[0].columns.push(LiveColumn {
        name: "legacy".to_owned(),
        sql_type: "text".to_owned(),
        nullable: false,
        has_default: false,
        collation: None,
    });
    live.tables[1].foreign_keys.clear();
    live.tables[2].foreign_keys[0].cascade = false;
    live.tables[3].is_view = true;
    let plan = plan(&default_tables(), Dialect::Sqlite, &live).unwrap();
    let drift: Vec<String> = plan.drift.iter().map(ToString::to_string).collect();
    assert_eq!(
        drift,
        [
            "`users.legacy` is not in the model and is NOT NULL without a default: the \
             adapter's inserts fail",
            "the foreign key of `accounts.user_id` is missing",
            "the foreign key of `sessions.user_id` does not cascade on delete",
        ]
    );
    assert!(matches!(
        plan.check(),
        Err(Error::Migration(Refusal::NotATable { name })) if name == "verification_tokens"
    ));
}

#[test]
fn reverting_drops_what_was_added_destructively() {
    for dialect in Dialect::ALL {
        let plan = plan(&extended_tables(), dialect, &full(dialect, 0)).unwrap();
        let down = plan.revert();
        let changes: Vec<(String, Safety)> = down
            .iter()
            .map(|s| (s.change.to_string(), s.safety))
            .collect();
        assert_eq!(
            changes,
            [
                (
                    "drop index `users_handle_key` on `users`".to_owned(),
                    Safety::Safe
                ),
                ("drop column `users.handle`".to_owned(), Safety::Destructive),
                ("drop column `users.plan`".to_owned(), Safety::Destructive),
                (
                    "drop column `users.nickname`".to_owned(),
                    Safety::Destructive
                ),
            ],
            "{dialect}"
        );
        let empty = plan_tables_on_empty(dialect).revert();
        assert!(empty.iter().any(|s| s.safety == Safety::Destructive));
        assert!(
            empty
                .iter()
                .rev()
                .find(|s| matches!(s.change, Change::DropTable { .. }))
                .is_some_and(|s| s.change.to_string() == "drop table `users`"),
            "users is dropped last"
        );
    }
}

fn plan_tables_on_empty(dialect: Dialect) -> Plan {
    plan(&default_tables(), dialect, &LiveSchema::default()).unwrap()
}

#[cfg(feature = "sqlite")]
#[test]
fn a_plan_for_another_dialect_is_not_applied() {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .build()
        .unwrap();
    runtime.block_on(async {
        let db = SqlAdapter::<DefaultSchema>::connect("sqlite::memory:", Default::default())
            .await
            .unwrap();
        let plan = plan_tables_on_empty(Dialect::Postgres);
        let error = apply(&db, &plan).await.unwrap_err();
        assert!(
            error.to_string().contains("the plan is for postgres"),
            "{error}"
        );
    });
}

#[test]
fn summaries_read_as_sentences() {
    assert_eq!(
        plan_tables_on_empty(Dialect::Sqlite).summary(),
        "create 5 tables and 6 indexes"
    );
    assert_eq!(
        plan_tables_on_empty(Dialect::MySql).summary(),
        "create 5 tables"
    );
    let added = plan(
        &extended_tables(),
        Dialect::Postgres,
        &full(Dialect::Postgres, 0),
    )
    .unwrap();
    assert_eq!(added.summary(), "add 3 columns and create 1 index");
    let none = plan(
        &default_tables(),
        Dialect::Sqlite,
        &full(Dialect::Sqlite, 0),
    )
    .unwrap();
    assert_eq!(none.summary(), "nothing");
}

#[test]
fn a_pad_space_collation_is_converted_to_the_servers_no_pad_one() {
    for (flavour, expected) in [
        (MySqlFlavour::MariaDb, "utf8mb4_nopad_bin"),
        (MySqlFlavour::MySql, "utf8mb4_0900_bin"),
    ] {
        let mut live = full(Dialect::MySql, 2);
        live.flavour = Some(flavour);
        let texts = |table: &mut LiveTable, collation: &str| {
            for column in &mut table.columns {
                if ["varchar", "char", "text"]
                    .iter()
                    .any(|t| column.sql_type.starts_with(t))
                {
                    column.collation = Some(collation.to_owned());
                }
            }
        };
        for table in &mut live.tables {
            texts(table, expected);
        }
        assert!(
            plan(&default_tables(), Dialect::MySql, &live)
                .unwrap()
                .is_in_sync()
        );

        // Only the user table: the three keys that reference it are dropped and added back.
        let users = live.tables.iter_mut().find(|t| t.name == "users").unwrap();
        texts(users, "utf8mb4_bin");
        let one = plan(&default_tables(), Dialect::MySql, &live).unwrap();
        assert!(!one.is_in_sync());
        assert!(one.refusals.is_empty() && one.drift.is_empty());
        assert_eq!(one.safety(), Some(Safety::RewritesTable));
        assert_eq!(one.summary(), "convert 1 table");
        let [step] = one.steps.as_slice() else {
            panic!("{one}");
        };
        let convert =
            format!("ALTER TABLE `users` CONVERT TO CHARACTER SET utf8mb4 COLLATE {expected}");
        let keys = ["accounts", "sessions", "authenticators"];
        let drops = keys.map(|t| format!("ALTER TABLE `{t}` DROP FOREIGN KEY `{t}_user_id_fkey`"));
        let adds = keys.map(|t| {
            format!(
                "ALTER TABLE `{t}` ADD CONSTRAINT `{t}_user_id_fkey` FOREIGN KEY (`user_id`) \
                 REFERENCES `users` (`id`) ON DELETE CASCADE"
            )
        });
        let mut statements: Vec<String> = drops.to_vec();
        statements.push(convert.clone());
        statements.extend(adds.clone());
        assert_eq!(step.statements, statements);
        assert_eq!(
            step.to_string(),
            format!(
                "rewrites-table  convert `users` to `{expected}` (`id`, `name`, `email`, \
                 `image` are `utf8mb4_bin`; rebuilds the table and its indexes)"
            )
        );
        assert!(one.revert().is_empty());

        // Every table: each referencing table adds its key back once it is converted too.
        for table in &mut live.tables {
            texts(table, "utf8mb4_bin");
        }
        let all = plan(&default_tables(), Dialect::MySql, &live).unwrap();
        assert_eq!(all.summary(), "convert 5 tables", "{all}");
        assert_eq!(all.steps[0].statements, [&drops[..], &[convert]].concat());
        let sessions = all
            .steps
            .iter()
            .find(|s| matches!(&s.change, Change::ConvertCollation { table, .. } if table == "sessions"))
            .unwrap();
        assert_eq!(
            sessions.statements,
            [
                format!(
                    "ALTER TABLE `sessions` CONVERT TO CHARACTER SET utf8mb4 COLLATE {expected}"
                ),
                adds[1].clone()
            ]
        );
    }
}
