use authmodel::AuthModel;
use chrono::{DateTime, Utc};

#[derive(AuthModel)]
#[auth(role = "user")]
pub struct Member {
    pub id: uuid::Uuid,
    pub email: String,
    #[auth(created_at, updated_at)]
    pub stamped_at: DateTime<Utc>,
}

fn main() {}
