//! The validated model: what `#[derive(AuthModel)]` was asked for, checked as a whole.
//!
//! Entry point: [`Model::from_input`]. Every independent check pushes into one darling
//! accumulator, so a user sees every mistake at once, each spanned on its own tokens.

use darling::{Error, FromDeriveInput, FromField};
use proc_macro2::Span;
use syn::ext::IdentExt;
use syn::spanned::Spanned;
use syn::{Data, DeriveInput, Fields};

use crate::attr::{FieldAttrs, ModelAttrs, RoleArg};
use crate::roles::RoleFieldDef;

/// The longest identifier every dialect accepts (PostgreSQL truncates past 63 bytes).
const MAX_IDENTIFIER_BYTES: usize = 63;

/// A model that passed validation.
pub struct Model<'a> {
    /// The input, kept for spans.
    pub original: &'a DeriveInput,
    pub role: RoleArg,
    pub table: String,
    pub krate: syn::Path,
    pub fields: Vec<Field>,
}

/// One field of a validated model.
pub struct Field {
    pub ident: syn::Ident,
    pub ty: syn::Type,
    pub column: String,
    pub role: Option<&'static RoleFieldDef>,
    pub primary_key: bool,
    pub unique: bool,
    pub index: bool,
    pub max_len: Option<u32>,
    pub default: Option<syn::Lit>,
    pub skip: bool,
}

impl Field {
    /// Whether the field is a column (not `#[auth(skip)]`).
    pub fn persisted(&self) -> bool {
        !self.skip
    }
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
        let fields = to_fields(&mut errors, role, parsed);
        check_required(&mut errors, role, &fields, &input.ident);

        let krate = attrs
            .krate
            .clone()
            .unwrap_or_else(|| syn::parse_quote!(::authmodel));
        errors.finish_with(Model {
            original: input,
            role,
            table,
            krate,
            fields,
        })
    }

    /// The persisted fields, in column order.
    pub fn columns(&self) -> impl Iterator<Item = &Field> {
        self.fields.iter().filter(|f| f.persisted())
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
    parsed: Vec<FieldAttrs>,
) -> Vec<Field> {
    let explicit_id = parsed.iter().any(|f| f.id.is_present());
    let mut id_seen: Option<Span> = None;
    let mut fields: Vec<Field> = Vec::with_capacity(parsed.len());
    for attrs in parsed {
        let Some(ident) = attrs.ident.clone() else {
            continue;
        };
        let name = ident.unraw().to_string();
        if attrs.skip.is_present() {
            check_skip(errors, &attrs);
        }
        if let Some(len) = &attrs.max_len
            && **len == 0
        {
            errors.push(
                Error::custom("`#[auth(max_len)]` must be at least 1").with_span(&len.span()),
            );
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

        let primary_key =
            !attrs.skip.is_present() && (attrs.id.is_present() || (!explicit_id && name == "id"));
        if attrs.id.is_present() {
            if let Some(_first) = id_seen {
                errors.push(
                    Error::custom("`#[auth(id)]` is allowed on exactly one field")
                        .with_span(&attrs.id.span()),
                );
            }
            id_seen = Some(attrs.id.span());
        }
        let role_field = if primary_key {
            role.field_named("id")
        } else if explicit_id && name == "id" {
            None
        } else {
            role.field_named(&name)
        };

        let column = match &attrs.column {
            Some(column) => {
                check_identifier(errors, column, column.span(), "column");
                column.to_string()
            }
            None => {
                check_identifier(errors, &name, ident.span(), "column");
                name.clone()
            }
        };
        if !attrs.skip.is_present()
            && let Some(other) = fields.iter().find(|f| f.persisted() && f.column == column)
        {
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

        fields.push(Field {
            ident,
            ty: attrs.ty,
            column,
            role: role_field.filter(|_| !attrs.skip.is_present()),
            primary_key,
            unique: attrs.unique.is_present(),
            index: attrs.index.is_present(),
            max_len: attrs.max_len.as_deref().copied(),
            default: attrs.default,
            skip: attrs.skip.is_present(),
        });
    }
    fields
}

/// `skip` means "not a column": any column key beside it is a contradiction.
fn check_skip(errors: &mut darling::error::Accumulator, attrs: &FieldAttrs) {
    let conflicts: [(&str, Option<Span>); 6] = [
        ("column", attrs.column.as_ref().map(|c| c.span())),
        ("id", attrs.id.is_present().then(|| attrs.id.span())),
        (
            "unique",
            attrs.unique.is_present().then(|| attrs.unique.span()),
        ),
        (
            "index",
            attrs.index.is_present().then(|| attrs.index.span()),
        ),
        ("max_len", attrs.max_len.as_ref().map(|m| m.span())),
        ("default", attrs.default.as_ref().map(|d| d.span())),
    ];
    for (key, span) in conflicts {
        if let Some(span) = span {
            errors.push(
                Error::custom(format!(
                    "`#[auth({key})]` conflicts with `#[auth(skip)]`: a skipped field is not a column"
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
        let present = fields
            .iter()
            .any(|f| f.role.is_some_and(|r| r.variant == def.variant));
        if !present {
            errors.push(
                Error::custom(format!(
                    "{} needs a field `{}`: add `{}`",
                    role.article_name(),
                    def.names[0],
                    def.example
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
