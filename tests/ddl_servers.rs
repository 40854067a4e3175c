//! The DDL on real servers: `ddl::create_statements` for the default and the extended schema
//! run on PostgreSQL and MariaDB in a fresh database, then the catalog read back — column
//! types and nullability, primary keys, unique and plain indexes (names, columns, no prefix
//! or hash indexes on MySQL), foreign keys that cascade (and do cascade), the binary collation
//! on MySQL — and `ddl::drop_statements` leaving nothing behind.
//!
//! Entry points: one test per schema and server. Servers come from `PG_URL` / `MYSQL_URL`
//! (scripts/test starts them); a missing one skips loudly, or fails under `CI=true`.

mod common;
#[path = "common/schemas.rs"]
mod schemas;

use authmodel::ddl::{self, CreateOptions};
use authmodel::models::DefaultSchema;
use authmodel::{Dialect, MySqlFlavour, Schema};
use common::{Server, fresh_database};
use schemas::Extended;
use sqlx::{Connection, MySqlConnection, PgConnection};

/// A column as a dialect declares it: name, type per dialect, nullable.
struct Col {
    name: &'static str,
    postgres: &'static str,
    mysql: &'static str,
    nullable: bool,
}

const fn col(name: &'static str, postgres: &'static str, mysql: &'static str) -> Col {
    Col {
        name,
        postgres,
        mysql,
        nullable: false,
    }
}

const fn null(name: &'static str, postgres: &'static str, mysql: &'static str) -> Col {
    Col {
        name,
        postgres,
        mysql,
        nullable: true,
    }
}

const UUID: (&str, &str) = ("uuid", "char(36)");
const TEXT: (&str, &str) = ("text", "text");
// Text in a key: unbounded on PostgreSQL, bounded (the key budget) on MySQL.
const KEYED: (&str, &str) = ("text", "varchar(255)");
const INSTANT: (&str, &str) = ("timestamp with time zone", "datetime(3)");
const BIGINT: (&str, &str) = ("bigint", "bigint");
const BOOL: (&str, &str) = ("boolean", "tinyint(1)");

