use authmodel::AuthModel;
use chrono::{DateTime, Utc};

#[derive(AuthModel)]
#[auth(role = "user")]
pub struct Member {
    pub id: uuid::Uuid,
    pub email: String,
    #[auth(skip, updated_at)]
    pub updated_at: DateTime<Utc>,
}

fn main() {}
