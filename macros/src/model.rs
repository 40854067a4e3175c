//! The validated model: what `#[derive(AuthModel)]` was asked for, checked as a whole.
//!
//! Entry point: [`Model::from_input`]. Every independent check pushes into one darling
//! accumulator, so a user sees every mistake at once, each spanned on its own tokens.

use darling::util::Override;
use darling::{Error, FromDeriveInput, FromField};
use proc_macro2::Span;
use syn::ext::IdentExt;
use syn::spanned::Spanned;
use syn::{Data, DeriveInput, Fields};

use crate::attr::{FieldAttrs, IdArg, KeyNamesArg, ModelAttrs, RoleArg};
use crate::case::Case;
use crate::roles::RoleFieldDef;

/// The longest identifier every dialect accepts (PostgreSQL truncates past 63 bytes).
const MAX_IDENTIFIER_BYTES: usize = 63;

/// A model that passed validation.
pub struct Model<'a> {
    /// The input, kept for spans.
    pub original: &'a DeriveInput,
    pub role: RoleArg,
    pub table: String,
    pub key_names: KeyNamesArg,
    pub krate: syn::Path,
    pub fields: Vec<Field>,
}

/// One field of a validated model.
pub struct Field {
    pub ident: syn::Ident,
    pub ty: syn::Type,
    pub kind: FieldKind,
}

/// What a field is to the table.
pub enum FieldKind {
    /// One column.
    Column(Column),
    /// An embedded model whose columns are spliced in here (`#[auth(flatten)]`).
    Flatten,
    /// Not persisted (`#[auth(skip)]`).
    Skip,
}

/// A field stored as one column.
pub struct Column {
    pub name: String,
    pub role: Option<&'static RoleFieldDef>,
    pub primary_key: Option<IdSource>,
    pub unique: bool,
    pub index: bool,
    pub max_len: Option<u32>,
    pub default: Option<syn::Lit>,
    pub epoch_ms: bool,
}

/// How a primary key's values are produced.
pub enum IdSource {
    /// By the field's type (`IdType::STRATEGY`).
    ByType,
    /// As `#[auth(id = "...")]` says.
    Explicit(IdArg),
    /// By the application's function (`#[auth(id_with = path)]`).
    Function(syn::Path),
}

