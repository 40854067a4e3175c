use authmodel::AuthModel;

#[derive(Clone, AuthModel)]
#[auth(role = "user")]
pub struct Member {
    pub id: uuid::Uuid,
    pub email: String,
    #[auth(skip, column = "cache")]
    pub cache: Option<String>,
}

fn main() {}
