//! Reads on a PostgreSQL read replica.
//!
//! What it shows:
//! - `Options::replicas` with a lag bound: the reads that tolerate lag go to the replica;
//! - a session created through the adapter is found at once, though the replica has not
//!   replayed it yet (the read goes to the primary until a check finds the replica holding it);
//! - `SqlAdapter::replicas`: each replica's lag, health and statements, to watch or export.
//!
//! Run it with `cargo run --example read_replicas` after `. scripts/servers.sh`, which starts
//! a PostgreSQL and a streaming replica of it and sets `PG_URL` and `PG_REPLICA_URL`.

use std::error::Error;
use std::time::Duration;

use authmodel::models::{DefaultSchema, Session, User};
use authmodel::{Adapter, Options, SqlAdapter};
use chrono::Utc;

/// Signs a user in on `primary` and reads the session back, then from `replica`.
pub async fn run(primary: &str, replica: &str) -> Result<(), Box<dyn Error>> {
    let auth = SqlAdapter::<DefaultSchema>::connect(
        primary,
        Options::default()
            .synchronize(true)
            .replicas([replica])
            .max_replica_lag(Duration::from_secs(2)),
    )
    .await?;

    let user = auth.create_user(User::new("ada@example.com")).await?;
    let expires = Utc::now() + chrono::Duration::days(30);
    let session = auth
        .create_session(Session::new(user.id, "cookie-token", expires))
        .await?;
    // Read your writes: found at once, whatever the replica has replayed.
    let (found, _) = auth
        .get_session_and_user("cookie-token")
        .await?
        .ok_or("the new session is found")?;
    assert_eq!(found, session);

    // Once a check finds the replica holding the write, the same read is served there.
    let mut waited = Duration::ZERO;
    loop {
        let before = auth.replicas()[0].statements_executed;
        auth.get_session_and_user("cookie-token").await?;
        if auth.replicas()[0].statements_executed > before {
            break;
        }
        if waited > Duration::from_secs(10) {
            return Err(format!("never read from the replica: {:?}", auth.replicas()).into());
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
        waited += Duration::from_millis(20);
    }
    println!("replica: {:?}", auth.replicas()[0]);
    Ok(())
}

#[tokio::main]
async fn main() -> Result<(), Box<dyn Error>> {
    let (Ok(primary), Ok(replica)) = (std::env::var("PG_URL"), std::env::var("PG_REPLICA_URL"))
    else {
        return Err("set PG_URL and PG_REPLICA_URL (`. scripts/servers.sh` does)".into());
    };
    run(&primary, &replica).await
}

#[cfg(test)]
#[path = "../tests/common/mod.rs"]
mod common;

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn the_example_runs() {
        let Some(primary) = common::fresh_database(common::Server::Postgres, "example").await
        else {
            return;
        };
        let Some(replica) = common::replica_of(&primary) else {
            return;
        };
        run(&primary, &replica).await.expect("the example runs");
    }
}
