//! The `Debug` that `#[auth(debug)]` asks for, on the model and on its patch type: what the
//! standard derive prints, but every secret field shown as `"<redacted>"`, and a secret
//! written `Option<...>` as `Some("<redacted>")` or `None`, so a log line tells whether a
//! token is there and never what it is.
//!
//! Entry points: [`model`] (the model's impl), [`field`] (one field's line, which the patch
//! type's expansion also calls) and [`to_impl`]. The output uses `core` alone: a redaction
//! needs no runtime code, and so no path into the runtime that could drift from it.

use proc_macro2::{Span, TokenStream};
use quote::quote;
use syn::ext::IdentExt;
use syn::spanned::Spanned;

use crate::expand::respan;
use crate::model::Model;

/// What a secret field shows instead of its value.
const REDACTED: &str = "<redacted>";

/// The model's `Debug` impl.
pub fn model(model: &Model) -> TokenStream {
    let fields: Vec<TokenStream> = model
        .fields
        .iter()
        .map(|f| field(f.ident, f.ty.span(), f.is_secret(), is_option(f.ty)))
        .collect();
    to_impl(&model.original.ident, &fields)
}

/// One `.field("name", value)` of a `debug_struct`. A public value is spanned on the field's
/// type (`ty_span`), so a type without `Debug` is an error on that type; a secret one never reads
/// the value beyond whether an `Option` holds one.
pub fn field(ident: &syn::Ident, ty_span: Span, secret: bool, option: bool) -> TokenStream {
    let name = ident.unraw().to_string();
    let value = match (secret, option) {
        // Every token respanned, the field's name included: the error is on the type alone.
        (false, _) => respan(&quote!(&self.#ident), ty_span),
        (true, true) => quote! {
            &::core::option::Option::map(
                ::core::option::Option::as_ref(&self.#ident),
                |_| #REDACTED,
            )
        },
        (true, false) => quote!(&#REDACTED),
    };
    quote!(.field(#name, #value))
}

/// `impl Debug for ty`, printing `fields` (from [`field`]) under the type's name.
pub fn to_impl(ty: &syn::Ident, fields: &[TokenStream]) -> TokenStream {
    let name = ty.unraw().to_string();
    quote! {
        #[automatically_derived]
        impl ::core::fmt::Debug for #ty {
            fn fmt(&self, __f: &mut ::core::fmt::Formatter<'_>) -> ::core::fmt::Result {
                __f.debug_struct(#name) #(#fields)* .finish()
            }
        }
    }
}

/// Whether a type is written as an `Option` (a path ending in `Option` with one type
/// argument), the test serde's derive makes for the same kind of decision. Only the compiler
/// knows what an alias stands for: a secret whose type is an alias of an `Option` is shown
/// as `"<redacted>"` whole, which still prints nothing of it.
pub fn is_option(ty: &syn::Type) -> bool {
    let syn::Type::Path(path) = ty else {
        return false;
    };
    if path.qself.is_some() {
        return false;
    }
    let Some(last) = path.path.segments.last() else {
        return false;
    };
    let syn::PathArguments::AngleBracketed(args) = &last.arguments else {
        return false;
    };
    last.ident == "Option"
        && args.args.len() == 1
        && matches!(args.args.first(), Some(syn::GenericArgument::Type(_)))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn text(tokens: TokenStream) -> String {
        tokens.to_string().replace(' ', "")
    }

    #[test]
    fn options_are_recognised_as_written() {
        let option = |ty: syn::Type| is_option(&ty);
        assert!(option(syn::parse_quote!(Option<String>)));
        assert!(option(syn::parse_quote!(::core::option::Option<Vec<u8>>)));
        assert!(option(syn::parse_quote!(
            std::option::Option<Option<String>>
        )));
        assert!(!option(syn::parse_quote!(String)));
        assert!(!option(syn::parse_quote!(Option)));
        assert!(!option(syn::parse_quote!(MaybeToken)));
        assert!(!option(syn::parse_quote!(Vec<Option<String>>)));
        assert!(!option(syn::parse_quote!(&'static Option<String>)));
    }

    #[test]
    fn a_secret_never_reads_its_value() {
        let token: syn::Ident = syn::parse_quote!(token);
        let span = Span::call_site();
        let public = text(field(&token, span, false, false));
        assert_eq!(public, ".field(\"token\",&self.token)");
        let secret = text(field(&token, span, true, false));
        assert_eq!(secret, ".field(\"token\",&\"<redacted>\")");
        let optional = text(field(&token, span, true, true));
        assert!(optional.contains("as_ref(&self.token)"), "{optional}");
        assert!(optional.contains("|_|\"<redacted>\""), "{optional}");
    }

    #[test]
    fn a_raw_field_is_printed_by_its_name() {
        let kind: syn::Ident = syn::parse_quote!(r#type);
        let line = text(field(&kind, Span::call_site(), false, false));
        assert_eq!(line, ".field(\"type\",&self.r#type)");
    }
}
