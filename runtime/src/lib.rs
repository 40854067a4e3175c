//! # authmodel
//!
//! Authentication data — users, OAuth account links, database sessions, email verification
//! tokens, WebAuthn authenticators — stored in SQL databases with the contract of Auth.js
//! adapters.
//!
//! Entry points: [`connect`] (a URL, the default models), [`SqlAdapter`] (any schema),
//! [`Adapter`] (the contract), `#[derive(AuthModel)]` and `#[derive(AuthSchema)]` (your own
//! models), [`ddl`] (the SQL that creates them), [`MemoryAdapter`] (the reference custom
//! adapter), [`compat`] (model sets for the tables of Auth.js's own adapters) and, behind the
//! `testing` feature, [`testing`] (the conformance suite).

// The derive emits `::authmodel::...` paths; this makes them resolve inside this crate too,
// where the default models are declared with the same derive.
extern crate self as authmodel;

pub mod accounts;
pub mod adapter;
pub mod compat;
pub mod ddl;
mod derive_support;
pub mod dialect;
pub mod error;
pub mod memory;
pub mod migrate;
pub mod model;
pub mod models;
pub mod schema;
pub mod sql;
#[cfg(feature = "testing")]
pub mod testing;
pub mod value;

pub use adapter::{Adapter, BoxFuture};
pub use authmodel_macros::AuthEnum;
#[doc = include_str!("../docs/derive.md")]
pub use authmodel_macros::AuthModel;
pub use authmodel_macros::AuthSchema;
pub use ddl::CreateOptions;
pub use dialect::Dialect;
pub use error::{Error, Result};
pub use memory::MemoryAdapter;
pub use model::{Model, Patch, Schema};
pub use models::DefaultSchema;
pub use sql::{Options, SqlAdapter, Synchronous, connect};
pub use value::{ColumnValue, Value};

/// What the derives' output names. Not a public API: it may change in any release.
#[doc(hidden)]
pub mod __private_0_1 {
    pub use crate::derive_support::{
        IdType, STUB_TABLE, decode, encode, has_column, has_primary_key, references_user_key,
        role_types, same_role, share_column, text_of,
    };
    pub use crate::error::Error;
    pub use crate::model::{
        AccountModel, AuthenticatorModel, Model, Patch, PatchOf, Schema, SessionModel, UserModel,
        VerificationTokenModel,
    };
    pub use crate::schema::{
        Column, ColumnType, DefaultValue, IdStrategy, KeyNaming, Role, RoleField, Table,
    };
    pub use crate::value::{ColumnValue, Value, ValueError};
    pub use ::core;
    pub use ::std::vec::Vec;
}

// The README's Rust examples run as doctests, so the front page never shows code that does
// not compile.
#[cfg(doctest)]
#[doc = include_str!("../../README.md")]
pub struct ReadmeDoctests;
