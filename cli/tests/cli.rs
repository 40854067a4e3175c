//! The `authmodel` binary end to end on SQLite files: every command as a user types it, its
//! output, its exit code, and what it leaves on disk and in the database.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use rusqlite::Connection;

struct Run {
    code: i32,
    stdout: String,
    stderr: String,
}

/// Runs `authmodel args...` in `dir`, without DATABASE_URL from the environment.
fn authmodel(dir: &Path, args: &[&str]) -> Run {
    let Output {
        status,
        stdout,
        stderr,
    } = Command::new(env!("CARGO_BIN_EXE_authmodel"))
        .args(args)
        .current_dir(dir)
        .env_remove("DATABASE_URL")
        .output()
        .expect("the binary runs");
    Run {
        code: status.code().expect("exited"),
        stdout: String::from_utf8(stdout).expect("utf-8"),
        stderr: String::from_utf8(stderr).expect("utf-8"),
    }
}

/// Asserts `run` failed with exit code 2 and one line on stderr containing `needle`.
fn assert_error(run: &Run, needle: &str) {
    assert_eq!(
        run.code, 2,
        "stdout: {}\nstderr: {}",
        run.stdout, run.stderr
    );
    let lines: Vec<&str> = run
        .stderr
        .lines()
        .filter(|l| !l.starts_with("note:"))
        .collect();
    assert_eq!(lines.len(), 1, "one line: {}", run.stderr);
    assert!(lines[0].starts_with("error: "), "{}", run.stderr);
    assert!(lines[0].contains(needle), "`{needle}` in {}", run.stderr);
}

fn files(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .map(|entries| {
            entries
                .flatten()
                .map(|e| e.file_name().to_string_lossy().into_owned())
                .collect()
        })
        .unwrap_or_default();
    names.sort();
    names
}

fn url(dir: &Path) -> String {
    format!("sqlite://{}", dir.join("auth.db").display())
}

fn tables(dir: &Path) -> Vec<String> {
    let db = Connection::open(dir.join("auth.db")).unwrap();
    let mut statement = db
        .prepare("SELECT name FROM sqlite_schema WHERE type IN ('table', 'index') ORDER BY name")
        .unwrap();
    statement
        .query_map([], |row| row.get(0))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap()
}

#[test]
fn every_command_has_help() {
    let dir = tempfile::tempdir().unwrap();
    for command in ["generate", "diff", "migrate", "check", "init"] {
        let run = authmodel(dir.path(), &[command, "--help"]);
        assert_eq!(run.code, 0, "{command}");
        assert!(
            run.stdout.contains(&format!("Usage: authmodel {command}")),
            "{command}: {}",
            run.stdout
        );
    }
    let run = authmodel(dir.path(), &["--help"]);
    assert!(
        run.stdout
            .contains("Exit codes: 0 done, 1 `check` found differences, 2 error.")
    );
    let run = authmodel(dir.path(), &["frobnicate"]);
    assert_eq!(run.code, 2);
}