impl<'a> Model<'a> {
    /// Parses and validates the derive input.
    pub fn from_input(input: &'a DeriveInput) -> Result<Model<'a>, Error> {
        check_shape(input)?;
        let mut errors = Error::accumulator();
        if let Some(param) = input.generics.params.first() {
            errors.push(
                Error::custom("`#[derive(AuthModel)]` does not support generic structs")
                    .with_span(&param.span()),
            );
        }
        // Struct and field attributes are parsed separately, so one unknown key does not hide
        // the mistakes elsewhere.
        let attrs = errors.handle(ModelAttrs::from_derive_input(input));
        let parsed: Vec<FieldAttrs> = named_fields(input)
            .map(|field| {
                errors
                    .handle(FieldAttrs::from_field(field))
                    .unwrap_or_else(|| FieldAttrs::bare(field))
            })
            .collect();
        let Some(attrs) = attrs else {
            return Err(errors.finish().expect_err("darling reported an error"));
        };
        let Some(role) = attrs.role.as_deref().copied() else {
            errors.push(
                Error::custom(
                    "missing `#[auth(role = \"...\")]`: say which model this is: \
                     user, account, session, verification_token or authenticator",
                )
                .with_span(&input.ident),
            );
            return Err(errors.finish().expect_err("an error was pushed"));
        };

        let table = match &attrs.table {
            Some(table) => {
                check_identifier(&mut errors, table, table.span(), "table");
                table.to_string()
            }
            None => role.default_table().to_owned(),
        };
        let case = attrs.rename_all.as_ref().and_then(|name| {
            let case = Case::from_name(name);
            if case.is_none() {
                errors.push(
                    Error::custom(format!(
                        "unknown `rename_all` value `{}`: expected one of {}",
                        name.as_str(),
                        Case::NAMES
                    ))
                    .with_span(&name.span()),
                );
            }
            case
        });
        let mut unresolved = false;
        let fields = to_fields(&mut errors, role, case, parsed, &mut unresolved);
        // An embedded model brings the fields its own derive required; a field whose role
        // could not be resolved is already an error, and "missing" would only repeat it.
        if !unresolved && !fields.iter().any(|f| matches!(f.kind, FieldKind::Flatten)) {
            check_required(&mut errors, role, &fields, &input.ident);
        }

        let krate = attrs
            .krate
            .clone()
            .unwrap_or_else(|| syn::parse_quote!(::authmodel));
        errors.finish_with(Model {
            original: input,
            role,
            table,
            key_names: attrs.key_names.unwrap_or(KeyNamesArg::Postgres),
            krate,
            fields,
        })
    }
}

fn named_fields(input: &DeriveInput) -> impl Iterator<Item = &syn::Field> {
    // `check_shape` has already refused anything but a struct with named fields.
    let fields = match &input.data {
        Data::Struct(data) => Some(data.fields.iter()),
        _ => None,
    };
    fields.into_iter().flatten()
}

fn check_shape(input: &DeriveInput) -> Result<(), Error> {
    let message =
        |what: &str| format!("`#[derive(AuthModel)]` needs a struct with named fields, not {what}");
    match &input.data {
        Data::Struct(data) => match data.fields {
            Fields::Named(_) => Ok(()),
            Fields::Unnamed(_) => {
                Err(Error::custom(message("a tuple struct")).with_span(&input.ident))
            }
            Fields::Unit => Err(Error::custom(message("a unit struct")).with_span(&input.ident)),
        },
        Data::Enum(data) => Err(Error::custom(message("an enum")).with_span(&data.enum_token)),
        Data::Union(data) => Err(Error::custom(message("a union")).with_span(&data.union_token)),
    }
}

fn to_fields(
    errors: &mut darling::error::Accumulator,
    role: RoleArg,
    case: Option<Case>,
    parsed: Vec<FieldAttrs>,
    unresolved: &mut bool,
) -> Vec<Field> {
    let explicit_id = parsed.iter().any(|f| f.id.is_some() || f.id_with.is_some());
    let mut id_seen = false;
    let mut fields: Vec<Field> = Vec::with_capacity(parsed.len());
    for attrs in parsed {
        let Some(ident) = attrs.ident.clone() else {
            continue;
        };
        let name = ident.unraw().to_string();
        let kind = if attrs.skip.is_present() {
            check_alone(errors, &attrs, "skip", "a skipped field is not a column");
            FieldKind::Skip
        } else if attrs.flatten.is_present() {
            check_alone(
                errors,
                &attrs,
                "flatten",
                "an embedded model brings its own columns",
            );
            FieldKind::Flatten
        } else {
            let primary_key =
                to_id_source(errors, &attrs, &name, explicit_id, &mut id_seen, unresolved);
            let role_field = to_role_field(
                errors,
                role,
                &attrs,
                &name,
                primary_key.is_some(),
                unresolved,
            );
            // A second primary key is already reported as such.
            if let Some(def) = role_field.filter(|_| primary_key.is_none())
                && let Some(other) = fields.iter().find(|f| match &f.kind {
                    FieldKind::Column(c) => c.role.is_some_and(|r| r.variant == def.variant),
                    _ => false,
                })
            {
                let span = attrs.field.as_ref().map_or(ident.span(), |f| f.span());
                errors.push(
                    Error::custom(format!(
                        "field `{}` already plays the contract's `{}`",
                        other.ident.unraw(),
                        def.names[0]
                    ))
                    .with_span(&span),
                );
            }
            let column = to_column_name(errors, &attrs, &ident, case);
            check_column(errors, &attrs, &fields, &ident, &column);
            FieldKind::Column(Column {
                name: column,
                role: role_field,
                primary_key,
                unique: attrs.unique.is_present(),
                index: attrs.index.is_present(),
                max_len: attrs.max_len.as_deref().copied(),
                default: attrs.default.clone(),
                epoch_ms: attrs.epoch_ms.is_present(),
            })
        };
        fields.push(Field {
            ident,
            ty: attrs.ty,
            kind,
        });
    }
    fields
}

/// The primary key: `#[auth(id)]`, `#[auth(id = "...")]`, `#[auth(id_with = f)]`, or a field
/// named `id` when no field is marked.
fn to_id_source(
    errors: &mut darling::error::Accumulator,
    attrs: &FieldAttrs,
    name: &str,
    explicit_id: bool,
    id_seen: &mut bool,
    unresolved: &mut bool,
) -> Option<IdSource> {
    let source = match (&attrs.id, &attrs.id_with) {
        (Some(id), Some(_)) => {
            errors.push(
                Error::custom(
                    "`#[auth(id)]` conflicts with `#[auth(id_with)]`: `id_with` already makes \
                     this field the primary key",
                )
                .with_span(&id.span()),
            );
            *unresolved = true;
            return None;
        }
        (Some(id), None) => match &**id {
            Override::Inherit => Some(IdSource::ByType),
            Override::Explicit(arg) => Some(IdSource::Explicit(*arg)),
        },
        (None, Some(path)) => Some(IdSource::Function(path.clone())),
        (None, None) if !explicit_id && name == "id" => Some(IdSource::ByType),
        (None, None) => None,
    };
    if source.is_some() && explicit_id {
        if *id_seen {
            let span = attrs
                .id
                .as_ref()
                .map(|id| id.span())
                .or_else(|| attrs.id_with.as_ref().map(|p| p.span()))
                .unwrap_or_else(Span::call_site);
            errors.push(
                Error::custom("`#[auth(id)]` is allowed on exactly one field").with_span(&span),
            );
        }
        *id_seen = true;
    }
    source
}

/// The contract field a column plays: by `#[auth(field = "...")]`, else by the field's name.
fn to_role_field(
    errors: &mut darling::error::Accumulator,
    role: RoleArg,
    attrs: &FieldAttrs,
    name: &str,
    primary_key: bool,
    unresolved: &mut bool,
) -> Option<&'static RoleFieldDef> {
    if attrs.extra.is_present() {
        if role != RoleArg::Account {
            errors.push(
                Error::custom("`#[auth(extra)]` is only for account models")
                    .with_span(&attrs.extra.span()),
            );
            return None;
        }
        return Some(&crate::roles::ACCOUNT_EXTRA);
    }
    if let Some(field) = &attrs.field {
        if primary_key {
            errors.push(
                Error::custom(
                    "`#[auth(field)]` conflicts with `#[auth(id)]`: the primary key plays `id`",
                )
                .with_span(&field.span()),
            );
            *unresolved = true;
            return None;
        }
        return match role.field_named(field) {
            Some(def) => Some(def),
            None => {
                let known: Vec<&str> = role.fields().iter().map(|f| f.names[0]).collect();
                let message = match closest(field, &known) {
                    Some(near) => format!(
                        "{} has no contract field `{}`; did you mean `{near}`?",
                        role.article_name(),
                        field.as_str()
                    ),
                    None => format!(
                        "{} has no contract field `{}`: expected one of {}",
                        role.article_name(),
                        field.as_str(),
                        known.join(", ")
                    ),
                };
                errors.push(Error::custom(message).with_span(&field.span()));
                *unresolved = true;
                None
            }
        };
    }
    if primary_key {
        role.field_named("id")
    } else if name == "id" {
        // Another field is the primary key: an `id` here is an ordinary column.
        None
    } else {
        role.field_named(name)
    }
}

