//! Unit tests of the DDL on descriptors built by hand, so every rule is tested without the
//! derive. The snapshots of the derived schemas live in `tests/ddl.rs`.

use super::*;
use crate::Error;
use crate::descriptor::{ColumnType, DefaultValue, IdStrategy, RoleField};

const fn col(name: &'static str, ty: ColumnType) -> Column {
    Column::new(name, name, ty)
}

const fn role(column: Column, field: RoleField) -> Column {
    Column {
        role: Some(field),
        ..column
    }
}

const fn id(column: Column, strategy: IdStrategy) -> Column {
    Column {
        primary_key: true,
        id: Some(strategy),
        ..column
    }
}

const fn nullable(column: Column) -> Column {
    Column {
        nullable: true,
        ..column
    }
}

static USER_COLUMNS: [Column; 4] = [
    id(
        role(col("id", ColumnType::Uuid), RoleField::UserId),
        IdStrategy::UuidV4,
    ),
    nullable(role(col("name", ColumnType::Text), RoleField::UserName)),
    role(col("email", ColumnType::Text), RoleField::UserEmail),
    nullable(role(
        col("email_verified", ColumnType::Timestamp),
        RoleField::UserEmailVerified,
    )),
];
static USERS: Table = Table {
    name: "users",
    type_name: "User",
    role: Role::User,
    columns: &USER_COLUMNS,
    key_naming: crate::descriptor::KeyNaming::Postgres,
    keys: crate::descriptor::Keys::DERIVED,
};

static SESSION_COLUMNS: [Column; 4] = [
    id(
        role(col("id", ColumnType::Uuid), RoleField::SessionId),
        IdStrategy::UuidV4,
    ),
    role(
        col("session_token", ColumnType::Text),
        RoleField::SessionToken,
    ),
    role(col("user_id", ColumnType::Uuid), RoleField::SessionUserId),
    role(
        col("expires", ColumnType::Timestamp),
        RoleField::SessionExpires,
    ),
];
static SESSIONS: Table = Table {
    name: "sessions",
    type_name: "Session",
    role: Role::Session,
    columns: &SESSION_COLUMNS,
    key_naming: crate::descriptor::KeyNaming::Postgres,
    keys: crate::descriptor::Keys::DERIVED,
};

static TOKEN_COLUMNS: [Column; 3] = [
    role(
        col("identifier", ColumnType::Text),
        RoleField::VerificationIdentifier,
    ),
    role(col("token", ColumnType::Text), RoleField::VerificationToken),
    role(
        col("expires", ColumnType::Timestamp),
        RoleField::VerificationExpires,
    ),
];
static TOKENS: Table = Table {
    name: "verification_tokens",
    type_name: "VerificationToken",
    role: Role::VerificationToken,
    columns: &TOKEN_COLUMNS,
    key_naming: crate::descriptor::KeyNaming::Postgres,
    keys: crate::descriptor::Keys::DERIVED,
};

fn schema_error(result: Result<Vec<String>>) -> String {
    match result {
        Err(Error::Schema(message)) => message,
        other => panic!("expected Error::Schema, got {other:?}"),
    }
}

#[test]
fn column_types_per_dialect() {
    let cases: [(ColumnType, [&str; 3]); 9] = [
        (ColumnType::Text, ["text", "text", "text"]),
        (ColumnType::Uuid, ["text", "uuid", "char(36)"]),
        (ColumnType::Bool, ["integer", "boolean", "boolean"]),
        (ColumnType::Int32, ["integer", "integer", "int"]),
        (ColumnType::Int64, ["integer", "bigint", "bigint"]),
        (ColumnType::Float64, ["real", "double precision", "double"]),
        (
            ColumnType::Timestamp,
            ["text", "timestamptz", "datetime(3)"],
        ),
        (ColumnType::Json, ["text", "jsonb", "json"]),
        (ColumnType::Bytes, ["blob", "bytea", "longblob"]),
    ];
    for (ty, expected) in cases {
        for (dialect, expected) in Dialect::ALL.into_iter().zip(expected) {
            assert_eq!(
                column_type(&col("c", ty), dialect, false),
                expected,
                "{ty:?} {dialect}"
            );
        }
    }
}

