//! The `authmodel` binary as a shell runs it: `DATABASE_URL` from a `.env` file, output into a
//! pipe that closes early, `init` in a package, and a plan printed as the library renders it.

use std::path::Path;
use std::process::{Command, Output, Stdio};

use authmodel::migrate::{self, LiveSchema};
use authmodel::{DefaultSchema, Dialect, Options, Schema, SqlAdapter};

/// `authmodel args...` in `dir`, with `DATABASE_URL` of the environment set as given (or
/// removed).
fn authmodel(dir: &Path, env_url: Option<&str>, args: &[&str]) -> Output {
    let mut command = Command::new(env!("CARGO_BIN_EXE_authmodel"));
    command.args(args).current_dir(dir);
    match env_url {
        Some(url) => command.env("DATABASE_URL", url),
        None => command.env_remove("DATABASE_URL"),
    };
    command.output().expect("the binary runs")
}

fn stdout(output: &Output) -> String {
    String::from_utf8(output.stdout.clone()).expect("utf-8")
}

fn stderr(output: &Output) -> String {
    String::from_utf8(output.stderr.clone()).expect("utf-8")
}

fn sqlite_url(dir: &Path, file: &str) -> String {
    format!("sqlite://{}", dir.join(file).display())
}

#[test]
fn dotenv_gives_the_database_url_and_the_flag_and_environment_come_first() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    std::fs::write(
        root.join(".env"),
        format!(
            "# the app's settings\nSECRET_KEY=abc\nDATABASE_URL={}\n",
            sqlite_url(root, "dotenv.db")
        ),
    )
    .unwrap();

    let run = authmodel(root, None, &["migrate"]);
    assert_eq!(run.status.code(), Some(0), "{}", stderr(&run));
    assert!(root.join("dotenv.db").exists(), "migrate used .env");

    let real = sqlite_url(root, "environment.db");
    let run = authmodel(root, Some(&real), &["migrate"]);
    assert_eq!(run.status.code(), Some(0), "{}", stderr(&run));
    assert!(
        root.join("environment.db").exists(),
        "the environment wins over .env"
    );

    let flag = sqlite_url(root, "flag.db");
    let run = authmodel(root, Some(&real), &["migrate", "--database-url", &flag]);
    assert_eq!(run.status.code(), Some(0), "{}", stderr(&run));
    assert!(root.join("flag.db").exists(), "the flag wins over both");

    // A subdirectory of the project reads the project's `.env`, as sqlx-cli does.
    let sub = root.join("src");
    std::fs::create_dir(&sub).unwrap();
    let run = authmodel(&sub, None, &["check"]);
    assert_eq!(run.status.code(), Some(0), "{}", stderr(&run));
    assert!(stdout(&run).starts_with("In sync"), "{}", stdout(&run));

    // `generate` takes its dialect from the URL; `--help` never shows the URL.
    std::fs::write(
        root.join(".env"),
        "DATABASE_URL=postgres://app:hunter2@db.example/app\n",
    )
    .unwrap();
    let run = authmodel(root, None, &["generate"]);
    assert_eq!(run.status.code(), Some(0), "{}", stderr(&run));
    assert!(
        stdout(&run).starts_with("-- create the 5 tables (postgres)"),
        "{}",
        stdout(&run)
    );
    let help = authmodel(root, None, &["diff", "--help"]);
    assert_eq!(help.status.code(), Some(0));
    assert!(!stdout(&help).contains("hunter2"), "{}", stdout(&help));

    // Without a URL anywhere, the message says where one goes.
    std::fs::remove_file(root.join(".env")).unwrap();
    let run = authmodel(root, None, &["diff"]);
    assert_eq!(run.status.code(), Some(2));
    assert!(stderr(&run).contains("--database-url"), "{}", stderr(&run));
}

/// Runs `authmodel args...` in `dir` with its stdout a pipe whose reader is already closed.
fn into_closed_pipe(dir: &Path, args: &[&str]) -> Output {
    let (reader, writer) = std::io::pipe().unwrap();
    drop(reader);
    Command::new(env!("CARGO_BIN_EXE_authmodel"))
        .args(args)
        .current_dir(dir)
        .env_remove("DATABASE_URL")
        .stdout(Stdio::from(writer))
        .stderr(Stdio::piped())
        .output()
        .expect("the binary runs")
}

