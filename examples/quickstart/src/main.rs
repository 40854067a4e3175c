//! The quickstart: authmodel's main job on the embedded default, SQLite, with no server.
//!
//! What it shows, step by step:
//! 1. an application's user model that extends the default user with `role` and `phone`, its
//!    tables created in an embedded SQLite file (made when missing);
//! 2. an OAuth sign-in: a new user, their GitHub account linked, a session created, and the
//!    session token from the cookie read back to the session and its user in one statement;
//! 3. an email sign-in: a verification token created, used once, refused the second time;
//! 4. a sign-out: the session deleted, its session token no longer found;
//! 5. the same user model as PostgreSQL DDL, as `authmodel generate` writes it.
//!
//! It prints ids and emails, never a session token, a verification token or an OAuth token:
//! those are secrets wherever they are logged.
//!
//! Run it with `cargo run -p quickstart`.

use std::error::Error;
use std::path::{Path, PathBuf};

use authmodel::models::{Account, Session, User, VerificationToken};
use authmodel::{
    AccountKey, Adapter, AuthModel, AuthSchema, CreateOptions, Dialect, Model, Options, Schema,
    SqlAdapter, ddl,
};
use chrono::{Duration, SubsecRound, Utc};
use uuid::Uuid;

/// The application's user: every default field, plus its own.
#[derive(Debug, Clone, PartialEq, AuthModel)]
#[auth(role = "user")]
pub struct AppUser {
    /// The default user's fields: id, name, email, email_verified, image.
    #[auth(flatten)]
    pub base: User,
    /// The application's own role, `member` unless set.
    #[auth(default = "member", max_len = 20)]
    pub role: String,
    /// A phone number, if the user gave one.
    #[auth(max_len = 20)]
    pub phone: Option<String>,
}

/// The application's schema: its own user, the default account, session, verification token
/// and authenticator.
#[derive(AuthSchema)]
#[auth(user = AppUser)]
pub struct AppAuth;

#[tokio::main(flavor = "current_thread")]
async fn main() -> Result<(), Box<dyn Error>> {
    let path = std::env::temp_dir().join("authmodel-quickstart.db");
    run(&path).await
}

/// The whole walk-through, on a fresh SQLite file at `path`.
async fn run(path: &Path) -> Result<(), Box<dyn Error>> {
    step("1. An embedded SQLite database, tables created when missing");
    remove_database(path)?;
    let url = format!("sqlite://{}", path.display());
    let auth = SqlAdapter::<AppAuth>::connect(&url, Options::default().synchronize(true)).await?;
    let tables: Vec<&str> = AppAuth::stored_tables().iter().map(|t| t.name).collect();
    println!("connected to {url}");
    println!("tables: {}", tables.join(", "));

    step("2. OAuth sign-in: GitHub reports account 4711 for ada@example.com");
    let known = auth
        .get_user_by_account(AccountKey {
            provider: "github",
            provider_account_id: "4711",
        })
        .await?;
    println!(
        "user linked to github/4711 before sign-in: {}",
        known.map_or("none".into(), |u| u.base.id.to_string())
    );
    let user = auth
        .create_user(AppUser {
            base: User {
                id: Uuid::nil(), // replaced by a generated UUID
                name: Some("Ada Lovelace".into()),
                email: "ada@example.com".into(),
                email_verified: None,
                image: None,
            },
            role: "admin".into(),
            phone: Some("+44 20 7946 0000".into()),
        })
        .await?;
    println!(
        "created user {} ({}, role {})",
        user.base.id, user.base.email, user.role
    );
    let account = auth
        .link_account(Account {
            id: Uuid::nil(),
            user_id: user.base.id,
            kind: "oauth".into(),
            provider: "github".into(),
            provider_account_id: "4711".into(),
            refresh_token: None,
            access_token: Some("gho_example_access_token".into()),
            expires_at: Some((Utc::now() + Duration::hours(8)).timestamp()),
            token_type: Some("bearer".into()),
            scope: Some("read:user,user:email".into()),
            id_token: None,
            session_state: None,
        })
        .await?;
    println!(
        "linked {}/{} to user {}",
        account.provider, account.provider_account_id, account.user_id
    );
    // The session token is the cookie's value: a secret, never printed. The session id is not.
    let session = auth
        .create_session(Session {
            id: Uuid::nil(),
            session_token: Uuid::new_v4().to_string(),
            user_id: user.base.id,
            expires: Utc::now() + Duration::days(30),
        })
        .await?;
    println!(
        "created session {} until {}",
        session.id,
        session.expires.trunc_subsecs(0)
    );
    let (read, reader) = auth
        .get_session_and_user(&session.session_token)
        .await?
        .ok_or("the session just created is missing")?;
    println!(
        "the session token reads back session {} of {} in one statement",
        read.id, reader.base.email
    );

    step("3. Email sign-in: a one-time verification token for ada@example.com");
    // Auth.js stores a hash of the emailed token (sha256 of token + secret); any string works.
    let token = auth
        .create_verification_token(VerificationToken {
            identifier: "ada@example.com".into(),
            token: format!("{:x}", Uuid::new_v4().as_u128()),
            expires: (Utc::now() + Duration::hours(24)).trunc_subsecs(0),
        })
        .await?;
    println!(
        "verification token created for {}, expires {}",
        token.identifier, token.expires
    );
    let first = auth
        .use_verification_token(&token.identifier, &token.token)
        .await?;
    println!("first use: {}", accepted(first.is_some()));
    let second = auth
        .use_verification_token(&token.identifier, &token.token)
        .await?;
    println!("second use: {}", accepted(second.is_some()));
    if first.is_none() || second.is_some() {
        return Err("a verification token must work exactly once".into());
    }

    step("4. Sign-out");
    let deleted = auth.delete_session(&session.session_token).await?;
    println!(
        "deleted session {}",
        deleted.map_or("none".into(), |s| s.id.to_string())
    );
    let after = auth.get_session_and_user(&session.session_token).await?;
    println!(
        "the session token now finds: {}",
        after
            .as_ref()
            .map_or("nothing".into(), |(s, _)| format!("session {}", s.id))
    );
    if after.is_some() {
        return Err("a deleted session must not be found".into());
    }

    step("5. The user model as PostgreSQL DDL (`authmodel generate` writes all the tables)");
    for statement in ddl::create_tables(
        &[AppUser::TABLE],
        Dialect::Postgres,
        CreateOptions::default(),
    )? {
        println!("{statement};");
    }

    println!("\ndone: the data is in {}", path.display());
    Ok(())
}

fn accepted(yes: bool) -> &'static str {
    if yes { "accepted" } else { "refused" }
}

fn step(title: &str) {
    println!("\n== {title}");
}

/// Starts from an empty file, so the walk-through can run again.
fn remove_database(path: &Path) -> std::io::Result<()> {
    for suffix in ["", "-wal", "-shm"] {
        let mut file = PathBuf::from(path).into_os_string();
        file.push(suffix);
        match std::fs::remove_file(&file) {
            Err(e) if e.kind() != std::io::ErrorKind::NotFound => return Err(e),
            _ => {}
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    #[tokio::test]
    async fn the_walk_through_runs() {
        let dir = tempfile::tempdir().expect("a temporary directory");
        super::run(&dir.path().join("quickstart.db"))
            .await
            .expect("the quickstart runs");
    }
}
