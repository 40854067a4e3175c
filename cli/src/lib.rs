//! The `authmodel` command line, for any schema.
//!
//! Entry points: [`main`] (a whole binary in one call) and [`run`] (the same with explicit
//! arguments, returning the exit code). The shipped `authmodel` binary of this crate serves
//! [`DefaultSchema`](authmodel::DefaultSchema) and the layouts of Auth.js's own adapters; an
//! application with models of its own gets the same commands for them from a binary of three
//! lines:
//!
//! ```no_run
//! # use authmodel::DefaultSchema as AppAuth;
//! fn main() -> std::process::ExitCode {
//!     authmodel_cli::main::<AppAuth>()
//! }
//! ```
//!
//! Commands: `generate` (the `CREATE` SQL as a script, an sqlx migration, a Mermaid ER
//! diagram or a Prisma schema), `diff` (what the database lacks), `migrate` (add it), `check`
//! (exit 1 when the database and the models differ: a CI gate) and `init` (a starter models
//! file). Flags follow sqlx-cli: `--database-url`, else `DATABASE_URL` from the environment,
//! else from a `.env` file (the current directory's or the nearest parent's, as sqlx-cli and
//! diesel read it), `--dialect`, `--format`, `--out`. Every file comes from a template of
//! [`templates`], which `--templates DIR` replaces by name; [`diagram`] and [`prisma`] are
//! what the diagram and Prisma templates are given.
//!
//! Exit codes: 0 done (or in sync), 1 `check` found differences, 2 an error (one line on
//! stderr naming what to fix; nothing written or applied). Output to a closed pipe
//! (`authmodel generate | head -1`) ends quietly.

mod commands;
mod database;
pub mod diagram;
mod output;
pub mod prisma;
pub mod templates;

use std::ffi::OsString;
use std::path::PathBuf;
use std::process::ExitCode;

use authmodel::{Dialect, MySqlFlavour, Schema};
use clap::builder::PossibleValuesParser;
use clap::{Arg, ArgMatches, Args, CommandFactory, FromArgMatches, Parser, Subcommand, ValueEnum};

/// The exit code of an error: the same as a usage error's, as clap exits.
pub const EXIT_ERROR: u8 = 2;
/// The exit code of `check` when the database and the models differ.
pub const EXIT_DIFFERS: u8 = 1;

/// Runs the command line on this process's arguments for the schema `S`: the whole `main` of a
/// binary. See the [module](self) documentation.
pub fn main<S: Schema>() -> ExitCode {
    run::<S, _, _>(std::env::args_os())
}

/// Runs the command line on `args` (the first is the program name) for the schema `S`,
/// printing to stdout and stderr, and returns the exit code.
pub fn run<S, I, T>(args: I) -> ExitCode
where
    S: Schema,
    I: IntoIterator<Item = T>,
    T: Into<OsString> + Clone,
{
    match parse(command(), args) {
        Ok((cli, _)) => finish(commands::run::<S>(cli)),
        Err(e) => usage(e),
    }
}

/// A schema a binary serves by name (`--schema NAME`), for [`main_with_schemas`].
pub struct Served {
    name: &'static str,
    about: &'static str,
    run: fn(Cli) -> commands::Outcome,
}

impl Served {
    /// Serves schema `S` as `--schema name`; `about` says what it is, in `--help`.
    pub fn new<S: Schema>(name: &'static str, about: &'static str) -> Served {
        Served {
            name,
            about,
            run: commands::run::<S>,
        }
    }
}

/// Like [`main`], for a binary that serves several schemas: a global `--schema NAME` (or
/// `AUTHMODEL_SCHEMA`) picks one, the first by default. The shipped `authmodel` binary serves
/// the default models and the Auth.js-compatible layouts of [`authmodel::compat`] this way.
pub fn main_with_schemas(schemas: &[Served]) -> ExitCode {
    run_with_schemas(schemas, std::env::args_os())
}

/// Like [`run`], for a binary that serves several schemas (see [`main_with_schemas`]).
pub fn run_with_schemas<I, T>(schemas: &[Served], args: I) -> ExitCode
where
    I: IntoIterator<Item = T>,
    T: Into<OsString> + Clone,
{
    let Some(first) = schemas.first() else {
        eprintln!("error: this binary serves no schema");
        return ExitCode::from(EXIT_ERROR);
    };
    let names: Vec<&'static str> = schemas.iter().map(|s| s.name).collect();
    let listing: Vec<String> = schemas
        .iter()
        .map(|s| format!("  {:<16} {}", s.name, s.about))
        .collect();
    let schema = Arg::new("schema")
        .long("schema")
        .global(true)
        .env("AUTHMODEL_SCHEMA")
        .value_name("NAME")
        .value_parser(PossibleValuesParser::new(names))
        .default_value(first.name)
        .help("Which models: the default ones, or the tables of an Auth.js adapter")
        .long_help(format!(
            "Which models the command works with:\n{}",
            listing.join("\n")
        ));
    let (cli, matches) = match parse(command().arg(schema), args) {
        Ok(parsed) => parsed,
        Err(e) => return usage(e),
    };
    let name = matches
        .get_one::<String>("schema")
        .map_or(first.name, String::as_str);
    let served = schemas.iter().find(|s| s.name == name).unwrap_or(first);
    finish((served.run)(cli))
}

