//! The docs' Prisma schema for SQLite (`provider = "sqlite"`), as Prisma 7 writes it: every
//! `DateTime` ISO 8601 text.
//!
//! Entry points: [`User`], [`Account`], [`Session`], [`VerificationToken`], [`Authenticator`]
//! and [`PrismaSqliteAuth`].
//!
//! How it differs from the PostgreSQL schema ([`super`]): `Account` and `Session` have a text
//! `id` primary key (`@default(cuid())`), `Account` a unique (`provider`,
//! `providerAccountId`) (`Account_provider_providerAccountId_key`), `User.email` is optional,
//! and `VerificationToken` has no primary key, only a unique (`identifier`, `token`)
//! (`VerificationToken_identifier_token_key`). The rest is the same: `createdAt`/`updatedAt`
//! stamps on `User`, `Account` and `Session`, `Authenticator` keyed by (`userId`,
//! `credentialID`) with a unique `credentialID`, foreign keys that cascade on delete, no
//! index on `userId` (`exact_keys`).
//!
//! Ids: Prisma's client generates cuids; rows created here get a random UUID's text
//! (`id = "uuid_v4"`), which Prisma reads as any other string.
//!
//! Instants: Prisma 7's SQLite driver adapters (`@prisma/adapter-better-sqlite3`,
//! `@prisma/adapter-libsql`) write a `DateTime` as text with an explicit offset,
//! `2026-11-27T10:11:12.345+00:00`; this crate writes `2026-11-27T10:11:12.345Z`, which Prisma
//! reads as the same instant. Both read here, and so does `2026-11-27 10:11:12`, what the
//! column default `CURRENT_TIMESTAMP` stores in `createdAt` when a row is inserted without
//! one. Prisma 6 and older wrote integer milliseconds: use [`super::epoch_ms`] there.

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
    pub email_verified: Option<DateTime<Utc>>,
    /// The profile picture's URL.
    pub image: Option<String>,
    /// Set by the adapter.
    #[auth(created_at)]
    pub created_at: DateTime<Utc>,
    /// Set by the adapter.
    #[auth(updated_at)]
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
    #[auth(created_at, column = "createdAt")]
    pub created_at: DateTime<Utc>,
    /// `"updatedAt"`, set by the adapter.
    #[auth(updated_at, column = "updatedAt")]
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
    pub expires: DateTime<Utc>,
    /// Set by the adapter.
    #[auth(created_at)]
    pub created_at: DateTime<Utc>,
    /// Set by the adapter.
    #[auth(updated_at)]
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
    pub expires: DateTime<Utc>,
}

/// The same model as PostgreSQL's: [`super::Authenticator`].
pub use super::Authenticator;

/// The docs' Prisma schema for SQLite, instants as ISO 8601 text (Prisma 7).
#[derive(Debug, AuthSchema)]
#[auth(
    user = User,
    account = Account,
    session = Session,
    verification_token = VerificationToken,
    authenticator = Authenticator
)]
pub struct PrismaSqliteAuth;
