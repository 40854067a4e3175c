//! PostgreSQL and MariaDB under real conditions (issue 9): `synchronize` never touches another
//! application's table. A `sessions` table without the models' columns is refused, typed,
//! before anything is created, and that application's next insert still works.
//!
//! Needs the servers of scripts/test (`PG_URL`, `MYSQL_URL`; see tests/common).

mod common;

use authmodel::Error;
use authmodel::models::DefaultSchema;
use authmodel::sql::{Options, SqlAdapter};
use common::{Server, fresh_database};
use sqlx::{AssertSqlSafe, Connection};

async fn run(url: &str, statements: &[String]) -> Vec<String> {
    let mut out = Vec::new();
    if url.starts_with("postgres") {
        let mut connection = sqlx::PgConnection::connect(url).await.unwrap();
        for sql in statements {
            let rows: Vec<(String,)> = sqlx::query_as(AssertSqlSafe(sql.clone()))
                .fetch_all(&mut connection)
                .await
                .unwrap_or_else(|e| panic!("{sql}: {e}"));
            out.extend(rows.into_iter().map(|(name,)| name));
        }
    } else {
        let mut connection = sqlx::MySqlConnection::connect(url).await.unwrap();
        for sql in statements {
            let rows: Vec<(String,)> = sqlx::query_as(AssertSqlSafe(sql.clone()))
                .fetch_all(&mut connection)
                .await
                .unwrap_or_else(|e| panic!("{sql}: {e}"));
            out.extend(rows.into_iter().map(|(name,)| name));
        }
    }
    out
}

fn insert(sid: &str) -> String {
    format!("INSERT INTO sessions (sid, sess, expired) VALUES ('{sid}', '{{}}', 0)")
}

#[tokio::test]
async fn synchronize_refuses_another_applications_table_and_creates_nothing() {
    for server in Server::ALL {
        for rows in [1, 2] {
            let Some(url) = fresh_database(server, "foreign_sessions").await else {
                continue;
            };
            let mut setup = vec![
                "CREATE TABLE sessions (sid VARCHAR(64) PRIMARY KEY, sess TEXT NOT NULL, \
                 expired BIGINT NOT NULL)"
                    .to_owned(),
            ];
            setup.extend((0..rows).map(|i| insert(&format!("sid-{i}"))));
            run(&url, &setup).await;

            let error =
                SqlAdapter::<DefaultSchema>::connect(&url, Options::default().synchronize(true))
                    .await
                    .expect_err("a foreign `sessions` table must be refused");
            match &error {
                Error::ForeignTable { table, missing } => {
                    assert_eq!(table, "sessions", "{server:?}");
                    assert_eq!(missing, &["id", "session_token", "user_id", "expires"]);
                }
                other => panic!("{server:?}, {rows} rows: {other:?}"),
            }

            run(&url, &[insert("next")]).await;
            let (tables, indexes) = match server {
                Server::Postgres => (
                    "SELECT tablename::text FROM pg_tables WHERE schemaname = current_schema()",
                    "SELECT indexname::text FROM pg_indexes WHERE schemaname = current_schema() \
                     ORDER BY indexname",
                ),
                Server::MySql => (
                    "SELECT CAST(TABLE_NAME AS CHAR) FROM information_schema.TABLES \
                     WHERE TABLE_SCHEMA = DATABASE()",
                    "SELECT DISTINCT CAST(INDEX_NAME AS CHAR) FROM information_schema.STATISTICS \
                     WHERE TABLE_SCHEMA = DATABASE() ORDER BY 1",
                ),
            };
            assert_eq!(run(&url, &[tables.to_owned()]).await, ["sessions"]);
            let expected = match server {
                Server::Postgres => "sessions_pkey",
                Server::MySql => "PRIMARY",
            };
            assert_eq!(run(&url, &[indexes.to_owned()]).await, [expected]);
            let count = "SELECT CAST(count(*) AS CHAR) FROM sessions".to_owned();
            let count = match server {
                Server::Postgres => count.replace("CHAR", "TEXT"),
                Server::MySql => count,
            };
            assert_eq!(run(&url, &[count]).await, [(rows + 1).to_string()]);
        }
    }
}

/// The servers compare table names as they store them: a foreign `session` is another table
/// than the Prisma layout's `Session` on PostgreSQL, and on MySQL when
/// `lower_case_table_names = 0` (Linux's default); with that setting on, it is the same table,
/// and refused.
#[tokio::test]
async fn a_table_named_in_another_case_is_refused_only_where_it_is_the_same_table() {
    for server in Server::ALL {
        let Some(url) = fresh_database(server, "foreign_case").await else {
            continue;
        };
        let create = "CREATE TABLE session (sid VARCHAR(64) PRIMARY KEY, sess TEXT NOT NULL, \
                      expired BIGINT NOT NULL)";
        run(&url, &[create.to_owned()]).await;
        let same_table = match server {
            Server::Postgres => false,
            Server::MySql => {
                let setting = "SELECT CAST(@@lower_case_table_names AS CHAR)".to_owned();
                run(&url, &[setting]).await != ["0"]
            }
        };
        let connected = SqlAdapter::<authmodel::compat::prisma::PrismaAuth>::connect(
            &url,
            Options::default().synchronize(true),
        )
        .await;
        match (same_table, connected) {
            (false, Ok(_)) => {}
            (true, Err(Error::ForeignTable { missing, .. })) => {
                assert!(missing.contains(&"sessionToken".to_owned()), "{missing:?}")
            }
            (same_table, other) => panic!("{server:?}, same table: {same_table}: {other:?}"),
        }
    }
}
