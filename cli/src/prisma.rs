//! The Prisma schema: what the Prisma template (`schema.prisma.jinja`) is given.
//!
//! Entry point: [`PrismaSchema::from_tables`]: the datasource provider and one model per
//! table, with fields and attributes. Model and field names are the ones
//! `@auth/prisma-adapter` uses, mapped onto the columns with `@map`/`@@map`; native types and
//! key names are the ones of the tables `generate` creates: Prisma's own default names
//! (`<table>_pkey`, `<table>_<columns>_key`, `_idx`, `_fkey`) are the ones `ddl` gives, and
//! are written out with `map:` all the same. Keys and types are read from [`ddl::plan`], the
//! plan the `CREATE` statements are written from.

use authmodel::descriptor::{
    Column, ColumnType, DefaultValue, IdStrategy, Role, RoleField, Stamp, Table, camel_case,
};
use authmodel::{Dialect, Result, ddl};
use serde::Serialize;

/// A Prisma schema: the datasource provider and one model per table.
#[derive(Debug, Serialize)]
pub struct PrismaSchema {
    /// `sqlite`, `postgresql` or `mysql`.
    pub provider: &'static str,
    /// The models, users first.
    pub models: Vec<PrismaModel>,
    /// What a Prisma user should know about sharing these tables.
    pub notes: Vec<String>,
}

/// One Prisma model.
#[derive(Debug, Serialize)]
pub struct PrismaModel {
    /// The model name: the role's, as Auth.js names it (`User`, `VerificationToken`).
    pub name: String,
    /// Its fields: the columns, then the relations.
    pub fields: Vec<PrismaField>,
    /// `@@id`, `@@unique`, `@@index` and `@@map` lines.
    pub block_attributes: Vec<String>,
}

/// One field of a [`PrismaModel`].
#[derive(Debug, Serialize)]
pub struct PrismaField {
    /// The field name, camelCase.
    pub name: String,
    /// The type with its `?` or `[]`.
    #[serde(rename = "type")]
    pub ty: String,
    /// The field attributes, space-separated (`@id @default(uuid()) @db.Uuid`).
    pub attributes: String,
    /// `name` padded to the model's widest field name.
    pub padded_name: String,
    /// `type` padded to the model's widest type (unpadded without attributes).
    pub padded_type: String,
}

