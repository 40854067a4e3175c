//! What each command does, once clap has parsed it.
//!
//! Entry point: `run`, which returns the exit code or the one-line error to print. Every
//! command renders all of its output before it writes any of it, so a template that fails to
//! render or a plan that is refused leaves no file behind and applies nothing.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::time::Duration;

use serde::Serialize;

use crate::adapter::sql::{Options, SqlAdapter};
use crate::dialect::Dialect;
use crate::error::Error;
use crate::migrate::{self, LiveSchema, Plan, Step};
use crate::statements::ddl::{self, CreateOptions};
use crate::traits::Schema;

use super::templates::{Template, Templates};
use super::{
    CheckArgs, Cli, Command, DatabaseArgs, DiffArgs, DiffFormat, EXIT_DIFFERS, GenerateArgs,
    GenerateFormat, InitArgs, MigrateArgs, MigrationArgs, interop,
};

pub(crate) type Outcome = Result<u8, String>;

pub(crate) fn run<S: Schema>(cli: Cli) -> Outcome {
    match cli.command {
        Command::Generate(args) => generate::<S>(args),
        Command::Diff(args) => block_on(diff::<S>(args)),
        Command::Migrate(args) => block_on(migrate::<S>(args)),
        Command::Check(args) => block_on(check::<S>(args)),
        Command::Init(args) => init::<S>(args),
    }
}

fn block_on(future: impl Future<Output = Outcome>) -> Outcome {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|e| format!("cannot start the async runtime: {e}"))?
        .block_on(future)
}

/// What every template is given.
#[derive(Serialize)]
struct Common<'a> {
    authmodel_version: &'static str,
    schema: &'a str,
    dialect: &'static str,
}

fn common<S: Schema>(dialect: Dialect) -> Common<'static> {
    let path = std::any::type_name::<S>();
    Common {
        authmodel_version: env!("CARGO_PKG_VERSION"),
        schema: path.rsplit("::").next().unwrap_or(path),
        dialect: dialect.name(),
    }
}

#[derive(Serialize)]
struct ScriptContext<'a> {
    #[serde(flatten)]
    common: Common<'a>,
    summary: String,
    statements: Vec<String>,
}

#[derive(Serialize)]
struct MigrationContext<'a> {
    #[serde(flatten)]
    common: Common<'a>,
    name: &'a str,
    version: &'a str,
    summary: String,
    steps: Vec<StepContext>,
}

#[derive(Serialize)]
struct StepContext {
    change: String,
    safety: String,
    statements: Vec<String>,
}

fn steps(steps: &[Step]) -> Vec<StepContext> {
    steps
        .iter()
        .map(|s| StepContext {
            change: s.change.to_string(),
            safety: s.safety.to_string(),
            statements: s.statements.clone(),
        })
        .collect()
}

fn generate<S: Schema>(args: GenerateArgs) -> Outcome {
    let dialect = match (args.dialect, args.database_url.as_deref()) {
        (Some(dialect), _) => Dialect::from(dialect),
        (None, Some(url)) => dialect_of(url)?,
        (None, None) => {
            return Err(
                "no dialect: pass --dialect sqlite|postgres|mysql, or --database-url".to_owned(),
            );
        }
    };
    let templates = templates(args.migration.templates.as_deref())?;
    let tables = S::stored_tables();
    let text = |e: Error| e.to_string();
    let single = match args.format {
        GenerateFormat::Sql => {
            let options = CreateOptions::default().if_not_exists(args.if_not_exists);
            let context = ScriptContext {
                common: common::<S>(dialect),
                summary: format!("create the {} tables", tables.len()),
                statements: ddl::create_statements::<S>(dialect, options).map_err(text)?,
            };
            templates.render(Template::Script, &context)?
        }
        GenerateFormat::Mermaid => {
            let diagram = interop::diagram(&tables, dialect).map_err(text)?;
            templates.render(Template::Diagram, &with_common::<S, _>(dialect, &diagram))?
        }
        GenerateFormat::Prisma => {
            let schema = interop::prisma(&tables, dialect).map_err(text)?;
            templates.render(Template::Prisma, &with_common::<S, _>(dialect, &schema))?
        }
        GenerateFormat::Sqlx => {
            let plan = migrate::plan(&tables, dialect, &LiveSchema::default()).map_err(text)?;
            return write_migration::<S>(&plan, &templates, &args.migration, args.out);
        }
    };
    emit(&single, args.out.as_deref())
}

