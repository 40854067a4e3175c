//! `@auth/drizzle-adapter` on MySQL and MariaDB: the schema the Auth.js docs print
//! (`docs/pages/getting-started/adapters/drizzle.mdx`), as drizzle-kit 0.31 creates it
//! (`tests/interop/layouts/drizzle/mysql.sql`, written by drizzle-kit itself). The models
//! declare exactly its keys (`exact_keys`): composite primary keys on `account`,
//! `verificationToken` and `authenticator` (`authenticator_userId_credentialID_pk`, with
//! `credentialID` unique), the unique email, the cascading foreign keys, and no `userId`
//! index, which `authmodel check` notes and `migrate --recommended-indexes` adds.
//!
//! Entry points: [`User`], [`Account`], [`Session`], [`VerificationToken`], [`Authenticator`]
//! and [`DrizzleMySqlAuth`].
//!
//! Dialect: MySQL, MariaDB. Encodings: every string is `varchar(255)` (`max_len`: longer
//! values are refused) but `id_token`, `varchar(2048)`; ids are text UUIDs; `emailVerified` is
//! `timestamp(3)` and every `expires` a `timestamp` of whole seconds, both converted by the
//! server in the session's time zone, `+00:00` (so they hold UTC, as Drizzle's `mode: "date"`
//! columns do) and ending in January 2038; `expires_at` and `counter` are `int`;
//! `credentialBackedUp` is `boolean` (`tinyint(1)`).
//!
//! The `expires` columns keep no milliseconds: an expiry with some is stored rounded or cut
//! to the second by the server (Auth.js's own expiries are whole seconds), so the conformance
//! suite's millisecond case does not hold on this layout.

use chrono::{DateTime, Utc};

use crate::{AuthModel, AuthSchema};

/// `user (id varchar(255) PRIMARY KEY, name varchar(255), email varchar(255) UNIQUE,
/// emailVerified timestamp(3), image varchar(255))`.
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
    #[auth(id = "uuid_v4", max_len = 255)]
    pub id: String,
    /// The display name.
    #[auth(max_len = 255)]
    pub name: Option<String>,
    /// The email address: nullable, unique (`user_email_unique`).
    #[auth(max_len = 255, unique)]
    pub email: Option<String>,
    /// When the address was verified.
    pub email_verified: Option<DateTime<Utc>>,
    /// The profile picture's URL.
    #[auth(max_len = 255)]
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
    /// The user, `userId`.
    #[auth(column = "userId", max_len = 255)]
    pub user_id: String,
    /// `type`.
    #[auth(column = "type", max_len = 255)]
    pub kind: String,
    /// The provider.
    #[auth(max_len = 255)]
    pub provider: String,
    /// The account's id at the provider, `providerAccountId`.
    #[auth(column = "providerAccountId", max_len = 255)]
    pub provider_account_id: String,
    /// OAuth refresh token.
    #[auth(max_len = 255)]
    pub refresh_token: Option<String>,
    /// OAuth access token.
    #[auth(max_len = 255)]
    pub access_token: Option<String>,
    /// `expires_at int`, seconds.
    pub expires_at: Option<i32>,
    /// Token type.
    #[auth(max_len = 255)]
    pub token_type: Option<String>,
    /// Granted scopes.
    #[auth(max_len = 255)]
    pub scope: Option<String>,
    /// OIDC id token, `varchar(2048)`.
    #[auth(max_len = 2048)]
    pub id_token: Option<String>,
    /// OAuth session state.
    #[auth(max_len = 255)]
    pub session_state: Option<String>,
}

/// `session (sessionToken varchar(255) PRIMARY KEY, userId varchar(255), expires timestamp)`.
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
    #[auth(max_len = 255)]
    pub session_token: String,
    /// The user.
    #[auth(max_len = 255)]
    pub user_id: String,
    /// When the session ends.
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
    #[auth(max_len = 255)]
    pub identifier: String,
    /// The hashed token, as Auth.js gives it.
    #[auth(max_len = 255)]
    pub token: String,
    /// When the token expires.
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
    /// `credentialID`, unique (`authenticator_credentialID_unique`).
    #[auth(column = "credentialID", max_len = 255, unique)]
    pub credential_id: String,
    /// The user.
    #[auth(max_len = 255)]
    pub user_id: String,
    /// The WebAuthn account.
    #[auth(max_len = 255)]
    pub provider_account_id: String,
    /// The public key.
    #[auth(max_len = 255)]
    pub credential_public_key: String,
    /// The signature counter.
    pub counter: i32,
    /// The device type.
    #[auth(max_len = 255)]
    pub credential_device_type: String,
    /// Whether the credential is backed up.
    pub credential_backed_up: bool,
    /// The transports.
    #[auth(max_len = 255)]
    pub transports: Option<String>,
}

/// The `@auth/drizzle-adapter` layout on MySQL and MariaDB.
#[derive(Debug, AuthSchema)]
#[auth(
    user = User,
    account = Account,
    session = Session,
    verification_token = VerificationToken,
    authenticator = Authenticator
)]
pub struct DrizzleMySqlAuth;

/// The former name of [`DrizzleMySqlAuth`], which shared its name with the
/// [`Schema`](crate::Schema) trait.
#[deprecated(note = "renamed to `DrizzleMySqlAuth`: `Schema` is also the name of the trait")]
pub type Schema = DrizzleMySqlAuth;
