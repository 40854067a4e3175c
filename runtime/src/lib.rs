#![doc = include_str!("../README.md")]
//!
//! ## Entry points
//!
//! Entry points: [`connect`] (a URL, the default models) and [`connect_with`] (the same with
//! [`Options`]), [`SqlAdapter`] (any schema),
//! [`Adapter`] (the contract), `#[derive(AuthModel)]` and `#[derive(AuthSchema)]` (your own
//! models), [`ddl`] (the SQL that creates them), [`MemoryAdapter`] (the reference custom
//! adapter), [`compat`] (model sets for the tables of Auth.js's own adapters) and, behind the
//! `testing` feature, [`testing`] (the conformance suite).

// The derive emits `::authmodel::...` paths; this makes them resolve inside this crate too,
// where the default models are declared with the same derive.
extern crate self as authmodel;

// The ground floor: descriptors, values, the model traits, one error type, the dialects.
pub mod accounts;
mod derive_support;
pub mod descriptor;
pub mod dialect;
pub mod error;
pub mod traits;
pub mod value;

// The layers, each a folder; data flows down, never back up (docs/ARCHITECTURE.md).
pub mod adapter;
pub mod migrate;
pub mod models;
pub mod session;
pub mod statements;
#[cfg(feature = "testing")]
pub mod testing;

// The paths the crate had before its layers were folders, kept so that no user's `use` breaks.
pub use adapter::composed;
#[cfg(feature = "redis")]
pub use adapter::redis;
pub use adapter::{memory, sql};
#[doc(hidden)]
pub use descriptor as schema;
pub use models::compat;
pub use statements::ddl;
#[doc(hidden)]
pub use traits as model;

pub use adapter::{AccountKey, AccountSignIn, Adapter, BoxFuture};
pub use authmodel_macros::AuthEnum;
#[doc = include_str!("../docs/derive.md")]
pub use authmodel_macros::AuthModel;
pub use authmodel_macros::AuthSchema;
pub use ddl::CreateOptions;
pub use dialect::{Dialect, MySqlFlavour};
pub use error::{Error, Result};
pub use memory::MemoryAdapter;
pub use models::DefaultSchema;
pub use sql::{Options, RawConnection, RawRow, SqlAdapter, Synchronous};
pub use traits::{Model, Patch, Schema};
pub use value::{ColumnValue, Value};

/// Connects to the database `url` names with the default models, creating their tables when
/// missing: `SqlAdapter::<DefaultSchema>::connect(url, Options::default().synchronize(true))`.
///
/// ```
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() -> authmodel::Result<()> {
/// let auth = authmodel::connect("sqlite::memory:").await?;
/// # let _ = auth;
/// # Ok(())
/// # }
/// ```
pub async fn connect(url: &str) -> Result<SqlAdapter<DefaultSchema>> {
    SqlAdapter::connect(url, Options::default().synchronize(true)).await
}

/// Connects to the database `url` names with the default models and `options`, as
/// [`connect`] does but with your settings: `SqlAdapter::<DefaultSchema>::connect(url,
/// options)`. Tables are created only if `options` asks for it ([`Options::synchronize`]).
///
/// ```
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() -> authmodel::Result<()> {
/// use std::time::Duration;
/// use authmodel::Options;
///
/// let auth = authmodel::connect_with(
///     "sqlite::memory:",
///     Options::default()
///         .synchronize(true)
///         .busy_timeout(Duration::from_secs(2)),
/// )
/// .await?;
/// # let _ = auth;
/// # Ok(())
/// # }
/// ```
pub async fn connect_with(url: &str, options: Options) -> Result<SqlAdapter<DefaultSchema>> {
    SqlAdapter::connect(url, options).await
}

/// What the derives' output names. Not a public API: it may change in any release.
#[doc(hidden)]
pub mod __private_0_1 {
    pub use crate::derive_support::{
        IdType, STUB_TABLE, decode, encode, has_column, has_primary_key, references_user_key,
        role_types, same_role, share_column, text_of,
    };
    pub use crate::descriptor::{
        Column, ColumnType, DeclaredKey, DefaultValue, IdStrategy, KeyNaming, Keys, OnDelete, Role,
        RoleField, Stamp, Table,
    };
    pub use crate::error::Error;
    pub use crate::traits::{
        AccountModel, AuthenticatorModel, Model, Patch, PatchOf, Schema, SessionModel, UserModel,
        VerificationTokenModel,
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

// The derive's reference (`docs/derive.md`, the documentation of `AuthModel`) runs as
// doctests too: rustdoc does not test the documentation of a re-export.
#[cfg(doctest)]
#[doc = include_str!("../docs/derive.md")]
pub struct DeriveDoctests;
