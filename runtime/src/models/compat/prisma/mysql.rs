//! The docs' Prisma schema for MySQL and MariaDB (`provider = "mysql"`), as `prisma migrate`
//! creates it.
//!
//! Entry points: [`User`], [`Account`], [`Session`], [`VerificationToken`], [`Authenticator`]
//! and [`PrismaMySqlAuth`].
//!
//! The docs print a layout of its own for MySQL, and this is it as printed:
//! - `User` has a `username String? @unique` beside an optional, unique `email`;
//! - `Account` and `Session` have a text `id` primary key (`@default(cuid())`);
//! - `Account.userId` is **unique**: a user has at most one account, and linking a second one
//!   fails with a conflict on `Account_userId_key`, in Prisma's app as here. `Account` also
//!   has `refresh_token_expires_in Int?`, a unique (`provider`, `providerAccountId`) and an
//!   index `Account_userId_idx`; `Session` an index `Session_userId_idx`;
//! - the foreign keys of `Account` and `Session` do **not** cascade: the relations declare no
//!   `onDelete`, and Prisma's default for a required relation is `ON DELETE RESTRICT`
//!   (`on_delete = "restrict"` here). Deleting a user who still has an account or a session
//!   fails, in the Next.js app (`deleteUser`) as here
//!   ([`Adapter::delete_user`](crate::Adapter::delete_user) returns the database's error):
//!   unlink the accounts and delete the sessions first. Authenticators cascade;
//! - `VerificationToken` has no primary key, only a unique (`identifier`, `token`).
//!
//! `createdAt`/`updatedAt` are stamps on `User`, `Account` and `Session`, as in every Prisma
//! layout. Encodings, as the migration has them: `String` is `VARCHAR(191)` (`max_len = 191`:
//! longer values are refused, not cut), but the three OAuth tokens, `@db.Text`, are `TEXT`;
//! `DateTime` is `DATETIME(3)` holding UTC; `Int` is `INTEGER`, `Boolean` `BOOLEAN`.
//!
//! Ids: Prisma's client generates cuids; rows created here get a random UUID's text
//! (`id = "uuid_v4"`), which Prisma reads as any other string.

use chrono::{DateTime, Utc};

use crate::{AuthModel, AuthSchema};

/// `model User { id String @id @default(cuid()); name String?; username String? @unique;
/// email String? @unique; emailVerified DateTime?; image String?; createdAt ...; updatedAt
/// ... }`.
#[derive(Clone, PartialEq, AuthModel)]
#[auth(
    role = "user",
    table = "User",
    rename_all = "camelCase",
    unique(username),
    unique(email),
    exact_keys,
    debug
)]
pub struct User {
    /// Text; a random UUID for users created here.
    #[auth(id = "uuid_v4", max_len = 191)]
    pub id: String,
    /// The display name.
    #[auth(max_len = 191)]
    pub name: Option<String>,
    /// The user name, unique (`User_username_key`); not part of the Auth.js contract.
    #[auth(max_len = 191)]
    pub username: Option<String>,
    /// The email address: optional, unique (`User_email_key`).
    #[auth(max_len = 191)]
    pub email: Option<String>,
    /// When the address was verified.
    pub email_verified: Option<DateTime<Utc>>,
    /// The profile picture's URL.
    #[auth(max_len = 191)]
    pub image: Option<String>,
    /// Set by the adapter.
    #[auth(created_at)]
    pub created_at: DateTime<Utc>,
    /// Set by the adapter.
    #[auth(updated_at)]
    pub updated_at: DateTime<Utc>,
}

