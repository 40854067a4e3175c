//! Writes the impls of `#[derive(AuthModel)]`: the table descriptor, the row conversions, the
//! role trait, the spanned type checks, and the patch type.
//!
//! Entry point: [`derive()`]. With `#[auth(debug)]`, the model's and the patch's `Debug` come
//! from [`crate::debug`]. Everything emitted names the runtime by absolute path through
//! `__private_0_1`, inside `const _: () = { ... };` except the patch type, which users name.
//! Column positions are const expressions, so a flattened model's width is the embedded
//! model's own column count, known only to the compiler.

use proc_macro2::TokenStream;
use quote::{format_ident, quote, quote_spanned};
use syn::DeriveInput;
use syn::ext::IdentExt;
use syn::spanned::Spanned;

use crate::attr::{IdArg, KeyNamesArg};
use crate::model::{Column, Field, FieldKind, IdSource, Model, StampArg};

/// Expands the derive, or its errors plus a stub impl that keeps follow-on errors away.
pub fn derive(input: &DeriveInput) -> TokenStream {
    match Model::from_input(input) {
        Ok(model) => expand(&model),
        Err(errors) => {
            let errors = errors.write_errors();
            let stub = crate::fallback::model(input);
            quote!(#errors #stub)
        }
    }
}

/// The column position where each field starts, as a const expression.
struct Layout {
    starts: Vec<TokenStream>,
    count: TokenStream,
    flattened: bool,
}

impl Layout {
    fn of(model: &Model, p: &TokenStream) -> Layout {
        let mut literal = 0usize;
        let mut widths: Vec<TokenStream> = Vec::new();
        let mut starts = Vec::with_capacity(model.fields.len());
        let position = |literal: usize, widths: &[TokenStream]| quote!((#literal #(+ #widths)*));
        for field in &model.fields {
            starts.push(position(literal, &widths));
            match &field.kind {
                FieldKind::Column(_) => literal += 1,
                FieldKind::Flatten => {
                    let ty = field.ty;
                    let p = respan(p, ty.span());
                    widths
                        .push(quote_spanned!(ty.span()=> <#ty as #p::Model>::TABLE.columns.len()));
                }
                FieldKind::Skip => {}
            }
        }
        Layout {
            count: position(literal, &widths),
            flattened: !widths.is_empty(),
            starts,
        }
    }
}

fn expand(model: &Model) -> TokenStream {
    let krate = &model.krate;
    let p = quote!(#krate::__private_0_1);
    let ident = &model.original.ident;
    let vis = &model.original.vis;
    let type_name = ident.to_string();
    let table_name = &model.table;
    let (role_variant, role_trait) = model.role.names();
    let role_variant = format_ident!("{role_variant}");
    let role_trait = format_ident!("{role_trait}");
    let patch = format_ident!("{}Patch", ident);
    let layout = Layout::of(model, &p);
    let count = &layout.count;
    let table = quote!(<#ident as #p::Model>::TABLE);
    let key_naming = match model.key_names {
        KeyNamesArg::Postgres => quote!(Postgres),
        KeyNamesArg::Drizzle => quote!(Drizzle),
    };

    let columns = columns(model, &p, &layout, &role_variant);
    let keys = declared_keys(model, &p);
    let mut to_values = Vec::new();
    let mut value_at = Vec::new();
    let mut decoded = Vec::new();
    for (field, at) in model.fields.iter().zip(&layout.starts) {
        let name = &field.ident;
        let ty = field.ty;
        match &field.kind {
            // Spanned on the type: an unsupported type is reported there, not on the derive.
            FieldKind::Column(_) => {
                to_values.push(quote_spanned!(ty.span()=>
                    __values.push(#p::encode::<#ty>(&self.#name, #table, #at)?);));
                value_at.push(quote_spanned!(ty.span()=>
                if __position == #at {
                    return #p::encode::<#ty>(&self.#name, #table, #at)
                        .map(::core::option::Option::Some);
                }));
                decoded.push(quote_spanned!(ty.span()=>
                    #name: #p::decode::<#ty>(&mut __values, #table, #at)?));
            }
            FieldKind::Flatten => {
                to_values.push(quote_spanned!(ty.span()=>
                    __values.extend(<#ty as #p::Model>::to_values(&self.#name)?);));
                value_at.push(quote_spanned!(ty.span()=>
                if __position >= #at
                    && __position - #at < <#ty as #p::Model>::TABLE.columns.len()
                {
                    return <#ty as #p::Model>::value_at(&self.#name, __position - #at);
                }));
                decoded.push(quote_spanned!(ty.span()=>
                    #name: <#ty as #p::Model>::from_values(
                        __values.by_ref().take(<#ty as #p::Model>::TABLE.columns.len()).collect(),
                    )?));
            }
            FieldKind::Skip => decoded.push(quote!(#name: ::core::default::Default::default())),
        }
    }
    let checks = model.fields.iter().flat_map(|f| checks(&p, f));
    let patch_impl = patch_type(model, &p, &patch, &layout);
    // With `#[auth(debug)]`, the model and its patch get the redacting `Debug` instead.
    let (debug_derive, debug_impl) = if model.debug {
        (TokenStream::new(), crate::debug::model(model))
    } else {
        (quote!(::core::fmt::Debug,), TokenStream::new())
    };

    quote! {
        #[doc = concat!("A partial update of [`", #type_name, "`]: `None` leaves a field unchanged; for a nullable field, `Some(None)` sets it to `NULL`.")]
        #[derive(#debug_derive ::core::clone::Clone, ::core::default::Default, ::core::cmp::PartialEq)]
        #vis struct #patch #patch_impl

        const _: () = {
            #columns

            #[automatically_derived]
            impl #p::Model for #ident {
                const TABLE: &'static #p::Table = &#p::Table {
                    name: #table_name,
                    type_name: #type_name,
                    role: #p::Role::#role_variant,
                    columns: &__COLUMNS,
                    key_naming: #p::KeyNaming::#key_naming,
                    keys: #keys,
                };
                type Patch = #patch;

                fn to_values(&self) -> ::core::result::Result<#p::Vec<#p::Value>, #p::Error> {
                    let mut __values = #p::Vec::with_capacity(#count);
                    #(#to_values)*
                    ::core::result::Result::Ok(__values)
                }

                fn from_values(
                    __values: #p::Vec<#p::Value>,
                ) -> ::core::result::Result<Self, #p::Error> {
                    let mut __values = __values.into_iter();
                    ::core::result::Result::Ok(Self { #(#decoded),* })
                }

                fn value_at(
                    &self,
                    __position: usize,
                ) -> ::core::result::Result<::core::option::Option<#p::Value>, #p::Error> {
                    #(#value_at)*
                    ::core::result::Result::Ok(::core::option::Option::None)
                }
            }

            #[automatically_derived]
            impl #p::#role_trait for #ident {}

            #debug_impl

            #(#checks)*
        };
    }
}

/// The `__COLUMNS` const: a literal array, or, with embedded models, an array filled by a
/// const block that copies each embedded model's columns in place, then checked for
/// duplicate columns and primary keys.
fn columns(
    model: &Model,
    p: &TokenStream,
    layout: &Layout,
    role_variant: &syn::Ident,
) -> TokenStream {
    let count = &layout.count;
    if !layout.flattened {
        let columns = model.fields.iter().filter_map(|f| match &f.kind {
            FieldKind::Column(c) => Some(column(p, f, c)),
            _ => None,
        });
        return quote!(const __COLUMNS: [#p::Column; #count] = [#(#columns),*];);
    }
    let fills = model.fields.iter().filter_map(|f| match &f.kind {
        FieldKind::Column(c) => {
            let column = column(p, f, c);
            Some(quote! { __out[__at] = #column; __at += 1; })
        }
        FieldKind::Flatten => {
            let ty = f.ty;
            let p = respan(p, ty.span());
            Some(quote_spanned! {ty.span()=>
                let __inner = <#ty as #p::Model>::TABLE.columns;
                let mut __i = 0usize;
                while __i < __inner.len() {
                    __out[__at] = __inner[__i];
                    __at += 1;
                    __i += 1;
                }
            })
        }
        FieldKind::Skip => None,
    });
    let checks = crate::check::embedded(model, p, role_variant);
    quote! {
        const __COLUMNS: [#p::Column; #count] = {
            let mut __out = [#p::Column::new("", "", #p::ColumnType::Text); #count];
            let mut __at = 0usize;
            #(#fills)*
            __out
        };
        #(#checks)*
    }
}

/// The `Keys` of the table: the struct's declared keys, by column name.
fn declared_keys(model: &Model, p: &TokenStream) -> TokenStream {
    let keys = &model.keys;
    let names = |key: &crate::attr::KeyArg| -> Vec<String> {
        key.fields
            .iter()
            .filter_map(|ident| model.column_of(ident).map(|c| c.name.clone()))
            .collect()
    };
    let declared = |list: &[darling::util::SpannedValue<crate::attr::KeyArg>]| {
        let items = list.iter().map(|key| {
            let columns = names(key);
            let name = match &key.name {
                Some(name) => {
                    let name = name.as_str();
                    quote!(::core::option::Option::Some(#name))
                }
                None => quote!(::core::option::Option::None),
            };
            quote!(#p::DeclaredKey { name: #name, columns: &[#(#columns),*] })
        });
        quote!(&[#(#items),*])
    };
    let primary = keys.primary.as_ref().map(|k| names(k)).unwrap_or_default();
    let unique = declared(&keys.unique);
    let indexes = declared(&keys.index);
    let exact = keys.exact;
    let foreign_key = keys.foreign_key;
    let primary_constraint = keys.no_primary_key.is_none();
    let without_rowid = keys.without_rowid.is_some();
    let on_delete = match keys.on_delete.as_deref() {
        Some(crate::attr::OnDeleteArg::Restrict) => quote!(#p::OnDelete::Restrict),
        Some(crate::attr::OnDeleteArg::Cascade) | None => quote!(#p::OnDelete::Cascade),
    };
    quote! {
        #p::Keys {
            primary: &[#(#primary),*],
            unique: #unique,
            indexes: #indexes,
            exact: #exact,
            foreign_key: #foreign_key,
            primary_constraint: #primary_constraint,
            on_delete: #on_delete,
            without_rowid: #without_rowid,
        }
    }
}

/// The same tokens, every one spanned at `span`: so a call built from interpolated paths
/// reports at the user's tokens, not at the derive.
pub fn respan(tokens: &TokenStream, span: proc_macro2::Span) -> TokenStream {
    use proc_macro2::{Group, TokenTree};
    tokens
        .clone()
        .into_iter()
        .map(|tree| match tree {
            TokenTree::Group(group) => {
                let mut respanned = Group::new(group.delimiter(), respan(&group.stream(), span));
                respanned.set_span(span);
                TokenTree::Group(respanned)
            }
            mut other => {
                other.set_span(span);
                other
            }
        })
        .collect()
}

fn column(p: &TokenStream, f: &Field, c: &Column) -> TokenStream {
    let ty = f.ty;
    let name = &c.name;
    let field = f.ident.unraw().to_string();
    let none = quote!(::core::option::Option::None);
    let role = match c.role {
        Some(def) => {
            let variant = format_ident!("{}", def.variant);
            quote!(::core::option::Option::Some(#p::RoleField::#variant))
        }
        None => none.clone(),
    };
    let primary_key = c.primary_key.is_some();
    let id = match c.primary_key.as_ref().map(|k| &k.source) {
        None => none.clone(),
        Some(IdSource::ByType) => {
            quote_spanned!(ty.span()=> ::core::option::Option::Some(<#ty as #p::IdType>::STRATEGY))
        }
        Some(IdSource::Explicit(arg)) => {
            let variant = match arg {
                IdArg::UuidV4 => quote!(UuidV4),
                IdArg::UuidV7 => quote!(UuidV7),
                IdArg::Autoincrement => quote!(AutoIncrement),
                IdArg::Provided => quote!(Provided),
            };
            quote!(::core::option::Option::Some(#p::IdStrategy::#variant))
        }
        Some(IdSource::Function(path)) => quote_spanned!(path.span()=>
            ::core::option::Option::Some(#p::IdStrategy::Generated(#path))),
    };
    let unique = c.unique;
    let indexed = c.index;
    let max_len = match c.max_len {
        Some(n) => quote!(::core::option::Option::Some(#n)),
        None => none.clone(),
    };
    let default = match &c.default {
        // `created_at` and `db_default` refuse `default`: theirs is the database's own.
        _ if matches!(c.stamp, Some((StampArg::CreatedAt, _))) => {
            quote!(::core::option::Option::Some(#p::DefaultValue::Now))
        }
        _ if c.db_default => quote!(::core::option::Option::Some(#p::DefaultValue::RandomUuid)),
        Some(syn::Lit::Str(s)) => quote!(::core::option::Option::Some(#p::DefaultValue::Text(#s))),
        Some(syn::Lit::Int(i)) => quote!(::core::option::Option::Some(#p::DefaultValue::Int(#i))),
        Some(syn::Lit::Float(x)) => {
            quote!(::core::option::Option::Some(#p::DefaultValue::Float(#x)))
        }
        Some(syn::Lit::Bool(b)) => quote!(::core::option::Option::Some(#p::DefaultValue::Bool(#b))),
        _ => none,
    };
    // `epoch_ms` changes only how the instant is stored; `checks` asserts it is one.
    let ty_const = if c.epoch_ms {
        quote!(#p::ColumnType::EpochMillis)
    } else {
        quote_spanned!(ty.span()=> <#ty as #p::ColumnValue>::TYPE)
    };
    let nullable = quote_spanned!(ty.span()=> <#ty as #p::ColumnValue>::NULLABLE);
    // An optional id (`id: Option<Uuid>`) cannot be a primary key on PostgreSQL or MySQL: the
    // table's natural key is, and the id an ordinary nullable column the adapter fills.
    let primary_key = if primary_key {
        quote!(!#nullable)
    } else {
        quote!(false)
    };
    let stamp = match c.stamp {
        Some((StampArg::CreatedAt, _)) => {
            quote!(::core::option::Option::Some(#p::Stamp::CreatedAt))
        }
        Some((StampArg::UpdatedAt, _)) => {
            quote!(::core::option::Option::Some(#p::Stamp::UpdatedAt))
        }
        None => quote!(::core::option::Option::None),
    };
    quote! {
        #p::Column {
            name: #name,
            field: #field,
            ty: #ty_const,
            nullable: #nullable,
            role: #role,
            primary_key: #primary_key,
            id: #id,
            unique: #unique,
            indexed: #indexed,
            max_len: #max_len,
            default: #default,
            stamp: #stamp,
        }
    }
}

/// The spanned type checks of one field: the role field's accepted types, the id strategy's,
/// and for an embedded model that it is a model at all.
fn checks(p: &TokenStream, f: &Field) -> Vec<TokenStream> {
    let ty = f.ty;
    let bound = |check: TokenStream| {
        let call = quote_spanned!(ty.span()=> __check::<#ty>());
        quote! {
            const _: fn() = || {
                fn __check<T: ?::core::marker::Sized + #check>() {}
                #call;
            };
        }
    };
    let mut out = Vec::new();
    match &f.kind {
        FieldKind::Column(c) => {
            if let Some(def) = c.role {
                let check = format_ident!("{}", def.variant);
                out.push(bound(quote!(#p::role_types::#check)));
            }
            let id_check = match c.primary_key.as_ref().map(|k| &k.source) {
                Some(IdSource::Explicit(IdArg::UuidV4 | IdArg::UuidV7)) => Some(quote!(UuidId)),
                Some(IdSource::Explicit(IdArg::Autoincrement)) => Some(quote!(IntegerId)),
                Some(IdSource::Function(_)) => Some(quote!(StringId)),
                _ => None,
            };
            if let Some(check) = id_check {
                out.push(bound(quote!(#p::role_types::#check)));
            }
            if c.epoch_ms {
                out.push(bound(quote!(#p::role_types::EpochMillis)));
            }
            if c.stamp.is_some() {
                out.push(bound(quote!(#p::role_types::Instant)));
            }
            if c.db_default {
                out.push(bound(quote!(#p::role_types::DbDefaultId)));
            }
        }
        // The embedded model's role is checked against this model's in `columns`.
        FieldKind::Flatten => out.push(bound(quote!(#p::Model))),
        FieldKind::Skip => {}
    }
    out
}

fn patch_type(model: &Model, p: &TokenStream, patch: &syn::Ident, layout: &Layout) -> TokenStream {
    let ident = &model.original.ident;
    let table = quote!(<#ident as #p::Model>::TABLE);
    let mut fields = Vec::new();
    let mut assignments = Vec::new();
    let mut setters = Vec::new();
    let mut debug_fields = Vec::new();
    for (f, at) in model.fields.iter().zip(&layout.starts) {
        let name = &f.ident;
        let ty = f.ty;
        match &f.kind {
            // The adapters write `created_at` and `updated_at` themselves: not in the patch.
            FieldKind::Column(c) if c.primary_key.is_none() && c.stamp.is_none() => {
                let doc = format!("The new `{}`, if it changes.", f.ident.unraw());
                fields.push(quote!(#[doc = #doc] pub #name: ::core::option::Option<#ty>));
                debug_fields.push(crate::debug::field(name, ty.span(), f.is_secret(), true));
                assignments.push(quote_spanned! {ty.span()=>
                    if let ::core::option::Option::Some(__value) = &self.#name {
                        __assignments.push((#at, #p::encode::<#ty>(__value, #table, #at)?));
                    }
                });
                setters.push(quote_spanned! {ty.span()=>
                    if __position == #at {
                        self.#name = ::core::option::Option::Some(
                            <#ty as #p::ColumnValue>::from_value(__value)?,
                        );
                        return ::core::result::Result::Ok(());
                    }
                });
            }
            FieldKind::Flatten => {
                let doc = format!("The changes to the embedded `{}`.", f.ident.unraw());
                let p = respan(p, ty.span());
                fields.push(quote_spanned!(ty.span()=> #[doc = #doc] pub #name: #p::PatchOf<#ty>));
                debug_fields.push(crate::debug::field(name, ty.span(), false, false));
                assignments.push(quote! {
                    for (__at, __value) in #p::Patch::into_assignments(self.#name)? {
                        __assignments.push((__at + #at, __value));
                    }
                });
                setters.push(quote! {
                    let __width = <#ty as #p::Model>::TABLE.columns.len();
                    if __position >= #at && __position < #at + __width {
                        return #p::Patch::set(&mut self.#name, __position - #at, __value);
                    }
                });
            }
            _ => {}
        }
    }
    let debug_impl = if model.debug {
        crate::debug::to_impl(patch, &debug_fields)
    } else {
        TokenStream::new()
    };
    quote! {
        { #(#fields),* }

        const _: () = {
            #debug_impl

            #[automatically_derived]
            impl #p::Patch for #patch {
                #[allow(unused_mut)]
                fn into_assignments(
                    self,
                ) -> ::core::result::Result<#p::Vec<(usize, #p::Value)>, #p::Error> {
                    let mut __assignments = #p::Vec::new();
                    #(#assignments)*
                    ::core::result::Result::Ok(__assignments)
                }

                #[allow(unused_comparisons, clippy::absurd_extreme_comparisons)]
                fn set(
                    &mut self,
                    __position: usize,
                    __value: #p::Value,
                ) -> ::core::result::Result<(), #p::ValueError> {
                    #(#setters)*
                    ::core::result::Result::Err(#p::ValueError::NotPatchable(__position))
                }
            }
        };
    }
}
