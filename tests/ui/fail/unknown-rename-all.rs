use authmodel::AuthModel;

#[derive(AuthModel)]
#[auth(role = "user", rename_all = "kebab-case")]
pub struct Member {
    pub id: uuid::Uuid,
    pub email: String,
}

fn main() {}
