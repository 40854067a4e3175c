//! The DDL of derived schemas: insta snapshots of the script on every dialect, and the SQLite
//! statements run against a real (in-memory) database to check the keys, indexes and cascade
//! they create.

use authmodel::ddl::{self, CreateOptions};
use authmodel::models::DefaultSchema;
use authmodel::{Dialect, MySqlFlavour, Schema};
use rusqlite::Connection;

#[path = "common/schemas.rs"]
mod schemas;

use schemas::Extended;

fn snapshot_scripts<S: Schema>(schema: &str) {
    for dialect in Dialect::ALL {
        let script = ddl::script::<S>(dialect, CreateOptions::default())
            .unwrap_or_else(|e| panic!("{schema} on {dialect}: {e}"));
        insta::assert_snapshot!(format!("{schema}_{dialect}"), script);
    }
    // `mysql` is MySQL 8; MariaDB differs only in the name of the table collation.
    let mariadb = CreateOptions::default().flavour(MySqlFlavour::MariaDb);
    let script = ddl::script::<S>(Dialect::MySql, mariadb).unwrap();
    insta::assert_snapshot!(format!("{schema}_mariadb"), script);
}

#[test]
fn default_schema_script() {
    snapshot_scripts::<DefaultSchema>("default");
}

#[test]
fn extended_schema_script() {
    snapshot_scripts::<Extended>("extended");
}

#[test]
fn script_is_statements_joined() {
    let statements = ddl::create_statements::<DefaultSchema>(Dialect::Sqlite, Default::default())
        .expect("default schema");
    let script = ddl::script::<DefaultSchema>(Dialect::Sqlite, Default::default()).unwrap();
    assert_eq!(script, format!("{};\n", statements.join(";\n\n")));
    assert!(statements[0].starts_with("CREATE TABLE \"users\""));
}

/// What a SQLite table has, as the pragmas report it.
struct Shape {
    /// Primary key columns, in key order.
    primary_key: Vec<String>,
    /// `(name, unique, columns)` of each index the schema created (not SQLite's own).
    indexes: Vec<(String, bool, Vec<String>)>,
    /// `(column, referenced table, referenced column, on delete)` of each foreign key.
    foreign_keys: Vec<(String, String, String, String)>,
}

fn strings(connection: &Connection, sql: &str, table: &str) -> Vec<Vec<String>> {
    let mut statement = connection.prepare(sql).unwrap();
    let columns = statement.column_count();
    statement
        .query_map([table], |row| {
            (0..columns)
                .map(|i| row.get::<_, rusqlite::types::Value>(i))
                .map(|v| {
                    v.map(|v| match v {
                        rusqlite::types::Value::Text(s) => s,
                        other => format!("{other:?}"),
                    })
                })
                .collect::<rusqlite::Result<Vec<String>>>()
        })
        .unwrap()
        .collect::<rusqlite::Result<_>>()
        .unwrap()
}

fn shape(connection: &Connection, table: &str) -> Shape {
    let mut primary: Vec<(String, String)> = strings(
        connection,
        "SELECT pk, name FROM pragma_table_info(?1) WHERE pk > 0",
        table,
    )
    .into_iter()
    .map(|r| (r[0].clone(), r[1].clone()))
    .collect();
    primary.sort();
    let indexes = strings(
        connection,
        "SELECT name, \"unique\" FROM pragma_index_list(?1) WHERE origin = 'c' ORDER BY name",
        table,
    )
    .into_iter()
    .map(|r| {
        let columns = strings(
            connection,
            "SELECT name FROM pragma_index_info(?1) ORDER BY seqno",
            &r[0],
        );
        let unique = r[1] == "Integer(1)";
        (
            r[0].clone(),
            unique,
            columns.into_iter().flatten().collect(),
        )
    })
    .collect();
    let foreign_keys = strings(
        connection,
        "SELECT \"from\", \"table\", \"to\", on_delete FROM pragma_foreign_key_list(?1)",
        table,
    )
    .into_iter()
    .map(|r| (r[0].clone(), r[1].clone(), r[2].clone(), r[3].clone()))
    .collect();
    Shape {
        primary_key: primary.into_iter().map(|(_, name)| name).collect(),
        indexes,
        foreign_keys,
    }
}

fn create<S: Schema>(connection: &Connection, if_not_exists: bool) -> rusqlite::Result<()> {
    let options = CreateOptions::default().if_not_exists(if_not_exists);
    for statement in ddl::create_statements::<S>(Dialect::Sqlite, options).unwrap() {
        connection.execute_batch(&statement)?;
    }
    Ok(())
}

