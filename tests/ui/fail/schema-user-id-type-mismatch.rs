use authmodel::{AuthModel, AuthSchema};

#[derive(AuthModel)]
#[auth(role = "user")]
pub struct NumberedUser {
    pub id: i64,
    pub email: String,
}

// The default session's `user_id` is a `Uuid`; this user's key is an `i64`.
#[derive(AuthSchema)]
#[auth(user = NumberedUser, session = authmodel::models::Session)]
pub struct AppAuth;

fn main() {}
