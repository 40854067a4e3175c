//! The rules between fields, after serde's `internals/check.rs`: each one looks at several
//! fields or at the whole model, and says in its own paragraph why it exists.
//!
//! Entry points: [`apply`], which runs [`RULES`] at macro time, every rule pushing into the
//! one darling accumulator; and [`embedded`], the rules about embedded models
//! (`#[auth(flatten)]`), which only the compiler can decide since only it knows an embedded
//! model's columns: they are emitted as const checks, each failing on the field at fault.
//! The checks that need one field alone are made where it is read, in [`crate::field`].

use darling::Error;
use darling::error::Accumulator;
use proc_macro2::{Span, TokenStream};
use quote::{quote, quote_spanned};
use syn::ext::IdentExt;
use syn::spanned::Spanned;

use crate::attr::IdArg;
use crate::expand::respan;
use crate::model::{Field, FieldKind, IdSource, Model};

/// A rule: reports every place the model breaks it, each on its own tokens.
pub type Rule = fn(&Model, &mut Accumulator);

/// The rules, in the order their errors are reported.
pub const RULES: &[Rule] = &[
    one_primary_key,
    one_field_per_contract_field,
    distinct_columns,
    required_contract_fields,
    secrets_need_debug,
    one_stamp_each,
];

/// The rules about the keys declared on the struct, after [`RULES`].
pub const KEY_RULES: &[Rule] = &[
    declared_keys_name_columns,
    one_declared_primary_key,
    on_delete_needs_a_foreign_key,
    without_rowid_needs_a_primary_key,
];

/// Applies every rule to the model: all their errors at once.
pub fn apply(model: &Model, errors: &mut Accumulator) {
    for rule in RULES.iter().chain(KEY_RULES) {
        rule(model, errors);
    }
}

/// A declared key (`primary_key(...)`, `unique(...)`, `index(...)`) names the struct's own
/// columns: a misspelt field would otherwise be a key on nothing, and an embedded model's
/// columns are known only to the compiler. Each field is named once per key. Reported on the
/// name at fault.
fn declared_keys_name_columns(model: &Model, errors: &mut Accumulator) {
    let keys = model
        .keys
        .primary
        .iter()
        .chain(&model.keys.unique)
        .chain(&model.keys.index);
    for key in keys {
        if let Some(name) = &key.name {
            crate::names::check_identifier(errors, name, name.span(), "key");
        }
        for (i, ident) in key.fields.iter().enumerate() {
            if key.fields[..i].iter().any(|f| f == ident) {
                errors.push(
                    Error::custom(format!("`{}` is named twice in this key", ident.unraw()))
                        .with_span(ident),
                );
                continue;
            }
            if model.column_of(ident).is_some() {
                continue;
            }
            let field = model
                .fields
                .iter()
                .find(|f| f.ident.unraw() == ident.unraw());
            let message = match field.map(|f| &f.kind) {
                Some(FieldKind::Skip) => {
                    format!("`{}` is skipped: a key names stored fields", ident.unraw())
                }
                Some(FieldKind::Flatten) => format!(
                    "`{}` is an embedded model: a key names the struct's own fields",
                    ident.unraw()
                ),
                _ => {
                    let known: Vec<String> = model
                        .columns()
                        .map(|(f, _)| f.ident.unraw().to_string())
                        .collect();
                    let known: Vec<&str> = known.iter().map(String::as_str).collect();
                    let wanted = ident.unraw().to_string();
                    match crate::names::closest(&wanted, &known) {
                        Some(near) => format!(
                            "`{}` has no field `{wanted}`; did you mean `{near}`?",
                            model.original.ident
                        ),
                        None => format!(
                            "`{}` has no field `{wanted}`: a key names the struct's fields ({})",
                            model.original.ident,
                            known.join(", ")
                        ),
                    }
                }
            };
            errors.push(Error::custom(message).with_span(ident));
        }
    }
}

/// `on_delete` says what the foreign key to the user does: refused where there is none (the
/// user and verification token roles, or beside `no_foreign_key`). Reported on its value.
fn on_delete_needs_a_foreign_key(model: &Model, errors: &mut Accumulator) {
    let Some(on_delete) = &model.keys.on_delete else {
        return;
    };
    let why = match model.role {
        crate::attr::RoleArg::User | crate::attr::RoleArg::VerificationToken => Some(format!(
            "{} has no column referencing the user, so no foreign key for `on_delete`",
            model.role.article_name()
        )),
        _ if !model.keys.foreign_key => Some(
            "`on_delete` beside `no_foreign_key`: the table has no foreign key to act on delete"
                .to_owned(),
        ),
        _ => None,
    };
    if let Some(why) = why {
        errors.push(Error::custom(why).with_span(&on_delete.span()));
    }
}

