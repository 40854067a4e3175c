//! `created_at` and `updated_at`, optional or not; a database default for an id; optional ids
//! on the models other tables do not reference.

use authmodel::AuthModel;
use chrono::{DateTime, Utc};

#[derive(AuthModel)]
#[auth(role = "user")]
pub struct Member {
    #[auth(id, db_default)]
    pub id: uuid::Uuid,
    pub email: String,
    #[auth(created_at)]
    pub created_at: DateTime<Utc>,
    #[auth(updated_at)]
    pub updated_at: Option<DateTime<Utc>>,
}

#[derive(AuthModel)]
#[auth(role = "session")]
pub struct Login {
    #[auth(db_default)]
    pub id: Option<String>,
    pub session_token: String,
    pub user_id: uuid::Uuid,
    pub expires: DateTime<Utc>,
    #[auth(updated_at, epoch_ms)]
    pub updated_at: DateTime<Utc>,
}

#[derive(AuthModel)]
#[auth(role = "account")]
pub struct Link {
    #[auth(id = "uuid_v7")]
    pub id: Option<uuid::Uuid>,
    pub user_id: uuid::Uuid,
    #[auth(column = "type")]
    pub kind: String,
    pub provider: String,
    pub provider_account_id: String,
}

fn main() {}
