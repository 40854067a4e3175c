//! The layout of `@auth/prisma-adapter`: the models of
//! `packages/adapter-prisma/prisma/schema.prisma` in the Auth.js repository, as
//! `prisma migrate` creates them.
//!
//! Entry points: [`User`], [`Account`], [`Session`], [`VerificationToken`], [`Authenticator`]
//! and [`PrismaAuth`]; [`epoch_ms`] for SQLite databases written by Prisma 6 and older.
//!
//! Dialects: PostgreSQL, MySQL/MariaDB and SQLite. Tables named as the models (`"User"`,
//! `"Account"`, ...), columns as the fields (camelCase, the OAuth ones in snake_case); keys
//! and foreign keys named as Prisma names them (`User_email_key`, `Account_pkey`,
//! `Account_userId_fkey`), which is this crate's own convention.
//!
//! Encodings, per Prisma's native types: `String` is `TEXT` (PostgreSQL, SQLite) or
//! `VARCHAR(191)` (MySQL, which refuses longer values); ids are text (`@default(cuid())`;
//! rows created here get UUIDs, which Prisma reads as any other string); `DateTime` is
//! `TIMESTAMP(3)` without time zone on PostgreSQL (written and read as UTC), `DATETIME(3)` in
//! UTC on MySQL, and on SQLite ISO 8601 text (`2024-01-02T03:04:05.678Z`), which is what
//! Prisma 7's SQLite driver adapters write by default; `expires_at` and `counter` are `Int`
//! (32 bits), `credentialBackedUp` a `Boolean`.
//!
//! Prisma 6 and older, on SQLite, store `DateTime` as integer milliseconds since the epoch
//! (its native connector; Prisma 7's adapters do the same with
//! `timestampFormat: "unixepoch-ms"`; Prisma issue 25948 and its SQLite docs): use
//! [`epoch_ms`] there.
//!
//! Where the descriptors and Prisma's tables differ (the conformance suite passes on both):
//! `Session` has no primary key in Prisma, only the unique `sessionToken`, and `Authenticator`'s
//! primary key is (`userId`, `credentialID`) with `credentialID` unique; here both are keyed by
//! their token and credential id alone.

use chrono::{DateTime, Utc};

use crate::{AuthModel, AuthSchema};

/// `model User { id String @id @default(cuid()); name String?; email String @unique;
/// emailVerified DateTime?; image String? }`.
#[derive(Clone, PartialEq, AuthModel)]
#[auth(role = "user", table = "User", rename_all = "camelCase", debug)]
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
}

/// `model Account { ... @@id([provider, providerAccountId]) }`: no surrogate id.
#[derive(Clone, PartialEq, AuthModel)]
#[auth(role = "account", table = "Account", debug)]
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
}

/// `model Session { sessionToken String @unique; userId String; expires DateTime }`.
#[derive(Clone, PartialEq, AuthModel)]
#[auth(role = "session", table = "Session", rename_all = "camelCase", debug)]
pub struct Session {
    /// The cookie's value.
    pub session_token: String,
    /// The user.
    pub user_id: String,
    /// When the session ends.
    pub expires: DateTime<Utc>,
}

/// `model VerificationToken { identifier String; token String @unique; expires DateTime;
/// @@id([identifier, token]) }`.
#[derive(Clone, PartialEq, AuthModel)]
#[auth(role = "verification_token", table = "VerificationToken", debug)]
pub struct VerificationToken {
    /// The email address.
    pub identifier: String,
    /// The hashed token, as Auth.js gives it; unique (`VerificationToken_token_key`).
    #[auth(unique)]
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
    debug
)]
pub struct Authenticator {
    /// `"credentialID"`.
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

/// The `@auth/prisma-adapter` layout.
#[derive(Debug, AuthSchema)]
#[auth(
    user = User,
    account = Account,
    session = Session,
    verification_token = VerificationToken,
    authenticator = Authenticator
)]
pub struct PrismaAuth;

/// The former name of [`PrismaAuth`], which shared its name with the [`PrismaAuth`](crate::Schema)
/// trait.
#[deprecated(note = "renamed to `PrismaAuth`: `Schema` is also the name of the trait")]
pub type Schema = PrismaAuth;

/// The same layout on SQLite as Prisma 6 and older write it (and Prisma 7's SQLite adapters
/// with `timestampFormat: "unixepoch-ms"`): every `DateTime` an integer count of milliseconds
/// since the epoch in a `DATETIME` column.
///
/// Entry points: [`User`](epoch_ms::User), [`Session`](epoch_ms::Session),
/// [`VerificationToken`](epoch_ms::VerificationToken) and [`PrismaEpochMsAuth`](epoch_ms::PrismaEpochMsAuth);
/// accounts and authenticators have no instants and are those of the parent module. Rows
/// another client stored as ISO 8601 text read as well.
pub mod epoch_ms {
    use chrono::{DateTime, Utc};

    use crate::{AuthModel, AuthSchema};

    /// [`super::User`], with `emailVerified` in milliseconds.
    #[derive(Clone, PartialEq, AuthModel)]
    #[auth(role = "user", table = "User", rename_all = "camelCase", debug)]
    pub struct User {
        /// Text; a random UUID for users created here.
        #[auth(id = "uuid_v4")]
        pub id: String,
        /// The display name.
        pub name: Option<String>,
        /// The email address, unique.
        pub email: String,
        /// When the address was verified.
        #[auth(epoch_ms)]
        pub email_verified: Option<DateTime<Utc>>,
        /// The profile picture's URL.
        pub image: Option<String>,
    }

    /// [`super::Session`], with `expires` in milliseconds.
    #[derive(Clone, PartialEq, AuthModel)]
    #[auth(role = "session", table = "Session", rename_all = "camelCase", debug)]
    pub struct Session {
        /// The cookie's value.
        pub session_token: String,
        /// The user.
        pub user_id: String,
        /// When the session ends.
        #[auth(epoch_ms)]
        pub expires: DateTime<Utc>,
    }

    /// [`super::VerificationToken`], with `expires` in milliseconds.
    #[derive(Clone, PartialEq, AuthModel)]
    #[auth(role = "verification_token", table = "VerificationToken", debug)]
    pub struct VerificationToken {
        /// The email address.
        pub identifier: String,
        /// The hashed token, as Auth.js gives it; unique.
        #[auth(unique)]
        pub token: String,
        /// When the token expires.
        #[auth(epoch_ms)]
        pub expires: DateTime<Utc>,
    }

    /// The `@auth/prisma-adapter` layout with instants in milliseconds.
    #[derive(Debug, AuthSchema)]
    #[auth(
        user = User,
        account = super::Account,
        session = Session,
        verification_token = VerificationToken,
        authenticator = super::Authenticator
    )]
    pub struct PrismaEpochMsAuth;

    /// The former name of [`PrismaEpochMsAuth`], which shared its name with the [`PrismaAuth`](crate::Schema)
    /// trait.
    #[deprecated(note = "renamed to `PrismaEpochMsAuth`: `Schema` is also the name of the trait")]
    pub type Schema = PrismaEpochMsAuth;
}
