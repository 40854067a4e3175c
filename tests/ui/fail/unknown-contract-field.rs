use authmodel::AuthModel;

#[derive(AuthModel)]
#[auth(role = "session")]
pub struct Login {
    pub session_token: String,
    pub user_id: uuid::Uuid,
    #[auth(field = "expiry")]
    pub valid_until: chrono::DateTime<chrono::Utc>,
}

fn main() {}
