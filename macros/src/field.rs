//! One field of `#[derive(AuthModel)]`: its `#[auth(...)]` keys, read into a column, an
//! embedded model or a skipped field, with the checks that need only that field.
//!
//! Entry points: [`parse_attrs`], then [`to_fields`]. Rules that compare fields with each
//! other live in [`crate::check`].

use darling::util::Override;
use darling::{Error, FromField};
use proc_macro2::Span;
use syn::ext::IdentExt;
use syn::spanned::Spanned;

use crate::attr::{FieldAttrs, IdArg, RoleArg};
use crate::case::Case;
use crate::model::{Column, Field, FieldKind, IdSource, PrimaryKey, StampArg};
use crate::names::{check_identifier, closest};
use crate::roles::RoleFieldDef;

/// Each field with its parsed keys. A field whose `#[auth(...)]` failed to parse continues
/// without keys, so its error does not hide the others.
pub fn parse_attrs<'a>(
    errors: &mut darling::error::Accumulator,
    fields: &'a syn::FieldsNamed,
) -> Vec<(&'a syn::Field, FieldAttrs)> {
    fields
        .named
        .iter()
        .map(|field| {
            let attrs = errors
                .handle(FieldAttrs::from_field(field))
                .unwrap_or_default();
            (field, attrs)
        })
        .collect()
}

/// The fields of a model of `role`, each checked on its own.
pub fn to_fields<'a>(
    errors: &mut darling::error::Accumulator,
    role: RoleArg,
    case: Option<Case>,
    parsed: Vec<(&'a syn::Field, FieldAttrs)>,
    unresolved: &mut bool,
) -> Vec<Field<'a>> {
    // Once any field is marked, a field named `id` is no longer the key by its name.
    let explicit_id = parsed
        .iter()
        .any(|(_, a)| a.id.is_some() || a.id_with.is_some());
    let mut fields = Vec::with_capacity(parsed.len());
    for (original, attrs) in parsed {
        let Some(ident) = original.ident.as_ref() else {
            continue;
        };
        let secret = attrs.secret.is_present().then(|| attrs.secret.span());
        let kind = to_kind(errors, role, case, attrs, ident, explicit_id, unresolved);
        fields.push(Field {
            ident,
            ty: &original.ty,
            kind,
            secret,
        });
    }
    fields
}

fn to_kind(
    errors: &mut darling::error::Accumulator,
    role: RoleArg,
    case: Option<Case>,
    mut attrs: FieldAttrs,
    ident: &syn::Ident,
    explicit_id: bool,
    unresolved: &mut bool,
) -> FieldKind {
    if attrs.skip.is_present() {
        check_alone(errors, &attrs, "skip", "a skipped field is not a column");
        return FieldKind::Skip;
    }
    if attrs.flatten.is_present() {
        check_alone(
            errors,
            &attrs,
            "flatten",
            "an embedded model brings its own columns",
        );
        // Redacting the whole embedded model would hide its public fields too; its own
        // `#[auth(debug)]` redacts its secrets wherever it is embedded.
        if attrs.secret.is_present() {
            errors.push(
                Error::custom(
                    "`#[auth(secret)]` conflicts with `#[auth(flatten)]`: an embedded model \
                     marks its own secret fields",
                )
                .with_span(&attrs.secret.span()),
            );
        }
        return FieldKind::Flatten;
    }
    let name = ident.unraw().to_string();
    // Moved out: the model owns what darling parsed, rather than a copy of it.
    let id_with = attrs.id_with.take();
    let primary_key = to_primary_key(
        errors,
        &attrs,
        id_with,
        ident,
        &name,
        explicit_id,
        unresolved,
    );
    let role_field = to_role_field(
        errors,
        role,
        &attrs,
        &name,
        primary_key.is_some(),
        unresolved,
    );
    let (column, name_span) = to_column_name(errors, &attrs, ident, case);
    check_column(errors, &attrs);
    let stamp = to_stamp(errors, &attrs, primary_key.is_some(), role_field);
    let db_default = check_db_default(errors, &attrs, primary_key.as_ref());
    FieldKind::Column(Column {
        name: column,
        name_span,
        role: role_field,
        role_span: attrs.field.as_ref().map_or(ident.span(), |f| f.span()),
        primary_key,
        unique: attrs.unique.is_present(),
        index: attrs.index.is_present(),
        max_len: attrs.max_len.as_deref().copied(),
        default: attrs.default,
        epoch_ms: attrs.epoch_ms.is_present(),
        stamp,
        db_default,
    })
}