#[test]
fn generate_writes_the_ddl_to_stdout_or_a_file() {
    let dir = tempfile::tempdir().unwrap();
    let run = authmodel(dir.path(), &["generate", "--dialect", "postgres"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(
        run.stdout
            .starts_with("-- create the 5 tables (postgres), for the DefaultSchema")
    );
    assert!(run.stdout.contains("\"id\" uuid NOT NULL PRIMARY KEY"));
    assert!(
        run.stdout
            .contains("CREATE INDEX \"sessions_user_id_idx\" ON \"sessions\"")
    );
    let run_file = authmodel(
        dir.path(),
        &["generate", "--dialect", "postgres", "--out", "auth.sql"],
    );
    assert_eq!(run_file.code, 0);
    assert_eq!(
        std::fs::read_to_string(dir.path().join("auth.sql")).unwrap(),
        run.stdout
    );

    // The dialect follows the URL when --dialect is not given.
    let run = authmodel(dir.path(), &["generate", "--database-url", "mysql://h/db"]);
    assert!(run.stdout.contains("ENGINE=InnoDB"), "{}", run.stdout);
    // MySQL 8 and MariaDB name their NO PAD binary collations differently.
    assert!(
        run.stdout.contains("COLLATE=utf8mb4_0900_bin"),
        "{}",
        run.stdout
    );
    for args in [
        &["generate", "--dialect", "mariadb"][..],
        &["generate", "--database-url", "mariadb://h/db"],
    ] {
        let run = authmodel(dir.path(), args);
        assert_eq!(run.code, 0, "{}", run.stderr);
        assert!(
            run.stdout.contains("COLLATE=utf8mb4_nopad_bin"),
            "{}",
            run.stdout
        );
        assert!(!run.stdout.contains("utf8mb4_0900_bin"), "{}", run.stdout);
    }
    let run = authmodel(dir.path(), &["generate"]);
    assert_error(&run, "no dialect: pass --dialect");
    let run = authmodel(
        dir.path(),
        &["generate", "--dialect", "sqlite", "--out", "."],
    );
    assert_error(&run, "is a directory");
}

#[test]
fn an_sqlx_migration_creates_what_check_expects_and_its_down_drops_it() {
    let dir = tempfile::tempdir().unwrap();
    let run = authmodel(
        dir.path(),
        &[
            "generate",
            "--dialect",
            "sqlite",
            "--format",
            "sqlx",
            "--version",
            "20260101000000",
            "--name",
            "auth",
        ],
    );
    assert_eq!(run.code, 0, "{}", run.stderr);
    let migrations = dir.path().join("migrations");
    assert_eq!(
        files(&migrations),
        ["20260101000000_auth.down.sql", "20260101000000_auth.up.sql"]
    );
    let up = std::fs::read_to_string(migrations.join("20260101000000_auth.up.sql")).unwrap();
    let down = std::fs::read_to_string(migrations.join("20260101000000_auth.down.sql")).unwrap();
    assert!(up.contains("-- create table `users` [safe]"), "{up}");
    assert!(
        down.contains("-- drop table `users` [destructive]"),
        "{down}"
    );

    let db = Connection::open(dir.path().join("auth.db")).unwrap();
    db.execute_batch(&up).unwrap();
    let check = authmodel(dir.path(), &["check", "--database-url", &url(dir.path())]);
    assert_eq!(check.code, 0, "{}{}", check.stdout, check.stderr);
    assert!(check.stdout.starts_with("In sync"));
    db.execute_batch(&down).unwrap();
    drop(db);
    assert!(tables(dir.path()).is_empty());

    // The same version twice is refused, and nothing is overwritten.
    let again = authmodel(
        dir.path(),
        &[
            "generate",
            "--dialect",
            "sqlite",
            "--format",
            "sqlx",
            "--version",
            "20260101000000",
            "--name",
            "auth",
        ],
    );
    assert_error(&again, "exists: choose another --version or --name");
}

#[test]
fn migrate_then_check_is_clean_and_diff_shows_nothing_left() {
    let dir = tempfile::tempdir().unwrap();
    let url = url(dir.path());
    let check = authmodel(dir.path(), &["check", "--database-url", &url]);
    assert_eq!(check.code, 1, "a missing database differs");
    assert!(
        !dir.path().join("auth.db").exists(),
        "check creates nothing"
    );
    let dry = authmodel(
        dir.path(),
        &["migrate", "--dry-run", "--database-url", &url],
    );
    assert!(
        dry.stdout
            .starts_with("To create 5 tables and 6 indexes (sqlite):"),
        "{}",
        dry.stdout
    );
    assert!(
        !dir.path().join("auth.db").exists(),
        "a dry run creates nothing"
    );

    let run = authmodel(dir.path(), &["migrate", "--database-url", &url]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(
        run.stdout
            .starts_with("Applied: create 5 tables and 6 indexes (11 statements).")
    );
    let check = authmodel(dir.path(), &["check", "--database-url", &url]);
    assert_eq!(
        (check.code, check.stdout.as_str()),
        (0, "In sync: the database matches the models (sqlite).\n")
    );
    let again = authmodel(dir.path(), &["migrate", "--database-url", &url]);
    assert!(
        again.stdout.starts_with("Nothing to apply"),
        "{}",
        again.stdout
    );

    // DATABASE_URL works as --database-url does.
    let run = Command::new(env!("CARGO_BIN_EXE_authmodel"))
        .args(["check"])
        .env("DATABASE_URL", &url)
        .output()
        .unwrap();
    assert!(run.status.success());
}

#[test]
fn diff_plans_only_what_is_missing_and_writes_it_as_a_migration() {
    let dir = tempfile::tempdir().unwrap();
    let url = url(dir.path());
    assert_eq!(
        authmodel(dir.path(), &["migrate", "--database-url", &url]).code,
        0
    );
    let db = Connection::open(dir.path().join("auth.db")).unwrap();
    db.execute_batch("DROP INDEX sessions_user_id_idx; DROP TABLE authenticators;")
        .unwrap();
    drop(db);

    let diff = authmodel(dir.path(), &["diff", "--database-url", &url]);
    assert_eq!(
        diff.stdout,
        "To create 1 table and 2 indexes (sqlite):\n  \
         safe            create table `authenticators`\n  \
         safe            create index `sessions_user_id_idx` on `sessions`\n  \
         safe            create index `authenticators_user_id_idx` on `authenticators`\n"
    );
    let check = authmodel(dir.path(), &["check", "--database-url", &url]);
    assert_eq!(check.code, 1);
    assert!(check.stderr.contains("differs from the models"));

    let run = authmodel(
        dir.path(),
        &[
            "diff",
            "--database-url",
            &url,
            "--format",
            "sqlx",
            "--out",
            "m",
            "--version",
            "2",
            "--name",
            "catch_up",
        ],
    );
    assert_eq!(run.code, 0, "{}", run.stderr);
    let up = std::fs::read_to_string(dir.path().join("m/2_catch_up.up.sql")).unwrap();
    assert!(
        up.starts_with("-- 2_catch_up: create 1 table and 2 indexes (sqlite)"),
        "{up}"
    );
    assert_eq!(up.matches("CREATE").count(), 3, "{up}");
    let down = std::fs::read_to_string(dir.path().join("m/2_catch_up.down.sql")).unwrap();
    assert!(
        down.contains("DROP INDEX \"sessions_user_id_idx\""),
        "{down}"
    );
    assert!(
        down.contains("DROP TABLE IF EXISTS \"authenticators\""),
        "{down}"
    );
    assert!(
        !down.contains("authenticators_user_id_idx"),
        "goes with its table: {down}"
    );

    let sql = authmodel(
        dir.path(),
        &["diff", "--database-url", &url, "--format", "sql"],
    );
    assert!(
        sql.stdout
            .starts_with("-- Create 1 table and 2 indexes (sqlite)"),
        "{}",
        sql.stdout
    );
}

#[test]
fn a_populated_table_refuses_a_required_column_and_nothing_is_applied() {
    let dir = tempfile::tempdir().unwrap();
    let url = url(dir.path());
    assert_eq!(
        authmodel(dir.path(), &["migrate", "--database-url", &url]).code,
        0
    );
    let db = Connection::open(dir.path().join("auth.db")).unwrap();
    db.execute_batch(
        "DROP INDEX accounts_user_id_idx;
         ALTER TABLE sessions DROP COLUMN expires;
         INSERT INTO users (id, email) VALUES ('00000000-0000-4000-8000-000000000001', 'a@x');
         INSERT INTO sessions (id, session_token, user_id)
           VALUES ('00000000-0000-4000-8000-000000000002', 't', '00000000-0000-4000-8000-000000000001');",
    )
    .unwrap();
    drop(db);
    let before = tables(dir.path());

    let diff = authmodel(dir.path(), &["diff", "--database-url", &url]);
    assert!(
        diff.stdout
            .contains("needs-backfill  add column `sessions.expires` (NOT NULL, no default)"),
        "{}",
        diff.stdout
    );
    assert!(
        diff.stdout
            .contains("Refused (migrate applies nothing until these are fixed):")
    );
    let run = authmodel(dir.path(), &["migrate", "--database-url", &url]);
    assert_error(
        &run,
        "migration refused: cannot add `sessions.expires`: it is NOT NULL without a default",
    );
    assert!(run.stderr.contains("nothing was written or applied"));
    assert_eq!(
        tables(dir.path()),
        before,
        "the index was not created either"
    );

    let run = authmodel(
        dir.path(),
        &["diff", "--database-url", &url, "--format", "sqlx"],
    );
    assert_error(&run, "migration refused");
    assert!(
        !dir.path().join("migrations").exists(),
        "no migration written"
    );
}

#[test]
fn a_table_of_another_application_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let db = Connection::open(dir.path().join("auth.db")).unwrap();
    db.execute_batch("CREATE TABLE users (id integer PRIMARY KEY, login text NOT NULL)")
        .unwrap();
    drop(db);
    let run = authmodel(dir.path(), &["migrate", "--database-url", &url(dir.path())]);
    assert_error(
        &run,
        "table `users` exists but its primary key column `id` is `INTEGER`",
    );
    assert!(
        run.stderr
            .contains("not `text`: it was not created from these models")
    );
    assert_eq!(tables(dir.path()), ["users"], "nothing applied");
    let check = authmodel(dir.path(), &["check", "--database-url", &url(dir.path())]);
    assert_eq!(check.code, 1);
    assert!(
        check
            .stdout
            .contains("Refused (migrate applies nothing until these are fixed):")
    );
}

#[test]
fn bad_urls_and_unreachable_servers_are_one_line_errors() {
    let dir = tempfile::tempdir().unwrap();
    let run = authmodel(
        dir.path(),
        &["diff", "--database-url", "redis://u:hunter2@h/0"],
    );
    assert_error(&run, "invalid database url `redis://u:***@h/0`");
    assert!(!run.stderr.contains("hunter2"));
    let run = authmodel(
        dir.path(),
        &["check", "--database-url", "sqlite://a.db?mode=bogus"],
    );
    assert_error(&run, "unknown mode `bogus`");
    let run = authmodel(
        dir.path(),
        &[
            "migrate",
            "--database-url",
            "postgres://u:hunter2@127.0.0.1:1/db",
            "--connect-timeout",
            "5",
        ],
    );
    assert_error(&run, "postgres://u:***@127.0.0.1:1/db");
    assert!(!run.stderr.contains("hunter2"));
    let run = authmodel(dir.path(), &["check"]);
    assert_eq!(run.code, 2, "--database-url is required");
    assert!(run.stderr.contains("--database-url"));
    assert!(
        files(dir.path()).is_empty(),
        "nothing written: {:?}",
        files(dir.path())
    );
}

#[test]
fn templates_can_be_replaced_and_a_broken_one_writes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let templates = dir.path().join("tpl");
    std::fs::create_dir(&templates).unwrap();
    std::fs::write(
        templates.join("up.sql.jinja"),
        "-- ours {{ version }} {{ name }}\n{% for s in steps %}{% for q in s.statements %}{{ q }};\n{% endfor %}{% endfor %}",
    )
    .unwrap();
    let args = [
        "generate",
        "--dialect",
        "sqlite",
        "--format",
        "sqlx",
        "--out",
        "m",
        "--version",
        "1",
        "--templates",
        "tpl",
    ];
    let run = authmodel(dir.path(), &args);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let up = std::fs::read_to_string(dir.path().join("m/1_authmodel.up.sql")).unwrap();
    assert!(
        up.starts_with("-- ours 1 authmodel\nCREATE TABLE \"users\""),
        "{up}"
    );
    let down = std::fs::read_to_string(dir.path().join("m/1_authmodel.down.sql")).unwrap();
    assert!(
        down.starts_with("-- Reverts 1_authmodel"),
        "built in: {down}"
    );

    std::fs::write(templates.join("down.sql.jinja"), "{{ steps | frobnicate }}").unwrap();
    let run = authmodel(
        dir.path(),
        &[
            "generate",
            "--dialect",
            "sqlite",
            "--format",
            "sqlx",
            "--out",
            "n",
            "--templates",
            "tpl",
        ],
    );
    assert_error(&run, "down.sql.jinja");
    std::fs::write(templates.join("down.sql.jinja"), "{{ stpes }}").unwrap();
    let run = authmodel(
        dir.path(),
        &[
            "generate",
            "--dialect",
            "sqlite",
            "--format",
            "sqlx",
            "--out",
            "n",
            "--templates",
            "tpl",
        ],
    );
    assert_error(&run, "failed to render: undefined value");
    assert!(!dir.path().join("n").exists(), "nothing written");
    let run = authmodel(
        dir.path(),
        &["generate", "--dialect", "sqlite", "--templates", "nowhere"],
    );
    assert_error(&run, "cannot read the templates directory `nowhere`");
}

#[test]
fn init_writes_the_starter_models_once() {
    let dir = tempfile::tempdir().unwrap();
    let run = authmodel(dir.path(), &["init"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let written = std::fs::read_to_string(dir.path().join("src/auth_models.rs")).unwrap();
    let template = include_str!("../templates/models.rs.jinja");
    assert_eq!(
        written, template,
        "the built-in template has no placeholders"
    );
    assert!(
        run.stdout
            .contains("authmodel_cli::main::<your_crate::auth_models::AppAuth>()")
    );
    let again = authmodel(dir.path(), &["init"]);
    assert_error(&again, "exists: pass --force to replace it");
    let forced = authmodel(dir.path(), &["init", "--force", "--out", "models.rs"]);
    assert_eq!(forced.code, 0);
    assert!(PathBuf::from(dir.path()).join("models.rs").exists());
}

#[test]
fn mermaid_and_prisma_snapshots() {
    let dir = tempfile::tempdir().unwrap();
    for dialect in ["sqlite", "postgres", "mysql"] {
        for format in ["mermaid", "prisma"] {
            let run = authmodel(
                dir.path(),
                &["generate", "--dialect", dialect, "--format", format],
            );
            assert_eq!(run.code, 0, "{}", run.stderr);
            insta::assert_snapshot!(format!("{format}_{dialect}"), run.stdout);
        }
    }
}

#[test]
fn schema_picks_an_auth_js_layout() {
    let dir = tempfile::tempdir().unwrap();
    let run = authmodel(
        dir.path(),
        &[
            "generate",
            "--schema",
            "drizzle-sqlite",
            "--dialect",
            "sqlite",
        ],
    );
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(
        run.stdout.contains(r#"CREATE TABLE "user""#),
        "{}",
        run.stdout
    );

    // The kysely layout has no authenticator table: migrate creates four, check agrees.
    let url = url(dir.path());
    let run = authmodel(
        dir.path(),
        &["migrate", "--schema", "kysely", "--database-url", &url],
    );
    assert_eq!(run.code, 0, "{}", run.stderr);
    let created = tables(dir.path());
    assert!(
        created.iter().any(|t| t == "VerificationToken"),
        "{created:?}"
    );
    assert!(
        !created.iter().any(|t| t.contains("uthenticator")),
        "{created:?}"
    );
    let run = authmodel(
        dir.path(),
        &["check", "--schema", "kysely", "--database-url", &url],
    );
    assert_eq!(run.code, 0, "{}{}", run.stdout, run.stderr);

    // The default models are not in that database.
    let run = authmodel(dir.path(), &["check", "--database-url", &url]);
    assert_ne!(run.code, 0, "{}", run.stdout);

    let run = authmodel(
        dir.path(),
        &["generate", "--schema", "nope", "--dialect", "sqlite"],
    );
    assert_eq!(run.code, 2);
    assert!(run.stderr.contains("possible values"), "{}", run.stderr);
}
