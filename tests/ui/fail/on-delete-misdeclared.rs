use authmodel::AuthModel;

// Not an action the foreign key knows.
#[derive(AuthModel)]
#[auth(role = "session", on_delete = "set_null")]
pub struct Login {
    pub session_token: String,
    pub user_id: uuid::Uuid,
    pub expires: chrono::DateTime<chrono::Utc>,
}

// No foreign key to act on delete.
#[derive(AuthModel)]
#[auth(role = "session", on_delete = "restrict", no_foreign_key)]
pub struct Unkeyed {
    pub session_token: String,
    pub user_id: uuid::Uuid,
    pub expires: chrono::DateTime<chrono::Utc>,
}

// A user references no one.
#[derive(AuthModel)]
#[auth(role = "user", on_delete = "cascade")]
pub struct Member {
    pub id: uuid::Uuid,
    pub email: String,
}

fn main() {}
