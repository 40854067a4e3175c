//! A crate that re-exports authmodel points the derive at its re-export.
mod auth {
    pub use authmodel;
}

use authmodel::AuthModel;

#[derive(Debug, Clone, PartialEq, AuthModel)]
#[auth(role = "session", crate = crate::auth::authmodel)]
pub struct Login {
    pub session_token: String,
    pub user_id: uuid::Uuid,
    pub expires: chrono::DateTime<chrono::Utc>,
}

fn main() {}
