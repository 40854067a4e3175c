use authmodel::AuthModel;

#[derive(Clone, AuthModel)]
#[auth(role = "user")]
pub struct Member {
    pub id: uuid::Uuid,
    pub name: Option<String>,
}

fn main() {}
