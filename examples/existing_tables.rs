//! Tables that already exist: the layout of Auth.js's `@auth/pg-adapter` (its `schema.sql`),
//! through the ready-made models of [`authmodel::compat::pg`], with an authenticators table
//! added.
//!
//! What it shows:
//! - SERIAL (autoincrement) integer ids the database assigns, and `userId` foreign keys of the
//!   same integer type;
//! - the quoted camelCase columns of that layout (`"userId"`, `"emailVerified"`,
//!   `"sessionToken"`, `"providerAccountId"`) beside its snake_case OAuth columns;
//! - the table `verification_token` (singular), and `VARCHAR(255)` columns as `max_len`;
//! - a schema of the application's own that reuses those models and adds the table the
//!   layout lacks;
//! - tables created by someone else (here by hand, as `schema.sql` would on PostgreSQL):
//!   the adapter connects without creating anything, then signs a user in.
//!
//! Run it with `cargo run --example existing_tables`.

use std::error::Error;

use authmodel::compat::pg::{Account, Authenticator, Session, User, VerificationToken};
use authmodel::{Adapter, AuthSchema, Options, SqlAdapter};
use chrono::{Duration, Utc};

/// The layout's four models from [`authmodel::compat::pg`], plus the authenticators table
/// the layout lacks (its `compat::pg::PgAdapterAuth` has none): an application that turns WebAuthn on
/// adds it, and names it in a schema of its own.
#[derive(AuthSchema)]
#[auth(
    user = User,
    account = Account,
    session = Session,
    verification_token = VerificationToken,
    authenticator = Authenticator
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
        .create_user(User {
            id: 0, // assigned by the database
            name: Some("Katherine Johnson".into()),
            email: Some("katherine@example.com".into()),
            email_verified: None,
            image: None,
        })
        .await?;
    println!("created user {} (SERIAL id)", user.id);
    let session = auth
        .create_session(Session {
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

    /// On tables this crate creates for the layout, which has no unique keys either (the
    /// models declare the layout's keys exactly), every case passes but the two duplicates.
    #[tokio::test]
    async fn the_schema_passes_the_conformance_suite() {
        support::conformance_everywhere::<PgAdapterLayout>(
            "existing_tables",
            SuiteOptions::default()
                .skip_case("createUser with a taken email conflicts")
                .skip_case("linkAccount of a linked account conflicts"),
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