/// `#[auth(created_at)]` or `#[auth(updated_at)]`: an instant the adapters write, so it is
/// neither the key, nor a contract field (the contract writes those), nor given a default of
/// the user's (`created_at` brings the current instant; `updated_at` has none, as Prisma's
/// `@updatedAt`).
fn to_stamp(
    errors: &mut darling::error::Accumulator,
    attrs: &FieldAttrs,
    primary_key: bool,
    role_field: Option<&'static RoleFieldDef>,
) -> Option<(StampArg, Span)> {
    let (stamp, span) = match (attrs.created_at.is_present(), attrs.updated_at.is_present()) {
        (false, false) => return None,
        (true, true) => {
            errors.push(
                Error::custom(
                    "`#[auth(updated_at)]` conflicts with `#[auth(created_at)]`: a column is \
                     one or the other",
                )
                .with_span(&attrs.updated_at.span()),
            );
            (StampArg::CreatedAt, attrs.created_at.span())
        }
        (true, false) => (StampArg::CreatedAt, attrs.created_at.span()),
        (false, true) => (StampArg::UpdatedAt, attrs.updated_at.span()),
    };
    let key = stamp.key();
    if primary_key {
        errors.push(
            Error::custom(format!(
                "`#[auth({key})]` conflicts with `#[auth(id)]`: the primary key is not an instant \
                 the adapter writes"
            ))
            .with_span(&span),
        );
    } else if let Some(def) = role_field {
        errors.push(
            Error::custom(format!(
                "`#[auth({key})]` is for a column the application owns, and this field plays the \
                 contract's `{}`",
                def.names[0]
            ))
            .with_span(&span),
        );
    }
    if let Some(default) = &attrs.default {
        let why = match stamp {
            StampArg::CreatedAt => {
                "the database default of a `created_at` column is the current instant"
            }
            StampArg::UpdatedAt => {
                "an `updated_at` column has no default, as Prisma's `@updatedAt`"
            }
        };
        errors.push(
            Error::custom(format!(
                "`#[auth(default)]` conflicts with `#[auth({key})]`: {why}"
            ))
            .with_span(default),
        );
    }
    Some((stamp, span))
}

/// `#[auth(db_default)]`: a database default for the id, which only a key generated as a
/// UUID or given as text can have (the database already numbers an autoincrement key).
fn check_db_default(
    errors: &mut darling::error::Accumulator,
    attrs: &FieldAttrs,
    primary_key: Option<&PrimaryKey>,
) -> bool {
    if !attrs.db_default.is_present() {
        return false;
    }
    let span = attrs.db_default.span();
    match primary_key.map(|k| &k.source) {
        None => {
            errors.push(
                Error::custom(
                    "`#[auth(db_default)]` is for the id: mark the field `#[auth(id)]`, or use \
                     `#[auth(default = ...)]` for another column",
                )
                .with_span(&span),
            );
            false
        }
        Some(IdSource::Explicit(IdArg::Autoincrement)) => {
            errors.push(
                Error::custom(
                    "`#[auth(db_default)]` conflicts with `#[auth(id = \"autoincrement\")]`: the \
                     database already numbers the rows",
                )
                .with_span(&span),
            );
            false
        }
        Some(_) => {
            if attrs.default.is_some() {
                errors.push(
                    Error::custom(
                        "`#[auth(db_default)]` conflicts with `#[auth(default)]`: a column has one \
                         default",
                    )
                    .with_span(&span),
                );
            }
            true
        }
    }
}

/// The primary key: `#[auth(id)]`, `#[auth(id = "...")]`, `#[auth(id_with = f)]`, or a field
/// named `id` when no field is marked.
fn to_primary_key(
    errors: &mut darling::error::Accumulator,
    attrs: &FieldAttrs,
    id_with: Option<syn::Path>,
    ident: &syn::Ident,
    name: &str,
    explicit_id: bool,
    unresolved: &mut bool,
) -> Option<PrimaryKey> {
    let (source, span) = match (&attrs.id, id_with) {
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
            Override::Inherit => (IdSource::ByType, id.span()),
            Override::Explicit(arg) => (IdSource::Explicit(*arg), id.span()),
        },
        (None, Some(path)) => {
            let span = path.span();
            (IdSource::Function(path), span)
        }
        (None, None) if !explicit_id && name == "id" => (IdSource::ByType, ident.span()),
        (None, None) => return None,
    };
    Some(PrimaryKey { source, span })
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

/// The column's name and where it was given.
fn to_column_name(
    errors: &mut darling::error::Accumulator,
    attrs: &FieldAttrs,
    ident: &syn::Ident,
    case: Option<Case>,
) -> (String, Span) {
    match &attrs.column {
        Some(column) => {
            check_identifier(errors, column, column.span(), "column");
            (column.to_string(), column.span())
        }
        None => {
            let name = ident.unraw().to_string();
            let name = case.map_or(name.clone(), |case| case.apply(&name));
            check_identifier(errors, &name, ident.span(), "column");
            (name, ident.span())
        }
    }
}

/// The column keys that are wrong whatever the other fields say.
fn check_column(errors: &mut darling::error::Accumulator, attrs: &FieldAttrs) {
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
}

/// `skip` and `flatten` mean "not one column": any column key beside them is a contradiction.
/// `secret` is not a column key: a skipped field may hold a secret too (`flatten` refuses it
/// where it is read).
fn check_alone(errors: &mut darling::error::Accumulator, attrs: &FieldAttrs, key: &str, why: &str) {
    let flag = |present: bool, span: Span| present.then_some(span);
    let others: [(&str, Option<Span>); 15] = [
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
            "created_at",
            flag(attrs.created_at.is_present(), attrs.created_at.span()),
        ),
        (
            "updated_at",
            flag(attrs.updated_at.is_present(), attrs.updated_at.span()),
        ),
        (
            "db_default",
            flag(attrs.db_default.is_present(), attrs.db_default.span()),
        ),
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
