//! The validated model: what `#[derive(AuthModel)]` was asked for, checked as a whole.
//!
//! Entry point: [`Model::from_input`]. It parses the attributes ([`crate::attr`]), turns each
//! field into a column, an embedded model or a skipped field ([`crate::field`]), then applies
//! the rules between fields ([`crate::check`]). Every independent check pushes into one darling
//! accumulator, so a user sees every mistake at once, each spanned on its own tokens.
//!
//! The model borrows its input, as thiserror's `ast.rs` does: it keeps the `DeriveInput` as
//! `original` for spans, and each field its ident and type by reference. What darling parsed
//! from `#[auth(...)]` belongs to the parse and is moved in, never cloned.

use darling::{Error, FromDeriveInput};
use proc_macro2::Span;
use syn::ext::IdentExt;
use syn::spanned::Spanned;
use syn::{Data, DeriveInput, Fields};

use crate::attr::{IdArg, KeyArg, KeyNamesArg, ModelAttrs, RoleArg};
use crate::case::Case;
use crate::roles::RoleFieldDef;

/// A model that passed validation.
pub struct Model<'a> {
    /// The input, kept for spans.
    pub original: &'a DeriveInput,
    pub role: RoleArg,
    pub table: String,
    pub key_names: KeyNamesArg,
    pub krate: syn::Path,
    /// `#[auth(debug)]`: the derive writes `Debug`, secrets redacted.
    pub debug: bool,
    pub fields: Vec<Field<'a>>,
    /// Some field's key or contract field could not be resolved: already an error, which
    /// the rules do not repeat as "missing".
    pub unresolved: bool,
    /// The keys declared on the struct.
    pub keys: DeclaredKeys,
}

/// The keys declared on the struct (`primary_key(...)`, `unique(...)`, `index(...)`,
/// `exact_keys`, `no_foreign_key`), by field; [`crate::check`] checks each field exists.
pub struct DeclaredKeys {
    pub primary: Option<darling::util::SpannedValue<KeyArg>>,
    pub unique: Vec<darling::util::SpannedValue<KeyArg>>,
    pub index: Vec<darling::util::SpannedValue<KeyArg>>,
    pub exact: bool,
    pub foreign_key: bool,
    /// Where `no_primary_key` is, if the struct declares it.
    pub no_primary_key: Option<Span>,
    /// `on_delete = "..."`, if the struct declares it.
    pub on_delete: Option<darling::util::SpannedValue<crate::attr::OnDeleteArg>>,
    /// Where `without_rowid` is, if the struct declares it.
    pub without_rowid: Option<Span>,
}

/// One field of a validated model.
pub struct Field<'a> {
    pub ident: &'a syn::Ident,
    pub ty: &'a syn::Type,
    pub kind: FieldKind,
    /// Where `#[auth(secret)]` marks the field, if it does.
    pub secret: Option<Span>,
}

impl Field<'_> {
    /// Whether the derive's `Debug` redacts the field: marked `#[auth(secret)]`, or playing a
    /// contract field that is a credential (a session token, an OAuth token, ...).
    pub fn is_secret(&self) -> bool {
        self.secret.is_some()
            || matches!(&self.kind, FieldKind::Column(c) if c.role.is_some_and(|r| r.secret))
    }
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
    /// Where the name was given: `#[auth(column = "...")]`, else the field's ident.
    pub name_span: Span,
    pub role: Option<&'static RoleFieldDef>,
    /// Where the contract field was given: `#[auth(field = "...")]`, else the field's ident.
    pub role_span: Span,
    pub primary_key: Option<PrimaryKey>,
    pub unique: bool,
    pub index: bool,
    pub max_len: Option<u32>,
    pub default: Option<syn::Lit>,
    pub epoch_ms: bool,
    /// `#[auth(created_at)]` or `#[auth(updated_at)]`, and where it was given.
    pub stamp: Option<(StampArg, Span)>,
    /// `#[auth(db_default)]`: the id gets a database default.
    pub db_default: bool,
}

/// An instant column the adapters write: `#[auth(created_at)]`, `#[auth(updated_at)]`.
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum StampArg {
    CreatedAt,
    UpdatedAt,
}

impl StampArg {
    /// The key as the user writes it.
    pub fn key(self) -> &'static str {
        match self {
            StampArg::CreatedAt => "created_at",
            StampArg::UpdatedAt => "updated_at",
        }
    }
}

