use authmodel::AuthModel;
use chrono::{DateTime, Utc};

#[derive(AuthModel)]
#[auth(role = "user")]
pub struct Member {
    pub id: uuid::Uuid,
    pub email: String,
    #[auth(created_at)]
    pub created_at: String,
    #[auth(updated_at)]
    pub updated_at: DateTime<Utc>,
}

fn main() {}
