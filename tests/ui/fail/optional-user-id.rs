use authmodel::AuthModel;

#[derive(AuthModel)]
#[auth(role = "user")]
pub struct Member {
    pub id: Option<uuid::Uuid>,
    pub email: String,
}

fn main() {}