fn table_count(connection: &Connection) -> i64 {
    connection
        .query_row(
            "SELECT count(*) FROM sqlite_schema WHERE type = 'table'",
            [],
            |r| r.get(0),
        )
        .unwrap()
}

fn check_sqlite<S: Schema>() {
    let connection = Connection::open_in_memory().unwrap();
    connection
        .execute_batch("PRAGMA foreign_keys = ON")
        .unwrap();
    create::<S>(&connection, false).unwrap();
    // Plain CREATE refuses existing tables; IF NOT EXISTS, twice, does not.
    assert!(create::<S>(&connection, false).is_err());
    create::<S>(&connection, true).unwrap();
    create::<S>(&connection, true).unwrap();
    assert_eq!(table_count(&connection), 5);

    let [users, accounts, sessions, tokens, authenticators] = S::tables().map(|t| t.name);
    let cascade = |column: &str| {
        vec![(
            column.to_owned(),
            users.to_owned(),
            "id".to_owned(),
            "CASCADE".to_owned(),
        )]
    };
    let index = |name: &str, unique: bool, columns: &[&str]| {
        let columns = columns.iter().map(|c| c.to_string()).collect();
        (name.to_owned(), unique, columns)
    };

    let user = shape(&connection, users);
    assert_eq!(user.primary_key, ["id"]);
    assert!(
        user.indexes
            .contains(&index("users_email_key", true, &["email"]))
    );
    assert!(user.foreign_keys.is_empty());

    let account = shape(&connection, accounts);
    assert_eq!(account.primary_key, ["id"]);
    assert_eq!(
        account.indexes,
        [
            index(
                "accounts_provider_provider_account_id_key",
                true,
                &["provider", "provider_account_id"]
            ),
            index("accounts_user_id_idx", false, &["user_id"]),
        ]
    );
    assert_eq!(account.foreign_keys, cascade("user_id"));

    let session = shape(&connection, sessions);
    assert_eq!(session.primary_key, ["id"]);
    assert_eq!(
        session.indexes,
        [
            index("sessions_session_token_key", true, &["session_token"]),
            index("sessions_user_id_idx", false, &["user_id"]),
        ]
    );
    assert_eq!(session.foreign_keys, cascade("user_id"));

    let token = shape(&connection, tokens);
    assert_eq!(token.primary_key, ["identifier", "token"]);
    assert!(token.indexes.is_empty());

    let authenticator = shape(&connection, authenticators);
    assert_eq!(authenticator.primary_key, ["credential_id"]);
    assert_eq!(
        authenticator.indexes,
        [index("authenticators_user_id_idx", false, &["user_id"])]
    );
    assert_eq!(authenticator.foreign_keys, cascade("user_id"));

    // The cascade works, not only exists.
    connection
        .execute_batch(&format!(
            "INSERT INTO {users} (id, email) VALUES ('u1', 'a@example.com');
             INSERT INTO {sessions} (id, session_token, user_id, expires)
                 VALUES ('s1', 't1', 'u1', '2030-01-01T00:00:00.000Z');
             DELETE FROM {users} WHERE id = 'u1';"
        ))
        .unwrap();
    let left: i64 = connection
        .query_row(&format!("SELECT count(*) FROM {sessions}"), [], |r| {
            r.get(0)
        })
        .unwrap();
    assert_eq!(left, 0);

    for statement in ddl::drop_statements::<S>(Dialect::Sqlite) {
        connection.execute_batch(&statement).unwrap();
    }
    assert_eq!(table_count(&connection), 0);
    // IF EXISTS: dropping again is fine.
    for statement in ddl::drop_statements::<S>(Dialect::Sqlite) {
        connection.execute_batch(&statement).unwrap();
    }
}

#[test]
fn default_schema_on_sqlite() {
    check_sqlite::<DefaultSchema>();
}

#[test]
fn extended_schema_on_sqlite() {
    check_sqlite::<Extended>();
    let connection = Connection::open_in_memory().unwrap();
    create::<Extended>(&connection, false).unwrap();
    let user = shape(&connection, "users");
    assert!(user.indexes.contains(&(
        "users_phone_idx".to_owned(),
        false,
        vec!["phone".to_owned()]
    )));
    // Rows written by other clients get the declared default.
    connection
        .execute_batch("INSERT INTO users (id, email) VALUES ('u1', 'a@example.com')")
        .unwrap();
    let role: String = connection
        .query_row("SELECT role FROM users", [], |r| r.get(0))
        .unwrap();
    assert_eq!(role, "user");
}
