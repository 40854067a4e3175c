//! Users and accounts on SQL, sessions and verification tokens on Redis: one `Adapter`.
//!
//! Run with `REDIS_URL` set (scripts/servers.sh starts a throwaway redis-server):
//! `cargo run --example several_systems`. Its test runs it on SQLite in memory and that
//! Redis, in the test command.

use authmodel::composed::Composed;
use authmodel::models::{DefaultSchema, Session, User, VerificationToken};
use authmodel::redis::RedisStore;
use authmodel::{Adapter, Options, SqlAdapter};
use chrono::{Duration, Utc};
use uuid::Uuid;

async fn run(sql_url: &str, redis_url: &str) -> Result<(), Box<dyn std::error::Error>> {
    let sql =
        SqlAdapter::<DefaultSchema>::connect(sql_url, Options::default().synchronize(true)).await?;
    // Every key under "myapp:", so several applications can share the server.
    let redis = RedisStore::<DefaultSchema>::connect(redis_url, "myapp:").await?;
    let auth = Composed::new(sql, redis.clone(), redis);

    // Users on SQL...
    let user = auth
        .create_user(User::new(format!("{}@example.com", Uuid::new_v4())))
        .await?;
    // ...sessions on Redis, which deletes each by itself at its `expires`.
    let session = auth
        .create_session(Session::new(
            user.id,
            Uuid::new_v4().to_string(),
            Utc::now() + Duration::days(30),
        ))
        .await?;
    let (found, owner) = auth
        .get_session_and_user(&session.session_token)
        .await?
        .ok_or("the session was not found")?;
    assert_eq!((found.id, owner.id), (session.id, user.id));

    // Verification tokens on Redis too: used once, with GETDEL.
    let token = Uuid::new_v4().to_string();
    auth.create_verification_token(VerificationToken {
        identifier: user.email.clone(),
        token: token.clone(),
        expires: Utc::now() + Duration::hours(24),
    })
    .await?;
    assert!(
        auth.use_verification_token(&user.email, &token)
            .await?
            .is_some()
    );
    assert!(
        auth.use_verification_token(&user.email, &token)
            .await?
            .is_none()
    );

    // Deleting the user deletes its sessions on Redis first.
    auth.delete_user(&user.id.to_string()).await?;
    assert!(
        auth.get_session_and_user(&session.session_token)
            .await?
            .is_none()
    );
    println!("users on SQL, sessions and tokens on Redis: done");
    Ok(())
}

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let redis_url = std::env::var("REDIS_URL").map_err(|_| "set REDIS_URL")?;
    run("sqlite::memory:", &redis_url).await
}

#[cfg(test)]
#[path = "../tests/common/mod.rs"]
mod common;

#[cfg(test)]
mod tests {
    #[tokio::test]
    async fn the_example_runs() {
        let Some(redis_url) = super::common::redis() else {
            return;
        };
        super::run("sqlite::memory:", &redis_url)
            .await
            .expect("the example runs");
    }
}
