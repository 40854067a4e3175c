//! The `#[auth(...)]` attributes, as darling parses them. Nothing here is validated beyond
//! syntax: [`crate::model`] checks what the keys mean together.

use darling::util::{Flag, Override, SpannedValue};
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

/// How a primary key is produced: `#[auth(id = "uuid_v7")]`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, FromMeta)]
#[darling(rename_all = "snake_case")]
pub enum IdArg {
    UuidV4,
    UuidV7,
    Autoincrement,
    Provided,
}

/// How a table's keys are named: `#[auth(key_names = "drizzle")]`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, FromMeta)]
#[darling(rename_all = "snake_case")]
pub enum KeyNamesArg {
    Postgres,
    Drizzle,
}

/// What the foreign key to the user does on delete: `#[auth(on_delete = "restrict")]`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, FromMeta)]
#[darling(rename_all = "snake_case")]
pub enum OnDeleteArg {
    Cascade,
    Restrict,
}

/// Struct-level keys of `#[derive(AuthModel)]`.
#[derive(Debug, FromDeriveInput)]
#[darling(attributes(auth))]
pub struct ModelAttrs {
    /// `role = "user" | "account" | "session" | "verification_token" | "authenticator"`.
    pub role: Option<SpannedValue<RoleArg>>,
    /// `table = "name"`: the SQL table, instead of the role's default.
    pub table: Option<SpannedValue<String>>,
    /// `rename_all = "camelCase"`: how field names become column names.
    pub rename_all: Option<SpannedValue<String>>,
    /// `key_names = "postgres" | "drizzle"`: how the table's keys are named.
    pub key_names: Option<KeyNamesArg>,
    /// `debug`: the derive writes the model's `Debug` (and its patch's), with every secret
    /// field shown as `"<redacted>"`; the struct then drops `#[derive(Debug)]`.
    pub debug: Flag,
    /// `crate = path`: where `authmodel` is, for crates that re-export it.
    #[darling(rename = "crate")]
    pub krate: Option<syn::Path>,
    /// `primary_key(a, b)`: the primary key, one or more of the struct's fields in key order.
    pub primary_key: Option<SpannedValue<KeyArg>>,
    /// `unique(a, b)` or `unique(a, b, name = "...")`: a unique key; may repeat.
    #[darling(multiple)]
    pub unique: Vec<SpannedValue<KeyArg>>,
    /// `index(a, b)` or `index(a, name = "...")`: a plain index; may repeat.
    #[darling(multiple)]
    pub index: Vec<SpannedValue<KeyArg>>,
    /// `exact_keys`: the table has the declared keys only, none derived from the role.
    pub exact_keys: Flag,
    /// `no_foreign_key`: the column referencing the user is not a foreign key.
    pub no_foreign_key: Flag,
    /// `no_primary_key`: the table has no primary key constraint; the row's identity (the
    /// role's natural key) is a unique key when declared, or nothing.
    pub no_primary_key: Flag,
    /// `on_delete = "cascade" | "restrict"`: what the foreign key to the user does when the
    /// user is deleted (cascade by default).
    pub on_delete: Option<SpannedValue<OnDeleteArg>>,
    /// `without_rowid`: on SQLite, the table is stored in its primary key's B-tree (`WITHOUT
    /// ROWID`), so a search by the primary key ends on the row.
    pub without_rowid: Flag,
}

/// A key declared on the struct: `(field, field, name = "...")`. The fields are checked
/// against the struct's in [`crate::model`].
#[derive(Debug, Clone)]
pub struct KeyArg {
    /// The fields, in key order.
    pub fields: Vec<syn::Ident>,
    /// `name = "..."`: the key's name in the layout.
    pub name: Option<SpannedValue<String>>,
}

impl FromMeta for KeyArg {
    fn from_list(items: &[darling::ast::NestedMeta]) -> darling::Result<KeyArg> {
        use darling::ast::NestedMeta;
        let mut errors = darling::Error::accumulator();
        let mut fields = Vec::new();
        let mut name: Option<SpannedValue<String>> = None;
        for item in items {
            match item {
                NestedMeta::Meta(syn::Meta::Path(path)) if path.get_ident().is_some() => {
                    if let Some(ident) = path.get_ident() {
                        fields.push(ident.clone());
                    }
                }
                NestedMeta::Meta(syn::Meta::NameValue(pair)) if pair.path.is_ident("name") => {
                    if name.is_some() {
                        errors.push(
                            darling::Error::custom("a key has one `name`").with_span(&pair.path),
                        );
                        continue;
                    }
                    if let Some(value) = errors.handle(String::from_expr(&pair.value)) {
                        name = Some(SpannedValue::new(
                            value,
                            syn::spanned::Spanned::span(&pair.value),
                        ));
                    }
                }
                other => errors.push(
                    darling::Error::custom(
                        "expected a field name or `name = \"...\"` in a key's list",
                    )
                    .with_span(other),
                ),
            }
        }
        if fields.is_empty()
            && items
                .iter()
                .all(|i| !matches!(i, NestedMeta::Meta(syn::Meta::Path(_))))
        {
            errors.push(darling::Error::custom("a key needs at least one field"));
        }
        errors.finish_with(KeyArg { fields, name })
    }
}

