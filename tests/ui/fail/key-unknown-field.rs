use authmodel::AuthModel;

#[derive(Clone, AuthModel)]
#[auth(role = "session", exact_keys, index(user_id, expiry), unique(sesion_token))]
pub struct Login {
    pub id: i64,
    pub session_token: String,
    pub user_id: uuid::Uuid,
    pub expires: chrono::DateTime<chrono::Utc>,
}

fn main() {}
