//! The models `authmodel init` writes compile and store rows: the built-in template is plain
//! Rust, compiled here as a module of this test.

#[allow(dead_code)]
#[path = "../templates/models.rs.jinja"]
mod starter;

use authmodel::{Adapter, Options, SqlAdapter};

#[tokio::test]
async fn the_starter_models_store_a_user() {
    let auth = SqlAdapter::<starter::AppAuth>::connect(
        "sqlite::memory:",
        Options::default().synchronize(true),
    )
    .await
    .expect("connects");
    let user = starter::User {
        id: uuid::Uuid::nil(),
        name: None,
        email: "init@example.com".to_owned(),
        email_verified: None,
        image: None,
    };
    let created = auth.create_user(user).await.expect("creates");
    let found = auth
        .get_user_by_email("init@example.com")
        .await
        .expect("reads")
        .expect("found");
    assert_eq!(found, created);
}
