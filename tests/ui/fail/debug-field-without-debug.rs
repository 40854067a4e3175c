use authmodel::AuthModel;

pub struct Cache;

#[derive(AuthModel)]
#[auth(role = "session", debug)]
pub struct Login {
    pub session_token: String,
    pub user_id: uuid::Uuid,
    pub expires: chrono::DateTime<chrono::Utc>,
    #[auth(skip)]
    pub cache: Option<Cache>,
}

fn main() {}