fn to_column_name(
    errors: &mut darling::error::Accumulator,
    attrs: &FieldAttrs,
    ident: &syn::Ident,
    case: Option<Case>,
) -> String {
    match &attrs.column {
        Some(column) => {
            check_identifier(errors, column, column.span(), "column");
            column.to_string()
        }
        None => {
            let name = ident.unraw().to_string();
            let name = case.map_or(name.clone(), |case| case.apply(&name));
            check_identifier(errors, &name, ident.span(), "column");
            name
        }
    }
}

fn check_column(
    errors: &mut darling::error::Accumulator,
    attrs: &FieldAttrs,
    fields: &[Field],
    ident: &syn::Ident,
    column: &str,
) {
    if let Some(len) = &attrs.max_len
        && **len == 0
    {
        errors.push(Error::custom("`#[auth(max_len)]` must be at least 1").with_span(&len.span()));
    }
    if let Some(lit) = &attrs.default
        && !matches!(
            lit,
            syn::Lit::Str(_) | syn::Lit::Int(_) | syn::Lit::Float(_) | syn::Lit::Bool(_)
        )
    {
        errors.push(
            Error::custom("`#[auth(default)]` takes a string, integer, float or bool literal")
                .with_span(lit),
        );
    }
    if attrs.unique.is_present() && attrs.index.is_present() {
        errors.push(
            Error::custom(
                "`#[auth(index)]` conflicts with `#[auth(unique)]`: a unique column is already indexed",
            )
            .with_span(&attrs.index.span()),
        );
    }
    let taken = fields.iter().find(|f| match &f.kind {
        FieldKind::Column(c) => c.name.eq_ignore_ascii_case(column),
        _ => false,
    });
    if let Some(other) = taken {
        let span = attrs
            .column
            .as_ref()
            .map_or_else(|| ident.span(), |c| c.span());
        errors.push(
            Error::custom(format!(
                "column `{column}` is already used by field `{}`",
                other.ident.unraw()
            ))
            .with_span(&span),
        );
    }
}

