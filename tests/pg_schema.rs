//! `Options::postgres_schema` and a URL's `search_path` on a real PostgreSQL server: the
//! tables live in the schema named, apart from `public`'s tables of the same names, and
//! `synchronize`, `diff` and `migrate` work there.

mod common;

use authmodel::migrate;
use authmodel::models::{DefaultSchema, User};
use authmodel::sql::{Options, SqlAdapter};
use authmodel::{Adapter, AuthModel, AuthSchema};
use chrono::{DateTime, Utc};
use common::Server;
use sqlx::Connection;
use uuid::Uuid;

/// The default user plus a column, for `migrate` to add.
#[derive(Debug, Clone, PartialEq, AuthModel)]
#[auth(role = "user")]
pub struct PlanUser {
    /// A random UUID.
    pub id: Uuid,
    /// The display name.
    pub name: Option<String>,
    /// The email address.
    pub email: String,
    /// When the address was verified.
    pub email_verified: Option<DateTime<Utc>>,
    /// The picture's URL.
    pub image: Option<String>,
    /// The billing plan, added later.
    pub plan: Option<String>,
}

/// The default models with [`PlanUser`].
#[derive(AuthSchema)]
#[auth(user = PlanUser)]
pub struct WithPlan;

fn user(email: &str) -> User {
    User {
        id: Uuid::new_v4(),
        name: None,
        email: email.to_owned(),
        email_verified: None,
        image: None,
    }
}

/// The schemas holding a column `column` of a table `users`.
async fn schemas_with_column(url: &str, column: &str) -> Vec<String> {
    let mut conn = sqlx::PgConnection::connect(url).await.expect("connect");
    sqlx::query_scalar(
        "SELECT table_schema::text FROM information_schema.columns \
         WHERE table_name = 'users' AND column_name = $1 ORDER BY 1",
    )
    .bind(column)
    .fetch_all(&mut conn)
    .await
    .expect("catalog")
}

#[tokio::test]
async fn tables_live_in_the_schema_named_and_nowhere_else() {
    let Some(url) = common::fresh_database(Server::Postgres, "pg_schema").await else {
        return;
    };
    let auth = authmodel::connect_with(
        &url,
        Options::default().synchronize(true).postgres_schema("auth"),
    )
    .await
    .expect("connect in `auth`, creating the schema");
    let public = authmodel::connect(&url).await.expect("connect in `public`");
    assert_eq!(
        schemas_with_column(&url, "email").await,
        ["auth", "public"],
        "one `users` table per schema"
    );

    // Same table names, same email: two independent sets of rows.
    let email = "same@example.com";
    let in_auth = auth.create_user(user(email)).await.expect("a user in auth");
    assert_eq!(public.get_user_by_email(email).await.unwrap(), None);
    let in_public = public
        .create_user(user(email))
        .await
        .expect("a user in public");
    assert_ne!(in_auth.id, in_public.id);
    assert_eq!(
        auth.get_user_by_email(email).await.unwrap(),
        Some(in_auth.clone())
    );
    assert_eq!(
        public.get_user_by_email(email).await.unwrap(),
        Some(in_public)
    );

    // A URL's search_path reaches the same tables.
    let separator = if url.contains('?') { '&' } else { '?' };
    let by_url = authmodel::connect_with(
        &format!("{url}{separator}options=-csearch_path%3Dauth"),
        Options::default(),
    )
    .await
    .expect("connect with a search_path");
    assert_eq!(
        by_url.get_user_by_email(email).await.unwrap(),
        Some(in_auth)
    );

    // The catalog reads look at `auth`: in sync there, and a new column lands there only.
    assert!(migrate::diff(&auth).await.unwrap().is_in_sync());
    let grown: SqlAdapter<WithPlan> =
        SqlAdapter::connect(&url, Options::default().postgres_schema("auth"))
            .await
            .expect("connect the grown models in `auth`");
    assert!(!migrate::diff(&grown).await.unwrap().is_in_sync());
    migrate::migrate(&grown).await.expect("migrate in `auth`");
    assert!(migrate::diff(&grown).await.unwrap().is_in_sync());
    assert_eq!(schemas_with_column(&url, "plan").await, ["auth"]);
    // `public` still has the default models' tables, untouched.
    assert!(migrate::diff(&public).await.unwrap().is_in_sync());
}

/// `migrate` into a schema that does not exist yet creates it; a bad name is refused.
#[tokio::test]
async fn migrate_creates_the_schema_and_bad_names_are_refused() {
    let Some(url) = common::fresh_database(Server::Postgres, "pg_schema_new").await else {
        return;
    };
    let fresh: SqlAdapter<DefaultSchema> =
        SqlAdapter::connect(&url, Options::default().postgres_schema("Tenant A"))
            .await
            .expect("connect to a schema not there yet");
    migrate::migrate(&fresh).await.expect("migrate creates it");
    assert!(migrate::diff(&fresh).await.unwrap().is_in_sync());
    assert_eq!(schemas_with_column(&url, "email").await, ["Tenant A"]);

    let long = "s".repeat(64);
    for name in ["", long.as_str()] {
        let refused = SqlAdapter::<DefaultSchema>::connect(
            &url,
            Options::default().synchronize(true).postgres_schema(name),
        )
        .await
        .expect_err("an empty or too long name");
        assert!(
            matches!(refused, authmodel::Error::InvalidInput(_)),
            "{refused}"
        );
    }
}