/// The command line, with `DATABASE_URL` from a `.env` file, when there is one, as the default
/// of every `--database-url`: the flag and the environment variable come first.
fn command() -> clap::Command {
    let command = Cli::command();
    let Some(url) = dotenv_database_url() else {
        return command;
    };
    command.mut_subcommands(|sub| {
        sub.mut_args(|arg| {
            if arg.get_id() == "database_url" {
                // A default does not satisfy clap's `required`: the URL is no longer missing.
                arg.default_value(url.clone())
                    .hide_default_value(true)
                    .required(false)
            } else {
                arg
            }
        })
    })
}

/// `DATABASE_URL` of the `.env` file sqlx-cli would read: in the current directory or the
/// nearest parent that has one. The file is read, never loaded into the process environment.
fn dotenv_database_url() -> Option<String> {
    // A `.env` that does not parse is ignored, as sqlx-cli and diesel ignore it.
    dotenvy::dotenv_iter()
        .ok()?
        .filter_map(Result::ok)
        .filter(|(key, _)| key == "DATABASE_URL")
        .last()
        .map(|(_, value)| value)
}

fn parse<I, T>(command: clap::Command, args: I) -> Result<(Cli, ArgMatches), clap::Error>
where
    I: IntoIterator<Item = T>,
    T: Into<OsString> + Clone,
{
    let matches = command.try_get_matches_from(args)?;
    Ok((Cli::from_arg_matches(&matches)?, matches))
}

/// The exit code of a parse failure; `--help` and `--version` are "errors" that print to
/// stdout and exit 0.
fn usage(error: clap::Error) -> ExitCode {
    let _ = error.print();
    ExitCode::from(u8::try_from(error.exit_code()).unwrap_or(EXIT_ERROR))
}

/// The exit code of a command, printing its error as one line.
fn finish(outcome: commands::Outcome) -> ExitCode {
    match outcome {
        Ok(code) => ExitCode::from(code),
        Err(message) => {
            eprintln!("error: {}", message.replace(['\n', '\r'], " "));
            ExitCode::from(EXIT_ERROR)
        }
    }
}

/// Tables, migrations and interop files for Auth.js-compatible authentication models.
#[derive(Debug, Parser)]
#[command(name = "authmodel", version)]
#[command(after_help = "Exit codes: 0 done, 1 `check` found differences, 2 error.")]
pub(crate) struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub(crate) enum Command {
    /// Write the SQL that creates the tables, as a script or an sqlx migration, or the schema
    /// as a Mermaid ER diagram or a Prisma schema.
    Generate(GenerateArgs),
    /// Show what the database lacks (tables, columns, indexes) and what differs.
    Diff(DiffArgs),
    /// Create what the database lacks: all of it, or nothing when a step is refused.
    Migrate(MigrateArgs),
    /// Exit 1 when the database and the models differ: a CI gate.
    Check(CheckArgs),
    /// Write a starter models file to edit.
    Init(InitArgs),
}

/// Where the database is.
#[derive(Debug, Args)]
pub(crate) struct DatabaseArgs {
    /// The database: `sqlite://auth.db`, `postgres://user:pass@host/db`,
    /// `mysql://user:pass@host/db`; default: `DATABASE_URL` of the environment, else of `.env`.
    #[arg(long, env = "DATABASE_URL", value_name = "URL", hide_env_values = true)]
    pub database_url: String,
    /// Seconds to wait for the server before giving up.
    #[arg(long, default_value_t = 10, value_name = "SECONDS")]
    pub connect_timeout: u64,
    /// PostgreSQL only: the schema (namespace) holding the tables, such as `auth`; `migrate`
    /// creates it when missing. Default: the URL's `search_path`
    /// (`?options=-csearch_path%3Dauth`), else the server's (`public`).
    #[arg(long, value_name = "NAME")]
    pub postgres_schema: Option<String>,
    /// Also plan the indexes a table's role recommends and its model (`exact_keys`) lacks,
    /// such as one on `sessions.userId`; without it they are notes. Never a unique key or
    /// foreign key the models do not declare.
    #[arg(long)]
    pub recommended_indexes: bool,
}

impl DatabaseArgs {
    /// How `diff`, `migrate` and `check` plan.
    pub(crate) fn plan_options(&self) -> authmodel::migrate::PlanOptions {
        authmodel::migrate::PlanOptions::default().recommended_indexes(self.recommended_indexes)
    }
}

/// How to name a migration.
#[derive(Debug, Args)]
pub(crate) struct MigrationArgs {
    /// The migration's name, after its version: `<version>_<name>.up.sql`.
    #[arg(long, default_value = "authmodel", value_name = "NAME")]
    pub name: String,
    /// The migration's version; default: the current UTC time as `YYYYMMDDHHMMSS`, as sqlx
    /// names them.
    #[arg(long, value_name = "VERSION")]
    pub version: Option<String>,
    /// A directory of templates replacing the built-in ones by file name.
    #[arg(long, value_name = "DIR")]
    pub templates: Option<PathBuf>,
}