/// `skip` and `flatten` mean "not one column": any column key beside them is a contradiction.
fn check_alone(errors: &mut darling::error::Accumulator, attrs: &FieldAttrs, key: &str, why: &str) {
    let flag = |present: bool, span: Span| present.then_some(span);
    let others: [(&str, Option<Span>); 12] = [
        ("column", attrs.column.as_ref().map(|c| c.span())),
        ("field", attrs.field.as_ref().map(|f| f.span())),
        ("id", attrs.id.as_ref().map(|i| i.span())),
        ("id_with", attrs.id_with.as_ref().map(|p| p.span())),
        (
            "unique",
            flag(attrs.unique.is_present(), attrs.unique.span()),
        ),
        ("index", flag(attrs.index.is_present(), attrs.index.span())),
        ("max_len", attrs.max_len.as_ref().map(|m| m.span())),
        ("default", attrs.default.as_ref().map(|d| d.span())),
        (
            "epoch_ms",
            flag(attrs.epoch_ms.is_present(), attrs.epoch_ms.span()),
        ),
        ("extra", flag(attrs.extra.is_present(), attrs.extra.span())),
        (
            "skip",
            flag(key != "skip" && attrs.skip.is_present(), attrs.skip.span()),
        ),
        (
            "flatten",
            flag(
                key != "flatten" && attrs.flatten.is_present(),
                attrs.flatten.span(),
            ),
        ),
    ];
    for (other, span) in others {
        if let Some(span) = span {
            errors.push(
                Error::custom(format!(
                    "`#[auth({other})]` conflicts with `#[auth({key})]`: {why}"
                ))
                .with_span(&span),
            );
        }
    }
}