impl PrismaSchema {
    /// The Prisma schema of `tables` on `dialect`.
    ///
    /// Fails with [`Error::Schema`](authmodel::Error::Schema) when the tables cannot be created
    /// (the error `generate` gives for the SQL).
    pub fn from_tables(tables: &[&'static Table], dialect: Dialect) -> Result<PrismaSchema> {
        let plans = ddl::plan(tables)?;
        let connector = Connector::of(dialect);
        let mut notes: Vec<String> = connector.note.iter().map(|n| (*n).to_owned()).collect();
        let user_model = Some(model_name(Role::User));
        let mut models: Vec<PrismaModel> = Vec::new();
        for plan in &plans {
            let table = plan.table();
            let mut fields = Vec::new();
            let mut block = Vec::new();
            for column in table.columns {
                let sql = plan.column_type(column, dialect);
                let (scalar, native) = prisma_type(column, &sql, &connector);
                let mut attributes = Vec::new();
                if let [only] = plan.primary()
                    && only.name == column.name
                {
                    attributes.push("@id".to_owned());
                }
                if let Some(default) = prisma_default(column) {
                    attributes.push(format!("@default({default})"));
                }
                if column.stamp == Some(Stamp::UpdatedAt) {
                    attributes.push("@updatedAt".to_owned());
                }
                if let IdStrategy::Generated(_) = column.id.unwrap_or(IdStrategy::Provided) {
                    notes.push(format!(
                        "`{}.{}` comes from an application function: Prisma clients must set it",
                        model_name(table.role),
                        field_name(column)
                    ));
                }
                for key in plan.unique().iter().filter(|k| k.columns.len() == 1) {
                    if key.columns[0].name == column.name {
                        attributes.push(format!("@unique(map: \"{}\")", key.name));
                    }
                }
                if field_name(column) != column.name {
                    attributes.push(format!("@map(\"{}\")", column.name));
                }
                if connector.native_types
                    && let Some(native) = native
                {
                    attributes.push(native);
                }
                let optional = if column.nullable { "?" } else { "" };
                fields.push((
                    field_name(column),
                    format!("{scalar}{optional}"),
                    attributes,
                ));
            }
            if plan.primary().len() > 1 {
                block.push(format!("@@id([{}])", field_list(plan.primary())));
            }
            for key in plan.unique().iter().filter(|k| k.columns.len() > 1) {
                block.push(format!(
                    "@@unique([{}], map: \"{}\")",
                    field_list(&key.columns),
                    key.name
                ));
            }
            for key in plan.indexes() {
                block.push(format!(
                    "@@index([{}], map: \"{}\")",
                    field_list(&key.columns),
                    key.name
                ));
            }
            if let Some(reference) = plan.reference() {
                let name = free_name(&fields, "user");
                let map = if connector.foreign_key_names {
                    format!(", map: \"{}\"", reference.name())
                } else {
                    String::new()
                };
                fields.push((
                    name,
                    model_name(Role::User).to_owned(),
                    vec![format!(
                        "@relation(fields: [{}], references: [{}], onDelete: Cascade{map})",
                        field_name(reference.column()),
                        field_name(reference.target()),
                    )],
                ));
            }
            block.push(format!("@@map(\"{}\")", table.name));
            models.push(PrismaModel {
                name: model_name(table.role).to_owned(),
                fields: pad(fields),
                block_attributes: block,
            });
        }
        // The other side of each relation: a list on the user model.
        let children: Vec<String> = plans
            .iter()
            .filter(|p| p.reference().is_some())
            .map(|p| model_name(p.table().role).to_owned())
            .collect();
        if let Some(user) = models
            .iter_mut()
            .find(|m| Some(m.name.as_str()) == user_model)
        {
            let mut fields: Vec<(String, String, Vec<String>)> = user
                .fields
                .drain(..)
                .map(|f| (f.name, f.ty, split_attributes(&f.attributes)))
                .collect();
            for child in children {
                let name = free_name(&fields, &format!("{}s", lower_first(&child)));
                fields.push((name, format!("{child}[]"), Vec::new()));
            }
            user.fields = pad(fields);
        }
        notes.dedup();
        Ok(PrismaSchema {
            provider: connector.provider,
            models,
            notes,
        })
    }
}

/// What Prisma's connector for a dialect takes.
struct Connector {
    /// The datasource provider.
    provider: &'static str,
    /// Whether fields take `@db.` native types.
    native_types: bool,
    /// Whether relations take the foreign key's name (`map:`).
    foreign_key_names: bool,
    /// Whether a `String` is `text` without a native type.
    string_is_text: bool,
    /// What a Prisma user should know about sharing tables on this dialect.
    note: Option<&'static str>,
}

impl Connector {
    fn of(dialect: Dialect) -> Connector {
        match dialect {
            // Prisma's SQLite connector has no native types and refuses foreign key names
            // (SQLite keeps none).
            Dialect::Sqlite => Connector {
                provider: "sqlite",
                native_types: false,
                foreign_key_names: false,
                string_is_text: true,
                note: Some(
                    "SQLite has no date or UUID types: authmodel stores timestamps as ISO-8601 \
                     text (2024-01-31T09:30:00.000Z) and UUIDs as text; make sure your Prisma \
                     version reads the same encoding before sharing the file",
                ),
            },
            // Prisma's String is `text` and DateTime is `timestamp(3)`.
            Dialect::Postgres => Connector {
                provider: "postgresql",
                native_types: true,
                foreign_key_names: true,
                string_is_text: true,
                note: None,
            },
            // Prisma's String is `varchar(191)`.
            Dialect::MySql => Connector {
                provider: "mysql",
                native_types: true,
                foreign_key_names: true,
                string_is_text: false,
                note: None,
            },
        }
    }
}

/// The Prisma scalar of `column` and, where Prisma's default native type differs from the
/// SQL type `ddl` declares, the `@db.` attribute that makes them the same.
fn prisma_type(
    column: &Column,
    sql: &str,
    connector: &Connector,
) -> (&'static str, Option<String>) {
    let scalar = match column.ty {
        ColumnType::Text | ColumnType::Uuid => "String",
        ColumnType::Bool => "Boolean",
        ColumnType::Int32 => "Int",
        ColumnType::Int64 => "BigInt",
        ColumnType::Float64 => "Float",
        ColumnType::Timestamp => "DateTime",
        // Integer milliseconds: Prisma's `DateTime` is a timestamp column except on SQLite.
        ColumnType::EpochMillis => "BigInt",
        ColumnType::Json => "Json",
        ColumnType::Bytes => "Bytes",
    };
    let (base, args) = match sql.find('(') {
        Some(i) => (&sql[..i], &sql[i..]),
        None => (sql, ""),
    };
    let native = match base {
        "varchar" => Some(format!("@db.VarChar{args}")),
        "uuid" => Some("@db.Uuid".to_owned()),
        "timestamptz" => Some("@db.Timestamptz(6)".to_owned()),
        "text" if !connector.string_is_text => Some("@db.Text".to_owned()),
        "longtext" => Some("@db.LongText".to_owned()),
        "char" => Some(format!("@db.Char{args}")),
        "datetime" => Some(format!("@db.DateTime{args}")),
        "longblob" => Some("@db.LongBlob".to_owned()),
        "varbinary" => Some(format!("@db.VarBinary{args}")),
        _ => None,
    };
    (scalar, native)
}

fn prisma_default(column: &Column) -> Option<String> {
    match column.id {
        Some(IdStrategy::UuidV4) => return Some("uuid()".to_owned()),
        Some(IdStrategy::UuidV7) => return Some("uuid(7)".to_owned()),
        Some(IdStrategy::AutoIncrement) => return Some("autoincrement()".to_owned()),
        _ => {}
    }
    Some(match column.default? {
        DefaultValue::Bool(b) => b.to_string(),
        DefaultValue::Int(i) => i.to_string(),
        DefaultValue::Float(f) => f.to_string(),
        DefaultValue::Text(s) => format!("\"{}\"", s.replace('\\', "\\\\").replace('"', "\\\"")),

        DefaultValue::Now => "now()".to_owned(),
        // Prisma makes the id in its client, as authmodel does; the database default is for
        // the clients that don't.
        DefaultValue::RandomUuid => "uuid()".to_owned(),
    })
}

/// The Prisma field name of `column`: the Auth.js field it plays, so that
/// `@auth/prisma-adapter` finds every field under the name it uses (`providerAccountId`,
/// `refresh_token`, `credentialID`), else its Rust field in camelCase.
fn field_name(column: &Column) -> String {
    match column.role {
        Some(role) if role != RoleField::AccountExtra => role.authjs_name().to_owned(),
        _ => camel_case(column.field.strip_prefix("r#").unwrap_or(column.field)),
    }
}

/// The Prisma model of a role: the names `@auth/prisma-adapter` calls (`prisma.account`).
fn model_name(role: Role) -> &'static str {
    match role {
        Role::User => "User",
        Role::Account => "Account",
        Role::Session => "Session",
        Role::VerificationToken => "VerificationToken",
        Role::Authenticator => "Authenticator",
    }
}