/// A context of `value`'s fields beside the common ones.
fn with_common<'a, S: Schema, T: Serialize>(dialect: Dialect, value: &'a T) -> impl Serialize + 'a {
    #[derive(Serialize)]
    struct With<'a, T: Serialize> {
        #[serde(flatten)]
        common: Common<'static>,
        #[serde(flatten)]
        value: &'a T,
    }
    With {
        common: common::<S>(dialect),
        value,
    }
}

async fn diff<S: Schema>(args: DiffArgs) -> Outcome {
    let plan = read_plan::<S>(&args.database).await?;
    let templates = templates(args.migration.templates.as_deref())?;
    match args.format {
        DiffFormat::Text => {
            print!("{}", describe(&plan));
            Ok(0)
        }
        DiffFormat::Sql => {
            refuse_to_write(&plan)?;
            let context = ScriptContext {
                common: common::<S>(plan.dialect),
                summary: capitalize(&plan.summary()),
                statements: plan.statements().into_iter().map(str::to_owned).collect(),
            };
            emit(
                &templates.render(Template::Script, &context)?,
                args.out.as_deref(),
            )
        }
        DiffFormat::Sqlx => {
            refuse_to_write(&plan)?;
            if plan.steps.is_empty() {
                eprintln!("Nothing to write: the database has every table, column and index.");
                return Ok(0);
            }
            write_migration::<S>(&plan, &templates, &args.migration, args.out)
        }
    }
}

async fn migrate<S: Schema>(args: MigrateArgs) -> Outcome {
    if args.dry_run {
        print!("{}", describe(&read_plan::<S>(&args.database).await?));
        return Ok(0);
    }
    let adapter = connect::<S>(&args.database, false).await?;
    let plan = migrate::diff(&adapter).await.map_err(|e| e.to_string())?;
    refuse_to_write(&plan)?;
    for drift in plan.drift.iter().filter(|d| !d.is_note()) {
        eprintln!("warning: {drift}");
    }
    if plan.steps.is_empty() {
        println!("Nothing to apply: the database has every table, column and index.");
        return Ok(0);
    }
    let count = migrate::apply(&adapter, &plan)
        .await
        .map_err(|e| e.to_string())?;
    println!("Applied: {} ({count} statements).", plan.summary());
    for step in &plan.steps {
        println!("  {:<15} {}", step.safety.to_string(), step.change);
    }
    Ok(0)
}

async fn check<S: Schema>(args: CheckArgs) -> Outcome {
    let plan = read_plan::<S>(&args.database).await?;
    print!("{}", describe(&plan));
    if plan.is_in_sync() {
        Ok(0)
    } else {
        eprintln!("the database differs from the models: run `authmodel diff` for the details");
        Ok(EXIT_DIFFERS)
    }
}

#[derive(Serialize)]
struct InitContext<'a> {
    #[serde(flatten)]
    common: Common<'a>,
}

fn init<S: Schema>(args: InitArgs) -> Outcome {
    let templates = templates(args.templates.as_deref())?;
    let context = InitContext {
        common: common::<S>(Dialect::Sqlite),
    };
    let text = templates.render(Template::Models, &context)?;
    if args.out.exists() && !args.force {
        return Err(format!(
            "`{}` exists: pass --force to replace it, or --out to write elsewhere",
            args.out.display()
        ));
    }
    write_file(&args.out, &text)?;
    println!(
        "Wrote {}. Next:\n  1. add `pub mod auth_models;` to src/lib.rs, and to Cargo.toml: \
         authmodel (feature \"cli\"), chrono and uuid;\n  2. add the binary \
         src/bin/authmodel.rs:\n       fn main() -> std::process::ExitCode {{\n           \
         authmodel::cli::main::<your_crate::auth_models::AppAuth>()\n       }}\n  3. run \
         `cargo run --bin authmodel -- migrate --database-url sqlite://auth.db`.",
        args.out.display()
    );
    Ok(0)
}

/// The plan for a person: steps with their safety class, then drift, then refusals.
pub(crate) fn describe(plan: &Plan) -> String {
    let mut out = String::new();
    if plan.is_in_sync() {
        let _ = writeln!(
            out,
            "In sync: the database matches the models ({}).",
            plan.dialect
        );
    } else if plan.steps.is_empty() {
        let _ = writeln!(out, "Nothing to add ({}).", plan.dialect);
    } else {
        let _ = writeln!(out, "To {} ({}):", plan.summary(), plan.dialect);
        for step in &plan.steps {
            let _ = writeln!(out, "  {:<15} {}", step.safety.to_string(), step.change);
        }
    }
    let (notes, drift): (Vec<_>, Vec<_>) = plan.drift.iter().partition(|d| d.is_note());
    if !drift.is_empty() {
        let _ = writeln!(out, "Differences left alone (fix them by hand):");
        for d in drift {
            let _ = writeln!(out, "  {d}");
        }
    }
    for note in notes {
        let _ = writeln!(out, "Note: {note}");
    }
    if !plan.refusals.is_empty() {
        let _ = writeln!(
            out,
            "Refused (migrate applies nothing until these are fixed):"
        );
        for refusal in &plan.refusals {
            let _ = writeln!(out, "  {refusal}");
        }
    }
    out
}

