//! All five models replaced by the application's own structs, mapped onto tables that already
//! exist: the layout of Auth.js's `@auth/pg-adapter` (its `schema.sql`).
//!
//! What it shows:
//! - SERIAL (autoincrement) integer ids the database assigns, and `userId` foreign keys of the
//!   same integer type;
//! - the quoted camelCase columns of that layout (`"userId"`, `"emailVerified"`,
//!   `"sessionToken"`, `"providerAccountId"`) beside its snake_case OAuth columns;
//! - the table `verification_token` (singular), and `VARCHAR(255)` columns as `max_len`;
//! - tables created by someone else (here by hand, as `schema.sql` would on PostgreSQL):
//!   the adapter connects without creating anything, then signs a user in.
//!
//! Run it with `cargo run --example existing_tables`.

use std::error::Error;

use authmodel::{Adapter, AuthModel, AuthSchema, Options, SqlAdapter};
use chrono::{DateTime, Duration, Utc};

/// `users (id SERIAL, name VARCHAR(255), email VARCHAR(255), "emailVerified" TIMESTAMPTZ, image TEXT)`.
#[derive(Debug, Clone, PartialEq, AuthModel)]
#[auth(role = "user", table = "users")]
pub struct PgUser {
    /// SERIAL: assigned by the database.
    pub id: i32,
    /// The display name.
    #[auth(max_len = 255)]
    pub name: Option<String>,
    /// The email address (nullable in this layout).
    #[auth(max_len = 255)]
    pub email: Option<String>,
    /// When the address was verified.
    #[auth(column = "emailVerified")]
    pub email_verified: Option<DateTime<Utc>>,
    /// The profile picture's URL.
    pub image: Option<String>,
}

/// `accounts`, with the OAuth token columns in snake_case.
#[derive(Debug, Clone, PartialEq, AuthModel)]
#[auth(role = "account", table = "accounts")]
pub struct PgAccount {
    /// SERIAL.
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
#[derive(Debug, Clone, PartialEq, AuthModel)]
#[auth(role = "session", table = "sessions", rename_all = "camelCase")]
pub struct PgSession {
    /// SERIAL.
    pub id: i32,
    /// The user.
    pub user_id: i32,
    /// When the session ends.
    pub expires: DateTime<Utc>,
    /// The cookie's value.
    #[auth(max_len = 255)]
    pub session_token: String,
}

/// `verification_token (identifier TEXT, expires TIMESTAMPTZ, token TEXT, PRIMARY KEY (identifier, token))`.
#[derive(Debug, Clone, PartialEq, AuthModel)]
#[auth(role = "verification_token", table = "verification_token")]
pub struct PgVerificationToken {
    /// The email address.
    pub identifier: String,
    /// When the token expires.
    pub expires: DateTime<Utc>,
    /// The hashed token.
    pub token: String,
}

/// WebAuthn credentials, which `@auth/pg-adapter` has no table for: here in the camelCase
/// style of the other Auth.js layouts.
#[derive(Debug, Clone, PartialEq, AuthModel)]
#[auth(
    role = "authenticator",
    table = "authenticators",
    rename_all = "camelCase"
)]
pub struct PgAuthenticator {
    /// `"credentialID"`.
    #[auth(column = "credentialID", max_len = 255)]
    pub credential_id: String,
    /// The user.
    pub user_id: i32,
    /// The webauthn account.
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

/// The five replacements.
#[derive(AuthSchema)]
#[auth(
    user = PgUser,
    account = PgAccount,
    session = PgSession,
    verification_token = PgVerificationToken,
    authenticator = PgAuthenticator
)]
pub struct PgAdapterLayout;

/// `schema.sql` of `@auth/pg-adapter`, in SQLite's words (plus the authenticators table).
const EXISTING_TABLES: &str = r#"
CREATE TABLE verification_token (
  identifier TEXT NOT NULL, expires TEXT NOT NULL, token TEXT NOT NULL,
  PRIMARY KEY (identifier, token));
CREATE TABLE accounts (
  id INTEGER PRIMARY KEY AUTOINCREMENT, "userId" INTEGER NOT NULL,
  type VARCHAR(255) NOT NULL, provider VARCHAR(255) NOT NULL,
  "providerAccountId" VARCHAR(255) NOT NULL, refresh_token TEXT, access_token TEXT,
  expires_at BIGINT, id_token TEXT, scope TEXT, session_state TEXT, token_type TEXT);
CREATE TABLE sessions (
  id INTEGER PRIMARY KEY AUTOINCREMENT, "userId" INTEGER NOT NULL, expires TEXT NOT NULL,
  "sessionToken" VARCHAR(255) NOT NULL);
