//! MariaDB under real conditions (issue 9, cases 9 and 10): `synchronize` adds the keys an
//! existing table lacks, and every trailing-space variant of a token or an email is a value
//! of its own.
//!
//! Needs the MariaDB of scripts/test (`MYSQL_URL`; see tests/common).

mod common;

use authmodel::ddl::{self, CreateOptions};
use authmodel::migrate::{Change, Safety};
use authmodel::models::{DefaultSchema, Session, User, VerificationToken};
use authmodel::sql::{Options, SqlAdapter};
use authmodel::{Adapter, Dialect, Error, MySqlFlavour};
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

/// Every trailing-space variant of a key is a value of its own, as on SQLite and PostgreSQL.
async fn assert_trailing_spaces_are_distinct(auth: &SqlAdapter<DefaultSchema>) {
    let a = auth.create_user(user("a@x")).await.unwrap();
    let spaced = auth.create_user(user("a@x  ")).await.unwrap();
    assert_ne!(a.id, spaced.id);
    assert_eq!(auth.get_user_by_email("a@x ").await.unwrap(), None);
    let found = auth.get_user_by_email("a@x  ").await.unwrap().unwrap();
    assert_eq!(found.id, spaced.id);

    auth.create_session(session("tok", a.id)).await.unwrap();
    assert!(auth.get_session_and_user("tok   ").await.unwrap().is_none());
    assert!(auth.delete_session("tok ").await.unwrap().is_none());
    let kept = auth.get_session_and_user("tok").await.unwrap().unwrap();
    assert_eq!(kept.1.id, a.id);
    // Another session under the spaced token is no conflict.
    auth.create_session(session("tok ", spaced.id))
        .await
        .unwrap();
    let other = auth.get_session_and_user("tok ").await.unwrap().unwrap();
    assert_eq!(other.1.id, spaced.id);

    let token = VerificationToken {
        identifier: "a@x".to_owned(),
        token: "secret".to_owned(),
        expires: Utc::now() + chrono::Duration::hours(1),
    };
    auth.create_verification_token(token).await.unwrap();
    assert!(
        auth.use_verification_token("a@x", "secret  ")
            .await
            .unwrap()
            .is_none()
    );
    assert!(
        auth.use_verification_token("a@x ", "secret")
            .await
            .unwrap()
            .is_none()
    );
    let used = auth.use_verification_token("a@x", "secret").await.unwrap();
    assert_eq!(used.map(|t| t.token).as_deref(), Some("secret"));
}

#[tokio::test]
async fn trailing_spaces_make_different_values() {
    let Some(url) = fresh_database(Server::MySql, "no_pad").await else {
        return;
    };
    let auth = synchronized(&url).await;
    assert_eq!(auth.mysql_flavour(), Some(MySqlFlavour::MariaDb));
    assert_trailing_spaces_are_distinct(&auth).await;
}

/// The tables as earlier releases created them (`utf8mb4_bin`, PAD SPACE), without the
/// authenticator table, which came later.
async fn legacy_tables(url: &str) {
    let options = CreateOptions::default().flavour(MySqlFlavour::MariaDb);
    let create = ddl::create_statements::<DefaultSchema>(Dialect::MySql, options).unwrap();
    for sql in create
        .iter()
        .filter(|sql| !sql.contains("`authenticators`"))
    {
        run(url, &sql.replace("utf8mb4_nopad_bin", "utf8mb4_bin")).await;
    }
}

#[tokio::test]
async fn synchronize_next_to_an_earlier_releases_tables_then_migrate() {
    let Some(url) = fresh_database(Server::MySql, "legacy_sync").await else {
        return;
    };
    legacy_tables(&url).await;
    // The missing table is created with the user key's collation: MySQL refuses a foreign key
    // between two collations.
    let auth = synchronized(&url).await;
    let plan = authmodel::migrate::diff(&auth).await.unwrap();
    assert_eq!(plan.summary(), "convert 5 tables", "{plan}");
    authmodel::migrate::apply(&auth, &plan).await.unwrap();
    let after = authmodel::migrate::diff(&auth).await.unwrap();
    assert!(after.is_in_sync(), "{after}");
    assert_trailing_spaces_are_distinct(&auth).await;
}

#[tokio::test]
async fn check_reports_a_pad_space_table_and_migrate_converts_it() {
    let Some(url) = fresh_database(Server::MySql, "pad_space").await else {
        return;
    };
    legacy_tables(&url).await;
    let tables = ["users", "accounts", "sessions", "verification_tokens"];

    let auth = SqlAdapter::<DefaultSchema>::connect(&url, Options::default())
        .await
        .unwrap();
    let plan = authmodel::migrate::diff(&auth).await.unwrap();
    assert!(!plan.is_in_sync(), "{plan}");
    assert_eq!(plan.safety(), Some(Safety::RewritesTable), "{plan}");
    let (created, converted): (Vec<_>, Vec<_>) = plan
        .steps
        .iter()
        .partition(|step| matches!(&step.change, Change::CreateTable { .. }));
    assert_eq!(created.len(), 1, "{plan}");
    let converted: Vec<&str> = converted
        .iter()
        .map(|step| match &step.change {
            Change::ConvertCollation {
                table, collation, ..
            } => {
                assert_eq!(collation, "utf8mb4_nopad_bin");
                table.as_str()
            }
            other => panic!("{other}"),
        })
        .collect();
    assert_eq!(converted.len(), tables.len(), "{plan}");
    assert!(tables.iter().all(|t| converted.contains(t)), "{plan}");

    authmodel::migrate::apply(&auth, &plan).await.unwrap();
    let after = authmodel::migrate::diff(&auth).await.unwrap();
    assert!(after.is_in_sync(), "{after}");
    assert_trailing_spaces_are_distinct(&auth).await;
}
