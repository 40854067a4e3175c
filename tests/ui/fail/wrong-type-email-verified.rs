use authmodel::AuthModel;

#[derive(Clone, AuthModel)]
#[auth(role = "user")]
pub struct Member {
    pub id: uuid::Uuid,
    pub email: String,
    pub email_verified: bool,
}

fn main() {}