#[test]
fn bounded_strings() {
    let text = col("c", ColumnType::Text);
    let short = Column {
        max_len: Some(20),
        ..text
    };
    let huge = Column {
        max_len: Some(100_000),
        ..text
    };
    let with_default = Column {
        default: Some(DefaultValue::Text("user")),
        ..text
    };
    let bytes = col("b", ColumnType::Bytes);
    let cases = [
        (text, false, ["text", "text", "text"]),
        (text, true, ["text", "text", "varchar(255)"]),
        (short, false, ["text", "varchar(20)", "varchar(20)"]),
        (short, true, ["text", "varchar(20)", "varchar(20)"]),
        (huge, false, ["text", "varchar(100000)", "longtext"]),
        (with_default, false, ["text", "text", "varchar(255)"]),
        (bytes, true, ["blob", "bytea", "varbinary(255)"]),
    ];
    for (column, keyed, expected) in cases {
        for (dialect, expected) in Dialect::ALL.into_iter().zip(expected) {
            assert_eq!(
                column_type(&column, dialect, keyed),
                expected,
                "{column:?} {dialect}"
            );
        }
    }
}

#[test]
fn keys_indexes_and_the_cascade() {
    let tables = [&SESSIONS, &USERS, &TOKENS];
    let postgres = create_tables(&tables, Dialect::Postgres, CreateOptions::default()).unwrap();
    assert_eq!(
        postgres,
        [
            "CREATE TABLE \"users\" (\n  \"id\" uuid NOT NULL PRIMARY KEY,\n  \"name\" text,\n  \
             \"email\" text NOT NULL,\n  \"email_verified\" timestamptz\n)",
            "CREATE TABLE \"sessions\" (\n  \"id\" uuid NOT NULL PRIMARY KEY,\n  \
             \"session_token\" text NOT NULL,\n  \"user_id\" uuid NOT NULL,\n  \
             \"expires\" timestamptz NOT NULL,\n  CONSTRAINT \"sessions_user_id_fkey\" FOREIGN \
             KEY (\"user_id\") REFERENCES \"users\" (\"id\") ON DELETE CASCADE\n)",
            "CREATE TABLE \"verification_tokens\" (\n  \"identifier\" text NOT NULL,\n  \
             \"token\" text NOT NULL,\n  \"expires\" timestamptz NOT NULL,\n  \
             PRIMARY KEY (\"identifier\", \"token\")\n)",
            "CREATE UNIQUE INDEX \"users_email_key\" ON \"users\" (\"email\")",
            "CREATE UNIQUE INDEX \"sessions_session_token_key\" ON \"sessions\" (\"session_token\")",
            "CREATE INDEX \"sessions_user_id_idx\" ON \"sessions\" (\"user_id\")",
        ]
    );
    let mysql = create_tables(
        &tables,
        Dialect::MySql,
        CreateOptions::default().if_not_exists(true),
    )
    .unwrap();
    assert_eq!(
        mysql.len(),
        3,
        "MySQL keeps its indexes inside CREATE TABLE"
    );
    assert_eq!(
        mysql[1],
        "CREATE TABLE IF NOT EXISTS `sessions` (\n  `id` char(36) NOT NULL PRIMARY KEY,\n  \
         `session_token` varchar(255) NOT NULL,\n  `user_id` char(36) NOT NULL,\n  \
         `expires` datetime(3) NOT NULL,\n  \
         UNIQUE KEY `sessions_session_token_key` (`session_token`),\n  \
         KEY `sessions_user_id_idx` (`user_id`),\n  \
         CONSTRAINT `sessions_user_id_fkey` FOREIGN KEY (`user_id`) REFERENCES `users` (`id`) \
         ON DELETE CASCADE\n) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_0900_bin"
    );
    // MariaDB names its NO PAD binary collation differently; nothing else changes.
    let mariadb = create_tables(
        &tables,
        Dialect::MySql,
        CreateOptions::default()
            .if_not_exists(true)
            .flavour(crate::dialect::MySqlFlavour::MariaDb),
    )
    .unwrap();
    assert_eq!(
        mariadb[1],
        mysql[1].replace("utf8mb4_0900_bin", "utf8mb4_nopad_bin")
    );
}

