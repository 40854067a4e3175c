//! The stubs emitted beside a derive's errors, after thiserror's `fallback.rs`: enough for the
//! rest of the crate to type-check against, so the user sees the real mistake and not a
//! cascade of "trait not implemented" wherever the type is used.
//!
//! Entry points: [`model`], [`schema`] and [`text_enum`], one per derive. Each reads the
//! `#[auth(...)]` keys it needs leniently ([`Lenient`]): a key that fails elsewhere must not
//! cost the stub its `crate = ...` path. A stub's methods are never called: the crate they
//! are in does not compile.

use darling::FromMeta;
use proc_macro2::TokenStream;
use quote::{format_ident, quote, quote_spanned};
use syn::spanned::Spanned;
use syn::{DeriveInput, Token};

use crate::attr::RoleArg;

/// The stub of `#[derive(AuthModel)]`: the model trait (with an empty table of the role, so
/// an embedding model's const checks pass), the role trait when the role could be read, an
/// empty `<Name>Patch`, and with `#[auth(debug)]` the model's `Debug`, which the struct then
/// does not derive itself.
pub fn model(input: &DeriveInput) -> TokenStream {
    // A generic struct is refused outright: an impl for it would bring its own errors.
    if !input.generics.params.is_empty() {
        return TokenStream::new();
    }
    let keys = Lenient::from_input(input);
    let p = keys.private();
    let ident = &input.ident;
    let vis = &input.vis;
    let patch = format_ident!("{}Patch", ident);
    let (table, role_impl) = match keys.role {
        Some(role) => {
            let (variant, role_trait) = role.names();
            let variant = format_ident!("{variant}");
            let role_trait = format_ident!("{role_trait}");
            (
                quote!(&#p::Table { role: #p::Role::#variant, ..#p::STUB_TABLE }),
                quote!(impl #p::#role_trait for #ident {}),
            )
        }
        None => (quote!(&#p::STUB_TABLE), TokenStream::new()),
    };
    let unreachable = unreachable();
    let debug_impl = if keys.debug {
        quote! {
            impl ::core::fmt::Debug for #ident {
                fn fmt(&self, _: &mut ::core::fmt::Formatter<'_>) -> ::core::fmt::Result {
                    #unreachable
                }
            }
        }
    } else {
        TokenStream::new()
    };
    quote! {
        #[derive(::core::fmt::Debug, ::core::clone::Clone, ::core::default::Default, ::core::cmp::PartialEq)]
        #vis struct #patch {}

        const _: () = {
            impl #p::Patch for #patch {
                fn into_assignments(self) -> ::core::result::Result<#p::Vec<(usize, #p::Value)>, #p::Error> {
                    #unreachable
                }
                fn set(&mut self, _: usize, _: #p::Value) -> ::core::result::Result<(), #p::ValueError> {
                    #unreachable
                }
            }
            impl #p::Model for #ident {
                const TABLE: &'static #p::Table = #table;
                type Patch = #patch;
                fn to_values(&self) -> ::core::result::Result<#p::Vec<#p::Value>, #p::Error> {
                    #unreachable
                }
                fn from_values(_: #p::Vec<#p::Value>) -> ::core::result::Result<Self, #p::Error> {
                    #unreachable
                }
            }
            #role_impl
            #debug_impl
        };
    }
}

/// The stub of `#[derive(AuthSchema)]`: the schema trait, with each model the attribute names
/// where it could be read (so code using the schema sees the user's own types), and the
/// default model elsewhere. The checks between the models are left to the real expansion.
pub fn schema(input: &DeriveInput) -> TokenStream {
    if !input.generics.params.is_empty() {
        return TokenStream::new();
    }
    let keys = Lenient::from_input(input);
    let p = keys.private();
    let krate = &keys.krate;
    let slot = |role: &str, default: &str| -> TokenStream {
        match keys.models.iter().find(|(name, _)| name == role) {
            Some((_, ty)) => quote_spanned!(ty.span()=> #ty),
            None => {
                let default = format_ident!("{default}");
                quote!(#krate::models::#default)
            }
        }
    };
    let user = slot("user", "User");
    let account = slot("account", "Account");
    let session = slot("session", "Session");
    let verification_token = slot("verification_token", "VerificationToken");
    let authenticator = slot("authenticator", "Authenticator");
    let ident = &input.ident;
    quote! {
        const _: () = {
            impl #p::Schema for #ident {
                type User = #user;
                type Account = #account;
                type Session = #session;
                type VerificationToken = #verification_token;
                type Authenticator = #authenticator;
            }
        };
    }
}

/// The stub of `#[derive(AuthEnum)]`: a value stored as text.
pub fn text_enum(input: &DeriveInput) -> TokenStream {
    if !input.generics.params.is_empty() {
        return TokenStream::new();
    }
    let p = Lenient::from_input(input).private();
    let ident = &input.ident;
    let unreachable = unreachable();
    quote! {
        const _: () = {
            impl #p::ColumnValue for #ident {
                const TYPE: #p::ColumnType = #p::ColumnType::Text;
                fn to_value(&self) -> ::core::result::Result<#p::Value, #p::ValueError> {
                    #unreachable
                }
                fn from_value(_: #p::Value) -> ::core::result::Result<Self, #p::ValueError> {
                    #unreachable
                }
            }
        };
    }
}

fn unreachable() -> TokenStream {
    quote!(::core::unreachable!("stub emitted beside a compile error"))
}

