//! Writes the impls of `#[derive(AuthModel)]`: the table descriptor, the row conversions, the
//! role trait, the spanned type checks of role fields, and the patch type.
//!
//! Entry point: [`derive`]. Everything emitted names the runtime by absolute path through
//! `__private`, inside `const _: () = { ... };` except the patch type, which users name.

use proc_macro2::TokenStream;
use quote::{format_ident, quote, quote_spanned};
use syn::DeriveInput;
use syn::ext::IdentExt;
use syn::spanned::Spanned;

use crate::model::{Field, Model};

/// Expands the derive, or its errors plus a stub impl that keeps follow-on errors away.
pub fn derive(input: &DeriveInput) -> TokenStream {
    match Model::from_input(input) {
        Ok(model) => expand(&model),
        Err(errors) => {
            let errors = errors.write_errors();
            let stub = stub(input);
            quote!(#errors #stub)
        }
    }
}

fn expand(model: &Model) -> TokenStream {
    let krate = &model.krate;
    let p = quote!(#krate::__private);
    let ident = &model.original.ident;
    let vis = &model.original.vis;
    let type_name = ident.to_string();
    let table = &model.table;
    let (role_variant, role_trait) = model.role.names();
    let role_variant = format_ident!("{role_variant}");
    let role_trait = format_ident!("{role_trait}");
    let patch = format_ident!("{}Patch", ident);

    let columns = model.columns().map(|f| column(&p, f));
    let to_values = model.columns().map(|f| {
        let name = &f.ident;
        let ty = &f.ty;
        // Spanned on the type: an unsupported type is reported there, not on the derive.
        quote_spanned!(ty.span()=> __values.push(<#ty as #p::ColumnValue>::to_value(&self.#name));)
    });
    let column_count = model.columns().count();
    let mut position = 0usize;
    let decoded = model.fields.iter().map(|f| {
        let name = &f.ident;
        if f.skip {
            quote!(#name: ::core::default::Default::default())
        } else {
            let at = position;
            position += 1;
            let ty = &f.ty;
            quote_spanned!(ty.span()=> #name: #p::decode::<#ty>(&mut __values, <Self as #p::Model>::TABLE, #at)?)
        }
    });
    let checks = model.columns().filter_map(|f| role_check(&p, f));
    let patch_impl = patch_type(model, &p, &patch);

    quote! {
        #[doc = concat!("A partial update of [`", #type_name, "`]: `None` leaves a field unchanged; for a nullable field, `Some(None)` sets it to `NULL`.")]
        #[derive(::core::fmt::Debug, ::core::clone::Clone, ::core::default::Default, ::core::cmp::PartialEq)]
        #vis struct #patch #patch_impl

        const _: () = {
            #[automatically_derived]
            impl #p::Model for #ident {
                const TABLE: &'static #p::Table = &#p::Table {
                    name: #table,
                    type_name: #type_name,
                    role: #p::Role::#role_variant,
                    columns: &[#(#columns),*],
                };
                type Patch = #patch;

                fn to_values(&self) -> #p::Vec<#p::Value> {
                    let mut __values = #p::Vec::with_capacity(#column_count);
                    #(#to_values)*
                    __values
                }

                fn from_values(
                    __values: #p::Vec<#p::Value>,
                ) -> ::core::result::Result<Self, #p::Error> {
                    let mut __values = __values.into_iter();
                    ::core::result::Result::Ok(Self { #(#decoded),* })
                }
            }

            #[automatically_derived]
            impl #p::#role_trait for #ident {}

            #(#checks)*
        };
    }
}

fn column(p: &TokenStream, f: &Field) -> TokenStream {
    let ty = &f.ty;
    let name = &f.column;
    let field = f.ident.unraw().to_string();
    let role = match f.role {
        Some(def) => {
            let variant = format_ident!("{}", def.variant);
            quote!(::core::option::Option::Some(#p::RoleField::#variant))
        }
        None => quote!(::core::option::Option::None),
    };
    let primary_key = f.primary_key;
    let id = if f.primary_key {
        quote_spanned!(ty.span()=> ::core::option::Option::Some(<#ty as #p::IdType>::STRATEGY))
    } else {
        quote!(::core::option::Option::None)
    };
    let unique = f.unique;
    let indexed = f.index;
    let max_len = match f.max_len {
        Some(n) => quote!(::core::option::Option::Some(#n)),
        None => quote!(::core::option::Option::None),
    };
    let default = match &f.default {
        Some(syn::Lit::Str(s)) => quote!(::core::option::Option::Some(#p::DefaultValue::Text(#s))),
        Some(syn::Lit::Int(i)) => quote!(::core::option::Option::Some(#p::DefaultValue::Int(#i))),
        Some(syn::Lit::Float(x)) => {
            quote!(::core::option::Option::Some(#p::DefaultValue::Float(#x)))
        }
        Some(syn::Lit::Bool(b)) => quote!(::core::option::Option::Some(#p::DefaultValue::Bool(#b))),
        _ => quote!(::core::option::Option::None),
    };
    let ty_const = quote_spanned!(ty.span()=> <#ty as #p::ColumnValue>::TYPE);
    let nullable = quote_spanned!(ty.span()=> <#ty as #p::ColumnValue>::NULLABLE);
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
        }
    }
}

/// A check that a role field's type is one the role accepts, spanned on the type so the
/// error points at `String` in `expires: String`.
fn role_check(p: &TokenStream, f: &Field) -> Option<TokenStream> {
    let def = f.role?;
    let check = format_ident!("{}", def.variant);
    let ty = &f.ty;
    let call = quote_spanned!(ty.span()=> __check::<#ty>());
    Some(quote! {
        const _: fn() = || {
            fn __check<T: ?::core::marker::Sized + #p::role_types::#check>() {}
            #call;
        };
    })
}

fn patch_type(model: &Model, p: &TokenStream, patch: &syn::Ident) -> TokenStream {
    let patchable: Vec<(usize, &Field)> = model
        .columns()
        .enumerate()
        .filter(|(_, f)| !f.primary_key)
        .collect();
    let fields = patchable.iter().map(|(_, f)| {
        let name = &f.ident;
        let ty = &f.ty;
        let doc = format!("The new `{}`, if it changes.", f.ident.unraw());
        quote!(#[doc = #doc] pub #name: ::core::option::Option<#ty>)
    });
    let assignments = patchable.iter().map(|(at, f)| {
        let name = &f.ident;
        let ty = &f.ty;
        quote_spanned! {ty.span()=>
            if let ::core::option::Option::Some(__value) = &self.#name {
                __assignments.push((#at, <#ty as #p::ColumnValue>::to_value(__value)));
            }
        }
    });
    let setters = patchable.iter().map(|(at, f)| {
        let name = &f.ident;
        let ty = &f.ty;
        quote_spanned! {ty.span()=>
            #at => {
                self.#name = ::core::option::Option::Some(<#ty as #p::ColumnValue>::from_value(__value)?);
                ::core::result::Result::Ok(())
            }
        }
    });
    quote! {
        { #(#fields),* }

        const _: () = {
            #[automatically_derived]
            impl #p::Patch for #patch {
                fn into_assignments(self) -> #p::Vec<(usize, #p::Value)> {
                    let mut __assignments = #p::Vec::new();
                    #(#assignments)*
                    __assignments
                }

                fn set(
                    &mut self,
                    __position: usize,
                    __value: #p::Value,
                ) -> ::core::result::Result<(), #p::ValueError> {
                    match __position {
                        #(#setters)*
                        _ => ::core::result::Result::Err(#p::ValueError::NotPatchable(__position)),
                    }
                }
            }
        };
    }
}

/// What is emitted beside errors: enough for the rest of the crate to type-check against,
/// so the user sees the real mistake and not a cascade of "trait not implemented".
fn stub(input: &DeriveInput) -> TokenStream {
    if !input.generics.params.is_empty() {
        return TokenStream::new();
    }
    let ident = &input.ident;
    let vis = &input.vis;
    let patch = format_ident!("{}Patch", ident);
    let p = quote!(::authmodel::__private);
    quote! {
        #[derive(::core::fmt::Debug, ::core::clone::Clone, ::core::default::Default, ::core::cmp::PartialEq)]
        #vis struct #patch {}

        const _: () = {
            impl #p::Patch for #patch {
                fn into_assignments(self) -> #p::Vec<(usize, #p::Value)> {
                    ::core::unreachable!("stub emitted beside a compile error")
                }
                fn set(&mut self, _: usize, _: #p::Value) -> ::core::result::Result<(), #p::ValueError> {
                    ::core::unreachable!("stub emitted beside a compile error")
                }
            }
            impl #p::Model for #ident {
                const TABLE: &'static #p::Table = &#p::STUB_TABLE;
                type Patch = #patch;
                fn to_values(&self) -> #p::Vec<#p::Value> {
                    ::core::unreachable!("stub emitted beside a compile error")
                }
                fn from_values(_: #p::Vec<#p::Value>) -> ::core::result::Result<Self, #p::Error> {
                    ::core::unreachable!("stub emitted beside a compile error")
                }
            }
        };
    }
}
