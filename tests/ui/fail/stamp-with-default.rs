use authmodel::AuthModel;
use chrono::{DateTime, Utc};

#[derive(AuthModel)]
#[auth(role = "user")]
pub struct Member {
    pub id: uuid::Uuid,
    pub email: String,
    #[auth(created_at, default = "2024-01-01T00:00:00Z")]
    pub created_at: DateTime<Utc>,
}

fn main() {}
