//! `#[derive(AuthModel)]`, `#[derive(AuthSchema)]` and `#[derive(AuthEnum)]` for authmodel.
//!
//! The pipeline: `attr` parses `#[auth(...)]` with darling, `model` validates it into a
//! model that borrows the input (`field` reads each field, `check` applies the rules
//! between fields; every error accumulated, each on its own tokens), and `expand` writes
//! the descriptor, the row conversions and the patch type (`debug` the redacting `Debug`,
//! when asked for). On error, every derive emits its errors beside a stub from `fallback`,
//! so the rest of the crate type-checks and only the real mistakes are reported. Use these
//! derives through the `authmodel` crate, which documents every attribute key.

mod attr;
mod case;
mod check;
mod debug;
mod expand;
mod fallback;
mod field;
mod model;
mod names;
mod roles;
mod schema;
mod text_enum;

use proc_macro::TokenStream;
use syn::{DeriveInput, parse_macro_input};

/// Derives `authmodel::Model` (and the role trait) for a struct. Documented in `authmodel`.
#[proc_macro_derive(AuthModel, attributes(auth))]
pub fn derive_auth_model(input: TokenStream) -> TokenStream {
    let input = parse_macro_input!(input as DeriveInput);
    expand::derive(&input).into()
}

/// Derives `authmodel::Schema` for a unit struct. Documented in `authmodel`.
#[proc_macro_derive(AuthSchema, attributes(auth))]
pub fn derive_auth_schema(input: TokenStream) -> TokenStream {
    let input = parse_macro_input!(input as DeriveInput);
    schema::derive(&input).into()
}

/// Derives `authmodel::ColumnValue` for a unit-only enum, stored as text. Documented in
/// `authmodel`.
#[proc_macro_derive(AuthEnum, attributes(auth))]
pub fn derive_auth_enum(input: TokenStream) -> TokenStream {
    let input = parse_macro_input!(input as DeriveInput);
    text_enum::derive(&input).into()
}
