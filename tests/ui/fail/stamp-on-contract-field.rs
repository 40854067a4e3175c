use authmodel::AuthModel;
use chrono::{DateTime, Utc};

#[derive(AuthModel)]
#[auth(role = "session")]
pub struct Login {
    pub session_token: String,
    pub user_id: uuid::Uuid,
    #[auth(updated_at)]
    pub expires: DateTime<Utc>,
}

fn main() {}
