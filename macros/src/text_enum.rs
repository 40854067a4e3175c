//! Writes the impl of `#[derive(AuthEnum)]`: a unit-only enum stored as text, one string per
//! variant.
//!
//! Entry point: [`derive`].

use darling::FromDeriveInput;
use proc_macro2::TokenStream;
use quote::quote;
use syn::DeriveInput;
use syn::spanned::Spanned;

use crate::attr::EnumAttrs;
use crate::case::Case;

/// Expands the derive, or its errors.
pub fn derive(input: &DeriveInput) -> TokenStream {
    if let Err(errors) = check_shape(input) {
        return errors.write_errors();
    }
    let attrs = match EnumAttrs::from_derive_input(input) {
        Ok(attrs) => attrs,
        Err(errors) => return errors.write_errors(),
    };
    let mut errors = darling::Error::accumulator();
    if let Some(param) = attrs.generics.params.first() {
        errors.push(
            darling::Error::custom("`#[derive(AuthEnum)]` does not support generic enums")
                .with_span(&param.span()),
        );
    }
    let case = attrs.rename_all.as_ref().and_then(|name| {
        let case = Case::from_name(name);
        if case.is_none() {
            errors.push(
                darling::Error::custom(format!(
                    "unknown `rename_all` value `{}`: expected one of {}",
                    name.as_str(),
                    Case::NAMES
                ))
                .with_span(&name.span()),
            );
        }
        case
    });
    let variants = attrs.data.take_enum().unwrap_or_default();
    let mut texts: Vec<(syn::Ident, String)> = Vec::new();
    for variant in variants {
        let text = variant.rename.clone().unwrap_or_else(|| {
            let name = variant.ident.to_string();
            case.map_or(name.clone(), |case| case.apply(&name))
        });
        if let Some((other, _)) = texts.iter().find(|(_, t)| *t == text) {
            errors.push(
                darling::Error::custom(format!(
                    "variant `{}` is stored as `{text}` like `{other}`",
                    variant.ident
                ))
                .with_span(&variant.ident),
            );
        }
        texts.push((variant.ident, text));
    }
    if let Err(errors) = errors.finish() {
        return errors.write_errors();
    }

    let krate = attrs
        .krate
        .clone()
        .unwrap_or_else(|| syn::parse_quote!(::authmodel));
    let p = quote!(#krate::__private_0_1);
    let ident = &attrs.ident;
    let type_name = ident.to_string();
    let to_text = texts.iter().map(|(v, t)| quote!(#ident::#v => #t));
    let from_text = texts.iter().map(|(v, t)| quote!(#t => #ident::#v));
    let expected: Vec<&str> = texts.iter().map(|(_, t)| t.as_str()).collect();
    let expected = expected.join(", ");
    quote! {
        const _: () = {
            #[automatically_derived]
            impl #p::ColumnValue for #ident {
                const TYPE: #p::ColumnType = #p::ColumnType::Text;

                fn to_value(&self) -> ::core::result::Result<#p::Value, #p::ValueError> {
                    let __text: &str = match self { #(#to_text),* };
                    ::core::result::Result::Ok(#p::Value::Text(__text.into()))
                }

                fn from_value(__value: #p::Value) -> ::core::result::Result<Self, #p::ValueError> {
                    let __text = #p::text_of(__value)?;
                    ::core::result::Result::Ok(match __text.as_str() {
                        #(#from_text,)*
                        __other => {
                            return ::core::result::Result::Err(#p::ValueError::Invalid(
                                ::std::format!(
                                    "`{}` is not a `{}`: expected one of {}",
                                    __other, #type_name, #expected,
                                ),
                            ));
                        }
                    })
                }
            }
        };
    }
}

/// Only unit variants have a text: every variant carrying data is an error of its own.
fn check_shape(input: &DeriveInput) -> Result<(), darling::Error> {
    let syn::Data::Enum(data) = &input.data else {
        return Err(darling::Error::custom(
            "`#[derive(AuthEnum)]` is for enums whose variants are stored as text",
        )
        .with_span(&input.ident));
    };
    let mut errors = darling::Error::accumulator();
    for variant in &data.variants {
        if !matches!(variant.fields, syn::Fields::Unit) {
            errors.push(
                darling::Error::custom(format!(
                    "`#[derive(AuthEnum)]` stores unit variants as text: `{}` carries data",
                    variant.ident
                ))
                .with_span(&variant.fields),
            );
        }
    }
    errors.finish()
}
