//! The docs' Prisma schema for SQLite as Prisma 6 and older write it (and Prisma 7's SQLite
//! adapters with `timestampFormat: "unixepoch-ms"`): the layout of [`super::sqlite`], every
//! `DateTime` an integer count of milliseconds since the epoch in a `DATETIME` column
//! (`#[auth(epoch_ms)]`).
//!
//! Entry points: [`User`], [`Account`], [`Session`], [`VerificationToken`],
//! [`Authenticator`] (the PostgreSQL one: it has no instants) and [`PrismaEpochMsAuth`].
//!
//! Rows another client stored as text read as well: ISO 8601 (`...Z`, `...+00:00`) and
//! `2026-11-27 10:11:12`, what the column default `CURRENT_TIMESTAMP` stores in `createdAt`.
//! Ids as in [`super::sqlite`]: cuids from Prisma, a random UUID's text for rows created here.

use chrono::{DateTime, Utc};

use crate::{AuthModel, AuthSchema};

/// `model User { id String @id @default(cuid()); name String?; email String? @unique;
/// emailVerified DateTime?; image String?; createdAt ...; updatedAt ... }`.
#[derive(Clone, PartialEq, AuthModel)]
#[auth(
    role = "user",
    table = "User",
    rename_all = "camelCase",
    unique(email),
    exact_keys,
    debug
)]
pub struct User {
    /// Text; a random UUID for users created here.
    #[auth(id = "uuid_v4")]
    pub id: String,
    /// The display name.
    pub name: Option<String>,
    /// The email address: optional, unique (`User_email_key`).
    pub email: Option<String>,
    /// When the address was verified.
    #[auth(epoch_ms)]
    pub email_verified: Option<DateTime<Utc>>,
    /// The profile picture's URL.
    pub image: Option<String>,
    /// Set by the adapter.
    #[auth(created_at, epoch_ms)]
    pub created_at: DateTime<Utc>,
    /// Set by the adapter.
    #[auth(updated_at, epoch_ms)]
    pub updated_at: DateTime<Utc>,
}

/// `model Account { id String @id @default(cuid()); ...; @@unique([provider,
/// providerAccountId]) }`.
#[derive(Clone, PartialEq, AuthModel)]
#[auth(
    role = "account",
    table = "Account",
    unique(provider, provider_account_id),
    exact_keys,
    debug
)]
pub struct Account {
    /// Text; a random UUID for accounts linked here.
    #[auth(id = "uuid_v4")]
    pub id: String,
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
    /// `expires_at Int?`, seconds.
    pub expires_at: Option<i32>,
    /// Token type.
    pub token_type: Option<String>,
    /// Granted scopes.
    pub scope: Option<String>,
    /// OIDC id token.
    pub id_token: Option<String>,
    /// OAuth session state.
    pub session_state: Option<String>,
    /// `"createdAt"`, set by the adapter.
    #[auth(created_at, epoch_ms, column = "createdAt")]
    pub created_at: DateTime<Utc>,
    /// `"updatedAt"`, set by the adapter.
    #[auth(updated_at, epoch_ms, column = "updatedAt")]
    pub updated_at: DateTime<Utc>,
}

/// `model Session { id String @id @default(cuid()); sessionToken String @unique; userId
/// String; expires DateTime; createdAt ...; updatedAt ... }`.
#[derive(Clone, PartialEq, AuthModel)]
#[auth(
    role = "session",
    table = "Session",
    rename_all = "camelCase",
    unique(session_token),
    exact_keys,
    debug
)]
pub struct Session {
    /// Text; a random UUID for sessions created here.
    #[auth(id = "uuid_v4")]
    pub id: String,
    /// The cookie's value, unique (`Session_sessionToken_key`).
    pub session_token: String,
    /// The user.
    pub user_id: String,
    /// When the session ends.
    #[auth(epoch_ms)]
    pub expires: DateTime<Utc>,
    /// Set by the adapter.
    #[auth(created_at, epoch_ms)]
    pub created_at: DateTime<Utc>,
    /// Set by the adapter.
    #[auth(updated_at, epoch_ms)]
    pub updated_at: DateTime<Utc>,
}

/// `model VerificationToken { identifier String; token String; expires DateTime;
/// @@unique([identifier, token]) }`: no primary key.
#[derive(Clone, PartialEq, AuthModel)]
#[auth(
    role = "verification_token",
    table = "VerificationToken",
    no_primary_key,
    unique(identifier, token),
    exact_keys,
    debug
)]
pub struct VerificationToken {
    /// The email address.
    pub identifier: String,
    /// The hashed token, as Auth.js gives it.
    pub token: String,
    /// When the token expires.
    #[auth(epoch_ms)]
    pub expires: DateTime<Utc>,
}

/// The same model as PostgreSQL's: [`super::Authenticator`].
pub use super::Authenticator;

/// The docs' Prisma schema for SQLite, instants as integer milliseconds (Prisma 6 and older).
#[derive(Debug, AuthSchema)]
#[auth(
    user = User,
    account = Account,
    session = Session,
    verification_token = VerificationToken,
    authenticator = Authenticator
)]
pub struct PrismaEpochMsAuth;

/// The former name of [`PrismaEpochMsAuth`], which shared its name with the
/// [`Schema`](crate::Schema) trait.
#[deprecated(note = "renamed to `PrismaEpochMsAuth`: `Schema` is also the name of the trait")]
pub type Schema = PrismaEpochMsAuth;
