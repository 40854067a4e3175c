use authmodel::AuthModel;

// A field named twice, a key name no dialect takes, a named primary key, a skipped field.
#[derive(Clone, AuthModel)]
#[auth(
    role = "session",
    index(user_id, user_id),
    unique(session_token, name = "bad name"),
    primary_key(session_token, name = "Session_pk"),
    index(note)
)]
pub struct Login {
    pub session_token: String,
    pub user_id: uuid::Uuid,
    pub expires: chrono::DateTime<chrono::Utc>,
    #[auth(skip)]
    pub note: String,
}

fn main() {}