CREATE TABLE users (
  id INTEGER PRIMARY KEY AUTOINCREMENT, name VARCHAR(255), email VARCHAR(255),
  "emailVerified" TEXT, image TEXT);
CREATE TABLE authenticators (
  "credentialID" VARCHAR(255) NOT NULL PRIMARY KEY, "userId" INTEGER NOT NULL,
  "providerAccountId" TEXT NOT NULL, "credentialPublicKey" TEXT NOT NULL,
  counter INTEGER NOT NULL, "credentialDeviceType" TEXT NOT NULL,
  "credentialBackedUp" INTEGER NOT NULL, transports TEXT);
"#;

#[tokio::main(flavor = "current_thread")]
async fn main() -> Result<(), Box<dyn Error>> {
    let dir = std::env::temp_dir().join(format!("authmodel-existing-{}", std::process::id()));
    std::fs::create_dir_all(&dir)?;
    let result = run(&dir.join("existing.db")).await;
    std::fs::remove_dir_all(&dir)?;
    result
}

/// Creates the layout by hand, then signs a user in through the adapter.
pub async fn run(path: &std::path::Path) -> Result<(), Box<dyn Error>> {
    rusqlite::Connection::open(path)?.execute_batch(EXISTING_TABLES)?;
    println!(
        "created the @auth/pg-adapter tables by hand in {}",
        path.display()
    );

    let url = format!("sqlite://{}", path.display());
    let auth = SqlAdapter::<PgAdapterLayout>::connect(&url, Options::default()).await?;
    let user = auth
        .create_user(PgUser {
            id: 0, // assigned by the database
            name: Some("Katherine Johnson".into()),
            email: Some("katherine@example.com".into()),
            email_verified: None,
            image: None,
        })
        .await?;
    println!("created user {} (SERIAL id)", user.id);
    let session = auth
        .create_session(PgSession {
            id: 0,
            user_id: user.id,
            expires: Utc::now() + Duration::days(30),
            session_token: "a8f1c2d4-session-token".into(),
        })
        .await?;
    let (read, reader) = auth
        .get_session_and_user(&session.session_token)
        .await?
        .ok_or("the session just created is missing")?;
    println!(
        "session {} of user {} ({:?})",
        read.id, reader.id, reader.email
    );

    let row: (i64, String) = rusqlite::Connection::open(path)?.query_row(
        r#"SELECT "userId", "sessionToken" FROM sessions"#,
        [],
        |r| Ok((r.get(0)?, r.get(1)?)),
    )?;
    println!(
        "the row as another client sees it: userId = {}, sessionToken = {}",
        row.0, row.1
    );
    if row != (i64::from(user.id), session.session_token) {
        return Err("the row does not hold what the adapter wrote".into());
    }
    Ok(())
}

#[cfg(test)]
#[path = "support/mod.rs"]
mod support;

#[cfg(test)]
mod tests {
    use authmodel::testing::SuiteOptions;

    use super::*;

    #[tokio::test]
    async fn the_example_runs() {
        let dir = tempfile::tempdir().expect("a temporary directory");
        run(&dir.path().join("existing.db"))
            .await
            .expect("the example runs");
    }

    #[tokio::test]
    async fn the_schema_passes_the_conformance_suite() {
        support::conformance_everywhere::<PgAdapterLayout>(
            "existing_tables",
            SuiteOptions::default(),
        )
        .await;
    }

    /// On the hand-made tables — no foreign keys, no unique keys, as `schema.sql` has it —
    /// every case passes but the two that need unique keys to refuse duplicates.
    #[tokio::test]
    async fn the_hand_made_tables_pass_the_conformance_suite() {
        let dir = tempfile::tempdir().expect("a temporary directory");
        let path = dir.path().join("existing.db");
        rusqlite::Connection::open(&path)
            .and_then(|c| c.execute_batch(EXISTING_TABLES))
            .expect("the hand-made tables");
        let url = format!("sqlite://{}", path.display());
        let auth = SqlAdapter::<PgAdapterLayout>::connect(&url, Options::default())
            .await
            .expect("connects without creating anything");
        let options = SuiteOptions::default()
            .skip_case("createUser with a taken email conflicts")
            .skip_case("linkAccount of a linked account conflicts");
        let report = authmodel::testing::run(&auth, &auth, options)
            .await
            .unwrap_or_else(|failure| panic!("{failure}"));
        assert_eq!(report.skipped(), 2, "{report}");
    }

    #[test]
    fn ddl() {
        support::snapshot_ddl::<PgAdapterLayout>("existing_tables");
    }
}
