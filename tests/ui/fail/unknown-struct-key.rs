use authmodel::AuthModel;

#[derive(Clone, AuthModel)]
#[auth(role = "user", tabel = "members")]
pub struct Member {
    pub id: uuid::Uuid,
    pub email: String,
}

fn main() {}