fn check_required(
    errors: &mut darling::error::Accumulator,
    role: RoleArg,
    fields: &[Field],
    ident: &syn::Ident,
) {
    for def in role.fields().iter().filter(|d| d.required) {
        let present = fields.iter().any(|f| match &f.kind {
            FieldKind::Column(c) => c.role.is_some_and(|r| r.variant == def.variant),
            _ => false,
        });
        if !present {
            errors.push(
                Error::custom(format!(
                    "{} needs a field `{}`: add `{}`, or mark the field that plays it with `#[auth(field = \"{}\")]`",
                    role.article_name(),
                    def.names[0],
                    def.example,
                    def.names[0],
                ))
                .with_span(ident),
            );
        }
    }
}

/// An identifier every dialect accepts quoted, and that no quoting can be escaped from.
fn check_identifier(errors: &mut darling::error::Accumulator, name: &str, span: Span, what: &str) {
    let valid_chars = name
        .chars()
        .next()
        .is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
        && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_');
    if !valid_chars {
        errors.push(
            Error::custom(format!(
                "`{name}` is not a valid SQL {what} name: use letters, digits and `_`, starting with a letter or `_`"
            ))
            .with_span(&span),
        );
    } else if name.len() > MAX_IDENTIFIER_BYTES {
        errors.push(
            Error::custom(format!(
                "{what} name `{name}` is {} bytes, over the {MAX_IDENTIFIER_BYTES}-byte limit of PostgreSQL identifiers",
                name.len()
            ))
            .with_span(&span),
        );
    }
}

/// The known name nearest to a misspelt one, if it is near enough to be a typo.
fn closest<'k>(name: &str, known: &[&'k str]) -> Option<&'k str> {
    known
        .iter()
        .map(|k| (edit_distance(name, k), *k))
        .filter(|(d, k)| *d <= 2.max(k.len() / 4))
        .min_by_key(|(d, _)| *d)
        .map(|(_, k)| k)
}

fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut row: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut previous = row[0];
        row[0] = i + 1;
        for (j, cb) in b.iter().enumerate() {
            let current = row[j + 1];
            row[j + 1] = (previous + usize::from(ca != *cb))
                .min(row[j] + 1)
                .min(current + 1);
            previous = current;
        }
    }
    row[b.len()]
}

#[cfg(test)]
mod tests {
    use super::*;

    fn error_count(input: DeriveInput) -> usize {
        match Model::from_input(&input) {
            Ok(_) => 0,
            Err(errors) => errors.len(),
        }
    }

    #[test]
    fn a_valid_model_has_no_errors() {
        let input: DeriveInput = syn::parse_quote! {
            #[auth(role = "session")]
            struct Login { session_token: String, user_id: Uuid, expires: DateTime<Utc> }
        };
        assert_eq!(error_count(input), 0);
    }

    #[test]
    fn independent_mistakes_are_all_reported() {
        // An unknown key, a bad table name, two `#[auth(id)]`, a duplicate column, and the
        // missing `expires`: five errors from one pass.
        let input: DeriveInput = syn::parse_quote! {
            #[auth(role = "session", table = "bad name")]
            struct Login {
                #[auth(id)] a: Uuid,
                #[auth(id)] b: Uuid,
                #[auth(colum = "x")] session_token: String,
                #[auth(column = "session_token")] user_id: Uuid,
            }
        };
        assert_eq!(error_count(input), 5);
    }

    #[test]
    fn every_missing_required_field_is_named() {
        let input: DeriveInput = syn::parse_quote! {
            #[auth(role = "authenticator")]
            struct Key { credential_id: String }
        };
        // user_id, provider_account_id, credential_public_key, counter,
        // credential_device_type, credential_backed_up
        assert_eq!(error_count(input), 6);
    }

    #[test]
    fn skip_conflicts_once_per_key() {
        let input: DeriveInput = syn::parse_quote! {
            #[auth(role = "verification_token")]
            struct Token {
                identifier: String, token: String, expires: DateTime<Utc>,
                #[auth(skip, unique, index)] note: String,
            }
        };
        assert_eq!(error_count(input), 2);
    }
}
