use authmodel::AuthModel;

#[derive(Clone, AuthModel)]
#[auth(role = "user")]
pub struct Member<T> {
    pub id: uuid::Uuid,
    pub email: String,
    pub extra: T,
}

fn main() {}
