//! Writes the impl of `#[derive(AuthEnum)]`: a unit-only enum stored as text, one string per
//! variant.
//!
//! Entry point: [`derive()`]; on error, [`crate::fallback::text_enum`] stands in.

use darling::{FromDeriveInput, FromVariant};
use proc_macro2::TokenStream;
use quote::quote;
use syn::DeriveInput;
use syn::spanned::Spanned;

use crate::attr::{EnumAttrs, VariantAttrs};
use crate::case::Case;

/// Expands the derive, or its errors plus a stub impl that keeps follow-on errors away.
pub fn derive(input: &DeriveInput) -> TokenStream {
    match expand(input) {
        Ok(tokens) => tokens,
        Err(errors) => {
            let errors = errors.write_errors();
            let stub = crate::fallback::text_enum(input);
            quote!(#errors #stub)
        }
    }
}

fn expand(input: &DeriveInput) -> Result<TokenStream, darling::Error> {
    let variants = check_shape(input)?;
    // Every key of the enum and its variants is read before the first error is returned.
    let mut errors = darling::Error::accumulator();
    let attrs = errors
        .handle(EnumAttrs::from_derive_input(input))
        .unwrap_or_default();
    let parsed: Vec<(&syn::Ident, VariantAttrs)> = variants
        .iter()
        .map(|v| {
            let keys = errors.handle(VariantAttrs::from_variant(v));
            (&v.ident, keys.unwrap_or_default())
        })
        .collect();
    let mut errors = errors.checkpoint()?;
    if let Some(param) = input.generics.params.first() {
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
    let mut texts: Vec<(&syn::Ident, String)> = Vec::new();
    for (ident, variant) in parsed {
        let text = variant.rename.unwrap_or_else(|| {
            let name = ident.to_string();
            case.map_or(name.clone(), |case| case.apply(&name))
        });
        if let Some((other, _)) = texts.iter().find(|(_, t)| *t == text) {
            errors.push(
                darling::Error::custom(format!(
                    "variant `{ident}` is stored as `{text}` like `{other}`"
                ))
                .with_span(ident),
            );
        }
        texts.push((ident, text));
    }
    errors.finish()?;

    let krate = attrs
        .krate
        .unwrap_or_else(|| syn::parse_quote!(::authmodel));
    let p = quote!(#krate::__private_0_1);
    let ident = &input.ident;
    let type_name = ident.to_string();
    let to_text = texts.iter().map(|(v, t)| quote!(#ident::#v => #t));
    let from_text = texts.iter().map(|(v, t)| quote!(#t => #ident::#v));
    let expected: Vec<&str> = texts.iter().map(|(_, t)| t.as_str()).collect();
    let expected = expected.join(", ");
    Ok(quote! {
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
    })
}

/// The enum's variants. Only unit variants have a text: every variant carrying data is an
/// error of its own.
fn check_shape(
    input: &DeriveInput,
) -> Result<&syn::punctuated::Punctuated<syn::Variant, syn::Token![,]>, darling::Error> {
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
    errors.finish_with(&data.variants)
}
