//! The `authmodel` binary against PostgreSQL and MariaDB: diff, migrate, check and a
//! refused required column, each in a database of its own. Skipped loudly without the
//! servers (failed under `CI=true`); `scripts/test` starts them.

#[path = "../../tests/common/mod.rs"]
mod common;

use std::process::Command;

use common::Server;

fn authmodel(args: &[&str]) -> (i32, String, String) {
    let output = Command::new(env!("CARGO_BIN_EXE_authmodel"))
        .args(args)
        .env_remove("DATABASE_URL")
        .output()
        .expect("the binary runs");
    (
        output.status.code().expect("exited"),
        String::from_utf8_lossy(&output.stdout).into_owned(),
        String::from_utf8_lossy(&output.stderr).into_owned(),
    )
}

#[tokio::test]
async fn migrate_then_check_on_each_server() {
    for server in Server::ALL {
        let Some(url) = common::fresh_database(server, "cli").await else {
            continue;
        };
        let (code, _, _) = authmodel(&["check", "--database-url", &url]);
        assert_eq!(code, 1, "{server:?}: an empty database differs");
        let (code, stdout, stderr) = authmodel(&["migrate", "--database-url", &url]);
        assert_eq!(code, 0, "{server:?}: {stderr}");
        let expected = match server {
            Server::Postgres => "Applied: create 5 tables and 6 indexes (11 statements).",
            Server::MySql => "Applied: create 5 tables (5 statements).",
        };
        assert!(stdout.starts_with(expected), "{server:?}: {stdout}");
        let (code, stdout, _) = authmodel(&["check", "--database-url", &url]);
        assert_eq!(code, 0, "{server:?}: {stdout}");
        assert!(stdout.starts_with("In sync"), "{stdout}");
        let (code, stdout, _) = authmodel(&["diff", "--database-url", &url, "--format", "sql"]);
        assert_eq!(code, 0);
        assert!(stdout.starts_with("-- Nothing"), "{stdout}");
    }
}

#[tokio::test]
async fn a_missing_required_column_on_a_populated_table_is_refused() {
    for server in Server::ALL {
        let Some(url) = common::fresh_database(server, "cli_refused").await else {
            continue;
        };
        let (code, _, stderr) = authmodel(&["migrate", "--database-url", &url]);
        assert_eq!(code, 0, "{stderr}");
        let drop = match server {
            Server::Postgres => {
                "ALTER TABLE sessions DROP COLUMN expires; DROP INDEX accounts_user_id_idx"
            }
            Server::MySql => "ALTER TABLE sessions DROP COLUMN expires",
        };
        let insert = "INSERT INTO users (id, email) VALUES \
                      ('00000000-0000-4000-8000-000000000001', 'a@example.com')";
        let session = "INSERT INTO sessions (id, session_token, user_id) VALUES \
                       ('00000000-0000-4000-8000-000000000002', 't', \
                       '00000000-0000-4000-8000-000000000001')";
        run_sql(server, &url, &format!("{drop}; {insert}; {session}")).await;
        let (code, stdout, stderr) = authmodel(&["migrate", "--database-url", &url]);
        assert_eq!(code, 2, "{server:?}: {stdout}");
        assert!(
            stderr.starts_with(
                "error: migration refused: cannot add `sessions.expires`: it is NOT NULL without \
                 a default and `sessions` has rows"
            ),
            "{server:?}: {stderr}"
        );
        let (_, diff, _) = authmodel(&["diff", "--database-url", &url]);
        let missing = match server {
            Server::Postgres => 2,
            Server::MySql => 1,
        };
        assert_eq!(
            diff.lines()
                .filter(|l| l.starts_with("  needs-backfill") || l.starts_with("  safe"))
                .count(),
            missing,
            "{server:?}: nothing was applied: {diff}"
        );
    }
}

async fn run_sql(server: Server, url: &str, script: &str) {
    use sqlx::{Connection, Executor};
    match server {
        Server::Postgres => {
            let mut conn = sqlx::PgConnection::connect(url).await.expect("connect");
            conn.execute(sqlx::AssertSqlSafe(script))
                .await
                .expect("script");
        }
        Server::MySql => {
            let mut conn = sqlx::MySqlConnection::connect(url).await.expect("connect");
            for statement in script.split("; ") {
                conn.execute(sqlx::AssertSqlSafe(statement))
                    .await
                    .expect("statement");
            }
        }
    }
}