fn refuse_to_write(plan: &Plan) -> Result<(), String> {
    plan.check().map_err(|e| {
        let more = match plan.refusals.len() {
            0 | 1 => String::new(),
            n => format!(" (and {} more: see `authmodel diff`)", n - 1),
        };
        format!("{e}{more}; nothing was written or applied")
    })
}

/// Renders and writes `<version>_<name>.up.sql` and `.down.sql` into `out` (default
/// `migrations`).
fn write_migration<S: Schema>(
    plan: &Plan,
    templates: &Templates,
    args: &MigrationArgs,
    out: Option<PathBuf>,
) -> Outcome {
    let dir = out.unwrap_or_else(|| PathBuf::from("migrations"));
    if dir.is_file() {
        return Err(format!(
            "`{}` is a file: --format sqlx writes a migrations directory",
            dir.display()
        ));
    }
    let name = &args.name;
    if name.is_empty()
        || !name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-')
    {
        return Err(format!(
            "invalid migration name `{name}`: use letters, digits, `_` and `-`"
        ));
    }
    let version = match &args.version {
        Some(v) if !v.is_empty() && v.chars().all(|c| c.is_ascii_digit()) => v.clone(),
        Some(v) => return Err(format!("invalid migration version `{v}`: use digits only")),
        None => chrono::Utc::now().format("%Y%m%d%H%M%S").to_string(),
    };
    let context = |steps: Vec<StepContext>| MigrationContext {
        common: common::<S>(plan.dialect),
        name,
        version: &version,
        summary: plan.summary(),
        steps,
    };
    let up = templates.render(Template::Up, &context(self::steps(&plan.steps)))?;
    let down = templates.render(Template::Down, &context(self::steps(&plan.revert())))?;
    let up_path = dir.join(format!("{version}_{name}.up.sql"));
    let down_path = dir.join(format!("{version}_{name}.down.sql"));
    for path in [&up_path, &down_path] {
        if path.exists() {
            return Err(format!(
                "`{}` exists: choose another --version or --name",
                path.display()
            ));
        }
    }
    if let Ok(entries) = std::fs::read_dir(&dir) {
        let suffix = format!("_{name}.up.sql");
        let earlier = entries
            .flatten()
            .any(|e| e.file_name().to_string_lossy().ends_with(&suffix));
        if earlier {
            eprintln!(
                "note: `{}` already holds a `{name}` migration; `authmodel diff --format sqlx` \
                 writes only what the database lacks",
                dir.display()
            );
        }
    }
    write_file(&up_path, &up)?;
    if let Err(e) = write_file(&down_path, &down) {
        // Half a migration is worse than none.
        let _ = std::fs::remove_file(&up_path);
        return Err(e);
    }
    println!("{}", up_path.display());
    println!("{}", down_path.display());
    Ok(0)
}

/// Prints `text`, or writes it to the file `out`.
fn emit(text: &str, out: Option<&Path>) -> Outcome {
    match out {
        None => print!("{text}"),
        Some(path) if path.is_dir() => {
            return Err(format!(
                "`{}` is a directory: name a file, or use --format sqlx for a migrations \
                 directory",
                path.display()
            ));
        }
        Some(path) => {
            write_file(path, text)?;
            eprintln!("Wrote {}", path.display());
        }
    }
    Ok(0)
}

fn write_file(path: &Path, text: &str) -> Result<(), String> {
    if let Some(parent) = path.parent().filter(|p| !p.as_os_str().is_empty()) {
        std::fs::create_dir_all(parent)
            .map_err(|e| format!("cannot create `{}`: {e}", parent.display()))?;
    }
    std::fs::write(path, text).map_err(|e| format!("cannot write `{}`: {e}", path.display()))
}

fn templates(dir: Option<&Path>) -> Result<Templates, String> {
    match dir {
        Some(dir) => Templates::load(dir),
        None => Ok(Templates::builtin()),
    }
}

