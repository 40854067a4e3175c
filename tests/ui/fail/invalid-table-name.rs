use authmodel::AuthModel;

#[derive(Clone, AuthModel)]
#[auth(role = "user", table = "app users; drop table x")]
pub struct Member {
    pub id: uuid::Uuid,
    pub email: String,
}

fn main() {}
