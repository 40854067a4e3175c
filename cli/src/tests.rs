//! The templates and interop contexts, without a process: each built-in template renders, an
//! override replaces one by name, and every failure is one line naming the file.

use authmodel::{DefaultSchema, Dialect, Schema};

use crate::diagram::Diagram;
use crate::prisma::PrismaSchema;
use crate::templates::{Template, Templates};

#[derive(serde::Serialize)]
struct Empty {
    authmodel_version: &'static str,
    schema: &'static str,
    dialect: &'static str,
    name: &'static str,
    version: &'static str,
    summary: &'static str,
    statements: Vec<String>,
    steps: Vec<String>,
    tables: Vec<String>,
    relations: Vec<String>,
    models: Vec<String>,
    notes: Vec<String>,
    provider: &'static str,
}

fn empty() -> Empty {
    Empty {
        authmodel_version: "0",
        schema: "S",
        dialect: "sqlite",
        name: "n",
        version: "1",
        summary: "nothing",
        statements: vec!["SELECT 1".to_owned()],
        steps: Vec::new(),
        tables: Vec::new(),
        relations: Vec::new(),
        models: Vec::new(),
        notes: Vec::new(),
        provider: "sqlite",
    }
}

#[test]
fn every_builtin_template_parses_and_renders() {
    let templates = Templates::builtin();
    for template in Template::ALL {
        let text = templates
            .render(template, &empty())
            .unwrap_or_else(|e| panic!("{template}: {e}"));
        assert!(!text.is_empty(), "{template}");
    }
}

#[test]
fn an_override_replaces_its_template_by_name_and_failures_are_one_line() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("up.sql.jinja"), "-- mine: {{ name }}\n").unwrap();
    let templates = Templates::load(dir.path()).unwrap();
    assert_eq!(
        templates.render(Template::Up, &empty()).unwrap(),
        "-- mine: n\n"
    );
    assert!(
        templates
            .render(Template::Script, &empty())
            .unwrap()
            .contains("SELECT 1;")
    );

    std::fs::write(dir.path().join("up.sql.jinja"), "{{ nmae }}").unwrap();
    let error = Templates::load(dir.path())
        .unwrap()
        .render(Template::Up, &empty())
        .unwrap_err();
    assert!(
        error.contains("up.sql.jinja") && error.contains("undefined"),
        "{error}"
    );
    assert!(!error.contains('\n'));

    std::fs::write(dir.path().join("up.sql.jinja"), "{% for x in %}").unwrap();
    let error = Templates::load(dir.path()).unwrap_err();
    assert!(
        error.contains("does not parse") && error.contains("line 1"),
        "{error}"
    );

    std::fs::remove_file(dir.path().join("up.sql.jinja")).unwrap();
    std::fs::write(dir.path().join("up.sql.j2.jinja"), "").unwrap();
    let error = Templates::load(dir.path()).unwrap_err();
    assert!(error.contains("unknown template"), "{error}");

    let error = Templates::load(&dir.path().join("missing")).unwrap_err();
    assert!(
        error.contains("cannot read the templates directory"),
        "{error}"
    );
}

#[test]
fn the_diagram_marks_keys_and_relations() {
    let diagram = Diagram::from_tables(&DefaultSchema::tables(), Dialect::Postgres).unwrap();
    let users = &diagram.tables[0];
    assert_eq!(users.name, "users");
    assert_eq!(
        (users.columns[0].ty.as_str(), users.columns[0].keys.as_str()),
        ("uuid", "PK")
    );
    assert_eq!(users.columns[2].keys, "UK");
    assert_eq!(users.columns[3].ty, "timestamptz");
    assert_eq!(diagram.relations.len(), 3);
    assert!(diagram.relations.iter().all(|r| r.parent == "users"));
}

#[test]
fn prisma_models_follow_the_rust_fields() {
    let schema = PrismaSchema::from_tables(&DefaultSchema::tables(), Dialect::MySql).unwrap();
    assert_eq!(schema.provider, "mysql");
    let account = schema.models.iter().find(|m| m.name == "Account").unwrap();
    let kind = account.fields.iter().find(|f| f.name == "type").unwrap();
    assert_eq!(kind.attributes, "@db.Text");
    let token = account
        .fields
        .iter()
        .find(|f| f.name == "refresh_token")
        .unwrap();
    assert_eq!(token.ty, "String?");
    let user = account.fields.iter().find(|f| f.name == "user").unwrap();
    assert!(
        user.attributes.contains("onDelete: Cascade"),
        "{}",
        user.attributes
    );
    let users = schema.models.iter().find(|m| m.name == "User").unwrap();
    assert!(
        users
            .fields
            .iter()
            .any(|f| f.name == "accounts" && f.ty == "Account[]")
    );
    let tokens = schema
        .models
        .iter()
        .find(|m| m.name == "VerificationToken")
        .unwrap();
    assert!(
        tokens
            .block_attributes
            .contains(&"@@id([identifier, token])".to_owned())
    );
}
