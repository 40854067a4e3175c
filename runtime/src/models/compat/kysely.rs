//! The layout of `@auth/kysely-adapter`: the migration its docs publish
//! (`docs/pages/getting-started/adapters/kysely.mdx` in the Auth.js repository), compiled by
//! Kysely's own schema builder for each dialect (`tests/interop/layouts/kysely/`), in the types
//! its own test (`packages/adapter-kysely/test/index.test.ts`) gives MySQL and SQLite.
//!
//! Entry points: [`User`], [`Account`], [`Session`], [`VerificationToken`] and [`KyselyAuth`].
//!
//! Dialects: PostgreSQL, MySQL/MariaDB and SQLite. Tables `"User"`, `"Account"`, `"Session"`,
//! `"VerificationToken"`; camelCase columns, the OAuth ones in snake_case.
//!
//! Ids are UUIDs (`uuid` on PostgreSQL, `varchar(36)` text on MySQL, text on SQLite). The
//! adapter generates the user's (`crypto.randomUUID()`) but inserts accounts and sessions
//! without one, leaving it to the column's default: `gen_random_uuid()` on PostgreSQL,
//! `UUID()` on MySQL, and on SQLite, which has neither, nothing — those rows hold a `NULL`
//! id. So the account and session ids are `Option<Uuid>`: a row the adapter wrote on SQLite
//! reads as `None`, and the contract finds it by its natural key as any other. Rows created
//! here get a random UUID; the DDL written here gives the columns a database default on every
//! dialect (`#[auth(id, db_default)]`), so the adapter can insert into tables authmodel
//! created.
//!
//! Keys, exactly the migration's (`exact_keys`): the `id` primary keys (nullable on SQLite,
//! as there), the unique email, session token and verification token, the cascading
//! `"userId"` foreign keys and the indexes `Account_userId_index` and `Session_userId_index`.
//! `VerificationToken` has no primary key (`no_primary_key`).
//!
//! Encodings: instants are
//! `timestamptz` on PostgreSQL, `DATETIME(3)` in UTC on MySQL and ISO 8601 text on SQLite
//! (`2024-01-02T03:04:05.678Z`, what the adapter's `format.to` writes); `expires_at` is
//! `bigint` seconds; strings are `text` (`varchar(255)` on MySQL).
//!
//! What the layout lacks: no unique key on (`provider`, `providerAccountId`), so an account
//! linked twice is stored twice (the conformance suite's duplicate-account case is skipped
//! for it), and no authenticator table (`#[auth(no_authenticator_table)]`; the WebAuthn
//! operations need one the application adds). A user's accounts and sessions go with it
//! through the foreign keys, which cascade.

use chrono::{DateTime, Utc};
use uuid::Uuid;

use crate::{AuthModel, AuthSchema};

/// `"User" (id uuid PRIMARY KEY, name text, email text UNIQUE NOT NULL, "emailVerified"
/// timestamptz, image text)`.
#[derive(Clone, PartialEq, AuthModel)]
#[auth(
    role = "user",
    table = "User",
    rename_all = "camelCase",
    exact_keys,
    debug
)]
pub struct User {
    /// A random UUID (the adapter writes one too; the column's `gen_random_uuid()` default
    /// serves other clients).
    #[auth(id, db_default)]
    pub id: Uuid,
    /// The display name.
    pub name: Option<String>,
    /// The email address, unique (`User_email_key`).
    #[auth(unique)]
    pub email: String,
    /// When the address was verified.
    pub email_verified: Option<DateTime<Utc>>,
    /// The profile picture's URL.
    pub image: Option<String>,
}

/// `"Account"`, with a surrogate UUID id the database generates for the adapter.
#[derive(Clone, PartialEq, AuthModel)]
#[auth(
    role = "account",
    table = "Account",
    primary_key(id),
    index(user_id, name = "Account_userId_index"),
    exact_keys,
    debug
)]
pub struct Account {
    /// A UUID: `None` for a row the adapter wrote on SQLite, where the column has no default.
    #[auth(id, db_default)]
    pub id: Option<Uuid>,
    /// The user, `"userId"`.
    #[auth(column = "userId")]
    pub user_id: Uuid,
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
    /// `expires_at bigint`, seconds.
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

/// `"Session" (id uuid PRIMARY KEY, "userId" uuid, "sessionToken" text UNIQUE, expires
/// timestamptz)`.
#[derive(Clone, PartialEq, AuthModel)]
#[auth(
    role = "session",
    table = "Session",
    rename_all = "camelCase",
    primary_key(id),
    index(user_id, name = "Session_userId_index"),
    exact_keys,
    debug
)]
pub struct Session {
    /// A UUID: `None` for a row the adapter wrote on SQLite, where the column has no default.
    #[auth(id, db_default)]
    pub id: Option<Uuid>,
    /// The user.
    pub user_id: Uuid,
    /// The cookie's value, unique (`Session_sessionToken_key`).
    #[auth(unique)]
    pub session_token: String,
    /// When the session ends.
    pub expires: DateTime<Utc>,
}

/// `"VerificationToken" (identifier text, token text UNIQUE, expires timestamptz)`: no
/// primary key.
#[derive(Clone, PartialEq, AuthModel)]
#[auth(
    role = "verification_token",
    table = "VerificationToken",
    exact_keys,
    no_primary_key,
    debug
)]
pub struct VerificationToken {
    /// The email address.
    pub identifier: String,
    /// The hashed token, as Auth.js gives it; unique (`VerificationToken_token_key`).
    #[auth(unique)]
    pub token: String,
    /// When the token expires.
    pub expires: DateTime<Utc>,
}

/// The `@auth/kysely-adapter` layout, without an authenticator table.
#[derive(Debug, AuthSchema)]
#[auth(
    user = User,
    account = Account,
    session = Session,
    verification_token = VerificationToken,
    no_authenticator_table
)]
pub struct KyselyAuth;

/// The former name of [`KyselyAuth`], which shared its name with the
/// [`Schema`](crate::Schema) trait.
#[deprecated(note = "renamed to `KyselyAuth`: `Schema` is also the name of the trait")]
pub type Schema = KyselyAuth;
