//! `@auth/drizzle-adapter` on SQLite: the schema the Auth.js docs print
//! (`docs/pages/getting-started/adapters/drizzle.mdx`), as drizzle-kit 0.31 creates it
//! (`tests/interop/layouts/drizzle/sqlite.sql`, written by drizzle-kit itself). The models
//! declare exactly its keys (`exact_keys`): composite primary keys on `account`,
//! `verificationToken` and `authenticator` (with `credentialID` unique), the unique email, the
//! cascading foreign keys, and no `userId` index, which `authmodel check` notes and
//! `migrate --recommended-indexes` adds.
//!
//! Entry points: [`User`], [`Account`], [`Session`], [`VerificationToken`], [`Authenticator`]
//! and [`DrizzleSqliteAuth`].
//!
//! Dialect: SQLite. Encodings: every string is `text`; ids are text UUIDs; `emailVerified`
//! and `expires` are `integer({ mode: "timestamp_ms" })`, milliseconds since the epoch
//! (`#[auth(epoch_ms)]`); `expires_at` and `counter` are `integer`; `credentialBackedUp` is
//! `integer({ mode: "boolean" })`, 0 or 1 as every boolean here.

use chrono::{DateTime, Utc};

use crate::{AuthModel, AuthSchema};

/// `user (id text PRIMARY KEY, name text, email text UNIQUE, emailVerified integer,
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
    /// When the address was verified, in milliseconds.
    #[auth(epoch_ms)]
    pub email_verified: Option<DateTime<Utc>>,
    /// The profile picture's URL.
    pub image: Option<String>,
}

/// `account`, keyed by (`provider`, `providerAccountId`) (`account_provider_providerAccountId_pk`).
#[derive(Clone, PartialEq, AuthModel)]
#[auth(
    role = "account",
    table = "account",
    key_names = "drizzle",
    exact_keys,
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
    pub expires_at: Option<i64>,
    /// Token type.
    pub token_type: Option<String>,
    /// Granted scopes.
    pub scope: Option<String>,
    /// OIDC id token.
    pub id_token: Option<String>,
    /// OAuth session state.
    pub session_state: Option<String>,
}

/// `session (sessionToken text PRIMARY KEY, userId text, expires integer)`.
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
    /// When the session ends, in milliseconds.
    #[auth(epoch_ms)]
    pub expires: DateTime<Utc>,
}

/// `verificationToken`, keyed by (`identifier`, `token`).
#[derive(Clone, PartialEq, AuthModel)]
#[auth(
    role = "verification_token",
    table = "verificationToken",
    key_names = "drizzle",
    exact_keys,
    debug
)]
pub struct VerificationToken {
    /// The email address.
    pub identifier: String,
    /// The hashed token, as Auth.js gives it.
    pub token: String,
    /// When the token expires, in milliseconds.
    #[auth(epoch_ms)]
    pub expires: DateTime<Utc>,
}

/// `authenticator`: WebAuthn credentials.
#[derive(Clone, PartialEq, AuthModel)]
#[auth(
    role = "authenticator",
    primary_key(user_id, credential_id),
    table = "authenticator",
    rename_all = "camelCase",
    key_names = "drizzle",
    exact_keys,
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
    pub counter: i64,
    /// The device type.
    pub credential_device_type: String,
    /// Whether the credential is backed up.
    pub credential_backed_up: bool,
    /// The transports.
    pub transports: Option<String>,
}

/// The `@auth/drizzle-adapter` layout on SQLite.
#[derive(Debug, AuthSchema)]
#[auth(
    user = User,
    account = Account,
    session = Session,
    verification_token = VerificationToken,
    authenticator = Authenticator
)]
pub struct DrizzleSqliteAuth;

/// The former name of [`DrizzleSqliteAuth`], which shared its name with the
/// [`Schema`](crate::Schema) trait.
#[deprecated(note = "renamed to `DrizzleSqliteAuth`: `Schema` is also the name of the trait")]
pub type Schema = DrizzleSqliteAuth;