/// What a table should be, dialect-neutral where the dialects agree.
struct Expected {
    table: &'static str,
    columns: Vec<Col>,
    primary_key: &'static [&'static str],
    /// `(name, unique, columns)`, sorted by name; the primary key's index excluded.
    indexes: Vec<(&'static str, bool, &'static [&'static str])>,
    /// Whether `user_id` references `users (id)` with `ON DELETE CASCADE`.
    references_user: bool,
}

fn expected(extended: bool) -> Vec<Expected> {
    let c = |name, (pg, my): (&'static str, &'static str)| col(name, pg, my);
    let n = |name, (pg, my): (&'static str, &'static str)| null(name, pg, my);
    let mut users = vec![
        c("id", UUID),
        n("name", TEXT),
        c("email", KEYED),
        n("email_verified", INSTANT),
        n("image", TEXT),
    ];
    let mut user_indexes = vec![("users_email_key", true, &["email"][..])];
    if extended {
        users.push(c("role", KEYED));
        users.push(n("phone", ("character varying(20)", "varchar(20)")));
        user_indexes.push(("users_phone_idx", false, &["phone"][..]));
    }
    vec![
        Expected {
            table: "users",
            columns: users,
            primary_key: &["id"],
            indexes: user_indexes,
            references_user: false,
        },
        Expected {
            table: "accounts",
            columns: vec![
                c("id", UUID),
                c("user_id", UUID),
                c("type", TEXT),
                c("provider", KEYED),
                c("provider_account_id", KEYED),
                n("refresh_token", TEXT),
                n("access_token", TEXT),
                n("expires_at", BIGINT),
                n("token_type", TEXT),
                n("scope", TEXT),
                n("id_token", TEXT),
                n("session_state", TEXT),
            ],
            primary_key: &["id"],
            indexes: vec![
                (
                    "accounts_provider_provider_account_id_key",
                    true,
                    &["provider", "provider_account_id"],
                ),
                ("accounts_user_id_idx", false, &["user_id"]),
            ],
            references_user: true,
        },
        Expected {
            table: "sessions",
            columns: vec![
                c("id", UUID),
                c("session_token", KEYED),
                c("user_id", UUID),
                c("expires", INSTANT),
            ],
            primary_key: &["id"],
            indexes: vec![
                ("sessions_session_token_key", true, &["session_token"]),
                ("sessions_user_id_idx", false, &["user_id"]),
            ],
            references_user: true,
        },
        Expected {
            table: "verification_tokens",
            columns: vec![
                c("identifier", KEYED),
                c("token", KEYED),
                c("expires", INSTANT),
            ],
            primary_key: &["identifier", "token"],
            indexes: vec![],
            references_user: false,
        },
        Expected {
            table: "authenticators",
            columns: vec![
                c("credential_id", KEYED),
                c("user_id", UUID),
                c("provider_account_id", TEXT),
                c("credential_public_key", TEXT),
                c("counter", BIGINT),
                c("credential_device_type", TEXT),
                c("credential_backed_up", BOOL),
                n("transports", TEXT),
            ],
            primary_key: &["credential_id"],
            indexes: vec![("authenticators_user_id_idx", false, &["user_id"])],
            references_user: true,
        },
    ]
}

/// A table as the catalog reports it, in the same terms as [`Expected`].
#[derive(Debug, PartialEq)]
struct Shape {
    /// `(name, type, nullable)` in declaration order.
    columns: Vec<(String, String, bool)>,
    /// `(constraint name, columns in key order)`.
    primary_key: (String, Vec<String>),
    /// `(name, unique, columns)`, sorted by name.
    indexes: Vec<(String, bool, Vec<String>)>,
    /// `(name, column, referenced table, referenced column, on delete)`.
    foreign_keys: Vec<(String, String, String, String, String)>,
}

fn owned(names: &[&str]) -> Vec<String> {
    names.iter().map(|s| s.to_string()).collect()
}

impl Expected {
    fn shape(&self, dialect: Dialect) -> Shape {
        let primary_name = match dialect {
            Dialect::MySql => "PRIMARY".to_owned(),
            _ => format!("{}_pkey", self.table),
        };
        let foreign_keys = match self.references_user {
            true => vec![(
                format!("{}_user_id_fkey", self.table),
                "user_id".to_owned(),
                "users".to_owned(),
                "id".to_owned(),
                "CASCADE".to_owned(),
            )],
            false => vec![],
        };
        Shape {
            columns: self
                .columns
                .iter()
                .map(|c| {
                    let ty = match dialect {
                        Dialect::MySql => c.mysql,
                        _ => c.postgres,
                    };
                    (c.name.to_owned(), ty.to_owned(), c.nullable)
                })
                .collect(),
            primary_key: (primary_name, owned(self.primary_key)),
            indexes: self
                .indexes
                .iter()
                .map(|(name, unique, columns)| (name.to_string(), *unique, owned(columns)))
                .collect(),
            foreign_keys,
        }
    }
}

// ---------------------------------------------------------------------------------------
// PostgreSQL

async fn pg_shape(conn: &mut PgConnection, table: &str) -> Shape {
    let columns: Vec<(String, String, bool)> = sqlx::query_as(
        "SELECT attname::text, format_type(atttypid, atttypmod), NOT attnotnull
         FROM pg_attribute
         WHERE attrelid = $1::regclass AND attnum > 0 AND NOT attisdropped
         ORDER BY attnum",
    )
    .bind(table)
    .fetch_all(&mut *conn)
    .await
    .unwrap();
    let indexes: Vec<(String, bool, bool, Vec<String>)> = sqlx::query_as(
        "SELECT i.relname::text, x.indisunique, x.indisprimary,
                array_agg(a.attname::text ORDER BY k.ord)
         FROM pg_index x
         JOIN pg_class i ON i.oid = x.indexrelid
         CROSS JOIN LATERAL unnest(x.indkey::int2[]) WITH ORDINALITY AS k(attnum, ord)
         JOIN pg_attribute a ON a.attrelid = x.indrelid AND a.attnum = k.attnum
         WHERE x.indrelid = $1::regclass
         GROUP BY i.relname, x.indisunique, x.indisprimary
         ORDER BY i.relname",
    )
    .bind(table)
    .fetch_all(&mut *conn)
    .await
    .unwrap();
    let foreign_keys: Vec<(String, String, String, String, String)> = sqlx::query_as(
        "SELECT c.conname::text, a.attname::text, r.relname::text, ra.attname::text,
                CASE c.confdeltype WHEN 'c' THEN 'CASCADE' WHEN 'a' THEN 'NO ACTION'
                     WHEN 'r' THEN 'RESTRICT' WHEN 'n' THEN 'SET NULL' ELSE 'SET DEFAULT' END
         FROM pg_constraint c
         JOIN pg_class r ON r.oid = c.confrelid
         JOIN pg_attribute a ON a.attrelid = c.conrelid AND a.attnum = c.conkey[1]
         JOIN pg_attribute ra ON ra.attrelid = c.confrelid AND ra.attnum = c.confkey[1]
         WHERE c.contype = 'f' AND c.conrelid = $1::regclass AND cardinality(c.conkey) = 1
         ORDER BY c.conname",
    )
    .bind(table)
    .fetch_all(&mut *conn)
    .await
    .unwrap();
    let (primary, indexes): (Vec<_>, Vec<_>) = indexes.into_iter().partition(|i| i.2);
    let [(primary_name, _, _, primary_columns)] = <[_; 1]>::try_from(primary)
        .unwrap_or_else(|p| panic!("{table}: one primary key expected, found {p:?}"));
    Shape {
        columns,
        primary_key: (primary_name, primary_columns),
        indexes: indexes.into_iter().map(|(n, u, _, c)| (n, u, c)).collect(),
        foreign_keys,
    }
}

async fn pg_count(conn: &mut PgConnection, sql: &'static str) -> i64 {
    sqlx::query_scalar(sql).fetch_one(conn).await.unwrap()
}

async fn pg_run(conn: &mut PgConnection, statements: &[String]) -> Result<(), sqlx::Error> {
    for statement in statements {
        sqlx::raw_sql(sqlx::AssertSqlSafe(statement.clone()))
            .execute(&mut *conn)
            .await?;
    }
    Ok(())
}

async fn check_postgres<S: Schema>(label: &str, extended: bool) {
    let Some(url) = fresh_database(Server::Postgres, label).await else {
        return;
    };
    let mut conn = PgConnection::connect(&url).await.unwrap();
    let create = ddl::create_statements::<S>(Dialect::Postgres, CreateOptions::default()).unwrap();
    pg_run(&mut conn, &create).await.unwrap();
    // Plain CREATE refuses what exists; IF NOT EXISTS (the adapter's synchronize), twice, not.
    assert!(pg_run(&mut conn, &create[..1]).await.is_err());
    let again = CreateOptions::default().if_not_exists(true);
    let again = ddl::create_statements::<S>(Dialect::Postgres, again).unwrap();
    pg_run(&mut conn, &again).await.unwrap();
    pg_run(&mut conn, &again).await.unwrap();

    for table in expected(extended) {
        let shape = pg_shape(&mut conn, table.table).await;
        assert_eq!(shape, table.shape(Dialect::Postgres), "{}", table.table);
    }
    if extended {
        let default: Option<String> = sqlx::query_scalar(
            "SELECT pg_get_expr(d.adbin, d.adrelid) FROM pg_attrdef d
             JOIN pg_attribute a ON a.attrelid = d.adrelid AND a.attnum = d.adnum
             WHERE d.adrelid = 'users'::regclass AND a.attname = 'role'",
        )
        .fetch_optional(&mut conn)
        .await
        .unwrap();
        assert_eq!(default.as_deref(), Some("'user'::text"));
    }

    // The cascade works, not only exists.
    let user = uuid::Uuid::new_v4();
    sqlx::query("INSERT INTO users (id, email) VALUES ($1, 'a@example.com')")
        .bind(user)
        .execute(&mut conn)
        .await
        .unwrap();
    sqlx::query(
        "INSERT INTO sessions (id, session_token, user_id, expires) VALUES ($1, 't', $2, now())",
    )
    .bind(uuid::Uuid::new_v4())
    .bind(user)
    .execute(&mut conn)
    .await
    .unwrap();
    sqlx::query("DELETE FROM users WHERE id = $1")
        .bind(user)
        .execute(&mut conn)
        .await
        .unwrap();
    assert_eq!(
        pg_count(&mut conn, "SELECT count(*) FROM sessions").await,
        0
    );

    let drop = ddl::drop_statements::<S>(Dialect::Postgres);
    pg_run(&mut conn, &drop).await.unwrap();
    // Tables, their indexes and any sequence: nothing left in the schema.
    let left = "SELECT count(*) FROM pg_class WHERE relnamespace = 'public'::regnamespace";
    assert_eq!(pg_count(&mut conn, left).await, 0);
    // IF EXISTS: dropping again is fine.
    pg_run(&mut conn, &drop).await.unwrap();
}

#[tokio::test]
async fn default_schema_on_postgres() {
    check_postgres::<DefaultSchema>("ddl_default", false).await;
}

#[tokio::test]
async fn extended_schema_on_postgres() {
    check_postgres::<Extended>("ddl_extended", true).await;
}

// ---------------------------------------------------------------------------------------
// MySQL / MariaDB

/// MariaDB reports integer display widths (`bigint(20)`), MySQL 8 does not: compare without
/// them, keeping `tinyint(1)`, which is how both spell a boolean.
fn mysql_type(ty: String) -> String {
    match ty.split_once('(') {
        Some((base @ ("bigint" | "int" | "smallint"), _)) => base.to_owned(),
        _ => ty,
    }
}

async fn mysql_shape(conn: &mut MySqlConnection, table: &str) -> Shape {
    let columns: Vec<(String, String, String)> = sqlx::query_as(
        "SELECT CAST(COLUMN_NAME AS CHAR), CAST(COLUMN_TYPE AS CHAR), CAST(IS_NULLABLE AS CHAR)
         FROM information_schema.COLUMNS
         WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = ?
         ORDER BY ORDINAL_POSITION",
    )
    .bind(table)
    .fetch_all(&mut *conn)
    .await
    .unwrap();
    // One row per indexed column, with what would betray a weaker index than declared: a
    // prefix (SUB_PART) or a hash.
    let rows: Vec<(String, i64, String, Option<i64>, String)> = sqlx::query_as(
        "SELECT CAST(INDEX_NAME AS CHAR), CAST(NON_UNIQUE AS SIGNED), CAST(COLUMN_NAME AS CHAR),
                CAST(SUB_PART AS SIGNED), CAST(INDEX_TYPE AS CHAR)
         FROM information_schema.STATISTICS
         WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = ?
         ORDER BY INDEX_NAME, SEQ_IN_INDEX",
    )
    .bind(table)
    .fetch_all(&mut *conn)
    .await
    .unwrap();
    let foreign_keys: Vec<(String, String, String, String, String)> = sqlx::query_as(
        "SELECT CAST(k.CONSTRAINT_NAME AS CHAR), CAST(k.COLUMN_NAME AS CHAR),
                CAST(k.REFERENCED_TABLE_NAME AS CHAR), CAST(k.REFERENCED_COLUMN_NAME AS CHAR),
                CAST(r.DELETE_RULE AS CHAR)
         FROM information_schema.KEY_COLUMN_USAGE k
         JOIN information_schema.REFERENTIAL_CONSTRAINTS r
           ON r.CONSTRAINT_SCHEMA = k.CONSTRAINT_SCHEMA AND r.CONSTRAINT_NAME = k.CONSTRAINT_NAME
          AND r.TABLE_NAME = k.TABLE_NAME
         WHERE k.TABLE_SCHEMA = DATABASE() AND k.TABLE_NAME = ?
           AND k.REFERENCED_TABLE_NAME IS NOT NULL
         ORDER BY k.CONSTRAINT_NAME",
    )
    .bind(table)
    .fetch_all(&mut *conn)
    .await
    .unwrap();

    let mut primary = (String::new(), Vec::new());
    let mut indexes: Vec<(String, bool, Vec<String>)> = Vec::new();
    for (name, non_unique, column, sub_part, index_type) in rows {
        assert_eq!(sub_part, None, "{table}.{name}: a prefix index on {column}");
        assert_eq!(index_type, "BTREE", "{table}.{name}");
        if name == "PRIMARY" {
            primary.0 = name;
            primary.1.push(column);
            continue;
        }
        match indexes.last_mut() {
            Some(last) if last.0 == name => last.2.push(column),
            _ => indexes.push((name, non_unique == 0, vec![column])),
        }
    }
    Shape {
        columns: columns
            .into_iter()
            .map(|(name, ty, nullable)| (name, mysql_type(ty), nullable == "YES"))
            .collect(),
        primary_key: primary,
        indexes,
        foreign_keys,
    }
}

async fn mysql_run(conn: &mut MySqlConnection, statements: &[String]) -> Result<(), sqlx::Error> {
    for statement in statements {
        sqlx::raw_sql(sqlx::AssertSqlSafe(statement.clone()))
            .execute(&mut *conn)
            .await?;
    }
    Ok(())
}

async fn mysql_count(conn: &mut MySqlConnection, sql: &'static str) -> i64 {
    sqlx::query_scalar(sql).fetch_one(conn).await.unwrap()
}

async fn check_mysql<S: Schema>(label: &str, extended: bool) {
    let Some(url) = fresh_database(Server::MySql, label).await else {
        return;
    };
    let mut conn = MySqlConnection::connect(&url).await.unwrap();
    // The test server is MariaDB, whose NO PAD binary collation has its own name.
    let mariadb = CreateOptions::default().flavour(MySqlFlavour::MariaDb);
    let create = ddl::create_statements::<S>(Dialect::MySql, mariadb).unwrap();
    mysql_run(&mut conn, &create).await.unwrap();
    assert!(mysql_run(&mut conn, &create[..1]).await.is_err());
    let again = mariadb.if_not_exists(true);
    let again = ddl::create_statements::<S>(Dialect::MySql, again).unwrap();
    mysql_run(&mut conn, &again).await.unwrap();
    mysql_run(&mut conn, &again).await.unwrap();

    for table in expected(extended) {
        let shape = mysql_shape(&mut conn, table.table).await;
        assert_eq!(shape, table.shape(Dialect::MySql), "{}", table.table);
    }

    // InnoDB (foreign keys, transactions) and a binary collation on every text column, so
    // tokens and emails compare exactly, whatever the server's default.
    let tables: Vec<(String, String)> = sqlx::query_as(
        "SELECT CAST(TABLE_NAME AS CHAR), CAST(ENGINE AS CHAR) FROM information_schema.TABLES
         WHERE TABLE_SCHEMA = DATABASE() ORDER BY TABLE_NAME",
    )
    .fetch_all(&mut conn)
    .await
    .unwrap();
    assert_eq!(tables.len(), 5, "{tables:?}");
    assert!(
        tables.iter().all(|(_, engine)| engine == "InnoDB"),
        "{tables:?}"
    );
    let collations: Vec<(String, String, String)> = sqlx::query_as(
        "SELECT CAST(TABLE_NAME AS CHAR), CAST(COLUMN_NAME AS CHAR),
                CAST(COLLATION_NAME AS CHAR)
         FROM information_schema.COLUMNS
         WHERE TABLE_SCHEMA = DATABASE() AND COLLATION_NAME IS NOT NULL",
    )
    .fetch_all(&mut conn)
    .await
    .unwrap();
    assert!(!collations.is_empty());
    for (table, column, collation) in &collations {
        assert_eq!(collation, "utf8mb4_nopad_bin", "{table}.{column}");
    }
    if extended {
        let default: Option<String> = sqlx::query_scalar(
            "SELECT CAST(COLUMN_DEFAULT AS CHAR) FROM information_schema.COLUMNS
             WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = 'users' AND COLUMN_NAME = 'role'",
        )
        .fetch_one(&mut conn)
        .await
        .unwrap();
        // MariaDB quotes literal defaults, MySQL 8 does not.
        assert!(
            matches!(default.as_deref(), Some("'user'" | "user")),
            "{default:?}"
        );
    }

    let user = uuid::Uuid::new_v4().to_string();
    sqlx::query("INSERT INTO users (id, email) VALUES (?, 'a@example.com')")
        .bind(&user)
        .execute(&mut conn)
        .await
        .unwrap();
    sqlx::query(
        "INSERT INTO sessions (id, session_token, user_id, expires) VALUES (?, 't', ?, NOW(3))",
    )
    .bind(uuid::Uuid::new_v4().to_string())
    .bind(&user)
    .execute(&mut conn)
    .await
    .unwrap();
    sqlx::query("DELETE FROM users WHERE id = ?")
        .bind(&user)
        .execute(&mut conn)
        .await
        .unwrap();
    assert_eq!(
        mysql_count(&mut conn, "SELECT count(*) FROM sessions").await,
        0
    );

    let drop = ddl::drop_statements::<S>(Dialect::MySql);
    mysql_run(&mut conn, &drop).await.unwrap();
    let left = "SELECT count(*) FROM information_schema.TABLES WHERE TABLE_SCHEMA = DATABASE()";
    assert_eq!(mysql_count(&mut conn, left).await, 0);
    mysql_run(&mut conn, &drop).await.unwrap();
}

#[tokio::test]
async fn default_schema_on_mariadb() {
    check_mysql::<DefaultSchema>("ddl_default", false).await;
}

#[tokio::test]
async fn extended_schema_on_mariadb() {
    check_mysql::<Extended>("ddl_extended", true).await;
}
