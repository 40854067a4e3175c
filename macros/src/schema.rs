//! Writes the impl of `#[derive(AuthSchema)]`: one model type per role, the default model
//! where a role is left out, and `no_authenticator_table` for layouts without one.
//!
//! Entry point: [`derive()`]; on error, [`crate::fallback::schema`] stands in.

use darling::FromDeriveInput;
use proc_macro2::TokenStream;
use quote::{quote, quote_spanned};
use syn::DeriveInput;
use syn::spanned::Spanned;

use crate::attr::SchemaAttrs;

/// Expands the derive, or its errors plus a stub impl that keeps follow-on errors away.
pub fn derive(input: &DeriveInput) -> TokenStream {
    match expand(input) {
        Ok(tokens) => tokens,
        Err(errors) => {
            let errors = errors.write_errors();
            let stub = crate::fallback::schema(input);
            quote!(#errors #stub)
        }
    }
}

fn expand(input: &DeriveInput) -> Result<TokenStream, darling::Error> {
    let attrs = SchemaAttrs::from_derive_input(input)?;
    if let Some(param) = input.generics.params.first() {
        return Err(darling::Error::custom(
            "`#[derive(AuthSchema)]` does not support generic structs",
        )
        .with_span(&param.span()));
    }
    let krate = attrs
        .krate
        .unwrap_or_else(|| syn::parse_quote!(::authmodel));
    let ident = &input.ident;
    let p = quote!(#krate::__private_0_1);
    let slot = |given: &Option<syn::Type>, default: &str| -> TokenStream {
        match given {
            // Spanned on the user's type: "`X` is not a user model" points at `X`.
            Some(ty) => quote_spanned!(ty.span()=> #ty),
            None => {
                let default = syn::Ident::new(default, proc_macro2::Span::call_site());
                quote!(#krate::models::#default)
            }
        }
    };
    let user = slot(&attrs.user, "User");
    let account = slot(&attrs.account, "Account");
    let session = slot(&attrs.session, "Session");
    let verification_token = slot(&attrs.verification_token, "VerificationToken");
    let authenticator = slot(&attrs.authenticator, "Authenticator");
    // A foreign key column has the exact type of the user's key: checked here, where both
    // models are known, so the mismatch is a compile error on the model at fault.
    // Without an authenticator table, the default authenticator model's `Uuid` key is never
    // used: only a model the schema names is checked.
    let stored = attrs.authenticator.is_some() || !attrs.no_authenticator_table.is_present();
    let key_checks = [
        (&attrs.account, &account, "account", true),
        (&attrs.session, &session, "session", true),
        (&attrs.authenticator, &authenticator, "authenticator", stored),
    ]
    .into_iter()
    .filter(|(_, _, _, checked)| *checked)
    .map(|(given, model, role, _)| (given, model, role))
    .map(|(given, model, role)| {
        let span = given
            .as_ref()
            .map_or_else(proc_macro2::Span::call_site, |t| t.span());
        let article = if role.starts_with('a') { "an" } else { "a" };
        let message = match given {
            Some(_) => format!(
                "the {role} model's `user_id` must have the type of the user model's primary key"
            ),
            None => format!(
                "the default {role} model's `user_id` is a `Uuid`, unlike the user model's primary key: \
                 give the schema {article} {role} model whose `user_id` has the key's type (`#[auth({role} = ...)]`)"
            ),
        };
        quote_spanned! {span=>
            const _: () = if !#p::references_user_key(
                <#model as #p::Model>::TABLE,
                <#user as #p::Model>::TABLE,
            ) {
                ::core::panic!(#message)
            };
        }
    });
    let no_table = attrs.no_authenticator_table.is_present().then(|| {
        quote!(
            const AUTHENTICATOR_TABLE: bool = false;
        )
    });
    Ok(quote! {
        const _: () = {
            #(#key_checks)*

            #[automatically_derived]
            impl #p::Schema for #ident {
                type User = #user;
                type Account = #account;
                type Session = #session;
                type VerificationToken = #verification_token;
                type Authenticator = #authenticator;
                #no_table
            }
        };
    })
}