fn field_list(columns: &[&Column]) -> String {
    columns
        .iter()
        .map(|c| field_name(c))
        .collect::<Vec<_>>()
        .join(", ")
}

fn lower_first(name: &str) -> String {
    let mut chars = name.chars();
    match chars.next() {
        Some(first) => first.to_lowercase().chain(chars).collect(),
        None => String::new(),
    }
}

/// `wanted`, or `wanted` with a suffix when a field already has that name.
fn free_name(fields: &[(String, String, Vec<String>)], wanted: &str) -> String {
    let taken = |name: &str| fields.iter().any(|(n, _, _)| n == name);
    if !taken(wanted) {
        return wanted.to_owned();
    }
    (2..)
        .map(|i| format!("{wanted}{i}"))
        .find(|n| !taken(n))
        .unwrap_or_else(|| wanted.to_owned())
}

fn split_attributes(attributes: &str) -> Vec<String> {
    if attributes.is_empty() {
        Vec::new()
    } else {
        vec![attributes.to_owned()]
    }
}

/// Lays out fields in columns, as `prisma format` does.
fn pad(fields: Vec<(String, String, Vec<String>)>) -> Vec<PrismaField> {
    let name_width = fields.iter().map(|(n, _, _)| n.len()).max().unwrap_or(0);
    let type_width = fields.iter().map(|(_, t, _)| t.len()).max().unwrap_or(0);
    fields
        .into_iter()
        .map(|(name, ty, attributes)| {
            let attributes = attributes.join(" ");
            PrismaField {
                padded_name: format!("{name:name_width$}"),
                padded_type: if attributes.is_empty() {
                    ty.clone()
                } else {
                    format!("{ty:type_width$}")
                },
                name,
                ty,
                attributes,
            }
        })
        .collect()
}
