//! What each command does, once clap has parsed it.
//!
//! Entry point: `run`, which returns the exit code or the one-line error to print. Every
//! command renders all of its output before it writes any of it, so a template that fails to
//! render or a plan that is refused leaves no file behind and applies nothing.

use std::path::{Path, PathBuf};

use authmodel::ddl::{self, CreateOptions};
use authmodel::migrate::{self, LiveSchema, Plan, Step};
use authmodel::{Dialect, Error, Schema};
use serde::Serialize;

use crate::database::{connect, dialect_of, flavour_of, read_plan};
use crate::diagram::Diagram;
use crate::output::{emit, print, write_file};
use crate::prisma::PrismaSchema;
use crate::templates::{Template, Templates};
use crate::{
    CheckArgs, Cli, Command, DiffArgs, DiffFormat, EXIT_DIFFERS, GenerateArgs, GenerateFormat,
    InitArgs, MigrateArgs, MigrationArgs,
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
                "no dialect: pass --dialect sqlite|postgres|mysql|mariadb, or --database-url"
                    .to_owned(),
            );
        }
    };
    let flavour = match (args.dialect, args.database_url.as_deref()) {
        (Some(dialect), _) => dialect.flavour(),
        (None, url) => url.map(flavour_of).unwrap_or_default(),
    };
    let templates = templates(args.migration.templates.as_deref())?;
    let tables = S::stored_tables();
    let text = |e: Error| e.to_string();
    let preamble = match (&args.postgres_schema, args.format) {
        (None, _) => Vec::new(),
        (Some(name), GenerateFormat::Sql) => {
            ddl::schema_preamble(dialect, name).map_err(|e| format!("--postgres-schema: {e}"))?
        }
        (Some(_), _) => {
            return Err(
                "--postgres-schema is for the sql format: a migration runner keeps its own \
                 table in the connection's schema; set the schema in the URL instead \
                 (`?options=-csearch_path%3Dauth`)"
                    .to_owned(),
            );
        }
    };
    let single = match args.format {
        GenerateFormat::Sql => {
            let options = CreateOptions::default()
                .if_not_exists(args.if_not_exists)
                .flavour(flavour)
                .recommended_indexes(args.recommended_indexes);
            let context = ScriptContext {
                common: common::<S>(dialect),
                summary: format!("create the {} tables", tables.len()),
                statements: preamble
                    .into_iter()
                    .chain(ddl::create_statements::<S>(dialect, options).map_err(text)?)
                    .collect(),
            };
            templates.render(Template::Script, &context)?
        }
        GenerateFormat::Mermaid => {
            let diagram = Diagram::from_tables(&tables, dialect).map_err(text)?;
            templates.render(Template::Diagram, &with_common::<S, _>(dialect, &diagram))?
        }
        GenerateFormat::Prisma => {
            let schema = PrismaSchema::from_tables(&tables, dialect).map_err(text)?;
            templates.render(Template::Prisma, &with_common::<S, _>(dialect, &schema))?
        }
        GenerateFormat::Sqlx => {
            let live = LiveSchema {
                flavour: Some(flavour),
                ..LiveSchema::default()
            };
            let options =
                migrate::PlanOptions::default().recommended_indexes(args.recommended_indexes);
            let plan = migrate::plan_with(&tables, dialect, &live, options).map_err(text)?;
            return write_migration::<S>(&plan, &templates, &args.migration, args.out);
        }
    };
    emit(&single, args.out.as_deref())?;
    Ok(0)
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
            print(&plan.to_string())?;
            Ok(0)
        }
        DiffFormat::Sql => {
            refuse_to_write(&plan)?;
            let context = ScriptContext {
                common: common::<S>(plan.dialect),
                summary: plan.headline(),
                statements: plan.statements().into_iter().map(str::to_owned).collect(),
            };
            emit(
                &templates.render(Template::Script, &context)?,
                args.out.as_deref(),
            )?;
            Ok(0)
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
        print(&read_plan::<S>(&args.database).await?.to_string())?;
        return Ok(0);
    }
    let adapter = connect::<S>(&args.database, false).await?;
    let plan = migrate::diff_with(&adapter, args.database.plan_options())
        .await
        .map_err(|e| e.to_string())?;
    refuse_to_write(&plan)?;
    for drift in plan.drift.iter().filter(|d| !d.is_note()) {
        eprintln!("warning: {drift}");
    }
    if plan.steps.is_empty() {
        print("Nothing to apply: the database has every table, column and index.\n")?;
        return Ok(0);
    }
    let count = migrate::apply(&adapter, &plan)
        .await
        .map_err(|e| e.to_string())?;
    let mut applied = format!("Applied: {} ({count} statements).\n", plan.summary());
    for step in &plan.steps {
        applied.push_str(&format!("  {step}\n"));
    }
    print(&applied)?;
    Ok(0)
}

async fn check<S: Schema>(args: CheckArgs) -> Outcome {
    let plan = read_plan::<S>(&args.database).await?;
    print(&plan.to_string())?;
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
    let krate = crate_name(Path::new("Cargo.toml"));
    print(&format!(
        "Wrote {}. Next:\n  1. add `pub mod auth_models;` to src/lib.rs, and to Cargo.toml: \
         authmodel, authmodel-cli, chrono and uuid;\n  2. add the binary \
         src/bin/authmodel.rs:\n       fn main() -> std::process::ExitCode {{\n           \
         authmodel_cli::main::<{krate}::auth_models::AppAuth>()\n       }}\n  3. run \
         `cargo run --bin authmodel -- migrate --database-url sqlite://auth.db`.\n",
        args.out.display()
    ))?;
    Ok(0)
}

/// The name Rust code calls the library of `manifest` by: its `[lib] name`, else its package
/// name with `-` as `_` (`my-app` is `my_app`); `your_crate` when there is no such manifest or
/// it has no `[package]`.
fn crate_name(manifest: &Path) -> String {
    #[derive(serde::Deserialize)]
    struct Manifest {
        package: Option<Named>,
        lib: Option<Lib>,
    }
    #[derive(serde::Deserialize)]
    struct Named {
        name: String,
    }
    #[derive(serde::Deserialize)]
    struct Lib {
        name: Option<String>,
    }
    let Some(manifest) = std::fs::read_to_string(manifest)
        .ok()
        .and_then(|text| toml::from_str::<Manifest>(&text).ok())
    else {
        return "your_crate".to_owned();
    };
    let Some(package) = manifest.package else {
        return "your_crate".to_owned();
    };
    manifest
        .lib
        .and_then(|lib| lib.name)
        .unwrap_or(package.name)
        .replace('-', "_")
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
    print(&format!("{}\n{}\n", up_path.display(), down_path.display()))?;
    Ok(0)
}

fn templates(dir: Option<&Path>) -> Result<Templates, String> {
    match dir {
        Some(dir) => Templates::load(dir),
        None => Ok(Templates::builtin()),
    }
}