#[test]
fn drop_in_reverse_with_users_last() {
    let tables = [&USERS, &SESSIONS, &TOKENS];
    assert_eq!(
        drop_tables(&tables, Dialect::Sqlite),
        [
            "DROP TABLE IF EXISTS \"verification_tokens\"",
            "DROP TABLE IF EXISTS \"sessions\"",
            "DROP TABLE IF EXISTS \"users\"",
        ]
    );
    assert_eq!(
        drop_tables(&tables, Dialect::MySql)[2],
        "DROP TABLE IF EXISTS `users`"
    );
}

static WIDE_TOKEN_COLUMNS: [Column; 3] = [
    Column {
        max_len: Some(400),
        ..TOKEN_COLUMNS[0]
    },
    Column {
        max_len: Some(400),
        ..TOKEN_COLUMNS[1]
    },
    TOKEN_COLUMNS[2],
];
static WIDE_TOKENS: Table = Table {
    columns: &WIDE_TOKEN_COLUMNS,
    key_naming: crate::descriptor::KeyNaming::Postgres,
    keys: crate::descriptor::Keys::DERIVED,
    ..TOKENS
};

#[test]
fn mysql_key_over_the_byte_budget() {
    let message = schema_error(create_tables(
        &[&WIDE_TOKENS],
        Dialect::MySql,
        CreateOptions::default(),
    ));
    assert_eq!(
        message,
        "index `verification_tokens_pkey` on `verification_tokens` needs 3200 bytes, over \
         MySQL's 3072-byte limit (utf8mb4 strings count 4 bytes per character): lower the \
         `max_len` of its string columns"
    );
    for dialect in [Dialect::Sqlite, Dialect::Postgres] {
        assert!(create_tables(&[&WIDE_TOKENS], dialect, CreateOptions::default()).is_ok());
    }
}

static JSON_KEY_COLUMNS: [Column; 2] = [
    id(col("id", ColumnType::Int64), IdStrategy::AutoIncrement),
    Column {
        unique: true,
        ..col("settings", ColumnType::Json)
    },
];

#[test]
fn mysql_cannot_index_json() {
    let table: &'static Table = Box::leak(Box::new(Table {
        name: "prefs",
        type_name: "Prefs",
        role: Role::Account,
        columns: &JSON_KEY_COLUMNS,
        key_naming: crate::descriptor::KeyNaming::Postgres,
        keys: crate::descriptor::Keys::DERIVED,
    }));
    let message = schema_error(create_tables(
        &[table],
        Dialect::MySql,
        CreateOptions::default(),
    ));
    assert!(message.contains("`prefs_settings_key`"), "{message}");
    assert!(message.contains("json column `settings`"), "{message}");
}

