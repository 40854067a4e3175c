use authmodel::AuthModel;

#[derive(AuthModel)]
#[auth(role = "user")]
pub struct Member {
    #[auth(id = "uuid_v9")]
    pub id: uuid::Uuid,
    pub email: String,
}

fn main() {}