/// The plan for the database `args` names, read without writing: a SQLite file is opened
/// read-only, and one that does not exist yet is an empty database (it is not created).
async fn read_plan<S: Schema>(args: &DatabaseArgs) -> Result<Plan, String> {
    if let Some(path) = sqlite_file(args.database_url.trim())
        && !path.exists()
    {
        eprintln!(
            "note: `{}` does not exist yet: planned as an empty database (`authmodel migrate` \
             creates it)",
            path.display()
        );
        return migrate::plan(&S::stored_tables(), Dialect::Sqlite, &LiveSchema::default())
            .map_err(|e| e.to_string());
    }
    let adapter = connect::<S>(args, true).await?;
    migrate::diff(&adapter).await.map_err(|e| e.to_string())
}

/// The file a plain `sqlite:` URL names; `None` for other URLs, in-memory databases, and
/// paths with escapes or parameters (those go through the adapter's own parser).
fn sqlite_file(url: &str) -> Option<PathBuf> {
    let rest = url.strip_prefix("sqlite:")?;
    let path = rest.strip_prefix("//").unwrap_or(rest);
    let plain = !path.is_empty() && !path.contains(['?', '%']) && !path.contains(":memory:");
    plain.then(|| PathBuf::from(path))
}

/// Connects to `--database-url`; read-only on a SQLite file when `read_only` (a diff must not
/// change the file it looks at).
async fn connect<S: Schema>(args: &DatabaseArgs, read_only: bool) -> Result<SqlAdapter<S>, String> {
    let given = args.database_url.trim();
    if given.is_empty() {
        return Err("the database URL is empty: pass --database-url or set DATABASE_URL".into());
    }
    let dialect = dialect_of(given)?;
    let url = match dialect {
        Dialect::Sqlite if read_only && !given.contains("mode=") && !given.contains(":memory:") => {
            let separator = if given.contains('?') { '&' } else { '?' };
            format!("{given}{separator}mode=ro")
        }
        _ => given.to_owned(),
    };
    let options = Options::default().read_connections(1).max_connections(2);
    let timeout = Duration::from_secs(args.connect_timeout.max(1));
    let shown = redact(given);
    match tokio::time::timeout(timeout, SqlAdapter::<S>::connect(&url, options)).await {
        Ok(Ok(adapter)) => Ok(adapter),
        Ok(Err(Error::Database(source))) => Err(format!(
            "cannot open the database `{shown}`: {source} (check --database-url or DATABASE_URL)"
        )),
        Ok(Err(other)) => Err(other.to_string()),
        Err(_) => Err(format!(
            "no answer from `{shown}` within {} s: is the server running, and is \
             --database-url right?",
            timeout.as_secs()
        )),
    }
}

/// The dialect a URL's scheme names.
fn dialect_of(url: &str) -> Result<Dialect, String> {
    let scheme = url
        .split(':')
        .next()
        .unwrap_or_default()
        .to_ascii_lowercase();
    match scheme.as_str() {
        "sqlite" => Ok(Dialect::Sqlite),
        "postgres" | "postgresql" => Ok(Dialect::Postgres),
        "mysql" | "mariadb" => Ok(Dialect::MySql),
        _ => Err(format!(
            "invalid database url `{}`: expected sqlite:, postgres:// or mysql://",
            redact(url)
        )),
    }
}

/// `url` with the password of its `user:password@` part replaced by `***`.
fn redact(url: &str) -> String {
    let Some(start) = url.find("://").map(|i| i + 3) else {
        return url.to_owned();
    };
    let end = url[start..]
        .find(['/', '?', '#'])
        .map_or(url.len(), |i| start + i);
    let authority = &url[start..end];
    match (authority.rfind('@'), authority.find(':')) {
        (Some(at), Some(colon)) if colon < at => {
            format!("{}***{}", &url[..start + colon + 1], &url[start + at..])
        }
        _ => url.to_owned(),
    }
}

fn capitalize(text: &str) -> String {
    let mut chars = text.chars();
    match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urls_name_their_dialect_and_passwords_are_hidden() {
        assert_eq!(dialect_of("sqlite://a.db"), Ok(Dialect::Sqlite));
        assert_eq!(dialect_of("postgresql://h/db"), Ok(Dialect::Postgres));
        assert_eq!(dialect_of("MariaDB://h/db"), Ok(Dialect::MySql));
        let error = dialect_of("redis://u:secret@h").unwrap_err();
        assert!(
            error.contains("redis://u:***@h") && !error.contains("secret"),
            "{error}"
        );
        assert_eq!(redact("mysql://root@h:3306/db"), "mysql://root@h:3306/db");
        assert_eq!(redact("postgres://u:p@ss@h/db"), "postgres://u:***@h/db");
    }
}
