use authmodel::AuthModel;

#[derive(Debug, AuthModel)]
#[auth(role = "session", debug)]
pub struct Login {
    pub session_token: String,
    pub user_id: uuid::Uuid,
    pub expires: chrono::DateTime<chrono::Utc>,
}

fn main() {}
