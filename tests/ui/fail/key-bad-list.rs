use authmodel::AuthModel;

#[derive(Clone, AuthModel)]
#[auth(role = "session", index(user_id, "expires"))]
pub struct Login {
    pub session_token: String,
    pub user_id: uuid::Uuid,
    pub expires: chrono::DateTime<chrono::Utc>,
}

fn main() {}
