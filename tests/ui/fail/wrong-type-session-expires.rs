use authmodel::AuthModel;

#[derive(Clone, AuthModel)]
#[auth(role = "session")]
pub struct Login {
    pub session_token: String,
    pub user_id: uuid::Uuid,
    pub expires: String,
}

fn main() {}
