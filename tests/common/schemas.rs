//! Schemas the backend tests share beside the default one: [`Extended`], the default models
//! with a user carrying two fields of the application's own (a defaulted `role`, an indexed,
//! bounded `phone`) — the same models as tests/ddl.rs snapshots.
//!
//! Included with `#[path = "common/schemas.rs"] mod schemas;` by the tests that use it.

#![allow(dead_code)] // each test binary uses part of this module

use authmodel::{AuthModel, AuthSchema};
use chrono::{DateTime, Utc};
use uuid::Uuid;

/// The default user plus two fields of the application's own.
#[derive(Debug, Clone, PartialEq, AuthModel)]
#[auth(role = "user")]
pub struct ExtendedUser {
    /// A random UUID.
    pub id: Uuid,
    /// The display name.
    pub name: Option<String>,
    /// The email address.
    pub email: String,
    /// When the address was verified.
    pub email_verified: Option<DateTime<Utc>>,
    /// The picture's URL.
    pub image: Option<String>,
    /// The application's role for the user.
    #[auth(default = "user")]
    pub role: String,
    /// A phone number, looked up by the application.
    #[auth(max_len = 20, index)]
    pub phone: Option<String>,
}

/// The default models with [`ExtendedUser`] as the user.
#[derive(AuthSchema)]
#[auth(user = ExtendedUser)]
pub struct Extended;