#[derive(Debug, Args)]
pub(crate) struct GenerateArgs {
    /// The SQL dialect; default: the scheme of --database-url or DATABASE_URL.
    #[arg(long, value_enum)]
    pub dialect: Option<DialectArg>,
    /// What to write.
    #[arg(long, value_enum, default_value_t = GenerateFormat::Sql)]
    pub format: GenerateFormat,
    /// Where to write: a file (sql, mermaid, prisma) or a migrations directory (sqlx,
    /// default `migrations`). Default for the others: stdout.
    #[arg(long, short, value_name = "PATH")]
    pub out: Option<PathBuf>,
    /// Write `CREATE TABLE IF NOT EXISTS` and `CREATE INDEX IF NOT EXISTS` (sql format).
    #[arg(long)]
    pub if_not_exists: bool,
    /// Also create the indexes a table's role recommends and its model (`exact_keys`) lacks,
    /// such as one on `sessions.userId` (sql and sqlx formats). Never a unique key or foreign
    /// key the models do not declare.
    #[arg(long)]
    pub recommended_indexes: bool,
    /// PostgreSQL, sql format only: the tables go into this schema (namespace), such as
    /// `auth`. The script starts by creating it when missing and setting the session's
    /// `search_path` to it; run it in one session (`psql -f`).
    #[arg(long, value_name = "NAME")]
    pub postgres_schema: Option<String>,
    /// Only used to choose the dialect when --dialect is not given (default: `DATABASE_URL`
    /// of the environment, else of `.env`).
    #[arg(long, env = "DATABASE_URL", value_name = "URL", hide_env_values = true)]
    pub database_url: Option<String>,
    #[command(flatten)]
    pub migration: MigrationArgs,
}

#[derive(Debug, Args)]
pub(crate) struct DiffArgs {
    #[command(flatten)]
    pub database: DatabaseArgs,
    /// How to show the plan: a summary, the SQL, or an sqlx migration in --out.
    #[arg(long, value_enum, default_value_t = DiffFormat::Text)]
    pub format: DiffFormat,
    /// Where to write: a file (sql) or a migrations directory (sqlx, default `migrations`).
    #[arg(long, short, value_name = "PATH")]
    pub out: Option<PathBuf>,
    #[command(flatten)]
    pub migration: MigrationArgs,
}

#[derive(Debug, Args)]
pub(crate) struct MigrateArgs {
    #[command(flatten)]
    pub database: DatabaseArgs,
    /// Show the plan without applying it.
    #[arg(long)]
    pub dry_run: bool,
}

#[derive(Debug, Args)]
pub(crate) struct CheckArgs {
    #[command(flatten)]
    pub database: DatabaseArgs,
}

#[derive(Debug, Args)]
pub(crate) struct InitArgs {
    /// The file to write.
    #[arg(long, short, default_value = "src/auth_models.rs", value_name = "FILE")]
    pub out: PathBuf,
    /// Replace the file if it exists.
    #[arg(long)]
    pub force: bool,
    /// A directory of templates replacing the built-in ones by file name.
    #[arg(long, value_name = "DIR")]
    pub templates: Option<PathBuf>,
}

/// `--dialect`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub(crate) enum DialectArg {
    /// SQLite 3.35+.
    Sqlite,
    /// PostgreSQL 13+.
    #[value(alias = "postgresql")]
    Postgres,
    /// MySQL 8+.
    Mysql,
    /// MariaDB 10.6+: the MySQL dialect, with MariaDB's name for the table collation.
    Mariadb,
}

impl From<DialectArg> for Dialect {
    fn from(arg: DialectArg) -> Dialect {
        match arg {
            DialectArg::Sqlite => Dialect::Sqlite,
            DialectArg::Postgres => Dialect::Postgres,
            DialectArg::Mysql | DialectArg::Mariadb => Dialect::MySql,
        }
    }
}

impl DialectArg {
    /// The server a MySQL-dialect script is for (MySQL 8 unless `mariadb`).
    pub(crate) fn flavour(self) -> MySqlFlavour {
        match self {
            DialectArg::Mariadb => MySqlFlavour::MariaDb,
            DialectArg::Sqlite | DialectArg::Postgres | DialectArg::Mysql => MySqlFlavour::MySql,
        }
    }
}

/// `generate --format`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub(crate) enum GenerateFormat {
    /// One SQL script.
    Sql,
    /// An sqlx migration: `<version>_<name>.up.sql` and `.down.sql`.
    Sqlx,
    /// A Mermaid ER diagram.
    Mermaid,
    /// A Prisma schema.
    Prisma,
}

/// `diff --format`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub(crate) enum DiffFormat {
    /// The plan for a person: each step with its safety class, the drift, the refusals.
    Text,
    /// The plan's statements as one SQL script.
    Sql,
    /// The plan as an sqlx migration: `<version>_<name>.up.sql` and `.down.sql`.
    Sqlx,
}

#[cfg(test)]
mod tests;
