//! The text templates every generated file comes from: built in, or the user's own.
//!
//! Entry point: [`Templates`] ([`Templates::builtin`], [`Templates::load`], then
//! [`Templates::render`]). The built-in templates are the files of this crate's `templates/`
//! folder, compiled in (and packaged with the crate). A directory given with `--templates` replaces any of them
//! by name; the others stay built in. Templates are [MiniJinja](https://docs.rs/minijinja)
//! (Jinja2) with `trim_blocks` and `lstrip_blocks`, no escaping, and strict undefined values:
//! a misspelt variable is an error, not an empty string.

use std::fmt;
use std::path::{Path, PathBuf};

use minijinja::syntax::SyntaxConfig;
use minijinja::{AutoEscape, Environment, UndefinedBehavior};
use serde::Serialize;

/// Which file a template produces.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Template {
    /// `script.sql.jinja`: the `CREATE` statements as one SQL file.
    Script,
    /// `up.sql.jinja`: a migration's up file.
    Up,
    /// `down.sql.jinja`: a migration's down file.
    Down,
    /// `diagram.mmd.jinja`: a Mermaid ER diagram.
    Diagram,
    /// `schema.prisma.jinja`: a Prisma schema.
    Prisma,
    /// `models.rs.jinja`: the starter models of `authmodel init`.
    Models,
}

impl Template {
    /// Every template.
    pub const ALL: [Template; 6] = [
        Template::Script,
        Template::Up,
        Template::Down,
        Template::Diagram,
        Template::Prisma,
        Template::Models,
    ];

    /// The file name, in this crate's `templates/` and in a `--templates` directory.
    pub fn file_name(self) -> &'static str {
        match self {
            Template::Script => "script.sql.jinja",
            Template::Up => "up.sql.jinja",
            Template::Down => "down.sql.jinja",
            Template::Diagram => "diagram.mmd.jinja",
            Template::Prisma => "schema.prisma.jinja",
            Template::Models => "models.rs.jinja",
        }
    }

    fn builtin(self) -> &'static str {
        match self {
            Template::Script => include_str!("../templates/script.sql.jinja"),
            Template::Up => include_str!("../templates/up.sql.jinja"),
            Template::Down => include_str!("../templates/down.sql.jinja"),
            Template::Diagram => include_str!("../templates/diagram.mmd.jinja"),
            Template::Prisma => include_str!("../templates/schema.prisma.jinja"),
            Template::Models => include_str!("../templates/models.rs.jinja"),
        }
    }
}

impl fmt::Display for Template {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.file_name())
    }
}

/// The templates of one run, each parsed once.
pub struct Templates {
    env: Environment<'static>,
    /// Where each template came from, for messages: `None` for a built-in one.
    origins: Vec<(Template, Option<PathBuf>)>,
}

impl fmt::Debug for Templates {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Templates")
            .field("origins", &self.origins)
            .finish_non_exhaustive()
    }
}

impl Templates {
    /// The built-in templates.
    pub fn builtin() -> Templates {
        // The built-in templates parse: `tests` renders each of them.
        Templates::from_sources(Template::ALL.map(|t| (t, t.builtin().to_owned(), None)))
            .unwrap_or_else(|_| Templates {
                env: environment(),
                origins: Vec::new(),
            })
    }

    /// The built-in templates, each replaced by the file of the same name in `dir`, if any.
    ///
    /// Fails with a one-line message when `dir` is not a readable directory, holds a
    /// `*.jinja` file of no known name (a misspelt override would otherwise be ignored), or
    /// holds a template that does not parse.
    pub fn load(dir: &Path) -> Result<Templates, String> {
        let entries = std::fs::read_dir(dir).map_err(|e| {
            format!(
                "cannot read the templates directory `{}`: {e}",
                dir.display()
            )
        })?;
        for entry in entries.flatten() {
            let name = entry.file_name();
            let name = name.to_string_lossy();
            let known = Template::ALL.iter().any(|t| t.file_name() == name);
            if name.ends_with(".jinja") && !known {
                let expected: Vec<&str> = Template::ALL.iter().map(|t| t.file_name()).collect();
                return Err(format!(
                    "unknown template `{}`: expected one of {}",
                    dir.join(&*name).display(),
                    expected.join(", ")
                ));
            }
        }
        let mut sources = Vec::new();
        for template in Template::ALL {
            let path = dir.join(template.file_name());
            match std::fs::read_to_string(&path) {
                Ok(text) => sources.push((template, text, Some(path))),
                Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                    sources.push((template, template.builtin().to_owned(), None));
                }
                Err(e) => {
                    return Err(format!("cannot read template `{}`: {e}", path.display()));
                }
            }
        }
        Templates::from_sources(sources)
    }

    fn from_sources(
        sources: impl IntoIterator<Item = (Template, String, Option<PathBuf>)>,
    ) -> Result<Templates, String> {
        let mut env = environment();
        let mut origins = Vec::new();
        for (template, text, origin) in sources {
            if let Err(e) = env.add_template_owned(template.file_name(), text) {
                return Err(format!(
                    "template `{}` does not parse: {}",
                    describe(template, origin.as_deref()),
                    one_line(&e)
                ));
            }
            origins.push((template, origin));
        }
        Ok(Templates { env, origins })
    }

    /// Renders `template` with `context`.
    ///
    /// Fails with a one-line message naming the template file, the line and what went
    /// wrong (an undefined variable, a filter applied to the wrong kind of value).
    pub fn render(&self, template: Template, context: &impl Serialize) -> Result<String, String> {
        let origin = self
            .origins
            .iter()
            .find(|(t, _)| *t == template)
            .and_then(|(_, origin)| origin.as_deref());
        let failed = |e: minijinja::Error| {
            format!(
                "template `{}` failed to render: {}",
                describe(template, origin),
                one_line(&e)
            )
        };
        let compiled = self
            .env
            .get_template(template.file_name())
            .map_err(failed)?;
        compiled
            .render(minijinja::value::Serde(context))
            .map_err(failed)
    }
}

fn environment() -> Environment<'static> {
    let mut env = Environment::new();
    env.set_undefined_behavior(UndefinedBehavior::Strict);
    // SQL, Rust and Prisma are not HTML: nothing is escaped, whatever the file name says.
    env.set_auto_escape_callback(|_| AutoEscape::None);
    if let Ok(syntax) = SyntaxConfig::builder()
        .trim_blocks(true)
        .lstrip_blocks(true)
        .keep_trailing_newline(true)
        .build()
    {
        env.set_syntax(syntax);
    }
    env
}

fn describe(template: Template, origin: Option<&Path>) -> String {
    match origin {
        Some(path) => path.display().to_string(),
        None => format!("{template} (built in)"),
    }
}

/// A MiniJinja error as one line: its kind and detail, and where.
fn one_line(error: &minijinja::Error) -> String {
    let mut text = match error.detail() {
        Some(detail) => format!("{}: {detail}", error.kind()),
        None => error.kind().to_string(),
    };
    if let Some(line) = error.line() {
        text.push_str(&format!(" (line {line})"));
    }
    text.replace(['\n', '\r'], " ")
}
