//! The layout of `@auth/pg-adapter`: `packages/adapter-pg/schema.sql` in the Auth.js
//! repository (also printed in its docs, `docs/pages/getting-started/adapters/pg.mdx`).
//!
//! Entry points: [`User`], [`Account`], [`Session`], [`VerificationToken`], [`PgAdapterAuth`], and
//! [`Authenticator`], a table the layout does not have.
//!
//! Dialect: PostgreSQL (the adapter runs on node-postgres). Tables `users`, `accounts`,
//! `sessions`, `verification_token` (singular); the OAuth columns in snake_case, the Auth.js
//! ones in quoted camelCase (`"userId"`, `"emailVerified"`, `"providerAccountId"`,
//! `"sessionToken"`).
//!
//! Encodings: `SERIAL` integer ids the database assigns (Auth.js sees them as strings: `"42"`);
//! `TIMESTAMPTZ` instants; `expires_at BIGINT` seconds; `VARCHAR(255)` columns as `max_len`.
//!
//! The models declare exactly the keys `schema.sql` creates (`exact_keys`, `no_foreign_key`):
//! the four primary keys and nothing else, so `authmodel check --schema pg-adapter` is clean on
//! the adapter's own tables and prints what the layout lacks as notes; `authmodel migrate
//! --recommended-indexes` adds the `"userId"` indexes, never a unique key or foreign key.
//!
//! What the layout lacks, and the adapter copes with: no foreign keys (`delete_user` deletes
//! the user's sessions and accounts itself), no unique keys (a second user with a taken email,
//! an account linked twice, or a session token stored twice is stored rather than refused:
//! the conformance suite's duplicate cases are skipped for it), and no authenticator table
//! (`#[auth(no_authenticator_table)]`: the WebAuthn operations need one the application adds,
//! such as [`Authenticator`]).

use chrono::{DateTime, Utc};

use crate::{AuthModel, AuthSchema};

/// `users (id SERIAL, name VARCHAR(255), email VARCHAR(255), "emailVerified" TIMESTAMPTZ,
/// image TEXT)`.
#[derive(Clone, PartialEq, AuthModel)]
#[auth(role = "user", table = "users", exact_keys, debug)]
pub struct User {
    /// `SERIAL`: assigned by the database.
    pub id: i32,
    /// The display name.
    #[auth(max_len = 255)]
    pub name: Option<String>,
    /// The email address (nullable, and not unique, in this layout).
    #[auth(max_len = 255)]
    pub email: Option<String>,
    /// When the address was verified.
    #[auth(column = "emailVerified")]
    pub email_verified: Option<DateTime<Utc>>,
    /// The profile picture's URL.
    pub image: Option<String>,
}

/// `accounts`, with the OAuth token columns in snake_case.
#[derive(Clone, PartialEq, AuthModel)]
#[auth(
    role = "account",
    table = "accounts",
    exact_keys,
    no_foreign_key,
    debug
)]
pub struct Account {
    /// `SERIAL`.
    pub id: i32,
    /// The user, `"userId" INTEGER`.
    #[auth(column = "userId")]
    pub user_id: i32,
    /// `type VARCHAR(255)`.
    #[auth(column = "type", max_len = 255)]
    pub kind: String,
    /// `provider VARCHAR(255)`.
    #[auth(max_len = 255)]
    pub provider: String,
    /// `"providerAccountId" VARCHAR(255)`.
    #[auth(column = "providerAccountId", max_len = 255)]
    pub provider_account_id: String,
    /// OAuth refresh token.
    pub refresh_token: Option<String>,
    /// OAuth access token.
    pub access_token: Option<String>,
    /// `expires_at BIGINT`, seconds.
    pub expires_at: Option<i64>,
    /// OIDC id token.
    pub id_token: Option<String>,
    /// Granted scopes.
    pub scope: Option<String>,
    /// OAuth session state.
    pub session_state: Option<String>,
    /// Token type.
    pub token_type: Option<String>,
}

/// `sessions (id SERIAL, "userId" INTEGER, expires TIMESTAMPTZ, "sessionToken" VARCHAR(255))`.
#[derive(Clone, PartialEq, AuthModel)]
#[auth(
    role = "session",
    table = "sessions",
    rename_all = "camelCase",
    exact_keys,
    no_foreign_key,
    debug
)]
pub struct Session {
    /// `SERIAL`.
    pub id: i32,
    /// The user.
    pub user_id: i32,
    /// When the session ends.
    pub expires: DateTime<Utc>,
    /// The cookie's value.
    #[auth(max_len = 255)]
    pub session_token: String,
}

/// `verification_token (identifier TEXT, expires TIMESTAMPTZ, token TEXT,
/// PRIMARY KEY (identifier, token))`.
#[derive(Clone, PartialEq, AuthModel)]
#[auth(
    role = "verification_token",
    table = "verification_token",
    exact_keys,
    debug
)]
pub struct VerificationToken {
    /// The email address.
    pub identifier: String,
    /// When the token expires.
    pub expires: DateTime<Utc>,
    /// The hashed token, as Auth.js gives it.
    pub token: String,
}

/// WebAuthn credentials, which `@auth/pg-adapter` has no table for: `authenticators`, in the
/// camelCase style of the other Auth.js layouts, for an application that adds it. [`PgAdapterAuth`]
/// says the table is not there; a schema of the application's own that names this model
/// without `no_authenticator_table` gets it created by the DDL.
#[derive(Clone, PartialEq, AuthModel)]
#[auth(
    role = "authenticator",
    table = "authenticators",
    rename_all = "camelCase",
    debug
)]
pub struct Authenticator {
    /// `"credentialID"`.
    #[auth(column = "credentialID", max_len = 255)]
    pub credential_id: String,
    /// The user.
    pub user_id: i32,
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

/// The `@auth/pg-adapter` layout, without an authenticator table.
#[derive(Debug, AuthSchema)]
#[auth(
    user = User,
    account = Account,
    session = Session,
    verification_token = VerificationToken,
    authenticator = Authenticator,
    no_authenticator_table
)]
pub struct PgAdapterAuth;

/// The former name of [`PgAdapterAuth`], which shared its name with the
/// [`Schema`](crate::Schema) trait.
#[deprecated(note = "renamed to `PgAdapterAuth`: `Schema` is also the name of the trait")]
pub type Schema = PgAdapterAuth;