/// `without_rowid` stores the table in its primary key's B-tree: refused beside
/// `no_primary_key` (no key to store it in) and beside `#[auth(id = "autoincrement")]` (SQLite
/// numbers rows only in rowid tables). Reported on `without_rowid`. An id autoincremented by
/// its type (an integer id) is refused when the schema is planned (`Error::Schema`).
fn without_rowid_needs_a_primary_key(model: &Model, errors: &mut Accumulator) {
    let Some(span) = model.keys.without_rowid else {
        return;
    };
    let autoincrement = model.columns().any(|(_, c)| {
        matches!(
            c.primary_key.as_ref().map(|k| &k.source),
            Some(IdSource::Explicit(IdArg::Autoincrement))
        )
    });
    let why = if model.keys.no_primary_key.is_some() {
        "`without_rowid` stores the table in its primary key, and `no_primary_key` says it has \
         none: keep one of them"
    } else if autoincrement {
        "`without_rowid` beside `#[auth(id = \"autoincrement\")]`: SQLite numbers rows only in \
         tables with a rowid; drop `without_rowid`, or give the id another strategy"
    } else {
        return;
    };
    errors.push(Error::custom(why).with_span(&span));
}

/// A table has one primary key: a struct-level `primary_key(...)` beside a field that is
/// the key (`#[auth(id)]`, `id_with`, or a field named `id`) would be two, unless it names
/// exactly that field. Reported on the field's key.
fn one_declared_primary_key(model: &Model, errors: &mut Accumulator) {
    if let Some(span) = model.keys.no_primary_key {
        let declared =
            model.keys.primary.is_some() || model.columns().any(|(_, c)| c.primary_key.is_some());
        if declared {
            errors.push(
                Error::custom(
                    "`no_primary_key` says the table has no primary key, and the struct \
                     declares one (`primary_key(...)`, `#[auth(id)]` or a field named `id`): \
                     keep one of them",
                )
                .with_span(&span),
            );
        }
    }
    let Some(declared) = &model.keys.primary else {
        return;
    };
    if let Some(name) = &declared.name {
        errors.push(
            Error::custom(
                "a primary key is named by `key_names`, not `name = \"...\"`: \
                 `<table>_pkey`, or drizzle-kit's `<table>_<columns>_pk`",
            )
            .with_span(&name.span()),
        );
    }
    for (field, column) in model.columns() {
        let Some(key) = &column.primary_key else {
            continue;
        };
        let same =
            matches!(declared.fields.as_slice(), [only] if only.unraw() == field.ident.unraw());
        if !same {
            errors.push(
                Error::custom(format!(
                    "`{}` is the primary key, and the struct declares `primary_key(...)`: a \
                     table has one primary key (name `{}` in `primary_key(...)`, or rename the \
                     field if it is not the key)",
                    field.ident.unraw(),
                    field.ident.unraw()
                ))
                .with_span(&key.span),
            );
        }
    }
}

/// A table has one primary key, and the contract's `id` is one column: a second
/// `#[auth(id)]` (or `id_with`) would make a composite key the adapter never queries by, so
/// each marked field after the first is an error on its key.
fn one_primary_key(model: &Model, errors: &mut Accumulator) {
    let keys = model.columns().filter_map(|(_, c)| c.primary_key.as_ref());
    for key in keys.skip(1) {
        errors.push(
            Error::custom("`#[auth(id)]` is allowed on exactly one field").with_span(&key.span),
        );
    }
}

/// The adapter reads and writes a contract field (`email`, `expires`, ...) through exactly
/// one column: a second field playing it would be a column the contract never fills, or
/// fills behind the user's back. Reported on the later field, where `field = "..."` or its
/// name claimed the contract field. The primary key plays `id`, and a second key is already
/// an error of [`one_primary_key`].
fn one_field_per_contract_field(model: &Model, errors: &mut Accumulator) {
    let columns: Vec<_> = model.columns().collect();
    for (i, (_, column)) in columns.iter().enumerate() {
        let Some(def) = column.role.filter(|_| column.primary_key.is_none()) else {
            continue;
        };
        let earlier = columns[..i]
            .iter()
            .find(|(_, c)| c.role.is_some_and(|r| r.variant == def.variant));
        if let Some((other, _)) = earlier {
            errors.push(
                Error::custom(format!(
                    "field `{}` already plays the contract's `{}`",
                    other.ident.unraw(),
                    def.names[0]
                ))
                .with_span(&column.role_span),
            );
        }
    }
}