#[test]
fn a_closed_pipe_ends_the_output_quietly() {
    let dir = tempfile::tempdir().unwrap();
    let url = sqlite_url(dir.path(), "auth.db");
    let cases: [(&[&str], i32); 5] = [
        (&["generate", "--dialect", "sqlite"], 0),
        (&["generate", "--dialect", "mysql", "--format", "prisma"], 0),
        (&["diff", "--database-url", &url], 0),
        // `check` still says the database differs: the exit code is the command's.
        (&["check", "--database-url", &url], 1),
        (&["migrate", "--database-url", &url], 0),
    ];
    for (args, code) in cases {
        let run = into_closed_pipe(dir.path(), args);
        let stderr = stderr(&run);
        assert_eq!(run.status.code(), Some(code), "{args:?}: {stderr}");
        assert!(!stderr.contains("panicked"), "{args:?}: {stderr}");
        assert!(!stderr.contains("error"), "{args:?}: {stderr}");
    }
    assert!(dir.path().join("auth.db").exists(), "migrate ran");
}

#[test]
fn init_names_the_package_of_the_current_directory() {
    let expected = |krate: &str| format!("authmodel_cli::main::<{krate}::auth_models::AppAuth>()");
    let cases = [
        (
            "[package]\nname = \"my-app\"\nversion = \"0.1.0\"\n",
            "my_app",
        ),
        (
            "[package]\nname = \"my-app\"\nversion.workspace = true\n\n[lib]\nname = \"app_core\"\n",
            "app_core",
        ),
        ("[workspace]\nmembers = [\"app\"]\n", "your_crate"),
        ("this is not toml [", "your_crate"),
    ];
    for (manifest, krate) in cases {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("Cargo.toml"), manifest).unwrap();
        let run = authmodel(dir.path(), None, &["init"]);
        assert_eq!(run.status.code(), Some(0), "{}", stderr(&run));
        assert!(
            stdout(&run).contains(&expected(krate)),
            "{manifest}: {}",
            stdout(&run)
        );
        assert!(dir.path().join("src/auth_models.rs").exists());
    }
}

#[tokio::test]
async fn the_plan_prints_as_the_library_renders_it() {
    let dir = tempfile::tempdir().unwrap();
    let url = sqlite_url(dir.path(), "auth.db");
    let empty = migrate::plan(
        &DefaultSchema::stored_tables(),
        Dialect::Sqlite,
        &LiveSchema::default(),
    )
    .unwrap();

    let run = authmodel(dir.path(), None, &["diff", "--database-url", &url]);
    assert_eq!(run.status.code(), Some(0), "{}", stderr(&run));
    assert_eq!(stdout(&run), empty.to_string());

    let run = authmodel(
        dir.path(),
        None,
        &["diff", "--database-url", &url, "--format", "sql"],
    );
    assert!(
        stdout(&run).starts_with(&format!("-- {} (sqlite)", empty.headline())),
        "{}",
        stdout(&run)
    );

    let run = authmodel(dir.path(), None, &["migrate", "--database-url", &url]);
    assert_eq!(run.status.code(), Some(0), "{}", stderr(&run));
    let steps: Vec<String> = empty.steps.iter().map(|s| format!("  {s}")).collect();
    assert_eq!(
        stdout(&run),
        format!(
            "Applied: {} (11 statements).\n{}\n",
            empty.summary(),
            steps.join("\n")
        )
    );

    let db = SqlAdapter::<DefaultSchema>::connect(&url, Options::default())
        .await
        .unwrap();
    let in_sync = migrate::diff(&db).await.unwrap();
    let run = authmodel(dir.path(), None, &["check", "--database-url", &url]);
    assert_eq!(run.status.code(), Some(0), "{}", stderr(&run));
    assert_eq!(stdout(&run), in_sync.to_string());
    assert_eq!(
        stdout(&run),
        "In sync: the database matches the models (sqlite).\n"
    );
}
