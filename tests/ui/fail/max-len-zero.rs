use authmodel::AuthModel;

#[derive(Clone, AuthModel)]
#[auth(role = "user")]
pub struct Member {
    pub id: uuid::Uuid,
    pub email: String,
    #[auth(max_len = 0)]
    pub phone: Option<String>,
}

fn main() {}