/// A table cannot have two columns of one name, and MySQL and SQLite compare column names
/// without case: `userId` and `userid` are the same column there. Caught here, the mistake is
/// an error on the second field's name rather than a failed `CREATE TABLE` on one dialect.
fn distinct_columns(model: &Model, errors: &mut Accumulator) {
    let columns: Vec<_> = model.columns().collect();
    for (i, (_, column)) in columns.iter().enumerate() {
        let taken = columns[..i]
            .iter()
            .find(|(_, c)| c.name.eq_ignore_ascii_case(&column.name));
        if let Some((other, _)) = taken {
            errors.push(
                Error::custom(format!(
                    "column `{}` is already used by field `{}`",
                    column.name,
                    other.ident.unraw()
                ))
                .with_span(&column.name_span),
            );
        }
    }
}

/// The contract writes and reads the role's required fields (a user's `email`, a session's
/// `expires`, ...): a model without one could not serve every operation, so each missing
/// one is named, with how to declare it. Not checked when a model is embedded, since it
/// brings the fields its own derive required, nor when a field's contract field or key could
/// not be resolved, since that is already an error and "missing" would only repeat it.
fn required_contract_fields(model: &Model, errors: &mut Accumulator) {
    let embeds = model
        .fields
        .iter()
        .any(|f| matches!(f.kind, FieldKind::Flatten));
    if model.unresolved || embeds {
        return;
    }
    for def in model.role.fields().iter().filter(|d| d.required) {
        let present = model
            .columns()
            .any(|(_, c)| c.role.is_some_and(|r| r.variant == def.variant));
        if !present {
            errors.push(
                Error::custom(format!(
                    "{} needs a field `{}`: add `{}`, or mark the field that plays it with `#[auth(field = \"{}\")]`",
                    model.role.article_name(),
                    def.names[0],
                    def.example,
                    def.names[0],
                ))
                .with_span(&model.original.ident),
            );
        }
    }
}

/// `#[auth(secret)]` takes effect in the `Debug` that `#[auth(debug)]` writes. Without it, the
/// struct's `Debug` is the standard derive's or the user's own, which prints the value: the
/// mark would promise a redaction that never happens, so each one is an error on its key.
fn secrets_need_debug(model: &Model, errors: &mut Accumulator) {
    if model.debug {
        return;
    }
    for span in model.fields.iter().filter_map(|f| f.secret) {
        errors.push(
            Error::custom(
                "`#[auth(secret)]` needs `#[auth(debug)]` on the struct: the `Debug` it writes \
                 is what redacts the field (drop `#[derive(Debug)]`)",
            )
            .with_span(&span),
        );
    }
}

/// The adapters write the current instant into the `created_at` column on insert and into the
/// `updated_at` column on every write: a second column of either would be a copy nobody asked
/// for, and most likely a typo for the other one. Reported on the later field's key.
fn one_stamp_each(model: &Model, errors: &mut Accumulator) {
    let stamps: Vec<_> = model.columns().filter_map(|(_, c)| c.stamp).collect();
    for (i, (stamp, span)) in stamps.iter().enumerate() {
        if stamps[..i].iter().any(|(earlier, _)| earlier == stamp) {
            errors.push(
                Error::custom(format!(
                    "`#[auth({})]` is allowed on one field",
                    stamp.key()
                ))
                .with_span(span),
            );
        }
    }
}

