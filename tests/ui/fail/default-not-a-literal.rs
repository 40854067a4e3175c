use authmodel::AuthModel;

#[derive(Clone, AuthModel)]
#[auth(role = "user")]
pub struct Member {
    pub id: uuid::Uuid,
    pub email: String,
    #[auth(default = b'x')]
    pub grade: Option<String>,
}

fn main() {}
