use authmodel::AuthModel;
use chrono::{DateTime, Utc};

#[derive(AuthModel)]
#[auth(role = "user")]
pub struct Member {
    pub id: uuid::Uuid,
    pub email: String,
    #[auth(updated_at)]
    pub updated_at: DateTime<Utc>,
    #[auth(updated_at)]
    pub changed_at: DateTime<Utc>,
}

fn main() {}