/// The keys a stub needs, read from the type's own `#[auth(...)]` without darling: whatever
/// parses is kept, up to the first item that does not, and everything else is left to the
/// errors the real parse reports.
struct Lenient {
    /// `crate = path` (or `crate = "path"`), else `::authmodel`.
    krate: syn::Path,
    /// `role = "..."`, on a model.
    role: Option<RoleArg>,
    /// `debug`, on a model.
    debug: bool,
    /// `user = Type`, `session = Type`, ..., on a schema: the key with its type.
    models: Vec<(String, syn::Type)>,
}

impl Lenient {
    fn from_input(input: &DeriveInput) -> Lenient {
        let mut keys = Lenient {
            krate: syn::parse_quote!(::authmodel),
            role: None,
            debug: false,
            models: Vec::new(),
        };
        for attr in input.attrs.iter().filter(|a| a.path().is_ident("auth")) {
            // An error stops this attribute's reading; what was read before it stays.
            let _ = attr.parse_nested_meta(|meta| keys.read(&meta));
        }
        keys
    }

    fn read(&mut self, meta: &syn::meta::ParseNestedMeta) -> syn::Result<()> {
        const MODELS: [&str; 5] = [
            "user",
            "account",
            "session",
            "verification_token",
            "authenticator",
        ];
        if meta.path.is_ident("crate") {
            let value = meta.value()?;
            self.krate = if value.peek(syn::LitStr) {
                value.parse::<syn::LitStr>()?.parse()?
            } else {
                value.parse()?
            };
        } else if meta.path.is_ident("role") {
            let name: syn::LitStr = meta.value()?.parse()?;
            self.role = RoleArg::from_string(&name.value()).ok();
        } else if meta.path.is_ident("debug") && !meta.input.peek(Token![=]) {
            self.debug = true;
        } else if let Some(key) = MODELS.iter().find(|k| meta.path.is_ident(k)) {
            let ty: syn::Type = meta.value()?.parse()?;
            self.models.push(((*key).to_owned(), ty));
        } else if meta.input.peek(Token![=]) {
            meta.value()?.parse::<syn::Expr>()?;
        } else if !meta.input.is_empty() && !meta.input.peek(Token![,]) {
            meta.input.parse::<proc_macro2::Group>()?;
        }
        Ok(())
    }

    /// The path of the runtime's private module, through `crate = ...`.
    fn private(&self) -> TokenStream {
        let krate = &self.krate;
        quote!(#krate::__private_0_1)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn text(tokens: TokenStream) -> String {
        tokens.to_string().replace(' ', "")
    }

    #[test]
    fn every_stub_names_the_crate_it_is_given() {
        let model: DeriveInput = syn::parse_quote! {
            #[auth(role = "user", bogus = 1, crate = my_app::auth)]
            struct Member { email: String }
        };
        let schema: DeriveInput = syn::parse_quote! {
            #[auth(usr = Member, crate = "my_app::auth")]
            struct AppAuth;
        };
        let text_enum: DeriveInput = syn::parse_quote! {
            #[auth(rename_all = "kebab", crate = my_app::auth)]
            enum Plan { Free, Paid(u32) }
        };
        for stub in [
            super::model(&model),
            super::schema(&schema),
            super::text_enum(&text_enum),
        ] {
            let stub = text(stub);
            assert!(stub.contains("my_app::auth::__private_0_1"), "{stub}");
            assert!(!stub.contains("::authmodel"), "{stub}");
        }
    }

    #[test]
    fn a_model_stub_plays_the_role_it_was_given() {
        let input: DeriveInput = syn::parse_quote! {
            #[auth(indx, role = "session")]
            struct Login { token: String }
        };
        let stub = text(model(&input));
        assert!(stub.contains("SessionModelforLogin{}"), "{stub}");
        assert!(stub.contains("Role::Session"), "{stub}");
    }

    #[test]
    fn a_model_stub_writes_the_debug_it_was_asked_for() {
        let asked: DeriveInput = syn::parse_quote! {
            #[auth(role = "session", debug, indx)]
            struct Login { token: String }
        };
        assert!(text(model(&asked)).contains("::core::fmt::DebugforLogin"));
        let not_asked: DeriveInput = syn::parse_quote! {
            #[auth(role = "session", indx)]
            struct Login { token: String }
        };
        assert!(!text(model(&not_asked)).contains("DebugforLogin"));
    }

    #[test]
    fn a_model_stub_without_a_role_plays_none() {
        let input: DeriveInput = syn::parse_quote! {
            #[auth(role = "admin")]
            struct Login { token: String }
        };
        let stub = text(model(&input));
        assert!(stub.contains("STUB_TABLE"), "{stub}");
        assert!(!stub.contains("ModelforLogin{}"), "{stub}");
    }

    #[test]
    fn a_schema_stub_keeps_the_models_it_could_read() {
        let input: DeriveInput = syn::parse_quote! {
            #[auth(session = app::Login, usr = app::Member, account = 1 +)]
            struct AppAuth;
        };
        let stub = text(schema(&input));
        assert!(stub.contains("typeSession=app::Login;"), "{stub}");
        assert!(
            stub.contains("typeUser=::authmodel::models::User;"),
            "{stub}"
        );
    }

    #[test]
    fn a_generic_type_gets_no_stub() {
        let input: DeriveInput = syn::parse_quote! {
            #[auth(role = "user")]
            struct Member<T> { email: T }
        };
        assert!(model(&input).is_empty());
    }
}
