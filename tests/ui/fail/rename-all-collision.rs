use authmodel::AuthModel;

#[derive(AuthModel)]
#[auth(role = "user", rename_all = "lowercase")]
pub struct Member {
    pub id: uuid::Uuid,
    pub email: String,
    pub nick_name: Option<String>,
    pub nickname: Option<String>,
}

fn main() {}
