use authmodel::AuthModel;

#[derive(Clone, AuthModel)]
#[auth(role = "member")]
pub struct Member {
    pub id: uuid::Uuid,
    pub email: String,
}

fn main() {}
