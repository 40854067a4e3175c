//! `@auth/drizzle-adapter` on PostgreSQL: the schema the Auth.js docs print
//! (`docs/pages/getting-started/adapters/drizzle.mdx`), as drizzle-kit 0.31 creates it
//! (`tests/interop/layouts/drizzle/pg.sql`, written by drizzle-kit itself).
//!
//! The docs write the PostgreSQL tables' extras as `[{ compoundKey: primaryKey(...) }]`, an
//! object inside the array, which drizzle-kit does not read as a key: `account`,
//! `verificationToken` and `authenticator` get no primary key at all. The models say exactly
//! that (`exact_keys`, `no_primary_key`): `authmodel check --schema drizzle-pg` is clean on
//! drizzle-kit's tables and notes the keys the layout lacks; the contract finds those rows by
//! their natural keys all the same, and a second link of one provider account, or a token
//! stored twice, is stored rather than refused.
//!
//! Entry points: [`User`], [`Account`], [`Session`], [`VerificationToken`], [`Authenticator`]
//! and [`DrizzlePgAuth`].
//!
//! Dialect: PostgreSQL. Encodings: every string is `text`; ids are text UUIDs;
//! `emailVerified` and `expires` are `timestamp` without time zone (`{ mode: "date" }`), which
//! Drizzle writes and reads as UTC and so does the adapter (its sessions run in UTC);
//! `expires_at` and `counter` are `integer` (32 bits); `credentialBackedUp` is `boolean`.

use chrono::{DateTime, Utc};

use crate::{AuthModel, AuthSchema};

/// `user (id text PRIMARY KEY, name text, email text UNIQUE, "emailVerified" timestamp,
/// image text)`.
#[derive(Clone, PartialEq, AuthModel)]
#[auth(
    role = "user",
    table = "user",
    rename_all = "camelCase",
    key_names = "drizzle",
    exact_keys,
    debug
)]
pub struct User {
    /// Text; a random UUID, as the adapter's `crypto.randomUUID()` default.
    #[auth(id = "uuid_v4")]
    pub id: String,
    /// The display name.
    pub name: Option<String>,
    /// The email address: nullable, unique (`user_email_unique`).
    #[auth(unique)]
    pub email: Option<String>,
    /// When the address was verified.
    pub email_verified: Option<DateTime<Utc>>,
    /// The profile picture's URL.
    pub image: Option<String>,
}

/// `account`: no primary key and no unique key (see the module's documentation); found by
/// (`provider`, `providerAccountId`).
#[derive(Clone, PartialEq, AuthModel)]
#[auth(
    role = "account",
    table = "account",
    key_names = "drizzle",
    exact_keys,
    no_primary_key,
    debug
)]
pub struct Account {
    /// The user, `"userId"`.
    #[auth(column = "userId")]
    pub user_id: String,
    /// `type`.
    #[auth(column = "type")]
    pub kind: String,
    /// The provider.
    pub provider: String,
    /// The account's id at the provider, `"providerAccountId"`.
    #[auth(column = "providerAccountId")]
    pub provider_account_id: String,
    /// OAuth refresh token.
    pub refresh_token: Option<String>,
    /// OAuth access token.
    pub access_token: Option<String>,
    /// `expires_at integer`, seconds.
    pub expires_at: Option<i32>,
    /// Token type.
    pub token_type: Option<String>,
    /// Granted scopes.
    pub scope: Option<String>,
    /// OIDC id token.
    pub id_token: Option<String>,
    /// OAuth session state.
    pub session_state: Option<String>,
}

/// `session ("sessionToken" text PRIMARY KEY, "userId" text, expires timestamp)`.
#[derive(Clone, PartialEq, AuthModel)]
#[auth(
    role = "session",
    table = "session",
    rename_all = "camelCase",
    key_names = "drizzle",
    exact_keys,
    debug
)]
pub struct Session {
    /// The cookie's value.
    pub session_token: String,
    /// The user.
    pub user_id: String,
    /// When the session ends.
    pub expires: DateTime<Utc>,
}

/// `"verificationToken"`: no primary key and no unique key; found by (`identifier`, `token`).
#[derive(Clone, PartialEq, AuthModel)]
#[auth(
    role = "verification_token",
    table = "verificationToken",
    key_names = "drizzle",
    exact_keys,
    no_primary_key,
    debug
)]
pub struct VerificationToken {
    /// The email address.
    pub identifier: String,
    /// The hashed token, as Auth.js gives it.
    pub token: String,
    /// When the token expires.
    pub expires: DateTime<Utc>,
}

/// `authenticator`: WebAuthn credentials; no primary key, `"credentialID"` unique.
#[derive(Clone, PartialEq, AuthModel)]
#[auth(
    role = "authenticator",
    table = "authenticator",
    rename_all = "camelCase",
    key_names = "drizzle",
    exact_keys,
    no_primary_key,
    debug
)]
pub struct Authenticator {
    /// `"credentialID"`, unique (`authenticator_credentialID_unique`).
    #[auth(column = "credentialID", unique)]
    pub credential_id: String,
    /// The user.
    pub user_id: String,
    /// The WebAuthn account.
    pub provider_account_id: String,
    /// The public key.
    pub credential_public_key: String,
    /// The signature counter.
    pub counter: i32,
    /// The device type.
    pub credential_device_type: String,
    /// Whether the credential is backed up.
    pub credential_backed_up: bool,
    /// The transports.
    pub transports: Option<String>,
}

/// The `@auth/drizzle-adapter` layout on PostgreSQL.
#[derive(Debug, AuthSchema)]
#[auth(
    user = User,
    account = Account,
    session = Session,
    verification_token = VerificationToken,
    authenticator = Authenticator
)]
pub struct DrizzlePgAuth;

/// The former name of [`DrizzlePgAuth`], which shared its name with the
/// [`Schema`](crate::Schema) trait.
#[deprecated(note = "renamed to `DrizzlePgAuth`: `Schema` is also the name of the trait")]
pub type Schema = DrizzlePgAuth;
