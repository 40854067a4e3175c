use authmodel::AuthModel;

#[derive(AuthModel)]
#[auth(role = "session")]
pub struct Login {
    pub session_token: String,
    pub user_id: uuid::Uuid,
    pub expires: chrono::DateTime<chrono::Utc>,
    #[auth(epoch_ms)]
    pub last_seen: String,
}

fn main() {}
