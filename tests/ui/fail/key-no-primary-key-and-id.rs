use authmodel::AuthModel;

// `no_primary_key` says the table has none, and the field named `id` is one.
#[derive(Clone, AuthModel)]
#[auth(role = "session", no_primary_key)]
pub struct Login {
    pub id: uuid::Uuid,
    pub session_token: String,
    pub user_id: uuid::Uuid,
    pub expires: chrono::DateTime<chrono::Utc>,
}

fn main() {}