fn leak_table(name: &'static str, columns: Vec<Column>) -> &'static Table {
    Box::leak(Box::new(Table {
        name,
        type_name: "Custom",
        role: Role::User,
        columns: Box::leak(columns.into_boxed_slice()),
        key_naming: crate::descriptor::KeyNaming::Postgres,
        keys: crate::descriptor::Keys::DERIVED,
    }))
}

#[test]
fn invalid_identifiers() {
    let id_column = || {
        id(
            role(col("id", ColumnType::Uuid), RoleField::UserId),
            IdStrategy::UuidV4,
        )
    };
    let long = "a_rather_long_table_name_that_goes_on_and_on_past_sixty_three_bytes";
    let cases: [(&'static str, Column, &str); 6] = [
        ("", id_column(), "the table name of `Custom` `` is empty"),
        ("us\"ers", id_column(), "contains a quote character"),
        (
            "users",
            col("na`me", ColumnType::Text),
            "column name of `Custom::na`me`",
        ),
        (
            "users",
            col("nul\0", ColumnType::Text),
            "contains a NUL character",
        ),
        ("users", col("", ColumnType::Text), "is empty"),
        (long, id_column(), "is longer than 63 bytes"),
    ];
    for (table, column, expected) in cases {
        let table = leak_table(table, vec![id_column(), column]);
        for dialect in Dialect::ALL {
            let message = schema_error(create_tables(&[table], dialect, CreateOptions::default()));
            assert!(message.contains(expected), "{message:?} lacks {expected:?}");
        }
    }
    // A generated name over the limit: the table and column names fit, the index name does not.
    let email = "an_email_column_with_a_name_long_enough_to_overflow_that";
    let table = leak_table(
        "users",
        vec![
            id_column(),
            role(col(email, ColumnType::Text), RoleField::UserEmail),
        ],
    );
    let message = schema_error(create_tables(
        &[table],
        Dialect::Sqlite,
        CreateOptions::default(),
    ));
    assert!(
        message.starts_with("the index name on `users`"),
        "{message}"
    );
}

#[test]
fn drop_escapes_what_create_refuses() {
    let table = leak_table("us\"ers", vec![col("id", ColumnType::Uuid)]);
    assert_eq!(
        drop_tables(&[table], Dialect::Postgres),
        ["DROP TABLE IF EXISTS \"us\"\"ers\""]
    );
}

#[test]
fn foreign_key_takes_the_referenced_type() {
    static TEXT_USER_COLUMNS: [Column; 2] = [
        Column {
            max_len: Some(64),
            ..id(
                role(col("id", ColumnType::Text), RoleField::UserId),
                IdStrategy::Provided,
            )
        },
        role(col("email", ColumnType::Text), RoleField::UserEmail),
    ];
    static TEXT_USERS: Table = Table {
        columns: &TEXT_USER_COLUMNS,
        key_naming: crate::descriptor::KeyNaming::Postgres,
        keys: crate::descriptor::Keys::DERIVED,
        ..USERS
    };
    static TEXT_SESSION_COLUMNS: [Column; 3] = [
        role(
            col("session_token", ColumnType::Text),
            RoleField::SessionToken,
        ),
        role(col("user_id", ColumnType::Text), RoleField::SessionUserId),
        role(
            col("expires", ColumnType::Timestamp),
            RoleField::SessionExpires,
        ),
    ];
    static TEXT_SESSIONS: Table = Table {
        columns: &TEXT_SESSION_COLUMNS,
        key_naming: crate::descriptor::KeyNaming::Postgres,
        keys: crate::descriptor::Keys::DERIVED,
        ..SESSIONS
    };
    let mysql = create_tables(
        &[&TEXT_USERS, &TEXT_SESSIONS],
        Dialect::MySql,
        Default::default(),
    )
    .unwrap();
    assert!(
        mysql[0].contains("`id` varchar(64) NOT NULL PRIMARY KEY"),
        "{}",
        mysql[0]
    );
    assert!(
        mysql[1].contains("`user_id` varchar(64) NOT NULL"),
        "{}",
        mysql[1]
    );
    assert!(mysql[1].contains("`session_token` varchar(255) NOT NULL PRIMARY KEY"));

    // A uuid column cannot reference a text key.
    let message = schema_error(create_tables(
        &[&TEXT_USERS, &SESSIONS],
        Dialect::Sqlite,
        CreateOptions::default(),
    ));
    assert!(message.starts_with("`sessions.user_id` is Uuid but references `users.id`"));
    // Nor can anything reference a user table that is not there.
    let message = schema_error(create_tables(
        &[&SESSIONS],
        Dialect::Sqlite,
        Default::default(),
    ));
    assert!(message.contains("not in the schema"), "{message}");
}

#[test]
fn autoincrement_ids() {
    static COLUMNS: [Column; 2] = [
        id(
            role(col("id", ColumnType::Int64), RoleField::UserId),
            IdStrategy::AutoIncrement,
        ),
        role(col("email", ColumnType::Text), RoleField::UserEmail),
    ];
    static INT_USERS: Table = Table {
        columns: &COLUMNS,
        key_naming: crate::descriptor::KeyNaming::Postgres,
        keys: crate::descriptor::Keys::DERIVED,
        ..USERS
    };
    let expected = [
        "\"id\" integer NOT NULL PRIMARY KEY AUTOINCREMENT,",
        "\"id\" bigint NOT NULL PRIMARY KEY GENERATED BY DEFAULT AS IDENTITY,",
        "`id` bigint NOT NULL PRIMARY KEY AUTO_INCREMENT,",
    ];
    for (dialect, expected) in Dialect::ALL.into_iter().zip(expected) {
        let sql = create_tables(&[&INT_USERS], dialect, Default::default()).unwrap();
        assert!(sql[0].contains(expected), "{dialect}: {}", sql[0]);
    }

    let text_id = leak_table(
        "users",
        vec![id(
            role(col("id", ColumnType::Text), RoleField::UserId),
            IdStrategy::AutoIncrement,
        )],
    );
    let message = schema_error(create_tables(
        &[text_id],
        Dialect::Postgres,
        Default::default(),
    ));
    assert!(message.contains("must be an integer"), "{message}");
}

#[test]
fn defaults_per_dialect() {
    let text = |default, ty| Column {
        default: Some(default),
        ..col("c", ty)
    };
    let cases = [
        (
            text(DefaultValue::Text("it's, \\ (odd)"), ColumnType::Text),
            [
                "\"c\" text NOT NULL DEFAULT 'it''s, \\ (odd)'",
                "\"c\" text NOT NULL DEFAULT E'it\\'s, \\\\ (odd)'",
                "`c` varchar(255) NOT NULL DEFAULT 'it\\'s, \\\\ (odd)'",
            ],
        ),
        (
            text(DefaultValue::Bool(true), ColumnType::Bool),
            [
                "\"c\" integer NOT NULL DEFAULT 1",
                "\"c\" boolean NOT NULL DEFAULT TRUE",
                "`c` boolean NOT NULL DEFAULT TRUE",
            ],
        ),
        (
            text(
                DefaultValue::Text("2024-05-06T07:08:09.123456+02:00"),
                ColumnType::Timestamp,
            ),
            [
                "\"c\" text NOT NULL DEFAULT '2024-05-06T05:08:09.123Z'",
                "\"c\" timestamptz NOT NULL DEFAULT '2024-05-06T05:08:09.123Z'",
                "`c` datetime(3) NOT NULL DEFAULT '2024-05-06 05:08:09.123'",
            ],
        ),
        (
            text(DefaultValue::Text("{\"a\": 1}"), ColumnType::Json),
            [
                "\"c\" text NOT NULL DEFAULT '{\"a\": 1}'",
                "\"c\" jsonb NOT NULL DEFAULT '{\"a\": 1}'",
                "`c` json NOT NULL DEFAULT ('{\\\"a\\\": 1}')",
            ],
        ),
    ];
    for (column, expected) in cases {
        let table = leak_table(
            "users",
            vec![
                id(
                    role(col("id", ColumnType::Uuid), RoleField::UserId),
                    IdStrategy::UuidV4,
                ),
                column,
            ],
        );
        for (dialect, expected) in Dialect::ALL.into_iter().zip(expected) {
            let sql = create_tables(&[table], dialect, Default::default()).unwrap();
            assert!(
                sql[0].contains(expected),
                "{dialect}: {} lacks {expected}",
                sql[0]
            );
        }
    }

    for (default, ty, reason) in [
        (
            DefaultValue::Text("soon"),
            ColumnType::Timestamp,
            "not an RFC 3339 instant",
        ),
        (
            DefaultValue::Int(1 << 40),
            ColumnType::Int32,
            "does not fit a 32-bit integer",
        ),
        (
            DefaultValue::Float(f64::NAN),
            ColumnType::Float64,
            "not a finite number",
        ),
        (
            DefaultValue::Bool(true),
            ColumnType::Text,
            "a boolean default does not fit a Text",
        ),
        (DefaultValue::Text("{"), ColumnType::Json, "is not JSON"),
    ] {
        let table = leak_table(
            "users",
            vec![
                id(
                    role(col("id", ColumnType::Uuid), RoleField::UserId),
                    IdStrategy::UuidV4,
                ),
                text(default, ty),
            ],
        );
        let message = schema_error(create_tables(&[table], Dialect::Sqlite, Default::default()));
        assert!(message.starts_with("default of `users.c`:"), "{message}");
        assert!(message.contains(reason), "{message} lacks {reason}");
    }
}

#[cfg(feature = "sqlite")]
#[test]
fn sqlite_runs_the_statements() {
    let connection = rusqlite::Connection::open_in_memory().unwrap();
    connection
        .execute_batch("PRAGMA foreign_keys = ON")
        .unwrap();
    let tables = [&USERS, &SESSIONS, &TOKENS];
    for _ in 0..2 {
        let options = CreateOptions::default().if_not_exists(true);
        for statement in create_tables(&tables, Dialect::Sqlite, options).unwrap() {
            connection.execute_batch(&statement).unwrap();
        }
    }
    connection
        .execute_batch(
            "INSERT INTO users (id, email) VALUES ('u1', 'a@example.com');
             INSERT INTO sessions (id, session_token, user_id, expires)
                 VALUES ('s1', 't1', 'u1', '2030-01-01T00:00:00.000Z');
             DELETE FROM users WHERE id = 'u1';",
        )
        .unwrap();
    let sessions: i64 = connection
        .query_row("SELECT count(*) FROM sessions", [], |row| row.get(0))
        .unwrap();
    assert_eq!(sessions, 0, "deleting the user cascades to its sessions");
    for statement in drop_tables(&tables, Dialect::Sqlite) {
        connection.execute_batch(&statement).unwrap();
    }
    let left: i64 = connection
        .query_row("SELECT count(*) FROM sqlite_schema", [], |row| row.get(0))
        .unwrap();
    assert_eq!(left, 0);
}

#[test]
fn a_declared_key_on_a_missing_column_is_a_schema_error() {
    use crate::descriptor::{DeclaredKey, Keys};
    for keys in [
        Keys {
            indexes: &[DeclaredKey {
                name: None,
                columns: &["nope"],
            }],
            ..Keys::DERIVED
        },
        Keys {
            primary: &["id", "nope"],
            ..Keys::DERIVED
        },
        Keys {
            unique: &[DeclaredKey {
                name: Some("users_empty_key"),
                columns: &[],
            }],
            ..Keys::DERIVED
        },
    ] {
        let table: &'static Table = Box::leak(Box::new(Table { keys, ..USERS }));
        // The queries never panic on it; the DDL refuses it.
        let _ = (
            table.unique_keys(),
            table.indexes(),
            table.recommended_keys(),
        );
        let message = schema_error(create_tables(
            &[table],
            Dialect::Postgres,
            CreateOptions::default(),
        ));
        assert!(message.contains("declares a key"), "{message}");
    }
}

#[test]
fn exact_keys_create_only_the_declared_keys() {
    use crate::descriptor::{DeclaredKey, Keys};
    static SESSIONS_EXACT: Table = Table {
        keys: Keys {
            indexes: &[DeclaredKey {
                name: Some("Session_userId_index"),
                columns: &["user_id"],
            }],
            exact: true,
            foreign_key: false,
            ..Keys::DERIVED
        },
        ..SESSIONS
    };
    let sql = create_tables(
        &[&USERS, &SESSIONS_EXACT],
        Dialect::Postgres,
        CreateOptions::default(),
    )
    .unwrap()
    .join(";\n");
    assert!(
        sql.contains(r#"CREATE INDEX "Session_userId_index""#),
        "{sql}"
    );
    assert!(!sql.contains("sessions_session_token_key"), "{sql}");
    assert!(!sql.contains("REFERENCES"), "{sql}");
    // The users table keeps its derived keys: it declares none.
    assert!(sql.contains("users_email_key"), "{sql}");
}