/// The rules about embedded models, as const checks spanned on the field at fault, each
/// failing with a message written here:
///
/// - the embedded model plays this model's role, since its columns land in this table and
///   its contract fields become this role's;
/// - no column is both this model's and an embedded one's, or two embedded ones': the table
///   would have the column twice;
/// - one primary key in all: a key of this model beside an embedded model's key would be two.
pub fn embedded(model: &Model, p: &TokenStream, role_variant: &syn::Ident) -> Vec<TokenStream> {
    let embedded: Vec<&Field> = model
        .fields
        .iter()
        .filter(|f| matches!(f.kind, FieldKind::Flatten))
        .collect();
    let type_name = |f: &Field| {
        let ty = f.ty;
        quote!(#ty).to_string().replace(' ', "")
    };
    let check = |span: Span, condition: TokenStream, message: String| {
        let condition = respan(&condition, span);
        quote_spanned! {span=>
            const _: () = if #condition { ::core::panic!(#message) };
        }
    };
    let mut checks = Vec::new();
    for (i, inner) in embedded.iter().enumerate() {
        let ty = inner.ty;
        let name = type_name(inner);
        checks.push(check(
            ty.span(),
            quote!(!#p::same_role(<#ty as #p::Model>::TABLE.role, #p::Role::#role_variant)),
            format!(
                "the embedded `{name}` plays another role than {}",
                model.role.article_name()
            ),
        ));
        for (own, column) in model.columns() {
            let column_name = &column.name;
            checks.push(check(
                own.ident.span(),
                quote!(#p::has_column(<#ty as #p::Model>::TABLE.columns, #column_name)),
                format!("column `{column_name}` is also a column of the embedded `{name}`"),
            ));
            if column.primary_key.is_some() {
                checks.push(check(
                    own.ident.span(),
                    quote!(#p::has_primary_key(<#ty as #p::Model>::TABLE.columns)),
                    format!(
                        "`{}` is a primary key, and the embedded `{name}` has one: a table has one primary key",
                        own.ident.unraw()
                    ),
                ));
            }
        }
        for other in &embedded[..i] {
            let other_ty = other.ty;
            checks.push(check(
                ty.span(),
                quote!(#p::share_column(
                    <#ty as #p::Model>::TABLE.columns,
                    <#other_ty as #p::Model>::TABLE.columns,
                )),
                format!(
                    "the embedded `{name}` and `{}` have a column in common",
                    type_name(other)
                ),
            ));
        }
    }
    checks
}

#[cfg(test)]
mod tests {
    use super::*;
    use syn::DeriveInput;

    /// The errors one rule reports on a model that parsed without errors of its own.
    fn errors_of(rule: Rule, input: &DeriveInput) -> usize {
        let mut parse_errors = Error::accumulator();
        let model = Model::parse(input, &mut parse_errors).expect("the model parses");
        assert!(parse_errors.finish().is_ok(), "no errors before the rules");
        let mut errors = Error::accumulator();
        rule(&model, &mut errors);
        errors.finish().map_or_else(|e| e.len(), |()| 0)
    }

    /// How many errors each rule of [`RULES`] reports, in order.
    fn report(input: &DeriveInput) -> Vec<usize> {
        RULES.iter().map(|rule| errors_of(*rule, input)).collect()
    }

    #[test]
    fn a_valid_model_breaks_no_rule() {
        let input: DeriveInput = syn::parse_quote! {
            #[auth(role = "user")]
            struct Member { id: Uuid, email: String, name: Option<String> }
        };
        assert_eq!(report(&input), [0, 0, 0, 0, 0, 0]);
    }

    #[test]
    fn every_key_after_the_first_is_reported() {
        let input: DeriveInput = syn::parse_quote! {
            #[auth(role = "user")]
            struct Member {
                #[auth(id)] a: Uuid,
                #[auth(id = "uuid_v7")] b: Uuid,
                #[auth(id_with = new_id)] c: String,
                email: String,
            }
        };
        assert_eq!(report(&input), [2, 0, 0, 0, 0, 0]);
    }

    #[test]
    fn a_field_named_id_beside_a_marked_key_is_a_plain_column() {
        let input: DeriveInput = syn::parse_quote! {
            #[auth(role = "user")]
            struct Member { #[auth(id)] key: i64, id: String, email: String }
        };
        assert_eq!(report(&input), [0, 0, 0, 0, 0, 0]);
    }

    #[test]
    fn a_contract_field_played_twice_is_reported_on_the_second() {
        let input: DeriveInput = syn::parse_quote! {
            #[auth(role = "session")]
            struct Login {
                session_token: String,
                user_id: Uuid,
                expires: DateTime<Utc>,
                #[auth(field = "expires")] valid_until: DateTime<Utc>,
                #[auth(field = "session_token")] token: String,
            }
        };
        assert_eq!(report(&input), [0, 2, 0, 0, 0, 0]);
    }

    #[test]
    fn columns_differing_only_in_case_collide() {
        let input: DeriveInput = syn::parse_quote! {
            #[auth(role = "user", rename_all = "camelCase")]
            struct Member {
                id: Uuid,
                email: String,
                user_name: String,
                #[auth(column = "username")] handle: String,
            }
        };
        assert_eq!(report(&input), [0, 0, 1, 0, 0, 0]);
    }

    #[test]
    fn each_missing_contract_field_is_named() {
        let input: DeriveInput = syn::parse_quote! {
            #[auth(role = "account")]
            struct Link { user_id: Uuid, provider: String }
        };
        // `type` (`kind`) and `provider_account_id`.
        assert_eq!(report(&input), [0, 0, 0, 2, 0, 0]);
    }

    #[test]
    fn an_embedded_model_brings_its_own_required_fields() {
        let input: DeriveInput = syn::parse_quote! {
            #[auth(role = "user")]
            struct Member { #[auth(flatten)] base: User, plan: String }
        };
        assert_eq!(report(&input), [0, 0, 0, 0, 0, 0]);
    }

    #[test]
    fn an_unresolved_field_is_not_reported_again_as_missing() {
        let input: DeriveInput = syn::parse_quote! {
            #[auth(role = "user")]
            struct Member { id: Uuid, #[auth(field = "emial")] address: String }
        };
        let mut errors = Error::accumulator();
        let model = Model::parse(&input, &mut errors).expect("the model parses");
        assert!(model.unresolved);
        assert_eq!(errors.finish().map_or_else(|e| e.len(), |()| 0), 1);
        let mut errors = Error::accumulator();
        apply(&model, &mut errors);
        assert!(errors.finish().is_ok());
    }

    #[test]
    fn every_secret_without_debug_is_reported() {
        let marked: DeriveInput = syn::parse_quote! {
            #[auth(role = "user")]
            struct Member {
                id: Uuid,
                email: String,
                #[auth(secret)] totp_seed: String,
                #[auth(secret, skip)] cached: Option<String>,
            }
        };
        assert_eq!(report(&marked), [0, 0, 0, 0, 2, 0]);
        let opted_in: DeriveInput = syn::parse_quote! {
            #[auth(role = "user", debug)]
            struct Member { id: Uuid, email: String, #[auth(secret)] totp_seed: String }
        };
        assert_eq!(report(&opted_in), [0, 0, 0, 0, 0, 0]);
    }

    #[test]
    fn each_stamp_after_the_first_is_reported() {
        let input: DeriveInput = syn::parse_quote! {
            #[auth(role = "user")]
            struct Member {
                id: Uuid,
                email: String,
                #[auth(created_at)] a: DateTime<Utc>,
                #[auth(created_at)] b: DateTime<Utc>,
                #[auth(created_at)] c: DateTime<Utc>,
                #[auth(updated_at)] d: DateTime<Utc>,
            }
        };
        assert_eq!(report(&input), [0, 0, 0, 0, 0, 2]);
    }

    /// How many errors each rule of [`KEY_RULES`] reports, in order.
    fn key_report(input: &DeriveInput) -> Vec<usize> {
        KEY_RULES
            .iter()
            .map(|rule| errors_of(*rule, input))
            .collect()
    }

    #[test]
    fn declared_keys_of_own_columns_break_no_rule() {
        let input: DeriveInput = syn::parse_quote! {
            #[auth(
                role = "authenticator",
                primary_key(user_id, credential_id),
                unique(credential_id, name = "authenticator_credentialID_unique"),
                index(user_id, counter),
                exact_keys,
                no_foreign_key
            )]
            struct Passkey {
                credential_id: String, user_id: Uuid, provider_account_id: String,
                credential_public_key: String, counter: i64, credential_device_type: String,
                credential_backed_up: bool, transports: Option<String>,
            }
        };
        assert_eq!(report(&input), [0, 0, 0, 0, 0, 0]);
        assert_eq!(key_report(&input), [0, 0, 0, 0]);
    }

    #[test]
    fn no_primary_key_beside_a_declared_one_is_reported() {
        let beside_id: DeriveInput = syn::parse_quote! {
            #[auth(role = "session", no_primary_key)]
            struct Login { id: Uuid, session_token: String, user_id: Uuid, expires: DateTime<Utc> }
        };
        assert_eq!(key_report(&beside_id), [0, 1, 0, 0]);
        let beside_declared: DeriveInput = syn::parse_quote! {
            #[auth(role = "verification_token", primary_key(identifier), no_primary_key)]
            struct Token { identifier: String, token: String, expires: DateTime<Utc> }
        };
        assert_eq!(key_report(&beside_declared), [0, 1, 0, 0]);
        let alone: DeriveInput = syn::parse_quote! {
            #[auth(role = "verification_token", no_primary_key)]
            struct Token { identifier: String, token: String, expires: DateTime<Utc> }
        };
        assert_eq!(key_report(&alone), [0, 0, 0, 0]);
    }

    #[test]
    fn each_field_a_key_cannot_name_is_reported() {
        let input: DeriveInput = syn::parse_quote! {
            #[auth(role = "session", index(user_id, user_id), unique(token, note), index(base))]
            struct Login {
                session_token: String, user_id: Uuid, expires: DateTime<Utc>,
                #[auth(skip)] note: String,
            }
        };
        // `user_id` twice, the unknown `token`, the skipped `note`, the unknown `base`.
        assert_eq!(key_report(&input), [4, 0, 0, 0]);
    }

    #[test]
    fn a_declared_primary_key_beside_a_key_field_is_reported() {
        let two: DeriveInput = syn::parse_quote! {
            #[auth(role = "user", primary_key(id, email))]
            struct Member { id: Uuid, email: String }
        };
        assert_eq!(key_report(&two), [0, 1, 0, 0]);
        // Naming exactly that field is the same key; a name for it is refused.
        let same: DeriveInput = syn::parse_quote! {
            #[auth(role = "user", primary_key(id))]
            struct Member { id: Uuid, email: String }
        };
        assert_eq!(key_report(&same), [0, 0, 0, 0]);
        let named: DeriveInput = syn::parse_quote! {
            #[auth(role = "user", primary_key(id, name = "users_pk"))]
            struct Member { id: Uuid, email: String }
        };
        assert_eq!(key_report(&named), [0, 1, 0, 0]);
    }

    #[test]
    fn on_delete_without_a_foreign_key_is_reported() {
        let restrict: DeriveInput = syn::parse_quote! {
            #[auth(role = "session", on_delete = "restrict")]
            struct Login { session_token: String, user_id: Uuid, expires: DateTime<Utc> }
        };
        assert_eq!(key_report(&restrict), [0, 0, 0, 0]);
        let unkeyed: DeriveInput = syn::parse_quote! {
            #[auth(role = "session", on_delete = "restrict", no_foreign_key)]
            struct Login { session_token: String, user_id: Uuid, expires: DateTime<Utc> }
        };
        assert_eq!(key_report(&unkeyed), [0, 0, 1, 0]);
        let user: DeriveInput = syn::parse_quote! {
            #[auth(role = "user", on_delete = "cascade")]
            struct Member { id: Uuid, email: String }
        };
        assert_eq!(key_report(&user), [0, 0, 1, 0]);
    }

    #[test]
    fn without_rowid_without_a_primary_key_or_beside_autoincrement_is_reported() {
        let keyed: DeriveInput = syn::parse_quote! {
            #[auth(role = "user", without_rowid)]
            struct Person { id: Uuid, email: String }
        };
        assert_eq!(key_report(&keyed), [0, 0, 0, 0]);
        let unkeyed: DeriveInput = syn::parse_quote! {
            #[auth(role = "verification_token", no_primary_key, without_rowid)]
            struct Token { identifier: String, token: String, expires: DateTime<Utc> }
        };
        assert_eq!(key_report(&unkeyed), [0, 0, 0, 1]);
        let numbered: DeriveInput = syn::parse_quote! {
            #[auth(role = "user", without_rowid)]
            struct Person { #[auth(id = "autoincrement")] id: i64, email: String }
        };
        assert_eq!(key_report(&numbered), [0, 0, 0, 1]);
    }

    #[test]
    fn every_rule_reports_in_one_pass() {
        let input: DeriveInput = syn::parse_quote! {
            #[auth(role = "session")]
            struct Login {
                #[auth(id)] a: Uuid,
                #[auth(id)] b: Uuid,
                session_token: String,
                #[auth(field = "session_token", column = "SESSION_TOKEN")] token: String,
                user_id: Uuid,
                #[auth(secret)] device: String,
                #[auth(updated_at)] changed: DateTime<Utc>,
                #[auth(updated_at)] touched: DateTime<Utc>,
            }
        };
        // The second key, the second `session_token`, its column, the missing `expires`, the
        // secret without `debug`, the second `updated_at`.
        assert_eq!(report(&input), [1, 1, 1, 1, 1, 1]);
        let mut errors = Error::accumulator();
        let model = Model::parse(&input, &mut errors).expect("the model parses");
        apply(&model, &mut errors);
        assert_eq!(errors.finish().map_or_else(|e| e.len(), |()| 0), 6);
    }
}
