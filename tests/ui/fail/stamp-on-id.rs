use authmodel::AuthModel;

#[derive(AuthModel)]
#[auth(role = "user")]
pub struct Member {
    #[auth(id, created_at)]
    pub id: uuid::Uuid,
    pub email: String,
}

fn main() {}
