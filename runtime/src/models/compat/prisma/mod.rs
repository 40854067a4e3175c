//! The layouts of `@auth/prisma-adapter`: the Prisma schema exactly as the Auth.js docs print
//! it (`docs/pages/getting-started/adapters/prisma.mdx`), one model set per dialect the docs
//! print it for, as `prisma migrate` creates the tables.
//!
//! Which one to pick — the one whose `datasource db { provider = ... }` the Next.js app's
//! `schema.prisma` declares:
//!
//! | the app's provider | schema type | module |
//! |---|---|---|
//! | `"postgresql"` | [`PrismaAuth`] | this one |
//! | `"sqlite"` (Prisma 7, the default ISO text dates) | [`PrismaSqliteAuth`](sqlite::PrismaSqliteAuth) | [`sqlite`] |
//! | `"sqlite"` (Prisma 6 and older: integer dates) | [`PrismaEpochMsAuth`](epoch_ms::PrismaEpochMsAuth) | [`epoch_ms`] |
//! | `"mysql"` (MySQL, MariaDB) | [`PrismaMySqlAuth`](mysql::PrismaMySqlAuth) | [`mysql`] |
//!
//! The docs print three different layouts, not one in three type systems: PostgreSQL keys
//! `Account` by (`provider`, `providerAccountId`) and gives `Session` no primary key; SQLite
//! and MySQL give both a text `id`; MySQL adds `User.username`, a unique `Account.userId` and
//! foreign keys that do not cascade. Each module says what its layout has.
//!
//! This module: the docs' PostgreSQL schema. Entry points: [`User`], [`Account`],
//! [`Session`], [`VerificationToken`], [`Authenticator`] and [`PrismaAuth`].
//!
//! - Tables named as the models (`"User"`, `"Account"`, ...), columns as the fields (camelCase,
//!   the OAuth ones in snake_case); keys named as Prisma names them (`User_pkey`,
//!   `User_email_key`, `Account_userId_fkey`).
//! - Keys exactly as the docs' schema has them (`exact_keys`): `User` keyed by `id` with a
//!   unique `email`; `Account` keyed by (`provider`, `providerAccountId`); `Session` with no
//!   primary key, only a unique `sessionToken`; `VerificationToken` keyed by (`identifier`,
//!   `token`), with no unique key on the token alone; `Authenticator` keyed by (`userId`,
//!   `credentialID`) with a unique `credentialID`. Foreign keys from `userId` to `User.id`
//!   cascade on delete. No index on `userId`: `authmodel check` notes the ones it would
//!   recommend and exits 0.
//! - `createdAt DateTime @default(now())` and `updatedAt DateTime @updatedAt` on `User`,
//!   `Account` and `Session` are [`created_at`/`updated_at` stamps](crate::AuthModel): every
//!   insert here writes both to the same millisecond, every update moves `updatedAt`, as
//!   Prisma's client does.
//! - Ids: Prisma's client generates a cuid (`@default(cuid())`); rows created here get a random
//!   UUID's text (`id = "uuid_v4"`), which Prisma reads as any other string.
//! - Encodings: `String` is `TEXT`; `DateTime` `TIMESTAMP(3)` without time zone, written and
//!   read as UTC; `expires_at` and `counter` are `Int` (32 bits), `credentialBackedUp` a
//!   `Boolean`.
//!
//! The model set also works on MySQL and SQLite for tables this crate creates
//! ([`crate::statements::ddl`]); for tables `prisma migrate` created on those, use the module
//! of that dialect.

use chrono::{DateTime, Utc};

use crate::{AuthModel, AuthSchema};

pub mod epoch_ms;
pub mod mysql;
pub mod sqlite;

/// `model User { id String @id @default(cuid()); name String?; email String @unique;
/// emailVerified DateTime?; image String?; createdAt DateTime @default(now()); updatedAt
/// DateTime @updatedAt }`.
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
    /// The email address, unique (`User_email_key`).
    pub email: String,
    /// When the address was verified.
    pub email_verified: Option<DateTime<Utc>>,
    /// The profile picture's URL.
    pub image: Option<String>,
    /// `createdAt`: when the row was inserted (set by the adapter; the column defaults to
    /// `CURRENT_TIMESTAMP`).
    #[auth(created_at)]
    pub created_at: DateTime<Utc>,
    /// `updatedAt`: when the row was last written (set by the adapter, as Prisma's
    /// `@updatedAt`).
    #[auth(updated_at)]
    pub updated_at: DateTime<Utc>,
}

/// `model Account { ... @@id([provider, providerAccountId]) }`: no surrogate id.
#[derive(Clone, PartialEq, AuthModel)]
#[auth(
    role = "account",
    table = "Account",
    primary_key(provider, provider_account_id),
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

/// `model Session { sessionToken String @unique; userId String; expires DateTime; createdAt
/// ...; updatedAt ... }`: no primary key; a session is found by its unique token.
#[derive(Clone, PartialEq, AuthModel)]
#[auth(
    role = "session",
    table = "Session",
    rename_all = "camelCase",
    no_primary_key,
    unique(session_token),
    exact_keys,
    debug
)]
pub struct Session {
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
/// @@id([identifier, token]) }`.
#[derive(Clone, PartialEq, AuthModel)]
#[auth(
    role = "verification_token",
    table = "VerificationToken",
    primary_key(identifier, token),
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

/// `model Authenticator { credentialID String @unique; userId String; providerAccountId
/// String; credentialPublicKey String; counter Int; credentialDeviceType String;
/// credentialBackedUp Boolean; transports String?; @@id([userId, credentialID]) }`.
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
    #[auth(column = "credentialID")]
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

/// The docs' Prisma schema for PostgreSQL.
#[derive(Debug, AuthSchema)]
#[auth(
    user = User,
    account = Account,
    session = Session,
    verification_token = VerificationToken,
    authenticator = Authenticator
)]
pub struct PrismaAuth;

/// The former name of [`PrismaAuth`], which shared its name with the [`Schema`](crate::Schema)
/// trait.
#[deprecated(note = "renamed to `PrismaAuth`: `Schema` is also the name of the trait")]
pub type Schema = PrismaAuth;
