//! The `#[auth(...)]` attributes, as darling parses them. Nothing here is validated beyond
//! syntax: [`crate::model`] checks what the keys mean together.

use darling::util::{Flag, SpannedValue};
use darling::{FromDeriveInput, FromField, FromMeta};

/// The contract role a struct plays: `#[auth(role = "user")]`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, FromMeta)]
#[darling(rename_all = "snake_case")]
pub enum RoleArg {
    User,
    Account,
    Session,
    VerificationToken,
    Authenticator,
}

/// Struct-level keys of `#[derive(AuthModel)]`.
#[derive(Debug, FromDeriveInput)]
#[darling(attributes(auth))]
pub struct ModelAttrs {
    /// `role = "user" | "account" | "session" | "verification_token" | "authenticator"`.
    pub role: Option<SpannedValue<RoleArg>>,
    /// `table = "name"`: the SQL table, instead of the role's default.
    pub table: Option<SpannedValue<String>>,
    /// `crate = path`: where `authmodel` is, for crates that re-export it.
    #[darling(rename = "crate")]
    pub krate: Option<syn::Path>,
}

/// Field-level keys of `#[derive(AuthModel)]`.
#[derive(Debug, FromField)]
#[darling(attributes(auth))]
pub struct FieldAttrs {
    pub ident: Option<syn::Ident>,
    pub ty: syn::Type,
    /// `column = "name"`: the SQL column, instead of the field's name.
    pub column: Option<SpannedValue<String>>,
    /// `id`: this field is the primary key (a field named `id` is, without the key).
    pub id: Flag,
    /// `unique`: a unique constraint on this column.
    pub unique: Flag,
    /// `index`: an index on this column.
    pub index: Flag,
    /// `max_len = N`: a bounded string column.
    pub max_len: Option<SpannedValue<u32>>,
    /// `default = literal`: the column default in the DDL.
    pub default: Option<syn::Lit>,
    /// `skip`: not persisted; `Default::default()` when read back.
    pub skip: Flag,
}

/// Struct-level keys of `#[derive(AuthSchema)]`: one model type per role, the defaults where
/// left out.
#[derive(Debug, FromDeriveInput)]
#[darling(attributes(auth), supports(struct_unit))]
pub struct SchemaAttrs {
    pub ident: syn::Ident,
    pub generics: syn::Generics,
    pub user: Option<syn::Type>,
    pub account: Option<syn::Type>,
    pub session: Option<syn::Type>,
    pub verification_token: Option<syn::Type>,
    pub authenticator: Option<syn::Type>,
    #[darling(rename = "crate")]
    pub krate: Option<syn::Path>,
}

impl FieldAttrs {
    /// A field read without its attributes: what validation continues with when a field's
    /// `#[auth(...)]` failed to parse, so its error does not hide the others.
    pub fn bare(field: &syn::Field) -> FieldAttrs {
        FieldAttrs {
            ident: field.ident.clone(),
            ty: field.ty.clone(),
            column: None,
            id: Flag::default(),
            unique: Flag::default(),
            index: Flag::default(),
            max_len: None,
            default: None,
            skip: Flag::default(),
        }
    }
}