/// `model Account { id String @id @default(cuid()); userId String @unique; ...;
/// refresh_token_expires_in Int?; @@unique([provider, providerAccountId]); @@index([userId])
/// }`, its foreign key `ON DELETE RESTRICT`.
#[derive(Clone, PartialEq, AuthModel)]
#[auth(
    role = "account",
    table = "Account",
    unique(user_id),
    index(user_id),
    unique(provider, provider_account_id),
    exact_keys,
    on_delete = "restrict",
    debug
)]
pub struct Account {
    /// Text; a random UUID for accounts linked here.
    #[auth(id = "uuid_v4", max_len = 191)]
    pub id: String,
    /// The user, `"userId"`: unique (`Account_userId_key`), one account per user.
    #[auth(column = "userId", max_len = 191)]
    pub user_id: String,
    /// `type`.
    #[auth(column = "type", max_len = 191)]
    pub kind: String,
    /// The provider.
    #[auth(max_len = 191)]
    pub provider: String,
    /// The account's id at the provider, `"providerAccountId"`.
    #[auth(column = "providerAccountId", max_len = 191)]
    pub provider_account_id: String,
    /// OAuth refresh token, `TEXT`.
    pub refresh_token: Option<String>,
    /// OAuth access token, `TEXT`.
    pub access_token: Option<String>,
    /// `expires_at Int?`, seconds.
    pub expires_at: Option<i32>,
    /// Token type.
    #[auth(max_len = 191)]
    pub token_type: Option<String>,
    /// Granted scopes.
    #[auth(max_len = 191)]
    pub scope: Option<String>,
    /// OIDC id token, `TEXT`.
    pub id_token: Option<String>,
    /// OAuth session state.
    #[auth(max_len = 191)]
    pub session_state: Option<String>,
    /// `refresh_token_expires_in Int?`: seconds, as some providers (GitHub apps) send it.
    pub refresh_token_expires_in: Option<i32>,
    /// `"createdAt"`, set by the adapter.
    #[auth(created_at, column = "createdAt")]
    pub created_at: DateTime<Utc>,
    /// `"updatedAt"`, set by the adapter.
    #[auth(updated_at, column = "updatedAt")]
    pub updated_at: DateTime<Utc>,
}

/// `model Session { id String @id @default(cuid()); sessionToken String @unique; userId
/// String; expires DateTime; ...; @@index([userId]) }`, its foreign key `ON DELETE RESTRICT`.
#[derive(Clone, PartialEq, AuthModel)]
#[auth(
    role = "session",
    table = "Session",
    rename_all = "camelCase",
    unique(session_token),
    index(user_id),
    exact_keys,
    on_delete = "restrict",
    debug
)]
pub struct Session {
    /// Text; a random UUID for sessions created here.
    #[auth(id = "uuid_v4", max_len = 191)]
    pub id: String,
    /// The cookie's value, unique (`Session_sessionToken_key`).
    #[auth(max_len = 191)]
    pub session_token: String,
    /// The user.
    #[auth(max_len = 191)]
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
    #[auth(max_len = 191)]
    pub identifier: String,
    /// The hashed token, as Auth.js gives it.
    #[auth(max_len = 191)]
    pub token: String,
    /// When the token expires.
    pub expires: DateTime<Utc>,
}

/// `model Authenticator { ... @@id([userId, credentialID]) }`, every string `VARCHAR(191)`;
/// its foreign key cascades (`onDelete: Cascade`).
#[derive(Clone, PartialEq, AuthModel)]
#[auth(
    role = "authenticator",
    table = "Authenticator",
    rename_all = "camelCase",
    primary_key(user_id, credential_id),
    unique(credential_id),
    exact_keys,
    debug
)]
pub struct Authenticator {
    /// `"credentialID"`, unique (`Authenticator_credentialID_key`).
    #[auth(column = "credentialID", max_len = 191)]
    pub credential_id: String,
    /// The user.
    #[auth(max_len = 191)]
    pub user_id: String,
    /// The WebAuthn account.
    #[auth(max_len = 191)]
    pub provider_account_id: String,
    /// The public key.
    #[auth(max_len = 191)]
    pub credential_public_key: String,
    /// The signature counter.
    pub counter: i32,
    /// The device type.
    #[auth(max_len = 191)]
    pub credential_device_type: String,
    /// Whether the credential is backed up.
    pub credential_backed_up: bool,
    /// The transports.
    #[auth(max_len = 191)]
    pub transports: Option<String>,
}

/// The docs' Prisma schema for MySQL and MariaDB.
#[derive(Debug, AuthSchema)]
#[auth(
    user = User,
    account = Account,
    session = Session,
    verification_token = VerificationToken,
    authenticator = Authenticator
)]
pub struct PrismaMySqlAuth;
