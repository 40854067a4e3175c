use authmodel::AuthModel;

#[derive(Clone, AuthModel)]
pub struct Member {
    pub id: uuid::Uuid,
    pub email: String,
}

fn main() {}
