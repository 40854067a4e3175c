//! Integer ids and table names of the application's choosing.
//!
//! What it shows:
//! - users, accounts and sessions keyed by `i64` ids the database assigns (autoincrement,
//!   identity), with `user_id` foreign keys of the same type;
//! - every table renamed with a prefix (`auth_users`, ...), as a service sharing its database
//!   with others would;
//! - the contract's ids as strings: `"1"` finds user 1, while a UUID — an id of another
//!   schema's format — finds nothing instead of failing.
//!
//! Run it with `cargo run --example integer_ids`.

use std::error::Error;

use authmodel::{Adapter, AuthModel, AuthSchema, Options, SqlAdapter};
use chrono::{DateTime, Duration, Utc};

/// A user numbered by the database.
#[derive(Debug, Clone, PartialEq, AuthModel)]
#[auth(role = "user", table = "auth_users")]
pub struct NumberedUser {
    /// Assigned by the database.
    pub id: i64,
    /// The display name.
    pub name: Option<String>,
    /// The email address; unique.
    pub email: String,
    /// When the address was verified.
    pub email_verified: Option<DateTime<Utc>>,
    /// The profile picture's URL.
    pub image: Option<String>,
}

/// An account numbered by the database.
#[derive(Debug, Clone, PartialEq, AuthModel)]
#[auth(role = "account", table = "auth_accounts")]
pub struct NumberedAccount {
    /// Assigned by the database.
    pub id: i64,
    /// The user.
    pub user_id: i64,
    /// `oauth`, `oidc`, `email` or `webauthn`.
    #[auth(column = "type")]
    pub kind: String,
    /// The provider.
    pub provider: String,
    /// The account at the provider.
    pub provider_account_id: String,
    /// OAuth refresh token.
    pub refresh_token: Option<String>,
    /// OAuth access token.
    pub access_token: Option<String>,
    /// When the access token expires, in seconds.
    pub expires_at: Option<i64>,
    /// Token type.
    pub token_type: Option<String>,
    /// Scopes.
    pub scope: Option<String>,
    /// OIDC id token.
    pub id_token: Option<String>,
    /// OAuth session state.
    pub session_state: Option<String>,
}

/// A session numbered by the database.
#[derive(Debug, Clone, PartialEq, AuthModel)]
#[auth(role = "session", table = "auth_sessions")]
pub struct NumberedSession {
    /// Assigned by the database.
    pub id: i64,
    /// The cookie's value.
    pub session_token: String,
    /// The user.
    pub user_id: i64,
    /// When the session ends.
    pub expires: DateTime<Utc>,
}

/// Email sign-in tokens.
#[derive(Debug, Clone, PartialEq, AuthModel)]
#[auth(role = "verification_token", table = "auth_verification_tokens")]
pub struct Token {
    /// The email address.
    pub identifier: String,
    /// The hashed token.
    pub token: String,
    /// When it expires.
    pub expires: DateTime<Utc>,
}

/// WebAuthn credentials of numbered users.
#[derive(Debug, Clone, PartialEq, AuthModel)]
#[auth(role = "authenticator", table = "auth_authenticators")]
pub struct Passkey {
    /// The credential id.
    pub credential_id: String,
    /// The user.
    pub user_id: i64,
    /// The webauthn account.
    pub provider_account_id: String,
    /// The public key.
    pub credential_public_key: String,
    /// The signature counter.
    pub counter: i64,
    /// The device type.
    pub credential_device_type: String,
    /// Whether it is backed up.
    pub credential_backed_up: bool,
    /// The transports.
    pub transports: Option<String>,
}

/// The numbered models.
#[derive(AuthSchema)]
#[auth(
    user = NumberedUser,
    account = NumberedAccount,
    session = NumberedSession,
    verification_token = Token,
    authenticator = Passkey
)]
pub struct Numbered;

#[tokio::main(flavor = "current_thread")]
async fn main() -> Result<(), Box<dyn Error>> {
    run("sqlite::memory:").await
}

/// Creates two users and looks them up by string ids.
pub async fn run(url: &str) -> Result<(), Box<dyn Error>> {
    let auth = SqlAdapter::<Numbered>::connect(url, Options::default().synchronize(true)).await?;
    for (name, email) in [("Ada", "ada@example.com"), ("Alan", "alan@example.com")] {
        let user = auth
            .create_user(NumberedUser {
                id: 0,
                name: Some(name.into()),
                email: email.into(),
                email_verified: None,
                image: None,
            })
            .await?;
        println!("created user {} ({})", user.id, user.email);
    }
    let first = auth.get_user("1").await?;
    println!(r#"get_user("1") = {first:?}"#);
    let foreign = auth
        .get_user("2c5b0e9a-9d4f-4b7a-8a36-8c1b1f0c2e11")
        .await?;
    println!("get_user(<a UUID>) = {foreign:?}");
    let session = auth
        .create_session(NumberedSession {
            id: 0,
            session_token: "numbered-session".into(),
            user_id: 2,
            expires: Utc::now() + Duration::hours(1),
        })
        .await?;
    println!("session {} for user {}", session.id, session.user_id);
    if first.map(|u| u.id) != Some(1) || foreign.is_some() {
        return Err("integer ids did not resolve as documented".into());
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
        run("sqlite::memory:").await.expect("the example runs");
    }

    #[tokio::test]
    async fn the_schema_passes_the_conformance_suite() {
        support::conformance_everywhere::<Numbered>("integer_ids", SuiteOptions::default()).await;
    }

    #[test]
    fn ddl() {
        support::snapshot_ddl::<Numbered>("integer_ids");
    }
}