/// Field-level keys of `#[derive(AuthModel)]`. The field's ident and type are not copied
/// here: the model borrows them from the input. `Default` is a field without keys, what
/// validation continues with when a field's `#[auth(...)]` failed to parse.
#[derive(Debug, Default, FromField)]
#[darling(attributes(auth))]
pub struct FieldAttrs {
    /// `column = "name"`: the SQL column, instead of the field's (renamed) name.
    pub column: Option<SpannedValue<String>>,
    /// `field = "email"`: the contract field this field plays, when its name differs.
    pub field: Option<SpannedValue<String>>,
    /// `id` or `id = "uuid_v4" | "uuid_v7" | "autoincrement" | "provided"`: the primary key.
    pub id: Option<SpannedValue<Override<IdArg>>>,
    /// `id_with = path::to::function`: the primary key, a `String` from `fn() -> String`.
    pub id_with: Option<syn::Path>,
    /// `unique`: a unique constraint on this column.
    pub unique: Flag,
    /// `index`: an index on this column.
    pub index: Flag,
    /// `max_len = N`: a bounded string column.
    pub max_len: Option<SpannedValue<u32>>,
    /// `default = literal`: the column default in the DDL.
    pub default: Option<syn::Lit>,
    /// `epoch_ms`: an instant stored as integer milliseconds since the Unix epoch.
    pub epoch_ms: Flag,
    /// `skip`: not persisted; `Default::default()` when read back.
    pub skip: Flag,
    /// `flatten`: embed another model's fields (extend a default model).
    pub flatten: Flag,
    /// `extra`: the account's JSON column for token fields the model does not name.
    pub extra: Flag,
    /// `secret`: shown as `"<redacted>"` by the `Debug` that `#[auth(debug)]` writes.
    pub secret: Flag,
    /// `created_at`: an instant the adapters set on insert; the DDL defaults it to now.
    pub created_at: Flag,
    /// `updated_at`: an instant the adapters set on insert and on every update.
    pub updated_at: Flag,
    /// `db_default`: the id column gets a database default (a random UUID), for clients that
    /// insert without an id.
    pub db_default: Flag,
}

/// Keys of `#[derive(AuthEnum)]`. The variants' own keys are read one by one
/// ([`VariantAttrs`]), beside the variants they belong to.
#[derive(Debug, Default, FromDeriveInput)]
#[darling(attributes(auth), supports(enum_unit))]
pub struct EnumAttrs {
    /// `rename_all = "snake_case"`: how variant names become stored text.
    pub rename_all: Option<SpannedValue<String>>,
    /// `crate = path`: where `authmodel` is, for crates that re-export it.
    #[darling(rename = "crate")]
    pub krate: Option<syn::Path>,
}

/// Keys of one variant of `#[derive(AuthEnum)]`.
#[derive(Debug, Default, darling::FromVariant)]
#[darling(attributes(auth))]
pub struct VariantAttrs {
    /// `rename = "text"`: the stored text of this variant.
    pub rename: Option<String>,
}

/// Struct-level keys of `#[derive(AuthSchema)]`: one model type per role, the defaults where
/// left out.
#[derive(Debug, FromDeriveInput)]
#[darling(attributes(auth), supports(struct_unit))]
pub struct SchemaAttrs {
    /// `user = Type`: the user model, instead of `models::User`.
    pub user: Option<syn::Type>,
    /// `account = Type`: the account model, instead of `models::Account`.
    pub account: Option<syn::Type>,
    /// `session = Type`: the session model, instead of `models::Session`.
    pub session: Option<syn::Type>,
    /// `verification_token = Type`: the verification token model, instead of
    /// `models::VerificationToken`.
    pub verification_token: Option<syn::Type>,
    /// `authenticator = Type`: the authenticator model, instead of `models::Authenticator`.
    pub authenticator: Option<syn::Type>,
    /// `no_authenticator_table`: the database has no table for the authenticator model.
    pub no_authenticator_table: Flag,
    /// `crate = path`: where `authmodel` is, for crates that re-export it.
    #[darling(rename = "crate")]
    pub krate: Option<syn::Path>,
}