/// The primary key a column is.
pub struct PrimaryKey {
    pub source: IdSource,
    /// The key that made it one (`id`, `id_with`), else the field's ident (a field named `id`).
    pub span: Span,
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
        let mut errors = Error::accumulator();
        let model = Model::parse(input, &mut errors);
        match model {
            Some(model) => {
                crate::check::apply(&model, &mut errors);
                errors.finish_with(model)
            }
            None => Err(errors
                .finish()
                .expect_err("a model that failed to parse has errors")),
        }
    }

    /// The model as its attributes describe it, before the rules between fields: `None`
    /// when it cannot be built at all (the struct's own attributes failed, or no role).
    pub fn parse(input: &'a DeriveInput, errors: &mut darling::error::Accumulator) -> Option<Self> {
        let fields = errors.handle(named_fields(input))?;
        if let Some(param) = input.generics.params.first() {
            errors.push(
                Error::custom("`#[derive(AuthModel)]` does not support generic structs")
                    .with_span(&param.span()),
            );
        }
        // Struct and field attributes are parsed separately, so one unknown key does not hide
        // the mistakes elsewhere.
        let attrs = errors.handle(ModelAttrs::from_derive_input(input));
        let parsed = crate::field::parse_attrs(errors, fields);
        let attrs = attrs?;
        let Some(role) = attrs.role.as_deref().copied() else {
            errors.push(
                Error::custom(
                    "missing `#[auth(role = \"...\")]`: say which model this is: \
                     user, account, session, verification_token or authenticator",
                )
                .with_span(&input.ident),
            );
            return None;
        };

        let table = match &attrs.table {
            Some(table) => {
                crate::names::check_identifier(errors, table, table.span(), "table");
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
        let fields = crate::field::to_fields(errors, role, case, parsed, &mut unresolved);
        Some(Model {
            original: input,
            role,
            table,
            key_names: attrs.key_names.unwrap_or(KeyNamesArg::Postgres),
            krate: attrs
                .krate
                .unwrap_or_else(|| syn::parse_quote!(::authmodel)),
            debug: attrs.debug.is_present(),
            fields,
            unresolved,
            keys: DeclaredKeys {
                primary: attrs.primary_key,
                unique: attrs.unique,
                index: attrs.index,
                exact: attrs.exact_keys.is_present(),
                foreign_key: !attrs.no_foreign_key.is_present(),
                no_primary_key: attrs
                    .no_primary_key
                    .is_present()
                    .then(|| attrs.no_primary_key.span()),
                on_delete: attrs.on_delete,
                without_rowid: attrs
                    .without_rowid
                    .is_present()
                    .then(|| attrs.without_rowid.span()),
            },
        })
    }

    /// The column of the struct's own field `ident`, if it is one.
    pub fn column_of(&self, ident: &syn::Ident) -> Option<&Column> {
        self.columns()
            .find(|(f, _)| f.ident.unraw() == ident.unraw())
            .map(|(_, c)| c)
    }

    /// The fields stored as one column each, with their columns.
    pub fn columns(&self) -> impl Iterator<Item = (&Field<'a>, &Column)> {
        self.fields.iter().filter_map(|f| match &f.kind {
            FieldKind::Column(c) => Some((f, c)),
            _ => None,
        })
    }
}

/// The struct's named fields, or why the input is not a struct with named fields.
fn named_fields(input: &DeriveInput) -> Result<&syn::FieldsNamed, Error> {
    let message =
        |what: &str| format!("`#[derive(AuthModel)]` needs a struct with named fields, not {what}");
    match &input.data {
        Data::Struct(data) => match &data.fields {
            Fields::Named(fields) => Ok(fields),
            Fields::Unnamed(_) => {
                Err(Error::custom(message("a tuple struct")).with_span(&input.ident))
            }
            Fields::Unit => Err(Error::custom(message("a unit struct")).with_span(&input.ident)),
        },
        Data::Enum(data) => Err(Error::custom(message("an enum")).with_span(&data.enum_token)),
        Data::Union(data) => Err(Error::custom(message("a union")).with_span(&data.union_token)),
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
    fn the_model_borrows_its_input() {
        let input: DeriveInput = syn::parse_quote! {
            #[auth(role = "session")]
            struct Login { session_token: String, user_id: Uuid, expires: DateTime<Utc> }
        };
        let model = Model::from_input(&input).expect("a valid model");
        let Data::Struct(data) = &input.data else {
            unreachable!("the input is a struct")
        };
        for (field, original) in model.fields.iter().zip(&data.fields) {
            assert!(std::ptr::eq(field.ident, original.ident.as_ref().unwrap()));
            assert!(std::ptr::eq(field.ty, &original.ty));
        }
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
    fn a_generic_struct_without_role_reports_both() {
        let input: DeriveInput = syn::parse_quote! {
            struct Login<T> { session_token: String, user_id: Uuid, expires: T }
        };
        assert_eq!(error_count(input), 2);
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
