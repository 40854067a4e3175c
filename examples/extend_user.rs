//! Extending the default user with the application's own fields, without redeclaring it.
//!
//! What it shows:
//! - `#[auth(flatten)]` embeds the default `User`; `role` and `phone` become two more columns
//!   of the same `users` table;
//! - the generated `AppUserPatch`: a partial update that changes `role`, sets `phone` to
//!   `NULL` (distinct from leaving it alone) and reaches into the embedded user's fields;
//! - the default account, session, verification token and authenticator, kept as they are.
//!
//! Run it with `cargo run --example extend_user`.

use std::error::Error;

use authmodel::models::{User, UserPatch};
use authmodel::{Adapter, AuthModel, AuthSchema, Options, SqlAdapter};
use uuid::Uuid;

/// The application's user: the default fields plus a role and a phone number.
#[derive(Debug, Clone, PartialEq, AuthModel)]
#[auth(role = "user")]
pub struct AppUser {
    /// id, name, email, email_verified, image.
    #[auth(flatten)]
    pub base: User,
    /// What the user may do in the application.
    #[auth(default = "member", max_len = 20, index)]
    pub role: String,
    /// A phone number for account recovery, if given.
    #[auth(max_len = 20)]
    pub phone: Option<String>,
}

/// The default schema with [`AppUser`] as its user.
#[derive(AuthSchema)]
#[auth(user = AppUser)]
pub struct AppAuth;

#[tokio::main(flavor = "current_thread")]
async fn main() -> Result<(), Box<dyn Error>> {
    run("sqlite::memory:").await
}

/// Creates a user, then updates it in part, printing each state.
pub async fn run(url: &str) -> Result<(), Box<dyn Error>> {
    let auth = SqlAdapter::<AppAuth>::connect(url, Options::default().synchronize(true)).await?;
    let user = auth
        .create_user(AppUser {
            base: User {
                id: Uuid::nil(),
                name: Some("Grace Hopper".into()),
                email: "grace@example.com".into(),
                email_verified: None,
                image: None,
            },
            role: "member".into(),
            phone: Some("+1 202 555 0100".into()),
        })
        .await?;
    println!("created:  {user:?}");

    let id = user.base.id.to_string();
    let updated = auth
        .update_user(
            &id,
            AppUserPatch {
                role: Some("admin".into()),
                phone: Some(None),
                base: UserPatch {
                    name: Some(Some("Rear Admiral Grace Hopper".into())),
                    ..Default::default()
                },
            },
        )
        .await?;
    println!("updated:  {updated:?}");
    if updated.role != "admin" || updated.phone.is_some() || updated.base.email != user.base.email {
        return Err("the patch changed what it should not, or not what it should".into());
    }

    let found = auth.get_user_by_email("grace@example.com").await?;
    println!("by email: {found:?}");
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
        let options = SuiteOptions::default()
            .with_user_extra("role", "admin".to_owned())
            .with_user_extra("phone", Some("00000000000".to_owned()));
        support::conformance_everywhere::<AppAuth>("extend_user", options).await;
    }

    #[test]
    fn ddl() {
        support::snapshot_ddl::<AppAuth>("extend_user");
    }
}
